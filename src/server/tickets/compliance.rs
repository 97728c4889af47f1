//! How many tickets met their service standards, month by month.
use super::*;
use std::collections::HashMap;

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
    let company = user.company_id;
    let mut conn = state.conn().await?;
    let rules = Rules::load(&mut conn, company).await?;
    let objections = repo::objection_clocks(&mut conn, company, scope, since).await?;
    let pauses = repo::pauses_since(&mut conn, company, since).await?;
    let deliveries = repo::delivery_clocks(&mut conn, company, scope, since).await?;
    // names once, not a join per ticket
    let staff: HashMap<Uuid, String> = crate::server::db::employees::list(&mut conn, company)
        .await?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    drop(conn);
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
    let name_of = |rep: Option<Uuid>| rep.and_then(|r| staff.get(&r).cloned()).unwrap_or_default();
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
        let (tier, rep) = customer(&o.customer_id);
        let (_, timers) = objection_timers(&rules, &Times::of_clock(o, tier), &pauses, now);
        for t in &timers {
            push(rep, t);
        }
        names.entry(rep).or_insert_with(|| name_of(rep));
    }
    for d in &deliveries {
        let (tier, rep) = customer(&d.customer_id);
        let t = delivery_timer_of(&rules, tier, d.ordered_at, d.delivered_at, now);
        push(rep, &t);
        names.entry(rep).or_insert_with(|| name_of(rep));
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
