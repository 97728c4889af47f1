//! Browser-only offline support: registering the service worker (`public/sw.js`, served
//! with its precache list by the server; it keeps the `/today` page for use without
//! network), the device's IndexedDB store and the outbox of records made offline.
pub mod outbox;
pub mod store;

/// Asks the service worker to keep a copy of `path` for use without network (a page
/// reached by an in-app link never passed through the worker).
pub fn keep_page(path: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(ready) = window.navigator().service_worker().ready() else {
        return;
    };
    let path = path.to_owned();
    // once the worker is active (on a first visit it is still installing)
    wasm_bindgen_futures::spawn_local(async move {
        use wasm_bindgen::JsCast;
        let Ok(reg) = wasm_bindgen_futures::JsFuture::from(ready).await else {
            return;
        };
        let Some(sw) = reg
            .dyn_into::<web_sys::ServiceWorkerRegistration>()
            .ok()
            .and_then(|r| r.active())
        else {
            return;
        };
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &"keepPage".into(), &path.into());
        let _ = sw.post_message(&message);
    });
}

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
