//! Passwords, session tokens, cookies and the sign-in throttle.
//!
//! Passwords are hashed with Argon2id on the blocking pool (hashing takes tens of
//! milliseconds of CPU and must not stall the async workers).
use crate::domain::throttle::{self, Failures, Policy, Verdict};
use crate::error::AppError;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine as _;
use rand::RngCore as _;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, OnceLock};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "qudao_session";

/// Hashes a password with Argon2id and a fresh salt, off the async threads.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_password_blocking(&password))
        .await
        .map_err(|e| {
            tracing::error!("password hashing task failed: {e}");
            AppError::Internal
        })?
}

/// The same, for callers already off the async threads (CLI, seeding).
pub fn hash_password_blocking(password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| {
        tracing::error!("salt encoding failed: {e}");
        AppError::Internal
    })?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            tracing::error!("password hashing failed: {e}");
            AppError::Internal
        })
}

/// Checks `password` against a stored PHC hash, off the async threads. A malformed stored
/// hash counts as a mismatch (and is logged).
pub async fn verify_password(password: String, hash: String) -> bool {
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

/// Failed sign-ins per login and per client address, in memory (a restart forgets them,
/// which only ever helps a locked-out user).
#[derive(Default)]
pub struct Throttle {
    accounts: Mutex<HashMap<String, Failures>>,
    addresses: Mutex<HashMap<IpAddr, Failures>>,
}

/// Most entries kept per map before old ones are swept.
const MAX_ENTRIES: usize = 10_000;

impl Throttle {
    /// The verdict for an attempt on `login` from `ip`: the stricter of the two.
    pub fn check(
        &self,
        login: &str,
        ip: Option<IpAddr>,
        now: i64,
        account: &Policy,
        address: &Policy,
    ) -> Verdict {
        let a = lock(&self.accounts)
            .get(login)
            .copied()
            .map_or(Verdict::Allow { delay_ms: 0 }, |f| {
                throttle::verdict(Some(&f), now, account)
            });
        let b = ip
            .and_then(|ip| lock(&self.addresses).get(&ip).copied())
            .map_or(Verdict::Allow { delay_ms: 0 }, |f| {
                throttle::verdict(Some(&f), now, address)
            });
        stricter(a, b)
    }

    /// Counts a failure against both the login and the address.
    pub fn fail(
        &self,
        login: &str,
        ip: Option<IpAddr>,
        now: i64,
        account: &Policy,
        address: &Policy,
    ) {
        {
            let mut map = lock(&self.accounts);
            let f = throttle::record_failure(map.get(login).copied(), now, account);
            map.insert(login.to_owned(), f);
            sweep(&mut map, now, account);
        }
        if let Some(ip) = ip {
            let mut map = lock(&self.addresses);
            let f = throttle::record_failure(map.get(&ip).copied(), now, address);
            map.insert(ip, f);
            sweep(&mut map, now, address);
        }
    }

    /// A successful sign-in clears the login's failures (not the address's).
    pub fn succeed(&self, login: &str) {
        lock(&self.accounts).remove(login);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding this lock cannot leave the map inconsistent (single inserts),
    // so a poisoned lock is still usable.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn sweep<K: Eq + std::hash::Hash>(map: &mut HashMap<K, Failures>, now: i64, p: &Policy) {
    if map.len() > MAX_ENTRIES {
        let keep = p.window_secs.max(p.lock_secs);
        map.retain(|_, f| now - f.last_at < keep);
    }
}

fn stricter(a: Verdict, b: Verdict) -> Verdict {
    match (a, b) {
        (
            Verdict::Refuse {
                retry_after_secs: x,
            },
            Verdict::Refuse {
                retry_after_secs: y,
            },
        ) => Verdict::Refuse {
            retry_after_secs: x.max(y),
        },
        (r @ Verdict::Refuse { .. }, _) | (_, r @ Verdict::Refuse { .. }) => r,
        (Verdict::Allow { delay_ms: x }, Verdict::Allow { delay_ms: y }) => {
            Verdict::Allow { delay_ms: x.max(y) }
        }
    }
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

    #[test]
    fn address_and_account_limits_combine_to_the_stricter() {
        let p = crate::server::config::Config::default().account_throttle;
        let t = Throttle::default();
        let ip: IpAddr = [127, 0, 0, 1].into();
        for i in 0..5 {
            t.fail("wang", Some(ip), i, &p, &p);
        }
        assert!(matches!(
            t.check("wang", None, 10, &p, &p),
            Verdict::Refuse { .. }
        ));
        // another login from the same address is refused too (the address is locked)
        assert!(matches!(
            t.check("li", Some(ip), 10, &p, &p),
            Verdict::Refuse { .. }
        ));
        // from elsewhere, another login is fine
        assert_eq!(
            t.check("li", None, 10, &p, &p),
            Verdict::Allow { delay_ms: 0 }
        );
    }
}
