//! The operator's command line, run in-process on temporary databases.
use clap::Parser as _;
use qudao::server::cli::{Cli, run};
use qudao::server::config::Config;
use qudao::server::db;

fn config_for(dir: &tempfile::TempDir, file: &str) -> Config {
    Config {
        database_url: format!("sqlite://{}", dir.path().join(file).display()),
        ..Config::default()
    }
}

async fn qudao(args: &[&str], config: &Config) -> anyhow::Result<()> {
    let mut argv = vec!["qudao"];
    argv.extend_from_slice(args);
    run(Cli::try_parse_from(argv)?, config.clone()).await
}

#[tokio::test]
async fn migrate_then_seed_creates_the_demo_company_once() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_for(&dir, "cli.db");
    qudao(&["migrate"], &config).await.unwrap();
    qudao(&["seed-demo"], &config).await.unwrap();
    let err = qudao(&["seed-demo"], &config).await.unwrap_err();
    assert!(err.to_string().contains("already holds a company"), "{err}");
    let pool = db::connect(&config.database_url).await.unwrap();
    let staff: i64 = sqlx::query_scalar("SELECT count(*) FROM employees")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(staff, 11);
}

#[tokio::test]
async fn backup_writes_a_copy_and_refuses_to_overwrite_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_for(&dir, "live.db");
    qudao(&["seed-demo"], &config).await.unwrap();
    let target = dir.path().join("copies").join("backup.db");
    let target_arg = target.to_string_lossy().to_string();
    qudao(&["backup", &target_arg], &config).await.unwrap();
    let copy = db::connect(&format!("sqlite://{target_arg}"))
        .await
        .unwrap();
    let staff: i64 = sqlx::query_scalar("SELECT count(*) FROM employees")
        .fetch_one(&copy)
        .await
        .unwrap();
    assert_eq!(staff, 11);
    let err = qudao(&["backup", &target_arg], &config).await.unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
}

#[tokio::test]
async fn user_add_rejects_bad_input_before_touching_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_for(&dir, "users.db");
    let err = qudao(
        &[
            "user",
            "add",
            "--role",
            "rep",
            "--login",
            "x",
            "--name",
            "小王",
            "--password-stdin",
        ],
        &config,
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("login"), "{err}");
    assert!(!dir.path().join("users.db").exists());
    // an unknown role is refused by the argument parser itself
    assert!(
        Cli::try_parse_from([
            "qudao", "user", "add", "--role", "boss", "--login", "xw", "--name", "x"
        ])
        .is_err()
    );
}

#[tokio::test]
async fn customers_export_and_import_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_for(&dir, "cli-customers.db");
    qudao(&["seed-demo"], &config).await.unwrap();
    let out = dir.path().join("all.xlsx").to_string_lossy().to_string();
    qudao(
        &["export", "customers", "--format", "xlsx", "--output", &out],
        &config,
    )
    .await
    .unwrap();
    // the export reads back without a change
    qudao(&["import", "customers", &out, "--update"], &config)
        .await
        .unwrap();
    let pool = db::connect(&config.database_url).await.unwrap();
    let edits: i64 = sqlx::query_scalar("SELECT count(*) FROM customer_history WHERE field <> ''")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(edits, 0);
    // one bad row: an error naming the row, and nothing imported
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "code,name,kind\nC-1,好店,二批\nC-2,坏店,批发\n").unwrap();
    let err = qudao(&["import", "customers", &bad.to_string_lossy()], &config)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("nothing was imported"), "{err}");
    let good = dir.path().join("good.csv");
    std::fs::write(&good, "code,name,kind\nC-1,好店,二批\n").unwrap();
    qudao(&["import", "customers", &good.to_string_lossy()], &config)
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM customers WHERE code LIKE 'C-%'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 1);
}
