//! The database: opening, migrating, backing up, and the repositories (one module per
//! feature). All SQL of the app lives under this folder.
//!
//! Repository functions take `&mut DbConn` (a pooled connection or an open transaction,
//! on SQLite or PostgreSQL: see `engine`) and never commit; server functions own the
//! transaction.
pub mod companies;
pub mod customers;
pub mod development;
pub mod discipline;
pub mod employees;
pub mod handbook;
pub mod orders;
pub mod pricing;
pub mod receivables;
pub mod sales;
pub mod service;
pub mod sessions;
pub mod sign_in;
pub mod snapshots;
pub mod stored;
pub mod tickets;
pub mod tiers;
pub mod visits;

mod engine;

pub use crate::on;
pub use engine::{DbConn, Engine, Pool, is_sqlite};

use anyhow::Context as _;
use sqlx::ConnectOptions as _;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

/// Whether `e` is a passing state another writer caused, so the same request works in a
/// moment: SQLite's "busy" or "locked"; PostgreSQL's lock timeout (55P03), a
/// serialization failure (40001) or a deadlock (40P01).
pub fn is_busy(e: &sqlx::Error) -> bool {
    let sqlx::Error::Database(d) = e else {
        return false;
    };
    if let Some(pg) = d.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        return matches!(pg.code(), "55P03" | "40001" | "40P01");
    }
    d.code()
        .and_then(|c| c.parse::<i32>().ok())
        .is_some_and(|c| matches!(c & 0xff, 5 | 6))
}

/// A write that may meet a unique key (a code, a login, a client's id sent twice): the
/// one place that tells that refusal from other database errors.
pub trait UniqueKey<T>: Sized {
    /// `Ok(None)` when a row with the same key exists; other errors as they were.
    fn unless_taken(self) -> Result<Option<T>, sqlx::Error>;

    /// For a record that may come from a tablet's outbox with the id the tablet gave it
    /// (`client_id`): `Ok(None)` when a row with that id exists — the same record sent
    /// twice at once, and the other request stored it. Without a client id the key is
    /// the server's own, and a clash is an error like any other.
    fn unless_resent<Id>(self, client_id: Option<Id>) -> Result<Option<T>, sqlx::Error>;

    /// The error `taken` gives when a row with the same key exists; other errors as the
    /// caller's error type makes them (for [`AppError`](crate::error::AppError): logged,
    /// answered as internal).
    #[track_caller]
    fn or_taken<E: From<sqlx::Error>>(self, taken: impl FnOnce() -> E) -> Result<T, E> {
        match self.unless_taken() {
            Ok(Some(v)) => Ok(v),
            Ok(None) => Err(taken()),
            Err(e) => Err(E::from(e)),
        }
    }
}

impl<T> UniqueKey<T> for Result<T, sqlx::Error> {
    fn unless_taken(self) -> Result<Option<T>, sqlx::Error> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(sqlx::Error::Database(d)) if d.is_unique_violation() => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn unless_resent<Id>(self, client_id: Option<Id>) -> Result<Option<T>, sqlx::Error> {
        match client_id {
            Some(_) => self.unless_taken(),
            None => self.map(Some),
        }
    }
}

/// Whether `url` names a PostgreSQL database (`postgres://…` or `postgresql://…`).
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// `url` as a SQLite URL: `sqlite://path` and `sqlite::memory:` as they are, a plain file
/// path made into one. Any other scheme (`postgres://…`, `mysql:…`) is refused with what
/// to write instead — never taken for a file path, which would quietly create a SQLite
/// file in a folder named after the scheme.
pub fn sqlite_url(url: &str) -> anyhow::Result<String> {
    if url.starts_with("sqlite:") {
        return Ok(url.to_owned());
    }
    let scheme = url.split_once(':').map(|(s, _)| s).filter(|s| {
        s.len() > 1
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    if let Some(scheme) = scheme {
        anyhow::bail!(
            "QUDAO_DATABASE_URL={url:?}: Qudao cannot serve a {scheme:?} database; use \
             sqlite://path/to/qudao.db (or a plain file path) or postgres://user@host/database"
        );
    }
    Ok(format!("sqlite://{url}"))
}

/// Checks that `url` names a database Qudao can serve (see [`connect`]).
pub fn check_url(url: &str) -> anyhow::Result<()> {
    if is_postgres_url(url) {
        PgConnectOptions::from_str(url).with_context(|| {
            format!(
                "QUDAO_DATABASE_URL={:?} is not a PostgreSQL URL",
                shown_url(url)
            )
        })?;
        return Ok(());
    }
    sqlite_url(url).map(|_| ())
}

/// Opens the database at `url`: PostgreSQL for `postgres://…`, otherwise SQLite (see
/// [`connect_sqlite`]).
pub async fn connect(url: &str) -> anyhow::Result<Pool> {
    if is_postgres_url(url) {
        connect_postgres(url).await.map(Pool::Postgres)
    } else {
        connect_sqlite(url).await.map(Pool::Sqlite)
    }
}

/// A database URL as it may be shown or logged: without its password.
pub fn shown_url(database_url: &str) -> String {
    match url::Url::parse(database_url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(_) => database_url.to_owned(),
        // a plain SQLite path
        Err(_) if !database_url.contains('@') => database_url.to_owned(),
        Err(_) => "(the configured database URL)".to_owned(),
    }
}

/// A PostgreSQL URL for a client program, split so that no password reaches its command
/// line (where `ps` shows it): the URL without the password, and the password (decoded)
/// for `PGPASSWORD`.
pub fn without_password(database_url: &str) -> anyhow::Result<(String, Option<String>)> {
    let mut parsed = url::Url::parse(database_url)
        .map_err(|e| anyhow::anyhow!("the database URL is not a URL: {e}"))?;
    let password = parsed.password().map(|p| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    });
    let _ = parsed.set_password(None);
    Ok((parsed.to_string(), password))
}

/// Opens the PostgreSQL database at `url` (which must exist; migrations make its tables).
async fn connect_postgres(url: &str) -> anyhow::Result<sqlx::PgPool> {
    let options = PgConnectOptions::from_str(url)
        .with_context(|| format!("{:?} is not a PostgreSQL URL", shown_url(url)))?
        .log_statements(tracing::log::LevelFilter::Trace);
    let shown = format!(
        "{}@{}:{}/{}",
        options.get_username(),
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or_default()
    );
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
        .with_context(|| format!("cannot open the PostgreSQL database {shown}"))?;
    Ok(pool)
}

/// Opens (creating if missing) the SQLite database at `url` with WAL, foreign keys and a
/// busy timeout. `url` is `sqlite://path`, `sqlite::memory:` or a plain file path.
pub async fn connect_sqlite(url: &str) -> anyhow::Result<sqlx::SqlitePool> {
    let url = sqlite_url(url)?;
    let options = SqliteConnectOptions::from_str(&url)
        .with_context(|| format!("{url:?} is not a SQLite database URL"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
        // Searches scan tens of megabytes at 100 000 customers: read them from memory
        // (mmap, a 64 MB page cache per connection) rather than a read() per page.
        .pragma("mmap_size", "268435456")
        .pragma("cache_size", "-65536")
        // ANALYZE (server::db::optimize, Pool::refresh_statistics) samples this many rows
        // per index: statistics in milliseconds at 10 million lines
        .pragma("analysis_limit", "1000")
        .log_statements(tracing::log::LevelFilter::Trace);
    let file = options.get_filename().to_path_buf();
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.exists()
    {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the data folder {}", dir.display()))?;
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
        .with_context(|| format!("cannot open the database {}", file.display()))?;
    // Opening is lazy about the file format: ask once so a corrupt or foreign file is
    // reported now, not on the first request.
    sqlx::query("SELECT count(*) FROM sqlite_master")
        .execute(&pool)
        .await
        .with_context(|| format!("{} is not a readable SQLite database", file.display()))?;
    Ok(pool)
}

/// Applies pending migrations (each engine has its own folder: `migrations/sqlite`,
/// `migrations/postgres`). A failure stops start-up.
pub async fn migrate(pool: &Pool) -> anyhow::Result<()> {
    match pool {
        Pool::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(p).await,
        Pool::Postgres(p) => sqlx::migrate!("./migrations/postgres").run(p).await,
    }
    .context("applying database migrations failed; the database was left unchanged")?;
    Ok(())
}

/// Brings SQLite's query statistics up to date, at server start. SQLite plans from the
/// statistics ANALYZE leaves; a database that never had them (every database the app
/// made) is planned from guesses, and a guess read the dashboard's birthdays through the
/// index of *all* active customers (110 000 rows for 400). `optimize` analyses the
/// tables that have no statistics or have grown much since; `analysis_limit` (set on
/// every connection) keeps that to milliseconds per index however large the table. It
/// needs the write lock: behind a long import it gives up, logs, and the next start tries
/// again.
pub async fn optimize(pool: &Pool) {
    if let Pool::Sqlite(p) = pool
        && let Err(e) = sqlx::query("PRAGMA optimize = 0x10002").execute(p).await
    {
        tracing::warn!(error = ?e, "updating the database's query statistics failed");
    }
}

/// Writes a consistent copy of the live database to `target` with `VACUUM INTO`, which
/// reads one snapshot of the database while other connections keep reading and writing.
/// Refuses to overwrite an existing file.
pub async fn backup(pool: &Pool, target: &Path) -> anyhow::Result<PathBuf> {
    let Pool::Sqlite(pool) = pool else {
        anyhow::bail!(
            "this copies a SQLite database; a PostgreSQL database is backed up by \
             pg_dump (server::backup)"
        );
    };
    if target.exists() {
        anyhow::bail!(
            "{} already exists; choose a new file name",
            target.display()
        );
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let path = target.to_string_lossy().to_string();
    sqlx::query("VACUUM INTO ?")
        .bind(&path)
        .execute(pool)
        .await
        .with_context(|| format!("backing up to {path} failed"))?;
    Ok(target.to_path_buf())
}

/// Current time as unix seconds.
pub fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn a_password_is_never_shown_and_goes_apart_for_client_programs() {
        let url = "postgres://qudao:p%40ss%3Aw0rd@db.internal:5432/qudao?sslmode=require";
        let shown = shown_url(url);
        assert!(
            !shown.contains("p%40ss") && !shown.contains("w0rd"),
            "{shown}"
        );
        assert!(
            shown.contains("qudao:***@db.internal:5432/qudao"),
            "{shown}"
        );
        let (bare, password) = without_password(url).unwrap();
        assert_eq!(
            bare,
            "postgres://qudao@db.internal:5432/qudao?sslmode=require"
        );
        assert_eq!(password.as_deref(), Some("p@ss:w0rd"));
        assert_eq!(
            without_password("postgres://u@h/d").unwrap(),
            ("postgres://u@h/d".to_owned(), None)
        );
        assert_eq!(
            shown_url("sqlite://data/qudao.db"),
            "sqlite://data/qudao.db"
        );
        assert_eq!(shown_url("data/qudao.db"), "data/qudao.db");
    }
}
