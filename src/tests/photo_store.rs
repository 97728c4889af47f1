//! Photos in an S3-compatible bucket (`QUDAO_PHOTO_URL`), as several app servers share
//! them. The bucket is served by moto's S3 server (PyPI, installed by `tools/setup.sh
//! s3`), started here when `QUDAO_TEST_S3` names its program, as `make test` does.
use crate::helpers::*;
use qudao::server::config::Config;
use qudao::server::db::on;
use qudao::server::files::{PhotoStore, StoreError};
use reqwest::StatusCode;

/// moto's S3 server on a free port, stopped when dropped.
struct S3Server {
    child: std::process::Child,
    endpoint: String,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The S3 server of this test, or `None` outside `make test` (`QUDAO_TEST_S3` unset).
async fn s3_server() -> Option<S3Server> {
    let program = std::env::var("QUDAO_TEST_S3").ok()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new(&program)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("QUDAO_TEST_S3={program} does not start: {e}"));
    let server = S3Server {
        child,
        endpoint: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if client.get(&server.endpoint).send().await.is_ok() {
            return Some(server);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the S3 server {program} did not answer within 30 s");
}

impl S3Server {
    /// The settings an app needs for this server (any key: moto checks signatures' form).
    fn options(&self) -> Vec<(String, String)> {
        [
            ("aws_endpoint", self.endpoint.as_str()),
            ("aws_allow_http", "true"),
            ("aws_access_key_id", "qudao-test"),
            ("aws_secret_access_key", "qudao-test"),
            ("aws_region", "us-east-1"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .to_vec()
    }

    async fn create_bucket(&self, name: &str) {
        let r = reqwest::Client::new()
            .put(format!("{}/{name}", self.endpoint))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "creating bucket {name}");
    }

    fn store(&self, url: &str) -> PhotoStore {
        PhotoStore::bucket(url, &self.options()).unwrap()
    }
}

/// The photo rows of `table`.
async fn rows(app: &TestApp, table: &str) -> i64 {
    on!(&app.pool, |ex| sqlx::query_scalar(&format!(
        "SELECT count(*) FROM {table}"
    ))
    .fetch_one(ex)
    .await)
    .unwrap()
}

#[tokio::test]
async fn photos_in_a_bucket_are_shared_by_two_apps_and_backed_up_from_it() {
    let Some(s3) = s3_server().await else {
        eprintln!("no QUDAO_TEST_S3: run by `make test` with moto's S3 server");
        return;
    };
    s3.create_bucket("qudao-photos").await;
    let url = "s3://qudao-photos/live";
    let options = s3.options();
    let a = spawn_app_with(|c| {
        c.photo_url = Some(url.into());
        c.photo_options = options.clone();
    })
    .await;
    let b = spawn_beside(&a, |c| {
        c.photo_url = Some(url.into());
        c.photo_options = options.clone();
    })
    .await;
    let rep = a.signed_in("zhangwei").await;
    let (customer, _) = crate::customers::customer_of(&a, "zhangwei").await;

    // uploaded through one app, served by the other
    let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[7u8; 3000][..]].concat();
    let up = rep
        .post(format!("{}/api/customers/{customer}/photos", a.base))
        .body(jpeg.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(up.status(), StatusCode::CREATED);
    let photo: String = up.json().await.unwrap();
    let got = b.get(&rep, &format!("/photos/{photo}")).await;
    assert_eq!(got.status(), StatusCode::OK);
    assert_eq!(got.bytes().await.unwrap().as_ref(), &jpeg[..]);
    let other_rep = a.signed_in("lina").await;
    let hidden = b.get(&other_rep, &format!("/photos/{photo}")).await;
    assert_eq!(
        hidden.status(),
        StatusCode::NOT_FOUND,
        "another rep's customer"
    );

    // a visit photo sent to one app and retried on the other is kept once
    let rep_id: uuid::Uuid = a.demo_employee_id("zhangwei").await.parse().unwrap();
    let visit: uuid::Uuid = on!(&a.pool, |ex| sqlx::query_scalar(
        "SELECT v.id FROM visits v JOIN customers c ON c.id = v.customer_id \
         WHERE c.rep_id = $1 ORDER BY v.id LIMIT 1",
    )
    .bind(rep_id)
    .fetch_one(ex)
    .await)
    .unwrap();
    let visit_photo = uuid::Uuid::new_v4();
    let path = format!("/api/visits/{visit}/photos/{visit_photo}");
    let first = rep
        .put(format!("{}{path}", a.base))
        .body(PNG.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let retry = rep
        .put(format!("{}{path}", b.base))
        .body(PNG.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(retry.status(), StatusCode::OK);
    // a retry carrying other bytes never replaces the photo kept
    let other = [PNG, b"other bytes".as_slice()].concat();
    let again = rep
        .put(format!("{}{path}", b.base))
        .body(other)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    let got = a.get(&rep, &format!("/visit-photos/{visit_photo}")).await;
    assert_eq!(got.bytes().await.unwrap().as_ref(), PNG);

    // the files are in the bucket, under the folder layout, and nowhere else
    let company = qudao::server::seed::DEMO_COMPANY_ID;
    let mut keys = s3.store(url).keys().await.unwrap();
    keys.sort();
    assert_eq!(
        keys,
        [
            format!("{company}/customers/{photo}.jpg"),
            format!("{company}/visits/{visit_photo}.png"),
        ],
        "no staged copy is left"
    );
    // a bucket never overwrites a placed photo either (a conditional put)
    let store = s3.store("s3://qudao-photos/overwrite");
    let first = store.stage("k.png", b"first").await.unwrap();
    store.place(first, "k.png", b"first").await.unwrap();
    let second = store.stage("k.png", b"second").await.unwrap();
    let refused = store.place(second, "k.png", b"second").await;
    assert!(
        matches!(refused, Err(StoreError::AlreadyExists { .. })),
        "{refused:?}"
    );
    assert_eq!(
        store.read("k.png").await.unwrap().as_deref(),
        Some(&b"first"[..])
    );
    assert_eq!(store.keys().await.unwrap(), ["k.png"]);
    for app in [&a, &b] {
        let local = app.db_path.parent().unwrap().join("photos");
        assert!(!local.exists(), "{} holds photos", local.display());
    }

    // a backup holds the bucket's photos; a restore fills another, empty, one
    {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("backup");
        let live = s3.store(url);
        let config = Config {
            database_url: a.database_url.clone(),
            pg_bin: pg_bin(),
            ..Config::default()
        };
        let copied = qudao::server::backup::backup(&a.pool, &live, &folder, &config)
            .await
            .unwrap();
        assert_eq!((copied.photos, copied.missing.len()), (2, 0));
        let restored = s3.store("s3://qudao-photos/restored");
        let target = Config {
            database_url: match crate::pg::cluster() {
                Some(admin) => crate::pg::empty_database(&admin).await,
                None => format!("sqlite://{}", dir.path().join("restored.db").display()),
            },
            ..config.clone()
        };
        let copied = qudao::server::backup::restore(&folder, &target, &restored)
            .await
            .unwrap();
        assert_eq!(copied.photos, 2);
        let key = format!("{company}/customers/{photo}.jpg");
        assert_eq!(
            restored.read(&key).await.unwrap().as_deref(),
            Some(&jpeg[..])
        );
        // never over photos already there
        let again = Config {
            database_url: match crate::pg::cluster() {
                Some(admin) => crate::pg::empty_database(&admin).await,
                None => format!("sqlite://{}", dir.path().join("again.db").display()),
            },
            ..config.clone()
        };
        let refused = qudao::server::backup::restore(&folder, &again, &restored)
            .await
            .unwrap_err();
        assert!(refused.to_string().contains("not empty"), "{refused}");
        let untouched = qudao::server::db::connect(&again.database_url)
            .await
            .unwrap();
        let tables: i64 = on!(&untouched, |ex| sqlx::query_scalar(
            if untouched.is_sqlite() {
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            } else {
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            }
        )
        .fetch_one(ex)
        .await)
        .unwrap();
        assert_eq!(tables, 0, "nothing restored into the database");
    }

    // deleted through one app: gone for both, and from the bucket
    let r = b
        .call(
            &rep,
            "customers/delete-photo",
            serde_json::json!({ "id": photo }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        a.get(&rep, &format!("/photos/{photo}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(s3.store(url).keys().await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_unreachable_bucket_fails_the_upload_without_saving_half_of_it() {
    // nothing listens on this port: bound, then let go
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = spawn_app_with(|c| {
        c.photo_url = Some("s3://qudao-photos".into());
        c.photo_options = [
            ("aws_endpoint", format!("http://127.0.0.1:{port}")),
            ("aws_allow_http", "true".into()),
            ("aws_access_key_id", "k".into()),
            ("aws_secret_access_key", "s".into()),
            ("aws_region", "us-east-1".into()),
        ]
        .map(|(k, v)| (k.to_owned(), v))
        .to_vec();
    })
    .await;
    let rep = app.signed_in("zhangwei").await;
    let (customer, _) = crate::customers::customer_of(&app, "zhangwei").await;
    let before = rows(&app, "customer_photos").await;
    let started = std::time::Instant::now();
    let r = rep
        .post(format!("{}/api/customers/{customer}/photos", app.base))
        .body(PNG.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("Internal") && !body.contains(&port.to_string()),
        "no detail reaches the user: {body}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(25),
        "answered within the request timeout: {:?}",
        started.elapsed()
    );
    assert_eq!(
        rows(&app, "customer_photos").await,
        before,
        "no row without its file"
    );
}
