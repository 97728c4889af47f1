//! The customer 360° blocks of the profile that come from elsewhere: the sales trend
//! over 12 months (a small bar chart, from the monthly rollups) and the customer's open
//! tickets (objections and deliveries, counting down against the service standards).
use super::api::SalesTrend;
use crate::error::AppError;
use crate::features::tickets::api::Board;
use crate::features::tickets::board_page::BoardList;
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Chart geometry (SVG user units): a slot per month, the bars' area above the labels.
const SLOT: f64 = 30.0;
const BAR: f64 = 20.0;
const BARS_HEIGHT: f64 = 80.0;
const HEIGHT: f64 = 100.0;

/// The month's short label: `3月`, or `Mar` in English.
fn month_label(locale: Locale, month: &str) -> String {
    let m: usize = month.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    match locale {
        Locale::en => MONTHS_EN
            .get(m.wrapping_sub(1))
            .copied()
            .unwrap_or("")
            .to_owned(),
        Locale::zh_CN => format!("{m}月"),
    }
}

/// The sales trend on the profile: a bar per month (this month last), each named with
/// its amount for a screen reader and a pointer, and the 12 months' total against the
/// 12 before.
#[component]
pub fn SalesTrendSection(trend: Resource<Result<SalesTrend, AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="cust-group cust-trend" aria-labelledby="trend-h">
            <div class="cust-group-head"><h2 id="trend-h">{t!(i18n, customers.trend)}</h2></div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match trend.await {
                        Err(e) => Either::Left(view! { <crate::components::error_view::ActionError error=e /> }),
                        Ok(t) => Either::Right(view! { <TrendChart trend=t /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The bars and their summary; `compare`: say the 12 months before too (the tablet's
/// bundle carries only the last 12).
#[component]
pub fn TrendChart(trend: SalesTrend, #[prop(default = true)] compare: bool) -> impl IntoView {
    let i18n = use_i18n();
    let max = trend
        .months
        .iter()
        .map(|m| m.amount.0)
        .max()
        .unwrap_or(0)
        .max(1);
    let width = SLOT * trend.months.len() as f64;
    let change = (compare && trend.previous.0 > 0).then(|| {
        let pct = (trend.total.0 - trend.previous.0) as f64 * 100.0 / trend.previous.0 as f64;
        format!("{pct:+.0}%")
    });
    let (total, previous) = (
        trend.total.to_display_string(),
        trend.previous.to_display_string(),
    );
    let rows = trend.months.clone();
    view! {
        <p class="trend-summary" data-testid="trend-total">
            {t!(i18n, customers.trend_total, total = total.clone())}
            {compare.then(|| view! { " · " {t!(i18n, customers.trend_previous, previous = previous.clone())} })}
            {change.map(|c| view! { " (" <strong>{c}</strong> ")" })}
        </p>
        <svg class="trend-chart" data-testid="trend-chart" role="img"
            viewBox=format!("0 0 {width} {HEIGHT}")
            aria-label=move || t_string!(i18n, customers.trend_label, total = total.clone()).to_string()>
            {trend.months.into_iter().enumerate().map(|(i, m)| {
                let h = (m.amount.0.max(0) as f64 / max as f64 * BARS_HEIGHT).max(if m.amount.0 > 0 { 1.0 } else { 0.0 });
                let x = i as f64 * SLOT + (SLOT - BAR) / 2.0;
                let title = format!("{} ¥{}", m.month, m.amount.to_display_string());
                let label = move || month_label(i18n.get_locale(), &m.month);
                view! {
                    <g class="trend-month">
                        <rect x=x y=BARS_HEIGHT - h width=BAR height=h class="trend-bar">
                            <title>{title}</title>
                        </rect>
                        <text x=x + BAR / 2.0 y=HEIGHT - 4.0 text-anchor="middle" class="trend-axis">{label}</text>
                    </g>
                }
            }).collect_view()}
        </svg>
        // each month's figure for a screen reader (the bars' titles show on hover only)
        <table class="visually-hidden">
            <caption>{t!(i18n, customers.trend)}</caption>
            <tbody>
                {rows.into_iter().map(|m| view! { <tr><th scope="row">{m.month}</th><td>{m.amount.to_display_string()}</td></tr> }).collect_view()}
            </tbody>
        </table>
    }
}

/// The customer's open tickets on the profile (objections and deliveries), most urgent
/// first, each counting down against its standard.
#[component]
pub fn CustomerTickets(tickets: Resource<Result<Board, AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="cust-group cust-tickets" aria-labelledby="tickets-h">
            <div class="cust-group-head"><h2 id="tickets-h">{t!(i18n, customers.open_tickets)}</h2></div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match tickets.await {
                        Err(e) => Either::Left(view! { <crate::components::error_view::ActionError error=e /> }),
                        Ok(b) => Either::Right(view! { <BoardList board=b /> }),
                    }
                })}
            </Transition>
        </section>
    }
}
