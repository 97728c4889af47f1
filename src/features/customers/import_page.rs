//! Importing customers (owner and managers): pick a file, see the preview — columns and
//! what each is read as (changeable), per-row errors with row numbers, customers that
//! already exist — choose to skip or update those, then import. The import is one
//! transaction on the server: with any error nothing is saved.
use super::labels::field_label;
use super::transfer::{ImportOptions, ImportOutcome, ImportReport, OnDuplicate, problem_message};
use crate::components::Title;
use crate::components::error_view::{error_message, field_message};
use crate::components::upload::{file_signal, picked_file, post_file_for};
use crate::domain::profile::FIELDS;
use crate::domain::staff::Action;
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn ImportPage() -> impl IntoView {
    let user = crate::components::layout::use_current_user();
    if !user.is_some_and(|u| u.role.may(Action::ManageCustomers)) {
        return Either::Left(view! { <crate::components::error_view::ForbiddenPage /> });
    }
    Either::Right(view! { <ImportForm /> })
}

#[component]
fn ImportForm() -> impl IntoView {
    let i18n = use_i18n();
    let file = file_signal();
    let on_duplicate = RwSignal::new(OnDuplicate::Skip);
    let mapping = RwSignal::new(Vec::<(usize, String)>::new());
    let report = RwSignal::new(None::<ImportReport>);
    let problem = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<ImportReport>);
    let busy = RwSignal::new(false);

    let run = move |commit: bool| {
        let Some(f) = file.get_untracked() else {
            return;
        };
        let options = ImportOptions {
            on_duplicate: on_duplicate.get_untracked(),
            mapping: mapping.get_untracked(),
            commit,
        };
        let Ok(json) = serde_json::to_string(&options) else {
            return;
        };
        let url = format!(
            "/api/customers/import?options={}",
            super::api::percent_encode(&json)
        );
        busy.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            let r = post_file_for(&url, &f).await;
            busy.set(false);
            let locale = i18n.get_locale_untracked();
            match r {
                Ok(ImportOutcome::Report(rep)) => {
                    if rep.committed {
                        done.set(Some(rep));
                        report.set(None);
                        file.set(None);
                    } else {
                        report.set(Some(rep));
                    }
                }
                Ok(ImportOutcome::File(p)) => {
                    report.set(None);
                    problem.set(Some(problem_message(locale, &p)));
                }
                Err(e) => problem.set(Some(error_message(i18n, &e))),
            }
        });
    };
    let pick = move |ev: leptos::ev::Event| {
        let f = picked_file(&ev);
        mapping.set(Vec::new());
        report.set(None);
        done.set(None);
        file.set(f);
        run(false);
    };
    let may_commit = move || {
        report.with(|r| r.as_ref().is_some_and(|r| r.error_count == 0 && r.rows > 0)) && !busy.get()
    };
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, import.title).to_string()) />
        <p class="crumbs"><A href="/customers">{t!(i18n, customers.back_to_list)}</A></p>
        <h1>{t!(i18n, import.title)}</h1>
        <p class="muted">{t!(i18n, import.intro)}</p>
        <div class="form imp-form">
            <div class="field">
                <label for="import-file">{t!(i18n, import.file)}</label>
                <input id="import-file" type="file" accept=".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" on:change=pick />
            </div>
            <fieldset class="field imp-dup">
                <legend>{t!(i18n, import.on_duplicate)}</legend>
                <label><input type="radio" name="dup" value="skip" checked={on_duplicate.get_untracked() == OnDuplicate::Skip} prop:checked=move || on_duplicate.get() == OnDuplicate::Skip
                    on:change=move |_| { on_duplicate.set(OnDuplicate::Skip); run(false) } />{t!(i18n, import.skip)}</label>
                <label><input type="radio" name="dup" value="update" checked={on_duplicate.get_untracked() == OnDuplicate::Update} prop:checked=move || on_duplicate.get() == OnDuplicate::Update
                    on:change=move |_| { on_duplicate.set(OnDuplicate::Update); run(false) } />{t!(i18n, import.update)}</label>
            </fieldset>
            <div class="form-actions">
                <button type="button" class="button" disabled=move || busy.get() || file.with(Option::is_none) on:click=move |_| run(false)>
                    {move || if busy.get() { t_string!(i18n, import.checking).to_string() } else { t_string!(i18n, import.preview).to_string() }}
                </button>
                <button type="button" class="button button-primary" id="import-commit" disabled=move || !may_commit() on:click=move |_| run(true)>
                    {t!(i18n, import.commit)}
                </button>
            </div>
        </div>
        <div class="banner banner-error" role="alert" hidden=move || problem.get().is_none()>{move || problem.get().unwrap_or_default()}</div>
        {move || done.get().map(|r| view! {
            <div class="banner banner-success" role="status">
                {t_string!(i18n, import.done, created = r.created, updated = r.updated, skipped = r.skipped).to_string()}
                " " <A href="/customers">{t!(i18n, customers.back_to_list)}</A>
            </div>
        })}
        {move || report.get().map(|r| view! { <Preview report=r mapping=mapping rerun=Callback::new(move |()| run(false)) /> })}
    }
}

#[component]
fn Preview(
    report: ImportReport,
    mapping: RwSignal<Vec<(usize, String)>>,
    rerun: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (rows, created, updated, skipped) =
        (report.rows, report.created, report.updated, report.skipped);
    let error_count = report.error_count;
    let title_rows = report.skipped_title_rows;
    let dup_count = report.duplicates.len();
    let defaulted = report.defaulted_terminal_type;
    view! {
        <section class="imp-preview">
            <p class="imp-summary" aria-live="polite">{move || t_string!(i18n, import.summary, rows = rows, created = created, updated = updated, skipped = skipped).to_string()}</p>
            {(title_rows > 0).then(|| view! { <p class="muted">{move || t_string!(i18n, import.title_rows, count = title_rows).to_string()}</p> })}
            {(defaulted > 0).then(|| view! { <div class="banner banner-warning" role="status">{move || t_string!(i18n, import.defaulted_terminal_type, count = defaulted).to_string()}</div> })}
            {if error_count == 0 {
                Either::Left(view! { <div class="banner banner-success" role="status">{t!(i18n, import.ready)}</div> })
            } else {
                Either::Right(view! { <div class="banner banner-error" role="alert">{move || t_string!(i18n, import.errors, count = error_count).to_string()}</div> })
            }}
            <h2>{t!(i18n, import.columns)}</h2>
            <table class="table imp-columns">
                <thead><tr><th scope="col">{t!(i18n, import.column_in_file)}</th><th scope="col">{t!(i18n, import.read_as)}</th></tr></thead>
                <tbody>
                    {report.columns.into_iter().map(|c| {
                        let index = c.index;
                        let current = c.field.clone().unwrap_or_default();
                        view! {
                            <tr>
                                <td>{c.header.clone()}</td>
                                <td>
                                    <select aria-label=c.header.clone() on:change=move |ev| {
                                        let v = event_target_value(&ev);
                                        mapping.update(|m| { m.retain(|(i, _)| *i != index); m.push((index, v)); });
                                        rerun.run(());
                                    }>
                                        <option value="" selected=current.is_empty()>{t!(i18n, import.ignore)}</option>
                                        {FIELDS.iter().map(|f| {
                                            let selected = f.key == current;
                                            view! { <option value=f.key selected=selected>{move || field_label(i18n.get_locale(), f.key)}</option> }
                                        }).collect_view()}
                                    </select>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {(!report.errors.is_empty()).then(|| view! {
                <table class="table imp-errors">
                    <thead><tr>
                        <th scope="col">{t!(i18n, import.col_row)}</th>
                        <th scope="col">{t!(i18n, import.col_column)}</th>
                        <th scope="col">{t!(i18n, import.col_problem)}</th>
                    </tr></thead>
                    <tbody>
                        {report.errors.into_iter().map(|e| view! {
                            <tr>
                                <td data-label=move || t_string!(i18n, import.col_row).to_string()>{e.row}</td>
                                <td data-label=move || t_string!(i18n, import.col_column).to_string()>{e.column.clone()}</td>
                                <td data-label=move || t_string!(i18n, import.col_problem).to_string()>{move || field_message(i18n, e.code)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {(dup_count > 0).then(|| view! {
                <h2>{move || t_string!(i18n, import.duplicates, count = dup_count).to_string()}</h2>
                <table class="table imp-dups">
                    <thead><tr>
                        <th scope="col">{t!(i18n, import.col_row)}</th>
                        <th scope="col">{t!(i18n, fields.code)}</th>
                        <th scope="col">{t!(i18n, fields.name)}</th>
                        <th scope="col"></th>
                    </tr></thead>
                    <tbody>
                        {report.duplicates.into_iter().map(|d| {
                            let reason = d.reason.clone();
                            let existing = d.existing_code.clone();
                            view! {
                                <tr>
                                    <td>{d.row}</td>
                                    <td>{d.code.clone()}</td>
                                    <td>{d.name.clone()}</td>
                                    <td>{move || {
                                        let why = match reason.as_str() {
                                            "code" => t_string!(i18n, import.dup_code).to_string(),
                                            "licence" => t_string!(i18n, import.dup_licence).to_string(),
                                            _ => t_string!(i18n, import.dup_name_phone).to_string(),
                                        };
                                        format!("{why} · {}", t_string!(i18n, import.existing, code = existing.clone()))
                                    }}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
    }
}
