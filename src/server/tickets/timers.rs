//! The service-standard timers of tickets (objections: first answer and resolution;
//! deliveries: delivery), run on the company's standards and working calendar. The
//! ticket pages, the compliance report and the overdue job read the same timers.
use crate::domain::ids::CompanyId;
use crate::domain::segmentation::Class;
use crate::domain::sla::{self, Calendar, Clock, Standard, WorkCalendar};
use crate::domain::tickets::{Objection, ServiceStandard, StandardKind, objection_clocks};
use crate::domain::time::to_beijing;
use crate::error::AppError;
use crate::features::tickets::api::Timer;
use crate::server::db::{DbConn, service, tickets as repo};
use chrono::{DateTime, NaiveDateTime, Utc};
use uuid::Uuid;

/// The standards and calendar the timers of a company run on.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    pub standards: Vec<ServiceStandard>,
    pub calendar: Calendar,
}

impl Rules {
    pub async fn load(conn: &mut DbConn, company: CompanyId) -> Result<Rules, AppError> {
        let standards = service::standards(conn, company).await?;
        let calendar: WorkCalendar = service::calendar(conn, company).await?;
        Ok(Rules {
            standards,
            calendar: calendar.calendar(),
        })
    }

    /// The standard of `kind` a customer of `tier` is held to, if there is one.
    pub fn limit(&self, kind: StandardKind, tier: Option<Class>) -> Option<Standard> {
        self.standards
            .iter()
            .find(|s| s.kind == kind)
            .map(|s| s.for_tier(tier))
    }

    pub fn timer(
        &self,
        kind: StandardKind,
        clock: Clock,
        tier: Option<Class>,
        now: NaiveDateTime,
    ) -> Timer {
        let limit = self.limit(kind, tier);
        Timer {
            standard: kind,
            status: limit.map(|l| sla::status(&clock, &l, &self.calendar, now)),
            clock,
            limit,
        }
    }

    /// The moment a timer's standard fell due, if it has a standard.
    pub fn due(&self, t: &Timer) -> Option<NaiveDateTime> {
        t.limit
            .and_then(|l| sla::deadline(&t.clock, &l, &self.calendar))
    }
}

/// What an objection's timers need: its milestones, its customer's tier, whether it
/// is waiting for the customer now.
pub struct Times {
    pub id: Uuid,
    pub tier: Option<Class>,
    pub opened_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub paused_at: Option<DateTime<Utc>>,
}

impl From<&repo::ObjectionRow> for Times {
    fn from(r: &repo::ObjectionRow) -> Times {
        Times {
            id: r.id,
            tier: r.tier,
            opened_at: r.opened_at,
            answered_at: r.answered_at,
            resolved_at: r.resolved_at,
            closed_at: r.closed_at,
            paused_at: r.paused_at,
        }
    }
}

impl Times {
    /// A report's row, its customer's tier read apart.
    pub fn of_clock(r: &repo::ObjectionClockRow, tier: Option<Class>) -> Times {
        Times {
            id: r.id,
            tier,
            opened_at: r.opened_at,
            answered_at: r.answered_at,
            resolved_at: r.resolved_at,
            closed_at: None,
            paused_at: r.paused_at,
        }
    }
}

/// An objection's milestones and pauses in Beijing time.
pub fn objection_of(
    r: &Times,
    pauses: &repo::Pauses,
) -> (Objection, Vec<(NaiveDateTime, Option<NaiveDateTime>)>) {
    let o = Objection {
        opened: to_beijing(r.opened_at),
        answered: r.answered_at.map(to_beijing),
        resolved: r.resolved_at.map(to_beijing),
        closed: r.closed_at.map(to_beijing),
    };
    let mut p: Vec<(NaiveDateTime, Option<NaiveDateTime>)> = pauses
        .get(&r.id)
        .into_iter()
        .flatten()
        .map(|(from, to)| (to_beijing(*from), Some(to_beijing(*to))))
        .collect();
    if let Some(open) = r.paused_at {
        p.push((to_beijing(open), None));
    }
    (o, p)
}

/// Both timers of an objection: first answer, resolution.
pub fn objection_timers(
    rules: &Rules,
    r: &Times,
    pauses: &repo::Pauses,
    now: NaiveDateTime,
) -> (Objection, [Timer; 2]) {
    let (o, p) = objection_of(r, pauses);
    let (first, resolution) = objection_clocks(&o, &p);
    (
        o,
        [
            rules.timer(StandardKind::FirstAnswer, first, r.tier, now),
            rules.timer(StandardKind::Resolution, resolution, r.tier, now),
        ],
    )
}

pub fn delivery_timer(rules: &Rules, r: &repo::DeliveryRow, now: NaiveDateTime) -> Timer {
    delivery_timer_of(rules, r.tier, r.ordered_at, r.delivered_at, now)
}

pub fn delivery_timer_of(
    rules: &Rules,
    tier: Option<Class>,
    ordered_at: DateTime<Utc>,
    delivered_at: Option<DateTime<Utc>>,
    now: NaiveDateTime,
) -> Timer {
    rules.timer(
        StandardKind::Delivery,
        Clock {
            started: to_beijing(ordered_at),
            pauses: Vec::new(),
            done: delivered_at.map(to_beijing),
        },
        tier,
        now,
    )
}
