//! The use cases of the visits feature: what its server functions (`features/visits/api.rs`)
//! do, each in its own transaction, with the rules from `domain/`.
use crate::domain::growth::growth;
use crate::domain::ids::EmployeeId;
use crate::domain::money::Money;
use crate::domain::sales::month_of;
use crate::domain::segmentation::Class;
use crate::domain::staff::Action;
use crate::domain::tier::in_force;
use crate::domain::time::{from_beijing, to_beijing};
use crate::domain::validation::{FieldError, FieldErrorCode, ForField as _, take};
use crate::domain::visits::{
    GiftOccasion, NewVisit, Occasion, default_visits_per_month, due_state, health, parse_touch,
    planned_in, reminders as reminders_of,
};
use crate::domain::visits::{Health, VisitInput};
use crate::error::AppError;
use crate::error::Conflict;
use crate::features::auth::api::CurrentUser;
use crate::features::visits::api::*;
use crate::server::context;
use crate::server::context::scope_of;
use crate::server::db::customers::Scope;
use crate::server::db::{self, DbConn, UniqueKey as _, visits as repo};
use crate::server::state::AppState;
use crate::wire::Deferred;
use chrono::NaiveDate;
use std::collections::HashMap;
use uuid::Uuid;

mod glance;
mod relationships;

pub use relationships::{
    daily_visits, health_of, record_touch, relationship, reminders, save_daily_visits,
    save_gift_list, week_at_a_glance,
};

/// Visits a month per tier on `today`: the policy in force, or the default.
pub(crate) struct Frequencies(Vec<(Class, NaiveDate, u32)>);

impl Frequencies {
    pub(crate) async fn load(
        conn: &mut DbConn,
        user: &CurrentUser,
    ) -> Result<Frequencies, AppError> {
        let rows = db::tiers::policies(conn, user.company_id).await?;
        Ok(Frequencies(
            rows.into_iter()
                .filter_map(|r| {
                    Some((
                        r.tier,
                        NaiveDate::parse_from_str(&r.effective_from, "%Y-%m-%d").ok()?,
                        u32::try_from(r.visits_per_month).ok()?,
                    ))
                })
                .collect(),
        ))
    }

    pub(crate) fn per_month(&self, tier: Option<Class>, today: NaiveDate) -> u32 {
        in_force(&self.0, tier.unwrap_or(Class::C), today)
            .copied()
            .unwrap_or_else(|| default_visits_per_month(tier))
    }
}

fn plan_customer(r: repo::PlanRow, freq: &Frequencies, today: NaiveDate) -> PlanCustomer {
    let per_month = freq.per_month(r.tier, today);
    let last = r.last_visit.map(|t| to_beijing(t).date());
    let (due, overdue_days) = due_state(last, per_month, today).unwrap_or((NaiveDate::MAX, 0));
    let region = [r.district.as_deref(), r.township.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    PlanCustomer {
        id: r.id.into(),
        code: r.code,
        name: r.name,
        kind: r.kind,
        tier: r.tier,
        region,
        address: r.address.unwrap_or_default(),
        phone: r.phone.unwrap_or_default(),
        contact: r.contact.unwrap_or_default(),
        rep_name: r.rep_name,
        hobbies: r.hobbies.unwrap_or_default(),
        last_visit: last.map(|d| d.to_string()),
        due: if due == NaiveDate::MAX {
            String::new()
        } else {
            due.to_string()
        },
        overdue_days,
        visits_per_month: per_month,
        planned: String::new(),
        initials: String::new(),
    }
}

/// Plans the customers over today and the next six days: no day holds more than the
/// company's `capacity`, days off in its working calendar hold none (see
/// [`crate::domain::visits::schedule`]). Sets each customer's planned day; today's
/// list and each day's keep route order.
fn plan_of(
    customers: &mut [PlanCustomer],
    today: NaiveDate,
    capacity: u32,
    calendar: &crate::domain::sla::Calendar,
) -> TodayPlan {
    use crate::domain::visits::{Waiting, schedule};
    let today_s = today.to_string();
    let waiting: Vec<(usize, Waiting)> = customers
        .iter()
        .enumerate()
        .filter_map(|(route, c)| {
            let due = NaiveDate::parse_from_str(&c.due, "%Y-%m-%d").ok()?;
            let tier_rank = match c.tier {
                Some(Class::A) => 0,
                Some(Class::B) => 1,
                Some(Class::C) => 2,
                None => 3,
            };
            Some((
                route,
                Waiting {
                    due,
                    tier_rank,
                    route,
                },
            ))
        })
        .collect();
    let list: Vec<Waiting> = waiting.iter().map(|(_, w)| *w).collect();
    let done_today = customers
        .iter()
        .filter(|c| c.last_visit.as_deref() == Some(today_s.as_str()))
        .count();
    let done_today = u32::try_from(done_today).unwrap_or(u32::MAX);
    let planned = schedule(&list, today, capacity, done_today, 7, |d| {
        calendar.works_on(d)
    });
    for ((i, _), day) in waiting.iter().zip(planned) {
        if let Some(c) = customers.get_mut(*i) {
            c.planned = day.map(|d| d.to_string()).unwrap_or_default();
        }
    }
    let moved = customers
        .iter()
        .filter(|c| !c.due.is_empty() && c.due <= today_s && !c.planned.is_empty())
        .filter(|c| c.planned != today_s)
        .count();
    let week_end = today
        .checked_add_days(chrono::Days::new(6))
        .unwrap_or(today)
        .to_string();
    let unplanned = customers
        .iter()
        .filter(|c| !c.due.is_empty() && c.due <= week_end && c.planned.is_empty())
        .count();
    let on = |day: &str| -> Vec<PlanCustomer> {
        customers
            .iter()
            .filter(|c| c.planned == day)
            .cloned()
            .collect()
    };
    let due = on(&today_s);
    let week = (1..7)
        .filter_map(|i| today.checked_add_days(chrono::Days::new(i)))
        .map(|d| {
            let ds = d.to_string();
            PlanDay {
                customers: on(&ds),
                date: ds,
            }
        })
        .collect();
    TodayPlan {
        today: today_s,
        due,
        week,
        capacity,
        moved: u32::try_from(moved).unwrap_or(u32::MAX),
        unplanned: u32::try_from(unplanned).unwrap_or(u32::MAX),
        done_today,
        works_today: calendar.works_on(today),
    }
}

/// The daily capacity and working calendar a company plans with.
async fn plan_rules(
    conn: &mut DbConn,
    company: crate::domain::ids::CompanyId,
) -> Result<(u32, crate::domain::sla::Calendar), AppError> {
    let capacity = db::companies::daily_visits(conn, company).await?;
    let calendar = db::service::calendar(conn, company).await?.calendar();
    Ok((capacity, calendar))
}

/// Whose plan: a named rep, or the user's own (`""` or `me`) — an owner's plan of
/// the whole company would be every customer at once.
fn rep_filter(user: &CurrentUser, rep: &str) -> Result<Option<EmployeeId>, AppError> {
    let rep = rep.trim();
    if rep.is_empty() || rep == "me" {
        return Ok(Some(user.id));
    }
    Uuid::parse_str(rep)
        .map(|u| Some(EmployeeId(u)))
        .map_err(|_| {
            AppError::Validation(vec![FieldError::new(
                "rep",
                FieldErrorCode::UnknownEmployee,
            )])
        })
}

async fn plan_customers(
    conn: &mut DbConn,
    user: &CurrentUser,
    scope: Scope,
    rep: Option<EmployeeId>,
    today: NaiveDate,
) -> Result<Vec<PlanCustomer>, AppError> {
    let freq = Frequencies::load(conn, user).await?;
    let rows = repo::plan(
        conn,
        user.company_id,
        scope,
        repo::PlanFilter {
            rep,
            ..Default::default()
        },
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| plan_customer(r, &freq, today))
        .collect())
}

/// The plan of the customers `rep` has within `scope` (all of them, for none), as
/// [`plan_of`] makes it from [`plan_customers`], but reading whole only the customers
/// it shows (today's alone without `week`): the others are planned from their tier and
/// last visit. (A rep of 15 720 customers waited 138 ms for every column of every one
/// of them.) Both reads are of one state of the database: `conn` is a read transaction.
async fn plan_for(
    conn: &mut DbConn,
    user: &CurrentUser,
    scope: Scope,
    rep: Option<EmployeeId>,
    today: NaiveDate,
    week: bool,
) -> Result<TodayPlan, AppError> {
    let freq = Frequencies::load(conn, user).await?;
    let filter = repo::PlanFilter {
        rep,
        ..Default::default()
    };
    let mut keys: Vec<PlanCustomer> = repo::plan_keys(conn, user.company_id, scope, filter)
        .await?
        .into_iter()
        .map(|k| plan_customer(repo::PlanRow::keys_only(k), &freq, today))
        .collect();
    let (capacity, calendar) = plan_rules(conn, user.company_id).await?;
    let mut plan = plan_of(&mut keys, today, capacity, &calendar);
    if !week {
        plan.week.clear();
    }
    let shown: Vec<Uuid> = plan
        .due
        .iter()
        .chain(plan.week.iter().flat_map(|d| d.customers.iter()))
        .map(|c| c.id.0)
        .collect();
    let mut whole: HashMap<Uuid, PlanCustomer> =
        repo::plan_rows(conn, user.company_id, scope, filter, &shown)
            .await?
            .into_iter()
            .map(|r| (r.id, plan_customer(r, &freq, today)))
            .collect();
    let fill = |list: &mut Vec<PlanCustomer>, whole: &mut HashMap<Uuid, PlanCustomer>| {
        *list = std::mem::take(list)
            .into_iter()
            .filter_map(|c| {
                whole.remove(&c.id.0).map(|w| PlanCustomer {
                    planned: c.planned,
                    ..w
                })
            })
            .collect();
    };
    fill(&mut plan.due, &mut whole);
    for day in &mut plan.week {
        fill(&mut day.customers, &mut whole);
    }
    Ok(plan)
}

pub async fn today(rep: String) -> Result<TodayPlan, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let rep = rep_filter(&user, &rep)?;
    let (_, now) = context::now_pair();
    let mut read = state.pool.begin_read().await?;
    let plan = plan_for(&mut read, &user, scope_of(&user), rep, now.date(), true).await?;
    read.rollback().await?;
    Ok(plan)
}

pub async fn compliance(days: u32) -> Result<Vec<RepCompliance>, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    if !(7..=366).contains(&days) {
        return Err(AppError::Validation(vec![FieldError::new(
            "days",
            FieldErrorCode::InvalidChoice,
        )]));
    }
    let (now_utc, now) = context::now_pair();
    let since = now_utc - chrono::Duration::days(i64::from(days));
    let mut conn = state.conn().await?;
    let freq = Frequencies::load(&mut conn, &user).await?;
    let rows = repo::visit_counts_since(&mut conn, user.company_id, scope_of(&user), since).await?;
    let names: HashMap<Uuid, String> = db::employees::list(&mut conn, user.company_id)
        .await?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    let mut per_rep: std::collections::BTreeMap<Option<Uuid>, RepCompliance> =
        std::collections::BTreeMap::new();
    for (rep, tier, visits, customers) in rows {
        let customers = u32::try_from(customers).unwrap_or(0);
        let planned = planned_in(freq.per_month(tier, now.date()), days);
        let made = u32::try_from(visits).unwrap_or(0);
        let e = per_rep.entry(rep).or_insert_with(|| RepCompliance {
            rep_id: rep.map(Into::into),
            rep_name: rep.and_then(|r| names.get(&r).cloned()),
            customers: 0,
            planned: 0,
            made: 0,
            visits: 0,
            permille: None,
        });
        e.customers += customers;
        e.planned = e.planned.saturating_add(planned.saturating_mul(customers));
        e.made = e
            .made
            .saturating_add(made.min(planned).saturating_mul(customers));
        e.visits = e.visits.saturating_add(made.saturating_mul(customers));
    }
    let mut out: Vec<RepCompliance> = per_rep
        .into_values()
        .map(|mut r| {
            r.permille = crate::domain::visits::visit_compliance(r.planned, r.made);
            r
        })
        .collect();
    out.sort_by(|a, b| a.rep_name.cmp(&b.rep_name));
    Ok(out)
}

/// Stores a visit once: a second call with the same id answers `AlreadySaved`. A
/// customer who is no longer the user's answers `CustomerReassigned`.
pub async fn record_visit(input: VisitInput) -> Result<SyncOutcome, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let (now_utc, now) = context::now_pair();
    let v = NewVisit::parse(&input, now)?;
    let mut tx = state.begin().await?;
    let company = user.company_id;
    if let Some((customer, rep)) = repo::visit_owner(&mut tx, company, v.id).await? {
        return if customer == v.customer_id && rep == user.id.0 {
            Ok(SyncOutcome::AlreadySaved)
        } else {
            Err(AppError::Validation(vec![FieldError::new(
                "id",
                FieldErrorCode::Taken,
            )]))
        };
    }
    match repo::customer_owner(&mut tx, company, v.customer_id).await? {
        None => return Err(AppError::NotFound),
        Some(rep) if !scope_of(&user).sees(rep) => {
            return Err(AppError::Conflict(Conflict::CustomerReassigned));
        }
        Some(_) => {}
    }
    let products: HashMap<String, Uuid> = db::sales::products(&mut tx, company)
        .await?
        .into_iter()
        .map(|p| (p.sku, p.id))
        .collect();
    let mut prices = Vec::new();
    let mut errors = Vec::new();
    for (i, (sku, Money(fen))) in v.prices.iter().enumerate() {
        match products.get(sku) {
            Some(p) => prices.push((*p, *fen)),
            None => errors.push(FieldError::new(
                &format!("prices.{i}.sku"),
                FieldErrorCode::UnknownProduct,
            )),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    match repo::insert_visit(
        &mut tx,
        company,
        &v,
        user.id,
        from_beijing(v.checked_in_at),
        &prices,
        now_utc,
    )
    .await
    .unless_taken()?
    {
        Some(()) => {}
        // the same record sent twice at once: the other request stored it
        None => return Ok(SyncOutcome::AlreadySaved),
    }
    tx.commit().await?;
    tracing::info!(by = %user.id, visit = %v.id, customer = %v.customer_id, "visit recorded");
    Ok(SyncOutcome::Saved)
}

async fn summaries(
    conn: &mut DbConn,
    user: &CurrentUser,
    rows: Vec<repo::VisitRow>,
) -> Result<Vec<VisitSummary>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let prices = repo::prices(conn, user.company_id, &ids).await?;
    let photos = repo::photos(conn, user.company_id, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| VisitSummary {
            id: r.id.into(),
            customer_id: r.customer_id.into(),
            customer_code: r.code,
            customer_name: r.name,
            rep_name: r.rep_name,
            checked_in_at: to_beijing(r.checked_in_at)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            location: match (r.lat_e6, r.lon_e6) {
                (Some(lat), Some(lon)) => Some(format!(
                    "{:.5}, {:.5} ±{} m",
                    lat as f64 / 1e6,
                    lon as f64 / 1e6,
                    r.accuracy_m.unwrap_or(0)
                )),
                _ => None,
            },
            purpose: r.purpose,
            notes: r.notes,
            vivid_display: r.vivid_display,
            stack_display: r.stack_display,
            indoor_ad: r.indoor_ad,
            outdoor_ad: r.outdoor_ad,
            competitors: r.competitors,
            prices: prices
                .iter()
                .filter(|p| p.visit_id == r.id)
                .map(|p| ShelfPrice {
                    sku: p.sku.clone(),
                    product: p.product_name.clone(),
                    price: Money(p.price).to_display_string(),
                    below_floor: p.price_floor.is_some_and(|f| p.price < f),
                })
                .collect(),
            photos: photos
                .iter()
                .filter(|(v, _)| *v == r.id)
                .map(|(_, p)| p.to_string())
                .collect(),
            next_step: r.next_step,
            next_step_on: r.next_step_on,
        })
        .collect())
}

pub async fn list_visits() -> Result<Vec<VisitSummary>, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let mut conn = state.conn().await?;
    let rows = repo::visits(&mut conn, user.company_id, scope_of(&user), None, 30).await?;
    summaries(&mut conn, &user, rows).await
}

/// The plan of the user's own customers, whatever their role (what the tablet keeps), and
/// those customers.
async fn own_plan_in(
    conn: &mut DbConn,
    user: &CurrentUser,
    today: NaiveDate,
) -> Result<(TodayPlan, Vec<PlanCustomer>), AppError> {
    let mut customers = plan_customers(conn, user, Scope::Rep(user.id), None, today).await?;
    let (capacity, calendar) = plan_rules(conn, user.company_id).await?;
    let plan = plan_of(&mut customers, today, capacity, &calendar);
    Ok((plan, customers))
}

/// Today's part of `user`'s own plan ([`offline_bundle`]'s, the week's days left out),
/// read before `/today` is drawn (`http::preload_session`), so that the server draws the
/// day's customers into the page; nothing for a role without customers to visit.
pub async fn drawn_today(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Option<DrawnToday>, AppError> {
    if !user.role.may(Action::WorkWithCustomers) {
        return Ok(None);
    }
    let (now_utc, now) = context::now_pair();
    let mut read = state.pool.begin_read().await?;
    let plan = plan_for(
        &mut read,
        user,
        Scope::Rep(user.id),
        None,
        now.date(),
        false,
    )
    .await?;
    read.rollback().await?;
    Ok(Some(DrawnToday {
        user_id: user.id,
        generated_at: now_utc.to_rfc3339(),
        plan,
    }))
}

/// What [`drawn_today`] read for the page being drawn.
#[derive(Debug, Clone)]
pub struct PreloadedToday(pub DrawnToday);

/// The plan read for the `/today` being drawn, if any.
pub fn preloaded_today() -> Option<DrawnToday> {
    leptos::prelude::use_context::<http::request::Parts>()?
        .extensions
        .get::<PreloadedToday>()
        .map(|p| p.0.clone())
}

/// The signed-in user's bundle; its customers as columns when `columns` (see
/// [`OfflineBundle::columns`]).
pub async fn offline_bundle(columns: bool) -> Result<OfflineBundle, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let (now_utc, now) = context::now_pair();
    // one consistent state: a payment recorded meanwhile is in every figure or none
    let mut conn = state.pool.begin_read().await?;
    let (plan, all) = own_plan_in(&mut conn, &user, now.date()).await?;
    // what is still sold: the tablet's order lines and shelf prices pick from these
    let products = db::sales::products(&mut conn, user.company_id)
        .await?
        .into_iter()
        .filter(|p| p.active)
        .map(|p| ProductChoice {
            id: p.id,
            sku: p.sku,
            name: p.name,
            unit: p.unit.unwrap_or_default(),
        })
        .collect();
    let prices =
        db::pricing::entries_for_rep(&mut conn, user.company_id, user.id, now.date()).await?;
    let (trend_months, glances) =
        glance::glances(&mut conn, user.company_id, user.id, &all, now.date()).await?;
    // as rows to the version before, which asks without `columns`
    let (customers, columns) = if columns {
        // for "我的客户"'s search, as the office list's (`cqbh` finds 重庆百货)
        let mut all = all;
        for c in &mut all {
            c.initials = crate::server::customers::writes::initials_pattern(&c.name);
        }
        (None, Deferred::new(&CustomerColumns(all))?)
    } else {
        (Some(all), Deferred::default())
    };
    Ok(OfflineBundle {
        prices: Deferred::new(&prices)?,
        trend_months,
        glances: Deferred::new(&glances)?,
        user_id: user.id,
        user_name: user.name.clone(),
        generated_at: now_utc.to_rfc3339(),
        plan,
        columns,
        customers,
        products: Deferred::new(&products)?,
    })
}

pub async fn sync(items: Vec<Deferred<OutboxItem>>) -> Result<Vec<SyncResult>, AppError> {
    // a signed-out tablet keeps its whole outbox: nothing is tried
    let (_, user) = context::authorize(Action::WorkWithCustomers).await?;
    if items.len() > SYNC_BATCH_MAX {
        return Err(AppError::Validation(vec![FieldError::new(
            "items",
            FieldErrorCode::TooLarge,
        )]));
    }
    // Every record is read before any is stored. One this version cannot read (another
    // version's, or damaged on the device) is refused alone, under its id, so the tablet
    // shows it with the reason and the rep can discard it; the others go through. Without
    // an id it cannot be answered for: the batch is refused as an unreadable request.
    let mut read = Vec::with_capacity(items.len());
    for raw in &items {
        match raw.read() {
            Ok(item) => read.push(Ok(item)),
            Err(e) => match raw.peek::<RecordId>() {
                Ok(RecordId { input }) if !input.id().is_empty() => {
                    tracing::info!(by = %user.id, record = %input.id(), error = %e, "unreadable offline record");
                    read.push(Err(input.id().to_owned()));
                }
                _ => {
                    return Err(AppError::ServerFn(
                        leptos::server_fn::error::ServerFnErrorErr::Args(e.to_string()),
                    ));
                }
            },
        }
    }
    let mut out = Vec::with_capacity(items.len());
    for item in read {
        let item = match item {
            Ok(item) => item,
            Err(id) => {
                out.push(SyncResult {
                    id,
                    outcome: refusal(&AppError::Validation(vec![FieldError::new(
                        "kind",
                        FieldErrorCode::InvalidChoice,
                    )])),
                });
                continue;
            }
        };
        let id = item.client_id().to_string();
        let result = match item {
            OutboxItem::Visit(v) => record_visit(v).await,
            OutboxItem::Objection(o) => crate::server::tickets::open_objection_once(o)
                .await
                .map(|(_, created)| created)
                .map(saved_or_not),
            OutboxItem::Order(o) => {
                crate::server::orders::create_once(o, crate::server::orders::Source::Tablet)
                    .await
                    .map(|(_, created)| created)
                    .map(saved_or_not)
            }
        };
        let outcome = match result {
            Ok(o) => o,
            // a busy database, not a fault of the record: it is sent again later
            Err(AppError::Busy) => {
                tracing::warn!(by = %user.id, record = %id, "offline record to be sent again");
                SyncOutcome::TryLater
            }
            Err(e) => {
                tracing::info!(by = %user.id, record = %id, error = ?e, "offline record refused");
                refusal(&e)
            }
        };
        out.push(SyncResult { id, outcome });
    }
    Ok(out)
}

/// The id of an offline record that cannot be read whole (a visit's `id`, another
/// record's `client_id`).
#[derive(serde::Deserialize)]
struct RecordId {
    #[serde(default)]
    input: RecordIdInput,
}

#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct RecordIdInput {
    id: String,
    client_id: String,
}

impl RecordIdInput {
    fn id(&self) -> &str {
        if self.id.is_empty() {
            &self.client_id
        } else {
            &self.id
        }
    }
}

/// A record's refusal as the tablet keeps it. The reason cannot fail to encode (no map
/// with other than text keys); if it ever did, the record is still answered for, refused
/// with an unreadable reason the tablet shows as an internal error, rather than the
/// whole batch failing on every sync.
fn refusal(e: &AppError) -> SyncOutcome {
    SyncOutcome::Refused(Deferred::new(e).unwrap_or_else(|err| {
        tracing::error!(error = %err, "a refusal could not be encoded");
        Deferred::default()
    }))
}

fn saved_or_not(created: bool) -> SyncOutcome {
    if created {
        SyncOutcome::Saved
    } else {
        SyncOutcome::AlreadySaved
    }
}
