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
use crate::server::files::{PhotoKind, photo_path};
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

/// A photo a database records: where its file lies below a photo folder (and where it
/// lay before each kind had a folder).
struct PhotoFile {
    path: PathBuf,
    legacy: PathBuf,
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
            let path = photo_path(Path::new(""), company, kind, id, &content_type);
            let legacy = Path::new(&company.to_string())
                .join(path.file_name().map(PathBuf::from).unwrap_or_default());
            out.push(PhotoFile { path, legacy });
        }
    }
    Ok(out)
}

/// Copies the recorded photos from `from` to `to` (same relative paths), trying a file
/// not found once more after a moment (its upload may be placing it).
async fn copy_photos(photos: &[PhotoFile], from: &Path, to: &Path) -> anyhow::Result<Copied> {
    let mut copied = Copied::default();
    for p in photos {
        let mut found = None;
        for attempt in 0..2 {
            if attempt > 0 {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
            for rel in [&p.path, &p.legacy] {
                if tokio::fs::try_exists(from.join(rel)).await.unwrap_or(false) {
                    found = Some(rel);
                    break;
                }
            }
            if found.is_some() {
                break;
            }
        }
        let Some(rel) = found else {
            copied.missing.push(p.path.clone());
            continue;
        };
        let target = to.join(rel);
        if let Some(dir) = target.parent() {
            tokio::fs::create_dir_all(dir)
                .await
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        copied.bytes += tokio::fs::copy(from.join(rel), &target)
            .await
            .with_context(|| format!("copying {}", from.join(rel).display()))?;
        copied.photos += 1;
    }
    Ok(copied)
}

/// Writes a backup of the live database (`pool`) and its photos (`photo_dir`) into the
/// new folder `target`, while the app keeps serving. Refuses a folder that exists and is
/// not empty.
pub async fn backup(
    pool: &crate::server::db::Pool,
    photo_dir: &Path,
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
    let copied = copy_photos(&photos, photo_dir, &target.join(PHOTO_FOLDER)).await?;
    let mut about = format!(
        "Qudao backup\nwritten: {}\nversion: {}\ndatabase: {DATABASE_FILE}\nphotos: {} files, {} bytes, in {PHOTO_FOLDER}/\n",
        chrono::Utc::now().to_rfc3339(),
        env!("CARGO_PKG_VERSION"),
        copied.photos,
        copied.bytes,
    );
    for m in &copied.missing {
        about.push_str(&format!(
            "missing in the live photo folder: {}\n",
            m.display()
        ));
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
/// the file of `database_url` (which must not exist yet), the photos go under
/// `photo_dir` (which must be missing or empty). The copy is checked before it is put in
/// place, and migrated to this version afterwards.
pub async fn restore(
    source: &Path,
    database_url: &str,
    photo_dir: &Path,
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
    if photo_dir.exists()
        && std::fs::read_dir(photo_dir)
            .with_context(|| format!("{} is not a folder", photo_dir.display()))?
            .next()
            .is_some()
    {
        bail!(
            "the photo folder {} is not empty; restore only into an empty data folder",
            photo_dir.display()
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
    let placed = async {
        tokio::fs::copy(&backed_up, &part)
            .await
            .with_context(|| format!("copying {} to {}", backed_up.display(), part.display()))?;
        let copied = copy_photos(&photos, &source.join(PHOTO_FOLDER), photo_dir).await?;
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
            let _ = std::fs::remove_dir_all(photo_dir);
            return Err(e);
        }
    };
    let pool = crate::server::db::connect(database_url).await?;
    crate::server::db::migrate(&pool).await?;
    pool.close().await;
    Ok(copied)
}
