//! The profile page: the five groups as sections, each editable on its own; the
//! completeness score with the missing fields named; the customers this one serves;
//! photos from the tablet camera; the change history with restore for managers.
//!
//! Every save names the version the page was opened at. If someone saved meanwhile the
//! server refuses and sends their changes, which are shown above the still-filled form.
use super::api::{
    CustomerDetail, FilterChoices, UpdateCustomer, customer_filters, delete_customer_photo,
    get_customer, get_sales_trend, restore_customer_field, update_customer,
};
use super::components::{CompletenessBar, KindBadge, ProfileInput, TierBadge};
use super::labels::{display_value, field_label, group_label};
use super::overview::{CustomerTickets, SalesTrendSection};
use crate::components::Title;
use crate::components::error_view::{ErrorBanner, LoadError, error_message};
use crate::components::form::{focus_first_invalid, posted_errors};
use crate::components::upload::{picked_file, post_file};
use crate::domain::ids::CustomerId;
use crate::domain::profile::{CustomerDraft, FieldSpec, Group, HistoryEntry, Values, group_fields};
use crate::domain::validation::FieldError;
use crate::error::AppError;
use crate::features::discipline::api::{CustomerDiscipline, get_customer_discipline};
use crate::features::discipline::components::CustomerDisciplineSection;
use crate::features::orders::api::list_orders;
use crate::features::orders::components::CustomerOrders;
use crate::features::receivables::api::get_statement;
use crate::features::receivables::components::CustomerReceivables;
use crate::features::tickets::api::ticket_board;
use crate::features::visits::api::get_relationship;
use crate::features::visits::page::RelationshipSection;
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

#[component]
pub fn CustomerDetailPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .get()
            .get("id")
            .and_then(|s| s.parse::<CustomerId>().ok())
    });
    let detail = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_customer(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let filters = Resource::new(|| (), |()| customer_filters());
    // Every resource of the page is created here, never inside the `Suspense` below. A
    // resource created while a `Suspend` resolves does not find the server's data when
    // the browser hydrates (server and browser do not agree on which serialized value is
    // its own), so the browser drew "loading" where the server had drawn the section and
    // hydration panicked on every full load. (A browser-only `LocalResource` there did the
    // same: the server drew it as "loading", the browser expected a boundary.)
    let id_text = move || id.get().map(|i| i.to_string()).unwrap_or_default();
    let discipline = Resource::new(id_text, get_customer_discipline);
    let relationship = Resource::new(id_text, get_relationship);
    let orders = Resource::new(id_text, |id| list_orders(String::new(), id, 1));
    let receivables = Resource::new(id_text, get_statement);
    let trend = Resource::new(id_text, get_sales_trend);
    let tickets = Resource::new(id_text, |id| {
        ticket_board(String::new(), String::new(), String::new(), id)
    });
    view! {
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                let choices = filters.await.ok();
                match detail.await {
                    Ok(d) => {
                        let cid = d.id.0.to_string();
                        Either::Left(view! {
                            // the 360°: trend, open orders, receivables, open tickets, then
                            // the profile's fields and the relationship
                            <Profile initial=d choices=choices discipline=discipline>
                                <SalesTrendSection trend=trend />
                                <CustomerOrders orders=orders />
                                <CustomerReceivables statement=receivables />
                                <CustomerTickets tickets=tickets />
                            </Profile>
                            <RelationshipSection customer_id=cid data=relationship />
                        })
                    }
                    Err(AppError::NotFound) => Either::Right({
                        crate::components::error_view::page_status(404);
                        view! {
                            <div class="empty-state">
                                <p>{t!(i18n, customers.not_visible)}</p>
                                <A href="/customers" attr:class="button">{t!(i18n, customers.back_to_list)}</A>
                            </div>
                        }.into_any()
                    }),
                    Err(e) => Either::Right(view! { <LoadError error=e /> }.into_any()),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Profile(
    initial: CustomerDetail,
    choices: Option<FilterChoices>,
    discipline: Resource<Result<CustomerDiscipline, AppError>>,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    // what the header's buttons act on (the customer's code and id do not change here)
    let code = initial.values.get("code").cloned().unwrap_or_default();
    let code = crate::features::customers::api::percent_encode(&code);
    let (new_order, new_payment, new_objection) = (
        format!("/orders/new?customer={code}"),
        format!("/receivables/{}", initial.id),
        format!("/tickets?new=objection&customer={code}"),
    );
    let detail = RwSignal::new(initial);
    // Reads the profile again in place (after a conflict, an upload): the page and any
    // other open form keep their state.
    let reload = Callback::new(move |()| {
        let id = detail.get_untracked().id;
        leptos::task::spawn_local(async move {
            match get_customer(id).await {
                Ok(d) => detail.set(d),
                Err(e) => leptos::logging::warn!("reloading customer failed: {e}"),
            }
        });
    });
    let choices = Signal::derive(move || choices.clone());
    // The group being edited is in the address (`?edit=basic`): the edit link works
    // before the page's script has loaded, and a reload keeps the form open.
    let query = use_query_map();
    let editing = Memo::new(move |_| query.with(|q| q.get("edit").and_then(|g| Group::parse(&g))));
    // `?saved=…` is where a plain form post lands after saving (see `update_customer`).
    let notice = RwSignal::new(
        query
            .with_untracked(|q| q.get("saved").is_some())
            .then(|| t_string!(i18n, customers.saved).to_string()),
    );
    let name = move || detail.with(|d| d.values.get("name").cloned().unwrap_or_default());
    view! {
        // The title outlives this component by a moment when another profile opens
        // (leptos_meta keeps it in its own context): read without panicking then.
        <Title text=crate::components::head_text(move || detail.try_with(|d| d.values.get("name").cloned().unwrap_or_default()).unwrap_or_default()) />
        <p class="crumbs"><A href="/customers">{t!(i18n, customers.back_to_list)}</A></p>
        <div class="page-head cust-head">
            <div>
                <h1>{name}</h1>
                <p class="muted">
                    {move || detail.with(|d| view! { <TierBadge tier=d.tier /> })}
                    {move || detail.with(|d| d.values.get("code").cloned().unwrap_or_default())}
                    " "
                    {move || detail.with(|d| view! {
                        <KindBadge kind=d.values.get("kind").cloned().unwrap_or_default() terminal_type=d.values.get("terminal_type").cloned() />
                    })}
                    {move || detail.with(|d| d.parent.clone()).map(|(pid, pname)| view! {
                        " · " <A href=format!("/customers/{pid}")>{pname}</A>
                    })}
                </p>
            </div>
            <div class="page-actions cust-actions">
                <A href=new_order attr:class="button button-primary">{t!(i18n, orders.take_order)}</A>
                <A href=new_payment attr:class="button">{t!(i18n, receivables.take_payment)}</A>
                <A href=new_objection attr:class="button">{t!(i18n, tickets.new_objection)}</A>
            </div>
        </div>
        <div class="banner banner-success" role="status" hidden=move || notice.get().is_none()>
            {move || notice.get().unwrap_or_default()}
        </div>
        <section class="cust-completeness" aria-labelledby="completeness-h">
            <h2 id="completeness-h">{move || t_string!(i18n, customers.completeness, percent = detail.with(|d| d.completeness.percent)).to_string()}</h2>
            {move || view! { <CompletenessBar percent=detail.with(|d| i64::from(d.completeness.percent)) /> }}
            {move || {
                let missing = detail.with(|d| d.completeness.missing.clone());
                (!missing.is_empty()).then(|| {
                    let locale = i18n.get_locale();
                    view! {
                        <ul class="cust-missing">
                            {missing.into_iter().map(|(g, keys)| view! {
                                <li><strong>{group_label(locale, g.as_str())}</strong>" "
                                    {t!(i18n, customers.missing)}" "
                                    {keys.iter().map(|k| field_label(locale, k)).collect::<Vec<_>>().join(td_string!(locale, common.list_sep))}
                                </li>
                            }).collect_view()}
                        </ul>
                    }
                })
            }}
        </section>
        {children()}
        {Group::ALL.into_iter().map(|g| view! { <GroupSection group=g detail=detail choices=choices editing=editing notice=notice reload=reload /> }).collect_view()}
        <Tiers detail=detail />
        <CustomerDisciplineSection customer_id=detail.with_untracked(|d| d.id.to_string()) info=discipline />
        <Children detail=detail />
        <Photos detail=detail reload=reload />
        <History detail=detail notice=notice />
    }
}

/// The fields of `group` a user may see and edit on this page.
fn visible_fields(group: Group, d: &CustomerDetail) -> Vec<&'static FieldSpec> {
    group_fields(group)
        .filter(|f| d.may_manage || f.key != "rep_login")
        .collect()
}

#[component]
fn GroupSection(
    group: Group,
    detail: RwSignal<CustomerDetail>,
    choices: Signal<Option<FilterChoices>>,
    editing: Memo<Option<Group>>,
    notice: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let heading_id = format!("grp-{}", group.as_str());
    let edit_href = format!(
        "/customers/{}?edit={}#grp-{}",
        detail.with_untracked(|d| d.id),
        group.as_str(),
        group.as_str()
    );
    let hidden_personal = move || group == Group::Personal && !detail.with(|d| d.personal_visible);
    view! {
        <section class="cust-group" aria-labelledby=heading_id.clone() data-group=group.as_str()>
            <div class="cust-group-head">
                <h2 id=heading_id.clone()>{move || group_label(i18n.get_locale(), group.as_str())}</h2>
                {move || (!hidden_personal() && editing.get() != Some(group)).then(|| view! {
                    <A href=edit_href.clone() scroll=false attr:class="button button-small" on:click=move |_| notice.set(None)>
                        {t!(i18n, customers.edit)}
                    </A>
                })}
            </div>
            {move || {
                if hidden_personal() {
                    return Either::Left(view! { <p class="muted">{t!(i18n, customers.personal_hidden)}</p> });
                }
                if editing.get() == Some(group) {
                    Either::Right(Either::Left(view! { <GroupForm group=group detail=detail choices=choices notice=notice reload=reload /> }))
                } else {
                    Either::Right(Either::Right(view! { <GroupView group=group detail=detail /> }))
                }
            }}
        </section>
    }
}

#[component]
fn GroupView(group: Group, detail: RwSignal<CustomerDetail>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {(group == Group::Personal).then(|| view! { <p class="muted small">{t!(i18n, customers.personal_note)}</p> })}
        <dl class="cust-fields">
            {move || detail.with(|d| {
                let locale = i18n.get_locale();
                visible_fields(group, d).into_iter().map(|f| {
                    let value = d.values.get(f.key).cloned();
                    let shown = match (f.key, &value) {
                        ("rep_login", Some(_)) => d.rep_name.clone(),
                        ("parent_code", Some(code)) => d.parent.as_ref().map(|(_, n)| format!("{n}（{code}）")),
                        (_, Some(v)) => Some(display_value(locale, f.key, v)),
                        (_, None) => None,
                    };
                    view! {
                        <div class="cust-field" data-field=f.key>
                            <dt>{field_label(locale, f.key)}</dt>
                            {match shown {
                                Some(v) if f.key == "phone" => view! { <dd><a href=format!("tel:{v}")>{v.clone()}</a></dd> }.into_any(),
                                Some(v) => view! { <dd>{v}</dd> }.into_any(),
                                None => view! { <dd class="muted">{td_string!(locale, customers.not_set)}</dd> }.into_any(),
                            }}
                        </div>
                    }
                }).collect_view()
            })}
        </dl>
    }
}

#[component]
fn GroupForm(
    group: Group,
    detail: RwSignal<CustomerDetail>,
    choices: Signal<Option<FilterChoices>>,
    notice: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let start = detail.get_untracked();
    let page_href = format!("/customers/{}", start.id);
    let navigate = use_navigate();
    let close = {
        let (page_href, navigate) = (page_href.clone(), navigate.clone());
        Callback::new(move |()| {
            navigate(
                &page_href,
                NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..NavigateOptions::default()
                },
            );
        })
    };
    // A save the browser posted by itself came back here with its error.
    let inputs: Vec<(&'static FieldSpec, RwSignal<String>)> = visible_fields(group, &start)
        .into_iter()
        .map(|f| {
            (
                f,
                RwSignal::new(start.values.get(f.key).cloned().unwrap_or_default()),
            )
        })
        .collect();
    let (posted_fields, posted_failure) = posted_errors::<UpdateCustomer>(i18n);
    // the browser posted the form by itself and it came back refused: the fields show what
    // is stored again, so say that nothing was saved
    let posted_failure = posted_failure.or_else(|| {
        (!posted_fields.is_empty()).then(|| t_string!(i18n, customers.not_saved).to_string())
    });
    let errors = RwSignal::new(posted_fields);
    let failure = RwSignal::new(posted_failure);
    let conflict = RwSignal::new(None::<Vec<HistoryEntry>>);
    let busy = RwSignal::new(false);
    let form_inputs = inputs.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let d = detail.get_untracked();
        let mut values = Values::new();
        for (f, v) in &form_inputs {
            let t = v.get_untracked();
            if !t.trim().is_empty() {
                values.insert(f.key.to_owned(), t);
            }
        }
        // instant feedback from the same rule the server applies, on the merged profile
        let mut merged: Values = d
            .values
            .iter()
            .filter(|(k, _)| !form_inputs.iter().any(|(f, _)| f.key == k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        merged.extend(values.clone());
        if let Err(found) = CustomerDraft::parse(&merged) {
            let mine: Vec<FieldError> = found
                .into_iter()
                .filter(|e| form_inputs.iter().any(|(f, _)| f.key == e.field))
                .collect();
            if !mine.is_empty() {
                errors.set(mine);
                focus_first_invalid();
                return;
            }
        }
        errors.set(Vec::new());
        failure.set(None);
        busy.set(true);
        leptos::task::spawn_local(async move {
            let r = update_customer(d.id, d.version, group, values).await;
            busy.set(false);
            match r {
                Ok(saved) => {
                    detail.set(saved);
                    close.run(());
                    notice.set(Some(t_string!(i18n, customers.saved).to_string()));
                }
                Err(AppError::Validation(list)) => {
                    errors.set(list);
                    focus_first_invalid();
                }
                Err(AppError::EditConflict(changes)) => {
                    conflict.set(Some(changes.get().unwrap_or_default()));
                }
                Err(e) => failure.set(Some(error_message(i18n, &e))),
            }
        });
    };
    view! {
        <form class="form cust-form" method="post" action=UpdateCustomer::PATH on:submit=submit novalidate>
            // what a plain form post needs besides the fields (see `update_customer`)
            <input type="hidden" name="id" value=start.id.to_string() />
            <input type="hidden" name="version" value=start.version.to_string() />
            <input type="hidden" name="group" value=format!("{group:?}") />
            {(group == Group::Personal).then(|| view! { <p class="muted small">{t!(i18n, customers.personal_note)}</p> })}
            <div class="form-grid">
                {inputs.into_iter().map(|(f, v)| view! { <ProfileInput spec=f value=v errors=errors filters=choices /> }).collect_view()}
            </div>
            // next to the save button, where the eyes are when it answers
            <ErrorBanner message=failure />
            {move || conflict.get().map(|changes| view! { <ConflictPanel changes=changes reload=reload close=close /> })}
            <div class="form-actions">
                <A href=page_href.clone() scroll=false attr:class="button">{t!(i18n, common.cancel)}</A>
                <button type="submit" class="button button-primary" disabled=move || busy.get()>
                    {move || if busy.get() { t_string!(i18n, common.saving).to_string() } else { t_string!(i18n, common.save).to_string() }}
                </button>
            </div>
        </form>
    }
}

/// What someone else saved meanwhile; the user's input stays in the form below.
#[component]
fn ConflictPanel(
    changes: Vec<HistoryEntry>,
    reload: Callback<()>,
    close: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="banner banner-error cust-conflict" role="alert">
            <strong>{t!(i18n, customers.conflict_title)}</strong>
            <p>{t!(i18n, customers.conflict_body)}</p>
            <ul>
                {changes.into_iter().map(|h| {
                    let locale = i18n.get_locale_untracked();
                    let field = h.change.field.clone();
                    view! {
                        <li>
                            {h.by_name.clone()}" · "{field_label(locale, &field)}": "
                            <del>{h.change.old.as_deref().map(|v| display_value(locale, &field, v)).unwrap_or_default()}</del>
                            " → "
                            <ins>{h.change.new.as_deref().map(|v| display_value(locale, &field, v)).unwrap_or_default()}</ins>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <button type="button" class="button" on:click=move |_| { close.run(()); reload.run(()) }>{t!(i18n, customers.reload)}</button>
        </div>
    }
}

#[component]
fn Children(detail: RwSignal<CustomerDetail>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let d = detail.get();
        let is_sub = d.values.get("kind").map(String::as_str) == Some("sub_distributor");
        (is_sub || !d.children.is_empty()).then(|| {
            let count = d.children.len();
            let code = d.values.get("code").cloned().unwrap_or_default();
            view! {
                <section class="cust-group" aria-labelledby="children-h">
                    <div class="cust-group-head">
                        <h2 id="children-h">{t_string!(i18n, customers.served_terminals, count = count).to_string()}</h2>
                        <A href=format!("/customers/new?parent={}", super::api::percent_encode(&code)) attr:class="button button-small">{t!(i18n, customers.add_terminal)}</A>
                    </div>
                    {if d.children.is_empty() {
                        Either::Left(view! { <p class="muted">{t!(i18n, customers.no_children)}</p> })
                    } else {
                        Either::Right(view! {
                            <ul class="cust-children">
                                {d.children.into_iter().map(|c| view! {
                                    <li><A href=format!("/customers/{}", c.id)>{c.name}</A>" "<span class="muted">{c.code}</span></li>
                                }).collect_view()}
                            </ul>
                        })
                    }}
                </section>
            }
        })
    }
}

/// Largest photo the server accepts; checked here first so a tablet does not upload in vain.
const MAX_PHOTO_BYTES: f64 = 10.0 * 1024.0 * 1024.0;

#[component]
fn Photos(detail: RwSignal<CustomerDetail>, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let kind = RwSignal::new("storefront".to_owned());
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let upload = move |ev: leptos::ev::Event| {
        let Some(file) = picked_file(&ev) else { return };
        if file.size > MAX_PHOTO_BYTES {
            failure.set(Some(t_string!(i18n, customers.photo_too_large).to_string()));
            return;
        }
        failure.set(None);
        busy.set(true);
        let url = format!(
            "/api/customers/{}/photos?kind={}",
            detail.get_untracked().id,
            kind.get_untracked()
        );
        leptos::task::spawn_local(async move {
            let r = post_file(&url, &file).await;
            busy.set(false);
            match r {
                Ok((201, _)) => reload.run(()),
                Ok((_, body)) => {
                    let message = match serde_json::from_str::<AppError>(&body) {
                        Ok(AppError::Validation(list)) => list
                            .first()
                            .map(|e| crate::components::error_view::field_message(i18n, e.code))
                            .unwrap_or_default(),
                        Ok(e) => error_message(i18n, &e),
                        Err(_) => error_message(i18n, &AppError::Internal),
                    };
                    failure.set(Some(message));
                }
                Err(_) => failure.set(Some(t_string!(i18n, errors.network).to_string())),
            }
        });
    };
    let remove = move |id| {
        leptos::task::spawn_local(async move {
            match delete_customer_photo(id).await {
                Ok(()) => detail.update(|d| d.photos.retain(|p| p.id != id)),
                Err(e) => failure.set(Some(error_message(i18n, &e))),
            }
        });
    };
    view! {
        <section class="cust-group" aria-labelledby="photos-h">
            <div class="cust-group-head"><h2 id="photos-h">{t!(i18n, customers.photos)}</h2></div>
            <div class="cust-photo-upload">
                <label for="photo-kind" class="visually-hidden">{t!(i18n, customers.photos)}</label>
                <select id="photo-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                    <option value="storefront">{t!(i18n, customers.photo_kind_storefront)}</option>
                    <option value="display">{t!(i18n, customers.photo_kind_display)}</option>
                </select>
                <label class="button button-primary cust-file">
                    {move || if busy.get() { t_string!(i18n, customers.uploading).to_string() } else { t_string!(i18n, customers.upload_photo).to_string() }}
                    <input id="photo-file" type="file" accept="image/jpeg,image/png,image/webp" capture="environment" on:change=upload disabled=move || busy.get() />
                </label>
                <span class="muted small">{t!(i18n, customers.photo_hint)}</span>
            </div>
            <ErrorBanner message=failure />
            {move || {
                let photos = detail.with(|d| d.photos.clone());
                if photos.is_empty() {
                    Either::Left(view! { <p class="muted">{t!(i18n, customers.no_photos)}</p> })
                } else {
                    Either::Right(view! {
                        <ul class="cust-photos">
                            {photos.into_iter().map(|p| {
                                let id = p.id;
                                let label = if p.kind == "display" { t_string!(i18n, customers.photo_kind_display).to_string() } else { t_string!(i18n, customers.photo_kind_storefront).to_string() };
                                view! {
                                    <li>
                                        <a href=format!("/photos/{id}") rel="external" target="_blank">
                                            <img src=format!("/photos/{id}") alt=label.clone() loading="lazy" />
                                        </a>
                                        <span>{label}" · "{crate::domain::time::beijing_date(p.created_at).to_string()}</span>
                                        <button type="button" class="button button-small button-danger" on:click=move |_| remove(id)>{t!(i18n, customers.delete_photo)}</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    })
                }
            }}
        </section>
    }
}

#[component]
fn History(detail: RwSignal<CustomerDetail>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let failure = RwSignal::new(None::<String>);
    let restore = move |change_version: i64, field: String| {
        let d = detail.get_untracked();
        leptos::task::spawn_local(async move {
            match restore_customer_field(d.id, d.version, change_version, field).await {
                Ok(saved) => {
                    detail.set(saved);
                    notice.set(Some(t_string!(i18n, customers.restored).to_string()));
                }
                Err(e) => failure.set(Some(error_message(i18n, &e))),
            }
        });
    };
    view! {
        <section class="cust-group" aria-labelledby="history-h">
            <div class="cust-group-head"><h2 id="history-h">{t!(i18n, customers.history)}</h2></div>
            <ErrorBanner message=failure />
            <table class="table cust-history">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, customers.col_when)}</th>
                        <th scope="col">{t!(i18n, customers.col_who)}</th>
                        <th scope="col">{t!(i18n, customers.col_field)}</th>
                        <th scope="col">{t!(i18n, customers.col_change)}</th>
                        <th scope="col"></th>
                    </tr>
                </thead>
                <tbody>
                    {move || detail.with(|d| {
                        let locale = i18n.get_locale();
                        let may_manage = d.may_manage;
                        d.history.iter().zip(&d.history_sources).map(|(h, source)| {
                            let who = if h.by_name.is_empty() { td_string!(locale, customers.history_by_system).to_string() } else { h.by_name.clone() };
                            let field = h.change.field.clone();
                            let when = shanghai_time(h.at);
                            let source_note = match source.as_str() {
                                "import" => Some(td_string!(locale, customers.source_import).to_string()),
                                "restore" => Some(td_string!(locale, customers.source_restore).to_string()),
                                "assign" => Some(td_string!(locale, customers.source_assign).to_string()),
                                _ => None,
                            };
                            let (version, f2) = (h.version, field.clone());
                            view! {
                                <tr data-field=field.clone()>
                                    <td data-label=td_string!(locale, customers.col_when)>{when}</td>
                                    <td data-label=td_string!(locale, customers.col_who)>{who}{source_note.map(|s| view! { " " <span class="badge">{s}</span> })}</td>
                                    {if field.is_empty() {
                                        Either::Left(view! { <td colspan="2">{td_string!(locale, customers.history_created)}</td><td></td> })
                                    } else {
                                        Either::Right(view! {
                                            <td data-label=td_string!(locale, customers.col_field)>{field_label(locale, &field)}</td>
                                            <td data-label=td_string!(locale, customers.col_change)>
                                                <del>{h.change.old.as_deref().map(|v| display_value(locale, &field, v)).unwrap_or_default()}</del>
                                                " → "
                                                <ins>{h.change.new.as_deref().map(|v| display_value(locale, &field, v)).unwrap_or_default()}</ins>
                                            </td>
                                            <td>{may_manage.then(|| view! {
                                                <button type="button" class="button button-small" on:click=move |_| restore(version, f2.clone())>{td_string!(locale, customers.restore)}</button>
                                            })}</td>
                                        })
                                    }}
                                </tr>
                            }
                        }).collect_view()
                    })}
                </tbody>
            </table>
        </section>
    }
}

/// A moment as the distributor reads it (Beijing time).
fn shanghai_time(at: chrono::DateTime<chrono::Utc>) -> String {
    crate::domain::time::beijing_minute(at)
}

/// The customer's tier in each saved classification, newest first.
#[component]
fn Tiers(detail: RwSignal<CustomerDetail>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="cust-tiers" aria-labelledby="tiers-h">
            <h2 id="tiers-h">{t!(i18n, customers.tier_history)}</h2>
            // the timeline: oldest first, one badge per saved classification
            {move || detail.with(|d| (!d.tiers.is_empty()).then(|| view! {
                <ol class="tier-timeline" aria-label=move || t_string!(i18n, customers.tier_history).to_string()>
                    {d.tiers.iter().rev().map(|t| {
                        let class = format!("tier-badge tier-{}", t.class.as_str().to_lowercase());
                        view! {
                            <li title=t.snapshot.clone()>
                                <span class=class>{t.class.as_str()}</span>
                                <small>{t.to.get(..7).unwrap_or_default().to_owned()}</small>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            }))}
            {move || detail.with(|d| {
                if d.tiers.is_empty() {
                    return Either::Left(view! { <p class="muted">{t!(i18n, customers.tier_none)}</p> });
                }
                Either::Right(view! {
                    <table class="table">
                        <tbody>
                            {d.tiers.iter().map(|t| {
                                let class = format!("tier-badge tier-{}", t.class.as_str().to_lowercase());
                                view! {
                                    <tr>
                                        <td><span class=class>{t.class.as_str()}</span></td>
                                        <td>{t.snapshot.clone()}</td>
                                        <td>{format!("{} – {}", t.from, t.to)}</td>
                                        <td class="num">{t.measure.display(t.total)}</td>
                                        <td>{match t.rank {
                                            Some(r) => format!("{} {r}", t_string!(i18n, customers.tier_rank)),
                                            None => t_string!(i18n, customers.tier_no_sales).to_string(),
                                        }}</td>
                                        <td class="muted">{crate::domain::time::beijing_date(t.saved_at).to_string()}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                })
            })}
        </section>
    }
}
