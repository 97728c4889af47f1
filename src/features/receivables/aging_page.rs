//! The aging report (`/receivables`, `?page=2`): what the user's scope is owed on
//! today's date by age — the company total, each rep's, and the customers owing, the
//! most overdue first — with the export to Excel. A rep sees their own customers.
use super::api::{AGING_PAGE, AgingReport, get_aging};
use super::components::{AgingCells, AgingHeads};
use crate::components::Title;
use crate::components::error_view::LoadError;
use crate::components::pager::{Pager, use_page_param};
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;

fn href(page: u32) -> String {
    match page {
        1 => "/receivables".to_owned(),
        p => format!("/receivables?page={p}"),
    }
}

#[component]
pub fn AgingPage() -> impl IntoView {
    let i18n = use_i18n();
    let page = use_page_param("page");
    let report = Resource::new(move || page.get(), get_aging);
    let export = move || {
        let headers = if i18n.get_locale() == Locale::en {
            "en"
        } else {
            "zh"
        };
        format!("/api/receivables/export?headers={headers}")
    };
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, receivables.title).to_string()) />
        <div class="page-head">
            <h1>{t!(i18n, receivables.title)}</h1>
            <div class="page-actions">
                <a href=export class="button" download>{t!(i18n, receivables.export)}</a>
                <A href="/orders" attr:class="button">{t!(i18n, orders.title)}</A>
            </div>
        </div>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match report.await {
                    Err(e) => Either::Left(view! { <LoadError error=e /> }),
                    Ok(r) => Either::Right(view! { <Report report=r at=page.get_untracked() /> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn Report(report: AgingReport, at: u32) -> impl IntoView {
    let i18n = use_i18n();
    let pages = u32::try_from((report.owing + AGING_PAGE - 1) / AGING_PAGE).unwrap_or(1);
    let AgingReport {
        on,
        total,
        reps,
        customers,
        owing,
    } = report;
    view! {
        <p class="muted">{t!(i18n, receivables.as_of, day = on, count = owing)}</p>
        <section class="card aging-summary" aria-label=move || t_string!(i18n, receivables.by_rep).to_string()>
            <h2>{t!(i18n, receivables.by_rep)}</h2>
            <div class="table-wrap"><table class="table aging-table" data-testid="aging-reps">
                <thead><tr>
                    <th scope="col">{t!(i18n, receivables.rep)}</th>
                    <th scope="col" class="num">{t!(i18n, receivables.customers_owing)}</th>
                    <AgingHeads />
                </tr></thead>
                <tbody>
                    {reps.into_iter().map(|r| view! {
                        <tr>
                            <td>{if r.rep_name.is_empty() { t_string!(i18n, receivables.no_rep).to_string() } else { r.rep_name.clone() }}</td>
                            <td class="num" data-label=move || t_string!(i18n, receivables.customers_owing).to_string()>{r.customers}</td>
                            <AgingCells aging=r.aging />
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot><tr data-testid="aging-total">
                    <th scope="row">{t!(i18n, receivables.total)}</th>
                    <td class="num">{owing}</td>
                    <AgingCells aging=total />
                </tr></tfoot>
            </table></div>
        </section>
        {if customers.is_empty() {
            Either::Left(view! { <p class="empty">{t!(i18n, receivables.none)}</p> })
        } else {
            Either::Right(view! {
                <div class="table-wrap"><table class="table aging-table" data-testid="aging-customers">
                    <thead><tr>
                        <th scope="col">{t!(i18n, receivables.customer)}</th>
                        <th scope="col">{t!(i18n, receivables.rep)}</th>
                        <AgingHeads />
                    </tr></thead>
                    <tbody>
                        {customers.into_iter().map(|c| view! {
                            <tr>
                                <td><A href=format!("/receivables/{}", c.id)>{format!("{} {}", c.code, c.name)}</A></td>
                                <td data-label=move || t_string!(i18n, receivables.rep).to_string()>{c.rep_name.clone()}</td>
                                <AgingCells aging=c.aging />
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table></div>
                <Pager page=at pages=pages href=href />
            })
        }}
    }
}
