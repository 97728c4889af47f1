//! The growth watch page (`/growth`): period, measure, tiers and the candidate rule in the
//! URL; a sortable table of YoY, previous period and the years before, support
//! candidates flagged with their reason; export to Excel.
use super::api::{GROWTH_PAGE, GrowthData, GrowthQuery, growth_watch, save_candidate_rule};
use crate::components::Title;
use crate::components::error_view::{error_message, field_message};
use crate::components::pager::Pager;
use crate::domain::growth::CandidateReason;
use crate::domain::sales::Measure;
use crate::domain::segmentation::Thresholds;
use crate::error::AppError;
use crate::features::customers::components::ClassBadge;
use crate::features::segmentation::page::measure_label;
use crate::features::tiers::transitions_page::growth_text;
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

pub fn reason_text(i18n: leptos_i18n::I18nContext<Locale>, r: &CandidateReason) -> String {
    t_string!(
        i18n,
        growth.reason,
        hits = r.hits,
        of = r.of_last,
        min = Thresholds::percent_text(r.min_growth_bp.max(0) as u32),
        months = r.ordering_months
    )
    .to_string()
}

#[component]
pub fn GrowthPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(|p| GrowthQuery::from_params(|k| p.get(k))));
    let data = Resource::new(move || query.get(), growth_watch);
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, growth.title).to_string()) />
        <div class="page-head"><h1>{t!(i18n, growth.title)}</h1></div>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => Either::Left({
                        crate::components::error_view::page_status(e.status_code());
                        view! {
                            <Controls query=query data=None />
                            <div class="banner banner-error" role="alert">{growth_error(i18n, &e)}</div>
                        }
                    }),
                    Ok(d) => Either::Right(view! {
                        <Controls query=query data=Some(d.clone()) />
                        <Table query=query data=d />
                    }),
                }
            })}
        </Transition>
    }
}

fn growth_error(i18n: leptos_i18n::I18nContext<Locale>, e: &AppError) -> String {
    match e {
        AppError::Validation(errs) => errs
            .iter()
            .map(|f| {
                let label = match f.field.as_str() {
                    "anchor" => t_string!(i18n, growth.period).to_string(),
                    "min_growth" => t_string!(i18n, growth.min_growth).to_string(),
                    "hits" => t_string!(i18n, growth.hits).to_string(),
                    "of_last" => t_string!(i18n, growth.of_last).to_string(),
                    "ordering_months" => t_string!(i18n, growth.ordering_months).to_string(),
                    other => other.to_owned(),
                };
                format!("{label}: {}", field_message(i18n, f.code))
            })
            .collect::<Vec<_>>()
            .join("；"),
        e => error_message(i18n, e),
    }
}

#[component]
fn Controls(query: Memo<GrowthQuery>, data: Option<GrowthData>) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let q = query.get_untracked();
    let pick =
        |from_data: Option<String>, typed: &str| from_data.unwrap_or_else(|| typed.to_owned());
    let kind = RwSignal::new(pick(data.as_ref().map(|d| d.kind.clone()), &q.kind));
    let anchor = RwSignal::new(pick(data.as_ref().map(|d| d.anchor.clone()), &q.anchor));
    let measure = RwSignal::new(pick(
        data.as_ref().map(|d| d.measure.as_str().to_owned()),
        &q.measure,
    ));
    let tiers = RwSignal::new(pick(data.as_ref().map(|d| d.tiers.clone()), &q.tiers));
    let rule = data.as_ref().map(|d| d.rule);
    let min_growth = RwSignal::new(pick(
        rule.map(|r| Thresholds::percent_text(r.min_growth_bp.max(0) as u32)),
        &q.min_growth,
    ));
    let hits = RwSignal::new(pick(rule.map(|r| r.hits.to_string()), &q.hits));
    let of_last = RwSignal::new(pick(rule.map(|r| r.of_last.to_string()), &q.of_last));
    let ordering = RwSignal::new(pick(
        rule.map(|r| r.ordering_months.to_string()),
        &q.ordering_months,
    ));
    let candidates_only = RwSignal::new(q.candidates_only);
    let may_save = data.as_ref().is_some_and(|d| d.may_save_rule);
    let next = move || GrowthQuery {
        kind: kind.get_untracked(),
        anchor: anchor.get_untracked(),
        measure: measure.get_untracked(),
        tiers: tiers.get_untracked(),
        min_growth: min_growth.get_untracked(),
        hits: hits.get_untracked(),
        of_last: of_last.get_untracked(),
        ordering_months: ordering.get_untracked(),
        sort: q.sort.clone(),
        asc: q.asc,
        candidates_only: candidates_only.get_untracked(),
        page: 1,
    };
    let next2 = next.clone();
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        navigate(
            &format!("/growth?{}", next().to_url()),
            NavigateOptions {
                scroll: false,
                ..NavigateOptions::default()
            },
        );
    };
    let export = move || {
        let headers = if i18n.get_locale() == Locale::en {
            "en"
        } else {
            "zh"
        };
        format!("/api/growth/export?headers={headers}&{}", next2().to_url())
    };
    view! {
        <form class="growth-controls" role="search" method="get" action="/growth" on:submit=apply>
            <label class="field">
                <span>{t!(i18n, growth.period_kind)}</span>
                <select name="kind" prop:value=move || kind.get() on:change=move |ev| { kind.set(event_target_value(&ev)); anchor.set(String::new()); }>
                    <option value="month">{t!(i18n, segmentation.kind_month)}</option>
                    <option value="quarter">{t!(i18n, segmentation.kind_quarter)}</option>
                    <option value="year">{t!(i18n, segmentation.kind_year)}</option>
                </select>
            </label>
            <label class="field">
                <span>{t!(i18n, growth.period)}</span>
                <input name="anchor" value=anchor.get_untracked() prop:value=move || anchor.get() on:input=move |ev| anchor.set(event_target_value(&ev))
                    placeholder=move || match kind.get().as_str() { "quarter" => "2026-Q3", "year" => "2026", _ => "2026-10" } />
            </label>
            <label class="field">
                <span>{t!(i18n, segmentation.measure)}</span>
                <select name="measure" prop:value=move || measure.get() on:change=move |ev| measure.set(event_target_value(&ev))>
                    {Measure::ALL.map(|m| view! { <option value=m.as_str()>{move || measure_label(i18n, m)}</option> })}
                </select>
            </label>
            <fieldset class="growth-tiers">
                <legend>{t!(i18n, growth.tiers)}</legend>
                <TierBox tiers=tiers tier="A" label="A".into() />
                <TierBox tiers=tiers tier="B" label="B".into() />
                <TierBox tiers=tiers tier="C" label="C".into() />
                <TierBox tiers=tiers tier="none" label=t_string!(i18n, growth.unclassified).to_string() />
            </fieldset>
            <RuleFields min_growth=min_growth hits=hits of_last=of_last ordering=ordering may_save=may_save />
            <label class="check">
                <input type="checkbox" name="candidates" value="1" checked=candidates_only.get_untracked() prop:checked=move || candidates_only.get() on:change=move |ev| candidates_only.set(event_target_checked(&ev)) />
                <span>{t!(i18n, growth.candidates_only)}</span>
            </label>
            <div class="form-actions">
                <button type="submit" class="button button-primary">{t!(i18n, segmentation.apply)}</button>
                <a class="button" rel="external" download="" href=export>{t!(i18n, segmentation.export_xlsx)}</a>
            </div>
        </form>
    }
}

/// A tier ticked or not in the comma list `tiers`, kept in the order A, B, C, none.
#[component]
fn TierBox(tiers: RwSignal<String>, tier: &'static str, label: String) -> impl IntoView {
    let t = tier;
    view! {
        <label class="check">
            <input type="checkbox" name="tiers" value=t
                checked=tiers.with_untracked(|s| s.split(',').any(|x| x == t))
                prop:checked=move || tiers.with(|s| s.split(',').any(|x| x == t))
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    tiers.update(|s| {
                        let mut v: Vec<&str> = s.split(',').filter(|x| !x.is_empty() && *x != t).collect();
                        if on { v.push(t); }
                        let order = ["A", "B", "C", "none"];
                        v.sort_by_key(|x| order.iter().position(|o| o == x));
                        *s = v.join(",");
                    });
                } />
            <span>{label}</span>
        </label>
    }
}

/// The candidate rule's four numbers, and (for who may) saving them as the company's
/// rule.
#[component]
fn RuleFields(
    min_growth: RwSignal<String>,
    hits: RwSignal<String>,
    of_last: RwSignal<String>,
    ordering: RwSignal<String>,
    may_save: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let save = Action::new(move |(a, b, c, d): &(String, String, String, String)| {
        save_candidate_rule(a.clone(), b.clone(), c.clone(), d.clone())
    });
    view! {
        <fieldset class="growth-rule">
            <legend>{t!(i18n, growth.rule)}</legend>
            <label class="field"><span>{t!(i18n, growth.min_growth)}</span>
                <input name="min_growth" inputmode="decimal" value=min_growth.get_untracked() prop:value=move || min_growth.get() on:input=move |ev| min_growth.set(event_target_value(&ev)) /></label>
            <label class="field"><span>{t!(i18n, growth.hits)}</span>
                <input name="hits" inputmode="numeric" value=hits.get_untracked() prop:value=move || hits.get() on:input=move |ev| hits.set(event_target_value(&ev)) /></label>
            <label class="field"><span>{t!(i18n, growth.of_last)}</span>
                <input name="of_last" inputmode="numeric" value=of_last.get_untracked() prop:value=move || of_last.get() on:input=move |ev| of_last.set(event_target_value(&ev)) /></label>
            <label class="field"><span>{t!(i18n, growth.ordering_months)}</span>
                <input name="ordering_months" inputmode="numeric" value=ordering.get_untracked() prop:value=move || ordering.get() on:input=move |ev| ordering.set(event_target_value(&ev)) /></label>
            {may_save.then(|| view! {
                <button type="button" class="button" on:click=move |_| {
                    save.dispatch((min_growth.get_untracked(), hits.get_untracked(), of_last.get_untracked(), ordering.get_untracked()));
                }>{t!(i18n, growth.save_rule)}</button>
            })}
            {move || save.value().get().map(|r| match r {
                Ok(_) => Either::Left(view! { <p class="banner banner-success" role="status">{t!(i18n, growth.rule_saved)}</p> }),
                Err(e) => Either::Right(view! { <p class="banner banner-error" role="alert">{growth_error(i18n, &e)}</p> }),
            })}
        </fieldset>
    }
}

#[component]
fn Table(query: Memo<GrowthQuery>, data: GrowthData) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let m = data.measure;
    let q0 = query.get_untracked();
    let go = StoredValue::new(move |q: GrowthQuery| {
        navigate(
            &format!("/growth?{}", q.to_url()),
            NavigateOptions {
                scroll: false,
                ..NavigateOptions::default()
            },
        );
    });
    let current_sort = if q0.sort.is_empty() {
        "yoy".to_owned()
    } else {
        q0.sort.clone()
    };
    let header = {
        let current_sort = current_sort.clone();
        move |key: &'static str, label: String, num: bool| {
            let active = current_sort == key;
            let asc = q0.asc;
            let arrow = if active {
                if asc { " ▲" } else { " ▼" }
            } else {
                ""
            };
            let sort = if active {
                if asc { "ascending" } else { "descending" }
            } else {
                "none"
            };
            let next = move || GrowthQuery {
                sort: key.to_owned(),
                asc: active && !asc,
                page: 1,
                ..query.get_untracked()
            };
            view! {
                <th class=if num { "num" } else { "" } aria-sort=sort>
                    <button type="button" class="th-sort" data-sort=key on:click=move |_| go.with_value(|g| g(next()))>{label}{arrow}</button>
                </th>
            }
        }
    };
    let pages = (data.count as u32).div_ceil(GROWTH_PAGE).max(1);
    let page = q0.page.max(1);
    view! {
        <p class="muted seg-scope">
            {format!("{} – {} · {}", data.from, data.to, measure_label(i18n, m))}
            {data.own_customers_only.then(|| view! { " · " {t!(i18n, segmentation.own_only)} })}
        </p>
        <p class="growth-summary">
            <strong data-testid="candidate-count">{data.candidates}</strong>" "{t!(i18n, growth.candidates_found)}
            " · "{t_string!(i18n, tiers.customers_count, count = data.count).to_string()}
            {(!data.rule_saved).then(|| view! { " · " <span class="muted">{t!(i18n, growth.rule_trial)}</span> })}
        </p>
        <div class="table-wrap"><table class="table growth-table">
            <thead><tr>
                {header("code", t_string!(i18n, segmentation.code).to_string(), false)}
                {header("name", t_string!(i18n, segmentation.name).to_string(), false)}
                <th>{t!(i18n, segmentation.class_word)}</th>
                {header("current", t_string!(i18n, growth.current).to_string(), true)}
                {header("last_year", t_string!(i18n, tiers.same_period_last_year).to_string(), true)}
                {header("yoy", t_string!(i18n, tiers.yoy).to_string(), true)}
                {header("previous", t_string!(i18n, growth.previous).to_string(), true)}
                {header("mom", t_string!(i18n, growth.mom).to_string(), true)}
                <th class="num">{t!(i18n, growth.years)}</th>
                <th>{t!(i18n, growth.candidate)}</th>
            </tr></thead>
            <tbody>
                {data.rows.into_iter().map(|r| {
                    let reason = r.candidate.as_ref().map(|c| reason_text(i18n, c));
                    let is_candidate = reason.is_some();
                    view! {
                        <tr class:growth-candidate=is_candidate>
                            <td>{r.code}</td>
                            <td><a href=format!("/customers/{}", r.id)>{r.name}</a>
                                {reason.clone().map(|text| view! { <br /><small class="muted growth-reason">{text}</small> })}</td>
                            <td>{r.tier.map(|t| view! { <ClassBadge class=t /> })}</td>
                            <td class="num">{m.display(r.current)}</td>
                            <td class="num">{m.display(r.last_year)}</td>
                            <td class="num" data-col="yoy">{growth_text(i18n, r.yoy)}</td>
                            <td class="num">{m.display(r.previous)}</td>
                            <td class="num">{growth_text(i18n, r.mom)}</td>
                            <td class="num small">{r.years.iter().map(|v| m.display(*v)).collect::<Vec<_>>().join(" → ")}</td>
                            <td>{reason.map(|text| view! { <span class="badge badge-candidate" title=text>{t!(i18n, growth.candidate_badge)}</span> })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
        <Pager page=page pages=pages href=move |n| format!("/growth?{}", GrowthQuery { page: n, ..query.get_untracked() }.to_url()) />
    }
}
