//! HTTP handlers that move files rather than JSON: customer import (raw file body),
//! export downloads, photo upload and photo serving. They authenticate from the session
//! cookie and apply the same role and scope rules as the server functions.
use crate::domain::ids::{CompanyId, PhotoId};
use crate::domain::staff::Action;
use crate::error::AppError;
use crate::features::auth::api::CurrentUser;
use crate::features::customers::api::{CustomerQuery, imp};
use crate::features::customers::transfer::{FileProblem, ImportOptions, ImportOutcome};
use crate::server::context;
use crate::server::customers::Author;
use crate::server::db::{self, UniqueKey as _, customers as repo};
use crate::server::state::AppState;
use crate::server::transfer;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use std::collections::HashMap;
use std::path::PathBuf;
use uuid::Uuid;

/// Largest photo accepted (a tablet camera's JPEG is 2–6 MB).
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;

pub(crate) fn error(e: AppError) -> Response {
    let code = StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (code, Json(e)).into_response()
}

/// The signed-in owner or manager of an import request and its `options` parameter
/// (JSON; absent means the defaults), or the error answer.
async fn import_request<T: serde::de::DeserializeOwned + Default>(
    state: &AppState,
    headers: &HeaderMap,
    q: &HashMap<String, String>,
) -> Result<(crate::features::auth::api::CurrentUser, T), Response> {
    let user = context::user_from_headers(state, headers)
        .await
        .map_err(error)?;
    if !user.role.may(Action::ManageCustomers) {
        return Err(error(AppError::Forbidden));
    }
    let options = match q.get("options") {
        None => T::default(),
        Some(o) => serde_json::from_str(o).map_err(|_| {
            error(AppError::ServerFn(
                leptos::server_fn::error::ServerFnErrorErr::Args("options".into()),
            ))
        })?,
    };
    Ok((user, options))
}

/// `POST /api/customers/import?options=<json>` with the file as the body. Owner and
/// managers only. Answers an [`ImportOutcome`].
pub async fn import(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let (user, options) = match import_request::<ImportOptions>(&state, &headers, &q).await {
        Ok(r) => r,
        Err(response) => return response,
    };
    let author = Author {
        company: user.company_id,
        by: Some(user.id),
        scope: repo::Scope::All,
        source: "import",
        now: chrono::Utc::now(),
    };
    let started = std::time::Instant::now();
    let outcome = match transfer::import(&state.pool, author, body, &options).await {
        Ok(o) => o,
        Err(e) => return error(AppError::from(e)),
    };
    if let ImportOutcome::Report(r) = &outcome
        && r.committed
    {
        tracing::info!(by = %user.id, created = r.created, updated = r.updated, ms = started.elapsed().as_millis() as u64, "customers imported");
    }
    Json(outcome).into_response()
}

/// The answer when an upload is over the limit: the import page shows the limit.
pub fn too_large(limit: usize) -> Response {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        Json(ImportOutcome::File(FileProblem::TooLarge(limit as u64))),
    )
        .into_response()
}

/// `GET /api/customers/export?format=csv|xlsx&headers=zh|en&<list filters>`: the
/// current filtered list, as the user may see it.
pub async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let user = match user_who_may(&state, &headers, Action::WorkWithCustomers).await {
        Ok(u) => u,
        Err(e) => return error(e),
    };
    let query = CustomerQuery::from_lookup(|k| q.get(k).cloned());
    let xlsx = q.get("format").map(String::as_str) == Some("xlsx");
    let chinese = q.get("headers").map(String::as_str) != Some("en");
    let job = transfer::ExportJob {
        company: user.company_id,
        // every row is one the user may see whole; reps see only their own customers,
        // and not the codes of suppliers another rep looks after
        scope: imp::scope_of(&user),
        filter: imp::filter_of(&query),
        sort: imp::sort_of(&query),
        desc: query.desc,
        headers: transfer::export_headers(chinese, true),
    };
    // written to a temporary file a row at a time (memory stays the same whatever the
    // number of customers), then sent from it: a slow download holds no connection
    let (file, rows) = match transfer::export_file(&state.pool, job, xlsx).await {
        Ok(f) => f,
        Err(e) => {
            tracing::error!(error = %e, "customer export");
            let busy = e.downcast_ref::<sqlx::Error>().is_some_and(db::is_busy);
            return error(if busy {
                AppError::Busy
            } else {
                AppError::Internal
            });
        }
    };
    let (mime, ext) = if xlsx {
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    } else {
        ("text/csv; charset=utf-8", "csv")
    };
    tracing::info!(by = %user.id, rows, ext, "customers exported");
    let chunks = futures_util::stream::unfold(file, |mut file| async move {
        use tokio::io::AsyncReadExt as _;
        let mut chunk = vec![0u8; 64 * 1024];
        match file.read(&mut chunk).await {
            Ok(0) => None,
            Ok(n) => {
                chunk.truncate(n);
                let chunk = Ok::<_, std::io::Error>(axum::body::Bytes::from(chunk));
                Some((chunk, file))
            }
            Err(e) => Some((Err(e), file)),
        }
    });
    // fused: a body layer (compression) polls once more after the end, which an
    // unfused stream answers with a panic (the download was cut off)
    let body = axum::body::Body::from_stream(futures_util::StreamExt::fuse(chunks));
    let date = chrono::Utc::now().format("%Y%m%d");
    let disposition = format!("attachment; filename=\"customers-{date}.{ext}\"");
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}

/// The image type of `bytes` from its signature — never from the file name or the
/// browser's claim.
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// What a photo belongs to: each kind has its own folder, so no upload of one kind can
/// ever land on the file of another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoKind {
    Customer,
    Violation,
    Ticket,
    Visit,
}

impl PhotoKind {
    pub const ALL: [PhotoKind; 4] = [
        PhotoKind::Customer,
        PhotoKind::Violation,
        PhotoKind::Ticket,
        PhotoKind::Visit,
    ];

    /// The folder (under the company's) and the table of this kind.
    pub fn folder(self) -> &'static str {
        match self {
            PhotoKind::Customer => "customers",
            PhotoKind::Violation => "violations",
            PhotoKind::Ticket => "tickets",
            PhotoKind::Visit => "visits",
        }
    }

    pub fn table(self) -> &'static str {
        match self {
            PhotoKind::Customer => "customer_photos",
            PhotoKind::Violation => "violation_photos",
            PhotoKind::Ticket => "ticket_photos",
            PhotoKind::Visit => "visit_photos",
        }
    }
}

fn extension(content_type: &str) -> &'static str {
    match content_type {
        "image/png" => "png",
        "image/webp" => "webp",
        _ => "jpg",
    }
}

/// Where photo `id` of `kind` of `company` is stored.
pub fn photo_path(
    dir: &std::path::Path,
    company: CompanyId,
    kind: PhotoKind,
    id: Uuid,
    content_type: &str,
) -> PathBuf {
    dir.join(company.to_string())
        .join(kind.folder())
        .join(format!("{id}.{}", extension(content_type)))
}

/// Removes the file of a photo whose row was deleted (wherever it is stored).
pub async fn remove_photo_file(
    dir: &std::path::Path,
    company: CompanyId,
    kind: PhotoKind,
    id: Uuid,
    content_type: &str,
) {
    for path in [
        photo_path(dir, company, kind, id, content_type),
        legacy_photo_path(dir, company, id, content_type),
    ] {
        match tokio::fs::remove_file(&path).await {
            Ok(()) => return,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                tracing::warn!(error = %e, path = %path.display(), "photo file not removed");
                return;
            }
        }
    }
}

/// Where photos were stored before each kind had its folder (read only, never written).
fn legacy_photo_path(
    dir: &std::path::Path,
    company: CompanyId,
    id: Uuid,
    content_type: &str,
) -> PathBuf {
    dir.join(company.to_string())
        .join(format!("{id}.{}", extension(content_type)))
}

/// `POST /api/customers/{id}/photos?kind=storefront|display` with the image as the body.
pub async fn upload_photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(customer): Path<Uuid>,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let (user, content_type, mut tx) =
        match begin_upload(&state, &headers, Action::WorkWithCustomers, &body).await {
            Ok(started) => started,
            Err(e) => return error(e),
        };
    let kind = match q.get("kind").map(String::as_str) {
        Some("display") => "display",
        _ => "storefront",
    };
    let customer_found = repo::get(&mut tx, user.company_id, imp::scope_of(&user), customer).await;
    if let Err(e) = found(customer_found.map(|c| c.is_some())) {
        return error(e);
    }
    let id = PhotoId::new_random();
    let company = user.company_id;
    let answer = store_image(
        &state,
        company,
        PhotoKind::Customer,
        tx,
        id.0,
        content_type,
        &body,
        async |conn, size| {
            repo::insert_photo(
                conn,
                company,
                id.0,
                customer,
                kind,
                content_type,
                size,
                user.id,
                chrono::Utc::now(),
            )
            .await
        },
    )
    .await;
    if answer.status() == StatusCode::CREATED {
        tracing::info!(by = %user.id, %customer, photo = %id, "photo uploaded");
    }
    answer
}

/// `GET /photos/{id}`: the image, only to users who may see its customer.
pub async fn photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> Response {
    serve_photo(
        &state,
        &headers,
        Action::WorkWithCustomers,
        PhotoKind::Customer,
        id,
        async |conn, user| {
            let row = repo::photo(conn, user.company_id, imp::scope_of(user), id).await?;
            Ok(row.map(|r| r.content_type))
        },
    )
    .await
}

/// The first steps of every photo upload: the signed-in user, the image's type (checked
/// by [`check_image`]) and a transaction in which the caller checks that what the photo
/// belongs to is within the user's scope.
/// The signed-in user of a plain handler if their role may do `action` (a driver may
/// fetch and add only the proof photos of their deliveries; customers' photos, lists and
/// exports are refused to them outright, whatever their scope).
async fn user_who_may(
    state: &AppState,
    headers: &HeaderMap,
    action: Action,
) -> Result<CurrentUser, AppError> {
    let user = context::user_from_headers(state, headers).await?;
    if user.role.may(action) {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

async fn begin_upload(
    state: &AppState,
    headers: &HeaderMap,
    action: Action,
    body: &[u8],
) -> Result<
    (
        CurrentUser,
        &'static str,
        sqlx::Transaction<'static, sqlx::Sqlite>,
    ),
    AppError,
> {
    let user = user_who_may(state, headers, action).await?;
    let content_type = check_image(body)?;
    let tx = state.begin().await?;
    Ok((user, content_type, tx))
}

/// `Ok` when a scoped lookup found its row. Otherwise not found (outside the user's scope
/// looks the same as missing), or the logged internal error.
fn found(lookup: Result<bool, sqlx::Error>) -> Result<(), AppError> {
    lookup?.then_some(()).ok_or(AppError::NotFound)
}

/// Serves stored photo `id` to the signed-in user if `lookup` finds it within the user's
/// scope (answering its content type); `404` otherwise.
async fn serve_photo(
    state: &AppState,
    headers: &HeaderMap,
    action: Action,
    kind: PhotoKind,
    id: Uuid,
    lookup: impl AsyncFnOnce(&mut db::DbConn, &CurrentUser) -> Result<Option<String>, sqlx::Error>,
) -> Response {
    let user = match user_who_may(state, headers, action).await {
        Ok(u) => u,
        Err(e) => return error(e),
    };
    let mut conn = match state.pool.acquire().await {
        Ok(c) => c,
        Err(e) => return error(AppError::from(e)),
    };
    match lookup(&mut conn, &user).await {
        Ok(Some(content_type)) => {
            serve_image(state, user.company_id, kind, id, &content_type).await
        }
        Ok(None) => error(AppError::NotFound),
        Err(e) => error(AppError::from(e)),
    }
}

/// The image's type if `body` is an acceptable photo, or the error answer.
fn check_image(body: &[u8]) -> Result<&'static str, AppError> {
    use crate::domain::validation::{FieldError, FieldErrorCode};
    if body.len() > MAX_PHOTO_BYTES {
        return Err(AppError::Validation(vec![FieldError::new(
            "photo",
            FieldErrorCode::TooLarge,
        )]));
    }
    sniff_image(body).ok_or_else(|| {
        AppError::Validation(vec![FieldError::new("photo", FieldErrorCode::NotAnImage)])
    })
}

/// Writes an image beside its final place under a name of its own (`….part`), so two
/// uploads never write the same file and nothing is visible before its row is committed.
async fn write_temp_image(path: &std::path::Path, body: &[u8]) -> Result<PathBuf, AppError> {
    let temp = path.with_extension(format!("{}.part", Uuid::new_v4()));
    let written = async {
        if let Some(dir) = temp.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        tokio::fs::write(&temp, body).await
    }
    .await;
    match written {
        Ok(()) => Ok(temp),
        Err(e) => {
            tracing::error!(error = %e, path = %temp.display(), "photo not written");
            let _ = tokio::fs::remove_file(&temp).await;
            Err(AppError::Internal)
        }
    }
}

/// Writes the image `body` as photo `id` of `kind` and records it with `insert` in `tx`:
/// the file goes to a temporary name, the row is committed, then the file is linked to
/// its place — a link never replaces an existing file, so no photo is ever overwritten.
/// An id already used by a photo of any kind is refused before anything is written.
/// If recording fails the temporary file is removed: nothing is half-saved, and a
/// failed upload never touches a file another upload wrote. Answers `201` with the id.
#[expect(clippy::too_many_arguments, reason = "one call site per photo kind")]
async fn store_image(
    state: &AppState,
    company: CompanyId,
    kind: PhotoKind,
    mut tx: sqlx::Transaction<'static, sqlx::Sqlite>,
    id: Uuid,
    content_type: &'static str,
    body: &[u8],
    insert: impl AsyncFnOnce(&mut db::DbConn, i64) -> Result<(), sqlx::Error>,
) -> Response {
    match photo_id_taken(&mut tx, id).await {
        Ok(false) => {}
        Ok(true) => return error(AppError::Conflict(crate::error::Conflict::IdTaken)),
        Err(e) => return error(AppError::from(e)),
    }
    let path = photo_path(&state.config.photo_dir, company, kind, id, content_type);
    let temp = match write_temp_image(&path, body).await {
        Ok(p) => p,
        Err(e) => return error(e),
    };
    let size = i64::try_from(body.len()).unwrap_or(i64::MAX);
    let committed = match insert(&mut tx, size).await {
        Ok(()) => tx.commit().await,
        Err(e) => Err(e),
    }
    // another request recorded this id first (a retry racing its original)
    .or_taken(|| AppError::Conflict(crate::error::Conflict::IdTaken));
    if let Err(e) = committed {
        let _ = tokio::fs::remove_file(&temp).await;
        return error(e);
    }
    let placed = tokio::fs::hard_link(&temp, &path).await;
    let _ = tokio::fs::remove_file(&temp).await;
    if let Err(e) = placed {
        tracing::error!(error = %e, path = %path.display(), "photo recorded but not placed");
        return error(AppError::Internal);
    }
    (StatusCode::CREATED, Json(id.to_string())).into_response()
}

/// Places the file of a recorded photo that has none (never replaces one).
async fn place_if_missing(
    state: &AppState,
    company: CompanyId,
    kind: PhotoKind,
    id: Uuid,
    content_type: &str,
    body: &[u8],
) -> Result<(), AppError> {
    let path = photo_path(&state.config.photo_dir, company, kind, id, content_type);
    let legacy = legacy_photo_path(&state.config.photo_dir, company, id, content_type);
    if tokio::fs::try_exists(&path).await.unwrap_or(false)
        || tokio::fs::try_exists(&legacy).await.unwrap_or(false)
    {
        return Ok(());
    }
    let temp = write_temp_image(&path, body).await?;
    let placed = tokio::fs::hard_link(&temp, &path).await;
    let _ = tokio::fs::remove_file(&temp).await;
    match placed {
        Ok(()) => Ok(()),
        // another retry placed it meanwhile
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => {
            tracing::error!(error = %e, path = %path.display(), "photo not placed");
            Err(AppError::Internal)
        }
    }
}

/// Whether a photo of any kind, in any company, already has `id`.
async fn photo_id_taken(conn: &mut db::DbConn, id: Uuid) -> Result<bool, sqlx::Error> {
    let tables: Vec<String> = PhotoKind::ALL
        .iter()
        .map(|k| format!("SELECT 1 FROM {} WHERE id = ?", k.table()))
        .collect();
    let sql = format!("SELECT EXISTS ({})", tables.join(" UNION ALL "));
    let mut q = sqlx::query_scalar::<_, bool>(&sql);
    for _ in PhotoKind::ALL {
        q = q.bind(id);
    }
    q.fetch_one(&mut *conn).await
}

/// The stored image `id`, privately cacheable.
async fn serve_image(
    state: &AppState,
    company: CompanyId,
    kind: PhotoKind,
    id: Uuid,
    content_type: &str,
) -> Response {
    let path = photo_path(&state.config.photo_dir, company, kind, id, content_type);
    let read = match tokio::fs::read(&path).await {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let legacy = legacy_photo_path(&state.config.photo_dir, company, id, content_type);
            tokio::fs::read(&legacy).await
        }
        read => read,
    };
    match read {
        Ok(bytes) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_str(content_type)
                        .unwrap_or(HeaderValue::from_static("image/jpeg")),
                ),
                // private: a shared cache must never hand it to another user
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("private, max-age=86400"),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, path = %path.display(), "photo file missing");
            error(AppError::NotFound)
        }
    }
}

fn download(bytes: Vec<u8>, mime: &'static str, file_name: &str) -> Response {
    let disposition = format!("attachment; filename=\"{file_name}\"");
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        bytes,
    )
        .into_response()
}

/// `POST /api/sales/import?options=<json>` with the file as the body. Owner and
/// managers only. Answers a [`SalesImportOutcome`].
pub async fn import_sales(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    use crate::features::sales::transfer::{SalesImportOptions, SalesImportOutcome};
    let (user, options) = match import_request::<SalesImportOptions>(&state, &headers, &q).await {
        Ok(r) => r,
        Err(response) => return response,
    };
    let who = crate::server::sales::ImportBy {
        company: user.company_id,
        by: Some(user.id),
        now: chrono::Utc::now(),
        file_name: q.get("name").map(|n| n.chars().take(200).collect()),
    };
    let mut tx = match db::begin(&state.pool).await {
        Ok(tx) => tx,
        Err(e) => return error(AppError::from(e)),
    };
    let outcome = match crate::server::sales::import(&mut tx, &who, body, options).await {
        Ok(o) => o,
        Err(e) => return error(AppError::from(e)),
    };
    let keep = matches!(&outcome, SalesImportOutcome::Report(r) if r.committed);
    let done = if keep {
        tx.commit().await
    } else {
        tx.rollback().await
    };
    if let Err(e) = done {
        return error(AppError::from(e));
    }
    if let SalesImportOutcome::Report(r) = &outcome
        && keep
    {
        tracing::info!(by = %user.id, lines = r.lines, "sales imported");
    }
    Json(outcome).into_response()
}

/// `GET /api/segmentation/export?from&to&measure&a&b&format=csv|xlsx&headers=zh|en`:
/// the classification as the user may see it, in rank order.
pub async fn export_segmentation(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    use crate::features::segmentation::api::{SegmentationQuery, imp as seg};
    let user = match user_who_may(&state, &headers, Action::WorkWithCustomers).await {
        Ok(u) => u,
        Err(e) => return error(e),
    };
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    let query = SegmentationQuery {
        from: get("from"),
        to: get("to"),
        measure: get("measure"),
        a: get("a"),
        b: get("b"),
    };
    let (period, measure, t) = match seg::parse(&query) {
        Ok(p) => p,
        Err(e) => return error(e),
    };
    let c = match crate::server::segmentation::classify(
        state.segmentation_sources(),
        user.company_id,
        imp::scope_of(&user),
        period,
        measure,
    )
    .await
    {
        Ok(c) => c,
        Err(e) => return error(AppError::from(e)),
    };
    let rows: Vec<Vec<String>> = crate::server::segmentation::table_rows(&c, measure, t)
        .into_iter()
        .map(Vec::from)
        .collect();
    let heads: Vec<String> = if q.get("headers").map(String::as_str) == Some("en") {
        ["code", "name", "total", "rank", "cum_share", "class"]
            .map(str::to_owned)
            .to_vec()
    } else {
        ["客户编码", "客户名称", "合计", "排名", "累计占比", "分级"]
            .map(str::to_owned)
            .to_vec()
    };
    let stem = format!(
        "abc-{}-{}",
        period.from.format("%Y%m%d"),
        period.to.format("%Y%m%d")
    );
    if q.get("format").map(String::as_str) == Some("xlsx") {
        xlsx_download("abc", heads, rows, format!("{stem}.xlsx")).await
    } else {
        csv_download(heads, rows, format!("{stem}.csv")).await
    }
}

/// `POST /api/violations/{id}/photos` with an image as the body: evidence for a
/// violation whose customer the user may see. Answers the photo's id.
pub async fn upload_violation_photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(violation): Path<Uuid>,
    body: Bytes,
) -> Response {
    use crate::server::db::discipline;
    let (user, content_type, mut tx) =
        match begin_upload(&state, &headers, Action::WorkWithCustomers, &body).await {
            Ok(started) => started,
            Err(e) => return error(e),
        };
    let violation_found =
        discipline::violation(&mut tx, user.company_id, imp::scope_of(&user), violation).await;
    if let Err(e) = found(violation_found.map(|v| v.is_some())) {
        return error(e);
    }
    let id = Uuid::now_v7();
    let company = user.company_id;
    let answer = store_image(
        &state,
        company,
        PhotoKind::Violation,
        tx,
        id,
        content_type,
        &body,
        async |conn, size| {
            discipline::insert_photo(
                conn,
                company,
                id,
                violation,
                content_type,
                size,
                user.id,
                chrono::Utc::now(),
            )
            .await
        },
    )
    .await;
    if answer.status() == StatusCode::CREATED {
        tracing::info!(by = %user.id, %violation, photo = %id, "evidence photo uploaded");
    }
    answer
}

/// `GET /violation-photos/{id}`: evidence, only to users who may see the customer.
pub async fn violation_photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> Response {
    serve_photo(
        &state,
        &headers,
        Action::WorkWithCustomers,
        PhotoKind::Violation,
        id,
        async |conn, user| {
            crate::server::db::discipline::photo(conn, user.company_id, imp::scope_of(user), id)
                .await
        },
    )
    .await
}

/// `GET /api/growth/export?…` (the page's query): every row of the growth watch as an
/// Excel sheet, within the user's scope.
pub async fn export_growth(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    use crate::features::growth::api::{GrowthQuery, imp as growth};
    let user = match user_who_may(&state, &headers, Action::WorkWithCustomers).await {
        Ok(u) => u,
        Err(e) => return error(e),
    };
    // the whole table, whatever page the screen was on
    let query = GrowthQuery {
        page: 1,
        ..GrowthQuery::from_params(|k| q.get(k).cloned())
    };
    let (p, rows) = match growth::rows(&query, &state, &user).await {
        Ok(r) => r,
        Err(e) => return error(e),
    };
    let m = p.measure;
    let pct = |g: crate::domain::growth::Growth| match g {
        crate::domain::growth::Growth::New => "new".to_owned(),
        crate::domain::growth::Growth::Flat => String::new(),
        g => g.percent_text().unwrap_or_default(),
    };
    let en = q.get("headers").map(String::as_str) == Some("en");
    let table: Vec<Vec<String>> = rows
        .iter()
        .filter(|r| !query.candidates_only || r.candidate.is_some())
        .map(|r| {
            let reason = r.candidate.map(|c| {
                if en {
                    format!(
                        "+{}% or more in {} of the last {} periods; orders in each of the last {} months",
                        c.min_growth_bp as f64 / 100.0,
                        c.hits,
                        c.of_last,
                        c.ordering_months
                    )
                } else {
                    format!(
                        "近 {} 期中 {} 期同比增长 ≥ {}%，近 {} 个月每月都有订货",
                        c.of_last,
                        c.hits,
                        c.min_growth_bp as f64 / 100.0,
                        c.ordering_months
                    )
                }
            });
            vec![
                r.customer.code.clone(),
                r.customer.name.clone(),
                r.customer.tier.clone().unwrap_or_default(),
                m.format(r.current),
                m.format(r.last_year),
                pct(r.yoy),
                m.format(r.previous),
                pct(r.mom),
                m.format(r.years[0]),
                m.format(r.years[1]),
                m.format(r.years[2]),
                reason.unwrap_or_default(),
            ]
        })
        .collect();
    let heads: Vec<String> = if en {
        [
            "code",
            "name",
            "tier",
            "current",
            "same_period_last_year",
            "yoy",
            "previous",
            "mom",
            "3_years_before",
            "2_years_before",
            "1_year_before",
            "support_candidate",
        ]
        .map(str::to_owned)
        .to_vec()
    } else {
        [
            "客户编码",
            "客户名称",
            "分级",
            "本期",
            "去年同期",
            "同比",
            "上期",
            "环比",
            "三年前同期",
            "两年前同期",
            "一年前同期",
            "扶持候选",
        ]
        .map(str::to_owned)
        .to_vec()
    };
    let name = format!("growth-{}-{}.xlsx", p.kind.as_str(), p.window.anchor());
    xlsx_download("growth", heads, table, name).await
}

/// A table as an Excel download (one sheet, bold headers), written on a blocking thread.
async fn xlsx_download(
    sheet: &'static str,
    heads: Vec<String>,
    rows: Vec<Vec<String>>,
    file_name: String,
) -> Response {
    let written =
        tokio::task::spawn_blocking(move || transfer::table_xlsx(sheet, &heads, &rows)).await;
    match written {
        Ok(Ok(b)) => download(
            b,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &file_name,
        ),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "xlsx export");
            error(AppError::Internal)
        }
        Err(e) => {
            tracing::error!(error = %e, "xlsx export task");
            error(AppError::Internal)
        }
    }
}

/// A table as a CSV download, written on a blocking thread.
async fn csv_download(heads: Vec<String>, rows: Vec<Vec<String>>, file_name: String) -> Response {
    let written = tokio::task::spawn_blocking(move || transfer::table_csv(&heads, &rows)).await;
    match written {
        Ok(Ok(b)) => download(b, "text/csv; charset=utf-8", &file_name),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "csv export");
            error(AppError::Internal)
        }
        Err(e) => {
            tracing::error!(error = %e, "csv export task");
            error(AppError::Internal)
        }
    }
}

/// `POST /api/tickets/{kind}/{id}/photos` (`kind`: `objection` or `delivery`) with an image
/// as the body: evidence or proof of delivery for a ticket whose customer the user may
/// see. Answers the photo's id.
/// What adding a photo to a ticket of `kind` takes: proof of delivery is the driver's too.
fn ticket_action(kind: &str) -> Action {
    if kind == "delivery" {
        Action::Deliver
    } else {
        Action::WorkWithCustomers
    }
}

pub async fn upload_ticket_photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((kind, ticket)): Path<(String, Uuid)>,
    body: Bytes,
) -> Response {
    use crate::server::db::tickets;
    let (user, content_type, mut tx) =
        match begin_upload(&state, &headers, ticket_action(&kind), &body).await {
            Ok(started) => started,
            Err(e) => return error(e),
        };
    let kind = match kind.as_str() {
        "objection" => "objection",
        "delivery" => "delivery",
        _ => return error(AppError::NotFound),
    };
    let ticket_found = if kind == "objection" {
        tickets::objection(&mut tx, user.company_id, imp::scope_of(&user), ticket)
            .await
            .map(|r| r.is_some())
    } else {
        // proof of delivery: also its driver's to add
        let scope = tickets::DeliveryScope::of(user.role, user.id);
        tickets::delivery(&mut tx, user.company_id, scope, ticket)
            .await
            .map(|r| r.is_some())
    };
    if let Err(e) = found(ticket_found) {
        return error(e);
    }
    let id = Uuid::now_v7();
    let company = user.company_id;
    let answer = store_image(
        &state,
        company,
        PhotoKind::Ticket,
        tx,
        id,
        content_type,
        &body,
        async |conn, size| {
            tickets::insert_photo(
                conn,
                company,
                id,
                kind,
                ticket,
                content_type,
                size,
                user.id,
                chrono::Utc::now(),
            )
            .await
        },
    )
    .await;
    if answer.status() == StatusCode::CREATED {
        tracing::info!(by = %user.id, %ticket, photo = %id, kind, "ticket photo uploaded");
    }
    answer
}

/// `GET /ticket-photos/{id}`: only to users who may see the ticket's customer (and a
/// delivery's photos to its driver).
pub async fn ticket_photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> Response {
    serve_photo(
        &state,
        &headers,
        Action::Deliver,
        PhotoKind::Ticket,
        id,
        async |conn, user| {
            let scope = crate::server::db::tickets::DeliveryScope::of(user.role, user.id);
            crate::server::db::tickets::photo(conn, user.company_id, scope, id).await
        },
    )
    .await
}

/// `PUT /api/visits/{visit}/photos/{photo}` with an image as the body: a photo taken on
/// a visit, with the id the tablet minted, so an upload retried after a broken
/// connection is kept once (the second answer is `200` instead of `201`). Only for
/// visits whose customer the user may see.
pub async fn put_visit_photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((visit, photo)): Path<(Uuid, Uuid)>,
    body: Bytes,
) -> Response {
    use crate::server::db::visits;
    let (user, content_type, mut tx) =
        match begin_upload(&state, &headers, Action::WorkWithCustomers, &body).await {
            Ok(started) => started,
            Err(e) => return error(e),
        };
    let company = user.company_id;
    let visit_found = visits::visit_in_scope(&mut tx, company, imp::scope_of(&user), visit).await;
    if let Err(e) = found(visit_found) {
        return error(e);
    }
    match visits::photo_visit(&mut tx, company, photo).await {
        Ok(Some((v, stored_type))) if v == visit => {
            // recorded before; if its file was never placed (the first request died
            // between commit and link), this retry's bytes put it in place — the tablet
            // drops its copy after this answer
            drop(tx);
            if let Err(e) = place_if_missing(
                &state,
                company,
                PhotoKind::Visit,
                photo,
                &stored_type,
                &body,
            )
            .await
            {
                return error(e);
            }
            return (StatusCode::OK, Json(photo.to_string())).into_response();
        }
        Ok(Some(_)) => return error(AppError::NotFound),
        Ok(None) => {}
        Err(e) => return error(AppError::from(e)),
    }
    let answer = store_image(
        &state,
        company,
        PhotoKind::Visit,
        tx,
        photo,
        content_type,
        &body,
        async |conn, size| {
            visits::insert_photo(
                conn,
                company,
                photo,
                visit,
                content_type,
                size,
                chrono::Utc::now(),
            )
            .await
        },
    )
    .await;
    if answer.status() == StatusCode::CREATED {
        tracing::info!(by = %user.id, %visit, %photo, "visit photo uploaded");
    }
    answer
}

/// `GET /visit-photos/{id}`: only to users who may see the visit's customer.
pub async fn visit_photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> Response {
    use crate::server::db::visits;
    serve_photo(
        &state,
        &headers,
        Action::WorkWithCustomers,
        PhotoKind::Visit,
        id,
        async |conn, user| {
            let Some((visit, content_type)) =
                visits::photo_visit(conn, user.company_id, id).await?
            else {
                return Ok(None);
            };
            let visible =
                visits::visit_in_scope(conn, user.company_id, imp::scope_of(user), visit).await?;
            Ok(visible.then_some(content_type))
        },
    )
    .await
}
