//! The customer list (客户档案): search, filters, sort and pages live in the URL (so the
//! back button, a reload or a shared link show the same list); owners and managers select
//! rows to assign them to a rep in one go, and export what the filters show.
use super::api::{
    CustomerPage, CustomerQuery, FilterChoices, assign_customers, customer_filters, list_customers,
};
use super::components::{CompletenessBar, TierBadge, kind_class, kind_text};
use super::labels::{kind_label, status_label, terminal_type_label};
use crate::components::Title;
use crate::components::error_view::{LoadError, error_message};
use crate::components::pager::Pager;
use crate::domain::customer::{CustomerKind, TerminalType};
use crate::domain::ids::{CustomerId, EmployeeId};
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use std::collections::BTreeSet;

#[component]
pub fn CustomerListPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_query_map();
    let query = Memo::new(move |_| {
        let map = params.get();
        CustomerQuery::from_lookup(|k| map.get(k))
    });
    let page = Resource::new(move || query.get(), list_customers);
    let filters = Resource::new(|| (), |()| customer_filters());
    let navigate = use_navigate();
    let go = Callback::new(move |q: CustomerQuery| {
        let qs = q.to_query_string();
        let url = if qs.is_empty() {
            "/customers".to_owned()
        } else {
            format!("/customers?{qs}")
        };
        navigate(
            &url,
            NavigateOptions {
                replace: true,
                scroll: false,
                ..NavigateOptions::default()
            },
        );
    });
    let selected = RwSignal::new(BTreeSet::<CustomerId>::new());
    let notice = RwSignal::new(None::<String>);

    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, customers.title).to_string()) />
        <div class="page-head">
            <h1>{t!(i18n, customers.title)}</h1>
            <div class="page-actions">
                <A href="/customers/new" attr:class="button button-primary">{t!(i18n, customers.new_customer)}</A>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        filters.await.ok().filter(|f| f.may_manage).map(|_| view! {
                            <A href="/customers/import" attr:class="button">{t!(i18n, customers.import)}</A>
                        })
                    })}
                </Transition>
                <a class="button" rel="external" download=""
                    href=move || export_href(&query.get(), "csv", i18n.get_locale())>{t!(i18n, customers.export_csv)}</a>
                <a class="button" rel="external" download=""
                    href=move || export_href(&query.get(), "xlsx", i18n.get_locale())>{t!(i18n, customers.export_xlsx)}</a>
            </div>
        </div>
        <SearchBar query=query go=go />
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                filters.await.ok().map(|f| view! { <Filters query=query go=go choices=f /> })
            })}
        </Transition>
        <div class="banner banner-success" role="status" hidden=move || notice.get().is_none()>
            {move || notice.get().unwrap_or_default()}
        </div>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                let choices = filters.await.ok();
                match page.await {
                    Err(e) => Either::Left(view! { <LoadError error=e /> }),
                    Ok(p) => Either::Right(view! {
                        <Results page=p query=query choices=choices selected=selected notice=notice on_assigned=Callback::new(move |()| page.refetch()) />
                    }),
                }
            })}
        </Transition>
    }
}

/// The export URL of the current list.
fn export_href(q: &CustomerQuery, format: &str, locale: Locale) -> String {
    let headers = if locale == Locale::en { "en" } else { "zh" };
    let mut q = q.clone();
    q.page = 1;
    let qs = q.to_query_string();
    let sep = if qs.is_empty() { "" } else { "&" };
    format!("/api/customers/export?format={format}&headers={headers}{sep}{qs}")
}

#[component]
fn SearchBar(query: Memo<CustomerQuery>, go: Callback<CustomerQuery>) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(query.get_untracked().search);
    // follow the URL (back button) without fighting the user's typing
    Effect::new(move |_| text.set(query.get().search));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut q = query.get_untracked();
        q.search = text.get_untracked();
        q.page = 1;
        go.run(q);
    };
    view! {
        <form class="cust-search" role="search" method="get" action="/customers" on:submit=submit>
            <label class="visually-hidden" for="cust-q">{t!(i18n, customers.search)}</label>
            <input id="cust-q" name="q" type="search" enterkeyhint="search"
                placeholder=move || t_string!(i18n, customers.search_placeholder).to_string()
                value=text.get_untracked() bind:value=text />
            <button type="submit" class="button button-primary">{t!(i18n, customers.search)}</button>
        </form>
    }
}

/// One filter select: changing it goes to page 1 of the new list.
#[component]
fn FilterSelect(
    id: &'static str,
    #[prop(into)] label: Signal<String>,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    value: Signal<String>,
    on_pick: Callback<String>,
) -> impl IntoView {
    view! {
        <div class="cust-filter">
            <label for=id>{move || label.get()}</label>
            <select id=id on:change=move |ev| on_pick.run(event_target_value(&ev))>
                {move || {
                    let current = value.get();
                    options.get().into_iter().map(|(v, l)| {
                        let selected = v == current;
                        view! { <option value=v selected=selected>{l}</option> }
                    }).collect_view()
                }}
            </select>
        </div>
    }
}

type I18n = leptos_i18n::I18nContext<Locale>;

/// "Any" first, then `choices`: the options of a filter.
fn or_any(i18n: I18n, choices: impl Iterator<Item = (String, String)>) -> Vec<(String, String)> {
    std::iter::once((String::new(), t_string!(i18n, customers.any).to_string()))
        .chain(choices)
        .collect()
}

fn kind_options(i18n: I18n) -> Vec<(String, String)> {
    let locale = i18n.get_locale();
    or_any(
        i18n,
        CustomerKind::ALL
            .iter()
            .map(|k| (k.as_str().to_owned(), kind_label(locale, k.as_str()))),
    )
}

fn type_options(i18n: I18n) -> Vec<(String, String)> {
    let locale = i18n.get_locale();
    or_any(
        i18n,
        TerminalType::ALL.iter().map(|t| {
            (
                t.as_str().to_owned(),
                terminal_type_label(locale, t.as_str()),
            )
        }),
    )
}

fn status_options(i18n: I18n) -> Vec<(String, String)> {
    let locale = i18n.get_locale();
    or_any(
        i18n,
        ["active", "dormant", "closed"]
            .iter()
            .map(|s| ((*s).to_owned(), status_label(locale, s))),
    )
}

/// The sorts of the list, by name first (the default, sent as no value).
fn sort_options(i18n: I18n) -> Vec<(String, String)> {
    [
        ("", t_string!(i18n, customers.sort_name).to_string()),
        ("code", t_string!(i18n, customers.sort_code).to_string()),
        ("region", t_string!(i18n, customers.sort_region).to_string()),
        (
            "updated",
            t_string!(i18n, customers.sort_updated).to_string(),
        ),
        (
            "completeness",
            t_string!(i18n, customers.sort_completeness).to_string(),
        ),
    ]
    .into_iter()
    .map(|(k, label)| (k.to_owned(), label))
    .collect()
}

/// A, B, C, then the customers not classified yet.
fn tier_options(i18n: I18n) -> Vec<(String, String)> {
    let word = t_string!(i18n, customers.tier_word).to_string();
    let tiers = ["A", "B", "C"].map(|t| (t.to_owned(), format!("{t} {word}")));
    let none = (
        "none".to_owned(),
        t_string!(i18n, customers.unclassified).to_string(),
    );
    or_any(i18n, tiers.into_iter().chain(std::iter::once(none)))
}

#[component]
fn Filters(
    query: Memo<CustomerQuery>,
    go: Callback<CustomerQuery>,
    choices: FilterChoices,
) -> impl IntoView {
    let i18n = use_i18n();
    let any = move || (String::new(), t_string!(i18n, customers.any).to_string());
    let set = move |f: fn(&mut CustomerQuery, String)| {
        Callback::new(move |v: String| {
            let mut q = query.get_untracked();
            f(&mut q, v);
            q.page = 1;
            go.run(q);
        })
    };
    let regions = choices.regions.clone();
    let districts = Signal::derive({
        let regions = regions.clone();
        move || {
            std::iter::once(any())
                .chain(regions.iter().map(|(d, _)| (d.clone(), d.clone())))
                .collect::<Vec<_>>()
        }
    });
    let townships = Signal::derive(move || {
        let d = query.get().district;
        std::iter::once(any())
            .chain(
                regions
                    .iter()
                    .filter(|(rd, _)| *rd == d)
                    .flat_map(|(_, ts)| ts.iter().map(|t| (t.clone(), t.clone()))),
            )
            .collect::<Vec<_>>()
    });
    let reps = choices.reps.clone();
    let rep_options = Signal::derive(move || {
        std::iter::once(any())
            .chain(std::iter::once((
                "none".to_owned(),
                t_string!(i18n, customers.unassigned).to_string(),
            )))
            .chain(reps.iter().map(|r| (r.id.to_string(), r.name.clone())))
            .collect::<Vec<_>>()
    });
    let subs = choices.sub_distributors.clone();
    let parent_options = Signal::derive(move || {
        std::iter::once(any())
            .chain(
                subs.iter()
                    .map(|(id, code, name)| (id.to_string(), format!("{name}（{code}）"))),
            )
            .collect::<Vec<_>>()
    });
    let kinds = Signal::derive(move || kind_options(i18n));
    let types = Signal::derive(move || type_options(i18n));
    let statuses = Signal::derive(move || status_options(i18n));
    let sorts = Signal::derive(move || sort_options(i18n));
    let tiers = Signal::derive(move || tier_options(i18n));
    let v = move |f: fn(&CustomerQuery) -> String| Signal::derive(move || f(&query.get()));
    let may_manage = choices.may_manage;
    view! {
        <div class="cust-filters">
            <FilterSelect id="flt-kind" label=Signal::derive(move || t_string!(i18n, customers.filter_kind).to_string()) options=kinds value=v(|q| q.kind.clone()) on_pick=set(|q, v| q.kind = v) />
            <FilterSelect id="flt-type" label=Signal::derive(move || t_string!(i18n, customers.filter_type).to_string()) options=types value=v(|q| q.terminal_type.clone()) on_pick=set(|q, v| q.terminal_type = v) />
            <FilterSelect id="flt-tier" label=Signal::derive(move || t_string!(i18n, customers.filter_tier).to_string()) options=tiers value=v(|q| q.tier.clone()) on_pick=set(|q, v| q.tier = v) />
            <FilterSelect id="flt-status" label=Signal::derive(move || t_string!(i18n, customers.filter_status).to_string()) options=statuses value=v(|q| q.status.clone()) on_pick=set(|q, v| q.status = v) />
            <FilterSelect id="flt-district" label=Signal::derive(move || t_string!(i18n, customers.filter_district).to_string()) options=districts value=v(|q| q.district.clone()) on_pick=set(|q, v| { q.district = v; q.township.clear(); }) />
            <FilterSelect id="flt-township" label=Signal::derive(move || t_string!(i18n, customers.filter_township).to_string()) options=townships value=v(|q| q.township.clone()) on_pick=set(|q, v| q.township = v) />
            {may_manage.then(|| view! {
                <FilterSelect id="flt-rep" label=Signal::derive(move || t_string!(i18n, customers.filter_rep).to_string()) options=rep_options value=v(|q| q.rep.clone()) on_pick=set(|q, v| q.rep = v) />
            })}
            <FilterSelect id="flt-parent" label=Signal::derive(move || t_string!(i18n, customers.filter_parent).to_string()) options=parent_options value=v(|q| q.parent.clone()) on_pick=set(|q, v| q.parent = v) />
            <FilterSelect id="flt-sort" label=Signal::derive(move || t_string!(i18n, customers.sort).to_string()) options=sorts value=v(|q| q.sort.clone()) on_pick=set(|q, v| q.sort = v) />
            <label class="cust-check">
                <input type="checkbox" checked=query.get_untracked().desc prop:checked=move || query.get().desc
                    on:change=move |ev| { let mut q = query.get_untracked(); q.desc = event_target_checked(&ev); go.run(q); } />
                {t!(i18n, customers.descending)}
            </label>
            <button type="button" class="button button-small" on:click=move |_| go.run(CustomerQuery::default())>
                {t!(i18n, customers.clear_filters)}
            </button>
        </div>
    }
}

#[component]
fn Results(
    page: CustomerPage,
    query: Memo<CustomerQuery>,
    choices: Option<FilterChoices>,
    selected: RwSignal<BTreeSet<CustomerId>>,
    notice: RwSignal<Option<String>>,
    on_assigned: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let may_manage = choices.as_ref().is_some_and(|c| c.may_manage);
    let total = page.total;
    let per_page = i64::from(page.per_page.max(1));
    let pages = ((total + per_page - 1) / per_page).max(1);
    let current = i64::from(page.page);
    let ids: Vec<CustomerId> = page.rows.iter().map(|r| r.id).collect();
    if page.rows.is_empty() && total > 0 {
        // past the last page (an old link, or the list shrank meanwhile)
        let mut q = query.get_untracked();
        q.page = u32::try_from(pages).unwrap_or(1);
        let href = format!("/customers?{}", q.to_query_string());
        return Either::Left(view! {
            <p class="empty-state">
                {t!(i18n, customers.past_last_page)}" "
                <A href=href attr:class="button">{t_string!(i18n, customers.to_last_page, page = pages).to_string()}</A>
            </p>
        }.into_any());
    }
    if page.rows.is_empty() {
        return Either::Left(
            view! { <p class="empty-state">{t!(i18n, customers.empty)}</p> }.into_any(),
        );
    }
    let all_ids = ids.clone();
    let rows = page.rows;
    Either::Right(view! {
        <p class="muted" aria-live="polite">{move || t_string!(i18n, customers.count, count = total).to_string()}</p>
        {may_manage.then(|| view! { <AssignBar selected=selected choices=choices.clone() notice=notice on_assigned=on_assigned /> })}
        <div class="table-wrap"><table class="table cust-table">
            <thead>
                <tr>
                    {may_manage.then(|| view! {
                        <th scope="col" class="cust-select">
                            <input type="checkbox" aria-label=move || t_string!(i18n, customers.select_page).to_string()
                                checked=false prop:checked={ let ids = all_ids.clone(); move || { let s = selected.get(); ids.iter().all(|i| s.contains(i)) } }
                                on:change={ let ids = all_ids.clone(); move |ev| {
                                    let on = event_target_checked(&ev);
                                    selected.update(|s| for i in &ids { if on { s.insert(*i); } else { s.remove(i); } });
                                } } />
                        </th>
                    })}
                    <th scope="col">{t!(i18n, fields.code)}</th>
                    <th scope="col">{t!(i18n, fields.name)}</th>
                    <th scope="col">{t!(i18n, fields.kind)}</th>
                    <th scope="col">{t!(i18n, customers.col_region)}</th>
                    <th scope="col">{t!(i18n, fields.contact)}</th>
                    <th scope="col">{t!(i18n, fields.phone)}</th>
                    <th scope="col">{t!(i18n, customers.col_rep)}</th>
                    <th scope="col">{t!(i18n, customers.col_parent)}</th>
                    <th scope="col">{t!(i18n, customers.col_completeness)}</th>
                    <th scope="col" title=move || t_string!(i18n, visits.health).to_string()>{t!(i18n, customers.col_health)}</th>
                </tr>
            </thead>
            // The rows hold no reactive text of their own (fifty rows of a dozen labels
            // each were 600 effects to set up while the page hydrated, a quarter of a
            // second on a mid-range tablet): the body is drawn again when the language
            // changes. Row links are plain anchors, which the router follows all the same.
            <tbody>
                {move || {
                    let locale = i18n.get_locale();
                    let label = CellLabels::new(i18n);
                    rows.iter().map(|c| {
                    let id = c.id;
                    let name = c.name.clone();
                    let region = [c.district.clone(), c.township.clone()].into_iter().flatten().collect::<Vec<_>>().join(" ");
                    view! {
                        <tr data-code=c.code.clone() class:inactive=c.status != "active">
                            {may_manage.then(|| view! {
                                <td class="cust-select">
                                    <input type="checkbox"
                                        aria-label=t_string!(i18n, customers.select_row, name = name.clone()).to_string()
                                        checked=selected.with_untracked(|s| s.contains(&id)) prop:checked=move || selected.get().contains(&id)
                                        on:change=move |ev| { let on = event_target_checked(&ev); selected.update(|s| { if on { s.insert(id); } else { s.remove(&id); } }); } />
                                </td>
                            })}
                            <td data-label=label.code.clone()>{c.code.clone()}</td>
                            <td data-label=label.name.clone()>
                                <TierBadge tier=c.tier />
                                <a href=format!("/customers/{id}") class="cust-name">{c.name.clone()}</a>
                                {(c.status != "active").then(|| view! { <span class="badge badge-off">{status_label(locale, &c.status)}</span> })}
                            </td>
                            <td data-label=label.kind.clone()><span class=kind_class(&c.kind)>{kind_text(locale, &c.kind, c.terminal_type.as_deref())}</span></td>
                            <td data-label=label.region.clone()>{region}</td>
                            <td data-label=label.contact.clone()>{c.contact.clone().unwrap_or_default()}</td>
                            <td data-label=label.phone.clone()>{c.phone.clone().map(|p| view! { <a href=format!("tel:{p}")>{p.clone()}</a> })}</td>
                            <td data-label=label.rep.clone()>{c.rep_name.clone().unwrap_or_default()}</td>
                            <td data-label=label.parent.clone()>{c.parent_name.clone().unwrap_or_default()}</td>
                            <td data-label=label.completeness.clone()><CompletenessBar percent=c.completeness /></td>
                            <td data-label=label.health.clone()>{c.health.map(|s| view! { <crate::features::visits::page::HealthBadge score=s /> })}</td>
                        </tr>
                    }
                }).collect_view()
                }}
            </tbody>
        </table></div>
        <Pager page=u32::try_from(current).unwrap_or(1) pages=u32::try_from(pages).unwrap_or(1) href=move |n| {
            let mut q = query.get_untracked();
            q.page = n;
            format!("/customers?{}", q.to_query_string())
        } />
    })
}

/// The column names a narrow screen shows beside each cell (`data-label`).
struct CellLabels {
    code: String,
    name: String,
    kind: String,
    region: String,
    contact: String,
    phone: String,
    rep: String,
    parent: String,
    completeness: String,
    health: String,
}

impl CellLabels {
    fn new(i18n: I18n) -> Self {
        Self {
            code: t_string!(i18n, fields.code).to_string(),
            name: t_string!(i18n, fields.name).to_string(),
            kind: t_string!(i18n, fields.kind).to_string(),
            region: t_string!(i18n, customers.col_region).to_string(),
            contact: t_string!(i18n, fields.contact).to_string(),
            phone: t_string!(i18n, fields.phone).to_string(),
            rep: t_string!(i18n, customers.col_rep).to_string(),
            parent: t_string!(i18n, customers.col_parent).to_string(),
            completeness: t_string!(i18n, customers.col_completeness).to_string(),
            health: t_string!(i18n, customers.col_health).to_string(),
        }
    }
}

/// Appears when rows are selected: assign them to a rep (or unassign).
#[component]
fn AssignBar(
    selected: RwSignal<BTreeSet<CustomerId>>,
    choices: Option<FilterChoices>,
    notice: RwSignal<Option<String>>,
    on_assigned: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let rep = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let reps = choices.map(|c| c.reps).unwrap_or_default();
    let assign = move |_| {
        let ids: Vec<CustomerId> = selected.get_untracked().into_iter().collect();
        let target = rep.get_untracked().parse::<EmployeeId>().ok();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let r = assign_customers(ids, target).await;
            busy.set(false);
            match r {
                Ok(n) => {
                    selected.set(BTreeSet::new());
                    failure.set(None);
                    notice.set(Some(
                        t_string!(i18n, customers.assigned, count = n).to_string(),
                    ));
                    on_assigned.run(());
                }
                Err(e) => failure.set(Some(error_message(i18n, &e))),
            }
        });
    };
    view! {
        <div class="cust-assign" hidden=move || selected.get().is_empty()>
            <span>{move || t_string!(i18n, customers.selected, count = selected.get().len()).to_string()}</span>
            <label for="assign-rep">{t!(i18n, customers.assign_to)}</label>
            <select id="assign-rep" on:change=move |ev| rep.set(event_target_value(&ev))>
                <option value="">{t!(i18n, customers.unassigned)}</option>
                {reps.into_iter().map(|r| view! { <option value=r.id.to_string()>{r.name}</option> }).collect_view()}
            </select>
            <button type="button" class="button button-primary" on:click=assign disabled=move || busy.get()>{t!(i18n, customers.assign)}</button>
            <span class="field-error" role="alert" hidden=move || failure.get().is_none()>{move || failure.get().unwrap_or_default()}</span>
        </div>
    }
}
