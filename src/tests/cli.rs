//! The operator's command line, run in-process on temporary databases.
use clap::Parser as _;
use qudao::server::cli::{Cli, run};
use qudao::server::config::Config;
use qudao::server::db;
use qudao::server::db::on;

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
    let staff: i64 = on!(&pool, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM employees"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(staff, 11);
}

/// A PostgreSQL URL given to a command is refused with a clear message; nothing is
/// created — before, a SQLite file appeared in a folder literally named `postgres:`.
#[tokio::test]
async fn a_database_url_sqlite_cannot_serve_is_refused_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("mysql://{}/qudao", dir.path().display());
    let config = Config {
        database_url: url.clone(),
        ..Config::default()
    };
    for args in [&["migrate"][..], &["seed-demo"], &["export", "customers"]] {
        let err = qudao(args, &config).await.unwrap_err();
        assert!(
            format!("{err:#}").contains("cannot serve"),
            "{args:?}: {err:#}"
        );
    }
    assert!(!std::path::Path::new("mysql:").exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// Every file under `dir`, by path relative to it, with its bytes.
fn files_of(dir: &std::path::Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_path_buf();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

#[tokio::test]
async fn a_backup_restores_every_row_and_photo_into_an_empty_data_folder() {
    use qudao::server::files::{PhotoKind, photo_path};
    let dir = tempfile::tempdir().unwrap();
    let mut config = config_for(&dir, "live.db");
    config.photo_dir = dir.path().join("photos");
    qudao(&["seed-demo"], &config).await.unwrap();
    // photos of two kinds, as the app stores them
    let live = db::connect(&config.database_url).await.unwrap();
    let company = qudao::server::seed::DEMO_COMPANY_ID;
    let customer: uuid::Uuid = on!(&live, |ex| sqlx::query_scalar(
        "SELECT id FROM customers LIMIT 1"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    let owner: uuid::Uuid = on!(&live, |ex| sqlx::query_scalar(
        "SELECT id FROM employees WHERE login = 'laoban'"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    for (i, bytes) in [b"\x89PNG storefront".as_slice(), b"\x89PNG display"]
        .into_iter()
        .enumerate()
    {
        let id = uuid::Uuid::new_v4();
        on!(&live, |ex| sqlx::query(
            "INSERT INTO customer_photos (company_id, id, customer_id, kind, content_type, \
             size_bytes, uploaded_by, created_at) VALUES ($1, $2, $3, $4, 'image/png', $5, $6, $7)",
        )
        .bind(company.0)
        .bind(id)
        .bind(customer)
        .bind(if i == 0 { "storefront" } else { "display" })
        .bind(i64::try_from(bytes.len()).unwrap())
        .bind(owner)
        .bind(chrono::Utc::now())
        .execute(ex)
        .await
        .map(|d| d.rows_affected()))
        .unwrap();
        let path = photo_path(
            &config.photo_dir,
            company,
            PhotoKind::Customer,
            id,
            "image/png",
        );
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
    }
    // a leftover of an upload that never committed is not part of the backup
    std::fs::write(config.photo_dir.join("stray.part"), b"half").unwrap();

    let folder = dir.path().join("backups").join("monday");
    let folder_arg = folder.to_string_lossy().to_string();
    qudao(&["backup", &folder_arg], &config).await.unwrap();
    assert!(folder.join("backup.txt").is_file());
    let err = qudao(&["backup", &folder_arg], &config).await.unwrap_err();
    assert!(err.to_string().contains("not empty"), "{err}");

    // restore into a new, empty data folder
    let mut fresh = config_for(&dir, "restored/qudao.db");
    fresh.photo_dir = dir.path().join("restored").join("photos");
    qudao(&["restore", &folder_arg], &fresh).await.unwrap();
    // every row of every table is the same (one connection: ATTACH is per connection)
    let mut conn = live.acquire().await.unwrap();
    on!(conn, |ex| sqlx::query("ATTACH DATABASE ? AS restored")
        .bind(
            dir.path()
                .join("restored/qudao.db")
                .to_string_lossy()
                .to_string(),
        )
        .execute(&mut *ex)
        .await
        .map(|d| d.rows_affected()))
    .unwrap();
    let tables: Vec<String> = on!(conn, |ex| sqlx::query_scalar(
        "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(&mut *ex)
    .await)
    .unwrap();
    assert!(tables.len() > 20, "{tables:?}");
    for t in &tables {
        let differ: i64 = on!(conn, |ex| sqlx::query_scalar(&format!(
            "SELECT (SELECT count(*) FROM (SELECT * FROM main.{t} EXCEPT SELECT * FROM restored.{t})) \
                  + (SELECT count(*) FROM (SELECT * FROM restored.{t} EXCEPT SELECT * FROM main.{t})) \
                  + abs((SELECT count(*) FROM main.{t}) - (SELECT count(*) FROM restored.{t}))"
        ))
        .fetch_one(&mut *ex)
        .await)
        .unwrap();
        assert_eq!(differ, 0, "table {t} differs after the round trip");
    }
    // every photo file is the same, and nothing else came along
    let mut expected = files_of(&config.photo_dir);
    expected.remove(std::path::Path::new("stray.part"));
    assert_eq!(expected.len(), 2);
    assert_eq!(files_of(&fresh.photo_dir), expected);
    // never over a data folder in use
    let err = qudao(&["restore", &folder_arg], &fresh).await.unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
    let err = qudao(&["restore", &folder_arg], &config).await.unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
    // a folder that is not a backup
    let mut other = config_for(&dir, "elsewhere/qudao.db");
    other.photo_dir = dir.path().join("elsewhere").join("photos");
    let not_backup = dir.path().join("backups").to_string_lossy().to_string();
    let err = qudao(&["restore", &not_backup], &other).await.unwrap_err();
    assert!(err.to_string().contains("qudao backup"), "{err}");
}

/// What every table of a PostgreSQL database holds: (table, rows, a digest of them).
async fn pg_fingerprint(url: &str) -> Vec<(String, i64, String)> {
    let pool = db::connect(url).await.unwrap();
    let tables: Vec<String> = on!(&pool, |ex| sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
    )
    .fetch_all(ex)
    .await)
    .unwrap();
    let mut out = Vec::new();
    for t in tables {
        let (rows, digest): (i64, String) = on!(&pool, |ex| sqlx::query_as(&format!(
            "SELECT count(*), coalesce(md5(string_agg(x::text, E'\\n' ORDER BY x::text)), '') FROM {t} x"
        ))
        .fetch_one(ex)
        .await)
        .unwrap();
        out.push((t, rows, digest));
    }
    pool.close().await;
    out
}

/// On PostgreSQL, `qudao backup` and `qudao restore` go through pg_dump and pg_restore:
/// every row of every table and every photo comes back, into an empty database only.
#[tokio::test]
async fn a_postgres_backup_restores_every_row_and_photo_into_an_empty_database() {
    use qudao::server::files::{PhotoKind, photo_path};
    let Some(admin) = crate::pg::cluster() else {
        eprintln!("no QUDAO_TEST_PG: run by `make test` on PostgreSQL");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        database_url: crate::pg::fresh_database(&admin, true).await,
        photo_dir: dir.path().join("photos"),
        pg_bin: crate::helpers::pg_bin(),
        ..Config::default()
    };
    let live = db::connect(&config.database_url).await.unwrap();
    let company = qudao::server::seed::DEMO_COMPANY_ID;
    let (customer, owner): (uuid::Uuid, uuid::Uuid) = on!(&live, |ex| sqlx::query_as(
        "SELECT c.id, e.id FROM customers c, employees e WHERE e.login = 'laoban' LIMIT 1"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    let photo = uuid::Uuid::new_v4();
    on!(&live, |ex| sqlx::query(
        "INSERT INTO customer_photos (company_id, id, customer_id, kind, content_type, \
         size_bytes, uploaded_by, created_at) VALUES ($1, $2, $3, 'storefront', 'image/png', 9, $4, $5)",
    )
    .bind(company.0)
    .bind(photo)
    .bind(customer)
    .bind(owner)
    .bind(chrono::Utc::now())
    .execute(ex)
    .await
    .map(|d| d.rows_affected()))
    .unwrap();
    live.close().await;
    let path = photo_path(
        &config.photo_dir,
        company,
        PhotoKind::Customer,
        photo,
        "image/png",
    );
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, b"\x89PNG one").unwrap();

    let folder = dir.path().join("backups").join("monday");
    let folder_arg = folder.to_string_lossy().to_string();
    qudao(&["backup", &folder_arg], &config).await.unwrap();
    assert!(folder.join("backup.txt").is_file());
    assert!(folder.join("qudao.pgdump").is_file());

    let fresh = Config {
        database_url: crate::pg::empty_database(&admin).await,
        photo_dir: dir.path().join("restored").join("photos"),
        ..config.clone()
    };
    qudao(&["restore", &folder_arg], &fresh).await.unwrap();
    let before = pg_fingerprint(&config.database_url).await;
    assert!(before.len() > 20, "{before:?}");
    assert_eq!(pg_fingerprint(&fresh.database_url).await, before);
    assert_eq!(files_of(&fresh.photo_dir), files_of(&config.photo_dir));
    assert_eq!(files_of(&fresh.photo_dir).len(), 1);

    // never over a database that holds tables; a SQLite URL is told what the backup is
    let err = qudao(&["restore", &folder_arg], &config).await.unwrap_err();
    assert!(err.to_string().contains("already holds"), "{err}");
    let mut sqlite = config_for(&dir, "other.db");
    sqlite.photo_dir = dir.path().join("other-photos");
    let err = qudao(&["restore", &folder_arg], &sqlite).await.unwrap_err();
    assert!(err.to_string().contains("PostgreSQL"), "{err}");
    assert!(!dir.path().join("other.db").exists());
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
    let edits: i64 = on!(&pool, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM customer_history WHERE field <> ''"
    )
    .fetch_one(ex)
    .await)
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
    let n: i64 = on!(&pool, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM customers WHERE code LIKE 'C-%'"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(n, 1);
}
