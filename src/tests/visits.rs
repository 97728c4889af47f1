//! Visits, the offline outbox and relationships over HTTP on the demo company: a batch
//! made offline and sent twice is stored once, a refused record does not stop the rest,
//! a signed-out tablet stores nothing, a rep's bundle and lists hold only their own
//! customers; the plan, compliance, reminders with gift lists, touches and health.
use crate::helpers::{PNG, TestApp, errors, ok, refused, send, sent, spawn_app};
use qudao::domain::time::to_beijing;
use qudao::domain::visits::{LocationInput, PriceInput, VisitInput};
use qudao::features::visits::api::{OutboxItem, RecordVisit, SyncOutcome};
use qudao::server::db::on;
use qudao::server::seed::DEMO_COMPANY_ID;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn beijing_minus(minutes: i64) -> String {
    to_beijing(chrono::Utc::now() - chrono::Duration::minutes(minutes))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// Half an hour ago, or the first minute of the Beijing day when it began less than
/// half an hour ago (a visit recorded then still counts for today).
fn earlier_today() -> String {
    use chrono::Timelike as _;
    let now = to_beijing(chrono::Utc::now());
    let since_midnight = i64::from(now.num_seconds_from_midnight() / 60);
    beijing_minus(since_midnight.min(30))
}

/// `(id, code)` of the active customers of a demo rep, by code.
async fn customers_of(app: &TestApp, login: &str) -> Vec<(String, String)> {
    let rep: uuid::Uuid = app.demo_employee_id(login).await.parse().unwrap();
    let rows: Vec<(uuid::Uuid, String)> = on!(&app.pool, |ex| sqlx::query_as(
        "SELECT id, code FROM customers WHERE company_id = $1 AND rep_id = $2 AND status = 'active' ORDER BY code",
    )
    .bind(DEMO_COMPANY_ID.0)
    .bind(rep)
    .fetch_all(ex)
    .await)
    .unwrap();
    rows.into_iter().map(|(i, c)| (i.to_string(), c)).collect()
}

async fn count(app: &TestApp, sql: &str, id: &str) -> i64 {
    let id: uuid::Uuid = id.parse().unwrap();
    on!(&app.pool, |ex| sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(ex)
        .await)
    .unwrap()
}

/// Today is a working day whatever date the suite runs on: the demo company's Sunday and
/// its public holidays are days off, when the plan holds nobody for today.
pub(crate) async fn every_day_a_working_day(app: &TestApp) {
    for sql in [
        "UPDATE companies SET work_weekdays = '1234567'",
        "DELETE FROM work_days",
    ] {
        on!(&app.pool, |ex| sqlx::query(sql)
            .execute(ex)
            .await
            .map(|_| ()))
        .unwrap();
    }
}

/// Every visit taken out, with its prices and photos (by hand, as raw SQL would).
async fn clear_visits(app: &TestApp) {
    for table in ["visit_prices", "visit_photos", "visits"] {
        on!(&app.pool, |ex| sqlx::query(&format!("DELETE FROM {table}"))
            .execute(ex)
            .await
            .map(|_| ()))
        .unwrap();
    }
}

/// A product with a price floor: `(sku, floor in fen)`.
async fn floored_product(app: &TestApp) -> (String, i64) {
    on!(&app.pool, |ex| sqlx::query_as(
        "SELECT sku, price_floor FROM products WHERE company_id = $1 AND price_floor > 100 ORDER BY sku LIMIT 1",
    )
    .bind(DEMO_COMPANY_ID.0)
    .fetch_one(ex)
    .await)
    .unwrap()
}

/// A visit as the tablet records it, typed.
fn visit_input(id: &str, customer: &str, purpose: &str, prices: Vec<PriceInput>) -> VisitInput {
    VisitInput {
        id: id.into(),
        customer_id: customer.into(),
        checked_in_at: earlier_today(),
        location: Some(LocationInput {
            lat: 29.563,
            lon: 106.551,
            accuracy: 15.0,
        }),
        purpose: purpose.into(),
        notes: "店主说下周加货".into(),
        vivid_display: true,
        stack_display: false,
        indoor_ad: true,
        outdoor_ad: false,
        competitors: "农夫山泉".into(),
        prices,
        next_step: "送新品海报".into(),
        next_step_on: String::new(),
    }
}

/// The visit as an item of the tablet's outbox, as it is sent.
fn visit(id: &str, customer: &str, purpose: &str, prices: Vec<PriceInput>) -> Value {
    serde_json::to_value(OutboxItem::Visit(visit_input(
        id, customer, purpose, prices,
    )))
    .unwrap()
}

fn price(sku: &str, price: &str) -> PriceInput {
    PriceInput {
        sku: sku.into(),
        price: price.into(),
    }
}

fn outcome(results: &Value, i: usize) -> Value {
    results[i]["outcome"].clone()
}

#[tokio::test]
async fn an_offline_batch_sent_twice_is_stored_once_and_refusals_stay_per_record() {
    let app = spawn_app().await;
    for table in [
        "objection_comments",
        "objection_pauses",
        "ticket_photos",
        "objections",
    ] {
        on!(&app.pool, |ex| sqlx::query(&format!("DELETE FROM {table}"))
            .execute(ex)
            .await
            .map(|d| d.rows_affected()))
        .unwrap();
    }
    let rep = app.signed_in("zhangwei").await;
    let mine = customers_of(&app, "zhangwei").await;
    let others = customers_of(&app, "lina").await;
    let (sku, floor) = floored_product(&app).await;

    // the bundle holds exactly the rep's own customers
    let bundle = ok(&app, &rep, "visits/offline_bundle", json!({})).await;
    let mut ids: Vec<String> = bundle["customers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    let mut expected: Vec<String> = mine.iter().map(|(i, _)| i.clone()).collect();
    expected.sort();
    assert_eq!(ids, expected);
    // asked for as columns (this version's tablet), the same customers, field for field;
    // the version before asks without `columns` and gets the rows above
    let as_columns = ok(
        &app,
        &rep,
        "visits/offline_bundle",
        json!({ "columns": true }),
    )
    .await;
    assert!(
        as_columns["columns"]["id"].is_array(),
        "{}",
        as_columns["columns"]
    );
    assert_eq!(as_columns["customers"], Value::Null);
    let mut read: qudao::features::visits::api::OfflineBundle =
        serde_json::from_value(as_columns.clone()).unwrap();
    read.read_columns().unwrap();
    let mut rows: Vec<qudao::features::visits::api::PlanCustomer> =
        serde_json::from_value(bundle["customers"].clone()).unwrap();
    // with the names' pinyin initials for "我的客户"'s search, as the office list has
    // them; the version before gets none
    assert!(rows.iter().all(|c| c.initials.is_empty()));
    let read = read.customers.unwrap();
    assert!(read.iter().all(|c| !c.initials.is_empty()));
    for c in &mut rows {
        c.initials = qudao::server::customers::writes::initials_pattern(&c.name);
    }
    assert_eq!(read, rows);
    assert!(bundle.get("columns").is_none());
    assert!(
        as_columns.to_string().len() < bundle.to_string().len(),
        "columns are smaller"
    );
    // and the prices to take orders with: the lists, and only this rep's customers'
    // agreed prices (the demo agrees one for a customer of each of two reps)
    let agreed: Vec<String> = bundle["prices"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["scope"]["Customer"].as_str().map(str::to_owned))
        .collect();
    assert!(!agreed.is_empty(), "the rep's own agreed price");
    assert!(agreed.iter().all(|c| expected.contains(c)), "{agreed:?}");
    assert!(
        bundle["prices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["scope"] == "Base"),
        "the base list"
    );
    assert!(
        bundle["products"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["sku"] == sku)
    );

    let visit_id = uuid::Uuid::new_v4().to_string();
    let objection_id = uuid::Uuid::new_v4().to_string();
    let order_id = uuid::Uuid::new_v4().to_string();
    let below = format!("{}.{:02}", (floor - 50) / 100, (floor - 50) % 100);
    let batch = json!({ "items": [
        visit(&visit_id, &mine[0].0, "display", vec![price(&sku, &below)]),
        // stored on the tablet by an older version of the app: a field this version no
        // longer reads is passed over, never a reason to refuse the rep's whole batch
        { "kind": "objection", "input": {
            "client_id": objection_id, "customer": mine[0].1, "category": "quality",
            "description": "两箱瓶盖漏气", "assignee": "", "opened_at": beijing_minus(25),
            "priority": "high" } },
        { "kind": "order", "input": {
            "client_id": order_id, "customer_code": mine[0].1,
            "order_date": to_beijing(chrono::Utc::now()).date().to_string(),
            "lines": [{ "product_sku": sku, "quantity": "5", "amount": "100", "cost": "80" }] } },
        visit(&uuid::Uuid::new_v4().to_string(), &mine[1].0, "lunch", vec![]),
        visit(&uuid::Uuid::new_v4().to_string(), &others[0].0, "routine", vec![]),
    ]});

    // signed out (a revoked session): refused as a whole, nothing stored
    let stranger = app.client();
    let (status, _) = refused(&app, &stranger, "visits/sync", batch.clone()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        count(&app, "SELECT count(*) FROM visits WHERE id = $1", &visit_id).await,
        0
    );

    let first = ok(&app, &rep, "visits/sync", batch.clone()).await;
    assert_eq!(outcome(&first, 0), json!("Saved"));
    assert_eq!(outcome(&first, 1), json!("Saved"));
    assert_eq!(outcome(&first, 2), json!("Saved"));
    assert_eq!(
        errors(&outcome(&first, 3)["Refused"]),
        vec![("purpose".to_owned(), "InvalidChoice".to_owned())]
    );
    assert_eq!(
        outcome(&first, 4),
        json!({ "Refused": { "Conflict": "CustomerReassigned" } })
    );

    // the same batch again (the answer was lost on the way): nothing new
    let second = ok(&app, &rep, "visits/sync", batch).await;
    for i in 0..3 {
        assert_eq!(outcome(&second, i), json!("AlreadySaved"), "record {i}");
    }
    assert_eq!(outcome(&second, 4), outcome(&first, 4));
    assert_eq!(
        count(&app, "SELECT count(*) FROM visits WHERE id = $1", &visit_id).await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM objections WHERE id = $1",
            &objection_id
        )
        .await,
        1
    );
    // the tablet's order waits for the office ("待确认"): stored once, not yet a sale
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM orders WHERE id = $1 AND status = 'draft' AND source = 'tablet'",
            &order_id
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM sales_lines WHERE order_id = $1",
            &order_id
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM visit_prices WHERE visit_id = $1",
            &visit_id
        )
        .await,
        1
    );

    // photos: the tablet's id makes a retried upload harmless
    let put = |c: &reqwest::Client, photo: &str| {
        c.put(format!("{}/api/visits/{visit_id}/photos/{photo}", app.base))
            .header("content-type", "image/png")
            .body(PNG)
            .send()
    };
    let photo = uuid::Uuid::new_v4().to_string();
    assert_eq!(
        put(&rep, &photo).await.unwrap().status(),
        StatusCode::CREATED
    );
    assert_eq!(put(&rep, &photo).await.unwrap().status(), StatusCode::OK);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM visit_photos WHERE visit_id = $1",
            &visit_id
        )
        .await,
        1
    );

    // another rep sees none of it: not the visit, not its photo, not the customer
    let lina = app.signed_in("lina").await;
    assert_eq!(
        put(&lina, &uuid::Uuid::new_v4().to_string())
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let photo_get = app.get(&lina, &format!("/visit-photos/{photo}")).await;
    assert_eq!(photo_get.status(), StatusCode::NOT_FOUND);
    let (status, _) = refused(
        &app,
        &lina,
        "visits/relationship",
        json!({ "customer_id": mine[0].0 }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let lina_visits = ok(&app, &lina, "visits/list", json!({})).await;
    assert!(
        !lina_visits
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["id"] == visit_id)
    );
    let lina_bundle = ok(&app, &lina, "visits/offline_bundle", json!({})).await;
    assert!(
        !lina_bundle["customers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == mine[0].0)
    );

    // the owner reads the visit with its below-floor shelf price and the photo
    let owner = app.signed_in("laoban").await;
    let rel = ok(
        &app,
        &owner,
        "visits/relationship",
        json!({ "customer_id": mine[0].0 }),
    )
    .await;
    let v = rel["visits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == visit_id)
        .unwrap()
        .clone();
    assert_eq!(v["purpose"], "display");
    assert_eq!(v["prices"][0]["below_floor"], true);
    assert_eq!(v["photos"], json!([photo]));
    assert!(
        v["location"]
            .as_str()
            .unwrap()
            .starts_with("29.56300, 106.55100")
    );
    assert_eq!(
        rel["health"]["objections"], 75,
        "one open objection costs 25"
    );
    let owner_photo = app.get(&owner, &format!("/visit-photos/{photo}")).await;
    assert_eq!(owner_photo.status(), StatusCode::OK);

    // the shelf price under the floor feeds channel discipline's signals — for those
    // who may see the customer
    let shelf = |signals: &Value| {
        signals["below_floor"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["on_shelf"] == true && s["customer_id"] == mine[0].0 && s["sku"] == sku)
            .map(|s| (s["amount"].as_i64().unwrap(), s["floor"].as_i64().unwrap()))
            .collect::<Vec<_>>()
    };
    let signals = ok(&app, &owner, "discipline/signals", json!({ "days": 7 })).await;
    assert_eq!(shelf(&signals), vec![(floor - 50, floor)]);
    let signals = ok(&app, &lina, "discipline/signals", json!({ "days": 7 })).await;
    assert!(shelf(&signals).is_empty());

    // a visit holds four photos at most, whatever a client sends; a retry of one it
    // holds is still answered as kept
    for _ in 0..3 {
        let more = uuid::Uuid::new_v4().to_string();
        assert_eq!(
            put(&rep, &more).await.unwrap().status(),
            StatusCode::CREATED
        );
    }
    let fifth = put(&rep, &uuid::Uuid::new_v4().to_string()).await.unwrap();
    assert_eq!(fifth.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fifth.json::<serde_json::Value>().await.unwrap(),
        json!({ "Validation": [{ "field": "photos", "code": { "TooManyPhotos": { "max": 4 } } }] })
    );
    assert_eq!(put(&rep, &photo).await.unwrap().status(), StatusCode::OK);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM visit_photos WHERE visit_id = $1",
            &visit_id
        )
        .await,
        4
    );
}

#[tokio::test]
async fn a_record_the_server_cannot_read_is_refused_alone_and_one_without_an_id_refuses_the_batch()
{
    let app = spawn_app().await;
    clear_visits(&app).await;
    let rep = app.signed_in("zhangwei").await;
    let mine = customers_of(&app, "zhangwei").await;
    let good = uuid::Uuid::new_v4().to_string();
    // another version's record kind, and a visit damaged on the device, each under its id
    let batch = json!({ "items": [
        { "kind": "gift", "input": { "client_id": "gift-1", "customer": mine[0].1 } },
        visit(&good, &mine[0].0, "routine", vec![]),
        { "kind": "visit", "input": { "id": "broken-1", "customer_id": 7 } },
    ]});
    let results = ok(&app, &rep, "visits/sync", batch.clone()).await;
    assert_eq!(results[0]["id"], "gift-1");
    assert_eq!(
        errors(&outcome(&results, 0)["Refused"]),
        vec![("kind".to_owned(), "InvalidChoice".to_owned())]
    );
    assert_eq!(outcome(&results, 1), json!("Saved"));
    assert_eq!(results[2]["id"], "broken-1");
    assert!(outcome(&results, 2)["Refused"].is_object());
    assert_eq!(
        count(&app, "SELECT count(*) FROM visits WHERE id = $1", &good).await,
        1
    );
    // a record with no id cannot be answered for: nothing of the batch is stored
    let other = uuid::Uuid::new_v4().to_string();
    let batch = json!({ "items": [
        visit(&other, &mine[1].0, "routine", vec![]),
        { "kind": "gift", "input": { "customer": mine[0].1 } },
    ]});
    let (status, _) = refused(&app, &rep, "visits/sync", batch).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        count(&app, "SELECT count(*) FROM visits WHERE id = $1", &other).await,
        0
    );
}

/// The ids of a plan's customers due today, in route order.
fn due_ids(plan: &Value) -> Vec<&str> {
    plan["due"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect()
}

/// The customers of a page's plan rows (`<button class="plan-pick" data-id=…>`), in order.
fn plan_rows(html: &str) -> Vec<&str> {
    html.split("<button")
        .skip(1)
        .filter_map(|tag| {
            let tag = tag.split('>').next()?;
            if !tag.contains("plan-pick") {
                return None;
            }
            tag.split("data-id=\"").nth(1)?.split('"').next()
        })
        .collect()
}

/// `/today` arrives with the day's customers drawn in by the server, so a rep on a slow
/// tablet sees the day before the script runs: the user's own customers only, whatever
/// their role, as the tablet's bundle plans them.
#[tokio::test]
async fn today_is_planned_from_tiers_and_last_visits_as_from_whole_customers() {
    let app = spawn_app().await;
    clear_visits(&app).await;
    every_day_a_working_day(&app).await;
    // the rep's customers last visited on different days: some due today, some overdue,
    // some later in the week, some not due yet
    let mine = customers_of(&app, "zhangwei").await;
    for (i, (id, _)) in mine.iter().enumerate().filter(|(i, _)| i % 3 != 0) {
        let at = chrono::Utc::now() - chrono::Duration::hours(20 * i as i64 + 5);
        on!(&app.pool, |ex| sqlx::query(
            "UPDATE customers SET last_visit_at = $1 WHERE id = $2"
        )
        .bind(at)
        .bind(id.parse::<uuid::Uuid>().unwrap())
        .execute(ex)
        .await
        .map(|_| ()))
        .unwrap();
    }
    let rep = app.signed_in("zhangwei").await;
    let bundle = ok(&app, &rep, "visits/offline_bundle", json!({})).await;
    let plan = ok(&app, &rep, "visits/today", json!({ "rep": "" })).await;
    assert_eq!(plan, bundle["plan"]);
    let week: usize = plan["week"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["customers"].as_array().unwrap().len())
        .sum();
    assert!(week > 0 && !due_ids(&plan).is_empty(), "{plan}");
    assert!(
        plan["due"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["last_visit"].is_string() && c["overdue_days"].as_i64() > Some(0)),
        "an overdue customer visited before"
    );
    // the owner asking for this rep's plan gets the same plan
    let owner = app.signed_in("laoban").await;
    let rep_id = app.demo_employee_id("zhangwei").await;
    assert_eq!(
        ok(&app, &owner, "visits/today", json!({ "rep": rep_id })).await,
        plan
    );
}

#[tokio::test]
async fn today_arrives_with_the_users_own_customers_of_the_day_drawn_in() {
    let app = spawn_app().await;
    clear_visits(&app).await;
    every_day_a_working_day(&app).await;
    let rep = app.signed_in("zhangwei").await;
    // the rep's plan (their own customers)
    let plan = ok(&app, &rep, "visits/today", json!({ "rep": "" })).await;
    let due = due_ids(&plan);
    assert!(!due.is_empty(), "never visited: the rep has customers due");
    // planned from the customers' tier and last visit, then read whole: the same plan,
    // field for field, as the tablet's bundle makes from every customer read whole
    let bundle = ok(&app, &rep, "visits/offline_bundle", json!({})).await;
    assert_eq!(plan, bundle["plan"]);
    assert!(
        plan["week"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| !d["customers"].as_array().unwrap().is_empty()),
        "the week holds customers too"
    );
    assert!(
        plan["due"][0]["name"]
            .as_str()
            .is_some_and(|n| !n.is_empty())
    );
    let page = app.get(&rep, "/today").await;
    assert_eq!(page.status(), StatusCode::OK);
    // kept by no cache: it holds the rep's customers
    assert_eq!(
        page.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("private, no-store")
    );
    let html = page.text().await.unwrap();
    // every one of them, in route order, and nobody else
    let drawn = plan_rows(&html);
    assert_eq!(drawn, due);
    for c in plan["due"].as_array().unwrap() {
        assert!(html.contains(c["name"].as_str().unwrap()));
    }
    // nothing of a colleague's, anywhere in the page (the data the script reads included)
    let theirs = customers_of(&app, "lina").await;
    assert!(!theirs.is_empty());
    for (id, code) in &theirs {
        assert!(
            !html.contains(id.as_str()),
            "lina's {code} is not in zhangwei's page"
        );
    }

    // the copy the service worker fetches to keep (opened offline by whoever holds the
    // tablet) is the frame only: as the browser says it (`Sec-Fetch-Mode`) or, where it
    // does not, as the worker marks it
    for (name, value) in [("sec-fetch-mode", "cors"), ("x-qudao-keep", "1")] {
        let kept = rep
            .get(format!("{}/today", app.base))
            .header(name, value)
            .send()
            .await
            .unwrap();
        assert_eq!(kept.status(), StatusCode::OK);
        let kept = kept.text().await.unwrap();
        assert!(kept.contains("today-tabs"), "the frame is there");
        assert!(!kept.contains("plan-pick"), "{name}");
        for c in plan["due"].as_array().unwrap() {
            assert!(!kept.contains(c["id"].as_str().unwrap()));
        }
    }
    // a browser's navigation gets it drawn in
    let navigated = rep
        .get(format!("{}/today", app.base))
        .header("sec-fetch-mode", "navigate")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(navigated.contains(&format!("data-id=\"{}\"", due[0])));

    // a manager's page holds the manager's own customers, not the team's: one of
    // zhangwei's customers given to the manager is the only one drawn in
    let (given, _) = customers_of(&app, "zhangwei").await.remove(0);
    let owner = app.signed_in("laoban").await;
    let liumin = app.demo_employee_id("liumin").await;
    ok(
        &app,
        &owner,
        "customers/assign",
        json!({ "ids": [given], "rep": liumin }),
    )
    .await;
    let manager = app.signed_in("liumin").await;
    let page = app.get(&manager, "/today").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    let drawn = plan_rows(&html);
    assert_eq!(drawn, vec![given.as_str()]);
    for (id, _) in customers_of(&app, "zhangwei").await {
        assert!(!html.contains(id.as_str()));
    }

    // a driver has no customers to visit: the page says so, with no plan in it
    let driver = app.signed_in("wugang").await;
    let html = app.get(&driver, "/today").await.text().await.unwrap();
    assert!(!html.contains("plan-pick"));
    assert!(!html.contains("\"due\""));
}

#[tokio::test]
async fn a_visit_takes_the_customer_off_today_and_counts_in_compliance() {
    let app = spawn_app().await;
    clear_visits(&app).await;
    every_day_a_working_day(&app).await;
    let rep = app.signed_in("zhangwei").await;
    let mine = customers_of(&app, "zhangwei").await;

    // never visited: everyone is due today — a day's worth planned today (the daily
    // capacity), the rest moved to the next days
    let plan = ok(&app, &rep, "visits/today", json!({ "rep": "" })).await;
    let due = due_ids(&plan);
    assert_eq!(
        due.len() + plan["moved"].as_u64().unwrap() as usize,
        mine.len()
    );
    assert_eq!(due.len(), plan["capacity"].as_u64().unwrap() as usize);
    // route order: by region
    let regions: Vec<&str> = plan["due"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["region"].as_str().unwrap())
        .collect();
    let mut sorted = regions.clone();
    sorted.sort();
    assert_eq!(regions, sorted);

    // one of today's customers
    let visited = &due[0].to_owned();
    let id = uuid::Uuid::new_v4().to_string();
    let input = visit_input(&id, visited, "routine", vec![]);
    let answer = sent(&app, &rep, &RecordVisit { input }).await;
    assert_eq!(answer, SyncOutcome::Saved);
    let plan = ok(&app, &rep, "visits/today", json!({ "rep": "" })).await;
    assert!(
        !plan["due"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == *visited)
    );
    // the visit made counts in today's room: one fewer left to do today
    assert_eq!(plan["done_today"], 1);
    assert_eq!(
        plan["due"].as_array().unwrap().len() + 1,
        plan["capacity"].as_u64().unwrap() as usize
    );

    // bad input is refused field by field, nothing stored
    let mut bad = visit_input(
        &uuid::Uuid::new_v4().to_string(),
        visited,
        "routine",
        vec![price("NO-SUCH", "3")],
    );
    let r = send(&app, &rep, &RecordVisit { input: bad.clone() }).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        errors(&body),
        vec![("prices.0.sku".to_owned(), "UnknownProduct".to_owned())]
    );
    bad.checked_in_at = "2099-01-01T10:00".into();
    bad.prices.clear();
    let body: Value = send(&app, &rep, &RecordVisit { input: bad })
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        errors(&body),
        vec![("checked_in_at".to_owned(), "InFuture".to_owned())]
    );
    let stored: i64 = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM visits"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(stored, 1);

    // a manager reads a rep's plan by naming the rep; unnamed, it is the manager's own
    let manager = app.signed_in("liumin").await;
    let zhang_id = app.demo_employee_id("zhangwei").await;
    let theirs = ok(&app, &manager, "visits/today", json!({ "rep": zhang_id })).await;
    assert_eq!(
        theirs["due"].as_array().unwrap().len() + theirs["moved"].as_u64().unwrap() as usize,
        mine.len() - 1
    );
    let own = ok(&app, &manager, "visits/today", json!({ "rep": "" })).await;
    assert!(
        own["due"].as_array().unwrap().is_empty(),
        "the manager serves no customers"
    );
    // a rep naming a colleague sees nothing of theirs
    let lina_id = app.demo_employee_id("lina").await;
    let peek = ok(&app, &rep, "visits/today", json!({ "rep": lina_id })).await;
    assert!(peek["due"].as_array().unwrap().is_empty());

    // the manager sees plan against actual per rep; the rep only their own row
    let rows = ok(&app, &manager, "visits/compliance", json!({ "days": 28 })).await;
    let zhang = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rep_name"] == "张伟")
        .unwrap();
    assert_eq!(zhang["made"], 1);
    assert_eq!(zhang["visits"], 1);
    assert_eq!(zhang["customers"], mine.len());
    let planned = zhang["planned"].as_u64().unwrap();
    assert!(
        planned >= mine.len() as u64,
        "every customer is planned at least once in 4 weeks"
    );
    assert_eq!(zhang["permille"], json!(1000 / planned));
    assert!(rows.as_array().unwrap().len() > 1);
    let own = ok(&app, &rep, "visits/compliance", json!({ "days": 28 })).await;
    assert_eq!(own.as_array().unwrap().len(), 1);
    let (status, _) = refused(&app, &manager, "visits/compliance", json!({ "days": 1 })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn birthdays_come_with_the_tiers_gift_list_and_touches_are_logged() {
    let app = spawn_app().await;
    let rep = app.signed_in("zhangwei").await;
    let owner = app.signed_in("laoban").await;
    let mine = customers_of(&app, "zhangwei").await;
    let (id, code) = mine[0].clone();
    let today = to_beijing(chrono::Utc::now()).date();
    let birthday = (today + chrono::Days::new(3)).with_year_keep(1980);
    on!(&app.pool, |ex| sqlx::query(
        "UPDATE customers SET birthday = $1, personal_consent = TRUE, tier = 'A' WHERE id = $2"
    )
    .bind(birthday.to_string())
    .bind(id.parse::<uuid::Uuid>().unwrap())
    .execute(ex)
    .await
    .map(|d| d.rows_affected()))
    .unwrap();

    let (status, _) = refused(
        &app,
        &rep,
        "visits/gifts",
        json!({ "tier": "A", "occasion": "birthday", "gifts": "茶叶" }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, body) = refused(
        &app,
        &owner,
        "visits/gifts",
        json!({ "tier": "D", "occasion": "wedding", "gifts": "茶叶" }),
    )
    .await;
    assert_eq!(
        errors(&body),
        vec![
            ("tier".to_owned(), "InvalidChoice".to_owned()),
            ("occasion".to_owned(), "InvalidChoice".to_owned())
        ]
    );
    ok(
        &app,
        &owner,
        "visits/gifts",
        json!({ "tier": "A", "occasion": "birthday", "gifts": "茶叶礼盒、贺卡" }),
    )
    .await;

    let r = ok(&app, &rep, "visits/reminders", json!({ "days": 7 })).await;
    let mine_r = r["reminders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["customer_code"] == code && x["occasion"] == "birthday")
        .unwrap()
        .clone();
    assert_eq!(mine_r["days_left"], 3);
    assert_eq!(mine_r["gifts"], "茶叶礼盒、贺卡");
    assert_eq!(r["may_edit_gifts"], false);
    // another rep is not reminded of this customer
    let lina = app.signed_in("lina").await;
    let r = ok(&app, &lina, "visits/reminders", json!({ "days": 7 })).await;
    assert!(
        !r["reminders"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["customer_code"] == code)
    );

    let (_, body) = refused(
        &app,
        &rep,
        "visits/touch",
        json!({ "customer_id": id, "kind": "party", "on": "", "note": "" }),
    )
    .await;
    assert_eq!(
        errors(&body),
        vec![
            ("kind".to_owned(), "InvalidChoice".to_owned()),
            ("note".to_owned(), "Required".to_owned())
        ]
    );
    ok(
        &app,
        &rep,
        "visits/touch",
        json!({ "customer_id": id, "kind": "gift", "on": "", "note": "送去生日蛋糕" }),
    )
    .await;
    let (status, _) = refused(
        &app,
        &lina,
        "visits/touch",
        json!({ "customer_id": id, "kind": "call", "on": "", "note": "问候" }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let rel = ok(
        &app,
        &rep,
        "visits/relationship",
        json!({ "customer_id": id }),
    )
    .await;
    assert_eq!(rel["touches"][0]["note"], "送去生日蛋糕");
    assert_eq!(rel["reminders"][0]["occasion"], "birthday");
    let h = &rel["health"];
    let weighted = (h["visits"].as_u64().unwrap() * 30
        + h["orders"].as_u64().unwrap() * 30
        + h["growth"].as_u64().unwrap() * 20
        + h["objections"].as_u64().unwrap() * 20)
        / 100;
    assert_eq!(h["score"].as_u64().unwrap(), weighted);

    // the list shows the same score beside the customer
    let page = crate::customers::list(&app, &rep, json!({ "search": code })).await;
    let row = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == code)
        .unwrap()
        .clone();
    assert_eq!(row["health"], h["score"]);
}

trait KeepYear {
    fn with_year_keep(self, year: i32) -> chrono::NaiveDate;
}

impl KeepYear for chrono::NaiveDate {
    /// The same month and day in `year` (28 February for a 29th in a common year).
    fn with_year_keep(self, year: i32) -> chrono::NaiveDate {
        use chrono::Datelike;
        self.with_year(year)
            .unwrap_or_else(|| chrono::NaiveDate::from_ymd_opt(year, 2, 28).unwrap())
    }
}

/// Overdue customers in a rep's plan: today's and those the daily capacity moved to the
/// coming days.
fn overdue_in_plan(plan: &Value) -> usize {
    std::iter::once(&plan["due"])
        .chain(
            plan["week"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| &d["customers"]),
        )
        .flat_map(|list| list.as_array().unwrap().iter())
        .filter(|c| c["overdue_days"].as_i64().unwrap() > 0)
        .count()
}

#[tokio::test]
async fn the_dashboard_counts_as_overdue_exactly_the_customers_today_shows_overdue() {
    let app = spawn_app().await;
    for login in ["zhangwei", "lina"] {
        let rep = app.signed_in(login).await;
        let plan = ok(&app, &rep, "visits/today", json!({ "rep": "" })).await;
        let overdue = overdue_in_plan(&plan);
        assert!(overdue > 0, "the demo has overdue customers for {login}");
        let dashboard = ok(&app, &rep, "dashboard", json!({})).await;
        assert_eq!(dashboard["overdue_visits"], json!(overdue), "{login}");
    }
    // the owner's count covers every rep's customers: at least these two reps' overdue
    let owner = app.signed_in("laoban").await;
    let manager_view = ok(&app, &owner, "dashboard", json!({})).await;
    let mut both = 0;
    for login in ["zhangwei", "lina"] {
        let id = app.demo_employee_id(login).await;
        let plan = ok(&app, &owner, "visits/today", json!({ "rep": id })).await;
        both += overdue_in_plan(&plan);
    }
    assert!(manager_view["overdue_visits"].as_u64().unwrap() >= both as u64);
}

#[tokio::test]
async fn an_owners_reminders_come_a_page_at_a_time() {
    let app = spawn_app().await;
    // every customer's opening anniversary in three days: 842 reminders for the owner
    // (the Beijing day three days from now, on either engine)
    on!(&app.pool, |ex| sqlx::query(if app.pool.is_sqlite() {
        "UPDATE customers SET opened_on = '2015-' || strftime('%m-%d', 'now', '+8 hours', '+3 days')"
    } else {
        "UPDATE customers SET opened_on = '2015-' || \
         to_char(now() AT TIME ZONE 'UTC' + interval '8 hours' + interval '3 days', 'MM-DD')"
    })
    .execute(ex)
    .await.map(|d| d.rows_affected()))
    .unwrap();
    let customers: usize = on!(&app.pool, |ex| sqlx::query_scalar::<_, i64>(
        "SELECT count(*) FROM customers"
    )
    .fetch_one(ex)
    .await)
    .unwrap()
    .try_into()
    .unwrap();
    let owner = app.signed_in("laoban").await;
    let first = ok(&app, &owner, "visits/reminders", json!({ "days": 14 })).await;
    let total = first["total"].as_u64().unwrap() as usize;
    // every customer but the closed ones
    assert!(total > customers * 9 / 10, "{total} of {customers}");
    let pages = total.div_ceil(50);
    let mut seen = std::collections::HashSet::new();
    for page in 1..=pages {
        let r = ok(
            &app,
            &owner,
            "visits/reminders",
            json!({ "days": 14, "page": page }),
        )
        .await;
        let items = r["reminders"].as_array().unwrap();
        assert!(items.len() <= 50 && !items.is_empty(), "page {page}");
        assert_eq!(r["page"], page);
        for x in items {
            assert!(
                seen.insert((x["customer_code"].clone(), x["occasion"].clone())),
                "no reminder twice"
            );
        }
    }
    assert_eq!(seen.len(), total, "every reminder on some page");
    // a page past the end is the last page
    let past = ok(
        &app,
        &owner,
        "visits/reminders",
        json!({ "days": 14, "page": pages + 5 }),
    )
    .await;
    assert_eq!(past["page"], pages);
}

/// Customers whose kept last visit differs from the latest of their visits: `(code, kept,
/// latest)`.
async fn stale_last_visits(
    app: &TestApp,
) -> Vec<(
    String,
    Option<chrono::DateTime<chrono::Utc>>,
    Option<chrono::DateTime<chrono::Utc>>,
)> {
    let kept: Vec<(uuid::Uuid, String, Option<chrono::DateTime<chrono::Utc>>)> = on!(
        &app.pool,
        |ex| sqlx::query_as("SELECT id, code, last_visit_at FROM customers")
            .fetch_all(ex)
            .await
    )
    .unwrap();
    let latest: std::collections::HashMap<uuid::Uuid, chrono::DateTime<chrono::Utc>> =
        on!(&app.pool, |ex| sqlx::query_as::<
            _,
            (uuid::Uuid, chrono::DateTime<chrono::Utc>),
        >(
            "SELECT customer_id, max(checked_in_at) FROM visits GROUP BY customer_id"
        )
        .fetch_all(ex)
        .await)
        .unwrap()
        .into_iter()
        .collect();
    kept.into_iter()
        .filter(|(id, _, at)| *at != latest.get(id).copied())
        .map(|(id, code, at)| (code, at, latest.get(&id).copied()))
        .collect()
}

#[tokio::test]
async fn every_customers_last_visit_is_the_latest_of_their_visits_whoever_writes() {
    let app = spawn_app().await;
    // the demo's visits (written by the seed) and the migration's backfill
    assert!(stale_last_visits(&app).await.is_empty());
    let rep = app.signed_in("zhangwei").await;
    let mine = customers_of(&app, "zhangwei").await;
    let (first, second) = (&mine[0].0, &mine[1].0);
    let customers_rev = || async {
        on!(&app.pool, |ex| sqlx::query_scalar::<_, i64>(
            "SELECT rev FROM customer_revisions WHERE company_id = $1"
        )
        .bind(DEMO_COMPANY_ID.0)
        .fetch_one(ex)
        .await)
        .unwrap()
    };
    let before = customers_rev().await;
    // through the app: a visit now, then one recorded late for earlier in the day
    for minutes in [5, 600] {
        let mut input = visit_input(&uuid::Uuid::new_v4().to_string(), first, "routine", vec![]);
        input.checked_in_at = beijing_minus(minutes);
        assert_eq!(
            sent(&app, &rep, &RecordVisit { input }).await,
            SyncOutcome::Saved
        );
        assert!(stale_last_visits(&app).await.is_empty());
    }
    // a visit is not a change of the customer: the lists' index is not reloaded for it
    assert_eq!(customers_rev().await, before);
    // by hand: the latest visit moved to another customer, then removed
    let latest: uuid::Uuid = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT id FROM visits WHERE customer_id = $1 ORDER BY checked_in_at DESC LIMIT 1"
    )
    .bind(first.parse::<uuid::Uuid>().unwrap())
    .fetch_one(ex)
    .await)
    .unwrap();
    on!(&app.pool, |ex| sqlx::query(
        "UPDATE visits SET customer_id = $1 WHERE id = $2"
    )
    .bind(second.parse::<uuid::Uuid>().unwrap())
    .bind(latest)
    .execute(ex)
    .await
    .map(|_| ()))
    .unwrap();
    assert!(stale_last_visits(&app).await.is_empty());
    on!(&app.pool, |ex| sqlx::query(
        "DELETE FROM visits WHERE id = $1"
    )
    .bind(latest)
    .execute(ex)
    .await
    .map(|_| ()))
    .unwrap();
    assert!(stale_last_visits(&app).await.is_empty());
    clear_visits(&app).await;
    assert!(stale_last_visits(&app).await.is_empty());
}
