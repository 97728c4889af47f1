//! The dashboard page: a grid of tiles.
use crate::components::Title;
use crate::components::error_view::LoadError;
use crate::components::layout::{role_name, use_current_user};
use crate::domain::segmentation::Class;
use crate::features::dashboard::api::get_dashboard;
use crate::i18n::*;
use leptos::prelude::*;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    // A driver's morning page is their deliveries; the company's figures are not theirs.
    if user
        .as_ref()
        .is_some_and(|u| !u.role.may(crate::domain::staff::Action::ViewDashboard))
    {
        return view! { <leptos_router::components::Redirect path="/deliveries" /> }.into_any();
    }
    let summary = Resource::new(|| (), |()| get_dashboard());
    let name = user.map(|u| u.name).unwrap_or_default();
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, dashboard.title).to_string()) />
        <div class="page-head">
            <h1>{t!(i18n, dashboard.title)}</h1>
            <p class="page-sub">{move || t_string!(i18n, dashboard.welcome, name = name.clone()).to_string()}</p>
        </div>
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match summary.await {
                    Err(e) => view! { <LoadError error=e /> }.into_any(),
                    Ok(s) => {
                        let inactive = s.staff_total - s.staff_active;
                        let by_role = s.active_by_role.clone();
                        let last = s.last_change;
                        view! {
                            <section class="tiles">
                                <article class="tile" data-tile="staff">
                                    <h2>{t!(i18n, dashboard.staff_tile)}</h2>
                                    <p class="tile-figure">{s.staff_active}</p>
                                    <p class="tile-label">{t!(i18n, dashboard.active_staff)}</p>
                                    <ul class="tile-list">
                                        {by_role.into_iter().map(|(role, n)| view! {
                                            <li><span>{move || role_name(i18n, role)}</span><strong>{n}</strong></li>
                                        }).collect_view()}
                                    </ul>
                                    {(inactive > 0).then(|| view! {
                                        <p class="muted">{move || t_string!(i18n, dashboard.inactive_staff, count = inactive).to_string()}</p>
                                    })}
                                </article>
                                <article class="tile" data-tile="freshness">
                                    <h2>{t!(i18n, dashboard.freshness_tile)}</h2>
                                    <p class="tile-text">
                                        {move || match last {
                                            Some(t) => {
                                                let time = crate::domain::time::beijing_minute(t);
                                                t_string!(i18n, dashboard.freshness_at, time = time).to_string()
                                            }
                                            None => t_string!(i18n, dashboard.freshness_never).to_string(),
                                        }}
                                    </p>
                                </article>
                                <article class="tile" data-tile="tiers">
                                    <h2><a href="/tiers">{t!(i18n, dashboard.tiers_tile)}</a></h2>
                                    <ul class="tile-list">
                                        {Class::ALL.into_iter().zip(s.tiers).map(|(l, n)| view! {
                                            <li><crate::features::customers::components::TierBadge tier=Some(l) /><strong data-testid=format!("tier-count-{}", l.as_str())>{n}</strong></li>
                                        }).collect_view()}
                                        {(s.tiers[3] > 0).then(|| view! { <li><span>{t!(i18n, dashboard.unclassified)}</span><strong>{s.tiers[3]}</strong></li> })}
                                    </ul>
                                    <p class="muted small">{move || match s.movement {
                                        Some((up, down, first)) => t_string!(i18n, dashboard.movement, up = up, down = down, first = first).to_string(),
                                        None => t_string!(i18n, dashboard.no_snapshot).to_string(),
                                    }}</p>
                                </article>
                                <article class="tile" data-tile="candidates">
                                    <h2><a href="/growth?candidates=1">{t!(i18n, dashboard.candidates_tile)}</a></h2>
                                    <p class="tile-figure">{s.candidates}</p>
                                    <p class="tile-label">{t_string!(i18n, dashboard.candidates_label, period = s.candidates_month.clone()).to_string()}</p>
                                </article>
                                <article class="tile" data-tile="violations">
                                    <h2><a href="/discipline">{t!(i18n, dashboard.violations_tile)}</a></h2>
                                    <p class="tile-figure">{s.open_violations}</p>
                                    <p class="tile-label">{t!(i18n, dashboard.open_violations)}</p>
                                </article>
                                <article class={if s.breaches_today > 0 { "tile tile-alert" } else { "tile" }} data-tile="service">
                                    <h2><a href="/tickets">{t!(i18n, dashboard.service_tile)}</a></h2>
                                    <p class="tile-figure">{s.breaches_today}</p>
                                    <p class="tile-label">{t!(i18n, dashboard.breaches_today)}</p>
                                    <p class="tile-text">{t!(i18n, dashboard.open_tickets, count = s.open_tickets)}</p>
                                </article>
                                <article class={if s.overdue.total.past_30().0 > 0 { "tile tile-alert" } else { "tile" }} data-tile="receivables">
                                    <h2><a href="/receivables">{t!(i18n, receivables.tile_title)}</a></h2>
                                    <p class="tile-figure" data-testid="overdue-total">{format!("¥{}", s.overdue.total.past_30().to_display_string())}</p>
                                    <p class="tile-label">{t!(i18n, receivables.tile_overdue)}</p>
                                    {if s.overdue.top.is_empty() {
                                        view! { <p class="tile-text">{t!(i18n, receivables.tile_none)}</p> }.into_any()
                                    } else {
                                        view! {
                                            <ol class="tile-list tile-ranking">
                                                {s.overdue.top.iter().map(|c| view! {
                                                    <li><a href=format!("/receivables/{}", c.id)>{c.name.clone()}</a><strong>{c.aging.past_30().to_display_string()}</strong></li>
                                                }).collect_view()}
                                            </ol>
                                        }.into_any()
                                    }}
                                </article>
                                <article class={if s.overdue_visits > 0 { "tile tile-alert" } else { "tile" }} data-tile="visits">
                                    <h2><a href="/visits">{t!(i18n, dashboard.visits_tile)}</a></h2>
                                    <p class="tile-figure">{s.overdue_visits}</p>
                                    <p class="tile-label">{t!(i18n, dashboard.overdue_visits)}</p>
                                    <p class="tile-text">{if s.birthdays.is_empty() {
                                        t_string!(i18n, dashboard.no_birthdays).to_string()
                                    } else {
                                        format!("{}{}", t_string!(i18n, dashboard.birthdays), s.birthdays.iter().map(|(d, n)| format!("{n} ({})", d.get(5..).unwrap_or(d))).collect::<Vec<_>>().join(t_string!(i18n, common.list_sep)))
                                    }}</p>
                                </article>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
    .into_any()
}
