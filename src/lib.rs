//! Qudao (渠道) — customer-relationship management for Chinese distributors.
//!
//! This file is the map of the wasm/server boundary: the modules without a `cfg` are
//! compiled for both the server and the browser; `server` never reaches the browser and
//! `offline` never runs on the server.
pub mod app;
pub mod components;
pub mod domain;
pub mod error;
pub mod features;
#[cfg(feature = "hydrate")]
pub mod offline;
#[cfg(feature = "ssr")]
pub mod server;
/// How server functions' inputs cross the wire: the app's JSON, or a form the browser
/// posts by itself before hydration.
pub mod wire;

// Generated from `locales/*.json` by build.rs: compile-time-checked translation keys.
#[allow(
    clippy::expect_used,
    reason = "generated code parses its own constant locale tags (zh-CN, en)"
)]
mod generated_i18n {
    include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));
}
pub use generated_i18n::i18n;

/// Browser entry point: installs the service worker and hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    offline::register_service_worker();
    leptos::mount::hydrate_body(app::App);
    // A marker for end-to-end tests (and a hook for styling): the wasm app is live.
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute("data-hydrated", "");
    }
}
