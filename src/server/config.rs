//! Configuration from the environment, with defaults that work on a developer machine.
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `QUDAO_DATABASE_URL` | `sqlite://data/qudao.db` | SQLite file (created if missing) |
//! | `QUDAO_ADDR` | `127.0.0.1:3000` | address to listen on |
//! | `QUDAO_SECURE_COOKIES` | `false` | add `Secure` to cookies (set `true` behind HTTPS) |
//! | `QUDAO_SESSION_TTL_HOURS` | `336` | idle time after which a session ends (14 days) |
//! | `QUDAO_SEED_DEMO` | `false` | seed the demo company (published passwords) into an empty database; `make run` sets it |
//! | `QUDAO_REQUEST_TIMEOUT_SECS` | `30` | a request taking longer gets 408 |
//! | `QUDAO_BODY_LIMIT_BYTES` | `1048576` | larger request bodies get 413 |
//! | `QUDAO_UPLOAD_LIMIT_BYTES` | `20971520` | largest import file or photo upload (20 MB) |
//! | `QUDAO_PHOTO_DIR` | `data/photos` | where customer photos are stored |
//! | `QUDAO_TRUSTED_PROXIES` | (none) | comma-separated addresses of reverse proxies whose `X-Forwarded-For` names the client (sign-in throttling per address) |
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
    /// Import files and photos (their own routes, outside the general body limit).
    pub upload_limit_bytes: usize,
    pub photo_dir: std::path::PathBuf,
    /// An S3-compatible bucket for the photos instead of `photo_dir`
    /// (`QUDAO_PHOTO_URL=s3://bucket/prefix`; its settings from the `AWS_*` variables).
    pub photo_url: Option<String>,
    /// S3 settings given here rather than by `AWS_*` variables (tests: `endpoint`, …).
    pub photo_options: Vec<(String, String)>,
    /// Where `pg_dump` and `pg_restore` are (`QUDAO_PG_BIN`); found on `PATH` if unset.
    pub pg_bin: Option<std::path::PathBuf>,
    /// Failed sign-ins per login name.
    pub account_throttle: Policy,
    /// Failed sign-ins per client address (looser: an office shares one address).
    pub address_throttle: Policy,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`QUDAO_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/qudao.db";

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: DEFAULT_DATABASE_URL.to_owned(),
            addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            secure_cookies: false,
            session_ttl_secs: 336 * 3600,
            seed_demo: false,
            request_timeout_secs: 30,
            body_limit_bytes: 1024 * 1024,
            upload_limit_bytes: 20 * 1024 * 1024,
            photo_dir: std::path::PathBuf::from("data/photos"),
            photo_url: None,
            photo_options: Vec::new(),
            pg_bin: None,
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
            trusted_proxies: Vec::new(),
        }
    }
}

impl Config {
    /// Reads `QUDAO_*` variables over the defaults; a malformed value is an error, not
    /// silently ignored.
    pub fn from_env() -> anyhow::Result<Config> {
        Config::from_lookup(|key| std::env::var(key).ok())
    }

    /// The same, reading variables through `lookup` (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Config> {
        let var = |key: &str| -> anyhow::Result<Option<String>> {
            Ok(lookup(key)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty()))
        };
        let mut c = Config::default();
        if let Some(v) = var("QUDAO_DATABASE_URL")? {
            // refused at start, before anything is opened or created
            crate::server::db::check_url(&v)?;
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
        if let Some(v) = var("QUDAO_UPLOAD_LIMIT_BYTES")? {
            c.upload_limit_bytes = v
                .parse()
                .context("QUDAO_UPLOAD_LIMIT_BYTES must be a whole number")?;
        }
        if let Some(v) = var("QUDAO_PHOTO_DIR")? {
            c.photo_dir = v.into();
        }
        if let Some(v) = var("QUDAO_PHOTO_URL")? {
            c.photo_url = Some(v);
        }
        if let Some(v) = var("QUDAO_PG_BIN")? {
            c.pg_bin = Some(v.into());
        }
        if let Some(v) = var("QUDAO_TRUSTED_PROXIES")? {
            c.trusted_proxies = v
                .split(',')
                .map(|a| {
                    a.trim().parse().with_context(|| {
                        format!("QUDAO_TRUSTED_PROXIES: {a:?} is not an IP address")
                    })
                })
                .collect::<anyhow::Result<_>>()?;
        }
        Ok(c)
    }
}

fn parse_bool(key: &str, v: &str) -> anyhow::Result<bool> {
    match v.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => bail!("{key}={v:?} must be true or false"),
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use std::collections::HashMap;

    fn with(pairs: &[(&str, &str)]) -> anyhow::Result<Config> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let c = with(&[]).unwrap();
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
        // a production start never creates accounts with published passwords by itself
        assert!(!c.secure_cookies && !c.seed_demo);
        // a 50 MB import is refused; a 10 MB tablet photo or a 100 000-row CSV is not
        assert_eq!(c.upload_limit_bytes, 20 * 1024 * 1024);
        assert_eq!(c.photo_dir, std::path::PathBuf::from("data/photos"));
    }

    #[test]
    fn values_override_defaults() {
        let c = with(&[
            ("QUDAO_ADDR", "0.0.0.0:8080"),
            ("QUDAO_SECURE_COOKIES", "yes"),
            ("QUDAO_SESSION_TTL_HOURS", "8"),
        ])
        .unwrap();
        assert_eq!(c.addr.port(), 8080);
        assert!(c.secure_cookies);
        assert_eq!(c.session_ttl_secs, 8 * 3600);
    }

    #[test]
    fn malformed_values_are_errors_naming_the_variable() {
        for (key, value) in [
            ("QUDAO_ADDR", "localhost"),
            ("QUDAO_SECURE_COOKIES", "maybe"),
            ("QUDAO_SESSION_TTL_HOURS", "0"),
            ("QUDAO_BODY_LIMIT_BYTES", "1MB"),
            ("QUDAO_UPLOAD_LIMIT_BYTES", "20MB"),
            ("QUDAO_DATABASE_URL", "mysql://qudao@localhost/qudao"),
            ("QUDAO_DATABASE_URL", "mysql:qudao"),
            (
                "QUDAO_DATABASE_URL",
                "postgres://qudao@localhost:notaport/qudao",
            ),
        ] {
            let err = with(&[(key, value)]).unwrap_err();
            assert!(format!("{err:#}").contains(key), "{key}: {err:#}");
        }
    }

    /// A database URL the app cannot serve is refused, saying what to write instead;
    /// SQLite URLs, plain file paths and PostgreSQL URLs are taken.
    #[test]
    fn only_a_database_the_app_serves_is_taken() {
        let err = with(&[("QUDAO_DATABASE_URL", "mysql://db.example/qudao")]).unwrap_err();
        let text = format!("{err:#}");
        assert!(
            text.contains("\"mysql\"")
                && text.contains("sqlite://")
                && text.contains("postgres://"),
            "{text}"
        );
        for ok in [
            "sqlite://data/q.db",
            "sqlite::memory:",
            "data/q.db",
            "/var/lib/qudao/q.db",
            "postgres://qudao@db.example/qudao",
            "postgresql://qudao:secret@10.0.0.5:5433/qudao?sslmode=require",
        ] {
            assert_eq!(
                with(&[("QUDAO_DATABASE_URL", ok)]).unwrap().database_url,
                ok
            );
        }
        assert_eq!(
            crate::server::db::sqlite_url("data/q.db").unwrap(),
            "sqlite://data/q.db"
        );
    }
}
