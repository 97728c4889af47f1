//! The service board (`/tickets`): open objections and deliveries, most urgent first,
//! breached ones highlighted, each counting down live; filters by rep, tier and
//! standard; forms to open an objection or a delivery.
use super::api::{
    Board, BoardItem, Handler, OpenDelivery, OpenObjection, TicketKind, ticket_board,
    ticket_handlers,
};
use super::components::{
    Countdown, category_label, objection_status_label, standard_label, use_elapsed,
};
use crate::components::Title;
use crate::components::error_view::{LoadError, error_message, message_for};
use crate::domain::tickets::{DeliveryInput, ObjectionCategory, ObjectionInput, StandardKind};
use crate::error::AppError;
use crate::features::customers::components::ClassBadge;
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_router::components::A;

#[component]
pub fn TicketTabs() -> impl IntoView {
    let i18n = use_i18n();
    // a driver has none of these pages: the way back to their round instead
    let driver = crate::components::layout::use_current_user()
        .is_some_and(|u| !u.role.may(crate::domain::staff::Action::WorkWithCustomers));
    if driver {
        return view! {
            <p class="crumbs"><A href="/deliveries">{t!(i18n, tickets.back_to_round)}</A></p>
        }
        .into_any();
    }
    view! {
        <nav class="tier-tabs" aria-label=move || t_string!(i18n, tickets.title).to_string()>
            <A href="/tickets" exact=true attr:class="button">{t!(i18n, tickets.board)}</A>
            <A href="/tickets/compliance" attr:class="button">{t!(i18n, tickets.compliance)}</A>
            <A href="/standards" attr:class="button">{t!(i18n, standards.title)}</A>
            <A href="/handbook" attr:class="button">{t!(i18n, handbook.title)}</A>
            // whoever drives deliveries has their round here too
            <A href="/deliveries" attr:class="button">{t!(i18n, tickets.my_deliveries)}</A>
        </nav>
    }
    .into_any()
}

#[component]
pub fn TicketBoardPage() -> impl IntoView {
    let i18n = use_i18n();
    let rep = RwSignal::new(String::new());
    let tier = RwSignal::new(String::new());
    let standard = RwSignal::new(String::new());
    let board = Resource::new(
        move || (rep.get(), tier.get(), standard.get()),
        |(r, t, s)| ticket_board(r, t, s, String::new()),
    );
    // `?new=objection&customer=CODE` (the profile's 登记异议) opens the form for that
    // customer, also before the page's script has loaded
    let query = leptos_router::hooks::use_query_map();
    let (preset, customer) = query.with_untracked(|q| {
        (
            match q.get("new").as_deref() {
                Some("objection") => Some(TicketKind::Objection),
                Some("delivery") => Some(TicketKind::Delivery),
                _ => None,
            },
            q.get("customer").unwrap_or_default(),
        )
    });
    let form = RwSignal::new(preset);
    let refresh = Callback::new(move |()| board.refetch());
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, tickets.title).to_string()) />
        <div class="page-head">
            <h1>{t!(i18n, tickets.title)}</h1>
            <div class="page-actions">
                <button type="button" class="button button-primary" on:click=move |_| form.set(Some(TicketKind::Objection))>{t!(i18n, tickets.new_objection)}</button>
                <button type="button" class="button" on:click=move |_| form.set(Some(TicketKind::Delivery))>{t!(i18n, tickets.new_delivery)}</button>
            </div>
        </div>
        <TicketTabs />
        {move || match form.get() {
            Some(TicketKind::Objection) => Some(view! { <ObjectionForm customer=customer.clone() from_address=preset.is_some() on_done=Callback::new(move |()| { form.set(None); refresh.run(()); }) /> }.into_any()),
            Some(TicketKind::Delivery) => Some(view! { <DeliveryForm on_done=Callback::new(move |()| { form.set(None); refresh.run(()); }) /> }.into_any()),
            None => None,
        }}
        <div class="filters">
            <label class="field field-inline">
                <span>{t!(i18n, tickets.standard)}</span>
                <select name="standard" on:change=move |ev| standard.set(event_target_value(&ev))>
                    <option value="">{t!(i18n, segmentation.all)}</option>
                    {StandardKind::ALL.map(|k| view! { <option value=k.as_str()>{move || standard_label(i18n, k)}</option> })}
                </select>
            </label>
            <label class="field field-inline">
                <span>{t!(i18n, tickets.tier)}</span>
                <select name="tier" on:change=move |ev| tier.set(event_target_value(&ev))>
                    <option value="">{t!(i18n, segmentation.all)}</option>
                    <option value="A">"A"</option>
                    <option value="B">"B"</option>
                    <option value="C">"C"</option>
                    <option value="none">{t!(i18n, tickets.unclassified)}</option>
                </select>
            </label>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    board.await.ok().filter(|b| !b.reps.is_empty()).map(|b| view! {
                        <label class="field field-inline">
                            <span>{t!(i18n, tickets.rep)}</span>
                            <select name="rep" prop:value=move || rep.get() on:change=move |ev| rep.set(event_target_value(&ev))>
                                <option value="">{t!(i18n, segmentation.all)}</option>
                                {b.reps.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                            </select>
                        </label>
                    })
                })}
            </Transition>
        </div>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match board.await {
                    Err(e) => Either::Left(view! { <LoadError error=e /> }),
                    Ok(b) => Either::Right(view! { <BoardList board=b /> }),
                }
            })}
        </Transition>
    }
}

/// The tickets of a board, most urgent first, each counting down (also the profile's
/// open tickets).
#[component]
pub fn BoardList(board: Board) -> impl IntoView {
    let i18n = use_i18n();
    let elapsed = use_elapsed();
    let Board {
        now,
        calendar,
        items,
        breached,
        ..
    } = board;
    if items.is_empty() {
        return Either::Left(view! { <p class="muted">{t!(i18n, tickets.empty)}</p> });
    }
    let count = items.len();
    Either::Right(view! {
        <p class="board-summary">
            {t_string!(i18n, tickets.summary, count = count).to_string()}
            {(breached > 0).then(|| view! { " · " <strong class="text-danger">{t_string!(i18n, tickets.breached_count, count = breached).to_string()}</strong> })}
        </p>
        <ul class="board">
            {items.into_iter().map(|i| view! { <BoardRow item=i now=now calendar=calendar.clone() elapsed=elapsed /> }).collect_view()}
        </ul>
    })
}

#[component]
fn BoardRow(
    item: BoardItem,
    now: chrono::NaiveDateTime,
    calendar: crate::domain::sla::Calendar,
    elapsed: ReadSignal<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let href = match item.kind {
        TicketKind::Objection => format!("/tickets/objections/{}", item.id),
        TicketKind::Delivery => format!("/tickets/deliveries/{}", item.id),
    };
    let kind = item.kind;
    let what = match (item.kind, item.category) {
        (TicketKind::Objection, Some(c)) => Either::Left(move || {
            format!(
                "{} · {}",
                t_string!(i18n, tickets.objection),
                category_label(i18n, c)
            )
        }),
        _ => Either::Right(move || {
            format!(
                "{} · {}",
                t_string!(i18n, tickets.delivery),
                item.order_ref.clone().unwrap_or_default()
            )
        }),
    };
    let state = item
        .objection_status
        .map(|s| move || objection_status_label(i18n, s));
    let standard = item.timer.standard;
    view! {
        <li class="board-row" data-kind=kind.as_str()>
            <A href=href attr:class="board-link">
                <span class="board-what">{what}</span>
                <span class="board-customer">
                    {item.tier.map(|t| view! { <ClassBadge class=t /> })}
                    {format!("{} {}", item.code, item.name)}
                </span>
                <span class="board-summary-text">{item.summary.clone()}</span>
                <span class="board-meta muted">
                    {move || standard_label(i18n, standard)}
                    {state.map(|s| view! { " · " {s} })}
                    {item.handler.clone().map(|h| format!(" · {h}"))}
                </span>
                <Countdown timer=item.timer.clone() now=now calendar=calendar elapsed=elapsed />
            </A>
        </li>
    }
}

/// Assignee / driver choices for the customer typed so far.
fn handlers_for(
    code: Signal<String>,
    kind: &'static str,
) -> Resource<Result<Vec<Handler>, AppError>> {
    Resource::new(
        move || code.get(),
        move |c: String| async move {
            if c.trim().is_empty() {
                Ok(Vec::new())
            } else {
                ticket_handlers(c, kind.to_owned()).await
            }
        },
    )
}

#[component]
fn ObjectionForm(
    on_done: Callback<()>,
    #[prop(optional)] customer: String,
    /// Opened from the address (`?new=objection`): cancelling leaves it.
    #[prop(optional)]
    from_address: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let form = RwSignal::new(ObjectionInput {
        customer: customer.clone(),
        ..ObjectionInput::default()
    });
    let save = ServerAction::<OpenObjection>::new();
    // a refusal posted before the script ran comes back in the address
    let (posted_fields, posted_failure) =
        crate::components::form::posted_errors::<OpenObjection>(i18n);
    let (posted_fields, posted_failure) = (
        StoredValue::new(posted_fields),
        StoredValue::new(posted_failure),
    );
    let errors = move || match save.value().get() {
        Some(Err(AppError::Validation(e))) => e,
        None => posted_fields.get_value(),
        _ => Vec::new(),
    };
    let failure = move || match save.value().get() {
        Some(Err(AppError::Validation(_))) | Some(Ok(_)) => None,
        None => posted_failure.get_value(),
        Some(Err(e)) => Some(error_message(i18n, &e)),
    };
    // opened from an address: cancelling leaves it, so a reload or Back does not open
    // the form again
    let navigate = leptos_router::hooks::use_navigate();
    let cancel = move |_| {
        on_done.run(());
        if from_address {
            navigate(
                "/tickets",
                leptos_router::NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    };
    Effect::new(move |_| {
        if let Some(Ok(id)) = save.value().get() {
            on_done.run(());
            let nav = leptos_router::hooks::use_navigate();
            nav(&format!("/tickets/objections/{id}"), Default::default());
        }
    });
    // the assignee choices follow the customer once its code is complete (on change)
    let code = RwSignal::new(customer);
    let handlers = handlers_for(code.into(), "objection");
    view! {
        <form class="ticket-form" method="post" action=OpenObjection::PATH on:submit=move |ev| { ev.prevent_default(); save.dispatch(OpenObjection { input: form.get_untracked() }); }>
            <h2>{t!(i18n, tickets.new_objection)}</h2>
            <div class="form-grid">
                <label class="field">
                    <span>{t!(i18n, tickets.customer_code)}</span>
                    <input name="input[customer]" value=form.with_untracked(|f| f.customer.clone()) prop:value=move || form.with(|f| f.customer.clone()) on:input=move |ev| form.update(|f| f.customer = event_target_value(&ev)) on:change=move |ev| code.set(event_target_value(&ev)) />
                    <small class="field-error" role="alert">{move || message_for(i18n, &errors(), "customer")}</small>
                </label>
                <label class="field">
                    <span>{t!(i18n, tickets.category)}</span>
                    <select name="input[category]" on:change=move |ev| form.update(|f| f.category = event_target_value(&ev))>
                        <option value="">{t!(i18n, discipline.choose)}</option>
                        {ObjectionCategory::ALL.map(|c| view! { <option value=c.as_str()>{move || category_label(i18n, c)}</option> })}
                    </select>
                    <small class="field-error" role="alert">{move || message_for(i18n, &errors(), "category")}</small>
                </label>
                <label class="field">
                    <span>{t!(i18n, tickets.assignee)}</span>
                    <select name="input[assignee]" on:change=move |ev| form.update(|f| f.assignee = event_target_value(&ev))>
                        <option value="">{t!(i18n, tickets.nobody)}</option>
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                handlers.await.unwrap_or_default().into_iter().map(|h| view! { <option value=h.id.to_string()>{h.name}</option> }).collect_view()
                            })}
                        </Transition>
                    </select>
                    <small class="field-error" role="alert">{move || message_for(i18n, &errors(), "assignee")}</small>
                </label>
                <label class="field">
                    <span>{t!(i18n, tickets.opened_at)}</span>
                    <input type="datetime-local" name="input[opened_at]" value=form.with_untracked(|f| f.opened_at.clone()) prop:value=move || form.with(|f| f.opened_at.clone()) on:input=move |ev| form.update(|f| f.opened_at = event_target_value(&ev)) />
                    <small class="field-error" role="alert">{move || message_for(i18n, &errors(), "opened_at")}</small>
                </label>
                <label class="field field-wide">
                    <span>{t!(i18n, tickets.description)}</span>
                    <textarea name="input[description]" rows="3" prop:value=move || form.with(|f| f.description.clone()) on:input=move |ev| form.update(|f| f.description = event_target_value(&ev))>{form.with_untracked(|f| f.description.clone())}</textarea>
                    <small class="field-error" role="alert">{move || message_for(i18n, &errors(), "description")}</small>
                </label>
            </div>
            {move || failure().map(|m| view! { <div class="banner banner-error" role="alert">{m}</div> })}
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=move || save.pending().get()>{t!(i18n, tickets.open_it)}</button>
                <button type="button" class="button button-ghost" on:click=cancel>{t!(i18n, common.cancel)}</button>
            </div>
        </form>
    }
}

#[component]
fn DeliveryForm(on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let form = RwSignal::new(DeliveryInput::default());
    let save = ServerAction::<OpenDelivery>::new();
    let errors = move || match save.value().get() {
        Some(Err(AppError::Validation(e))) => e,
        _ => Vec::new(),
    };
    let failure = move || match save.value().get() {
        Some(Err(AppError::Validation(_))) | Some(Ok(_)) | None => None,
        Some(Err(e)) => Some(error_message(i18n, &e)),
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            on_done.run(());
        }
    });
    let code = Signal::derive(move || form.with(|f| f.customer.clone()));
    let handlers = handlers_for(code, "delivery");
    let input = move |name: &'static str,
                      label: String,
                      ty: &'static str,
                      get: fn(&DeliveryInput) -> String,
                      set: fn(&mut DeliveryInput, String)| {
        view! {
            <label class="field">
                <span>{label}</span>
                <input name=format!("input[{name}]") type=ty value=form.with_untracked(get) prop:value=move || form.with(get) on:change=move |ev| form.update(|f| set(f, event_target_value(&ev))) />
                <small class="field-error" role="alert">{move || message_for(i18n, &errors(), name)}</small>
            </label>
        }
    };
    view! {
        <form class="ticket-form" method="post" action=OpenDelivery::PATH on:submit=move |ev| { ev.prevent_default(); save.dispatch(OpenDelivery { input: form.get_untracked() }); }>
            <h2>{t!(i18n, tickets.new_delivery)}</h2>
            <div class="form-grid">
                {input("customer", t_string!(i18n, tickets.customer_code).to_string(), "text", |f| f.customer.clone(), |f, v| f.customer = v)}
                {input("order_ref", t_string!(i18n, tickets.order_ref).to_string(), "text", |f| f.order_ref.clone(), |f, v| f.order_ref = v)}
                {input("ordered_at", t_string!(i18n, tickets.ordered_at).to_string(), "datetime-local", |f| f.ordered_at.clone(), |f, v| f.ordered_at = v)}
                {input("promised_at", t_string!(i18n, tickets.promised_at).to_string(), "datetime-local", |f| f.promised_at.clone(), |f, v| f.promised_at = v)}
                <label class="field">
                    <span>{t!(i18n, tickets.driver)}</span>
                    <select name="input[driver]" on:change=move |ev| form.update(|f| f.driver = event_target_value(&ev))>
                        <option value="">{t!(i18n, tickets.nobody)}</option>
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                handlers.await.unwrap_or_default().into_iter().map(|h| view! { <option value=h.id.to_string()>{h.name}</option> }).collect_view()
                            })}
                        </Transition>
                    </select>
                    <small class="field-error" role="alert">{move || message_for(i18n, &errors(), "driver")}</small>
                </label>
            </div>
            {move || failure().map(|m| view! { <div class="banner banner-error" role="alert">{m}</div> })}
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=move || save.pending().get()>{t!(i18n, tickets.open_it)}</button>
                <button type="button" class="button button-ghost" on:click=move |_| on_done.run(())>{t!(i18n, common.cancel)}</button>
            </div>
        </form>
    }
}
