//! The use cases of receivables (`features/receivables/api.rs`): the invoice a delivered
//! order issues (due after the credit days of the customer's tier policy; the
//! customer's unallocated credit pays it first), recording a payment (oldest due first
//! or as chosen, the rest kept as credit; sent twice, stored once), a customer's
//! statement, the aging report per customer, per rep and for the company, and the
//! dashboard's overdue figures. Every read in the user's scope: a rep sees their own
//! customers only.
use crate::domain::ids::CompanyId;
use crate::domain::money::Money;
use crate::domain::receivables::{
    Aging, CreditCheck, Open, PaymentFields, PaymentInput, PaymentMethod, aging, allocate_by_hand,
    allocate_oldest_first, due_on,
};
use crate::domain::segmentation::Class;
use crate::domain::staff::Action;
use crate::domain::validation::{FieldError, FieldErrorCode, ForField as _};
use crate::error::AppError;
use crate::features::auth::api::CurrentUser;
use crate::features::receivables::api::*;
use crate::server::context::{self, scope_of};
use crate::server::db::DbConn;
use crate::server::db::customers::Scope;
use crate::server::db::receivables::{self as repo, AgingDays, NewInvoice, NewPayment};
use chrono::NaiveDate;
use uuid::Uuid;

/// How many invoices and payments a statement shows.
const STATEMENT_ROWS: i64 = 50;

/// Issues the invoice of an order delivered on `day` (once, whatever the retries) and
/// lets the customer's unallocated credit pay it. Called inside the delivering step's
/// transaction.
pub async fn issue_for_order(
    conn: &mut DbConn,
    company: CompanyId,
    order: Uuid,
    customer: Uuid,
    amount: i64,
    day: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let days = credit_days(conn, company, customer, day).await?;
    let invoice = NewInvoice {
        id: Uuid::now_v7(),
        order_id: order,
        customer_id: customer,
        issued_on: day,
        due_on: due_on(day, days),
        amount,
        now,
    };
    if repo::issue(conn, company, &invoice).await? {
        apply_credit(conn, company, customer, invoice.id, amount).await?;
    }
    Ok(())
}

/// The credit days of the customer's tier policy in force on `day` (no tier or no
/// policy: due on delivery).
async fn credit_days(
    conn: &mut DbConn,
    company: CompanyId,
    customer: Uuid,
    day: NaiveDate,
) -> Result<u32, AppError> {
    Ok(tier_policy(conn, company, customer, day)
        .await?
        .map_or(0, |p| p.credit_days))
}

/// The tier policy in force for the customer's tier on `day`.
async fn tier_policy(
    conn: &mut DbConn,
    company: CompanyId,
    customer: Uuid,
    day: NaiveDate,
) -> Result<Option<crate::features::tiers::api::PolicySummary>, AppError> {
    let Some(tier): Option<Class> =
        crate::server::db::tiers::customer_tier(conn, company, customer).await?
    else {
        return Ok(None);
    };
    let versions = crate::server::tiers::in_force::versions(conn, company).await?;
    Ok(crate::server::tiers::in_force::policy_on(
        &versions, tier, day,
    ))
}

/// Credit control for an order of `amount` for the customer on `day`: their limit (their
/// own — 0 is "cash only" — else their tier policy's, where 0 is "not set", as its blank
/// field is stored), what they owe, their credit, their confirmed orders not yet
/// delivered, and what is past due.
pub async fn credit_check(
    conn: &mut DbConn,
    company: CompanyId,
    customer: Uuid,
    amount: i64,
    day: NaiveDate,
) -> Result<CreditCheck, AppError> {
    let e = repo::exposure(conn, company, customer, day).await?;
    let policy = match e.own_limit {
        Some(_) => None,
        None => tier_policy(conn, company, customer, day)
            .await?
            .map(|p| p.credit_limit),
    };
    Ok(e.check(policy, Money(amount)))
}

/// Spends the customer's unallocated credit on their open invoices, the earliest
/// payment on the earliest due invoice first.
async fn apply_credit(
    conn: &mut DbConn,
    company: CompanyId,
    customer: Uuid,
    invoice: Uuid,
    amount: i64,
) -> Result<(), AppError> {
    // only the new invoice: an older one left open by a hand allocation (a disputed
    // delivery) stays as the user chose
    let mut left = amount;
    for (payment, credit) in repo::credits(conn, company, customer).await? {
        if left == 0 {
            break;
        }
        let take = credit.min(left);
        if !repo::allocate(conn, company, payment, invoice, take).await? {
            return Err(broken_figures(invoice));
        }
        left -= take;
    }
    Ok(())
}

fn open_of(rows: &[repo::InvoiceRow]) -> Vec<Open<Uuid>> {
    rows.iter()
        .map(|r| Open {
            invoice: r.id,
            due: r.due_on,
            balance: Money(r.amount - r.paid),
        })
        .collect()
}

/// An allocation the figures read a moment ago refused: writers take turns, so this is
/// a fault, never the user's.
fn broken_figures(invoice: Uuid) -> AppError {
    tracing::error!(%invoice, "an allocation within the balances read was refused");
    AppError::Internal
}

/// The customer `scope` may see, by id.
async fn customer_in_scope(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    id: Uuid,
) -> Result<crate::server::db::orders::OrderCustomer, AppError> {
    crate::server::db::orders::customer_by_id(conn, company, scope, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn record(payment: PaymentInput) -> Result<PaymentOutcome, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let key: Uuid = match payment.key.trim() {
        "" => return Err(FieldError::new("key", FieldErrorCode::Required).into()),
        raw => raw
            .parse()
            .map_err(|_| AppError::from(FieldError::new("key", FieldErrorCode::InvalidText)))?,
    };
    let (now, beijing) = context::now_pair();
    let company = user.company_id;
    let mut tx = state.begin().await?;
    // the same form sent twice (a double click, a retry after a timeout): stored once
    match repo::payment_recorder(&mut tx, company, key).await? {
        // sent again after a manager voided it: never "recorded" again
        Some((by, _, _, true)) if by == user.id.0 => {
            return Err(AppError::Conflict(crate::error::Conflict::StaleVersion));
        }
        Some((by, customer, amount, false)) if by == user.id.0 => {
            // the same form again is the same payment; anything else sent with an old
            // form's key (a page restored from history) is told to reload
            let same = Money::parse_yuan(&payment.amount).ok() == Some(Money(amount))
                && crate::server::db::orders::customer(
                    &mut tx,
                    company,
                    scope_of(&user),
                    payment.customer_code.trim(),
                )
                .await?
                .is_some_and(|c| c.id == customer);
            if !same {
                return Err(AppError::Conflict(crate::error::Conflict::StaleVersion));
            }
            return Ok(PaymentOutcome {
                resent: true,
                customer_id: customer.to_string(),
                ..PaymentOutcome::default()
            });
        }
        // another user's key: never theirs to learn about
        Some(_) => return Err(FieldError::new("key", FieldErrorCode::Taken).into()),
        None => {}
    }
    let fields = PaymentFields::parse(&payment, beijing.date());
    let customer = crate::server::db::orders::customer(
        &mut tx,
        company,
        scope_of(&user),
        payment.customer_code.trim(),
    )
    .await?;
    let (fields, customer) = match (fields, customer) {
        (Ok(f), Some(c)) => (f, c),
        (fields, customer) => {
            let mut errors = fields.err().unwrap_or_default();
            if customer.is_none() {
                errors.insert(
                    0,
                    FieldError::new("customer_code", FieldErrorCode::UnknownCustomer),
                );
            }
            return Err(AppError::Validation(errors));
        }
    };
    if let Some(r) = &fields.reference
        && repo::reference_taken(&mut tx, company, fields.method.as_str(), r).await?
    {
        return Err(FieldError::new("reference", FieldErrorCode::Taken).into());
    }
    let open_rows = repo::open_invoices(&mut tx, company, customer.id).await?;
    let open = open_of(&open_rows);
    let allocation = if fields.by_hand.is_empty() {
        allocate_oldest_first(&open, fields.amount)
    } else {
        let mut chosen = Vec::with_capacity(fields.by_hand.len());
        for (i, (typed, m)) in fields.by_hand.iter().enumerate() {
            // an invoice that is not this customer's open one is refused like too much
            let id = typed
                .parse::<Uuid>()
                .ok()
                .filter(|id| open.iter().any(|o| o.invoice == *id));
            match id {
                Some(id) => chosen.push((id, *m)),
                None => return Err(by_hand_error(&payment, i)),
            }
        }
        allocate_by_hand(&open, &chosen, fields.amount).map_err(|at| by_hand_error(&payment, at))?
    };
    repo::insert_payment(
        &mut tx,
        company,
        &NewPayment {
            id: key,
            customer_id: customer.id,
            paid_on: fields.paid_on,
            method: fields.method.as_str(),
            reference: fields.reference.as_deref(),
            amount: fields.amount.0,
            note: fields.note.as_deref(),
            recorded_by: user.id,
            now,
        },
    )
    .await?;
    let mut allocated = Vec::new();
    for (invoice, m) in &allocation.to_invoices {
        if !repo::allocate(&mut tx, company, key, *invoice, m.0).await? {
            return Err(broken_figures(*invoice));
        }
        let number = open_rows
            .iter()
            .find(|r| r.id == *invoice)
            .map(|r| r.order_number.clone())
            .unwrap_or_default();
        allocated.push((number, *m));
    }
    tx.commit().await?;
    tracing::info!(by = %user.id, payment = %key, customer = %customer.id, amount = fields.amount.0, "payment recorded");
    Ok(PaymentOutcome {
        resent: false,
        customer_id: customer.id.to_string(),
        allocated,
        unallocated: allocation.unallocated,
    })
}

/// The typed allocation (its index among all typed rows) of the `n`-th non-blank one.
fn position_of(input: &PaymentInput, n: usize) -> usize {
    input
        .allocations
        .iter()
        .enumerate()
        .filter(|(_, a)| !a.amount.trim().is_empty())
        .nth(n)
        .map_or(0, |(i, _)| i)
}

fn by_hand_error(input: &PaymentInput, n: usize) -> AppError {
    FieldError::new(
        &format!("allocations.{}.amount", position_of(input, n)),
        FieldErrorCode::OverBalance,
    )
    .into()
}

/// Where the aging buckets of `day` start.
pub fn aging_days(day: NaiveDate) -> AgingDays {
    let back = |n| day.checked_sub_days(chrono::Days::new(n)).unwrap_or(day);
    AgingDays {
        minus_30: back(30),
        minus_60: back(60),
        minus_90: back(90),
    }
}

fn aging_of(days_0_30: i64, days_31_60: i64, days_61_90: i64, over_90: i64) -> Aging {
    Aging {
        days_0_30: Money(days_0_30),
        days_31_60: Money(days_31_60),
        days_61_90: Money(days_61_90),
        over_90: Money(over_90),
    }
}

fn customer_aging(r: repo::AgingRow) -> CustomerAging {
    CustomerAging {
        id: r.customer_id.to_string(),
        code: r.code,
        name: r.name,
        rep_name: r.rep_name.unwrap_or_default(),
        aging: aging_of(r.days_0_30, r.days_31_60, r.days_61_90, r.over_90),
    }
}

/// The aging report of the user's scope on today's Beijing date, `page` of its
/// customers (all of them with `page` 0, for the export).
pub async fn report_for(
    conn: &mut DbConn,
    user: &CurrentUser,
    page: u32,
) -> Result<AgingReport, AppError> {
    let today = crate::domain::time::beijing_date(chrono::Utc::now());
    let days = aging_days(today);
    let scope = scope_of(user);
    let company = user.company_id;
    let reps: Vec<RepAging> = repo::aging_by_rep(conn, company, scope, days)
        .await?
        .into_iter()
        .map(|r| RepAging {
            rep_name: r.rep_name.unwrap_or_default(),
            customers: r.customers,
            aging: aging_of(r.days_0_30, r.days_31_60, r.days_61_90, r.over_90),
        })
        .collect();
    let mut total = Aging::default();
    for r in &reps {
        total.add(&r.aging);
    }
    let owing: i64 = reps.iter().map(|r| r.customers).sum();
    let (limit, offset) = match page {
        0 => (None, 0),
        p => (Some(AGING_PAGE), i64::from(p - 1) * AGING_PAGE),
    };
    let customers = repo::aging_by_customer(conn, company, scope, days, limit, offset)
        .await?
        .into_iter()
        .map(customer_aging)
        .collect();
    Ok(AgingReport {
        on: today.to_string(),
        total,
        reps,
        customers,
        owing,
    })
}

pub async fn report(page: u32) -> Result<AgingReport, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let mut conn = state.conn().await?;
    report_for(&mut conn, &user, page.max(1)).await
}

/// The dashboard's figures: what is more than 30 days past due, and the five customers
/// owing most of it.
pub async fn overdue_for(conn: &mut DbConn, user: &CurrentUser) -> Result<Overdue, AppError> {
    let today = crate::domain::time::beijing_date(chrono::Utc::now());
    let days = aging_days(today);
    let scope = scope_of(user);
    let ((a, b, c, d), top) =
        repo::aging_total_and_top(conn, user.company_id, scope, days, 5).await?;
    let total = aging_of(a, b, c, d);
    let top = top
        .into_iter()
        .map(customer_aging)
        .filter(|c| c.aging.past_30().0 > 0)
        .collect();
    Ok(Overdue { total, top })
}

fn invoice_view(r: &repo::InvoiceRow, today: NaiveDate) -> InvoiceView {
    InvoiceView {
        id: r.id.to_string(),
        order_id: r.order_id.to_string(),
        order_number: r.order_number.clone(),
        issued_on: r.issued_on.to_string(),
        due_on: r.due_on.to_string(),
        amount: Money(r.amount),
        paid: Money(r.paid),
        days_late: (today - r.due_on).num_days().max(0),
    }
}

pub async fn statement(customer: String) -> Result<CustomerStatement, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let id: Uuid = context::record_id(&customer)?;
    let company = user.company_id;
    let mut conn = state.conn().await?;
    let c = customer_in_scope(&mut conn, company, scope_of(&user), id).await?;
    let today = crate::domain::time::beijing_date(chrono::Utc::now());
    let open_rows = repo::open_invoices(&mut conn, company, id).await?;
    let balances = aging(&open_of(&open_rows), today);
    let invoices = repo::recent_invoices(&mut conn, company, id, STATEMENT_ROWS)
        .await?
        .iter()
        .map(|r| invoice_view(r, today))
        .collect();
    let payments = repo::recent_payments(&mut conn, company, id, STATEMENT_ROWS)
        .await?
        .into_iter()
        .map(|p| PaymentView {
            paid_on: p.paid_on.to_string(),
            method: PaymentMethod::parse(&p.method).unwrap_or(PaymentMethod::Cash),
            reference: p.reference.unwrap_or_default(),
            amount: Money(p.amount),
            unallocated: Money(p.unallocated),
            note: p.note.unwrap_or_default(),
            recorded_by: p.recorded_by_name,
            to_orders: p.to_orders.unwrap_or_default(),
            voided: p.voided_at.map(|at| VoidView {
                by: p.voided_by_name.unwrap_or_default(),
                at: crate::domain::time::to_beijing(at)
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
                reason: p.void_reason.unwrap_or_default(),
            }),
            id: p.id.to_string(),
        })
        .collect();
    let credit = repo::credit_total(&mut conn, company, id).await?;
    let releases = repo::releases(&mut conn, company, id, STATEMENT_ROWS)
        .await?
        .into_iter()
        .map(|r| ReleaseView {
            order_id: r.order_id.to_string(),
            order_number: r.order_number,
            by: r.by_name,
            at: crate::domain::time::to_beijing(r.released_at)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            reason: r.reason,
            check: CreditCheck {
                limit: r.credit_limit.map(Money),
                open: Money(r.open_amount),
                credit: Money(r.credit),
                pending: Money(r.pending),
                order: Money(r.order_amount),
                overdue: Money(r.overdue),
            },
        })
        .collect();
    Ok(CustomerStatement {
        customer_id: c.id.to_string(),
        code: c.code,
        name: c.name,
        aging: balances,
        credit: Money(credit),
        open: open_rows.iter().map(|r| invoice_view(r, today)).collect(),
        invoices,
        payments,
        releases,
        today: today.to_string(),
        // a fresh key for the form this statement draws: the payment it records is
        // stored once however often the form is sent
        payment_key: Uuid::now_v7().to_string(),
        may_void: user.role.may(Action::ManageCustomers),
    })
}

/// The longest reason a void keeps.
const VOID_REASON_MAX: u32 = 200;

/// Voids a payment (managers and the owner): see `features::receivables::api::void_payment`.
/// Answers the payment's customer's id.
pub async fn void(payment: String, reason: String) -> Result<String, AppError> {
    let (state, user) = context::authorize(Action::ManageCustomers).await?;
    let id: Uuid = context::record_id(&payment)?;
    let reason =
        crate::domain::validation::required_text(&reason, VOID_REASON_MAX).for_field("reason")?;
    let company = user.company_id;
    let mut tx = state.begin().await?;
    // another company's payment is as unknown as one never recorded
    let (customer, voided) = repo::payment_state(&mut tx, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let reopened = repo::invoices_paid_by(&mut tx, company, id).await?;
    if voided
        || !repo::void_payment(&mut tx, company, id, user.id, &reason, chrono::Utc::now()).await?
    {
        return Err(AppError::Conflict(crate::error::Conflict::StaleVersion));
    }
    // the invoices it paid are open again: the customer's other credit (a payment kept
    // as 预收, the right entry recorded before the typo was voided) pays them as it
    // would have, earliest due first — aging, the dashboard and credit control agree
    for invoice in reopened {
        let owed = repo::invoice_balance(&mut tx, company, invoice)
            .await?
            .unwrap_or(0);
        apply_credit(&mut tx, company, customer, invoice, owed).await?;
    }
    tx.commit().await?;
    tracing::info!(payment = %id, by = %user.id.0, "payment voided");
    Ok(customer.to_string())
}

/// Stores a payment and spreads it oldest due first (the demo's collections).
pub async fn record_oldest_first(
    conn: &mut DbConn,
    company: CompanyId,
    p: &NewPayment<'_>,
) -> Result<(), AppError> {
    repo::insert_payment(conn, company, p).await?;
    let open = open_of(&repo::open_invoices(conn, company, p.customer_id).await?);
    for (invoice, m) in allocate_oldest_first(&open, Money(p.amount)).to_invoices {
        if !repo::allocate(conn, company, p.id, invoice, m.0).await? {
            return Err(broken_figures(invoice));
        }
    }
    Ok(())
}

/// Cash a driver took at the door for an order: a cash payment recorded by them, paying
/// this order's invoice first, then the oldest due, the rest kept as credit.
pub async fn collect_on_delivery(
    conn: &mut DbConn,
    company: CompanyId,
    by: crate::domain::ids::EmployeeId,
    order: &crate::server::db::orders::OrderRow,
    cash: Money,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let id = Uuid::now_v7();
    repo::insert_payment(
        conn,
        company,
        &NewPayment {
            id,
            customer_id: order.customer_id,
            paid_on: crate::domain::time::beijing_date(at),
            method: PaymentMethod::Cash.as_str(),
            reference: None,
            amount: cash.0,
            note: Some(&order.number),
            recorded_by: by,
            now: at,
        },
    )
    .await?;
    let rows = repo::open_invoices(conn, company, order.customer_id).await?;
    let mut open = open_of(&rows);
    // this order's invoice first
    let mine = rows.iter().find(|r| r.order_id == order.id).map(|r| r.id);
    for o in &mut open {
        if Some(o.invoice) == mine {
            o.due = NaiveDate::MIN;
        }
    }
    for (invoice, m) in allocate_oldest_first(&open, cash).to_invoices {
        if !repo::allocate(conn, company, id, invoice, m.0).await? {
            return Err(broken_figures(invoice));
        }
    }
    Ok(())
}
