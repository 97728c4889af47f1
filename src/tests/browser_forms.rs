//! Forms the browser posts by itself — before the page's script has loaded, on a slow
//! tablet, or with scripts off: signing in and a profile edit work that way, every
//! answer is a redirect back to a page of this site, and nothing that was posted (a
//! password, a field, someone else's edit) ever appears in an address.
use crate::helpers::{PW, TestApp, form_answer, session_cookie, spawn_app};
use qudao::server::db::on;
use qudao::server::seed::DEMO_COMPANY_ID;
use reqwest::StatusCode;

/// Id and version of the first customer of `login`.
async fn customer_of(app: &TestApp, login: &str) -> (String, i64) {
    let rep: uuid::Uuid = app.demo_employee_id(login).await.parse().unwrap();
    let (id, version): (uuid::Uuid, i64) = on!(&app.pool, |ex| sqlx::query_as(
        "SELECT id, version FROM customers WHERE company_id = $1 AND rep_id = $2 ORDER BY code LIMIT 1",
    )
    .bind(DEMO_COMPANY_ID.0)
    .bind(rep)
    .fetch_one(ex)
    .await)
    .unwrap();
    (id.to_string(), version)
}

async fn post(
    app: &TestApp,
    c: &reqwest::Client,
    from: &str,
    fields: Vec<(&'static str, String)>,
) -> reqwest::Response {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post_form(c, "customers/update", from, &pairs).await
}

#[tokio::test]
async fn signing_in_by_a_plain_form_post_opens_the_dashboard_and_a_wrong_password_comes_back() {
    let app = spawn_app().await;
    let c = app.client();
    let r = app
        .post_form(
            &c,
            "login",
            "/login",
            &[("login", "laoban"), ("password", "wrong-password")],
        )
        .await;
    assert!(session_cookie(&r).is_none());
    let (back, err) = form_answer(&r);
    assert!(back.starts_with("/login?"), "{back}");
    assert_eq!(err, Some(serde_json::json!("SignInFailed")));
    assert!(
        !back.contains("laoban") && !back.contains("wrong-password"),
        "{back}"
    );

    let r = app
        .post_form(&c, "login", &back, &[("login", "laoban"), ("password", PW)])
        .await;
    assert!(session_cookie(&r).is_some(), "the session cookie is set");
    let (next, err) = form_answer(&r);
    assert_eq!((next.as_str(), err), ("/", None));
    let page = app.get(&c, "/").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("陈建国"));

    // signing out works the same way and lands on the sign-in page
    let r = app.post_form(&c, "logout", "/", &[]).await;
    assert_eq!(form_answer(&r).0, "/login");
    assert_eq!(app.get(&c, "/").await.status(), StatusCode::FOUND);
}

#[tokio::test]
async fn a_profile_edit_posted_by_the_browser_is_saved_and_a_bad_one_comes_back_with_its_error() {
    let app = spawn_app().await;
    let rep = app.signed_in("zhangwei").await;
    let (id, version) = customer_of(&app, "zhangwei").await;
    let page = format!("/customers/{id}?edit=basic");
    // the edit form as the server drew it: every field is there with its value
    let html = app.get(&rep, &page).await.text().await.unwrap();
    assert!(
        html.contains(r#"method="post""#) && html.contains(r#"action="/api/customers/update""#)
    );
    let stored: (String, String, String) = on!(&app.pool, |ex| sqlx::query_as(
        "SELECT code, name, kind FROM customers WHERE company_id = $1 AND id = $2"
    )
    .bind(DEMO_COMPANY_ID.0)
    .bind(uuid::Uuid::parse_str(&id).unwrap())
    .fetch_one(ex)
    .await)
    .unwrap();
    assert!(
        html.contains(&format!(r#"value="{}""#, stored.1)),
        "the name is drawn in its field"
    );
    let version_text = version.to_string();
    let fields = |contact: &'static str, name: &str| {
        vec![
            ("id", id.clone()),
            ("version", version_text.clone()),
            ("group", "Basic".to_owned()),
            ("values[code]", stored.0.clone()),
            ("values[name]", name.to_owned()),
            ("values[kind]", stored.2.clone()),
            ("values[contact]", contact.to_owned()),
            ("values[address]", String::new()),
        ]
    };
    // a required field left empty: back to the form with the field's error, nothing saved
    let (back, err) = form_answer(&post(&app, &rep, &page, fields("王老板", "")).await);
    assert!(back.starts_with(&page), "{back}");
    assert!(
        !back.contains("王老板"),
        "no posted value in the address: {back}"
    );
    assert_eq!(err.unwrap()["Validation"][0]["field"], "name");

    // a good edit: saved, and the profile says so
    let (next, err) = form_answer(&post(&app, &rep, &page, fields("王老板", &stored.1)).await);
    assert_eq!(err, None);
    assert_eq!(next, format!("/customers/{id}?saved=basic#grp-basic"));
    let contact: Option<String> = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT contact FROM customers WHERE company_id = $1 AND id = $2"
    )
    .bind(DEMO_COMPANY_ID.0)
    .bind(uuid::Uuid::parse_str(&id).unwrap())
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(contact.as_deref(), Some("王老板"));
    let shown = app
        .get(&rep, &next.replace("#grp-basic", ""))
        .await
        .text()
        .await
        .unwrap();
    assert!(shown.contains("王老板") && shown.contains("已保存"));

    // the same (now stale) version again: "changed meanwhile", without the other edit's values
    let (_, err) = form_answer(&post(&app, &rep, &page, fields("李老板", &stored.1)).await);
    assert_eq!(err, Some(serde_json::json!({ "Conflict": "StaleVersion" })));
}

/// The class guard: every server function, posted by a browser as a form with junk in it,
/// answers with a redirect to a page of this site whose address holds no posted value
/// (not even inside a quoted decoding error) — never a JSON page, never a 500.
#[tokio::test]
async fn every_server_function_answers_a_browsers_form_post_with_a_clean_redirect() {
    let app = spawn_app().await;
    let secret = "SECRET-5b1f";
    let paths: Vec<&'static str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, _)| p)
        .filter(|p| !p.ends_with("/logout"))
        .collect();
    assert!(
        paths.len() > 60,
        "server functions are registered: {}",
        paths.len()
    );
    let c = app.signed_in("liumin").await;
    for path in paths {
        let r = app
            .post_form(
                &c,
                path.trim_start_matches("/api/"),
                "/customers?q=x",
                &[
                    ("id", secret),
                    ("version", secret),
                    ("input[name]", secret),
                    (secret, secret),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
        let (to, err) = form_answer(&r);
        assert!(to.starts_with('/') && !to.starts_with("//"), "{path}: {to}");
        assert!(!to.contains(secret), "{path}: {to}");
        assert!(
            !err.map(|e| e.to_string())
                .unwrap_or_default()
                .contains(secret),
            "{path}: the error quotes the post"
        );
    }
}

#[tokio::test]
async fn a_forged_referer_cannot_send_the_browser_to_another_site() {
    let app = spawn_app().await;
    let c = app.client();
    let r = c
        .post(format!("{}/api/login", app.base))
        .header("accept", "text/html")
        .header("sec-fetch-site", "same-origin")
        .header("referer", "https://evil.example/phish?x=1")
        .form(&[("login", "laoban"), ("password", "nope-nope")])
        .send()
        .await
        .unwrap();
    let (to, _) = form_answer(&r);
    assert!(to.starts_with("/phish?"), "{to}");
    for forged in [
        "https://qudao.test//evil.example/x",
        "//evil.example/x",
        "/\\evil.example",
    ] {
        let r = c
            .post(format!("{}/api/login", app.base))
            .header("accept", "text/html")
            .header("sec-fetch-site", "same-origin")
            .header("referer", forged)
            .form(&[("login", "laoban"), ("password", "nope-nope")])
            .send()
            .await
            .unwrap();
        let (to, _) = form_answer(&r);
        assert!(to == "/" || to.starts_with("/?"), "{forged} → {to}");
    }
}

/// Forms with nested and repeated fields post the names the pages draw (`input[…]`,
/// `input[supports][]`, `input[days][0][1]`, one checkbox per weekday) and are read as
/// the app's own JSON would be.
#[tokio::test]
async fn nested_and_repeated_fields_posted_by_the_browser_are_read_whole() {
    let app = spawn_app().await;
    let owner = app.signed_in("laoban").await;
    let today = qudao::domain::time::beijing_date(chrono::Utc::now()).to_string();
    let r = app
        .post_form(
            &owner,
            "tiers/policies/save",
            "/tiers/policies",
            &[
                ("input[tier]", "C"),
                ("input[effective_from]", &today),
                ("input[visits_per_month]", "2"),
                ("input[budget_share]", "12.5"),
                ("input[credit_limit]", "20000"),
                ("input[credit_days]", "15"),
                ("input[supports][]", "knowledge"),
                ("input[supports][]", "material"),
                ("input[notes]", "乡镇小店"),
            ],
        )
        .await;
    assert_eq!(form_answer(&r), ("/tiers/policies".to_owned(), None));
    let (visits, supports): (i64, String) = on!(&app.pool, |ex| {
        sqlx::query_as(
        "SELECT visits_per_month, supports FROM tier_policies WHERE company_id = $1 AND tier = 'C' \
         ORDER BY effective_from DESC LIMIT 1",
    )
    .bind(DEMO_COMPANY_ID.0)
    .fetch_one(ex)
    .await
    })
    .unwrap();
    assert_eq!(visits, 2);
    assert!(
        supports.contains("knowledge") && supports.contains("material"),
        "{supports}"
    );

    let r = app
        .post_form(
            &owner,
            "standards/calendar",
            "/standards",
            &[
                ("input[open]", "08:30"),
                ("input[close]", "17:30"),
                ("input[weekdays][]", "1"),
                ("input[weekdays][]", "2"),
                ("input[weekdays][]", "3"),
                ("input[weekdays][]", "4"),
                ("input[weekdays][]", "5"),
                ("input[days][0][0]", "2026-10-01"),
                ("input[days][0][1]", "holiday"),
                ("input[days][0][2]", "国庆节"),
            ],
        )
        .await;
    assert_eq!(form_answer(&r), ("/standards".to_owned(), None));
    let weekdays: String = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT work_weekdays FROM companies WHERE id = $1"
    )
    .bind(DEMO_COMPANY_ID.0)
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(weekdays, "12345");
}

/// A page answers with the status of what it shows. A page that a refused form post comes
/// back to (the error in its address) has loaded: 200, with the error on it — whatever
/// the form. A customer page outside the rep's scope shows "not found" and answers 404.
#[tokio::test]
async fn a_page_answers_with_the_status_of_what_it_shows() {
    let app = spawn_app().await;
    let rep = app.signed_in("zhangwei").await;
    let (own, _) = customer_of(&app, "zhangwei").await;
    let (other, _) = customer_of(&app, "lina").await;
    let own_page = format!("/customers/{own}");
    // (server function, the page its form is on, the fields posted)
    type Post<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);
    let refused: [Post<'_>; 3] = [
        // a rep may not set tier policies
        (
            "tiers/policies/save",
            "/tiers/policies",
            &[("input[tier]", "C"), ("input[visits_per_month]", "2")],
        ),
        // a violation report without its fields
        ("discipline/report", "/discipline", &[("input[kind]", "")]),
        // a relationship touch for a customer the rep does not have
        (
            "visits/touch",
            own_page.as_str(),
            &[
                ("customer_id", other.as_str()),
                ("kind", "call"),
                ("on", ""),
                ("note", ""),
            ],
        ),
    ];
    for (function, page, fields) in refused {
        let r = app.post_form(&rep, function, page, fields).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{function}");
        let (back, err) = form_answer(&r);
        assert!(err.is_some(), "{function} was refused");
        let shown = app.get(&rep, &back).await;
        assert_eq!(shown.status(), StatusCode::OK, "{back}");
    }
    assert_eq!(app.get(&rep, &own_page).await.status(), StatusCode::OK);
    let r = app.get(&rep, &format!("/customers/{other}")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r.text().await.unwrap().contains("没有这个客户"));
    let owner = app.signed_in("laoban").await;
    let r = app.get(&owner, &format!("/customers/{other}")).await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_language_switch_works_as_a_plain_form_and_keeps_the_choice_for_the_whole_site() {
    let app = spawn_app().await;
    // before signing in, and signed in: back to the same page, the cookie set site-wide
    for c in [app.client(), app.signed_in("zhangwei").await] {
        let r = app
            .post_form(&c, "language", "/customers?q=x", &[("lang", "en")])
            .await;
        let cookie = crate::helpers::set_cookies(&r)
            .into_iter()
            .find(|v| v.starts_with("qudao_lang="))
            .unwrap_or_default();
        let (back, err) = form_answer(&r);
        assert_eq!((back.as_str(), err), ("/customers?q=x", None));
        assert!(cookie.starts_with("qudao_lang=en;"), "{cookie}");
        assert!(
            cookie.contains("Path=/") && cookie.contains("Max-Age=31536000"),
            "{cookie}"
        );
    }
    // the next page comes in English
    let c = app.client();
    let r = c
        .get(format!("{}/login", app.base))
        .header(reqwest::header::COOKIE, "qudao_lang=en")
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(html.contains("Sign in to Qudao") && !html.contains("登录渠道"));
    // and so does its head, which the server alone writes (the browser only retitles)
    let head = |html: &str| html.split("</head>").next().unwrap_or_default().to_owned();
    let en = head(&html);
    let zh = head(&app.get(&app.client(), "/login").await.text().await.unwrap());
    // with no choice made, the browser's language decides, for the body and the head alike
    let browser_en = c
        .get(format!("{}/login", app.base))
        .header(reqwest::header::ACCEPT_LANGUAGE, "en-US,en;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(browser_en.contains("Sign in to Qudao"));
    let browser_en = head(&browser_en);
    for (head, title, description) in [
        (
            &browser_en,
            "<title>Sign in · Qudao</title>",
            "content=\"CRM for distributors\"",
        ),
        (
            &en,
            "<title>Sign in · Qudao</title>",
            "content=\"CRM for distributors\"",
        ),
        (
            &zh,
            "<title>登录 · 渠道</title>",
            "content=\"经销商客户关系管理\"",
        ),
    ] {
        assert!(head.contains(title), "{head}");
        assert!(head.contains(description), "{head}");
        for link in [
            "href=\"/manifest.webmanifest\"",
            "href=\"/icons/icon-192.png\"",
            "name=\"theme-color\"",
        ] {
            assert!(head.contains(link), "{link} in {head}");
        }
    }
    // anything but the two languages is refused, and no cookie is set
    let r = app
        .post_form(&c, "language", "/login", &[("lang", "fr\r\nX: y")])
        .await;
    assert!(r.headers().get(reqwest::header::SET_COOKIE).is_none());
    let (_, err) = form_answer(&r);
    assert!(err.is_some(), "refused");
}
