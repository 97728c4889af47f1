//! Tickets on the server side: objections and deliveries, and the timers of the service
//! standards they run against.
use crate::domain::ids::{CompanyId, EmployeeId};
use crate::domain::segmentation::Class;
use crate::domain::sla::Status;
use crate::domain::staff::{Action, Role};
use crate::domain::tickets::{self, NewDelivery, NewObjection, pending_standard, urgency};
use crate::domain::tickets::{
    DeliveryInput, ObjectionCategory, ObjectionInput, ObjectionStatus, StandardKind, Tally,
};
use crate::domain::time::{beijing_minute, from_beijing, to_beijing};
use crate::domain::validation::{FieldError, FieldErrorCode, ForField as _, take};
use crate::error::AppError;
use crate::features::auth::api::CurrentUser;
use crate::features::tickets::api::*;
use crate::server::context;
use crate::server::context::scope_of;
use crate::server::customers::writes::reassigned_check;
use crate::server::db::customers::Scope;
use crate::server::db::{
    self, DbConn, UniqueKey as _, customers as customers_repo, tickets as repo,
};
use crate::server::tickets::timers::{
    Rules, Times, delivery_timer, delivery_timer_of, objection_of, objection_timers,
};
use chrono::NaiveDateTime;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use uuid::Uuid;

pub mod timers;

fn objection_item(
    rules: &Rules,
    r: &repo::ObjectionRow,
    pauses: &repo::Pauses,
    now: NaiveDateTime,
) -> BoardItem {
    let (o, [first, resolution]) = objection_timers(rules, &Times::from(r), pauses, now);
    let timer = match pending_standard(&o) {
        Some(StandardKind::FirstAnswer) => first,
        _ => resolution,
    };
    BoardItem {
        kind: TicketKind::Objection,
        id: r.id.to_string(),
        customer_id: r.customer_id.to_string(),
        code: r.code.clone(),
        name: r.name.clone(),
        tier: r.tier,
        rep: r.rep_name.clone(),
        handler: r.assignee_name.clone(),
        category: ObjectionCategory::parse(&r.category).ok(),
        order_ref: None,
        summary: r.description.chars().take(80).collect(),
        objection_status: Some(o.status()),
        timer,
        version: r.version,
    }
}

fn delivery_item(rules: &Rules, r: &repo::DeliveryRow, now: NaiveDateTime) -> BoardItem {
    BoardItem {
        kind: TicketKind::Delivery,
        id: r.id.to_string(),
        customer_id: r.customer_id.to_string(),
        code: r.code.clone(),
        name: r.name.clone(),
        tier: r.tier,
        rep: r.rep_name.clone(),
        handler: r.driver_name.clone(),
        category: None,
        order_ref: Some(r.order_ref.clone()),
        summary: r.order_ref.clone(),
        objection_status: None,
        timer: delivery_timer(rules, r, now),
        version: r.version,
    }
}

pub async fn board(rep: String, tier: String, standard: String) -> Result<Board, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let (_, now) = context::now_pair();
    let scope = scope_of(&user);
    let mut errors = Vec::new();
    let rep_filter = match rep.trim() {
        "" => None,
        r => match Uuid::parse_str(r) {
            Ok(id) => Some(id),
            Err(_) => {
                errors.push(FieldError::new("rep", FieldErrorCode::UnknownEmployee));
                None
            }
        },
    };
    let tier_filter: Option<Option<Class>> = match tier.trim() {
        "" => None,
        t => take(&mut errors, "tier", Class::parse_filter(t)),
    };
    let standard_filter = match standard.trim() {
        "" => None,
        s => match StandardKind::parse(s) {
            Ok(k) => Some(k),
            Err(c) => {
                errors.push(FieldError::new("standard", c));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let mut conn = state.conn().await?;
    let rules = Rules::load(&mut conn, user.company_id).await?;
    let filter = repo::Filter {
        open_only: true,
        limit: 2000,
        ..repo::Filter::default()
    };
    let objections = repo::objections(&mut conn, user.company_id, scope, &filter).await?;
    let ids: Vec<Uuid> = objections.iter().map(|o| o.id).collect();
    let pauses = repo::pauses_of(&mut conn, user.company_id, &ids).await?;
    let deliveries =
        repo::deliveries(&mut conn, user.company_id, delivery_scope(&user), &filter).await?;
    let rep_of = |r: Option<Uuid>| rep_filter.is_none_or(|want| r == Some(want));
    let mut items: Vec<BoardItem> = objections
        .iter()
        .filter(|o| rep_of(o.rep_id))
        .map(|o| objection_item(&rules, o, &pauses, now))
        .chain(
            deliveries
                .iter()
                .filter(|d| rep_of(d.rep_id))
                .map(|d| delivery_item(&rules, d, now)),
        )
        .filter(|i| tier_filter.is_none_or(|t| i.tier == t))
        .filter(|i| standard_filter.is_none_or(|k| i.timer.standard == k))
        .collect();
    // untimed tickets (no standard set) after every timed one
    items.sort_by_key(|i| {
        (
            i.timer.status.as_ref().map_or((5, 0), urgency),
            i.timer.clock.started,
        )
    });
    let breached = items
        .iter()
        .filter(|i| matches!(i.timer.status, Some(Status::Breached { .. })))
        .count();
    let reps = if matches!(scope, Scope::All) {
        db::employees::list(&mut conn, user.company_id)
            .await?
            .into_iter()
            .filter(|e| e.active && e.role == Role::Rep)
            .map(|e| (e.id.to_string(), e.name))
            .collect()
    } else {
        Vec::new()
    };
    Ok(Board {
        now,
        calendar: rules.calendar,
        items,
        breached,
        reps,
    })
}

/// The customer with `code` if the user may see it, else a field error.
async fn customer_by_code(
    conn: &mut DbConn,
    user: &CurrentUser,
    code: &str,
) -> Result<customers_repo::RefRow, AppError> {
    customers_repo::find_by_code(conn, user.company_id, scope_of(user), code)
        .await?
        .ok_or_else(|| {
            AppError::Validation(vec![FieldError::new(
                "customer",
                FieldErrorCode::UnknownCustomer,
            )])
        })
}

/// Which deliveries `user` may see (see [`repo::DeliveryScope`]).
pub fn delivery_scope(user: &CurrentUser) -> repo::DeliveryScope {
    repo::DeliveryScope::of(user.role, user.id)
}

/// Who may handle a ticket of a customer served by `rep`: for an objection the owner,
/// a manager or that rep; for a delivery also any driver. Active employees only.
fn may_handle(kind: TicketKind, e: &db::employees::EmployeeRow, rep: Option<Uuid>) -> bool {
    e.active
        && match e.role {
            Role::Owner | Role::Manager => true,
            Role::Rep => Some(e.id) == rep,
            Role::Driver => kind == TicketKind::Delivery,
        }
}

/// Employee `id` if they may handle a `kind` ticket of a customer served by `rep`.
async fn handler_allowed(
    conn: &mut DbConn,
    company: CompanyId,
    kind: TicketKind,
    id: &str,
    rep: Option<Uuid>,
) -> Result<Option<Uuid>, AppError> {
    let Ok(id) = Uuid::parse_str(id.trim()) else {
        return Ok(None);
    };
    let e = db::employees::get(conn, company, EmployeeId(id)).await?;
    Ok(e.filter(|e| may_handle(kind, e, rep)).map(|e| e.id))
}

pub async fn handlers(customer: String, kind: String) -> Result<Vec<Handler>, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let kind = if kind.trim() == "delivery" {
        TicketKind::Delivery
    } else {
        TicketKind::Objection
    };
    let mut conn = state.conn().await?;
    let c = customer_by_code(&mut conn, &user, customer.trim()).await?;
    handler_list(&mut conn, user.company_id, kind, c.rep_id).await
}

/// Who may handle a `kind` ticket of a customer served by `rep`; drivers first.
async fn handler_list(
    conn: &mut DbConn,
    company: CompanyId,
    kind: TicketKind,
    rep: Option<Uuid>,
) -> Result<Vec<Handler>, AppError> {
    let mut list: Vec<(bool, Handler)> = db::employees::list(conn, company)
        .await?
        .into_iter()
        .filter(|e| may_handle(kind, e, rep))
        .map(|e| {
            (
                e.role != Role::Driver,
                Handler {
                    id: e.id.to_string(),
                    name: e.name,
                },
            )
        })
        .collect();
    // drivers first on a delivery's list: they are who usually takes it
    list.sort_by_key(|(not_driver, _)| *not_driver);
    Ok(list.into_iter().map(|(_, h)| h).collect())
}

pub async fn open_objection(input: ObjectionInput) -> Result<String, AppError> {
    open_objection_once(input).await.map(|(id, _)| id)
}

/// Opens an objection; with a client id (a record made offline) a second call finds
/// the first and answers its id with `false` (nothing new stored), and a customer no
/// longer the user's answers `CustomerReassigned`.
pub async fn open_objection_once(input: ObjectionInput) -> Result<(String, bool), AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let (now_utc, now) = context::now_pair();
    let client_id = context::client_id(&input.client_id)?;
    let o = NewObjection::parse(&input, now)?;
    let mut tx = state.begin().await?;
    if let Some(id) = client_id {
        let by: Option<Option<Uuid>> =
            sqlx::query_scalar("SELECT created_by FROM objections WHERE company_id = ? AND id = ?")
                .bind(user.company_id.0)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        match by {
            Some(by) if by == Some(user.id.0) => return Ok((id.to_string(), false)),
            Some(_) => {
                return Err(AppError::Validation(vec![FieldError::new(
                    "client_id",
                    FieldErrorCode::Taken,
                )]));
            }
            None => {}
        }
        reassigned_check(&mut tx, &user, &o.customer_code).await?;
    }
    let c = customer_by_code(&mut tx, &user, &o.customer_code).await?;
    let assignee = match &o.assignee {
        None => None,
        Some(a) => Some(
            handler_allowed(&mut tx, user.company_id, TicketKind::Objection, a, c.rep_id)
                .await?
                .ok_or_else(|| {
                    AppError::Validation(vec![FieldError::new(
                        "assignee",
                        FieldErrorCode::UnknownEmployee,
                    )])
                })?,
        ),
    };
    let id = client_id.unwrap_or_else(Uuid::now_v7);
    match repo::insert_objection(
        &mut tx,
        user.company_id,
        &repo::NewObjection {
            id,
            customer: c.id,
            category: o.category.as_str(),
            description: &o.description,
            assignee,
            opened_at: from_beijing(o.opened_at),
            by: user.id,
            now: now_utc,
        },
    )
    .await
    .unless_resent(client_id)?
    {
        Some(()) => {}
        // the same offline record sent twice at once: the other request stored it
        None => return Ok((id.to_string(), false)),
    }
    tx.commit().await?;
    tracing::info!(by = %user.id, objection = %id, customer = %c.id, "objection opened");
    Ok((id.to_string(), true))
}

async fn objection_row(
    conn: &mut DbConn,
    user: &CurrentUser,
    id: &str,
) -> Result<repo::ObjectionRow, AppError> {
    let id: Uuid = context::record_id(id)?;
    repo::objection(conn, user.company_id, scope_of(user), id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn detail_of(
    conn: &mut DbConn,
    user: &CurrentUser,
    r: repo::ObjectionRow,
) -> Result<ObjectionDetail, AppError> {
    let (_, now) = context::now_pair();
    let rules = Rules::load(conn, user.company_id).await?;
    let pauses = repo::pauses_of(conn, user.company_id, &[r.id]).await?;
    let (o, timers) = objection_timers(&rules, &Times::from(&r), &pauses, now);
    let comments = repo::comments(conn, user.company_id, r.id)
        .await?
        .into_iter()
        .map(|c| CommentView {
            kind: c.kind,
            body: c.body,
            author: c.author,
            at: beijing_minute(c.created_at),
        })
        .collect();
    let photos = repo::photos_of(conn, user.company_id, "objection", &[r.id])
        .await?
        .into_iter()
        .map(|(_, p)| p.to_string())
        .collect();
    let item = objection_item(&rules, &r, &pauses, now);
    let may_assign = user.role.may(Action::ManageCustomers) || r.rep_id == Some(user.id.0);
    let assignees = if may_assign && r.closed_at.is_none() {
        handler_list(conn, user.company_id, TicketKind::Objection, r.rep_id).await?
    } else {
        Vec::new()
    };
    Ok(ObjectionDetail {
        item,
        description: r.description,
        status: o.status(),
        opened_at: beijing_minute(r.opened_at),
        answered_at: r.answered_at.map(beijing_minute),
        resolved_at: r.resolved_at.map(beijing_minute),
        closed_at: r.closed_at.map(beijing_minute),
        paused: r.paused_at.is_some(),
        assignee_id: r.assignee_id.map(|a| a.to_string()),
        created_by: r.created_by_name,
        assignees,
        timers: timers.to_vec(),
        comments,
        photos,
        now,
        calendar: rules.calendar,
    })
}

pub async fn objection_detail(id: String) -> Result<ObjectionDetail, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let mut conn = state.conn().await?;
    let r = objection_row(&mut conn, &user, &id).await?;
    detail_of(&mut conn, &user, r).await
}

fn step_of(r: &repo::ObjectionRow) -> repo::Step {
    repo::Step {
        answered_at: r.answered_at,
        resolved_at: r.resolved_at,
        closed_at: r.closed_at,
        paused_at: r.paused_at,
        breached_at: r.breached_at,
        assignee: r.assignee_id,
    }
}

/// Writes `step`, refusing a stale version, and returns the fresh detail.
async fn save_step(
    mut tx: sqlx::Transaction<'static, sqlx::Sqlite>,
    user: &CurrentUser,
    r: &repo::ObjectionRow,
    version: i64,
    step: &repo::Step,
    comment: Option<(&str, &str)>,
    now: DateTime<Utc>,
) -> Result<ObjectionDetail, AppError> {
    if r.version != version {
        return Err(AppError::Conflict(crate::error::Conflict::StaleVersion));
    }
    let done = repo::update_objection(&mut tx, user.company_id, r.id, version, step, now).await?;
    if !done {
        return Err(AppError::Conflict(crate::error::Conflict::StaleVersion));
    }
    if let Some((kind, body)) = comment {
        repo::insert_comment(&mut tx, user.company_id, r.id, kind, body, user.id, now).await?;
    }
    let fresh = objection_row(&mut tx, user, &r.id.to_string()).await?;
    let out = detail_of(&mut tx, user, fresh).await?;
    tx.commit().await?;
    Ok(out)
}

fn note_text(note: &str, required: bool) -> Result<String, AppError> {
    let t = note.trim();
    if t.is_empty() && required {
        return Err(AppError::Validation(vec![FieldError::new(
            "note",
            FieldErrorCode::Required,
        )]));
    }
    if t.chars().count() > 2000 {
        return Err(AppError::Validation(vec![FieldError::new(
            "note",
            FieldErrorCode::TooLong { max: 2000 },
        )]));
    }
    Ok(t.to_owned())
}

pub async fn advance(
    id: String,
    version: i64,
    to: String,
    note: String,
) -> Result<ObjectionDetail, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let (now_utc, now) = context::now_pair();
    let to = ObjectionStatus::parse(&to).for_field("status")?;
    // the answer given to the customer is part of the record
    let note = note_text(&note, to == ObjectionStatus::Answered)?;
    let mut tx = state.begin().await?;
    let r = objection_row(&mut tx, &user, &id).await?;
    let (o, _) = objection_of(&Times::from(&r), &repo::Pauses::new());
    let next = o.advance(to, now)?;
    let mut step = step_of(&r);
    step.answered_at = next.answered.map(from_beijing);
    step.resolved_at = next.resolved.map(from_beijing);
    step.closed_at = next.closed.map(from_beijing);
    // resolving ends a pause: nothing is awaited any more
    if to == ObjectionStatus::Resolved
        && let Some(from) = r.paused_at
    {
        repo::insert_pause(&mut tx, user.company_id, r.id, from, now_utc).await?;
        step.paused_at = None;
    }
    // a step done late is a breach even if the overdue job never saw it open
    if step.breached_at.is_none() {
        let rules = Rules::load(&mut tx, user.company_id).await?;
        let mut done = r.clone();
        done.answered_at = step.answered_at;
        done.resolved_at = step.resolved_at;
        done.paused_at = step.paused_at;
        let stored = repo::pauses_of(&mut tx, user.company_id, &[r.id]).await?;
        let (_, timers) = objection_timers(&rules, &Times::from(&done), &stored, now);
        step.breached_at = timers
            .iter()
            .filter(|t| matches!(t.status, Some(Status::Late { .. })))
            .filter_map(|t| rules.due(t))
            .min()
            .map(from_beijing);
    }
    let body = if note.is_empty() { String::new() } else { note };
    let out = save_step(
        tx,
        &user,
        &r,
        version,
        &step,
        Some((to.as_str(), &body)),
        now_utc,
    )
    .await?;
    tracing::info!(by = %user.id, objection = %r.id, to = to.as_str(), "objection advanced");
    Ok(out)
}

pub async fn pause(
    id: String,
    version: i64,
    paused: bool,
    note: String,
) -> Result<ObjectionDetail, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let (now_utc, _) = context::now_pair();
    let note = note_text(&note, false)?;
    let mut tx = state.begin().await?;
    let r = objection_row(&mut tx, &user, &id).await?;
    if r.resolved_at.is_some() || r.paused_at.is_some() == paused {
        return Err(AppError::Validation(vec![FieldError::new(
            "status",
            FieldErrorCode::InvalidTransition,
        )]));
    }
    let mut step = step_of(&r);
    if paused {
        step.paused_at = Some(now_utc);
    } else if let Some(from) = r.paused_at {
        repo::insert_pause(&mut tx, user.company_id, r.id, from, now_utc.max(from)).await?;
        step.paused_at = None;
    }
    let kind = if paused { "paused" } else { "resumed" };
    save_step(tx, &user, &r, version, &step, Some((kind, &note)), now_utc).await
}

pub async fn comment(id: String, body: String) -> Result<ObjectionDetail, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let (now_utc, _) = context::now_pair();
    let body = note_text(&body, true)?;
    let mut tx = state.begin().await?;
    let r = objection_row(&mut tx, &user, &id).await?;
    repo::insert_comment(
        &mut tx,
        user.company_id,
        r.id,
        "comment",
        &body,
        user.id,
        now_utc,
    )
    .await?;
    let out = detail_of(&mut tx, &user, r).await?;
    tx.commit().await?;
    Ok(out)
}

pub async fn assign(
    id: String,
    version: i64,
    assignee: String,
) -> Result<ObjectionDetail, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let (now_utc, _) = context::now_pair();
    let mut tx = state.begin().await?;
    let r = objection_row(&mut tx, &user, &id).await?;
    let who = handler_allowed(
        &mut tx,
        user.company_id,
        TicketKind::Objection,
        &assignee,
        r.rep_id,
    )
    .await?
    .ok_or_else(|| {
        AppError::Validation(vec![FieldError::new(
            "assignee",
            FieldErrorCode::UnknownEmployee,
        )])
    })?;
    let mut step = step_of(&r);
    step.assignee = Some(who);
    save_step(tx, &user, &r, version, &step, None, now_utc).await
}

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
    let may_assign = user.role.may(Action::ManageCustomers) || r.rep_id == Some(user.id.0);
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
        stop: stop_of(&r),
        driver_id: r.driver_id.map(|d| d.to_string()),
        note: r.note,
        photos,
        now,
        calendar: rules.calendar,
        may_assign,
        drivers,
        may_open_customer: user.role.may(Action::WorkWithCustomers),
    })
}

/// A delivery as `user` may see it: a driver gets the order, the customer's name and
/// the timer, not the customer's code, id, tier or rep.
fn shown_to(user: &CurrentUser, mut item: BoardItem) -> BoardItem {
    if !user.role.may(Action::WorkWithCustomers) {
        item.customer_id = String::new();
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
            driver: Some(user.id.0),
            limit: 500,
            ..repo::Filter::default()
        },
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
    if r.delivered_at.is_some() {
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
    if r.delivered_at.is_some() {
        return Err(AppError::Validation(vec![FieldError::new(
            "delivered_at",
            FieldErrorCode::InvalidTransition,
        )]));
    }
    tickets::check_delivery(to_beijing(r.ordered_at), Some(at))?;
    if r.version != version {
        return Err(AppError::Conflict(crate::error::Conflict::StaleVersion));
    }
    // a late delivery is a breach even if the job never saw it open
    let rules = Rules::load(&mut tx, user.company_id).await?;
    let mut done_row = r.clone();
    done_row.delivered_at = Some(from_beijing(at));
    let timer = delivery_timer(&rules, &done_row, now);
    let breached_at = r.breached_at.or_else(|| match timer.status {
        Some(Status::Late { .. }) => rules.due(&timer).map(from_beijing),
        _ => None,
    });
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
    let fresh = delivery_row(&mut tx, &user, &id).await?;
    let out = delivery_of(&mut tx, &user, fresh).await?;
    tx.commit().await?;
    tracing::info!(by = %user.id, delivery = %r.id, "delivered");
    Ok(out)
}

pub async fn compliance(months: u32) -> Result<Compliance, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let months = if months == 0 { 6 } else { months.min(24) };
    let (_, now) = context::now_pair();
    let scope = scope_of(&user);
    let first_month = now
        .date()
        .with_day(1)
        .and_then(|d| d.checked_sub_months(chrono::Months::new(months - 1)))
        .unwrap_or(now.date());
    let labels: Vec<String> = (0..months)
        .filter_map(|i| first_month.checked_add_months(chrono::Months::new(i)))
        .map(|d| d.format("%Y-%m").to_string())
        .collect();
    // tickets raised up to 31 days before the window can fall due inside it
    let since =
        from_beijing(first_month.and_hms_opt(0, 0, 0).unwrap_or(now)) - chrono::Duration::days(31);
    let mut conn = state.conn().await?;
    let rules = Rules::load(&mut conn, user.company_id).await?;
    let objections = repo::objection_clocks(&mut conn, user.company_id, scope, since).await?;
    let pauses = repo::pauses_since(&mut conn, user.company_id, since).await?;
    let deliveries = repo::delivery_clocks(&mut conn, user.company_id, scope, since).await?;
    drop(conn);
    // keys are small and copied: (rep, standard index, month index)
    let first = first_month.year() * 12 + first_month.month0() as i32;
    let month_index = |t: &Timer| -> Option<usize> {
        let at = t.clock.done.or_else(|| rules.due(t))?;
        let i = at.year() * 12 + at.month0() as i32 - first;
        usize::try_from(i).ok().filter(|i| *i < labels.len())
    };
    let mut names: BTreeMap<Option<Uuid>, String> = BTreeMap::new();
    type Key = (Option<Uuid>, usize, usize);
    let mut measured: Vec<(Key, Status)> = Vec::new();
    let mut push = |rep: Option<Uuid>, t: &Timer| {
        let (Some(status), Some(month)) = (t.status, month_index(t)) else {
            return;
        };
        let k = StandardKind::ALL
            .iter()
            .position(|x| *x == t.standard)
            .unwrap_or(0);
        measured.push(((rep, k, month), status));
    };
    for o in &objections {
        let (_, timers) = objection_timers(&rules, &Times::from(o), &pauses, now);
        for t in &timers {
            push(o.rep_id, t);
        }
        names
            .entry(o.rep_id)
            .or_insert_with(|| o.rep_name.clone().unwrap_or_default());
    }
    for d in &deliveries {
        let t = delivery_timer_of(&rules, d.tier, d.ordered_at, d.delivered_at, now);
        push(d.rep_id, &t);
        names
            .entry(d.rep_id)
            .or_insert_with(|| d.rep_name.clone().unwrap_or_default());
    }
    let cells = tickets::compliance(measured);
    let mut by_month = vec![[Tally::default(); 3]; labels.len()];
    let mut by_rep: BTreeMap<String, ([Tally; 3], Tally)> = BTreeMap::new();
    let mut total = Tally::default();
    for ((rep, k, month), t) in cells {
        let add = |a: &mut Tally| {
            a.met += t.met;
            a.measured += t.measured;
        };
        if let Some(cell) = by_month.get_mut(month) {
            add(&mut cell[k]);
        }
        let e = by_rep
            .entry(names.get(&rep).cloned().unwrap_or_default())
            .or_default();
        add(&mut e.0[k]);
        add(&mut e.1);
        add(&mut total);
    }
    Ok(Compliance {
        months: labels,
        by_month,
        by_rep: by_rep.into_iter().map(|(r, (s, t))| (r, s, t)).collect(),
        total,
    })
}

use chrono::Datelike as _;
