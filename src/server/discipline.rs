//! The use cases of the discipline feature: what its server functions (`features/discipline/api.rs`)
//! do, each in its own transaction, with the rules from `domain/`.
use crate::domain::discipline::{Territory, ViolationInput, ViolationKind, ViolationStatus};
use crate::domain::discipline::{ViolationReport, covers, decide as decide_rule};
use crate::domain::staff::Action;
use crate::domain::validation::{FieldError, FieldErrorCode, ForField as _};
use crate::error::AppError;
use crate::features::discipline::api::*;
use crate::server::context;
use crate::server::context::scope_of;
use crate::server::db::{self, customers as customers_repo, discipline as repo};
use uuid::Uuid;

fn summary(r: repo::ViolationRow, photos: Vec<String>) -> Option<ViolationSummary> {
    Some(ViolationSummary {
        id: r.id.into(),
        customer_id: r.customer_id.into(),
        code: r.code,
        name: r.name,
        tier: r.tier,
        kind: ViolationKind::parse(&r.kind).ok()?,
        status: r.status,
        occurred_on: r.occurred_on,
        product: r
            .sku
            .map(|s| format!("{s} {}", r.product_name.unwrap_or_default())),
        place: r.place,
        description: r.description,
        penalty: r.penalty,
        notes: r.notes,
        reported_by: r.reported_by_name,
        decided_by: r.decided_by_name,
        version: r.version,
        photos,
        updated_at: r.updated_at,
    })
}

async fn with_photos(
    conn: &mut db::DbConn,
    company: crate::domain::ids::CompanyId,
    r: repo::ViolationRow,
) -> Result<Option<ViolationSummary>, AppError> {
    let photos = repo::photos(conn, company, r.id)
        .await?
        .into_iter()
        .map(|(id, _)| id.to_string())
        .collect();
    Ok(summary(r, photos))
}

pub async fn list(status: String) -> Result<Vec<ViolationSummary>, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let (status, open) = match status.trim() {
        "" => (None, false),
        "open" => (None, true),
        s => (Some(ViolationStatus::parse(s).for_field("status")?), false),
    };
    let mut conn = state.conn().await?;
    let rows = repo::violations(
        &mut conn,
        user.company_id,
        scope_of(&user),
        status,
        open,
        500,
    )
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let photos = repo::photos_of(&mut conn, user.company_id, &ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let mine = photos
                .iter()
                .filter(|(v, _)| *v == r.id)
                .map(|(_, p)| p.to_string())
                .collect();
            summary(r, mine)
        })
        .collect())
}

pub async fn report(input: ViolationInput) -> Result<ViolationSummary, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let today = crate::domain::time::beijing_date(chrono::Utc::now());
    let r = ViolationReport::parse(&input, today)?;
    let mut tx = state.begin().await?;
    // a customer the reporter may not see is, to them, a customer that does not exist
    let customer =
        customers_repo::find_by_code(&mut tx, user.company_id, scope_of(&user), &r.customer_code)
            .await?;
    let mut errors = Vec::new();
    if customer.is_none() {
        errors.push(FieldError::new("customer", FieldErrorCode::UnknownCustomer));
    }
    let product = match &r.product_sku {
        Some(sku) => {
            let p = repo::product_id(&mut tx, user.company_id, sku).await?;
            if p.is_none() {
                errors.push(FieldError::new("product", FieldErrorCode::UnknownProduct));
            }
            p
        }
        None => None,
    };
    let Some(customer) = customer.filter(|_| errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    let id = Uuid::now_v7();
    repo::insert_violation(
        &mut tx,
        user.company_id,
        &repo::NewViolation {
            id,
            customer: customer.id,
            kind: r.kind,
            occurred_on: r.occurred_on,
            product,
            place: r.place.as_deref(),
            description: &r.description,
            by: user.id,
            now: chrono::Utc::now(),
        },
    )
    .await?;
    let row = repo::violation(&mut tx, user.company_id, scope_of(&user), id)
        .await?
        .ok_or(AppError::Internal)?;
    tx.commit().await?;
    tracing::info!(by = %user.id, violation = %id, "violation reported");
    summary(row, Vec::new()).ok_or(AppError::Internal)
}

pub async fn decide(
    id: String,
    version: i64,
    status: String,
    penalty: String,
    note: String,
) -> Result<ViolationSummary, AppError> {
    let (state, user) = context::authorize(Action::ManageCustomers).await?;
    let id: Uuid = context::record_id(&id)?;
    let mut tx = state.begin().await?;
    let row = repo::violation(&mut tx, user.company_id, scope_of(&user), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let current = row.status;
    if row.version != version {
        return Err(AppError::Conflict(crate::error::Conflict::StaleVersion));
    }
    let d = decide_rule(current, &status, &penalty, &note)?;
    // a note adds to the record's notes, it never replaces what others wrote
    let notes = match (row.notes.as_deref(), d.note.as_deref()) {
        (Some(old), Some(new)) => Some(format!("{old}\n{new}")),
        (old, new) => old.or(new).map(str::to_owned),
    };
    let done = repo::decide(
        &mut tx,
        user.company_id,
        id,
        version,
        d.status,
        d.penalty.map(|m| m.0),
        notes.as_deref(),
        user.id,
        chrono::Utc::now(),
    )
    .await?;
    if !done {
        return Err(AppError::Conflict(crate::error::Conflict::StaleVersion));
    }
    let row = repo::violation(&mut tx, user.company_id, scope_of(&user), id)
        .await?
        .ok_or(AppError::Internal)?;
    let out = with_photos(&mut tx, user.company_id, row).await?;
    tx.commit().await?;
    tracing::info!(by = %user.id, violation = %id, status = d.status.as_str(), "violation decided");
    out.ok_or(AppError::Internal)
}

/// A line sold below its floor (`seen_at: None`), or a shelf price below the floor
/// seen on a visit at `seen_at`.
fn below_floor_signal(
    l: repo::BelowFloorRow,
    seen_at: Option<chrono::DateTime<chrono::Utc>>,
) -> BelowFloorSignal {
    BelowFloorSignal {
        date: seen_at.map_or(l.order_date, |at| {
            crate::domain::time::beijing_date(at).to_string()
        }),
        customer_id: l.customer_id.into(),
        code: l.code,
        name: l.name,
        sku: l.sku,
        product: l.product_name,
        quantity: l.quantity,
        amount: l.amount,
        floor: l.price_floor,
        on_shelf: seen_at.is_some(),
    }
}

pub async fn signals(days: u32) -> Result<Signals, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let days = if days == 0 { 31 } else { days.min(366) };
    let today = crate::domain::time::beijing_date(chrono::Utc::now());
    let from = today - chrono::Days::new(u64::from(days - 1));
    let scope = scope_of(&user);
    let mut conn = state.conn().await?;
    let lines =
        repo::below_floor_lines(&mut conn, user.company_id, scope, from, today, 200).await?;
    // shelf prices seen on visits feed the same signal
    let shelf = repo::below_floor_shelf(
        &mut conn,
        user.company_id,
        scope,
        crate::domain::time::from_beijing(from.and_time(chrono::NaiveTime::MIN)),
        crate::domain::time::from_beijing(
            (today + chrono::Days::new(1)).and_time(chrono::NaiveTime::MIN),
        ),
        200,
    )
    .await?;
    let (served, territories) = repo::served_terminals(&mut conn, user.company_id, scope).await?;
    let mut outside = Vec::new();
    for t in served {
        let of_sub: Vec<Territory> = territories
            .iter()
            .filter(|(c, _)| *c == t.parent_id)
            .map(|(_, x)| x.clone())
            .collect();
        let district = t.district.clone().unwrap_or_default();
        if !covers(&of_sub, &district, t.township.as_deref()) {
            outside.push(TerritorySignal {
                terminal_id: t.id.into(),
                terminal_code: t.code,
                terminal_name: t.name,
                place: [t.district, t.township]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" "),
                sub_id: t.parent_id.into(),
                sub_code: t.parent_code,
                sub_name: t.parent_name,
                territories: of_sub,
            });
        }
    }
    Ok(Signals {
        from: from.to_string(),
        to: today.to_string(),
        below_floor: lines
            .into_iter()
            .filter(|l| crate::domain::discipline::below_floor(l.amount, l.quantity, l.price_floor))
            .map(|l| below_floor_signal(l, None))
            .chain(
                shelf
                    .into_iter()
                    .map(|(at, l)| below_floor_signal(l, Some(at))),
            )
            .collect(),
        outside_territory: outside,
    })
}

async fn visible(
    conn: &mut db::DbConn,
    user: &crate::features::auth::api::CurrentUser,
    id: &str,
) -> Result<Uuid, AppError> {
    let id: Uuid = context::record_id(id)?;
    customers_repo::get(conn, user.company_id, scope_of(user), id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(id)
}

pub async fn customer(customer_id: String) -> Result<CustomerDiscipline, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let mut conn = state.conn().await?;
    let id = visible(&mut conn, &user, &customer_id).await?;
    let tier = crate::server::db::tiers::customer_tier(&mut conn, user.company_id, id).await?;
    let territories = repo::territories(&mut conn, user.company_id, id).await?;
    let versions = crate::server::tiers::in_force::versions(&mut conn, user.company_id).await?;
    let today = crate::domain::time::beijing_date(chrono::Utc::now());
    let policy = tier.and_then(|c| crate::server::tiers::in_force::policy_on(&versions, c, today));
    let open = repo::open_count_of(&mut conn, user.company_id, id).await?;
    Ok(CustomerDiscipline {
        territories,
        policy,
        open_violations: usize::try_from(open).unwrap_or(0),
        may_edit_territories: user.role.may(Action::ManageCustomers),
    })
}

pub async fn save_territories(
    customer_id: String,
    list: Vec<(String, String)>,
) -> Result<Vec<Territory>, AppError> {
    let (state, user) = context::authorize(Action::ManageCustomers).await?;
    let mut errors = Vec::new();
    let mut parsed = Vec::new();
    for (i, (d, t)) in list.iter().enumerate() {
        match Territory::parse(d, t) {
            Ok(x) if !parsed.contains(&x) => parsed.push(x),
            Ok(_) => {}
            Err(e) => errors.extend(e.into_iter().map(|mut f| {
                f.field = format!("territories.{i}.{}", f.field);
                f
            })),
        }
    }
    if parsed.len() > 50 {
        errors.push(FieldError::new("territories", FieldErrorCode::TooLarge));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    parsed.sort();
    let mut tx = state.begin().await?;
    let id = visible(&mut tx, &user, &customer_id).await?;
    repo::set_territories(&mut tx, user.company_id, id, &parsed).await?;
    tx.commit().await?;
    tracing::info!(by = %user.id, customer = %id, n = parsed.len(), "territories saved");
    Ok(parsed)
}
