//! A new customer: the basic group, checked in the browser by the same `CustomerDraft`
//! rule the server applies. From a sub-distributor's page, `?parent=CODE` starts a
//! terminal it serves. A rep's new customers are assigned to the rep.
use super::api::{CreateCustomer, create_customer, customer_filters};
use super::components::ProfileInput;
use crate::components::Title;
use crate::components::error_view::{ErrorBanner, ForbiddenPage, LoadError, error_message};
use crate::components::form::{focus_first_invalid, posted_errors};
use crate::domain::profile::{CustomerDraft, FieldSpec, Group, Values, group_fields};
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn NewCustomerPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_query_map();
    let parent = params.get_untracked().get("parent").unwrap_or_default();
    let filters = Resource::new(|| (), |()| customer_filters());
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, customers.new_customer).to_string()) />
        <p class="crumbs"><A href="/customers">{t!(i18n, customers.back_to_list)}</A></p>
        <h1>{t!(i18n, customers.new_customer)}</h1>
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || {
                let parent = parent.clone();
                Suspend::new(async move {
                    // the choices come only to those who may add customers (not a driver)
                    match filters.await {
                        Ok(choices) => view! { <NewCustomerForm choices=Some(choices) parent=parent /> }.into_any(),
                        Err(AppError::Forbidden) => view! { <ForbiddenPage /> }.into_any(),
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn NewCustomerForm(choices: Option<super::api::FilterChoices>, parent: String) -> impl IntoView {
    let i18n = use_i18n();
    let may_manage = choices.as_ref().is_some_and(|c| c.may_manage);
    let choices = Signal::derive(move || choices.clone());
    let inputs: Vec<(&'static FieldSpec, RwSignal<String>)> = group_fields(Group::Basic)
        .map(|f| {
            let start = match f.key {
                "parent_code" => parent.clone(),
                "kind" if !parent.is_empty() => "terminal".to_owned(),
                "status" => "active".to_owned(),
                _ => String::new(),
            };
            (f, RwSignal::new(start))
        })
        .collect();
    // a plain form post (before the script ran) comes back here with its error
    let (posted_fields, posted_failure) = posted_errors::<CreateCustomer>(i18n);
    let errors = RwSignal::new(posted_fields);
    let failure = RwSignal::new(posted_failure);
    let busy = RwSignal::new(false);
    let navigate = use_navigate();
    let form_inputs = inputs.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let values: Values = form_inputs
            .iter()
            .map(|(f, v)| (f.key.to_owned(), v.get_untracked()))
            .filter(|(_, v)| !v.trim().is_empty())
            .collect();
        if let Err(found) = CustomerDraft::parse(&values) {
            errors.set(found);
            focus_first_invalid();
            return;
        }
        errors.set(Vec::new());
        failure.set(None);
        busy.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let r = create_customer(values).await;
            busy.set(false);
            match r {
                Ok(id) => navigate(&format!("/customers/{id}"), NavigateOptions::default()),
                Err(AppError::Validation(list)) => {
                    errors.set(list);
                    focus_first_invalid();
                }
                Err(e) => failure.set(Some(error_message(i18n, &e))),
            }
        });
    };
    view! {
        <form class="form cust-form" method="post" action=CreateCustomer::PATH on:submit=submit novalidate>
            <ErrorBanner message=failure />
            <div class="form-grid">
                {inputs.into_iter().map(|(f, v)| {
                    (f.key != "rep_login" || may_manage).then(|| view! { <ProfileInput spec=f value=v errors=errors filters=choices /> })
                }).collect_view()}
            </div>
            <div class="form-actions">
                <A href="/customers" attr:class="button">{t!(i18n, common.cancel)}</A>
                <button type="submit" class="button button-primary" disabled=move || busy.get()>
                    {move || if busy.get() { t_string!(i18n, common.saving).to_string() } else { t_string!(i18n, common.save).to_string() }}
                </button>
            </div>
        </form>
    }
}
