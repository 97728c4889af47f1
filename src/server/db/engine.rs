//! The two engines behind one interface: SQLite (embedded, the default) and PostgreSQL
//! (several app processes on one database), chosen at run time from the database URL.
//!
//! Repository functions are written once. Their SQL is one text both engines accept
//! (`$1, $2 …` placeholders; standard SQL), and [`on!`](crate::server::db::on) expands
//! the statement that runs it once per engine, so each engine gets sqlx's own typed
//! driver (uuid, chrono) — sqlx's `Any` driver has neither.
use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};
use std::time::Duration;

/// A pool of connections to one database of either engine. Cheap to clone.
#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A value per engine: what [`Pool::engine`] and [`DbConn::engine`] hand to
/// [`on!`](crate::server::db::on).
pub enum Engine<S, P> {
    Sqlite(S),
    Postgres(P),
}

/// One connection held for a while: taken from the pool for reads, or an open
/// transaction. Repositories take `&mut DbConn` and never commit; whoever began the
/// transaction commits it. Dropped without a commit, a transaction rolls back.
pub struct DbConn(Held);

enum Held {
    SqliteTx(Transaction<'static, Sqlite>),
    /// A bulk load's transaction ([`Pool::begin_bulk`]) on a connection of its own, begun
    /// by hand: dropped without a commit, the connection closes and SQLite rolls back.
    SqliteBulk(SqliteConnection),
    SqlitePooled(PoolConnection<Sqlite>),
    PostgresTx(Transaction<'static, Postgres>),
    PostgresPooled(PoolConnection<Postgres>),
}

/// Runs one statement on whichever engine `$on` (a `&mut DbConn` or a `&Pool`) talks
/// to: `$body` is compiled once per engine with `$c` bound to that engine's connection
/// (or pool) and the type `Db` naming the engine (for a `QueryBuilder::<Db>`). The
/// closure-like form is only syntax (it lets rustfmt format the body); nothing is
/// captured or called later.
///
/// ```ignore
/// let name: String = on!(conn, |ex| {
///     sqlx::query_scalar("SELECT name FROM companies WHERE id = $1")
///         .bind(id.0)
///         .fetch_one(&mut *ex)
///         .await
/// })?;
/// ```
#[macro_export]
macro_rules! on {
    ($on:expr, |$c:ident| $body:expr) => {
        match ($on).engine() {
            $crate::server::db::Engine::Sqlite($c) => {
                #[allow(dead_code, reason = "named for the bodies that build a query")]
                type Db = ::sqlx::Sqlite;
                $body
            }
            $crate::server::db::Engine::Postgres($c) => {
                #[allow(dead_code, reason = "named for the bodies that build a query")]
                type Db = ::sqlx::Postgres;
                $body
            }
        }
    };
}

impl Pool {
    /// The engine's own pool, for [`on!`](crate::server::db::on).
    pub fn engine(&self) -> Engine<&SqlitePool, &PgPool> {
        match self {
            Pool::Sqlite(p) => Engine::Sqlite(p),
            Pool::Postgres(p) => Engine::Postgres(p),
        }
    }

    /// Whether this is the embedded SQLite engine.
    pub fn is_sqlite(&self) -> bool {
        matches!(self, Pool::Sqlite(_))
    }

    /// Brings the planner's statistics of `tables` up to date after a bulk write (the
    /// demo seed, a sales import, a restore). PostgreSQL plans from them and its
    /// autovacuum comes round only later: the first ledger page over the 69 000 fresh
    /// lines of the demo took 15–20 s, planned for a few hundred rows, instead of
    /// milliseconds. SQLite samples (its `analysis_limit`, set on every connection):
    /// milliseconds per index. The names are the app's own tables, never user input.
    /// An empty list: every table.
    ///
    /// Called after a commit: a failure (SQLite's ANALYZE needs the write lock and gives
    /// up behind a long write) is logged and never turns a saved import into an error.
    pub async fn refresh_statistics(&self, tables: &[&'static str]) {
        let done = match self {
            Pool::Postgres(p) => sqlx::query(&format!("ANALYZE {}", tables.join(", ")))
                .execute(p)
                .await
                .map(|_| ()),
            Pool::Sqlite(p) if tables.is_empty() => {
                sqlx::query("ANALYZE").execute(p).await.map(|_| ())
            }
            Pool::Sqlite(p) => {
                // SQLite's ANALYZE takes one table (or index) at a time
                let mut done = Ok(());
                for t in tables {
                    done = sqlx::query(&format!("ANALYZE {t}"))
                        .execute(p)
                        .await
                        .map(|_| ());
                    if done.is_err() {
                        break;
                    }
                }
                done
            }
        };
        if let Err(e) = done {
            tracing::warn!(error = ?e, ?tables, "updating the planner's statistics failed");
        }
    }

    /// A connection for reads (each statement commits on its own).
    pub async fn acquire(&self) -> Result<DbConn, sqlx::Error> {
        Ok(DbConn(match self {
            Pool::Sqlite(p) => Held::SqlitePooled(p.acquire().await?),
            Pool::Postgres(p) => Held::PostgresPooled(p.acquire().await?),
        }))
    }

    /// Starts a write transaction.
    ///
    /// On SQLite, `BEGIN IMMEDIATE` takes the write lock at once, so a transaction that
    /// reads before it writes waits for the lock (the busy timeout) instead of failing at
    /// its first write with "database is locked" — which a deferred transaction does
    /// whenever another writer got in between, however long it would wait. When the lock
    /// stays taken past the busy timeout (a long import), it tries again a few times with
    /// growing pauses before giving up.
    ///
    /// On PostgreSQL a write transaction takes one advisory lock shared by every app
    /// process first ([`WRITER_LOCK`]), so writers take turns exactly as on SQLite and every
    /// read-then-write the app relies on (a sales file imported once, an owner always left,
    /// an import's last attempt planned under the lock) holds on both engines; readers
    /// never wait. Waiting for the turn is bounded like SQLite's busy timeout: past it the
    /// request is answered "busy, try again".
    pub async fn begin(&self) -> Result<DbConn, sqlx::Error> {
        let p = match self {
            Pool::Sqlite(p) => p,
            Pool::Postgres(p) => return begin_writer(p).await,
        };
        let tx = when_free(|| p.begin_with("BEGIN IMMEDIATE")).await?;
        Ok(DbConn(Held::SqliteTx(tx)))
    }

    /// Starts the write transaction of a bulk load (a sales import), which writes only
    /// references it read in the same transaction (customers, products, reps, its batch).
    ///
    /// On SQLite it runs on a connection of its own that checks no foreign key at all, so
    /// nothing but such a load may write through it. The check is a B-tree search per
    /// reference, four per sales line — a third of the time of a ten-million-line import —
    /// and proves nothing the import does not already know: it holds the write lock since
    /// before it read those rows. The connection also gets a
    /// page cache of `cache_mib` MiB (taken only as pages are touched): a bulk load
    /// touches index and rollup pages all over the file. The connection is closed after
    /// the commit or rollback, so no other write ever runs without the checks.
    /// PostgreSQL: [`Pool::begin`].
    pub async fn begin_bulk(&self, cache_mib: u32) -> Result<DbConn, sqlx::Error> {
        use sqlx::ConnectOptions as _;
        let p = match self {
            Pool::Sqlite(p) => p,
            Pool::Postgres(_) => return self.begin().await,
        };
        let options = (*p.connect_options())
            .clone()
            .foreign_keys(false)
            .pragma("cache_size", format!("-{}", u64::from(cache_mib) * 1024))
            // a large load builds the ledger's date index again at its end: SQLite's sorter
            // may then use helper threads (measured at 10 million lines: 41 s alone, 25 s
            // with four)
            .pragma("threads", "4");
        let options = &options;
        // a try that finds the turn taken drops its connection
        let conn = when_free(|| async move {
            let mut conn = options.connect().await?;
            sqlx::query("BEGIN IMMEDIATE").execute(&mut conn).await?;
            Ok(conn)
        })
        .await?;
        Ok(DbConn(Held::SqliteBulk(conn)))
    }

    /// A write transaction if the writers' turn is free now, `None` if another writer
    /// holds it (on SQLite, [`Pool::begin`]: one process, whose writers wait briefly). For
    /// background jobs every app process runs: the one that finds the turn taken skips
    /// this round instead of queueing behind it.
    pub async fn try_begin(&self) -> Result<Option<DbConn>, sqlx::Error> {
        let p = match self {
            Pool::Sqlite(_) => return self.begin().await.map(Some),
            Pool::Postgres(p) => p,
        };
        let mut tx = p.begin().await?;
        let free: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
            .bind(WRITER_LOCK)
            .fetch_one(&mut *tx)
            .await?;
        Ok(free.then_some(DbConn(Held::PostgresTx(tx))))
    }

    /// Starts a transaction that reads one consistent state of the database while
    /// others keep writing: a deferred transaction on SQLite (its first read fixes the
    /// snapshot), `REPEATABLE READ` on PostgreSQL.
    pub async fn begin_read(&self) -> Result<DbConn, sqlx::Error> {
        Ok(DbConn(match self {
            Pool::Sqlite(p) => Held::SqliteTx(p.begin().await?),
            Pool::Postgres(p) => Held::PostgresTx(
                p.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ")
                    .await?,
            ),
        }))
    }

    /// Closes every connection (waits for those in use to come back).
    pub async fn close(&self) {
        match self {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

/// The advisory lock a PostgreSQL write transaction holds (an arbitrary constant: "qudao"
/// in ASCII).
pub const WRITER_LOCK: i64 = 0x0071_7564_616f;

/// A PostgreSQL write transaction holding [`WRITER_LOCK`] (see [`Pool::begin`]): waits up
/// to 5 s for it, then tries again as SQLite's `begin` does ([`when_free`]).
async fn begin_writer(p: &PgPool) -> Result<DbConn, sqlx::Error> {
    let tx = when_free(|| async move {
        let mut tx = p.begin().await?;
        sqlx::query("SET LOCAL lock_timeout = '5s'")
            .execute(&mut *tx)
            .await?;
        // a refusal rolls the transaction back (dropped) before the next try
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(WRITER_LOCK)
            .execute(&mut *tx)
            .await?;
        sqlx::query("SET LOCAL lock_timeout = 0")
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    })
    .await?;
    Ok(DbConn(Held::PostgresTx(tx)))
}

/// Starts a write (`start`) once the writers' turn is free: when it finds the turn taken
/// past the engine's own wait (SQLite's busy timeout, PostgreSQL's lock timeout, as during
/// a long import), it tries again five times, after 50 ms and then twice as long each
/// time (1.55 s in all), before the last refusal reaches the caller ("busy, try again").
async fn when_free<T, Try>(mut start: impl FnMut() -> Try) -> Result<T, sqlx::Error>
where
    Try: Future<Output = Result<T, sqlx::Error>>,
{
    let mut pause = Duration::from_millis(50);
    for _ in 0..5 {
        match start().await {
            Err(e) if super::is_busy(&e) => {
                tracing::warn!("database busy; trying again in {} ms", pause.as_millis());
                tokio::time::sleep(pause).await;
                pause *= 2;
            }
            started => return started,
        }
    }
    start().await
}

impl DbConn {
    /// The engine's own connection, for [`on!`](crate::server::db::on).
    pub fn engine(&mut self) -> Engine<&mut SqliteConnection, &mut PgConnection> {
        match &mut self.0 {
            Held::SqliteTx(t) => Engine::Sqlite(&mut **t),
            Held::SqlitePooled(c) => Engine::Sqlite(&mut **c),
            Held::SqliteBulk(c) => Engine::Sqlite(c),
            Held::PostgresTx(t) => Engine::Postgres(&mut **t),
            Held::PostgresPooled(c) => Engine::Postgres(&mut **c),
        }
    }

    /// Whether this is a bulk load's transaction ([`Pool::begin_bulk`] on SQLite).
    pub fn is_sqlite_bulk(&self) -> bool {
        matches!(self.0, Held::SqliteBulk(_))
    }

    /// Whether this is the embedded SQLite engine.
    pub fn is_sqlite(&self) -> bool {
        matches!(
            self.0,
            Held::SqliteTx(_) | Held::SqlitePooled(_) | Held::SqliteBulk(_)
        )
    }

    /// Commits the transaction (nothing to do for a pooled connection).
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self.0 {
            Held::SqliteTx(t) => t.commit().await,
            Held::SqliteBulk(c) => end_bulk(c, "COMMIT").await,
            Held::PostgresTx(t) => t.commit().await,
            Held::SqlitePooled(_) | Held::PostgresPooled(_) => Ok(()),
        }
    }

    /// Rolls the transaction back (nothing to do for a pooled connection).
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self.0 {
            Held::SqliteTx(t) => t.rollback().await,
            Held::SqliteBulk(c) => end_bulk(c, "ROLLBACK").await,
            Held::PostgresTx(t) => t.rollback().await,
            Held::SqlitePooled(_) | Held::PostgresPooled(_) => Ok(()),
        }
    }
}

/// Ends a bulk load's transaction with `end` (`COMMIT` or `ROLLBACK`) and closes its
/// connection (a failed commit closes it too: SQLite then rolls back).
async fn end_bulk(mut conn: SqliteConnection, end: &'static str) -> Result<(), sqlx::Error> {
    use sqlx::Connection as _;
    let ended = sqlx::query(end).execute(&mut conn).await.map(|_| ());
    if let Err(e) = conn.close().await {
        tracing::warn!(error = %e, "closing a bulk load's connection failed");
    }
    ended
}

/// Whether `DB`, in code generic over the engine (a `QueryBuilder` helper), is SQLite.
pub fn is_sqlite<DB: sqlx::Database>() -> bool {
    DB::NAME == <Sqlite as sqlx::Database>::NAME
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests may panic")]
    use super::*;
    use sqlx::ConnectOptions as _;
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
    use std::time::Instant;

    /// A pool on a new database whose connections wait 20 ms for the write lock (the
    /// app's wait is 5 s), and a connection of another writer holding that lock.
    async fn turn_taken(file: &std::path::Path) -> (Pool, SqliteConnection) {
        let options = SqliteConnectOptions::new()
            .filename(file)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_millis(20));
        let pool = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(options.clone())
            .await
            .unwrap();
        sqlx::query("CREATE TABLE t (n INTEGER)")
            .execute(&pool)
            .await
            .unwrap();
        let mut other = options.connect().await.unwrap();
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut other)
            .await
            .unwrap();
        (Pool::Sqlite(pool), other)
    }

    /// The other writer ends its transaction after `ms`.
    fn ends_after(mut other: SqliteConnection, ms: u64) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            sqlx::query("COMMIT").execute(&mut other).await.unwrap();
        })
    }

    async fn write_one(conn: &mut DbConn) {
        on!(conn, |ex| sqlx::query("INSERT INTO t (n) VALUES (1)")
            .execute(&mut *ex)
            .await
            .map(|_| ()))
        .unwrap();
    }

    #[tokio::test]
    async fn a_write_waits_for_the_turn_past_the_engines_own_wait() {
        let dir = tempfile::tempdir().unwrap();
        for bulk in [false, true] {
            let (pool, other) = turn_taken(&dir.path().join(format!("{bulk}.db"))).await;
            let ended = ends_after(other, 300);
            let started = Instant::now();
            let mut conn = if bulk {
                pool.begin_bulk(8).await.unwrap()
            } else {
                pool.begin().await.unwrap()
            };
            assert!(
                started.elapsed() >= Duration::from_millis(300),
                "bulk: {bulk}"
            );
            write_one(&mut conn).await;
            conn.commit().await.unwrap();
            ended.await.unwrap();
        }
    }

    #[tokio::test]
    async fn a_write_whose_turn_never_comes_is_refused_as_busy_after_a_bounded_wait() {
        let dir = tempfile::tempdir().unwrap();
        let (pool, _other) = turn_taken(&dir.path().join("turn.db")).await;
        for bulk in [false, true] {
            let started = Instant::now();
            let refused = if bulk {
                pool.begin_bulk(8).await.err()
            } else {
                pool.begin().await.err()
            };
            let waited = started.elapsed();
            let refused = refused.unwrap();
            assert!(super::super::is_busy(&refused), "bulk: {bulk}: {refused:?}");
            // five pauses of 50, 100 … 800 ms between six tries
            assert!(
                waited >= Duration::from_millis(1550),
                "bulk: {bulk}: {waited:?}"
            );
            // and not one try more (another pause would make it 3.15 s)
            assert!(waited < Duration::from_secs(3), "bulk: {bulk}: {waited:?}");
        }
    }
}
