//! Orders over HTTP on the demo company: an order takes the customer's price from the
//! lists and reaches the sales ledger once, when confirmed, with the product's cost;
//! two people confirming at once confirm once; a cancel takes the lines out again; every
//! bad input is refused by field with nothing stored; a rep sees and moves only what is
//! theirs, a driver and another company nothing.
use crate::helpers::{TestApp, errors, ok, refused, spawn_app};
use crate::sales::{assert_rollups_match, line_count};
use qudao::server::db::on;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

/// The first active customer (by code) of demo rep `login`.
async fn active_customer(app: &TestApp, login: &str) -> String {
    let rep: uuid::Uuid = app.demo_employee_id(login).await.parse().unwrap();
    on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT code FROM customers WHERE rep_id = $1 AND status = 'active' ORDER BY code LIMIT 1"
    )
    .bind(rep)
    .fetch_one(ex)
    .await)
    .unwrap()
}

/// The customer's price of `sku` today, in fen.
async fn price_today(app: &TestApp, c: &Client, code: &str, sku: &str) -> i64 {
    let sheet = ok(
        app,
        c,
        "pricing/customer",
        json!({ "customer_code": code, "day": "" }),
    )
    .await;
    let item = sheet["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["sku"] == sku)
        .unwrap()
        .clone();
    fen(item["price"].as_str().unwrap())
}

/// Fen from a yuan text (`1,234.50`).
fn fen(yuan: &str) -> i64 {
    qudao::domain::money::Money::parse_yuan(yuan).unwrap().0
}

fn order(code: &str, date: &str, lines: Value) -> Value {
    json!({ "order": { "customer_code": code, "order_date": date, "lines": lines } })
}

async fn count(app: &TestApp, sql: &str, id: &str) -> i64 {
    let id: uuid::Uuid = id.parse().unwrap();
    on!(&app.pool, |ex| sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(ex)
        .await)
    .unwrap()
}

async fn orders_stored(app: &TestApp) -> i64 {
    on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM orders"
    )
    .fetch_one(ex)
    .await)
    .unwrap()
}

async fn step(
    app: &TestApp,
    c: &Client,
    id: &str,
    version: &Value,
    step: &str,
) -> reqwest::Response {
    app.call(
        c,
        "orders/step",
        json!({ "id": id, "version": version, "step": step, "reason": "" }),
    )
    .await
}

#[tokio::test]
async fn an_order_takes_the_customers_price_and_reaches_the_ledger_once_when_confirmed() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let code = active_customer(&app, "zhangwei").await;
    let price = price_today(&app, &m, &code, "BJ-500").await;
    on!(&app.pool, |ex| sqlx::query(
        "UPDATE products SET cost_price = 7000 WHERE sku = 'BJ-500'"
    )
    .execute(ex)
    .await
    .map(|_| ()))
    .unwrap();
    let ledger = line_count(&app).await;
    // an empty date is today; blank lines of the form are not lines
    let id: String = serde_json::from_value(
        ok(
            &app,
            &m,
            "orders/create",
            order(
                &code,
                "",
                json!([{ "product_sku": "BJ-500", "quantity": "3" },
                       { "product_sku": "", "quantity": "" }]),
            ),
        )
        .await,
    )
    .unwrap();
    let d = ok(&app, &m, "orders/get", json!({ "id": id })).await;
    assert_eq!(d["order"]["status"], "draft");
    let number = d["order"]["number"].as_str().unwrap();
    let year = qudao::domain::time::to_beijing(chrono::Utc::now())
        .format("SO-%Y-")
        .to_string();
    assert!(number.starts_with(&year) && number.len() == 14, "{number}");
    assert_eq!(d["lines"].as_array().unwrap().len(), 1);
    assert_eq!(fen(d["lines"][0]["unit_price"].as_str().unwrap()), price);
    assert_eq!(fen(d["order"]["total"].as_str().unwrap()), 3 * price);
    assert!(!d["total_capital"].as_str().unwrap().is_empty());
    assert_eq!(d["steps"], json!(["confirm", "cancel"]));
    // a draft is not a sale yet
    assert_eq!(line_count(&app).await, ledger);

    let r = step(&app, &m, &id, &d["order"]["version"], "confirm").await;
    assert_eq!(r.status(), StatusCode::OK);
    let confirmed: Value = r.json().await.unwrap();
    assert_eq!(confirmed["order"]["status"], "confirmed");
    let (amount, cost, rep): (i64, i64, Option<uuid::Uuid>) = on!(&app.pool, |ex| sqlx::query_as(
        "SELECT amount, cost, rep_id FROM sales_lines WHERE order_id = $1"
    )
    .bind(id.parse::<uuid::Uuid>().unwrap())
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(
        (amount, cost),
        (3 * price, 3 * 7000),
        "priced, cost from the product"
    );
    assert_eq!(
        rep.map(|r| r.to_string()),
        Some(app.demo_employee_id("zhangwei").await),
        "credited to the customer's rep"
    );
    assert_eq!(line_count(&app).await, ledger + 1);
    assert_rollups_match(&app).await;

    // the same confirmation again (a double click, a retry): refused, counted once
    let r = step(&app, &m, &id, &d["order"]["version"], "confirm").await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({ "Conflict": { "OrderMoved": "confirmed" } })
    );
    // from the page as it now stands, confirming is no step on offer
    let r = step(&app, &m, &id, &confirmed["order"]["version"], "confirm").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(line_count(&app).await, ledger + 1);
    // its lines leave the ledger only by a cancel on its page
    let (status, body) = refused(&app, &m, "sales/delete_order", json!({ "order_id": id })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        errors(&body),
        vec![("order_id".to_owned(), "InvalidTransition".to_owned())]
    );

    // cancelled before it leaves: out of the ledger, its history kept
    let r = app
        .call(
            &m,
            "orders/step",
            json!({ "id": id, "version": confirmed["order"]["version"], "step": "cancel", "reason": "客户改期" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let cancelled: Value = r.json().await.unwrap();
    assert_eq!(cancelled["order"]["status"], "cancelled");
    assert_eq!(cancelled["steps"], json!([]));
    let history: Vec<(&str, &str, &str)> = cancelled["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["step"].as_str().unwrap(),
                e["by"].as_str().unwrap(),
                e["reason"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        history,
        vec![
            ("create", "刘敏", ""),
            ("confirm", "刘敏", ""),
            ("cancel", "刘敏", "客户改期")
        ]
    );
    assert_eq!(line_count(&app).await, ledger);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM sales_lines WHERE order_id = $1",
            &id
        )
        .await,
        0
    );
    assert_rollups_match(&app).await;

    // a second order takes the next number, and runs to the end
    let id2: String = serde_json::from_value(
        ok(
            &app,
            &m,
            "orders/create",
            order(
                &code,
                "",
                json!([{ "product_sku": "BJ-500", "quantity": "1" }]),
            ),
        )
        .await,
    )
    .unwrap();
    let mut d2 = ok(&app, &m, "orders/get", json!({ "id": id2 })).await;
    let n1: u32 = number[8..].parse().unwrap();
    let n2: u32 = d2["order"]["number"].as_str().unwrap()[8..]
        .parse()
        .unwrap();
    assert_eq!(n2, n1 + 1);
    for s in ["confirm", "pick", "dispatch"] {
        let r = step(&app, &m, &id2, &d2["order"]["version"], s).await;
        assert_eq!(r.status(), StatusCode::OK, "{s}");
        d2 = r.json().await.unwrap();
    }
    // on the truck it is no longer cancelled
    assert_eq!(d2["steps"], json!(["deliver"]));
    let r = step(&app, &m, &id2, &d2["order"]["version"], "cancel").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    for s in ["deliver", "close"] {
        let r = step(&app, &m, &id2, &d2["order"]["version"], s).await;
        assert_eq!(r.status(), StatusCode::OK, "{s}");
        d2 = r.json().await.unwrap();
    }
    assert_eq!(d2["order"]["status"], "closed");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM sales_lines WHERE order_id = $1",
            &id2
        )
        .await,
        1,
        "in the ledger once, whatever the steps after confirming"
    );
    assert_rollups_match(&app).await;
}

#[tokio::test]
async fn two_people_confirming_at_once_confirm_once() {
    let app = spawn_app().await;
    let (m, boss) = (app.signed_in("liumin").await, app.signed_in("laoban").await);
    let code = active_customer(&app, "lina").await;
    for round in 0..5 {
        let id: String = serde_json::from_value(
            ok(
                &app,
                &m,
                "orders/create",
                order(
                    &code,
                    "",
                    json!([{ "product_sku": "BJ-500", "quantity": "2" },
                           { "product_sku": "PJ-330", "quantity": "1" }]),
                ),
            )
            .await,
        )
        .unwrap();
        let d = ok(&app, &m, "orders/get", json!({ "id": id })).await;
        let v = &d["order"]["version"];
        let (a, b) = tokio::join!(
            step(&app, &m, &id, v, "confirm"),
            step(&app, &boss, &id, v, "confirm")
        );
        let mut statuses = [a.status(), b.status()];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT],
            "round {round}"
        );
        assert_eq!(
            count(
                &app,
                "SELECT count(*) FROM sales_lines WHERE order_id = $1",
                &id
            )
            .await,
            2,
            "round {round}: posted once"
        );
        assert_eq!(
            count(
                &app,
                "SELECT count(*) FROM order_events WHERE order_id = $1 AND step = 'confirm'",
                &id
            )
            .await,
            1
        );
    }
    assert_rollups_match(&app).await;
}

#[tokio::test]
async fn a_bad_order_is_refused_by_field_and_nothing_is_stored() {
    let app = spawn_app().await;
    let (rep, m) = (
        app.signed_in("zhangwei").await,
        app.signed_in("liumin").await,
    );
    let code = active_customer(&app, "zhangwei").await;
    let before = (orders_stored(&app).await, line_count(&app).await);
    let today = qudao::domain::time::to_beijing(chrono::Utc::now()).date();
    let tomorrow = (today + chrono::Days::new(1)).to_string();
    let refusal = |c: &Client, body: Value| {
        let c = c.clone();
        let app = &app;
        async move {
            let (status, body) = refused(app, &c, "orders/create", body).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            errors(&body)
        }
    };
    let e = |f: &str, c: &str| vec![(f.to_owned(), c.to_owned())];
    let line = |sku: &str, q: &str| json!([{ "product_sku": sku, "quantity": q }]);
    // the fields' own problems, every one named
    let mut found = refusal(
        &rep,
        order(
            &code,
            "2026-13-01",
            json!([{ "product_sku": "BJ-500", "quantity": "1.5" },
                   { "product_sku": "BJ 500", "quantity": "" }]),
        ),
    )
    .await;
    found.sort();
    assert_eq!(
        found,
        vec![
            ("lines.0.quantity".to_owned(), "NotWhole".to_owned()),
            ("lines.1.product_sku".to_owned(), "InvalidCode".to_owned()),
            ("lines.1.quantity".to_owned(), "Required".to_owned()),
            ("order_date".to_owned(), "InvalidDate".to_owned()),
        ]
    );
    assert_eq!(
        refusal(&rep, order(&code, "", line("BJ-500", "0"))).await,
        e("lines.0.quantity", "Zero")
    );
    assert_eq!(
        refusal(&rep, order(&code, "", line("BJ-500", "-2"))).await,
        e("lines.0.quantity", "Negative")
    );
    assert_eq!(
        refusal(
            &rep,
            order(&code, "", json!([{ "product_sku": "", "quantity": "" }]))
        )
        .await,
        e("lines.0.product_sku", "Required")
    );
    assert_eq!(
        refusal(&rep, order(&code, &tomorrow, line("BJ-500", "1"))).await,
        e("order_date", "InFuture")
    );
    assert_eq!(
        refusal(&rep, order(&code, "", line("NOPE", "1"))).await,
        e("lines.0.product_sku", "UnknownProduct")
    );
    // a rep takes the list's price; typing one is for owners and managers
    assert_eq!(
        refusal(
            &rep,
            order(
                &code,
                "",
                json!([{ "product_sku": "BJ-500", "quantity": "1", "unit_price": "1" }])
            )
        )
        .await,
        e("lines.0.unit_price", "PriceNotEditable")
    );
    // another rep's customer does not exist for this rep
    let other = active_customer(&app, "lina").await;
    assert_eq!(
        refusal(&rep, order(&other, "", line("BJ-500", "1"))).await,
        e("customer_code", "UnknownCustomer")
    );
    // a product no list prices
    let product = json!({ "id": "", "version": 0, "input": {
        "sku": "NP-1", "name": "未定价新品", "category": "", "unit": "箱", "list_price": "",
        "price_floor": "", "pack_size": "", "piece_unit": "", "cost_price": "", "active": "true" } });
    ok(&app, &m, "sales/save_product", product).await;
    assert_eq!(
        refusal(&rep, order(&code, "", line("NP-1", "1"))).await,
        e("lines.0.product_sku", "NoPrice")
    );
    // closed and dormant customers take no order
    for (status, expected) in [("closed", "CustomerClosed"), ("dormant", "CustomerDormant")] {
        on!(&app.pool, |ex| sqlx::query(
            "UPDATE customers SET status = $1 WHERE code = $2"
        )
        .bind(status)
        .bind(&code)
        .execute(ex)
        .await
        .map(|_| ()))
        .unwrap();
        assert_eq!(
            refusal(&rep, order(&code, "", line("BJ-500", "1"))).await,
            e("customer_code", expected)
        );
    }
    on!(&app.pool, |ex| sqlx::query(
        "UPDATE customers SET status = 'active' WHERE code = $1"
    )
    .bind(&code)
    .execute(ex)
    .await
    .map(|_| ()))
    .unwrap();
    assert_eq!(
        (orders_stored(&app).await, line_count(&app).await),
        before,
        "nothing half-saved"
    );

    // a manager's price under the floor needs a reason, which is kept with their name
    let floor: i64 = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT price_floor FROM products WHERE sku = 'BJ-500'"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    let under = qudao::domain::money::Money(floor - 100).to_yuan_string();
    assert_eq!(
        refusal(
            &m,
            order(
                &code,
                "",
                json!([{ "product_sku": "BJ-500", "quantity": "1", "unit_price": under }])
            )
        )
        .await,
        e("lines.0.unit_price", "BelowFloor")
    );
    let id: String = serde_json::from_value(
        ok(
            &app,
            &m,
            "orders/create",
            order(
                &code,
                "",
                json!([{ "product_sku": "BJ-500", "quantity": "1", "unit_price": under, "approval_reason": "清库存特价" }]),
            ),
        )
        .await,
    )
    .unwrap();
    let d = ok(&app, &m, "orders/get", json!({ "id": id })).await;
    let l = &d["lines"][0];
    assert_eq!(
        (&l["price_source"], &l["approved_by"], &l["approval_reason"]),
        (&json!("manual"), &json!("刘敏"), &json!("清库存特价"))
    );
    assert_eq!(fen(l["unit_price"].as_str().unwrap()), floor - 100);
}

#[tokio::test]
async fn a_rep_sees_and_moves_only_their_own_customers_orders() {
    let app = spawn_app().await;
    let (zhang, li) = (app.signed_in("zhangwei").await, app.signed_in("lina").await);
    let m = app.signed_in("liumin").await;
    let code = active_customer(&app, "zhangwei").await;
    let id: String = serde_json::from_value(
        ok(
            &app,
            &zhang,
            "orders/create",
            order(
                &code,
                "",
                json!([{ "product_sku": "BJ-500", "quantity": "4" }]),
            ),
        )
        .await,
    )
    .unwrap();
    let list = |c: Client, status: &'static str| {
        let app = &app;
        async move {
            ok(
                app,
                &c,
                "orders/list",
                json!({ "status": status, "page": 1 }),
            )
            .await
        }
    };
    let ids = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(ids(&list(zhang.clone(), "draft").await).contains(&id));
    assert!(ids(&list(m.clone(), "").await).contains(&id));
    assert!(!ids(&list(li.clone(), "").await).contains(&id));
    assert!(!ids(&list(m.clone(), "confirmed").await).contains(&id));
    // another rep: as if it did not exist, to read or to move
    let (status, _) = refused(&app, &li, "orders/get", json!({ "id": id })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let d = ok(&app, &zhang, "orders/get", json!({ "id": id })).await;
    assert_eq!(
        d["steps"],
        json!(["cancel"]),
        "a rep may only cancel a draft"
    );
    let v = &d["order"]["version"];
    assert_eq!(
        step(&app, &li, &id, v, "cancel").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        step(&app, &zhang, &id, v, "confirm").await.status(),
        StatusCode::FORBIDDEN
    );
    // a driver sees no orders; another company none of these
    let driver = app.signed_in("wugang").await;
    let (status, _) = refused(
        &app,
        &driver,
        "orders/list",
        json!({ "status": "", "page": 1 }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    app.add_company("另一家经销商", "other_boss").await;
    let other = app.signed_in("other_boss").await;
    assert_eq!(list(other.clone(), "").await["total"], 0);
    let (status, _) = refused(&app, &other, "orders/get", json!({ "id": id })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        step(&app, &other, &id, v, "confirm").await.status(),
        StatusCode::NOT_FOUND
    );
    // the customer's profile lists its orders: for its rep, never for another
    let customer: uuid::Uuid = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT id FROM customers WHERE code = $1"
    )
    .bind(&code)
    .fetch_one(ex)
    .await)
    .unwrap();
    let of_customer = |c: Client| {
        let app = &app;
        async move {
            ok(
                app,
                &c,
                "orders/list",
                json!({ "status": "", "customer": customer.to_string(), "page": 1 }),
            )
            .await
        }
    };
    let profile = of_customer(zhang.clone()).await;
    assert!(ids(&profile).contains(&id));
    assert!(
        profile["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["customer_code"] == code.as_str())
    );
    assert_eq!(of_customer(li.clone()).await["total"], 0);
    // a status that does not exist is named
    let (status, body) = refused(
        &app,
        &m,
        "orders/list",
        json!({ "status": "lost", "page": 1 }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        errors(&body),
        vec![("status".to_owned(), "InvalidChoice".to_owned())]
    );
    // the rep cancels their own draft
    let r = step(&app, &zhang, &id, v, "cancel").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.json::<Value>().await.unwrap()["order"]["status"],
        "cancelled"
    );
}

#[tokio::test]
async fn before_the_script_loads_an_order_form_saves_once_and_opens_the_order() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let code = active_customer(&app, "zhangwei").await;
    let before = orders_stored(&app).await;
    // the form as the server draws it: three lines, two left blank
    let mut fields = vec![
        ("order[customer_code]", code.as_str()),
        ("order[order_date]", ""),
    ];
    for (i, (sku, q)) in [("BJ-500", "2"), ("", ""), ("", "")].iter().enumerate() {
        let (sku_key, q_key): (&'static str, &'static str) = match i {
            0 => ("order[lines][0][product_sku]", "order[lines][0][quantity]"),
            1 => ("order[lines][1][product_sku]", "order[lines][1][quantity]"),
            _ => ("order[lines][2][product_sku]", "order[lines][2][quantity]"),
        };
        fields.push((sku_key, sku));
        fields.push((q_key, q));
    }
    let r = app
        .post_form(&m, "orders/create", "/orders/new", &fields)
        .await;
    let (next, err) = crate::helpers::form_answer(&r);
    assert_eq!(err, None);
    let id = next.strip_prefix("/orders/").unwrap().to_owned();
    assert_eq!(orders_stored(&app).await, before + 1);
    let page = app.get(&m, &next).await;
    assert_eq!(page.status(), StatusCode::OK);
    // a bad quantity comes back to the form with the field named, nothing stored
    fields[3] = ("order[lines][0][quantity]", "0");
    let r = app
        .post_form(&m, "orders/create", "/orders/new", &fields)
        .await;
    let (back, err) = crate::helpers::form_answer(&r);
    assert!(back.starts_with("/orders/new"), "{back}");
    assert_eq!(
        err,
        Some(json!({ "Validation": [{ "field": "lines.0.quantity", "code": "Zero" }] }))
    );
    assert_eq!(orders_stored(&app).await, before + 1);
    // a step button posted by the browser: the order moves, the page comes back
    let r = app
        .post_form(
            &m,
            "orders/step",
            &next,
            &[("id", id.as_str()), ("version", "1"), ("step", "confirm")],
        )
        .await;
    let (back, err) = crate::helpers::form_answer(&r);
    assert_eq!((back.as_str(), err), (next.as_str(), None));
    let d = ok(&app, &m, "orders/get", json!({ "id": id })).await;
    assert_eq!(d["order"]["status"], "confirmed");
    // a step the order never offered (delivering a confirmed order) is named as such,
    // not blamed on someone else
    let (status, body) = refused(
        &app,
        &m,
        "orders/step",
        json!({ "id": id, "version": d["order"]["version"], "step": "deliver" }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        errors(&body),
        vec![("step".to_owned(), "InvalidTransition".to_owned())]
    );
    // a customer closed after the order was taken: the draft is not confirmed
    let draft: String = serde_json::from_value(
        ok(
            &app,
            &m,
            "orders/create",
            order(
                &code,
                "",
                json!([{ "product_sku": "BJ-500", "quantity": "1" }]),
            ),
        )
        .await,
    )
    .unwrap();
    on!(&app.pool, |ex| sqlx::query(
        "UPDATE customers SET status = 'closed' WHERE code = $1"
    )
    .bind(&code)
    .execute(ex)
    .await
    .map(|_| ()))
    .unwrap();
    let (status, body) = refused(
        &app,
        &m,
        "orders/step",
        json!({ "id": draft, "version": 1, "step": "confirm" }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        errors(&body),
        vec![("customer_code".to_owned(), "CustomerClosed".to_owned())]
    );
    on!(&app.pool, |ex| sqlx::query(
        "UPDATE customers SET status = 'active' WHERE code = $1"
    )
    .bind(&code)
    .execute(ex)
    .await
    .map(|_| ()))
    .unwrap();
    // the office form's client id is not a way to ask whether an order exists: the
    // office's order takes its own id
    let other: String = serde_json::from_value(
        ok(
            &app,
            &m,
            "orders/create",
            json!({ "order": { "customer_code": code, "order_date": "", "client_id": id,
                "lines": [{ "product_sku": "BJ-500", "quantity": "1" }] } }),
        )
        .await,
    )
    .unwrap();
    assert_ne!(other, id);
}
