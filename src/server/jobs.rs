//! Background jobs. The overdue job runs every minute: for every unfinished ticket it asks
//! the same [`crate::domain::sla::status`] the browser's countdown asks, and records the
//! moment a ticket breached its standard (once), so "breaches today" is a fact.
use crate::domain::ids::CompanyId;
use crate::domain::sla::Status;
use crate::domain::time::{from_beijing, to_beijing};
use crate::server::db::Pool;
use crate::server::db::customers::Scope;
use crate::server::db::tickets as repo;
use crate::server::tickets::timers::{Rules, Times, delivery_timer, objection_timers};
use anyhow::Context as _;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Marks every ticket that has breached by `now`; returns how many were newly marked.
pub async fn mark_overdue(pool: &Pool, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let mut conn = pool.acquire().await.context("acquire")?;
    let companies = repo::companies_with_open_tickets(&mut conn)
        .await
        .context("companies with open tickets")?;
    drop(conn);
    let mut marked = 0;
    for company in companies {
        marked += mark_company(pool, CompanyId(company), now).await?;
    }
    Ok(marked)
}

async fn mark_company(
    pool: &Pool,
    company: CompanyId,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let local = to_beijing(now);
    let Some(mut tx) = pool.try_begin().await.context("begin")? else {
        // another app process holds the writers' turn (running this job, or a write):
        // the ticket waits for the next round, a minute away
        return Ok(0);
    };
    let rules = Rules::load(&mut tx, company)
        .await
        .map_err(|e| anyhow::anyhow!("rules: {e:?}"))?;
    let filter = repo::Filter {
        open_only: true,
        limit: 100_000,
        ..repo::Filter::default()
    };
    let objections = repo::objections(&mut tx, company, Scope::All, &filter)
        .await
        .context("objections")?;
    let ids: Vec<Uuid> = objections.iter().map(|o| o.id).collect();
    let pauses = repo::pauses_of(&mut tx, company, &ids)
        .await
        .context("pauses")?;
    let mut due: Vec<(&str, Uuid, DateTime<Utc>)> = Vec::new();
    for o in objections.iter().filter(|o| o.breached_at.is_none()) {
        let (_, timers) = objection_timers(&rules, &Times::from(o), &pauses, local);
        let first = timers
            .iter()
            .filter(|t| {
                matches!(
                    t.status,
                    Some(Status::Breached { .. } | Status::Late { .. })
                )
            })
            .filter_map(|t| rules.due(t))
            .min();
        if let Some(at) = first {
            due.push(("objection", o.id, from_beijing(at)));
        }
    }
    let deliveries = repo::deliveries(&mut tx, company, repo::DeliveryScope::All, &filter, None)
        .await
        .context("deliveries")?;
    for d in deliveries.iter().filter(|d| d.breached_at.is_none()) {
        let t = delivery_timer(&rules, d, local);
        if matches!(t.status, Some(Status::Breached { .. }))
            && let Some(at) = rules.due(&t)
        {
            due.push(("delivery", d.id, from_beijing(at)));
        }
    }
    let mut marked = 0;
    for (kind, id, at) in due {
        if repo::mark_breached(&mut tx, company, kind, id, at)
            .await
            .context("mark breached")?
        {
            marked += 1;
        }
    }
    tx.commit().await.context("commit")?;
    if marked > 0 {
        tracing::info!(%company, marked, "tickets breached their standard");
    }
    Ok(marked)
}

/// Runs [`mark_overdue`] every minute until the process ends.
pub fn spawn_overdue(pool: Pool) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            if let Err(e) = mark_overdue(&pool, Utc::now()).await {
                tracing::error!(error = ?e, "overdue job failed");
            }
        }
    });
}
