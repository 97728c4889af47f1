//! Tier changes (`/tiers/changes`): which customers a snapshot moved, and the policy each
//! now gets. A rep sees the changes of their own customers — their to-do list after a
//! new classification.
use super::api::list_tier_changes;
use super::transitions_page::TierTabs;
use crate::components::Title;
use crate::components::error_view::LoadError;
use crate::domain::segmentation::Class;
use crate::features::customers::components::ClassBadge;
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;

fn rank(c: Class) -> u8 {
    match c {
        Class::A => 0,
        Class::B => 1,
        Class::C => 2,
    }
}

#[component]
pub fn TierChangesPage() -> impl IntoView {
    let i18n = use_i18n();
    let moves_only = RwSignal::new(true);
    let changes = Resource::new(move || moves_only.get(), list_tier_changes);
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, tiers.changes_title).to_string()) />
        <div class="page-head"><h1>{t!(i18n, tiers.title)}</h1></div>
        <TierTabs active="changes" />
        <label class="check">
            <input type="checkbox" name="moves_only" checked=moves_only.get_untracked() prop:checked=move || moves_only.get() on:change=move |ev| moves_only.set(event_target_checked(&ev)) />
            <span>{t!(i18n, tiers.moves_only)}</span>
        </label>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match changes.await {
                    Err(e) => Either::Left(view! { <LoadError error=e /> }),
                    Ok(list) if list.is_empty() => Either::Right(Either::Left(view! { <p class="muted">{t!(i18n, tiers.no_changes)}</p> })),
                    Ok(list) => Either::Right(Either::Right(view! {
                        <div class="table-wrap"><table class="table tier-changes">
                            <thead><tr>
                                <th>{t!(i18n, tiers.changed_at)}</th>
                                <th>{t!(i18n, segmentation.name)}</th>
                                <th>{t!(i18n, tiers.change)}</th>
                                <th>{t!(i18n, tiers.snapshot)}</th>
                                <th>{t!(i18n, tiers.policy_now)}</th>
                                <th>{t!(i18n, tiers.rep)}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|c| {
                                    let direction = match c.old_tier {
                                        None => "tier-move-first",
                                        Some(o) if rank(c.new_tier) < rank(o) => "tier-move-up",
                                        Some(_) => "tier-move-down",
                                    };
                                    let policy = c.policy.map(|p| t_string!(i18n, tiers.policy_brief,
                                        visits = p.visits_per_month,
                                        supports = p.supports.len(),
                                        day = p.effective_from).to_string());
                                    view! {
                                        <tr class=direction>
                                            <td>{crate::domain::time::beijing_date(c.at).to_string()}</td>
                                            <td><a href=format!("/customers/{}", c.customer_id)>{c.name}</a><br /><small class="muted">{c.code}</small></td>
                                            <td>
                                                {match c.old_tier {
                                                    Some(o) => Either::Left(view! { <ClassBadge class=o /> }),
                                                    None => Either::Right(view! { <span class="muted">{t!(i18n, tiers.first_time)}</span> }),
                                                }}
                                                " → "
                                                <ClassBadge class=c.new_tier />
                                            </td>
                                            <td>{c.snapshot}</td>
                                            <td>{policy.unwrap_or_else(|| t_string!(i18n, tiers.no_policy).to_string())}</td>
                                            <td>{c.rep.unwrap_or_default()}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    })),
                }
            })}
        </Transition>
    }
}
