//! The product catalogue (`/products`): everyone sees it (order entry picks from it);
//! owner and managers add and edit products.
use super::api::{ProductSummary, SaveProduct, list_products};
use crate::components::Title;
use crate::components::error_view::{LoadError, error_message, field_message};
use crate::components::layout::use_current_user;
use crate::domain::sales::ProductInput;
use crate::domain::staff::Action as Permission;
use crate::error::AppError;
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_router::components::A;

#[component]
pub fn ProductsPage() -> impl IntoView {
    let i18n = use_i18n();
    let may_manage = use_current_user().is_some_and(|u| u.role.may(Permission::ManageCustomers));
    let list = Resource::new(|| (), |()| list_products());
    // (id, version) of the product being edited; empty id: a new one
    let editing = RwSignal::new(None::<(String, i64, ProductInput)>);
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, sales.products).to_string()) />
        <div class="page-head">
            <h1>{t!(i18n, sales.products)}</h1>
            <div class="page-actions">
                <A href="/prices" attr:class="button">{t!(i18n, pricing.price_lists)}</A>
                {may_manage.then(|| view! {
                    <button type="button" class="button button-primary" on:click=move |_| editing.set(Some((String::new(), 0, ProductInput::default())))>
                        {t!(i18n, sales.new_product)}
                    </button>
                })}
            </div>
        </div>
        {move || editing.get().map(|(id, version, input)| view! {
            <ProductForm id=id version=version input=input on_done=Callback::new(move |saved: bool| {
                editing.set(None);
                if saved { list.refetch(); }
            }) />
        })}
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => Either::Left(view! { <LoadError error=e /> }),
                    Ok(items) if items.is_empty() => Either::Right(Either::Left(view! { <p class="muted empty-state">{t!(i18n, sales.no_products)}</p> })),
                    Ok(items) => Either::Right(Either::Right(view! {
                        <div class="table-wrap"><table class="table">
                            <thead><tr>
                                <th>{t!(i18n, sales.sku)}</th><th>{t!(i18n, sales.product_name)}</th>
                                <th>{t!(i18n, sales.category)}</th><th>{t!(i18n, sales.unit)}</th>
                                <th>{t!(i18n, sales.pack)}</th>
                                <th class="num">{t!(i18n, sales.list_price)}</th><th class="num">{t!(i18n, sales.price_floor)}</th>
                                {may_manage.then(|| view! { <th class="num">{t!(i18n, sales.cost_price)}</th> })}
                                <th>{t!(i18n, sales.product_status)}</th>
                                {may_manage.then(|| view! { <th></th> })}
                            </tr></thead>
                            <tbody>{items.into_iter().map(|p: ProductSummary| {
                                let input = p.input();
                                let (id, version) = (p.id.to_string(), p.version);
                                let pack = pack_text(&p);
                                let active = p.active;
                                view! {
                                    <tr class:muted=!active>
                                        <td>{p.sku}</td><td>{p.name}</td><td>{p.category}</td><td>{p.unit}</td>
                                        <td>{pack}</td>
                                        <td class="num">{p.list_price}</td><td class="num">{p.price_floor}</td>
                                        {may_manage.then(|| view! { <td class="num">{p.cost_price}</td> })}
                                        <td>{move || if active { t_string!(i18n, sales.on_sale).to_string() } else { t_string!(i18n, sales.off_sale).to_string() }}</td>
                                        {may_manage.then(|| view! {
                                            <td><button type="button" class="button button-small" on:click=move |_| editing.set(Some((id.clone(), version, input.clone())))>{t!(i18n, sales.edit)}</button></td>
                                        })}
                                    </tr>
                                }
                            }).collect_view()}</tbody>
                        </table></div>
                    })),
                }
            })}
        </Transition>
    }
}

/// "24瓶/箱": pieces to the unit; empty without a pack.
fn pack_text(p: &ProductSummary) -> String {
    match (p.pack_size.as_str(), p.unit.as_str()) {
        ("", _) => String::new(),
        (n, "") => format!("{n}{}", p.piece_unit),
        (n, unit) => format!("{n}{}/{unit}", p.piece_unit),
    }
}

#[component]
fn ProductForm(
    id: String,
    version: i64,
    input: ProductInput,
    on_done: Callback<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let value = RwSignal::new(input);
    let errors = RwSignal::new(Vec::<crate::domain::validation::FieldError>::new());
    let failure = RwSignal::new(None::<String>);
    let id = StoredValue::new(id);
    let save = ServerAction::<SaveProduct>::new();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => on_done.run(true),
        Some(Err(AppError::Validation(e))) => errors.set(e),
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
                      mode: &'static str,
                      get: fn(&ProductInput) -> String,
                      set: fn(&mut ProductInput, String)| {
        view! {
            <label class="field">
                <span>{label}</span>
                <input name=format!("input[{name}]") inputmode=mode aria-invalid=move || err(name).is_some().to_string()
                    value=value.with_untracked(get) prop:value=move || value.with(get) on:input=move |ev| { let v = event_target_value(&ev); value.update(|p| set(p, v)); } />
                <small class="field-error">{move || err(name)}</small>
            </label>
        }
    };
    view! {
        <form class="card product-form" method="post" action=SaveProduct::PATH on:submit=move |ev| { ev.prevent_default(); save.dispatch(SaveProduct { id: id.get_value(), version, input: value.get_untracked() }); }>
            <input type="hidden" name="id" value=id.get_value() />
            <input type="hidden" name="version" value=version.to_string() />
            <div class="form-row">
                {field("sku", t_string!(i18n, sales.sku).to_string(), "text", |p| p.sku.clone(), |p, v| p.sku = v)}
                {field("name", t_string!(i18n, sales.product_name).to_string(), "text", |p| p.name.clone(), |p, v| p.name = v)}
                {field("category", t_string!(i18n, sales.category).to_string(), "text", |p| p.category.clone(), |p, v| p.category = v)}
            </div>
            <div class="form-row">
                {field("unit", t_string!(i18n, sales.unit).to_string(), "text", |p| p.unit.clone(), |p, v| p.unit = v)}
                {field("list_price", t_string!(i18n, sales.list_price).to_string(), "decimal", |p| p.list_price.clone(), |p, v| p.list_price = v)}
                {field("price_floor", t_string!(i18n, sales.price_floor).to_string(), "decimal", |p| p.price_floor.clone(), |p, v| p.price_floor = v)}
            </div>
            <div class="form-row">
                {field("pack_size", t_string!(i18n, sales.pack_size).to_string(), "numeric", |p| p.pack_size.clone(), |p, v| p.pack_size = v)}
                {field("piece_unit", t_string!(i18n, sales.piece_unit).to_string(), "text", |p| p.piece_unit.clone(), |p, v| p.piece_unit = v)}
                {field("cost_price", t_string!(i18n, sales.cost_price).to_string(), "decimal", |p| p.cost_price.clone(), |p, v| p.cost_price = v)}
                <label class="field">
                    <span>{t!(i18n, sales.product_status)}</span>
                    <select name="input[active]" aria-invalid=move || err("active").is_some().to_string()
                        on:change=move |ev| { let v = event_target_value(&ev); value.update(|p| p.active = v); }>
                        <option value="true" selected=value.with_untracked(|p| p.active != "false")>{t!(i18n, sales.on_sale)}</option>
                        <option value="false" selected=value.with_untracked(|p| p.active == "false")>{t!(i18n, sales.off_sale)}</option>
                    </select>
                    <small class="field-error">{move || err("active")}</small>
                </label>
            </div>
            <p class="banner banner-error" role="alert" hidden=move || failure.get().is_none()>{move || failure.get().unwrap_or_default()}</p>
            <div class="page-actions">
                <button type="button" class="button" on:click=move |_| on_done.run(false)>{t!(i18n, common.cancel)}</button>
                <button type="submit" class="button button-primary" disabled=move || save.pending().get()>{t!(i18n, common.save)}</button>
            </div>
        </form>
    }
}
