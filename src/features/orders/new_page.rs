//! Taking an order in the office (`/orders/new`, `?customer=EP001` from a profile): the
//! customer, the date (empty: today), lines of product and quantity. Each line shows
//! the customer's price on that date as the lists give it, and the amount; owners and
//! managers may type another price (under the floor with a reason). Saved as a draft
//! ("待确认"), then the order's page opens.
use super::api::{CreateOrder, OrderInput, OrderLineInput};
use crate::components::Title;
use crate::components::error_view::{ForbiddenPage, LoadError, error_message, message_for};
use crate::components::layout::use_current_user;
use crate::domain::money::Money;
use crate::domain::staff::Action as Permission;
use crate::error::AppError;
use crate::features::pricing::api::{PriceSheet, get_price_sheet};
use crate::features::sales::api::{ProductSummary, list_products};
use crate::i18n::*;
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

/// Empty lines the form starts with (a plain post before the script runs has these).
const START_LINES: usize = 3;

#[component]
pub fn NewOrderPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let customer = query.with_untracked(|q| q.get("customer").unwrap_or_default());
    let code = RwSignal::new(customer.clone());
    // the code the price sheet is read for: set when the field is left, not per key
    let chosen = RwSignal::new(customer);
    let date = RwSignal::new(String::new());
    // Created here, not in the form below: a resource created while a `Suspend` resolves
    // does not find the server's data when the browser hydrates.
    let products = Resource::new(|| (), |()| list_products());
    let sheet = Resource::new(
        move || (chosen.get(), date.get()),
        |(c, d)| async move {
            if c.trim().is_empty() {
                None
            } else {
                get_price_sheet(c, d).await.ok()
            }
        },
    );
    let fields = Fields {
        code,
        chosen,
        date,
        sheet,
    };
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, orders.new_order).to_string()) />
        <div class="page-head">
            <h1>{t!(i18n, orders.new_order)}</h1>
            <div class="page-actions">
                <A href="/orders" attr:class="button">{t!(i18n, orders.title)}</A>
            </div>
        </div>
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                // the catalogue comes only to those who take orders (not a driver)
                match products.await {
                    Ok(p) => view! {
                        <p class="muted">{t!(i18n, orders.new_hint)}</p>
                        <OrderForm fields=fields products=p />
                    }.into_any(),
                    Err(AppError::Forbidden) => view! { <ForbiddenPage /> }.into_any(),
                    Err(e) => view! { <LoadError error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The order's own fields and the customer's price sheet, kept by the page.
#[derive(Clone, Copy)]
struct Fields {
    code: RwSignal<String>,
    chosen: RwSignal<String>,
    date: RwSignal<String>,
    sheet: Resource<Option<PriceSheet>>,
}

#[component]
fn OrderForm(fields: Fields, products: Vec<ProductSummary>) -> impl IntoView {
    let i18n = use_i18n();
    let may_set_price = use_current_user().is_some_and(|u| u.role.may(Permission::ManageCustomers));
    let Fields {
        code,
        chosen,
        date,
        sheet,
    } = fields;
    let lines = RwSignal::new(vec![OrderLineInput::default(); START_LINES]);
    // a plain form post (before the script ran) comes back here with its error
    let (posted_fields, posted_failure) =
        crate::components::form::posted_errors::<CreateOrder>(i18n);
    let errors = RwSignal::new(posted_fields);
    let failure = RwSignal::new(posted_failure);
    let save = ServerAction::<CreateOrder>::new();
    let navigate = use_navigate();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(id)) => navigate(&format!("/orders/{id}"), Default::default()),
        Some(Err(AppError::Validation(e))) => {
            failure.set(None);
            errors.set(e);
            crate::components::form::focus_first_invalid();
        }
        Some(Err(e)) => failure.set(Some(error_message(i18n, &e))),
        None => {}
    });
    let err = move |field: String| move || errors.with(|e| message_for(i18n, e, &field));
    let set_line = move |i: usize, f: fn(&mut OrderLineInput, String)| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            lines.update(|ls| {
                if let Some(l) = ls.get_mut(i) {
                    f(l, v);
                }
            });
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(CreateOrder {
            order: OrderInput {
                customer_code: code.get_untracked(),
                order_date: date.get_untracked(),
                lines: lines.get_untracked(),
                client_id: String::new(),
            },
        });
    };
    view! {
        <form class="card order-form" method="post" action=CreateOrder::PATH on:submit=submit novalidate>
            <div class="form-row">
                <label class="field">
                    <span>{t!(i18n, orders.customer_code)}</span>
                    <input name="order[customer_code]" autocomplete="off" required
                        aria-invalid=move || err("customer_code".into())().is_some().to_string()
                        value=code.get_untracked() prop:value=move || code.get()
                        on:input=move |ev| code.set(event_target_value(&ev))
                        on:change=move |ev| chosen.set(event_target_value(&ev)) />
                    <small class="field-error" role="alert">{err("customer_code".into())}</small>
                </label>
                <label class="field">
                    <span>{t!(i18n, orders.order_date)}</span>
                    <input name="order[order_date]" type="date"
                        aria-invalid=move || err("order_date".into())().is_some().to_string()
                        value=date.get_untracked() prop:value=move || date.get() on:change=move |ev| date.set(event_target_value(&ev)) />
                    <small class="hint">{t!(i18n, orders.date_hint)}</small>
                    <small class="field-error" role="alert">{err("order_date".into())}</small>
                </label>
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    sheet.await.map(|s| view! {
                        <p class="order-customer" data-testid="order-customer">
                            {format!("{} {}", s.customer_code, s.customer_name)}
                            {(!s.tier.is_empty()).then(|| format!(" · {}", t_string!(i18n, orders.tier, tier = s.tier.clone())))}
                        </p>
                    })
                })}
            </Transition>
            <datalist id="order-products">
                {products.into_iter().filter(|p| p.active).map(|p| view! {
                    <option value=p.sku.clone()>{format!("{} {}", p.name, p.unit)}</option>
                }).collect_view()}
            </datalist>
            {move || (0..lines.with(Vec::len)).map(|i| {
                let field = move |name: &str| format!("lines.{i}.{name}");
                let cell = move |name: &'static str, label: String, mode: &'static str, get: fn(&OrderLineInput) -> String, set: fn(&mut OrderLineInput, String)| view! {
                    <label class="field">
                        <span>{label}</span>
                        <input name=format!("order[lines][{i}][{name}]") inputmode=mode list=(name == "product_sku").then_some("order-products") autocomplete="off"
                            aria-invalid=move || err(field(name))().is_some().to_string()
                            value=lines.with_untracked(|ls| ls.get(i).map(get).unwrap_or_default())
                            prop:value=move || lines.with(|ls| ls.get(i).map(get).unwrap_or_default())
                            on:input=move |ev| {
                                // an edited field's old problem no longer applies
                                errors.update(|e| e.retain(|x| x.field != field(name)));
                                set_line(i, set)(ev)
                            } />
                        <small class="field-error" role="alert">{err(field(name))}</small>
                    </label>
                };
                view! {
                    <div class="form-row order-line">
                        {cell("product_sku", t_string!(i18n, orders.product).to_string(), "text", |l| l.product_sku.clone(), |l, v| l.product_sku = v)}
                        {cell("quantity", t_string!(i18n, orders.quantity).to_string(), "numeric", |l| l.quantity.clone(), |l, v| l.quantity = v)}
                        {may_set_price.then(|| view! {
                            {cell("unit_price", t_string!(i18n, orders.unit_price_manual).to_string(), "decimal", |l| l.unit_price.clone(), |l, v| l.unit_price = v)}
                            {cell("approval_reason", t_string!(i18n, orders.approval_reason).to_string(), "text", |l| l.approval_reason.clone(), |l, v| l.approval_reason = v)}
                        })}
                        <LinePrice line=i lines=lines sheet=sheet />
                        <button type="button" class="button" aria-label=move || t_string!(i18n, orders.remove_line).to_string()
                            disabled=move || lines.with(Vec::len) <= 1
                            on:click=move |_| lines.update(|ls| { if ls.len() > 1 { ls.remove(i); } })>"×"</button>
                    </div>
                }
            }).collect_view()}
            <p class="order-total" data-testid="order-total">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let s = sheet.await;
                        let total = lines.with(|ls| ls.iter().filter_map(|l| line_amount(l, s.as_ref())).sum::<i64>());
                        (total > 0).then(|| t_string!(i18n, orders.estimated_total, total = Money(total).to_display_string()).to_string())
                    })}
                </Transition>
            </p>
            <div class="page-actions">
                <button type="button" class="button" on:click=move |_| lines.update(|ls| ls.push(OrderLineInput::default()))>{t!(i18n, orders.add_line)}</button>
                <button type="submit" class="button button-primary" disabled=move || save.pending().get()>{t!(i18n, orders.save_draft)}</button>
            </div>
            // problems of the order as a whole (too many lines, a total too large)
            <p class="field-error" role="alert">{err("lines".into())}</p>
            {move || failure.get().map(|m| view! { <p class="banner banner-error" role="alert">{m}</p> })}
        </form>
    }
}

/// The amount of a line at the price it would take (a typed price, else the sheet's).
fn line_amount(l: &OrderLineInput, sheet: Option<&PriceSheet>) -> Option<i64> {
    let quantity = crate::domain::orders::parse_units(&l.quantity).ok()?;
    let price = if l.unit_price.trim().is_empty() {
        let item = sheet?
            .items
            .iter()
            .find(|p| p.sku == l.product_sku.trim())?;
        Money::parse_yuan(&item.price).ok()?
    } else {
        Money::parse_yuan(&l.unit_price).ok()?
    };
    price.0.checked_mul(quantity)
}

/// The price a line takes for this customer and where it comes from, or that the
/// product has none for them.
#[component]
fn LinePrice(
    line: usize,
    lines: RwSignal<Vec<OrderLineInput>>,
    sheet: Resource<Option<PriceSheet>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="order-line-price" data-testid=format!("line-price-{line}")>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let s = sheet.await?;
                    let sku = lines.with(|ls| ls.get(line).map(|l| l.product_sku.trim().to_owned()))?;
                    if sku.is_empty() {
                        return None;
                    }
                    let item = s.items.iter().find(|p| p.sku == sku);
                    Some(match item {
                        Some(p) if !p.price.is_empty() => t_string!(
                            i18n,
                            orders.line_price,
                            price = p.price.clone(),
                            unit = p.unit.clone(),
                            source = super::components::price_source_label(i18n, &p.scope)
                        )
                        .to_string(),
                        _ => t_string!(i18n, orders.line_no_price).to_string(),
                    })
                })}
            </Transition>
        </p>
    }
}
