//! Staff management: permissions, validation, optimistic locking, deactivation, tenants.
use crate::helpers::{PW, spawn_app};
use qudao::server::db::on;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn new_rep(login: &str) -> Value {
    json!({ "name": "新同事", "login": login, "phone": "13800000099", "role": "rep", "territory": "渝中区" })
}

#[tokio::test]
async fn reps_and_managers_cannot_call_owner_only_functions() {
    let app = spawn_app().await;
    let rep = app.signed_in("zhangwei").await;
    let manager = app.signed_in("liumin").await;
    let lina = app.demo_employee_id("lina").await;
    for c in [&rep, &manager] {
        let add = app
            .call(
                c,
                "staff/add",
                json!({ "input": new_rep("xinren"), "password": "12345678" }),
            )
            .await;
        assert_eq!(add.status(), StatusCode::FORBIDDEN);
        assert_eq!(add.text().await.unwrap(), r#""Forbidden""#);
        let deact = app
            .call(
                c,
                "staff/set-active",
                json!({ "id": lina, "version": 1, "active": false }),
            )
            .await;
        assert_eq!(deact.status(), StatusCode::FORBIDDEN);
        let reset = app
            .call(
                c,
                "staff/reset-password",
                json!({ "id": lina, "password": "12345678" }),
            )
            .await;
        assert_eq!(reset.status(), StatusCode::FORBIDDEN);
    }
    // a rep cannot even list staff; a manager can
    assert_eq!(
        app.call(&rep, "staff/list", json!({})).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(&manager, "staff/list", json!({})).await.status(),
        StatusCode::OK
    );
    // and nothing changed
    let n: i64 = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM employees WHERE active = TRUE"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(n, 10);
}

#[tokio::test]
async fn anonymous_callers_are_unauthorized() {
    let app = spawn_app().await;
    let c = app.client();
    for path in ["staff/list", "dashboard"] {
        assert_eq!(
            app.call(&c, path, json!({})).await.status(),
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_owner_adds_an_employee_who_can_then_sign_in() {
    let app = spawn_app().await;
    let owner = app.signed_in("laoban").await;
    let r = app
        .call(
            &owner,
            "staff/add",
            json!({ "input": new_rep("Xiao.Chen"), "password": "chen-2026!" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["login"], "xiao.chen");
    assert_eq!(e["active"], true);
    let list: Vec<Value> = app
        .call(&owner, "staff/list", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert!(list.iter().any(|x| x["login"] == "xiao.chen"));
    assert_eq!(
        app.sign_in(&app.client(), "xiao.chen", "chen-2026!")
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn bad_employee_input_is_refused_field_by_field_and_nothing_is_saved() {
    let app = spawn_app().await;
    let owner = app.signed_in("laoban").await;
    let bad = json!({ "name": "", "login": "x", "phone": "12", "role": "boss", "territory": "" });
    let r = app
        .call(
            &owner,
            "staff/add",
            json!({ "input": bad, "password": "short" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    let fields: Vec<&str> = body["Validation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "login", "phone", "role", "password"]);
    let n: i64 = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM employees"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(n, 11);
    // a taken login is a field error too, not a server error
    let dup = app
        .call(
            &owner,
            "staff/add",
            json!({ "input": new_rep("LINA"), "password": "12345678" }),
        )
        .await;
    assert_eq!(dup.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = dup.json().await.unwrap();
    assert_eq!(
        body["Validation"][0],
        json!({ "field": "login", "code": "Taken" })
    );
}

#[tokio::test]
async fn malformed_and_oversized_requests_are_client_errors() {
    let app = spawn_app().await;
    let owner = app.signed_in("laoban").await;
    let garbled = owner
        .post(format!("{}/api/staff/add", app.base))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(garbled.status(), StatusCode::BAD_REQUEST);
    let missing = app
        .call(&owner, "staff/add", json!({ "password": "12345678" }))
        .await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    let huge = "x".repeat(2 * 1024 * 1024);
    let big = app
        .call(
            &owner,
            "staff/add",
            json!({ "input": new_rep("big"), "password": huge }),
        )
        .await;
    assert_eq!(big.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn deactivation_ends_the_employees_sessions_at_once() {
    let app = spawn_app().await;
    let owner = app.signed_in("laoban").await;
    let lina = app.signed_in("lina").await;
    assert_eq!(
        app.call(&lina, "dashboard", json!({})).await.status(),
        StatusCode::OK
    );
    let id = app.demo_employee_id("lina").await;
    let r = app
        .call(
            &owner,
            "staff/set-active",
            json!({ "id": id, "version": 1, "active": false }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        app.call(&lina, "dashboard", json!({})).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.sign_in(&app.client(), "lina", PW).await.status(),
        StatusCode::FORBIDDEN
    );
    // reactivated, she can sign in again
    let r = app
        .call(
            &owner,
            "staff/set-active",
            json!({ "id": id, "version": 2, "active": true }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        app.sign_in(&app.client(), "lina", PW).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_password_reset_ends_sessions_and_only_the_new_password_works() {
    let app = spawn_app().await;
    let owner = app.signed_in("laoban").await;
    let rep = app.signed_in("sunli").await;
    let id = app.demo_employee_id("sunli").await;
    let short = app
        .call(
            &owner,
            "staff/reset-password",
            json!({ "id": id, "password": "123" }),
        )
        .await;
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .call(
            &owner,
            "staff/reset-password",
            json!({ "id": id, "password": "sunli-new-pass" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        app.call(&rep, "dashboard", json!({})).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.sign_in(&app.client(), "sunli", PW).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.sign_in(&app.client(), "sunli", "sunli-new-pass")
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_stale_edit_is_refused_instead_of_overwriting() {
    let app = spawn_app().await;
    let owner = app.signed_in("laoban").await;
    let id = app.demo_employee_id("zhaolei").await;
    let mut input = json!({ "name": "赵磊", "login": "zhaolei", "phone": "13908310013", "role": "rep", "territory": "北碚区" });
    let first = app
        .call(
            &owner,
            "staff/update",
            json!({ "id": id, "version": 1, "input": input }),
        )
        .await;
    assert_eq!(first.status(), StatusCode::OK);
    input["territory"] = json!("璧山区");
    let stale = app
        .call(
            &owner,
            "staff/update",
            json!({ "id": id, "version": 1, "input": input }),
        )
        .await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    assert_eq!(
        stale.json::<Value>().await.unwrap(),
        json!({ "Conflict": "StaleVersion" })
    );
    let t: String = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT territory FROM employees WHERE login = 'zhaolei'"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(t, "北碚区");
}

#[tokio::test]
async fn the_company_always_keeps_an_active_owner() {
    let app = spawn_app().await;
    let owner = app.signed_in("laoban").await;
    let me = app.demo_employee_id("laoban").await;
    let demote = json!({ "name": "陈建国", "login": "laoban", "phone": "", "role": "manager", "territory": "" });
    let r = app
        .call(
            &owner,
            "staff/update",
            json!({ "id": me, "version": 1, "input": demote }),
        )
        .await;
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({ "Conflict": "LastOwner" })
    );
    let r = app
        .call(
            &owner,
            "staff/set-active",
            json!({ "id": me, "version": 1, "active": false }),
        )
        .await;
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({ "Conflict": "OwnAccount" })
    );
    // once a manager is promoted, the first owner may step down
    let liumin = app.demo_employee_id("liumin").await;
    let promote =
        json!({ "name": "刘敏", "login": "liumin", "phone": "", "role": "owner", "territory": "" });
    assert_eq!(
        app.call(
            &owner,
            "staff/update",
            json!({ "id": liumin, "version": 1, "input": promote })
        )
        .await
        .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.call(
            &owner,
            "staff/update",
            json!({ "id": me, "version": 1, "input": demote })
        )
        .await
        .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn companies_never_see_each_others_staff() {
    let app = spawn_app().await;
    app.add_company("成都蜀香商贸", "boss.cd").await;
    let other = app.signed_in("boss.cd").await;
    let list: Vec<Value> = app
        .call(&other, "staff/list", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["login"], "boss.cd");
    let lina = app.demo_employee_id("lina").await;
    let edit = json!({ "name": "x", "login": "lina", "phone": "", "role": "rep", "territory": "" });
    let r = app
        .call(
            &other,
            "staff/update",
            json!({ "id": lina, "version": 1, "input": edit }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app
        .call(
            &other,
            "staff/set-active",
            json!({ "id": lina, "version": 1, "active": false }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app
        .call(
            &other,
            "staff/reset-password",
            json!({ "id": lina, "password": "hijacked-pw" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.sign_in(&app.client(), "lina", PW).await.status(),
        StatusCode::OK
    );
    let dash: Value = app
        .call(&other, "dashboard", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(dash["staff_total"], 1);
}
