//! "My deliveries" (`/deliveries`, 我的配送): the deliveries given to the signed-in user,
//! open ones most urgent first, each with where it goes (address, contact, a phone to
//! tap), its timer counting down and the way to record it; below, what they delivered
//! in the last seven days. It is a driver's whole app (they see nothing else of the
//! customers); a rep or a manager who drives sees their own round here too.
use super::api::{DeliveryRound, DeliveryStop, my_deliveries};
use super::components::{Countdown, use_elapsed};
use crate::components::Title;
use crate::components::error_view::LoadError;
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn MyDeliveriesPage() -> impl IntoView {
    let i18n = use_i18n();
    let round = Resource::new(|| (), |()| my_deliveries());
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, tickets.my_deliveries).to_string()) />
        <div class="page-head"><h1>{t!(i18n, tickets.my_deliveries)}</h1></div>
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match round.await {
                    Err(e) => Either::Left(view! { <LoadError error=e /> }),
                    Ok(r) => Either::Right(view! { <Round round=r /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Round(round: DeliveryRound) -> impl IntoView {
    let i18n = use_i18n();
    let elapsed = use_elapsed();
    let DeliveryRound {
        now,
        calendar,
        open,
        done,
    } = round;
    let open_count = open.len();
    view! {
        <p class="muted" data-testid="open-deliveries">{t_string!(i18n, tickets.deliveries_open, count = open_count).to_string()}</p>
        {if open.is_empty() {
            Either::Left(view! { <p class="empty-state">{t!(i18n, tickets.no_deliveries)}</p> })
        } else {
            Either::Right(view! {
                <ol class="delivery-list">
                    {open.into_iter().map(|d| {
                        let calendar = calendar.clone();
                        view! { <StopCard d=d now=now calendar=calendar elapsed=elapsed open=true /> }
                    }).collect_view()}
                </ol>
            })
        }}
        <h2>{t!(i18n, tickets.delivered_recently)}</h2>
        {if done.is_empty() {
            Either::Left(view! { <p class="muted">{t!(i18n, tickets.none_delivered)}</p> })
        } else {
            Either::Right(view! {
                <ol class="delivery-list delivery-done">
                    {done.into_iter().map(|d| {
                        let calendar = calendar.clone();
                        view! { <StopCard d=d now=now calendar=calendar elapsed=elapsed open=false /> }
                    }).collect_view()}
                </ol>
            })
        }}
    }
}

#[component]
fn StopCard(
    d: DeliveryStop,
    now: chrono::NaiveDateTime,
    calendar: crate::domain::sla::Calendar,
    elapsed: ReadSignal<i64>,
    open: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/tickets/deliveries/{}", d.item.id);
    let phone = d.stop.phone.clone();
    view! {
        <li class="delivery-stop" data-order=d.item.order_ref.clone().unwrap_or_default()>
            <div class="delivery-stop-head">
                <strong>{d.item.order_ref.clone().unwrap_or_default()}</strong>
                {open.then(|| view! { <Countdown timer=d.item.timer.clone() now=now calendar=calendar elapsed=elapsed /> })}
            </div>
            <p class="delivery-customer">{d.item.name.clone()}</p>
            <dl class="delivery-where">
                <dt>{t!(i18n, fields.address)}</dt>
                <dd>{d.stop.address.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>{t!(i18n, fields.contact)}</dt>
                <dd>{d.stop.contact.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>{t!(i18n, fields.phone)}</dt>
                <dd>{match phone {
                    Some(p) => Either::Left(view! { <a href=format!("tel:{p}") class="delivery-phone">{p.clone()}</a> }),
                    None => Either::Right(view! { <span>"—"</span> }),
                }}</dd>
                <dt>{t!(i18n, tickets.ordered_at)}</dt>
                <dd>{d.ordered_at.clone()}</dd>
                {d.delivered_at.clone().map(|at| view! { <dt>{t!(i18n, tickets.delivered_at)}</dt><dd>{at}</dd> })}
            </dl>
            <A href=href attr:class=if open { "button button-primary" } else { "button" }>
                {if open { t!(i18n, tickets.record_delivery).into_any() } else { t!(i18n, tickets.view_delivery).into_any() }}
            </A>
        </li>
    }
}
