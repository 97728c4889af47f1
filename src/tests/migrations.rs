//! Migrations on a database that already holds data: the rebuild of `employees` for the
//! driver role keeps every employee, every reference to one and every session (nobody is
//! signed out by the upgrade), and foreign keys hold afterwards; the sales batches' ranges
//! of order ids are filled from the lines already stored.
use std::borrow::Cow;

#[tokio::test]
async fn adding_the_driver_role_keeps_employees_their_references_and_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    let pool = qudao::server::db::connect_sqlite(&url).await.unwrap();
    // the schema as it was before the driver role
    let all = sqlx::migrate!("./migrations/sqlite");
    let mut before = sqlx::migrate!("./migrations/sqlite");
    before.migrations = Cow::Owned(
        all.migrations
            .iter()
            .filter(|m| m.version < 20261202000002)
            .cloned()
            .collect(),
    );
    before.run(&pool).await.unwrap();
    let (company, rep, owner) = (
        uuid::Uuid::new_v4(),
        uuid::Uuid::new_v4(),
        uuid::Uuid::new_v4(),
    );
    let now = chrono::Utc::now();
    sqlx::query(
        "INSERT INTO companies (id, name, created_at, updated_at) VALUES ($1, '老店', $2, $3)",
    )
    .bind(company)
    .bind(now)
    .bind(now)
    .execute(&pool)
    .await
    .unwrap();
    for (id, login, role) in [(rep, "rep1", "rep"), (owner, "boss", "owner")] {
        sqlx::query(
            "INSERT INTO employees (company_id, id, name, login, role, password_hash, created_at, updated_at) \
             VALUES ($1, $2, '员工', $3, $4, 'x', $5, $6)",
        )
        .bind(company)
        .bind(id)
        .bind(login)
        .bind(role)
        .bind(now)
        .bind(now)
        .execute(&pool)
        .await
        .unwrap();
    }
    sqlx::query(
        "INSERT INTO sessions (id, company_id, employee_id, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, 1, 1, 4102444800)",
    )
    .bind(vec![7u8; 32])
    .bind(company)
    .bind(rep)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO trainings (company_id, id, employee_id, day, topic, tenths, created_by, created_at) \
         VALUES ($1, $2, $3, '2026-11-01', '陈列标准', 15, $4, $5)",
    )
    .bind(company)
    .bind(uuid::Uuid::new_v4())
    .bind(rep)
    .bind(owner)
    .bind(now)
    .execute(&pool)
    .await
    .unwrap();

    qudao::server::db::migrate(&qudao::server::db::Pool::Sqlite(pool.clone()))
        .await
        .unwrap();

    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(count("SELECT count(*) FROM employees").await, 2);
    assert_eq!(
        count("SELECT count(*) FROM sessions").await,
        1,
        "nobody signed out"
    );
    assert_eq!(count("SELECT count(*) FROM trainings").await, 1);
    assert_eq!(
        count("SELECT count(*) FROM pragma_foreign_key_check").await,
        0
    );
    assert_eq!(
        count("SELECT count(*) FROM sqlite_master WHERE name = 'employees_login'").await,
        1
    );
    // the new role is accepted, an unknown one still refused, references still enforced
    sqlx::query("UPDATE employees SET role = 'driver' WHERE login = 'rep1'")
        .execute(&pool)
        .await
        .unwrap();
    assert!(
        sqlx::query("UPDATE employees SET role = 'boss' WHERE login = 'rep1'")
            .execute(&pool)
            .await
            .is_err()
    );
    assert!(
        sqlx::query("DELETE FROM employees WHERE login = 'rep1'")
            .execute(&pool)
            .await
            .is_err(),
        "the training still points at the employee"
    );
    assert!(
        sqlx::query("INSERT INTO employees (company_id, id, name, login, role, password_hash, created_at, updated_at) VALUES ($1, $2, 'x', 'boss', 'rep', 'x', '', '')")
            .bind(company)
            .bind(uuid::Uuid::new_v4())
            .execute(&pool)
            .await
            .is_err(),
        "a login stays unique within the company"
    );
}

/// Lines stored before the batches knew their range of order ids: the migration fills
/// each range from the lines, in the key's byte order on both engines, and a batch is then
/// undone whole by it, without the lines of another batch inside its range; an undone
/// batch is kept, marked once.
#[tokio::test]
async fn each_batch_gets_the_range_of_its_stored_orders_and_is_undone_by_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    check_the_order_range_migration(&url).await;
    if let Some(admin) = crate::pg::cluster() {
        check_the_order_range_migration(&crate::pg::empty_database(&admin).await).await;
    }
}

async fn check_the_order_range_migration(url: &str) {
    use qudao::server::db::{self, Engine, on, sales};
    const RANGES: i64 = 20261210000001;
    let pool = db::connect(url).await.unwrap();
    let mut before = match pool.engine() {
        Engine::Sqlite(_) => sqlx::migrate!("./migrations/sqlite"),
        Engine::Postgres(_) => sqlx::migrate!("./migrations/postgres"),
    };
    before.migrations = Cow::Owned(
        before
            .migrations
            .iter()
            .filter(|m| m.version < RANGES)
            .cloned()
            .collect(),
    );
    match pool.engine() {
        Engine::Sqlite(p) => before.run(p).await,
        Engine::Postgres(p) => before.run(p).await,
    }
    .unwrap();
    let company = uuid::Uuid::new_v4();
    let id = |hex: &str| uuid::Uuid::parse_str(hex).unwrap();
    // the byte order crosses a digit-to-letter step in the text ("09…" < "0a…")
    let (o1, o3, o5) = (
        id("09ffffff-ffff-7fff-bfff-ffffffffffff"),
        id("0a000000-0000-7000-8000-000000000000"),
        id("f0000000-0000-7000-8000-000000000001"),
    );
    let (x, y, empty) = (
        uuid::Uuid::now_v7(),
        uuid::Uuid::now_v7(),
        uuid::Uuid::now_v7(),
    );
    {
        // the ledger's own rows without the customers and products they name: references
        // are not what this migration is about
        let mut conn = pool.acquire().await.unwrap();
        match conn.engine() {
            Engine::Sqlite(c) => sqlx::query("PRAGMA foreign_keys = OFF")
                .execute(c)
                .await
                .map(|_| ()),
            Engine::Postgres(c) => sqlx::query("SET session_replication_role = replica")
                .execute(c)
                .await
                .map(|_| ()),
        }
        .unwrap();
        // the company itself: deleting lines moves its sales counter
        on!(conn, |ex| sqlx::query(
            "INSERT INTO companies (id, name, created_at, updated_at) VALUES ($1, '老店', $2, $2)"
        )
        .bind(company)
        .bind(chrono::Utc::now())
        .execute(&mut *ex)
        .await
        .map(|_| ()))
        .unwrap();
        for (batch, n) in [(x, 3), (y, 1), (empty, 0)] {
            on!(conn, |ex| sqlx::query(
                "INSERT INTO sales_batches (company_id, id, source, file_name, line_count, \
                 created_by, created_at, fingerprint) VALUES ($1, $2, 'import', 'f.csv', $3, NULL, $4, $5)"
            )
            .bind(company)
            .bind(batch)
            .bind(n)
            .bind(chrono::Utc::now())
            .bind(format!("sha-of-{batch}"))
            .execute(&mut *ex)
            .await
            .map(|_| ()))
            .unwrap();
        }
        // X's lines at both ends of its range, Y's in between
        for (order, line_no, batch) in [(o5, 1, x), (o3, 1, y), (o1, 1, x), (o1, 2, x)] {
            on!(conn, |ex| sqlx::query(
                "INSERT INTO sales_lines (company_id, order_id, line_no, order_date, customer_id, \
                 product_id, rep_id, quantity, amount, cost, batch_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, NULL, 1, 100, 60, $7)"
            )
            .bind(company)
            .bind(order)
            .bind(line_no)
            .bind(chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap())
            .bind(uuid::Uuid::new_v4())
            .bind(uuid::Uuid::new_v4())
            .bind(batch)
            .execute(&mut *ex)
            .await
            .map(|_| ()))
            .unwrap();
        }
        match conn.engine() {
            Engine::Sqlite(c) => sqlx::query("PRAGMA foreign_keys = ON")
                .execute(c)
                .await
                .map(|_| ()),
            Engine::Postgres(c) => sqlx::query("RESET session_replication_role")
                .execute(c)
                .await
                .map(|_| ()),
        }
        .unwrap();
    }
    db::migrate(&pool).await.unwrap();

    let mut conn = pool.acquire().await.unwrap();
    let mut ranges = Vec::new();
    for batch in [x, y, empty] {
        ranges.push(
            on!(conn, |ex| sqlx::query_as::<_, (Option<uuid::Uuid>, Option<uuid::Uuid>)>(
                "SELECT first_order, last_order FROM sales_batches WHERE company_id = $1 AND id = $2"
            )
            .bind(company)
            .bind(batch)
            .fetch_one(&mut *ex)
            .await)
            .unwrap(),
        );
    }
    assert_eq!(
        ranges,
        [(Some(o1), Some(o5)), (Some(o3), Some(o3)), (None, None)],
        "{url}"
    );
    let company = qudao::domain::ids::CompanyId(company);
    let (first_undo, later) = (
        chrono::Utc::now(),
        chrono::Utc::now() + chrono::Duration::hours(1),
    );
    assert_eq!(
        sales::undo_batch(&mut conn, company, x, first_undo)
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        sales::undo_batch(&mut conn, company, empty, first_undo)
            .await
            .unwrap(),
        0
    );
    let left: Vec<(uuid::Uuid, uuid::Uuid)> = on!(conn, |ex| sqlx::query_as(
        "SELECT order_id, batch_id FROM sales_lines WHERE company_id = $1"
    )
    .bind(company.0)
    .fetch_all(&mut *ex)
    .await)
    .unwrap();
    assert_eq!(left, [(o3, y)], "Y's line, inside X's range, stays");
    // undone batches are kept and marked, once, without their file's fingerprint (the
    // file may come again); Y is untouched
    assert_eq!(
        sales::undo_batch(&mut conn, company, x, later)
            .await
            .unwrap(),
        0
    );
    type Kept = (
        uuid::Uuid,
        Option<uuid::Uuid>,
        bool,
        Option<chrono::DateTime<chrono::Utc>>,
    );
    let kept: Vec<Kept> = on!(conn, |ex| sqlx::query_as(
        "SELECT id, first_order, fingerprint IS NOT NULL, undone_at FROM sales_batches \
         WHERE company_id = $1 ORDER BY id"
    )
    .bind(company.0)
    .fetch_all(&mut *ex)
    .await)
    .unwrap();
    let at = |t: chrono::DateTime<chrono::Utc>| Some(t.timestamp_micros());
    let kept: Vec<_> = kept
        .into_iter()
        .map(|(id, first, fingerprint, undone)| (id, first, fingerprint, undone.and_then(at)))
        .collect();
    assert_eq!(
        kept,
        [
            (x, None, false, at(first_undo)),
            (y, Some(o3), true, None),
            (empty, None, false, at(first_undo)),
        ],
        "{url}"
    );
    drop(conn);
    pool.close().await;
}
