//! The orders (`/orders`, `?status=draft&page=2`): newest first, by status, with the
//! button that takes a new one. A rep sees their own customers' orders.
use super::api::{ORDER_PAGE, OrderPage, OrderStatus, list_orders};
use super::components::{StatusBadge, status_label};
use crate::components::Title;
use crate::components::error_view::LoadError;
use crate::components::pager::{Pager, use_page_param};
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

fn href(status: &str, page: u32) -> String {
    match (status, page) {
        ("", 1) => "/orders".to_owned(),
        ("", p) => format!("/orders?page={p}"),
        (s, 1) => format!("/orders?status={s}"),
        (s, p) => format!("/orders?status={s}&page={p}"),
    }
}

#[component]
pub fn OrdersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let status = Memo::new(move |_| {
        query.with(|q| {
            q.get("status")
                .and_then(|s| OrderStatus::parse(&s))
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default()
        })
    });
    let page = use_page_param("page");
    let orders = Resource::new(
        move || (status.get(), page.get()),
        |(s, p)| list_orders(s, String::new(), p),
    );
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, orders.title).to_string()) />
        <div class="page-head">
            <h1>{t!(i18n, orders.title)}</h1>
            <div class="page-actions">
                <A href="/prices" attr:class="button">{t!(i18n, pricing.title)}</A>
                <A href="/orders/new" attr:class="button button-primary">{t!(i18n, orders.new_order)}</A>
            </div>
        </div>
        <nav class="order-filter" aria-label=move || t_string!(i18n, orders.filter).to_string()>
            <a href="/orders" class="button" aria-current=move || status.get().is_empty().then_some("page")>{t!(i18n, orders.all)}</a>
            {OrderStatus::ALL.into_iter().map(|s| view! {
                <a href=href(s.as_str(), 1) class="button" aria-current=move || (status.get() == s.as_str()).then_some("page")>{move || status_label(i18n, s)}</a>
            }).collect_view()}
        </nav>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match orders.await {
                    Err(e) => Either::Left(view! { <LoadError error=e /> }),
                    Ok(p) => Either::Right(view! { <OrderTable page=p at=page.get_untracked() status=status.get_untracked() /> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn OrderTable(page: OrderPage, at: u32, status: String) -> impl IntoView {
    let i18n = use_i18n();
    let pages = u32::try_from((page.total + ORDER_PAGE - 1) / ORDER_PAGE).unwrap_or(1);
    if page.items.is_empty() {
        return Either::Left(view! { <p class="empty">{t!(i18n, orders.none)}</p> });
    }
    Either::Right(view! {
        <div class="table-wrap"><table class="table order-table">
            <thead><tr>
                <th scope="col">{t!(i18n, orders.number)}</th>
                <th scope="col">{t!(i18n, orders.order_date)}</th>
                <th scope="col">{t!(i18n, orders.customer)}</th>
                <th scope="col">{t!(i18n, orders.rep)}</th>
                <th scope="col" class="num">{t!(i18n, orders.total)}</th>
                <th scope="col">{t!(i18n, orders.status)}</th>
            </tr></thead>
            <tbody>
                {page.items.into_iter().map(|o| view! {
                    <tr>
                        <td><A href=format!("/orders/{}", o.id)>{o.number.clone()}</A>
                            {(o.source == "tablet").then(|| view! { <span class="muted order-source">{t!(i18n, orders.from_tablet)}</span> })}
                            // the delivery note of an order that goes (or went) out
                            {(!matches!(o.status, OrderStatus::Draft | OrderStatus::Cancelled)).then(|| view! {
                                " " <a class="order-print" href=format!("/orders/{}/print", o.id)>{t!(i18n, orders.delivery_note)}</a>
                            })}</td>
                        <td data-label=move || t_string!(i18n, orders.order_date).to_string()>{o.order_date.clone()}</td>
                        <td data-label=move || t_string!(i18n, orders.customer).to_string()>{format!("{} {}", o.customer_code, o.customer_name)}</td>
                        <td data-label=move || t_string!(i18n, orders.rep).to_string()>{o.rep_name.clone()}</td>
                        <td class="num" data-label=move || t_string!(i18n, orders.total).to_string()>{o.total.clone()}</td>
                        <td><StatusBadge status=o.status /></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table></div>
        <Pager page=at pages=pages href=move |p| href(&status, p) />
    })
}
