//! The transitions page (`/tiers`): two classifications side by side — saved snapshots or
//! periods — as a flow picture and a matrix; a click on a band or a cell lists its
//! customers; below, A customers at risk and B/C customers rising. The comparison lives
//! in the URL.
use super::api::{
    MOVED_PAGE, MovedPage, SnapshotChoice, TransitionData, TransitionQuery, WatchRow,
    compare_tiers, list_moved_customers,
};
use super::flow::{TierFlow, dest_label, origin_label};
use crate::components::Title;
use crate::components::error_view::{LoadError, error_message, field_message};
use crate::components::pager::Pager;
use crate::domain::growth::Growth;
use crate::domain::sales::Measure;
use crate::domain::tier::{Dest, Origin};
use crate::error::AppError;
use crate::features::customers::components::ClassBadge;
use crate::features::segmentation::page::measure_label;
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

/// The tabs of the tier-management pages.
#[component]
pub fn TierTabs(active: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let tab = move |href: &'static str, key: &'static str, label: String| {
        view! {
            <A href=href attr:class="button" attr:aria-current=move || (key == active).then_some("page")>{label}</A>
        }
    };
    view! {
        <nav class="tier-tabs" aria-label=move || t_string!(i18n, tiers.title).to_string()>
            {tab("/tiers", "transitions", t_string!(i18n, tiers.tab_transitions).to_string())}
            {tab("/tiers/policies", "policies", t_string!(i18n, tiers.tab_policies).to_string())}
            {tab("/tiers/changes", "changes", t_string!(i18n, tiers.tab_changes).to_string())}
        </nav>
    }
}

pub fn growth_text(i18n: leptos_i18n::I18nContext<Locale>, g: Growth) -> String {
    match g {
        Growth::New => t_string!(i18n, tiers.growth_new).to_string(),
        Growth::Flat => "—".to_owned(),
        g => g.percent_text().unwrap_or_default(),
    }
}

fn query_url(q: &TransitionQuery) -> String {
    use crate::features::customers::api::percent_encode;
    [
        ("from", &q.from),
        ("to", &q.to),
        ("measure", &q.measure),
        ("risk", &q.risk),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| format!("{k}={}", percent_encode(v)))
    .collect::<Vec<_>>()
    .join("&")
}

/// `B-A` (from B to A) as the cell it names.
fn parse_cell(raw: &str) -> Option<(Origin, Dest)> {
    let (f, t) = raw.split_once('-')?;
    Some((Origin::parse(f).ok()?, Dest::parse(t).ok()?))
}

/// The page's address with a cell's customer list open at `page`.
fn cell_url(q: &TransitionQuery, cell: Option<(Origin, Dest)>, page: u32) -> String {
    let mut url = format!("/tiers?{}", query_url(q));
    if let Some((f, t)) = cell {
        let sep = if url.ends_with('?') { "" } else { "&" };
        url.push_str(&format!("{sep}cell={}-{}", f.as_str(), t.as_str()));
        if page > 1 {
            url.push_str(&format!("&page={page}"));
        }
    }
    url.trim_end_matches('?').to_owned()
}

#[component]
pub fn TransitionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_query_map();
    let query = Memo::new(move |_| {
        params.with(|p| TransitionQuery {
            from: p.get("from").unwrap_or_default(),
            to: p.get("to").unwrap_or_default(),
            measure: p.get("measure").unwrap_or_default(),
            a: String::new(),
            b: String::new(),
            risk: p.get("risk").unwrap_or_default(),
        })
    });
    let data = Resource::new(move || query.get(), compare_tiers);
    // The cell whose customers are listed, and the page of that list, live in the URL
    // (`cell=B-A&page=2`): the back button, a reload and a shared link show the same list.
    let selected = Memo::new(move |_| params.with(|p| p.get("cell").and_then(|c| parse_cell(&c))));
    let page = Memo::new(move |_| {
        params.with(|p| {
            p.get("page")
                .and_then(|v| v.parse::<u32>().ok())
                .unwrap_or(1)
                .max(1)
        })
    });
    let navigate = use_navigate();
    let select = Callback::new(move |(f, t): (Origin, Dest)| {
        navigate(
            &cell_url(&query.get_untracked(), Some((f, t)), 1),
            NavigateOptions {
                scroll: false,
                ..NavigateOptions::default()
            },
        );
    });
    // created with the page, not inside the comparison's Suspense (same order of
    // resources on the server and in the hydrating browser)
    let moved = Resource::new(
        move || (query.get(), selected.get(), page.get()),
        |(q, cell, page)| async move {
            match cell {
                None => Ok(None),
                Some((f, t)) => {
                    list_moved_customers(q, f.as_str().to_owned(), t.as_str().to_owned(), page)
                        .await
                        .map(Some)
                }
            }
        },
    );
    let by_amount = RwSignal::new(false);
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, tiers.title).to_string()) />
        <div class="page-head">
            <h1>{t!(i18n, tiers.title)}</h1>
        </div>
        <TierTabs active="transitions" />
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => Either::Left({
                        crate::components::error_view::page_status(e.status_code());
                        view! {
                            <SideForm query=query data=None />
                            <div class="banner banner-error" role="alert">{side_error(i18n, &e)}</div>
                        }
                    }),
                    Ok(d) => Either::Right(view! {
                        <SideForm query=query data=Some(d.clone()) />
                        <Compared data=d selected=selected select=select by_amount=by_amount />
                    }),
                }
            })}
        </Transition>
        <MovedList query=query selected=selected page=page moved=moved />
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                data.await.ok().map(|d| view! { <WatchLists data=d /> })
            })}
        </Transition>
    }
}

fn side_error(i18n: leptos_i18n::I18nContext<Locale>, e: &AppError) -> String {
    match e {
        AppError::Validation(errs) => errs
            .iter()
            .map(|f| {
                let side = match f.field.as_str() {
                    "from" => t_string!(i18n, tiers.first).to_string(),
                    "to" => t_string!(i18n, tiers.second).to_string(),
                    "risk" => t_string!(i18n, tiers.risk_limit).to_string(),
                    other => other.to_owned(),
                };
                format!("{side}: {}", field_message(i18n, f.code))
            })
            .collect::<Vec<_>>()
            .join("；"),
        e => error_message(i18n, e),
    }
}

/// One side's picker: a saved snapshot, or a period (two dates).
#[component]
fn SidePicker(
    name: &'static str,
    #[prop(into)] label: String,
    snapshots: Vec<SnapshotChoice>,
    choice: RwSignal<String>,
    from: RwSignal<String>,
    to: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="tier-side">
            <legend>{label}</legend>
            <label class="field">
                <span class="visually-hidden">{t!(i18n, tiers.classification)}</span>
                <select name=name prop:value=move || choice.get() on:change=move |ev| choice.set(event_target_value(&ev))>
                    {snapshots.into_iter().map(|s| view! {
                        <option value=format!("snapshot:{}", s.id)>{format!("{} ({} – {})", s.name, s.from, s.to)}</option>
                    }).collect_view()}
                    <option value="period">{t!(i18n, tiers.custom_period)}</option>
                </select>
            </label>
            <div class="tier-dates" hidden=move || choice.get() != "period">
                <label class="field"><span>{t!(i18n, segmentation.from)}</span>
                    <input type="date" name=format!("{name}_from") value=from.get_untracked() prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev)) /></label>
                <label class="field"><span>{t!(i18n, segmentation.to)}</span>
                    <input type="date" name=format!("{name}_to") value=to.get_untracked() prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev)) /></label>
            </div>
        </fieldset>
    }
}

fn split_key(key: &str) -> (String, String, String) {
    if key.starts_with("snapshot:") {
        (key.to_owned(), String::new(), String::new())
    } else {
        let (a, b) = key.split_once(':').unwrap_or(("", ""));
        ("period".to_owned(), a.to_owned(), b.to_owned())
    }
}

#[component]
fn SideForm(query: Memo<TransitionQuery>, data: Option<TransitionData>) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let q = query.get_untracked();
    let snapshots = data
        .as_ref()
        .map(|d| d.snapshots.clone())
        .unwrap_or_default();
    let (k1, k2) = match &data {
        Some(d) => (d.first.key.clone(), d.second.key.clone()),
        None => (q.from.clone(), q.to.clone()),
    };
    let (c1, f1, t1) = split_key(&k1);
    let (c2, f2, t2) = split_key(&k2);
    let choice1 = RwSignal::new(c1);
    let from1 = RwSignal::new(f1);
    let to1 = RwSignal::new(t1);
    let choice2 = RwSignal::new(c2);
    let from2 = RwSignal::new(f2);
    let to2 = RwSignal::new(t2);
    let measure = RwSignal::new(
        data.as_ref()
            .map(|d| d.measure.as_str().to_owned())
            .unwrap_or_else(|| q.measure.clone()),
    );
    let risk = RwSignal::new(
        data.as_ref()
            .map(|d| crate::domain::segmentation::Thresholds::percent_text(d.risk_bp as u32))
            .unwrap_or_else(|| q.risk.clone()),
    );
    let both_periods = move || choice1.get() == "period" && choice2.get() == "period";
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let key = |c: RwSignal<String>, f: RwSignal<String>, t: RwSignal<String>| {
            let c = c.get_untracked();
            if c == "period" {
                format!("{}:{}", f.get_untracked(), t.get_untracked())
            } else {
                c
            }
        };
        let next = TransitionQuery {
            from: key(choice1, from1, to1),
            to: key(choice2, from2, to2),
            measure: measure.get_untracked(),
            a: String::new(),
            b: String::new(),
            risk: risk.get_untracked(),
        };
        navigate(
            &format!("/tiers?{}", query_url(&next)),
            NavigateOptions {
                scroll: false,
                ..NavigateOptions::default()
            },
        );
    };
    view! {
        <form class="tier-controls" role="search" method="get" action="/tiers" on:submit=apply>
            <SidePicker name="first" label=t_string!(i18n, tiers.first).to_string() snapshots=snapshots.clone() choice=choice1 from=from1 to=to1 />
            <span class="tier-arrow" aria-hidden="true">"→"</span>
            <SidePicker name="second" label=t_string!(i18n, tiers.second).to_string() snapshots=snapshots choice=choice2 from=from2 to=to2 />
            <label class="field" hidden=move || !both_periods()>
                <span>{t!(i18n, segmentation.measure)}</span>
                <select name="measure" prop:value=move || measure.get() on:change=move |ev| measure.set(event_target_value(&ev))>
                    {Measure::ALL.map(|m| view! { <option value=m.as_str()>{move || measure_label(i18n, m)}</option> })}
                </select>
            </label>
            <label class="field tier-risk">
                <span>{t!(i18n, tiers.risk_limit)}</span>
                <input name="risk" inputmode="decimal" value=risk.get_untracked() prop:value=move || risk.get() on:input=move |ev| risk.set(event_target_value(&ev)) />
            </label>
            <button type="submit" class="button button-primary">{t!(i18n, tiers.compare)}</button>
        </form>
    }
}

#[component]
fn Compared(
    data: TransitionData,
    selected: Memo<Option<(Origin, Dest)>>,
    select: Callback<(Origin, Dest)>,
    by_amount: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let measure = data.measure;
    let m = data.matrix.clone();
    let cell_button = move |f: Origin, t: Dest| {
        let c = m.cell(f, t);
        if f == Origin::New && t == Dest::Lost {
            return Either::Left(view! { <td class="num muted">"—"</td> });
        }
        let label = format!("{} → {}", origin_label(i18n, f), dest_label(i18n, t));
        Either::Right(view! {
            <td class="num">
                <button type="button" class="tier-cell" data-from=f.as_str() data-to=t.as_str()
                    aria-label=label aria-pressed=move || (selected.get() == Some((f, t))).to_string()
                    on:click=move |_| select.run((f, t))>
                    <strong>{c.customers}</strong>
                    <small>{measure.display(c.total)}</small>
                </button>
            </td>
        })
    };
    let m2 = data.matrix.clone();
    view! {
        <p class="muted seg-scope">
            {format!("{} ({} – {}) → {} ({} – {}) · {}", data.first.label, data.first.from, data.first.to,
                data.second.label, data.second.from, data.second.to, measure_label(i18n, measure))}
            {data.own_customers_only.then(|| view! { " · " {t!(i18n, segmentation.own_only)} })}
        </p>
        <div class="tier-flow-box">
            <div class="tier-size" role="radiogroup" aria-label=move || t_string!(i18n, tiers.size_by).to_string()>
                <span>{t!(i18n, tiers.size_by)}</span>
                <button type="button" class="button" aria-pressed=move || (!by_amount.get()).to_string() on:click=move |_| by_amount.set(false)>{t!(i18n, tiers.by_customers)}</button>
                <button type="button" class="button" aria-pressed=move || by_amount.get().to_string() on:click=move |_| by_amount.set(true)>{t!(i18n, tiers.by_amount)}</button>
            </div>
            <TierFlow matrix=data.matrix.clone() by_amount=by_amount.into() selected=selected select=select
                left_title=data.first.label.clone() right_title=data.second.label.clone() />
            <p class="muted small">{t!(i18n, tiers.flow_hint)}</p>
        </div>
        <div class="table-wrap">
            <table class="table tier-matrix">
                <caption>{t!(i18n, tiers.matrix)}</caption>
                <thead><tr>
                    <th scope="col">{move || format!("{} \\ {}", t_string!(i18n, tiers.first), t_string!(i18n, tiers.second))}</th>
                    {Dest::ALL.map(|t| view! { <th scope="col" class="num">{dest_label(i18n, t)}</th> })}
                    <th scope="col" class="num">{t!(i18n, tiers.row_total)}</th>
                </tr></thead>
                <tbody>
                    {Origin::ALL.map(|f| {
                        let total = m2.from_total(f);
                        view! {
                            <tr>
                                <th scope="row">{origin_label(i18n, f)}</th>
                                {Dest::ALL.map(|t| cell_button(f, t))}
                                <td class="num"><strong>{total.customers}</strong></td>
                            </tr>
                        }
                    })}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn MovedList(
    query: Memo<TransitionQuery>,
    selected: Memo<Option<(Origin, Dest)>>,
    page: Memo<u32>,
    moved: Resource<Result<Option<MovedPage>, AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="tier-moved" aria-labelledby="moved-h" hidden=move || selected.get().is_none()>
            <h2 id="moved-h">{move || selected.get().map(|(f, t)| t_string!(i18n, tiers.cell_customers, from = origin_label(i18n, f), to = dest_label(i18n, t)).to_string())}</h2>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match moved.await {
                        Err(e) => Either::Left(view! { <LoadError error=e /> }),
                        Ok(None) => Either::Right(Either::Left(())),
                        Ok(Some(p)) => {
                            let pages = (p.count as u32).div_ceil(MOVED_PAGE).max(1);
                            let measure = p.measure;
                            Either::Right(Either::Right(view! {
                                <p class="muted" data-testid="moved-count">{t_string!(i18n, tiers.customers_count, count = p.count).to_string()}</p>
                                <div class="table-wrap"><table class="table">
                                    <thead><tr>
                                        <th>{t!(i18n, segmentation.code)}</th>
                                        <th>{t!(i18n, segmentation.name)}</th>
                                        <th class="num">{t!(i18n, tiers.total_second)}</th>
                                    </tr></thead>
                                    <tbody>
                                        {p.rows.into_iter().map(|r| view! {
                                            <tr>
                                                <td>{r.code}</td>
                                                <td><a href=format!("/customers/{}", r.id)>{r.name}</a></td>
                                                <td class="num">{measure.display(r.total)}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table></div>
                                <Pager page=page.get_untracked() pages=pages keep_scroll=true href=move |n| cell_url(&query.get_untracked(), selected.get_untracked(), n) />
                            }))
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

fn watch_table(
    i18n: leptos_i18n::I18nContext<Locale>,
    rows: Vec<WatchRow>,
    measure: Measure,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <div class="table-wrap"><table class="table" data-testid=testid>
            <thead><tr>
                <th>{t!(i18n, segmentation.code)}</th>
                <th>{t!(i18n, segmentation.name)}</th>
                <th>{t!(i18n, segmentation.class_word)}</th>
                <th class="num">{t!(i18n, tiers.total_second)}</th>
                <th class="num">{t!(i18n, tiers.same_period_last_year)}</th>
                <th class="num">{t!(i18n, tiers.yoy)}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r| {
                    view! {
                        <tr>
                            <td>{r.code}</td>
                            <td><a href=format!("/customers/{}", r.id)>{r.name}</a></td>
                            <td><ClassBadge class=r.class /></td>
                            <td class="num">{measure.display(r.total)}</td>
                            <td class="num">{measure.display(r.last_year)}</td>
                            <td class="num">{growth_text(i18n, r.growth)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
    }
}

#[component]
fn WatchLists(data: TransitionData) -> impl IntoView {
    let i18n = use_i18n();
    let m = data.measure;
    let risk = crate::domain::segmentation::Thresholds::percent_text(data.risk_bp as u32);
    let g = data.tier_growth;
    view! {
        <div class="tier-watch">
            <section aria-labelledby="risk-h">
                <h2 id="risk-h">{t_string!(i18n, tiers.at_risk_title, limit = risk.clone()).to_string()}</h2>
                <p class="muted">{t_string!(i18n, tiers.at_risk_hint, count = data.at_risk_count, growth = growth_text(i18n, g[0])).to_string()}</p>
                {if data.at_risk.is_empty() {
                    Either::Left(view! { <p class="muted">{t!(i18n, tiers.none_listed)}</p> })
                } else {
                    Either::Right(watch_table(i18n, data.at_risk, m, "at-risk"))
                }}
            </section>
            <section aria-labelledby="rising-h">
                <h2 id="rising-h">{t!(i18n, tiers.rising_title)}</h2>
                <p class="muted">{t_string!(i18n, tiers.rising_hint, count = data.rising_count, a = growth_text(i18n, g[0]), b = growth_text(i18n, g[1])).to_string()}</p>
                {if data.rising.is_empty() {
                    Either::Left(view! { <p class="muted">{t!(i18n, tiers.none_listed)}</p> })
                } else {
                    Either::Right(watch_table(i18n, data.rising, m, "rising"))
                }}
            </section>
        </div>
    }
}
