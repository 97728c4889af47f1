//! Deliveries: opening one, a driver's round, assigning a driver and recording the
//! delivery done.
use super::*;

pub async fn open_delivery(input: DeliveryInput) -> Result<String, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let (now_utc, now) = context::now_pair();
    let d = NewDelivery::parse(&input, now)?;
    let mut tx = state.begin().await?;
    let c = customer_by_code(&mut tx, &user, &d.customer_code).await?;
    let driver = match &d.driver {
        None => None,
        Some(a) => Some(
            handler_allowed(&mut tx, user.company_id, TicketKind::Delivery, a, c.rep_id)
                .await?
                .ok_or_else(|| {
                    AppError::Validation(vec![FieldError::new(
                        "driver",
                        FieldErrorCode::UnknownEmployee,
                    )])
                })?,
        ),
    };
    let id = Uuid::now_v7();
    let inserted = repo::insert_delivery(
        &mut tx,
        user.company_id,
        &repo::NewDelivery {
            id,
            customer: c.id,
            order_ref: &d.order_ref,
            ordered_at: from_beijing(d.ordered_at),
            promised_at: d.promised_at.map(from_beijing),
            driver,
            by: user.id,
            now: now_utc,
        },
    )
    .await?;
    if !inserted {
        return Err(AppError::Validation(vec![FieldError::new(
            "order_ref",
            FieldErrorCode::DuplicateCode,
        )]));
    }
    tx.commit().await?;
    tracing::info!(by = %user.id, delivery = %id, "delivery opened");
    Ok(id.to_string())
}

async fn delivery_row(
    conn: &mut DbConn,
    user: &CurrentUser,
    id: &str,
) -> Result<repo::DeliveryRow, AppError> {
    let id: Uuid = context::record_id(id)?;
    repo::delivery(conn, user.company_id, delivery_scope(user), id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn delivery_of(
    conn: &mut DbConn,
    user: &CurrentUser,
    r: repo::DeliveryRow,
) -> Result<DeliveryDetail, AppError> {
    let (_, now) = context::now_pair();
    let rules = Rules::load(conn, user.company_id).await?;
    let photos = repo::photos_of(conn, user.company_id, "delivery", &[r.id])
        .await?
        .into_iter()
        .map(|(_, p)| p.to_string())
        .collect();
    let may_assign = (user.role.may(Action::ManageCustomers) || r.rep_id == Some(user.id.0))
        && r.cancelled_at.is_none();
    let drivers = if may_assign && r.delivered_at.is_none() {
        handler_list(conn, user.company_id, TicketKind::Delivery, r.rep_id).await?
    } else {
        Vec::new()
    };
    Ok(DeliveryDetail {
        item: shown_to(user, delivery_item(&rules, &r, now)),
        ordered_at: beijing_minute(r.ordered_at),
        promised_at: r.promised_at.map(beijing_minute),
        delivered_at: r.delivered_at.map(beijing_minute),
        cancelled_at: r.cancelled_at.map(beijing_minute),
        stop: stop_of(&r),
        driver_id: r.driver_id.map(Into::into),
        note: r.note,
        photos,
        now,
        calendar: rules.calendar,
        may_assign,
        drivers,
        may_open_customer: user.role.may(Action::WorkWithCustomers),
        order: match r.order_id {
            None => None,
            Some(order) => carried(conn, user.company_id, order).await?,
        },
    })
}

/// What an order's delivery carries.
async fn carried(
    conn: &mut DbConn,
    company: CompanyId,
    order: Uuid,
) -> Result<Option<DeliveryOrder>, AppError> {
    use crate::domain::money::Money;
    use crate::server::db::orders as orders_repo;
    let Some(o) = orders_repo::get(conn, company, Scope::All, order).await? else {
        return Ok(None);
    };
    let lines = orders_repo::lines(conn, company, order)
        .await?
        .into_iter()
        .map(|l| {
            (
                format!("{} {}", l.sku, l.product_name),
                format!("{} {}", l.quantity, l.unit.unwrap_or_default()),
            )
        })
        .collect();
    Ok(Some(DeliveryOrder {
        id: o.id.to_string(),
        number: o.number,
        lines,
        total: Money(o.total).to_display_string(),
        total_capital: Money(o.total).to_capital().unwrap_or_default(),
    }))
}

/// A delivery as `user` may see it: a driver gets the order, the customer's name and
/// the timer, not the customer's code, id, tier or rep.
fn shown_to(user: &CurrentUser, mut item: BoardItem) -> BoardItem {
    if !user.role.may(Action::WorkWithCustomers) {
        item.customer_id = None;
        item.code = String::new();
        item.tier = None;
        item.rep = None;
    }
    item
}

fn stop_of(r: &repo::DeliveryRow) -> Stop {
    Stop {
        address: r.address.clone(),
        phone: r.phone.clone(),
        contact: r.contact.clone(),
    }
}

pub async fn my_deliveries() -> Result<DeliveryRound, AppError> {
    let (state, user) = context::authorize(Action::Deliver).await?;
    let (now_utc, now) = context::now_pair();
    let mut conn = state.conn().await?;
    let rules = Rules::load(&mut conn, user.company_id).await?;
    // given to the user, and within what they may see at all
    let scope = delivery_scope(&user);
    let open = repo::deliveries(
        &mut conn,
        user.company_id,
        scope,
        &repo::Filter {
            open_only: true,
            limit: 500,
            ..repo::Filter::default()
        },
        Some(user.id),
    )
    .await?;
    let recent = repo::delivered_since(
        &mut conn,
        user.company_id,
        scope,
        user.id,
        now_utc - chrono::Duration::days(7),
        200,
    )
    .await?;
    let stop = |r: &repo::DeliveryRow| DeliveryStop {
        item: shown_to(&user, delivery_item(&rules, r, now)),
        stop: stop_of(r),
        ordered_at: beijing_minute(r.ordered_at),
        promised_at: r.promised_at.map(beijing_minute),
        delivered_at: r.delivered_at.map(beijing_minute),
    };
    let mut open: Vec<DeliveryStop> = open.iter().map(stop).collect();
    open.sort_by_key(|d| {
        (
            d.item.timer.status.as_ref().map_or((5, 0), urgency),
            d.item.timer.clock.started,
        )
    });
    Ok(DeliveryRound {
        now,
        calendar: rules.calendar.clone(),
        open,
        done: recent.iter().map(stop).collect(),
    })
}

pub async fn assign_driver(
    id: String,
    version: i64,
    driver: String,
) -> Result<DeliveryDetail, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let (now_utc, _) = context::now_pair();
    let mut tx = state.begin().await?;
    let r = delivery_row(&mut tx, &user, &id).await?;
    if !(user.role.may(Action::ManageCustomers) || r.rep_id == Some(user.id.0)) {
        return Err(AppError::Forbidden);
    }
    if r.delivered_at.is_some() || r.cancelled_at.is_some() {
        return Err(AppError::Validation(vec![FieldError::new(
            "driver",
            FieldErrorCode::InvalidTransition,
        )]));
    }
    let who = match driver.trim() {
        "" => None,
        d => Some(
            handler_allowed(&mut tx, user.company_id, TicketKind::Delivery, d, r.rep_id)
                .await?
                .ok_or_else(|| {
                    AppError::Validation(vec![FieldError::new(
                        "driver",
                        FieldErrorCode::UnknownEmployee,
                    )])
                })?,
        ),
    };
    if !repo::set_driver(&mut tx, user.company_id, r.id, version, who, now_utc).await? {
        return Err(AppError::Conflict(crate::error::Conflict::StaleVersion));
    }
    let fresh = delivery_row(&mut tx, &user, &id).await?;
    let out = delivery_of(&mut tx, &user, fresh).await?;
    tx.commit().await?;
    tracing::info!(by = %user.id, delivery = %r.id, driver = ?who, "driver assigned");
    Ok(out)
}

pub async fn delivery_detail(id: String) -> Result<DeliveryDetail, AppError> {
    let (state, user) = context::authorize(Action::Deliver).await?;
    let mut conn = state.conn().await?;
    let r = delivery_row(&mut conn, &user, &id).await?;
    delivery_of(&mut conn, &user, r).await
}

pub async fn complete_delivery(
    id: String,
    version: i64,
    delivered_at: String,
    note: String,
    collected: String,
) -> Result<DeliveryDetail, AppError> {
    let (state, user) = context::authorize(Action::Deliver).await?;
    let (now_utc, now) = context::now_pair();
    let note = note_text(&note, false)?;
    // a driver records a delivery as it happens (the timer they are measured by runs
    // on it); the office may record one afterwards with its time
    let claimed = delivered_at.trim();
    if !user.role.may(Action::WorkWithCustomers) && !claimed.is_empty() {
        tracing::info!(by = %user.id, claimed, "a driver's delivery time is the server's");
    }
    let delivered_at = if user.role.may(Action::WorkWithCustomers) {
        delivered_at
    } else {
        String::new()
    };
    let at = if delivered_at.trim().is_empty() {
        now
    } else {
        let at = tickets::parse_local_minute(&delivered_at).for_field("delivered_at")?;
        if at > now + chrono::Duration::minutes(1) {
            return Err(AppError::Validation(vec![FieldError::new(
                "delivered_at",
                FieldErrorCode::InFuture,
            )]));
        }
        at
    };
    let mut tx = state.begin().await?;
    let r = delivery_row(&mut tx, &user, &id).await?;
    // delivered already, or its order cancelled: nothing to record
    if r.delivered_at.is_some() || r.cancelled_at.is_some() {
        return Err(AppError::Validation(vec![FieldError::new(
            "delivered_at",
            FieldErrorCode::InvalidTransition,
        )]));
    }
    tickets::check_delivery(to_beijing(r.ordered_at), Some(at))?;
    if r.version != version {
        return Err(AppError::Conflict(crate::error::Conflict::StaleVersion));
    }
    // an order's delivery moves the order: its driver or a manager records it (a rep
    // may not move orders on)
    if r.order_id.is_some()
        && !user.role.may(Action::ManageCustomers)
        && r.driver_id != Some(user.id.0)
    {
        return Err(AppError::Forbidden);
    }
    let collected = collected_cash(&collected, r.order_id.is_some())?;
    let breached_at = breach_of(&mut tx, user.company_id, &r, at, now).await?;
    let done = repo::complete_delivery(
        &mut tx,
        user.company_id,
        r.id,
        version,
        from_beijing(at),
        Some(note.as_str()).filter(|n| !n.is_empty()),
        breached_at,
        now_utc,
    )
    .await?;
    if !done {
        return Err(AppError::Conflict(crate::error::Conflict::StaleVersion));
    }
    // the order it delivers is delivered: invoiced, and the cash taken paid against it
    if let Some(order) = r.order_id {
        crate::server::orders::delivered_by_ticket(
            &mut tx,
            user.company_id,
            user.id,
            order,
            from_beijing(at),
            collected,
        )
        .await?;
    }
    let fresh = delivery_row(&mut tx, &user, &id).await?;
    let out = delivery_of(&mut tx, &user, fresh).await?;
    tx.commit().await?;
    tracing::info!(by = %user.id, delivery = %r.id, "delivered");
    Ok(out)
}

/// When a delivery done at `at` breached its standard: as the overdue job marked it, or
/// now if it was late and the job never saw it open.
async fn breach_of(
    conn: &mut DbConn,
    company: CompanyId,
    r: &repo::DeliveryRow,
    at: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<Option<DateTime<Utc>>, AppError> {
    let rules = Rules::load(conn, company).await?;
    let mut done_row = r.clone();
    done_row.delivered_at = Some(from_beijing(at));
    let timer = delivery_timer(&rules, &done_row, now);
    Ok(r.breached_at.or_else(|| match timer.status {
        Some(Status::Late { .. }) => rules.due(&timer).map(from_beijing),
        _ => None,
    }))
}

/// The cash a driver took at the door (yuan; empty: none), only for an order's delivery.
fn collected_cash(
    raw: &str,
    of_an_order: bool,
) -> Result<Option<crate::domain::money::Money>, AppError> {
    use crate::domain::money::{MAX_FEN, Money};
    if raw.trim().is_empty() {
        return Ok(None);
    }
    if !of_an_order {
        return Err(FieldError::new("collected", FieldErrorCode::InvalidChoice).into());
    }
    let m = Money::parse_yuan(raw).map_err(|c| FieldError::new("collected", c))?;
    let code = match m.0 {
        ..0 => Some(FieldErrorCode::Negative),
        0 => Some(FieldErrorCode::Zero),
        x if x > MAX_FEN => Some(FieldErrorCode::TooLarge),
        _ => None,
    };
    match code {
        Some(c) => Err(FieldError::new("collected", c).into()),
        None => Ok(Some(m)),
    }
}

/// Opens the delivery of an order being confirmed (its timer starts now) and ties it to
/// the order; a delivery opened by hand under the same number is taken as its own.
pub async fn open_for_order(
    conn: &mut DbConn,
    company: CompanyId,
    by: EmployeeId,
    customer: Uuid,
    number: &str,
    order: Uuid,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    // a delivery opened by hand under the same number stays its own: the order's
    // ticket then takes the number with a suffix
    for order_ref in [
        number.to_owned(),
        format!("{number}-1"),
        format!("{number}-2"),
    ] {
        let new = repo::NewDelivery {
            id: Uuid::now_v7(),
            customer,
            order_ref: &order_ref,
            ordered_at: now,
            promised_at: None,
            driver: None,
            by,
            now,
        };
        if repo::insert_delivery(conn, company, &new).await? {
            repo::link_delivery_to_order(conn, company, &order_ref, order).await?;
            return Ok(());
        }
    }
    tracing::error!(%order, number, "no delivery number left for an order");
    Err(AppError::Internal)
}

/// The order's delivery while it is still open (neither delivered nor cancelled), with
/// the breach its timer reaches if it ends at `at` (a breach recorded before is kept).
async fn open_delivery_ending(
    conn: &mut DbConn,
    company: CompanyId,
    order: Uuid,
    at: DateTime<Utc>,
) -> Result<Option<(repo::DeliveryRow, Option<DateTime<Utc>>)>, AppError> {
    let Some(r) = repo::delivery_of_order(conn, company, order).await? else {
        return Ok(None);
    };
    if r.delivered_at.is_some() || r.cancelled_at.is_some() {
        return Ok(None);
    }
    let (_, now) = context::now_pair();
    let breached_at = breach_of(conn, company, &r, to_beijing(at), now).await?;
    Ok(Some((r, breached_at)))
}

/// Marks the open delivery of an order cancelled at `at` (nothing if it has none or it
/// was delivered): a delivery already late then keeps its breach, marked now if the
/// overdue job had not come to it yet, so cancelling never hides a late delivery.
pub async fn cancel_for_order(
    conn: &mut DbConn,
    company: CompanyId,
    order: Uuid,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    if let Some((r, breached_at)) = open_delivery_ending(conn, company, order, at).await? {
        repo::cancel_delivery(conn, company, r.id, breached_at, at).await?;
    }
    Ok(())
}

/// Records the order's delivery done at `at` when the office marks the order delivered
/// (nothing if it has none or it was recorded already).
pub async fn finish_for_order(
    conn: &mut DbConn,
    company: CompanyId,
    order: Uuid,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some((r, breached_at)) = open_delivery_ending(conn, company, order, at).await? else {
        return Ok(());
    };
    let finished = repo::complete_delivery(
        conn,
        company,
        r.id,
        r.version,
        at.max(r.ordered_at),
        None,
        breached_at,
        context::now_pair().0,
    )
    .await?;
    if !finished {
        return Err(AppError::Conflict(crate::error::Conflict::StaleVersion));
    }
    Ok(())
}
