//! Paging for long lists: "previous · page N of M · next" as links to the list's own
//! address with another page, so paging works before the page's script has loaded, a
//! reload or the back button show the same page, and a crawler can follow it.
//!
//! The caller says how to write the address of page `n` (the list's filters stay in it):
//!
//! ```ignore
//! <Pager page=3 pages=17 href=move |n| format!("/customers?page={n}") />
//! ```
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::components::A;

/// The page a list is on, from the address parameter `name` (`?page=2`): 1 when it is
/// missing or not a positive number.
pub fn use_page_param(name: &'static str) -> Memo<u32> {
    let query = leptos_router::hooks::use_query_map();
    Memo::new(move |_| {
        query.with(|q| {
            q.get(name)
                .and_then(|p| p.parse::<u32>().ok())
                .unwrap_or(1)
                .max(1)
        })
    })
}

/// Prev / next links around "page N of M". At the ends the link becomes a disabled
/// control (`aria-disabled`), so the layout does not jump.
/// `open_ended`: the list has no count (the sales ledger), so "page N" without "of M";
/// `pages` is then `page + 1` while there may be more.
#[component]
pub fn Pager(
    page: u32,
    pages: u32,
    href: impl Fn(u32) -> String + 'static,
    #[prop(optional)] open_ended: bool,
    /// Keep the scroll position (a list further down a page that pages in place).
    #[prop(optional)]
    keep_scroll: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let pages = pages.max(1);
    let page = page.clamp(1, pages);
    let prev = (page > 1).then(|| href(page - 1));
    let next = (page < pages).then(|| href(page + 1));
    let label = move || {
        if open_ended {
            t_string!(i18n, common.page_n, page = page).to_string()
        } else {
            t_string!(i18n, common.page_of, page = page, pages = pages).to_string()
        }
    };
    view! {
        <nav class="pager" aria-label=label data-page=page data-pages=pages>
            {match prev {
                Some(h) => view! { <A href=h scroll=!keep_scroll attr:class="button" attr:rel="prev" attr:data-pager="prev">{t!(i18n, common.prev)}</A> }.into_any(),
                None => view! { <span class="button" aria-disabled="true" data-pager="prev">{t!(i18n, common.prev)}</span> }.into_any(),
            }}
            <span class="pager-at">{label}</span>
            {match next {
                Some(h) => view! { <A href=h scroll=!keep_scroll attr:class="button" attr:rel="next" attr:data-pager="next">{t!(i18n, common.next)}</A> }.into_any(),
                None => view! { <span class="button" aria-disabled="true" data-pager="next">{t!(i18n, common.next)}</span> }.into_any(),
            }}
        </nav>
    }
}
