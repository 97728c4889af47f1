//! Server-only code: HTTP, database, sessions, CLI, start-up. Never compiled to wasm.
//!
//! Where a feature's code lives — one shape for every feature:
//!
//! | place | holds |
//! |---|---|
//! | `features/<x>/api.rs` | the `#[server]` functions (one line each, calling the use case) and the DTOs they send |
//! | `features/<x>/*_page.rs` | pages and widgets |
//! | `server/<x>.rs` (or `server/<x>/`) | the use cases: transaction, repository calls, rules from `domain/`; called by server functions, file handlers, jobs and the CLI alike |
//! | `server/db/<x>.rs` | SQL only |
//! | `domain/<x>.rs` | pure rules |
//!
//! Written once here and used by every feature: the signed-in user and the rep scope
//! (`context::current_user`, `context::authorize`, `context::scope_of`), a record's id
//! and a tablet's client id (`context::record_id`, `context::client_id`), a unique key
//! met and a record sent twice (`db::UniqueKey`), photo storage (`files`), and an
//! error's HTTP status (`AppError::mark`). `server` imports from `features` only DTO
//! types; no feature calls another feature's server code.
//!
//! Moving each feature's `imp` module (today inside `features/<x>/api.rs`) to
//! `server/<x>.rs` is under way: `tiers` (policies in force) and `tickets` (timers) have
//! started; the rest follow the same shape.
pub mod auth;
pub mod backup;
pub mod cli;
pub mod config;
pub mod context;
pub mod customers;
pub mod dashboard;
pub mod db;
pub mod development;
pub mod discipline;
pub mod files;
pub mod growth;
pub mod handbook;
pub mod http;
pub mod jobs;
pub mod orders;
pub mod pricing;
pub mod receivables;
pub mod sales;
pub mod sales_index;
pub mod search_index;
pub mod seed;
pub mod segmentation;
pub mod spreadsheet;
pub mod staff;
pub mod standards;
pub mod state;
pub mod tickets;
pub mod tiers;
pub mod transfer;
pub mod transitions;
pub mod visits;

use anyhow::Context as _;
use state::AppState;
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// Binds the address, opens and migrates the database (seeding the demo company on an
/// empty database when configured), then serves until Ctrl-C or SIGTERM.
///
/// The port is bound first so that a second instance fails at once with a clear message
/// and never touches the database the first one is using.
pub async fn serve(config: config::Config) -> anyhow::Result<()> {
    let addr = config.addr;
    let listener = TcpListener::bind(addr).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            anyhow::anyhow!(
                "address {addr} is already in use — is Qudao (or another program) already running? \
                 Stop it or set QUDAO_ADDR to another address."
            )
        } else {
            anyhow::anyhow!("cannot listen on {addr}: {e}")
        }
    })?;
    let started = std::time::Instant::now();
    let pool = db::connect(&config.database_url).await?;
    db::migrate(&pool).await?;
    db::optimize(&pool).await;
    // never keeps the server from starting: the next start tries again
    if let Err(e) = orders::backfill(&pool).await {
        tracing::error!(error = ?e, "giving older confirmed orders their delivery tickets failed");
    }
    let empty = seed::is_empty(&pool).await?;
    let demo = config.seed_demo && empty;
    if demo {
        seed::seed_demo(&pool)
            .await
            .context("seeding the demo company")?;
        tracing::info!("seeded the demo company into an empty database");
    } else if empty {
        eprintln!(
            "The database holds no company: until its owner is created, every page answers \
             with these instructions.\n\
             Create the owner (from another shell, while this keeps running):\n  \
             qudao user add --role owner --login LOGIN --name NAME --company-name \"COMPANY\"\n\
             Or, to try the demo company, start with QUDAO_SEED_DEMO=true."
        );
    }
    let state = AppState::new(pool.clone(), config)?;
    drop(warm_up(state.clone()));
    jobs::spawn_overdue(pool.clone());
    let app = http::router(state);
    tracing::info!(
        "Qudao listening on http://{addr} (ready in {} ms)",
        started.elapsed().as_millis()
    );
    println!("Qudao 渠道 is running at http://{addr}");
    if demo || !empty && seed::is_demo(&pool).await.unwrap_or(false) {
        println!("Demo sign-in: laoban / qudao2026 (owner) — see README for all demo accounts");
    }
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("serving HTTP")?;
    pool.close().await;
    tracing::info!("shut down cleanly");
    Ok(())
}

/// Loads the in-memory customer and sales indexes and the ticket clocks in the
/// background, so the first list, classification or compliance report after a start does
/// not pay for reading every row. Requests that come first simply load them themselves.
pub fn warm_up(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let started = std::time::Instant::now();
        let company = match state.pool.acquire().await {
            Ok(mut conn) => db::companies::single(&mut conn)
                .await
                .ok()
                .flatten()
                .map(|c| c.0),
            Err(_) => None,
        };
        let Some(company) = company else { return };
        let today = crate::domain::time::beijing_date(chrono::Utc::now());
        let Some(period) = crate::domain::sales::Period::last_12_months(today) else {
            return;
        };
        let search = state.search_index.snapshot(&state.pool, company).await;
        let sales = state
            .sales_index
            .period_totals(&state.pool, company, period)
            .await;
        match (search, sales) {
            (Ok(_), Ok(_)) => {
                tracing::info!(ms = started.elapsed().as_millis() as u64, "indexes loaded")
            }
            (Err(e), _) | (_, Err(e)) => {
                tracing::warn!(error = %e, "warming the indexes failed; they load on first use")
            }
        }
        // the ticket clocks for the default compliance report (6 months), each ticket's
        // done timers run once
        let started = std::time::Instant::now();
        match tickets::warm_up_compliance(&state, company).await {
            Ok(()) => {
                tracing::info!(
                    ms = started.elapsed().as_millis() as u64,
                    "ticket clocks loaded"
                )
            }
            Err(e) => {
                tracing::warn!(error = ?e, "warming the ticket clocks failed; they load on first use")
            }
        }
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown requested; finishing open requests");
}
