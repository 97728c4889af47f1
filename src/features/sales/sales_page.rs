//! The sales ledger page (`/sales`): a link to take an order (`/orders/new`), importing
//! a sales file (owner, managers: preview, then import — one transaction), the imports
//! so far (owner, managers: each undone whole), and the newest lines (profit for owners
//! and managers) with deletion of a typed order's lines; an order document is cancelled
//! on its page. A rep sees only their own customers' sales.
use super::api::{
    BATCH_PAGE, ImportBatches, LEDGER_PAGE, LineSummary, delete_order, list_import_batches,
    list_sales_lines, undo_import,
};
use super::transfer::{
    SalesImportOptions, SalesImportOutcome, SalesImportReport, already_imported_message,
    column_label, sales_problem_message,
};
use crate::components::Title;
use crate::components::error_view::{ActionError, LoadError, error_message, field_message};
use crate::components::layout::use_current_user;
use crate::components::pager::{Pager, use_page_param};
use crate::components::upload::{file_signal, picked_file, post_file_for};
use crate::domain::staff::Action as Permission;
use crate::error::AppError;
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn SalesPage() -> impl IntoView {
    let i18n = use_i18n();
    let may_manage = use_current_user().is_some_and(|u| u.role.may(Permission::ManageCustomers));
    // the ledger's page is in the address (`?page=2`), like every list's, and the
    // imports' too (`?imports=2`)
    let page = use_page_param("page");
    let imports_page = use_page_param("imports");
    let lines = Resource::new(move || page.get(), list_sales_lines);
    let batches = Resource::new(
        move || imports_page.get(),
        move |p| async move {
            if may_manage {
                list_import_batches(p).await
            } else {
                Ok(ImportBatches::default())
            }
        },
    );
    let changed = Callback::new(move |()| {
        lines.refetch();
        batches.refetch();
    });
    // here, not in the list: the list is drawn anew when the imports reload, and the
    // answer must stay on screen
    let undo = Action::new(move |id: &String| undo_import(id.clone()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = undo.value().get() {
            changed.run(());
        }
    });
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, sales.title).to_string()) />
        <div class="page-head">
            <h1>{t!(i18n, sales.title)}</h1>
            <div class="page-actions">
                <A href="/orders/new" attr:class="button button-primary">{t!(i18n, orders.new_order)}</A>
                <A href="/products" attr:class="button">{t!(i18n, sales.products)}</A>
                <A href="/prices" attr:class="button">{t!(i18n, pricing.price_lists)}</A>
                <A href="/segmentation" attr:class="button">{t!(i18n, nav.segmentation)}</A>
            </div>
        </div>
        {may_manage.then(|| view! { <SalesImport on_done=changed /> })}
        {may_manage.then(|| view! {
            <h2>{t!(i18n, sales.imports_title)}</h2>
            {move || undo.value().get().map(|r| match r {
                Ok(n) => view! { <p class="banner banner-success" role="status">{t_string!(i18n, sales.undone, lines = n).to_string()}</p> }.into_any(),
                Err(e) => view! { <ActionError error=e /> }.into_any(),
            })}
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match batches.await {
                        Err(e) => Either::Left(view! { <LoadError error=e /> }),
                        Ok(b) => {
                            let at = imports_page.get_untracked();
                            let ledger = page.get_untracked();
                            let pages = u32::try_from((b.total + BATCH_PAGE - 1) / BATCH_PAGE).unwrap_or(1);
                            Either::Right(view! {
                                <Imports batches=b undo=undo />
                                <Pager page=at pages=pages keep_scroll=true href=move |n| format!("/sales?page={ledger}&imports={n}") />
                            })
                        }
                    }
                })}
            </Transition>
        })}
        <h2>{t!(i18n, sales.recent)}</h2>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match lines.await {
                    Err(e) => Either::Left(view! { <LoadError error=e /> }),
                    Ok(rows) => {
                        // the ledger has no count: a full page means there may be another
                        let at = page.get_untracked();
                        let full = i64::try_from(rows.len()).is_ok_and(|n| n >= LEDGER_PAGE);
                        let pages = if full { at + 1 } else { at };
                        Either::Right(view! {
                            <Ledger rows=rows may_manage=may_manage on_deleted=changed />
                            <Pager page=at pages=pages open_ended=true href=move |n| format!("/sales?page={n}&imports={}", imports_page.get_untracked()) />
                        })
                    }
                }
            })}
        </Transition>
    }
}

/// The sales imports, newest first, each with its undo (after a confirmation).
#[component]
fn Imports(batches: ImportBatches, undo: Action<String, Result<u64, AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    if batches.items.is_empty() {
        return Either::Left(
            view! { <p class="muted empty-state">{t!(i18n, sales.imports_empty)}</p> },
        );
    }
    Either::Right(view! {
        <div class="table-wrap"><table class="table sales-imports">
            <thead><tr>
                <th class="nowrap">{t!(i18n, sales.col_at)}</th>
                <th>{t!(i18n, sales.col_file)}</th>
                <th class="num">{t!(i18n, sales.col_lines)}</th>
                <th class="nowrap">{t!(i18n, sales.col_by)}</th>
                <th></th>
            </tr></thead>
            <tbody>
                {batches.items.into_iter().map(|b| {
                    let id = b.id.to_string();
                    let lines = b.lines;
                    view! {
                        <tr data-batch=b.id.to_string()>
                            <td class="nowrap">{b.at}</td>
                            <td class="break">{b.file_name.unwrap_or_default()}</td>
                            <td class="num">{b.lines}</td>
                            <td class="nowrap">{match b.by {
                                Some(name) => name.into_any(),
                                None => t!(i18n, sales.cli_name).into_any(),
                            }}</td>
                            <td>
                                <button type="button" class="button button-small nowrap" disabled=move || undo.pending().get() on:click=move |_| {
                                    let ok = window().confirm_with_message(&t_string!(i18n, sales.confirm_undo, lines = lines).to_string()).unwrap_or(false);
                                    if ok { undo.dispatch(id.clone()); }
                                }>{t!(i18n, sales.undo_import)}</button>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
    })
}

#[component]
fn Ledger(rows: Vec<LineSummary>, may_manage: bool, on_deleted: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    if rows.is_empty() {
        return Either::Left(view! { <p class="muted empty-state">{t!(i18n, sales.no_lines)}</p> });
    }
    let remove = Action::new(move |id: &String| delete_order(id.clone()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = remove.value().get() {
            on_deleted.run(());
        }
    });
    Either::Right(view! {
        {move || remove.value().get().and_then(Result::err).map(|e| view! { <ActionError error=e /> })}
        <div class="table-wrap"><table class="table sales-table">
            <thead><tr>
                <th>{t!(i18n, sales.order_date)}</th>
                <th>{t!(i18n, sales.customer)}</th>
                <th>{t!(i18n, sales.product)}</th>
                <th class="num">{t!(i18n, sales.quantity)}</th>
                <th class="num">{t!(i18n, sales.amount)}</th>
                {may_manage.then(|| view! { <th class="num">{t!(i18n, sales.profit)}</th> })}
                <th class="nowrap">{t!(i18n, sales.rep)}</th>
                {may_manage.then(|| view! { <th></th> })}
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|l| {
                    let order = l.order_id.to_string();
                    // an order document is cancelled on its own page
                    let first = l.line_no == 1 && l.order_number.is_none();
                    view! {
                        <tr class:sales-return=l.quantity < 0>
                            <td class="nowrap">{l.order_date}
                                {l.order_number.clone().map(|n| view! { <br /><a href=format!("/orders/{}", l.order_id)>{n}</a> })}</td>
                            <td><a href=format!("/customers/{}", l.customer_id)>{format!("{} {}", l.customer_code, l.customer_name)}</a></td>
                            <td>{format!("{} {}", l.sku, l.product_name)}</td>
                            <td class="num">{l.quantity}</td>
                            <td class="num">{l.amount}</td>
                            {may_manage.then(|| view! { <td class="num">{l.profit.clone()}</td> })}
                            <td class="nowrap">{l.rep_name.unwrap_or_default()}</td>
                            {may_manage.then(|| view! {
                                <td>{first.then(|| view! {
                                    <button type="button" class="button button-small nowrap" on:click=move |_| {
                                        let ok = window().confirm_with_message(t_string!(i18n, sales.confirm_delete)).unwrap_or(false);
                                        if ok { remove.dispatch(order.clone()); }
                                    }>{t!(i18n, sales.delete_order)}</button>
                                })}</td>
                            })}
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
    })
}

/// Importing a sales file: preview, then import.
#[component]
fn SalesImport(on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let file = file_signal();
    let create_products = RwSignal::new(false);
    // set when the server says this file was imported before and the user chooses to
    // replace that import
    let replace = RwSignal::new(false);
    let seen_before = RwSignal::new(false);
    let report = RwSignal::new(None::<SalesImportReport>);
    let problem = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<SalesImportReport>);
    let busy = RwSignal::new(false);
    let run = move |commit: bool| {
        let Some(f) = file.get_untracked() else {
            return;
        };
        let options = SalesImportOptions {
            create_products: create_products.get_untracked(),
            commit,
            replace: replace.get_untracked(),
        };
        let Ok(json) = serde_json::to_string(&options) else {
            return;
        };
        let url = format!(
            "/api/sales/import?options={}&name={}",
            crate::features::customers::api::percent_encode(&json),
            crate::features::customers::api::percent_encode(&f.name)
        );
        busy.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            let r = post_file_for(&url, &f).await;
            busy.set(false);
            let locale = i18n.get_locale_untracked();
            match r {
                Ok(SalesImportOutcome::Report(rep)) if rep.committed => {
                    done.set(Some(rep));
                    report.set(None);
                    file.set(None);
                    on_done.run(());
                }
                Ok(SalesImportOutcome::Report(rep)) => report.set(Some(rep)),
                Ok(SalesImportOutcome::File(p)) => {
                    report.set(None);
                    problem.set(Some(sales_problem_message(locale, &p)));
                }
                Ok(SalesImportOutcome::AlreadyImported(e)) => {
                    report.set(None);
                    seen_before.set(true);
                    problem.set(Some(already_imported_message(locale, &e)));
                }
                Err(e) => problem.set(Some(error_message(i18n, &e))),
            }
        });
    };
    view! {
        <section class="card sales-import">
            <h2>{t!(i18n, sales.import_title)}</h2>
            <p class="muted">{t!(i18n, sales.import_hint)}</p>
            <div class="form-row">
                <label class="button cust-file">
                    {t!(i18n, sales.pick_file)}
                    <input type="file" name="sales_file" accept=".csv,.xlsx,.txt" on:change=move |ev| {
                        if let Some(f) = picked_file(&ev) {
                            file.set(Some(f));
                            done.set(None);
                            replace.set(false);
                            seen_before.set(false);
                            run(false);
                        }
                    } />
                </label>
                <label class="check">
                    <input type="checkbox" name="create_products" checked=create_products.get_untracked() prop:checked=move || create_products.get()
                        on:change=move |ev| { create_products.set(event_target_checked(&ev)); run(false); } />
                    {t!(i18n, sales.create_products)}
                </label>
                <label class="check" hidden=move || !seen_before.get()>
                    <input type="checkbox" name="replace" checked=replace.get_untracked() prop:checked=move || replace.get()
                        on:change=move |ev| { replace.set(event_target_checked(&ev)); run(false); } />
                    {t!(i18n, sales.replace_earlier)}
                </label>
                <span class="muted">{move || file.with(|f| f.as_ref().map(|f| f.name.clone()))}</span>
            </div>
            <p class="muted" hidden=move || !busy.get()>{t!(i18n, common.loading)}</p>
            <p class="banner banner-error" role="alert" hidden=move || problem.get().is_none()>{move || problem.get().unwrap_or_default()}</p>
            {move || done.get().map(|r| view! {
                <p class="banner banner-success" role="status">{t_string!(i18n, sales.imported, lines = r.lines, orders = r.orders).to_string()}</p>
            })}
            {move || report.get().map(|r| {
                let ok = r.error_count == 0;
                view! {
                    <div class="import-report" data-testid="sales-preview">
                        <p>{t_string!(i18n, sales.preview_summary, rows = r.rows, lines = r.lines, orders = r.orders, errors = r.error_count).to_string()}</p>
                        {(r.products_created > 0).then(|| view! { <p class="muted">{t_string!(i18n, sales.products_to_create, count = r.products_created).to_string()}</p> })}
                        {(r.replaced_lines > 0).then(|| view! { <p class="banner banner-warning" role="status">{t_string!(i18n, sales.replaces_lines, count = r.replaced_lines).to_string()}</p> })}
                        {(!r.errors.is_empty()).then(|| view! {
                            <div class="table-wrap"><table class="table">
                                <thead><tr><th>{t!(i18n, import.col_row)}</th><th>{t!(i18n, import.col_column)}</th><th>{t!(i18n, import.col_problem)}</th></tr></thead>
                                <tbody>{r.errors.iter().map(|e| view! {
                                    <tr><td>{e.row}</td><td>{column_label(i18n.get_locale_untracked(), &e.column)}</td><td>{field_message(i18n, e.code)}</td></tr>
                                }).collect_view()}</tbody>
                            </table></div>
                        })}
                        <button type="button" class="button button-primary" disabled=move || !ok || busy.get() on:click=move |_| run(true)>
                            {t!(i18n, sales.import_now)}
                        </button>
                    </div>
                }
            })}
        </section>
    }
}
