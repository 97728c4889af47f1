//! Words and badges of orders: statuses, steps, where a price came from.
use super::api::{OrderPage, OrderStatus, Step};
use crate::components::error_view::LoadError;
use crate::error::AppError;
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;

type I18n = leptos_i18n::I18nContext<Locale>;

/// "草稿", "已确认" …
pub fn status_label(i18n: I18n, status: OrderStatus) -> String {
    match status {
        OrderStatus::Draft => t_string!(i18n, orders.status_draft),
        OrderStatus::Confirmed => t_string!(i18n, orders.status_confirmed),
        OrderStatus::Picked => t_string!(i18n, orders.status_picked),
        OrderStatus::OutForDelivery => t_string!(i18n, orders.status_out_for_delivery),
        OrderStatus::Delivered => t_string!(i18n, orders.status_delivered),
        OrderStatus::Closed => t_string!(i18n, orders.status_closed),
        OrderStatus::Cancelled => t_string!(i18n, orders.status_cancelled),
    }
    .to_string()
}

/// The button that takes a step: "确认订单", "已拣货" …
pub fn step_label(i18n: I18n, step: Step) -> String {
    match step {
        Step::Confirm => t_string!(i18n, orders.step_confirm),
        Step::Pick => t_string!(i18n, orders.step_pick),
        Step::Dispatch => t_string!(i18n, orders.step_dispatch),
        Step::Deliver => t_string!(i18n, orders.step_deliver),
        Step::Close => t_string!(i18n, orders.step_close),
        Step::Cancel => t_string!(i18n, orders.step_cancel),
    }
    .to_string()
}

/// A step of the history as done: "创建", "确认" … (stored names).
pub fn event_label(i18n: I18n, step: &str) -> String {
    match step {
        "create" => t_string!(i18n, orders.event_create),
        "confirm" => t_string!(i18n, orders.event_confirm),
        "pick" => t_string!(i18n, orders.event_pick),
        "dispatch" => t_string!(i18n, orders.event_dispatch),
        "deliver" => t_string!(i18n, orders.event_deliver),
        "close" => t_string!(i18n, orders.event_close),
        _ => t_string!(i18n, orders.event_cancel),
    }
    .to_string()
}

/// Where a line's price came from: the list's own name ("基础价", "A 类价", "协议价"), or
/// "手工价".
pub fn price_source_label(i18n: I18n, source: &str) -> String {
    match source {
        "manual" => t_string!(i18n, orders.price_manual).to_string(),
        list => crate::features::pricing::prices_page::scope_label(i18n, list),
    }
}

/// A status as a coloured badge; "待确认" (to be confirmed) for a draft.
#[component]
pub fn StatusBadge(status: OrderStatus) -> impl IntoView {
    let i18n = use_i18n();
    let class = format!("order-status order-status-{}", status.as_str());
    view! { <span class=class>{move || status_label(i18n, status)}</span> }
}

/// The customer's orders on their profile (newest first, one page); the profile's header
/// has the button that takes a new one.
#[component]
pub fn CustomerOrders(orders: Resource<Result<OrderPage, AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="cust-group cust-orders" aria-labelledby="orders-h">
            <div class="cust-group-head">
                <h2 id="orders-h">{t!(i18n, orders.title)}</h2>
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match orders.await {
                        Err(e) => Either::Left(view! { <LoadError error=e /> }),
                        Ok(p) if p.items.is_empty() => Either::Right(Either::Left(view! { <p class="muted">{t!(i18n, orders.none)}</p> })),
                        Ok(p) => Either::Right(Either::Right(view! {
                            <table class="table order-table">
                                <tbody>
                                    {p.items.into_iter().map(|o| view! {
                                        <tr>
                                            <td><A href=format!("/orders/{}", o.id)>{o.number.clone()}</A></td>
                                            <td data-label=move || t_string!(i18n, orders.order_date).to_string()>{o.order_date.clone()}</td>
                                            <td class="num" data-label=move || t_string!(i18n, orders.total).to_string()>{o.total.clone()}</td>
                                            <td><StatusBadge status=o.status /></td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        })),
                    }
                })}
            </Transition>
        </section>
    }
}
