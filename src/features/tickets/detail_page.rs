//! One objection (`/tickets/objections/:id`): its timers counting down, the steps
//! (answer with what was said, resolve, close), waiting for the customer, comments and
//! evidence photos. One delivery (`/tickets/deliveries/:id`): its timer, marking it
//! delivered, proof-of-delivery photos.
use super::api::{
    AdvanceObjection, AssignDriver, AssignObjection, CommentObjection, CompleteDelivery,
    DeliveryDetail, Handler, ObjectionDetail, PauseObjection, advance_objection, comment_objection,
    get_delivery, get_objection, pause_objection,
};
use super::board_page::TicketTabs;
use super::components::{
    Countdown, category_label, objection_status_label, standard_label, use_elapsed,
};
use crate::components::Title;
use crate::components::error_view::{LoadError, error_message, message_for};
use crate::components::upload::{picked_file, post_file_for};
use crate::domain::ids::EmployeeId;
use crate::domain::tickets::ObjectionStatus;
use crate::error::AppError;
use crate::features::customers::components::ClassBadge;
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_router::hooks::use_params_map;

fn param_id() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()))
}

/// A photo strip with an upload button posting to `url`.
#[component]
fn Photos(
    photos: RwSignal<Vec<String>>,
    url: String,
    label: String,
    /// Only shows them (a cancelled delivery takes no more).
    #[prop(optional)]
    closed: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let upload = move |ev: leptos::ev::Event| {
        let Some(file) = picked_file(&ev) else { return };
        busy.set(true);
        let url = url.clone();
        leptos::task::spawn_local(async move {
            match post_file_for::<String>(&url, &file).await {
                Ok(id) => {
                    photos.update(|p| p.push(id));
                    failure.set(None);
                }
                Err(AppError::Validation(e)) => failure.set(
                    e.first()
                        .map(|f| crate::components::error_view::field_message(i18n, f.code)),
                ),
                Err(e) => failure.set(Some(error_message(i18n, &e))),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="photos">
            {move || photos.get().into_iter().map(|id| view! { <img src=format!("/ticket-photos/{id}") alt="" loading="lazy" /> }).collect_view()}
            {(!closed).then(|| view! {
                <label class="button button-small upload-button">
                    {move || if busy.get() { t_string!(i18n, customers.uploading).to_string() } else { label.clone() }}
                    <input type="file" name="photo" accept="image/jpeg,image/png,image/webp" capture="environment" on:change=upload disabled=move || busy.get() />
                </label>
            })}
            {move || failure.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
        </div>
    }
}

#[component]
pub fn ObjectionPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id();
    let detail = Resource::new(move || id.get(), get_objection);
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, tickets.objection).to_string()) />
        <TicketTabs />
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => Either::Left(view! { <LoadError error=e /> }),
                    Ok(d) => Either::Right(view! { <ObjectionView initial=d /> }),
                }
            })}
        </Suspense>
    }
}

/// Steps the objection `d` through the server, with `note` or `comment` cleared once a
/// step is saved.
type Step = Action<(String, String), Result<ObjectionDetail, AppError>>;

#[component]
fn ObjectionView(initial: ObjectionDetail) -> impl IntoView {
    let i18n = use_i18n();
    let d = RwSignal::new(initial.clone());
    let photos = RwSignal::new(initial.photos.clone());
    let note = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let step: Step = Action::new(move |(to, text): &(String, String)| {
        let (id, version) = d.with_untracked(|x| (x.item.id.to_string(), x.item.version));
        let (to, text) = (to.clone(), text.clone());
        async move {
            match to.as_str() {
                "pause" => pause_objection(id, version, true, text).await,
                "resume" => pause_objection(id, version, false, text).await,
                "comment" => comment_objection(id, text).await,
                _ => advance_objection(id, version, to, text).await,
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(fresh)) = step.value().get() {
            d.set(fresh);
            note.set(String::new());
            comment.set(String::new());
        }
    });
    let id = initial.item.id.to_string();
    view! {
        <ObjectionHead d=d />
        <StepForm d=d step=step note=note />
        // shown while there is someone to hand it to; kept (with its answer) across saves
        <Show when=move || d.with(|x| !x.assignees.is_empty())>
            <ReassignForm d=d />
        </Show>
        <section aria-labelledby="photos-h">
            <h2 id="photos-h">{t!(i18n, tickets.photos)}</h2>
            <Photos photos=photos url=format!("/api/tickets/objection/{id}/photos") label=t_string!(i18n, tickets.add_photo).to_string() />
        </section>
        <section aria-labelledby="comments-h">
            <h2 id="comments-h">{t!(i18n, tickets.history)}</h2>
            <Comments d=d step=step comment=comment />
        </section>
    }
}

/// What the objection is, whose, when each step happened, and its clocks.
#[component]
fn ObjectionHead(d: RwSignal<ObjectionDetail>) -> impl IntoView {
    let i18n = use_i18n();
    let elapsed = use_elapsed();
    view! {
        {move || d.with(|x| {
            let item = &x.item;
            view! {
                <div class="page-head">
                    <h1>
                        {t!(i18n, tickets.objection)} " · "
                        {item.category.map(|c| category_label(i18n, c))}
                    </h1>
                    <span class="status-chip" data-status=x.status.as_str()>{objection_status_label(i18n, x.status)}</span>
                </div>
                <p class="ticket-customer">
                    {item.tier.map(|t| view! { <ClassBadge class=t /> })}
                    <a href=item.customer_id.map(|c| format!("/customers/{c}"))>{format!("{} {}", item.code, item.name)}</a>
                    {item.handler.clone().map(|h| format!(" · {} {h}", t_string!(i18n, tickets.assignee)))}
                </p>
                <p class="ticket-description">{x.description.clone()}</p>
                <dl class="ticket-times">
                    <dt>{t!(i18n, tickets.opened)}</dt><dd>{x.opened_at.clone()}</dd>
                    <dt>{t!(i18n, tickets.st_answered)}</dt><dd>{x.answered_at.clone().unwrap_or_else(|| "—".into())}</dd>
                    <dt>{t!(i18n, tickets.st_resolved)}</dt><dd>{x.resolved_at.clone().unwrap_or_else(|| "—".into())}</dd>
                    <dt>{t!(i18n, tickets.st_closed)}</dt><dd>{x.closed_at.clone().unwrap_or_else(|| "—".into())}</dd>
                </dl>
                <div class="timers">
                    {x.timers.iter().map(|t| {
                        let k = t.standard;
                        view! {
                            <div class="timer">
                                <span class="timer-label">{standard_label(i18n, k)}</span>
                                <Countdown timer=t.clone() now=x.now calendar=x.calendar.clone() elapsed=elapsed />
                            </div>
                        }
                    }).collect_view()}
                </div>
            }
        })}
    }
}

/// The next steps of the objection as one form.
#[component]
fn StepForm(d: RwSignal<ObjectionDetail>, step: Step, note: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let errors = move || match step.value().get() {
        Some(Err(AppError::Validation(e))) => e,
        _ => Vec::new(),
    };
    let failure = move || match step.value().get() {
        Some(Err(AppError::Validation(e))) => e
            .iter()
            .find(|f| f.field == "status")
            .map(|f| crate::components::error_view::field_message(i18n, f.code)),
        Some(Err(e)) => Some(error_message(i18n, &e)),
        _ => None,
    };
    view! {
        // The steps are one form: each button posts its step (`to`) — with the script by
        // the action, before it by the browser itself (the pause buttons to their own
        // server function through `formaction`).
        <form class="ticket-actions" method="post" action=AdvanceObjection::PATH on:submit=|ev| ev.prevent_default()
            aria-label=move || t_string!(i18n, tickets.actions).to_string()>
            <input type="hidden" name="id" value=move || d.with(|x| x.item.id.to_string()) />
            <input type="hidden" name="version" value=move || d.with(|x| x.item.version.to_string()) />
            {move || failure().map(|m| view! { <div class="banner banner-error" role="alert">{m}</div> })}
            {move || {
                let status = d.with(|x| x.status);
                let paused = d.with(|x| x.paused);
                let go = move |to: &'static str, text: bool| move |ev: leptos::ev::MouseEvent| {
                    ev.prevent_default();
                    step.dispatch((to.into(), if text { note.get_untracked() } else { String::new() }));
                };
                match status {
                    ObjectionStatus::Open => Some(view! {
                        <label class="field field-wide">
                            <span>{t!(i18n, tickets.answer_text)}</span>
                            <textarea name="note" rows="2" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))>{note.get_untracked()}</textarea>
                            <small class="field-error" role="alert">{move || message_for(i18n, &errors(), "note")}</small>
                        </label>
                        <div class="form-actions">
                            <button type="submit" name="to" value="answered" class="button button-primary" on:click=go("answered", true)>{t!(i18n, tickets.do_answer)}</button>
                            <button type="submit" name="to" value="resolved" class="button" on:click=go("resolved", true)>{t!(i18n, tickets.do_resolve)}</button>
                            {pause_button(i18n, step, paused)}
                        </div>
                    }.into_any()),
                    ObjectionStatus::Answered => Some(view! {
                        <input type="hidden" name="note" value="" />
                        <div class="form-actions">
                            <button type="submit" name="to" value="resolved" class="button button-primary" on:click=go("resolved", false)>{t!(i18n, tickets.do_resolve)}</button>
                            {pause_button(i18n, step, paused)}
                        </div>
                    }.into_any()),
                    ObjectionStatus::Resolved => Some(view! {
                        <input type="hidden" name="note" value="" />
                        <div class="form-actions">
                            <button type="submit" name="to" value="closed" class="button button-primary" on:click=go("closed", false)>{t!(i18n, tickets.do_close)}</button>
                        </div>
                    }.into_any()),
                    ObjectionStatus::Closed => None,
                }
            }}
        </form>
    }
}

/// The objection's history, newest last, and a form to add a comment to it.
#[component]
fn Comments(d: RwSignal<ObjectionDetail>, step: Step, comment: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ol class="comments">
            {move || d.with(|x| x.comments.iter().map(|c| {
                let kind = c.kind.clone();
                let label = match kind.as_str() {
                    "answered" => t_string!(i18n, tickets.st_answered).to_string(),
                    "resolved" => t_string!(i18n, tickets.st_resolved).to_string(),
                    "closed" => t_string!(i18n, tickets.st_closed).to_string(),
                    "paused" => t_string!(i18n, tickets.do_pause).to_string(),
                    "resumed" => t_string!(i18n, tickets.do_resume).to_string(),
                    _ => t_string!(i18n, tickets.comment).to_string(),
                };
                view! {
                    <li data-kind=kind>
                        <span class="muted">{format!("{} · {} · {}", c.at, c.author.clone().unwrap_or_default(), label)}</span>
                        {(!c.body.is_empty()).then(|| view! { <p>{c.body.clone()}</p> })}
                    </li>
                }
            }).collect_view())}
        </ol>
        <form class="comment-form" method="post" action=CommentObjection::PATH on:submit=move |ev| { ev.prevent_default(); step.dispatch(("comment".into(), comment.get_untracked())); }>
            <input type="hidden" name="id" value=move || d.with(|x| x.item.id.to_string()) />
            <textarea name="body" rows="2" aria-label=move || t_string!(i18n, tickets.comment).to_string() prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))>{comment.get_untracked()}</textarea>
            <button type="submit" class="button">{t!(i18n, tickets.add_comment)}</button>
        </form>
    }
}

fn pause_button(i18n: leptos_i18n::I18nContext<Locale>, step: Step, paused: bool) -> impl IntoView {
    let (to, label) = if paused {
        ("resume", t_string!(i18n, tickets.do_resume).to_string())
    } else {
        ("pause", t_string!(i18n, tickets.do_pause).to_string())
    };
    view! {
        <button type="submit" formaction=PauseObjection::PATH name="paused" value=(!paused).to_string()
            class="button button-ghost"
            on:click=move |ev| { ev.prevent_default(); step.dispatch((to.into(), String::new())); }>
            {label}
        </button>
    }
}

/// Handing a ticket on: a choice of people and a button, posted to server function
/// `action` (a plain form post before hydration) or by `submit` with the choice.
#[component]
#[expect(clippy::too_many_arguments, reason = "one form's parts")]
fn HandOverForm(
    action: &'static str,
    field: &'static str,
    label: String,
    button: String,
    /// `(id, version)` of the ticket.
    ticket: Signal<(String, i64)>,
    /// `(id, name)` to choose from, and who has it now.
    choices: Signal<(Vec<Handler>, Option<EmployeeId>)>,
    /// "Nobody" as a choice, with this label.
    nobody: Option<String>,
    submit: Callback<String>,
    pending: Signal<bool>,
    /// `(saved, text)` after an answer.
    message: Signal<Option<(bool, String)>>,
) -> impl IntoView {
    // what the select shows at first: who has it now, else the first choice (or nobody)
    let shown = choices.with_untracked(|(list, now)| {
        now.filter(|n| list.iter().any(|h| h.id == *n))
            .or_else(|| {
                (nobody.is_none())
                    .then(|| list.first().map(|h| h.id))
                    .flatten()
            })
            .map(|id| id.to_string())
            .unwrap_or_default()
    });
    let chosen = RwSignal::new(shown);
    view! {
        <form class="ticket-form reassign-form" method="post" action=action on:submit=move |ev| {
            ev.prevent_default();
            submit.run(chosen.get_untracked());
        }>
            <input type="hidden" name="id" value=move || ticket.with(|t| t.0.clone()) />
            <input type="hidden" name="version" value=move || ticket.with(|t| t.1.to_string()) />
            <label class="field">
                <span>{label}</span>
                <select name=field on:change=move |ev| chosen.set(event_target_value(&ev))>
                    {nobody.map(|n| view! { <option value="">{n}</option> })}
                    {move || choices.with(|(list, now)| list.iter().map(|h| {
                        let selected = *now == Some(h.id);
                        view! { <option value=h.id.to_string() selected=selected>{h.name.clone()}</option> }
                    }).collect_view())}
                </select>
            </label>
            <button type="submit" class="button" disabled=move || pending.get()>{button}</button>
            {move || message.get().map(|(ok, m)| if ok {
                Either::Left(view! { <p class="banner banner-success" role="status">{m}</p> })
            } else {
                Either::Right(view! { <p class="banner banner-error" role="alert">{m}</p> })
            })}
        </form>
    }
}

/// The answer of a hand-over as `(saved, text)`: `saved` names who has it now.
fn hand_over_message<T>(
    i18n: leptos_i18n::I18nContext<Locale>,
    answer: Option<Result<T, AppError>>,
    field: &str,
    saved: impl Fn(T) -> String,
) -> Option<(bool, String)> {
    match answer? {
        Ok(x) => Some((true, saved(x))),
        Err(AppError::Validation(e)) => {
            Some((false, message_for(i18n, &e, field).unwrap_or_default()))
        }
        Err(e) => Some((false, error_message(i18n, &e))),
    }
}

/// Giving the objection to someone else (the owner, a manager or the customer's rep).
#[component]
fn ReassignForm(d: RwSignal<ObjectionDetail>) -> impl IntoView {
    let i18n = use_i18n();
    let assign = ServerAction::<AssignObjection>::new();
    Effect::new(move |_| {
        if let Some(Ok(fresh)) = assign.value().get() {
            d.set(fresh);
        }
    });
    let ticket = Signal::derive(move || d.with(|x| (x.item.id.to_string(), x.item.version)));
    let submit = Callback::new(move |assignee: String| {
        let (id, version) = ticket.get_untracked();
        assign.dispatch(AssignObjection {
            id,
            version,
            assignee,
        });
    });
    let message = Signal::derive(move || {
        hand_over_message(
            i18n,
            assign.value().get(),
            "assignee",
            |x: ObjectionDetail| {
                t_string!(
                    i18n,
                    tickets.reassigned,
                    name = x.item.handler.unwrap_or_default()
                )
                .to_string()
            },
        )
    });
    view! {
        <HandOverForm action=AssignObjection::PATH field="assignee"
            label=t_string!(i18n, tickets.reassign).to_string() button=t_string!(i18n, tickets.do_reassign).to_string()
            ticket=ticket choices=Signal::derive(move || d.with(|x| (x.assignees.clone(), x.assignee_id)))
            nobody=None submit=submit pending=assign.pending().into() message=message />
    }
}

#[component]
pub fn DeliveryPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id();
    let detail = Resource::new(move || id.get(), get_delivery);
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, tickets.delivery).to_string()) />
        <TicketTabs />
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => Either::Left(view! { <LoadError error=e /> }),
                    Ok(d) => Either::Right(view! { <DeliveryView initial=d /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DeliveryView(initial: DeliveryDetail) -> impl IntoView {
    let i18n = use_i18n();
    let elapsed = use_elapsed();
    let d = RwSignal::new(initial.clone());
    let photos = RwSignal::new(initial.photos.clone());
    let at = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let collected = RwSignal::new(String::new());
    let carries_order = initial.order.is_some();
    // a ServerAction also shows what a plain form post (before the script ran) came back with
    let done = ServerAction::<CompleteDelivery>::new();
    Effect::new(move |_| {
        if let Some(Ok(fresh)) = done.value().get() {
            d.set(fresh);
        }
    });
    let errors = move || match done.value().get() {
        Some(Err(AppError::Validation(e))) => e,
        _ => Vec::new(),
    };
    let may_backdate = initial.may_open_customer;
    let failure = move || match done.value().get() {
        // a driver's form has no time field: its refusal ("already delivered") goes here
        Some(Err(AppError::Validation(e))) if !may_backdate => e
            .first()
            .map(|f| crate::components::error_view::field_message(i18n, f.code)),
        Some(Err(AppError::Validation(_))) | Some(Ok(_)) | None => None,
        Some(Err(e)) => Some(error_message(i18n, &e)),
    };
    let id = initial.item.id.to_string();
    view! {
        {move || d.with(|x| view! {
            <div class="page-head">
                <h1>{t!(i18n, tickets.delivery)} " · " {x.item.order_ref.clone()}</h1>
            </div>
            <p class="ticket-customer">
                {x.item.tier.map(|t| view! { <ClassBadge class=t /> })}
                // a driver sees where to go, not the customer's profile
                {if x.may_open_customer {
                    Either::Left(view! { <a href=x.item.customer_id.map(|c| format!("/customers/{c}"))>{format!("{} {}", x.item.code, x.item.name)}</a> })
                } else {
                    Either::Right(view! { <strong>{x.item.name.clone()}</strong> })
                }}
                {x.item.handler.clone().map(|h| format!(" · {} {h}", t_string!(i18n, tickets.driver)))}
            </p>
            <dl class="ticket-times delivery-where" data-testid="destination">
                <dt>{t!(i18n, tickets.destination)}</dt><dd>{x.stop.address.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>{t!(i18n, fields.contact)}</dt><dd>{x.stop.contact.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>{t!(i18n, fields.phone)}</dt>
                <dd>{match x.stop.phone.clone() {
                    Some(p) => Either::Left(view! { <a href=format!("tel:{p}") class="delivery-phone">{p.clone()}</a> }),
                    None => Either::Right(view! { <span>"—"</span> }),
                }}</dd>
            </dl>
            <dl class="ticket-times">
                <dt>{t!(i18n, tickets.ordered_at)}</dt><dd>{x.ordered_at.clone()}</dd>
                <dt>{t!(i18n, tickets.promised)}</dt><dd>{x.promised_at.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>{t!(i18n, tickets.delivered_at)}</dt><dd>{x.delivered_at.clone().unwrap_or_else(|| "—".into())}</dd>
            </dl>
            {x.cancelled_at.clone().map(|at| view! {
                <p class="banner banner-info" role="status" data-testid="delivery-cancelled">{t!(i18n, tickets.delivery_cancelled, at = at)}</p>
            })}
            {x.note.clone().map(|n| view! { <p class="ticket-description">{n}</p> })}
            {x.order.clone().map(|o| view! {
                <section class="card delivery-order" data-testid="delivery-order">
                    <h2>{t!(i18n, tickets.order_carried, number = o.number.clone())}</h2>
                    <ul class="delivery-lines">
                        {o.lines.into_iter().map(|(what, qty)| view! { <li><span>{what}</span><strong>{qty}</strong></li> }).collect_view()}
                    </ul>
                    <p class="order-sum"><span>{t!(i18n, orders.total)}" "<strong>{o.total.clone()}</strong></span>
                        <span>{t!(i18n, orders.in_capitals)}" "<strong>{o.total_capital.clone()}</strong></span></p>
                </section>
            })}
            {x.cancelled_at.is_none().then(|| view! {
                <div class="timers">
                    <div class="timer">
                        <span class="timer-label">{standard_label(i18n, x.item.timer.standard)}</span>
                        <Countdown timer=x.item.timer.clone() now=x.now calendar=x.calendar.clone() elapsed=elapsed />
                    </div>
                </div>
            })}
        })}
        <Show when=move || d.with(|x| x.delivered_at.is_none() && x.cancelled_at.is_none())>
            <form class="ticket-form" method="post" action=CompleteDelivery::PATH on:submit=move |ev| {
                ev.prevent_default();
                let (id, version) = d.with_untracked(|x| (x.item.id.to_string(), x.item.version));
                done.dispatch(CompleteDelivery { id, version, delivered_at: at.get_untracked(), note: note.get_untracked(), collected: collected.get_untracked() });
            }>
                <input type="hidden" name="id" value=move || d.with(|x| x.item.id.to_string()) />
                <input type="hidden" name="version" value=move || d.with(|x| x.item.version.to_string()) />
                <div class="form-grid">
                    // the office may record a delivery afterwards; a driver records it now
                    {may_backdate.then(|| view! {
                        <label class="field">
                            <span>{t!(i18n, tickets.delivered_at_hint)}</span>
                            <input type="datetime-local" name="delivered_at" value=at.get_untracked() prop:value=move || at.get() on:input=move |ev| at.set(event_target_value(&ev)) />
                            <small class="field-error" role="alert">{move || message_for(i18n, &errors(), "delivered_at")}</small>
                        </label>
                    })}
                    <label class="field">
                        <span>{t!(i18n, tickets.note)}</span>
                        <input name="note" value=note.get_untracked() prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev)) />
                    </label>
                    // cash taken at the door for the order
                    {carries_order.then(|| view! {
                        <label class="field">
                            <span>{t!(i18n, tickets.collected)}</span>
                            <input name="collected" inputmode="decimal" autocomplete="off" value=collected.get_untracked() prop:value=move || collected.get() on:input=move |ev| collected.set(event_target_value(&ev)) />
                            <small class="field-error" role="alert">{move || message_for(i18n, &errors(), "collected")}</small>
                        </label>
                    })}
                </div>
                {move || failure().map(|m| view! { <div class="banner banner-error" role="alert">{m}</div> })}
                <button type="submit" class="button button-primary">{t!(i18n, tickets.do_deliver)}</button>
            </form>
        </Show>
        <Show when=move || d.with(|x| !x.drivers.is_empty())>
            <DriverForm d=d />
        </Show>
        <section aria-labelledby="photos-h">
            <h2 id="photos-h">{t!(i18n, tickets.proof)}</h2>
            <Photos photos=photos url=format!("/api/tickets/delivery/{id}/photos") label=t_string!(i18n, tickets.add_photo).to_string() closed=initial.cancelled_at.is_some() />
        </section>
    }
}

/// Giving a delivery to another driver (the owner, a manager or the customer's rep).
#[component]
fn DriverForm(d: RwSignal<DeliveryDetail>) -> impl IntoView {
    let i18n = use_i18n();
    let assign = ServerAction::<AssignDriver>::new();
    Effect::new(move |_| {
        if let Some(Ok(fresh)) = assign.value().get() {
            d.set(fresh);
        }
    });
    let ticket = Signal::derive(move || d.with(|x| (x.item.id.to_string(), x.item.version)));
    let submit = Callback::new(move |driver: String| {
        let (id, version) = ticket.get_untracked();
        assign.dispatch(AssignDriver {
            id,
            version,
            driver,
        });
    });
    let message = Signal::derive(move || {
        hand_over_message(
            i18n,
            assign.value().get(),
            "driver",
            |x: DeliveryDetail| match x.item.handler {
                Some(name) => t_string!(i18n, tickets.driver_changed, name = name).to_string(),
                None => t_string!(i18n, tickets.driver_cleared).to_string(),
            },
        )
    });
    view! {
        <HandOverForm action=AssignDriver::PATH field="driver"
            label=t_string!(i18n, tickets.change_driver).to_string() button=t_string!(i18n, tickets.do_change_driver).to_string()
            ticket=ticket choices=Signal::derive(move || d.with(|x| (x.drivers.clone(), x.driver_id)))
            nobody=Some(t_string!(i18n, tickets.nobody).to_string()) submit=submit pending=assign.pending().into() message=message />
    }
}
