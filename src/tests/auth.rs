//! Sign-in, sessions, throttling, cross-site refusal.
use crate::helpers::{PW, session_cookie, set_cookies, spawn_app, spawn_app_with};
use qudao::server::db::on;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn sign_in_sets_an_http_only_same_site_cookie_and_returns_the_user() {
    let app = spawn_app().await;
    let c = app.client();
    let r = app.sign_in(&c, "LaoBan", PW).await;
    assert_eq!(r.status(), StatusCode::OK);
    let cookie = session_cookie(&r).expect("session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "not configured secure: {cookie}"
    );
    let user: Value = r.json().await.unwrap();
    assert_eq!(user["login"], "laoban");
    assert_eq!(user["role"], "Owner");
    assert_eq!(user["company_name"], "重庆渝味饮品商贸有限公司");

    let s: Value = app
        .call(&c, "session", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(s["user"]["name"], "陈建国");
}

/// Behind HTTPS every cookie the server sets, by any path, is `Secure` and `SameSite=Lax`:
/// the session (signed in, ended, signed out), and the language (the switch, and
/// leptos_i18n, which sets it again on a page drawn for a request carrying it and once
/// wrote it plain beside the secure one). Cookies are sent by hand: a browser-like client
/// keeps no `Secure` cookie over HTTP.
#[tokio::test]
async fn behind_https_every_cookie_the_server_sets_is_secure() {
    let app = spawn_app_with(|c| c.secure_cookies = true).await;
    let c = app.client();
    // a page (GET) or a server function (POST) with the given cookies
    let send = |post: bool, path: &str, cookie: &str| {
        let url = format!("{}{path}", app.base);
        let request = if post {
            c.post(url).json(&json!({}))
        } else {
            c.get(url)
        };
        request
            .header(reqwest::header::COOKIE, cookie.to_owned())
            .send()
    };
    let signed_in = app.sign_in(&c, "laoban", PW).await;
    let session = session_cookie(&signed_in).unwrap();
    let session = session.split(';').next().unwrap().to_owned();
    let mut seen = set_cookies(&signed_in);
    // last used an hour ago: the first page renews the session's cookie
    on!(&app.pool, |ex| sqlx::query(
        "UPDATE sessions SET last_seen_at = last_seen_at - 3600"
    )
    .execute(ex)
    .await
    .map(|d| d.rows_affected()))
    .unwrap();
    let language = app.post_form(&c, "language", "/", &[("lang", "en")]).await;
    seen.extend(set_cookies(&language));
    for (path, cookie) in [
        ("/login", "qudao_lang=en".to_owned()),
        ("/", format!("{session}; qudao_lang=en")),
        ("/customers", format!("{session}; qudao_lang=zh-CN")),
    ] {
        let r = send(false, path, &cookie).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        seen.extend(set_cookies(&r));
    }
    // a page nobody has (drawn by the not-found fallback), and a session the server no
    // longer knows, forgotten by a page and by a server function
    let missing = send(false, "/no-such-page", "qudao_lang=en").await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    seen.extend(set_cookies(&missing));
    let ended = format!("qudao_session={}", "A".repeat(43));
    let page = send(false, "/customers", &ended).await.unwrap();
    let function = send(true, "/api/session", &ended).await.unwrap();
    for r in [&page, &function] {
        let cleared = set_cookies(r);
        assert!(
            cleared.iter().any(|c| c.starts_with("qudao_session=;")),
            "{cleared:?}"
        );
        seen.extend(cleared);
    }
    let out = send(true, "/api/logout", &session).await.unwrap();
    seen.extend(set_cookies(&out));
    let lived = seen
        .iter()
        .filter(|c| c.starts_with(&session) && !c.contains("Max-Age=0"))
        .count();
    assert_eq!(lived, 2, "signed in, then renewed: {seen:?}");
    for name in ["qudao_session=", "qudao_lang="] {
        assert!(
            seen.iter().any(|c| c.starts_with(name)),
            "{name} in {seen:?}"
        );
    }
    for cookie in &seen {
        let attributes: Vec<&str> = cookie.split(';').map(str::trim).collect();
        assert!(attributes.contains(&"Secure"), "{cookie}");
        assert!(attributes.contains(&"SameSite=Lax"), "{cookie}");
        assert!(attributes.contains(&"Path=/"), "{cookie}");
    }
}

#[tokio::test]
async fn wrong_password_and_unknown_login_get_the_same_answer() {
    let app = spawn_app().await;
    let wrong = app
        .sign_in(&app.client(), "laoban", "not-the-password")
        .await;
    let unknown = app
        .sign_in(&app.client(), "nobody-here", "not-the-password")
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert!(session_cookie(&wrong).is_none());
    let (a, b) = (wrong.text().await.unwrap(), unknown.text().await.unwrap());
    assert_eq!(a, b);
    assert_eq!(a, r#""SignInFailed""#);
}

#[tokio::test]
async fn blank_sign_in_fields_are_reported_by_name() {
    let app = spawn_app().await;
    let r = app.sign_in(&app.client(), "  ", "").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    let fields: Vec<&str> = body["Validation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["login", "password"]);
}

#[tokio::test]
async fn repeated_failures_are_slowed_then_refused_even_with_the_right_password() {
    let app = spawn_app().await;
    let c = app.client();
    for _ in 0..5 {
        let r = app.sign_in(&c, "lina", "wrong-password").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let locked = app.sign_in(&c, "lina", PW).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: i64 = locked.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 15 * 60, "{retry}");
    let body: Value = locked.json().await.unwrap();
    assert!(
        body["TooManyAttempts"]["retry_after_secs"]
            .as_i64()
            .unwrap()
            > 0
    );
    // an unknown login is locked exactly the same way (no hint that lina exists)
    for _ in 0..5 {
        app.sign_in(&c, "ghost", "wrong-password").await;
    }
    assert_eq!(
        app.sign_in(&c, "ghost", "x").await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // other accounts from the same address still work
    assert_eq!(
        app.sign_in(&app.client(), "zhaolei", PW).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn sign_in_rotates_the_session_id_and_ends_the_old_one() {
    let app = spawn_app().await;
    let c = app.client();
    let first = session_cookie(&app.sign_in(&c, "laoban", PW).await).unwrap();
    let second = session_cookie(&app.sign_in(&c, "laoban", PW).await).unwrap();
    assert_ne!(first, second);
    // replay the first token from another client: it no longer works
    let token = first.split(';').next().unwrap().to_owned();
    let replay = app
        .client()
        .post(format!("{}/api/dashboard", app.base))
        .header("cookie", token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
    let sessions: i64 = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM sessions"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(sessions, 1);
}

#[tokio::test]
async fn sign_out_ends_the_session_on_the_server() {
    let app = spawn_app().await;
    let c = app.signed_in("liumin").await;
    assert_eq!(
        app.call(&c, "dashboard", json!({})).await.status(),
        StatusCode::OK
    );
    let out = app.call(&c, "logout", json!({})).await;
    assert_eq!(out.status(), StatusCode::OK);
    assert!(session_cookie(&out).unwrap().contains("Max-Age=0"));
    assert_eq!(
        app.call(&c, "dashboard", json!({})).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn an_expired_session_is_reported_as_expired_and_refused() {
    let app = spawn_app().await;
    let c = app.signed_in("zhangwei").await;
    on!(&app.pool, |ex| sqlx::query(
        "UPDATE sessions SET expires_at = 0"
    )
    .execute(ex)
    .await
    .map(|d| d.rows_affected()))
    .unwrap();
    let s: Value = app
        .call(&c, "session", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(s["user"], Value::Null);
    assert_eq!(s["expired"], true);
    let r = app.call(&c, "dashboard", json!({})).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.text().await.unwrap(), r#""Unauthorized""#);
    // and the page sends the browser to sign in, saying why
    let page = app.get(&app.client(), "/").await;
    assert_eq!(page.status(), StatusCode::FOUND);
    assert_eq!(page.headers()["location"], "/login");
}

/// The server slides a session's expiry while it is used; the browser's cookie must slide
/// with it. Once it kept the lifetime it got at sign-in, and a user active every day was
/// signed out a fortnight after signing in.
#[tokio::test]
async fn an_active_users_cookie_lives_as_long_as_the_session_does() {
    let app = spawn_app().await;
    let c = app.client();
    let signed_in = app.sign_in(&c, "zhangwei", PW).await;
    let first = session_cookie(&signed_in).unwrap();
    let token = first.split(';').next().unwrap().to_owned();
    let ttl = 336 * 3600;
    assert!(first.contains(&format!("Max-Age={ttl}")), "{first}");
    // used again within the minute: the expiry is not slid, nothing is sent again
    let soon = app.call(&c, "session", json!({})).await;
    assert_eq!(session_cookie(&soon), None);
    // signed in 13 days ago and used until yesterday: a page load and a server function
    // each renew the cookie, with the same token, for a whole lifetime from now
    for (what, page) in [("page", true), ("server function", false)] {
        on!(&app.pool, |ex| sqlx::query(
            "UPDATE sessions SET created_at = created_at - 13 * 86400, \
             last_seen_at = last_seen_at - 86400, expires_at = expires_at - 86400"
        )
        .execute(ex)
        .await
        .map(|d| d.rows_affected()))
        .unwrap();
        let r = if page {
            app.get(&c, "/today").await
        } else {
            app.call(&c, "session", json!({})).await
        };
        assert_eq!(r.status(), StatusCode::OK, "{what}");
        if page {
            assert_eq!(
                r.headers()["cache-control"],
                "private, no-store",
                "a page carrying the token is kept by no cache"
            );
        }
        let renewed = session_cookie(&r).unwrap_or_else(|| panic!("{what}: no cookie"));
        let attributes: Vec<&str> = renewed.split(';').map(str::trim).collect();
        assert_eq!(attributes[0], token, "{what}: same session");
        for attribute in [
            &*format!("Max-Age={ttl}"),
            "HttpOnly",
            "SameSite=Lax",
            "Path=/",
        ] {
            assert!(attributes.contains(&attribute), "{what}: {renewed}");
        }
        let left: i64 = on!(&app.pool, |ex| sqlx::query_scalar(
            "SELECT expires_at - last_seen_at FROM sessions"
        )
        .fetch_one(ex)
        .await)
        .unwrap();
        assert_eq!(left, ttl, "{what}: the server's expiry slid as far");
    }
    // and the renewed cookie still signs the user in
    let s: Value = app
        .call(&c, "session", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(s["user"]["login"], "zhangwei");
}

/// Sliding a session's expiry never revives one that ended since it was read (signed out
/// in another tab, replaced by a new sign-in, expired): its cookie would then be renewed
/// and could overwrite the new sign-in's.
#[tokio::test]
async fn an_ended_session_is_not_slid_back_to_life() {
    use qudao::server::db::sessions;
    let app = spawn_app().await;
    let c = app.client();
    let signed_in = app.sign_in(&c, "zhangwei", PW).await;
    let cookie = session_cookie(&signed_in).unwrap();
    let token = cookie
        .split(';')
        .next()
        .and_then(|c| c.strip_prefix("qudao_session="))
        .unwrap()
        .to_owned();
    let hash = qudao::server::auth::token_hash(&token);
    let now = chrono::Utc::now().timestamp();
    let mut conn = app.pool.acquire().await.unwrap();
    assert!(
        sessions::touch(&mut conn, &hash, now, now + 3600)
            .await
            .unwrap()
    );
    on!(&app.pool, |ex| sqlx::query(
        "UPDATE sessions SET expires_at = $1"
    )
    .bind(now - 1)
    .execute(ex)
    .await
    .map(|d| d.rows_affected()))
    .unwrap();
    assert!(
        !sessions::touch(&mut conn, &hash, now, now + 3600)
            .await
            .unwrap()
    );
    let expires: i64 = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT expires_at FROM sessions"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(expires, now - 1, "still ended");
    sessions::delete(&mut conn, &hash).await.unwrap();
    assert!(
        !sessions::touch(&mut conn, &hash, now, now + 3600)
            .await
            .unwrap()
    );
    drop(conn);
    // the browser's cookie is cleared, not renewed
    let r = app.call(&c, "session", json!({})).await;
    assert!(session_cookie(&r).unwrap().contains("Max-Age=0"));
}

#[tokio::test]
async fn a_deactivated_employee_cannot_sign_in_and_is_told_so_only_with_the_right_password() {
    let app = spawn_app().await;
    let right = app.sign_in(&app.client(), "huangtao", PW).await;
    assert_eq!(right.status(), StatusCode::FORBIDDEN);
    assert_eq!(right.text().await.unwrap(), r#""AccountDisabled""#);
    let wrong = app
        .sign_in(&app.client(), "huangtao", "wrong-password")
        .await;
    assert_eq!(wrong.text().await.unwrap(), r#""SignInFailed""#);
}

#[tokio::test]
async fn cross_site_posts_are_refused_same_origin_ones_pass() {
    let app = spawn_app().await;
    let c = app.client();
    let post = |site: Option<&'static str>, origin: Option<String>| {
        let mut req = c
            .post(format!("{}/api/login", app.base))
            .json(&json!({"login": "laoban", "password": PW}));
        if let Some(s) = site {
            req = req.header("sec-fetch-site", s);
        }
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        req.send()
    };
    assert_eq!(
        post(Some("cross-site"), None).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(Some("same-site"), None).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(None, Some("http://evil.example".into()))
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(None, Some("null".into())).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(Some("same-origin"), None).await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        post(None, Some(app.base.clone())).await.unwrap().status(),
        StatusCode::OK
    );
}
