//! Feature-agnostic UI pieces: the layout, error screens, form fields, dialogs.
pub mod dialog;
pub mod error_view;
pub mod form;
pub mod layout;
pub mod upload;

/// Leaves the single-page app and loads `path` afresh (used after sign-in and sign-out,
/// so that no state of the previous user survives).
pub fn hard_navigate(path: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_href(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}
