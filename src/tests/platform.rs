//! Health, pages, headers, the service worker, backups and start-up faults.
use crate::helpers::{TestApp, spawn_app};
use qudao::server::backup;
use qudao::server::config::Config;
use qudao::server::db;
use qudao::server::db::on;
use qudao::server::files::PhotoStore;
use qudao::server::http;
use qudao::server::state::{AppState, Shared};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn healthz_reports_the_database_and_fails_when_it_is_gone() {
    let app = spawn_app().await;
    let r = app.get(&app.client(), "/healthz").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.text().await.unwrap(),
        r#"{"status":"ok","database":"ok"}"#
    );
    app.pool.close().await;
    let r = app.get(&app.client(), "/healthz").await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn pages_render_in_chinese_by_default_and_english_on_request() {
    let app = spawn_app().await;
    let zh = app.get(&app.client(), "/login").await;
    assert_eq!(zh.status(), StatusCode::OK);
    let html = zh.text().await.unwrap();
    assert!(html.contains(r#"lang="zh-CN""#), "html lang");
    assert!(html.contains("登录渠道"));
    let en = app
        .client()
        .get(format!("{}/login", app.base))
        .header("accept-language", "en-US,en;q=0.9")
        .send()
        .await
        .unwrap();
    let html = en.text().await.unwrap();
    assert!(html.contains("Sign in to Qudao"));
    assert!(html.contains(r#"rel="manifest""#));
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_sign_in_and_reps_are_kept_out_of_staff() {
    let app = spawn_app().await;
    let r = app.get(&app.client(), "/staff").await;
    let status = r.status();
    let location = r.headers().get("location").cloned();
    assert_eq!(
        status,
        StatusCode::FOUND,
        "{location:?} {}",
        r.text().await.unwrap()
    );
    assert_eq!(location.unwrap(), "/login");

    let rep = app.signed_in("zhangwei").await;
    let r = app.get(&rep, "/staff").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("没有权限"));
    let r = app.get(&rep, "/").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("您好，张伟"));

    let owner = app.signed_in("laoban").await;
    let r = app.get(&owner, "/staff").await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("吴刚") && html.contains("已停用"));
}

/// Starting an app renders the whole app once to list its routes, and leptos switches
/// resource loading off process-wide while it does. Pages rendering meanwhile in
/// another app must still finish: they once waited forever (the list was made per app,
/// so a test starting its app hung another test's page load, now and then).
#[tokio::test]
async fn pages_finish_while_other_apps_start_in_the_same_process() {
    let app = spawn_app().await;
    let owner = app.signed_in("laoban").await;
    let pool = app.pool.clone();
    let photos = tempfile::tempdir().unwrap();
    let config = Config {
        photo_dir: photos.path().to_path_buf(),
        ..Config::default()
    };
    let starting = tokio::task::spawn_blocking(move || {
        for _ in 0..40 {
            let state = AppState::new(pool.clone(), config.clone()).unwrap();
            drop(http::router(state));
        }
    });
    let mut rounds = 0;
    while !starting.is_finished() || rounds < 5 {
        for page in ["/tickets", "/sales", "/customers", "/segmentation"] {
            let load = async {
                let r = app.get(&owner, page).await;
                (r.status(), r.text().await)
            };
            let (status, body) = tokio::time::timeout(std::time::Duration::from_secs(20), load)
                .await
                .unwrap_or_else(|_| panic!("{page} did not finish while other apps started"));
            assert_eq!(status, StatusCode::OK, "{page}");
            assert!(body.unwrap().contains("</body>"), "{page}");
        }
        rounds += 1;
    }
    starting.await.unwrap();
}

#[tokio::test]
async fn unknown_pages_are_404_in_the_users_language() {
    let app = spawn_app().await;
    let r = app.get(&app.client(), "/no/such/page").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r.text().await.unwrap().contains("页面不存在"));
}

#[tokio::test]
async fn responses_carry_security_headers() {
    let app = spawn_app().await;
    let r = app.get(&app.client(), "/login").await;
    let h = r.headers();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    // plain HTTP (a test or a LAN install): no HSTS, it would lock browsers out
    assert!(h.get("strict-transport-security").is_none());
    let secure = crate::helpers::spawn_app_with(|c| c.secure_cookies = true).await;
    let r = secure.get(&secure.client(), "/login").await;
    assert_eq!(r.headers()["strict-transport-security"], "max-age=31536000");
}

/// The `script-src` of a content security policy.
fn script_src(policy: &str) -> String {
    policy
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src"))
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn no_inline_script_runs_but_the_pages_own_with_a_fresh_nonce() {
    let app = spawn_app().await;
    let owner = app.signed_in("laoban").await;
    let mut nonces = std::collections::HashSet::new();
    for (client, path) in [
        (app.client(), "/login"),
        (owner.clone(), "/"),
        (owner.clone(), "/customers"),
        (owner.clone(), "/sales"),
        (owner.clone(), "/login"),
    ] {
        let r = app.get(&client, path).await;
        let policy = r
            .headers()
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("{path}: answered {} without a policy", r.status()))
            .to_str()
            .unwrap()
            .to_owned();
        let scripts = script_src(&policy);
        assert!(!scripts.contains("unsafe-inline"), "{path}: {policy}");
        let nonce = scripts
            .split_whitespace()
            .find_map(|s| s.strip_prefix("'nonce-"))
            .and_then(|s| s.strip_suffix('\''))
            .unwrap_or_else(|| panic!("{path}: no nonce in {policy}"))
            .to_owned();
        assert!(nonces.insert(nonce.clone()), "a nonce is never reused");
        // every inline script of the page carries it (else the browser refuses it); an
        // empty one (leptos_i18n's placeholder) runs nothing and is never checked
        let html = r.text().await.unwrap();
        let mut inline = 0;
        for tag in html.split("<script").skip(1) {
            let head = &tag[..tag.find('>').unwrap()];
            let empty = tag[head.len() + 1..].starts_with("</script>");
            if !head.contains("src=") && !empty {
                inline += 1;
                assert!(
                    head.contains(&format!("nonce=\"{nonce}\"")),
                    "{path}: inline script without the nonce: <script{head}>"
                );
            }
        }
        assert!(inline > 0, "{path}: the hydration script is inline");
    }
    // an API answer runs no script at all
    let r = app
        .call(&owner, "sales/products", serde_json::json!({}))
        .await;
    let policy = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(!script_src(policy).contains("nonce-"), "{policy}");
    assert!(!script_src(policy).contains("unsafe-inline"), "{policy}");
}

#[tokio::test]
async fn the_service_worker_precaches_the_offline_page_and_never_api_calls() {
    let app = spawn_app().await;
    let r = app.get(&app.client(), "/sw.js").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-cache");
    let js = r.text().await.unwrap();
    assert!(!js.contains("__CACHE_VERSION__") && !js.contains("__PRECACHE__"));
    assert!(js.contains(r#""/offline.html""#));
    assert!(js.contains(r#"startsWith("/api/")"#));
}

#[tokio::test]
async fn a_backup_taken_while_serving_writes_is_a_consistent_database() {
    let app = spawn_app().await;
    let owner = app.signed_in("laoban").await;
    // keep writing through the app while the backup runs
    let writer = {
        let base = app.base.clone();
        let owner = owner.clone();
        tokio::spawn(async move {
            for i in 0..15 {
                let input = json!({ "name": format!("员工{i}"), "login": format!("bulk{i}"), "phone": "", "role": "rep", "territory": "" });
                let r = owner
                    .post(format!("{base}/api/staff/add"))
                    .json(&json!({ "input": input, "password": "12345678" }))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::OK);
            }
        })
    };
    // on either engine (PostgreSQL: pg_dump in a snapshot of our own)
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("backup");
    let config = Config {
        database_url: app.database_url.clone(),
        pg_bin: crate::helpers::pg_bin(),
        ..Config::default()
    };
    let photos = PhotoStore::folder(&app.db_path.with_file_name("photos")).unwrap();
    backup::backup(&app.pool, &photos, &folder, &config)
        .await
        .unwrap();
    writer.await.unwrap();
    // the backup never overwrites
    let again = backup::backup(&app.pool, &photos, &folder, &config)
        .await
        .unwrap_err();
    assert!(again.to_string().contains("not empty"), "{again}");

    let restored = Config {
        database_url: match crate::pg::cluster() {
            Some(admin) => crate::pg::empty_database(&admin).await,
            None => format!("sqlite://{}", dir.path().join("restored.db").display()),
        },
        ..config.clone()
    };
    let store = PhotoStore::folder(&dir.path().join("restored-photos")).unwrap();
    backup::restore(&folder, &restored, &store).await.unwrap();
    let copy = db::connect(&restored.database_url).await.unwrap();
    if copy.is_sqlite() {
        let check: String = on!(&copy, |ex| sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(ex)
            .await)
        .unwrap();
        assert_eq!(check, "ok");
    }
    let n: i64 = on!(&copy, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM employees"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert!((11..=26).contains(&n), "{n}");
    // every employee in the copy is whole (a committed row, never half of one)
    let bad: i64 = on!(&copy, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM employees WHERE password_hash NOT LIKE '$argon2id$%'",
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(bad, 0);
    // and the copy is a complete database: migrations recorded, the company present
    let companies: i64 = on!(&copy, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM companies"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(companies, 1);
    db::migrate(&copy).await.unwrap();
    // never over a database that holds data
    copy.close().await;
    let err = backup::restore(&folder, &config, &store).await.unwrap_err();
    assert!(
        err.to_string().contains("already"),
        "restoring over the live database: {err}"
    );
}

#[tokio::test]
async fn a_file_that_is_not_a_database_stops_start_up_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.db");
    std::fs::write(
        &path,
        b"this is not a sqlite database, just some text, long enough to have a header.......",
    )
    .unwrap();
    let err = db::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap_err();
    let text = format!("{err:#}");
    assert!(text.contains("broken.db"), "{text}");
    // and the file was left as it was
    assert!(
        std::fs::read(&path)
            .unwrap()
            .starts_with(b"this is not a sqlite database")
    );
}

#[tokio::test]
async fn a_second_instance_on_the_same_address_refuses_to_start() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        addr: app.addr,
        database_url: format!("sqlite://{}", dir.path().join("second.db").display()),
        ..Config::default()
    };
    let err = qudao::server::serve(config).await.unwrap_err();
    assert!(err.to_string().contains("already in use"), "{err}");
    // it gave up before touching any database
    assert!(!dir.path().join("second.db").exists());
    assert_eq!(
        app.get(&app.client(), "/healthz").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_database_failure_shows_the_error_page_in_chinese_not_a_crash() {
    let app = spawn_app().await;
    let owner = app.signed_in("laoban").await;
    app.pool.close().await;
    let r = app.get(&owner, "/").await;
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let html = r.text().await.unwrap();
    assert!(html.contains("服务器出错了，请稍后再试。"), "{html}");
    assert!(
        !html.contains("sqlx") && !html.contains("pool"),
        "no internals leak"
    );
}

/// An app whose front end is the files `files` (name, bytes) written into a `pkg` folder
/// of its own; `older` are written first and dated an hour earlier.
async fn app_with_pkg(
    files: &[(&str, &[u8])],
    older: &[(&str, &[u8])],
) -> (TestApp, tempfile::TempDir) {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for (name, bytes) in older {
        std::fs::write(pkg.join(name), bytes).unwrap();
        let f = std::fs::File::options()
            .write(true)
            .open(pkg.join(name))
            .unwrap();
        f.set_modified(hour_ago).unwrap();
    }
    for (name, bytes) in files {
        std::fs::write(pkg.join(name), bytes).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        database_url: format!("sqlite://{}", dir.path().join("db.sqlite").display()),
        photo_dir: dir.path().join("photos"),
        ..Config::default()
    };
    let pool = db::connect(&config.database_url).await.unwrap();
    db::migrate(&pool).await.unwrap();
    // a company, so the app serves (before its owner exists it serves only how to set up)
    qudao::server::seed::seed_demo(&pool).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = TestApp::served_by_process(addr, &config.database_url, pool.clone());
    let mut state = Shared::new(pool, config).unwrap();
    state.leptos_options.site_root = site.path().display().to_string().into();
    // what the server reads of the built site at its start, read from this one
    state.page_chunks = std::sync::Arc::new(http::assets::chunk_groups(&state.leptos_options));
    let router = http::router(state.into());
    tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
        drop(dir);
    });
    (app, site)
}

async fn fetch_asset(base: &str, path: &str, accept: Option<&str>) -> reqwest::Response {
    // no automatic decompression: the test reads what travels
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut req = client.get(format!("{base}{path}"));
    if let Some(a) = accept {
        req = req.header("accept-encoding", a);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn built_assets_are_sent_precompressed_to_browsers_that_accept_it() {
    let wasm: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let (app, _site) = app_with_pkg(
        &[
            ("app.wasm", &wasm),
            ("app.wasm.br", b"BROTLI COPY"),
            ("app.wasm.gz", b"GZIP COPY"),
        ],
        &[],
    )
    .await;
    let base = app.base.clone();
    let r = fetch_asset(&base, "/pkg/app.wasm", Some("gzip, deflate, br")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-encoding"], "br");
    assert_eq!(r.headers()["content-type"], "application/wasm");
    // revalidated (a built file's name does not always change with its content), and
    // a cache in between keeps the encodings apart
    assert_eq!(r.headers()["cache-control"], "no-cache");
    assert_eq!(r.headers()["vary"], "accept-encoding");
    assert!(r.headers().contains_key("last-modified"));
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"BROTLI COPY");
    let r = fetch_asset(&base, "/pkg/app.wasm", Some("gzip")).await;
    assert_eq!(r.headers()["content-encoding"], "gzip");
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"GZIP COPY");
    // a client that accepts neither gets the file itself
    let r = fetch_asset(&base, "/pkg/app.wasm", None).await;
    assert!(r.headers().get("content-encoding").is_none());
    assert_eq!(r.bytes().await.unwrap().as_ref(), wasm.as_slice());
    let r = fetch_asset(&base, "/pkg/missing.wasm", Some("br")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

/// The page at `path` as HTML (it must answer 200).
async fn page_html(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let r = app.get(client, path).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.text().await.unwrap()
}

#[tokio::test]
async fn a_page_of_a_chunk_names_its_files_for_the_browser_to_fetch_with_the_main_module() {
    // a split build's manifest: each group's wasm files (the group's own and the shared)
    let manifest = br#"{"customer_list": ["chunk_6", "split_customer_list"],
        "analysis": ["chunk_6", "chunk_7", "split_analysis"]}"#;
    let (app, _site) = app_with_pkg(&[("__wasm_split_manifest.json", manifest)], &[]).await;
    let head = |html: &str| html.split("</head>").next().unwrap_or_default().to_owned();
    // the sign-in page is in the main module: nothing more to fetch
    let login = page_html(&app, &app.client(), "/login").await;
    assert!(
        !head(&login).contains(r#"<meta name="qudao-chunks""#),
        "{login}"
    );
    let owner = app.signed_in("laoban").await;
    // in <head>, the chunk loader first, then the group's files; the body, which
    // hydrates, holds nothing of it
    let list = page_html(&app, &owner, "/customers").await;
    let named = r#"<meta name="qudao-chunks" content="/pkg/__wasm_split.______________________.js /pkg/chunk_6.wasm /pkg/split_customer_list.wasm">"#;
    assert!(head(&list).contains(named), "{}", head(&list));
    assert_eq!(
        list.matches("qudao-chunks\"").count(),
        1,
        "one list: {list}"
    );
    let dashboard = page_html(&app, &owner, "/").await;
    assert!(
        head(&dashboard).contains("content=\"/pkg/__wasm_split.______________________.js /pkg/chunk_6.wasm /pkg/chunk_7.wasm /pkg/split_analysis.wasm\""),
        "{}",
        head(&dashboard)
    );
}

#[tokio::test]
async fn a_build_without_chunks_names_none() {
    // not split (no manifest), or a manifest that cannot be read: pages name nothing,
    // and the chunk loader fetches as it would anyway
    for files in [
        vec![("app.wasm", b"wasm".as_slice())],
        vec![("__wasm_split_manifest.json", b"{not json".as_slice())],
    ] {
        let (app, _site) = app_with_pkg(&files, &[]).await;
        let owner = app.signed_in("laoban").await;
        let html = page_html(&app, &owner, "/customers").await;
        assert!(
            html.contains("cust-table") || html.contains("empty-state"),
            "the list is drawn: {html}"
        );
        assert!(!html.contains(r#"<meta name="qudao-chunks""#));
    }
}

#[tokio::test]
async fn a_precompressed_copy_older_than_its_file_is_never_sent() {
    // a rebuild without the precompress step: the copies describe the old file
    let js = "console.log('the new build');".repeat(100);
    let (app, site) = app_with_pkg(
        &[("app.js", js.as_bytes())],
        &[("app.js.br", b"OLD BUILD"), ("app.js.gz", b"OLD BUILD")],
    )
    .await;
    let base = app.base.clone();
    let r = fetch_asset(&base, "/pkg/app.js", Some("gzip")).await;
    assert_eq!(r.status(), StatusCode::OK);
    // compressed per request, from the file as it is now
    assert_eq!(r.headers()["content-encoding"], "gzip");
    let body = r.bytes().await.unwrap();
    assert_ne!(body.as_ref(), b"OLD BUILD");
    assert_eq!(
        &body[..2],
        &[0x1f, 0x8b],
        "a gzip stream made for this request"
    );
    assert!(matches!(
        http::assets::copies_fresh(&site.path().join("pkg")),
        http::assets::Fresh::Stale(_)
    ));
    // once the copies are made again, they are sent
    std::fs::write(site.path().join("pkg/app.js.gz"), b"NEW COPY").unwrap();
    std::fs::write(site.path().join("pkg/app.js.br"), b"NEW COPY").unwrap();
    assert_eq!(
        http::assets::copies_fresh(&site.path().join("pkg")),
        http::assets::Fresh::Yes
    );
    std::fs::remove_file(site.path().join("pkg/app.js")).unwrap();
    assert!(matches!(
        http::assets::copies_fresh(&site.path().join("pkg")),
        http::assets::Fresh::Stale(_)
    ));
}
