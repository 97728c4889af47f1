//! The standards page (`/standards`): the three quantified standards with their stricter
//! per-tier limits, the visit frequency from the tier policies, and the working calendar
//! (opening hours, working weekdays, holidays and 调休 days). The owner edits; everyone
//! reads.
use super::api::{SaveCalendar, SaveStandard, StandardsDetail, get_standards};
use crate::components::Title;
use crate::components::error_view::{LoadError, error_message, message_for};
use crate::domain::sla::CalendarInput;
use crate::domain::tickets::{ServiceStandard, StandardInput, StandardKind};
use crate::error::AppError;
use crate::features::tickets::board_page::TicketTabs;
use crate::features::tickets::components::{duration_text, standard_label};
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;

/// Minutes as the hours field shows them: `4`, `0.5`, `1.25`.
fn hours_text(minutes: i64) -> String {
    let hundredths = (minutes * 100 + 30) / 60;
    if hundredths % 100 == 0 {
        (hundredths / 100).to_string()
    } else {
        format!("{}.{:02}", hundredths / 100, hundredths % 100)
            .trim_end_matches('0')
            .to_owned()
    }
}

pub fn weekday_label(i18n: leptos_i18n::I18nContext<Locale>, d: u8) -> String {
    match d {
        1 => t_string!(i18n, standards.mon),
        2 => t_string!(i18n, standards.tue),
        3 => t_string!(i18n, standards.wed),
        4 => t_string!(i18n, standards.thu),
        5 => t_string!(i18n, standards.fri),
        6 => t_string!(i18n, standards.sat),
        _ => t_string!(i18n, standards.sun),
    }
    .to_string()
}

#[component]
pub fn StandardsPage() -> impl IntoView {
    let i18n = use_i18n();
    let detail = Resource::new(|| (), |()| get_standards());
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, standards.title).to_string()) />
        <div class="page-head"><h1>{t!(i18n, standards.title)}</h1></div>
        <TicketTabs />
        <p class="muted">{t!(i18n, standards.intro)}</p>
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => Either::Left(view! { <LoadError error=e /> }),
                    Ok(d) => Either::Right(view! { <StandardsView initial=d /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn StandardsView(initial: StandardsDetail) -> impl IntoView {
    let i18n = use_i18n();
    let may_edit = initial.may_edit;
    let detail = RwSignal::new(initial.clone());
    let visits = initial.visits_per_month;
    view! {
        <div class="standard-cards">
            {StandardKind::ALL.map(|k| {
                let current = initial.standards.iter().find(|s| s.kind == k).cloned();
                view! { <StandardCard kind=k current=current may_edit=may_edit detail=detail /> }
            })}
            <section class="standard-card" data-kind="visits">
                <h2>{t!(i18n, standards.visits)}</h2>
                <ul>
                    {["A", "B", "C"].into_iter().zip(visits).map(|(t, v)| view! {
                        <li>{format!("{t}：")}{match v {
                            Some(n) => t_string!(i18n, standards.visits_per_month, count = n).to_string(),
                            None => t_string!(i18n, standards.not_set).to_string(),
                        }}</li>
                    }).collect_view()}
                </ul>
                <a href="/tiers/policies" class="muted">{t!(i18n, standards.visits_hint)}</a>
            </section>
        </div>
        <CalendarSection detail=detail may_edit=may_edit />
    }
}

#[component]
fn StandardCard(
    kind: StandardKind,
    current: Option<ServiceStandard>,
    may_edit: bool,
    detail: RwSignal<StandardsDetail>,
) -> impl IntoView {
    let i18n = use_i18n();
    let shown = RwSignal::new(current.clone());
    let form = RwSignal::new(StandardInput {
        kind: kind.as_str().to_owned(),
        hours: current
            .as_ref()
            .map(|s| hours_text(s.minutes))
            .unwrap_or_default(),
        tier_a_hours: current
            .as_ref()
            .and_then(|s| s.tier_minutes[0])
            .map(hours_text)
            .unwrap_or_default(),
        tier_b_hours: current
            .as_ref()
            .and_then(|s| s.tier_minutes[1])
            .map(hours_text)
            .unwrap_or_default(),
        tier_c_hours: current
            .as_ref()
            .and_then(|s| s.tier_minutes[2])
            .map(hours_text)
            .unwrap_or_default(),
        working_hours_only: current.as_ref().is_some_and(|s| s.working_hours_only),
    });
    let save = ServerAction::<SaveStandard>::new();
    Effect::new(move |_| {
        if let Some(Ok(d)) = save.value().get() {
            shown.set(d.standards.iter().find(|s| s.kind == kind).cloned());
            detail.set(d);
        }
    });
    let errors = move || match save.value().get() {
        Some(Err(AppError::Validation(e))) => e,
        _ => Vec::new(),
    };
    let failure = move || match save.value().get() {
        Some(Err(AppError::Validation(_))) | Some(Ok(_)) | None => None,
        Some(Err(e)) => Some(error_message(i18n, &e)),
    };
    let field = move |name: &'static str,
                      label: String,
                      get: fn(&StandardInput) -> String,
                      set: fn(&mut StandardInput, String)| {
        view! {
            <label class="field">
                <span>{label}</span>
                <input name=format!("input[{name}]") inputmode="decimal" value=form.with_untracked(get) prop:value=move || form.with(get) on:input=move |ev| form.update(|f| set(f, event_target_value(&ev))) />
                <small class="field-error" role="alert">{move || message_for(i18n, &errors(), name)}</small>
            </label>
        }
    };
    view! {
        <section class="standard-card" data-kind=kind.as_str()>
            <h2>{move || standard_label(i18n, kind)}</h2>
            <p class="standard-now">
                {move || match shown.get() {
                    None => t_string!(i18n, standards.not_set).to_string(),
                    Some(s) => {
                        let mut text = t_string!(i18n, standards.within, time = duration_text(i18n, s.minutes)).to_string();
                        for (t, m) in ["A", "B", "C"].into_iter().zip(s.tier_minutes) {
                            if let Some(m) = m {
                                text.push_str(&format!(" · {t} {}", duration_text(i18n, m)));
                            }
                        }
                        if s.working_hours_only {
                            text.push_str(&format!(" · {}", t_string!(i18n, standards.working_hours_only)));
                        }
                        text
                    }
                }}
            </p>
            {may_edit.then(|| view! {
                <form class="standard-form" method="post" action=SaveStandard::PATH on:submit=move |ev| { ev.prevent_default(); save.dispatch(SaveStandard { input: form.get_untracked() }); }>
                    <input type="hidden" name="input[kind]" value=kind.as_str() />
                    {field("hours", t_string!(i18n, standards.hours).to_string(), |f| f.hours.clone(), |f, v| f.hours = v)}
                    <div class="tier-hours">
                        {field("tier_a_hours", t_string!(i18n, standards.tier_hours, tier = "A").to_string(), |f| f.tier_a_hours.clone(), |f, v| f.tier_a_hours = v)}
                        {field("tier_b_hours", t_string!(i18n, standards.tier_hours, tier = "B").to_string(), |f| f.tier_b_hours.clone(), |f, v| f.tier_b_hours = v)}
                        {field("tier_c_hours", t_string!(i18n, standards.tier_hours, tier = "C").to_string(), |f| f.tier_c_hours.clone(), |f, v| f.tier_c_hours = v)}
                    </div>
                    <label class="check">
                        <input type="checkbox" name="input[working_hours_only]" value="true" checked=form.with_untracked(|f| f.working_hours_only) prop:checked=move || form.with(|f| f.working_hours_only) on:change=move |ev| form.update(|f| f.working_hours_only = event_target_checked(&ev)) />
                        {t!(i18n, standards.working_hours_only)}
                    </label>
                    {move || failure().map(|m| view! { <div class="banner banner-error" role="alert">{m}</div> })}
                    {move || matches!(save.value().get(), Some(Ok(_))).then(|| view! { <p class="banner banner-success" role="status">{t!(i18n, standards.saved)}</p> })}
                    <button type="submit" class="button button-primary" disabled=move || save.pending().get()>{t!(i18n, common.save)}</button>
                </form>
            })}
        </section>
    }
}

#[component]
fn CalendarSection(detail: RwSignal<StandardsDetail>, may_edit: bool) -> impl IntoView {
    let i18n = use_i18n();
    let initial = detail.get_untracked().calendar;
    let form = RwSignal::new(CalendarInput {
        open: crate::domain::time::hour_minute_text(initial.open),
        close: crate::domain::time::hour_minute_text(initial.close),
        weekdays: initial.weekday_digits(),
        days: initial
            .days
            .iter()
            .map(|d| {
                (
                    d.day.to_string(),
                    if d.holiday { "holiday" } else { "workday" }.to_owned(),
                    d.name.clone(),
                )
            })
            .collect(),
    });
    let save = ServerAction::<SaveCalendar>::new();
    Effect::new(move |_| {
        if let Some(Ok(d)) = save.value().get() {
            detail.set(d);
        }
    });
    let errors = move || match save.value().get() {
        Some(Err(AppError::Validation(e))) => e,
        _ => Vec::new(),
    };
    let failure = move || match save.value().get() {
        Some(Err(AppError::Validation(_))) | Some(Ok(_)) | None => None,
        Some(Err(e)) => Some(error_message(i18n, &e)),
    };
    // rows are rebuilt only when a day is added or removed, never while typing in one
    let day_count = Memo::new(move |_| form.with(|f| f.days.len()));
    let toggle = move |d: u8| {
        form.update(|f| {
            let c = char::from(b'0' + d);
            if f.weekdays.contains(c) {
                f.weekdays = f.weekdays.chars().filter(|x| *x != c).collect();
            } else {
                f.weekdays.push(c);
            }
        })
    };
    view! {
        <section class="calendar-section" aria-labelledby="calendar-h">
            <h2 id="calendar-h">{t!(i18n, standards.calendar)}</h2>
            <p class="muted">{t!(i18n, standards.calendar_hint)}</p>
            <form class="calendar-form" method="post" action=SaveCalendar::PATH on:submit=move |ev| { ev.prevent_default(); save.dispatch(SaveCalendar { input: form.get_untracked() }); }>
                <fieldset disabled=!may_edit>
                    <div class="form-grid">
                        <label class="field">
                            <span>{t!(i18n, standards.open)}</span>
                            <input type="time" name="input[open]" value=form.with_untracked(|f| f.open.clone()) prop:value=move || form.with(|f| f.open.clone()) on:input=move |ev| form.update(|f| f.open = event_target_value(&ev)) />
                            <small class="field-error" role="alert">{move || message_for(i18n, &errors(), "open")}</small>
                        </label>
                        <label class="field">
                            <span>{t!(i18n, standards.close)}</span>
                            <input type="time" name="input[close]" value=form.with_untracked(|f| f.close.clone()) prop:value=move || form.with(|f| f.close.clone()) on:input=move |ev| form.update(|f| f.close = event_target_value(&ev)) />
                            <small class="field-error" role="alert">{move || message_for(i18n, &errors(), "close")}</small>
                        </label>
                    </div>
                    <div class="weekdays" role="group" aria-label=move || t_string!(i18n, standards.weekdays).to_string()>
                        <span>{t!(i18n, standards.weekdays)}</span>
                        {(1u8..=7).map(|d| view! {
                            <label class="check chip">
                                <input type="checkbox" name="input[weekdays][]" value=d.to_string() checked=form.with_untracked(|f| f.weekdays.contains(char::from(b'0' + d))) prop:checked=move || form.with(|f| f.weekdays.contains(char::from(b'0' + d))) on:change=move |_| toggle(d) />
                                {move || weekday_label(i18n, d)}
                            </label>
                        }).collect_view()}
                        <small class="field-error" role="alert">{move || message_for(i18n, &errors(), "weekdays")}</small>
                    </div>
                    <table class="table days-table">
                        <thead><tr><th>{t!(i18n, standards.day)}</th><th>{t!(i18n, standards.day_kind)}</th><th>{t!(i18n, standards.day_name)}</th><th></th></tr></thead>
                        <tbody>
                            {move || (0..day_count.get()).map(|i| {
                                let errs = move || errors();
                                view! {
                                    <tr>
                                        <td>
                                            <input type="date" name=format!("input[days][{i}][0]") value=form.with_untracked(|f| f.days.get(i).map(|d| d.0.clone()).unwrap_or_default()) prop:value=move || form.with(|f| f.days.get(i).map(|d| d.0.clone()).unwrap_or_default()) on:input=move |ev| form.update(|f| if let Some(d) = f.days.get_mut(i) { d.0 = event_target_value(&ev) }) />
                                            <small class="field-error" role="alert">{move || message_for(i18n, &errs(), &format!("days.{i}.day"))}</small>
                                        </td>
                                        <td>
                                            <select name=format!("input[days][{i}][1]") prop:value=move || form.with(|f| f.days.get(i).map(|d| d.1.clone()).unwrap_or_default()) on:change=move |ev| form.update(|f| if let Some(d) = f.days.get_mut(i) { d.1 = event_target_value(&ev) })>
                                                <option value="holiday">{t!(i18n, standards.holiday)}</option>
                                                <option value="workday" selected=form.with_untracked(|f| f.days.get(i).is_some_and(|d| d.1 == "workday"))>{t!(i18n, standards.workday)}</option>
                                            </select>
                                        </td>
                                        <td><input name=format!("input[days][{i}][2]") value=form.with_untracked(|f| f.days.get(i).map(|d| d.2.clone()).unwrap_or_default()) prop:value=move || form.with(|f| f.days.get(i).map(|d| d.2.clone()).unwrap_or_default()) on:input=move |ev| form.update(|f| if let Some(d) = f.days.get_mut(i) { d.2 = event_target_value(&ev) }) /></td>
                                        <td><button type="button" class="button button-ghost button-small" on:click=move |_| form.update(|f| { if i < f.days.len() { f.days.remove(i); } })>{t!(i18n, standards.remove)}</button></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    {may_edit.then(|| view! {
                        <button type="button" class="button button-small" on:click=move |_| form.update(|f| f.days.push((String::new(), "holiday".into(), String::new())))>{t!(i18n, standards.add_day)}</button>
                    })}
                    {move || failure().map(|m| view! { <div class="banner banner-error" role="alert">{m}</div> })}
                    {move || matches!(save.value().get(), Some(Ok(_))).then(|| view! { <p class="banner banner-success" role="status">{t!(i18n, standards.saved)}</p> })}
                    {may_edit.then(|| view! { <button type="submit" class="button button-primary">{t!(i18n, standards.save_calendar)}</button> })}
                </fieldset>
            </form>
        </section>
    }
}
