//! The channel-discipline page (`/discipline`): report a violation (with evidence
//! photos), the records by status with the owner's and managers' decisions, and the
//! automatic signals to review — each can be turned into a report in one tap.
use super::api::{
    ReportViolation, Signals, ViolationSummary, decide_violation, discipline_signals,
    list_violations,
};
use crate::components::Title;
use crate::components::error_view::{ActionError, LoadError, error_message, message_for};
use crate::components::layout::use_current_user;
use crate::components::upload::{file_signal, picked_file, post_file_for};
use crate::domain::discipline::{ViolationInput, ViolationKind, ViolationStatus};
use crate::domain::money::Money;
use crate::domain::staff::Action as Permission;
use crate::error::AppError;
use crate::features::customers::components::ClassBadge;
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;

pub fn kind_label(i18n: leptos_i18n::I18nContext<Locale>, k: ViolationKind) -> String {
    match k {
        ViolationKind::CrossRegion => t_string!(i18n, discipline.kind_cross_region),
        ViolationKind::Dumping => t_string!(i18n, discipline.kind_dumping),
        ViolationKind::BelowFloor => t_string!(i18n, discipline.kind_below_floor),
    }
    .to_string()
}

pub fn status_label(i18n: leptos_i18n::I18nContext<Locale>, s: ViolationStatus) -> String {
    match s {
        ViolationStatus::Reported => t_string!(i18n, discipline.status_reported),
        ViolationStatus::Confirmed => t_string!(i18n, discipline.status_confirmed),
        ViolationStatus::Penalised => t_string!(i18n, discipline.status_penalised),
        ViolationStatus::Dismissed => t_string!(i18n, discipline.status_dismissed),
    }
    .to_string()
}

fn action_label(i18n: leptos_i18n::I18nContext<Locale>, s: ViolationStatus) -> String {
    match s {
        ViolationStatus::Confirmed => t_string!(i18n, discipline.do_confirm),
        ViolationStatus::Penalised => t_string!(i18n, discipline.do_penalise),
        ViolationStatus::Dismissed => t_string!(i18n, discipline.do_dismiss),
        ViolationStatus::Reported => t_string!(i18n, discipline.status_reported),
    }
    .to_string()
}

#[component]
pub fn DisciplinePage() -> impl IntoView {
    let i18n = use_i18n();
    let may_decide = use_current_user().is_some_and(|u| u.role.may(Permission::ManageCustomers));
    let status = RwSignal::new("open".to_owned());
    let list = Resource::new(move || status.get(), list_violations);
    let signals = Resource::new(|| (), |()| discipline_signals(31));
    let form = RwSignal::new(ViolationInput::default());
    let form_open = RwSignal::new(false);
    let refresh = Callback::new(move |()| list.refetch());
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, discipline.title).to_string()) />
        <div class="page-head">
            <h1>{t!(i18n, discipline.title)}</h1>
            <div class="page-actions">
                <button type="button" class="button button-primary" on:click=move |_| form_open.update(|o| *o = !*o)>{t!(i18n, discipline.report)}</button>
            </div>
        </div>
        <Show when=move || form_open.get()>
            <ReportForm form=form on_saved=refresh />
        </Show>
        <section aria-labelledby="violations-h">
            <div class="section-head">
                <h2 id="violations-h">{t!(i18n, discipline.records)}</h2>
                <label class="field field-inline">
                    <span>{t!(i18n, discipline.status)}</span>
                    <select name="status" prop:value=move || status.get() on:change=move |ev| status.set(event_target_value(&ev))>
                        <option value="open">{t!(i18n, discipline.open)}</option>
                        <option value="">{t!(i18n, segmentation.all)}</option>
                        {ViolationStatus::ALL.map(|s| view! { <option value=s.as_str()>{move || status_label(i18n, s)}</option> })}
                    </select>
                </label>
            </div>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => Either::Left(view! { <LoadError error=e /> }),
                        Ok(items) if items.is_empty() => Either::Right(Either::Left(view! { <p class="muted">{t!(i18n, discipline.no_records)}</p> })),
                        Ok(items) => Either::Right(Either::Right(view! {
                            <ul class="violations">
                                {items.into_iter().map(|v| view! { <ViolationCard initial=v may_decide=may_decide /> }).collect_view()}
                            </ul>
                        })),
                    }
                })}
            </Transition>
        </section>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match signals.await {
                    Err(e) => Either::Left(view! { <LoadError error=e /> }),
                    Ok(s) => Either::Right(view! { <SignalLists signals=s form=form form_open=form_open /> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn ReportForm(form: RwSignal<ViolationInput>, on_saved: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    // a ServerAction also shows what a plain form post (before the script ran) came back with
    let report = ServerAction::<ReportViolation>::new();
    let errors = move || match report.value().get() {
        Some(Err(AppError::Validation(e))) => e,
        _ => Vec::new(),
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = report.value().get() {
            form.set(ViolationInput::default());
            on_saved.run(());
        }
    });
    let field = move |name: &'static str,
                      label: String,
                      get: fn(&ViolationInput) -> String,
                      set: fn(&mut ViolationInput, String),
                      ty: &'static str| {
        view! {
            <label class="field">
                <span>{label}</span>
                <input name=format!("input[{name}]") type=ty aria-invalid=move || message_for(i18n, &errors(), name).is_some().to_string()
                    value=form.with_untracked(get) prop:value=move || form.with(get) on:input=move |ev| form.update(|f| set(f, event_target_value(&ev))) />
                <small class="field-error" role="alert">{move || message_for(i18n, &errors(), name)}</small>
            </label>
        }
    };
    view! {
        <form class="violation-form" method="post" action=ReportViolation::PATH on:submit=move |ev| { ev.prevent_default(); report.dispatch(ReportViolation { input: form.get_untracked() }); }>
            <h2>{t!(i18n, discipline.report)}</h2>
            <div class="form-grid">
                {field("customer", t_string!(i18n, discipline.customer_code).to_string(), |f| f.customer.clone(), |f, v| f.customer = v, "text")}
                <label class="field">
                    <span>{t!(i18n, discipline.kind)}</span>
                    <select name="input[kind]" aria-invalid=move || message_for(i18n, &errors(), "kind").is_some().to_string()
                        prop:value=move || form.with(|f| f.kind.clone()) on:change=move |ev| form.update(|f| f.kind = event_target_value(&ev))>
                        <option value="">{t!(i18n, discipline.choose)}</option>
                        {ViolationKind::ALL.map(|k| view! { <option value=k.as_str()>{move || kind_label(i18n, k)}</option> })}
                    </select>
                    <small class="field-error" role="alert">{move || message_for(i18n, &errors(), "kind")}</small>
                </label>
                {field("occurred_on", t_string!(i18n, discipline.occurred_on).to_string(), |f| f.occurred_on.clone(), |f, v| f.occurred_on = v, "date")}
                {field("product", t_string!(i18n, discipline.product_sku).to_string(), |f| f.product.clone(), |f, v| f.product = v, "text")}
                {field("place", t_string!(i18n, discipline.place).to_string(), |f| f.place.clone(), |f, v| f.place = v, "text")}
            </div>
            <label class="field">
                <span>{t!(i18n, discipline.description)}</span>
                <textarea name="input[description]" rows="3" aria-invalid=move || message_for(i18n, &errors(), "description").is_some().to_string()
                    prop:value=move || form.with(|f| f.description.clone()) on:input=move |ev| form.update(|f| f.description = event_target_value(&ev))>{form.with_untracked(|f| f.description.clone())}</textarea>
                <small class="field-error" role="alert">{move || message_for(i18n, &errors(), "description")}</small>
            </label>
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=move || report.pending().get()>{t!(i18n, discipline.submit_report)}</button>
            </div>
            {move || match report.value().get() {
                Some(Ok(v)) => Some(Either::Left(view! { <p class="banner banner-success" role="status">{t_string!(i18n, discipline.reported, name = v.name).to_string()}</p> })),
                Some(Err(AppError::Validation(_))) | None => None,
                Some(Err(e)) => Some(Either::Right(view! { <ActionError error=e /> })),
            }}
        </form>
    }
}

#[component]
fn ViolationCard(initial: ViolationSummary, may_decide: bool) -> impl IntoView {
    let i18n = use_i18n();
    let v = RwSignal::new(initial);
    let penalty = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<String>);
    let decide = Action::new(move |target: &ViolationStatus| {
        let cur = v.get_untracked();
        decide_violation(
            cur.id.to_string(),
            cur.version,
            target.as_str().to_owned(),
            penalty.get_untracked(),
            note.get_untracked(),
        )
    });
    Effect::new(move |_| match decide.value().get() {
        Some(Ok(saved)) => {
            v.set(saved);
            penalty.set(String::new());
            note.set(String::new());
            failure.set(None);
        }
        Some(Err(AppError::Validation(e))) => failure.set(
            e.first()
                .map(|f| crate::components::error_view::field_message(i18n, f.code)),
        ),
        Some(Err(e)) => failure.set(Some(error_message(i18n, &e))),
        None => {}
    });
    let photo = file_signal();
    let busy = RwSignal::new(false);
    let upload = move |ev: leptos::ev::Event| {
        let Some(file) = picked_file(&ev) else { return };
        photo.set(Some(file.clone()));
        busy.set(true);
        let id = v.get_untracked().id;
        leptos::task::spawn_local(async move {
            match post_file_for::<String>(&format!("/api/violations/{id}/photos"), &file).await {
                Ok(photo_id) => {
                    v.update(|x| x.photos.push(photo_id));
                    failure.set(None);
                }
                Err(e) => failure.set(Some(match &e {
                    AppError::Validation(errs) => errs.first().map_or_else(
                        || error_message(i18n, &e),
                        |f| crate::components::error_view::field_message(i18n, f.code),
                    ),
                    _ => error_message(i18n, &e),
                })),
            }
            busy.set(false);
        });
    };
    view! {
        <li class="violation" data-status=move || v.with(|x| x.status.as_str())>
            {move || v.with(|x| {
                let tier = x.tier.map(|t| view! { <ClassBadge class=t /> });
                view! {
                    <div class="violation-head">
                        <strong>{tier}" "<a href=format!("/customers/{}", x.customer_id)>{x.name.clone()}</a></strong>
                        <span class="muted">{x.code.clone()}</span>
                        <span class="badge">{kind_label(i18n, x.kind)}</span>
                        <span class=format!("badge badge-status-{}", x.status.as_str()) data-testid="status">{status_label(i18n, x.status)}</span>
                    </div>
                    <p>{x.description.clone()}</p>
                    <p class="muted small">
                        {x.occurred_on.clone()}
                        {x.product.clone().map(|p| format!(" · {p}"))}
                        {x.place.clone().map(|p| format!(" · {p}"))}
                        {format!(" · {} {}", t_string!(i18n, discipline.reported_by), x.reported_by.clone().unwrap_or_default())}
                        {x.decided_by.clone().map(|d| format!(" · {} {d}", t_string!(i18n, discipline.decided_by)))}
                    </p>
                    {x.penalty.map(|p| view! { <p><strong>{t!(i18n, discipline.penalty)}</strong>" "{Money(p).to_display_string()}</p> })}
                    {x.notes.clone().map(|n| view! { <p class="violation-notes">{n}</p> })}
                    {(!x.photos.is_empty()).then(|| view! {
                        <ul class="cust-photos">
                            {x.photos.iter().map(|id| view! {
                                <li><a href=format!("/violation-photos/{id}") rel="external" target="_blank">
                                    <img src=format!("/violation-photos/{id}") alt=t_string!(i18n, discipline.evidence).to_string() loading="lazy" />
                                </a></li>
                            }).collect_view()}
                        </ul>
                    })}
                }
            })}
            <div class="violation-actions">
                <label class="button button-small cust-file">
                    {move || if busy.get() { t_string!(i18n, customers.uploading).to_string() } else { t_string!(i18n, discipline.add_evidence).to_string() }}
                    <input type="file" name="evidence" accept="image/jpeg,image/png,image/webp" capture="environment" on:change=upload disabled=move || busy.get() />
                </label>
                {move || {
                    let next = v.with(|x| x.status.next());
                    (may_decide && !next.is_empty()).then(|| view! {
                        <label class="field field-inline">
                            <span>{t!(i18n, discipline.note)}</span>
                            <input name="note" value=note.get_untracked() prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev)) />
                        </label>
                        {next.contains(&ViolationStatus::Penalised).then(|| view! {
                            <label class="field field-inline">
                                <span>{t!(i18n, discipline.penalty_yuan)}</span>
                                <input name="penalty" inputmode="decimal" value=penalty.get_untracked() prop:value=move || penalty.get() on:input=move |ev| penalty.set(event_target_value(&ev)) />
                            </label>
                        })}
                        {next.iter().map(|s| {
                            let s = *s;
                            view! {
                                <button type="button" class=if s == ViolationStatus::Dismissed { "button" } else { "button button-primary" }
                                    data-action=s.as_str() disabled=move || decide.pending().get()
                                    on:click=move |_| { decide.dispatch(s); }>{action_label(i18n, s)}</button>
                            }
                        }).collect_view()}
                    })
                }}
            </div>
            <p class="field-error" role="alert" hidden=move || failure.get().is_none()>{move || failure.get()}</p>
        </li>
    }
}

#[component]
fn SignalLists(
    signals: Signals,
    form: RwSignal<ViolationInput>,
    form_open: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let prefill = move |input: ViolationInput| {
        form.set(input);
        form_open.set(true);
        #[cfg(feature = "hydrate")]
        if let Some(w) = web_sys::window() {
            w.scroll_to_with_x_and_y(0.0, 0.0);
        }
    };
    view! {
        <section aria-labelledby="signals-h" class="signals">
            <h2 id="signals-h">{t!(i18n, discipline.signals)}</h2>
            <p class="muted">{t!(i18n, discipline.signals_hint)}</p>
            <h3>{t_string!(i18n, discipline.below_floor_title, from = signals.from.clone(), to = signals.to.clone()).to_string()}</h3>
            {if signals.below_floor.is_empty() {
                Either::Left(view! { <p class="muted">{t!(i18n, discipline.no_signals)}</p> })
            } else {
                Either::Right(view! {
                    <div class="table-wrap"><table class="table" data-testid="below-floor">
                        <thead><tr>
                            <th>{t!(i18n, discipline.date)}</th>
                            <th>{t!(i18n, segmentation.name)}</th>
                            <th>{t!(i18n, discipline.product)}</th>
                            <th class="num">{t!(i18n, discipline.unit_price)}</th>
                            <th class="num">{t!(i18n, discipline.floor)}</th>
                            <th></th>
                        </tr></thead>
                        <tbody>
                            {signals.below_floor.into_iter().map(|s| {
                                let unit = Money(s.amount / s.quantity.max(1)).to_display_string();
                                let floor = Money(s.floor).to_display_string();
                                let input = ViolationInput {
                                    customer: s.code.clone(),
                                    kind: "below_floor".into(),
                                    occurred_on: s.date.clone(),
                                    product: s.sku.clone(),
                                    place: String::new(),
                                    description: if s.on_shelf {
                                        t_string!(i18n, discipline.below_floor_shelf_text, unit = unit.clone(), floor = floor.clone()).to_string()
                                    } else {
                                        t_string!(i18n, discipline.below_floor_text, qty = s.quantity, unit = unit.clone(), floor = floor.clone()).to_string()
                                    },
                                };
                                let on_shelf = s.on_shelf;
                                view! {
                                    <tr>
                                        <td>{s.date}{on_shelf.then(|| view! { <br /><small class="badge">{t!(i18n, discipline.on_shelf)}</small> })}</td>
                                        <td><a href=format!("/customers/{}", s.customer_id)>{s.name}</a><br /><small class="muted">{s.code}</small></td>
                                        <td>{format!("{} {}", s.sku, s.product)}</td>
                                        <td class="num">{unit}</td>
                                        <td class="num">{floor}</td>
                                        <td><button type="button" class="button button-small" on:click=move |_| prefill(input.clone())>{t!(i18n, discipline.report_this)}</button></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table></div>
                })
            }}
            <h3>{t!(i18n, discipline.outside_title)}</h3>
            {if signals.outside_territory.is_empty() {
                Either::Left(view! { <p class="muted">{t!(i18n, discipline.no_signals)}</p> })
            } else {
                Either::Right(view! {
                    <div class="table-wrap"><table class="table" data-testid="outside-territory">
                        <thead><tr>
                            <th>{t!(i18n, discipline.sub_distributor)}</th>
                            <th>{t!(i18n, discipline.territories)}</th>
                            <th>{t!(i18n, discipline.terminal)}</th>
                            <th>{t!(i18n, discipline.place)}</th>
                            <th></th>
                        </tr></thead>
                        <tbody>
                            {signals.outside_territory.into_iter().map(|s| {
                                let input = ViolationInput {
                                    customer: s.sub_code.clone(),
                                    kind: "cross_region".into(),
                                    occurred_on: String::new(),
                                    product: String::new(),
                                    place: s.place.clone(),
                                    description: t_string!(i18n, discipline.outside_text, terminal = s.terminal_name.clone(), place = s.place.clone()).to_string(),
                                };
                                let ts = s.territories.iter().map(|t| match &t.township { Some(x) => format!("{} {x}", t.district), None => t.district.clone() }).collect::<Vec<_>>().join(t_string!(i18n, common.list_sep));
                                view! {
                                    <tr>
                                        <td><a href=format!("/customers/{}", s.sub_id)>{s.sub_name}</a></td>
                                        <td>{ts}</td>
                                        <td><a href=format!("/customers/{}", s.terminal_id)>{s.terminal_name}</a></td>
                                        <td>{s.place}</td>
                                        <td><button type="button" class="button button-small" on:click=move |_| prefill(input.clone())>{t!(i18n, discipline.report_this)}</button></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table></div>
                })
            }}
        </section>
    }
}
