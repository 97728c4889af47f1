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

/// Browser entry point: hydrates the server-rendered page, then installs the service worker.
///
/// Most pages' code is in wasm chunks of their own (see `lazy_groups!` in `app.rs`): hydration
/// first loads the chunk of the page on screen, so it finishes asynchronously. The pages in
/// the main module pause there once instead (`main_module_routes!`).
///
/// The service worker is registered once the page works: on a first visit it downloads the
/// whole app for offline use (~1.6 MB), and begun earlier it takes the tablet's line, and
/// the browser's six connections to the server, from the chunks the page waits for. A page
/// whose chunk could not be fetched hydrates all the same (it says so, `ChunkFailed`), so
/// that visit still leaves the app on the device.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    components::form::note_submit_focus();
    wasm_bindgen_futures::spawn_local(async {
        let body = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body());
        let Some(body) = body else { return };
        let owner = leptos::mount::hydrate_from_async(body.clone(), app::App).await;
        owner.forget();
        // A marker for end-to-end tests (and a hook for styling): the wasm app is live.
        let _ = body.set_attribute("data-hydrated", "");
        offline::register_service_worker();
    });
}
