//! The signed-in layout: header with the company, navigation, language switch and user
//! menu; the page below. Visitors without a session are sent to the sign-in page.
use crate::app::SessionResource;
use crate::components::error_view::ServerErrorPage;
use crate::components::hard_navigate;
use crate::domain::staff::{Action, Role};
use crate::error::AppError;
use crate::features::auth::api::{CurrentUser, Logout, SessionInfo, SetLanguage, logout};
use crate::i18n::*;
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_i18n::I18nContext;
use leptos_router::components::{A, Outlet, Redirect};

/// The role's name in the current language.
pub fn role_name(i18n: I18nContext<Locale>, role: Role) -> String {
    match role {
        Role::Owner => t_string!(i18n, roles.owner).to_string(),
        Role::Manager => t_string!(i18n, roles.manager).to_string(),
        Role::Rep => t_string!(i18n, roles.rep).to_string(),
        Role::Driver => t_string!(i18n, roles.driver).to_string(),
    }
}

/// The signed-in user, for pages inside [`AppLayout`].
pub fn use_current_user() -> Option<CurrentUser> {
    use_context::<CurrentUser>()
}

#[component]
pub fn AppLayout() -> impl IntoView {
    let session = expect_context::<SessionResource>();
    match known_first(session) {
        // drawn once, with no suspense above the page: a suspense re-runs the closures
        // below it on the server, and each run would draw the page (and run its data
        // requests) again
        Some(known) => Either::Left(signed_in_or_not(known)),
        None => Either::Right(view! {
            <Suspense fallback=|| view! { <div class="page-loading" aria-busy="true"></div> }>
                // `get`, not an awaited `Suspend`: the page below is created once the
                // session is known. (A `Suspend` re-runs after resolving, and the
                // discarded first copy of the page would still fire its own data requests.)
                {move || session.get().map(signed_in_or_not)}
            </Suspense>
        }),
    }
}

/// The session when it was known before the page was drawn: on the server, a page
/// request's (`http::preload_session`); in the browser, what that page was drawn with —
/// so both draw the same. `None` for a page drawn in the browser alone.
fn known_first(session: SessionResource) -> Option<Result<SessionInfo, AppError>> {
    // a session that could not be read is drawn, as before, in the suspense: the browser
    // cannot tell how the server drew it
    #[cfg(feature = "ssr")]
    {
        let _ = session;
        crate::server::context::preloaded_session().filter(Result::is_ok)
    }
    #[cfg(not(feature = "ssr"))]
    {
        session
            .get_untracked()
            .filter(|r| matches!(r, Ok(s) if s.known_first))
    }
}

/// The page for a session: the signed-in layout, the sign-in page, or why neither.
fn signed_in_or_not(result: Result<SessionInfo, AppError>) -> impl IntoView {
    match result {
        Ok(SessionInfo {
            user: Some(user), ..
        }) => EitherOf3::A(view! { <SignedIn user=user /> }),
        Ok(SessionInfo {
            user: None,
            expired,
            ..
        }) => {
            let path = if expired {
                "/login?expired=1"
            } else {
                "/login"
            };
            EitherOf3::B(view! { <Redirect path=path /> })
        }
        Err(e) => EitherOf3::C(view! { <ServerErrorPage error=e /> }),
    }
}

#[component]
fn SignedIn(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    provide_context(user.clone());
    #[cfg(feature = "hydrate")]
    crate::offline::forget_other_users(user.id);
    let may_view_staff = user.role.may(Action::ViewStaff);
    let works_with_customers = user.role.may(Action::WorkWithCustomers);
    let role = user.role;
    let name = user.name.clone();
    view! {
        <a class="skip-link" href="#main">{t!(i18n, common.skip_to_content)}</a>
        <header class="topbar">
            <div class="brand">
                <img src="/icons/icon-192.png" alt="" width="32" height="32" />
                <div class="brand-text">
                    <span class="brand-name">{t!(i18n, app_name)}</span>
                    <span class="brand-company">{user.company_name.clone()}</span>
                </div>
            </div>
            <nav class="mainnav" aria-label=move || t_string!(i18n, nav.main).to_string()>
                {if works_with_customers {
                    view! {
                        <A href="/" exact=true>{t!(i18n, nav.dashboard)}</A>
                        <A href="/today">{t!(i18n, nav.today)}</A>
                        <A href="/visits">{t!(i18n, nav.visits)}</A>
                        <A href="/customers">{t!(i18n, nav.customers)}</A>
                        <A href="/orders">{t!(i18n, nav.orders)}</A>
                        <A href="/receivables">{t!(i18n, nav.receivables)}</A>
                        <A href="/sales">{t!(i18n, nav.sales)}</A>
                        <A href="/segmentation">{t!(i18n, nav.segmentation)}</A>
                        <A href="/tiers">{t!(i18n, nav.tiers)}</A>
                        <A href="/growth">{t!(i18n, nav.growth)}</A>
                        <A href="/discipline">{t!(i18n, nav.discipline)}</A>
                        <A href="/tickets">{t!(i18n, nav.tickets)}</A>
                        // the staff list and staff development are one section (tabs) for
                        // those who see the staff; a rep has their own development page
                        {if may_view_staff {
                            view! { <A href="/staff">{t!(i18n, nav.staff)}</A> }.into_any()
                        } else {
                            view! { <A href="/development">{t!(i18n, nav.development)}</A> }.into_any()
                        }}
                    }
                    .into_any()
                } else {
                    // a driver: their deliveries, and what every employee has
                    view! {
                        <A href="/deliveries">{t!(i18n, nav.deliveries)}</A>
                        <A href="/handbook">{t!(i18n, nav.handbook)}</A>
                        <A href="/development">{t!(i18n, nav.development)}</A>
                    }
                    .into_any()
                }}
            </nav>
            <div class="usermenu">
                <LanguageSwitch />
                <span class="user-name">
                    {name}
                    <span class="user-role">{move || role_name(i18n, role)}</span>
                </span>
                <SignOutButton />
            </div>
        </header>
        <main id="main" class="page" tabindex="-1">
            <Outlet />
        </main>
    }
}

/// The tabs of the staff section (Pillar 1), for those who see the staff: the list and
/// their development.
#[component]
pub fn StaffTabs() -> impl IntoView {
    let i18n = use_i18n();
    let shown = use_current_user().is_some_and(|u| u.role.may(Action::ViewStaff));
    shown.then(|| {
        view! {
            <nav class="tier-tabs" aria-label=move || t_string!(i18n, nav.staff).to_string()>
                <A href="/staff" attr:class="button">{t!(i18n, nav.staff)}</A>
                <A href="/development" exact=true attr:class="button">{t!(i18n, nav.development)}</A>
            </nav>
        }
    })
}

/// The cookie the server reads the chosen language from. Not leptos_i18n's default name:
/// that one was written with the page's own path (`/customers` on a customer's page), and
/// two such cookies with different paths could hold different languages.
pub const LANGUAGE_COOKIE: &str = "qudao_lang";

/// How long the chosen language is kept: a year.
pub const LANGUAGE_COOKIE_SECS: i64 = 365 * 24 * 3600;

/// The cookie (as `document.cookie` or `Set-Cookie` take it) that keeps `locale` for every
/// page of the site; `secure` on a site served over HTTPS, as the session cookie.
pub fn language_cookie(locale: Locale, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{LANGUAGE_COOKIE}={locale}; Path=/; Max-Age={LANGUAGE_COOKIE_SECS}; SameSite=Lax{secure}"
    )
}

/// Switches between Chinese and English; the choice is kept in a cookie, so the server
/// renders the next page in it too. Once the page's script runs, the page changes in place
/// and the browser writes the cookie itself (see the `leptos_i18n` line of Cargo.toml);
/// before that, the switch is a form the server answers (`set_language`).
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let next = move || match i18n.get_locale() {
        Locale::zh_CN => Locale::en,
        Locale::en => Locale::zh_CN,
    };
    let toggle = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let next = next();
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast as _;
            if let Ok(doc) = document().dyn_into::<web_sys::HtmlDocument>() {
                // a refused cookie (privacy settings) leaves the choice to this page
                let https = doc.location().and_then(|l| l.protocol().ok());
                let _ = doc.set_cookie(&language_cookie(next, https.as_deref() == Some("https:")));
            }
        }
        i18n.set_locale(next);
    };
    view! {
        <form class="lang-form" method="post" action=SetLanguage::PATH on:submit=toggle>
            <input type="hidden" name="lang" value=move || next().to_string() />
            <button
                type="submit"
                class="button button-ghost lang-switch"
                aria-label=move || t_string!(i18n, menu.switch_language_label).to_string()
                lang=move || next().to_string()
            >
                {t!(i18n, menu.switch_language)}
            </button>
        </form>
    }
}

#[component]
fn SignOutButton() -> impl IntoView {
    let i18n = use_i18n();
    let busy = RwSignal::new(false);
    let sign_out = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        leptos::task::spawn_local(async move {
            // Whatever the answer (even offline), leave: the cookie is HttpOnly and the
            // server drops the session when it hears of it.
            let _ = logout().await;
            // the device forgets the customers it kept for offline use (records not yet
            // sent stay, and go out when their author signs in again)
            #[cfg(feature = "hydrate")]
            crate::offline::forget_customers().await;
            hard_navigate("/login");
        });
    };
    // A form, so signing out works before the page's script has loaded too.
    view! {
        <form class="signout" method="post" action=Logout::PATH on:submit=sign_out>
            <button type="submit" class="button button-ghost" disabled=move || busy.get()>
                {t!(i18n, menu.sign_out)}
            </button>
        </form>
    }
}
