//! A customer's account (`/receivables/:id`): what they owe by age, the credit kept
//! from earlier payments, the open invoices, and the form that records a payment (登记
//! 回款) — oldest due first, or amounts typed per invoice — then the latest invoices and
//! payments with where each payment went. The form posts, so it works before the
//! script has loaded, and carries a key the server handed out with the page: sent twice
//! (a double click, a retry), the payment is stored once.
use super::api::{
    AllocationInput, CustomerStatement, InvoiceView, PaymentInput, PaymentMethod, PaymentOutcome,
    PaymentView, RecordPayment, VoidPayment, get_statement,
};
use super::components::{AgingCells, AgingHeads, method_label};
use crate::components::Title;
use crate::components::error_view::{LoadError, error_message, message_for};
use crate::error::AppError;
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn StatementPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let statement = Resource::new(move || id.get(), get_statement);
    let pay = ServerAction::<RecordPayment>::new();
    let void = ServerAction::<VoidPayment>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = pay.value().get() {
            statement.refetch();
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = void.value().get() {
            statement.refetch();
        }
    });
    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, receivables.title).to_string()) />
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match statement.await {
                    Err(e) => Either::Left(view! {
                        <div class="page-head"><h1>{t!(i18n, receivables.title)}</h1></div>
                        <LoadError error=e />
                    }),
                    Ok(s) => Either::Right(view! { <Statement statement=s pay=pay void=void /> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn Statement(
    statement: CustomerStatement,
    pay: ServerAction<RecordPayment>,
    void: ServerAction<VoidPayment>,
) -> impl IntoView {
    let i18n = use_i18n();
    let s = statement;
    let may_void = s.may_void;
    // a void refused before the script ran comes back here with its error
    let (posted_void, posted_void_failure) =
        crate::components::form::posted_errors::<VoidPayment>(i18n);
    let void_failure = posted_void_failure.or_else(|| {
        posted_void
            .first()
            .map(|e| crate::components::error_view::field_message(i18n, e.code))
    });
    let title = format!("{} {}", s.code, s.name);
    view! {
        <div class="page-head">
            <h1>{t!(i18n, receivables.account_of, customer = title.clone())}</h1>
            <div class="page-actions">
                <A href=format!("/customers/{}", s.customer_id) attr:class="button">{t!(i18n, receivables.profile)}</A>
                <A href=format!("/orders/new?customer={}", s.code) attr:class="button">{t!(i18n, orders.take_order)}</A>
                <A href="/receivables" attr:class="button">{t!(i18n, receivables.title)}</A>
            </div>
        </div>
        <div class="table-wrap"><table class="table aging-table" data-testid="statement-aging">
            <thead><tr><AgingHeads /><th scope="col" class="num">{t!(i18n, receivables.credit)}</th></tr></thead>
            <tbody><tr>
                <AgingCells aging=s.aging />
                <td class="num" data-label=move || t_string!(i18n, receivables.credit).to_string() data-testid="statement-credit">{s.credit.to_display_string()}</td>
            </tr></tbody>
        </table></div>
        {move || pay.value().get().and_then(Result::ok).map(|o| view! { <PaidBanner outcome=o /> })}
        <PayForm statement=s.clone() pay=pay />
        <section class="card">
            <h2>{t!(i18n, receivables.invoices)}</h2>
            <InvoiceTable invoices=s.invoices.clone() />
        </section>
        <section class="card">
            <h2>{t!(i18n, receivables.payments)}</h2>
            {move || match void.value().get() {
                Some(Ok(_)) => Some(view! { <p class="banner banner-success" role="status" data-testid="voided">{t!(i18n, receivables.voided_done)}</p> }.into_any()),
                Some(Err(e)) => Some(view! { <p class="banner banner-error" role="alert">{error_message(i18n, &e)}</p> }.into_any()),
                None => void_failure.clone().map(|m| view! { <p class="banner banner-error" role="alert">{m}</p> }.into_any()),
            }}
            {if s.payments.is_empty() {
                Either::Left(view! { <p class="empty">{t!(i18n, receivables.no_payments)}</p> })
            } else {
                Either::Right(view! {
                    <div class="table-wrap"><table class="table" data-testid="payments">
                        <thead><tr>
                            <th scope="col">{t!(i18n, receivables.paid_on)}</th>
                            <th scope="col">{t!(i18n, receivables.method)}</th>
                            <th scope="col" class="num">{t!(i18n, receivables.amount)}</th>
                            <th scope="col">{t!(i18n, receivables.paid_orders)}</th>
                            <th scope="col" class="num">{t!(i18n, receivables.credit)}</th>
                            <th scope="col">{t!(i18n, receivables.recorded_by)}</th>
                        </tr></thead>
                        <tbody>
                            {s.payments.into_iter().map(|p| view! {
                                <tr class:voided=p.voided.is_some()>
                                    <td>{p.paid_on.clone()}</td>
                                    <td data-label=move || t_string!(i18n, receivables.method).to_string()>{method_label(i18n, p.method)}
                                        {(!p.reference.is_empty()).then(|| view! { <br /><small class="muted">{p.reference.clone()}</small> })}</td>
                                    <td class="num" data-label=move || t_string!(i18n, receivables.amount).to_string()>{p.amount.to_display_string()}</td>
                                    <td data-label=move || t_string!(i18n, receivables.paid_orders).to_string()>{p.to_orders.clone()}
                                        {(!p.note.is_empty()).then(|| view! { <br /><small class="muted">{p.note.clone()}</small> })}</td>
                                    <td class="num" data-label=move || t_string!(i18n, receivables.credit).to_string()>{p.unallocated.to_display_string()}</td>
                                    <td data-label=move || t_string!(i18n, receivables.recorded_by).to_string()>{p.recorded_by.clone()}
                                        <PaymentVoid payment=p.clone() may_void=may_void void=void /></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table></div>
                })
            }}
        </section>
    }
}

/// A payment's void: the mark and reason once voided, else (for a manager) a folded form
/// asking why. The form posts, so it works before the script has loaded.
#[component]
fn PaymentVoid(
    payment: PaymentView,
    may_void: bool,
    void: ServerAction<VoidPayment>,
) -> impl IntoView {
    let i18n = use_i18n();
    if let Some(v) = payment.voided {
        return Either::Left(view! {
            <p class="void-mark" data-testid="void-mark">
                <strong>{t!(i18n, receivables.voided)}</strong>" "
                {t!(i18n, receivables.voided_by, by = v.by, at = v.at)}<br />{v.reason}
            </p>
        });
    }
    let reason = RwSignal::new(String::new());
    let id = payment.id.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        void.dispatch(VoidPayment {
            payment: id.clone(),
            reason: reason.get_untracked(),
        });
    };
    Either::Right(may_void.then(|| view! {
        <details class="void-payment">
            <summary>{t!(i18n, receivables.void)}</summary>
            <form method="post" action=VoidPayment::PATH on:submit=submit>
                <input type="hidden" name="payment" value=payment.id.clone() />
                <label class="field">
                    <span>{t!(i18n, receivables.void_reason)}</span>
                    <input name="reason" autocomplete="off" maxlength="200" required
                        value=reason.get_untracked() prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev)) />
                </label>
                <button type="submit" class="button button-danger" disabled=move || void.pending().get()>{t!(i18n, receivables.void_confirm)}</button>
            </form>
        </details>
    }))
}

/// What the payment just recorded did.
#[component]
fn PaidBanner(outcome: PaymentOutcome) -> impl IntoView {
    let i18n = use_i18n();
    let text = if outcome.resent {
        t_string!(i18n, receivables.paid_before).to_string()
    } else {
        let mut parts: Vec<String> = outcome
            .allocated
            .iter()
            .map(|(n, m)| format!("{n} ¥{}", m.to_display_string()))
            .collect();
        if outcome.unallocated.0 > 0 {
            parts.push(
                t_string!(
                    i18n,
                    receivables.kept_as_credit,
                    amount = outcome.unallocated.to_display_string()
                )
                .to_string(),
            );
        }
        t_string!(i18n, receivables.paid, detail = parts.join("；")).to_string()
    };
    view! { <p class="banner banner-success" role="status" data-testid="paid">{text}</p> }
}

#[component]
fn InvoiceTable(invoices: Vec<InvoiceView>) -> impl IntoView {
    let i18n = use_i18n();
    if invoices.is_empty() {
        return Either::Left(view! { <p class="empty">{t!(i18n, receivables.no_invoices)}</p> });
    }
    Either::Right(view! {
        <div class="table-wrap"><table class="table" data-testid="invoices">
            <thead><tr>
                <th scope="col">{t!(i18n, receivables.order)}</th>
                <th scope="col">{t!(i18n, receivables.issued_on)}</th>
                <th scope="col">{t!(i18n, receivables.due_on)}</th>
                <th scope="col" class="num">{t!(i18n, receivables.amount)}</th>
                <th scope="col" class="num">{t!(i18n, receivables.open_balance)}</th>
            </tr></thead>
            <tbody>
                {invoices.into_iter().map(|v| {
                    let balance = v.balance();
                    view! {
                        <tr>
                            <td><A href=format!("/orders/{}", v.order_id)>{v.order_number.clone()}</A></td>
                            <td data-label=move || t_string!(i18n, receivables.issued_on).to_string()>{v.issued_on.clone()}</td>
                            <td data-label=move || t_string!(i18n, receivables.due_on).to_string()>{v.due_on.clone()}
                                {(v.days_late > 0 && balance.0 > 0).then(|| view! { " " <span class="badge badge-late">{t!(i18n, receivables.days_late, days = v.days_late)}</span> })}</td>
                            <td class="num" data-label=move || t_string!(i18n, receivables.amount).to_string()>{v.amount.to_display_string()}</td>
                            <td class="num" data-label=move || t_string!(i18n, receivables.open_balance).to_string()>{balance.to_display_string()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
    })
}

/// 登记回款: amount, day (today unless typed; never later), method and its reference, a
/// note, and optionally an amount per open invoice.
#[component]
fn PayForm(statement: CustomerStatement, pay: ServerAction<RecordPayment>) -> impl IntoView {
    let i18n = use_i18n();
    let (posted_fields, posted_failure) =
        crate::components::form::posted_errors::<RecordPayment>(i18n);
    let errors = RwSignal::new(posted_fields);
    let failure = RwSignal::new(posted_failure);
    Effect::new(move |_| match pay.value().get() {
        Some(Err(AppError::Validation(e))) => {
            failure.set(None);
            errors.set(e);
            crate::components::form::focus_first_invalid();
        }
        Some(Err(e)) => failure.set(Some(error_message(i18n, &e))),
        _ => {}
    });
    let amount = RwSignal::new(String::new());
    let paid_on = RwSignal::new(String::new());
    let method = RwSignal::new(PaymentMethod::Cash.as_str().to_owned());
    let reference = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let open = statement.open.clone();
    let by_hand = RwSignal::new(vec![String::new(); open.len()]);
    let err = move |field: String| move || errors.with(|e| message_for(i18n, e, &field));
    let (key, code, today) = (
        statement.payment_key.clone(),
        statement.code.clone(),
        statement.today.clone(),
    );
    let (key_submit, code_submit, open_submit) = (key.clone(), code.clone(), open.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let hand = by_hand.get_untracked();
        pay.dispatch(RecordPayment {
            payment: PaymentInput {
                key: key_submit.clone(),
                customer_code: code_submit.clone(),
                paid_on: paid_on.get_untracked(),
                method: method.get_untracked(),
                reference: reference.get_untracked(),
                amount: amount.get_untracked(),
                note: note.get_untracked(),
                allocations: open_submit
                    .iter()
                    .zip(hand)
                    .map(|(v, a)| AllocationInput {
                        invoice: v.id.clone(),
                        amount: a,
                    })
                    .collect(),
            },
        });
    };
    let text_field =
        move |name: &'static str, label: String, value: RwSignal<String>, mode: &'static str| {
            view! {
                <label class="field">
                    <span>{label}</span>
                    <input name=format!("payment[{name}]") inputmode=mode autocomplete="off"
                        aria-invalid=move || err(name.to_owned())().is_some().to_string()
                        value=value.get_untracked() prop:value=move || value.get()
                        on:input=move |ev| {
                            errors.update(|e| e.retain(|x| x.field != name));
                            value.set(event_target_value(&ev));
                        } />
                    <small class="field-error" role="alert">{err(name.to_owned())}</small>
                </label>
            }
        };
    view! {
        <form class="card pay-form" method="post" action=RecordPayment::PATH on:submit=submit novalidate>
            <h2>{t!(i18n, receivables.record_payment)}</h2>
            <input type="hidden" name="payment[key]" value=key />
            <input type="hidden" name="payment[customer_code]" value=code />
            <div class="form-row">
                {text_field("amount", t_string!(i18n, receivables.amount).to_string(), amount, "decimal")}
                <label class="field">
                    <span>{t!(i18n, receivables.paid_on)}</span>
                    <input name="payment[paid_on]" type="date" max=today
                        aria-invalid=move || err("paid_on".into())().is_some().to_string()
                        value=paid_on.get_untracked() prop:value=move || paid_on.get()
                        on:change=move |ev| { errors.update(|e| e.retain(|x| x.field != "paid_on")); paid_on.set(event_target_value(&ev)) } />
                    <small class="hint">{t!(i18n, orders.date_hint)}</small>
                    <small class="field-error" role="alert">{err("paid_on".into())}</small>
                </label>
                <label class="field">
                    <span>{t!(i18n, receivables.method)}</span>
                    <select name="payment[method]" prop:value=move || method.get()
                        on:change=move |ev| { errors.update(|e| e.retain(|x| x.field != "method" && x.field != "reference")); method.set(event_target_value(&ev)) }>
                        {PaymentMethod::ALL.into_iter().map(|m| view! {
                            <option value=m.as_str() selected=m == PaymentMethod::Cash>{method_label(i18n, m)}</option>
                        }).collect_view()}
                    </select>
                    <small class="field-error" role="alert">{err("method".into())}</small>
                </label>
                {text_field("reference", t_string!(i18n, receivables.reference).to_string(), reference, "text")}
            </div>
            {text_field("note", t_string!(i18n, receivables.note).to_string(), note, "text")}
            {(!open.is_empty()).then(|| view! {
                <fieldset class="pay-allocations">
                    <legend>{t!(i18n, receivables.by_hand)}</legend>
                    <p class="hint">{t!(i18n, receivables.by_hand_hint)}</p>
                    {open.into_iter().enumerate().map(|(i, v)| {
                        let field = format!("allocations.{i}.amount");
                        let field_for_input = field.clone();
                        view! {
                            <div class="form-row pay-allocation">
                                <input type="hidden" name=format!("payment[allocations][{i}][invoice]") value=v.id.clone() />
                                <label class="field">
                                    <span>{t!(i18n, receivables.invoice_line, order = v.order_number.clone(), due = v.due_on.clone(), balance = v.balance().to_display_string())}</span>
                                    <input name=format!("payment[allocations][{i}][amount]") inputmode="decimal" autocomplete="off"
                                        aria-invalid={let f = field.clone(); move || err(f.clone())().is_some().to_string()}
                                        value=by_hand.with_untracked(|h| h.get(i).cloned().unwrap_or_default())
                                        prop:value=move || by_hand.with(|h| h.get(i).cloned().unwrap_or_default())
                                        on:input=move |ev| {
                                            let f = field_for_input.clone();
                                            errors.update(|e| e.retain(|x| x.field != f));
                                            let v = event_target_value(&ev);
                                            by_hand.update(|h| if let Some(x) = h.get_mut(i) { *x = v });
                                        } />
                                    <small class="field-error" role="alert">{err(field.clone())}</small>
                                </label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
            })}
            <div class="page-actions">
                <button type="submit" class="button button-primary" disabled=move || pay.pending().get()>{t!(i18n, receivables.save_payment)}</button>
            </div>
            {move || failure.get().map(|m| view! { <p class="banner banner-error" role="alert">{m}</p> })}
            {move || errors.with(|e| e.iter().find(|x| x.field == "key" || x.field == "customer_code").map(|x| view! {
                <p class="banner banner-error" role="alert">{crate::components::error_view::field_message(i18n, x.code)}</p>
            }))}
        </form>
    }
}
