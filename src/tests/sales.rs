//! The sales ledger and A/B/C segmentation over HTTP (and the command line) on the demo
//! company: imports that save all or nothing, rollups that always equal the lines, the
//! page's classification equal to the command line's, reps confined to their customers,
//! snapshots that set the tiers lists filter by.
use crate::helpers::{TestApp, classification, download, output, spawn_app};
use qudao::domain::segmentation::{Class, Ranking, Thresholds, classify};
use qudao::server::db::on;
use qudao::server::db::sales as repo;
use qudao::server::seed::DEMO_COMPANY_ID;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

async fn import(app: &TestApp, c: &Client, bytes: Vec<u8>, options: Value) -> (StatusCode, Value) {
    let r = c
        .post(format!("{}/api/sales/import", app.base))
        .query(&[("options", options.to_string())])
        .body(bytes)
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap())
}

pub(crate) async fn line_count(app: &TestApp) -> i64 {
    on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM sales_lines"
    )
    .fetch_one(ex)
    .await)
    .unwrap()
}

/// Rollup rows that hold lines, against sums computed straight from the lines.
pub(crate) async fn assert_rollups_match(app: &TestApp) {
    let mut conn = app.pool.acquire().await.unwrap();
    let mut rolled: Vec<repo::MonthRow> = repo::months_changed(&mut conn, DEMO_COMPANY_ID, 0)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.lines > 0)
        .collect();
    rolled.sort_by_key(|r| (r.customer_id, r.month));
    let raw = repo::months_from_lines(&mut conn, DEMO_COMPANY_ID)
        .await
        .unwrap();
    assert_eq!(rolled.len(), raw.len());
    assert!(rolled == raw, "rollups differ from the sums of the lines");
    // and no rollup row claims amounts without lines
    let orphans: i64 = on!(conn, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM sales_monthly WHERE lines = 0 AND (amount <> 0 OR cost <> 0 OR quantity <> 0)",
    )
    .fetch_one(&mut *ex)
    .await)
    .unwrap();
    assert_eq!(orphans, 0);
    // every line lies within its batch's range of order ids, where undoing an import and
    // cancelling an order look for it
    let astray: i64 = on!(conn, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM sales_lines l JOIN sales_batches b \
         ON b.company_id = l.company_id AND b.id = l.batch_id \
         WHERE b.first_order IS NULL OR l.order_id < b.first_order OR l.order_id > b.last_order",
    )
    .fetch_one(&mut *ex)
    .await)
    .unwrap();
    assert_eq!(astray, 0, "lines outside their batch's range of orders");
}

const GOOD: &str = "订单日期,客户编码,商品编码,数量,金额,成本,商品名称\n\
2026-03-02,EP001,BJ-500,10,880.00,686.40,\n\
2026-03-02,EP001,PJ-330,5,360,300,\n\
2026-03-05,ZD00001,NEW-1,2,50.5,40,新品试销装\n\
2026-03-06,ZD00001,BJ-500,-1,-88,-68.64,\n";

/// A `YYYY-MM-DD` text as the date the ledger stores.
fn day(text: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

#[tokio::test]
async fn a_sales_file_with_any_bad_row_imports_nothing_and_names_every_problem() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let before = line_count(&app).await;
    let bad = "订单日期,客户编码,商品编码,数量,金额,成本\n\
2026-03-02,EP001,BJ-500,10,880.00,686.40\n\
2026-03-02,NOPE,BJ-500,1,1,1\n\
2026-03-02,EP001,NOPE,1,1,1\n\
1899-12-31,EP001,BJ-500,1,1.234,1\n\
2026-03-02,EP001,BJ-500,十,1,1\n\
2026-03-02,EP001,BJ-500,-1,5,-1\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(bad);
    let (status, body) = import(
        &app,
        &m,
        gbk.to_vec(),
        json!({ "create_products": false, "commit": true }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let r = &body["Report"];
    assert_eq!(r["committed"], false);
    assert_eq!(r["rows"], 6);
    let errors: Vec<(u64, String, String)> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["column"].as_str().unwrap().to_owned(),
                e["code"].to_string(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            (3, "客户编码".into(), "\"UnknownCustomer\"".into()),
            (4, "商品编码".into(), "\"UnknownProduct\"".into()),
            (5, "订单日期".into(), "\"InvalidDate\"".into()),
            (5, "金额".into(), "\"TooManyDecimals\"".into()),
            (6, "数量".into(), "\"InvalidNumber\"".into()),
            (7, "金额".into(), "\"SignMismatch\"".into()),
        ]
    );
    assert_eq!(line_count(&app).await, before, "nothing half-imported");
    // a date beyond the accepted years
    let (_, body) = import(&app, &m, "order_date,customer_code,product_sku,quantity,amount,cost\n2100-06-01,EP001,BJ-500,1,1,1\n".into(), json!({})).await;
    assert_eq!(
        body["Report"]["errors"][0]["code"], "DateOutOfRange",
        "{body}"
    );
    // missing columns are named
    let (_, body) = import(
        &app,
        &m,
        "订单日期,客户编码,数量\n2026-01-01,EP001,1\n".into(),
        json!({}),
    )
    .await;
    assert_eq!(
        body["File"]["MissingColumns"],
        json!(["product_sku", "amount", "cost"])
    );
}

#[tokio::test]
async fn a_good_file_previews_then_imports_creating_products_on_request() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let before = line_count(&app).await;
    // without --create-products the unknown SKU is an error
    let (_, body) = import(
        &app,
        &m,
        GOOD.into(),
        json!({ "create_products": false, "commit": false }),
    )
    .await;
    assert_eq!(body["Report"]["error_count"], 1);
    assert_eq!(body["Report"]["errors"][0]["code"], "UnknownProduct");
    let (_, body) = import(
        &app,
        &m,
        GOOD.into(),
        json!({ "create_products": true, "commit": false }),
    )
    .await;
    let r = &body["Report"];
    assert_eq!(
        (
            r["lines"].as_u64(),
            r["orders"].as_u64(),
            r["products_created"].as_u64()
        ),
        (Some(4), Some(3), Some(1))
    );
    assert_eq!(r["committed"], false);
    assert_eq!(line_count(&app).await, before, "a preview saves nothing");
    let (_, body) = import(
        &app,
        &m,
        GOOD.into(),
        json!({ "create_products": true, "commit": true }),
    )
    .await;
    assert_eq!(body["Report"]["committed"], true);
    assert_eq!(line_count(&app).await, before + 4);
    let (name, rep, customer_rep): (String, Option<uuid::Uuid>, Option<uuid::Uuid>) = on!(&app.pool, |ex| sqlx::query_as(
        "SELECT p.name, l.rep_id, c.rep_id FROM sales_lines l JOIN products p ON p.id = l.product_id AND p.company_id = l.company_id \
         JOIN customers c ON c.id = l.customer_id WHERE p.sku = 'NEW-1'",
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(name, "新品试销装");
    assert!(rep.is_some());
    assert_eq!(rep, customer_rep, "credited to the customer's rep");
    assert_rollups_match(&app).await;
    // reps do not import
    let z = app.signed_in("zhangwei").await;
    let (status, _) = import(&app, &z, GOOD.into(), json!({ "commit": true })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn rollups_equal_the_lines_after_orders_imports_edits_and_deletes() {
    let app = spawn_app().await;
    assert_rollups_match(&app).await;
    let m = app.signed_in("liumin").await;
    // an order document, confirmed: posted to the ledger
    let order: String = crate::helpers::ok(
        &app,
        &m,
        "orders/create",
        json!({ "order": {
        "customer_code": "EP002", "order_date": "2026-02-27",
        "lines": [
            { "product_sku": "BJ-500", "quantity": "3" },
            { "product_sku": "LY-5L", "quantity": "1" }
        ] } }),
    )
    .await
    .as_str()
    .unwrap()
    .to_owned();
    let confirmed = crate::helpers::ok(
        &app,
        &m,
        "orders/step",
        json!({ "id": order, "version": 1, "step": "confirm" }),
    )
    .await;
    assert_rollups_match(&app).await;
    import(
        &app,
        &m,
        GOOD.into(),
        json!({ "create_products": true, "commit": true }),
    )
    .await;
    assert_rollups_match(&app).await;
    // the import merged its own sums (the per-line trigger stood aside for its batch);
    // afterwards its batch is no longer listed, so a line added to it by hand is rolled
    // up by the trigger again
    on!(&app.pool, |ex| sqlx::query(
        "INSERT INTO sales_lines (company_id, order_id, line_no, order_date, customer_id, \
         product_id, rep_id, quantity, amount, cost, batch_id) \
         SELECT company_id, order_id, 99, '2026-04-30', customer_id, product_id, rep_id, 2, 700, 500, batch_id \
         FROM sales_lines WHERE order_date = '2026-03-05' LIMIT 1"
    )
    .execute(ex)
    .await
    .map(|d| d.rows_affected()))
    .unwrap();
    assert_rollups_match(&app).await;
    let imported: uuid::Uuid = on!(&app.pool, |ex| {
        sqlx::query_scalar(
        "SELECT order_id FROM sales_lines WHERE order_date = '2026-03-02' AND line_no = 2 LIMIT 1"
    )
    .fetch_one(ex)
    .await
    })
    .unwrap();
    // a line moved to another month and customer by hand (raw SQL: triggers still hold)
    on!(&app.pool, |ex| sqlx::query("UPDATE sales_lines SET order_date = '2025-07-31', amount = amount + 100 WHERE line_no = 2 AND order_id = $1")
        .bind(imported)
        .execute(ex)
        .await.map(|d| d.rows_affected()))
        .unwrap();
    assert_rollups_match(&app).await;
    let r = app
        .call(&m, "sales/delete_order", json!({ "order_id": imported }))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<u64>().await.unwrap(), 2);
    assert_rollups_match(&app).await;
    let r = app
        .call(&m, "sales/delete_order", json!({ "order_id": imported }))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // an order document's lines leave by its cancel
    crate::helpers::ok(
        &app,
        &m,
        "orders/step",
        json!({ "id": order, "version": confirmed["order"]["version"], "step": "cancel" }),
    )
    .await;
    assert_rollups_match(&app).await;
    // reps cannot delete orders
    let z = app.signed_in("zhangwei").await;
    let r = app
        .call(
            &z,
            "sales/delete_order",
            json!({ "order_id": uuid::Uuid::nil().to_string() }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

/// Classifies as the page does; (code, total, rank, class) per row.
async fn page_rows(
    app: &TestApp,
    c: &Client,
    q: Value,
) -> (Value, Vec<(String, i64, usize, Class)>) {
    let (body, rows) = classification(app, c, q).await;
    let ranking = Ranking::new(rows.iter().map(|r| r.3).collect());
    let t = Thresholds {
        a_bp: body["thresholds"]["a_bp"].as_u64().unwrap() as u32,
        b_bp: body["thresholds"]["b_bp"].as_u64().unwrap() as u32,
    };
    let counts = ranking.counts(t);
    assert_eq!(body["counts"], serde_json::to_value(counts).unwrap());
    let rows = rows
        .into_iter()
        .enumerate()
        .map(|(i, (_, code, _, total))| (code, total, i + 1, Ranking::class_at(counts, i)))
        .collect();
    (body, rows)
}

fn letter(c: Class) -> &'static str {
    match c {
        Class::A => "A",
        Class::B => "B",
        Class::C => "C",
    }
}

#[tokio::test]
async fn the_page_the_export_and_the_command_line_give_the_same_classification() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    // day-aligned at both ends: whole months from the rollups, loose days from the lines
    for (from, to, measure, a, b) in [
        ("2025-01-15", "2025-12-20", "sales", "80", "95"),
        ("2025-11-01", "2026-10-31", "profit", "70", "90"),
        ("2026-02-03", "2026-02-27", "quantity", "82.5", "97.5"),
    ] {
        let (body, rows) = page_rows(
            &app,
            &m,
            json!({ "from": from, "to": to, "measure": measure, "a": a, "b": b }),
        )
        .await;
        assert!(!rows.is_empty());
        // straight from the lines, through the domain classifier
        let sums: Vec<(String, i64)> = on!(&app.pool, |ex| sqlx::query_as(&format!(
            "SELECT c.code, CAST(sum({}) AS BIGINT) FROM sales_lines l JOIN customers c ON c.id = l.customer_id AND c.company_id = l.company_id \
             WHERE l.order_date BETWEEN $1 AND $2 GROUP BY c.code",
            match measure { "sales" => "l.amount", "profit" => "l.amount - l.cost", _ => "l.quantity" }
        ))
        .bind(day(from))
        .bind(day(to))
        .fetch_all(ex)
        .await)
        .unwrap();
        let t = Thresholds::parse(a, b).unwrap();
        let expected: Vec<(String, i64, usize, Class)> = classify(&sums, t)
            .into_iter()
            .map(|r| (r.code, r.total, r.rank as usize, r.class))
            .collect();
        assert_eq!(rows, expected, "{from}..{to} {measure}");
        assert_eq!(body["own_customers_only"], false);
        // the command line, as the operator runs it
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_qudao"));
        command
            .args([
                "segment", "--from", from, "--to", to, "--by", measure, "--a", a, "--b", b,
            ])
            .env("QUDAO_DATABASE_URL", app.database_url.clone())
            .env("RUST_LOG", "error");
        let out = output(command).await;
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let cli = String::from_utf8(out.stdout).unwrap();
        let mut reader = csv::Reader::from_reader(cli.as_bytes());
        let cli_rows: Vec<(String, String, usize, String)> = reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                (
                    r[0].to_owned(),
                    r[2].to_owned(),
                    r[3].parse().unwrap(),
                    r[5].to_owned(),
                )
            })
            .collect();
        let is_money = measure != "quantity";
        let page_as_cli: Vec<(String, String, usize, String)> = rows
            .iter()
            .map(|(code, total, rank, class)| {
                let total = if is_money {
                    qudao::domain::money::Money(*total).to_yuan_string()
                } else {
                    total.to_string()
                };
                (code.clone(), total, *rank, letter(*class).to_owned())
            })
            .collect();
        assert_eq!(cli_rows, page_as_cli, "CLI vs page {from}..{to} {measure}");
        // the export the page links to
        let csv_bytes = download(
            m.get(format!("{}/api/segmentation/export", app.base))
                .query(&[
                    ("from", from),
                    ("to", to),
                    ("measure", measure),
                    ("a", a),
                    ("b", b),
                    ("format", "csv"),
                    ("headers", "en"),
                ]),
        )
        .await;
        let text =
            String::from_utf8(csv_bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap().to_vec()).unwrap();
        let export_lines: Vec<&str> = text.lines().collect();
        let cli_lines: Vec<&str> = cli.lines().collect();
        assert_eq!(export_lines.len(), cli_lines.len(), "export vs CLI rows");
        if let Some((e, c)) = export_lines.iter().zip(&cli_lines).find(|(e, c)| e != c) {
            panic!("export vs CLI differ: {e} / {c}");
        }
    }
}

#[tokio::test]
async fn a_rep_classifies_only_their_own_customers() {
    let app = spawn_app().await;
    let z = app.signed_in("zhangwei").await;
    let q = json!({ "from": "2025-11-01", "to": "2026-10-31" });
    let (body, rows) = page_rows(&app, &z, q.clone()).await;
    assert_eq!(body["own_customers_only"], true);
    let mine: Vec<String> = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT c.code FROM customers c JOIN employees e ON e.id = c.rep_id WHERE e.login = 'zhangwei'",
    )
    .fetch_all(ex)
    .await)
    .unwrap();
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|(code, ..)| mine.contains(code)),
        "only zhangwei's customers"
    );
    // their own population: the first is A, and the shares are of their own total
    assert_eq!(rows[0].3, Class::A);
    let export = z
        .get(format!("{}/api/segmentation/export", app.base))
        .query(&[
            ("from", "2025-11-01"),
            ("to", "2026-10-31"),
            ("headers", "en"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(export.lines().count(), rows.len() + 1);
    // snapshots are for managers
    let r = app
        .call(&z, "segmentation/save", json!({ "query": q, "name": "" }))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app.call(&z, "segmentation/snapshots", json!({})).await;
    assert_eq!(r.json::<Value>().await.unwrap(), json!([]));
    // another company sees no sales of this one
    app.add_company("另一家经销商", "other_boss").await;
    let o = app.signed_in("other_boss").await;
    let (_, rows) = page_rows(&app, &o, q).await;
    assert!(rows.is_empty());
    // signed out: nothing
    let r = app
        .call(
            &app.client(),
            "segmentation/classify",
            json!({ "query": {} }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_table_pages_its_rows_from_the_server_and_learns_when_the_ranking_changed() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let q = json!({ "from": "2026-01-01", "to": "2026-12-31" });
    let (body, rows) = classification(&app, &m, q.clone()).await;
    assert!(rows.len() > 2, "the demo has a ranking");
    // the page carries totals and one table page of names, not every customer's
    assert!(body.get("rows").is_none());
    let rows_at = |start: u64, count: u64| {
        let (app, m, q) = (&app, &m, q.clone());
        async move {
            crate::helpers::ok(
                app,
                m,
                "segmentation/rows",
                json!({ "query": q, "start": start, "count": count }),
            )
            .await
        }
    };
    let middle = rows_at(1, 2).await;
    assert_eq!(middle["start"], 1);
    let codes: Vec<&str> = middle["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[1].as_str().unwrap())
        .collect();
    assert_eq!(codes, [rows[1].1.as_str(), rows[2].1.as_str()]);
    assert_eq!(rows_at(0, 0).await["rows"], json!([]));
    assert_eq!(rows_at(u64::from(u32::MAX), 50).await["rows"], json!([]));
    // a refused query is refused here too; signed out, nothing
    let r = app
        .call(
            &m,
            "segmentation/rows",
            json!({ "query": { "from": "2026-03-01", "to": "2026-02-01" }, "start": 0, "count": 50 }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .call(
            &app.client(),
            "segmentation/rows",
            json!({ "query": q, "start": 0, "count": 50 }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // a sale confirmed meanwhile: the next page comes with another stamp, so the page
    // knows its totals are old and asks again
    let order = crate::helpers::ok(
        &app,
        &m,
        "orders/create",
        json!({ "order": { "customer_code": "EP002", "order_date": "2026-02-27",
            "lines": [{ "product_sku": "BJ-500", "quantity": "3" }] } }),
    )
    .await;
    crate::helpers::ok(
        &app,
        &m,
        "orders/step",
        json!({ "id": order, "version": 1, "step": "confirm" }),
    )
    .await;
    let after = rows_at(0, 1).await;
    assert_ne!(after["stamp"], body["stamp"]);
    let (again, _) = classification(&app, &m, q.clone()).await;
    assert_eq!(again["stamp"], after["stamp"]);
}

#[tokio::test]
async fn bad_periods_and_thresholds_get_field_errors_and_an_empty_period_is_empty() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let errors = |body: Value| -> Vec<(String, String)> {
        body["Validation"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["field"].as_str().unwrap().to_owned(),
                    e["code"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect()
    };
    for (q, expected) in [
        (
            json!({ "from": "2026-03-01", "to": "2026-02-01" }),
            vec![("to", "EndBeforeStart")],
        ),
        (
            json!({ "from": "2026-01-01", "to": "2026-02-01", "a": "95", "b": "80" }),
            vec![("b", "ThresholdOutOfOrder")],
        ),
        (
            json!({ "from": "2026-01-01", "to": "2026-02-01", "a": "0" }),
            vec![("a", "ThresholdOutOfRange")],
        ),
        (
            json!({ "from": "1999-01-01", "to": "x", "measure": "volume" }),
            vec![
                ("from", "DateOutOfRange"),
                ("to", "InvalidDate"),
                ("measure", "InvalidChoice"),
            ],
        ),
    ] {
        let r = app
            .call(&m, "segmentation/classify", json!({ "query": q }))
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        let got = errors(r.json().await.unwrap());
        let want: Vec<(String, String)> = expected
            .iter()
            .map(|(f, c)| ((*f).to_owned(), (*c).to_owned()))
            .collect();
        assert_eq!(got, want, "{q}");
    }
    let empty = json!({ "from": "2001-01-01", "to": "2001-12-31" });
    let (body, rows) = page_rows(&app, &m, empty.clone()).await;
    assert!(rows.is_empty());
    assert_eq!(body["counts"], json!({ "a": 0, "b": 0, "c": 0 }));
    let r = app
        .call(
            &m,
            "segmentation/save",
            json!({ "query": empty, "name": "空" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        errors(r.json().await.unwrap()),
        [("from".to_owned(), "NoSalesInPeriod".to_owned())]
    );
    // no period: the last twelve whole months
    let (body, _) = page_rows(&app, &m, json!({})).await;
    let today = qudao::domain::time::beijing_date(chrono::Utc::now());
    let p = qudao::domain::sales::Period::last_12_months(today).unwrap();
    assert_eq!(body["from"], p.from.format("%Y-%m-%d").to_string());
    assert_eq!(body["to"], p.to.format("%Y-%m-%d").to_string());
}

#[tokio::test]
async fn a_snapshot_sets_every_customers_tier_and_the_list_filters_by_it() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let q = json!({ "from": "2025-01-01", "to": "2025-12-31", "measure": "profit", "a": "70", "b": "90" });
    let (_, rows) = page_rows(&app, &m, q.clone()).await;
    let r = app
        .call(
            &m,
            "segmentation/save",
            json!({ "query": q, "name": "2025 毛利分级" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let saved: Value = r.json().await.unwrap();
    let count = |c: Class| rows.iter().filter(|r| r.3 == c).count() as u64;
    let customers: i64 = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM customers"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    let unranked = customers as u64 - rows.len() as u64;
    assert_eq!(
        saved["counts"],
        json!({ "a": count(Class::A), "b": count(Class::B), "c": count(Class::C) })
    );
    // the list: filter by tier, counts add up to every customer (the unranked are C)
    let mut listed = 0;
    for (tier, want) in [
        ("A", count(Class::A)),
        ("B", count(Class::B)),
        ("C", count(Class::C) + unranked),
    ] {
        let r = app
            .call(&m, "customers/list", json!({ "query": { "tier": tier } }))
            .await;
        let page: Value = r.json().await.unwrap();
        assert_eq!(page["total"].as_u64(), Some(want), "tier {tier}");
        assert!(
            page["rows"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["tier"] == tier)
        );
        listed += want;
    }
    assert_eq!(listed, customers as u64);
    let total_of = |tier: &'static str| {
        let (app, m) = (&app, &m);
        async move {
            let r = app
                .call(m, "customers/list", json!({ "query": { "tier": tier } }))
                .await;
            r.json::<Value>().await.unwrap()["total"].as_u64()
        }
    };
    assert_eq!(total_of("none").await, Some(0));
    // typed into the address: a tier in either case is that tier, no tier at all matches nothing
    assert_eq!(total_of("b").await, Some(count(Class::B)));
    assert_eq!(total_of("D").await, Some(0));
    // the first-ranked customer's profile shows the tier and its history (the demo's two
    // snapshots + this)
    let id: uuid::Uuid = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT id FROM customers WHERE code = $1"
    )
    .bind(&rows[0].0)
    .fetch_one(ex)
    .await)
    .unwrap();
    let r = app.call(&m, "customers/get", json!({ "id": id })).await;
    let d: Value = r.json().await.unwrap();
    assert_eq!(d["tier"], "A");
    assert_eq!(d["tiers"][0]["snapshot"], "2025 毛利分级");
    assert_eq!(d["tiers"][0]["rank"], 1);
    assert_eq!(d["tiers"][0]["total"], rows[0].1);
    assert_eq!(d["tiers"].as_array().unwrap().len(), 3);
    let r = app.call(&m, "segmentation/snapshots", json!({})).await;
    let list: Value = r.json().await.unwrap();
    assert_eq!(list[0]["name"], "2025 毛利分级");
    assert_eq!(list.as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn the_command_line_imports_sales_or_lists_every_bad_row() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("cli.db").display());
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_qudao"))
            .args(args)
            .env("QUDAO_DATABASE_URL", &db)
            .env("LANG", "en_US.UTF-8")
            .env("RUST_LOG", "error")
            .output()
            .unwrap()
    };
    assert!(run(&["seed-demo"]).status.success());
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "order_date,customer_code,product_sku,quantity,amount,cost\n2026-01-01,EP001,BJ-500,2,1.999,1\n2026-01-01,EP001,XX-1,2,1,1\n").unwrap();
    let out = run(&["import", "sales", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.csv:2: amount: Amounts have at most two decimals"),
        "{err}"
    );
    assert!(
        err.contains("bad.csv:3: product_sku: No product has this SKU"),
        "{err}"
    );
    assert!(err.contains("nothing was imported"), "{err}");
    let good = dir.path().join("good.csv");
    std::fs::write(&good, "order_date,customer_code,product_sku,quantity,amount,cost,product_name\n2026-01-01,EP001,XX-1,2,10,8,试销品\n").unwrap();
    let out = run(&[
        "import",
        "sales",
        good.to_str().unwrap(),
        "--create-products",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 lines in 1 orders"));
    let out = run(&[
        "segment",
        "--from",
        "2026-01-01",
        "--to",
        "2026-01-01",
        "--format",
        "json",
    ]);
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ep001 = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "EP001")
        .unwrap();
    assert_eq!(ep001["rank"].as_u64().map(|r| r >= 1), Some(true));
    let out = run(&["segment", "--from", "2026-02-01", "--to", "2026-01-01"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("--to: The end date cannot be before the start date")
    );
}

/// Whether the ledger's date index exists (SQLite).
async fn date_indexed(conn: &mut qudao::server::db::DbConn) -> bool {
    on!(conn, |ex| sqlx::query_scalar::<_, i64>(
        "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'sales_lines_date'"
    )
    .fetch_one(&mut *ex)
    .await)
    .unwrap()
        == 1
}

/// What the schema holds by that name and kind, as its `CREATE` statement.
async fn schema_sql(
    conn: &mut qudao::server::db::DbConn,
    kind: &str,
    name: &str,
) -> Option<String> {
    on!(conn, |ex| sqlx::query_scalar(
        "SELECT sql FROM sqlite_master WHERE type = $1 AND name = $2"
    )
    .bind(kind)
    .bind(name)
    .fetch_optional(&mut *ex)
    .await)
    .unwrap()
}

/// A bulk load sets the per-line rollup trigger aside for a file of at least
/// `REBUILD_INDEX_FROM` lines, and the ledger's date index too when the file holds more
/// lines than the ledger (as here), on SQLite only; its rollback brings both back, and a commit after
/// `restore_after_load` keeps them as they were.
#[tokio::test]
async fn a_bulk_load_sets_the_rollup_trigger_and_date_index_aside_only_for_a_large_file() {
    let app = spawn_app().await;
    let held = usize::try_from(line_count(&app).await).unwrap();
    let large = repo::REBUILD_INDEX_FROM.max(held + 1);
    // never outside a bulk load's transaction, where dropping would commit at once
    let mut pooled = app.pool.acquire().await.unwrap();
    assert_eq!(
        repo::set_aside_for_load(&mut pooled, large).await.unwrap(),
        None
    );
    drop(pooled);
    if !app.pool.is_sqlite() {
        let mut conn = app.pool.begin_bulk(64).await.unwrap();
        let set_aside = repo::set_aside_for_load(&mut conn, large).await.unwrap();
        assert_eq!(set_aside, None, "PostgreSQL keeps its indexes and triggers");
        return;
    }
    let (index, trigger) = {
        let mut conn = app.pool.acquire().await.unwrap();
        (
            schema_sql(&mut conn, "index", "sales_lines_date").await,
            schema_sql(&mut conn, "trigger", "sales_lines_insert").await,
        )
    };
    assert!(index.is_some() && trigger.is_some());
    for commit in [false, true] {
        let mut conn = app.pool.begin_bulk(64).await.unwrap();
        assert_eq!(
            repo::set_aside_for_load(&mut conn, repo::REBUILD_INDEX_FROM - 1)
                .await
                .unwrap(),
            None,
            "a small file"
        );
        let set_aside = repo::set_aside_for_load(&mut conn, large)
            .await
            .unwrap()
            .expect("a large file");
        assert_eq!(set_aside.rollup_trigger, trigger, "the trigger as it was");
        assert_eq!(set_aside.date_index, index, "the index as it was");
        assert!(
            schema_sql(&mut conn, "trigger", "sales_lines_insert")
                .await
                .is_none(),
            "set aside in the transaction"
        );
        assert!(
            !date_indexed(&mut conn).await,
            "set aside in the transaction"
        );
        if commit {
            repo::restore_after_load(&mut conn, &set_aside)
                .await
                .unwrap();
            conn.commit().await.unwrap();
        } else {
            conn.rollback().await.unwrap();
        }
        let mut conn = app.pool.acquire().await.unwrap();
        assert_eq!(
            schema_sql(&mut conn, "index", "sales_lines_date").await,
            index,
            "back (committed: {commit})"
        );
        assert_eq!(
            schema_sql(&mut conn, "trigger", "sales_lines_insert").await,
            trigger,
            "back (committed: {commit})"
        );
    }
}

/// An import larger than one write (`CHUNK` lines a group on SQLite,
/// `PG_LINES_PER_STATEMENT` a statement on PostgreSQL) is still all or nothing, and the
/// rollups the several writes merged equal the lines.
#[tokio::test]
async fn an_import_of_many_writes_is_whole_or_nothing_with_exact_rollups() {
    let app = spawn_app().await;
    let codes: Vec<String> = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT code FROM customers WHERE company_id = $1 ORDER BY code"
    )
    .bind(DEMO_COMPANY_ID.0)
    .fetch_all(ex)
    .await)
    .unwrap();
    // two statements on PostgreSQL; on SQLite two groups, their sums merged once at the end
    let n = repo::PG_LINES_PER_STATEMENT + 50_001;
    let mut file =
        String::from("order_date,customer_code,product_sku,quantity,amount,cost,product_name\n");
    for i in 0..n {
        let q = 1 + i % 7;
        file.push_str(&format!(
            "2024-{:02}-{:02},{},BULK-{},{q},{}.{:02},{},散装试销\n",
            1 + i % 12,
            1 + i % 28,
            codes[(i * 7919) % codes.len()],
            i % 3,
            q * 3 + i % 5,
            i % 100,
            q * 2
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_qudao"));
        command
            .args([
                "import",
                "sales",
                path.to_str().unwrap(),
                "--create-products",
            ])
            .env("QUDAO_DATABASE_URL", &app.database_url)
            .env("LANG", "en_US.UTF-8")
            .env("RUST_LOG", "error");
        output(command)
    };
    // the file holds more lines than the ledger: on SQLite the import sets the date index
    // aside and builds it again at the end; a refused import gets it back by rollback
    assert!(n >= repo::REBUILD_INDEX_FROM);
    let date_index = || async {
        if !app.pool.is_sqlite() {
            return None;
        }
        let definition: Option<String> = on!(&app.pool, |ex| sqlx::query_scalar(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'sales_lines_date'"
        )
        .fetch_optional(ex)
        .await)
        .unwrap();
        let check: String = on!(&app.pool, |ex| sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(ex)
            .await)
        .unwrap();
        assert_eq!(check, "ok");
        definition
    };
    let index = date_index().await;
    assert!(!app.pool.is_sqlite() || index.is_some());
    let march = || async {
        on!(&app.pool, |ex| sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM sales_lines WHERE company_id = $1 \
             AND order_date BETWEEN '2024-03-01' AND '2024-03-31'"
        )
        .bind(DEMO_COMPANY_ID.0)
        .fetch_one(ex)
        .await)
        .unwrap()
    };
    let march_before = march().await;
    let before = line_count(&app).await;
    assert!(before < n as i64, "a ledger smaller than the file");
    // the very last row is bad: every write before it is taken back
    let bad = format!("{file}2024-13-01,{},BULK-0,1,1,1\n", codes[0]);
    let out = run("bad.csv", &bad).await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("bad.csv:{}: order_date", n + 2)),
        "{err}"
    );
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(line_count(&app).await, before);
    assert_eq!(date_index().await, index, "the date index is back");
    let products: i64 = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM products WHERE sku LIKE 'BULK-%'"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(
        products, 0,
        "products created by a refused import are taken back too"
    );
    assert_rollups_match(&app).await;
    let out = run("good.csv", &file).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with(&format!("{n} lines")),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(line_count(&app).await, before + n as i64);
    assert_rollups_match(&app).await;
    assert_eq!(date_index().await, index, "the date index is built again");
    // and a day range read from that index counts every line
    assert_eq!(
        march().await,
        march_before + (0..n).filter(|i| i % 12 == 2).count() as i64
    );
    // the import set the per-line rollup trigger aside: a line written afterwards by any
    // other path is rolled up again
    let written = on!(&app.pool, |ex| sqlx::query(
        "INSERT INTO sales_lines (company_id, order_id, line_no, order_date, customer_id, \
         product_id, rep_id, quantity, amount, cost, batch_id) \
         SELECT company_id, order_id, line_no + 1000, order_date, customer_id, product_id, \
         rep_id, quantity, amount, cost, batch_id FROM sales_lines \
         WHERE company_id = $1 AND product_id IN (SELECT id FROM products WHERE sku = 'BULK-1') \
         LIMIT 1"
    )
    .bind(DEMO_COMPANY_ID.0)
    .execute(ex)
    .await
    .map(|w| w.rows_affected()))
    .unwrap();
    assert_eq!(written, 1);
    assert_rollups_match(&app).await;
    // the ledger now holds more lines than a file of the threshold's size: such a file
    // sets only the trigger aside and keeps the index (lines then go in in date order)
    let mut conn = app.pool.begin_bulk(64).await.unwrap();
    let set_aside = repo::set_aside_for_load(&mut conn, repo::REBUILD_INDEX_FROM)
        .await
        .unwrap();
    if app.pool.is_sqlite() {
        let set_aside = set_aside.expect("a large file");
        assert!(set_aside.rollup_trigger.is_some());
        assert_eq!(set_aside.date_index, None, "the index stays");
        assert!(date_indexed(&mut conn).await);
    } else {
        assert_eq!(set_aside, None);
    }
    conn.rollback().await.unwrap();
}

/// A sales import stores its lines on a connection that skips SQLite's row-by-row
/// foreign-key checks (it resolved every reference itself, in the same transaction): what
/// it stores must still reference only what exists, and every other write must still be
/// checked.
#[tokio::test]
async fn an_import_references_only_what_exists_and_other_writes_are_still_checked() {
    let app = spawn_app().await;
    let c = app.signed_in("laoban").await;
    let file = "单据编号,订单日期,客户编码,商品编码,数量,金额,成本,商品名称,业务员账号\n\
        XS-1,2026-04-01,EP001,BJ-500,10,880.00,686.40,,lina\n\
        XS-1,2026-04-01,EP001,FK-NEW,2,50,40,新品试销装,\n\
        XS-2,2026-04-02,ZD00001,FK-NEW,1,25,20,新品试销装,zhangwei\n";
    let dangling = || async {
        on!(&app.pool, |ex| sqlx::query_scalar::<_, i64>(
            "SELECT \
             (SELECT count(*) FROM sales_lines l WHERE NOT EXISTS (SELECT 1 FROM customers c \
               WHERE c.company_id = l.company_id AND c.id = l.customer_id)) + \
             (SELECT count(*) FROM sales_lines l WHERE NOT EXISTS (SELECT 1 FROM products p \
               WHERE p.company_id = l.company_id AND p.id = l.product_id)) + \
             (SELECT count(*) FROM sales_lines l WHERE l.rep_id IS NOT NULL AND NOT EXISTS \
               (SELECT 1 FROM employees e WHERE e.company_id = l.company_id AND e.id = l.rep_id)) + \
             (SELECT count(*) FROM sales_lines l WHERE NOT EXISTS (SELECT 1 FROM sales_batches b \
               WHERE b.company_id = l.company_id AND b.id = l.batch_id)) + \
             (SELECT count(*) FROM sales_documents d WHERE NOT EXISTS (SELECT 1 FROM sales_batches b \
               WHERE b.company_id = d.company_id AND b.id = d.batch_id))"
        )
        .fetch_one(ex)
        .await)
        .unwrap()
    };
    let before = line_count(&app).await;
    for options in [
        json!({ "commit": true, "create_products": true }),
        // the same file again, replacing the first: the earlier lines and documents go
        // and its batch is marked undone, on the same connection
        json!({ "commit": true, "create_products": true, "replace": true }),
    ] {
        let (status, r) = import(&app, &c, file.as_bytes().to_vec(), options).await;
        assert_eq!(status, StatusCode::OK, "{r}");
        assert_eq!(r["Report"]["committed"], true, "{r}");
        assert_eq!(line_count(&app).await, before + 3);
        assert_eq!(dangling().await, 0, "every stored reference exists");
        assert_rollups_match(&app).await;
    }
    // the app's own connections check references as before: a line naming a product
    // that does not exist is refused
    let batch: uuid::Uuid = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT id FROM sales_batches WHERE fingerprint IS NOT NULL"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    let customer: uuid::Uuid = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT customer_id FROM sales_lines WHERE batch_id = $1 LIMIT 1"
    )
    .bind(batch)
    .fetch_one(ex)
    .await)
    .unwrap();
    let mut conn = app.pool.begin().await.unwrap();
    let refused = repo::insert_lines(
        &mut conn,
        DEMO_COMPANY_ID,
        batch,
        &[repo::NewLine {
            order_id: uuid::Uuid::now_v7(),
            line_no: 1,
            order_date: day("2026-04-03"),
            customer_id: customer,
            product_id: uuid::Uuid::now_v7(),
            rep_id: None,
            quantity: 1,
            amount: 100,
            cost: 80,
        }],
    )
    .await;
    let message = refused.expect_err("a line naming no product").to_string();
    assert!(message.to_lowercase().contains("foreign key"), "{message}");
}

/// The products as `login` sees them, by SKU.
async fn catalogue(app: &TestApp, c: &Client) -> std::collections::BTreeMap<String, Value> {
    let r = app.call(c, "sales/products", json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    body.as_array()
        .unwrap()
        .iter()
        .map(|p| (p["sku"].as_str().unwrap().to_owned(), p.clone()))
        .collect()
}

#[tokio::test]
async fn the_catalogue_keeps_packs_costs_and_status_and_a_discontinued_product_takes_no_order() {
    let app = spawn_app().await;
    let boss = app.signed_in("laoban").await;
    let rep = app.signed_in("zhangwei").await;
    // the demo's beer comes 24 bottles to the case; its cost price is the owner's to see
    let owners = catalogue(&app, &boss).await;
    let beer = &owners["PJ-330"];
    assert_eq!(
        (&beer["pack_size"], &beer["piece_unit"], &beer["active"]),
        (&json!("24"), &json!("瓶"), &json!(true))
    );
    assert_ne!(beer["cost_price"], json!(""));
    let reps = catalogue(&app, &rep).await;
    assert_eq!(reps.len(), owners.len());
    assert!(
        reps.values().all(|p| p["cost_price"] == json!("")),
        "{reps:?}"
    );

    // a rep does not edit the catalogue
    let mut input = json!({
        "sku": "PJ-330", "name": beer["name"], "category": beer["category"],
        "unit": beer["unit"], "list_price": beer["list_price"], "price_floor": beer["price_floor"],
        "pack_size": "24", "piece_unit": "瓶", "cost_price": "55.5", "active": "false",
    });
    let edit = |input: &Value, version: &Value| json!({ "id": beer["id"], "version": version, "input": input });
    let r = app
        .call(&rep, "sales/save_product", edit(&input, &beer["version"]))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // every bad field is named at once, and nothing changes
    let mut bad = input.clone();
    bad["pack_size"] = json!("2.5");
    bad["cost_price"] = json!("-3");
    bad["active"] = json!("maybe");
    let r = app
        .call(&boss, "sales/save_product", edit(&bad, &beer["version"]))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        body["Validation"],
        json!([
            { "field": "pack_size", "code": "NotWhole" },
            { "field": "cost_price", "code": "Negative" },
            { "field": "active", "code": "InvalidChoice" },
        ])
    );
    bad = input.clone();
    bad["pack_size"] = json!("");
    let r = app
        .call(&boss, "sales/save_product", edit(&bad, &beer["version"]))
        .await;
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        body["Validation"],
        json!([{ "field": "pack_size", "code": "Required" }])
    );
    assert_eq!(catalogue(&app, &boss).await["PJ-330"], *beer);

    // the owner takes it off sale and sets its cost
    let r = app
        .call(&boss, "sales/save_product", edit(&input, &beer["version"]))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let saved: Value = r.json().await.unwrap();
    assert_eq!(
        (&saved["active"], &saved["cost_price"]),
        (&json!(false), &json!("55.50"))
    );
    // a second save from the same form (the version it read) is refused, not applied
    input["cost_price"] = json!("1");
    let r = app
        .call(&boss, "sales/save_product", edit(&input, &beer["version"]))
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(catalogue(&app, &boss).await["PJ-330"], saved);

    // a discontinued product takes no order, from the office or the tablet, and the
    // tablet no longer offers it
    let orders = || async {
        on!(&app.pool, |ex| sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM orders"
        )
        .fetch_one(ex)
        .await)
        .unwrap()
    };
    let before = orders().await;
    let r = app
        .call(
            &rep,
            "orders/create",
            json!({ "order": {
            "customer_code": "EP001", "order_date": "2026-03-01",
            "lines": [
                { "product_sku": "BJ-500", "quantity": "1" },
                { "product_sku": "PJ-330", "quantity": "1" } ] } }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        body["Validation"],
        json!([{ "field": "lines.1.product_sku", "code": "DiscontinuedProduct" }])
    );
    assert_eq!(orders().await, before);
    let r = app.call(&rep, "visits/offline_bundle", json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let bundle: Value = r.json().await.unwrap();
    let offered: Vec<&str> = bundle["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["sku"].as_str().unwrap())
        .collect();
    assert!(
        offered.contains(&"BJ-500") && !offered.contains(&"PJ-330"),
        "{offered:?}"
    );
    // its sales stay in the ledger and it stays in the catalogue
    assert_eq!(catalogue(&app, &rep).await.len(), owners.len());

    // back on sale, it sells again
    input["active"] = json!("true");
    let r = app
        .call(&boss, "sales/save_product", edit(&input, &saved["version"]))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .call(
            &rep,
            "orders/create",
            json!({ "order": {
            "customer_code": "EP001", "order_date": "2026-03-01",
            "lines": [ { "product_sku": "PJ-330", "quantity": "1" } ] } }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(orders().await, before + 1);
}

/// PostgreSQL plans from statistics its autovacuum refreshes only a while after a bulk
/// write; a page planned for an empty ledger over tens of thousands of fresh lines took
/// 15–20 s. After the demo seed and after an import, the planner's idea of the ledger's
/// size is the truth (within 10 %). SQLite keeps no such estimate.
#[tokio::test]
async fn after_a_bulk_write_the_planner_knows_the_ledgers_size() {
    let app = spawn_app().await;
    if app.pool.is_sqlite() {
        return;
    }
    let sizes = || async {
        on!(&app.pool, |ex| sqlx::query_as::<_, (f64, i64)>(
            "SELECT CAST(c.reltuples AS FLOAT8), (SELECT count(*) FROM sales_lines) \
             FROM pg_class c WHERE c.relname = 'sales_lines'"
        )
        .fetch_one(ex)
        .await)
        .unwrap()
    };
    let close =
        |(estimate, count): (f64, i64)| (estimate - count as f64).abs() <= 0.1 * count as f64;
    let seeded = sizes().await;
    assert!(close(seeded), "after the seed: estimate {seeded:?}");
    let m = app.signed_in("liumin").await;
    let mut file = String::from("order_date,customer_code,product_sku,quantity,amount,cost\n");
    for i in 0..40_000 {
        let day = 1 + i % 28;
        file.push_str(&format!("2026-02-{day:02},EP001,BJ-500,1,88,70\n"));
    }
    let (status, body) = import(
        &app,
        &m,
        file.into_bytes(),
        json!({ "create_products": false, "commit": true }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["Report"]["lines"], 40_000, "{body}");
    let imported = sizes().await;
    assert_eq!(imported.1, seeded.1 + 40_000);
    assert!(close(imported), "after the import: estimate {imported:?}");
}

/// Every customer's total over `[from, to]` straight from the lines, by code.
async fn totals_from_lines(app: &TestApp, from: &str, to: &str) -> Vec<(String, i64)> {
    on!(&app.pool, |ex| sqlx::query_as(
        "SELECT c.code, CAST(sum(l.amount) AS BIGINT) FROM sales_lines l \
         JOIN customers c ON c.id = l.customer_id AND c.company_id = l.company_id \
         WHERE l.order_date BETWEEN $1 AND $2 GROUP BY c.code ORDER BY c.code"
    )
    .bind(day(from))
    .bind(day(to))
    .fetch_all(ex)
    .await)
    .unwrap()
}

#[tokio::test]
async fn loose_days_kept_in_memory_follow_every_change_to_their_lines() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let (from, to) = ("2025-01-15", "2025-12-20");
    let page = |step: &'static str| {
        let (app, m) = (&app, &m);
        async move {
            let (_, rows) = classification(
                app,
                m,
                json!({ "from": from, "to": to, "measure": "sales" }),
            )
            .await;
            let mut page: Vec<(String, i64)> = rows.into_iter().map(|r| (r.1, r.3)).collect();
            page.sort();
            assert_eq!(page, totals_from_lines(app, from, to).await, "after {step}");
            page
        }
    };
    let write = |change: &str, a: &'static str, b: &'static str| {
        let pool = app.pool.clone();
        let sql = format!("{change} WHERE {ONE_LINE}");
        async move {
            let n = on!(&pool, |ex| sqlx::query(&sql)
                .bind(day(a))
                .bind(day(b))
                .execute(ex)
                .await
                .map(|d| d.rows_affected()))
            .unwrap();
            assert_eq!(n, 1, "{sql}");
        }
    };
    const ONE_LINE: &str = "(order_id, line_no) = (SELECT order_id, line_no FROM sales_lines \
                            WHERE order_date BETWEEN $1 AND $2 AND quantity > 0 \
                            ORDER BY order_id, line_no LIMIT 1)";
    let first = page("the first reading").await;
    // read again from the kept loose days
    assert_eq!(page("a second reading").await, first);
    write(
        "UPDATE sales_lines SET amount = amount + 12345",
        "2025-01-15",
        "2025-01-31",
    )
    .await;
    assert_ne!(page("a line of the first loose days changed").await, first);
    write(
        "UPDATE sales_lines SET amount = amount + 777",
        "2025-06-01",
        "2025-06-30",
    )
    .await;
    page("a line of a whole month changed").await;
    write(
        "UPDATE sales_lines SET order_date = '2025-12-18'",
        "2025-03-01",
        "2025-03-31",
    )
    .await;
    page("a line moved into the last loose days").await;
    write("DELETE FROM sales_lines", "2025-12-01", "2025-12-20").await;
    page("a line of the last loose days deleted").await;
}
