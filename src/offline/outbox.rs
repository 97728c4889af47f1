//! The outbox: records made on the tablet wait here (IndexedDB) until the server has
//! them. `sync` sends the signed-in user's waiting records in one batch to the
//! idempotent `sync_outbox`; a record the server has (saved now or before) leaves the
//! outbox once its photos are up, a refused one stays with the reason for the rep to
//! correct or discard. A failed call (no network, signed out) changes nothing, so a
//! record is never lost and — because ids are minted here — never stored twice.
use super::store::{self, KV, OUTBOX, StoreError};
use crate::error::AppError;
use crate::features::visits::api::{
    OfflineBundle, OutboxEntry, PhotoRef, SYNC_BATCH_MAX, SyncOutcome, sync_outbox,
};

/// A new id from the browser's generator (`crypto.randomUUID`).
pub fn new_id() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_default()
}

pub async fn load_bundle() -> Option<OfflineBundle> {
    store::get_json(KV, "bundle").await.ok().flatten()
}

/// Keeps the bundle as the server sent it (its JSON text), and apart from it whose it is
/// (read without the customers by [`bundle_owner`]).
pub async fn save_bundle(
    text: &str,
    owner: crate::domain::ids::EmployeeId,
) -> Result<(), StoreError> {
    // together or not at all: an owner key naming someone else would make the next page
    // forget this plan, and a plan without its owner would never be forgotten by that check
    store::put_json_texts(
        KV,
        &[
            ("bundle", text.to_owned()),
            ("bundle_owner", serde_json::to_string(&owner.to_string())?),
        ],
    )
    .await
}

/// The user whose bundle the device holds, if it says.
pub async fn bundle_owner() -> Option<String> {
    store::get_json(KV, "bundle_owner").await.ok().flatten()
}

/// Forgets the cached customers (on sign-out, at the sign-in page, when another user
/// signed in): the outbox stays, so nothing recorded is lost; it is sent when its author
/// signs in again.
pub async fn forget_bundle() {
    let _ = store::delete(KV, "bundle").await;
    let _ = store::delete(KV, "bundle_owner").await;
}

pub async fn entries() -> Result<Vec<OutboxEntry>, StoreError> {
    let mut all: Vec<OutboxEntry> = store::all_json(OUTBOX).await?;
    all.sort_by(|a, b| a.made_at.cmp(&b.made_at).then(a.id.cmp(&b.id)));
    Ok(all)
}

/// Queues a record with its new photos; if the record cannot be kept, neither are the
/// photos (the form keeps what was typed). A corrected record has the refused one's id
/// and takes its place.
pub async fn add(entry: &OutboxEntry, photos: &[(PhotoRef, Vec<u8>)]) -> Result<(), StoreError> {
    for (p, bytes) in photos {
        if let Err(e) = store::put_bytes(&p.id, bytes).await {
            for (q, _) in photos {
                let _ = store::delete(store::PHOTOS, &q.id).await;
            }
            return Err(e);
        }
    }
    if let Err(e) = store::put_json(OUTBOX, &entry.id, entry).await {
        for (p, _) in photos {
            let _ = store::delete(store::PHOTOS, &p.id).await;
        }
        return Err(e);
    }
    Ok(())
}

pub async fn discard(entry: &OutboxEntry) -> Result<(), StoreError> {
    for p in &entry.photos {
        store::delete(store::PHOTOS, &p.id).await?;
    }
    store::delete(OUTBOX, &entry.id).await
}

/// What one sync achieved.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub sent: usize,
    pub refused: usize,
    /// The call failed as a whole (no network, signed out): nothing changed.
    pub failed: Option<AppError>,
    /// A photo upload failed; its record waits for the next sync.
    pub photos_waiting: usize,
    /// Records the server could not store for a passing fault, after every retry of this
    /// run: they wait for the next sync (never marked refused).
    pub try_later: usize,
    /// Another sync was already running (a second tap, the timer and the online event
    /// at once): this one did nothing.
    pub busy: bool,
}

thread_local! {
    /// Whether a sync run is under way in this tab.
    static SYNCING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Clears [`SYNCING`] when a run ends, however it ends.
struct RunGuard;

impl Drop for RunGuard {
    fn drop(&mut self) {
        SYNCING.with(|s| s.set(false));
    }
}

/// Pauses between attempts of one sync run when the server had a passing fault.
const RETRY_PAUSES_MS: [i32; 3] = [1_000, 3_000, 9_000];

/// Whether a failed call is worth trying again at once: a busy server, not a
/// refusal, a sign-out or a missing network (that waits for the next sync).
fn passing(e: &AppError) -> bool {
    matches!(e, AppError::Busy)
}

/// Sends `user_id`'s waiting records (not the refused ones), one run at a time: a run
/// asked for while another is under way does nothing (two runs would send the same
/// photo twice at once). Records the server could not store for a passing fault are
/// tried again after a pause, a few times, then wait for the next sync.
pub async fn sync(user_id: &str) -> Report {
    if SYNCING.with(|s| s.replace(true)) {
        return Report {
            busy: true,
            ..Report::default()
        };
    }
    let _guard = RunGuard;
    let mut total = Report::default();
    for pause_ms in RETRY_PAUSES_MS.into_iter().map(Some).chain([None]) {
        let report = sync_once(user_id).await;
        total.sent += report.sent;
        total.refused += report.refused;
        total.photos_waiting = report.photos_waiting;
        total.try_later = report.try_later;
        total.failed = report.failed;
        let again = total.try_later > 0 || total.failed.as_ref().is_some_and(passing);
        match pause_ms {
            Some(ms) if again => super::pause(ms).await,
            _ => break,
        }
    }
    total
}

async fn upload_photo(visit: &str, p: &PhotoRef) -> Result<(), AppError> {
    let bytes = store::get_bytes(&p.id)
        .await?
        // uploaded and removed before: nothing left to send
        .unwrap_or_default();
    if bytes.is_empty() {
        return Ok(());
    }
    let array = js_sys::Uint8Array::from(bytes.as_slice());
    let r = gloo_net::http::Request::put(&format!("/api/visits/{visit}/photos/{}", p.id))
        .header("content-type", &p.content_type)
        .body(array)?
        .send()
        .await?;
    match r.status() {
        200 | 201 => {
            let _ = store::delete(store::PHOTOS, &p.id).await;
            Ok(())
        }
        401 => Err(AppError::Unauthorized),
        _ => Err(r
            .text()
            .await
            .ok()
            .and_then(|t| serde_json::from_str::<AppError>(&t).ok())
            .unwrap_or(AppError::Internal)),
    }
}

/// One pass over `user_id`'s waiting records (not the refused ones), in batches.
async fn sync_once(user_id: &str) -> Report {
    let mut report = Report::default();
    let waiting: Vec<OutboxEntry> = match entries().await {
        Ok(all) => all
            .into_iter()
            .filter(|e| e.user_id == user_id && e.refused.is_none())
            .collect(),
        Err(_) => {
            report.failed = Some(AppError::Internal);
            return report;
        }
    };
    for chunk in waiting.chunks(SYNC_BATCH_MAX) {
        // as stored: the tablet never reads a record whole to send it
        let items = chunk.iter().map(|e| e.item.clone()).collect();
        let results = match sync_outbox(items).await {
            Ok(r) => r,
            Err(e) => {
                report.failed = Some(e);
                return report;
            }
        };
        for r in results {
            let Some(entry) = chunk.iter().find(|e| e.id == r.id) else {
                continue;
            };
            match r.outcome {
                SyncOutcome::Saved | SyncOutcome::AlreadySaved => {
                    let mut photos_ok = true;
                    for p in &entry.photos {
                        if upload_photo(&entry.id, p).await.is_err() {
                            photos_ok = false;
                            report.photos_waiting += 1;
                            break;
                        }
                    }
                    if photos_ok {
                        let _ = store::delete(OUTBOX, &entry.id).await;
                        report.sent += 1;
                    }
                }
                SyncOutcome::TryLater => report.try_later += 1,
                SyncOutcome::Refused(e) => {
                    let mut kept = entry.clone();
                    kept.refused = Some(e);
                    let _ = store::put_json(OUTBOX, &kept.id, &kept).await;
                    report.refused += 1;
                }
            }
        }
    }
    report
}
