//! HTTP handlers that move files rather than JSON: customer import (raw file body),
//! export downloads, photo upload and photo serving. They authenticate from the session
//! cookie and apply the same role and scope rules as the server functions.
use crate::domain::ids::{CompanyId, PhotoId};
use crate::domain::staff::Action;
use crate::error::AppError;
use crate::features::customers::api::{CustomerQuery, imp};
use crate::features::customers::transfer::{FileProblem, ImportOptions, ImportOutcome};
use crate::server::context;
use crate::server::customers::Author;
use crate::server::db::{self, customers as repo};
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

fn error(e: AppError) -> Response {
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
    let mut tx = match state.pool.begin().await {
        Ok(tx) => tx,
        Err(e) => return error(db::internal("begin")(e)),
    };
    let started = std::time::Instant::now();
    let outcome = match transfer::import(&mut tx, author, &body, &options).await {
        Ok(o) => o,
        Err(e) => return error(db::internal("import")(e)),
    };
    if let ImportOutcome::Report(r) = &outcome {
        if r.committed {
            if let Err(e) = tx.commit().await {
                return error(db::internal("commit import")(e));
            }
            tracing::info!(by = %user.id, created = r.created, updated = r.updated, ms = started.elapsed().as_millis() as u64, "customers imported");
        } else {
            // preview, or errors: nothing of it stays
            if let Err(e) = tx.rollback().await {
                return error(db::internal("rollback import")(e));
            }
        }
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
    let user = match context::user_from_headers(&state, &headers).await {
        Ok(u) => u,
        Err(e) => return error(e),
    };
    let query = CustomerQuery::from_lookup(|k| q.get(k).cloned());
    let xlsx = q.get("format").map(String::as_str) == Some("xlsx");
    let chinese = q.get("headers").map(String::as_str) != Some("en");
    let scope = imp::scope_of(&user);
    let mut conn = match state.pool.acquire().await {
        Ok(c) => c,
        Err(e) => return error(db::internal("acquire")(e)),
    };
    let mut rows = match transfer::export_rows(
        &mut conn,
        user.company_id,
        scope,
        &imp::filter_of(&query),
        imp::sort_of(&query),
        query.desc,
    )
    .await
    {
        Ok(r) => r,
        Err(e) => return error(db::internal("export")(e)),
    };
    // every row here is one the user may see whole; reps see only their own customers,
    // and not the codes of suppliers another rep looks after
    for r in &mut rows {
        imp::hide_foreign_parent(r, scope);
    }
    let cols = transfer::export_headers(chinese, true);
    let date = chrono::Utc::now().format("%Y%m%d");
    let (bytes, mime, ext) = if xlsx {
        match transfer::to_xlsx(&cols, &rows) {
            Ok(b) => (
                b,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
            ),
            Err(e) => {
                tracing::error!(error = %e, "xlsx export");
                return error(AppError::Internal);
            }
        }
    } else {
        match transfer::to_csv(&cols, &rows) {
            Ok(b) => (b, "text/csv; charset=utf-8", "csv"),
            Err(e) => {
                tracing::error!(error = %e, "csv export");
                return error(AppError::Internal);
            }
        }
    };
    tracing::info!(by = %user.id, rows = rows.len(), ext, "customers exported");
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
        bytes,
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

/// Where photo `id` of `company` is stored.
pub fn photo_path(
    dir: &std::path::Path,
    company: CompanyId,
    id: Uuid,
    content_type: &str,
) -> PathBuf {
    let ext = match content_type {
        "image/png" => "png",
        "image/webp" => "webp",
        _ => "jpg",
    };
    dir.join(company.to_string()).join(format!("{id}.{ext}"))
}

/// `POST /api/customers/{id}/photos?kind=storefront|display` with the image as the body.
pub async fn upload_photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(customer): Path<Uuid>,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let user = match context::user_from_headers(&state, &headers).await {
        Ok(u) => u,
        Err(e) => return error(e),
    };
    let kind = match q.get("kind").map(String::as_str) {
        Some("display") => "display",
        _ => "storefront",
    };
    if body.len() > MAX_PHOTO_BYTES {
        return error(AppError::Validation(vec![
            crate::domain::validation::FieldError::new(
                "photo",
                crate::domain::validation::FieldErrorCode::TooLarge,
            ),
        ]));
    }
    let Some(content_type) = sniff_image(&body) else {
        return error(AppError::Validation(vec![
            crate::domain::validation::FieldError::new(
                "photo",
                crate::domain::validation::FieldErrorCode::NotAnImage,
            ),
        ]));
    };
    let scope = imp::scope_of(&user);
    let mut tx = match state.pool.begin().await {
        Ok(tx) => tx,
        Err(e) => return error(db::internal("begin")(e)),
    };
    match repo::get(&mut tx, user.company_id, scope, customer).await {
        Ok(Some(_)) => {}
        Ok(None) => return error(AppError::NotFound),
        Err(e) => return error(db::internal("get customer")(e)),
    }
    let id = PhotoId::new_random();
    let path = photo_path(&state.config.photo_dir, user.company_id, id.0, content_type);
    // file first, row second: a crash between leaves an orphan file, never a row
    // pointing at nothing
    let written = async {
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        tokio::fs::write(&path, &body).await
    }
    .await;
    if let Err(e) = written {
        tracing::error!(error = %e, path = %path.display(), "photo not written");
        return error(AppError::Internal);
    }
    let size = i64::try_from(body.len()).unwrap_or(i64::MAX);
    let saved = repo::insert_photo(
        &mut tx,
        user.company_id,
        id.0,
        customer,
        kind,
        content_type,
        size,
        user.id,
        chrono::Utc::now(),
    )
    .await;
    if let Err(e) = saved {
        let _ = tokio::fs::remove_file(&path).await;
        return error(db::internal("insert photo")(e));
    }
    if let Err(e) = tx.commit().await {
        let _ = tokio::fs::remove_file(&path).await;
        return error(db::internal("commit photo")(e));
    }
    tracing::info!(by = %user.id, %customer, photo = %id, "photo uploaded");
    (StatusCode::CREATED, Json(id)).into_response()
}

/// `GET /photos/{id}`: the image, only to users who may see its customer.
pub async fn photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> Response {
    let user = match context::user_from_headers(&state, &headers).await {
        Ok(u) => u,
        Err(e) => return error(e),
    };
    let mut conn = match state.pool.acquire().await {
        Ok(c) => c,
        Err(e) => return error(db::internal("acquire")(e)),
    };
    let row = match repo::photo(&mut conn, user.company_id, imp::scope_of(&user), id).await {
        Ok(Some(r)) => r,
        Ok(None) => return error(AppError::NotFound),
        Err(e) => return error(db::internal("get photo")(e)),
    };
    let path = photo_path(
        &state.config.photo_dir,
        user.company_id,
        row.id,
        &row.content_type,
    );
    match tokio::fs::read(&path).await {
        Ok(bytes) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_str(&row.content_type)
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
    let mut tx = match state.pool.begin().await {
        Ok(tx) => tx,
        Err(e) => return error(db::internal("begin")(e)),
    };
    let outcome = match crate::server::sales::import(&mut tx, &who, &body, options).await {
        Ok(o) => o,
        Err(e) => return error(db::internal("sales import")(e)),
    };
    let keep = matches!(&outcome, SalesImportOutcome::Report(r) if r.committed);
    let done = if keep {
        tx.commit().await
    } else {
        tx.rollback().await
    };
    if let Err(e) = done {
        return error(db::internal("end sales import")(e));
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
    let user = match context::user_from_headers(&state, &headers).await {
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
        Err(e) => return error(db::internal("classify for export")(e)),
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
        match transfer::table_xlsx("abc", &heads, &rows) {
            Ok(b) => download(
                b,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                &format!("{stem}.xlsx"),
            ),
            Err(e) => {
                tracing::error!(error = %e, "xlsx export");
                error(AppError::Internal)
            }
        }
    } else {
        match transfer::table_csv(&heads, &rows) {
            Ok(b) => download(b, "text/csv; charset=utf-8", &format!("{stem}.csv")),
            Err(e) => {
                tracing::error!(error = %e, "csv export");
                error(AppError::Internal)
            }
        }
    }
}
