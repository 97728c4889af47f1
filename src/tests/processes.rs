//! Several app processes on one PostgreSQL database: each app here has its own state —
//! its own pool, in-memory search and sales indexes, sign-in throttle in the database —
//! as a second `qudao serve` would, and only the database is shared. (SQLite serves one
//! process; these run where the suite has a PostgreSQL cluster.) The last test starts two
//! real `qudao serve` processes of this build.
use crate::helpers::*;
use qudao::server::db::on;
use qudao::server::seed::DEMO_COMPANY_ID;
use serde_json::json;

/// How many customers the list finds for `search`.
async fn listed(app: &TestApp, c: &reqwest::Client, search: &str) -> i64 {
    let found = crate::customers::list(app, c, json!({ "search": search })).await;
    found["total"].as_i64().unwrap()
}

/// How many tickets are marked as breached.
async fn breached(pool: &qudao::server::db::Pool) -> i64 {
    on!(pool, |ex| sqlx::query_scalar::<_, i64>(
        "SELECT (SELECT count(*) FROM objections WHERE breached_at IS NOT NULL) \
         + (SELECT count(*) FROM deliveries WHERE breached_at IS NOT NULL)"
    )
    .fetch_one(ex)
    .await)
    .unwrap()
}

/// Makes every open delivery (not delivered, not cancelled) three days old (past any
/// standard) and not yet marked;
/// answers how many there are.
async fn make_open_deliveries_late(
    pool: &qudao::server::db::Pool,
    now: chrono::DateTime<chrono::Utc>,
) -> u64 {
    let open = on!(pool, |ex| sqlx::query(
        "UPDATE deliveries SET breached_at = NULL, ordered_at = $1, promised_at = NULL \
         WHERE delivered_at IS NULL AND cancelled_at IS NULL"
    )
    .bind(now - chrono::Duration::days(3))
    .execute(ex)
    .await
    .map(|d| d.rows_affected()))
    .unwrap();
    assert!(open > 0, "the demo has open deliveries");
    open
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
    let breached = || breached(&a.pool);
    let now = chrono::Utc::now();
    let open = make_open_deliveries_late(&a.pool, now).await;
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

/// A `qudao serve` process of this build, killed when dropped.
struct Serve {
    child: std::process::Child,
    app: TestApp,
    log: std::path::PathBuf,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    /// Starts `qudao serve` on `url` with the photo folder `photos`; waits until it
    /// answers `/healthz`.
    async fn start(url: &str, photos: &std::path::Path, log: std::path::PathBuf) -> Serve {
        let addr = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let out = std::fs::File::create(&log).unwrap();
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_qudao"));
        // only this test's settings (not a photo bucket or a port of the caller's)
        for (name, _) in std::env::vars_os() {
            let name_text = name.to_string_lossy();
            if name_text.starts_with("QUDAO_") || name_text.starts_with("AWS_") {
                command.env_remove(&name);
            }
        }
        let child = command
            .arg("serve")
            .env("QUDAO_DATABASE_URL", url)
            .env("QUDAO_ADDR", addr.to_string())
            .env("QUDAO_PHOTO_DIR", photos)
            .env("LEPTOS_OUTPUT_NAME", "qudao")
            .env("RUST_LOG", "qudao=info")
            .env("NO_COLOR", "1")
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap();
        let pool = qudao::server::db::connect(url).await.unwrap();
        let serve = Serve {
            child,
            app: TestApp::served_by_process(addr, url, pool),
            log,
        };
        let client = serve.app.client();
        for _ in 0..600 {
            let up = client
                .get(format!("{}/healthz", serve.app.base))
                .send()
                .await;
            if up.is_ok_and(|r| r.status().is_success()) {
                return serve;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!(
            "qudao serve did not answer within 60 s:\n{}",
            std::fs::read_to_string(&serve.log).unwrap_or_default()
        );
    }

    /// How many tickets this process's overdue job marked, from its log.
    fn marked(&self) -> usize {
        let log = std::fs::read_to_string(&self.log).unwrap();
        log.lines()
            .filter(|l| l.contains("tickets breached their standard"))
            .filter_map(|l| l.split("marked=").nth(1))
            // a line still being written counts once it is whole
            .filter_map(|n| {
                n.split(|c: char| !c.is_ascii_digit())
                    .next()?
                    .parse::<usize>()
                    .ok()
            })
            .sum()
    }
}

/// The same, with two real `qudao serve` processes of this build on one database, as an
/// operator runs them behind a proxy: a session, a change and a photo made through one
/// are seen through the other, and the overdue job both start with marks each late
/// ticket once.
#[tokio::test]
async fn two_qudao_serve_processes_share_one_postgresql_database() {
    let Some(admin) = crate::pg::cluster() else {
        eprintln!("no QUDAO_TEST_PG: run by `make test` on PostgreSQL");
        return;
    };
    let url = crate::pg::fresh_database(&admin, true).await;
    // late deliveries, not marked yet: the job both processes run at start marks them
    let setup = qudao::server::db::connect(&url).await.unwrap();
    let late = make_open_deliveries_late(&setup, chrono::Utc::now()).await;
    let breached = || breached(&setup);
    let before = breached().await;
    let dir = tempfile::tempdir().unwrap();
    let photos = dir.path().join("photos");
    let (a, b) = tokio::join!(
        Serve::start(&url, &photos, dir.path().join("a.log")),
        Serve::start(&url, &photos, dir.path().join("b.log")),
    );

    // a session made on one is valid on the other
    let owner = a.app.client();
    assert_eq!(a.app.sign_in(&owner, "laoban", PW).await.status(), 200);
    let me: serde_json::Value = b
        .app
        .call(&owner, "session", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["user"]["login"], "laoban", "{me}");

    // a change through one shows through the other, whose index was warm
    assert_eq!(listed(&b.app, &owner, "两个进程").await, 0);
    let r = a
        .app
        .call(
            &owner,
            "customers/create",
            json!({ "values": { "code": "PROC-2", "name": "两个进程商店", "kind": "二批" } }),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(listed(&b.app, &owner, "两个进程").await, 1);

    // a photo uploaded through one is served by the other (a shared folder here; a
    // bucket across machines: tests/photo_store.rs)
    let (customer, _) = crate::customers::customer_of(&a.app, "zhangwei").await;
    let rep = a.app.signed_in("zhangwei").await;
    let up = rep
        .post(format!("{}/api/customers/{customer}/photos", a.app.base))
        .body(PNG.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(up.status(), 201);
    let photo: String = up.json().await.unwrap();
    let got = b.app.get(&rep, &format!("/photos/{photo}")).await;
    assert_eq!(got.bytes().await.unwrap().as_ref(), PNG);

    // the job ran in both; each late ticket was marked by one of them
    let mut waited = 0;
    while breached().await - before < i64::try_from(late).unwrap() && waited < 300 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waited += 1;
    }
    let newly = breached().await - before;
    assert!(
        newly >= i64::try_from(late).unwrap(),
        "every late delivery is marked"
    );
    // (a process logs its count just after its commit)
    for _ in 0..100 {
        if i64::try_from(a.marked() + b.marked()).unwrap() >= newly {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        i64::try_from(a.marked() + b.marked()).unwrap(),
        newly,
        "each ticket marked by one process only"
    );
}
