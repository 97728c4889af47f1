//! The two engines' schemas are the same schema: after every migration, SQLite and
//! PostgreSQL have the same tables, columns (name, nullability, kind of value), primary,
//! unique and foreign keys and indexes — and every key of a business table leads with
//! `company_id`, the column a distributed PostgreSQL (Citus) shards by. The SQLite side
//! always runs; the comparison runs where the suite has a PostgreSQL cluster
//! (`QUDAO_TEST_PG`, as `make test` provides).
use qudao::server::db;
use std::collections::{BTreeMap, BTreeSet};

/// One table as both engines can describe it.
#[derive(Debug, Default, PartialEq, Eq)]
struct Table {
    /// name → (kind, not null)
    columns: BTreeMap<String, (&'static str, bool)>,
    primary: Vec<String>,
    /// column lists of unique constraints and unique indexes (partial ones included)
    unique: BTreeSet<Vec<String>>,
    /// (columns, referenced table, referenced columns)
    foreign: BTreeSet<(Vec<String>, String, Vec<String>)>,
    /// index name → (columns, unique, partial)
    indexes: BTreeMap<String, (Vec<String>, bool, bool)>,
}

type Schema = BTreeMap<String, Table>;

/// Tables found before any company is known, keyed by their own key.
const UNSCOPED: [&str; 3] = ["companies", "sessions", "sign_in_failures"];

/// The kind of value a column holds, named the same for both engines.
fn kind_sqlite(table: &str, declared: &str, name: &str, checks: &str) -> &'static str {
    match declared {
        // a session is keyed by its token's hash
        "BLOB" if table == "sessions" && name == "id" => "bytes",
        "BLOB" => "uuid",
        "INTEGER" if checks.contains(&format!("{name} IN (0, 1)")) => "bool",
        "INTEGER" => "int",
        _ if name.ends_with("_at") => "instant",
        _ if [
            "order_date",
            "period_from",
            "period_to",
            "issued_on",
            "due_on",
            "paid_on",
        ]
        .contains(&name) =>
        {
            "date"
        }
        _ => "text",
    }
}

fn kind_postgres(ty: &str) -> &'static str {
    match ty {
        "uuid" => "uuid",
        "bytea" => "bytes",
        "boolean" => "bool",
        "bigint" => "int",
        "timestamp with time zone" => "instant",
        "date" => "date",
        "text" => "text",
        other => panic!("a PostgreSQL column of type {other}: map it to a kind"),
    }
}

async fn sqlite_schema() -> Schema {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("schema.db").display());
    let pool = db::connect_sqlite(&url).await.unwrap();
    db::migrate(&db::Pool::Sqlite(pool.clone())).await.unwrap();
    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut schema = Schema::new();
    for (name, sql) in tables {
        let mut t = Table::default();
        let cols: Vec<(i64, String, String, i64, Option<String>, i64)> =
            sqlx::query_as(&format!("PRAGMA table_info({name})"))
                .fetch_all(&pool)
                .await
                .unwrap();
        let mut pk: Vec<(i64, String)> = Vec::new();
        for (_, col, ty, notnull, _, pk_pos) in cols {
            if pk_pos > 0 {
                pk.push((pk_pos, col.clone()));
            }
            let kind = kind_sqlite(&name, &ty, &col, &sql);
            // a primary key column is never null (SQLite's table_info says so only
            // when it is declared NOT NULL)
            t.columns.insert(col, (kind, notnull == 1 || pk_pos > 0));
        }
        pk.sort();
        t.primary = pk.into_iter().map(|(_, c)| c).collect();
        let fks: Vec<(i64, i64, String, String, Option<String>)> = sqlx::query_as(&format!(
            "SELECT id, seq, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list('{name}')"
        ))
        .fetch_all(&pool)
        .await
        .unwrap();
        let mut by_id: BTreeMap<i64, (Vec<String>, String, Vec<String>)> = BTreeMap::new();
        for (id, _, to_table, from, to) in fks {
            let e = by_id
                .entry(id)
                .or_insert((Vec::new(), to_table, Vec::new()));
            e.0.push(from);
            // a reference without columns names the other table's primary key
            e.2.push(to.unwrap_or_else(|| "id".to_owned()));
        }
        t.foreign = by_id.into_values().collect();
        let indexes: Vec<(String, i64, String, i64)> = sqlx::query_as(&format!(
            "SELECT name, \"unique\", origin, partial FROM pragma_index_list('{name}')"
        ))
        .fetch_all(&pool)
        .await
        .unwrap();
        for (index, unique, origin, partial) in indexes {
            let cols: Vec<String> = sqlx::query_scalar(&format!(
                "SELECT name FROM pragma_index_info('{index}') ORDER BY seqno"
            ))
            .fetch_all(&pool)
            .await
            .unwrap();
            match origin.as_str() {
                "pk" => {}
                "u" => {
                    t.unique.insert(cols);
                }
                _ => {
                    if unique == 1 {
                        t.unique.insert(cols.clone());
                    }
                    t.indexes.insert(index, (cols, unique == 1, partial == 1));
                }
            }
        }
        schema.insert(name, t);
    }
    pool.close().await;
    schema
}

async fn postgres_schema(url: &str) -> Schema {
    let pool = db::connect(url).await.unwrap();
    db::migrate(&pool).await.unwrap();
    let db::Pool::Postgres(pool) = pool else {
        unreachable!("a postgres:// URL")
    };
    let mut schema = Schema::new();
    let cols: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text \
         FROM information_schema.columns WHERE table_schema = 'public' \
         AND table_name NOT LIKE '_sqlx%'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for (table, col, ty, nullable) in cols {
        schema
            .entry(table)
            .or_default()
            .columns
            .insert(col, (kind_postgres(&ty), nullable == "NO"));
    }
    // constraints: p(rimary), u(nique), f(oreign), with their columns in key order
    /// (table, p|u|f, columns, referenced table, referenced columns)
    type Key = (String, String, Vec<String>, Option<String>, Vec<String>);
    let keys: Vec<Key> = sqlx::query_as(
        "SELECT c.conrelid::regclass::text, c.contype::text, \
           ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i) \
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i), \
           CASE WHEN c.contype = 'f' THEN c.confrelid::regclass::text END, \
           ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i) \
                 JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i) \
         FROM pg_constraint c JOIN pg_namespace s ON s.oid = c.connamespace \
         WHERE s.nspname = 'public' AND c.contype IN ('p', 'u', 'f')",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for (table, kind, cols, to_table, to_cols) in keys {
        let t = schema.entry(table).or_default();
        match kind.as_str() {
            "p" => t.primary = cols,
            "u" => {
                t.unique.insert(cols);
            }
            _ => {
                t.foreign
                    .insert((cols, to_table.unwrap_or_default(), to_cols));
            }
        }
    }
    // indexes that are not a key's own
    let indexes: Vec<(String, String, Vec<String>, bool, bool)> = sqlx::query_as(
        // an expression's column has no name: "" on both engines
        "SELECT t.relname::text, i.relname::text, \
           ARRAY(SELECT coalesce(a.attname::text, '') FROM unnest(x.indkey) WITH ORDINALITY k(n, o) \
                 LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n ORDER BY k.o), \
           x.indisunique, x.indpred IS NOT NULL \
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
         JOIN pg_namespace s ON s.oid = t.relnamespace \
         WHERE s.nspname = 'public' AND t.relname NOT LIKE '_sqlx%' \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for (table, index, cols, unique, partial) in indexes {
        let t = schema.entry(table).or_default();
        if unique {
            t.unique.insert(cols.clone());
        }
        t.indexes.insert(index, (cols, unique, partial));
    }
    pool.close().await;
    schema.retain(|table, _| !table.starts_with("_sqlx"));
    schema
}

/// Every primary, unique and foreign key of a business table leads with `company_id`.
fn keys_lead_with_the_company(schema: &Schema) -> Vec<String> {
    let mut wrong = Vec::new();
    for (name, t) in schema {
        if UNSCOPED.contains(&name.as_str()) {
            continue;
        }
        let leads = |cols: &[String]| cols.first().is_some_and(|c| c == "company_id");
        if !leads(&t.primary) {
            wrong.push(format!("{name}: primary key {:?}", t.primary));
        }
        for u in &t.unique {
            if !leads(u) {
                wrong.push(format!("{name}: unique {u:?}"));
            }
        }
        for (cols, to, _) in &t.foreign {
            if !leads(cols) && to != "companies" {
                wrong.push(format!("{name}: foreign key {cols:?} → {to}"));
            }
        }
    }
    wrong
}

#[tokio::test]
async fn every_key_of_a_business_table_leads_with_the_company() {
    let schema = sqlite_schema().await;
    assert!(schema.len() > 30, "{:?}", schema.keys());
    assert_eq!(keys_lead_with_the_company(&schema), Vec::<String>::new());
    // the check sees a key that does not
    let mut broken = sqlite_schema().await;
    if let Some(t) = broken.get_mut("visits") {
        t.unique.insert(vec!["id".to_owned()]);
    }
    assert_eq!(
        keys_lead_with_the_company(&broken),
        vec!["visits: unique [\"id\"]".to_owned()]
    );
}

#[tokio::test]
async fn postgresql_and_sqlite_have_the_same_schema() {
    let Some(admin) = crate::pg::cluster() else {
        eprintln!("no QUDAO_TEST_PG: the PostgreSQL side is checked by `make test`");
        return;
    };
    let url = crate::pg::fresh_database(&admin, false).await;
    let (lite, pg) = (sqlite_schema().await, postgres_schema(&url).await);
    let names = |s: &Schema| s.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&lite), names(&pg), "tables");
    for (name, l) in &lite {
        assert_eq!(
            l, &pg[name],
            "table {name}: SQLite (left) and PostgreSQL (right)"
        );
    }
    assert_eq!(keys_lead_with_the_company(&pg), Vec::<String>::new());
}

/// Per customer code: sales, cost and lines of the ledger.
async fn ledger(pool: &db::Pool) -> Vec<(String, i64, i64, i64)> {
    qudao::server::db::on!(pool, |ex| sqlx::query_as(
        "SELECT c.code, CAST(sum(l.amount) AS BIGINT), CAST(sum(l.cost) AS BIGINT), count(*) \
         FROM sales_lines l JOIN customers c ON c.company_id = l.company_id AND c.id = l.customer_id \
         GROUP BY c.code ORDER BY c.code"
    )
    .fetch_all(ex)
    .await)
    .unwrap()
}

/// The demo company draws its sales at random, customer by customer: on both engines it
/// must draw them for the same customers (an order left to the engine once gave
/// PostgreSQL's demo the same totals one customer along).
#[tokio::test]
async fn the_demo_company_is_the_same_on_both_engines() {
    let Some(admin) = crate::pg::cluster() else {
        eprintln!("no QUDAO_TEST_PG: the PostgreSQL side is checked by `make test`");
        return;
    };
    let pg = db::connect(&crate::pg::fresh_database(&admin, true).await)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("demo.db").display());
    let lite = db::connect(&url).await.unwrap();
    db::migrate(&lite).await.unwrap();
    qudao::server::seed::seed_demo(&lite).await.unwrap();
    let (a, b) = (ledger(&lite).await, ledger(&pg).await);
    assert!(a.len() > 800, "{}", a.len());
    assert_eq!(a, b);
}
