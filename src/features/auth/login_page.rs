//! The sign-in page.
use crate::app::SessionResource;
use crate::components::Title;
use crate::components::error_view::{ErrorBanner, error_message, message_for};
use crate::components::form::{TextField, posted_error};
use crate::components::hard_navigate;
use crate::components::layout::LanguageSwitch;
use crate::error::AppError;
use crate::features::auth::api::{Login, SessionInfo, login};
use crate::i18n::*;
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<SessionResource>();
    let query = use_query_map();
    let expired = move || query.read().get("expired").is_some();

    let login_value = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    // A sign-in the browser posted by itself (before the script ran) comes back here
    // with its error.
    let error = RwSignal::new(posted_error::<Login>());
    let busy = RwSignal::new(false);

    let field_error = move |field: &'static str| {
        Signal::derive(move || match error.get() {
            Some(AppError::Validation(errors)) => message_for(i18n, &errors, field),
            _ => None,
        })
    };
    let banner = Signal::derive(move || match error.get() {
        None | Some(AppError::Validation(_)) => None,
        Some(e) => Some(error_message(i18n, &e)),
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let (l, p) = (login_value.get_untracked(), password.get_untracked());
        leptos::task::spawn_local(async move {
            match login(l, p).await {
                Ok(_) => hard_navigate("/"),
                Err(e) => {
                    error.set(Some(e));
                    password.set(String::new());
                    busy.set(false);
                }
            }
        });
    };

    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, login.title).to_string()) />
        <Suspense>
            {move || Suspend::new(async move {
                let known = session.await;
                // Nobody signed in: the device keeps no one's customers (the last user's
                // session may have ended without signing out; records waiting stay).
                #[cfg(feature = "hydrate")]
                if matches!(known, Ok(SessionInfo { user: None, .. })) {
                    leptos::task::spawn_local(crate::offline::forget_customers());
                }
                // Someone already signed in has nothing to do here.
                matches!(known, Ok(SessionInfo { user: Some(_), .. }))
                    .then(|| view! { <Redirect path="/" /> })
            })}
        </Suspense>
        <main id="main" class="login">
            <div class="login-lang">
                <LanguageSwitch />
            </div>
            <form class="login-card" method="post" action=Login::PATH on:submit=submit novalidate>
                <img class="login-logo" src="/icons/icon-192.png" alt="" width="64" height="64" />
                <h1>{t!(i18n, login.heading)}</h1>
                <p class="login-tagline">{t!(i18n, app_tagline)}</p>
                <div class="banner banner-info" role="status" hidden=move || !expired()>
                    {t!(i18n, login.expired)}
                </div>
                <ErrorBanner message=banner />
                <TextField
                    id="login"
                    label=move || t!(i18n, login.login_label)
                    hint=move || t!(i18n, login.login_hint)
                    value=login_value
                    error=field_error("login")
                    autocomplete="username"
                    required=true
                    autofocus=true
                />
                <TextField
                    id="password"
                    label=move || t!(i18n, login.password_label)
                    value=password
                    error=field_error("password")
                    input_type="password"
                    autocomplete="current-password"
                    required=true
                />
                <button type="submit" class="button button-primary button-block" disabled=move || busy.get()>
                    {move || if busy.get() {
                        t_string!(i18n, login.submitting).to_string()
                    } else {
                        t_string!(i18n, login.submit).to_string()
                    }}
                </button>
                <p class="login-demo">{t!(i18n, login.demo_hint)}</p>
            </form>
        </main>
    }
}
