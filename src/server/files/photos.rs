//! Photos of every kind: uploads (checked by their bytes, stored once, never
//! overwritten) and serving, each only within the user's scope.
use super::store::{PhotoStore, StoreError};
use super::user_who_may;
use crate::domain::ids::{CompanyId, PhotoId};
use crate::domain::staff::Action;
use crate::error::AppError;
use crate::features::auth::api::CurrentUser;
use crate::server::context;
use crate::server::db::on;
use crate::server::db::{self, UniqueKey as _, customers as repo};
use crate::server::state::AppState;
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

/// The key of photo `id` of `kind` of `company` in the photo store (its path below a
/// photo folder): `<company>/<kind>/<id>.<ext>`.
pub fn photo_key(company: CompanyId, kind: PhotoKind, id: Uuid, content_type: &str) -> String {
    format!(
        "{company}/{}/{id}.{}",
        kind.folder(),
        extension(content_type)
    )
}

/// Where photo `id` of `kind` of `company` lies below the photo folder `dir`.
pub fn photo_path(
    dir: &std::path::Path,
    company: CompanyId,
    kind: PhotoKind,
    id: Uuid,
    content_type: &str,
) -> PathBuf {
    dir.join(photo_key(company, kind, id, content_type))
}

/// Where photos were stored before each kind had its folder (read only, never written).
pub fn legacy_photo_key(company: CompanyId, id: Uuid, content_type: &str) -> String {
    format!("{company}/{id}.{}", extension(content_type))
}

/// Removes the file of a photo whose row was deleted (wherever it is stored).
pub async fn remove_photo_file(
    store: &PhotoStore,
    company: CompanyId,
    kind: PhotoKind,
    id: Uuid,
    content_type: &str,
) {
    for key in [
        photo_key(company, kind, id, content_type),
        legacy_photo_key(company, id, content_type),
    ] {
        if let Err(e) = store.remove(&key).await {
            tracing::warn!(error = %e, key, "photo file not removed");
        }
    }
}

/// `POST /api/customers/{id}/photos?kind=storefront|display` with the image as the body.
pub async fn upload_photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(customer): Path<Uuid>,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Result<Response, AppError> {
    let (user, content_type, mut tx) =
        begin_upload(&state, &headers, Action::WorkWithCustomers, &body).await?;
    let kind = match q.get("kind").map(String::as_str) {
        Some("display") => "display",
        _ => "storefront",
    };
    repo::get(&mut tx, user.company_id, context::scope_of(&user), customer)
        .await?
        .ok_or(AppError::NotFound)?;
    let id = PhotoId::new_random();
    let company = user.company_id;
    store_image(
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
    .await?;
    tracing::info!(by = %user.id, %customer, photo = %id, "photo uploaded");
    Ok(created(id.0))
}

/// `GET /photos/{id}`: the image, only to users who may see its customer.
pub async fn photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
    serve_photo(
        &state,
        &headers,
        Action::WorkWithCustomers,
        PhotoKind::Customer,
        id,
        async |conn, user| {
            let row = repo::photo(conn, user.company_id, context::scope_of(user), id).await?;
            Ok(row.map(|r| r.content_type))
        },
    )
    .await
}

/// The first steps of every photo upload: the signed-in user, the image's type (checked
/// by [`check_image`]) and a transaction in which the caller checks that what the photo
/// belongs to is within the user's scope.
async fn begin_upload(
    state: &AppState,
    headers: &HeaderMap,
    action: Action,
    body: &[u8],
) -> Result<(CurrentUser, &'static str, crate::server::db::DbConn), AppError> {
    let user = user_who_may(state, headers, action).await?;
    let content_type = check_image(body)?;
    let tx = state.begin().await?;
    Ok((user, content_type, tx))
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
) -> Result<Response, AppError> {
    let user = user_who_may(state, headers, action).await?;
    let mut conn = state.conn().await?;
    let content_type = lookup(&mut conn, &user).await?.ok_or(AppError::NotFound)?;
    drop(conn);
    // a photo never changes under its id: the copy the browser holds is still good, and
    // this user may see it
    if headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        // weak comparison (RFC 9110): a proxy may have weakened the tag
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == photo_etag(id) || tag == "*")
    {
        return Ok((StatusCode::NOT_MODIFIED, photo_headers(id)).into_response());
    }
    serve_image(state, user.company_id, kind, id, &content_type).await
}

/// A photo's entity tag: its id, since a photo never changes under it.
fn photo_etag(id: Uuid) -> String {
    format!("\"{id}\"")
}

/// What every photo answer says of its caching. `private`: a shared cache must never hand
/// it to another user. `no-cache`: the browser keeps it but asks each time, so a photo
/// kept on a shared tablet is shown only to a user the server lets see it (`304`, no
/// body, when the browser's copy is good) and never after sign-out.
fn photo_headers(id: Uuid) -> [(header::HeaderName, HeaderValue); 2] {
    [
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        ),
        (
            header::ETAG,
            HeaderValue::from_str(&photo_etag(id)).unwrap_or(HeaderValue::from_static("\"\"")),
        ),
    ]
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

/// Writes the image `body` as photo `id` of `kind` and records it with `insert` in `tx`:
/// the bytes are staged under a name of their own, the row is committed, then the bytes
/// are put in place — never over an existing file, so no photo is ever overwritten (when
/// a retry of the same upload placed its copy first, that copy stays).
/// An id already used by a photo of any kind is refused before anything is written.
/// If recording fails the staged bytes are dropped: nothing is half-saved, and a
/// failed upload never touches a file another upload wrote.
#[expect(clippy::too_many_arguments, reason = "one call site per photo kind")]
async fn store_image(
    state: &AppState,
    company: CompanyId,
    kind: PhotoKind,
    mut tx: crate::server::db::DbConn,
    id: Uuid,
    content_type: &'static str,
    body: &[u8],
    insert: impl AsyncFnOnce(&mut db::DbConn, i64) -> Result<(), sqlx::Error>,
) -> Result<(), AppError> {
    if photo_id_taken(&mut tx, id).await? {
        return Err(AppError::Conflict(crate::error::Conflict::IdTaken));
    }
    let key = photo_key(company, kind, id, content_type);
    let staged = state.photos.stage(&key, body).await?;
    let size = i64::try_from(body.len()).unwrap_or(i64::MAX);
    if let Err(e) = insert(&mut tx, size).await {
        state.photos.discard(staged).await;
        return Err(e).or_taken(|| AppError::Conflict(crate::error::Conflict::IdTaken));
    }
    // Commit and placing run to the end even when the request is dropped meanwhile (the
    // client gave up, or the server's timeout struck): a row is never left without its
    // file because a connection broke between the two.
    let photos = state.photos.clone();
    let bytes = body.to_vec();
    tokio::spawn(async move {
        if let Err(e) = tx.commit().await {
            photos.discard(staged).await;
            // another request recorded this id first (a retry racing its original)
            return Err(e).or_taken(|| AppError::Conflict(crate::error::Conflict::IdTaken));
        }
        match photos.place(staged, &key, &bytes).await {
            Ok(()) => Ok(()),
            // a retry of this upload placed it first (see `place_if_missing`)
            Err(StoreError::AlreadyExists { .. }) => Ok(()),
            Err(e) => {
                tracing::error!(error = %e, key, "photo recorded but not placed");
                Err(AppError::Internal)
            }
        }
    })
    .await?
}

/// The answer to a stored upload: `201` with the photo's id.
fn created(id: Uuid) -> Response {
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
    let key = photo_key(company, kind, id, content_type);
    if state.photos.exists(&key).await?
        || state
            .photos
            .exists(&legacy_photo_key(company, id, content_type))
            .await?
    {
        return Ok(());
    }
    let staged = state.photos.stage(&key, body).await?;
    match state.photos.place(staged, &key, body).await {
        // another retry placed it meanwhile
        Ok(()) | Err(StoreError::AlreadyExists { .. }) => Ok(()),
        Err(e) => {
            tracing::error!(error = %e, key, "photo not placed");
            Err(AppError::Internal)
        }
    }
}

/// Whether a photo of any kind, in any company, already has `id`.
async fn photo_id_taken(conn: &mut db::DbConn, id: Uuid) -> Result<bool, sqlx::Error> {
    let tables: Vec<String> = PhotoKind::ALL
        .iter()
        .map(|k| format!("SELECT 1 FROM {} WHERE id = $1", k.table()))
        .collect();
    let sql = format!("SELECT EXISTS ({})", tables.join(" UNION ALL "));
    on!(conn, |ex| {
        sqlx::query_scalar::<_, bool>(&sql)
            .bind(id)
            .fetch_one(&mut *ex)
            .await
    })
}

/// The stored image `id` ([`photo_headers`]).
async fn serve_image(
    state: &AppState,
    company: CompanyId,
    kind: PhotoKind,
    id: Uuid,
    content_type: &str,
) -> Result<Response, AppError> {
    let key = photo_key(company, kind, id, content_type);
    let bytes = match state.photos.read(&key).await? {
        Some(bytes) => bytes,
        None => match state
            .photos
            .read(&legacy_photo_key(company, id, content_type))
            .await?
        {
            Some(bytes) => bytes,
            None => {
                tracing::error!(key, "photo file missing");
                return Err(AppError::NotFound);
            }
        },
    };
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_str(content_type).unwrap_or(HeaderValue::from_static("image/jpeg")),
        )],
        photo_headers(id),
        bytes,
    )
        .into_response())
}

/// `POST /api/violations/{id}/photos` with an image as the body: evidence for a
/// violation whose customer the user may see. Answers the photo's id.
pub async fn upload_violation_photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(violation): Path<Uuid>,
    body: Bytes,
) -> Result<Response, AppError> {
    use crate::server::db::discipline;
    let (user, content_type, mut tx) =
        begin_upload(&state, &headers, Action::WorkWithCustomers, &body).await?;
    discipline::violation(
        &mut tx,
        user.company_id,
        context::scope_of(&user),
        violation,
    )
    .await?
    .ok_or(AppError::NotFound)?;
    let id = Uuid::now_v7();
    let company = user.company_id;
    store_image(
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
    .await?;
    tracing::info!(by = %user.id, %violation, photo = %id, "evidence photo uploaded");
    Ok(created(id))
}

/// `GET /violation-photos/{id}`: evidence, only to users who may see the customer.
pub async fn violation_photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
    serve_photo(
        &state,
        &headers,
        Action::WorkWithCustomers,
        PhotoKind::Violation,
        id,
        async |conn, user| {
            crate::server::db::discipline::photo(conn, user.company_id, context::scope_of(user), id)
                .await
        },
    )
    .await
}

/// What adding a photo to a ticket of `kind` takes: proof of delivery is the driver's too.
fn ticket_action(kind: &str) -> Action {
    if kind == "delivery" {
        Action::Deliver
    } else {
        Action::WorkWithCustomers
    }
}

/// `POST /api/tickets/{kind}/{id}/photos` (`kind`: `objection` or `delivery`) with an image
/// as the body: evidence or proof of delivery for a ticket whose customer the user may
/// see. Answers the photo's id.
pub async fn upload_ticket_photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((kind, ticket)): Path<(String, Uuid)>,
    body: Bytes,
) -> Result<Response, AppError> {
    use crate::server::db::tickets;
    let (user, content_type, mut tx) =
        begin_upload(&state, &headers, ticket_action(&kind), &body).await?;
    let kind = match kind.as_str() {
        "objection" => "objection",
        "delivery" => "delivery",
        _ => return Err(AppError::NotFound),
    };
    let ticket_found = if kind == "objection" {
        tickets::objection(&mut tx, user.company_id, context::scope_of(&user), ticket)
            .await?
            .is_some()
    } else {
        // proof of delivery: also its driver's to add (not once its order was cancelled)
        let scope = tickets::DeliveryScope::of(user.role, user.id);
        match tickets::delivery(&mut tx, user.company_id, scope, ticket).await? {
            Some(d) if d.cancelled_at.is_some() => {
                return Err(crate::domain::validation::FieldError::new(
                    "photo",
                    crate::domain::validation::FieldErrorCode::InvalidTransition,
                )
                .into());
            }
            found => found.is_some(),
        }
    };
    if !ticket_found {
        return Err(AppError::NotFound);
    }
    let id = Uuid::now_v7();
    let company = user.company_id;
    store_image(
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
    .await?;
    tracing::info!(by = %user.id, %ticket, photo = %id, kind, "ticket photo uploaded");
    Ok(created(id))
}

/// `GET /ticket-photos/{id}`: only to users who may see the ticket's customer (and a
/// delivery's photos to its driver).
pub async fn ticket_photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
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
) -> Result<Response, AppError> {
    use crate::server::db::visits;
    let (user, content_type, mut tx) =
        begin_upload(&state, &headers, Action::WorkWithCustomers, &body).await?;
    let company = user.company_id;
    if !visits::visit_in_scope(&mut tx, company, context::scope_of(&user), visit).await? {
        return Err(AppError::NotFound);
    }
    match visits::photo_visit(&mut tx, company, photo).await? {
        Some((v, stored_type)) if v == visit => {
            // recorded before; if its file was never placed (the first request died
            // between commit and link), this retry's bytes put it in place — the tablet
            // drops its copy after this answer
            drop(tx);
            place_if_missing(
                &state,
                company,
                PhotoKind::Visit,
                photo,
                &stored_type,
                &body,
            )
            .await?;
            return Ok((StatusCode::OK, Json(photo.to_string())).into_response());
        }
        Some(_) => return Err(AppError::NotFound),
        None => {}
    }
    // a new photo: only while the visit holds fewer than it may
    let max = crate::domain::visits::PHOTOS_PER_VISIT;
    let held = visits::photo_count(&mut tx, company, visit).await?;
    if usize::try_from(held).unwrap_or(usize::MAX) >= max {
        use crate::domain::validation::{FieldError, FieldErrorCode};
        tracing::warn!(by = %user.id, %visit, "visit photo refused: the visit holds {held}");
        return Err(AppError::Validation(vec![FieldError::new(
            "photos",
            FieldErrorCode::TooManyPhotos {
                max: u32::try_from(max).unwrap_or(u32::MAX),
            },
        )]));
    }
    store_image(
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
    .await?;
    tracing::info!(by = %user.id, %visit, %photo, "visit photo uploaded");
    Ok(created(photo))
}

/// `GET /visit-photos/{id}`: only to users who may see the visit's customer.
pub async fn visit_photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
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
                visits::visit_in_scope(conn, user.company_id, context::scope_of(user), visit)
                    .await?;
            Ok(visible.then_some(content_type))
        },
    )
    .await
}
