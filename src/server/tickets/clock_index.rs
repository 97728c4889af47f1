//! An in-memory copy of every ticket's clock, per company, for the compliance report: at
//! 100 000 tickets, reading their times and running their 150 000 timers through the
//! working-hours rules took half a second a report. Here a timer that is done is run once,
//! when its ticket is read, for each tier (its customer's tier may change; the standard
//! differs by tier), and a report adds up stored outcomes; only running timers are run
//! again, since their status depends on the moment.
//!
//! It is never stale: every write of a ticket or a pause moves the company's counter in
//! `ticket_revisions` and stamps the ticket with it (triggers, same transaction), and each
//! report reads that counter first — if it moved, the tickets stamped above the copy's rev
//! are read again and patched in (rev and rows read in one snapshot); a deletion moves a
//! second counter and the copy is read again whole. The standards and the working
//! calendar are read for every report: if they differ from those the outcomes were run
//! on, every stored timer is run again (from memory: no ticket is read again).
//!
//! The copy holds every ticket opened since the earliest moment a report has asked for;
//! the report picks its window and its user's customers from it.
use crate::domain::ids::CompanyId;
use crate::domain::segmentation::Class;
use crate::domain::sla::{self, Clock};
use crate::domain::tickets::{StandardKind, objection_clocks, outcome};
use crate::domain::time::to_beijing;
use crate::server::db::{Pool, tickets as repo};
use crate::server::tickets::timers::{Rules, Times, objection_of};
use chrono::{DateTime, Datelike as _, NaiveDateTime, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// One timer of a ticket.
#[derive(Debug, Clone)]
pub struct Clocked {
    pub standard: StandardKind,
    pub clock: Clock,
    /// For a timer done when it was run: the month it was done in (`year * 12 + month0`,
    /// Beijing time) and, for a customer of no tier, A, B and C, whether it kept its
    /// standard (`None` where there is no standard to keep).
    pub decided: Option<(i32, [Option<bool>; 4])>,
}

/// A ticket as the report reads it.
#[derive(Debug, Clone)]
pub struct Ticket {
    pub customer_id: Uuid,
    /// Opened (an objection) or ordered (a delivery).
    pub started: DateTime<Utc>,
    /// Whether the report counts it (a cancelled order's delivery only if it was late).
    pub counted: bool,
    pub timers: Vec<Clocked>,
}

/// Where a tier's outcome is in [`Clocked::decided`].
pub fn tier_slot(tier: Option<Class>) -> usize {
    tier.map_or(0, |t| t as usize + 1)
}

/// The tiers in the order of [`tier_slot`].
const TIERS: [Option<Class>; 4] = [None, Some(Class::A), Some(Class::B), Some(Class::C)];

/// `year * 12 + month0` of a moment.
pub fn month_code(at: NaiveDateTime) -> i32 {
    at.year() * 12 + at.month0() as i32
}

impl Clocked {
    fn run(standard: StandardKind, clock: Clock, rules: &Rules, now: NaiveDateTime) -> Clocked {
        let decided = clock.done.filter(|d| *d <= now).map(|done| {
            let limits = TIERS.map(|tier| rules.limit(standard, tier));
            let mut met = [None; 4];
            for slot in 0..4 {
                // tiers held to the same standard share one run
                met[slot] = match limits[..slot].iter().position(|l| *l == limits[slot]) {
                    Some(same) => met[same],
                    None => limits[slot]
                        .map(|l| sla::status(&clock, &l, &rules.calendar, now))
                        .and_then(|s| outcome(&s)),
                };
            }
            (month_code(done), met)
        });
        Clocked {
            standard,
            clock,
            decided,
        }
    }
}

impl Ticket {
    fn objection(
        r: &repo::ObjectionClockRow,
        pauses: &repo::Pauses,
        rules: &Rules,
        now: NaiveDateTime,
    ) -> Ticket {
        // the tier is not the ticket's: outcomes are kept for every tier
        let (o, p) = objection_of(&Times::of_clock(r, None), pauses);
        let (first, resolution) = objection_clocks(&o, &p);
        Ticket {
            customer_id: r.customer_id,
            started: r.opened_at,
            counted: true,
            timers: vec![
                Clocked::run(StandardKind::FirstAnswer, first, rules, now),
                Clocked::run(StandardKind::Resolution, resolution, rules, now),
            ],
        }
    }

    fn delivery(r: &repo::DeliveryClockRow, rules: &Rules, now: NaiveDateTime) -> Ticket {
        let clock = Clock {
            started: to_beijing(r.ordered_at),
            pauses: Vec::new(),
            done: r.delivered_at.map(to_beijing),
        };
        Ticket {
            customer_id: r.customer_id,
            started: r.ordered_at,
            counted: r.counted,
            timers: vec![Clocked::run(StandardKind::Delivery, clock, rules, now)],
        }
    }

    /// The same clocks run on other rules.
    fn rerun(&self, rules: &Rules, now: NaiveDateTime) -> Ticket {
        Ticket {
            customer_id: self.customer_id,
            started: self.started,
            counted: self.counted,
            timers: self
                .timers
                .iter()
                .map(|t| Clocked::run(t.standard, t.clock.clone(), rules, now))
                .collect(),
        }
    }
}

/// The tickets of one company at one revision.
#[derive(Debug)]
pub struct Clocks {
    rev: i64,
    deletions: i64,
    /// Every ticket started at or after this moment is here.
    since: DateTime<Utc>,
    /// What the outcomes were run on.
    rules: Rules,
    /// Objections and deliveries by id (the two have ids of their own).
    objections: HashMap<Uuid, Arc<Ticket>>,
    deliveries: HashMap<Uuid, Arc<Ticket>>,
}

impl Clocks {
    /// Every ticket kept: objections, then deliveries.
    pub fn tickets(&self) -> impl Iterator<Item = &Ticket> {
        self.objections
            .values()
            .chain(self.deliveries.values())
            .map(|t| &**t)
    }
}

/// The per-company copies.
#[derive(Debug, Default)]
pub struct ClockIndex {
    companies: Mutex<HashMap<CompanyId, Arc<Clocks>>>,
}

impl ClockIndex {
    /// The revision and the number of tickets of the company's kept copy, if it has one.
    pub fn kept(&self, company: CompanyId) -> Option<(i64, usize)> {
        self.cached(company)
            .map(|c| (c.rev, c.objections.len() + c.deliveries.len()))
    }

    fn cached(&self, company: CompanyId) -> Option<Arc<Clocks>> {
        self.companies
            .lock()
            .ok()
            .and_then(|m| m.get(&company).cloned())
    }

    /// The company's tickets started at or after `since` (and maybe earlier ones, none
    /// before `keep_from`, the start of the widest window a report may ask for), as of
    /// now, their done timers run on `rules`.
    pub async fn clocks(
        &self,
        pool: &Pool,
        company: CompanyId,
        since: DateTime<Utc>,
        keep_from: DateTime<Utc>,
        rules: &Rules,
        now: NaiveDateTime,
    ) -> Result<Arc<Clocks>, sqlx::Error> {
        let cached = self.cached(company).filter(|c| c.since <= since);
        if let Some(c) = &cached {
            let mut conn = pool.acquire().await?;
            let (rev, deletions) = repo::clock_revision(&mut conn, company).await?;
            if c.rev == rev && c.deletions == deletions && c.rules == *rules {
                return Ok(c.clone());
            }
        }
        // rev and rows from one read transaction: one consistent state
        let mut tx = pool.begin_read().await?;
        let (rev, deletions) = repo::clock_revision(&mut tx, company).await?;
        let clocks = match cached.filter(|c| c.deletions == deletions) {
            Some(old) => {
                let which = repo::Changed::After(old.rev);
                let objections = repo::objection_clocks(&mut tx, company, which).await?;
                let ids: Vec<Uuid> = objections.iter().map(|o| o.id).collect();
                let pauses = repo::pauses_of(&mut tx, company, &ids).await?;
                let deliveries = repo::delivery_clocks(&mut tx, company, which).await?;
                // tickets no report can ask for any more leave the copy (as the months go by)
                let since_kept = old.since.max(keep_from.min(since));
                let rerun = |m: &HashMap<Uuid, Arc<Ticket>>| -> HashMap<Uuid, Arc<Ticket>> {
                    if old.rules == *rules && since_kept == old.since {
                        return m.clone();
                    }
                    m.iter()
                        .filter(|(_, t)| t.started >= since_kept)
                        .map(|(id, t)| {
                            let t = if old.rules == *rules {
                                t.clone()
                            } else {
                                Arc::new(t.rerun(rules, now))
                            };
                            (*id, t)
                        })
                        .collect()
                };
                let mut c = Clocks {
                    rev,
                    deletions,
                    since: since_kept,
                    rules: rules.clone(),
                    objections: rerun(&old.objections),
                    deliveries: rerun(&old.deliveries),
                };
                // a ticket changed to start before the window leaves it
                for o in &objections {
                    if o.opened_at >= c.since {
                        let t = Ticket::objection(o, &pauses, rules, now);
                        c.objections.insert(o.id, Arc::new(t));
                    } else {
                        c.objections.remove(&o.id);
                    }
                }
                for d in &deliveries {
                    if d.ordered_at >= c.since {
                        let t = Ticket::delivery(d, rules, now);
                        c.deliveries.insert(d.id, Arc::new(t));
                    } else {
                        c.deliveries.remove(&d.id);
                    }
                }
                c
            }
            None => {
                let which = repo::Changed::Since(since);
                let objections = repo::objection_clocks(&mut tx, company, which).await?;
                let pauses = repo::pauses_since(&mut tx, company, since).await?;
                let deliveries = repo::delivery_clocks(&mut tx, company, which).await?;
                Clocks {
                    rev,
                    deletions,
                    since,
                    rules: rules.clone(),
                    objections: objections
                        .iter()
                        .map(|o| (o.id, Arc::new(Ticket::objection(o, &pauses, rules, now))))
                        .collect(),
                    deliveries: deliveries
                        .iter()
                        .map(|d| (d.id, Arc::new(Ticket::delivery(d, rules, now))))
                        .collect(),
                }
            }
        };
        tx.rollback().await?;
        let clocks = Arc::new(clocks);
        if let Ok(mut m) = self.companies.lock() {
            // never replace a newer copy another request stored meanwhile
            if m.get(&company).is_none_or(|c| {
                c.rev < clocks.rev || (c.rev == clocks.rev && clocks.since <= c.since)
            }) {
                m.insert(company, clocks.clone());
            }
        }
        Ok(clocks)
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use crate::domain::sla::Calendar;
    use crate::domain::tickets::ServiceStandard;
    use chrono::{Duration, NaiveDate, NaiveTime};
    use proptest::prelude::*;

    fn at(minutes: i64) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 3, 2)
            .unwrap()
            .and_hms_opt(8, 0, 0)
            .unwrap()
            + Duration::minutes(minutes)
    }

    fn rules(minutes: i64, tier_minutes: [Option<i64>; 3], working_hours_only: bool) -> Rules {
        Rules {
            standards: vec![ServiceStandard {
                kind: StandardKind::FirstAnswer,
                minutes,
                tier_minutes,
                working_hours_only,
            }],
            calendar: Calendar::office(
                NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
                NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
            ),
        }
    }

    #[test]
    fn a_done_timer_keeps_its_outcome_for_every_tier_and_a_running_one_none() {
        // answered in three hours; four hours allowed, two for A customers
        let rules = rules(240, [Some(120), None, None], false);
        let clock = |done| Clock {
            started: at(0),
            pauses: vec![],
            done,
        };
        let answered = Clocked::run(
            StandardKind::FirstAnswer,
            clock(Some(at(180))),
            &rules,
            at(600),
        );
        assert_eq!(
            answered.decided,
            Some((
                2026 * 12 + 2,
                [Some(true), Some(false), Some(true), Some(true)]
            ))
        );
        // no standard for resolutions: done, but nothing to keep
        let resolved = Clocked::run(
            StandardKind::Resolution,
            clock(Some(at(180))),
            &rules,
            at(600),
        );
        assert_eq!(resolved.decided, Some((2026 * 12 + 2, [None; 4])));
        // still running, or done after the moment it is run: decided later
        let running = Clocked::run(StandardKind::FirstAnswer, clock(None), &rules, at(600));
        assert_eq!(running.decided, None);
        let ahead = Clocked::run(
            StandardKind::FirstAnswer,
            clock(Some(at(700))),
            &rules,
            at(600),
        );
        assert_eq!(ahead.decided, None);
    }

    proptest! {
        /// What is kept for each tier is what the timer says for a customer of that tier.
        #[test]
        fn kept_outcomes_are_the_timers_outcomes(
            minutes in 1i64..3000,
            tier in proptest::array::uniform3(proptest::option::of(1i64..3000)),
            working in any::<bool>(),
            done in 0i64..10_000,
            pauses in proptest::collection::vec((0i64..10_000, 0i64..600), 0..3),
            later in 0i64..5_000,
            report_later in 0i64..100_000,
        ) {
            let rules = rules(minutes, tier, working);
            let clock = Clock {
                started: at(0),
                pauses: pauses.iter().map(|(from, len)| (at(*from), Some(at(from + len)))).collect(),
                done: Some(at(done)),
            };
            let kept = Clocked::run(StandardKind::FirstAnswer, clock.clone(), &rules, at(done + later));
            let (month, met) = kept.decided.unwrap();
            prop_assert_eq!(month, month_code(at(done)));
            // read by a report at any later moment
            for now in [at(done + later), at(done + later + report_later)] {
                for (slot, t) in TIERS.iter().enumerate() {
                    let timer = rules.timer(StandardKind::FirstAnswer, clock.clone(), *t, now);
                    prop_assert_eq!(met[slot], timer.status.as_ref().and_then(outcome));
                }
            }
        }
    }
}
