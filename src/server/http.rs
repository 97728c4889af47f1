//! The HTTP surface: routes, middleware and the handlers that are not Leptos pages.
//!
//! Layers, outermost first: body limit (413), timeout (408), compression, security
//! headers, cross-site refusal for every mutation (403). Server functions live under
//! `/api/`; pages are rendered by Leptos; files come from the site root.
use crate::app::{App, shell};
use crate::error::AppError;
use crate::server::db::on;
use crate::server::files;
use crate::server::state::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::{HeaderValue, Method, StatusCode, header};
use leptos::prelude::provide_context;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

/// The whole application router for `state`.
pub fn router(state: AppState) -> Router {
    let routes = route_list();
    let opts = state.leptos_options.clone();
    let ctx = state.clone();
    let file_ctx = state.clone();
    // Uploads get their own, larger body limit; everything else the general one.
    let upload_limit = state.config.upload_limit_bytes;
    let uploads = Router::new()
        .route("/api/customers/import", post(files::import))
        .route("/api/sales/import", post(files::import_sales))
        .route("/api/customers/{id}/photos", post(files::upload_photo))
        .route(
            "/api/violations/{id}/photos",
            post(files::upload_violation_photo),
        )
        .route(
            "/api/tickets/{kind}/{id}/photos",
            post(files::upload_ticket_photo),
        )
        .route(
            "/api/visits/{visit}/photos/{photo}",
            axum::routing::put(files::put_visit_photo),
        )
        .layer(DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(upload_limit))
        .layer(middleware::from_fn(move |req: Request, next: Next| {
            upload_too_large(upload_limit, req, next)
        }))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            signed_in_first,
        ));
    let pkg = format!("/{}", state.leptos_options.site_pkg_dir);
    Router::new()
        .nest_service(&pkg, assets::service(&state.leptos_options))
        .route("/healthz", get(healthz))
        .route("/sw.js", get(service_worker_js))
        .route("/api/customers/export", get(files::export))
        .route("/api/segmentation/export", get(files::export_segmentation))
        .route("/api/growth/export", get(files::export_growth))
        .route("/api/receivables/export", get(files::export_receivables))
        .route("/photos/{id}", get(files::photo))
        .route("/violation-photos/{id}", get(files::violation_photo))
        .route("/ticket-photos/{id}", get(files::ticket_photo))
        .route("/visit-photos/{id}", get(files::visit_photo))
        .merge(
            Router::new()
                .leptos_routes_with_context(&state, routes, move || provide_context(ctx.clone()), {
                    let opts = opts.clone();
                    move || shell(opts.clone())
                })
                .route_layer(middleware::from_fn_with_state(
                    state.clone(),
                    preload_session,
                )),
        )
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(move || provide_context(file_ctx.clone()), shell))
        .layer(RequestBodyLimitLayer::new(state.config.body_limit_bytes))
        .merge(uploads)
        .layer(middleware::from_fn(client_error_status))
        .layer(middleware::from_fn(plain_form_post))
        .layer(middleware::from_fn(refuse_cross_site))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), needs_setup))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(state.config.request_timeout_secs),
        ))
        .with_state(state)
}

/// The router's route list, made once per process. Making it renders the app with
/// every resource's loading switched off process-wide (leptos_router sets a global flag
/// for the time): a page rendering meanwhile in any app of the process, whose resource
/// first polled then, waited forever and its body never ended — a test starting its app
/// while another test loaded /tickets hung the suite. Made once, before the first app
/// serves, it can never overlap a render.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The page routes of the app as written in its router (`/customers/:id`), sorted.
pub fn page_routes() -> Vec<String> {
    let mut paths: Vec<String> = route_list().iter().map(|r| r.path().to_owned()).collect();
    paths.sort();
    paths.dedup();
    paths
}

/// An upload over the limit is answered with the limit, so the page can say it.
async fn upload_too_large(limit: usize, req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return files::too_large(limit);
    }
    let res = next.run(req).await;
    if res.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return files::too_large(limit);
    }
    res
}

/// A server started on a database without a company (a production install before its
/// owner exists) serves nothing but how to create the owner: no page, no sign-in, no API.
/// Once `qudao user add --role owner …` has run (from another shell), the next request
/// finds the company and the app serves as usual, without a restart.
async fn needs_setup(State(state): State<AppState>, req: Request, next: Next) -> Response {
    use std::sync::atomic::Ordering;
    if !state.set_up.load(Ordering::Relaxed) {
        let found = on!(&state.pool, |ex| sqlx::query_scalar::<_, bool>(
            "SELECT EXISTS (SELECT 1 FROM companies)"
        )
        .fetch_one(ex)
        .await);
        match found {
            Ok(true) => state.set_up.store(true, Ordering::Relaxed),
            Ok(false) => {
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [
                        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                        (header::CACHE_CONTROL, "no-store"),
                    ],
                    SETUP_PAGE,
                )
                    .into_response();
            }
            Err(e) => {
                tracing::error!(error = %e, "checking for a company");
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
        }
    }
    next.run(req).await
}

/// What an empty installation answers (both languages: nobody has chosen one yet).
const SETUP_PAGE: &str = concat!(
    "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">",
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
    "<title>渠道 Qudao — 尚未设置</title></head><body style=\"font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem\">",
    "<h1>渠道 Qudao 尚未设置</h1>",
    "<p>数据库中还没有公司。请在服务器上创建公司和老板账号，然后刷新本页：</p>",
    "<pre>qudao user add --role owner --login 登录名 --name 姓名 --company-name \"公司名称\"</pre>",
    "<p>只想试用？用 <code>QUDAO_SEED_DEMO=true</code> 启动，或运行 <code>qudao seed-demo</code>，即可载入演示公司。</p>",
    "<hr><h2 lang=\"en\">Qudao is not set up yet</h2>",
    "<p lang=\"en\">The database holds no company. On the server, create the company and its owner, then reload this page:</p>",
    "<pre lang=\"en\">qudao user add --role owner --login LOGIN --name NAME --company-name \"COMPANY\"</pre>",
    "<p lang=\"en\">Just trying it? Start with <code>QUDAO_SEED_DEMO=true</code> or run <code>qudao seed-demo</code> for the demo company.</p>",
    "</body></html>"
);

/// Uploads answer a request without a valid session before a byte of its body is read:
/// a stranger cannot make the server take in megabytes (each handler still checks the
/// role and scope the upload needs).
async fn signed_in_first(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match crate::server::context::user_from_headers(&state, req.headers()).await {
        Ok(_) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

/// A page's session is read before the page is drawn, so the layout draws the page once,
/// with no suspense above it: a suspense on the server re-runs the closures below it to
/// find what they wait for, and each run drew the page again — every page was drawn two or
/// three times, each copy running its own data requests and sending its own data.
/// Server functions (under `/api/`) read the session themselves.
async fn preload_session(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if req.method() != Method::GET || req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let (known, cookie) = crate::server::context::preload_session(&state, req.headers()).await;
    // Today's customers, drawn into the page the browser navigates to
    // (`features::visits::today_page`); never into the copy the service worker fetches
    // itself to keep (marked `X-Qudao-Keep`; `Sec-Fetch-Mode: cors` where the browser
    // says it), which anyone holding the tablet may open offline
    let navigation = req
        .headers()
        .get("sec-fetch-mode")
        .is_none_or(|m| m.as_bytes() == b"navigate")
        && !req.headers().contains_key("x-qudao-keep");
    if navigation
        && req.uri().path() == "/today"
        && let Ok(crate::features::auth::api::SessionInfo {
            user: Some(user), ..
        }) = &known.0
    {
        match crate::server::visits::drawn_today(&state, user).await {
            Ok(Some(drawn)) => {
                req.extensions_mut()
                    .insert(crate::server::visits::PreloadedToday(drawn));
            }
            Ok(None) => {}
            // the page then reads the plan on the device, as it does offline
            Err(e) => tracing::warn!(error = %e, "today's plan not drawn in"),
        }
    }
    // a page drawn for a signed-in user holds what only they may see (customers, figures,
    // Today's plan drawn in): on a shared tablet, no copy of it may stay in the browser's
    // cache after they sign out, for the back button or the next user to find. Any request
    // carrying a session counts, even one the server could not read here (the page reads
    // it again).
    let signed_in = crate::server::auth::token_from_cookies(req.headers()).is_some();
    req.extensions_mut().insert(known);
    let mut res = next.run(req).await;
    // an ended session's cookie is cleared, a live one's lifetime renewed, as server
    // functions do; an answer carrying the token is kept by no cache either
    let renewed = cookie.and_then(|c| HeaderValue::from_str(&c).ok());
    let private = signed_in || renewed.is_some();
    if let Some(v) = renewed {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    if private {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    res
}

/// `GET /healthz`: 200 when the database answers, 503 otherwise.
async fn healthz(State(state): State<AppState>) -> Response {
    let probe = async {
        crate::server::db::on!(state.pool, |ex| {
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM companies")
                .fetch_one(ex)
                .await
        })
    };
    match tokio::time::timeout(Duration::from_secs(3), probe).await {
        Ok(Ok(_)) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            r#"{"status":"ok","database":"ok"}"#,
        )
            .into_response(),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "health check: database error");
            unavailable()
        }
        Err(_) => {
            tracing::error!("health check: database timed out");
            unavailable()
        }
    }
}

fn unavailable() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        r#"{"status":"unavailable","database":"error"}"#,
    )
        .into_response()
}

async fn service_worker_js(State(state): State<AppState>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            // The browser must always see a new precache list after a deploy.
            (header::CACHE_CONTROL, "no-cache"),
        ],
        state.service_worker.to_string(),
    )
        .into_response()
}

/// A server function's error leaves the server-fn layer as `500` with the error as JSON:
/// answer it with the error's own status (and `Retry-After` for a lockout) —
/// [`AppError::mark`], the one place that decides. That covers the errors of the
/// server-fn machinery too (an undecodable body, a missing argument: the client's fault).
async fn client_error_status(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    if !is_api || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    // an error's JSON is small; an edit conflict's list of changes is the largest
    let bytes = match axum::body::to_bytes(body, 4 * 1024 * 1024).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "an error answer could not be read");
            return AppError::Internal.into_response();
        }
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        err.mark(&mut parts.status, &mut parts.headers);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// A form the browser posts itself (before the page's script runs, or with scripts off)
/// asks for HTML. The server-function layer answers it with a redirect back to the page
/// (`Location`), carrying an error as `__err` in the query; our status code for the error
/// would stop the browser from following it. So: `303 See Other` (the browser then GETs
/// the page), no body. An error that names values (someone else's edit) is reduced to
/// "changed meanwhile", so no field value ever lands in an address.
async fn plain_form_post(req: Request, next: Next) -> Response {
    let plain = req.method() == Method::POST
        && req.uri().path().starts_with("/api/")
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
    let res = next.run(req).await;
    if !plain {
        return res;
    }
    let Some(location) = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(redirect_target)
    else {
        return res;
    };
    let mut out = StatusCode::SEE_OTHER.into_response();
    for (name, value) in res.headers() {
        if name == header::SET_COOKIE {
            out.headers_mut().append(name, value.clone());
        }
    }
    if let Ok(v) = HeaderValue::from_str(&location) {
        out.headers_mut().insert(header::LOCATION, v);
    }
    out.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    out
}

/// Where a plain form post is sent back to: the same path on this site (an absolute
/// `Referer` loses its origin), with an error that names values reduced to its kind.
fn redirect_target(location: &str) -> String {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE;
    let local = match location.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => location,
    };
    // a path of this site only: `//host/…` or `/\host` would leave it
    let local = if local.starts_with('/') && !local.starts_with("//") && !local.starts_with("/\\") {
        local
    } else {
        "/"
    };
    let (path, query) = match local.split_once('?') {
        Some((path, query)) if !query.is_empty() => (path, query),
        // no query (the server-function layer leaves a bare `?` when it strips an old error)
        Some((path, _)) => return path.to_owned(),
        None => return local.to_owned(),
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some(("__err", v)) => {
                let error = URL_SAFE
                    .decode(percent_decode(v))
                    .ok()
                    .and_then(|b| serde_json::from_slice::<AppError>(&b).ok())
                    .map_or(AppError::Internal, without_values);
                let json = serde_json::to_vec(&error).unwrap_or_default();
                format!("__err={}", URL_SAFE.encode(json))
            }
            _ => pair.to_owned(),
        })
        .collect();
    format!("{path}?{}", pairs.join("&"))
}

/// An error as it may travel in an address: the kind of error without any text that
/// could quote what was posted (someone else's changes, a decoder's message).
fn without_values(e: AppError) -> AppError {
    use leptos::server_fn::error::ServerFnErrorErr as E;
    match e {
        AppError::EditConflict(_) => AppError::Conflict(crate::error::Conflict::StaleVersion),
        AppError::ServerFn(e) => AppError::ServerFn(match e {
            E::Args(_) => E::Args(String::new()),
            E::MissingArg(_) => E::MissingArg(String::new()),
            E::Deserialization(_) => E::Deserialization(String::new()),
            _ => E::ServerError(String::new()),
        }),
        e => e,
    }
}

/// `%3D` → `=`: the base64 padding of `__err` arrives percent-encoded.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Refuses state-changing requests that a browser marks as coming from another site
/// (`Sec-Fetch-Site`), or whose `Origin` is not this host. Leptos server functions have
/// no CSRF protection of their own; this and SameSite=Lax cookies are it.
async fn refuse_cross_site(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let allowed = if let Some(site) = headers.get("sec-fetch-site") {
        site == "same-origin" || site == "none"
    } else if let Some(origin) = headers.get(header::ORIGIN) {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        origin
            .to_str()
            .ok()
            .and_then(|o| o.split_once("://").map(|(_, rest)| rest))
            .zip(host)
            .is_some_and(|(origin_host, host)| origin_host.eq_ignore_ascii_case(host))
    } else {
        // Not a browser (CLI tools, tests): no ambient cookie to abuse.
        true
    };
    if allowed {
        next.run(req).await
    } else {
        tracing::warn!(path = %req.uri().path(), "cross-site request refused");
        let body = serde_json::to_string(&AppError::Forbidden).unwrap_or_default();
        (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response()
    }
}

/// The content security policy of a response with `script` as its script sources.
fn csp(script: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' {script}'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
         manifest-src 'self'; worker-src 'self'; frame-ancestors 'none'; base-uri 'self'; \
         form-action 'self'; object-src 'none'"
    )
}

static NO_INLINE_SCRIPT_CSP: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| csp(""));

/// The language a page is drawn in, read as the app's i18n context reads it on the
/// server (leptos_i18n through leptos-use), without touching the cookie: the language
/// cookie of the first `Cookie` header (the last one of that name) when it names one of
/// ours, else the best match for `Accept-Language` (its entries as sent, in order), else
/// Chinese. (leptos_i18n's own `resolve_locale_with_options` would decide the same, but
/// its cookie signal set the cookie again on the response, at the page's path.)
pub fn page_locale(headers: &http::HeaderMap) -> crate::i18n::Locale {
    use leptos_i18n::Locale as _;
    let chosen = headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .split(';')
        .filter_map(|pair| pair.split_once('='))
        .rfind(|(name, _)| name.trim() == crate::components::layout::LANGUAGE_COOKIE)
        .and_then(|(_, value)| value.trim().parse().ok());
    chosen.unwrap_or_else(|| {
        let accepted: Vec<&str> = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .split(',')
            .map(|l| l.split_once(';').map_or(l, |(tag, _)| tag))
            .collect();
        crate::i18n::Locale::find_locale(&accepted)
    })
}

/// The policy of a page: its inline scripts (hydration, resolved resources) carry
/// `nonce`, fresh for every response; no other inline script runs (no 'unsafe-inline').
pub fn page_csp(nonce: &str) -> String {
    csp(&format!("'nonce-{nonce}' "))
}

/// Security headers on every response, and how the built front end is cached.
async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let built_asset = req.uri().path().starts_with("/pkg/");
    let mut res = next.run(req).await;
    let revalidate = built_asset && res.status().is_success();
    let h = res.headers_mut();
    let mut set = |name: &'static str, value: &'static str| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set("x-content-type-options", "nosniff");
    set("x-frame-options", "DENY");
    set("referrer-policy", "same-origin");
    set("cross-origin-opener-policy", "same-origin");
    set(
        "permissions-policy",
        "camera=(self), geolocation=(self), microphone=()",
    );
    // Pages set their own policy with the nonce of their inline scripts (`page_csp`);
    // everything else runs no inline script at all.
    set("content-security-policy", NO_INLINE_SCRIPT_CSP.as_str());
    // Revalidated on every use (a 304 when unchanged), never kept blindly: with split
    // chunks, cargo-leptos hashes a file's name before it rewrites the chunk loader's
    // name inside it, so the same name can hold new content after a deploy. The
    // service worker keeps its own copies for offline use. A cache between browser and
    // server must keep the brotli and gzip copies apart.
    if revalidate {
        set("cache-control", "no-cache");
        set("vary", "accept-encoding");
    }
    // served over HTTPS (the cookie is marked Secure): browsers must never try plain HTTP
    if state.config.secure_cookies {
        set("strict-transport-security", "max-age=31536000");
    }
    res
}

/// The built front end (`/pkg`: wasm, JS, CSS). `tools/precompress.sh` writes a brotli
/// and a gzip copy beside each file once per build; they are sent as they are to a
/// browser that accepts them, instead of compressing megabytes of wasm per request.
/// Copies older than their file (a build without the precompress step) are never sent:
/// then every file is compressed per request as before.
pub mod assets {
    use leptos::config::LeptosOptions;
    use std::collections::HashMap;
    use std::path::Path;
    use tower_http::services::ServeDir;

    pub fn service(opts: &LeptosOptions) -> ServeDir {
        let dir = Path::new(opts.site_root.as_ref()).join(opts.site_pkg_dir.as_ref());
        let serve = ServeDir::new(&dir);
        match copies_fresh(&dir) {
            Fresh::Yes => serve.precompressed_br().precompressed_gzip(),
            Fresh::None => serve,
            Fresh::Stale(file) => {
                tracing::warn!(
                    file = %file.display(),
                    "a precompressed asset is older than its file; compressing per request \
                     (run tools/precompress.sh after building)"
                );
                serve
            }
        }
    }

    /// The files each chunk group of a split build needs, as the URLs a page of the group
    /// names for the browser to fetch with the main module (`app::name_page_chunks`): the
    /// chunk loader's JS first, then the group's wasm files, separated by spaces. Empty
    /// when the build is not split (no manifest).
    pub fn chunk_groups(opts: &LeptosOptions) -> HashMap<String, String> {
        let hashes = build_hashes(opts);
        let (manifest, loader) = match hashes.as_deref() {
            Some(h) => match (hash_in(h, "manifest"), hash_in(h, "split")) {
                (Some(m), Some(l)) => (
                    format!("__wasm_split_manifest.{m}.json"),
                    format!("__wasm_split.{l}.js"),
                ),
                // a hashed build that is not split
                _ => return HashMap::new(),
            },
            None => (UNHASHED_MANIFEST.to_owned(), UNHASHED_LOADER.to_owned()),
        };
        let pkg = opts.site_pkg_dir.as_ref();
        let path = Path::new(opts.site_root.as_ref()).join(pkg).join(manifest);
        let read = || -> anyhow::Result<HashMap<String, String>> {
            Ok(group_urls(&std::fs::read_to_string(&path)?, pkg, &loader)?)
        };
        match read() {
            Ok(groups) => groups,
            // an unhashed build without a manifest is simply not split
            Err(_) if hashes.is_none() && !path.exists() => HashMap::new(),
            Err(e) => {
                tracing::warn!(file = %path.display(), error = %e, "chunk manifest unreadable (the site and the server from different builds?); pages name no chunks");
                HashMap::new()
            }
        }
    }

    /// The manifest and chunk loader of a split build whose file names are not hashed, as
    /// cargo-leptos names them.
    const UNHASHED_MANIFEST: &str = "__wasm_split_manifest.json";
    const UNHASHED_LOADER: &str = "__wasm_split.______________________.js";

    /// The build's `hash.txt` (beside the server's binary) when the build hashes file names.
    pub fn build_hashes(opts: &LeptosOptions) -> Option<String> {
        opts.hash_files
            .then(|| std::env::current_exe().ok())
            .flatten()
            .and_then(|exe| Some(exe.parent()?.join(opts.hash_file.as_ref())))
            .and_then(|path| std::fs::read_to_string(path).ok())
    }

    /// The hash `hash.txt` (its text, `hashes`) gives the file `key` (`js`, `wasm`,
    /// `manifest`, `split`, …): its lines read `key: hash`.
    pub fn hash_in<'a>(hashes: &'a str, key: &str) -> Option<&'a str> {
        hashes.lines().find_map(|l| {
            let (file, hash) = l.trim().split_once(':')?;
            (file.trim() == key).then_some(hash.trim())
        })
    }

    /// [`chunk_groups`] from the split build's manifest (each group's wasm files, named
    /// without `.wasm`).
    pub fn group_urls(
        manifest: &str,
        pkg: &str,
        loader: &str,
    ) -> Result<HashMap<String, String>, serde_json::Error> {
        let groups: HashMap<String, Vec<String>> = serde_json::from_str(manifest)?;
        Ok(groups
            .into_iter()
            .map(|(group, files)| {
                let wasm = files.iter().map(|f| format!("/{pkg}/{f}.wasm"));
                let urls: Vec<String> = std::iter::once(format!("/{pkg}/{loader}"))
                    .chain(wasm)
                    .collect();
                (group, urls.join(" "))
            })
            .collect())
    }

    #[derive(Debug, PartialEq, Eq)]
    pub enum Fresh {
        /// every copy is at least as new as its file
        Yes,
        /// no copy at all
        None,
        /// this copy is older than its file, or its file is gone
        Stale(std::path::PathBuf),
    }

    /// Whether every `.br` / `.gz` in `dir` was made from the file beside it as it is now.
    pub fn copies_fresh(dir: &Path) -> Fresh {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Fresh::None;
        };
        let mut any = false;
        for entry in entries.flatten() {
            let copy = entry.path();
            let Some(ext) = copy.extension().and_then(|e| e.to_str()) else {
                continue;
            };
            if ext != "br" && ext != "gz" {
                continue;
            }
            any = true;
            let original = copy.with_extension("");
            let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
            match (modified(&original), modified(&copy)) {
                (Some(file), Some(made)) if made >= file => {}
                _ => return Fresh::Stale(copy),
            }
        }
        if any { Fresh::Yes } else { Fresh::None }
    }
}

/// Fills the precache list and cache version of `public/sw.js` from the files the build
/// produced, so every deploy gets a new cache and old ones are dropped on activation.
pub mod service_worker {
    use leptos::config::LeptosOptions;
    use sha2::{Digest, Sha256};
    use std::path::Path;

    const TEMPLATE: &str = include_str!("../../public/sw.js");

    /// Files precached besides everything under `/pkg/`.
    const STATIC: [&str; 6] = [
        "/offline.html",
        "/manifest.webmanifest",
        "/favicon.ico",
        "/icons/icon-192.png",
        "/icons/icon-512.png",
        "/icons/maskable-512.png",
    ];

    pub fn build(opts: &LeptosOptions) -> String {
        let root = Path::new(opts.site_root.as_ref());
        let pkg = root.join(opts.site_pkg_dir.as_ref());
        let mut urls: Vec<String> = STATIC.iter().map(|s| (*s).to_owned()).collect();
        let mut fingerprint = Sha256::new();
        if let Ok(entries) = std::fs::read_dir(&pkg) {
            let mut files: Vec<_> = entries.flatten().filter(|e| e.path().is_file()).collect();
            files.sort_by_key(std::fs::DirEntry::file_name);
            for e in files {
                let name = e.file_name().to_string_lossy().to_string();
                // Source maps and the like are not needed offline.
                if name.ends_with(".js") || name.ends_with(".wasm") || name.ends_with(".css") {
                    if let Ok(meta) = e.metadata() {
                        fingerprint.update(meta.len().to_le_bytes());
                    }
                    urls.push(format!("/{}/{}", opts.site_pkg_dir, name));
                }
            }
        }
        for u in &urls {
            let file = root.join(u.trim_start_matches('/'));
            fingerprint.update(u.as_bytes());
            if !u.starts_with("/pkg/")
                && let Ok(bytes) = std::fs::read(&file)
            {
                fingerprint.update(&bytes);
            }
        }
        fingerprint.update(TEMPLATE.as_bytes());
        let version: String = fingerprint
            .finalize()
            .iter()
            .take(6)
            .map(|b| format!("{b:02x}"))
            .collect();
        let list = serde_json::to_string(&urls).unwrap_or_else(|_| "[]".to_owned());
        TEMPLATE
            .replace("\"__CACHE_VERSION__\"", &format!("\"{version}\""))
            .replace("[/*__PRECACHE__*/]", &list)
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use crate::i18n::Locale;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> http::HeaderMap {
        let mut h = http::HeaderMap::new();
        for (name, value) in pairs {
            h.append(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        h
    }

    #[test]
    fn a_chunk_group_names_the_loader_then_its_wasm_files_in_the_manifests_order() {
        let manifest =
            r#"{"office": ["chunk_7.AbC", "chunk_9.dEf", "split_office.XyZ"], "none": []}"#;
        let groups = assets::group_urls(manifest, "pkg", "__wasm_split.Hh.js").unwrap();
        assert_eq!(
            groups["office"],
            "/pkg/__wasm_split.Hh.js /pkg/chunk_7.AbC.wasm /pkg/chunk_9.dEf.wasm /pkg/split_office.XyZ.wasm"
        );
        assert_eq!(groups["none"], "/pkg/__wasm_split.Hh.js");
        assert_eq!(groups.len(), 2);
        assert!(assets::group_urls("[1, 2]", "pkg", "l.js").is_err());
        assert!(assets::group_urls("", "pkg", "l.js").is_err());
    }

    #[test]
    fn a_files_hash_is_read_from_its_line_of_hash_txt() {
        let hashes = "js: AbC\nwasm: dEf\nmanifest:GhI \n split: jKl\n";
        assert_eq!(assets::hash_in(hashes, "js"), Some("AbC"));
        assert_eq!(assets::hash_in(hashes, "manifest"), Some("GhI"));
        assert_eq!(assets::hash_in(hashes, "split"), Some("jKl"));
        assert_eq!(assets::hash_in(hashes, "css"), None);
        assert_eq!(assets::hash_in("", "js"), None);
    }

    #[test]
    fn a_page_speaks_the_chosen_language_then_the_browsers_then_chinese() {
        let en_browser = (header::ACCEPT_LANGUAGE, "en-US,en;q=0.9,zh-CN;q=0.8");
        assert_eq!(page_locale(&headers(&[])), Locale::zh_CN);
        assert_eq!(
            page_locale(&headers(std::slice::from_ref(&en_browser))),
            Locale::en
        );
        assert_eq!(
            page_locale(&headers(&[(
                header::ACCEPT_LANGUAGE,
                "zh-CN,zh;q=0.9,en;q=0.8"
            )])),
            Locale::zh_CN
        );
        assert_eq!(
            page_locale(&headers(&[(header::ACCEPT_LANGUAGE, "fr-FR,fr;q=0.9")])),
            Locale::zh_CN
        );
        // the cookie wins over the browser, among other cookies; the last of its name
        let zh_cookie = (header::COOKIE, "qudao_session=x; qudao_lang=zh-CN");
        assert_eq!(
            page_locale(&headers(&[en_browser.clone(), zh_cookie])),
            Locale::zh_CN
        );
        assert_eq!(
            page_locale(&headers(&[(
                header::COOKIE,
                "qudao_lang=zh-CN; qudao_lang=en"
            )])),
            Locale::en
        );
        // a cookie naming no language of ours is passed over
        let odd = (header::COOKIE, "qudao_lang=fr");
        assert_eq!(
            page_locale(&headers(&[odd.clone(), en_browser])),
            Locale::en
        );
        assert_eq!(page_locale(&headers(&[odd])), Locale::zh_CN);
    }
}
