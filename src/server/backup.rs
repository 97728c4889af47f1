//! Backups an operator can restore: a folder holding a consistent copy of the database
//! and exactly the photo files that copy records.
//!
//! ```text
//! <folder>/qudao.db                                   SQLite: VACUUM INTO, one snapshot
//! <folder>/qudao.pgdump                               PostgreSQL: pg_dump --format=custom
//! <folder>/photos.txt                                 PostgreSQL: the photos it records
//! <folder>/photos/<company>/<kind>/<id>.<ext>          the photos of that snapshot
//! <folder>/backup.txt                                  what it holds (for a person)
//! ```
//!
//! On PostgreSQL, `pg_dump` runs in a snapshot exported by a transaction of ours, which
//! reads the photo rows in the same snapshot, so the dump and the photos agree exactly
//! while the app keeps serving. A restore loads the photos first, then the dump with
//! `pg_restore --single-transaction`: a failure leaves the database empty and takes the
//! photos back out.
//!
//! The database is copied first, then the photos its photo rows name: a photo uploaded
//! meanwhile is not in the copy and so not needed; a photo whose row was committed just
//! before the copy is placed right after its commit, so a file not found at once is
//! looked for again before it is reported missing. Restoring copies the folder into an
//! empty data folder, then applies the migrations of this version.
use crate::server::config::Config;
use crate::server::db::Pool;
use crate::server::files::{PhotoKind, PhotoStore, legacy_photo_key, photo_key};
use anyhow::{Context as _, bail};
use sqlx::SqlitePool;
use std::path::{Path, PathBuf};
use std::str::FromStr as _;

/// The database file's name inside a backup folder.
pub const DATABASE_FILE: &str = "qudao.db";
/// A PostgreSQL backup's dump (`pg_dump --format=custom`) inside a backup folder.
pub const DUMP_FILE: &str = "qudao.pgdump";
/// A PostgreSQL backup's list of the photos its dump records, one key per line.
pub const PHOTO_LIST: &str = "photos.txt";
/// The photo folder's name inside a backup folder.
pub const PHOTO_FOLDER: &str = "photos";
/// What a backup holds, for a person; written last, so a backup without it is partial.
pub const ABOUT_FILE: &str = "backup.txt";

/// What a backup or a restore copied.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Copied {
    pub photos: usize,
    pub bytes: u64,
    /// Photos the database records whose file was found nowhere (relative paths).
    pub missing: Vec<PathBuf>,
}

/// A photo a database records: its key in a photo store, which is also its path below a
/// backup's photo folder (and where it lay before each kind had a folder).
struct PhotoFile {
    key: String,
    legacy: String,
}

async fn recorded_photos(pool: &SqlitePool) -> anyhow::Result<Vec<PhotoFile>> {
    let mut out = Vec::new();
    for kind in PhotoKind::ALL {
        let rows: Vec<(uuid::Uuid, uuid::Uuid, String)> = sqlx::query_as(&format!(
            "SELECT company_id, id, content_type FROM {}",
            kind.table()
        ))
        .fetch_all(pool)
        .await
        .with_context(|| format!("reading {}", kind.table()))?;
        out.extend(rows.into_iter().map(|row| PhotoFile::of(kind, row)));
    }
    Ok(out)
}

/// The photos a PostgreSQL database records, read in `conn`'s transaction.
async fn recorded_photos_pg(conn: &mut sqlx::PgConnection) -> anyhow::Result<Vec<PhotoFile>> {
    let mut out = Vec::new();
    for kind in PhotoKind::ALL {
        let rows: Vec<(uuid::Uuid, uuid::Uuid, String)> = sqlx::query_as(&format!(
            "SELECT company_id, id, content_type FROM {}",
            kind.table()
        ))
        .fetch_all(&mut *conn)
        .await
        .with_context(|| format!("reading {}", kind.table()))?;
        out.extend(rows.into_iter().map(|row| PhotoFile::of(kind, row)));
    }
    Ok(out)
}

impl PhotoFile {
    fn of(kind: PhotoKind, (company, id, content_type): (uuid::Uuid, uuid::Uuid, String)) -> Self {
        let company = crate::domain::ids::CompanyId(company);
        PhotoFile {
            key: photo_key(company, kind, id, &content_type),
            legacy: legacy_photo_key(company, id, &content_type),
        }
    }
}

/// Copies the recorded photos from the live `store` into the folder `to` (their keys as
/// paths), trying a photo not found once more after a moment (its upload may be
/// placing it).
async fn save_photos(
    photos: &[PhotoFile],
    store: &PhotoStore,
    to: &Path,
) -> anyhow::Result<Copied> {
    let mut copied = Copied::default();
    for p in photos {
        let mut found = None;
        for attempt in 0..2 {
            if attempt > 0 {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
            for key in [&p.key, &p.legacy] {
                if let Some(bytes) = store
                    .read(key)
                    .await
                    .with_context(|| format!("reading photo {key} from {}", store.location()))?
                {
                    found = Some((key, bytes));
                    break;
                }
            }
            if found.is_some() {
                break;
            }
        }
        let Some((key, bytes)) = found else {
            copied.missing.push(PathBuf::from(&p.key));
            continue;
        };
        let target = to.join(key);
        if let Some(dir) = target.parent() {
            tokio::fs::create_dir_all(dir)
                .await
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        tokio::fs::write(&target, &bytes)
            .await
            .with_context(|| format!("writing {}", target.display()))?;
        copied.bytes += bytes.len() as u64;
        copied.photos += 1;
    }
    Ok(copied)
}

/// Copies the recorded photos from a backup's folder `from` into the empty `store`,
/// naming what it wrote in `written` (so a failed restore can take it back).
async fn load_photos(
    photos: &[PhotoFile],
    from: &Path,
    store: &PhotoStore,
    written: &mut Vec<String>,
) -> anyhow::Result<Copied> {
    let mut copied = Copied::default();
    for p in photos {
        let mut found = None;
        for key in [&p.key, &p.legacy] {
            match tokio::fs::read(from.join(key)).await {
                Ok(bytes) => {
                    found = Some((key, bytes));
                    break;
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(e).with_context(|| format!("reading {}", from.join(key).display()));
                }
            }
        }
        let Some((key, bytes)) = found else {
            copied.missing.push(PathBuf::from(&p.key));
            continue;
        };
        let size = bytes.len() as u64;
        store
            .write(key, bytes.into())
            .await
            .with_context(|| format!("writing photo {key} to {}", store.location()))?;
        written.push(key.clone());
        copied.bytes += size;
        copied.photos += 1;
    }
    Ok(copied)
}

/// Writes a backup of the live database (`pool`, at `config.database_url`) and its
/// photos (`store`) into the new folder `target`, while the app keeps serving. Refuses a
/// folder that exists and is not empty.
pub async fn backup(
    pool: &crate::server::db::Pool,
    store: &PhotoStore,
    target: &Path,
    config: &Config,
) -> anyhow::Result<Copied> {
    if target.exists()
        && std::fs::read_dir(target)
            .with_context(|| format!("{} is not a folder", target.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} already exists and is not empty; choose a new folder",
            target.display()
        );
    }
    std::fs::create_dir_all(target)
        .with_context(|| format!("cannot create {}", target.display()))?;
    let (database, photos) = match pool {
        Pool::Sqlite(_) => {
            let database = target.join(DATABASE_FILE);
            crate::server::db::backup(pool, &database).await?;
            // the photos the copy records, read from the copy itself
            let copy = open_read_only(&database).await?;
            let photos = recorded_photos(&copy).await?;
            copy.close().await;
            (DATABASE_FILE, photos)
        }
        Pool::Postgres(pg) => {
            let photos = dump_postgres(pg, &target.join(DUMP_FILE), config).await?;
            let list: String = photos
                .iter()
                .map(|p| format!("{} {}\n", p.key, p.legacy))
                .collect();
            std::fs::write(target.join(PHOTO_LIST), list)
                .with_context(|| format!("cannot write {}", target.display()))?;
            (DUMP_FILE, photos)
        }
    };
    let copied = save_photos(&photos, store, &target.join(PHOTO_FOLDER)).await?;
    let mut about = format!(
        "Qudao backup\nwritten: {}\nversion: {}\ndatabase: {database}\nphotos: {} files, {} bytes, in {PHOTO_FOLDER}/\n",
        chrono::Utc::now().to_rfc3339(),
        env!("CARGO_PKG_VERSION"),
        copied.photos,
        copied.bytes,
    );
    for m in &copied.missing {
        about.push_str(&format!("missing in the live photos: {}\n", m.display()));
    }
    about.push_str("restore: qudao restore <this folder> (into an empty data folder)\n");
    std::fs::write(target.join(ABOUT_FILE), about)
        .with_context(|| format!("cannot write {}", target.display()))?;
    Ok(copied)
}

/// Dumps the PostgreSQL database into `file` with `pg_dump`, in a snapshot in which it
/// also reads the photos the dump records (answered).
async fn dump_postgres(
    pool: &sqlx::PgPool,
    file: &Path,
    config: &Config,
) -> anyhow::Result<Vec<PhotoFile>> {
    let mut tx = pool.begin().await.context("cannot reach the database")?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    let snapshot: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
        .fetch_one(&mut *tx)
        .await?;
    let photos = recorded_photos_pg(&mut tx).await?;
    // the snapshot lives as long as this transaction: pg_dump runs meanwhile
    let mut dump = pg_program(config, "pg_dump")?;
    dump.arg("--format=custom")
        .arg(format!("--snapshot={snapshot}"))
        .arg("--no-owner")
        .arg("--file")
        .arg(file);
    run(dump).await?;
    // the dump is whole; a server that ends idle transactions may have ended this one
    if let Err(e) = tx.commit().await {
        tracing::warn!(error = %e, "the snapshot's transaction did not end cleanly");
    }
    Ok(photos)
}

/// A PostgreSQL client program (from `QUDAO_PG_BIN` if set, else found on `PATH`) for
/// the configured database: its URL, without the password, is the last argument, the
/// password goes by `PGPASSWORD` (a command line is visible to every local user).
fn pg_program(config: &Config, name: &str) -> anyhow::Result<std::process::Command> {
    let mut command = match &config.pg_bin {
        Some(dir) => std::process::Command::new(dir.join(name)),
        None => std::process::Command::new(name),
    };
    let (url, password) = crate::server::db::without_password(&config.database_url)?;
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    command.arg("--dbname").arg(url);
    Ok(command)
}

/// Runs `command` off the async threads; its error output becomes the error.
async fn run(mut command: std::process::Command) -> anyhow::Result<()> {
    let program = command.get_program().to_string_lossy().to_string();
    let output = tokio::task::spawn_blocking(move || command.output())
        .await?
        .with_context(|| {
            format!(
                "cannot run {program}: install PostgreSQL's client programs or set QUDAO_PG_BIN"
            )
        })?;
    if !output.status.success() {
        bail!(
            "{program} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

async fn open_read_only(file: &Path) -> anyhow::Result<SqlitePool> {
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(file)
        .read_only(true);
    sqlx::SqlitePool::connect_with(options)
        .await
        .with_context(|| format!("cannot open {}", file.display()))
}

/// The file of a `sqlite://` database URL (a plain path is one too).
pub fn database_file(url: &str) -> anyhow::Result<PathBuf> {
    let url = crate::server::db::sqlite_url(url)?;
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(&url)
        .with_context(|| format!("{url:?} is not a SQLite database URL"))?;
    let file = options.get_filename().to_path_buf();
    if file.as_os_str().is_empty() || file.to_string_lossy().contains(":memory:") {
        bail!("{url} is not a database file; restore needs one");
    }
    Ok(file)
}

/// Restores the backup folder `source` into an empty data folder: the database becomes
/// the file of `database_url` (which must not exist yet), the photos go into `store`
/// (which must be empty). The copy is checked before it is put in place, and migrated to
/// this version afterwards.
pub async fn restore(source: &Path, config: &Config, store: &PhotoStore) -> anyhow::Result<Copied> {
    let database_url = config.database_url.as_str();
    if crate::server::db::is_postgres_url(database_url) {
        return restore_postgres(source, config, store).await;
    }
    let database = database_file(database_url)?;
    let backed_up = source.join(DATABASE_FILE);
    if source.join(DUMP_FILE).is_file() {
        bail!(
            "{} is a backup of a PostgreSQL database; restore it with QUDAO_DATABASE_URL=postgres://…",
            source.display()
        );
    }
    if !backed_up.is_file() {
        bail!(
            "{} holds no {DATABASE_FILE}; is it a folder written by qudao backup?",
            source.display()
        );
    }
    // backup.txt is written last: without it the backup stopped half-way
    if !source.join(ABOUT_FILE).is_file() {
        bail!(
            "{} holds no {ABOUT_FILE}: the backup did not finish; use another one",
            source.display()
        );
    }
    // a journal left beside the target would be replayed onto the restored file
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let file = PathBuf::from(format!("{}{suffix}", database.display()));
        if file.exists() {
            bail!(
                "{} already exists; restore only into an empty data folder (move the old one away first)",
                file.display()
            );
        }
    }
    refuse_photos_in(store).await?;
    // check the copy where it lies, read only
    let copy = open_read_only(&backed_up).await?;
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&copy)
        .await
        .with_context(|| format!("{} is not a readable database", backed_up.display()))?;
    if check != "ok" {
        bail!("{} is damaged: {check}", backed_up.display());
    }
    let photos = recorded_photos(&copy).await?;
    copy.close().await;
    // the database under a temporary name, renamed once whole
    if let Some(dir) = database.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let part = database.with_extension("restoring");
    let mut written = Vec::new();
    let placed = async {
        tokio::fs::copy(&backed_up, &part)
            .await
            .with_context(|| format!("copying {} to {}", backed_up.display(), part.display()))?;
        let copied = load_photos(&photos, &source.join(PHOTO_FOLDER), store, &mut written).await?;
        std::fs::rename(&part, &database)
            .with_context(|| format!("cannot put {} in place", database.display()))?;
        anyhow::Ok(copied)
    }
    .await;
    let copied = match placed {
        Ok(c) => c,
        Err(e) => {
            // leave the data folder as empty as it was, so the restore can be run again
            let _ = std::fs::remove_file(&part);
            take_back(store, &written).await;
            return Err(e);
        }
    };
    let pool = crate::server::db::connect(database_url).await?;
    crate::server::db::migrate(&pool).await?;
    pool.close().await;
    Ok(copied)
}

/// Restores the PostgreSQL backup folder `source` into the empty database of
/// `config.database_url` and the empty `store`: the photos first, then the dump in one
/// transaction; on a failure the photos written are taken back out.
async fn restore_postgres(
    source: &Path,
    config: &Config,
    store: &PhotoStore,
) -> anyhow::Result<Copied> {
    let dump = source.join(DUMP_FILE);
    if !dump.is_file() {
        if source.join(DATABASE_FILE).is_file() {
            bail!(
                "{} is a backup of a SQLite database; restore it with QUDAO_DATABASE_URL=sqlite://…",
                source.display()
            );
        }
        bail!(
            "{} holds no {DUMP_FILE}; is it a folder written by qudao backup?",
            source.display()
        );
    }
    if !source.join(ABOUT_FILE).is_file() {
        bail!(
            "{} holds no {ABOUT_FILE}: the backup did not finish; use another one",
            source.display()
        );
    }
    let list = std::fs::read_to_string(source.join(PHOTO_LIST))
        .with_context(|| format!("{} holds no readable {PHOTO_LIST}", source.display()))?;
    let mut photos = Vec::new();
    for (n, line) in list.lines().enumerate() {
        // keys become paths below the backup folder: only the shape the backup writes
        match line.split_once(' ') {
            Some((key, legacy)) if is_photo_key(key) && is_photo_key(legacy) => {
                photos.push(PhotoFile {
                    key: key.to_owned(),
                    legacy: legacy.to_owned(),
                });
            }
            _ => bail!(
                "{}, line {}: not a photo of a Qudao backup: {line:?}",
                source.join(PHOTO_LIST).display(),
                n + 1
            ),
        }
    }
    let pool = crate::server::db::connect(&config.database_url).await?;
    let Pool::Postgres(pg) = &pool else {
        bail!("the configured database is not a PostgreSQL database");
    };
    // tables, views and sequences in any schema of the database's own
    let tables: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_catalog.pg_class c \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') \
           AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'",
    )
    .fetch_one(pg)
    .await
    .context("cannot read the database")?;
    if tables > 0 {
        bail!(
            "the database already holds {tables} tables, views or sequences; restore only into an empty database (createdb a new one)"
        );
    }
    refuse_photos_in(store).await?;
    let mut written = Vec::new();
    let restored = async {
        let copied = load_photos(&photos, &source.join(PHOTO_FOLDER), store, &mut written).await?;
        let mut load = pg_program(config, "pg_restore")?;
        load.arg("--single-transaction")
            .arg("--exit-on-error")
            .arg("--no-owner")
            .arg("--no-privileges")
            .arg(&dump);
        run(load).await?;
        anyhow::Ok(copied)
    }
    .await;
    let copied = match restored {
        Ok(c) => c,
        Err(e) => {
            take_back(store, &written).await;
            return Err(e);
        }
    };
    crate::server::db::migrate(&pool).await?;
    // pg_restore brings no planner statistics: without them the first pages over a
    // restored ledger are planned for empty tables
    pool.refresh_statistics(&[]).await;
    pool.close().await;
    Ok(copied)
}

/// Refuses a restore into a photo store that holds any photo.
async fn refuse_photos_in(store: &PhotoStore) -> anyhow::Result<()> {
    let empty = store
        .is_empty()
        .await
        .with_context(|| format!("cannot read the photos in {}", store.location()))?;
    if !empty {
        bail!(
            "the photos {} are not empty; restore only into an empty data folder",
            store.location()
        );
    }
    Ok(())
}

/// Removes the photos a failed restore wrote, so that it can be run again; a photo that
/// cannot be removed is named (the next restore would find the store not empty).
async fn take_back(store: &PhotoStore, written: &[String]) {
    for key in written {
        if let Err(e) = store.remove(key).await {
            tracing::error!(error = %e, key, "a restored photo was not taken back");
            eprintln!(
                "warning: remove {key} from {} by hand before restoring again: {e}",
                store.location()
            );
        }
    }
}

/// Whether `key` has the shape of a photo key (`<company>/<kind>/<id>.<ext>`, or an older
/// `<company>/<id>.<ext>`): relative, no `.` or `..` part, plain characters only.
fn is_photo_key(key: &str) -> bool {
    let parts: Vec<&str> = key.split('/').collect();
    (2..=3).contains(&parts.len())
        && parts.iter().all(|p| {
            !p.is_empty()
                && !p.starts_with('.')
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_photo_list_names_only_photos_below_the_backup() {
        for good in [
            "0191e2a4-5b6c-7d8e-9f00-112233445566/customers/0191e2a4-5b6c-7d8e-9f00-aabbccddeeff.jpg",
            "0191e2a4-5b6c-7d8e-9f00-112233445566/0191e2a4-5b6c-7d8e-9f00-aabbccddeeff.png",
        ] {
            assert!(is_photo_key(good), "{good}");
        }
        for bad in [
            "/etc/passwd",
            "../../etc/passwd",
            "c/../../x.jpg",
            "c/./x.jpg",
            "c/customers/.hidden",
            "x.jpg",
            "a/b/c/d.jpg",
            "c//x.jpg",
            "c/customers/x y.jpg",
            "c\\customers\\x.jpg",
        ] {
            assert!(!is_photo_key(bad), "{bad}");
        }
    }
}
