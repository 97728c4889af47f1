//! Visits and relationships for the office (`/visits`): plan against actual per rep
//! (visit compliance over four or twelve weeks), reminders for the coming two weeks with
//! each tier's gift list, the owner's gift lists, and the latest visits. On the customer
//! profile, [`RelationshipSection`] shows the health score with its parts, reminders,
//! visits and the touch log.
use super::api::{
    DailyVisits, GiftList, REMINDER_PAGE, RecordTouch, Relationship, Reminders, RepCompliance,
    SaveDailyVisits, SaveGiftList, VisitSummary, get_daily_visits, get_reminders,
    get_visit_compliance, list_visits,
};
use super::today_page::purpose_label;
use crate::components::Title;
use crate::components::error_view::{ActionError, LoadError, error_message, message_for};
use crate::components::pager::{Pager, use_page_param};
use crate::domain::segmentation::Class;
use crate::domain::visits::{GiftOccasion, Health, Purpose, TouchKind};
use crate::error::AppError;
use crate::features::customers::components::TierBadge;
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;

fn permille(p: Option<u32>) -> String {
    p.map_or_else(|| "—".into(), |p| format!("{}.{} %", p / 10, p % 10))
}

pub fn occasion_label(i18n: leptos_i18n::I18nContext<Locale>, o: GiftOccasion) -> String {
    match o {
        GiftOccasion::Birthday => t_string!(i18n, visits.occ_birthday),
        GiftOccasion::Anniversary => t_string!(i18n, visits.occ_anniversary),
        GiftOccasion::SpringFestival => t_string!(i18n, visits.occ_spring),
        GiftOccasion::MidAutumn => t_string!(i18n, visits.occ_mid_autumn),
    }
    .to_string()
}

/// "today" or "in N days".
fn days_left(i18n: leptos_i18n::I18nContext<Locale>, n: i64) -> String {
    if n == 0 {
        t_string!(i18n, visits.today_word).to_string()
    } else {
        t_string!(i18n, visits.in_days, n = n).to_string()
    }
}

fn touch_label(i18n: leptos_i18n::I18nContext<Locale>, k: &str) -> String {
    match TouchKind::parse(k) {
        Some(TouchKind::Call) => t_string!(i18n, visits.touch_call),
        Some(TouchKind::Message) => t_string!(i18n, visits.touch_message),
        Some(TouchKind::Gift) => t_string!(i18n, visits.touch_gift),
        Some(TouchKind::Meal) => t_string!(i18n, visits.touch_meal),
        _ => t_string!(i18n, visits.touch_other),
    }
    .to_string()
}

/// The health score as a coloured badge: 70 and up good, 40 and up fair, else poor.
#[component]
pub fn HealthBadge(score: u32) -> impl IntoView {
    let class = if score >= 70 {
        "health health-good"
    } else if score >= 40 {
        "health health-fair"
    } else {
        "health health-poor"
    };
    view! { <span class=class data-health=score>{score}</span> }
}

#[component]
pub fn VisitTabs() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="tier-tabs" aria-label=move || t_string!(i18n, nav.today).to_string()>
            <a href="/today" class="button">{t!(i18n, visits.today_title)}</a>
            <a href="/visits" class="button">{t!(i18n, visits.office_title)}</a>
        </nav>
    }
}

#[component]
pub fn VisitsPage() -> impl IntoView {
    let i18n = use_i18n();
    let days = RwSignal::new(28u32);
    let compliance = Resource::new(move || days.get(), get_visit_compliance);
    // the reminders' page is in the address (`?reminders=2`)
    let reminder_page = use_page_param("reminders");
    let reminders = Resource::new(move || reminder_page.get(), |p| get_reminders(14, p));
    let visits = Resource::new(|| (), |()| list_visits());
    let daily = Resource::new(|| (), |()| get_daily_visits());
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, visits.office_title).to_string()) />
        <div class="page-head"><h1>{t!(i18n, visits.office_title)}</h1></div>
        <VisitTabs />
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                daily.await.ok().map(|d| view! { <DailyVisitsForm initial=d /> })
            })}
        </Transition>
        <section aria-labelledby="plan-actual">
            <div class="page-head">
                <h2 id="plan-actual">{t!(i18n, visits.plan_actual)}</h2>
                <label class="field-inline">
                    <span>{t!(i18n, visits.window)}</span>
                    <select name="days" on:change=move |ev| days.set(event_target_value(&ev).parse().unwrap_or(28))>
                        <option value="28">{t!(i18n, visits.last_4_weeks)}</option>
                        <option value="84">{t!(i18n, visits.last_12_weeks)}</option>
                    </select>
                </label>
            </div>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match compliance.await {
                        Err(e) => Either::Left(view! { <LoadError error=e /> }),
                        Ok(rows) => Either::Right(view! { <ComplianceTable rows=rows /> }),
                    }
                })}
            </Transition>
        </section>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match reminders.await {
                    Err(e) => Either::Left(view! { <LoadError error=e /> }),
                    Ok(r) => Either::Right(view! { <ReminderList r=r /> }),
                }
            })}
        </Transition>
        <section aria-labelledby="recent-visits">
            <h2 id="recent-visits">{t!(i18n, visits.recent)}</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match visits.await {
                        Err(e) => Either::Left(view! { <LoadError error=e /> }),
                        Ok(v) => Either::Right(view! { <VisitLog visits=v with_customer=true /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

/// How many visits a day's plan holds: the owner sets it, everyone sees it.
#[component]
fn DailyVisitsForm(initial: DailyVisits) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveDailyVisits>::new();
    let value = RwSignal::new(initial.capacity.to_string());
    let shown = RwSignal::new(initial.capacity);
    Effect::new(move |_| {
        if let Some(Ok(d)) = save.value().get() {
            shown.set(d.capacity);
        }
    });
    let message = move || match save.value().get() {
        Some(Ok(d)) => Some((
            true,
            t_string!(i18n, visits.daily_saved, n = d.capacity).to_string(),
        )),
        Some(Err(AppError::Validation(e))) => Some((
            false,
            message_for(i18n, &e, "daily_visits").unwrap_or_default(),
        )),
        Some(Err(e)) => Some((false, error_message(i18n, &e))),
        None => None,
    };
    view! {
        <section class="daily-visits" aria-labelledby="daily-h">
            <h2 id="daily-h">{t!(i18n, visits.daily_title)}</h2>
            <p class="muted">{move || t_string!(i18n, visits.daily_rule, n = shown.get()).to_string()}</p>
            {initial.may_edit.then(|| view! {
                <form class="daily-form" method="post" action=SaveDailyVisits::PATH on:submit=move |ev| {
                    ev.prevent_default();
                    save.dispatch(SaveDailyVisits { daily_visits: value.get_untracked() });
                }>
                    <label class="field">
                        <span>{t!(i18n, visits.daily_label)}</span>
                        <input name="daily_visits" inputmode="numeric" value=value.get_untracked()
                            prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
                    </label>
                    <button type="submit" class="button" disabled=move || save.pending().get()>{t!(i18n, common.save)}</button>
                    {move || message().map(|(ok, m)| if ok {
                        Either::Left(view! { <p class="banner banner-success" role="status">{m}</p> })
                    } else {
                        Either::Right(view! { <p class="field-error" role="alert">{m}</p> })
                    })}
                </form>
            })}
        </section>
    }
}

#[component]
fn ComplianceTable(rows: Vec<RepCompliance>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead><tr>
                    <th>{t!(i18n, visits.rep)}</th>
                    <th class="num">{t!(i18n, visits.customers)}</th>
                    <th class="num">{t!(i18n, visits.planned)}</th>
                    <th class="num">{t!(i18n, visits.made)}</th>
                    <th class="num">{t!(i18n, visits.all_visits)}</th>
                    <th class="num">{t!(i18n, visits.compliance)}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr data-rep=r.rep_name.clone().unwrap_or_default()>
                            <td>{r.rep_name.clone().unwrap_or_else(|| t_string!(i18n, visits.no_rep).to_string())}</td>
                            <td class="num">{r.customers}</td>
                            <td class="num">{r.planned}</td>
                            <td class="num">{r.made}</td>
                            <td class="num">{r.visits}</td>
                            <td class="num">{permille(r.permille)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <p class="muted">{t!(i18n, visits.compliance_rule)}</p>
    }
}

#[component]
fn ReminderList(r: Reminders) -> impl IntoView {
    let i18n = use_i18n();
    let may_edit = r.may_edit_gifts;
    let gifts = r.gifts.clone();
    let pager = (r.total > REMINDER_PAGE).then(|| {
        let pages = u32::try_from(r.total.div_ceil(REMINDER_PAGE)).unwrap_or(1);
        view! { <Pager page=r.page pages=pages keep_scroll=true href=|n| format!("/visits?reminders={n}") /> }
    });
    view! {
        <section aria-labelledby="reminders">
            <h2 id="reminders">{t!(i18n, visits.reminders)}</h2>
            {if r.reminders.is_empty() {
                Either::Left(view! { <p class="muted">{t!(i18n, visits.no_reminders)}</p> })
            } else {
                Either::Right(view! {
                    <div class="table-wrap"><table class="table">
                        <thead><tr>
                            <th>{t!(i18n, visits.date)}</th>
                            <th>{t!(i18n, visits.occasion)}</th>
                            <th>{t!(i18n, visits.customer)}</th>
                            <th>{t!(i18n, visits.rep)}</th>
                            <th>{t!(i18n, visits.gifts)}</th>
                        </tr></thead>
                        <tbody>
                            {r.reminders.into_iter().map(|x| {
                                let href = format!("/customers/{}", x.customer_id);
                                let occ = match x.years {
                                    Some(y) => format!("{} ({})", occasion_label(i18n, x.occasion), t_string!(i18n, visits.years_open, n = y)),
                                    None => occasion_label(i18n, x.occasion),
                                };
                                view! {
                                    <tr>
                                        <td>{x.date.clone()} " " <small class="muted">{days_left(i18n, x.days_left)}</small></td>
                                        <td>{occ}</td>
                                        <td><TierBadge tier=x.tier /> " " <a href=href>{x.customer_name.clone()}</a></td>
                                        <td>{x.rep_name.clone().unwrap_or_default()}</td>
                                        <td>{if x.gifts.is_empty() { "—".to_string() } else { x.gifts.clone() }}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table></div>
                })
            }}
            {pager}
            <p class="muted">{t!(i18n, visits.festival_rule)}</p>
        </section>
        {may_edit.then(|| view! { <GiftEditor gifts=gifts /> })}
    }
}

#[component]
fn GiftEditor(gifts: Vec<GiftList>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section aria-labelledby="gift-lists">
            <h2 id="gift-lists">{t!(i18n, visits.gift_lists)}</h2>
            <div class="table-wrap"><table class="table gift-table">
                <thead><tr>
                    <th>{t!(i18n, visits.tier)}</th>
                    {GiftOccasion::ALL.map(|o| view! { <th>{move || occasion_label(i18n, o)}</th> })}
                </tr></thead>
                <tbody>
                    {Class::ALL.map(|tier| view! {
                        <tr>
                            <th scope="row">{tier.as_str()}</th>
                            {GiftOccasion::ALL.map(|o| {
                                let now = gifts.iter().find(|g| g.tier == tier && g.occasion == o).map(|g| g.gifts.clone()).unwrap_or_default();
                                view! { <td><GiftCell tier=tier occasion=o initial=now /></td> }
                            })}
                        </tr>
                    })}
                </tbody>
            </table></div>
        </section>
    }
}

#[component]
fn GiftCell(tier: Class, occasion: GiftOccasion, initial: String) -> impl IntoView {
    let i18n = use_i18n();
    let value = RwSignal::new(initial);
    let save = ServerAction::<SaveGiftList>::new();
    let state = move || match save.value().get() {
        Some(Ok(())) => t_string!(i18n, visits.saved).to_string(),
        Some(Err(AppError::Validation(e))) => message_for(i18n, &e, "gifts").unwrap_or_default(),
        Some(Err(e)) => error_message(i18n, &e),
        None => String::new(),
    };
    let label = format!("{} {}", tier.as_str(), occasion.as_str());
    view! {
        <form class="gift-cell" method="post" action=SaveGiftList::PATH on:submit=move |ev| { ev.prevent_default(); save.dispatch(SaveGiftList { tier: tier.as_str().into(), occasion: occasion.as_str().into(), gifts: value.get_untracked() }); }>
            <input type="hidden" name="tier" value=tier.as_str() />
            <input type="hidden" name="occasion" value=occasion.as_str() />
            <input name="gifts" aria-label=label value=value.get_untracked() prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
            <button type="submit" class="button" disabled=move || save.pending().get()>{t!(i18n, common.save)}</button>
            <small role="status">{state}</small>
        </form>
    }
}

#[component]
pub fn VisitLog(visits: Vec<VisitSummary>, with_customer: bool) -> impl IntoView {
    let i18n = use_i18n();
    if visits.is_empty() {
        return Either::Left(view! { <p class="muted">{t!(i18n, visits.no_visits)}</p> });
    }
    Either::Right(view! {
        <ul class="visit-log">
            {visits.into_iter().map(|v| {
                let purpose = Purpose::parse(&v.purpose).map(|p| purpose_label(i18n, p)).unwrap_or_default();
                let display: Vec<String> = [
                    (v.vivid_display, t_string!(i18n, visits.vivid_display).to_string()),
                    (v.stack_display, t_string!(i18n, visits.stack_display).to_string()),
                    (v.indoor_ad, t_string!(i18n, visits.indoor_ad).to_string()),
                    (v.outdoor_ad, t_string!(i18n, visits.outdoor_ad).to_string()),
                ].into_iter().filter(|(on, _)| *on).map(|(_, l)| l).collect();
                let href = format!("/customers/{}", v.customer_id);
                view! {
                    <li data-visit=v.id.to_string()>
                        <strong>{v.checked_in_at.clone()}</strong> " · " {purpose} " · " {v.rep_name.clone().unwrap_or_default()}
                        {with_customer.then(|| view! { " · " <a href=href.clone()>{v.customer_name.clone()}</a> })}
                        {v.location.clone().map(|l| view! { <div class="muted">{t!(i18n, visits.location)} " " {l}</div> })}
                        {(!v.notes.is_empty()).then(|| view! { <p>{v.notes.clone()}</p> })}
                        {(!display.is_empty()).then(|| view! { <div>{t!(i18n, visits.display_check)} "：" {display.join(" / ")}</div> })}
                        {(!v.competitors.is_empty()).then(|| view! { <div>{t!(i18n, visits.competitors)} "：" {v.competitors.clone()}</div> })}
                        {(!v.prices.is_empty()).then(|| view! {
                            <div>{t!(i18n, visits.shelf_prices)} "："
                                {v.prices.iter().map(|p| view! {
                                    <span class:below-floor=p.below_floor>{format!(" {} ¥{}", p.product, p.price)}
                                        {p.below_floor.then(|| view! { " " {t!(i18n, visits.below_floor)} })}
                                    </span>
                                }).collect_view()}
                            </div>
                        })}
                        {(!v.next_step.is_empty()).then(|| view! { <div>{t!(i18n, visits.next_step)} "：" {v.next_step.clone()} " " {v.next_step_on.clone().unwrap_or_default()}</div> })}
                        {(!v.photos.is_empty()).then(|| view! {
                            <div class="visit-photos">
                                {v.photos.iter().map(|p| view! { <a href=format!("/visit-photos/{p}")><img src=format!("/visit-photos/{p}") alt=move || t_string!(i18n, visits.photo_alt).to_string() loading="lazy" /></a> }).collect_view()}
                            </div>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    })
}

/// The relationship block of a customer profile. Its data is a resource of the page
/// (created with the page, not inside the profile's `Suspense`, so the server and the
/// hydrating browser number their resources alike).
#[component]
pub fn RelationshipSection(
    customer_id: String,
    data: Resource<Result<Relationship, AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let refresh = Callback::new(move |()| data.refetch());
    view! {
        <section class="detail-group" aria-labelledby="relationship">
            <h2 id="relationship">{t!(i18n, visits.relationship)}</h2>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => Either::Left(view! { <LoadError error=e /> }),
                        Ok(r) => Either::Right(view! { <RelationshipView r=r /> }),
                    }
                })}
            </Transition>
            <TouchForm customer_id=customer_id on_saved=refresh />
        </section>
    }
}

#[component]
fn HealthView(h: Health) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="health-line">{t!(i18n, visits.health)} " " <HealthBadge score=h.score /></p>
        <div class="health-parts">
            <div>{t!(i18n, visits.h_visits)}<br /><strong>{h.visits}</strong></div>
            <div>{t!(i18n, visits.h_orders)}<br /><strong>{h.orders}</strong></div>
            <div>{t!(i18n, visits.h_growth)}<br /><strong>{h.growth}</strong></div>
            <div>{t!(i18n, visits.h_objections)}<br /><strong>{h.objections}</strong></div>
        </div>
        <p class="muted">{t!(i18n, visits.health_rule)}</p>
    }
}

#[component]
fn RelationshipView(r: Relationship) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <HealthView h=r.health />
        {(!r.reminders.is_empty()).then(|| view! {
            <ul class="reminder-list">
                {r.reminders.iter().map(|x| view! {
                    <li>{x.date.clone()} " " {occasion_label(i18n, x.occasion)} " · " {days_left(i18n, x.days_left)}
                        {(!x.gifts.is_empty()).then(|| view! { " · " {t!(i18n, visits.gifts)} "：" {x.gifts.clone()} })}
                    </li>
                }).collect_view()}
            </ul>
        })}
        <h3>{t!(i18n, visits.visit_log)}</h3>
        <VisitLog visits=r.visits with_customer=false />
        <h3>{t!(i18n, visits.touch_log)}</h3>
        {if r.touches.is_empty() {
            Either::Left(view! { <p class="muted">{t!(i18n, visits.no_touches)}</p> })
        } else {
            Either::Right(view! {
                <ul class="touch-log">
                    {r.touches.into_iter().map(|t| view! {
                        <li>{t.date} " · " {touch_label(i18n, &t.kind)} " · " {t.note} " " <small class="muted">{t.by.unwrap_or_default()}</small></li>
                    }).collect_view()}
                </ul>
            })
        }}
    }
}

#[component]
fn TouchForm(customer_id: String, on_saved: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let kind = RwSignal::new("call".to_string());
    let on = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    // a ServerAction also shows what a plain form post (before the script ran) came back with
    let save = ServerAction::<RecordTouch>::new();
    let errors = move || match save.value().get() {
        Some(Err(AppError::Validation(e))) => e,
        _ => Vec::new(),
    };
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            note.set(String::new());
            on_saved.run(());
        }
    });
    view! {
        <form class="touch-form" method="post" action=RecordTouch::PATH on:submit={
            let customer_id = customer_id.clone();
            move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); save.dispatch(RecordTouch { customer_id: customer_id.clone(), kind: kind.get_untracked(), on: on.get_untracked(), note: note.get_untracked() }); }
        }>
            <input type="hidden" name="customer_id" value=customer_id.clone() />
            <h3>{t!(i18n, visits.add_touch)}</h3>
            <div class="form-grid">
                <label class="field">
                    <span>{t!(i18n, visits.touch_kind)}</span>
                    <select name="kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                        {TouchKind::ALL.map(|k| view! { <option value=k.as_str()>{move || touch_label(i18n, k.as_str())}</option> })}
                    </select>
                </label>
                <label class="field">
                    <span>{t!(i18n, visits.touch_on)}</span>
                    <input type="date" name="on" value=on.get_untracked() prop:value=move || on.get() on:input=move |ev| on.set(event_target_value(&ev)) />
                    <small class="field-error" role="alert">{move || message_for(i18n, &errors(), "touched_on")}</small>
                </label>
                <label class="field field-wide">
                    <span>{t!(i18n, visits.touch_note)}</span>
                    <input name="note" value=note.get_untracked() prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev)) />
                    <small class="field-error" role="alert">{move || message_for(i18n, &errors(), "note")}</small>
                </label>
            </div>
            {move || match save.value().get() {
                Some(Err(AppError::Validation(_))) | Some(Ok(())) | None => None,
                Some(Err(e)) => Some(view! { <ActionError error=e /> }),
            }}
            <div class="form-actions"><button type="submit" class="button" disabled=move || save.pending().get()>{t!(i18n, visits.add_touch)}</button></div>
        </form>
    }
}
