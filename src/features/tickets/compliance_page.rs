//! Compliance (`/tickets/compliance`): the share of tickets that kept their standard,
//! per month and standard (chart and table) and per rep. A rep sees their own.
use super::api::{Compliance, ticket_compliance};
use super::board_page::TicketTabs;
use super::components::standard_label;
use crate::components::Title;
use crate::components::error_view::LoadError;
use crate::domain::tickets::{StandardKind, Tally};
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;

fn pct(t: Tally) -> String {
    t.permille()
        .map_or_else(|| "—".to_owned(), |p| format!("{}.{}%", p / 10, p % 10))
}

#[component]
pub fn CompliancePage() -> impl IntoView {
    let i18n = use_i18n();
    let months = RwSignal::new(6u32);
    let data = Resource::new(move || months.get(), ticket_compliance);
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, tickets.compliance).to_string()) />
        <div class="page-head">
            <h1>{t!(i18n, tickets.compliance)}</h1>
            <label class="field field-inline">
                <span>{t!(i18n, tickets.months)}</span>
                <select name="months" on:change=move |ev| months.set(event_target_value(&ev).parse().unwrap_or(6))>
                    <option value="3">"3"</option>
                    <option value="6" selected>"6"</option>
                    <option value="12">"12"</option>
                </select>
            </label>
        </div>
        <TicketTabs />
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => Either::Left(view! { <LoadError error=e /> }),
                    Ok(c) => Either::Right(view! { <ComplianceView c=c /> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn ComplianceView(c: Compliance) -> impl IntoView {
    let i18n = use_i18n();
    // bars: per month, one bar per standard, height = share met
    let (w, h, pad) = (640.0_f64, 200.0_f64, 28.0_f64);
    let n = c.months.len().max(1) as f64;
    let group = (w - pad) / n;
    let bar = (group - 12.0) / 3.0;
    let bars = c.by_month.iter().enumerate().flat_map(|(i, per)| {
        per.iter().enumerate().filter_map(move |(k, t)| {
            let p = f64::from(t.permille()?);
            let height = (h - 2.0 * pad) * p / 1000.0;
            let x = pad + i as f64 * group + 6.0 + k as f64 * bar;
            Some(view! {
                <rect class=format!("bar bar-{k}") x=format!("{x:.1}") y=format!("{:.1}", h - pad - height) width=format!("{:.1}", bar - 2.0) height=format!("{height:.1}")>
                    <title>{format!("{} {}/{}", pct(*t), t.met, t.measured)}</title>
                </rect>
            })
        }).collect::<Vec<_>>()
    }).collect_view();
    let labels = c.months.iter().enumerate().map(|(i, m)| view! {
        <text x=format!("{:.1}", pad + i as f64 * group + group / 2.0) y=format!("{:.1}", h - 8.0) text-anchor="middle">{m.clone()}</text>
    }).collect_view();
    let total = c.total;
    view! {
        <p class="compliance-total">
            {t!(i18n, tickets.total_compliance)} ": " <strong>{pct(total)}</strong>
            <span class="muted">{format!(" ({}/{})", total.met, total.measured)}</span>
        </p>
        <figure class="chart">
            <svg viewBox=format!("0 0 {w} {h}") role="img" aria-label=move || t_string!(i18n, tickets.compliance).to_string()>
                <line x1=pad y1=pad x2=w y2=pad class="grid" />
                <line x1=pad y1=h - pad x2=w y2=h - pad class="axis" />
                <text x="2" y=pad + 4.0>"100%"</text>
                {bars}
                {labels}
            </svg>
            <figcaption class="legend">
                {StandardKind::ALL.into_iter().enumerate().map(|(k, s)| view! { <span class=format!("legend-{k}")>{move || standard_label(i18n, s)}</span> }).collect_view()}
            </figcaption>
        </figure>
        <table class="table compliance-table">
            <thead>
                <tr>
                    <th>{t!(i18n, tickets.month)}</th>
                    {StandardKind::ALL.map(|s| view! { <th>{move || standard_label(i18n, s)}</th> })}
                </tr>
            </thead>
            <tbody>
                {c.months.iter().zip(c.by_month.iter()).map(|(m, per)| view! {
                    <tr>
                        <td>{m.clone()}</td>
                        {per.iter().map(|t| view! { <td>{pct(*t)} <span class="muted">{format!(" {}/{}", t.met, t.measured)}</span></td> }).collect_view()}
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <h2>{t!(i18n, tickets.by_rep)}</h2>
        <table class="table compliance-table" data-table="by-rep">
            <thead>
                <tr>
                    <th>{t!(i18n, tickets.rep)}</th>
                    {StandardKind::ALL.map(|s| view! { <th>{move || standard_label(i18n, s)}</th> })}
                    <th>{t!(i18n, tickets.all_standards)}</th>
                </tr>
            </thead>
            <tbody>
                {c.by_rep.into_iter().map(|(rep, per, all)| view! {
                    <tr>
                        <td>{if rep.is_empty() { t_string!(i18n, tickets.no_rep).to_string() } else { rep }}</td>
                        {per.iter().map(|t| view! { <td>{pct(*t)} <span class="muted">{format!(" {}/{}", t.met, t.measured)}</span></td> }).collect_view()}
                        <td><strong>{pct(all)}</strong></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
