//! How many tickets met their service standards, month by month.
use super::*;
use crate::server::tickets::clock_index::{month_code, tier_slot};
use std::collections::{HashMap, HashSet};

/// The report's length when none is asked for (the page's default).
const DEFAULT_MONTHS: u32 = 6;
/// The longest report: tickets older than its window need not be kept.
const WIDEST_MONTHS: u32 = 24;

/// The first month of a report of `months` months up to now's.
fn first_month(now: NaiveDateTime, months: u32) -> chrono::NaiveDate {
    now.date()
        .with_day(1)
        .and_then(|d| d.checked_sub_months(chrono::Months::new(months.saturating_sub(1))))
        .unwrap_or(now.date())
}

/// The earliest ticket such a report reads: tickets raised up to 31 days before its first
/// month can fall due inside it.
fn window_start(now: NaiveDateTime, months: u32) -> DateTime<Utc> {
    let first = first_month(now, months);
    from_beijing(first.and_hms_opt(0, 0, 0).unwrap_or(now)) - chrono::Duration::days(31)
}

/// Runs the company's ticket clocks for the default report (6 months) once, so the first
/// report after a start only adds up kept outcomes (background warm-up after start).
pub async fn warm_up(
    state: &crate::server::state::AppState,
    company: CompanyId,
) -> Result<(), AppError> {
    let (_, now) = context::now_pair();
    let mut conn = state.conn().await?;
    let rules = Rules::load(&mut conn, company).await?;
    drop(conn);
    state
        .ticket_clocks
        .clocks(
            &state.pool,
            company,
            window_start(now, DEFAULT_MONTHS),
            window_start(now, WIDEST_MONTHS),
            &rules,
            now,
        )
        .await?;
    Ok(())
}

pub async fn compliance(months: u32) -> Result<Compliance, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let months = if months == 0 {
        DEFAULT_MONTHS
    } else {
        months.min(WIDEST_MONTHS)
    };
    let (_, now) = context::now_pair();
    let scope = scope_of(&user);
    let first_month = first_month(now, months);
    let labels: Vec<String> = (0..months)
        .filter_map(|i| first_month.checked_add_months(chrono::Months::new(i)))
        .map(|d| d.format("%Y-%m").to_string())
        .collect();
    let since = window_start(now, months);
    let company = user.company_id;
    let mut conn = state.conn().await?;
    let rules = Rules::load(&mut conn, company).await?;
    // a rep's tickets are those of the customers they serve now (scope in SQL)
    let mine: Option<HashSet<Uuid>> = match scope {
        Scope::Rep(me) => Some(
            crate::server::db::sales::rep_customer_ids(&mut conn, company, me)
                .await?
                .into_iter()
                .collect(),
        ),
        Scope::All => None,
    };
    // names once, not a join per ticket
    let staff: HashMap<Uuid, String> = crate::server::db::employees::list(&mut conn, company)
        .await?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    drop(conn);
    // the widest report starts here: older tickets need not be kept
    let keep_from = window_start(now, WIDEST_MONTHS);
    let clocks = state
        .ticket_clocks
        .clocks(&state.pool, company, since, keep_from, &rules, now)
        .await?;
    // each ticket's customer's tier and rep, from the customer index (a rep's tickets were
    // chosen by SQL as those of their customers: they are theirs, whatever a change made
    // since the index was read)
    let customers = state.search_index.snapshot(&state.pool, company).await?;
    let customer = |id: &Uuid| {
        let (tier, rep) = customers
            .position
            .get(id)
            .map(|&i| &*customers.entries[i])
            .map_or((None, None), |e| (e.tier, e.rep_id));
        match scope {
            Scope::Rep(me) => (tier, Some(me.0)),
            Scope::All => (tier, rep),
        }
    };
    let first = month_code(first_month.and_hms_opt(0, 0, 0).unwrap_or(now));
    let month_index = |code: i32| -> Option<usize> {
        usize::try_from(code - first)
            .ok()
            .filter(|i| *i < labels.len())
    };
    // keys are small and copied: (rep, standard index, month index)
    type Key = (Option<Uuid>, usize, usize);
    let mut measured: Vec<(Key, bool)> = Vec::new();
    for ticket in clocks.tickets() {
        if ticket.started < since
            || !ticket.counted
            || mine
                .as_ref()
                .is_some_and(|m| !m.contains(&ticket.customer_id))
        {
            continue;
        }
        let (tier, rep) = customer(&ticket.customer_id);
        for t in &ticket.timers {
            let k = StandardKind::ALL
                .iter()
                .position(|x| *x == t.standard)
                .unwrap_or(0);
            // done by now: its outcome was run when the ticket was read; else run it now
            let (month, met) = match t.decided.filter(|_| t.clock.done.is_some_and(|d| d <= now)) {
                Some((month, met)) => (month, met[tier_slot(tier)]),
                None => {
                    let timer = rules.timer(t.standard, t.clock.clone(), tier, now);
                    let met = timer.status.as_ref().and_then(tickets::outcome);
                    match timer.clock.done.or_else(|| rules.due(&timer)) {
                        Some(at) => (month_code(at), met),
                        None => continue,
                    }
                }
            };
            if let (Some(met), Some(month)) = (met, month_index(month)) {
                measured.push(((rep, k, month), met));
            }
        }
    }
    let cells = tickets::tally(measured);
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
            .entry(rep.and_then(|r| staff.get(&r).cloned()).unwrap_or_default())
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
