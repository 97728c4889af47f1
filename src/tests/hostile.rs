//! Hostile requests over HTTP: what a stranger or a broken client sends must not cost the
//! server more than a refusal.
use crate::helpers::spawn_app;
use qudao::server::db::on;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Sends the head of an upload declaring `declared` body bytes and only 1 KB of them,
/// then waits for an answer: a server that reads the body first never answers.
async fn answer_before_the_body(addr: std::net::SocketAddr, path: &str, cookie: &str) -> String {
    let mut socket = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: 5000000\r\n{cookie}\r\n"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    socket.write_all(&[b'x'; 1024]).await.unwrap();
    let mut answer = vec![0u8; 512];
    let n = tokio::time::timeout(std::time::Duration::from_secs(5), socket.read(&mut answer))
        .await
        .expect("the server waited for the body before it checked who sends it")
        .unwrap();
    String::from_utf8_lossy(&answer[..n]).into_owned()
}

#[tokio::test]
async fn every_upload_route_refuses_a_stranger_before_reading_the_body() {
    let app = spawn_app().await;
    let visit = uuid::Uuid::now_v7();
    for path in [
        "/api/customers/import".to_owned(),
        "/api/sales/import".to_owned(),
        format!("/api/customers/{visit}/photos"),
        format!("/api/violations/{visit}/photos"),
        format!("/api/tickets/delivery/{visit}/photos"),
    ] {
        let answer = answer_before_the_body(app.addr, &path, "").await;
        assert!(answer.starts_with("HTTP/1.1 401"), "{path}: {answer}");
        let answer =
            answer_before_the_body(app.addr, &path, "Cookie: qudao_session=forged\r\n").await;
        assert!(
            answer.starts_with("HTTP/1.1 401"),
            "{path} forged: {answer}"
        );
    }
    // PUT, as the tablet sends a visit photo
    let mut socket = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "PUT /api/visits/{visit}/photos/{visit} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5000000\r\n\r\n"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 256];
    let n = tokio::time::timeout(std::time::Duration::from_secs(5), socket.read(&mut answer))
        .await
        .expect("a visit photo without a session is answered at once")
        .unwrap();
    assert!(String::from_utf8_lossy(&answer[..n]).starts_with("HTTP/1.1 401"));
}

async fn post_file(
    app: &crate::helpers::TestApp,
    c: &reqwest::Client,
    path: &str,
    bytes: Vec<u8>,
    options: serde_json::Value,
) -> serde_json::Value {
    let r = c
        .post(format!("{}{path}", app.base))
        .query(&[("options", options.to_string())])
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    r.json().await.unwrap()
}

#[tokio::test]
async fn a_customer_file_without_terminal_types_imports_them_as_other_and_says_how_many() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    // as an ERP exports it: no 业态 column at all
    let file = "客户编码,客户名称,类型,电话\n\
        ERP-S1,沙坪坝新二批,二批,13800001234\n\
        ERP-T1,沙坪坝一号店,终端,13800001235\n\
        ERP-T2,沙坪坝二号店,终端,\n";
    let options = serde_json::json!({ "on_duplicate": "Skip", "mapping": [], "commit": false });
    let preview = post_file(
        &app,
        &m,
        "/api/customers/import",
        file.into(),
        options.clone(),
    )
    .await;
    let r = &preview["Report"];
    assert_eq!(
        (r["error_count"].as_u64(), r["created"].as_u64()),
        (Some(0), Some(3)),
        "{preview}"
    );
    assert_eq!(
        r["defaulted_terminal_type"], 2,
        "the preview says how many took the default"
    );
    let mut commit = options;
    commit["commit"] = true.into();
    let done = post_file(&app, &m, "/api/customers/import", file.into(), commit).await;
    assert_eq!(done["Report"]["committed"], true, "{done}");
    let types: Vec<(String, Option<String>)> = on!(&app.pool, |ex| sqlx::query_as(
        "SELECT code, terminal_type FROM customers WHERE code LIKE 'ERP-%' ORDER BY code",
    )
    .fetch_all(ex)
    .await)
    .unwrap();
    assert_eq!(
        types,
        [
            ("ERP-S1".to_owned(), None),
            ("ERP-T1".to_owned(), Some("other".to_owned())),
            ("ERP-T2".to_owned(), Some("other".to_owned())),
        ]
    );
}

#[tokio::test]
async fn product_names_as_long_as_real_catalogues_are_kept_whole() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let long: String = "长".repeat(127) + &"x".repeat(73);
    assert_eq!(long.chars().count(), 200);
    let too_long = format!("{long}y");
    let file = format!(
        "订单日期,客户编码,商品编码,数量,金额,成本,商品名称\n\
         2026-03-05,ZD00001,LONG-1,2,50.5,40,{long}\n\
         2026-03-05,ZD00001,LONG-2,2,50.5,40,{too_long}\n"
    );
    let options = serde_json::json!({ "create_products": true, "commit": false });
    let r = post_file(&app, &m, "/api/sales/import", file.into(), options).await;
    let errors = r["Report"]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{r}");
    assert_eq!(errors[0]["row"], 3);
    assert_eq!(
        errors[0]["code"],
        serde_json::json!({ "TooLong": { "max": 200 } })
    );
    let file = format!(
        "订单日期,客户编码,商品编码,数量,金额,成本,商品名称\n2026-03-05,ZD00001,LONG-1,2,50.5,40,{long}\n"
    );
    let options = serde_json::json!({ "create_products": true, "commit": true });
    let r = post_file(&app, &m, "/api/sales/import", file.into(), options).await;
    assert_eq!(r["Report"]["committed"], true, "{r}");
    let name: String = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT name FROM products WHERE sku = 'LONG-1'"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(name, long);
}

#[tokio::test]
async fn an_empty_installation_serves_only_how_to_create_its_owner() {
    let app = crate::helpers::spawn_empty_app().await;
    let c = app.client();
    for path in [
        "/",
        "/login",
        "/customers",
        "/healthz",
        "/api/customers/export",
    ] {
        let r = c.get(format!("{}{path}", app.base)).send().await.unwrap();
        assert_eq!(
            r.status(),
            reqwest::StatusCode::SERVICE_UNAVAILABLE,
            "{path}"
        );
        let page = r.text().await.unwrap();
        assert!(
            page.contains("qudao user add --role owner"),
            "{path}: {page}"
        );
    }
    // nobody can sign in, least of all with the demo's published password
    let r = app.sign_in(&c, "laoban", "qudao2026").await;
    assert_eq!(r.status(), reqwest::StatusCode::SERVICE_UNAVAILABLE);
    let companies: i64 = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM companies"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(companies, 0, "nothing was seeded");
    // once the owner exists (created from the command line), the app serves, unrestarted
    app.add_company("某某商贸有限公司", "boss").await;
    let r = c.get(format!("{}/login", app.base)).send().await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    let r = app.sign_in(&c, "boss", crate::helpers::PW).await;
    assert!(
        crate::helpers::session_cookie(&r).is_some(),
        "the new owner signs in"
    );
}

/// Sends `n` requests at once (made by `request`) and answers their statuses.
async fn at_once<F>(n: usize, request: impl Fn(usize) -> F) -> Vec<u16>
where
    F: std::future::Future<Output = reqwest::Result<reqwest::Response>> + Send + 'static,
{
    let sends: Vec<_> = (0..n).map(|i| tokio::spawn(request(i))).collect();
    let mut statuses = Vec::new();
    for s in sends {
        statuses.push(s.await.unwrap().unwrap().status().as_u16());
    }
    statuses
}

/// Every file under `dir`, recursively.
fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                out.extend(files_under(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

#[tokio::test]
async fn no_photo_upload_replaces_another_and_racing_retries_store_one() {
    use crate::helpers::PNG;
    let app = spawn_app().await;
    let rep = app.signed_in("zhangwei").await;
    let rep_id: uuid::Uuid = app.demo_employee_id("zhangwei").await.parse().unwrap();
    let (visit, customer): (uuid::Uuid, uuid::Uuid) = on!(&app.pool, |ex| sqlx::query_as(
        "SELECT v.id, v.customer_id FROM visits v JOIN customers c ON c.id = v.customer_id \
         WHERE c.rep_id = $1 ORDER BY v.id LIMIT 1",
    )
    .bind(rep_id)
    .fetch_one(ex)
    .await)
    .unwrap();
    let up = rep
        .post(format!("{}/api/customers/{customer}/photos", app.base))
        .body(PNG.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(up.status(), reqwest::StatusCode::CREATED);
    let storefront: String = up.json().await.unwrap();
    let put = |c: &reqwest::Client, photo: &str, body: Vec<u8>| {
        c.put(format!("{}/api/visits/{visit}/photos/{photo}", app.base))
            .body(body)
            .send()
    };
    // the storefront photo's id, chosen by the client for a visit photo of other bytes
    let other = [PNG, b"other bytes".as_slice()].concat();
    let r = put(&rep, &storefront, other.clone()).await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::CONFLICT);
    let kept = app.get(&rep, &format!("/photos/{storefront}")).await;
    assert_eq!(
        kept.bytes().await.unwrap().as_ref(),
        PNG,
        "the first photo is untouched"
    );
    let r = app.get(&rep, &format!("/visit-photos/{storefront}")).await;
    assert_eq!(r.status(), reqwest::StatusCode::NOT_FOUND);

    // the tablet sends one photo eight times at once (retries over a flaky link)
    let photo = uuid::Uuid::new_v4().to_string();
    let url = format!("{}/api/visits/{visit}/photos/{photo}", app.base);
    let mut statuses = at_once(8, |_| rep.put(&url).body(other.clone()).send()).await;
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        [200, 200, 200, 200, 200, 200, 200, 201],
        "one stored, the rest told it is"
    );
    let rows: i64 = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM visit_photos WHERE id = $1"
    )
    .bind(photo.parse::<uuid::Uuid>().unwrap())
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(rows, 1);
    let got = app.get(&rep, &format!("/visit-photos/{photo}")).await;
    assert_eq!(got.status(), reqwest::StatusCode::OK);
    assert_eq!(got.bytes().await.unwrap().as_ref(), other.as_slice());
    let photos_dir = app.db_path.parent().unwrap().join("photos");
    let files = files_under(&photos_dir);
    assert!(
        files
            .iter()
            .all(|f| !f.to_string_lossy().ends_with(".part")),
        "no temporary file is left: {files:?}"
    );
    // each kind in its own folder
    assert!(
        files
            .iter()
            .any(|f| f.to_string_lossy().contains("/customers/"))
    );
    let placed: Vec<_> = files
        .iter()
        .filter(|f| f.to_string_lossy().contains(&format!("/visits/{photo}")))
        .collect();
    assert_eq!(placed.len(), 1, "{files:?}");
    // a photo recorded whose file never landed (the request died between commit and
    // placing it): the tablet's retry puts it in place before the tablet forgets it
    std::fs::remove_file(placed[0]).unwrap();
    let r = put(&rep, &photo, other.clone()).await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    let got = app.get(&rep, &format!("/visit-photos/{photo}")).await;
    assert_eq!(got.bytes().await.unwrap().as_ref(), other.as_slice());
}

#[tokio::test]
async fn parallel_wrong_passwords_cannot_pass_the_account_limit() {
    let app = spawn_app().await;
    let url = format!("{}/api/login", app.base);
    let statuses = at_once(16, |_| {
        app.client()
            .post(&url)
            .json(&serde_json::json!({ "login": "lina", "password": "wrong-password" }))
            .send()
    })
    .await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((checked, refused), (5, 11), "{statuses:?}");
    let r = app.sign_in(&app.client(), "lina", crate::helpers::PW).await;
    assert_eq!(
        r.status(),
        reqwest::StatusCode::TOO_MANY_REQUESTS,
        "still locked"
    );
}

#[tokio::test]
async fn strangers_behind_an_office_address_cannot_lock_its_staff_out() {
    // every test client shares 127.0.0.1, as an office behind NAT or a proxy does;
    // short delays keep the test quick (the rule is the same)
    let app = crate::helpers::spawn_app_with(|c| {
        c.address_throttle.base_delay_ms = 1;
        c.address_throttle.max_delay_ms = 20;
    })
    .await;
    let c = app.client();
    for i in 0..40 {
        let r = app.sign_in(&c, &format!("made-up-{i}"), "guess").await;
        assert_eq!(r.status(), reqwest::StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let counted: i64 = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT count FROM sign_in_failures WHERE key = 'addr:127.0.0.1'"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(counted, 40, "the address is counted (and slowed)");
    let r = app
        .sign_in(&app.client(), "liumin", crate::helpers::PW)
        .await;
    assert_eq!(
        r.status(),
        reqwest::StatusCode::OK,
        "the manager still signs in"
    );
    // the failures outlive the process: they are rows, not memory
    let rows: i64 = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM sign_in_failures WHERE key LIKE 'login:made-up-%'",
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(rows, 40);
}

#[tokio::test]
async fn a_forwarded_address_is_believed_only_from_a_trusted_proxy() {
    for (trusted, expected) in [(false, "addr:127.0.0.1"), (true, "addr:203.0.113.9")] {
        let app = crate::helpers::spawn_app_with(|c| {
            if trusted {
                c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
            }
        })
        .await;
        let r = app
            .client()
            .post(format!("{}/api/login", app.base))
            .header("x-forwarded-for", "not-an-address, 203.0.113.9")
            .json(&serde_json::json!({ "login": "nobody-here", "password": "x" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::UNAUTHORIZED);
        let keys: Vec<String> = on!(&app.pool, |ex| sqlx::query_scalar(
            "SELECT key FROM sign_in_failures WHERE key LIKE 'addr:%'"
        )
        .fetch_all(ex)
        .await)
        .unwrap();
        assert_eq!(keys, [expected], "trusted proxy: {trusted}");
    }
}

#[tokio::test]
async fn the_same_sales_file_twice_is_refused_with_when_and_who_or_replaces_the_first() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let file = "订单日期,客户编码,商品编码,数量,金额,成本\n\
        2026-03-02,EP001,BJ-500,10,880.00,686.40\n\
        2026-03-02,EP001,PJ-330,5,360,300\n";
    let lines = || async {
        on!(&app.pool, |ex| sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM sales_lines"
        )
        .fetch_one(ex)
        .await)
        .unwrap()
    };
    let monthly = || async {
        on!(&app.pool, |ex| sqlx::query_scalar::<_, i64>(
            "SELECT CAST(coalesce(sum(amount), 0) AS BIGINT) FROM sales_monthly"
        )
        .fetch_one(ex)
        .await)
        .unwrap()
    };
    let before = (lines().await, monthly().await);
    let commit = serde_json::json!({ "commit": true });
    let first = post_file(&app, &m, "/api/sales/import", file.into(), commit.clone()).await;
    assert_eq!(first["Report"]["committed"], true, "{first}");
    let once = (lines().await, monthly().await);
    assert_eq!(once.0, before.0 + 2);
    // the same bytes again, preview or commit: refused, saying when and by whom
    for options in [serde_json::json!({ "commit": false }), commit.clone()] {
        let again = post_file(&app, &m, "/api/sales/import", file.into(), options).await;
        let earlier = &again["AlreadyImported"];
        assert_eq!(earlier["by"], "刘敏", "{again}");
        assert_eq!(earlier["lines"], 2);
        assert!(earlier["at"].as_str().unwrap().starts_with("20"));
    }
    assert_eq!((lines().await, monthly().await), once, "nothing doubled");
    // asked to replace: the earlier import's lines go, this file's come, once
    let replace = serde_json::json!({ "commit": true, "replace": true });
    let r = post_file(&app, &m, "/api/sales/import", file.into(), replace).await;
    assert_eq!(r["Report"]["replaced_lines"], 2, "{r}");
    assert_eq!(
        (lines().await, monthly().await),
        once,
        "replaced, not added"
    );
    // the earlier batch is kept, marked undone, without the fingerprint the new one has
    let batches: Vec<(bool, bool)> = on!(&app.pool, |ex| sqlx::query_as(
        "SELECT fingerprint IS NOT NULL, undone_at IS NOT NULL FROM sales_batches \
         WHERE source = 'import' ORDER BY created_at, id"
    )
    .fetch_all(ex)
    .await)
    .unwrap();
    assert_eq!(batches, [(false, true), (true, false)]);
}

#[tokio::test]
async fn an_overlapping_erp_export_is_refused_by_document_and_an_import_is_undone_whole() {
    use crate::helpers::{ok, refused};
    use serde_json::json;
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let ledger = || async {
        on!(&app.pool, |ex| sqlx::query_as::<_, (i64, i64)>(
            "SELECT (SELECT count(*) FROM sales_lines), \
             (SELECT CAST(coalesce(sum(amount), 0) AS BIGINT) FROM sales_monthly)",
        )
        .fetch_one(ex)
        .await)
        .unwrap()
    };
    let before = ledger().await;
    // an ERP's export for the first days of March: two documents, three lines
    let march = "单据编号,订单日期,客户编码,商品编码,数量,金额,成本\n\
        XS-0301-01,2026-03-02,EP001,BJ-500,10,880.00,686.40\n\
        XS-0301-01,2026-03-02,EP001,PJ-330,5,360,300\n\
        XS-0302-07,2026-03-03,EP002,BJ-500,2,176,137.28\n";
    let commit = json!({ "commit": true });
    let first = post_file(&app, &m, "/api/sales/import", march.into(), commit.clone()).await;
    assert_eq!(first["Report"]["committed"], true, "{first}");
    assert_eq!(first["Report"]["orders"], 2, "a document is one order");
    let once = ledger().await;
    assert_eq!(once.0, before.0 + 3);
    // the next export overlaps it: a different file, but one document is already in
    let overlap = "单据编号,订单日期,客户编码,商品编码,数量,金额,成本\n\
        XS-0302-07,2026-03-03,EP002,BJ-500,2,176,137.28\n\
        XS-0305-02,2026-03-05,EP001,BJ-500,1,88,68.64\n";
    let refusal = post_file(
        &app,
        &m,
        "/api/sales/import",
        overlap.into(),
        commit.clone(),
    )
    .await;
    let r = &refusal["Report"];
    assert_eq!(r["committed"], false, "{refusal}");
    assert_eq!(r["error_count"], 1);
    assert_eq!(r["errors"][0]["row"], 2);
    assert_eq!(r["errors"][0]["column"], "单据编号");
    assert_eq!(r["errors"][0]["code"], "DocumentImported");
    assert_eq!(ledger().await, once, "nothing of the overlapping file kept");
    // a row the reader refuses after a document the writer refuses: both listed, in the
    // order of the rows
    let both = "单据编号,订单日期,客户编码,商品编码,数量,金额,成本\n\
        XS-0302-07,2026-03-03,EP002,BJ-500,2,176,137.28\n\
        XS-0306-01,2026-03-06,EP001,BJ-500,0,88,68.64\n";
    let refusal = post_file(&app, &m, "/api/sales/import", both.into(), commit.clone()).await;
    let errors = &refusal["Report"]["errors"];
    assert_eq!(refusal["Report"]["error_count"], 2, "{refusal}");
    assert_eq!(errors[0]["row"], 2, "{refusal}");
    assert_eq!(errors[0]["code"], "DocumentImported");
    assert_eq!(errors[1]["row"], 3, "{refusal}");
    assert_eq!(errors[1]["column"], "数量");
    assert_eq!(ledger().await, once);
    // a document number longer than any ERP's is refused, not cut
    let long = format!(
        "单据编号,订单日期,客户编码,商品编码,数量,金额,成本\n{},2026-03-06,EP001,BJ-500,1,88,68.64\n",
        "X".repeat(65)
    );
    let r = post_file(&app, &m, "/api/sales/import", long.into(), commit.clone()).await;
    assert_eq!(
        r["Report"]["errors"][0]["code"]["TooLong"]["max"], 64,
        "{r}"
    );

    // the imports are listed for a manager, newest first; a rep may not list or undo them
    let list = ok(&app, &m, "sales/batches", json!({ "page": 1 })).await;
    assert_eq!(list["total"], 1, "{list}");
    let batch = list["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(list["items"][0]["lines"], 3);
    assert_eq!(list["items"][0]["by"], "刘敏");
    let rep = app.signed_in("zhangwei").await;
    for (path, body) in [
        ("sales/batches", json!({ "page": 1 })),
        ("sales/undo_import", json!({ "id": batch })),
    ] {
        let (status, _) = refused(&app, &rep, path, body).await;
        assert_eq!(status, reqwest::StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(ledger().await, once);
    // another company's manager: the batch does not exist for them
    app.add_company("别家商贸", "bieren").await;
    let stranger = app.signed_in("bieren").await;
    let (status, _) = refused(&app, &stranger, "sales/undo_import", json!({ "id": batch })).await;
    assert_eq!(status, reqwest::StatusCode::NOT_FOUND);
    // undone whole: its lines, its rollups and its documents go, so the overlapping
    // export now imports
    let gone = ok(&app, &m, "sales/undo_import", json!({ "id": batch })).await;
    assert_eq!(gone, 3);
    assert_eq!(
        ledger().await,
        before,
        "the ledger and the rollups are back"
    );
    let (status, _) = refused(&app, &m, "sales/undo_import", json!({ "id": batch })).await;
    assert_eq!(status, reqwest::StatusCode::NOT_FOUND, "undone once");
    let list = ok(&app, &m, "sales/batches", json!({ "page": 1 })).await;
    assert_eq!(
        list["total"], 0,
        "an undone import is no longer listed: {list}"
    );
    // the undone file itself may come again, once, and be undone again
    let again = post_file(&app, &m, "/api/sales/import", march.into(), commit.clone()).await;
    assert_eq!(again["Report"]["committed"], true, "{again}");
    assert_eq!(ledger().await, once);
    let list = ok(&app, &m, "sales/batches", json!({ "page": 1 })).await;
    assert_eq!(list["total"], 1, "{list}");
    let batch = list["items"][0]["id"].as_str().unwrap().to_owned();
    let gone = ok(&app, &m, "sales/undo_import", json!({ "id": batch })).await;
    assert_eq!(gone, 3);
    assert_eq!(ledger().await, before);
    let now = post_file(
        &app,
        &m,
        "/api/sales/import",
        overlap.into(),
        commit.clone(),
    )
    .await;
    assert_eq!(now["Report"]["committed"], true, "{now}");
    // the March file's document the overlapping export brought is refused as usual
    let again = post_file(&app, &m, "/api/sales/import", march.into(), commit).await;
    assert_eq!(again["Report"]["committed"], false, "{again}");
    assert_eq!(
        again["Report"]["errors"][0]["code"], "DocumentImported",
        "{again}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_customer_import_leaves_tablets_orders_and_tickets_writing() {
    use serde_json::json;
    let app = spawn_app().await;
    let manager = app.signed_in("liumin").await;
    let rep = app.signed_in("zhangwei").await;
    let beijing = |minutes: i64| {
        qudao::domain::time::to_beijing(chrono::Utc::now() - chrono::Duration::minutes(minutes))
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    };
    let (customer_id, customer_code): (uuid::Uuid, String) = on!(&app.pool, |ex| sqlx::query_as(
        "SELECT c.id, c.code FROM customers c JOIN employees e ON e.id = c.rep_id \
         WHERE e.login = 'zhangwei' AND c.status = 'active' ORDER BY c.code LIMIT 1",
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    let sku: String = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT sku FROM products ORDER BY sku LIMIT 1"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    let me = app.demo_employee_id("zhangwei").await;
    let objection: String = serde_json::from_value(
        crate::helpers::ok(
            &app,
            &rep,
            "tickets/objections/open",
            json!({ "input": {
            "customer": customer_code, "category": "quality", "description": "两箱破损",
            "assignee": me, "opened_at": beijing(10) } }),
        )
        .await,
    )
    .unwrap();

    let rows: i64 = 40_000;
    let mut file = String::from("客户编码,客户名称,类型,业态,电话,区县\n");
    for i in 0..rows {
        file.push_str(&format!(
            "IMP-{i:06},导入测试{i}号店,终端,便利店,139{i:08},渝北区\n"
        ));
    }
    let options = json!({ "on_duplicate": "Skip", "mapping": [], "commit": true });
    let started = std::time::Instant::now();
    let import = {
        let c = manager.clone();
        let url = format!("{}/api/customers/import", app.base);
        tokio::spawn(async move {
            c.post(url)
                .query(&[("options", options.to_string())])
                .body(file)
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        })
    };
    // while it runs: a tablet's sync, an order and a ticket step, again and again; each
    // must be saved (a lock held for the import's whole run made them wait the busy
    // timeout and fail), and none waits for the whole import (only for its short write)
    let mut rounds_during = 0;
    let mut slowest = std::time::Duration::ZERO;
    while !import.is_finished() {
        let started = std::time::Instant::now();
        let visit = json!({ "items": [{ "kind": "visit", "input": {
            "id": uuid::Uuid::new_v4(), "customer_id": customer_id, "checked_in_at": beijing(5),
            "location": { "lat": 29.563, "lon": 106.551, "accuracy": 15.0 },
            "purpose": "routine", "notes": "", "vivid_display": true, "stack_display": false,
            "indoor_ad": false, "outdoor_ad": false, "competitors": "", "prices": [],
            "next_step": "", "next_step_on": "" } }] });
        let synced = crate::helpers::ok(&app, &rep, "visits/sync", visit).await;
        assert_eq!(synced[0]["outcome"], "Saved", "{synced}");
        let order = json!({ "order": { "customer_code": customer_code,
            "order_date": qudao::domain::time::to_beijing(chrono::Utc::now()).date().to_string(),
            "lines": [{ "product_sku": sku, "quantity": "2" }] } });
        crate::helpers::ok(&app, &rep, "orders/create", order).await;
        crate::helpers::ok(
            &app,
            &rep,
            "tickets/objections/comment",
            json!({ "id": objection, "body": "已联系仓库" }),
        )
        .await;
        slowest = slowest.max(started.elapsed());
        if !import.is_finished() {
            rounds_during += 1;
        }
    }
    let report = import.await.unwrap();
    let import_took = started.elapsed();
    assert_eq!(report["Report"]["committed"], true, "{report}");
    assert_eq!(report["Report"]["created"], rows);
    assert!(
        rounds_during >= 2,
        "the writes ran while the import did ({rounds_during} rounds)"
    );
    assert!(
        slowest < import_took * 3 / 4,
        "a round of three writes took {slowest:?}, the import {import_took:?}"
    );
    let imported: i64 = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM customers WHERE code LIKE 'IMP-%'"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(imported, rows);
}
