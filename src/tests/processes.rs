//! Several app processes on one PostgreSQL database: each app here has its own state —
//! its own pool, in-memory search and sales indexes, sign-in throttle in the database —
//! as a second `qudao serve` would, and only the database is shared. (SQLite serves one
//! process; these run where the suite has a PostgreSQL cluster.)
use crate::helpers::*;
use qudao::server::db::on;
use qudao::server::seed::DEMO_COMPANY_ID;
use serde_json::json;

/// How many customers the list finds for `search`.
async fn listed(app: &TestApp, c: &reqwest::Client, search: &str) -> i64 {
    let found = crate::customers::list(app, c, json!({ "search": search })).await;
    found["total"].as_i64().unwrap()
}

#[tokio::test]
async fn two_app_processes_share_sessions_changes_and_the_overdue_job() {
    let Some(admin) = crate::pg::cluster() else {
        eprintln!("no QUDAO_TEST_PG: run by `make test` on PostgreSQL");
        return;
    };
    let url = crate::pg::fresh_database(&admin, true).await;
    let a = spawn_app_with(|c| c.database_url = url.clone()).await;
    let b = spawn_app_with(|c| c.database_url = url.clone()).await;
    assert_eq!(a.database_url, b.database_url);

    // a session made on one is valid on the other (cookies do not depend on the port)
    let owner = a.client();
    assert_eq!(a.sign_in(&owner, "laoban", PW).await.status(), 200);
    let me: serde_json::Value = b
        .call(&owner, "session", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["user"]["login"], "laoban", "{me}");

    // b lists first (its index is warm), then a change made through a shows through b
    assert_eq!(listed(&b, &owner, "两进程改名").await, 0);
    let id: uuid::Uuid = on!(&a.pool, |ex| sqlx::query_scalar(
        "SELECT id FROM customers WHERE company_id = $1 ORDER BY code LIMIT 1"
    )
    .bind(DEMO_COMPANY_ID.0)
    .fetch_one(ex)
    .await)
    .unwrap();
    let d: serde_json::Value = a
        .call(&owner, "customers/get", json!({ "id": id }))
        .await
        .json()
        .await
        .unwrap();
    let mut values = d["values"].clone();
    values["name"] = json!("两进程改名商店");
    let r = a
        .call(
            &owner,
            "customers/update",
            json!({ "id": id, "version": d["version"], "group": "Basic", "values": values }),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(listed(&b, &owner, "两进程改名").await, 1);
    assert_eq!(listed(&a, &owner, "两进程改名").await, 1);

    // writers take turns across processes, as on SQLite: a second one waits for the first
    let first = a.pool.begin().await.unwrap();
    let second = tokio::spawn({
        let pool = b.pool.clone();
        async move { pool.begin().await.map(drop) }
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!second.is_finished(), "the second writer waits");
    first.commit().await.unwrap();
    second.await.unwrap().unwrap();

    // the overdue job, run by both at once, marks each breached ticket once: every open
    // delivery was ordered three days ago (past any standard) and is not marked yet
    let breached = || async {
        on!(&a.pool, |ex| sqlx::query_scalar::<_, i64>(
            "SELECT (SELECT count(*) FROM objections WHERE breached_at IS NOT NULL) \
             + (SELECT count(*) FROM deliveries WHERE breached_at IS NOT NULL)"
        )
        .fetch_one(ex)
        .await)
        .unwrap()
    };
    let now = chrono::Utc::now();
    let open = on!(&a.pool, |ex| sqlx::query(
        "UPDATE deliveries SET breached_at = NULL, ordered_at = $1, promised_at = NULL \
         WHERE delivered_at IS NULL"
    )
    .bind(now - chrono::Duration::days(3))
    .execute(ex)
    .await
    .map(|d| d.rows_affected()))
    .unwrap();
    assert!(open > 0, "the demo has open deliveries");
    let before = breached().await;
    let (x, y) = tokio::join!(
        qudao::server::jobs::mark_overdue(&a.pool, now),
        qudao::server::jobs::mark_overdue(&b.pool, now)
    );
    let marked = x.unwrap() + y.unwrap();
    assert!(
        marked >= usize::try_from(open).unwrap(),
        "every late delivery is marked"
    );
    assert_eq!(
        i64::try_from(marked).unwrap(),
        breached().await - before,
        "each ticket marked by one process only"
    );
}
