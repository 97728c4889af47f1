//! Where photo files live: a local folder by default (`QUDAO_PHOTO_DIR`), or an
//! S3-compatible bucket (`QUDAO_PHOTO_URL=s3://bucket/prefix`) so that several app
//! servers share them. Both are an [`ObjectStore`]; the rest of the app sees keys
//! (`<company>/<kind>/<id>.<ext>`) and bytes only.
//!
//! A photo is never overwritten: its bytes are first written under a name of their own
//! ([`PhotoStore::stage`], `….part`), and only put in place ([`PhotoStore::place`]) once
//! its row is committed, by a write that refuses an existing file: a hard link in a
//! folder; in a bucket a copy that refuses one where the bucket is configured for it
//! (`AWS_COPY_IF_NOT_EXISTS`), else a conditional put (`If-None-Match: *`, which AWS S3,
//! MinIO and most S3-compatible stores honour).
use axum::body::Bytes;
use futures_util::TryStreamExt as _;
use object_store::path::Path as Key;
use object_store::{ObjectStore, PutPayload};
use std::sync::Arc;

pub use object_store::Error as StoreError;

/// The photo files of this app. Cheap to clone.
#[derive(Clone)]
pub struct PhotoStore {
    inner: Arc<dyn ObjectStore>,
    /// Where it is, for messages: a folder or a bucket URL.
    location: Arc<str>,
}

/// Bytes written under a name of their own, waiting to be put in place.
#[must_use = "a staged file is placed or discarded"]
pub struct Staged(Key);

impl std::fmt::Debug for PhotoStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PhotoStore({})", self.location)
    }
}

impl PhotoStore {
    /// The store a configuration names: the bucket of `photo_url` if set (its settings
    /// from the standard `AWS_*` variables, then `photo_options`), else the folder
    /// `photo_dir` (created if missing).
    pub fn open(config: &crate::server::config::Config) -> anyhow::Result<PhotoStore> {
        match &config.photo_url {
            Some(url) => PhotoStore::bucket(url, &config.photo_options),
            None => PhotoStore::folder(&config.photo_dir),
        }
    }

    /// The local folder `dir`.
    pub fn folder(dir: &std::path::Path) -> anyhow::Result<PhotoStore> {
        use anyhow::Context as _;
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the photo folder {}", dir.display()))?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(dir)
            .with_context(|| format!("cannot use the photo folder {}", dir.display()))?;
        Ok(PhotoStore {
            inner: Arc::new(store),
            location: dir.display().to_string().into(),
        })
    }

    /// The bucket of an `s3://bucket[/prefix]` URL.
    pub fn bucket(url: &str, options: &[(String, String)]) -> anyhow::Result<PhotoStore> {
        use anyhow::{Context as _, bail};
        use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
        let Some(rest) = url.strip_prefix("s3://") else {
            bail!(
                "QUDAO_PHOTO_URL must start with s3:// (s3://bucket or s3://bucket/prefix); got {url:?}"
            );
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            bail!("QUDAO_PHOTO_URL names no bucket: {url:?}");
        }
        // a user waits on an upload: a few quick retries, not object_store's 3 minutes
        let retry = object_store::RetryConfig {
            backoff: object_store::BackoffConfig::default(),
            max_retries: 3,
            retry_timeout: std::time::Duration::from_secs(10),
        };
        // and no single call outlasts the server's own request timeout
        let client = object_store::ClientOptions::new()
            .with_connect_timeout(std::time::Duration::from_secs(5))
            .with_timeout(std::time::Duration::from_secs(20));
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .with_retry(retry)
            .with_client_options(client);
        for (key, value) in options {
            let key: AmazonS3ConfigKey = key
                .parse()
                .with_context(|| format!("{key:?} is not an S3 setting"))?;
            builder = builder.with_config(key, value);
        }
        let store = builder
            .build()
            .with_context(|| format!("cannot use the photo bucket {url}"))?;
        let prefix = prefix.trim_matches('/');
        let inner: Arc<dyn ObjectStore> = if prefix.is_empty() {
            Arc::new(store)
        } else {
            Arc::new(object_store::prefix::PrefixStore::new(store, prefix))
        };
        Ok(PhotoStore {
            inner,
            location: url.into(),
        })
    }

    /// Where the photos are: a folder or a bucket URL.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The bytes stored under `key`, or `None` if there are none.
    pub async fn read(&self, key: &str) -> Result<Option<Bytes>, StoreError> {
        match self.inner.get(&Key::from(key)).await {
            Ok(got) => got.bytes().await.map(Some),
            Err(StoreError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Whether anything is stored under `key`.
    pub async fn exists(&self, key: &str) -> Result<bool, StoreError> {
        match self.inner.head(&Key::from(key)).await {
            Ok(_) => Ok(true),
            Err(StoreError::NotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Writes `bytes` beside `key` under a name no other write uses.
    pub async fn stage(&self, key: &str, bytes: &[u8]) -> Result<Staged, StoreError> {
        let staged = Key::from(format!("{key}.{}.part", uuid::Uuid::new_v4()));
        self.inner
            .put(&staged, PutPayload::from(Bytes::copy_from_slice(bytes)))
            .await?;
        Ok(Staged(staged))
    }

    /// Puts staged `bytes` in place as `key`, then drops the staged name. Answers
    /// `AlreadyExists` when `key` is taken, leaving it as it is.
    pub async fn place(&self, staged: Staged, key: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let key = Key::from(key);
        let placed = match self.inner.copy_if_not_exists(&staged.0, &key).await {
            // a bucket without a copy-if-not-exists setting: a conditional put
            Err(StoreError::NotSupported { .. }) => self
                .inner
                .put_opts(
                    &key,
                    PutPayload::from(Bytes::copy_from_slice(bytes)),
                    object_store::PutMode::Create.into(),
                )
                .await
                .map(drop),
            placed => placed,
        };
        self.discard(staged).await;
        placed
    }

    /// Drops staged bytes that will not be placed.
    pub async fn discard(&self, staged: Staged) {
        if let Err(e) = self.inner.delete(&staged.0).await {
            tracing::warn!(error = %e, key = %staged.0, "staged photo not removed");
        }
    }

    /// Removes what is stored under `key` (nothing if nothing is).
    pub async fn remove(&self, key: &str) -> Result<(), StoreError> {
        match self.inner.delete(&Key::from(key)).await {
            Err(StoreError::NotFound { .. }) => Ok(()),
            done => done,
        }
    }

    /// Writes `bytes` as `key` directly (a restore into an empty store).
    pub async fn write(&self, key: &str, bytes: Bytes) -> Result<(), StoreError> {
        self.inner
            .put(&Key::from(key), PutPayload::from(bytes))
            .await
            .map(drop)
    }

    /// Every photo stored (not the staged bytes of uploads that never finished), in no
    /// particular order.
    pub async fn keys(&self) -> Result<Vec<String>, StoreError> {
        self.inner
            .list(None)
            .map_ok(|meta| meta.location.to_string())
            .try_filter(|key| std::future::ready(!is_staged(key)))
            .try_collect()
            .await
    }

    /// Whether no photo is stored.
    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        let mut listed = self.inner.list(None);
        while let Some(meta) = listed.try_next().await? {
            if !is_staged(meta.location.as_ref()) {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// Whether `key` names staged bytes ([`PhotoStore::stage`]), not a photo.
fn is_staged(key: &str) -> bool {
    key.ends_with(".part")
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]
    use super::*;

    fn folder() -> (tempfile::TempDir, PhotoStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = PhotoStore::folder(&dir.path().join("photos")).unwrap();
        (dir, store)
    }

    #[tokio::test]
    async fn a_placed_photo_is_read_back_and_its_staged_copy_is_gone() {
        let (dir, store) = folder();
        assert!(store.is_empty().await.unwrap());
        let staged = store.stage("c/customers/p.jpg", b"jpeg").await.unwrap();
        store
            .place(staged, "c/customers/p.jpg", b"jpeg")
            .await
            .unwrap();
        assert_eq!(
            store.read("c/customers/p.jpg").await.unwrap().as_deref(),
            Some(&b"jpeg"[..])
        );
        assert_eq!(store.keys().await.unwrap(), vec!["c/customers/p.jpg"]);
        // the same layout as the folder always had
        assert!(dir.path().join("photos/c/customers/p.jpg").is_file());
        assert!(store.exists("c/customers/p.jpg").await.unwrap());
        assert!(!store.exists("c/customers/q.jpg").await.unwrap());
        assert_eq!(store.read("c/customers/q.jpg").await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_folder_never_overwrites_a_placed_photo() {
        let (_dir, store) = folder();
        let first = store.stage("k.png", b"first").await.unwrap();
        let second = store.stage("k.png", b"second").await.unwrap();
        store.place(first, "k.png", b"first").await.unwrap();
        let again = store.place(second, "k.png", b"second").await;
        assert!(
            matches!(again, Err(StoreError::AlreadyExists { .. })),
            "{again:?}"
        );
        assert_eq!(
            store.read("k.png").await.unwrap().as_deref(),
            Some(&b"first"[..])
        );
        // neither staged name is left behind
        assert_eq!(store.keys().await.unwrap(), vec!["k.png"]);
    }

    #[tokio::test]
    async fn staged_bytes_left_by_an_upload_that_died_are_not_photos() {
        let (_dir, store) = folder();
        let _left = store.stage("c/visits/v.jpg", b"half").await.unwrap();
        assert!(store.is_empty().await.unwrap());
        assert!(store.keys().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn removing_what_is_not_there_is_no_error() {
        let (_dir, store) = folder();
        store.remove("nothing.jpg").await.unwrap();
        let staged = store.stage("x.jpg", b"x").await.unwrap();
        store.discard(staged).await;
        assert!(store.is_empty().await.unwrap());
    }

    #[test]
    fn a_bucket_url_is_checked() {
        for bad in ["/data/photos", "s3://", "gs://bucket", "s3:///prefix"] {
            assert!(PhotoStore::bucket(bad, &[]).is_err(), "{bad}");
        }
        let unknown = PhotoStore::bucket("s3://b", &[("no_such".into(), "1".into())]);
        assert!(unknown.is_err());
    }
}
