//! The segmentation page (`/segmentation`): period, measure and thresholds; the Pareto
//! chart with draggable A/B lines; class summary; the ranked table; export; saving the
//! result as the official tiers. Period and measure live in the URL and are classified
//! on the server; thresholds are applied in the browser by `Ranking::counts`.
use super::api::{
    ClassificationStamp, MAX_ROWS, SaveTierSnapshot, SegmentRow, SegmentationData,
    SegmentationQuery, SnapshotSummary, TABLE_PAGE, classification_rows, classify_customers,
    list_tier_snapshots,
};
use super::chart::{ParetoChart, now_ms};
use crate::components::Title;
use crate::components::error_view::{LoadError, error_message, field_message};
use crate::components::layout::use_current_user;
use crate::domain::sales::{Measure, Period};
use crate::domain::segmentation::{Class, Counts, Ranking, Thresholds, share_bp};
use crate::domain::staff::Action as Permission;
use crate::error::AppError;
use crate::features::customers::components::ClassBadge;
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

fn pct(bp: Option<i64>) -> String {
    bp.map(|b| format!("{}.{}%", b / 100, (b % 100) / 10))
        .unwrap_or_else(|| "—".to_owned())
}

/// A measure's name in the user's language (every page with a measure picker).
pub fn measure_label(i18n: leptos_i18n::I18nContext<Locale>, m: Measure) -> String {
    match m {
        Measure::Sales => t_string!(i18n, segmentation.measure_sales).to_string(),
        Measure::Profit => t_string!(i18n, segmentation.measure_profit).to_string(),
        Measure::Quantity => t_string!(i18n, segmentation.measure_quantity).to_string(),
    }
}

fn query_url(q: &SegmentationQuery) -> String {
    use crate::features::customers::api::percent_encode;
    let mut parts = Vec::new();
    for (k, v) in [
        ("from", &q.from),
        ("to", &q.to),
        ("measure", &q.measure),
        ("a", &q.a),
        ("b", &q.b),
    ] {
        if !v.is_empty() {
            parts.push(format!("{k}={}", percent_encode(v)));
        }
    }
    parts.join("&")
}

#[component]
pub fn SegmentationPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_query_map();
    // thresholds are left out: moving them never asks the server
    let query = Memo::new(move |_| {
        params.with(|p| SegmentationQuery {
            from: p.get("from").unwrap_or_default(),
            to: p.get("to").unwrap_or_default(),
            measure: p.get("measure").unwrap_or_default(),
            a: p.get("a").unwrap_or_default(),
            b: p.get("b").unwrap_or_default(),
        })
    });
    let fetch_key = Memo::new(move |_| {
        let q = query.get();
        SegmentationQuery {
            a: String::new(),
            b: String::new(),
            ..q
        }
    });
    let data = Resource::new(move || fetch_key.get(), classify_customers);
    let may_manage = use_current_user().is_some_and(|u| u.role.may(Permission::ManageCustomers));
    // created with the page (not inside the classification's Suspense), so the server
    // and the hydrating browser create resources in the same order
    let snapshots = Resource::new(
        move || may_manage,
        |manages| async move {
            if manages {
                list_tier_snapshots().await
            } else {
                Ok(Vec::new())
            }
        },
    );
    let saved = Callback::new(move |()| snapshots.refetch());
    let stale = Callback::new(move |()| data.refetch());
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, segmentation.title).to_string()) />
        <div class="page-head">
            <h1>{t!(i18n, segmentation.title)}</h1>
        </div>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => Either::Left(view! {
                        <PeriodForm query=query current=None />
                        <LoadError error=e />
                    }),
                    Ok(d) => {
                        let q = query.get_untracked();
                        let t = Thresholds::parse_or_default(&q.a, &q.b).unwrap_or(d.thresholds);
                        Either::Right(view! {
                            <PeriodForm query=query current=Some((d.from.clone(), d.to.clone(), d.measure)) />
                            <Classified data=d thresholds=t may_manage=may_manage on_saved=saved on_stale=stale />
                        })
                    }
                }
            })}
        </Transition>
        {may_manage.then(|| view! { <Snapshots list=snapshots /> })}
    }
}

/// Period kind, its fields, measure; "apply" puts them in the URL.
#[component]
fn PeriodForm(
    query: Memo<SegmentationQuery>,
    current: Option<(String, String, Measure)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let (from0, to0, measure0) = current.clone().unwrap_or_default();
    let kind = RwSignal::new(guess_kind(&from0, &to0));
    let month = RwSignal::new(from0.get(..7).unwrap_or_default().to_owned());
    let year = RwSignal::new(from0.get(..4).unwrap_or("2026").to_owned());
    let quarter = RwSignal::new(
        from0
            .get(5..7)
            .and_then(|m| m.parse::<u32>().ok())
            .map_or(1, |m| (m - 1) / 3 + 1)
            .to_string(),
    );
    let from = RwSignal::new(from0.clone());
    let to = RwSignal::new(to0.clone());
    let measure = RwSignal::new(measure0.as_str().to_owned());
    let error = RwSignal::new(None::<String>);
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let y = year.get_untracked().trim().parse::<i32>().ok();
        // Some(None): the server's default, the last twelve whole months
        let period: Option<Option<Period>> = match kind.get_untracked() {
            PeriodChoice::Month => month
                .get_untracked()
                .split_once('-')
                .and_then(|(y, m)| Period::month(y.parse().ok()?, m.parse().ok()?))
                .map(Some),
            PeriodChoice::Quarter => y
                .and_then(|y| Period::quarter(y, quarter.get_untracked().parse().ok()?))
                .map(Some),
            PeriodChoice::Year => y.and_then(Period::year).map(Some),
            PeriodChoice::Last12 => Some(None),
            PeriodChoice::Custom => Period::parse(&from.get_untracked(), &to.get_untracked())
                .ok()
                .map(Some),
        };
        let Some(period) = period else {
            let code = match kind.get_untracked() {
                PeriodChoice::Custom => Period::parse(&from.get_untracked(), &to.get_untracked())
                    .err()
                    .and_then(|e| e.first().map(|e| e.code)),
                _ => None,
            };
            error.set(Some(code.map_or_else(
                || t_string!(i18n, field_errors.invalid_date).to_string(),
                |c| field_message(i18n, c),
            )));
            return;
        };
        error.set(None);
        let mut q = query.get_untracked();
        match period {
            None => {
                q.from.clear();
                q.to.clear();
            }
            Some(p) => {
                q.from = p.from.to_string();
                q.to = p.to.to_string();
            }
        }
        q.measure = measure.get_untracked();
        navigate(
            &format!("/segmentation?{}", query_url(&q)),
            NavigateOptions {
                scroll: false,
                ..NavigateOptions::default()
            },
        );
    };
    view! {
        <form class="seg-controls" role="search" method="get" action="/segmentation" on:submit=apply>
            <label class="field">
                <span>{t!(i18n, segmentation.period)}</span>
                <select name="kind" on:change=move |ev| kind.set(PeriodChoice::parse(&event_target_value(&ev))) prop:value=move || kind.get().as_str()>
                    {PeriodChoice::ALL.map(|k| view! { <option value=k.as_str()>{move || k.label(i18n)}</option> })}
                </select>
            </label>
            <label class="field" hidden=move || kind.get() != PeriodChoice::Month>
                <span>{t!(i18n, segmentation.month)}</span>
                <input type="month" name="month" value=month.get_untracked() prop:value=move || month.get() on:input=move |ev| month.set(event_target_value(&ev)) />
            </label>
            <label class="field" hidden=move || !matches!(kind.get(), PeriodChoice::Quarter | PeriodChoice::Year)>
                <span>{t!(i18n, segmentation.year)}</span>
                <input type="number" name="year" inputmode="numeric" min="2000" max="2099" value=year.get_untracked() prop:value=move || year.get() on:input=move |ev| year.set(event_target_value(&ev)) />
            </label>
            <label class="field" hidden=move || kind.get() != PeriodChoice::Quarter>
                <span>{t!(i18n, segmentation.quarter)}</span>
                <select name="quarter" prop:value=move || quarter.get() on:change=move |ev| quarter.set(event_target_value(&ev))>
                    <option value="1">"Q1"</option><option value="2">"Q2"</option>
                    <option value="3">"Q3"</option><option value="4">"Q4"</option>
                </select>
            </label>
            <label class="field" hidden=move || kind.get() != PeriodChoice::Custom>
                <span>{t!(i18n, segmentation.from)}</span>
                <input type="date" name="from" value=from.get_untracked() prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev)) />
            </label>
            <label class="field" hidden=move || kind.get() != PeriodChoice::Custom>
                <span>{t!(i18n, segmentation.to)}</span>
                <input type="date" name="to" value=to.get_untracked() prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev)) />
            </label>
            <label class="field">
                <span>{t!(i18n, segmentation.measure)}</span>
                <select name="measure" prop:value=move || measure.get() on:change=move |ev| measure.set(event_target_value(&ev))>
                    {Measure::ALL.map(|m| view! { <option value=m.as_str()>{move || measure_label(i18n, m)}</option> })}
                </select>
            </label>
            <button type="submit" class="button button-primary">{t!(i18n, segmentation.apply)}</button>
            <p class="field-error" role="alert" hidden=move || error.get().is_none()>{move || error.get().unwrap_or_default()}</p>
        </form>
    }
}

/// The kinds of period the form offers; "the last twelve months" is the server's default
/// (no dates in the address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PeriodChoice {
    Month,
    Quarter,
    Year,
    Last12,
    Custom,
}

impl PeriodChoice {
    const ALL: [PeriodChoice; 5] = [
        PeriodChoice::Month,
        PeriodChoice::Quarter,
        PeriodChoice::Year,
        PeriodChoice::Last12,
        PeriodChoice::Custom,
    ];

    fn as_str(self) -> &'static str {
        match self {
            PeriodChoice::Month => "month",
            PeriodChoice::Quarter => "quarter",
            PeriodChoice::Year => "year",
            PeriodChoice::Last12 => "last12",
            PeriodChoice::Custom => "custom",
        }
    }

    /// The choice a `<select>` value names; anything else is a custom period.
    fn parse(s: &str) -> PeriodChoice {
        PeriodChoice::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .unwrap_or(PeriodChoice::Custom)
    }

    fn label(self, i18n: leptos_i18n::I18nContext<Locale>) -> String {
        match self {
            PeriodChoice::Month => t_string!(i18n, segmentation.kind_month),
            PeriodChoice::Quarter => t_string!(i18n, segmentation.kind_quarter),
            PeriodChoice::Year => t_string!(i18n, segmentation.kind_year),
            PeriodChoice::Last12 => t_string!(i18n, segmentation.kind_last12),
            PeriodChoice::Custom => t_string!(i18n, segmentation.kind_custom),
        }
        .to_string()
    }
}

/// The choice that describes the period shown (dates from the address or the server).
fn guess_kind(from: &str, to: &str) -> PeriodChoice {
    let (Ok(f), Ok(t)) = (
        chrono::NaiveDate::parse_from_str(from, "%Y-%m-%d"),
        chrono::NaiveDate::parse_from_str(to, "%Y-%m-%d"),
    ) else {
        return PeriodChoice::Last12;
    };
    use chrono::Datelike;
    let p = Some(Period { from: f, to: t });
    if Period::month(f.year(), f.month()) == p {
        PeriodChoice::Month
    } else if Period::quarter(f.year(), f.month0() / 3 + 1) == p {
        PeriodChoice::Quarter
    } else if Period::year(f.year()) == p {
        PeriodChoice::Year
    } else if f.day() == 1
        && t.succ_opt().is_some_and(|n| n.day() == 1)
        && (t - f).num_days() >= 364
        && (t - f).num_days() <= 365
    {
        PeriodChoice::Last12
    } else {
        PeriodChoice::Custom
    }
}

#[component]
fn Classified(
    data: SegmentationData,
    thresholds: Thresholds,
    may_manage: bool,
    on_saved: Callback<()>,
    /// The ranking changed on the server since it was drawn.
    on_stale: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    if data.totals.0.is_empty() {
        return view! {
            <div class="empty-state" role="status">
                <p>{t!(i18n, segmentation.empty)}</p>
                <p class="muted">{format!("{} – {}", data.from, data.to)}</p>
            </div>
        }
        .into_any();
    }
    let measure = data.measure;
    let ranking = StoredValue::new(Ranking::new(data.totals.0));
    let a_bp = RwSignal::new(thresholds.a_bp);
    let b_bp = RwSignal::new(thresholds.b_bp);
    let counts: Memo<Counts> = Memo::new(move |_| {
        let t = Thresholds {
            a_bp: a_bp.get(),
            b_bp: b_bp.get(),
        };
        ranking.with_value(|r| r.counts(t))
    });
    let recompute_ms = RwSignal::new(0.0f64);
    let base = StoredValue::new(SegmentationQuery {
        from: data.from.clone(),
        to: data.to.clone(),
        measure: measure.as_str().to_owned(),
        a: String::new(),
        b: String::new(),
    });
    let current_query = move || {
        let mut q = base.get_value();
        q.a = Thresholds::percent_text(a_bp.get());
        q.b = Thresholds::percent_text(b_bp.get());
        q
    };
    let export = move |format: &str| {
        let headers = if i18n.get_locale() == Locale::en {
            "en"
        } else {
            "zh"
        };
        format!(
            "/api/segmentation/export?format={format}&headers={headers}&{}",
            query_url(&current_query())
        )
    };
    view! {
        <p class="muted seg-scope">
            {format!("{} – {} · {}", data.from, data.to, measure_label(i18n, measure))}
            {data.own_customers_only.then(|| view! { " · " {t!(i18n, segmentation.own_only)} })}
        </p>
        <div class="seg-layout">
            <div class="seg-chart-box" data-recompute-ms=move || format!("{:.3}", recompute_ms.get())>
                <ParetoChart ranking=ranking counts=counts a_bp=a_bp b_bp=b_bp recompute_ms=recompute_ms />
            </div>
            <ThresholdFields counts=counts a_bp=a_bp b_bp=b_bp recompute_ms=recompute_ms />
        </div>
        <ClassCards ranking=ranking counts=counts measure=measure />
        <div class="page-actions seg-actions">
            <a class="button" rel="external" download="" href=move || export("xlsx")>{t!(i18n, segmentation.export_xlsx)}</a>
            <a class="button" rel="external" download="" href=move || export("csv")>{t!(i18n, segmentation.export_csv)}</a>
        </div>
        {may_manage.then(|| view! { <SaveSnapshot current=Signal::derive(current_query) on_saved=on_saved /> })}
        <RankingTable query=base first=data.first stamp=data.stamp ranking=ranking counts=counts measure=measure on_stale=on_stale />
    }
    .into_any()
}

/// The A and B thresholds as typed: a good pair moves the lines and the classes at once
/// (the time it took is kept for the page's own measurement); a refused one keeps what
/// was typed beside its reason, and the chart keeps the last good value.
#[component]
fn ThresholdFields(
    counts: Memo<Counts>,
    a_bp: RwSignal<u32>,
    b_bp: RwSignal<u32>,
    recompute_ms: RwSignal<f64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let a_err = RwSignal::new(None::<String>);
    let b_err = RwSignal::new(None::<String>);
    let percent_input = move |other: RwSignal<u32>, is_a: bool| {
        let err = if is_a { a_err } else { b_err };
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            let (a, b) = if is_a {
                (v, Thresholds::percent_text(other.get_untracked()))
            } else {
                (Thresholds::percent_text(other.get_untracked()), v)
            };
            let started = now_ms();
            match Thresholds::parse(&a, &b) {
                Ok(t) => {
                    a_err.set(None);
                    b_err.set(None);
                    a_bp.set(t.a_bp);
                    b_bp.set(t.b_bp);
                    let _ = counts.get_untracked();
                    recompute_ms.set(now_ms() - started);
                }
                Err(e) => err.set(e.first().map(|e| field_message(i18n, e.code))),
            }
        }
    };
    let a_input = percent_input(b_bp, true);
    let b_input = percent_input(a_bp, false);
    view! {
        <div class="seg-thresholds">
            <label class="field">
                <span>{t!(i18n, segmentation.threshold_a)}</span>
                <input name="a" type="text" inputmode="decimal" aria-invalid=move || a_err.get().is_some().to_string()
                    value=Thresholds::percent_text(a_bp.get_untracked()) prop:value=move || Thresholds::percent_text(a_bp.get()) on:change=a_input />
                <small class="field-error" role="alert">{move || a_err.get()}</small>
            </label>
            <label class="field">
                <span>{t!(i18n, segmentation.threshold_b)}</span>
                <input name="b" type="text" inputmode="decimal" aria-invalid=move || b_err.get().is_some().to_string()
                    value=Thresholds::percent_text(b_bp.get_untracked()) prop:value=move || Thresholds::percent_text(b_bp.get()) on:change=b_input />
                <small class="field-error" role="alert">{move || b_err.get()}</small>
            </label>
            <p class="muted">{t!(i18n, segmentation.drag_hint)}</p>
        </div>
    }
}

/// One card per class: its customers and total, each as a share.
#[component]
fn ClassCards(
    ranking: StoredValue<Ranking>,
    counts: Memo<Counts>,
    measure: Measure,
) -> impl IntoView {
    let i18n = use_i18n();
    let n = ranking.with_value(|r| r.len());
    let net = ranking.with_value(|r| r.net_before[r.len()]);
    let summary = move || {
        let c = counts.get();
        let s = ranking.with_value(|r| r.summary(c));
        [(Class::A, s[0]), (Class::B, s[1]), (Class::C, s[2])]
    };
    view! {
        <div class="seg-summary">
            {move || summary().into_iter().map(|(class, s)| {
                let letter = class.as_str();
                view! {
                    <section class=format!("seg-card seg-card-{}", letter.to_lowercase()) data-class=letter>
                        <h2>{format!("{letter} ")}{move || t_string!(i18n, segmentation.class_word).to_string()}</h2>
                        <p class="seg-count" data-testid=format!("count-{letter}")>{s.customers}</p>
                        <p class="muted">{move || t_string!(i18n, segmentation.share_customers).to_string()} " "
                            {pct(share_bp(s.customers as i128, n as i128))}</p>
                        <p>{move || t_string!(i18n, segmentation.total).to_string()} " " {measure.display(i64::try_from(s.total).unwrap_or(i64::MAX))}</p>
                        <p class="muted">{move || t_string!(i18n, segmentation.share_total).to_string()} " " {pct(share_bp(s.total, net))}</p>
                    </section>
                }
            }).collect_view()}
        </div>
    }
}

/// Rows of the ranking the table has: the first ones (sent with the page, kept) and the
/// last ones asked for, ranks `start ..`.
#[derive(Debug, Clone, Default)]
struct Loaded {
    first: Vec<SegmentRow>,
    start: usize,
    rows: Vec<SegmentRow>,
}

impl Loaded {
    fn covers(&self, (from, to): (usize, usize)) -> bool {
        from >= to
            || to <= self.first.len()
            || (self.start <= from && to <= self.start + self.rows.len())
    }

    fn row(&self, rank: usize) -> Option<&SegmentRow> {
        self.first
            .get(rank)
            .or_else(|| self.rows.get(rank.checked_sub(self.start)?))
    }
}

/// The ranking, all or one class at a time, with the same markup as the other pagers.
/// Classes, shares and the pages' bounds come from the totals the page has; the codes and
/// names of a page other than the first are asked for as it is shown (a few pages at a
/// time, the newest request winning), while the rows on screen stay until they arrive.
#[component]
fn RankingTable(
    query: StoredValue<SegmentationQuery>,
    first: Vec<SegmentRow>,
    stamp: ClassificationStamp,
    ranking: StoredValue<Ranking>,
    counts: Memo<Counts>,
    measure: Measure,
    on_stale: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let tab = RwSignal::new(None::<Class>);
    let page = RwSignal::new(0usize);
    let n = ranking.with_value(|r| r.len());
    let g = ranking.with_value(|r| r.grand_total);
    let range = move || {
        let c = counts.get();
        match tab.get() {
            None => (0, n),
            Some(Class::A) => (0, c.a),
            Some(Class::B) => (c.a, c.a + c.b),
            Some(Class::C) => (c.a + c.b, n),
        }
    };
    let pages = move || {
        let (s, e) = range();
        (e - s).div_ceil(TABLE_PAGE).max(1)
    };
    // the page shown: the one chosen, or the last when moved thresholds shrank the class
    let at = move || page.get().min(pages() - 1);
    // the ranks the pager is on
    let wanted = Memo::new(move |_| {
        let (start, end) = range();
        let from = (start + at() * TABLE_PAGE).min(end);
        (from, (from + TABLE_PAGE).min(end))
    });
    let loaded = RwSignal::new(Loaded {
        first,
        ..Loaded::default()
    });
    let failed = RwSignal::new(None::<AppError>);
    // the ranking changed on the server since the page was drawn
    let stale = RwSignal::new(false);
    // the ranks drawn: the wanted ones once they are here, until then the last drawn
    let drawn = Memo::new(move |before: Option<&(usize, usize)>| {
        let want = wanted.get();
        match before {
            Some(&b) if !loaded.with(|l| l.covers(want)) => b,
            _ => want,
        }
    });
    let asked = StoredValue::new(0u64);
    Effect::new(move |_| {
        let (from, to) = wanted.get();
        // every move makes the answer to an earlier one stale, even to rows already here
        let ticket = asked.get_value() + 1;
        asked.set_value(ticket);
        failed.set(None);
        if loaded.with_untracked(|l| l.covers((from, to))) {
            return;
        }
        let current = move || asked.try_get_value() == Some(ticket);
        // a dragged threshold moves a class's first rank many times a second: ask once it rests
        set_timeout(
            move || {
                if !current() {
                    return;
                }
                leptos::task::spawn_local(async move {
                    let Some(q) = query.try_get_value() else {
                        return;
                    };
                    let start = u32::try_from(from).unwrap_or(u32::MAX);
                    let got = classification_rows(q, start, MAX_ROWS).await;
                    if !current() {
                        return;
                    }
                    match got {
                        // rows of another ranking would not match these ranks and shares
                        Ok(got) if got.stamp != stamp => {
                            stale.try_set(true);
                        }
                        Ok(got) => {
                            loaded.try_update(|l| {
                                l.start = usize::try_from(got.start).unwrap_or(usize::MAX);
                                l.rows = got.rows;
                            });
                        }
                        Err(e) => {
                            failed.try_set(Some(e));
                        }
                    }
                });
            },
            std::time::Duration::from_millis(120),
        );
    });
    view! {
        <div class="seg-tabs" role="tablist">
            {[None, Some(Class::A), Some(Class::B), Some(Class::C)].map(|c| {
                let label = match c { None => t_string!(i18n, segmentation.all).to_string(), Some(Class::A) => "A".into(), Some(Class::B) => "B".into(), Some(Class::C) => "C".into() };
                view! {
                    <button type="button" role="tab" class="button" aria-selected=move || (tab.get() == c).to_string()
                        on:click=move |_| { tab.set(c); page.set(0); }>{label}</button>
                }
            })}
        </div>
        <div class="table-wrap">
            <table class="table seg-table">
                <thead><tr>
                    <th>{t!(i18n, segmentation.rank)}</th>
                    <th>{t!(i18n, segmentation.code)}</th>
                    <th>{t!(i18n, segmentation.name)}</th>
                    <th class="num">{t!(i18n, segmentation.total)}</th>
                    <th class="num">{t!(i18n, segmentation.share)}</th>
                    <th class="num">{t!(i18n, segmentation.cum_share)}</th>
                    <th>{t!(i18n, segmentation.class_word)}</th>
                </tr></thead>
                <tbody aria-busy=move || (drawn.get() != wanted.get()).to_string()>
                    {move || {
                        let (from, to) = drawn.get();
                        let c = counts.get();
                        loaded.with(|l| (from..to).filter_map(|i| {
                            let SegmentRow(id, code, name, total) = l.row(i)?.clone();
                            let cum = ranking.with_value(|r| (i < r.len()).then(|| r.cumulative(i)))?;
                            let class = Ranking::class_at(c, i);
                            Some(view! {
                                <tr>
                                    <td class="num">{i + 1}</td>
                                    <td>{code}</td>
                                    <td><a href=format!("/customers/{id}")>{name}</a></td>
                                    <td class="num">{measure.display(total)}</td>
                                    <td class="num">{pct(share_bp(i128::from(total.max(0)), g))}</td>
                                    <td class="num">{pct(share_bp(cum, g))}</td>
                                    <td><ClassBadge class=class /></td>
                                </tr>
                            })
                        }).collect_view())
                    }}
                </tbody>
            </table>
        </div>
        // beside the pager that asked, where the finger is
        {move || failed.get().map(|e| view! { <p class="banner banner-error" role="alert">{error_message(i18n, &e)}</p> })}
        {move || stale.get().then(|| view! {
            <p class="banner banner-warning seg-stale" role="status">
                {t!(i18n, segmentation.stale)} " "
                <button type="button" class="button" on:click=move |_| on_stale.run(())>{t!(i18n, segmentation.recompute)}</button>
            </p>
        })}
        <nav class="pager" data-page=move || at() + 1 aria-label=move || t_string!(i18n, segmentation.pages).to_string()>
            <button type="button" class="button" data-pager="prev" disabled=move || at() == 0 on:click=move |_| page.set(at().saturating_sub(1))>{t!(i18n, segmentation.prev)}</button>
            <span>{move || format!("{} / {}", at() + 1, pages())}</span>
            <button type="button" class="button" data-pager="next" disabled=move || { at() + 1 >= pages() } on:click=move |_| page.set(at() + 1)>{t!(i18n, segmentation.next)}</button>
        </nav>
    }
}

/// Saving the classification on screen as the official tiers.
#[component]
fn SaveSnapshot(current: Signal<SegmentationQuery>, on_saved: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    // a ServerAction also shows what a plain form post (before the script ran) came back with
    let save = ServerAction::<SaveTierSnapshot>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            on_saved.run(());
        }
    });
    let message = move || {
        save.value()
            .get()
            .map(|r: Result<SnapshotSummary, AppError>| match r {
                Ok(s) => Ok(t_string!(
                    i18n,
                    segmentation.saved,
                    a = s.counts.a,
                    b = s.counts.b,
                    c = s.counts.c
                )
                .to_string()),
                Err(e) => Err(match &e {
                    AppError::Validation(errs) => errs
                        .first()
                        .map_or_else(|| error_message(i18n, &e), |f| field_message(i18n, f.code)),
                    _ => error_message(i18n, &e),
                }),
            })
    };
    view! {
        <form class="seg-save" method="post" action=SaveTierSnapshot::PATH on:submit=move |ev| {
            ev.prevent_default();
            save.dispatch(SaveTierSnapshot { query: current.get_untracked(), name: name.get_untracked() });
        }>
            // the classification on screen, for a plain form post
            <input type="hidden" name="query[from]" value=move || current.with(|q| q.from.clone()) />
            <input type="hidden" name="query[to]" value=move || current.with(|q| q.to.clone()) />
            <input type="hidden" name="query[measure]" value=move || current.with(|q| q.measure.clone()) />
            <input type="hidden" name="query[a]" value=move || current.with(|q| q.a.clone()) />
            <input type="hidden" name="query[b]" value=move || current.with(|q| q.b.clone()) />
            <label class="field">
                <span>{t!(i18n, segmentation.snapshot_name)}</span>
                <input name="name" maxlength="60" placeholder=move || t_string!(i18n, segmentation.snapshot_placeholder).to_string()
                    value=name.get_untracked() prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            </label>
            <button type="submit" class="button button-primary" disabled=move || save.pending().get()>
                {move || if save.pending().get() { t_string!(i18n, common.saving).to_string() } else { t_string!(i18n, segmentation.save_snapshot).to_string() }}
            </button>
            {move || message().map(|m| match m {
                Ok(text) => Either::Left(view! { <p class="banner banner-success" role="status">{text}</p> }),
                Err(text) => Either::Right(view! { <p class="banner banner-error" role="alert">{text}</p> }),
            })}
        </form>
    }
}

#[component]
fn Snapshots(list: Resource<Result<Vec<SnapshotSummary>, AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h2>{t!(i18n, segmentation.snapshots)}</h2>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => Either::Left(view! { <LoadError error=e /> }),
                    Ok(items) if items.is_empty() => Either::Right(Either::Left(view! { <p class="muted">{t!(i18n, segmentation.no_snapshots)}</p> })),
                    Ok(items) => Either::Right(Either::Right(view! {
                        <div class="table-wrap"><table class="table">
                            <thead><tr>
                                <th>{t!(i18n, segmentation.snapshot_name)}</th>
                                <th>{t!(i18n, segmentation.period)}</th>
                                <th>{t!(i18n, segmentation.measure)}</th>
                                <th>"A / B"</th>
                                <th class="num">"A"</th><th class="num">"B"</th><th class="num">"C"</th>
                                <th>{t!(i18n, segmentation.saved_by)}</th>
                            </tr></thead>
                            <tbody>
                                {items.into_iter().map(|s| view! {
                                    <tr>
                                        <td>{s.name}</td>
                                        <td>{format!("{} – {}", s.from, s.to)}</td>
                                        <td>{measure_label(i18n, s.measure)}</td>
                                        <td>{format!("{}% / {}%", Thresholds::percent_text(s.thresholds.a_bp), Thresholds::percent_text(s.thresholds.b_bp))}</td>
                                        <td class="num">{s.counts.a}</td><td class="num">{s.counts.b}</td><td class="num">{s.counts.c}</td>
                                        <td>{format!("{} · {}", s.created_by.unwrap_or_default(), crate::domain::time::beijing_minute(s.created_at))}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    })),
                }
            })}
        </Transition>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_period_form_names_each_choice_and_recognises_the_period_shown() {
        for k in PeriodChoice::ALL {
            assert_eq!(PeriodChoice::parse(k.as_str()), k);
        }
        assert_eq!(PeriodChoice::parse("decade"), PeriodChoice::Custom);
        // no dates in the address: the server's default, the last twelve months
        assert_eq!(guess_kind("", ""), PeriodChoice::Last12);
        assert_eq!(guess_kind("2026-03-01", "2026-03-31"), PeriodChoice::Month);
        assert_eq!(
            guess_kind("2026-04-01", "2026-06-30"),
            PeriodChoice::Quarter
        );
        assert_eq!(guess_kind("2026-01-01", "2026-12-31"), PeriodChoice::Year);
        assert_eq!(guess_kind("2025-11-01", "2026-10-31"), PeriodChoice::Last12);
        assert_eq!(guess_kind("2026-03-05", "2026-03-20"), PeriodChoice::Custom);
    }
}
