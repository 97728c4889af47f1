//! Tier policies (`/tiers/policies`): the version in force per tier, the owner's form
//! for a new version with its effective date, and every version.
use super::api::{PolicyOverview, PolicySummary, SaveTierPolicy, list_tier_policies};
use super::transitions_page::TierTabs;
use crate::components::Title;
use crate::components::error_view::{ActionError, LoadError, message_for};
use crate::domain::ids::PolicyId;
use crate::domain::money::Money;
use crate::domain::segmentation::{Class, Thresholds};
use crate::domain::tier::{SupportType, TierPolicyInput};
use crate::error::AppError;
use crate::features::customers::components::ClassBadge;
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;

pub fn support_label(i18n: leptos_i18n::I18nContext<Locale>, s: SupportType) -> String {
    match s {
        SupportType::Consulting => t_string!(i18n, tiers.support_consulting),
        SupportType::Management => t_string!(i18n, tiers.support_management),
        SupportType::TerritoryExtension => t_string!(i18n, tiers.support_territory_extension),
        SupportType::ExclusiveCategories => t_string!(i18n, tiers.support_exclusive_categories),
        SupportType::TerminalPromotion => t_string!(i18n, tiers.support_terminal_promotion),
        SupportType::Knowledge => t_string!(i18n, tiers.support_knowledge),
        SupportType::Material => t_string!(i18n, tiers.support_material),
        SupportType::Distribution => t_string!(i18n, tiers.support_distribution),
        SupportType::DisplayGiftLottery => t_string!(i18n, tiers.support_display_gift_lottery),
    }
    .to_string()
}

/// A policy in a few words: visits, support, budget, credit.
#[component]
pub fn PolicyFacts(policy: PolicySummary) -> impl IntoView {
    let i18n = use_i18n();
    let supports = policy
        .supports
        .iter()
        .map(|s| support_label(i18n, *s))
        .collect::<Vec<_>>();
    view! {
        <dl class="policy-facts">
            <dt>{t!(i18n, tiers.visits_per_month)}</dt><dd data-testid="visits">{policy.visits_per_month}</dd>
            <dt>{t!(i18n, tiers.budget_share)}</dt><dd>{format!("{}%", Thresholds::percent_text(policy.budget_share_bp))}</dd>
            <dt>{t!(i18n, tiers.credit)}</dt>
            <dd>{t_string!(i18n, tiers.credit_terms, limit = Money(policy.credit_limit).to_display_string(), days = policy.credit_days).to_string()}</dd>
            <dt>{t!(i18n, tiers.supports)}</dt>
            <dd>
                {if supports.is_empty() { Either::Left(view! { <span class="muted">"—"</span> }) } else {
                    Either::Right(view! { <ul class="chips">{supports.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ul> })
                }}
            </dd>
            {policy.notes.map(|n| view! { <dt>{t!(i18n, tiers.notes)}</dt><dd>{n}</dd> })}
            <dt>{t!(i18n, tiers.effective_from)}</dt><dd>{policy.effective_from}</dd>
        </dl>
    }
}

#[component]
pub fn PoliciesPage() -> impl IntoView {
    let i18n = use_i18n();
    let overview = Resource::new(|| (), |()| list_tier_policies());
    let saved = Callback::new(move |()| overview.refetch());
    let today = Signal::derive(move || overview.get().and_then(Result::ok).map(|o| o.today));
    let may_edit = crate::components::layout::use_current_user()
        .is_some_and(|u| u.role.may(crate::domain::staff::Action::SetTierPolicies));
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, tiers.policies_title).to_string()) />
        <div class="page-head"><h1>{t!(i18n, tiers.title)}</h1></div>
        <TierTabs active="policies" />
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Err(e) => Either::Left(view! { <LoadError error=e /> }),
                    Ok(o) => Either::Right(view! { <InForce overview=o /> }),
                }
            })}
        </Transition>
        // outside the overview's Transition: reloading the versions after a save keeps
        // what was typed and the confirmation
        {may_edit.then(|| view! { <PolicyForm on_saved=saved today=today /> })}
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                overview.await.ok().map(|o| view! { <Versions overview=o /> })
            })}
        </Transition>
    }
}

#[component]
fn InForce(overview: PolicyOverview) -> impl IntoView {
    let i18n = use_i18n();
    let today = overview.today.clone();
    view! {
        <p class="muted">{t_string!(i18n, tiers.in_force_on, day = today.clone()).to_string()}</p>
        <div class="policy-cards">
            {Class::ALL.into_iter().zip(overview.in_force.clone()).map(|(c, p)| {
                let letter = c.as_str();
                view! {
                    <section class=format!("policy-card seg-card-{}", letter.to_lowercase()) data-tier=letter>
                        <h2><ClassBadge class=c />" "{t!(i18n, tiers.policy_word)}</h2>
                        {match p {
                            Some(p) => Either::Left(view! { <PolicyFacts policy=p /> }),
                            None => Either::Right(view! { <p class="muted">{t!(i18n, tiers.no_policy)}</p> }),
                        }}
                    </section>
                }
            }).collect_view()}
        </div>
    }
}

#[component]
fn Versions(overview: PolicyOverview) -> impl IntoView {
    let i18n = use_i18n();
    let today = overview.today.clone();
    view! {
        <h2>{t!(i18n, tiers.versions)}</h2>
        {if overview.versions.is_empty() {
            Either::Left(view! { <p class="muted">{t!(i18n, tiers.no_versions)}</p> })
        } else {
            let in_force: Vec<PolicyId> = overview.in_force.iter().flatten().map(|p| p.id).collect();
            Either::Right(view! {
                <div class="table-wrap"><table class="table policy-versions">
                    <thead><tr>
                        <th>{t!(i18n, segmentation.class_word)}</th>
                        <th>{t!(i18n, tiers.effective_from)}</th>
                        <th class="num">{t!(i18n, tiers.visits_per_month)}</th>
                        <th>{t!(i18n, tiers.supports)}</th>
                        <th class="num">{t!(i18n, tiers.budget_share)}</th>
                        <th>{t!(i18n, tiers.credit)}</th>
                        <th>{t!(i18n, tiers.version_state)}</th>
                        <th>{t!(i18n, segmentation.saved_by)}</th>
                    </tr></thead>
                    <tbody>
                        {overview.versions.into_iter().map(|v| {
                            let state = if in_force.contains(&v.id) {
                                t_string!(i18n, tiers.state_in_force).to_string()
                            } else if v.effective_from > today {
                                t_string!(i18n, tiers.state_scheduled).to_string()
                            } else {
                                t_string!(i18n, tiers.state_superseded).to_string()
                            };
                            view! {
                                <tr>
                                    <td><ClassBadge class=v.tier /></td>
                                    <td>{v.effective_from.clone()}</td>
                                    <td class="num">{v.visits_per_month}</td>
                                    <td>{v.supports.iter().map(|s| support_label(i18n, *s)).collect::<Vec<_>>().join(t_string!(i18n, common.list_sep))}</td>
                                    <td class="num">{format!("{}%", Thresholds::percent_text(v.budget_share_bp))}</td>
                                    <td>{t_string!(i18n, tiers.credit_terms, limit = Money(v.credit_limit).to_display_string(), days = v.credit_days).to_string()}</td>
                                    <td>{state}</td>
                                    <td>{format!("{} · {}", v.created_by.unwrap_or_default(), crate::domain::time::beijing_minute(v.created_at))}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table></div>
            })
        }}
    }
}

#[component]
fn PolicyForm(on_saved: Callback<()>, today: Signal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let input = RwSignal::new(TierPolicyInput {
        tier: "A".into(),
        ..TierPolicyInput::default()
    });
    // today in Beijing, as the server counts it, until the owner picks another day
    Effect::new(move |_| {
        if let Some(t) = today.get() {
            input.update(|i| {
                if i.effective_from.is_empty() {
                    i.effective_from = t;
                }
            });
        }
    });
    // a ServerAction also shows what a plain form post (before the script ran) came back with
    let save = ServerAction::<SaveTierPolicy>::new();
    let errors = move || match save.value().get() {
        Some(Err(AppError::Validation(e))) => e,
        _ => Vec::new(),
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            on_saved.run(());
        }
    });
    let text = move |label: String,
                     name: &'static str,
                     get: fn(&TierPolicyInput) -> String,
                     set: fn(&mut TierPolicyInput, String),
                     kind: &'static str| {
        view! {
            <label class="field">
                <span>{label}</span>
                <input name=format!("input[{name}]") type=kind inputmode=if kind == "text" { "decimal" } else { "text" }
                    aria-invalid=move || message_for(i18n, &errors(), name).is_some().to_string()
                    value=input.with_untracked(get) prop:value=move || input.with(get)
                    on:input=move |ev| input.update(|i| set(i, event_target_value(&ev))) />
                <small class="field-error" role="alert">{move || message_for(i18n, &errors(), name)}</small>
            </label>
        }
    };
    view! {
        <form class="policy-form" method="post" action=SaveTierPolicy::PATH on:submit=move |ev| { ev.prevent_default(); save.dispatch(SaveTierPolicy { input: input.get_untracked() }); }>
            <h2>{t!(i18n, tiers.new_version)}</h2>
            <div class="form-grid">
                <label class="field">
                    <span>{t!(i18n, segmentation.class_word)}</span>
                    <select name="input[tier]" prop:value=move || input.with(|i| i.tier.clone()) on:change=move |ev| input.update(|i| i.tier = event_target_value(&ev))>
                        <option value="A">"A"</option><option value="B">"B"</option><option value="C">"C"</option>
                    </select>
                </label>
                {text(t_string!(i18n, tiers.effective_from).to_string(), "effective_from", |i| i.effective_from.clone(), |i, v| i.effective_from = v, "date")}
                {text(t_string!(i18n, tiers.visits_per_month).to_string(), "visits_per_month", |i| i.visits_per_month.clone(), |i, v| i.visits_per_month = v, "text")}
                {text(t_string!(i18n, tiers.budget_share_pct).to_string(), "budget_share", |i| i.budget_share.clone(), |i, v| i.budget_share = v, "text")}
                {text(t_string!(i18n, tiers.credit_limit).to_string(), "credit_limit", |i| i.credit_limit.clone(), |i, v| i.credit_limit = v, "text")}
                {text(t_string!(i18n, tiers.credit_days).to_string(), "credit_days", |i| i.credit_days.clone(), |i, v| i.credit_days = v, "text")}
            </div>
            <fieldset class="policy-supports">
                <legend>{t!(i18n, tiers.supports)}</legend>
                {SupportType::ALL.map(|s| view! {
                    <label class="check">
                        <input type="checkbox" name="input[supports][]" value=s.as_str()
                            checked=input.with_untracked(|i| i.supports.iter().any(|x| x == s.as_str()))
                            prop:checked=move || input.with(|i| i.supports.iter().any(|x| x == s.as_str()))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                input.update(|i| {
                                    i.supports.retain(|x| x != s.as_str());
                                    if on { i.supports.push(s.as_str().to_owned()); }
                                });
                            } />
                        <span>{support_label(i18n, s)}</span>
                    </label>
                })}
                <small class="field-error" role="alert">{move || message_for(i18n, &errors(), "supports")}</small>
            </fieldset>
            <label class="field">
                <span>{t!(i18n, tiers.notes)}</span>
                <textarea name="input[notes]" rows="2" prop:value=move || input.with(|i| i.notes.clone()) on:input=move |ev| input.update(|i| i.notes = event_target_value(&ev))>{input.with_untracked(|i| i.notes.clone())}</textarea>
            </label>
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { t_string!(i18n, common.saving).to_string() } else { t_string!(i18n, tiers.save_version).to_string() }}
                </button>
            </div>
            {move || match save.value().get() {
                Some(Ok(p)) => Some(Either::Left(view! { <p class="banner banner-success" role="status">{t_string!(i18n, tiers.version_saved, tier = p.tier.as_str(), day = p.effective_from).to_string()}</p> })),
                Some(Err(AppError::Validation(_))) | None => None,
                Some(Err(e)) => Some(Either::Right(view! { <ActionError error=e /> })),
            }}
        </form>
    }
}
