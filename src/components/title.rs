//! The page's title. On the server it is leptos_meta's `<Title>`, written into `<head>`
//! with the response under the formatter `Head` sets. In the browser it is one small
//! effect setting `document.title`: the rest of the head (manifest, icons, description)
//! never changes after the first load, so leptos_meta's head machinery stays server work
//! and out of the first-load wasm.
use leptos::prelude::*;
use leptos::text_prop::TextProp;

/// The window's title for a page's own title: "page · app", or the app's name alone.
pub fn full_title(page: &str, app: &str) -> String {
    if page.is_empty() {
        app.to_string()
    } else {
        format!("{page} · {app}")
    }
}

/// The title of the page that draws it. The last page drawn wins; when it goes, the one
/// drawn before it that is still there (or the app's name) comes back.
///
/// In the page's body both sides draw the same empty placeholder. leptos_meta's title
/// draws nothing there but, as an erased component, is followed by a marker comment; the
/// browser's `()` is an empty comment followed by the same marker. So the server draws
/// `()` first: both sides then read "empty comment, marker" (and, were components not
/// erased, "empty comment" alone). The page crawl fails on any mismatch (no hydration).
#[component]
pub fn Title(#[prop(into)] text: TextProp) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        // leptos_meta writes the text into `<title>` as it is: a customer named
        // `</title><meta http-equiv=refresh …>` would end the title and add to the head
        let text = html_escape::encode_text(&text.get()).into_owned();
        ((), view! { <leptos_meta::Title text=text /> })
    }
    #[cfg(not(feature = "ssr"))]
    {
        browser::title(text);
    }
}

#[cfg(not(feature = "ssr"))]
pub use browser::app_title;

/// The pages' titles in the order they were drawn, and the app's name.
#[derive(Debug, Default)]
#[cfg_attr(feature = "ssr", allow(dead_code))]
struct Titles {
    next: u64,
    app: String,
    pages: Vec<(u64, String)>,
}

#[cfg_attr(feature = "ssr", allow(dead_code))]
impl Titles {
    /// A place for a title drawn now, above those drawn before it (its text comes when
    /// its effect runs, whichever effect runs first).
    fn add(&mut self) -> u64 {
        self.next += 1;
        self.pages.push((self.next, String::new()));
        self.next
    }

    fn set(&mut self, id: u64, page: String, app: String) {
        self.app = app;
        if let Some(entry) = self.pages.iter_mut().find(|(i, _)| *i == id) {
            entry.1 = page;
        }
    }

    fn remove(&mut self, id: u64) {
        self.pages.retain(|(i, _)| *i != id);
    }

    /// What the window shows; none until a title has been set.
    fn shown(&self) -> Option<String> {
        if self.app.is_empty() {
            return None;
        }
        let page = self
            .pages
            .last()
            .map(|(_, p)| p.as_str())
            .unwrap_or_default();
        Some(full_title(page, &self.app))
    }
}

#[cfg(not(feature = "ssr"))]
mod browser {
    use super::Titles;
    use crate::i18n::{t_string, use_i18n};
    use leptos::prelude::*;
    use leptos::text_prop::TextProp;
    use std::cell::RefCell;

    thread_local! {
        static TITLES: RefCell<Titles> = RefCell::new(Titles::default());
    }

    fn show(titles: &Titles) {
        if let Some(text) = titles.shown() {
            document().set_title(&text);
        }
    }

    /// The app's own empty title, drawn before any page's: a page without a title of its
    /// own shows the app's name, in the language of the moment.
    pub fn app_title() {
        title(TextProp::from(""));
    }

    pub fn title(text: TextProp) {
        let i18n = use_i18n();
        let id = TITLES.with_borrow_mut(Titles::add);
        Effect::new(move |_| {
            let page = text.get().to_string();
            let app = t_string!(i18n, app_name).to_string();
            TITLES.with_borrow_mut(|titles| {
                titles.set(id, page, app);
                show(titles);
            });
        });
        on_cleanup(move || {
            TITLES.with_borrow_mut(|titles| {
                titles.remove(id);
                show(titles);
            })
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_page_drawn_names_the_window_and_the_one_before_comes_back() {
        let mut t = Titles::default();
        assert_eq!(t.shown(), None, "nothing is set before a title is");
        // the app's own empty title is drawn first; the page's effect may run before it
        let app = t.add();
        let list = t.add();
        t.set(list, "客户".into(), "渠道".into());
        t.set(app, String::new(), "渠道".into());
        assert_eq!(t.shown().as_deref(), Some("客户 · 渠道"));
        // the next page is drawn before the list goes (a transition keeps both a moment)
        let order = t.add();
        t.set(order, "订单".into(), "渠道".into());
        t.remove(list);
        assert_eq!(t.shown().as_deref(), Some("订单 · 渠道"));
        // the language changes: the same page, the other language
        t.set(order, "Orders".into(), "Qudao".into());
        assert_eq!(t.shown().as_deref(), Some("Orders · Qudao"));
        // a page without a title of its own shows the app's name, in the language now
        t.remove(order);
        assert_eq!(t.shown().as_deref(), Some("Qudao"));
        t.set(app, String::new(), "渠道".into());
        assert_eq!(t.shown().as_deref(), Some("渠道"));
    }
}
