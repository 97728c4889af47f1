//! The `qudao` binary: `qudao serve` (default), `migrate`, `seed-demo`, `user add`,
//! `backup FILE`. See `server::cli`.
/// mimalloc rather than the system's malloc: many short-lived strings per request and per
/// imported row (see Cargo.toml).
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    qudao::server::cli::main().await
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The binary is only built with the `ssr` feature; the browser build uses the lib.
}
