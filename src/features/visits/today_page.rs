//! "Today" (`/today`), the rep's tablet page. It works without network: the page itself
//! is kept by the service worker, its data (the rep's own customers, products) by the
//! device (IndexedDB), and visits, objections and orders recorded here wait in the
//! outbox until the server has them. The indicator says where things stand: offline,
//! N waiting, synced, or refused with the reason; a refused record is kept to be
//! corrected or discarded, never dropped silently.
//!
//! A page the browser navigates to arrives with the day's customers drawn in by the
//! server, so a rep on a slow tablet sees the day before the script has started; the
//! rest is read on the device after the page starts. The service worker keeps the frame
//! only (it fetches its copy itself, and the server draws no customer into that one), so
//! the kept page holds nobody's customers and works for whoever opens it offline. Its
//! forms exist only once the script runs and go to the outbox, never straight to the
//! server; their `action` names the server function that finally stores the record.
use super::api::{CustomerGlance, DrawnToday, ItemKind, OutboxEntry, PlanCustomer};
use super::record_forms::{Form, RecordForm};
use super::today_sync::{SyncStatus, Today};
use crate::app::ChunkError;
use crate::components::Title;
use crate::components::error_view::ChunkFailed;
use crate::components::error_view::{error_message, field_message};
use crate::domain::validation::FieldError;
use crate::domain::visits::Purpose;
use crate::error::AppError;
use crate::features::customers::components::TierBadge;
use crate::i18n::*;
use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Today,
    Week,
    All,
}

#[component]
pub fn TodayPage() -> impl IntoView {
    let i18n = use_i18n();
    let user = crate::components::layout::use_current_user();
    // a driver has no customers to visit
    if user
        .as_ref()
        .is_some_and(|u| !u.role.may(crate::domain::staff::Action::WorkWithCustomers))
    {
        return view! { <crate::components::error_view::ForbiddenPage /> }.into_any();
    }
    let entries = RwSignal::new(Vec::new());
    let today = Today {
        bundle: RwSignal::new(None),
        from_device: RwSignal::new(true),
        entries,
        visited: Today::waiting_visits(entries, user.as_ref().map(|u| u.id.to_string())),
        status: RwSignal::new(SyncStatus::Starting),
        customers_failed: RwSignal::new(false),
        retry: StoredValue::new(None),
    };
    // Today's customers as the server plans them, drawn into the page by the server: the
    // rep sees the day before the script has started, read the device's copy or fetched
    // the bundle. Read before the page is drawn (`server::http::preload_session`); the
    // script takes it from the page, and after an in-app link the device's copy comes
    // at once instead.
    let drawn: Option<DrawnToday> = leptos::server::SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        let drawn = crate::server::visits::preloaded_today();
        #[cfg(not(feature = "ssr"))]
        let drawn = None;
        drawn
    })
    .into_inner();
    let tab = RwSignal::new(Tab::Today);
    // "我的客户"'s search: kept while a card is open, so the rep comes back to the list
    // as they left it
    let search = RwSignal::new(String::new());
    let selected = RwSignal::new(None::<String>);
    let form = RwSignal::new(None::<Form>);
    // a refused record being corrected: its entry, kept to be replaced under its id
    let editing = RwSignal::new(None::<OutboxEntry>);

    #[cfg(feature = "hydrate")]
    today.start(i18n, user.map(|u| u.id));
    // the card's and the forms' chunk, while the network is there
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async {
        // after the page has hydrated, in a task of its own
        crate::offline::pause(0).await;
        // a failure is told when the card is opened
        let _ = __preload_detail().await;
    });

    let customer = Memo::new(move |_| {
        let id = selected.get()?;
        today.bundle.with(|b| find_customer(b.as_ref()?, &id))
    });
    // a bundle with all the user's customers (the device's copy shows its plan before
    // its customers are read)
    let has_customers = Memo::new(move |_| {
        today
            .bundle
            .with(|b| b.as_ref().is_some_and(|b| b.customers.is_some()))
    });
    let open_form = move |f: Form| {
        editing.set(None);
        form.set(Some(f));
    };
    let close = Callback::new(move |()| {
        form.set(None);
        editing.set(None);
    });

    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, visits.today_title).to_string()) />
        <div class="page-head">
            <h1>{t!(i18n, visits.today_title)}</h1>
            <SyncIndicator today=today />
        </div>
        {move || {
            let at = today.bundle.with(|b| b.as_ref().map(|b| b.generated_at.clone()))?;
            today.from_device.get().then(|| {
                let at = bundle_time(&at);
                view! { <p class="muted device-copy">{t!(i18n, visits.device_copy, at = at)}</p> }
            })
        }}
        <super::page::VisitTabs />
        <nav class="tier-tabs today-tabs" aria-label=move || t_string!(i18n, visits.today_title).to_string()>
            <button type="button" class="button" aria-pressed=move || (tab.get() == Tab::Today).to_string() on:click=move |_| { tab.set(Tab::Today); selected.set(None); }>{t!(i18n, visits.tab_today)}</button>
            <button type="button" class="button" aria-pressed=move || (tab.get() == Tab::Week).to_string() on:click=move |_| { tab.set(Tab::Week); selected.set(None); }>{t!(i18n, visits.tab_week)}</button>
            <button type="button" class="button" aria-pressed=move || (tab.get() == Tab::All).to_string() on:click=move |_| { tab.set(Tab::All); selected.set(None); }>{t!(i18n, visits.tab_all)}</button>
        </nav>
        <Outbox today=today on_edit=Callback::new(move |e: OutboxEntry| {
            // the form (in the card's chunk) reads the record whole; a record this
            // version cannot read can only be discarded
            let f = match e.head().map(|h| h.kind) {
                Some(ItemKind::Visit) => Form::Visit(None),
                Some(ItemKind::Objection) => Form::Objection(None),
                Some(ItemKind::Order) => Form::Order(None),
                None => return,
            };
            selected.set(None);
            editing.set(Some(e));
            form.set(Some(f));
        }) />
        // Reads the bundle only through `customer`: a fresh bundle (a sync, the device
        // back online) never draws an open form again, which would lose what the rep is
        // typing in it.
        {move || {
            if let Some(f) = form.get() {
                let edit = editing.get();
                // the form's customer as it opened
                let cust = match &edit {
                    Some(e) => today.bundle.with_untracked(|b| {
                        let id = e.head()?.customer;
                        find_customer(b.as_ref()?, &id)
                    }),
                    None => customer.get_untracked(),
                };
                return match cust {
                    Some(c) => view! {
                        <Suspense fallback=|| view! { <div class="page-loading" aria-busy="true"></div> }>
                            {Suspend::new(detail_or_failure(Detail::Form { today, customer: c, form: f, editing: edit, on_done: close }))}
                        </Suspense>
                    }.into_any(),
                    // not read yet: drawn again when they come (tracked only here: a
                    // form that is open is never drawn again, which would lose what the
                    // rep is typing in it)
                    None if !has_customers.get() => customers_pending(today),
                    None => view! { <p class="banner banner-error" role="alert">{t!(i18n, visits.customer_gone)}</p> }.into_any(),
                };
            }
            match customer.get() {
                Some(c) => {
                    let card = detail_or_failure(Detail::Card {
                        today,
                        customer: c,
                        on_back: Callback::new(move |()| selected.set(None)),
                        on_form: Callback::new(open_form),
                    });
                    view! {
                        <Suspense fallback=|| view! { <div class="page-loading" aria-busy="true"></div> }>
                            {Suspend::new(card)}
                        </Suspense>
                    }.into_any()
                }
                None => view! {
                    <PlanList today=today tab=tab search=search drawn=drawn.clone() on_pick=Callback::new(move |id: String| selected.set(Some(id))) />
                }.into_any(),
            }
        }}
    }
    .into_any()
}

#[component]
fn SyncIndicator(today: Today) -> impl IntoView {
    let i18n = use_i18n();
    let state = move || match today.status.get() {
        SyncStatus::Starting => "starting",
        SyncStatus::Offline => "offline",
        SyncStatus::Syncing => "syncing",
        SyncStatus::Synced if today.counts().1 > 0 => "refused",
        SyncStatus::Synced => "synced",
        SyncStatus::SignedOut => "signed-out",
        SyncStatus::StorageFull | SyncStatus::Failed(_) => "failed",
    };
    let text = move || {
        let (waiting, refused) = today.counts();
        let mut parts = vec![match today.status.get() {
            SyncStatus::Starting => t_string!(i18n, visits.sync_starting).to_string(),
            SyncStatus::Offline => t_string!(i18n, visits.sync_offline).to_string(),
            SyncStatus::Syncing => t_string!(i18n, visits.sync_syncing).to_string(),
            SyncStatus::Synced => t_string!(i18n, visits.sync_synced).to_string(),
            SyncStatus::SignedOut => t_string!(i18n, visits.sync_signed_out).to_string(),
            SyncStatus::StorageFull => t_string!(i18n, visits.sync_full).to_string(),
            SyncStatus::Failed(m) => t_string!(i18n, visits.sync_failed, reason = m).to_string(),
        }];
        if waiting > 0 {
            parts.push(t_string!(i18n, visits.sync_waiting, n = waiting).to_string());
        }
        if refused > 0 {
            parts.push(t_string!(i18n, visits.sync_refused, n = refused).to_string());
        }
        parts.join(" · ")
    };
    view! {
        <p class="sync-indicator" data-state=state role="status" aria-live="polite">
            <span class="sync-dot" aria-hidden="true"></span>
            {text}
        </p>
    }
}

#[component]
fn Outbox(today: Today, on_edit: Callback<OutboxEntry>) -> impl IntoView {
    let i18n = use_i18n();
    let mine = move || {
        let me = today
            .bundle
            .with(|b| b.as_ref().map(|b| b.user_id.to_string()));
        today
            .entries
            .get()
            .into_iter()
            .filter(|e| Some(&e.user_id) == me.as_ref())
            .collect::<Vec<_>>()
    };
    let kind_label = move |kind: Option<ItemKind>| match kind {
        Some(ItemKind::Visit) => t_string!(i18n, visits.kind_visit).to_string(),
        Some(ItemKind::Objection) => t_string!(i18n, visits.kind_objection).to_string(),
        Some(ItemKind::Order) => t_string!(i18n, visits.kind_order).to_string(),
        None => "?".to_owned(),
    };
    view! {
        <Show when=move || !mine().is_empty()>
            <section class="outbox" aria-labelledby="outbox-title">
                <h2 id="outbox-title">{t!(i18n, visits.outbox_title)}</h2>
                <ul class="outbox-list">
                    <For each=mine key=|e| (e.id.clone(), e.refused.is_some()) let:e>
                        {
                            // the record's kind, read once from its head; a record this
                            // version cannot read has none, and can only be discarded
                            let kind = e.head().map(|h| h.kind);
                            let label = format!("{} · {} · {}", kind_label(kind), e.customer_name, e.made_at.replace('T', " "));
                            let refused = e.refused.as_ref().map(|r| r.read().unwrap_or(AppError::Internal));
                            let fields: Vec<FieldError> = match &refused {
                                Some(AppError::Validation(f)) => f.clone(),
                                _ => Vec::new(),
                            };
                            let (edit_entry, drop_entry) = (e.clone(), e.clone());
                            let is_refused = refused.is_some();
                            let readable = kind.is_some();
                            view! {
                                <li class="outbox-item" class:outbox-refused=is_refused>
                                    <span>{label}</span>
                                    {match refused {
                                        None => view! { <span class="badge">{t!(i18n, visits.waiting)}</span> }.into_any(),
                                        Some(err) => view! {
                                            <div class="outbox-reason" role="alert">
                                                <strong>{t!(i18n, visits.refused)}</strong>
                                                " " {error_message(i18n, &err)}
                                                {fields.iter().map(|f| view! { <span class="field-error">{format!(" {}：{}", field_label(i18n, &f.field), field_message(i18n, f.code))}</span> }).collect_view()}
                                            </div>
                                            <div class="form-actions">
                                                {readable.then(|| view! { <button type="button" class="button" on:click=move |_| on_edit.run(edit_entry.clone())>{t!(i18n, visits.correct)}</button> })}
                                                <button type="button" class="button button-ghost" on:click=move |_| {
                                                    let confirmed = web_confirm(t_string!(i18n, visits.discard_confirm));
                                                    if confirmed {
                                                        #[cfg(feature = "hydrate")]
                                                        {
                                                            let e = drop_entry.clone();
                                                            leptos::task::spawn_local(async move {
                                                                let _ = crate::offline::outbox::discard(&e).await;
                                                                today.reload_entries().await;
                                                            });
                                                        }
                                                        #[cfg(not(feature = "hydrate"))]
                                                        let _ = &drop_entry;
                                                    }
                                                }>{t!(i18n, visits.discard)}</button>
                                            </div>
                                        }.into_any(),
                                    }}
                                </li>
                            }
                        }
                    </For>
                </ul>
            </section>
        </Show>
    }
}

/// When the bundle was made (UTC, RFC 3339) as the tablet shows it: `11-27 09:30`, Beijing
/// time; nothing when unreadable.
fn bundle_time(generated_at: &str) -> String {
    crate::domain::time::parse_utc(generated_at)
        .map(|t| crate::domain::time::month_day_minute_text(crate::domain::time::to_beijing(t)))
        .unwrap_or_default()
}

/// The form's name for a refused field of an offline record.
fn field_label(i18n: leptos_i18n::I18nContext<Locale>, field: &str) -> String {
    match field.split('.').next().unwrap_or(field) {
        "checked_in_at" => t_string!(i18n, visits.check_in_time).to_string(),
        "purpose" => t_string!(i18n, visits.purpose).to_string(),
        "notes" => t_string!(i18n, visits.notes).to_string(),
        "competitors" => t_string!(i18n, visits.competitors).to_string(),
        "prices" => t_string!(i18n, visits.shelf_prices).to_string(),
        "next_step" => t_string!(i18n, visits.next_step).to_string(),
        "next_step_on" => t_string!(i18n, visits.next_step_on).to_string(),
        "category" => t_string!(i18n, tickets.category).to_string(),
        "description" => t_string!(i18n, tickets.description).to_string(),
        "opened_at" => t_string!(i18n, tickets.opened_at).to_string(),
        "lines" => t_string!(i18n, visits.kind_order).to_string(),
        "customer" | "customer_code" | "customer_id" => {
            t_string!(i18n, visits.customer).to_string()
        }
        other => other.to_string(),
    }
}

/// Asks the user to confirm (the browser's dialog); always yes on the server.
fn web_confirm(text: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.confirm_with_message(text).ok())
            .unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = text;
        true
    }
}

/// What the plan did with the customers a day could not hold: moved to the next days
/// (a full day, a day off) and, if the week is full too, left for later.
fn plan_note(
    i18n: leptos_i18n::I18nContext<Locale>,
    plan: &super::api::TodayPlan,
) -> Option<String> {
    if plan.moved == 0 && plan.unplanned == 0 {
        return None;
    }
    let mut text = if !plan.works_today {
        t_string!(i18n, visits.plan_day_off, moved = plan.moved).to_string()
    } else if plan.moved > 0 {
        t_string!(
            i18n,
            visits.plan_moved,
            moved = plan.moved,
            cap = plan.capacity
        )
        .to_string()
    } else {
        String::new()
    };
    if plan.unplanned > 0 {
        text.push_str(
            &t_string!(
                i18n,
                visits.plan_unplanned,
                n = plan.unplanned,
                cap = plan.capacity
            )
            .to_string(),
        );
    }
    Some(text.trim().to_owned())
}

/// One customer of a plan's list; picking it opens their card.
fn plan_row(
    i18n: leptos_i18n::I18nContext<Locale>,
    today: Today,
    on_pick: Callback<String>,
    c: PlanCustomer,
) -> impl IntoView {
    let id = c.id.to_string();
    let data_id = c.id.to_string();
    let visited = today.visited_here(c.id);
    let status = if visited {
        t_string!(i18n, visits.visited_waiting).to_string()
    } else if c.overdue_days > 0 {
        t_string!(i18n, visits.overdue_days, n = c.overdue_days).to_string()
    } else if c.due.is_empty() {
        t_string!(i18n, visits.not_planned).to_string()
    } else {
        t_string!(i18n, visits.due_on, date = c.due.clone()).to_string()
    };
    let overdue = c.overdue_days > 0 && !visited;
    view! {
        <li class="plan-item" class:plan-overdue=overdue class:plan-visited=visited>
            <button type="button" class="plan-pick" data-id=data_id on:click=move |_| on_pick.run(id.clone())>
                <span class="plan-name"><TierBadge tier=c.tier /> " " <span class="plan-title">{c.name.clone()}</span></span>
                <span class="plan-meta">{c.region.clone()} " · " {c.address.clone()}</span>
                <span class="plan-status">{status}</span>
            </button>
        </li>
    }
}

/// The "today" tab: how many are left, what the plan moved, the day's customers in
/// route order.
fn due_view(
    i18n: leptos_i18n::I18nContext<Locale>,
    today: Today,
    on_pick: Callback<String>,
    plan: &super::api::TodayPlan,
) -> AnyView {
    let due: Vec<PlanCustomer> = plan.due.clone();
    let n = due.iter().filter(|c| !today.visited_here(c.id)).count();
    view! {
        <p class="muted">{t!(i18n, visits.due_count, n = n, date = plan.today.clone())}</p>
        {plan_note(i18n, plan).map(|text| view! {
            <p class="banner banner-info" role="status" data-testid="plan-moved">{text}</p>
        })}
        <ol class="plan-list" aria-label=move || t_string!(i18n, visits.tab_today).to_string()>
            {due.into_iter().map(|c| plan_row(i18n, today, on_pick, c)).collect_view()}
        </ol>
    }
    .into_any()
}

/// The later of the bundle's plan and the one drawn into the page, today's part: the
/// bundle's when both were made at the same time, or when either time cannot be read.
fn later_plan(
    bundle: Option<DrawnToday>,
    drawn: Option<DrawnToday>,
) -> Option<super::api::TodayPlan> {
    use crate::domain::time::parse_utc;
    match (bundle, drawn) {
        // a bundle another user left on the device is never shown for this one
        (Some(b), Some(d)) if b.user_id != d.user_id => Some(d.plan),
        (Some(b), Some(d)) => match (parse_utc(&b.generated_at), parse_utc(&d.generated_at)) {
            (Some(bt), Some(dt)) if dt > bt => Some(d.plan),
            _ => Some(b.plan),
        },
        (b, d) => b.or(d).map(|t| t.plan),
    }
}

/// While there is no plan to show: reading the device, or nothing there.
#[component]
fn NoPlan(today: Today) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        if today.status.get() == SyncStatus::Starting {
            view! { <p class="muted" role="status">{t!(i18n, visits.reading_device)}</p> }
                .into_any()
        } else {
            view! { <p class="banner banner-error" role="alert">{t!(i18n, visits.nothing_on_device)}</p> }.into_any()
        }
    }
}

#[component]
fn PlanList(
    today: Today,
    tab: RwSignal<Tab>,
    search: RwSignal<String>,
    drawn: Option<DrawnToday>,
    on_pick: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let row = move |c: PlanCustomer| plan_row(i18n, today, on_pick, c);
    // The plan drawn into the page until the bundle's is as new; the list is drawn again
    // only when what it shows changes (the bundle read from the device or fetched
    // usually holds the same day).
    let shown = Memo::new(move |_| {
        let from_bundle = today.bundle.with(|b| {
            b.as_ref().map(|b| DrawnToday {
                user_id: b.user_id,
                generated_at: b.generated_at.clone(),
                plan: super::api::TodayPlan {
                    week: Vec::new(),
                    ..b.plan.clone()
                },
            })
        });
        later_plan(from_bundle, drawn.clone())
    });
    // whether the bundle is there, and its customers read: "我的客户" is drawn again
    // only when these change, never by a sync while the rep is typing a search (the list
    // follows the bundle by itself)
    let has_bundle = Memo::new(move |_| today.bundle.with(Option::is_some));
    let customers_read = Memo::new(move |_| {
        today
            .bundle
            .with(|b| b.as_ref().is_some_and(|b| b.customers.is_some()))
    });
    view! {
        {move || match tab.get() {
            // Two blocks, so that a change of the sync status never draws the list again.
            Tab::Today => view! {
                // the drawn list while the device holds no plan after trying: its rows
                // open nothing until a bundle comes, and the banner says why
                {move || (shown.with(Option::is_some)
                    && today.bundle.with(Option::is_none)
                    && today.status.get() != SyncStatus::Starting)
                    .then(|| view! { <NoPlan today=today /> })}
                {move || match shown.get() {
                    Some(plan) => due_view(i18n, today, on_pick, &plan),
                    None => view! { <NoPlan today=today /> }.into_any(),
                }}
            }.into_any(),
            Tab::Week => match today.bundle.with(|b| b.as_ref().map(|b| b.plan.week.clone())) {
                None => view! { <NoPlan today=today /> }.into_any(),
                Some(week) => view! {
                    <div class="plan-week">
                        {week.into_iter().map(|d| view! {
                            <section class="plan-day">
                                <h2>{d.date.clone()}</h2>
                                {if d.customers.is_empty() {
                                    view! { <p class="muted">{t!(i18n, visits.nobody_due)}</p> }.into_any()
                                } else {
                                    view! { <ol class="plan-list">{d.customers.into_iter().map(row).collect_view()}</ol> }.into_any()
                                }}
                            </section>
                        }).collect_view()}
                    </div>
                }.into_any(),
            },
            Tab::All => match (has_bundle.get(), customers_read.get()) {
                (false, _) => view! { <NoPlan today=today /> }.into_any(),
                // sent as columns, not read yet
                (true, false) => customers_pending(today),
                // drawn from the card's chunk, with the search
                (true, true) => view! {
                    <Suspense fallback=|| view! { <div class="page-loading" aria-busy="true"></div> }>
                        {Suspend::new(detail_or_failure(Detail::All { today, search, on_pick }))}
                    </Suspense>
                }.into_any(),
            },
        }}
    }
}

// The customer card and the record forms appear only once a rep picks a customer: their
// code is a wasm chunk of its own (one for both, so they share their code in one file),
// fetched as soon as Today is drawn — a tablet that loses the network right after
// opening the page still has it — and kept by the service worker.

/// What Today draws from its chunk.
#[expect(
    clippy::large_enum_variant,
    reason = "made once per tap and moved once"
)]
enum Detail {
    Card {
        today: Today,
        customer: PlanCustomer,
        on_back: Callback<()>,
        on_form: Callback<Form>,
    },
    Form {
        today: Today,
        customer: PlanCustomer,
        form: Form,
        editing: Option<OutboxEntry>,
        on_done: Callback<()>,
    },
    All {
        today: Today,
        search: RwSignal<String>,
        on_pick: Callback<String>,
    },
}

/// [`CustomerCard`] or [`RecordForm`], from their wasm chunk; an error when it cannot be
/// fetched (no network, and the service worker does not have it yet).
#[cfg_attr(
    feature = "hydrate",
    ::leptos::wasm_split::wasm_split(
        today_detail,
        wasm_split_path = ::leptos::wasm_split,
        preload(#[doc(hidden)] __preload_detail),
        fallible
    )
)]
#[cfg(feature = "hydrate")]
fn detail(d: Detail) -> Result<AnyView, ChunkError> {
    Ok(draw_detail(d))
}

#[cfg(not(feature = "hydrate"))]
async fn detail(d: Detail) -> Result<AnyView, ChunkError> {
    Ok(draw_detail(d))
}

/// A bundle's customers sent as columns, read in the card's chunk, where their decoder
/// is: the main module carries only the rows' (the plan's lists, a bundle stored by the
/// version before), and the first load stays within its budget.
#[cfg_attr(
    feature = "hydrate",
    ::leptos::wasm_split::wasm_split(
        today_detail,
        wasm_split_path = ::leptos::wasm_split,
        fallible
    )
)]
#[cfg(feature = "hydrate")]
pub(super) fn read_columns(
    columns: crate::wire::Deferred<super::api::CustomerColumns>,
) -> Result<Result<Vec<PlanCustomer>, AppError>, ChunkError> {
    Ok(columns.read_answer().map(|c| c.0))
}

/// `b` with its customers read, when it has them as columns. An error when they do not
/// read (a damaged copy); `b` as it is when the chunk cannot be fetched.
#[cfg(feature = "hydrate")]
pub(super) async fn with_customers(
    mut b: super::api::OfflineBundle,
) -> Result<super::api::OfflineBundle, AppError> {
    if b.customers.is_none()
        && let Ok(read) = read_columns(b.columns.clone()).await
    {
        b.customers = Some(read?);
        b.columns = Default::default();
    }
    Ok(b)
}

/// The bundle's customer `id` (or code): among all the user's customers, or, while those
/// are not read yet (the device's copy was just read, or their chunk could not be
/// fetched), among the plan's.
fn find_customer(b: &super::api::OfflineBundle, id: &str) -> Option<PlanCustomer> {
    let plan = &b.plan;
    b.customers
        .iter()
        .flatten()
        .chain(&plan.due)
        .chain(plan.week.iter().flat_map(|d| &d.customers))
        .find(|c| c.id.to_string() == id || c.code == id)
        .cloned()
}

/// While the bundle's customers are not read yet: loading, or, when their chunk could not
/// be fetched, what to say.
fn customers_pending(today: Today) -> AnyView {
    if today.customers_failed.get() {
        ChunkFailed().into_any()
    } else {
        view! { <div class="page-loading" aria-busy="true"></div> }.into_any()
    }
}

/// `detail`, or what to say when its code could not be fetched.
async fn detail_or_failure(d: Detail) -> AnyView {
    detail(d).await.unwrap_or_else(|_| ChunkFailed().into_any())
}

fn draw_detail(d: Detail) -> AnyView {
    match d {
        Detail::Card {
            today,
            customer,
            on_back,
            on_form,
        } => view! { <CustomerCard today customer on_back on_form /> }.into_any(),
        Detail::Form {
            today,
            customer,
            form,
            editing,
            on_done,
        } => view! { <RecordForm today customer form editing on_done /> }.into_any(),
        Detail::All {
            today,
            search,
            on_pick,
        } => view! { <AllCustomers today search on_pick /> }.into_any(),
    }
}

/// How many customers "我的客户" draws at first, and how many more each tap on "more".
const ALL_PAGE: usize = 50;

/// A bundle's time and its number of customers.
type TextsKey = (String, usize);

thread_local! {
    /// "我的客户"'s search texts, made once per bundle (by its time and size) rather than
    /// each time the list is drawn (after every card).
    static SEARCH_TEXTS: std::cell::RefCell<Option<(TextsKey, std::rc::Rc<Vec<String>>)>> =
        const { std::cell::RefCell::new(None) };
    /// How many of the customers found are drawn: kept while a card is open, so the rep
    /// comes back to where they were.
    static ALL_SHOWN: std::cell::Cell<usize> = const { std::cell::Cell::new(ALL_PAGE) };
}

/// Each of the bundle's customers' [`PlanCustomer::search_text`], in order; none before
/// they are read.
fn search_texts(b: &super::api::OfflineBundle) -> std::rc::Rc<Vec<String>> {
    let Some(all) = &b.customers else {
        return Default::default();
    };
    let key = (b.generated_at.clone(), all.len());
    SEARCH_TEXTS.with_borrow_mut(|kept| match kept {
        Some((k, texts)) if *k == key => texts.clone(),
        _ => {
            let texts = std::rc::Rc::new(all.iter().map(PlanCustomer::search_text).collect());
            *kept = Some((key, std::rc::Rc::clone(&texts)));
            texts
        }
    })
}

/// "我的客户": every customer of the rep, in route order, found as the office list finds
/// them (each word typed in the code, name, contact, phone, address, region or the name's
/// pinyin initials), and drawn [`ALL_PAGE`] at a time: a rep has thousands, and drawing
/// them all would hold a tablet for seconds. In the card's chunk, with the columns'
/// decoder, so the search costs the first load nothing.
#[component]
fn AllCustomers(
    today: Today,
    search: RwSignal<String>,
    on_pick: Callback<String>,
) -> impl IntoView {
    use crate::domain::customer::{holds_words, search_words};
    let i18n = use_i18n();
    let query = search;
    let limit = RwSignal::new(ALL_SHOWN.get());
    // while a word is being composed (pinyin typed into an input method), the search
    // waits for the characters it becomes
    let composing = StoredValue::new(false);
    let typed = move |ev: leptos::ev::Event| {
        query.set(event_target_value(&ev));
        limit.set(ALL_PAGE);
        ALL_SHOWN.set(ALL_PAGE);
    };
    // the positions of the customers found, in the list's order, and how many there are
    let found = Memo::new(move |_| {
        let words = search_words(&query.get());
        let texts = today
            .bundle
            .with(|b| b.as_ref().map(search_texts))
            .unwrap_or_default();
        let found: Vec<usize> = texts
            .iter()
            .enumerate()
            .filter(|(_, t)| holds_words(t, &words))
            .map(|(i, _)| i)
            .collect();
        (found, texts.len())
    });
    let rows = move || {
        let shown = limit.get();
        let customers: Vec<PlanCustomer> = found.with(|(found, _)| {
            today.bundle.with(|b| {
                let all = b
                    .as_ref()
                    .and_then(|b| b.customers.as_deref())
                    .unwrap_or_default();
                found
                    .iter()
                    .take(shown)
                    .filter_map(|&i| all.get(i).cloned())
                    .collect()
            })
        });
        customers
            .into_iter()
            .map(|c| plan_row(i18n, today, on_pick, c))
            .collect_view()
    };
    let searched = move || query.with(|q| !search_words(q).is_empty());
    let count = move || {
        let (n, total) = found.with(|(f, total)| (f.len(), *total));
        if !searched() {
            t_string!(i18n, customers.count, count = total).to_string()
        } else {
            t_string!(i18n, visits.found_count, n = n, total = total).to_string()
        }
    };
    let left = move || found.with(|(f, _)| f.len()).saturating_sub(limit.get());
    view! {
        <div class="cust-search today-search" role="search">
            <label class="visually-hidden" for="today-q">{t!(i18n, customers.search)}</label>
            <input id="today-q" type="search" enterkeyhint="search" autocomplete="off"
                placeholder=move || t_string!(i18n, customers.search_placeholder).to_string()
                value=query.get_untracked()
                on:compositionstart=move |_| composing.set_value(true)
                on:compositionend=move |ev| {
                    composing.set_value(false);
                    typed(ev.into());
                }
                on:input=move |ev| if !composing.get_value() { typed(ev) } />
        </div>
        <p class="muted" role="status" data-testid="all-count">{count}</p>
        {move || (searched() && found.with(|(f, _)| f.is_empty())).then(|| view! { <p class="muted">{t!(i18n, customers.empty)}</p> })}
        <ol class="plan-list" aria-label=move || t_string!(i18n, visits.tab_all).to_string()>{rows}</ol>
        {move || (left() > 0).then(|| view! {
            <button type="button" class="button all-more" on:click=move |_| {
                limit.update(|n| *n += ALL_PAGE);
                ALL_SHOWN.set(limit.get_untracked());
            }>
                {move || t_string!(i18n, visits.show_more, n = left().min(ALL_PAGE), left = left()).to_string()}
            </button>
        })}
    }
}

thread_local! {
    /// The bundle's 360° list, read once per bundle (by its time) rather than per card.
    static GLANCES: std::cell::RefCell<Option<(String, std::rc::Rc<Vec<CustomerGlance>>)>> =
        const { std::cell::RefCell::new(None) };
}

/// A customer's 360° from the bundle, read here in the card's chunk (`wire::Deferred`);
/// none when the bundle has none for them or its list cannot be read.
fn glance_of(
    b: &super::api::OfflineBundle,
    id: crate::domain::ids::CustomerId,
) -> Option<CustomerGlance> {
    let all = GLANCES.with_borrow_mut(|kept| match kept {
        Some((at, all)) if *at == b.generated_at => Some(all.clone()),
        _ => {
            let all = std::rc::Rc::new(b.glances.get().ok()?);
            *kept = Some((b.generated_at.clone(), all.clone()));
            Some(all)
        }
    })?;
    all.iter().find(|g| g.id == id).cloned()
}

#[component]
fn CustomerCard(
    today: Today,
    customer: PlanCustomer,
    on_back: Callback<()>,
    on_form: Callback<Form>,
) -> impl IntoView {
    let i18n = use_i18n();
    let c = customer;
    let tel = format!("tel:{}", c.phone);
    view! {
        <article class="today-card">
            <button type="button" class="button button-ghost" on:click=move |_| on_back.run(())>{t!(i18n, visits.back)}</button>
            <h2><TierBadge tier=c.tier /> " " {c.name.clone()} <small class="muted">" " {c.code.clone()}</small></h2>
            <dl class="today-facts">
                <dt>{t!(i18n, visits.region)}</dt><dd>{c.region.clone()} " " {c.address.clone()}</dd>
                <dt>{t!(i18n, visits.contact)}</dt><dd>{c.contact.clone()} " " <a href=tel>{c.phone.clone()}</a></dd>
                <dt>{t!(i18n, visits.last_visit)}</dt><dd>{c.last_visit.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>{t!(i18n, visits.frequency)}</dt><dd>{t!(i18n, visits.per_month, n = c.visits_per_month)}</dd>
                <Show when={let h = c.hobbies.clone(); move || !h.is_empty()}>
                    <dt>{t!(i18n, visits.hobbies)}</dt><dd>{c.hobbies.clone()}</dd>
                </Show>
            </dl>
            {today.bundle.with(|b| b.as_ref().and_then(|b| {
                glance_of(b, c.id).map(|g| view! {
                    <Glance glance=g months=b.trend_months.clone() at=b.generated_at.clone() />
                })
            }))}
                        {today.visited_here(c.id).then(|| view! { <p class="badge">{t!(i18n, visits.visited_waiting)}</p> })}
            <div class="today-actions">
                <button type="button" class="button button-primary" on:click=move |_| on_form.run(Form::Visit(None))>{t!(i18n, visits.check_in)}</button>
                <button type="button" class="button" on:click=move |_| on_form.run(Form::Objection(None))>{t!(i18n, visits.raise_objection)}</button>
                <button type="button" class="button" on:click=move |_| on_form.run(Form::Order(None))>{t!(i18n, visits.take_order)}</button>
            </div>
        </article>
    }
}

/// The customer's 360°, read-only, as known at the last sync: credit status, what they
/// owe, sales per month, orders not yet delivered ("待确认" while the office has not
/// confirmed), open tickets.
#[component]
fn Glance(glance: CustomerGlance, months: Vec<String>, at: String) -> impl IntoView {
    use crate::domain::money::Money;
    use crate::features::customers::api::{MonthSales, SalesTrend};
    use crate::features::orders::components::StatusBadge;
    let i18n = use_i18n();
    let g = glance;
    let synced = bundle_time(&at);
    let check = g.credit;
    let status = if check.overdue.0 > 0 {
        Some(
            t_string!(
                i18n,
                visits.credit_overdue,
                amount = check.overdue.to_display_string()
            )
            .to_string(),
        )
    } else if check.over_limit() {
        Some(
            t_string!(
                i18n,
                visits.credit_over,
                amount = check.exposure().to_display_string(),
                limit = check.limit.unwrap_or_default().to_display_string()
            )
            .to_string(),
        )
    } else if check.limit == Some(Money(0)) && check.headroom() == Some(Money(0)) {
        // any order goes past a limit of 0 unless money paid in advance covers it
        Some(t_string!(i18n, visits.credit_cash_only).to_string())
    } else if check.headroom() == Some(Money(0)) {
        Some(
            t_string!(
                i18n,
                visits.credit_used_up,
                limit = check.limit.unwrap_or_default().to_display_string()
            )
            .to_string(),
        )
    } else {
        None
    };
    let blocked = status.is_some();
    let status = status.unwrap_or_else(|| match check.headroom() {
        Some(h) => {
            t_string!(i18n, visits.credit_headroom, amount = h.to_display_string()).to_string()
        }
        None => t_string!(i18n, visits.credit_no_limit).to_string(),
    });
    let owed = g.aging.total();
    let late = Money(g.aging.days_31_60.0 + g.aging.days_61_90.0 + g.aging.over_90.0);
    let trend = (!g.trend.is_empty()).then(|| SalesTrend {
        total: Money(g.trend.iter().sum()),
        previous: Money(0),
        months: months
            .into_iter()
            .zip(g.trend.iter())
            .map(|(month, a)| MonthSales {
                month,
                amount: Money(*a),
            })
            .collect(),
    });
    view! {
        <section class="today-glance" aria-labelledby="glance-h" data-testid="glance">
            <h3 id="glance-h">{t!(i18n, visits.glance)} " " <small class="muted">{t!(i18n, visits.glance_as_of, at = synced)}</small></h3>
            <p class="glance-credit" class:text-danger=blocked data-testid="glance-credit">{status}</p>
            <p>
                {t!(i18n, visits.glance_owed, amount = owed.to_display_string())}
                {(late.0 > 0).then(|| view! { " · " <strong class="text-danger">{t!(i18n, visits.glance_late, amount = late.to_display_string())}</strong> })}
                {(check.credit.0 > 0).then(|| view! { " · " {t!(i18n, visits.glance_prepaid, amount = check.credit.to_display_string())} })}
            </p>
            {trend.map(|t| view! { <crate::features::customers::overview::TrendChart trend=t compare=false /> })}
            {(!g.open_orders.is_empty()).then(|| view! {
                <ul class="glance-orders">
                    {g.open_orders.into_iter().map(|o| view! {
                        <li>{o.number} " " <StatusBadge status=o.status /> " ¥" {o.total.to_display_string()} " · " {o.order_date}</li>
                    }).collect_view()}
                </ul>
            })}
            {(g.open_tickets > 0).then(|| view! { <p>{t!(i18n, visits.glance_tickets, n = g.open_tickets)}</p> })}
        </section>
    }
}

pub fn purpose_label(i18n: leptos_i18n::I18nContext<Locale>, p: Purpose) -> String {
    match p {
        Purpose::Routine => t_string!(i18n, visits.purpose_routine),
        Purpose::Order => t_string!(i18n, visits.purpose_order),
        Purpose::Display => t_string!(i18n, visits.purpose_display),
        Purpose::Objection => t_string!(i18n, visits.purpose_objection),
        Purpose::Relationship => t_string!(i18n, visits.purpose_relationship),
        Purpose::Collection => t_string!(i18n, visits.purpose_collection),
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::visits::api::TodayPlan;

    fn drawn(at: &str, day: &str) -> DrawnToday {
        DrawnToday {
            user_id: crate::domain::ids::EmployeeId(uuid::Uuid::from_u128(7)),
            generated_at: at.to_owned(),
            plan: TodayPlan {
                today: day.to_owned(),
                due: Vec::new(),
                week: Vec::new(),
                capacity: 20,
                moved: 0,
                unplanned: 0,
                done_today: 0,
                works_today: true,
            },
        }
    }

    fn day(plan: Option<TodayPlan>) -> Option<String> {
        plan.map(|p| p.today)
    }

    #[test]
    fn the_page_shows_the_later_of_the_bundles_plan_and_the_one_drawn_in() {
        // a bundle kept on the device yesterday, the page drawn now: the page's
        let kept = drawn("2026-12-05T01:00:00+00:00", "2026-12-05");
        let page = drawn("2026-12-06T01:00:00.25+00:00", "2026-12-06");
        assert_eq!(
            day(later_plan(Some(kept.clone()), Some(page.clone()))),
            Some("2026-12-06".into())
        );
        // a bundle fetched after the page was drawn, or a page kept by the service worker
        // older than the device's bundle: the bundle's
        let fetched = drawn("2026-12-06T01:00:01+00:00", "2026-12-06b");
        assert_eq!(
            day(later_plan(Some(fetched), Some(page.clone()))),
            Some("2026-12-06b".into())
        );
        // made at the same time, or a time that cannot be read: the bundle's
        let same = drawn("2026-12-06T01:00:00.25+00:00", "same");
        assert_eq!(
            day(later_plan(Some(same), Some(page.clone()))),
            Some("same".into())
        );
        let unreadable = drawn("yesterday", "unreadable");
        assert_eq!(
            day(later_plan(Some(unreadable), Some(page.clone()))),
            Some("unreadable".into())
        );
        // only one of them, or neither
        assert_eq!(
            day(later_plan(None, Some(page.clone()))),
            Some("2026-12-06".into())
        );
        assert_eq!(day(later_plan(Some(kept), None)), Some("2026-12-05".into()));
        // a newer bundle of another user, left on the device: the page's
        let mut someone_elses = drawn("2026-12-06T02:00:00+00:00", "theirs");
        someone_elses.user_id = crate::domain::ids::EmployeeId(uuid::Uuid::from_u128(8));
        assert_eq!(
            day(later_plan(Some(someone_elses), Some(page))),
            Some("2026-12-06".into())
        );
        assert_eq!(day(later_plan(None, None)), None);
    }
}
