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
