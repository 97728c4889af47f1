//! One order (`/orders/:id`): customer, lines with the price each took and where it came
//! from, the total in figures and in capitals (大写), the history (who did what when),
//! and the steps the user may take now — each a form that posts, so it works before
//! the script has loaded, and names the version it was shown so a second confirmation
//! is refused instead of repeated.
use super::api::{OrderDetail, OrderStatus, Step, StepOrder, get_order};
use super::components::{StatusBadge, event_label, price_source_label, step_label};
use crate::components::Title;
use crate::components::error_view::{LoadError, error_message, field_message};
use crate::error::{AppError, Conflict};
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn OrderDetailPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let order = Resource::new(move || id.get(), get_order);
    // a step posted before the script ran comes back here with its error, which the
    // action reads from the address itself
    let step = ServerAction::<StepOrder>::new();
    Effect::new(move |_| {
        if step.value().get().is_some() {
            order.refetch();
        }
    });
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, orders.title).to_string()) />
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match order.await {
                    Err(e) => Either::Left(view! {
                        <div class="page-head"><h1>{t!(i18n, orders.title)}</h1></div>
                        <LoadError error=e />
                    }),
                    Ok(o) => Either::Right(view! { <OrderView detail=o step=step /> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn OrderView(detail: OrderDetail, step: ServerAction<StepOrder>) -> impl IntoView {
    let i18n = use_i18n();
    let OrderDetail {
        order: o,
        customer_phone,
        customer_address,
        lines,
        total_capital,
        events,
        steps,
    } = detail;
    view! {
        <div class="page-head">
            <h1>{t!(i18n, orders.order_title, number = o.number.clone())}</h1>
            <div class="page-actions">
                {(!matches!(o.status, OrderStatus::Draft | OrderStatus::Cancelled)).then(|| view! {
                    <A href=format!("/orders/{}/print", o.id) attr:class="button">{t!(i18n, orders.delivery_note)}</A>
                })}
                <A href="/orders" attr:class="button">{t!(i18n, orders.title)}</A>
            </div>
        </div>
        <section class="card order-head">
            <p><StatusBadge status=o.status />
                {(o.source == "tablet").then(|| view! { " " <span class="muted">{t!(i18n, orders.from_tablet)}</span> })}</p>
            <dl class="order-facts">
                <dt>{t!(i18n, orders.customer)}</dt><dd>{format!("{} {}", o.customer_code, o.customer_name)}</dd>
                <dt>{t!(i18n, orders.order_date)}</dt><dd>{o.order_date.clone()}</dd>
                <dt>{t!(i18n, orders.rep)}</dt><dd>{o.rep_name.clone()}</dd>
                <dt>{t!(i18n, orders.phone)}</dt><dd>{customer_phone}</dd>
                <dt>{t!(i18n, orders.address)}</dt><dd>{customer_address}</dd>
            </dl>
        </section>
        <div class="table-wrap"><table class="table order-lines">
            <thead><tr>
                <th scope="col">{t!(i18n, orders.product)}</th>
                <th scope="col" class="num">{t!(i18n, orders.quantity)}</th>
                <th scope="col" class="num">{t!(i18n, orders.unit_price)}</th>
                <th scope="col" class="num">{t!(i18n, orders.amount)}</th>
                <th scope="col">{t!(i18n, orders.price_from)}</th>
            </tr></thead>
            <tbody>
                {lines.into_iter().map(|l| view! {
                    <tr>
                        <td>{format!("{} {}", l.sku, l.product_name)}</td>
                        <td class="num" data-label=move || t_string!(i18n, orders.quantity).to_string()>{format!("{} {}", l.quantity, l.unit)}</td>
                        <td class="num" data-label=move || t_string!(i18n, orders.unit_price).to_string()>{l.unit_price.clone()}</td>
                        <td class="num" data-label=move || t_string!(i18n, orders.amount).to_string()>{l.amount.clone()}</td>
                        <td data-label=move || t_string!(i18n, orders.price_from).to_string()>{price_source_label(i18n, &l.price_source)}
                            {(!l.approval_reason.is_empty()).then(|| view! {
                                <br /><small class="muted">{t!(i18n, orders.approved, by = l.approved_by.clone(), reason = l.approval_reason.clone())}</small>
                            })}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table></div>
        <p class="order-sum">
            <span>{t!(i18n, orders.total)}" "<strong data-testid="order-total">{o.total.clone()}</strong></span>
            <span>{t!(i18n, orders.in_capitals)}" "<strong data-testid="order-capital">{total_capital}</strong></span>
        </p>
        <section class="order-steps" aria-label=move || t_string!(i18n, orders.steps).to_string()>
            {steps.iter().map(|s| view! { <StepForm id=o.id.clone() version=o.version step=*s action=step release=false /> }).collect_view()}
        </section>
        {move || step.value().get().and_then(Result::err).map(|e| view! { <StepError error=e /> })}
        // credit control stopped the confirmation: a manager may release it with a reason
        {
            let (id, version, may_confirm) = (o.id.clone(), o.version, steps.contains(&Step::Confirm));
            move || {
                let blocked = matches!(
                    step.value().get(),
                    Some(Err(AppError::Conflict(Conflict::CreditBlocked(_))))
                );
                (blocked && may_confirm).then(|| view! {
                    <section class="order-steps order-release">
                        <StepForm id=id.clone() version=version step=Step::Confirm action=step release=true />
                    </section>
                })
            }
        }
        <section class="card order-history">
            <h2>{t!(i18n, orders.history)}</h2>
            <ol>
                {events.into_iter().map(|e| view! {
                    <li>{format!("{} · {} · ", e.at, e.by)}{event_label(i18n, &e.step)}
                        {(!e.reason.is_empty()).then(|| format!("：{}", e.reason))}</li>
                }).collect_view()}
            </ol>
        </section>
    }
}

/// One step as a form: the order, the version shown, the step, and for a cancel the
/// reason.
#[component]
fn StepForm(
    id: String,
    version: i64,
    step: Step,
    action: ServerAction<StepOrder>,
    /// A confirmation past credit control: asks for the reason of the release.
    release: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let step_value = step.as_str();
    let (id_for_submit, class) = (
        id.clone(),
        if step == Step::Cancel {
            "button button-danger"
        } else {
            "button button-primary"
        },
    );
    view! {
        <form class="order-step" method="post" action=StepOrder::PATH on:submit=move |ev| {
            ev.prevent_default();
            action.dispatch(StepOrder { id: id_for_submit.clone(), version, step, reason: reason.get_untracked() });
        }>
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="version" value=version />
            <input type="hidden" name="step" value=step_value />
            {(step == Step::Cancel || release).then(|| view! {
                <label class="field">
                    <span>{if release { t_string!(i18n, receivables.release_reason) } else { t_string!(i18n, orders.cancel_reason) }}</span>
                    <input name="reason" autocomplete="off" required=release value=reason.get_untracked() prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                </label>
            })}
            <button type="submit" class=class disabled=move || action.pending().get()>
                {if release { t_string!(i18n, receivables.release).to_string() } else { step_label(i18n, step) }}
            </button>
        </form>
    }
}

/// Why a step was refused, in words: a refused field (the customer closed, a reason too
/// long, a step no longer on offer) by its own message, any other error as itself.
#[component]
fn StepError(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    let text = match &error {
        AppError::Validation(list) if !list.is_empty() => list
            .iter()
            .map(|e| field_message(i18n, e.code))
            .collect::<Vec<_>>()
            .join("；"),
        e => error_message(i18n, e),
    };
    view! { <div class="banner banner-error" role="alert">{text}</div> }
}
