//! The delivery note (送货单, `/orders/:id/print`, `?paper=a4`): what the driver hands
//! over and brings back signed — the company, the order's number and date, the customer
//! with address and phone, the lines, the total in figures and in capital numerals (大写),
//! and boxes for the signatures. It prints on A5 landscape (the usual two-part carbon
//! form's size) or A4 through the browser's print; nothing but the note is printed.
use super::api::get_order;
use crate::components::Title;
use crate::components::error_view::LoadError;
use crate::components::layout::use_current_user;
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn DeliveryNotePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let a4 = Memo::new(move |_| query.with(|q| q.get("paper").as_deref() == Some("a4")));
    let order = Resource::new(move || id.get(), get_order);
    let company = use_current_user()
        .map(|u| u.company_name)
        .unwrap_or_default();
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, orders.delivery_note).to_string()) />
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || {
                let company = company.clone();
                Suspend::new(async move {
                    match order.await {
                        Err(e) => Either::Left(view! {
                            <div class="page-head"><h1>{t!(i18n, orders.delivery_note)}</h1></div>
                            <LoadError error=e />
                        }),
                        Ok(d) => {
                            let o = d.order;
                            let back = format!("/orders/{}", o.id);
                            let number = o.number.clone();
                            let (a5_href, a4_href) = (format!("{back}/print"), format!("{back}/print?paper=a4"));
                            Either::Right(view! {
                                <div class="page-head no-print">
                                    <h1>{t!(i18n, orders.delivery_note)}</h1>
                                    <div class="page-actions">
                                        <A href=back attr:class="button">{t!(i18n, orders.order_title, number = number.clone())}</A>
                                        <A href=a5_href attr:class="button" attr:aria-current=move || (!a4.get()).then_some("page")>"A5"</A>
                                        <A href=a4_href attr:class="button" attr:aria-current=move || a4.get().then_some("page")>"A4"</A>
                                        <button type="button" class="button button-primary" on:click=move |_| print()>{t!(i18n, orders.print)}</button>
                                    </div>
                                </div>
                                <article class=move || if a4.get() { "delivery-note note-a4" } else { "delivery-note note-a5" } data-testid="delivery-note">
                                    <header class="note-head">
                                        <h2>{company}</h2>
                                        <p class="note-title">{t!(i18n, orders.delivery_note)}</p>
                                        <p class="note-number">{t!(i18n, orders.number)}"："{o.number.clone()}</p>
                                    </header>
                                    <dl class="note-facts">
                                        <dt>{t!(i18n, orders.customer)}</dt><dd>{format!("{} {}", o.customer_code, o.customer_name)}</dd>
                                        <dt>{t!(i18n, orders.order_date)}</dt><dd>{o.order_date.clone()}</dd>
                                        <dt>{t!(i18n, orders.address)}</dt><dd>{d.customer_address.clone()}</dd>
                                        <dt>{t!(i18n, orders.phone)}</dt><dd>{d.customer_phone.clone()}</dd>
                                    </dl>
                                    <table class="note-lines">
                                        <thead><tr>
                                            <th scope="col">"#"</th>
                                            <th scope="col">{t!(i18n, orders.product)}</th>
                                            <th scope="col" class="num">{t!(i18n, orders.quantity)}</th>
                                            <th scope="col" class="num">{t!(i18n, orders.unit_price)}</th>
                                            <th scope="col" class="num">{t!(i18n, orders.amount)}</th>
                                        </tr></thead>
                                        <tbody>
                                            {d.lines.into_iter().map(|l| view! {
                                                <tr>
                                                    <td>{l.line_no}</td>
                                                    <td>{format!("{} {}", l.sku, l.product_name)}</td>
                                                    <td class="num">{format!("{} {}", l.quantity, l.unit)}</td>
                                                    <td class="num">{l.unit_price.clone()}</td>
                                                    <td class="num">{l.amount.clone()}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                        <tfoot>
                                            <tr>
                                                <th scope="row" colspan="4">{t!(i18n, orders.total)}</th>
                                                <td class="num" data-testid="note-total">{o.total.clone()}</td>
                                            </tr>
                                            <tr>
                                                <th scope="row">{t!(i18n, orders.in_capitals)}</th>
                                                <td colspan="4" data-testid="note-capital">{d.total_capital.clone()}</td>
                                            </tr>
                                        </tfoot>
                                    </table>
                                    <div class="note-signatures">
                                        <div><span>{t!(i18n, orders.sign_shipper)}</span></div>
                                        <div><span>{t!(i18n, orders.sign_driver)}</span></div>
                                        <div><span>{t!(i18n, orders.sign_receiver)}</span></div>
                                        <div><span>{t!(i18n, orders.sign_date)}</span></div>
                                    </div>
                                </article>
                            })
                        }
                    }
                })
            }}
        </Transition>
    }
}

/// Opens the browser's print dialog (before the script runs, the browser's own menu).
fn print() {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}
