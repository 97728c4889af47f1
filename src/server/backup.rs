//! Backups an operator can restore: a folder holding a consistent copy of the database
//! and exactly the photo files that copy records.
//!
//! ```text
//! <folder>/qudao.db                                   VACUUM INTO: one snapshot
//! <folder>/photos/<company>/<kind>/<id>.<ext>          the photos of that snapshot
//! <folder>/backup.txt                                  what it holds (for a person)
//! ```
//!
//! The database is copied first, then the photos its photo rows name: a photo uploaded
//! meanwhile is not in the copy and so not needed; a photo whose row was committed just
//! before the copy is placed right after its commit, so a file not found at once is
//! looked for again before it is reported missing. Restoring copies the folder into an
//! empty data folder, then applies the migrations of this version.
use crate::server::files::{PhotoKind, PhotoStore, legacy_photo_key, photo_key};
use anyhow::{Context as _, bail};
use sqlx::SqlitePool;
use std::path::{Path, PathBuf};
use std::str::FromStr as _;

/// The database file's name inside a backup folder.
pub const DATABASE_FILE: &str = "qudao.db";
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
        for (company, id, content_type) in rows {
            let company = crate::domain::ids::CompanyId(company);
            out.push(PhotoFile {
                key: photo_key(company, kind, id, &content_type),
                legacy: legacy_photo_key(company, id, &content_type),
            });
        }
    }
    Ok(out)
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

/// Writes a backup of the live database (`pool`) and its photos (`store`) into the
/// new folder `target`, while the app keeps serving. Refuses a folder that exists and is
/// not empty.
pub async fn backup(
    pool: &crate::server::db::Pool,
    store: &PhotoStore,
    target: &Path,
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
    let database = target.join(DATABASE_FILE);
    crate::server::db::backup(pool, &database).await?;
    // the photos the copy records, read from the copy itself
    let copy = open_read_only(&database).await?;
    let photos = recorded_photos(&copy).await?;
    copy.close().await;
    let copied = save_photos(&photos, store, &target.join(PHOTO_FOLDER)).await?;
    let mut about = format!(
        "Qudao backup\nwritten: {}\nversion: {}\ndatabase: {DATABASE_FILE}\nphotos: {} files, {} bytes, in {PHOTO_FOLDER}/\n",
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
pub async fn restore(
    source: &Path,
    database_url: &str,
    store: &PhotoStore,
) -> anyhow::Result<Copied> {
    let database = database_file(database_url)?;
    let backed_up = source.join(DATABASE_FILE);
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
    if !store
        .is_empty()
        .await
        .with_context(|| format!("cannot read the photos in {}", store.location()))?
    {
        bail!(
            "the photos {} are not empty; restore only into an empty data folder",
            store.location()
        );
    }
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
            for key in &written {
                let _ = store.remove(key).await;
            }
            return Err(e);
        }
    };
    let pool = crate::server::db::connect(database_url).await?;
    crate::server::db::migrate(&pool).await?;
    pool.close().await;
    Ok(copied)
}
