//! What a server function needs from its request: the state, the signed-in user, the
//! permission check, and how its errors become HTTP statuses.
//!
//! Every server function starts with [`authorize`] (or [`current_user`]); none trusts the
//! UI to have hidden a button.
use crate::domain::ids::{CompanyId, EmployeeId};
use crate::domain::staff::Action;
use crate::error::AppError;
use crate::features::auth::api::{CurrentUser, SessionInfo};
use crate::server::auth;
use crate::server::db::{self, sessions};
use crate::server::state::AppState;
use http::request::Parts;
use http::{HeaderValue, header};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use std::net::{IpAddr, SocketAddr};

/// The application state provided to every server function.
#[track_caller]
pub fn app_state() -> Result<AppState, AppError> {
    let caller = std::panic::Location::caller();
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!(%caller, "AppState missing from the server-function context");
        AppError::Internal
    })
}

fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// The address of the client (the socket peer).
pub fn client_ip() -> Option<IpAddr> {
    let parts = parts()?;
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip())?;
    let trusted = use_context::<AppState>()
        .map(|s| s.config.trusted_proxies.clone())
        .unwrap_or_default();
    Some(client_address(peer, &parts.headers, &trusted))
}

/// The client's address: the peer's, unless the peer is a trusted reverse proxy — then
/// the nearest address in `X-Forwarded-For` that is not itself a trusted proxy (the
/// entries further left are whatever the client chose to send, and are never believed).
pub fn client_address(peer: IpAddr, headers: &http::HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    // from the right: each trusted proxy appended the address it saw; the first entry
    // that is not a trusted proxy is the client (anything unreadable ends the walk)
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    for entry in forwarded.into_iter().rev() {
        match entry.trim().parse::<IpAddr>() {
            Ok(a) if trusted.contains(&a) => continue,
            Ok(a) => return a,
            Err(_) => break,
        }
    }
    peer
}

/// The `User-Agent` header, shortened, for the session list.
pub fn user_agent() -> Option<String> {
    parts()?
        .headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(200).collect())
}

/// Adds a `Set-Cookie` header to the response.
pub fn set_cookie(value: &str) {
    if let (Some(res), Ok(v)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        res.append_header(header::SET_COOKIE, v);
    }
}

/// The session cookie's token, if the request carries one.
pub fn session_token() -> Option<String> {
    auth::token_from_cookies(&parts()?.headers)
}

/// The signed-in user, or `None`. `Err` only when the database fails. A cookie that no
/// longer names a live session (expired, signed out elsewhere, deactivated) is cleared
/// and reported as `Ok(None)` with `expired = true`.
///
/// Everything needed from the request context is read before the first `.await`: a
/// page rendered on the server may drop a half-finished copy of itself, and after that
/// its futures no longer see the context.
pub async fn session_user(state: &AppState) -> Result<(Option<CurrentUser>, bool), AppError> {
    // a page being drawn: its session was read before, its data requests use it
    if let Some(known) = preloaded_session() {
        return known.map(|s| (s.user, s.expired));
    }
    let token = session_token();
    let response = use_context::<ResponseOptions>();
    let lookup = session_user_for(state, token, Renew::Yes).await?;
    if let (Some(res), Some(cookie)) = (response, &lookup.cookie)
        && let Ok(v) = HeaderValue::from_str(cookie)
    {
        res.append_header(header::SET_COOKIE, v);
    }
    Ok((lookup.user, lookup.expired))
}

/// The signed-in user of a plain axum handler (uploads, downloads, photos), from the
/// request's cookies; [`AppError::Unauthorized`] when there is none. These answers set no
/// cookie, so they leave the session's expiry alone too: the pages and server functions
/// around them slide it and renew the browser's cookie with it.
pub async fn user_from_headers(
    state: &AppState,
    headers: &http::HeaderMap,
) -> Result<CurrentUser, AppError> {
    session_user_for(state, auth::token_from_cookies(headers), Renew::No)
        .await?
        .user
        .ok_or(AppError::Unauthorized)
}

/// A page request's session, read before the page is drawn (`http::preload_session`).
#[derive(Debug, Clone)]
pub struct PreloadedSession(pub Result<SessionInfo, AppError>);

/// The session of the page being drawn, when it was read first.
pub fn preloaded_session() -> Option<Result<SessionInfo, AppError>> {
    use_context::<http::request::Parts>()?
        .extensions
        .get::<PreloadedSession>()
        .map(|p| p.0.clone())
}

/// The session of a request, from its cookies, before its page is drawn, and the
/// `Set-Cookie` value its answer carries (see [`SessionLookup::cookie`]).
pub async fn preload_session(
    state: &AppState,
    headers: &http::HeaderMap,
) -> (PreloadedSession, Option<String>) {
    match session_user_for(state, auth::token_from_cookies(headers), Renew::Yes).await {
        Ok(lookup) => (
            PreloadedSession(Ok(SessionInfo {
                user: lookup.user,
                expired: lookup.expired,
                known_first: true,
            })),
            lookup.cookie,
        ),
        Err(e) => (PreloadedSession(Err(e)), None),
    }
}

/// What a request's session cookie names.
struct SessionLookup {
    user: Option<CurrentUser>,
    /// The cookie named a session that has ended (expired, signed out elsewhere,
    /// deactivated).
    expired: bool,
    /// The session cookie the answer sets: cleared when the session has ended; sent again
    /// with a fresh lifetime when the server slid the session's expiry, so that the
    /// browser keeps it as long as the server does — else a user active every day would
    /// still lose the cookie, and be signed out, a fixed time after signing in.
    cookie: Option<String>,
}

/// Whether a request's answer can carry the session cookie, so that sliding the session's
/// expiry renews the cookie too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Renew {
    Yes,
    No,
}

async fn session_user_for(
    state: &AppState,
    token: Option<String>,
    renew: Renew,
) -> Result<SessionLookup, AppError> {
    let Some(token) = token else {
        return Ok(SessionLookup {
            user: None,
            expired: false,
            cookie: None,
        });
    };
    let secure = state.config.secure_cookies;
    let hash = auth::token_hash(&token);
    let now = db::unix_now();
    let mut conn = state.conn().await?;
    let Some(row) = sessions::find_live(&mut conn, &hash, now).await? else {
        return Ok(SessionLookup {
            user: None,
            expired: true,
            cookie: Some(auth::clear_session_cookie(secure)),
        });
    };
    // Slide the expiry at most once a minute: one write per active minute, not per call.
    let mut cookie = None;
    if renew == Renew::Yes && now - row.last_seen_at >= 60 {
        let ttl = state.config.session_ttl_secs;
        // sliding the expiry is a courtesy: a busy database (a long import) must not
        // turn every request into an error, so a failed touch is logged and waits for
        // the next minute
        match sessions::touch(&mut conn, &hash, now, now + ttl).await {
            Ok(true) => cookie = Some(auth::session_cookie(&token, ttl, secure)),
            // ended since it was read: a renewed cookie could overwrite a new sign-in's
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "session expiry not slid"),
        }
    }
    Ok(SessionLookup {
        user: Some(CurrentUser {
            id: EmployeeId(row.employee_id),
            company_id: CompanyId(row.company_id),
            company_name: row.company_name,
            name: row.name,
            login: row.login,
            role: row.role,
        }),
        expired: false,
        cookie,
    })
}

/// The state and the signed-in user, or [`AppError::Unauthorized`].
#[track_caller]
pub fn current_user() -> impl Future<Output = Result<(AppState, CurrentUser), AppError>> {
    let state = app_state();
    async move {
        let state = state?;
        let user = session_user(&state)
            .await?
            .0
            .ok_or(AppError::Unauthorized)?;
        Ok((state, user))
    }
}

/// Which customers `user` works with: every customer of the company for the owner and
/// managers, only their own for a rep. Every read and write of customer data, and of what
/// hangs off a customer (visits, tickets, photos, sales), is narrowed by it in SQL.
pub fn scope_of(user: &CurrentUser) -> crate::server::db::customers::Scope {
    use crate::server::db::customers::Scope;
    if user.role.may(Action::ManageCustomers) {
        Scope::All
    } else {
        Scope::Rep(user.id)
    }
}

/// The id of a record a request names. Text that is no id names no record: "not found",
/// the same answer as for an id outside the user's scope.
pub fn record_id<T: std::str::FromStr>(raw: &str) -> Result<T, AppError> {
    raw.trim().parse().map_err(|_| AppError::NotFound)
}

/// The id a tablet gave a record it made offline, so that the record sent twice (a retry
/// after a timeout, two syncs at once) is saved once; `None` for a record made online.
pub fn client_id(raw: &str) -> Result<Option<uuid::Uuid>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        raw => Ok(Some(uuid::Uuid::parse_str(raw).map_err(|_| {
            crate::domain::validation::FieldError::new(
                "client_id",
                crate::domain::validation::FieldErrorCode::InvalidCode,
            )
        })?)),
    }
}

/// The request's moment, to the whole second, in UTC and as Beijing wall-clock time:
/// forms are checked against the second and stored in the first.
pub fn now_pair() -> (chrono::DateTime<chrono::Utc>, chrono::NaiveDateTime) {
    let now = chrono::Utc::now();
    let trimmed = chrono::DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now);
    (trimmed, crate::domain::time::to_beijing(trimmed))
}

/// The state and the signed-in user if their role may do `action`;
/// [`AppError::Forbidden`] otherwise. Every server function starts here.
#[track_caller]
pub fn authorize(
    action: Action,
) -> impl Future<Output = Result<(AppState, CurrentUser), AppError>> {
    let current = current_user();
    async move {
        let (state, user) = current.await?;
        if user.role.may(action) {
            Ok((state, user))
        } else {
            tracing::warn!(user = %user.id, ?action, "forbidden");
            Err(AppError::Forbidden)
        }
    }
}

/// Whether this request is a form the browser posted by itself (before the page's script
/// ran, or with scripts off): it asks for HTML, where the app's own calls ask for JSON.
pub fn is_plain_form_post() -> bool {
    parts()
        .and_then(|p| {
            p.headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}

/// After a change made by a plain form post, shows `path` next (a new record's page, the
/// list after signing in) instead of the page the form was on. The app's own calls are
/// left alone: they stay on their page and show the result in place.
pub fn redirect_plain_form(path: &str) {
    if is_plain_form_post() {
        leptos_axum::redirect(path);
    }
}
