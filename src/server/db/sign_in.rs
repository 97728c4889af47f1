//! Failed sign-ins in the database, counted by single atomic statements: parallel
//! attempts on one login each see a distinct count, so none slips past the limit.
use super::DbConn;
use crate::domain::throttle::{Policy, delay_for};
use crate::server::db::on;

/// What an attempt on a login may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// Go ahead after `delay_ms`; this attempt is already counted as a failure, and a
    /// success clears it ([`clear`]).
    Go { delay_ms: u64 },
    /// The login is locked: refuse without checking the password.
    Locked { retry_after_secs: i64 },
}

/// Counts an attempt on `key` before its password is checked, unless the key is locked.
/// Failures older than the window (or, once locked, than the lock) are forgotten, as
/// [`crate::domain::throttle`] describes.
pub async fn reserve(
    conn: &mut DbConn,
    key: &str,
    now: i64,
    p: &Policy,
) -> Result<Reservation, sqlx::Error> {
    sweep(conn, now, p).await?;
    let counted: Option<i64> = on!(conn, |ex| sqlx::query_scalar(
        "INSERT INTO sign_in_failures AS f (key, count, last_at) VALUES ($1, 1, $2) \
         ON CONFLICT (key) DO UPDATE SET \
           count = CASE WHEN $2 - f.last_at >= \
                     (CASE WHEN f.count < $3 THEN $5 WHEN $4 > $5 THEN $4 ELSE $5 END) \
                   THEN 1 ELSE f.count + 1 END, \
           last_at = $2 \
         WHERE NOT (f.count >= $3 AND $2 - f.last_at < $4) \
         RETURNING count",
    )
    .bind(key)
    .bind(now)
    .bind(i64::from(p.lock_after))
    .bind(p.lock_secs)
    .bind(p.window_secs)
    .fetch_optional(&mut *ex)
    .await)?;
    match counted {
        Some(count) => {
            let before = u32::try_from(count - 1).unwrap_or(u32::MAX);
            Ok(Reservation::Go {
                delay_ms: delay_for(before, p),
            })
        }
        None => {
            let last_at: Option<i64> = on!(conn, |ex| sqlx::query_scalar(
                "SELECT last_at FROM sign_in_failures WHERE key = $1"
            )
            .bind(key)
            .fetch_optional(&mut *ex)
            .await)?;
            Ok(match last_at {
                Some(last_at) => Reservation::Locked {
                    retry_after_secs: (last_at + p.lock_secs - now).max(1),
                },
                // cleared by a success in between: nothing holds the login any more
                None => Reservation::Go { delay_ms: 0 },
            })
        }
    }
}

/// A successful sign-in: the login's failures are forgotten.
pub async fn clear(conn: &mut DbConn, key: &str) -> Result<(), sqlx::Error> {
    on!(conn, |ex| sqlx::query(
        "DELETE FROM sign_in_failures WHERE key = $1"
    )
    .bind(key)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    Ok(())
}

/// The delay an address has earned with failures on logins that match nobody: slowed,
/// never refused — one office behind one address must not be locked out by a stranger.
pub async fn address_delay(
    conn: &mut DbConn,
    key: &str,
    now: i64,
    p: &Policy,
) -> Result<u64, sqlx::Error> {
    let count: Option<i64> = on!(conn, |ex| sqlx::query_scalar(
        "SELECT count FROM sign_in_failures WHERE key = $1 AND $2 - last_at < $3"
    )
    .bind(key)
    .bind(now)
    .bind(p.window_secs)
    .fetch_optional(&mut *ex)
    .await)?;
    Ok(count.map_or(0, |c| delay_for(u32::try_from(c).unwrap_or(u32::MAX), p)))
}

/// Counts a failure on a login matching nobody against the address.
pub async fn count_address(
    conn: &mut DbConn,
    key: &str,
    now: i64,
    p: &Policy,
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| sqlx::query(
        "INSERT INTO sign_in_failures AS f (key, count, last_at) VALUES ($1, 1, $2) \
         ON CONFLICT (key) DO UPDATE SET \
           count = CASE WHEN $2 - f.last_at >= $3 THEN 1 ELSE f.count + 1 END, last_at = $2",
    )
    .bind(key)
    .bind(now)
    .bind(p.window_secs)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    Ok(())
}

/// Forgets failures long past every window and lock.
async fn sweep(conn: &mut DbConn, now: i64, p: &Policy) -> Result<(), sqlx::Error> {
    on!(conn, |ex| sqlx::query(
        "DELETE FROM sign_in_failures WHERE last_at < $1"
    )
    .bind(now - 2 * p.window_secs.max(p.lock_secs).max(3600))
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    Ok(())
}
