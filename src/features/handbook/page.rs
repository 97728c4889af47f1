//! The handbook page (`/handbook`, `/handbook?edition=N`): the edition in force, printed
//! cleanly to A4 by the browser; the reader's acknowledgement; for the owner, the draft
//! of the written chapters and publishing; for the owner and managers, who has not yet
//! acknowledged.
use super::api::{
    Edition, HandbookPage as Page, SaveHandbookDraft, acknowledge_handbook, get_handbook,
    publish_handbook, save_handbook_draft,
};
use crate::components::Title;
use crate::components::error_view::{LoadError, error_message, message_for};
use crate::domain::handbook::Draft;
use crate::domain::money::Money;
use crate::domain::segmentation::Thresholds;
use crate::error::AppError;
use crate::features::standards::page::weekday_label;
use crate::features::tickets::board_page::TicketTabs;
use crate::features::tickets::components::{duration_text, standard_label};
use crate::features::tiers::policies_page::support_label;
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_router::hooks::use_query_map;

#[component]
pub fn HandbookPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let number = Memo::new(move |_| {
        query.with(|q| {
            q.get("edition")
                .and_then(|n| n.parse::<i64>().ok())
                .unwrap_or(0)
        })
    });
    let page = Resource::new(move || number.get(), get_handbook);
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, handbook.title).to_string()) />
        <div class="page-head no-print">
            <h1>{t!(i18n, handbook.title)}</h1>
            <div class="page-actions">
                <button type="button" class="button" on:click=move |_| print()>{t!(i18n, handbook.print)}</button>
            </div>
        </div>
        <div class="no-print"><TicketTabs /></div>
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => Either::Left(view! { <LoadError error=e /> }),
                    Ok(p) => Either::Right(view! { <HandbookView initial=p /> }),
                }
            })}
        </Suspense>
    }
}

fn print() {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}

#[component]
fn HandbookView(initial: Page) -> impl IntoView {
    let i18n = use_i18n();
    let page = RwSignal::new(initial);
    let ack = Action::new(move |n: &i64| acknowledge_handbook(*n));
    Effect::new(move |_| {
        if let Some(Ok(p)) = ack.value().get() {
            page.set(p);
        }
    });
    let ack_error = move || match ack.value().get() {
        Some(Err(e)) => Some(error_message(i18n, &e)),
        _ => None,
    };
    view! {
        {move || page.with(|p| {
            let current = p.edition.as_ref().map(|e| e.number) == p.latest;
            match &p.edition {
                None => Either::Left(view! { <p class="muted" data-testid="no-edition">{t!(i18n, handbook.none_yet)}</p> }),
                Some(e) => {
                    let number = e.number;
                    let ack_bar = (current && p.latest.is_some()).then(|| if p.acknowledged {
                        Either::Left(view! { <p class="banner banner-success no-print" role="status">{t!(i18n, handbook.acknowledged)}</p> })
                    } else {
                        Either::Right(view! {
                            <div class="banner ack-bar no-print">
                                <span>{t!(i18n, handbook.please_read)}</span>
                                <button type="button" class="button button-primary" on:click=move |_| { ack.dispatch(number); }>{t!(i18n, handbook.acknowledge)}</button>
                            </div>
                        })
                    });
                    let old = (!current).then(|| view! { <p class="banner no-print">{t!(i18n, handbook.old_edition)} " " <a href="/handbook">{t!(i18n, handbook.see_current)}</a></p> });
                    Either::Right(view! {
                        {old}
                        {ack_bar}
                        <EditionView edition=e.clone() />
                    })
                }
            }
        })}
        {move || ack_error().map(|m| view! { <div class="banner banner-error no-print" role="alert">{m}</div> })}
        {move || page.with(|p| (!p.editions.is_empty()).then(|| view! {
            <section class="no-print editions">
                <h2>{t!(i18n, handbook.editions)}</h2>
                <ul>
                    {p.editions.iter().map(|(n, d)| view! { <li><a href=format!("/handbook?edition={n}")>{t_string!(i18n, handbook.edition_no, number = *n).to_string()}</a> {format!(" · {d}")}</li> }).collect_view()}
                </ul>
            </section>
        }))}
        {move || page.with(|p| p.acknowledgements.clone()).map(|list| view! {
            <section class="no-print acks" aria-labelledby="acks-h">
                <h2 id="acks-h">{t!(i18n, handbook.who_read)}</h2>
                <p class="muted">{t_string!(i18n, handbook.not_read_count, count = list.iter().filter(|a| a.at.is_none()).count()).to_string()}</p>
                <table class="table">
                    <thead><tr><th>{t!(i18n, handbook.employee)}</th><th>{t!(i18n, handbook.read_at)}</th></tr></thead>
                    <tbody>
                        {list.into_iter().map(|a| { let read = a.at.is_some().to_string(); let name = a.name.clone(); view! {
                            <tr data-read=read data-name=name>
                                <td>{a.name}</td>
                                <td>{a.at.unwrap_or_else(|| t_string!(i18n, handbook.not_read).to_string())}</td>
                            </tr>
                        }}).collect_view()}
                    </tbody>
                </table>
            </section>
        })}
        {move || page.with(|p| p.draft.clone()).map(|(d, v)| view! { <DraftEditor draft=d version=v page=page /> })}
    }
}

#[component]
fn EditionView(edition: Edition) -> impl IntoView {
    let i18n = use_i18n();
    let c = edition.content;
    let changed = edition.changed;
    let mark = move |chapter: &str| {
        changed
            .iter()
            .any(|x| x == chapter)
            .then(|| view! { <span class="changed-badge">{t!(i18n, handbook.changed)}</span> })
    };
    let text = |t: &str| {
        (!t.is_empty()).then(|| view! { <div class="handbook-text">{t.to_owned()}</div> })
    };
    let calendar = c.calendar.clone();
    view! {
        <article class="handbook" data-edition=edition.number>
            <header class="handbook-cover">
                <p class="handbook-company">{c.company.clone()}</p>
                <h1>{t!(i18n, handbook.book_title)}</h1>
                <p>{t_string!(i18n, handbook.edition_line, number = edition.number, date = edition.published_on.clone()).to_string()}</p>
            </header>
            {(!c.draft.foreword.is_empty()).then(|| view! {
                <section><h2>{t!(i18n, handbook.foreword)} {mark("foreword")}</h2>{text(&c.draft.foreword)}</section>
            })}
            <section>
                <h2>{t!(i18n, handbook.standards)} {mark("standards")}</h2>
                {if c.standards.is_empty() { Either::Left(view! { <p class="muted">{t!(i18n, standards.not_set)}</p> }) } else { Either::Right(view! {
                    <table class="table">
                        <thead><tr><th>{t!(i18n, handbook.standard)}</th><th>{t!(i18n, handbook.limit)}</th><th>"A"</th><th>"B"</th><th>"C"</th><th>{t!(i18n, handbook.clock)}</th></tr></thead>
                        <tbody>
                            {c.standards.iter().map(|s| {
                                let k = s.kind;
                                let tier = |i: usize| s.tier_minutes[i].map_or_else(|| "—".to_owned(), |m| duration_text(i18n, m));
                                view! {
                                    <tr>
                                        <td>{standard_label(i18n, k)}</td>
                                        <td>{duration_text(i18n, s.minutes)}</td>
                                        <td>{tier(0)}</td><td>{tier(1)}</td><td>{tier(2)}</td>
                                        <td>{if s.working_hours_only { t_string!(i18n, standards.working_hours_only) } else { t_string!(i18n, handbook.around_the_clock) }}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                })}}
            </section>
            {calendar.map(|cal| view! {
                <section>
                    <h2>{t!(i18n, standards.calendar)} {mark("calendar")}</h2>
                    <p>{t_string!(i18n, handbook.hours_line, open = crate::domain::time::hour_minute_text(cal.open), close = crate::domain::time::hour_minute_text(cal.close), days = cal.weekdays.iter().map(|d| weekday_label(i18n, *d)).collect::<Vec<_>>().join(t_string!(i18n, common.list_sep))).to_string()}</p>
                    {(!cal.days.is_empty()).then(|| view! {
                        <ul class="handbook-days">
                            {cal.days.iter().map(|d| view! { <li>{format!("{} {} ", d.day, d.name)}{if d.holiday { t_string!(i18n, standards.holiday) } else { t_string!(i18n, standards.workday) }}</li> }).collect_view()}
                        </ul>
                    })}
                </section>
            })}
            <section>
                <h2>{t!(i18n, handbook.policies)} {mark("policies")}</h2>
                {if c.policies.is_empty() { Either::Left(view! { <p class="muted">{t!(i18n, standards.not_set)}</p> }) } else { Either::Right(view! {
                    <table class="table">
                        <thead><tr><th>{t!(i18n, tickets.tier)}</th><th>{t!(i18n, tiers.visits_per_month)}</th><th>{t!(i18n, tiers.supports)}</th><th>{t!(i18n, tiers.budget_share)}</th><th>{t!(i18n, tiers.credit)}</th></tr></thead>
                        <tbody>
                            {c.policies.iter().map(|p| view! {
                                <tr>
                                    <td>{p.tier.as_str()}</td>
                                    <td>{p.visits_per_month}</td>
                                    <td>{p.supports.iter().map(|s| support_label(i18n, *s)).collect::<Vec<_>>().join(t_string!(i18n, common.list_sep))}</td>
                                    <td>{format!("{}%", Thresholds::percent_text(p.budget_share_bp))}</td>
                                    <td>{t_string!(i18n, tiers.credit_terms, limit = Money(p.credit_limit).to_display_string(), days = p.credit_days).to_string()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                })}}
            </section>
            {(!c.draft.visit_procedure.is_empty()).then(|| view! {
                <section><h2>{t!(i18n, handbook.visit_procedure)} {mark("visit_procedure")}</h2>{text(&c.draft.visit_procedure)}</section>
            })}
            {(!c.draft.channel_rules.is_empty()).then(|| view! {
                <section><h2>{t!(i18n, handbook.channel_rules)} {mark("channel_rules")}</h2>{text(&c.draft.channel_rules)}</section>
            })}
        </article>
    }
}

#[component]
fn DraftEditor(draft: Draft, version: i64, page: RwSignal<Page>) -> impl IntoView {
    let i18n = use_i18n();
    let form = RwSignal::new(draft);
    let version = RwSignal::new(version);
    // a ServerAction also shows what a plain form post (before the script ran) came back with
    let save = ServerAction::<SaveHandbookDraft>::new();
    // what is on screen is what gets published: save it first, then publish
    let publish = Action::new(move |()| {
        let d = form.get_untracked();
        let v = version.get_untracked();
        async move {
            let saved = save_handbook_draft(d, v).await?;
            if let Some((_, v)) = &saved.draft {
                version.set(*v);
            }
            publish_handbook().await
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(p)) = save.value().get() {
            if let Some((_, v)) = &p.draft {
                version.set(*v);
            }
            page.set(p);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(p)) = publish.value().get() {
            page.set(p);
        }
    });
    let errors = move || match save.value().get() {
        Some(Err(AppError::Validation(e))) => e,
        _ => match publish.value().get() {
            Some(Err(AppError::Validation(e))) => e,
            _ => Vec::new(),
        },
    };
    let failure = move || {
        [save.value().get(), publish.value().get()]
            .into_iter()
            .flatten()
            .find_map(|r| match r {
                Err(AppError::Validation(_)) | Ok(_) => None,
                Err(e) => Some(error_message(i18n, &e)),
            })
    };
    let area = move |name: &'static str,
                     label: String,
                     get: fn(&Draft) -> String,
                     set: fn(&mut Draft, String)| {
        view! {
            <label class="field field-wide">
                <span>{label}</span>
                <textarea name=format!("draft[{name}]") rows="5" prop:value=move || form.with(get) on:input=move |ev| form.update(|f| set(f, event_target_value(&ev)))>{form.with_untracked(get)}</textarea>
                <small class="field-error" role="alert">{move || message_for(i18n, &errors(), name)}</small>
            </label>
        }
    };
    view! {
        <section class="no-print draft" aria-labelledby="draft-h">
            <h2 id="draft-h">{t!(i18n, handbook.draft)}</h2>
            <p class="muted">{t!(i18n, handbook.draft_hint)}</p>
            <form method="post" action=SaveHandbookDraft::PATH on:submit=move |ev| { ev.prevent_default(); save.dispatch(SaveHandbookDraft { draft: form.get_untracked(), version: version.get_untracked() }); }>
                <input type="hidden" name="version" value=version.get_untracked().to_string() />
                {area("foreword", t_string!(i18n, handbook.foreword).to_string(), |d| d.foreword.clone(), |d, v| d.foreword = v)}
                {area("visit_procedure", t_string!(i18n, handbook.visit_procedure).to_string(), |d| d.visit_procedure.clone(), |d, v| d.visit_procedure = v)}
                {area("channel_rules", t_string!(i18n, handbook.channel_rules).to_string(), |d| d.channel_rules.clone(), |d, v| d.channel_rules = v)}
                {move || failure().map(|m| view! { <div class="banner banner-error" role="alert">{m}</div> })}
                {move || matches!(save.value().get(), Some(Ok(_))).then(|| view! { <p class="banner banner-success" role="status">{t!(i18n, handbook.draft_saved)}</p> })}
                {move || matches!(publish.value().get(), Some(Ok(_))).then(|| view! { <p class="banner banner-success" role="status">{t!(i18n, handbook.published)}</p> })}
                <div class="form-actions">
                    <button type="submit" class="button" disabled=move || save.pending().get()>{t!(i18n, handbook.save_draft)}</button>
                    <button type="button" class="button button-primary" disabled=move || publish.pending().get() on:click=move |_| { publish.dispatch(()); }>{t!(i18n, handbook.publish)}</button>
                </div>
            </form>
        </section>
    }
}
