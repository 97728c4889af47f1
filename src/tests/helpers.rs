//! `spawn_app()` and friends.
use qudao::domain::ids::CompanyId;
use qudao::server::config::Config;
use qudao::server::db::Pool;
use qudao::server::db::on;
use qudao::server::state::AppState;
use qudao::server::{db, http, seed};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::path::PathBuf;

pub const PW: &str = seed::DEMO_PASSWORD;

pub struct TestApp {
    pub base: String,
    pub addr: SocketAddr,
    pub pool: Pool,
    /// The database the app serves (`sqlite://…` or, under `QUDAO_TEST_PG`, a database
    /// of its own on the test cluster), for commands run beside it.
    pub database_url: String,
    /// The SQLite file (on PostgreSQL: a path in the app's temporary folder where
    /// nothing is).
    pub db_path: PathBuf,
    _dir: tempfile::TempDir,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the app on a fresh database seeded with the demo company, after letting the
/// test adjust the configuration.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    spawn(adjust, true).await
}

/// Where PostgreSQL's `pg_dump` and `pg_restore` are (`tools/pg.sh` sets `QUDAO_PG_BIN`).
pub fn pg_bin() -> Option<PathBuf> {
    std::env::var_os("QUDAO_PG_BIN").map(PathBuf::from)
}

/// Starts a second app on the database `other` serves (as a second `qudao serve` would),
/// after letting the test adjust the configuration.
pub async fn spawn_beside(other: &TestApp, adjust: impl FnOnce(&mut Config)) -> TestApp {
    let url = other.database_url.clone();
    spawn(
        move |c| {
            c.database_url = url;
            adjust(c);
        },
        false,
    )
    .await
}

/// Starts the app on a fresh, migrated database holding no company (a production
/// install before its owner is created).
pub async fn spawn_empty_app() -> TestApp {
    spawn(|_| {}, false).await
}

async fn spawn(adjust: impl FnOnce(&mut Config), demo: bool) -> TestApp {
    watchdog::watch_this_test();
    // the server's errors, shown with the output of the test that caused them
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("qudao=error"))
        .with_test_writer()
        .try_init();
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("qudao-test.db");
    let database_url = match crate::pg::cluster() {
        Some(admin) => crate::pg::fresh_database(&admin, demo).await,
        None => {
            if demo {
                std::fs::write(&db_path, sqlite_demo().await).unwrap();
            }
            format!("sqlite://{}", db_path.display())
        }
    };
    let copied = database_url.clone();
    let mut config = Config {
        database_url,
        photo_dir: dir.path().join("photos"),
        ..Config::default()
    };
    adjust(&mut config);
    let pool = db::connect(&config.database_url).await.unwrap();
    db::migrate(&pool).await.unwrap();
    if demo && pool.is_sqlite() && config.database_url != copied {
        seed::seed_demo(&pool).await.unwrap();
    }
    let database_url = config.database_url.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    config.addr = addr;
    let state = AppState::new(pool.clone(), config).unwrap();
    let app = http::router(state);
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    TestApp {
        base: format!("http://{addr}"),
        addr,
        pool,
        database_url,
        db_path,
        _dir: dir,
    }
}

/// The demo company, seeded once per test process into a SQLite file, as that file's
/// bytes: each app starts from a copy of its own, as on PostgreSQL (see `crate::pg`) —
/// seeding takes seconds, a copy milliseconds.
async fn sqlite_demo() -> &'static [u8] {
    static DEMO: tokio::sync::OnceCell<Vec<u8>> = tokio::sync::OnceCell::const_new();
    DEMO.get_or_init(|| async {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.db");
        let pool = db::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        db::migrate(&pool).await.unwrap();
        seed::seed_demo(&pool).await.unwrap();
        // everything in the main file, so the file alone is the database
        if let Pool::Sqlite(p) = &pool {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(p)
                .await
                .unwrap();
        }
        pool.close().await;
        std::fs::read(&path).unwrap()
    })
    .await
}

/// Runs `command` (the `qudao` binary, say) to its end off the test's thread, so the app
/// the test started keeps serving while the command works on the same database (waiting
/// on the test's own thread would freeze the app — its connections' work included — for
/// as long as the command runs).
pub async fn output(mut command: std::process::Command) -> std::process::Output {
    tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap()
}

/// A test that hangs fails the suite with its name instead of holding it until CI's
/// time runs out: every test that starts an app is watched from then until its thread
/// ends (after its runtime has shut down, so a hang in teardown counts too), and past
/// [`watchdog::limit`] the process stops, naming the tests still running.
pub mod watchdog {
    use std::cell::RefCell;
    use std::collections::BTreeMap;
    use std::io::Write as _;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Mutex, Once};
    use std::time::{Duration, Instant};

    /// Tests under watch whose thread has not ended: id → (test, when it started its app).
    static RUNNING: Mutex<BTreeMap<u64, (String, Instant)>> = Mutex::new(BTreeMap::new());
    static NEXT: AtomicU64 = AtomicU64::new(0);
    static WATCH: Once = Once::new();

    /// How long one test may run: `QUDAO_TEST_LIMIT_SECS`, else 300 s (the slowest test
    /// takes about 40 s here).
    pub fn limit() -> Duration {
        let secs = std::env::var("QUDAO_TEST_LIMIT_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(300);
        Duration::from_secs(secs)
    }

    /// The tests that have run longer than `limit` at `now`, with how long.
    pub fn overdue(
        running: &BTreeMap<u64, (String, Instant)>,
        now: Instant,
        limit: Duration,
    ) -> Vec<(String, Duration)> {
        running
            .values()
            .map(|(name, started)| (name.clone(), now.saturating_duration_since(*started)))
            .filter(|(_, ran)| *ran > limit)
            .collect()
    }

    fn watch() {
        let limit = limit();
        loop {
            std::thread::sleep(Duration::from_secs(5));
            let late = overdue(
                &RUNNING.lock().unwrap_or_else(|e| e.into_inner()),
                Instant::now(),
                limit,
            );
            if !late.is_empty() {
                // straight to the process's stderr: this thread inherited the capture of
                // the test that started it, and eprintln! would write into that buffer
                let mut err = std::io::stderr().lock();
                for (name, ran) in late {
                    let _ = writeln!(
                        err,
                        "test {name} has run {} s (limit {} s): stopping the suite",
                        ran.as_secs(),
                        limit.as_secs()
                    );
                }
                let _ = err.flush();
                std::process::exit(101);
            }
        }
    }

    thread_local! {
        static THIS_TEST: RefCell<Option<Watched>> = const { RefCell::new(None) };
    }

    /// Watches the test running on this thread until the thread ends. libtest runs each
    /// test on a thread of its own named after it (with `--test-threads=1` too); the main
    /// thread, which outlives any test, is never watched.
    pub fn watch_this_test() {
        if std::thread::current().name() == Some("main") {
            return;
        }
        THIS_TEST.with(|watched| {
            let mut watched = watched.borrow_mut();
            if watched.is_none() {
                *watched = Some(Watched::start());
            }
        });
    }

    /// One test under watch, named after its thread.
    pub struct Watched(u64);

    impl Watched {
        fn start() -> Self {
            WATCH.call_once(|| {
                std::thread::spawn(watch);
            });
            let id = NEXT.fetch_add(1, Ordering::Relaxed);
            let name = std::thread::current().name().unwrap_or("a test").to_owned();
            RUNNING
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(id, (name, Instant::now()));
            Watched(id)
        }
    }

    impl Drop for Watched {
        fn drop(&mut self) {
            RUNNING
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&self.0);
        }
    }

    #[test]
    fn only_tests_past_the_limit_are_named() {
        let now = Instant::now();
        let mut running = BTreeMap::new();
        running.insert(1, ("quick".to_owned(), now - Duration::from_secs(10)));
        running.insert(2, ("stuck".to_owned(), now - Duration::from_secs(301)));
        let late = overdue(&running, now, Duration::from_secs(300));
        assert_eq!(late.len(), 1);
        assert_eq!(late[0].0, "stuck");
        assert!(late[0].1 >= Duration::from_secs(301));
        assert!(overdue(&running, now, Duration::from_secs(400)).is_empty());
    }
}

impl TestApp {
    /// An app served at `addr` on `database_url` by another process (`qudao serve`) or
    /// a server the test built itself, for the same helpers; `pool` is the test's own
    /// connection to that database.
    pub fn served_by_process(addr: SocketAddr, database_url: &str, pool: Pool) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        TestApp {
            base: format!("http://{addr}"),
            addr,
            pool,
            database_url: database_url.to_owned(),
            db_path: dir.path().join("none.db"),
            _dir: dir,
        }
    }

    /// A browser-like client: keeps cookies, does not follow redirects, and gives up on
    /// an answer after two minutes (the server cuts a request at 30 s; a test waiting on
    /// one that never comes fails with the path instead of hanging the suite).
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .timeout(std::time::Duration::from_secs(120))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// Calls a server function (`/api/{path}`) with a JSON body.
    pub async fn call(&self, client: &Client, path: &str, body: Value) -> Response {
        client
            .post(format!("{}/api/{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// Posts a form the way a browser does before the page's script runs: URL-encoded
    /// fields to `/api/{path}`, asking for HTML, from page `from` of this site.
    pub async fn post_form(
        &self,
        client: &Client,
        path: &str,
        from: &str,
        fields: &[(&str, &str)],
    ) -> Response {
        client
            .post(format!("{}/api/{path}", self.base))
            .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
            .header("origin", &self.base)
            .header("sec-fetch-site", "same-origin")
            .header("referer", format!("{}{from}", self.base))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    pub async fn sign_in(&self, client: &Client, login: &str, password: &str) -> Response {
        self.call(
            client,
            "login",
            json!({ "login": login, "password": password }),
        )
        .await
    }

    /// A client signed in as `login` (demo password).
    pub async fn signed_in(&self, login: &str) -> Client {
        let c = self.client();
        let r = self.sign_in(&c, login, PW).await;
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "sign-in as {login}: {}",
            r.text().await.unwrap()
        );
        c
    }

    /// A page request as a browser sends it (accepting HTML).
    pub async fn get(&self, client: &Client, path: &str) -> Response {
        client
            .get(format!("{}{path}", self.base))
            .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
            .send()
            .await
            .unwrap()
    }

    pub async fn demo_employee_id(&self, login: &str) -> String {
        let id: uuid::Uuid = on!(&self.pool, |ex| sqlx::query_scalar(
            "SELECT id FROM employees WHERE login = $1 AND company_id = $2"
        )
        .bind(login)
        .bind(seed::DEMO_COMPANY_ID.0)
        .fetch_one(ex)
        .await)
        .unwrap();
        id.to_string()
    }

    /// A second company with one owner `login`, for tenant-isolation tests.
    pub async fn add_company(&self, name: &str, login: &str) -> CompanyId {
        use qudao::domain::ids::EmployeeId;
        use qudao::domain::staff::{EmployeeFields, EmployeeInput};
        use qudao::server::db::{companies, employees};
        let id = CompanyId::new_random();
        let hash = qudao::server::auth::hash_password(PW.into()).await.unwrap();
        let mut tx = self.pool.begin().await.unwrap();
        companies::insert(&mut tx, id, name, chrono::Utc::now())
            .await
            .unwrap();
        let fields = EmployeeFields::parse(&EmployeeInput {
            name: "另一位老板".into(),
            login: login.into(),
            role: "owner".into(),
            ..EmployeeInput::default()
        })
        .unwrap();
        employees::insert(
            &mut tx,
            id,
            EmployeeId::new_random(),
            &fields,
            &hash,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        id
    }
}

/// The code of the first customer (by code) served by demo rep `login`.
pub async fn code_of(app: &TestApp, login: &str) -> String {
    let rep: uuid::Uuid = app.demo_employee_id(login).await.parse().unwrap();
    on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT code FROM customers WHERE company_id = $1 AND rep_id = $2 ORDER BY code LIMIT 1",
    )
    .bind(seed::DEMO_COMPANY_ID.0)
    .bind(rep)
    .fetch_one(ex)
    .await)
    .unwrap()
}

/// Every cookie a response sets, as its `Set-Cookie` headers say.
pub fn set_cookies(r: &Response) -> Vec<String> {
    r.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_owned)
        .collect()
}

/// The session token the client's sign-in response set.
pub fn session_cookie(r: &Response) -> Option<String> {
    set_cookies(r)
        .into_iter()
        .find(|v| v.starts_with("qudao_session="))
}

/// The smallest valid PNG, for photo uploads.
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";

/// Where a plain form post was sent back to, and the error it carries (`__err`, decoded).
pub fn form_answer(r: &Response) -> (String, Option<Value>) {
    use base64::Engine as _;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "a plain form post is answered with a redirect"
    );
    let location = r
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let err = location
        .split(['?', '&', '#'])
        .find_map(|p| p.strip_prefix("__err="))
        .map(|v| v.replace("%3D", "="))
        .and_then(|v| base64::engine::general_purpose::URL_SAFE.decode(v).ok())
        .and_then(|b| serde_json::from_slice(&b).ok());
    (location, err)
}

/// The `(field, code)` pairs of a validation answer.
pub fn errors(body: &Value) -> Vec<(String, String)> {
    body["Validation"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or("").to_owned(),
                e["code"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// Calls a server function that must succeed; its answer.
pub async fn ok(app: &TestApp, c: &Client, path: &str, body: Value) -> Value {
    let r = app.call(c, path, body).await;
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(
        status,
        StatusCode::OK,
        "{path}: {}",
        &text[..text.len().min(400)]
    );
    serde_json::from_str(&text).unwrap()
}

/// Calls server function `F` with its own typed arguments — the struct the app sends —
/// so a field a test names wrongly does not compile (the tablet's stored records read
/// unknown fields leniently, so an untyped body would pass one over silently).
pub async fn send<F>(app: &TestApp, c: &Client, args: &F) -> Response
where
    F: leptos::server_fn::ServerFn + serde::Serialize,
{
    c.post(format!("{}{}", app.base, F::PATH))
        .json(args)
        .send()
        .await
        .unwrap()
}

/// [`send`] for a call that must succeed: its answer, typed.
pub async fn sent<F>(app: &TestApp, c: &Client, args: &F) -> F::Output
where
    F: leptos::server_fn::ServerFn + serde::Serialize,
    F::Output: serde::de::DeserializeOwned,
{
    let r = send(app, c, args).await;
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(
        status,
        StatusCode::OK,
        "{}: {}",
        F::PATH,
        &text[..text.len().min(400)]
    );
    serde_json::from_str(&text).unwrap()
}

/// [`send`] for a call expected to refuse: the status and the answer.
pub async fn refusal<F>(app: &TestApp, c: &Client, args: &F) -> (StatusCode, Value)
where
    F: leptos::server_fn::ServerFn + serde::Serialize,
{
    let r = send(app, c, args).await;
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Calls a server function expected to refuse; the status and the answer.
pub async fn refused(app: &TestApp, c: &Client, path: &str, body: Value) -> (StatusCode, Value) {
    let r = app.call(c, path, body).await;
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The body of a download that must succeed (status 200).
pub async fn download(request: reqwest::RequestBuilder) -> Vec<u8> {
    let r = request.send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "a download");
    r.bytes().await.unwrap().to_vec()
}

/// One ranked row as the segmentation table shows it: (id, code, name, total).
pub type ClassifiedRow = (String, String, String, i64);

/// A classification as the segmentation page gets it: its totals, then every row asked for
/// as the table pages (`segmentation/rows`, as many as it will give at once). Checks on
/// the way what the page relies on: each answer has the page's stamp and at most
/// `MAX_ROWS` rows, the rows carry the totals the page ranked, in order, the first rows
/// sent with the page are the ranking's first, and past the end there is nothing.
pub async fn classification(
    app: &TestApp,
    c: &Client,
    query: Value,
) -> (Value, Vec<ClassifiedRow>) {
    use qudao::domain::segmentation::RankedTotals;
    use qudao::features::segmentation::api::{MAX_ROWS, TABLE_PAGE};
    let body = ok(app, c, "segmentation/classify", json!({ "query": query })).await;
    let totals: RankedTotals = serde_json::from_value(body["totals"].clone()).unwrap();
    let row = |r: &Value| -> ClassifiedRow {
        (
            r[0].as_str().unwrap().to_owned(),
            r[1].as_str().unwrap().to_owned(),
            r[2].as_str().unwrap().to_owned(),
            r[3].as_i64().unwrap(),
        )
    };
    let mut rows: Vec<ClassifiedRow> = Vec::new();
    loop {
        let page = ok(
            app,
            c,
            "segmentation/rows",
            json!({ "query": query, "start": rows.len(), "count": u32::MAX }),
        )
        .await;
        assert_eq!(page["stamp"], body["stamp"], "the ranking did not change");
        assert_eq!(page["start"], json!(rows.len()));
        let got = page["rows"].as_array().unwrap();
        assert!(got.len() <= MAX_ROWS as usize);
        if got.is_empty() {
            break;
        }
        rows.extend(got.iter().map(row));
    }
    let first: Vec<ClassifiedRow> = body["first"].as_array().unwrap().iter().map(row).collect();
    assert_eq!(first.len(), totals.0.len().min(TABLE_PAGE));
    assert_eq!(first[..], rows[..first.len()]);
    assert_eq!(
        rows.iter().map(|r| r.3).collect::<Vec<_>>(),
        totals.0,
        "the rows are the ranking's"
    );
    (body, rows)
}
