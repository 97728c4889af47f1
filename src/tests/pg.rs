//! The integration suite on PostgreSQL: with `QUDAO_TEST_PG` set to a cluster's admin URL
//! (`tools/pg.sh run …` starts a throwaway cluster and sets it), every app a test starts
//! gets a database of its own, cloned from a template migrated (and seeded with the demo
//! company) once per test process — a clone takes about 0.1 s where seeding takes
//! seconds.
use qudao::server::{db, seed};
use sqlx::{Connection as _, Executor as _, PgConnection};

/// The admin URL of the test cluster, when the suite runs on PostgreSQL.
pub fn cluster() -> Option<String> {
    std::env::var("QUDAO_TEST_PG")
        .ok()
        .filter(|u| !u.is_empty())
}

/// The templates of this process: (empty, demo).
static TEMPLATES: tokio::sync::Mutex<Option<(String, String)>> =
    tokio::sync::Mutex::const_new(None);

/// `admin` with its database replaced by `name`.
fn database_url(admin: &str, name: &str) -> String {
    let base = admin.rsplit_once('/').map_or(admin, |(b, _)| b);
    format!("{base}/{name}")
}

/// Runs `CREATE DATABASE …`, waiting while the template still has a session (a closed
/// pool's server processes take a moment to end).
async fn create_database(conn: &mut PgConnection, sql: &str) {
    for _ in 0..50 {
        match conn.execute(sql).await {
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("55006") => {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            done => {
                done.unwrap();
                return;
            }
        }
    }
    panic!("{sql}: the template stayed in use");
}

async fn admin_connection(admin: &str) -> PgConnection {
    PgConnection::connect(admin)
        .await
        .unwrap_or_else(|e| panic!("the test cluster at {admin} does not answer: {e}"))
}

/// Makes the two templates of this process.
async fn templates(admin: &str) -> (String, String) {
    let tag = format!(
        "qd_t{}_{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    );
    let (empty, demo) = (format!("{tag}_empty"), format!("{tag}_demo"));
    let mut conn = admin_connection(admin).await;
    create_database(&mut conn, &format!("CREATE DATABASE {empty}")).await;
    let pool = db::connect(&database_url(admin, &empty)).await.unwrap();
    db::migrate(&pool).await.unwrap();
    pool.close().await;
    create_database(
        &mut conn,
        &format!("CREATE DATABASE {demo} TEMPLATE {empty}"),
    )
    .await;
    let pool = db::connect(&database_url(admin, &demo)).await.unwrap();
    seed::seed_demo(&pool).await.unwrap();
    pool.close().await;
    (empty, demo)
}

/// A new database on the cluster: migrated, and holding the demo company if `demo`.
/// Its URL.
pub async fn fresh_database(admin: &str, demo: bool) -> String {
    let mut guard = TEMPLATES.lock().await;
    if guard.is_none() {
        *guard = Some(templates(admin).await);
    }
    let Some((empty, with_demo)) = guard.as_ref() else {
        unreachable!("made above")
    };
    let template = if demo { with_demo } else { empty };
    let name = format!("qd_{}", uuid::Uuid::new_v4().simple());
    let mut conn = admin_connection(admin).await;
    create_database(
        &mut conn,
        &format!("CREATE DATABASE {name} TEMPLATE {template}"),
    )
    .await;
    conn.close().await.unwrap();
    database_url(admin, &name)
}

/// A new database on the cluster with no table at all (what `createdb` makes). Its URL.
pub async fn empty_database(admin: &str) -> String {
    let name = format!("qd_{}", uuid::Uuid::new_v4().simple());
    let mut conn = admin_connection(admin).await;
    create_database(&mut conn, &format!("CREATE DATABASE {name}")).await;
    conn.close().await.unwrap();
    database_url(admin, &name)
}
