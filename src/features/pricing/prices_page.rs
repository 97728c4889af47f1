//! The price lists (`/prices`): a customer's prices on a day (`?customer=EP001&day=…`),
//! the entries by product (`?product=PJ-330&page=2`), and for owners and managers the
//! form that adds an entry and the button that deletes one.
use super::api::{
    DeletePrice, PriceLine, PricePage, PriceSheet, ProductOption, SavePrice, get_price_sheet,
    list_prices,
};
use crate::components::Title;
use crate::components::error_view::{ActionError, LoadError, error_message, field_message};
use crate::components::layout::use_current_user;
use crate::components::pager::{Pager, use_page_param};
use crate::domain::pricing::PriceInput;
use crate::domain::staff::Action as Permission;
use crate::error::AppError;
use crate::features::customers::api::percent_encode;
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

type I18n = leptos_i18n::I18nContext<Locale>;

/// "基础价", "A 类价", "协议价" …: the list a scope names.
pub fn scope_label(i18n: I18n, scope: &str) -> String {
    match scope {
        "base" => t_string!(i18n, pricing.scope_base).to_string(),
        "customer" => t_string!(i18n, pricing.scope_customer).to_string(),
        "" => String::new(),
        tier => t_string!(i18n, pricing.scope_tier, tier = tier.to_owned()).to_string(),
    }
}

/// The address of this page with these parameters (empty ones left out).
fn href(params: &[(&str, String)]) -> String {
    let qs: Vec<String> = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", percent_encode(v)))
        .collect();
    if qs.is_empty() {
        "/prices".to_owned()
    } else {
        format!("/prices?{}", qs.join("&"))
    }
}

#[component]
pub fn PricesPage() -> impl IntoView {
    let i18n = use_i18n();
    let may_manage = use_current_user().is_some_and(|u| u.role.may(Permission::ManageCustomers));
    let query = use_query_map();
    let param = move |name: &'static str| {
        Memo::new(move |_| query.with(|q| q.get(name).unwrap_or_default()))
    };
    let (product, customer, day) = (param("product"), param("customer"), param("day"));
    let page = use_page_param("page");
    let list = Resource::new(
        move || (product.get(), page.get()),
        |(p, n)| list_prices(p, n),
    );
    let check = Resource::new(
        move || (customer.get(), day.get()),
        |(c, d)| async move {
            if c.trim().is_empty() {
                Ok(None)
            } else {
                get_price_sheet(c, d).await.map(Some)
            }
        },
    );
    let adding = RwSignal::new(false);
    let remove = ServerAction::<DeletePrice>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            list.refetch();
            check.refetch();
        }
    });
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, pricing.title).to_string()) />
        <div class="page-head">
            <h1>{t!(i18n, pricing.title)}</h1>
            <div class="page-actions">
                <A href="/products" attr:class="button">{t!(i18n, sales.products)}</A>
                {may_manage.then(|| view! {
                    <button type="button" class="button button-primary" on:click=move |_| adding.set(true)>
                        {t!(i18n, pricing.new_price)}
                    </button>
                })}
            </div>
        </div>
        <p class="muted">{t!(i18n, pricing.hint)}</p>
        <PriceCheck customer=customer day=day product=product />
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match check.await {
                    Ok(None) => Either::Left(()),
                    Ok(Some(c)) => Either::Right(Either::Left(view! { <CustomerPriceTable prices=c /> })),
                    Err(e) => Either::Right(Either::Right(view! { <CustomerPriceError error=e /> })),
                }
            })}
        </Transition>
        {move || adding.get().then(|| view! {
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let products = list.await.map(|p| p.products).unwrap_or_default();
                    view! { <PriceForm products=products on_done=Callback::new(move |saved: bool| {
                        adding.set(false);
                        if saved { list.refetch(); check.refetch(); }
                    }) /> }
                })}
            </Transition>
        })}
        {move || remove.value().get().and_then(Result::err).map(|e| view! { <ActionError error=e /> })}
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => Either::Left(view! { <LoadError error=e /> }),
                    Ok(p) => Either::Right(view! {
                        <ProductFilter products=p.products.clone() product=product customer=customer day=day />
                        <PriceTable page=p at=page.get_untracked() product=product customer=customer day=day may_manage=may_manage remove=remove />
                    }),
                }
            })}
        </Transition>
    }
}

/// The customer-and-day box: a GET search, so it works before the script runs.
#[component]
fn PriceCheck(customer: Memo<String>, day: Memo<String>, product: Memo<String>) -> impl IntoView {
    let i18n = use_i18n();
    let code = RwSignal::new(customer.get_untracked());
    let on = RwSignal::new(day.get_untracked());
    Effect::new(move |_| code.set(customer.get()));
    Effect::new(move |_| on.set(day.get()));
    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        navigate(
            &href(&[
                ("customer", code.get_untracked()),
                ("day", on.get_untracked()),
                ("product", product.get_untracked()),
            ]),
            Default::default(),
        );
    };
    view! {
        <form class="card form-row price-check" role="search" method="get" action="/prices" on:submit=submit>
            <label class="field">
                <span>{t!(i18n, pricing.customer_code)}</span>
                <input name="customer" autocomplete="off" value=customer.get_untracked() bind:value=code />
            </label>
            <label class="field">
                <span>{t!(i18n, pricing.day)}</span>
                <input name="day" type="date" value=day.get_untracked() bind:value=on />
            </label>
            <input type="hidden" name="product" value=move || product.get() />
            <div class="page-actions">
                <button type="submit" class="button button-primary">{t!(i18n, pricing.check)}</button>
            </div>
        </form>
    }
}

#[component]
fn CustomerPriceError(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    let text = match &error {
        AppError::Validation(errors) => errors
            .iter()
            .map(|e| field_message(i18n, e.code))
            .collect::<Vec<_>>()
            .join("；"),
        e => error_message(i18n, e),
    };
    view! { <p class="banner banner-error" role="alert">{text}</p> }
}

#[component]
fn CustomerPriceTable(prices: PriceSheet) -> impl IntoView {
    let i18n = use_i18n();
    let tier = if prices.tier.is_empty() {
        t_string!(i18n, pricing.no_tier).to_string()
    } else {
        prices.tier.clone()
    };
    view! {
        <section class="card" aria-labelledby="price-check-title">
            <h2 id="price-check-title">
                {t_string!(i18n, pricing.prices_of, name = prices.customer_name.clone(), code = prices.customer_code.clone(), day = prices.day.clone(), tier = tier).to_string()}
            </h2>
            <div class="table-wrap"><table class="table">
                <thead><tr>
                    <th>{t!(i18n, sales.sku)}</th><th>{t!(i18n, sales.product_name)}</th><th>{t!(i18n, sales.unit)}</th>
                    <th class="num">{t!(i18n, pricing.price)}</th><th>{t!(i18n, pricing.source)}</th>
                </tr></thead>
                <tbody>{prices.items.into_iter().map(|p| {
                    let source = if p.price.is_empty() {
                        t_string!(i18n, pricing.no_price).to_string()
                    } else {
                        t_string!(i18n, pricing.source_from, list = scope_label(i18n, &p.scope), from = p.from.clone()).to_string()
                    };
                    let none = p.price.is_empty();
                    view! {
                        <tr class:muted=none>
                            <td>{p.sku}</td><td>{p.name}</td><td>{p.unit}</td>
                            <td class="num">{p.price}</td><td>{source}</td>
                        </tr>
                    }
                }).collect_view()}</tbody>
            </table></div>
        </section>
    }
}

/// The product filter: a GET search too.
#[component]
fn ProductFilter(
    products: Vec<ProductOption>,
    product: Memo<String>,
    customer: Memo<String>,
    day: Memo<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let current = product.get_untracked();
    view! {
        <form class="form-row price-filter" role="search" method="get" action="/prices"
            on:submit=move |ev| ev.prevent_default()>
            <label class="field">
                <span>{t!(i18n, pricing.product)}</span>
                <select name="product" on:change=move |ev| {
                    navigate(&href(&[("product", event_target_value(&ev)), ("customer", customer.get_untracked()), ("day", day.get_untracked())]), Default::default());
                }>
                    <option value="" selected=current.is_empty()>{t!(i18n, pricing.all_products)}</option>
                    {products.into_iter().map(|p| {
                        let selected = p.sku == current;
                        view! { <option value=p.sku.clone() selected=selected>{format!("{} {}", p.sku, p.name)}</option> }
                    }).collect_view()}
                </select>
            </label>
            <input type="hidden" name="customer" value=customer.get_untracked() />
            <input type="hidden" name="day" value=day.get_untracked() />
            <noscript><button type="submit" class="button">{t!(i18n, pricing.filter)}</button></noscript>
        </form>
    }
}

#[component]
fn PriceTable(
    page: PricePage,
    at: u32,
    product: Memo<String>,
    customer: Memo<String>,
    day: Memo<String>,
    may_manage: bool,
    remove: ServerAction<DeletePrice>,
) -> impl IntoView {
    let i18n = use_i18n();
    if page.items.is_empty() {
        return Either::Left(view! { <p class="muted empty-state">{t!(i18n, pricing.empty)}</p> });
    }
    let pages = u32::try_from((page.total + super::api::PRICE_PAGE - 1) / super::api::PRICE_PAGE)
        .unwrap_or(u32::MAX);
    let (p, c, d) = (
        product.get_untracked(),
        customer.get_untracked(),
        day.get_untracked(),
    );
    Either::Right(view! {
        <div class="table-wrap"><table class="table prices">
            <thead><tr>
                <th>{t!(i18n, pricing.product)}</th><th>{t!(i18n, pricing.list)}</th>
                <th>{t!(i18n, pricing.valid_from)}</th><th>{t!(i18n, pricing.valid_until)}</th>
                <th class="num">{t!(i18n, pricing.price)}</th><th>{t!(i18n, pricing.approval)}</th>
                {may_manage.then(|| view! { <th></th> })}
            </tr></thead>
            <tbody>{page.items.into_iter().map(|l: PriceLine| {
                let list = if l.scope == "customer" {
                    format!("{} {} {}", scope_label(i18n, &l.scope), l.customer_code, l.customer_name)
                } else {
                    scope_label(i18n, &l.scope)
                };
                let approval = if l.approved_by.is_empty() {
                    String::new()
                } else {
                    format!("{}：{}", l.approved_by, l.approval_reason)
                };
                let id = l.id.clone();
                view! {
                    <tr>
                        <td>{format!("{} {}", l.sku, l.product_name)}</td>
                        <td>{list}</td>
                        <td>{l.valid_from}</td>
                        <td>{if l.valid_until.is_empty() { t_string!(i18n, pricing.open_ended).to_string() } else { l.valid_until }}</td>
                        <td class="num">{l.price}{l.under_floor.then(|| view! { <small class="muted">{t!(i18n, pricing.under_floor)}</small> })}</td>
                        <td>{approval}</td>
                        {may_manage.then(|| view! {
                            <td>
                                <form method="post" action=DeletePrice::PATH on:submit=move |ev| {
                                    ev.prevent_default();
                                    let sure = window().confirm_with_message(t_string!(i18n, pricing.delete_confirm)).unwrap_or(false);
                                    if sure { remove.dispatch(DeletePrice { id: id.clone() }); }
                                }>
                                    <input type="hidden" name="id" value=l.id.clone() />
                                    <button type="submit" class="button button-small">{t!(i18n, pricing.delete)}</button>
                                </form>
                            </td>
                        })}
                    </tr>
                }
            }).collect_view()}</tbody>
        </table></div>
        <Pager page=at pages=pages href=move |n| href(&[("product", p.clone()), ("customer", c.clone()), ("day", d.clone()), ("page", if n > 1 { n.to_string() } else { String::new() })]) />
    })
}

/// Adding an entry (owner, managers).
#[component]
fn PriceForm(products: Vec<ProductOption>, on_done: Callback<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let value = RwSignal::new(PriceInput {
        scope: "base".into(),
        ..Default::default()
    });
    let errors = RwSignal::new(Vec::<crate::domain::validation::FieldError>::new());
    let failure = RwSignal::new(None::<String>);
    let save = ServerAction::<SavePrice>::new();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => on_done.run(true),
        Some(Err(AppError::Validation(e))) => {
            errors.set(e);
            crate::components::form::focus_first_invalid();
        }
        Some(Err(e)) => failure.set(Some(error_message(i18n, &e))),
        None => {}
    });
    let err = move |f: &'static str| {
        errors.with(|e| {
            e.iter()
                .find(|x| x.field == f)
                .map(|x| field_message(i18n, x.code))
        })
    };
    let field = move |name: &'static str,
                      label: String,
                      kind: &'static str,
                      mode: &'static str,
                      get: fn(&PriceInput) -> String,
                      set: fn(&mut PriceInput, String)| {
        view! {
            <label class="field">
                <span>{label}</span>
                <input name=format!("input[{name}]") type=kind inputmode=mode autocomplete="off" aria-invalid=move || err(name).is_some().to_string()
                    value=value.with_untracked(get) prop:value=move || value.with(get) on:input=move |ev| { let v = event_target_value(&ev); value.update(|p| set(p, v)); } />
                <small class="field-error">{move || err(name)}</small>
            </label>
        }
    };
    let scopes = ["base", "A", "B", "C", "customer"];
    view! {
        <form class="card price-form" method="post" action=SavePrice::PATH on:submit=move |ev| { ev.prevent_default(); save.dispatch(SavePrice { input: value.get_untracked() }); }>
            <h2>{t!(i18n, pricing.new_price)}</h2>
            <div class="form-row">
                <label class="field">
                    <span>{t!(i18n, pricing.product)}</span>
                    <select name="input[product_sku]" aria-invalid=move || err("product_sku").is_some().to_string()
                        on:change=move |ev| { let v = event_target_value(&ev); value.update(|p| p.product_sku = v); }>
                        <option value="" selected=true>{t!(i18n, pricing.pick_product)}</option>
                        {products.into_iter().filter(|p| p.active).map(|p| view! { <option value=p.sku.clone()>{format!("{} {}", p.sku, p.name)}</option> }).collect_view()}
                    </select>
                    <small class="field-error">{move || err("product_sku")}</small>
                </label>
                <label class="field">
                    <span>{t!(i18n, pricing.list)}</span>
                    <select name="input[scope]" aria-invalid=move || err("scope").is_some().to_string()
                        on:change=move |ev| { let v = event_target_value(&ev); value.update(|p| p.scope = v); }>
                        {scopes.into_iter().map(|s| view! { <option value=s selected={s == "base"}>{scope_label(i18n, s)}</option> }).collect_view()}
                    </select>
                    <small class="field-error">{move || err("scope")}</small>
                </label>
                {field("customer_code", t_string!(i18n, pricing.customer_code).to_string(), "text", "text", |p| p.customer_code.clone(), |p, v| p.customer_code = v)}
            </div>
            <div class="form-row">
                {field("valid_from", t_string!(i18n, pricing.valid_from).to_string(), "date", "text", |p| p.valid_from.clone(), |p, v| p.valid_from = v)}
                {field("valid_until", t_string!(i18n, pricing.valid_until_optional).to_string(), "date", "text", |p| p.valid_until.clone(), |p, v| p.valid_until = v)}
                {field("price", t_string!(i18n, pricing.price).to_string(), "text", "decimal", |p| p.price.clone(), |p, v| p.price = v)}
            </div>
            <div class="form-row">
                {field("approval_reason", t_string!(i18n, pricing.approval_reason).to_string(), "text", "text", |p| p.approval_reason.clone(), |p, v| p.approval_reason = v)}
            </div>
            <p class="banner banner-error" role="alert" hidden=move || failure.get().is_none()>{move || failure.get().unwrap_or_default()}</p>
            <div class="page-actions">
                <button type="button" class="button" on:click=move |_| on_done.run(false)>{t!(i18n, common.cancel)}</button>
                <button type="submit" class="button button-primary" disabled=move || save.pending().get()>{t!(i18n, common.save)}</button>
            </div>
        </form>
    }
}
