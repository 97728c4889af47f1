//! Objections: opening one (from the office or a tablet, once per client id), its page,
//! and each step of handling it — advance, pause, comment, reassign.
use super::*;
use crate::server::db::on;

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
        let by: Option<Option<Uuid>> = on!(tx, |ex| sqlx::query_scalar(
            "SELECT created_by FROM objections WHERE company_id = $1 AND id = $2"
        )
        .bind(user.company_id.0)
        .bind(id)
        .fetch_optional(&mut *ex)
        .await)?;
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
        assignee_id: r.assignee_id.map(Into::into),
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
    mut tx: crate::server::db::DbConn,
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
