//! Drivers (司机) over HTTP on the demo company: 吴刚 sees the deliveries given to him —
//! whosever customer they are — with where to go, records them with a proof photo, and
//! sees nothing else of any customer; managers give any delivery to any driver and take
//! objections from one handler to another; a rep gives only their own customers'
//! deliveries, and never to another rep; an employee who still serves customers cannot
//! become a driver; and the plan of a rep's day holds no more than the owner allows.
use crate::helpers::{PNG, TestApp, code_of, errors, ok, refused, spawn_app};
use qudao::server::db::on;
use qudao::server::seed::DEMO_COMPANY_ID;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

fn an_hour_ago() -> String {
    qudao::domain::time::to_beijing(chrono::Utc::now() - chrono::Duration::hours(1))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// The login of the rep serving the customer of delivery `id`, and the customer's id.
async fn rep_of_delivery(app: &TestApp, id: &str) -> (String, String) {
    let (login, customer): (String, uuid::Uuid) = on!(&app.pool, |ex| sqlx::query_as(
        "SELECT e.login, c.id FROM deliveries d JOIN customers c ON c.company_id = d.company_id \
         AND c.id = d.customer_id JOIN employees e ON e.company_id = c.company_id AND e.id = c.rep_id \
         WHERE d.company_id = $1 AND d.id = $2",
    )
    .bind(DEMO_COMPANY_ID.0)
    .bind(uuid::Uuid::parse_str(id).unwrap())
    .fetch_one(ex)
    .await)
    .unwrap();
    (login, customer.to_string())
}

async fn open_delivery(
    app: &TestApp,
    c: &Client,
    customer: &str,
    order: &str,
    driver: &str,
) -> reqwest::Response {
    app.call(
        c,
        "tickets/deliveries/open",
        json!({ "input": { "customer": customer, "order_ref": order, "ordered_at": an_hour_ago(), "promised_at": "", "driver": driver } }),
    )
    .await
}

#[tokio::test]
async fn a_driver_sees_the_deliveries_given_to_him_and_nothing_else_of_any_customer() {
    let app = spawn_app().await;
    let driver = app.signed_in("wugang").await;
    let wugang = app.demo_employee_id("wugang").await;
    let round = ok(&app, &driver, "tickets/deliveries/mine", json!({})).await;
    let open = round["open"].as_array().unwrap();
    assert!(!open.is_empty(), "the demo gives him open deliveries");
    // deliveries of several reps' customers, each with where to go — and no more of the
    // customer than that: no code, id, tier or rep
    let mut reps = std::collections::BTreeSet::new();
    for d in open {
        reps.insert(
            rep_of_delivery(&app, d["item"]["id"].as_str().unwrap())
                .await
                .0,
        );
        assert!(d["stop"]["address"].is_string() && d["stop"]["phone"].is_string());
        assert!(d["item"]["name"].is_string());
        assert!(d["delivered_at"].is_null());
        assert_eq!(d["item"]["code"], "");
        assert!(d["item"]["customer_id"].is_null());
        assert!(d["item"]["tier"].is_null() && d["item"]["rep"].is_null());
    }
    assert!(reps.len() > 1, "{reps:?}");
    let mine = open[0]["item"]["id"].as_str().unwrap().to_owned();
    let detail = ok(
        &app,
        &driver,
        "tickets/deliveries/get",
        json!({ "id": mine }),
    )
    .await;
    assert_eq!(detail["driver_id"], wugang.as_str());
    assert_eq!(detail["may_open_customer"], false);
    assert_eq!(detail["may_assign"], false);
    // a delivery driven by someone else is not there for him
    let manager = app.signed_in("liumin").await;
    let code = code_of(&app, "lina").await;
    let other: String = open_delivery(&app, &manager, &code, "SO-NOT-HIS", "")
        .await
        .json()
        .await
        .unwrap();
    let (s, _) = refused(
        &app,
        &driver,
        "tickets/deliveries/get",
        json!({ "id": other }),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // and nothing of the customers: lists, profiles, board, plan, dashboard, figures
    let customer = rep_of_delivery(&app, &mine).await.1;
    for (path, body) in [
        ("customers/list", json!({ "query": { "search": "" } })),
        ("customers/get", json!({ "id": customer })),
        (
            "tickets/board",
            json!({ "rep": "", "tier": "", "standard": "" }),
        ),
        ("visits/offline_bundle", json!({})),
        ("visits/today", json!({ "rep": "" })),
        ("dashboard", json!({})),
        ("segmentation/classify", json!({ "query": {} })),
        (
            "segmentation/rows",
            json!({ "query": {}, "start": 0, "count": 50 }),
        ),
        ("discipline/customer", json!({ "customer_id": customer })),
    ] {
        let (s, _) = refused(&app, &driver, path, body).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{path}");
    }
    // customer photos stay out of reach through the photo paths too
    let photo = manager
        .post(format!(
            "{}/api/customers/{customer}/photos?kind=storefront",
            app.base
        ))
        .body(PNG.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(photo.status(), StatusCode::CREATED);
    let photo: String = photo.json().await.unwrap();
    let seen = driver
        .get(format!("{}/photos/{photo}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(seen.status(), StatusCode::FORBIDDEN);
    for export in [
        "/api/customers/export?format=csv",
        "/api/segmentation/export?format=csv",
        "/api/growth/export",
    ] {
        let r = driver
            .get(format!("{}{export}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{export}");
    }
    // the handbook and his own development record are his like everyone's
    ok(&app, &driver, "handbook/get", json!({ "number": 0 })).await;
    ok(&app, &driver, "development/overview", json!({})).await;
}

#[tokio::test]
async fn the_driver_records_a_delivery_once_with_a_proof_photo_others_cannot_add_to() {
    let app = spawn_app().await;
    let driver = app.signed_in("wugang").await;
    let round = ok(&app, &driver, "tickets/deliveries/mine", json!({})).await;
    let d = &round["open"][0];
    let id = d["item"]["id"].as_str().unwrap().to_owned();
    let version = d["item"]["version"].as_i64().unwrap();
    let up = driver
        .post(format!("{}/api/tickets/delivery/{id}/photos", app.base))
        .body(PNG.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(up.status(), StatusCode::CREATED);
    let photo: String = up.json().await.unwrap();
    let got = driver
        .get(format!("{}/ticket-photos/{photo}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(got.bytes().await.unwrap().as_ref(), PNG);
    // a rep whose customer it is not neither sees the proof nor adds to it
    let (theirs, _) = rep_of_delivery(&app, &id).await;
    let outsider = ["zhangwei", "lina"]
        .into_iter()
        .find(|l| *l != theirs)
        .unwrap();
    let other = app.signed_in(outsider).await;
    let seen = other
        .get(format!("{}/ticket-photos/{photo}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(seen.status(), StatusCode::NOT_FOUND);
    let added = other
        .post(format!("{}/api/tickets/delivery/{id}/photos", app.base))
        .body(PNG.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), StatusCode::NOT_FOUND);

    // a driver's time is the moment he records it: one typed in is not taken
    let complete = |v: i64| json!({ "id": id, "version": v, "delivered_at": "2020-01-01T08:00", "note": "客户已签收" });
    let (s, _) = refused(
        &app,
        &driver,
        "tickets/deliveries/complete",
        complete(version + 7),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let done = ok(
        &app,
        &driver,
        "tickets/deliveries/complete",
        complete(version),
    )
    .await;
    let today = qudao::domain::time::to_beijing(chrono::Utc::now())
        .format("%Y-%m-%d")
        .to_string();
    assert!(
        done["delivered_at"].as_str().unwrap().starts_with(&today),
        "{}",
        done["delivered_at"]
    );
    let (s, v) = refused(
        &app,
        &driver,
        "tickets/deliveries/complete",
        complete(version + 1),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(errors(&v)[0].0, "delivered_at");
    // it moves to "delivered this week" on his list
    let round = ok(&app, &driver, "tickets/deliveries/mine", json!({})).await;
    assert!(
        round["open"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["item"]["id"] != id.as_str())
    );
    assert!(
        round["done"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["item"]["id"] == id.as_str())
    );
}

#[tokio::test]
async fn any_delivery_goes_to_any_driver_but_a_rep_gives_only_their_own_and_never_to_a_rep() {
    let app = spawn_app().await;
    let manager = app.signed_in("liumin").await;
    let rep = app.signed_in("zhangwei").await;
    let wugang = app.demo_employee_id("wugang").await;
    let lina = app.demo_employee_id("lina").await;
    let lina_code = code_of(&app, "lina").await;
    let own_code = code_of(&app, "zhangwei").await;
    // the driver list of a delivery starts with the drivers; an objection's has none
    let drivers = ok(
        &app,
        &rep,
        "tickets/handlers",
        json!({ "customer": own_code, "kind": "delivery" }),
    )
    .await;
    assert_eq!(drivers[0]["id"], wugang.as_str());
    assert!(
        drivers
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["id"] != lina.as_str())
    );
    let assignees = ok(
        &app,
        &rep,
        "tickets/handlers",
        json!({ "customer": own_code }),
    )
    .await;
    assert!(
        assignees
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["id"] != wugang.as_str())
    );
    // a manager gives another rep's customer's delivery to the driver
    let r = open_delivery(&app, &manager, &lina_code, "SO-T-1", &wugang).await;
    assert_eq!(r.status(), StatusCode::OK);
    // a rep: their own customer to the driver yes, to another rep no
    let r = open_delivery(&app, &rep, &own_code, "SO-T-2", &wugang).await;
    assert_eq!(r.status(), StatusCode::OK);
    let mine: String = r.json().await.unwrap();
    let r = open_delivery(&app, &rep, &own_code, "SO-T-3", &lina).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        errors(&r.json().await.unwrap())[0],
        ("driver".to_owned(), "UnknownEmployee".to_owned())
    );
    // changing the driver: by the customer's rep or a manager, to a driver, while undelivered
    let detail = ok(&app, &rep, "tickets/deliveries/get", json!({ "id": mine })).await;
    assert_eq!(detail["may_assign"], true);
    assert_eq!(detail["drivers"][0]["id"], wugang.as_str());
    let v = detail["item"]["version"].as_i64().unwrap();
    let (s, _) = refused(
        &app,
        &rep,
        "tickets/deliveries/assign",
        json!({ "id": mine, "version": v, "driver": lina }),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let cleared = ok(
        &app,
        &rep,
        "tickets/deliveries/assign",
        json!({ "id": mine, "version": v, "driver": "" }),
    )
    .await;
    assert!(cleared["driver_id"].is_null());
    let other_rep = app.signed_in("lina").await;
    let (s, _) = refused(
        &app,
        &other_rep,
        "tickets/deliveries/assign",
        json!({ "id": mine, "version": v + 1, "driver": wugang }),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another rep does not see it");
    let back = ok(
        &app,
        &manager,
        "tickets/deliveries/assign",
        json!({ "id": mine, "version": v + 1, "driver": wugang }),
    )
    .await;
    assert_eq!(back["driver_id"], wugang.as_str());
    // and the driver now has it
    let driver = app.signed_in("wugang").await;
    let round = ok(&app, &driver, "tickets/deliveries/mine", json!({})).await;
    assert!(
        round["open"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["item"]["id"] == mine.as_str())
    );
}

#[tokio::test]
async fn a_manager_reassigns_an_objection_but_never_to_a_driver() {
    let app = spawn_app().await;
    let manager = app.signed_in("liumin").await;
    let code = code_of(&app, "zhangwei").await;
    let id: String = ok(
        &app,
        &manager,
        "tickets/objections/open",
        json!({ "input": { "customer": code, "category": "quality", "description": "漏液", "assignee": "", "opened_at": "" } }),
    )
    .await
    .as_str()
    .unwrap()
    .to_owned();
    let d = ok(
        &app,
        &manager,
        "tickets/objections/get",
        json!({ "id": id }),
    )
    .await;
    let names: Vec<&str> = d["assignees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"张伟") && names.contains(&"王强") && !names.contains(&"吴刚"),
        "{names:?}"
    );
    assert!(
        !names.contains(&"李娜"),
        "another rep's customer is not hers: {names:?}"
    );
    let v = d["item"]["version"].as_i64().unwrap();
    let wangqiang = app.demo_employee_id("wangqiang").await;
    let moved = ok(
        &app,
        &manager,
        "tickets/objections/assign",
        json!({ "id": id, "version": v, "assignee": wangqiang }),
    )
    .await;
    assert_eq!(moved["assignee_id"], wangqiang.as_str());
    let wugang = app.demo_employee_id("wugang").await;
    let (s, v2) = refused(
        &app,
        &manager,
        "tickets/objections/assign",
        json!({ "id": id, "version": v + 1, "assignee": wugang }),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(errors(&v2)[0].0, "assignee");
}

#[tokio::test]
async fn an_employee_who_serves_customers_cannot_become_a_driver_and_a_driver_gets_none() {
    let app = spawn_app().await;
    let owner = app.signed_in("laoban").await;
    let zhangwei = app.demo_employee_id("zhangwei").await;
    let as_driver = |name: &str, login: &str| json!({ "name": name, "login": login, "phone": "", "role": "driver", "territory": "" });
    let (s, v) = refused(
        &app,
        &owner,
        "staff/update",
        json!({ "id": zhangwei, "version": 1, "input": as_driver("张伟", "zhangwei") }),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        errors(&v),
        vec![("role".to_owned(), "StillServesCustomers".to_owned())]
    );
    // a new driver can be added; customers cannot be given to him
    let added = ok(
        &app,
        &owner,
        "staff/add",
        json!({ "input": as_driver("马师傅", "mashifu"), "password": "qudao-2026!" }),
    )
    .await;
    let driver_id = added["id"].as_str().unwrap().to_owned();
    let customer: uuid::Uuid = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT id FROM customers WHERE company_id = $1 LIMIT 1"
    )
    .bind(DEMO_COMPANY_ID.0)
    .fetch_one(ex)
    .await)
    .unwrap();
    let (s, v) = refused(
        &app,
        &owner,
        "customers/assign",
        json!({ "ids": [customer.to_string()], "rep": driver_id }),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = refused(
        &app,
        &owner,
        "customers/create",
        json!({ "values": { "code": "DRV-1", "name": "司机的店", "kind": "sub_distributor", "rep_login": "mashifu" } }),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        errors(&v),
        vec![("rep_login".to_owned(), "UnknownEmployee".to_owned())]
    );
    let filters: Value = ok(&app, &owner, "customers/filters", json!({})).await;
    assert!(
        filters["reps"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["login"] != "mashifu" && r["login"] != "wugang")
    );
}

#[tokio::test]
async fn the_days_plan_holds_no_more_than_the_owner_allows_and_says_how_many_moved() {
    let app = spawn_app().await;
    crate::visits::every_day_a_working_day(&app).await;
    let owner = app.signed_in("laoban").await;
    let rep = app.signed_in("zhangwei").await;
    let before = ok(&app, &rep, "visits/today", json!({ "rep": "" })).await;
    assert_eq!(before["capacity"], 20);
    let due_by_today = |plan: &Value| {
        let today = plan["today"].as_str().unwrap().to_owned();
        let mut n = plan["due"].as_array().unwrap().len();
        // the moved ones appear on later days with a due day of today or before
        for day in plan["week"].as_array().unwrap() {
            n += day["customers"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["due"].as_str().unwrap() <= today.as_str())
                .count();
        }
        n
    };
    let waiting = due_by_today(&before);
    assert!(waiting > 5, "the demo rep has a backlog: {waiting}");
    // the owner allows five a day; a rep may not change it; nonsense is refused in words
    let (s, _) = refused(
        &app,
        &rep,
        "visits/daily/save",
        json!({ "daily_visits": "50" }),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    for (raw, code) in [
        ("0", "Zero"),
        ("61", "TooLarge"),
        ("two", "InvalidNumber"),
        ("", "Required"),
    ] {
        let (s, v) = refused(
            &app,
            &owner,
            "visits/daily/save",
            json!({ "daily_visits": raw }),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{raw}");
        assert_eq!(
            errors(&v),
            vec![("daily_visits".to_owned(), code.to_owned())],
            "{raw}"
        );
    }
    ok(
        &app,
        &owner,
        "visits/daily/save",
        json!({ "daily_visits": "5" }),
    )
    .await;
    let plan = ok(&app, &rep, "visits/today", json!({ "rep": "" })).await;
    assert_eq!(plan["capacity"], 5);
    let today = plan["due"].as_array().unwrap();
    let done = plan["done_today"].as_u64().unwrap() as usize;
    assert_eq!(today.len() + done, 5, "today is full");
    // those due by today sit on the coming days (moved) or, the week being full too, wait
    let moved = plan["moved"].as_u64().unwrap() as usize;
    assert_eq!(moved, due_by_today(&plan) - today.len());
    assert!(
        plan["unplanned"].as_u64().unwrap() > 0,
        "five a day cannot hold the backlog"
    );
    for day in plan["week"].as_array().unwrap() {
        assert!(
            day["customers"].as_array().unwrap().len() <= 5,
            "{}",
            day["date"]
        );
    }
    // a visit made today takes its place in today's five: one fewer left to do
    let first = today[0]["id"].as_str().unwrap().to_owned();
    let visit = json!({ "input": {
        "id": uuid::Uuid::new_v4().to_string(), "customer_id": first,
        "checked_in_at": qudao::domain::time::to_beijing(chrono::Utc::now()).format("%Y-%m-%dT%H:%M").to_string(),
        "location": null, "purpose": "routine", "notes": "", "vivid_display": false, "stack_display": false,
        "indoor_ad": false, "outdoor_ad": false, "competitors": "", "prices": [], "next_step": "", "next_step_on": ""
    } });
    ok(&app, &rep, "visits/record", visit).await;
    let after = ok(&app, &rep, "visits/today", json!({ "rep": "" })).await;
    assert_eq!(after["done_today"].as_u64().unwrap() as usize, done + 1);
    assert_eq!(after["due"].as_array().unwrap().len(), today.len() - 1);
    // the tablet's bundle carries the same plan
    let bundle = ok(&app, &rep, "visits/offline_bundle", json!({})).await;
    assert_eq!(bundle["plan"]["due"], after["due"]);
    assert_eq!(bundle["plan"]["moved"], after["moved"]);
}
