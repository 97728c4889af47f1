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
    Rules, Times, delivery_timer, objection_of, objection_timers,
};
use chrono::NaiveDateTime;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use uuid::Uuid;

pub mod clock_index;
mod compliance;
pub mod deliveries;
mod objections;
pub mod timers;

pub use compliance::{compliance, warm_up as warm_up_compliance};
pub use deliveries::{
    assign_driver, complete_delivery, delivery_detail, my_deliveries, open_delivery,
};
pub use objections::{
    advance, assign, comment, objection_detail, open_objection, open_objection_once, pause,
};

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
        id: r.id.into(),
        customer_id: Some(r.customer_id.into()),
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
        id: r.id.into(),
        customer_id: Some(r.customer_id.into()),
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

pub async fn board(
    rep: String,
    tier: String,
    standard: String,
    customer: String,
) -> Result<Board, AppError> {
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
    // one customer's (the profile): a malformed id is as unknown as another rep's customer
    let customer_filter = match customer.trim() {
        "" => None,
        c => Some(context::record_id(c)?),
    };
    let mut conn = state.conn().await?;
    let rules = Rules::load(&mut conn, user.company_id).await?;
    let filter = repo::Filter {
        open_only: true,
        limit: 2000,
        customer: customer_filter,
        ..repo::Filter::default()
    };
    let objections = repo::objections(&mut conn, user.company_id, scope, &filter).await?;
    let ids: Vec<Uuid> = objections.iter().map(|o| o.id).collect();
    let pauses = repo::pauses_of(&mut conn, user.company_id, &ids).await?;
    let deliveries = repo::deliveries(
        &mut conn,
        user.company_id,
        delivery_scope(&user),
        &filter,
        None,
    )
    .await?;
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
            .map(|e| (e.id.into(), e.name))
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
                    id: e.id.into(),
                    name: e.name,
                },
            )
        })
        .collect();
    // drivers first on a delivery's list: they are who usually takes it
    list.sort_by_key(|(not_driver, _)| *not_driver);
    Ok(list.into_iter().map(|(_, h)| h).collect())
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
