//! The use case of the owner's and managers' dashboard: the counts it shows, each in the
//! viewer's scope.
use crate::error::AppError;
use crate::features::dashboard::api::DashboardSummary;

pub async fn summary() -> Result<DashboardSummary, AppError> {
    use crate::domain::staff::Action;
    use crate::server::context;
    let (state, user) = context::authorize(Action::ViewDashboard).await?;
    // The receivables tile reads the open invoices on a connection of its own, alongside
    // the other counts (each engine reads on several connections at once): at 1 million
    // invoices and 111 000 customers the page then waits for the longer of the two.
    let overdue = async {
        let mut conn = state.conn().await?;
        crate::server::receivables::overdue_for(&mut conn, &user).await
    };
    let (overdue, summary) = tokio::try_join!(overdue, counts(&state, &user))?;
    Ok(DashboardSummary { overdue, ..summary })
}

/// Everything on the dashboard but the receivables tile.
async fn counts(
    state: &crate::server::state::AppState,
    user: &crate::features::auth::api::CurrentUser,
) -> Result<DashboardSummary, AppError> {
    use crate::domain::segmentation::Class;
    use crate::server::db::employees;
    let scope = crate::server::context::scope_of(user);
    // from the customer index (checked against the database as every list is; the growth
    // watch below reads it too): counting 110 000 rows took 10 ms of SQLite's time
    let customers = state
        .search_index
        .snapshot(&state.pool, user.company_id)
        .await?;
    let tiers = crate::server::search_index::tier_counts(&customers, scope);
    drop(customers);
    let mut conn = state.conn().await?;
    let s = employees::stats(&mut conn, user.company_id).await?;
    let latest = crate::server::db::tiers::latest_snapshots(&mut conn, user.company_id).await?;
    let movement = match latest.first() {
        None => None,
        Some((id, _)) => {
            Some(crate::server::db::tiers::movement(&mut conn, user.company_id, scope, *id).await?)
        }
    };
    let open_violations =
        crate::server::db::discipline::open_count(&mut conn, user.company_id, scope).await?;
    let today = crate::domain::time::beijing_date(chrono::Utc::now());
    let midnight = crate::domain::time::from_beijing(today.and_time(chrono::NaiveTime::MIN));
    let breaches_today = crate::server::db::tickets::breached_between(
        &mut conn,
        user.company_id,
        scope,
        midnight,
        midnight + chrono::Duration::days(1),
    )
    .await?;
    let open_tickets =
        crate::server::db::tickets::open_count(&mut conn, user.company_id, scope).await?;
    let (overdue_visits, birthdays) =
        crate::server::visits::week_at_a_glance(&mut conn, user).await?;
    drop(conn);
    let rule = {
        let mut conn = state.conn().await?;
        crate::server::db::tiers::candidate_rule(&mut conn, user.company_id)
            .await?
            .unwrap_or_default()
    };
    let month =
        crate::domain::growth::Window::containing(crate::domain::growth::PeriodKind::Month, today)
            .previous();
    let rows = crate::server::growth::compare::watch(
        state.segmentation_sources(),
        user.company_id,
        scope,
        &crate::server::growth::compare::Request {
            window: month,
            measure: crate::domain::sales::Measure::Sales,
            tiers: vec![Some(Class::B), Some(Class::C)],
            rule,
        },
    )
    .await?;
    Ok(DashboardSummary {
        company_name: user.company_name.clone(),
        staff_total: s.total,
        staff_active: s.active,
        active_by_role: s.active_by_role,
        last_change: s.last_change,
        tiers,
        movement,
        candidates: rows.iter().filter(|r| r.candidate.is_some()).count() as u64,
        candidates_month: month.anchor(),
        open_violations,
        breaches_today,
        open_tickets,
        overdue_visits,
        birthdays,
        overdue: Default::default(),
    })
}
