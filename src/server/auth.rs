//! Passwords, session tokens, cookies and the sign-in throttle.
//!
//! Passwords are hashed with Argon2id on the blocking pool (hashing takes tens of
//! milliseconds of CPU and must not stall the async workers).
use crate::error::AppError;
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
