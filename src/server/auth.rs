//! Passwords, session tokens, cookies and the sign-in throttle.
//!
//! Passwords are hashed with Argon2id on the blocking pool (hashing takes tens of
//! milliseconds of CPU and must not stall the async workers).
use crate::domain::ids::{CompanyId, EmployeeId};
use crate::error::AppError;
use crate::features::auth::api::CurrentUser;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine as _;
use rand::RngCore as _;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "qudao_session";

/// Hashes a password with Argon2id and a fresh salt, off the async threads.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    let _permit = HASHING.acquire().await?;
    tokio::task::spawn_blocking(move || hash_password_blocking(&password)).await?
}

/// The same, for callers already off the async threads (CLI, seeding).
pub fn hash_password_blocking(password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt)?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Checks `password` against a stored PHC hash, off the async threads. A malformed stored
/// hash counts as a mismatch (and is logged).
pub async fn verify_password(password: String, hash: String) -> bool {
    let Ok(_permit) = HASHING.acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || match PasswordHash::new(&hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(e) => {
            tracing::error!("stored password hash is malformed: {e}");
            false
        }
    })
    .await
    .unwrap_or(false)
}

/// A hash of a random password, checked when the login matches nobody so that an unknown
/// login costs as much time as a wrong password (no timing hint that an account exists).
pub fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        let mut secret = [0u8; 24];
        rand::rng().fill_bytes(&mut secret);
        hash_password_blocking(&base64::engine::general_purpose::STANDARD.encode(secret))
            .unwrap_or_default()
    })
}

/// A new random session token (256 bits, URL-safe base64) and the hash stored for it.
pub fn new_session_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

/// What the database stores for a cookie token.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// `Set-Cookie` value that stores a session token.
pub fn session_cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    )
}

/// `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie(secure: bool) -> String {
    session_cookie("", 0, secure)
}

/// The session token from a `Cookie` header, if present and well-formed.
pub fn token_from_cookies(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|t| {
            t.len() == 43
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// Most Argon2 computations at once: each holds 19 MiB, and a burst of sign-ins (or an
/// attack) must queue for the CPU rather than take the memory of hundreds of them.
const MAX_HASHING: usize = 4;
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(MAX_HASHING);

/// Signs in: checks the throttle and the password, opens a session and sets its cookie.
pub async fn sign_in(login: String, password: String) -> Result<CurrentUser, AppError> {
    use crate::domain::validation::{FieldError, FieldErrorCode};
    use crate::server::db::{self, employees, sessions, sign_in};
    use crate::server::{auth, context};

    let state = context::app_state()?;
    let key = login.trim().to_lowercase();
    let mut missing = Vec::new();
    if key.is_empty() {
        missing.push(FieldError::new("login", FieldErrorCode::Required));
    }
    if password.is_empty() {
        missing.push(FieldError::new("password", FieldErrorCode::Required));
    }
    if !missing.is_empty() {
        return Err(AppError::Validation(missing));
    }
    // Absurd lengths are failures like any other, but are not worth hashing.
    let plausible = key.chars().count() <= 64 && password.chars().count() <= 128;

    let cfg = &state.config;
    // Read from the request before any await (see `context::session_user`).
    let ip = context::client_ip();
    let old_token = context::session_token();
    let user_agent = context::user_agent();
    // a login no employee could have is stored as its hash: a row per attempt, never
    // a megabyte of whatever the request carried
    let account_key = if plausible {
        format!("login:{key}")
    } else {
        use sha2::Digest as _;
        format!("login#{:x}", sha2::Sha256::digest(key.as_bytes()))
    };
    let address_key = ip.map(|ip| format!("addr:{ip}"));
    throttle(&state, &account_key, address_key.as_deref(), &key, ip).await?;

    let candidates = if plausible {
        let mut conn = state.conn().await?;
        employees::find_for_sign_in(&mut conn, &key).await?
    } else {
        Vec::new()
    };
    let unknown_login = candidates.is_empty();
    if unknown_login {
        // Same work as a wrong password, so timing does not reveal unknown logins.
        auth::verify_password(password.clone(), auth::decoy_hash().to_owned()).await;
    }
    let mut matched = None;
    for c in candidates {
        if auth::verify_password(password.clone(), c.password_hash.clone()).await {
            matched = Some(c);
            break;
        }
    }
    let Some(employee) = matched else {
        // the login's failure is already counted; a login matching nobody also slows
        // its address (password spraying over made-up names)
        if unknown_login && let Some(k) = &address_key {
            let mut conn = state.conn().await?;
            sign_in::count_address(&mut conn, k, db::unix_now(), &cfg.address_throttle).await?;
        }
        tracing::info!(login = %key, ?ip, "sign-in failed");
        return Err(AppError::SignInFailed);
    };
    if !employee.active {
        tracing::info!(login = %key, "sign-in by a deactivated employee");
        return Err(AppError::AccountDisabled);
    }
    {
        let mut conn = state.conn().await?;
        sign_in::clear(&mut conn, &account_key).await?;
    }

    // Always a new session id at sign-in; the one this browser had (if any) ends.
    let (token, hash) = auth::new_session_token();
    let now = db::unix_now();
    let mut tx = state.begin().await?;
    if let Some(old) = old_token {
        sessions::delete(&mut tx, &auth::token_hash(&old)).await?;
    }
    sessions::delete_expired(&mut tx, now).await?;
    sessions::insert(
        &mut tx,
        &hash,
        CompanyId(employee.company_id),
        EmployeeId(employee.id),
        now,
        now + cfg.session_ttl_secs,
        user_agent.as_deref(),
    )
    .await?;
    let row = sessions::find_live(&mut tx, &hash, now)
        .await?
        .ok_or(AppError::Internal)?;
    tx.commit().await?;
    context::set_cookie(&auth::session_cookie(
        &token,
        cfg.session_ttl_secs,
        cfg.secure_cookies,
    ));
    tracing::info!(login = %key, "signed in");
    Ok(CurrentUser {
        id: EmployeeId(row.employee_id),
        company_id: CompanyId(row.company_id),
        company_name: row.company_name,
        name: row.name,
        login: row.login,
        role: row.role,
    })
}

/// Counts the attempt against the login before the password is checked (one atomic
/// statement, so parallel attempts cannot all pass a check made before any of them
/// failed), then waits as long as the login's and the address's failures ask. A login
/// with too many failures is refused; the address is only ever slowed, never refused.
async fn throttle(
    state: &crate::server::state::AppState,
    account_key: &str,
    address_key: Option<&str>,
    login: &str,
    ip: Option<std::net::IpAddr>,
) -> Result<(), AppError> {
    use crate::server::db::{self, sign_in};
    let cfg = &state.config;
    let now = db::unix_now();
    let (reservation, address_delay) = {
        let mut conn = state.conn().await?;
        let reservation =
            sign_in::reserve(&mut conn, account_key, now, &cfg.account_throttle).await?;
        let address_delay = match address_key {
            Some(k) => sign_in::address_delay(&mut conn, k, now, &cfg.address_throttle).await?,
            None => 0,
        };
        (reservation, address_delay)
    };
    let delay_ms = match reservation {
        sign_in::Reservation::Locked { retry_after_secs } => {
            tracing::warn!(%login, ?ip, "sign-in refused: too many failures");
            return Err(AppError::TooManyAttempts { retry_after_secs });
        }
        sign_in::Reservation::Go { delay_ms } => delay_ms.max(address_delay),
    };
    if delay_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
    }
    Ok(())
}

/// Signs out: ends the session (if any) and clears the cookie.
pub async fn sign_out() -> Result<(), AppError> {
    use crate::server::db::sessions;
    use crate::server::{auth, context};
    let state = context::app_state()?;
    if let Some(token) = context::session_token() {
        let mut conn = state.conn().await?;
        sessions::delete(&mut conn, &auth::token_hash(&token)).await?;
    }
    context::set_cookie(&auth::clear_session_cookie(state.config.secure_cookies));
    Ok(())
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[tokio::test]
    async fn a_password_verifies_against_its_own_hash_only() {
        let h = hash_password("qudao2026".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("qudao2026".into(), h.clone()).await);
        assert!(!verify_password("qudao2027".into(), h.clone()).await);
        assert!(!verify_password("qudao2026".into(), "not a hash".into()).await);
    }

    #[test]
    fn cookie_tokens_are_parsed_strictly() {
        let (token, hash) = new_session_token();
        assert_eq!(hash, token_hash(&token));
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::COOKIE,
            format!("a=b; {SESSION_COOKIE}={token}; c=d")
                .parse()
                .unwrap(),
        );
        assert_eq!(token_from_cookies(&headers), Some(token));
        headers.insert(
            http::header::COOKIE,
            format!("{SESSION_COOKIE}=short").parse().unwrap(),
        );
        assert_eq!(token_from_cookies(&headers), None);
    }

    #[test]
    fn session_cookie_is_http_only_and_lax() {
        let c = session_cookie("t", 60, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.ends_with("Secure"));
        assert!(!session_cookie("t", 60, false).contains("Secure"));
    }
}
