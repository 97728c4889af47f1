//! Migrations on a database that already holds data: the rebuild of `employees` for the
//! driver role keeps every employee, every reference to one and every session (nobody is
//! signed out by the upgrade), and foreign keys hold afterwards.
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
