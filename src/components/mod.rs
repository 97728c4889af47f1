//! Feature-agnostic UI pieces: the layout, error screens, form fields, dialogs.
pub mod dialog;
pub mod error_view;
pub mod form;
pub mod layout;
pub mod pager;
pub mod title;
pub mod upload;

pub use title::Title;

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

/// Text for `<Title>` and `<Meta>` that follows the language (or the record) in the
/// browser, but is a plain string on the server. leptos_meta reads head text once more
/// when it writes the response, and there a reactive read can land outside the request's
/// arena and panic (seen under load: "no Arena is active"); a string read now cannot.
pub fn head_text(text: impl Fn() -> String + Send + Sync + 'static) -> leptos::text_prop::TextProp {
    #[cfg(feature = "ssr")]
    {
        leptos::text_prop::TextProp::from(text())
    }
    #[cfg(not(feature = "ssr"))]
    {
        leptos::text_prop::TextProp::from(text)
    }
}
