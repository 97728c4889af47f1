//! Staff development (Pillar 1): the overview (`/development`) — training hours per
//! person per quarter, the skills matrix and improvement suggestions — and each
//! employee's page (`/development/:id`, `me` for one's own): training records, skills,
//! suggestions.
use super::api::{
    AddTraining, DevelopmentOverview, EmployeeDevelopment, MakeSuggestion, SetSkill,
    SuggestionView, decide_suggestion, get_development, get_employee_development,
};
use crate::components::Title;
use crate::components::error_view::{LoadError, error_message, message_for};
use crate::domain::development::{SuggestionStatus, TrainingInput};
use crate::error::AppError;
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_router::hooks::use_params_map;

fn hours(tenths: i64) -> String {
    if tenths % 10 == 0 {
        (tenths / 10).to_string()
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

pub fn suggestion_status_label(
    i18n: leptos_i18n::I18nContext<Locale>,
    s: SuggestionStatus,
) -> String {
    match s {
        SuggestionStatus::New => t_string!(i18n, development.s_new),
        SuggestionStatus::Accepted => t_string!(i18n, development.s_accepted),
        SuggestionStatus::Done => t_string!(i18n, development.s_done),
        SuggestionStatus::Declined => t_string!(i18n, development.s_declined),
    }
    .to_string()
}

#[component]
pub fn DevelopmentPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |()| get_development());
    let refresh = Callback::new(move |()| data.refetch());
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, development.title).to_string()) />
        <div class="page-head">
            <h1>{t!(i18n, development.title)}</h1>
            <div class="page-actions"><a class="button" href="/development/me">{t!(i18n, development.my_page)}</a></div>
        </div>
        <crate::components::layout::StaffTabs />
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => Either::Left(view! { <LoadError error=e /> }),
                    Ok(d) => Either::Right(view! { <Overview d=d /> }),
                }
            })}
        </Transition>
        // outside the refetching Transition: the confirmation survives the reload
        <SuggestionForm on_saved=refresh />
    }
}

#[component]
fn Overview(d: DevelopmentOverview) -> impl IntoView {
    let i18n = use_i18n();
    let manage = d.may_manage;
    view! {
        {manage.then(|| view! {
            <section aria-labelledby="hours-h">
                <h2 id="hours-h">{t!(i18n, development.hours_title)}</h2>
                <table class="table" data-table="hours">
                    <thead><tr><th>{t!(i18n, development.employee)}</th>{d.quarters.iter().map(|q| view! { <th class="num">{q.clone()}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {d.hours.iter().map(|(id, name, per)| view! {
                            <tr>
                                <td><a href=format!("/development/{id}")>{name.clone()}</a></td>
                                {per.iter().map(|t| view! { <td class="num">{hours(*t)}</td> }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
            <section aria-labelledby="skills-h">
                <h2 id="skills-h">{t!(i18n, development.matrix)}</h2>
                {if d.skills.is_empty() { Either::Left(view! { <p class="muted">{t!(i18n, development.no_skills)}</p> }) } else { Either::Right(view! {
                    <table class="table skills-matrix">
                        <thead><tr><th>{t!(i18n, development.employee)}</th>{d.skills.iter().map(|s| view! { <th class="num">{s.clone()}</th> }).collect_view()}</tr></thead>
                        <tbody>
                            {d.matrix.iter().map(|(id, name, levels)| view! {
                                <tr>
                                    <td><a href=format!("/development/{id}")>{name.clone()}</a></td>
                                    {levels.iter().map(|l| view! { <td class="num" data-level=l.map(|x| x.to_string()).unwrap_or_default()>{l.map_or_else(|| "·".to_owned(), |x| x.to_string())}</td> }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                })}}
            </section>
        })}
        <section aria-labelledby="suggestions-h">
            <h2 id="suggestions-h">{t!(i18n, development.suggestions)}</h2>
            <SuggestionList items=d.suggestions manage=manage />
        </section>
    }
}

#[component]
fn SuggestionForm(on_saved: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let save = ServerAction::<MakeSuggestion>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            title.set(String::new());
            body.set(String::new());
            on_saved.run(());
        }
    });
    let errors = move || match save.value().get() {
        Some(Err(AppError::Validation(e))) => e,
        _ => Vec::new(),
    };
    view! {
        <form class="suggestion-form" method="post" action=MakeSuggestion::PATH on:submit=move |ev| { ev.prevent_default(); save.dispatch(MakeSuggestion { title: title.get_untracked(), body: body.get_untracked() }); }>
            <h3>{t!(i18n, development.suggest)}</h3>
            <label class="field">
                <span>{t!(i18n, development.s_title)}</span>
                <input name="title" value=title.get_untracked() prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev)) />
                <small class="field-error" role="alert">{move || message_for(i18n, &errors(), "title")}</small>
            </label>
            <label class="field field-wide">
                <span>{t!(i18n, development.s_body)}</span>
                <textarea name="body" rows="2" prop:value=move || body.get() on:input=move |ev| body.set(event_target_value(&ev))>{body.get_untracked()}</textarea>
                <small class="field-error" role="alert">{move || message_for(i18n, &errors(), "body")}</small>
            </label>
            {move || matches!(save.value().get(), Some(Ok(_))).then(|| view! { <p class="banner banner-success" role="status">{t!(i18n, development.suggested)}</p> })}
            <button type="submit" class="button button-primary">{t!(i18n, development.send)}</button>
        </form>
    }
}

#[component]
fn SuggestionList(items: Vec<SuggestionView>, manage: bool) -> impl IntoView {
    let i18n = use_i18n();
    if items.is_empty() {
        return Either::Left(view! { <p class="muted">{t!(i18n, development.no_suggestions)}</p> });
    }
    Either::Right(view! {
        <ul class="suggestions">
            {items.into_iter().map(|s| view! { <SuggestionItem initial=s manage=manage /> }).collect_view()}
        </ul>
    })
}

#[component]
fn SuggestionItem(initial: SuggestionView, manage: bool) -> impl IntoView {
    let i18n = use_i18n();
    let s = RwSignal::new(initial);
    let response = RwSignal::new(String::new());
    let decide = Action::new(move |to: &SuggestionStatus| {
        let (id, version) = s.with_untracked(|x| (x.id.to_string(), x.version));
        decide_suggestion(
            id,
            version,
            to.as_str().to_owned(),
            response.get_untracked(),
        )
    });
    Effect::new(move |_| {
        if let Some(Ok(fresh)) = decide.value().get() {
            s.set(fresh);
            response.set(String::new());
        }
    });
    let failure = move || match decide.value().get() {
        Some(Err(AppError::Validation(e))) => e
            .first()
            .map(|f| crate::components::error_view::field_message(i18n, f.code)),
        Some(Err(e)) => Some(error_message(i18n, &e)),
        _ => None,
    };
    view! {
        <li class="suggestion" data-status=move || s.with(|x| x.status.as_str())>
            {move || s.with(|x| view! {
                <p><strong>{x.title.clone()}</strong> " " <span class="status-chip" data-status=x.status.as_str()>{suggestion_status_label(i18n, x.status)}</span></p>
                <p class="muted">{format!("{} · {}", x.employee, x.date)}</p>
                {(!x.body.is_empty()).then(|| view! { <p>{x.body.clone()}</p> })}
                {x.response.clone().map(|r| view! { <p class="suggestion-response">{t!(i18n, development.response)} "：" {r}</p> })}
            })}
            {move || (manage && s.with(|x| matches!(x.status, SuggestionStatus::New | SuggestionStatus::Accepted))).then(|| view! {
                <div class="decide">
                    <input name="response" placeholder=move || t_string!(i18n, development.response).to_string() value=response.get_untracked() prop:value=move || response.get() on:input=move |ev| response.set(event_target_value(&ev)) />
                    {SuggestionStatus::ALL.into_iter().filter(|to| s.with_untracked(|x| x.status.may_become(*to))).map(|to| view! {
                        <button type="button" class="button button-small" on:click=move |_| { decide.dispatch(to); }>{move || suggestion_status_label(i18n, to)}</button>
                    }).collect_view()}
                </div>
            })}
            {move || failure().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
        </li>
    }
}

#[component]
pub fn EmployeeDevelopmentPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id =
        Memo::new(move |_| params.with(|p| p.get("id").filter(|i| i != "me").unwrap_or_default()));
    let data = Resource::new(move || id.get(), get_employee_development);
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, development.title).to_string()) />
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => Either::Left(view! { <LoadError error=e /> }),
                    Ok(d) => Either::Right(view! { <EmployeeView initial=d /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn EmployeeView(initial: EmployeeDevelopment) -> impl IntoView {
    let i18n = use_i18n();
    let d = RwSignal::new(initial.clone());
    let manage = initial.may_manage;
    let employee = initial.id;
    view! {
        {move || d.with(|x| view! {
            <div class="page-head">
                <h1>{x.name.clone()}</h1>
                <span class="muted">{x.territory.clone()}</span>
            </div>
            <section aria-labelledby="quarters-h">
                <h2 id="quarters-h">{t!(i18n, development.hours_by_quarter)}</h2>
                {if x.quarters.is_empty() { Either::Left(view! { <p class="muted">{t!(i18n, development.no_training)}</p> }) } else { Either::Right(view! {
                    <ul class="chips" data-testid="quarters">{x.quarters.iter().map(|(q, t)| view! { <li>{format!("{q}：")}{t_string!(i18n, development.hours_n, h = hours(*t)).to_string()}</li> }).collect_view()}</ul>
                })}}
            </section>
            <section aria-labelledby="trainings-h">
                <h2 id="trainings-h">{t!(i18n, development.trainings)}</h2>
                <table class="table" data-table="trainings">
                    <thead><tr><th>{t!(i18n, development.date)}</th><th>{t!(i18n, development.topic)}</th><th class="num">{t!(i18n, development.hours)}</th><th>{t!(i18n, development.trainer)}</th><th>{t!(i18n, development.kind)}</th></tr></thead>
                    <tbody>
                        {x.trainings.iter().map(|t| view! {
                            <tr>
                                <td>{t.date.clone()}</td><td>{t.topic.clone()}</td><td class="num">{hours(t.tenths)}</td>
                                <td>{t.trainer.clone().unwrap_or_default()}</td>
                                <td>{if t.external { t_string!(i18n, development.external) } else { t_string!(i18n, development.internal) }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
            <section aria-labelledby="skills-h">
                <h2 id="skills-h">{t!(i18n, development.skills)}</h2>
                {if x.skills.is_empty() { Either::Left(view! { <p class="muted">{t!(i18n, development.no_skills)}</p> }) } else { Either::Right(view! {
                    <ul class="chips">{x.skills.iter().map(|(s, l)| view! { <li>{format!("{s} · {l}/5")}</li> }).collect_view()}</ul>
                })}}
            </section>
            <section aria-labelledby="mysug-h">
                <h2 id="mysug-h">{t!(i18n, development.suggestions)}</h2>
                <SuggestionList items=x.suggestions.clone() manage=x.may_manage />
            </section>
        })}
        {manage.then(|| view! { <ManageForms employee=employee.to_string() d=d /> })}
    }
}

#[component]
fn ManageForms(employee: String, d: RwSignal<EmployeeDevelopment>) -> impl IntoView {
    let i18n = use_i18n();
    let form = RwSignal::new(TrainingInput::default());
    let emp = StoredValue::new(employee.clone());
    let add = ServerAction::<AddTraining>::new();
    let skill = RwSignal::new(String::new());
    let level = RwSignal::new(String::new());
    let set = ServerAction::<SetSkill>::new();
    Effect::new(move |_| {
        if let Some(Ok(fresh)) = add.value().get() {
            d.set(fresh);
            form.set(TrainingInput::default());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(fresh)) = set.value().get() {
            d.set(fresh);
        }
    });
    let errors = move || match add.value().get() {
        Some(Err(AppError::Validation(e))) => e,
        _ => Vec::new(),
    };
    let skill_errors = move || match set.value().get() {
        Some(Err(AppError::Validation(e))) => e,
        _ => Vec::new(),
    };
    let field = move |name: &'static str,
                      label: String,
                      ty: &'static str,
                      get: fn(&TrainingInput) -> String,
                      put: fn(&mut TrainingInput, String)| {
        view! {
            <label class="field">
                <span>{label}</span>
                <input name=format!("input[{name}]") type=ty value=form.with_untracked(get) prop:value=move || form.with(get) on:input=move |ev| form.update(|f| put(f, event_target_value(&ev))) />
                <small class="field-error" role="alert">{move || message_for(i18n, &errors(), name)}</small>
            </label>
        }
    };
    view! {
        <form class="training-form" method="post" action=AddTraining::PATH on:submit=move |ev| { ev.prevent_default(); add.dispatch(AddTraining { employee: emp.get_value(), input: form.get_untracked() }); }>
            <input type="hidden" name="employee" value=employee.clone() />
            <h2>{t!(i18n, development.add_training)}</h2>
            <div class="form-grid">
                {field("date", t_string!(i18n, development.date).to_string(), "date", |f| f.date.clone(), |f, v| f.date = v)}
                {field("topic", t_string!(i18n, development.topic).to_string(), "text", |f| f.topic.clone(), |f, v| f.topic = v)}
                {field("hours", t_string!(i18n, development.hours).to_string(), "text", |f| f.hours.clone(), |f, v| f.hours = v)}
                {field("trainer", t_string!(i18n, development.trainer).to_string(), "text", |f| f.trainer.clone(), |f, v| f.trainer = v)}
                <label class="check">
                    <input type="checkbox" name="input[external]" value="true" checked=form.with_untracked(|f| f.external) prop:checked=move || form.with(|f| f.external) on:change=move |ev| form.update(|f| f.external = event_target_checked(&ev)) />
                    {t!(i18n, development.external)}
                </label>
            </div>
            <button type="submit" class="button button-primary">{t!(i18n, development.save_training)}</button>
        </form>
        <form class="skill-form" method="post" action=SetSkill::PATH on:submit=move |ev| { ev.prevent_default(); set.dispatch(SetSkill { employee: emp.get_value(), skill: skill.get_untracked(), level: level.get_untracked() }); }>
            <input type="hidden" name="employee" value=employee.clone() />
            <h2>{t!(i18n, development.set_skill)}</h2>
            <div class="form-grid">
                <label class="field">
                    <span>{t!(i18n, development.skill)}</span>
                    <input name="skill" value=skill.get_untracked() prop:value=move || skill.get() on:input=move |ev| skill.set(event_target_value(&ev)) />
                    <small class="field-error" role="alert">{move || message_for(i18n, &skill_errors(), "skill")}</small>
                </label>
                <label class="field">
                    <span>{t!(i18n, development.level)}</span>
                    <select name="level" on:change=move |ev| level.set(event_target_value(&ev))>
                        <option value="">{t!(i18n, development.clear_level)}</option>
                        {(1..=5).map(|l| view! { <option value=l.to_string()>{l}</option> }).collect_view()}
                    </select>
                    <small class="field-error" role="alert">{move || message_for(i18n, &skill_errors(), "level")}</small>
                </label>
            </div>
            <button type="submit" class="button">{t!(i18n, common.save)}</button>
        </form>
    }
}
