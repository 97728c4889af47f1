//! Configuration from the environment, with defaults that work on a developer machine.
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `QUDAO_DATABASE_URL` | `sqlite://data/qudao.db` | SQLite file (created if missing) |
//! | `QUDAO_ADDR` | `127.0.0.1:3000` | address to listen on |
//! | `QUDAO_SECURE_COOKIES` | `false` | add `Secure` to cookies (set `true` behind HTTPS) |
//! | `QUDAO_SESSION_TTL_HOURS` | `336` | idle time after which a session ends (14 days) |
//! | `QUDAO_SEED_DEMO` | `true` | seed the demo company into an empty database |
//! | `QUDAO_REQUEST_TIMEOUT_SECS` | `30` | a request taking longer gets 408 |
//! | `QUDAO_BODY_LIMIT_BYTES` | `1048576` | larger request bodies get 413 |
use crate::domain::throttle::Policy;
use anyhow::{Context as _, bail};
use std::net::SocketAddr;

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub addr: SocketAddr,
    pub secure_cookies: bool,
    pub session_ttl_secs: i64,
    pub seed_demo: bool,
    pub request_timeout_secs: u64,
    pub body_limit_bytes: usize,
    /// Failed sign-ins per login name.
    pub account_throttle: Policy,
    /// Failed sign-ins per client address (looser: an office shares one address).
    pub address_throttle: Policy,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/qudao.db";

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: DEFAULT_DATABASE_URL.to_owned(),
            addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            secure_cookies: false,
            session_ttl_secs: 336 * 3600,
            seed_demo: true,
            request_timeout_secs: 30,
            body_limit_bytes: 1024 * 1024,
            account_throttle: Policy {
                window_secs: 15 * 60,
                free_failures: 3,
                lock_after: 5,
                lock_secs: 15 * 60,
                base_delay_ms: 250,
                max_delay_ms: 2000,
            },
            address_throttle: Policy {
                window_secs: 15 * 60,
                free_failures: 10,
                lock_after: 30,
                lock_secs: 15 * 60,
                base_delay_ms: 100,
                max_delay_ms: 1000,
            },
        }
    }
}

impl Config {
    /// Reads `QUDAO_*` variables over the defaults; a malformed value is an error, not
    /// silently ignored.
    pub fn from_env() -> anyhow::Result<Config> {
        let mut c = Config::default();
        if let Some(v) = var("QUDAO_DATABASE_URL")? {
            c.database_url = v;
        }
        if let Some(v) = var("QUDAO_ADDR")? {
            c.addr = v.parse().with_context(|| {
                format!("QUDAO_ADDR={v:?} is not an address like 127.0.0.1:3000")
            })?;
        }
        if let Some(v) = var("QUDAO_SECURE_COOKIES")? {
            c.secure_cookies = parse_bool("QUDAO_SECURE_COOKIES", &v)?;
        }
        if let Some(v) = var("QUDAO_SEED_DEMO")? {
            c.seed_demo = parse_bool("QUDAO_SEED_DEMO", &v)?;
        }
        if let Some(v) = var("QUDAO_SESSION_TTL_HOURS")? {
            let h: i64 = v
                .parse()
                .context("QUDAO_SESSION_TTL_HOURS must be a whole number")?;
            if h <= 0 {
                bail!("QUDAO_SESSION_TTL_HOURS must be positive");
            }
            c.session_ttl_secs = h * 3600;
        }
        if let Some(v) = var("QUDAO_REQUEST_TIMEOUT_SECS")? {
            c.request_timeout_secs = v
                .parse()
                .context("QUDAO_REQUEST_TIMEOUT_SECS must be a whole number")?;
        }
        if let Some(v) = var("QUDAO_BODY_LIMIT_BYTES")? {
            c.body_limit_bytes = v
                .parse()
                .context("QUDAO_BODY_LIMIT_BYTES must be a whole number")?;
        }
        Ok(c)
    }
}

fn var(key: &str) -> anyhow::Result<Option<String>> {
    match std::env::var(key) {
        Ok(v) if v.trim().is_empty() => Ok(None),
        Ok(v) => Ok(Some(v.trim().to_owned())),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(e) => Err(anyhow::anyhow!("{key}: {e}")),
    }
}

fn parse_bool(key: &str, v: &str) -> anyhow::Result<bool> {
    match v.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => bail!("{key}={v:?} must be true or false"),
    }
}
