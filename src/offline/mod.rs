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

/// Waits `ms` in the browser's event loop (0: until the tasks already queued have run:
/// work started after hydration then runs in a task of its own).
pub async fn pause(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Asks the service worker to drop the pages it keeps for use without network: they are
/// drawn for the user signed in when kept (their name, their company).
pub fn forget_pages() {
    let controller = web_sys::window().and_then(|w| w.navigator().service_worker().controller());
    if let Some(sw) = controller {
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &"forgetPages".into(), &true.into());
        let _ = sw.post_message(&message);
    }
}

/// What the device keeps of a user's customers for use offline (the plan, the kept
/// pages) is forgotten: on sign-out, at the sign-in page, and when a page finds them kept
/// for someone other than the user signed in. Records waiting in the outbox stay.
pub async fn forget_customers() {
    forget_pages();
    outbox::forget_bundle().await;
}

/// On a signed-in page: what the device keeps for another user is forgotten (their
/// session ended without signing out, on a shared tablet, and this user signed in).
pub fn forget_other_users(me: crate::domain::ids::EmployeeId) {
    wasm_bindgen_futures::spawn_local(async move {
        // after the page has hydrated, in a task of its own
        pause(0).await;
        if outbox::bundle_owner()
            .await
            .is_some_and(|owner| owner != me.to_string())
        {
            forget_customers().await;
        }
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
