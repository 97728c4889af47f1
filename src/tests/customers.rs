//! Customer profiles over HTTP: rep isolation through every path, search and filters,
//! validation, hierarchy, optimistic locking with the changes shown, history and restore,
//! assignment, photos, tenants.
use crate::helpers::{TestApp, spawn_app};
use qudao::server::db::on;
use qudao::server::seed::DEMO_COMPANY_ID;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

pub async fn list(app: &TestApp, c: &Client, query: Value) -> Value {
    let mut q = json!({ "search": "", "kind": "", "terminal_type": "", "status": "", "district": "",
        "township": "", "rep": "", "parent": "", "sort": "", "desc": false, "page": 1 });
    for (k, v) in query.as_object().unwrap() {
        q[k] = v.clone();
    }
    let r = app.call(c, "customers/list", json!({ "query": q })).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

/// Some customer assigned to `login`, as (id, code).
pub async fn customer_of(app: &TestApp, login: &str) -> (String, String) {
    let (id, code): (uuid::Uuid, String) = on!(&app.pool, |ex| sqlx::query_as(
        "SELECT c.id, c.code FROM customers c JOIN employees e ON e.company_id = c.company_id AND e.id = c.rep_id \
         WHERE e.login = $1 AND c.kind = 'terminal' ORDER BY c.code LIMIT 1",
    )
    .bind(login)
    .fetch_one(ex)
    .await)
    .unwrap();
    (id.to_string(), code)
}

async fn count_where(app: &TestApp, sql_where: &str) -> i64 {
    on!(&app.pool, |ex| sqlx::query_scalar(&format!(
        "SELECT count(*) FROM customers c WHERE {sql_where}"
    ))
    .fetch_one(ex)
    .await)
    .unwrap()
}

async fn get(app: &TestApp, c: &Client, id: &str) -> reqwest::Response {
    app.call(c, "customers/get", json!({ "id": id })).await
}

fn terminal(code: &str, name: &str) -> Value {
    json!({ "code": code, "name": name, "kind": "终端", "terminal_type": "便利店", "phone": "13811112222" })
}

#[tokio::test]
async fn a_rep_lists_only_their_own_customers_and_a_manager_lists_all() {
    let app = spawn_app().await;
    let rep = app.signed_in("zhangwei").await;
    let manager = app.signed_in("liumin").await;
    let all = list(&app, &manager, json!({})).await;
    assert_eq!(all["total"], count_where(&app, "TRUE").await);
    assert_eq!(all["rows"].as_array().unwrap().len(), 50);
    let mine = list(&app, &rep, json!({})).await;
    let zhangwei = app.demo_employee_id("zhangwei").await;
    let expected = count_where(
        &app,
        &if app.pool.is_sqlite() {
            format!("hex(c.rep_id) = upper(replace('{zhangwei}', '-', ''))")
        } else {
            format!("c.rep_id = '{zhangwei}'")
        },
    )
    .await;
    assert!(expected > 50);
    assert_eq!(mine["total"], expected);
    for row in mine["rows"].as_array().unwrap() {
        assert_eq!(row["rep_name"], "张伟");
    }
    // a rep cannot widen the scope by asking for another rep's customers
    let lina = app.demo_employee_id("lina").await;
    let other = list(&app, &rep, json!({ "rep": lina })).await;
    assert_eq!(other["total"], 0);
    // the last page holds the rest
    let pages = (expected + 49) / 50;
    let last = list(&app, &rep, json!({ "page": pages })).await;
    assert_eq!(
        last["rows"].as_array().unwrap().len() as i64,
        expected - (pages - 1) * 50
    );
}

#[tokio::test]
async fn another_reps_customer_is_not_found_by_any_function() {
    let app = spawn_app().await;
    let rep = app.signed_in("zhangwei").await;
    let (id, code) = customer_of(&app, "lina").await;
    let r = get(&app, &rep, &id).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app
        .call(
            &rep,
            "customers/update",
            json!({ "id": id, "version": 1, "group": "Basic", "values": terminal(&code, "改名") }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let found = list(&app, &rep, json!({ "search": code })).await;
    assert_eq!(found["total"], 0);
    // nor as a parent of the rep's own new customer
    let lina_sub: String = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT c.code FROM customers c JOIN employees e ON e.company_id = c.company_id AND e.id = c.rep_id \
         WHERE e.login = 'lina' AND c.kind = 'sub_distributor' LIMIT 1",
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    let mut t = terminal("NEW-1", "新店");
    t["parent_code"] = json!(lina_sub);
    let r = app
        .call(&rep, "customers/create", json!({ "values": t }))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({ "Validation": [{ "field": "parent_code", "code": "UnknownCustomer" }] })
    );
    // export holds only the rep's customers
    let csv = rep
        .get(format!(
            "{}/api/customers/export?format=csv&headers=en",
            app.base
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!csv.contains(&format!("\n{code},")));
    assert!(
        csv.lines().skip(1).all(|l| l.contains(",zhangwei,")),
        "only zhangwei's rows"
    );
}

#[tokio::test]
async fn search_finds_by_name_phone_and_pinyin_initials_and_filters_combine() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let by_initials = list(&app, &m, json!({ "search": "cqbh" })).await;
    assert!(by_initials["total"].as_i64().unwrap() > 0);
    for row in by_initials["rows"].as_array().unwrap() {
        assert!(
            row["name"].as_str().unwrap().starts_with("重庆百货"),
            "{row}"
        );
    }
    let by_name = list(&app, &m, json!({ "search": "重庆百货" })).await;
    assert_eq!(by_name["total"], by_initials["total"]);
    let phone: String = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT phone FROM customers WHERE phone IS NOT NULL LIMIT 1"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    let by_phone = list(&app, &m, json!({ "search": phone })).await;
    assert_eq!(by_phone["total"], 1);
    let filtered = list(&app, &m, json!({ "kind": "terminal", "terminal_type": "restaurant", "district": "江北区", "sort": "code", "desc": true })).await;
    let expected = count_where(
        &app,
        "kind = 'terminal' AND terminal_type = 'restaurant' AND district = '江北区'",
    )
    .await;
    assert_eq!(filtered["total"], expected);
    let codes: Vec<&str> = filtered["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(codes, sorted);
    // a search's pages come in the asked order, without overlap
    let p1 = list(&app, &m, json!({ "search": "便利店", "sort": "code" })).await;
    let p2 = list(
        &app,
        &m,
        json!({ "search": "便利店", "sort": "code", "page": 2 }),
    )
    .await;
    let expected = count_where(&app, "name LIKE '%便利店%'").await;
    assert_eq!(p1["total"], expected);
    let codes: Vec<String> = [&p1, &p2]
        .iter()
        .flat_map(|p| {
            p["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["code"].as_str().unwrap().to_owned())
        })
        .collect();
    assert_eq!(codes.len() as i64, expected.min(100));
    let mut sorted = codes.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(codes, sorted, "ascending, no repeats across pages");
    // characters with a meaning in LIKE or GLOB are searched literally
    for special in ["%", "*", "?", "[", "_"] {
        assert_eq!(
            list(&app, &m, json!({ "search": special })).await["total"],
            0,
            "{special}"
        );
    }
}

#[tokio::test]
async fn bad_customers_are_refused_field_by_field_and_nothing_is_saved() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let before = count_where(&app, "TRUE").await;
    let r = app
        .call(&m, "customers/create", json!({ "values": { "code": "A 1", "kind": "终端", "phone": "12345", "credit_limit": "1.234" } }))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    let fields: Vec<(&str, &Value)> = body["Validation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), &e["code"]))
        .collect();
    assert!(fields.contains(&("code", &json!("InvalidCode"))), "{body}");
    assert!(fields.contains(&("name", &json!("Required"))));
    assert!(fields.contains(&("terminal_type", &json!("Required"))));
    assert!(fields.contains(&("phone", &json!("InvalidPhone"))));
    assert!(fields.contains(&("credit_limit", &json!("TooManyDecimals"))));
    // a duplicate code
    let r = app
        .call(
            &m,
            "customers/create",
            json!({ "values": terminal("EP001", "重复") }),
        )
        .await;
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({ "Validation": [{ "field": "code", "code": "DuplicateCode" }] })
    );
    // a terminal as parent
    let mut t = terminal("T-NEW", "新店");
    t["parent_code"] = json!("ZD00001");
    let r = app
        .call(&m, "customers/create", json!({ "values": t }))
        .await;
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({ "Validation": [{ "field": "parent_code", "code": "ParentNotSubDistributor" }] })
    );
    // an unknown rep
    let mut t = terminal("T-NEW", "新店");
    t["rep_login"] = json!("nobody");
    let r = app
        .call(&m, "customers/create", json!({ "values": t }))
        .await;
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({ "Validation": [{ "field": "rep_login", "code": "UnknownEmployee" }] })
    );
    assert_eq!(count_where(&app, "TRUE").await, before);
}

#[tokio::test]
async fn a_hierarchy_cycle_is_refused() {
    let app = spawn_app().await;
    let m = app.signed_in("laoban").await;
    for (code, parent) in [("S-A", None), ("S-B", Some("S-A"))] {
        let mut v = json!({ "code": code, "name": code, "kind": "二批" });
        if let Some(p) = parent {
            v["parent_code"] = json!(p);
        }
        let r = app
            .call(&m, "customers/create", json!({ "values": v }))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    }
    let a: String = app.call(&m, "customers/list", json!({ "query": { "search": "s-a", "kind": "", "terminal_type": "", "status": "", "district": "", "township": "", "rep": "", "parent": "", "sort": "", "desc": false, "page": 1 } }))
        .await
        .json::<Value>()
        .await
        .unwrap()["rows"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .call(
            &m,
            "customers/update",
            json!({ "id": a, "version": 1, "group": "Basic",
            "values": { "code": "S-A", "name": "S-A", "kind": "二批", "parent_code": "S-B" } }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({ "Validation": [{ "field": "parent_code", "code": "ParentCycle" }] })
    );
}

#[tokio::test]
async fn a_stale_save_is_refused_with_the_changes_made_meanwhile() {
    let app = spawn_app().await;
    let first = app.signed_in("liumin").await;
    let second = app.signed_in("wangqiang").await;
    let (id, _) = customer_of(&app, "lina").await;
    let detail: Value = get(&app, &first, &id).await.json().await.unwrap();
    let version = detail["version"].as_i64().unwrap();
    let mut basic = detail["values"].clone();
    basic["address"] = json!("重庆市江北区观音桥步行街 1 号");
    let r = app
        .call(
            &first,
            "customers/update",
            json!({ "id": id, "version": version, "group": "Basic", "values": basic }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let saved: Value = r.json().await.unwrap();
    assert_eq!(saved["version"], version + 1);
    assert_eq!(saved["values"]["address"], "重庆市江北区观音桥步行街 1 号");
    // the second editor started from the old version
    let mut theirs = detail["values"].clone();
    theirs["contact"] = json!("另一人");
    let r = app
        .call(
            &second,
            "customers/update",
            json!({ "id": id, "version": version, "group": "Basic", "values": theirs }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let body: Value = r.json().await.unwrap();
    let change = &body["EditConflict"][0];
    assert_eq!(change["change"]["field"], "address");
    assert_eq!(change["change"]["new"], "重庆市江北区观音桥步行街 1 号");
    assert_eq!(change["by_name"], "刘敏");
    let now: Value = get(&app, &first, &id).await.json().await.unwrap();
    assert_ne!(
        now["values"]["contact"], "另一人",
        "nothing of the stale save stayed"
    );
}

#[tokio::test]
async fn every_change_is_recorded_and_a_manager_can_restore_it() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let rep = app.signed_in("lina").await;
    let (id, _) = customer_of(&app, "lina").await;
    let d: Value = get(&app, &rep, &id).await.json().await.unwrap();
    let old_name = d["values"]["name"].as_str().unwrap().to_owned();
    let mut v = d["values"].clone();
    v["name"] = json!("李娜改的名字");
    let r = app
        .call(
            &rep,
            "customers/update",
            json!({ "id": id, "version": d["version"], "group": "Basic", "values": v }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let d: Value = r.json().await.unwrap();
    let h = &d["history"][0];
    assert_eq!(h["change"]["field"], "name");
    assert_eq!(h["change"]["old"], old_name.as_str());
    assert_eq!(h["change"]["new"], "李娜改的名字");
    assert_eq!(h["by_name"], "李娜");
    // a rep may not restore; a manager may
    let args = json!({ "id": id, "version": d["version"], "change_version": h["version"], "field": "name" });
    assert_eq!(
        app.call(&rep, "customers/restore", args.clone())
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let r = app.call(&m, "customers/restore", args).await;
    assert_eq!(r.status(), StatusCode::OK);
    let d: Value = r.json().await.unwrap();
    assert_eq!(d["values"]["name"], old_name.as_str());
    assert_eq!(d["history"][0]["change"]["new"], old_name.as_str());
    assert_eq!(d["history_sources"][0], "restore");
}

#[tokio::test]
async fn reps_cannot_reassign_and_managers_assign_in_bulk() {
    let app = spawn_app().await;
    let rep = app.signed_in("zhangwei").await;
    let m = app.signed_in("liumin").await;
    let (id, _) = customer_of(&app, "zhangwei").await;
    let d: Value = get(&app, &rep, &id).await.json().await.unwrap();
    let mut v = d["values"].clone();
    v["rep_login"] = json!("lina");
    let r = app
        .call(
            &rep,
            "customers/update",
            json!({ "id": id, "version": d["version"], "group": "Basic", "values": v }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let lina = app.demo_employee_id("lina").await;
    let ids: Vec<String> = list(&app, &rep, json!({ "sort": "code" })).await["rows"]
        .as_array()
        .unwrap()[..3]
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    let r = app
        .call(&rep, "customers/assign", json!({ "ids": ids, "rep": lina }))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .call(&m, "customers/assign", json!({ "ids": ids, "rep": lina }))
        .await;
    assert_eq!(r.json::<u32>().await.unwrap(), 3);
    let lina_c = app.signed_in("lina").await;
    for id in &ids {
        assert_eq!(get(&app, &lina_c, id).await.status(), StatusCode::OK);
        assert_eq!(get(&app, &rep, id).await.status(), StatusCode::NOT_FOUND);
    }
    let d: Value = get(&app, &m, &ids[0]).await.json().await.unwrap();
    assert_eq!(d["history_sources"][0], "assign");
    assert_eq!(d["history"][0]["change"]["new"], "lina");
}

#[tokio::test]
async fn a_rep_creates_customers_for_themself_and_personal_data_needs_consent() {
    let app = spawn_app().await;
    let rep = app.signed_in("zhaolei").await;
    let r = app
        .call(
            &rep,
            "customers/create",
            json!({ "values": terminal("ZL-NEW", "赵磊新店") }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let id: String = r.json().await.unwrap();
    let d: Value = get(&app, &rep, &id).await.json().await.unwrap();
    assert_eq!(d["values"]["rep_login"], "zhaolei");
    assert_eq!(d["personal_visible"], true);
    let r = app
        .call(&rep, "customers/update", json!({ "id": id, "version": d["version"], "group": "Personal", "values": { "hobbies": "钓鱼" } }))
        .await;
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({ "Validation": [{ "field": "hobbies", "code": "ConsentRequired" }] })
    );
    let r = app
        .call(&rep, "customers/update", json!({ "id": id, "version": d["version"], "group": "Personal",
            "values": { "personal_consent": "是", "consent_date": "2026-11-01", "hobbies": "钓鱼" } }))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let d: Value = r.json().await.unwrap();
    assert_eq!(d["values"]["hobbies"], "钓鱼");
    // saving another group keeps the personal data
    let mut basic = d["values"].clone();
    basic["address"] = json!("沙坪坝区小龙坎正街 8 号");
    let r = app
        .call(
            &rep,
            "customers/update",
            json!({ "id": id, "version": d["version"], "group": "Basic", "values": basic }),
        )
        .await;
    let d: Value = r.json().await.unwrap();
    assert_eq!(d["values"]["hobbies"], "钓鱼");
    assert!(d["completeness"]["percent"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn photos_are_checked_stored_and_served_only_to_who_may_see_the_customer() {
    let app = spawn_app().await;
    let rep = app.signed_in("zhangwei").await;
    let other = app.signed_in("lina").await;
    let m = app.signed_in("liumin").await;
    let (id, _) = customer_of(&app, "zhangwei").await;
    let url = format!("{}/api/customers/{id}/photos?kind=storefront", app.base);
    let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[0u8; 2000][..]].concat();
    let r = rep
        .post(&url)
        .body(b"GIF89a not a photo".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({ "Validation": [{ "field": "photo", "code": "NotAnImage" }] })
    );
    let r = other.post(&url).body(jpeg.clone()).send().await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "another rep cannot add photos"
    );
    let r = rep.post(&url).body(jpeg.clone()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let photo: String = r.json().await.unwrap();
    let photo_url = format!("{}/photos/{photo}", app.base);
    let r = rep.get(&photo_url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    // kept by the browser, but asked for again each time: never shown from the cache to
    // someone the server would refuse (the next user of a shared tablet, or nobody)
    assert_eq!(r.headers()["cache-control"], "private, no-cache");
    let tag = r.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(r.bytes().await.unwrap().as_ref(), &jpeg[..]);
    let again = |c: &reqwest::Client| {
        c.get(&photo_url)
            .header(reqwest::header::IF_NONE_MATCH, &tag)
            .send()
    };
    let r = again(&rep).await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::NOT_MODIFIED,
        "the kept copy is good"
    );
    let weak = rep
        .get(&photo_url)
        .header(reqwest::header::IF_NONE_MATCH, format!("\"x\", W/{tag}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        weak.status(),
        StatusCode::NOT_MODIFIED,
        "a weakened tag in a list"
    );
    assert_eq!(r.headers()["cache-control"], "private, no-cache");
    assert!(r.bytes().await.unwrap().is_empty());
    assert_eq!(
        m.get(&photo_url).send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        other.get(&photo_url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        again(&other).await.unwrap().status(),
        StatusCode::NOT_FOUND,
        "holding the photo's tag proves nothing"
    );
    assert_eq!(
        app.client().get(&photo_url).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        again(&app.client()).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let d: Value = get(&app, &rep, &id).await.json().await.unwrap();
    assert_eq!(d["photos"][0]["id"], photo.as_str());
    let r = app
        .call(&other, "customers/delete-photo", json!({ "id": photo }))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app
        .call(&rep, "customers/delete-photo", json!({ "id": photo }))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        rep.get(&photo_url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        again(&rep).await.unwrap().status(),
        StatusCode::NOT_FOUND,
        "a deleted photo's kept copy is not confirmed"
    );
}

#[tokio::test]
async fn another_company_sees_none_of_the_demo_customers() {
    let app = spawn_app().await;
    app.add_company("别家经销商", "other.boss").await;
    let c = app.signed_in("other.boss").await;
    assert_eq!(list(&app, &c, json!({})).await["total"], 0);
    let (id, _) = customer_of(&app, "lina").await;
    assert_eq!(get(&app, &c, &id).await.status(), StatusCode::NOT_FOUND);
    // the same code may exist in both companies
    let r = app
        .call(
            &c,
            "customers/create",
            json!({ "values": terminal("EP001", "别家的店") }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let demo = count_where(
        &app,
        &if app.pool.is_sqlite() {
            format!(
                "hex(company_id) = '{}'",
                DEMO_COMPANY_ID.0.simple().to_string().to_uppercase()
            )
        } else {
            format!("company_id = '{}'", DEMO_COMPANY_ID.0)
        },
    )
    .await;
    assert_eq!(demo, 842);
}

#[tokio::test]
async fn signed_out_callers_get_nothing() {
    let app = spawn_app().await;
    let c = app.client();
    let r = app.call(&c, "customers/list", json!({ "query": {} })).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = c
        .get(format!("{}/api/customers/export", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_in_memory_search_agrees_with_sql_for_every_filter_and_order() {
    use qudao::domain::ids::EmployeeId;
    use qudao::server::db::customers::{self as repo, ListFilter, Scope, SortKey};
    use qudao::server::search_index::{SearchIndex, page};
    let app = spawn_app().await;
    let index = SearchIndex::default();
    let zhangwei: EmployeeId = app.demo_employee_id("zhangwei").await.parse().unwrap();
    let parent: uuid::Uuid = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT id FROM customers WHERE code = 'EP004'"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    let w = |s: &str| vec![s.to_owned()];
    let cases = [
        (Scope::All, ListFilter::default()),
        (Scope::Rep(zhangwei), ListFilter::default()),
        (
            Scope::All,
            ListFilter {
                words: w("便利店"),
                ..ListFilter::default()
            },
        ),
        (
            Scope::All,
            ListFilter {
                words: vec!["cq".into(), "bh".into()],
                ..ListFilter::default()
            },
        ),
        (
            Scope::Rep(zhangwei),
            ListFilter {
                words: w("超市"),
                kind: Some("terminal".into()),
                ..ListFilter::default()
            },
        ),
        (
            Scope::All,
            ListFilter {
                district: Some("江北区".into()),
                terminal_type: Some("restaurant".into()),
                ..ListFilter::default()
            },
        ),
        (
            Scope::All,
            ListFilter {
                rep: Some(None),
                ..ListFilter::default()
            },
        ),
        (
            Scope::All,
            ListFilter {
                parent: Some(parent),
                status: Some("active".into()),
                ..ListFilter::default()
            },
        ),
    ];
    let sorts = [
        SortKey::Name,
        SortKey::Code,
        SortKey::Region,
        SortKey::Updated,
        SortKey::Completeness,
    ];
    let mut conn = app.pool.acquire().await.unwrap();
    for round in 0..2 {
        if round == 1 {
            // changes after the first load: the index patches just these rows
            on!(conn, |ex| sqlx::query("UPDATE customers SET name = '一个改过的名字', search_text = search_text || '改过' WHERE code IN ('ZD00010', 'EP002')")
                .execute(&mut *ex)
                .await.map(|d| d.rows_affected()))
                .unwrap();
            on!(conn, |ex| sqlx::query(
                "UPDATE customers SET rep_id = NULL, district = '北碚区' WHERE code = 'ZD00100'",
            )
            .execute(&mut *ex)
            .await
            .map(|d| d.rows_affected()))
            .unwrap();
            let m = app.signed_in("liumin").await;
            let r = app
                .call(
                    &m,
                    "customers/create",
                    json!({ "values": terminal("ZZ-NEW", "便利店新开") }),
                )
                .await;
            assert_eq!(r.status(), StatusCode::OK);
        }
        for (scope, filter) in &cases {
            let snapshot = index.snapshot(&app.pool, DEMO_COMPANY_ID).await.unwrap();
            let sql_total = repo::count(&mut conn, DEMO_COMPANY_ID, *scope, filter)
                .await
                .unwrap();
            for sort in sorts {
                for desc in [false, true] {
                    for offset in [0usize, 50] {
                        let (total, ids) = page(&snapshot, *scope, filter, sort, desc, 50, offset);
                        let sql: Vec<uuid::Uuid> = repo::list(
                            &mut conn,
                            DEMO_COMPANY_ID,
                            *scope,
                            filter,
                            sort,
                            desc,
                            50,
                            offset as i64,
                        )
                        .await
                        .unwrap()
                        .into_iter()
                        .map(|r| r.id)
                        .collect();
                        assert_eq!(total, sql_total, "{scope:?} {filter:?}");
                        assert_eq!(
                            ids, sql,
                            "round {round} {scope:?} {filter:?} {sort:?} desc={desc} offset={offset}"
                        );
                    }
                }
            }
        }
    }
}

#[tokio::test]
async fn a_list_never_shows_an_older_state_than_the_database() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    assert_eq!(
        list(&app, &m, json!({ "search": "新名字甲" })).await["total"],
        0
    );
    // a change through the app
    let (id, _) = customer_of(&app, "lina").await;
    let d: Value = get(&app, &m, &id).await.json().await.unwrap();
    let mut v = d["values"].clone();
    v["name"] = json!("新名字甲");
    let r = app
        .call(
            &m,
            "customers/update",
            json!({ "id": id, "version": d["version"], "group": "Basic", "values": v }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        list(&app, &m, json!({ "search": "新名字甲" })).await["total"],
        1
    );
    // a change by another process (the command line, another server) straight in SQL
    on!(&app.pool, |ex| sqlx::query(
        "UPDATE customers SET rep_id = NULL, search_text = search_text || '新名字乙' WHERE id = $1",
    )
    .bind(id.parse::<uuid::Uuid>().unwrap())
    .execute(ex)
    .await
    .map(|d| d.rows_affected()))
    .unwrap();
    assert_eq!(
        list(&app, &m, json!({ "search": "新名字乙", "rep": "none" })).await["total"],
        1
    );
    let lina = app.signed_in("lina").await;
    assert_eq!(
        list(&app, &lina, json!({ "search": "新名字甲" })).await["total"],
        0,
        "no longer lina's"
    );
    // a deletion (none in the app yet; an operator's SQL) is noticed too
    let before = list(&app, &m, json!({})).await["total"].as_i64().unwrap();
    // its orders, sales, rollups, tiers and tickets first: they keep customers from
    // vanishing
    for table in ["payment_allocations"] {
        on!(&app.pool, |ex| sqlx::query(&format!(
            "DELETE FROM {table} WHERE payment_id IN (SELECT id FROM payments WHERE customer_id = $1)"
        ))
        .bind(id.parse::<uuid::Uuid>().unwrap())
        .execute(ex)
        .await
        .map(|d| d.rows_affected()))
        .unwrap();
    }
    for table in ["order_events", "order_lines", "invoices"] {
        on!(&app.pool, |ex| sqlx::query(&format!(
            "DELETE FROM {table} WHERE order_id IN (SELECT id FROM orders WHERE customer_id = $1)"
        ))
        .bind(id.parse::<uuid::Uuid>().unwrap())
        .execute(ex)
        .await
        .map(|d| d.rows_affected()))
        .unwrap();
    }
    for table in [
        "payments",
        "orders",
        "sales_lines",
        "sales_monthly",
        "customer_tiers",
        "tier_changes",
        "objections",
        "deliveries",
    ] {
        on!(&app.pool, |ex| sqlx::query(&format!(
            "DELETE FROM {table} WHERE customer_id = $1"
        ))
        .bind(id.parse::<uuid::Uuid>().unwrap())
        .execute(ex)
        .await
        .map(|d| d.rows_affected()))
        .unwrap();
    }
    on!(&app.pool, |ex| sqlx::query(
        "DELETE FROM customers WHERE id = $1"
    )
    .bind(id.parse::<uuid::Uuid>().unwrap())
    .execute(ex)
    .await
    .map(|d| d.rows_affected()))
    .unwrap();
    assert_eq!(
        list(&app, &m, json!({})).await["total"].as_i64().unwrap(),
        before - 1
    );
    assert_eq!(
        list(&app, &m, json!({ "search": "新名字甲" })).await["total"],
        0
    );
}

#[tokio::test]
async fn a_supplier_looked_after_by_another_rep_stays_hidden_and_linked() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let rep = app.signed_in("zhangwei").await;
    for v in [
        json!({ "code": "S-LINA", "name": "李娜的二批", "kind": "二批", "rep_login": "lina" }),
        json!({ "code": "T-ZW", "name": "张伟的店", "kind": "终端", "terminal_type": "超市", "parent_code": "S-LINA", "rep_login": "zhangwei" }),
    ] {
        let r = app
            .call(&m, "customers/create", json!({ "values": v }))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    }
    let rows = list(&app, &rep, json!({ "search": "T-ZW" })).await;
    let row = &rows["rows"][0];
    assert_eq!(row["code"], "T-ZW");
    assert_eq!(row["parent_name"], Value::Null);
    // the manager sees the whole row: the parent and the rep named
    let all = list(&app, &m, json!({ "search": "T-ZW" })).await;
    assert_eq!(all["rows"][0]["parent_name"], "李娜的二批");
    assert_eq!(row["rep_name"], "张伟");
    assert_eq!(all["rows"][0]["rep_name"], "张伟");
    assert_eq!(all["rows"][0]["terminal_type"], "supermarket");
    let id = row["id"].as_str().unwrap().to_owned();
    let d: Value = get(&app, &rep, &id).await.json().await.unwrap();
    assert_eq!(d["values"].get("parent_code"), None);
    assert_eq!(d["parent"], Value::Null);
    assert!(!d.to_string().contains("S-LINA") && !d.to_string().contains("李娜的二批"));
    // the rep saves the basic group (their form has no parent): the link stays
    let mut v = d["values"].clone();
    v["address"] = json!("渝北区两路 8 号");
    let r = app
        .call(
            &rep,
            "customers/update",
            json!({ "id": id, "version": d["version"], "group": "Basic", "values": v }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let parent: Option<String> = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT p.code FROM customers c JOIN customers p ON p.id = c.parent_id WHERE c.code = 'T-ZW'",
    )
    .fetch_optional(ex)
    .await)
    .unwrap();
    assert_eq!(parent.as_deref(), Some("S-LINA"));
    // nor does the export name it
    let csv = rep
        .get(format!(
            "{}/api/customers/export?format=csv&headers=en&q=T-ZW",
            app.base
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.contains("T-ZW") && !csv.contains("S-LINA"), "{csv}");
    // the manager sees the link
    let d: Value = get(&app, &m, &id).await.json().await.unwrap();
    assert_eq!(d["values"]["parent_code"], "S-LINA");
}

/// The list's region and sub-distributor choices come from the customer index; they are
/// what SQL finds among the customers each user sees, and follow a change at once.
#[tokio::test]
async fn the_filter_choices_are_the_regions_and_sub_distributors_each_user_sees() {
    let app = spawn_app().await;
    type Regions = Vec<(String, Vec<String>)>;
    let from_sql = |login: Option<&'static str>| {
        let pool = app.pool.clone();
        async move {
            let rep = login.map_or(String::new(), |l| {
                format!(" AND c.rep_id = (SELECT id FROM employees WHERE login = '{l}')")
            });
            let pairs: Vec<(String, Option<String>)> = on!(&pool, |ex| {
                sqlx::query_as(&format!(
                "SELECT DISTINCT c.district, c.township FROM customers c WHERE c.company_id = $1 \
                     AND c.district IS NOT NULL{rep}"
            ))
            .bind(DEMO_COMPANY_ID.0)
            .fetch_all(ex)
            .await
            })
            .unwrap();
            // byte order, on either engine (PostgreSQL's collation may differ)
            let mut pairs = pairs;
            pairs.sort();
            let mut regions: Regions = Vec::new();
            for (d, t) in pairs {
                match regions.last_mut() {
                    Some((last, ts)) if *last == d => ts.extend(t),
                    _ => regions.push((d, t.into_iter().collect())),
                }
            }
            let mut subs: Vec<(String, String)> = on!(&pool, |ex| sqlx::query_as(&format!(
                "SELECT c.code, c.name FROM customers c WHERE c.company_id = $1 \
                     AND c.kind = 'sub_distributor'{rep}"
            ))
            .bind(DEMO_COMPANY_ID.0)
            .fetch_all(ex)
            .await)
            .unwrap();
            subs.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
            (regions, subs.into_iter().map(|s| s.0).collect::<Vec<_>>())
        }
    };
    let choices = |c: Client| {
        let app = &app;
        async move {
            let v = crate::helpers::ok(app, &c, "customers/filters", json!({})).await;
            let regions: Regions = serde_json::from_value(v["regions"].clone()).unwrap();
            let subs: Vec<String> = v["sub_distributors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s[1].as_str().unwrap().to_owned())
                .collect();
            (regions, subs)
        }
    };
    let owner = app.signed_in("laoban").await;
    let rep = app.signed_in("zhangwei").await;
    let (all, all_subs) = choices(owner.clone()).await;
    assert!(all.len() > 1 && !all_subs.is_empty());
    assert_eq!((all.clone(), all_subs.clone()), from_sql(None).await);
    let (own, own_subs) = choices(rep.clone()).await;
    assert_eq!(
        (own.clone(), own_subs.clone()),
        from_sql(Some("zhangwei")).await
    );
    assert!(
        own.len() < all.len() || own_subs.len() < all_subs.len(),
        "a rep sees fewer"
    );
    // a new township of the rep's own customer is offered at once, to them and the owner
    on!(&app.pool, |ex| sqlx::query(
        "UPDATE customers SET district = '测试区', township = '新镇' WHERE id = \
         (SELECT c.id FROM customers c JOIN employees e ON e.id = c.rep_id \
          WHERE e.login = 'zhangwei' ORDER BY c.code LIMIT 1)"
    )
    .execute(ex)
    .await
    .map(|d| d.rows_affected()))
    .unwrap();
    for c in [owner, rep] {
        let (regions, _) = choices(c).await;
        assert!(regions.contains(&("测试区".to_owned(), vec!["新镇".to_owned()])));
    }
    assert_eq!(
        choices(app.signed_in("zhangwei").await).await.0,
        from_sql(Some("zhangwei")).await.0
    );
}
