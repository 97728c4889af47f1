//! The live countdown and the labels of tickets. The countdown asks the same
//! [`crate::domain::sla::status`] as the server's overdue job, at the server's `now` plus
//! the seconds the page has been open.
use super::api::Timer;
use crate::domain::sla::{Calendar, Status, status};
use crate::domain::tickets::{ObjectionCategory, ObjectionStatus, StandardKind};
use crate::i18n::*;
use chrono::NaiveDateTime;
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// Seconds since the page was built, ticking every second in the browser (0 on the server).
pub fn use_elapsed() -> ReadSignal<i64> {
    let (elapsed, set_elapsed) = signal(0i64);
    #[cfg(feature = "hydrate")]
    {
        let perf = || web_sys::window().and_then(|w| w.performance());
        let start = perf().map(|p| p.now());
        Effect::new(move |_| {
            if let Ok(h) = set_interval_with_handle(
                move || {
                    if let (Some(s), Some(p)) = (start, perf()) {
                        set_elapsed.set(((p.now() - s) / 1000.0) as i64);
                    }
                },
                std::time::Duration::from_secs(1),
            ) {
                on_cleanup(move || h.clear());
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = set_elapsed;
    elapsed
}

/// Minutes as people read them: `2小时5分`, `3天4小时`.
pub fn duration_text(i18n: I18nContext<Locale>, minutes: i64) -> String {
    let m = minutes.max(0);
    if m >= 48 * 60 {
        t_string!(i18n, tickets.duration_dh, d = m / 1440, h = m % 1440 / 60).to_string()
    } else if m >= 60 {
        t_string!(i18n, tickets.duration_hm, h = m / 60, m = m % 60).to_string()
    } else {
        t_string!(i18n, tickets.duration_m, m = m).to_string()
    }
}

pub fn standard_label(i18n: I18nContext<Locale>, k: StandardKind) -> String {
    match k {
        StandardKind::Delivery => t_string!(i18n, tickets.std_delivery),
        StandardKind::FirstAnswer => t_string!(i18n, tickets.std_first_answer),
        StandardKind::Resolution => t_string!(i18n, tickets.std_resolution),
    }
    .to_string()
}

pub fn category_label(i18n: I18nContext<Locale>, c: ObjectionCategory) -> String {
    match c {
        ObjectionCategory::Quality => t_string!(i18n, tickets.cat_quality),
        ObjectionCategory::Price => t_string!(i18n, tickets.cat_price),
        ObjectionCategory::Delivery => t_string!(i18n, tickets.cat_delivery),
        ObjectionCategory::Display => t_string!(i18n, tickets.cat_display),
        ObjectionCategory::Service => t_string!(i18n, tickets.cat_service),
        ObjectionCategory::Other => t_string!(i18n, tickets.cat_other),
    }
    .to_string()
}

pub fn objection_status_label(i18n: I18nContext<Locale>, s: ObjectionStatus) -> String {
    match s {
        ObjectionStatus::Open => t_string!(i18n, tickets.st_open),
        ObjectionStatus::Answered => t_string!(i18n, tickets.st_answered),
        ObjectionStatus::Resolved => t_string!(i18n, tickets.st_resolved),
        ObjectionStatus::Closed => t_string!(i18n, tickets.st_closed),
    }
    .to_string()
}

/// `data-sla` value and text of a status.
pub fn status_text(i18n: I18nContext<Locale>, s: Option<Status>) -> (&'static str, String) {
    let due = crate::domain::time::month_day_minute_text;
    match s {
        None => ("none", t_string!(i18n, tickets.no_standard).to_string()),
        Some(Status::OnTrack {
            remaining_minutes,
            due: d,
        }) => (
            "on-track",
            t_string!(
                i18n,
                tickets.remaining,
                left = duration_text(i18n, remaining_minutes),
                due = due(d)
            )
            .to_string(),
        ),
        Some(Status::DueSoon {
            remaining_minutes,
            due: d,
        }) => (
            "due-soon",
            t_string!(
                i18n,
                tickets.remaining,
                left = duration_text(i18n, remaining_minutes),
                due = due(d)
            )
            .to_string(),
        ),
        Some(Status::Breached {
            overdue_minutes,
            due: d,
        }) => (
            "breached",
            t_string!(
                i18n,
                tickets.breached,
                over = duration_text(i18n, overdue_minutes),
                due = due(d)
            )
            .to_string(),
        ),
        Some(Status::Paused { remaining_minutes }) => (
            "paused",
            t_string!(
                i18n,
                tickets.paused,
                left = duration_text(i18n, remaining_minutes)
            )
            .to_string(),
        ),
        Some(Status::Met { .. }) => ("met", t_string!(i18n, tickets.met).to_string()),
        Some(Status::Late { overdue_minutes }) => (
            "late",
            t_string!(
                i18n,
                tickets.late,
                over = duration_text(i18n, overdue_minutes)
            )
            .to_string(),
        ),
    }
}

/// A timer counting down live.
#[component]
pub fn Countdown(
    timer: Timer,
    now: NaiveDateTime,
    calendar: Calendar,
    elapsed: ReadSignal<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let current = Memo::new(move |_| {
        let at = now + chrono::Duration::seconds(elapsed.get());
        timer.limit.map(|l| status(&timer.clock, &l, &calendar, at))
    });
    view! {
        <span class="countdown" data-sla=move || status_text(i18n, current.get()).0 role="timer">
            {move || status_text(i18n, current.get()).1}
        </span>
    }
}
