//! The device's IndexedDB database `qudao`: three object stores with keys given by the
//! caller — `kv` (the offline bundle, as JSON text), `outbox` (records waiting to be
//! sent, JSON text keyed by their client id) and `photos` (image bytes keyed by the
//! photo's client id).
use idb::builder::{DatabaseBuilder, ObjectStoreBuilder};
use idb::{Database, TransactionMode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

pub const KV: &str = "kv";
pub const OUTBOX: &str = "outbox";
pub const PHOTOS: &str = "photos";

/// Why the device could not keep something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The browser's storage quota is used up.
    Full,
    /// No IndexedDB (private mode, an old browser) or another failure, for the log.
    Unavailable(String),
}

fn classify(e: impl std::fmt::Debug) -> StoreError {
    let text = format!("{e:?}");
    if text.contains("QuotaExceeded") {
        StoreError::Full
    } else {
        StoreError::Unavailable(text)
    }
}

/// The device could not keep or read a record: an internal error for the user (the
/// detail goes to the browser's console where the caller logs it).
impl From<StoreError> for crate::error::AppError {
    fn from(_: StoreError) -> Self {
        crate::error::AppError::Internal
    }
}

impl From<idb::Error> for StoreError {
    fn from(e: idb::Error) -> Self {
        classify(e)
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        classify(e)
    }
}

async fn open() -> Result<Database, StoreError> {
    Ok(DatabaseBuilder::new("qudao")
        .version(1)
        .add_object_store(ObjectStoreBuilder::new(KV))
        .add_object_store(ObjectStoreBuilder::new(OUTBOX))
        .add_object_store(ObjectStoreBuilder::new(PHOTOS))
        .build()
        .await?)
}

/// Keeps each value under its key, all or none: one transaction, which a failed put (a
/// full disk) aborts.
async fn put_values(store: &str, entries: &[(&str, JsValue)]) -> Result<(), StoreError> {
    let db = open().await?;
    let tx = db.transaction(&[store], TransactionMode::ReadWrite)?;
    let s = tx.object_store(store)?;
    for (key, value) in entries {
        let put = match s.put(value, Some(&JsValue::from_str(key))) {
            Ok(put) => put.await,
            Err(e) => Err(e),
        };
        if let Err(e) = put {
            // a put refused before it was queued does not abort the transaction itself
            let _ = tx.abort();
            db.close();
            return Err(e.into());
        }
    }
    tx.commit()?.await?;
    db.close();
    Ok(())
}

async fn get_value(store: &str, key: &str) -> Result<Option<JsValue>, StoreError> {
    let db = open().await?;
    let tx = db.transaction(&[store], TransactionMode::ReadOnly)?;
    let s = tx.object_store(store)?;
    let v = s.get(JsValue::from_str(key))?.await?;
    db.close();
    Ok(v)
}

/// Keeps `value` as JSON text under `key`.
pub async fn put_json<T: Serialize>(store: &str, key: &str, value: &T) -> Result<(), StoreError> {
    put_json_texts(store, &[(key, serde_json::to_string(value)?)]).await
}

/// Keeps each JSON text under its key, all or none ([`put_values`]).
pub async fn put_json_texts(store: &str, entries: &[(&str, String)]) -> Result<(), StoreError> {
    let values: Vec<(&str, JsValue)> = entries
        .iter()
        .map(|(key, text)| (*key, JsValue::from_str(text)))
        .collect();
    put_values(store, &values).await
}

/// The value under `key`; `None` when missing or unreadable (an older app's format).
pub async fn get_json<T: DeserializeOwned>(
    store: &str,
    key: &str,
) -> Result<Option<T>, StoreError> {
    Ok(get_value(store, key)
        .await?
        .and_then(|v| v.as_string())
        .and_then(|t| serde_json::from_str(&t).ok()))
}

/// Every readable value of `store`.
pub async fn all_json<T: DeserializeOwned>(store: &str) -> Result<Vec<T>, StoreError> {
    let db = open().await?;
    let tx = db.transaction(&[store], TransactionMode::ReadOnly)?;
    let s = tx.object_store(store)?;
    let values = s.get_all(None, None)?.await?;
    db.close();
    Ok(values
        .into_iter()
        .filter_map(|v| v.as_string())
        .filter_map(|t| serde_json::from_str(&t).ok())
        .collect())
}

pub async fn delete(store: &str, key: &str) -> Result<(), StoreError> {
    let db = open().await?;
    let tx = db.transaction(&[store], TransactionMode::ReadWrite)?;
    let s = tx.object_store(store)?;
    s.delete(JsValue::from_str(key))?.await?;
    tx.commit()?.await?;
    db.close();
    Ok(())
}

/// Keeps image bytes under `key`.
pub async fn put_bytes(key: &str, bytes: &[u8]) -> Result<(), StoreError> {
    let array = js_sys::Uint8Array::from(bytes);
    put_values(PHOTOS, &[(key, array.into())]).await
}

pub async fn get_bytes(key: &str) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(get_value(PHOTOS, key)
        .await?
        .map(|v| js_sys::Uint8Array::new(&v).to_vec()))
}
