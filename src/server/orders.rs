//! The use cases of orders (`features/orders/api.rs`, and the tablet's outbox): taking
//! an order priced from the lists, listing and opening orders within the user's scope,
//! and moving an order a step — confirming posts its lines to the sales ledger (cost
//! from the product's cost price), cancelling a confirmed order takes them out. Each in
//! one transaction; a step names the version it starts from, so two people confirming
//! at once confirm once.
use crate::domain::ids::{CompanyId, EmployeeId};
use crate::domain::money::Money;
use crate::domain::orders::{
    LedgerEffect, OrderFields, OrderNumber, OrderStatus, Step, price_line,
};
use crate::domain::pricing::{MAX_APPROVAL_REASON, price_on};
use crate::domain::segmentation::Class;
use crate::domain::staff::{Action, Role};
use crate::domain::validation::{FieldError, FieldErrorCode, optional_text};
use crate::error::{AppError, Conflict};
use crate::features::auth::api::CurrentUser;
use crate::features::orders::api::*;
use crate::server::context::{self, scope_of};
use crate::server::db::DbConn;
use crate::server::db::orders::{self as repo, NewOrder, NewOrderLine, OrderFilter};
use crate::server::db::{UniqueKey as _, pricing as price_repo, sales as sales_repo};
use std::collections::HashMap;
use uuid::Uuid;

/// Where an order was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Office,
    Tablet,
}

pub async fn create(order: OrderInput) -> Result<String, AppError> {
    // the office's own orders take the server's id: a client id is the tablet's, and
    // checking one here would tell whether someone else's order exists
    let order = OrderInput {
        client_id: String::new(),
        ..order
    };
    create_once(order, Source::Office).await.map(|(id, _)| id)
}

/// Takes an order; with a client id (taken offline) a second call finds the first and
/// answers its id with `false` (nothing new stored).
pub async fn create_once(order: OrderInput, source: Source) -> Result<(String, bool), AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let client_id = context::client_id(&order.client_id)?;
    let (now, beijing) = context::now_pair();
    let mut order = order;
    // the office form's date left empty: today
    if order.order_date.trim().is_empty() {
        order.order_date = beijing.date().to_string();
    }
    let fields = OrderFields::parse(&order);
    let mut tx = state.begin().await?;
    let company = user.company_id;
    if let Some(id) = client_id {
        // stored before (as an order, or as ledger lines by an app from before order
        // documents: a tablet's queue may still hold those)
        if repo::exists(&mut tx, company, id).await?
            || sales_repo::order_exists(&mut tx, company, id).await?
        {
            return Ok((id.to_string(), false));
        }
        crate::server::customers::writes::reassigned_check(
            &mut tx,
            &user,
            order.customer_code.trim(),
        )
        .await?;
    }
    let fields = fields.map_err(AppError::Validation)?;
    if fields.order_date > beijing.date() {
        return Err(FieldError::new("order_date", FieldErrorCode::InFuture).into());
    }
    let (customer, lines) = price_lines(&mut tx, &user, &fields).await?;
    let total = lines
        .iter()
        .try_fold(0i64, |sum, l| sum.checked_add(l.amount))
        .ok_or_else(|| AppError::from(FieldError::new("lines", FieldErrorCode::TooLarge)))?;
    let year = beijing
        .date()
        .format("%Y")
        .to_string()
        .parse()
        .unwrap_or(2000);
    let seq = repo::next_number(&mut tx, company, year).await?;
    let number = OrderNumber {
        year,
        seq: u32::try_from(seq).unwrap_or(u32::MAX),
    };
    let id = client_id.unwrap_or_else(Uuid::now_v7);
    let new = NewOrder {
        id,
        number: number.to_string(),
        customer_id: customer.id,
        rep_id: customer.rep_id,
        order_date: fields.order_date,
        source: match source {
            Source::Office => "office",
            Source::Tablet => "tablet",
        },
        total,
        created_by: user.id,
        now,
    };
    if repo::insert(&mut tx, company, &new, &lines)
        .await
        .unless_resent(client_id)?
        .is_none()
    {
        // only the order's own key means "sent twice": writers take turns, so another
        // clash (a number handed out twice) is a fault to report, never a silent drop
        drop(tx);
        let mut conn = state.conn().await?;
        if repo::exists(&mut conn, company, id).await? {
            return Ok((id.to_string(), false));
        }
        tracing::error!(order = %id, number = %new.number, "an order's number was taken");
        return Err(AppError::Internal);
    }
    tx.commit().await?;
    tracing::info!(by = %user.id, order = %id, number = %new.number, lines = lines.len(), "order taken");
    Ok((id.to_string(), true))
}

/// The order's customer (within the user's scope, still served) and its lines priced:
/// every problem named by field.
async fn price_lines(
    conn: &mut DbConn,
    user: &CurrentUser,
    fields: &OrderFields,
) -> Result<(repo::OrderCustomer, Vec<NewOrderLine>), AppError> {
    let company = user.company_id;
    let mut errors = Vec::new();
    let customer = repo::customer(conn, company, scope_of(user), &fields.customer_code).await?;
    match customer.as_ref().map(|c| c.status.as_str()) {
        None => errors.push(FieldError::new(
            "customer_code",
            FieldErrorCode::UnknownCustomer,
        )),
        Some("closed") => errors.push(FieldError::new(
            "customer_code",
            FieldErrorCode::CustomerClosed,
        )),
        Some("dormant") => errors.push(FieldError::new(
            "customer_code",
            FieldErrorCode::CustomerDormant,
        )),
        Some(_) => {}
    }
    let products: HashMap<String, sales_repo::ProductRow> = sales_repo::products(conn, company)
        .await?
        .into_iter()
        .map(|p| (p.sku.clone(), p))
        .collect();
    let (entries, tier) = match &customer {
        Some(c) => (
            price_repo::entries_for(conn, company, c.id).await?,
            c.tier.as_deref().and_then(|t| Class::parse(t).ok()),
        ),
        None => (Vec::new(), None),
    };
    let may_set_price = user.role.may(Action::ManageCustomers);
    let mut lines = Vec::new();
    for (n, l) in fields.lines.iter().enumerate() {
        let field = |name: &str| format!("lines.{}.{name}", l.index);
        let product = match products.get(&l.product_sku) {
            None => {
                errors.push(FieldError::new(
                    &field("product_sku"),
                    FieldErrorCode::UnknownProduct,
                ));
                continue;
            }
            Some(p) if !p.active => {
                errors.push(FieldError::new(
                    &field("product_sku"),
                    FieldErrorCode::DiscontinuedProduct,
                ));
                continue;
            }
            Some(p) => p,
        };
        let Some(c) = &customer else { continue };
        let resolved = price_on(&entries, product.id, c.id, tier, fields.order_date);
        match price_line(l, resolved, product.price_floor.map(Money), may_set_price) {
            Ok(priced) => lines.push(NewOrderLine {
                line_no: i64::try_from(n + 1).unwrap_or(i64::MAX),
                product_id: product.id,
                quantity: l.quantity,
                unit_price: priced.unit_price.0,
                amount: priced.amount.0,
                price_source: priced.source.as_str(),
                approval: priced.approval_reason.map(|why| (user.id, why)),
            }),
            Err((name, code)) => errors.push(FieldError::new(&field(name), code)),
        }
    }
    match customer {
        Some(c) if errors.is_empty() => Ok((c, lines)),
        _ => Err(AppError::Validation(errors)),
    }
}

/// Whether `role` may take `step` now: owners and managers run the order through; the
/// rep who took it (or whose customer it is) may only cancel it while it is a draft.
pub fn may_take(role: Role, status: OrderStatus, step: Step) -> bool {
    if status.after(step).is_err() {
        return false;
    }
    role.may(Action::ManageCustomers)
        || (role.may(Action::WorkWithCustomers)
            && step == Step::Cancel
            && status == OrderStatus::Draft)
}

fn status_of(raw: &str) -> Result<OrderStatus, AppError> {
    OrderStatus::parse(raw).ok_or_else(|| {
        tracing::error!(status = raw, "an order with an unknown status");
        AppError::Internal
    })
}

fn beijing_minute(at: chrono::DateTime<chrono::Utc>) -> String {
    crate::domain::time::to_beijing(at)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn summary(o: &repo::OrderRow) -> Result<OrderSummary, AppError> {
    Ok(OrderSummary {
        id: o.id.to_string(),
        number: o.number.clone(),
        customer_code: o.customer_code.clone(),
        customer_name: o.customer_name.clone(),
        rep_name: o.rep_name.clone().unwrap_or_default(),
        order_date: o.order_date.to_string(),
        status: status_of(&o.status)?,
        source: o.source.clone(),
        total: Money(o.total).to_display_string(),
        version: o.version,
    })
}

pub async fn list(status: String, customer: String, page: u32) -> Result<OrderPage, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let status = match status.trim() {
        "" => None,
        s => Some(
            OrderStatus::parse(s)
                .ok_or_else(|| FieldError::new("status", FieldErrorCode::InvalidChoice))?,
        ),
    };
    let customer = match customer.trim() {
        "" => None,
        id => Some(context::record_id::<Uuid>(id)?),
    };
    let filter = OrderFilter {
        status: status.map(OrderStatus::as_str),
        customer,
    };
    let mut conn = state.conn().await?;
    let offset = i64::from(page.max(1) - 1) * ORDER_PAGE;
    let scope = scope_of(&user);
    let rows = repo::page(
        &mut conn,
        user.company_id,
        scope,
        filter,
        ORDER_PAGE,
        offset,
    )
    .await?;
    let total = repo::count(&mut conn, user.company_id, scope, filter).await?;
    Ok(OrderPage {
        items: rows.iter().map(summary).collect::<Result<_, _>>()?,
        total,
    })
}

pub async fn detail(id: String) -> Result<OrderDetail, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let id: Uuid = context::record_id(&id)?;
    let mut conn = state.conn().await?;
    read_detail(&mut conn, &user, id).await
}

async fn read_detail(
    conn: &mut DbConn,
    user: &CurrentUser,
    id: Uuid,
) -> Result<OrderDetail, AppError> {
    let company = user.company_id;
    let o = repo::get(conn, company, scope_of(user), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let order = summary(&o)?;
    let lines = repo::lines(conn, company, id)
        .await?
        .into_iter()
        .map(|l| OrderLineView {
            line_no: l.line_no,
            sku: l.sku,
            product_name: l.product_name,
            unit: l.unit.unwrap_or_default(),
            quantity: l.quantity,
            unit_price: Money(l.unit_price).to_display_string(),
            amount: Money(l.amount).to_display_string(),
            price_source: l.price_source,
            approved_by: l.approved_by.unwrap_or_default(),
            approval_reason: l.approval_reason.unwrap_or_default(),
        })
        .collect();
    let events = repo::events(conn, company, id)
        .await?
        .into_iter()
        .map(|e| OrderEventView {
            step: e.step,
            by: e.by_name,
            at: beijing_minute(e.happened_at),
            reason: e.reason.unwrap_or_default(),
        })
        .collect();
    let steps = [
        Step::Confirm,
        Step::Pick,
        Step::Dispatch,
        Step::Deliver,
        Step::Close,
        Step::Cancel,
    ]
    .into_iter()
    .filter(|s| may_take(user.role, order.status, *s))
    .collect();
    Ok(OrderDetail {
        customer_phone: o.customer_phone.clone().unwrap_or_default(),
        customer_address: o.customer_address.clone().unwrap_or_default(),
        total_capital: Money(o.total).to_capital().unwrap_or_default(),
        order,
        lines,
        events,
        steps,
    })
}

pub async fn step(
    id: String,
    version: i64,
    step: Step,
    reason: String,
) -> Result<OrderDetail, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let id: Uuid = context::record_id(&id)?;
    let reason = optional_text(&reason, MAX_APPROVAL_REASON)
        .map_err(|code| FieldError::new("reason", code))?;
    let company = user.company_id;
    let (now, beijing) = context::now_pair();
    let mut tx = state.begin().await?;
    let o = repo::get(&mut tx, company, scope_of(&user), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let status = status_of(&o.status)?;
    if o.version != version {
        return Err(AppError::Conflict(Conflict::OrderMoved(status)));
    }
    // the version the user saw is current, so the step was never on offer here
    let Ok((next, effect)) = status.after(step) else {
        return Err(FieldError::new("step", FieldErrorCode::InvalidTransition).into());
    };
    if !may_take(user.role, status, step) {
        return Err(AppError::Forbidden);
    }
    // a customer closed since the order was taken is no longer sold to
    if step == Step::Confirm && o.customer_status == "closed" {
        return Err(FieldError::new("customer_code", FieldErrorCode::CustomerClosed).into());
    }
    // credit control: over the limit or anything past due stops a confirmation, unless
    // a manager releases it with a reason (kept with the figures they saw)
    let mut released = false;
    if step == Step::Confirm {
        let check = crate::server::receivables::credit_check(
            &mut tx,
            company,
            o.customer_id,
            o.total,
            beijing.date(),
        )
        .await?;
        if check.blocked() {
            let Some(why) = reason.as_deref() else {
                return Err(AppError::Conflict(Conflict::CreditBlocked(check)));
            };
            crate::server::db::receivables::insert_release(
                &mut tx,
                company,
                &crate::server::db::receivables::NewRelease {
                    order_id: o.id,
                    customer_id: o.customer_id,
                    by: user.id,
                    at: now,
                    reason: why,
                    check,
                },
            )
            .await?;
            released = true;
        }
    }
    // a reason belongs to a cancel or a release, nothing else
    let reason = match step {
        Step::Cancel => reason,
        Step::Confirm if released => reason,
        _ => None,
    };
    let batch = match effect {
        LedgerEffect::None => o.batch_id,
        LedgerEffect::Post => Some(
            post(
                &mut tx,
                company,
                user.id,
                &Posting {
                    id: o.id,
                    customer_id: o.customer_id,
                    rep_id: o.rep_id,
                    order_date: o.order_date,
                },
                now,
            )
            .await?,
        ),
        LedgerEffect::Reverse => None,
    };
    if !repo::set_status(
        &mut tx,
        company,
        id,
        version,
        status.as_str(),
        next.as_str(),
        batch,
        now,
    )
    .await?
    {
        return Err(AppError::Conflict(Conflict::OrderMoved(status)));
    }
    if let (LedgerEffect::Reverse, Some(posted)) = (effect, o.batch_id) {
        sales_repo::undo_batch(&mut tx, company, posted, now).await?;
    }
    match step {
        // the delivery ticket: its service standard's timer starts at the confirmation
        Step::Confirm => {
            crate::server::tickets::deliveries::open_for_order(
                &mut tx,
                company,
                user.id,
                o.customer_id,
                &o.number,
                o.id,
                now,
            )
            .await?;
        }
        Step::Cancel => {
            crate::server::tickets::deliveries::cancel_for_order(&mut tx, company, o.id, now)
                .await?;
        }
        Step::Deliver => {
            crate::server::tickets::deliveries::finish_for_order(&mut tx, company, o.id, now)
                .await?;
        }
        _ => {}
    }
    // a delivered order is owed: its invoice (应收), due after the customer's credit days
    if step == Step::Deliver {
        crate::server::receivables::issue_for_order(
            &mut tx,
            company,
            o.id,
            o.customer_id,
            o.total,
            beijing.date(),
            now,
        )
        .await?;
    }
    repo::add_event(
        &mut tx,
        company,
        id,
        step.as_str(),
        user.id,
        now,
        reason.as_deref(),
    )
    .await?;
    let detail = read_detail(&mut tx, &user, id).await?;
    tx.commit().await?;
    tracing::info!(by = %user.id, order = %id, step = step.as_str(), "order moved");
    Ok(detail)
}

/// An order as the ledger takes it.
#[derive(Debug, Clone, Copy)]
pub struct Posting {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub rep_id: Option<Uuid>,
    pub order_date: chrono::NaiveDate,
}

/// Puts the order's lines into the sales ledger as a batch of its own (source
/// `order`), the cost of each line from its product's cost price (none set: no cost);
/// answers the batch. Used by a confirmation and by the demo.
pub async fn post(
    conn: &mut DbConn,
    company: CompanyId,
    by: EmployeeId,
    o: &Posting,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Uuid, sqlx::Error> {
    let batch = Uuid::now_v7();
    sales_repo::insert_batch(conn, company, batch, "order", None, Some(by), now, None).await?;
    let lines: Vec<sales_repo::NewLine> = repo::lines(conn, company, o.id)
        .await?
        .into_iter()
        .map(|l| sales_repo::NewLine {
            order_id: o.id,
            line_no: l.line_no,
            order_date: o.order_date,
            customer_id: o.customer_id,
            product_id: l.product_id,
            rep_id: o.rep_id,
            quantity: l.quantity,
            amount: l.amount,
            cost: l
                .cost_price
                .and_then(|c| c.checked_mul(l.quantity))
                .unwrap_or(0),
        })
        .collect();
    sales_repo::insert_lines(conn, company, batch, &lines).await?;
    sales_repo::set_batch_count(
        conn,
        company,
        batch,
        i64::try_from(lines.len()).unwrap_or(0),
    )
    .await?;
    Ok(batch)
}

/// The order a recorded delivery delivers (the driver's, or the office's on the ticket):
/// whatever steps the warehouse left unrecorded are taken with it, by the same person;
/// the invoice is issued; cash taken at the door pays this order's invoice first, then
/// the oldest, the rest kept as credit. An order already delivered, closed or cancelled
/// is left as it is.
pub async fn delivered_by_ticket(
    conn: &mut DbConn,
    company: CompanyId,
    by: EmployeeId,
    id: Uuid,
    at: chrono::DateTime<chrono::Utc>,
    collected: Option<Money>,
) -> Result<(), AppError> {
    let Some(o) = repo::get(conn, company, crate::server::db::customers::Scope::All, id).await?
    else {
        // the ticket names an order that is not there: never drop the cash silently
        tracing::error!(order = %id, "a delivery's order is missing");
        return Err(AppError::Internal);
    };
    let from = status_of(&o.status)?;
    let mut status = from;
    for step in [Step::Pick, Step::Dispatch, Step::Deliver] {
        if let Ok((next, _)) = status.after(step) {
            repo::add_event(conn, company, id, step.as_str(), by, at, None).await?;
            status = next;
        }
    }
    if status == OrderStatus::Delivered && from != status {
        if !repo::set_status(
            conn,
            company,
            id,
            o.version,
            from.as_str(),
            status.as_str(),
            o.batch_id,
            at,
        )
        .await?
        {
            return Err(AppError::Conflict(Conflict::OrderMoved(from)));
        }
        let day = crate::domain::time::beijing_date(at);
        crate::server::receivables::issue_for_order(
            conn,
            company,
            id,
            o.customer_id,
            o.total,
            day,
            at,
        )
        .await?;
    }
    if let Some(cash) = collected {
        crate::server::receivables::collect_on_delivery(conn, company, by, &o, cash, at).await?;
    }
    Ok(())
}

/// Gives the orders confirmed before deliveries came from orders (and not delivered yet)
/// their delivery ticket, once, after the migrations (the server's start and `qudao
/// migrate`): a delivery opened by hand under the order's number for its customer is
/// tied to the order; otherwise a ticket is opened, timed from now — its standard's
/// timer cannot run from a confirmation that happened while nothing measured it (that
/// would invent breaches). Reads first and takes the write lock only when there is work.
/// Answers (tied, opened).
///
/// Orders delivered before receivables get no invoice: their money was collected
/// outside Qudao, and invoicing them now would show paid customers as owing (and stop
/// their next orders at credit control). What they still owe comes in as opening
/// balances.
pub async fn backfill(pool: &crate::server::db::Pool) -> Result<(usize, usize), AppError> {
    {
        let mut conn = pool.acquire().await?;
        if repo::confirmed_without_delivery(&mut conn)
            .await?
            .is_empty()
        {
            return Ok((0, 0));
        }
    }
    let mut tx = pool.begin().await?;
    let now = chrono::Utc::now();
    let (mut tied, mut opened) = (0, 0);
    for (company, order, customer, number, by) in repo::confirmed_without_delivery(&mut tx).await? {
        let company = CompanyId(company);
        if crate::server::db::tickets::adopt_hand_delivery(
            &mut tx, company, &number, customer, order,
        )
        .await?
        {
            tied += 1;
            continue;
        }
        match crate::server::tickets::deliveries::open_for_order(
            &mut tx,
            company,
            EmployeeId(by),
            customer,
            &number,
            order,
            now,
        )
        .await
        {
            Ok(()) => opened += 1,
            // every number the order could take is in use by hand: left for the office
            // (logged there); the others go on
            Err(AppError::Internal) => {}
            Err(e) => return Err(e),
        }
    }
    tx.commit().await?;
    tracing::info!(
        tied,
        opened,
        "orders confirmed before delivery tickets given theirs"
    );
    Ok((tied, opened))
}
