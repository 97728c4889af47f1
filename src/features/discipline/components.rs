//! The profile's "tier policy and channel" section: the policy the customer's tier gets
//! today, its territories (edited by the owner and managers) and its open violations.
//! Read with the profile: its resource is created by the profile page itself, beside the
//! profile's own (see `CustomerDetailPage`).
use super::api::{CustomerDiscipline, SaveTerritories, save_territories};
use crate::components::error_view::{LoadError, error_message, field_message};
use crate::domain::discipline::Territory;
use crate::error::AppError;
use crate::features::tiers::policies_page::PolicyFacts;
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;

fn territory_text(t: &Territory) -> String {
    match &t.township {
        Some(x) => format!("{} {x}", t.district),
        None => t.district.clone(),
    }
}

/// The section; `info` is a resource of the profile page (created with the page, not
/// inside the profile's `Suspense`: see the module documentation).
#[component]
pub fn CustomerDisciplineSection(
    customer_id: String,
    info: Resource<Result<CustomerDiscipline, AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = StoredValue::new(customer_id);
    view! {
        <section class="cust-group" aria-labelledby="policy-h">
            <div class="cust-group-head"><h2 id="policy-h">{t!(i18n, discipline.profile_section)}</h2></div>
            <Suspense fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match info.await {
                        Err(e) => Either::Left(view! { <LoadError error=e /> }),
                        Ok(d) => Either::Right(view! { <Body data=d customer_id=id.get_value() /> }),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Body(data: CustomerDiscipline, customer_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let territories = RwSignal::new(data.territories.clone());
    let editing = RwSignal::new(false);
    let rows = RwSignal::new(Vec::<(String, String)>::new());
    let failure = RwSignal::new(None::<String>);
    let id = StoredValue::new(customer_id);
    let save = Action::new(move |list: &Vec<(String, String)>| {
        save_territories(id.get_value(), list.clone())
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(saved)) => {
            territories.set(saved);
            editing.set(false);
            failure.set(None);
        }
        Some(Err(AppError::Validation(e))) => {
            failure.set(e.first().map(|f| field_message(i18n, f.code)))
        }
        Some(Err(e)) => failure.set(Some(error_message(i18n, &e))),
        None => {}
    });
    let indices = move || (0..rows.with(Vec::len)).collect::<Vec<usize>>();
    let start = move |_| {
        rows.set(
            territories
                .get_untracked()
                .iter()
                .map(|t| (t.district.clone(), t.township.clone().unwrap_or_default()))
                .chain(std::iter::once((String::new(), String::new())))
                .collect(),
        );
        editing.set(true);
    };
    view! {
        <h3>{t!(i18n, discipline.policy_in_force)}</h3>
        {match data.policy {
            Some(p) => Either::Left(view! { <div data-testid="policy-in-force"><PolicyFacts policy=p /></div> }),
            None => Either::Right(view! { <p class="muted">{t!(i18n, tiers.no_policy)}</p> }),
        }}
        <h3>{t!(i18n, discipline.territories)}</h3>
        <Show when=move || !editing.get() fallback=move || view! {
            <form class="territory-form" method="post" action=SaveTerritories::PATH on:submit=move |ev| {
                ev.prevent_default();
                let list: Vec<(String, String)> = rows.get_untracked().into_iter().filter(|(d, t)| !(d.trim().is_empty() && t.trim().is_empty())).collect();
                save.dispatch(list);
            }>
                <input type="hidden" name="customer_id" value=id.get_value() />
                <For each=indices key=|i| *i let:i>
                    <div class="territory-row">
                        <label class="field"><span>{t!(i18n, fields.district)}</span>
                            <input name=format!("territories[{i}][0]") value=rows.with_untracked(|r| r.get(i).map(|x| x.0.clone()).unwrap_or_default()) prop:value=move || rows.with(|r| r.get(i).map(|x| x.0.clone()).unwrap_or_default())
                                on:input=move |ev| rows.update(|r| if let Some(x) = r.get_mut(i) { x.0 = event_target_value(&ev) }) /></label>
                        <label class="field"><span>{t!(i18n, discipline.township_optional)}</span>
                            <input name=format!("territories[{i}][1]") value=rows.with_untracked(|r| r.get(i).map(|x| x.1.clone()).unwrap_or_default()) prop:value=move || rows.with(|r| r.get(i).map(|x| x.1.clone()).unwrap_or_default())
                                on:input=move |ev| rows.update(|r| if let Some(x) = r.get_mut(i) { x.1 = event_target_value(&ev) }) /></label>
                    </div>
                </For>
                <div class="form-actions">
                    <button type="button" class="button" on:click=move |_| rows.update(|r| r.push((String::new(), String::new())))>{t!(i18n, discipline.add_territory)}</button>
                    <button type="submit" class="button button-primary" disabled=move || save.pending().get()>{t!(i18n, common.save)}</button>
                    <button type="button" class="button" on:click=move |_| editing.set(false)>{t!(i18n, common.cancel)}</button>
                </div>
            </form>
        }>
            {move || {
                let list = territories.get();
                if list.is_empty() {
                    Either::Left(view! { <p class="muted">{t!(i18n, discipline.no_territories)}</p> })
                } else {
                    Either::Right(view! { <ul class="chips" data-testid="territories">{list.iter().map(|t| view! { <li>{territory_text(t)}</li> }).collect_view()}</ul> })
                }
            }}
            {data.may_edit_territories.then(|| view! { <button type="button" class="button button-small" on:click=start>{t!(i18n, discipline.edit_territories)}</button> })}
        </Show>
        <p class="field-error" role="alert" hidden=move || failure.get().is_none()>{move || failure.get()}</p>
        <p>
            {if data.open_violations > 0 {
                Either::Left(view! { <a href="/discipline">{t_string!(i18n, discipline.open_count, count = data.open_violations).to_string()}</a> })
            } else {
                Either::Right(view! { <span class="muted">{t!(i18n, discipline.no_open)}</span> })
            }}
        </p>
    }
}
