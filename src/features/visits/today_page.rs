//! "Today" (`/today`), the rep's tablet page. It works without network: the page itself
//! is kept by the service worker, its data (the rep's own customers, products) by the
//! device (IndexedDB), and visits, objections and orders recorded here wait in the
//! outbox until the server has them. The indicator says where things stand: offline,
//! N waiting, synced, or refused with the reason; a refused record is kept to be
//! corrected or discarded, never dropped silently.
//!
//! The server renders only the frame; everything else is read on the device after the
//! page starts, so the same page works from the service worker's copy. Its forms exist
//! only once the script runs and go to the outbox, never straight to the server; their
//! `action` names the server function that finally stores the record.
use super::api::{OfflineBundle, OutboxEntry, OutboxItem, PhotoRef, PlanCustomer, RecordVisit};
use crate::components::error_view::{error_message, field_message, message_for};
use crate::domain::tickets::{NewObjection, ObjectionCategory, ObjectionInput};
use crate::domain::validation::FieldError;
#[cfg(feature = "hydrate")]
use crate::domain::visits::LocationInput;
use crate::domain::visits::{NewVisit, PriceInput, Purpose, VisitInput};
use crate::error::AppError;
use crate::features::customers::components::TierBadge;
use crate::features::sales::api::CreateOrder;
use crate::features::sales::api::{OrderInput, OrderLineInput, line_input};
use crate::features::tickets::api::OpenObjection;
use crate::features::tickets::components::category_label;
use crate::i18n::*;
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_meta::Title;

/// Where the device and the server stand.
#[derive(Debug, Clone, PartialEq)]
pub enum SyncStatus {
    /// Reading the device.
    Starting,
    Offline,
    Syncing,
    Synced,
    /// The session ended: records stay on the device until the rep signs in again.
    SignedOut,
    /// The device's storage is full: the record was not kept (the form still holds it).
    StorageFull,
    Failed(String),
}

/// Largest photo kept on the device, and photos per visit.
pub const PHOTO_MAX_BYTES: usize = 5 * 1024 * 1024;
pub const PHOTOS_PER_VISIT: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Today,
    Week,
    All,
}

#[derive(Debug, Clone, PartialEq)]
enum Form {
    Visit(Option<VisitInput>),
    Objection(Option<ObjectionInput>),
    Order(Option<OrderInput>),
}

/// The Beijing minute now, from the device's clock.
fn now_beijing() -> chrono::NaiveDateTime {
    #[cfg(feature = "ssr")]
    let now = chrono::Utc::now();
    #[cfg(not(feature = "ssr"))]
    #[expect(
        clippy::cast_possible_truncation,
        reason = "milliseconds since 1970 fit in i64"
    )]
    let now =
        chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default();
    crate::domain::time::to_beijing(now)
}

fn minute_text(at: chrono::NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M").to_string()
}

#[derive(Clone, Copy)]
struct Today {
    bundle: RwSignal<Option<OfflineBundle>>,
    from_device: RwSignal<bool>,
    entries: RwSignal<Vec<OutboxEntry>>,
    status: RwSignal<SyncStatus>,
}

impl Today {
    fn user_id(self) -> Option<String> {
        self.bundle
            .with_untracked(|b| b.as_ref().map(|b| b.user_id.clone()))
    }

    /// Records of the signed-in user: `(waiting, refused)`.
    fn counts(self) -> (usize, usize) {
        let me = self.bundle.with(|b| b.as_ref().map(|b| b.user_id.clone()));
        self.entries.with(|es| {
            es.iter()
                .filter(|e| Some(&e.user_id) == me.as_ref())
                .fold((0, 0), |(w, r), e| {
                    if e.refused.is_some() {
                        (w, r + 1)
                    } else {
                        (w + 1, r)
                    }
                })
        })
    }

    /// Customers with a visit waiting in the outbox count as visited today (a refused
    /// one does not: it may never be stored).
    fn visited_here(self, customer: &str) -> bool {
        self.entries.with(|es| {
            es.iter().any(|e| {
                e.refused.is_none()
                    && matches!(&e.item, OutboxItem::Visit(v) if v.customer_id == customer)
            })
        })
    }

    #[cfg(feature = "hydrate")]
    async fn reload_entries(self) {
        if let Ok(es) = crate::offline::outbox::entries().await {
            self.entries.set(es);
        }
    }

    /// Fetches a fresh bundle (the server's view of the plan) and keeps it on the device.
    #[cfg(feature = "hydrate")]
    async fn refresh(self, i18n: leptos_i18n::I18nContext<Locale>) -> bool {
        match super::api::get_offline_bundle().await {
            Ok(b) => {
                if crate::offline::outbox::save_bundle(&b).await.is_err() {
                    self.status.set(SyncStatus::StorageFull);
                }
                self.bundle.set(Some(b));
                self.from_device.set(false);
                true
            }
            Err(AppError::Unauthorized) => {
                self.status.set(SyncStatus::SignedOut);
                false
            }
            Err(AppError::ServerFn(leptos::server_fn::error::ServerFnErrorErr::Request(_))) => {
                self.status.set(SyncStatus::Offline);
                false
            }
            Err(e) => {
                self.status.set(SyncStatus::Failed(error_message(i18n, &e)));
                false
            }
        }
    }

    #[cfg(feature = "hydrate")]
    async fn sync(self, i18n: leptos_i18n::I18nContext<Locale>) {
        use crate::offline::outbox;
        let Some(user) = self.user_id() else {
            return;
        };
        if self.from_device.get_untracked() && !self.refresh(i18n).await {
            return;
        }
        self.status.set(SyncStatus::Syncing);
        let report = outbox::sync(&user).await;
        if report.busy {
            // another run is under way; it sets the status when it ends
            return;
        }
        self.reload_entries().await;
        match report.failed {
            Some(AppError::Unauthorized) => self.status.set(SyncStatus::SignedOut),
            Some(AppError::ServerFn(leptos::server_fn::error::ServerFnErrorErr::Request(_))) => {
                self.status.set(SyncStatus::Offline);
            }
            Some(e) => self.status.set(SyncStatus::Failed(error_message(i18n, &e))),
            None if report.photos_waiting > 0 => {
                self.status.set(SyncStatus::Offline);
            }
            None if report.try_later > 0 => {
                let count = report.try_later;
                self.status.set(SyncStatus::Failed(
                    td_string!(i18n.get_locale_untracked(), visits.try_later, count = count)
                        .to_string(),
                ));
            }
            None => {
                if report.sent > 0 {
                    self.refresh(i18n).await;
                }
                self.status.set(SyncStatus::Synced);
            }
        }
    }

    /// Syncs when the device says it is back online. The first requests often still meet
    /// the network down (the radio reconnects after the event): while they do, try again
    /// after 2, 4, 8 and 16 seconds rather than leave the records to the half-minute round.
    #[cfg(feature = "hydrate")]
    fn sync_after_reconnect(self, i18n: leptos_i18n::I18nContext<Locale>, attempt: u32) {
        const RETRIES: u32 = 4;
        leptos::task::spawn_local(async move {
            self.sync(i18n).await;
            if attempt < RETRIES && self.status.get_untracked() == SyncStatus::Offline {
                set_timeout(
                    move || self.sync_after_reconnect(i18n, attempt + 1),
                    std::time::Duration::from_secs(2u64 << attempt),
                );
            }
        });
    }

    /// Puts a record in the outbox (or replaces a refused one) and tries to send it.
    #[allow(unused_variables, reason = "the browser build uses every argument")]
    fn queue(
        self,
        i18n: leptos_i18n::I18nContext<Locale>,
        entry: OutboxEntry,
        photos: Vec<(PhotoRef, Vec<u8>)>,
        replace: bool,
        done: Callback<()>,
    ) {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            use crate::offline::outbox;
            let kept = if replace {
                outbox::replace(&entry).await
            } else {
                outbox::add(&entry, &photos).await
            };
            match kept {
                Ok(()) => {
                    self.reload_entries().await;
                    done.run(());
                    self.sync(i18n).await;
                }
                Err(crate::offline::store::StoreError::Full) => {
                    self.status.set(SyncStatus::StorageFull);
                }
                Err(e) => {
                    leptos::logging::warn!("outbox: {e:?}");
                    self.status.set(SyncStatus::Failed(
                        t_string!(i18n, visits.device_failed).to_string(),
                    ));
                }
            }
        });
    }
}

#[component]
pub fn TodayPage() -> impl IntoView {
    let i18n = use_i18n();
    // a driver has no customers to visit
    if crate::components::layout::use_current_user()
        .is_some_and(|u| !u.role.may(crate::domain::staff::Action::WorkWithCustomers))
    {
        return view! { <crate::components::error_view::ForbiddenPage /> }.into_any();
    }
    let today = Today {
        bundle: RwSignal::new(None),
        from_device: RwSignal::new(true),
        entries: RwSignal::new(Vec::new()),
        status: RwSignal::new(SyncStatus::Starting),
    };
    let tab = RwSignal::new(Tab::Today);
    let selected = RwSignal::new(None::<String>);
    let form = RwSignal::new(None::<Form>);
    // a refused record being corrected: its entry, kept to be replaced under its id
    let editing = RwSignal::new(None::<OutboxEntry>);

    #[cfg(feature = "hydrate")]
    {
        Effect::new(move |_| {
            crate::offline::keep_page("/today");
            leptos::task::spawn_local(async move {
                use crate::offline::outbox;
                if let Some(b) = outbox::load_bundle().await {
                    today.bundle.set(Some(b));
                }
                today.reload_entries().await;
                if today.refresh(i18n).await {
                    today.sync(i18n).await;
                }
            });
        });
        let online = window_event_listener(leptos::ev::online, move |_| {
            today.sync_after_reconnect(i18n, 0);
        });
        let offline = window_event_listener(leptos::ev::offline, move |_| {
            today.status.set(SyncStatus::Offline);
        });
        // while records wait, try again every half minute
        let timer = set_interval_with_handle(
            move || {
                if today.counts().0 > 0 && today.status.get_untracked() != SyncStatus::Syncing {
                    leptos::task::spawn_local(today.sync(i18n));
                }
            },
            std::time::Duration::from_secs(30),
        )
        .ok();
        on_cleanup(move || {
            online.remove();
            offline.remove();
            if let Some(t) = timer {
                t.clear();
            }
        });
    }

    let customer = Memo::new(move |_| {
        let id = selected.get()?;
        today
            .bundle
            .with(|b| b.as_ref()?.customers.iter().find(|c| c.id == id).cloned())
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
                let at = chrono::DateTime::parse_from_rfc3339(&at)
                    .map(|t| crate::domain::time::to_beijing(t.to_utc()).format("%m-%d %H:%M").to_string())
                    .unwrap_or_default();
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
            selected.set(None);
            let f = match &e.item {
                OutboxItem::Visit(v) => Form::Visit(Some(v.clone())),
                OutboxItem::Objection(o) => Form::Objection(Some(o.clone())),
                OutboxItem::Order(o) => Form::Order(Some(o.clone())),
            };
            editing.set(Some(e));
            form.set(Some(f));
        }) />
        {move || {
            let b = today.bundle.get();
            match b {
                None if today.status.get() == SyncStatus::Starting => view! { <p class="muted" role="status">{t!(i18n, visits.reading_device)}</p> }.into_any(),
                None => view! { <p class="banner banner-error" role="alert">{t!(i18n, visits.nothing_on_device)}</p> }.into_any(),
                Some(_) if form.get().is_some() => {
                    let edit = editing.get();
                    let cust = match &edit {
                        Some(e) => today.bundle.with(|b| {
                            let id = match &e.item {
                                OutboxItem::Visit(v) => v.customer_id.clone(),
                                OutboxItem::Objection(o) => o.customer.clone(),
                                OutboxItem::Order(o) => o.customer_code.clone(),
                            };
                            b.as_ref().and_then(|b| b.customers.iter().find(|c| c.id == id || c.code == id).cloned())
                        }),
                        None => customer.get(),
                    };
                    match (cust, form.get()) {
                        (Some(c), Some(f)) => view! { <RecordForm today=today customer=c form=f editing=edit on_done=close /> }.into_any(),
                        _ => view! { <p class="banner banner-error" role="alert">{t!(i18n, visits.customer_gone)}</p> }.into_any(),
                    }
                }
                Some(_) => match customer.get() {
                    Some(c) => view! { <CustomerCard today=today customer=c on_back=Callback::new(move |()| selected.set(None)) on_form=Callback::new(open_form) /> }.into_any(),
                    None => view! { <PlanList today=today tab=tab on_pick=Callback::new(move |id: String| selected.set(Some(id))) /> }.into_any(),
                },
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
        let me = today.bundle.with(|b| b.as_ref().map(|b| b.user_id.clone()));
        today
            .entries
            .get()
            .into_iter()
            .filter(|e| Some(&e.user_id) == me.as_ref())
            .collect::<Vec<_>>()
    };
    let kind_label = move |item: &OutboxItem| match item {
        OutboxItem::Visit(_) => t_string!(i18n, visits.kind_visit).to_string(),
        OutboxItem::Objection(_) => t_string!(i18n, visits.kind_objection).to_string(),
        OutboxItem::Order(_) => t_string!(i18n, visits.kind_order).to_string(),
    };
    view! {
        <Show when=move || !mine().is_empty()>
            <section class="outbox" aria-labelledby="outbox-title">
                <h2 id="outbox-title">{t!(i18n, visits.outbox_title)}</h2>
                <ul class="outbox-list">
                    <For each=mine key=|e| (e.id.clone(), e.refused.is_some()) let:e>
                        {
                            let label = format!("{} · {} · {}", kind_label(&e.item), e.customer_name, e.made_at.replace('T', " "));
                            let refused = e.refused.clone();
                            let fields: Vec<FieldError> = match &refused {
                                Some(AppError::Validation(f)) => f.clone(),
                                _ => Vec::new(),
                            };
                            let (edit_entry, drop_entry) = (e.clone(), e.clone());
                            let is_refused = refused.is_some();
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
                                                <button type="button" class="button" on:click=move |_| on_edit.run(edit_entry.clone())>{t!(i18n, visits.correct)}</button>
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

#[component]
fn PlanList(today: Today, tab: RwSignal<Tab>, on_pick: Callback<String>) -> impl IntoView {
    let i18n = use_i18n();
    let row = move |c: PlanCustomer| {
        let id = c.id.clone();
        let data_id = c.id.clone();
        let visited = today.visited_here(&c.id);
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
    };
    view! {
        {move || {
            let Some(b) = today.bundle.get() else { return ().into_any() };
            match tab.get() {
                Tab::Today => {
                    let due: Vec<PlanCustomer> = b.plan.due.clone();
                    let n = due.iter().filter(|c| !today.visited_here(&c.id)).count();
                    view! {
                        <p class="muted">{t!(i18n, visits.due_count, n = n, date = b.plan.today.clone())}</p>
                        {plan_note(i18n, &b.plan).map(|text| view! {
                            <p class="banner banner-info" role="status" data-testid="plan-moved">{text}</p>
                        })}
                        <ol class="plan-list" aria-label=move || t_string!(i18n, visits.tab_today).to_string()>{due.into_iter().map(row).collect_view()}</ol>
                    }.into_any()
                }
                Tab::Week => view! {
                    <div class="plan-week">
                        {b.plan.week.clone().into_iter().map(|d| view! {
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
                Tab::All => view! {
                    <ol class="plan-list">{b.customers.clone().into_iter().map(row).collect_view()}</ol>
                }.into_any(),
            }
        }}
    }
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
            {today.visited_here(&c.id).then(|| view! { <p class="badge">{t!(i18n, visits.visited_waiting)}</p> })}
            <div class="today-actions">
                <button type="button" class="button button-primary" on:click=move |_| on_form.run(Form::Visit(None))>{t!(i18n, visits.check_in)}</button>
                <button type="button" class="button" on:click=move |_| on_form.run(Form::Objection(None))>{t!(i18n, visits.raise_objection)}</button>
                <button type="button" class="button" on:click=move |_| on_form.run(Form::Order(None))>{t!(i18n, visits.take_order)}</button>
            </div>
        </article>
    }
}

/// The visit, objection and order forms: checked on the device with the same domain
/// rules the server applies, then queued.
#[component]
fn RecordForm(
    today: Today,
    customer: PlanCustomer,
    form: Form,
    editing: Option<OutboxEntry>,
    on_done: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let note = RwSignal::new(None::<String>);
    let products = today
        .bundle
        .with_untracked(|b| b.as_ref().map(|b| b.products.clone()).unwrap_or_default());
    let checked_in = minute_text(now_beijing());
    let replace = editing.is_some();
    let entry_id = editing.as_ref().map(|e| e.id.clone());
    let old_photos = editing
        .as_ref()
        .map(|e| e.photos.clone())
        .unwrap_or_default();
    let err = move |f: &'static str| move || errors.with(|e| message_for(i18n, e, f));
    let product_options = products
        .iter()
        .map(|p| view! { <option value=p.sku.clone()>{format!("{} {}", p.sku, p.name)}</option> })
        .collect_view();

    let save_entry = move |item: OutboxItem,
                           photos: Vec<(PhotoRef, Vec<u8>)>,
                           name: String,
                           old: Vec<PhotoRef>| {
        let Some(user_id) = today.user_id() else {
            return;
        };
        let id = item.client_id().to_string();
        let mut refs: Vec<PhotoRef> = old;
        refs.extend(photos.iter().map(|(p, _)| p.clone()));
        let entry = OutboxEntry {
            id,
            user_id,
            made_at: minute_text(now_beijing()),
            customer_name: name,
            item,
            photos: refs,
            refused: None,
        };
        today.queue(i18n, entry, photos, replace, on_done);
    };

    match form {
        Form::Visit(initial) => {
            let v = RwSignal::new(initial.unwrap_or_else(|| VisitInput {
                id: entry_id.clone().unwrap_or_else(new_id),
                customer_id: customer.id.clone(),
                checked_in_at: checked_in.clone(),
                purpose: Purpose::Routine.as_str().into(),
                prices: vec![PriceInput::default(); 3],
                ..VisitInput::default()
            }));
            v.update(|v| v.prices.resize(3, PriceInput::default()));
            let photos = RwSignal::new(Vec::<(PhotoRef, Vec<u8>)>::new());
            let locate = RwSignal::new(v.with_untracked(|v| v.location.is_none()) && !replace);
            #[cfg(feature = "hydrate")]
            if locate.get_untracked() {
                request_location(v);
            }
            let name = customer.name.clone();
            let submit = move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                let input = v.get_untracked();
                match NewVisit::parse(&input, now_beijing()) {
                    Ok(_) => {
                        errors.set(Vec::new());
                        save_entry(
                            OutboxItem::Visit(input),
                            photos.get_untracked(),
                            name.clone(),
                            old_photos.clone(),
                        );
                    }
                    Err(e) => {
                        errors.set(e);
                        crate::components::form::focus_first_invalid();
                    }
                }
            };
            let check = move |label: &'static str,
                              get: fn(&VisitInput) -> bool,
                              set: fn(&mut VisitInput, bool)| {
                view! {
                    <label class="check">
                        <input type="checkbox" name=label prop:checked=move || v.with(get) on:change=move |ev| { let on = event_target_checked(&ev); v.update(|x| set(x, on)); } />
                        <span>{move || match label {
                            "vivid_display" => t_string!(i18n, visits.vivid_display).to_string(),
                            "stack_display" => t_string!(i18n, visits.stack_display).to_string(),
                            "indoor_ad" => t_string!(i18n, visits.indoor_ad).to_string(),
                            _ => t_string!(i18n, visits.outdoor_ad).to_string(),
                        }}</span>
                    </label>
                }
            };
            view! {
                <form class="ticket-form today-form" method="post" action=RecordVisit::PATH on:submit=submit novalidate>
                    <h2>{t!(i18n, visits.visit_form, name = customer.name.clone())}</h2>
                    <p class="muted">{t!(i18n, visits.checked_in_at, at = v.with_untracked(|v| v.checked_in_at.replace('T', " ")))}
                        " · " {move || match v.with(|v| v.location) {
                            Some(l) => format!("{:.5}, {:.5} ±{:.0} m", l.lat, l.lon, l.accuracy),
                            None if locate.get() => t_string!(i18n, visits.locating).to_string(),
                            None => t_string!(i18n, visits.no_location).to_string(),
                        }}
                    </p>
                    <div class="form-grid">
                        // correcting a refused visit: the check-in time may be what was
                        // wrong (a tablet whose clock ran ahead)
                        {replace.then(|| view! {
                            <label class="field">
                                <span>{t!(i18n, visits.check_in_time)}</span>
                                <input type="datetime-local" name="checked_in_at" prop:value=move || v.with(|x| x.checked_in_at.clone()) on:input=move |ev| v.update(|x| x.checked_in_at = event_target_value(&ev)) />
                                <small class="field-error" role="alert">{err("checked_in_at")}</small>
                            </label>
                        })}
                        <label class="field">
                            <span>{t!(i18n, visits.purpose)}</span>
                            <select name="purpose" on:change=move |ev| v.update(|x| x.purpose = event_target_value(&ev)) aria-invalid=move || err("purpose")().is_some().to_string()>
                                {Purpose::ALL.map(|p| { let sel = v.with_untracked(|x| x.purpose == p.as_str()); view! { <option value=p.as_str() selected=sel>{move || purpose_label(i18n, p)}</option> } })}
                            </select>
                            <small class="field-error" role="alert">{err("purpose")}</small>
                        </label>
                        <label class="field">
                            <span>{t!(i18n, visits.competitors)}</span>
                            <input name="competitors" prop:value=move || v.with(|x| x.competitors.clone()) on:input=move |ev| v.update(|x| x.competitors = event_target_value(&ev)) />
                            <small class="field-error" role="alert">{err("competitors")}</small>
                        </label>
                        <label class="field field-wide">
                            <span>{t!(i18n, visits.notes)}</span>
                            <textarea name="notes" rows="3" prop:value=move || v.with(|x| x.notes.clone()) on:input=move |ev| v.update(|x| x.notes = event_target_value(&ev))></textarea>
                            <small class="field-error" role="alert">{err("notes")}</small>
                        </label>
                        <fieldset class="field field-wide checks">
                            <legend>{t!(i18n, visits.display_check)}</legend>
                            {check("vivid_display", |x| x.vivid_display, |x, on| x.vivid_display = on)}
                            {check("stack_display", |x| x.stack_display, |x, on| x.stack_display = on)}
                            {check("indoor_ad", |x| x.indoor_ad, |x, on| x.indoor_ad = on)}
                            {check("outdoor_ad", |x| x.outdoor_ad, |x, on| x.outdoor_ad = on)}
                        </fieldset>
                        <fieldset class="field field-wide">
                            <legend>{t!(i18n, visits.shelf_prices)}</legend>
                            {(0..3usize).map(|i| {
                                let sku_field = format!("prices.{i}.sku");
                                let price_field = format!("prices.{i}.price");
                                let (sf, pf) = (sku_field.clone(), price_field.clone());
                                view! {
                                    <div class="price-row">
                                        <select name=sku_field.clone() aria-label=move || t_string!(i18n, visits.product).to_string() on:change=move |ev| v.update(|x| x.prices[i].sku = event_target_value(&ev))>
                                            <option value="">{t!(i18n, visits.product)}</option>
                                            {products.iter().map(|p| { let sel = v.with_untracked(|x| x.prices[i].sku == p.sku); view! { <option value=p.sku.clone() selected=sel>{format!("{} {}", p.sku, p.name)}</option> } }).collect_view()}
                                        </select>
                                        <input name=price_field.clone() inputmode="decimal" placeholder=move || t_string!(i18n, visits.price_yuan).to_string() prop:value=move || v.with(|x| x.prices[i].price.clone()) on:input=move |ev| v.update(|x| x.prices[i].price = event_target_value(&ev)) />
                                        <small class="field-error" role="alert">{move || errors.with(|e| message_for(i18n, e, &sf).or_else(|| message_for(i18n, e, &pf)))}</small>
                                    </div>
                                }
                            }).collect_view()}
                        </fieldset>
                        <label class="field">
                            <span>{t!(i18n, visits.next_step)}</span>
                            <input name="next_step" prop:value=move || v.with(|x| x.next_step.clone()) on:input=move |ev| v.update(|x| x.next_step = event_target_value(&ev)) />
                            <small class="field-error" role="alert">{err("next_step")}</small>
                        </label>
                        <label class="field">
                            <span>{t!(i18n, visits.next_step_on)}</span>
                            <input type="date" name="next_step_on" prop:value=move || v.with(|x| x.next_step_on.clone()) on:input=move |ev| v.update(|x| x.next_step_on = event_target_value(&ev)) />
                            <small class="field-error" role="alert">{err("next_step_on")}</small>
                        </label>
                        <label class="field field-wide">
                            <span>{t!(i18n, visits.photos)}</span>
                            <input type="file" name="photos" accept="image/jpeg,image/png,image/webp" capture="environment" multiple on:change=move |ev| take_photos(ev, photos, note, i18n) />
                            <small class="field-hint">{move || t_string!(i18n, visits.photos_taken, n = photos.with(Vec::len)).to_string()}</small>
                            <small class="field-error" role="alert">{move || note.get()}</small>
                        </label>
                    </div>
                    <FormFooter today=today on_done=on_done />
                </form>
            }
            .into_any()
        }
        Form::Objection(initial) => {
            let o = RwSignal::new(initial.unwrap_or_else(|| ObjectionInput {
                client_id: entry_id.clone().unwrap_or_else(new_id),
                customer: customer.code.clone(),
                opened_at: checked_in.clone(),
                ..ObjectionInput::default()
            }));
            let name = customer.name.clone();
            let submit = move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                let input = o.get_untracked();
                match NewObjection::parse(&input, now_beijing()) {
                    Ok(_) => {
                        errors.set(Vec::new());
                        save_entry(
                            OutboxItem::Objection(input),
                            Vec::new(),
                            name.clone(),
                            Vec::new(),
                        );
                    }
                    Err(e) => errors.set(e),
                }
            };
            view! {
                <form class="ticket-form today-form" method="post" action=OpenObjection::PATH on:submit=submit novalidate>
                    <h2>{t!(i18n, visits.objection_form, name = customer.name.clone())}</h2>
                    <div class="form-grid">
                        <label class="field">
                            <span>{t!(i18n, tickets.category)}</span>
                            <select name="category" on:change=move |ev| o.update(|f| f.category = event_target_value(&ev))>
                                <option value="">{t!(i18n, discipline.choose)}</option>
                                {ObjectionCategory::ALL.map(|c| { let sel = o.with_untracked(|f| f.category == c.as_str()); view! { <option value=c.as_str() selected=sel>{move || category_label(i18n, c)}</option> } })}
                            </select>
                            <small class="field-error" role="alert">{err("category")}</small>
                        </label>
                        <label class="field field-wide">
                            <span>{t!(i18n, tickets.description)}</span>
                            <textarea name="description" rows="3" prop:value=move || o.with(|f| f.description.clone()) on:input=move |ev| o.update(|f| f.description = event_target_value(&ev))></textarea>
                            <small class="field-error" role="alert">{err("description")}</small>
                        </label>
                    </div>
                    <FormFooter today=today on_done=on_done />
                </form>
            }
            .into_any()
        }
        Form::Order(initial) => {
            let o = RwSignal::new(initial.unwrap_or_else(|| OrderInput {
                client_id: entry_id.clone().unwrap_or_else(new_id),
                customer_code: customer.code.clone(),
                order_date: checked_in.get(..10).unwrap_or_default().to_string(),
                lines: vec![OrderLineInput::default()],
            }));
            let name = customer.name.clone();
            let submit = move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                let input = o.get_untracked();
                let mut found = Vec::new();
                for (i, l) in input.lines.iter().enumerate() {
                    if let Err(es) = crate::domain::sales::SaleLine::parse(&line_input(&input, l)) {
                        found.extend(
                            es.into_iter().map(|e| {
                                FieldError::new(&format!("lines.{i}.{}", e.field), e.code)
                            }),
                        );
                    }
                }
                if found.is_empty() {
                    errors.set(Vec::new());
                    save_entry(
                        OutboxItem::Order(input),
                        Vec::new(),
                        name.clone(),
                        Vec::new(),
                    );
                } else {
                    errors.set(found);
                }
            };
            let line = move |f: &'static str,
                             get: fn(&OrderLineInput) -> String,
                             set: fn(&mut OrderLineInput, String)| {
                let field = format!("lines.0.{f}");
                view! {
                    <label class="field">
                        <span>{move || match f {
                            "quantity" => t_string!(i18n, visits.quantity).to_string(),
                            "amount" => t_string!(i18n, visits.amount).to_string(),
                            _ => t_string!(i18n, visits.cost).to_string(),
                        }}</span>
                        <input name=f inputmode="decimal" prop:value=move || o.with(|x| x.lines.first().map(get).unwrap_or_default()) on:input=move |ev| { let val = event_target_value(&ev); o.update(|x| if let Some(l) = x.lines.first_mut() { set(l, val) }) } />
                        <small class="field-error" role="alert">{move || errors.with(|e| message_for(i18n, e, &field))}</small>
                    </label>
                }
            };
            view! {
                <form class="ticket-form today-form" method="post" action=CreateOrder::PATH on:submit=submit novalidate>
                    <h2>{t!(i18n, visits.order_form, name = customer.name.clone())}</h2>
                    <div class="form-grid">
                        <label class="field">
                            <span>{t!(i18n, visits.product)}</span>
                            <select name="product" on:change=move |ev| { let val = event_target_value(&ev); o.update(|x| if let Some(l) = x.lines.first_mut() { l.product_sku = val }) }>
                                <option value="">{t!(i18n, discipline.choose)}</option>
                                {product_options}
                            </select>
                            <small class="field-error" role="alert">{move || errors.with(|e| message_for(i18n, e, "lines.0.product_sku"))}</small>
                        </label>
                        {line("quantity", |l| l.quantity.clone(), |l, v| l.quantity = v)}
                        {line("amount", |l| l.amount.clone(), |l, v| l.amount = v)}
                        {line("cost", |l| l.cost.clone(), |l, v| l.cost = v)}
                    </div>
                    <FormFooter today=today on_done=on_done />
                </form>
            }
            .into_any()
        }
    }
}

#[component]
fn FormFooter(today: Today, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {move || (today.status.get() == SyncStatus::StorageFull).then(|| view! { <div class="banner banner-error" role="alert">{t!(i18n, visits.storage_full)}</div> })}
        <div class="form-actions">
            <button type="submit" class="button button-primary">{t!(i18n, visits.save_on_device)}</button>
            <button type="button" class="button button-ghost" on:click=move |_| on_done.run(())>{t!(i18n, common.cancel)}</button>
        </div>
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

fn new_id() -> String {
    #[cfg(feature = "hydrate")]
    {
        crate::offline::outbox::new_id()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}

/// Asks the browser where the tablet is; a refusal or a timeout leaves the visit
/// without a location.
#[cfg(feature = "hydrate")]
fn request_location(v: RwSignal<VisitInput>) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        return;
    };
    let ok = Closure::once_into_js(move |pos: wasm_bindgen::JsValue| {
        let num = |obj: &wasm_bindgen::JsValue, k: &str| {
            js_sys::Reflect::get(obj, &k.into())
                .ok()
                .and_then(|x| x.as_f64())
        };
        let Ok(coords) = js_sys::Reflect::get(&pos, &"coords".into()) else {
            return;
        };
        if let (Some(lat), Some(lon)) = (num(&coords, "latitude"), num(&coords, "longitude")) {
            let accuracy = num(&coords, "accuracy").unwrap_or(0.0);
            v.update(|x| x.location = Some(LocationInput { lat, lon, accuracy }));
        }
    });
    let fail = Closure::once_into_js(move |_e: wasm_bindgen::JsValue| {});
    let options = web_sys::PositionOptions::new();
    options.set_timeout(10_000);
    options.set_maximum_age(60_000);
    let _ = geo.get_current_position_with_error_callback_and_options(
        ok.unchecked_ref(),
        Some(fail.unchecked_ref()),
        &options,
    );
}

/// Reads the chosen photos into memory (at most four, 5 MB each), for the outbox.
#[allow(unused_variables, reason = "the browser build uses every argument")]
fn take_photos(
    ev: leptos::ev::Event,
    photos: RwSignal<Vec<(PhotoRef, Vec<u8>)>>,
    note: RwSignal<Option<String>>,
    i18n: leptos_i18n::I18nContext<Locale>,
) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(files) = input.files() else { return };
        let mut chosen = Vec::new();
        for i in 0..files.length() {
            if let Some(f) = files.get(i) {
                chosen.push(f);
            }
        }
        note.set(None);
        leptos::task::spawn_local(async move {
            for f in chosen {
                if photos.with_untracked(Vec::len) >= PHOTOS_PER_VISIT {
                    note.set(Some(
                        t_string!(i18n, visits.too_many_photos, n = PHOTOS_PER_VISIT).to_string(),
                    ));
                    break;
                }
                #[expect(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    reason = "a file size"
                )]
                if f.size() as usize > PHOTO_MAX_BYTES {
                    note.set(Some(
                        t_string!(i18n, visits.photo_too_large, name = f.name()).to_string(),
                    ));
                    continue;
                }
                let Ok(buf) = wasm_bindgen_futures::JsFuture::from(f.array_buffer()).await else {
                    continue;
                };
                let bytes = js_sys::Uint8Array::new(&buf).to_vec();
                let content_type = match f.type_().as_str() {
                    "image/png" => "image/png",
                    "image/webp" => "image/webp",
                    _ => "image/jpeg",
                };
                photos.update(|p| {
                    p.push((
                        PhotoRef {
                            id: crate::offline::outbox::new_id(),
                            content_type: content_type.into(),
                        },
                        bytes,
                    ))
                });
            }
        });
    }
}
