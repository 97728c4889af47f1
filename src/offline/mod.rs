//! Browser-only offline support. For now: registering the service worker (`public/sw.js`,
//! served with its precache list by the server) so the installed app opens its offline
//! page without network. The outbox of offline records arrives with the visits feature.

/// Registers `/sw.js` if the browser supports service workers; failures are harmless
/// (the app simply works online only) and are logged to the console.
pub fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let container = window.navigator().service_worker();
    let promise = container.register("/sw.js");
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = wasm_bindgen_futures::JsFuture::from(promise).await {
            leptos::logging::warn!("service worker registration failed: {e:?}");
        }
    });
}
