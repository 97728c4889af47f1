//! Relationships: each customer's health score, the touch log, reminders (birthdays,
//! anniversaries, follow-ups) with the tier's gift list, and the daily visit targets.
use super::*;

/// Health for each customer id: visits over the last 90 days against the plan,
/// months with orders among the last six full months, the last 12 full months
/// against the 12 before, unresolved objections (breached ones twice).
pub async fn health_of(
    conn: &mut DbConn,
    user: &CurrentUser,
    customers: &[Uuid],
) -> Result<HashMap<Uuid, Health>, AppError> {
    let (now_utc, now) = context::now_pair();
    let freq = Frequencies::load(conn, user).await?;
    let rows = repo::health_facts(
        conn,
        user.company_id,
        customers,
        now_utc - chrono::Duration::days(90),
        month_of(now.date()),
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let planned = planned_in(freq.per_month(r.tier, now.date()), 90);
            let h = health(
                planned,
                u32::try_from(r.visits).unwrap_or(0),
                u32::try_from(r.order_months).unwrap_or(0),
                growth(r.current, r.base).bp(),
                u32::try_from(r.open_objections).unwrap_or(0),
                u32::try_from(r.breached_objections).unwrap_or(0),
            );
            (r.id, h)
        })
        .collect())
}

async fn customer_in_scope(
    conn: &mut DbConn,
    user: &CurrentUser,
    id: &str,
) -> Result<Uuid, AppError> {
    let id: Uuid = context::record_id(id)?;
    match repo::customer_owner(conn, user.company_id, id).await? {
        Some(rep) if scope_of(user).sees(rep) => Ok(id),
        _ => Err(AppError::NotFound),
    }
}

pub async fn relationship(customer_id: String) -> Result<Relationship, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let mut conn = state.conn().await?;
    let id = customer_in_scope(&mut conn, &user, &customer_id).await?;
    let health = health_of(&mut conn, &user, &[id])
        .await?
        .remove(&id)
        .ok_or(AppError::NotFound)?;
    let rows = repo::visits(&mut conn, user.company_id, scope_of(&user), Some(id), 20).await?;
    let visits = summaries(&mut conn, &user, rows).await?;
    let touches = repo::touches(&mut conn, user.company_id, id)
        .await?
        .into_iter()
        .map(|t| TouchView {
            date: t.touched_on,
            kind: t.kind,
            note: t.note,
            by: t.employee_name,
        })
        .collect();
    let reminders = reminder_views(
        &mut conn,
        &user,
        60,
        repo::PlanFilter {
            customer: Some(id),
            ..Default::default()
        },
    )
    .await?;
    Ok(Relationship {
        health,
        reminders,
        visits,
        touches,
    })
}

pub async fn record_touch(
    customer_id: String,
    kind: String,
    on: String,
    note: String,
) -> Result<(), AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let (now_utc, now) = context::now_pair();
    let (kind, on, note) = parse_touch(&kind, &on, &note, now.date())?;
    let mut tx = state.begin().await?;
    let id = customer_in_scope(&mut tx, &user, &customer_id).await?;
    repo::insert_touch(
        &mut tx,
        user.company_id,
        Uuid::now_v7(),
        id,
        user.id,
        on,
        kind.as_str(),
        &note,
        now_utc,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Reminders within `days` for the customers `filter` picks within scope.
async fn reminder_views(
    conn: &mut DbConn,
    user: &CurrentUser,
    days: u32,
    filter: repo::PlanFilter,
) -> Result<Vec<ReminderView>, AppError> {
    let (_, now) = context::now_pair();
    let today = now.date();
    let gifts: HashMap<(Class, GiftOccasion), String> = repo::gift_lists(conn, user.company_id)
        .await?
        .into_iter()
        .map(|(t, o, g)| ((t, o), g))
        .collect();
    let rows = repo::plan(
        conn,
        user.company_id,
        scope_of(user),
        repo::PlanFilter {
            occasions_only: true,
            within: Some((today, days)),
            ..filter
        },
    )
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let birthday = r
            .birthday
            .as_deref()
            .and_then(|b| crate::domain::profile::parse_date(b).ok());
        let opened = r
            .opened_on
            .as_deref()
            .and_then(|b| crate::domain::profile::parse_date(b).ok());
        // festivals are everyone's; the list shows them per customer only for A
        // customers (gifts go to the key accounts), birthdays and anniversaries for all
        for (date, occasion) in reminders_of(today, days, birthday, opened) {
            let festival = matches!(occasion, Occasion::SpringFestival | Occasion::MidAutumn);
            if festival && r.tier != Some(Class::A) {
                continue;
            }
            let tier = r.tier.unwrap_or(Class::C);
            out.push(ReminderView {
                date: date.to_string(),
                days_left: (date - today).num_days(),
                occasion: occasion.gift_key(),
                years: match occasion {
                    Occasion::Anniversary { years } => Some(years),
                    _ => None,
                },
                customer_id: r.id.into(),
                customer_code: r.code.clone(),
                customer_name: r.name.clone(),
                tier: r.tier,
                rep_name: r.rep_name.clone(),
                gifts: gifts
                    .get(&(tier, occasion.gift_key()))
                    .cloned()
                    .unwrap_or_default(),
            });
        }
    }
    out.sort_by(|a, b| {
        a.date
            .cmp(&b.date)
            .then(a.customer_code.cmp(&b.customer_code))
    });
    Ok(out)
}

/// The dashboard's visit tile: customers overdue for a visit, and this week's
/// birthdays `(date, customer)`.
pub async fn week_at_a_glance(
    conn: &mut DbConn,
    user: &CurrentUser,
) -> Result<(u64, Vec<(String, String)>), AppError> {
    let (_, now) = context::now_pair();
    let today = now.date();
    let freq = Frequencies::load(conn, user).await?;
    let cut_offs: Vec<(Option<Class>, chrono::DateTime<chrono::Utc>)> =
        [Some(Class::A), Some(Class::B), Some(Class::C), None]
            .into_iter()
            .filter_map(|tier| {
                let day =
                    crate::domain::visits::overdue_before(freq.per_month(tier, today), today)?;
                Some((tier, from_beijing(day.and_time(chrono::NaiveTime::MIN))))
            })
            .collect();
    let overdue = repo::overdue_count(conn, user.company_id, scope_of(user), &cut_offs).await?;
    let overdue = u64::try_from(overdue).unwrap_or(0);
    let birthdays = reminder_views(
        conn,
        user,
        6,
        repo::PlanFilter {
            birthdays_only: true,
            ..Default::default()
        },
    )
    .await?
    .into_iter()
    .filter(|r| r.occasion == GiftOccasion::Birthday)
    .map(|r| (r.date, r.customer_name))
    .collect();
    Ok((overdue, birthdays))
}

pub async fn reminders(days: u32, page: u32) -> Result<Reminders, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let days = days.clamp(1, 90);
    let mut conn = state.conn().await?;
    let all = reminder_views(&mut conn, &user, days, repo::PlanFilter::default()).await?;
    let total = all.len();
    let pages = total.div_ceil(REMINDER_PAGE).max(1);
    let page = usize::try_from(page).unwrap_or(1).clamp(1, pages);
    let reminders = all
        .into_iter()
        .skip((page - 1) * REMINDER_PAGE)
        .take(REMINDER_PAGE)
        .collect();
    let gifts = repo::gift_lists(&mut conn, user.company_id)
        .await?
        .into_iter()
        .map(|(tier, occasion, gifts)| GiftList {
            tier,
            occasion,
            gifts,
        })
        .collect();
    Ok(Reminders {
        reminders,
        total,
        page: u32::try_from(page).unwrap_or(1),
        gifts,
        may_edit_gifts: user.role.may(Action::SetTierPolicies),
    })
}

pub async fn save_gift_list(tier: String, occasion: String, gifts: String) -> Result<(), AppError> {
    let (state, user) = context::authorize(Action::SetTierPolicies).await?;
    let mut errors = Vec::new();
    let tier = take(&mut errors, "tier", Class::parse(&tier));
    let occasion = take(&mut errors, "occasion", GiftOccasion::parse(&occasion));
    let gifts = match crate::domain::validation::optional_text(&gifts, 500) {
        Ok(g) => g.unwrap_or_default(),
        Err(c) => {
            errors.push(FieldError::new("gifts", c));
            String::new()
        }
    };
    let (Some(tier), Some(occasion)) = (tier, occasion) else {
        return Err(AppError::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let (now_utc, _) = context::now_pair();
    let mut tx = state.begin().await?;
    repo::set_gift_list(&mut tx, user.company_id, tier, occasion, &gifts, now_utc).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn daily_visits() -> Result<DailyVisits, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let mut conn = state.conn().await?;
    Ok(DailyVisits {
        capacity: db::companies::daily_visits(&mut conn, user.company_id).await?,
        may_edit: user.role.may(Action::SetTierPolicies),
    })
}

pub async fn save_daily_visits(raw: String) -> Result<DailyVisits, AppError> {
    use crate::domain::visits::MAX_DAILY_VISITS;
    let (state, user) = context::authorize(Action::SetTierPolicies).await?;
    let n = crate::domain::visits::parse_daily_visits(&raw).for_field("daily_visits")?;
    let (now_utc, _) = context::now_pair();
    let mut conn = state.conn().await?;
    db::companies::set_daily_visits(&mut conn, user.company_id, n, now_utc).await?;
    tracing::info!(by = %user.id, n, max = MAX_DAILY_VISITS, "daily visits set");
    Ok(DailyVisits {
        capacity: n,
        may_edit: true,
    })
}
