//! Price lists over HTTP on the demo company: a customer's price on a day follows the
//! most particular list in effect; a price under the floor needs a recorded reason; a
//! list takes one price per product and first day; reps read the lists and only their
//! own customers' agreed prices, and change nothing.
use crate::helpers::{TestApp, spawn_app};
use qudao::server::db::on;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

/// (status, body) of a call.
async fn call(app: &TestApp, c: &Client, path: &str, body: Value) -> (StatusCode, Value) {
    let r = app.call(c, path, body).await;
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The customer's price of `sku` on `day`, and the list it comes from.
async fn price(app: &TestApp, c: &Client, code: &str, day: &str, sku: &str) -> (String, String) {
    let (status, body) = call(
        app,
        c,
        "pricing/customer",
        json!({ "customer_code": code, "day": day }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let item = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["sku"] == sku)
        .unwrap_or_else(|| panic!("{sku} in {body}"));
    (
        item["price"].as_str().unwrap().to_owned(),
        item["scope"].as_str().unwrap().to_owned(),
    )
}

/// A customer of `rep` (a login) in tier `tier` (`None`: not classified).
async fn customer_of(app: &TestApp, rep: &str, tier: Option<&str>) -> String {
    on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT c.code FROM customers c JOIN employees e ON e.company_id = c.company_id AND e.id = c.rep_id \
         WHERE e.login = $1 AND (c.tier = $2 OR ($2 IS NULL AND c.tier IS NULL)) ORDER BY c.code LIMIT 1",
    )
    .bind(rep)
    .bind(tier)
    .fetch_one(ex)
    .await)
    .unwrap()
}

fn entry(sku: &str, scope: &str, customer: &str, from: &str, until: &str, price: &str) -> Value {
    json!({ "input": {
        "product_sku": sku, "scope": scope, "customer_code": customer,
        "valid_from": from, "valid_until": until, "price": price, "approval_reason": "" } })
}

fn fields(body: &Value) -> Vec<(String, String)> {
    body["Validation"]
        .as_array()
        .unwrap_or_else(|| panic!("validation errors in {body}"))
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_customers_price_follows_the_most_particular_list_in_effect() {
    let app = spawn_app().await;
    let boss = app.signed_in("liumin").await;
    let rep = app.signed_in("zhangwei").await;
    let a = customer_of(&app, "zhangwei", Some("A")).await;
    let c = customer_of(&app, "zhangwei", Some("C")).await;
    // the demo's lists: base at the list price, the A list a little under it
    let (base, scope) = price(&app, &rep, &c, "2026-02-28", "YL-WL").await;
    assert_eq!(scope, "base");
    let (a_price, scope) = price(&app, &rep, &a, "2026-02-28", "YL-WL").await;
    assert_eq!(scope, "A");
    assert!(a_price.parse::<f64>().unwrap() < base.parse::<f64>().unwrap());

    // a new base list from March: the C customer pays it from that day, the A customer
    // keeps the A list
    let (s, body) = call(
        &app,
        &boss,
        "pricing/save",
        entry("YL-WL", "base", "", "2026-03-01", "", "80"),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(
        price(&app, &rep, &c, "2026-02-28", "YL-WL").await,
        (base.clone(), "base".into())
    );
    assert_eq!(
        price(&app, &rep, &c, "2026-03-01", "YL-WL").await,
        ("80.00".into(), "base".into())
    );
    assert_eq!(
        price(&app, &rep, &a, "2026-03-01", "YL-WL").await,
        (a_price.clone(), "A".into())
    );

    // an agreed price for ten days wins over every list, then the list applies again
    let (s, body) = call(
        &app,
        &boss,
        "pricing/save",
        entry("YL-WL", "customer", &c, "2026-03-10", "2026-03-20", "77.5"),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(
        price(&app, &rep, &c, "2026-03-20", "YL-WL").await,
        ("77.50".into(), "customer".into())
    );
    assert_eq!(
        price(&app, &rep, &c, "2026-03-21", "YL-WL").await,
        ("80.00".into(), "base".into())
    );

    // one price per list, product and first day
    let (s, body) = call(
        &app,
        &boss,
        "pricing/save",
        entry("YL-WL", "base", "", "2026-03-01", "", "81"),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&body),
        [("valid_from".to_owned(), "PriceExists".to_owned())]
    );
    assert_eq!(
        price(&app, &rep, &c, "2026-03-01", "YL-WL").await,
        ("80.00".into(), "base".into())
    );

    // a day that does not exist, a customer that does not: both named
    let (s, body) = call(
        &app,
        &rep,
        "pricing/customer",
        json!({ "customer_code": "NOPE", "day": "2026-02-30" }),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&body),
        [
            ("day".to_owned(), "InvalidDate".to_owned()),
            ("customer_code".to_owned(), "UnknownCustomer".to_owned())
        ]
    );
}

#[tokio::test]
async fn a_price_under_the_floor_needs_a_recorded_reason_and_bad_entries_are_named() {
    let app = spawn_app().await;
    let boss = app.signed_in("liumin").await;
    let count = || async {
        on!(&app.pool, |ex| sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM price_entries"
        )
        .fetch_one(ex)
        .await)
        .unwrap()
    };
    let before = count().await;
    let floor: i64 = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT price_floor FROM products WHERE sku = 'PJ-330'"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    let under = format!("{}.{:02}", (floor - 1) / 100, (floor - 1) % 100);
    let (s, body) = call(
        &app,
        &boss,
        "pricing/save",
        entry("PJ-330", "B", "", "2026-04-01", "", &under),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&body),
        [("price".to_owned(), "BelowFloor".to_owned())]
    );
    let mut approved = entry("PJ-330", "B", "", "2026-04-01", "", &under);
    approved["input"]["approval_reason"] = json!("清库存，经理批准");
    let (s, body) = call(&app, &boss, "pricing/save", approved).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (s, list) = call(
        &app,
        &boss,
        "pricing/list",
        json!({ "product": "PJ-330", "page": 1 }),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let saved = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["scope"] == "B" && l["valid_from"] == "2026-04-01")
        .unwrap();
    assert_eq!(
        (
            &saved["under_floor"],
            &saved["approved_by"],
            &saved["approval_reason"]
        ),
        (&json!(true), &json!("刘敏"), &json!("清库存，经理批准"))
    );
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["sku"] == "PJ-330")
    );

    // every bad field at once; codes that name nothing of the company
    let (s, body) = call(
        &app,
        &boss,
        "pricing/save",
        entry("", "D", "", "2026-13-01", "", "abc"),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&body),
        [
            ("product_sku".to_owned(), "Required".to_owned()),
            ("scope".to_owned(), "InvalidChoice".to_owned()),
            ("valid_from".to_owned(), "InvalidDate".to_owned()),
            ("price".to_owned(), "InvalidNumber".to_owned()),
        ]
    );
    let (s, body) = call(
        &app,
        &boss,
        "pricing/save",
        entry("NOPE", "customer", "NOPE", "2026-04-01", "2026-03-01", "5"),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&body),
        [("valid_until".to_owned(), "EndBeforeStart".to_owned())]
    );
    let (s, body) = call(
        &app,
        &boss,
        "pricing/save",
        entry("NOPE", "customer", "NOPE", "2026-04-01", "", "5"),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&body),
        [
            ("product_sku".to_owned(), "UnknownProduct".to_owned()),
            ("customer_code".to_owned(), "UnknownCustomer".to_owned())
        ]
    );
    // a closed customer takes no new agreed price
    let closed = customer_of(&app, "zhangwei", Some("C")).await;
    on!(&app.pool, |ex| sqlx::query(
        "UPDATE customers SET status = 'closed' WHERE code = $1"
    )
    .bind(&closed)
    .execute(ex)
    .await
    .map(|_| ()))
    .unwrap();
    let (s, body) = call(
        &app,
        &boss,
        "pricing/save",
        entry("PJ-330", "customer", &closed, "2026-04-01", "", "70"),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&body),
        [("customer_code".to_owned(), "CustomerClosed".to_owned())]
    );
    let (s, body) = call(
        &app,
        &boss,
        "pricing/list",
        json!({ "product": "NOPE", "page": 1 }),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&body),
        [("product".to_owned(), "UnknownProduct".to_owned())]
    );
    assert_eq!(count().await, before + 1);
}

#[tokio::test]
async fn reps_read_the_lists_and_their_own_customers_agreed_prices_and_change_nothing() {
    let app = spawn_app().await;
    let boss = app.signed_in("laoban").await;
    let zhang = app.signed_in("zhangwei").await;
    let lina_customer: String = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT c.code FROM customers c JOIN employees e ON e.company_id = c.company_id AND e.id = c.rep_id \
         WHERE e.login = 'lina' ORDER BY c.code LIMIT 1",
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    let agreed = |list: &Value| -> Vec<String> {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["scope"] == "customer")
            .map(|l| l["customer_code"].as_str().unwrap().to_owned())
            .collect()
    };
    // the demo gives one customer of zhangwei and one of lina an agreed price on BJ-500
    let (_, all) = call(
        &app,
        &boss,
        "pricing/list",
        json!({ "product": "BJ-500", "page": 1 }),
    )
    .await;
    let (_, his) = call(
        &app,
        &zhang,
        "pricing/list",
        json!({ "product": "BJ-500", "page": 1 }),
    )
    .await;
    assert_eq!(agreed(&all).len(), 2, "{all}");
    let mine = agreed(&his);
    assert_eq!(mine.len(), 1, "{his}");
    assert!(agreed(&all).contains(&mine[0]));
    assert_eq!(his["total"], all["total"].as_i64().unwrap() - 1);
    // the owner's approval of the one under the floor is on record
    assert!(
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["under_floor"] == true && l["approved_by"] == "陈建国")
    );

    // another rep's customer is unknown to him, and so are its prices
    let (s, body) = call(
        &app,
        &zhang,
        "pricing/customer",
        json!({ "customer_code": lina_customer, "day": "" }),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&body),
        [("customer_code".to_owned(), "UnknownCustomer".to_owned())]
    );

    // he changes nothing
    let id = all["items"][0]["id"].as_str().unwrap().to_owned();
    let (s, _) = call(
        &app,
        &zhang,
        "pricing/save",
        entry("BJ-500", "base", "", "2026-05-01", "", "99"),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = call(&app, &zhang, "pricing/delete", json!({ "id": id })).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // the owner deletes an entry once; a second time it is not found, as is a foreign id
    let (s, _) = call(&app, &boss, "pricing/delete", json!({ "id": id })).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = call(&app, &boss, "pricing/delete", json!({ "id": id })).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = call(&app, &boss, "pricing/delete", json!({ "id": "not-an-id" })).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, after) = call(
        &app,
        &boss,
        "pricing/list",
        json!({ "product": "BJ-500", "page": 1 }),
    )
    .await;
    assert_eq!(after["total"], all["total"].as_i64().unwrap() - 1);
}
