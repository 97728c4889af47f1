//! Visits and relationships (客户 + 朋友), groundwork for issue 7: when a customer is due
//! for a visit given its tier's visits per month, plan-versus-actual compliance, the
//! reminders a rep needs (birthdays, opening anniversaries, 春节 and 中秋), and a
//! relationship health score the owner reads at a glance.
//!
//! ```
//! use chrono::NaiveDate;
//! use qudao::domain::visits::{next_due, interval_days};
//! let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
//! assert_eq!(interval_days(4), 7); // four visits a month: weekly
//! assert_eq!(next_due(Some(d(11, 20)), 4, d(11, 27)), d(11, 27)); // due today
//! assert_eq!(next_due(None, 1, d(11, 27)), d(11, 27)); // never visited: due now
//! ```
use crate::domain::validation::{FieldError, FieldErrorCode, optional_text};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Days between visits for `per_month` visits a month (a month counted as 30 days):
/// 4 → 7, 2 → 15, 1 → 30; 0 (no visits planned) → never, as `u32::MAX`.
pub fn interval_days(per_month: u32) -> u32 {
    30u32.checked_div(per_month).map_or(u32::MAX, |d| d.max(1))
}

/// The day the next visit is due: the last visit plus the interval, never later than
/// that; never visited — today. With no visits planned the customer is never due
/// (`NaiveDate::MAX`).
pub fn next_due(last: Option<NaiveDate>, per_month: u32, today: NaiveDate) -> NaiveDate {
    let interval = interval_days(per_month);
    if interval == u32::MAX {
        return NaiveDate::MAX;
    }
    match last {
        None => today,
        Some(l) => l
            .checked_add_days(chrono::Days::new(u64::from(interval)))
            .unwrap_or(NaiveDate::MAX),
    }
}

/// Visits planned in a window of `days` days for `per_month` visits a month (a month as
/// 30 days), rounded half up: 4 a month → 4 in 28 days, 12 in 90.
pub fn planned_in(per_month: u32, days: u32) -> u32 {
    u32::try_from((u64::from(per_month) * u64::from(days) + 15) / 30).unwrap_or(u32::MAX)
}

/// Visits a month for a tier when the owner has no policy in force yet: A weekly, B every
/// two weeks, C (and customers not yet classified) monthly.
pub fn default_visits_per_month(tier: Option<crate::domain::segmentation::Class>) -> u32 {
    use crate::domain::segmentation::Class;
    match tier {
        Some(Class::A) => 4,
        Some(Class::B) => 2,
        Some(Class::C) | None => 1,
    }
}

/// The day from which a last visit keeps a customer off the overdue list on `today`:
/// overdue exactly when the last visit was on an earlier day (see [`due_state`]; never
/// visited is due today, not overdue). `None` when no visits are planned (never overdue).
pub fn overdue_before(per_month: u32, today: NaiveDate) -> Option<NaiveDate> {
    let interval = interval_days(per_month);
    if interval == u32::MAX {
        return None;
    }
    Some(
        today
            .checked_sub_days(chrono::Days::new(u64::from(interval)))
            .unwrap_or(NaiveDate::MIN),
    )
}

/// Where a customer stands in the plan on `today`: the day the visit is due and the days
/// it is overdue (0 when due today or later); `None` when no visit is planned.
pub fn due_state(
    last: Option<NaiveDate>,
    per_month: u32,
    today: NaiveDate,
) -> Option<(NaiveDate, i64)> {
    let due = next_due(last, per_month, today);
    (due != NaiveDate::MAX).then(|| (due, (today - due).num_days().max(0)))
}

/// Visits made against visits planned, in permille, capped at 1000 (extra visits do not
/// make up for another customer's missed ones); `None` when nothing was planned.
pub fn visit_compliance(planned: u32, made: u32) -> Option<u32> {
    (planned > 0).then(|| {
        u32::try_from((u64::from(made.min(planned)) * 1000) / u64::from(planned)).unwrap_or(1000)
    })
}

/// Visits a rep can make in a day when the owner has not said otherwise.
pub const DEFAULT_DAILY_VISITS: u32 = 20;
/// The most a company may set (more is not a day's work, it is a typo).
pub const MAX_DAILY_VISITS: u32 = 60;

/// The daily capacity as typed: a whole number from 1 to [`MAX_DAILY_VISITS`].
///
/// ```
/// use qudao::domain::visits::parse_daily_visits;
/// assert_eq!(parse_daily_visits(" 25 "), Ok(25));
/// assert!(parse_daily_visits("0").is_err() && parse_daily_visits("61").is_err());
/// ```
pub fn parse_daily_visits(raw: &str) -> Result<u32, FieldErrorCode> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(FieldErrorCode::Required);
    }
    let n: u32 = t.parse().map_err(|_| {
        if t.starts_with('-') {
            FieldErrorCode::Negative
        } else if t.contains(['.', ',']) {
            FieldErrorCode::NotWhole
        } else {
            FieldErrorCode::InvalidNumber
        }
    })?;
    match n {
        0 => Err(FieldErrorCode::Zero),
        n if n > MAX_DAILY_VISITS => Err(FieldErrorCode::TooLarge),
        n => Ok(n),
    }
}

/// A customer waiting in the plan: the day its visit falls due and how it ranks when a
/// day is full — tier first (`0` for A, `1` B, `2` C, `3` not yet classified), then the
/// earlier due day, then route order (`route`, the position in the rep's route).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiting {
    pub due: NaiveDate,
    pub tier_rank: u8,
    pub route: usize,
}

/// Spreads visits over the days from `today` (inclusive) to `today + days - 1`, so that no
/// day holds more than `capacity` — today less the `done_today` visits already made: each
/// working day (`works`) takes, among the customers due by then and not yet planned,
/// those that rank first (see [`Waiting`]); the rest move to the next working day.
/// Answers each customer's planned day, in the input's order, or `None` when it does not
/// fit before the window ends (or falls due after it).
///
/// A rep with 63 customers due today and room for 20 visits a day gets 20 today, 20 on
/// the next working day, and so on — A customers first, nobody dropped:
///
/// ```
/// use chrono::NaiveDate;
/// use qudao::domain::visits::{Waiting, schedule};
/// let mon = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
/// let due = |tier_rank, route| Waiting { due: mon, tier_rank, route };
/// let plan = schedule(&[due(2, 0), due(0, 1), due(1, 2)], mon, 2, 0, 7, |_| true);
/// let tue = mon.succ_opt();
/// assert_eq!(plan, vec![tue, Some(mon), Some(mon)]); // the C customer waits a day
/// ```
pub fn schedule(
    waiting: &[Waiting],
    today: NaiveDate,
    capacity: u32,
    done_today: u32,
    days: u32,
    works: impl Fn(NaiveDate) -> bool,
) -> Vec<Option<NaiveDate>> {
    let mut planned: Vec<Option<NaiveDate>> = vec![None; waiting.len()];
    // those not yet planned, best first; a day takes from the front whoever is due by then
    let mut order: Vec<usize> = (0..waiting.len()).collect();
    order.sort_by_key(|&i| {
        let w = waiting[i];
        (w.tier_rank, w.due, w.route, i)
    });
    let capacity = usize::try_from(capacity).unwrap_or(usize::MAX);
    for offset in 0..days {
        let Some(day) = today.checked_add_days(chrono::Days::new(u64::from(offset))) else {
            break;
        };
        if !works(day) {
            continue;
        }
        // the visits already made today used part of today
        let room = if offset == 0 {
            capacity.saturating_sub(usize::try_from(done_today).unwrap_or(usize::MAX))
        } else {
            capacity
        };
        let mut taken = 0;
        order.retain(|&i| {
            if taken < room && waiting[i].due <= day {
                planned[i] = Some(day);
                taken += 1;
                false
            } else {
                true
            }
        });
        if order.is_empty() {
            break;
        }
    }
    planned
}

/// What a reminder is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Occasion {
    /// The key person's birthday.
    Birthday,
    /// The shop's opening anniversary (years open).
    Anniversary {
        years: i32,
    },
    SpringFestival,
    MidAutumn,
}

/// A month and day.
type MonthDay = (u32, u32);

/// 春节 and 中秋 (lunar dates) for the years the app plans ahead.
const FESTIVALS: [(i32, MonthDay, MonthDay); 5] = [
    (2026, (2, 17), (9, 25)),
    (2027, (2, 6), (9, 15)),
    (2028, (1, 26), (10, 3)),
    (2029, (2, 13), (9, 22)),
    (2030, (2, 3), (9, 12)),
];

/// The date a yearly `(month, day)` falls on in `year`; 29 February becomes the 28th in
/// a common year.
fn in_year(year: i32, (month, day): (u32, u32)) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day).or_else(|| {
        (month == 2 && day == 29)
            .then(|| NaiveDate::from_ymd_opt(year, 2, 28))
            .flatten()
    })
}

/// The next time a yearly date comes round, today included.
fn next_yearly(today: NaiveDate, md: (u32, u32)) -> Option<NaiveDate> {
    in_year(today.year(), md)
        .filter(|d| *d >= today)
        .or_else(|| in_year(today.year() + 1, md))
}

/// The month-days (`MM-DD`, as a stored `YYYY-MM-DD` ends) a birthday or an opening date
/// can have for [`reminders`] to find it within `days` days of `today`: those of the
/// window's dates, and 29 February (kept on the 28th in other years). `None` when the
/// window is a whole year or more (every date can). A superset: the rule decides.
pub fn yearly_days_within(today: NaiveDate, days: u32) -> Option<Vec<String>> {
    if days >= 365 {
        return None;
    }
    let mut out: Vec<String> = today
        .iter_days()
        .take(days as usize + 1)
        .map(crate::domain::time::month_day_text)
        .collect();
    out.push("02-29".to_owned());
    out.sort_unstable();
    out.dedup();
    Some(out)
}

/// Whether a festival (every A customer's occasion) falls within `days` days of `today`.
pub fn festival_within(today: NaiveDate, days: u32) -> bool {
    !reminders(today, days, None, None).is_empty()
}

/// Reminders within `days` days from `today` (inclusive) for one customer, soonest first:
/// `(date, occasion)`.
pub fn reminders(
    today: NaiveDate,
    days: u32,
    birthday: Option<NaiveDate>,
    opened: Option<NaiveDate>,
) -> Vec<(NaiveDate, Occasion)> {
    let Some(until) = today.checked_add_days(chrono::Days::new(u64::from(days))) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(b) = birthday
        && let Some(d) = next_yearly(today, (b.month(), b.day()))
    {
        out.push((d, Occasion::Birthday));
    }
    if let Some(o) = opened
        && let Some(d) = next_yearly(today, (o.month(), o.day()))
        && d.year() > o.year()
    {
        out.push((
            d,
            Occasion::Anniversary {
                years: d.year() - o.year(),
            },
        ));
    }
    for (year, spring, autumn) in FESTIVALS
        .iter()
        .filter(|(y, _, _)| *y == today.year() || *y == today.year() + 1)
    {
        for (md, occasion) in [
            (*spring, Occasion::SpringFestival),
            (*autumn, Occasion::MidAutumn),
        ] {
            if let Some(d) = in_year(*year, md) {
                out.push((d, occasion));
            }
        }
    }
    out.retain(|(d, _)| *d >= today && *d <= until);
    out.sort_by_key(|(d, _)| *d);
    out
}

/// The parts of a relationship's health, each 0–100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// Visits made against planned over the last quarter.
    pub visits: u32,
    /// Months with orders among the last six.
    pub orders: u32,
    /// Year-on-year growth: 50 is flat, 100 is +50 % or more, 0 is −50 % or worse.
    pub growth: u32,
    /// 100 without open objections, 25 less for each (breached ones count double).
    pub objections: u32,
    /// The weighted score: visits 30 %, orders 30 %, growth 20 %, objections 20 %.
    pub score: u32,
}

/// A customer's relationship health from plain facts. `growth_bp` is year-on-year
/// growth in basis points (`None`: new customer, counted as flat).
pub fn health(
    visits_planned: u32,
    visits_made: u32,
    order_months_of_six: u32,
    growth_bp: Option<i64>,
    open_objections: u32,
    breached_objections: u32,
) -> Health {
    let visits = visit_compliance(visits_planned, visits_made).map_or(100, |p| p / 10);
    let orders = order_months_of_six.min(6) * 100 / 6;
    let growth =
        u32::try_from((growth_bp.unwrap_or(0).clamp(-5_000, 5_000) + 5_000) / 100).unwrap_or(0);
    let penalty = open_objections
        .saturating_add(breached_objections)
        .saturating_mul(25);
    let objections = 100u32.saturating_sub(penalty);
    let score = (visits * 30 + orders * 30 + growth * 20 + objections * 20) / 100;
    Health {
        visits,
        orders,
        growth,
        objections,
        score,
    }
}

/// Why the rep went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Purpose {
    Routine,
    Order,
    Display,
    Objection,
    Relationship,
    Collection,
}

impl Purpose {
    pub const ALL: [Purpose; 6] = [
        Purpose::Routine,
        Purpose::Order,
        Purpose::Display,
        Purpose::Objection,
        Purpose::Relationship,
        Purpose::Collection,
    ];

    /// The stored and wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Routine => "routine",
            Purpose::Order => "order",
            Purpose::Display => "display",
            Purpose::Objection => "objection",
            Purpose::Relationship => "relationship",
            Purpose::Collection => "collection",
        }
    }

    pub fn parse(raw: &str) -> Option<Purpose> {
        Purpose::ALL.into_iter().find(|p| p.as_str() == raw.trim())
    }
}

/// A shelf price as typed: product SKU and yuan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PriceInput {
    pub sku: String,
    pub price: String,
}

/// Where the tablet was at check-in, as the browser's geolocation reports it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct LocationInput {
    pub lat: f64,
    pub lon: f64,
    pub accuracy: f64,
}

/// A checked location: micro-degrees and metres.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub lat_e6: i64,
    pub lon_e6: i64,
    pub accuracy_m: i64,
}

impl Location {
    /// Degrees to micro-degrees; out-of-range or non-finite readings are refused.
    pub fn parse(input: &LocationInput) -> Result<Location, FieldErrorCode> {
        let ok = input.lat.is_finite()
            && input.lon.is_finite()
            && input.accuracy.is_finite()
            && (-90.0..=90.0).contains(&input.lat)
            && (-180.0..=180.0).contains(&input.lon)
            && input.accuracy >= 0.0;
        if !ok {
            return Err(FieldErrorCode::InvalidNumber);
        }
        #[expect(
            clippy::cast_possible_truncation,
            reason = "checked to lie within ±180° and to be finite above"
        )]
        let e6 = |deg: f64| (deg * 1_000_000.0).round() as i64;
        #[expect(
            clippy::cast_possible_truncation,
            reason = "a finite, non-negative accuracy; saturating cast is intended"
        )]
        let accuracy_m = input.accuracy.round().min(1_000_000.0) as i64;
        Ok(Location {
            lat_e6: e6(input.lat),
            lon_e6: e6(input.lon),
            accuracy_m,
        })
    }
}

/// The visit form as typed on the tablet. `checked_in_at` is the Beijing minute of the
/// check-in (`YYYY-MM-DDTHH:MM`), filled in by the tablet when the rep checks in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VisitInput {
    /// A UUID the tablet mints, so a visit sent twice is kept once.
    pub id: String,
    pub customer_id: String,
    pub checked_in_at: String,
    pub location: Option<LocationInput>,
    pub purpose: String,
    pub notes: String,
    pub vivid_display: bool,
    pub stack_display: bool,
    pub indoor_ad: bool,
    pub outdoor_ad: bool,
    pub competitors: String,
    pub prices: Vec<PriceInput>,
    pub next_step: String,
    pub next_step_on: String,
}

/// A checked visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVisit {
    pub id: uuid::Uuid,
    pub customer_id: uuid::Uuid,
    pub checked_in_at: chrono::NaiveDateTime,
    pub location: Option<Location>,
    pub purpose: Purpose,
    pub notes: String,
    pub vivid_display: bool,
    pub stack_display: bool,
    pub indoor_ad: bool,
    pub outdoor_ad: bool,
    pub competitors: String,
    /// SKU and fen.
    pub prices: Vec<(String, crate::domain::money::Money)>,
    pub next_step: String,
    pub next_step_on: Option<NaiveDate>,
}

/// Longest notes; other free texts take 500 characters.
pub const NOTES_MAX: u32 = 2000;

impl NewVisit {
    /// Checks the form at Beijing time `now`; every refused field is reported at once.
    pub fn parse(
        input: &VisitInput,
        now: chrono::NaiveDateTime,
    ) -> Result<NewVisit, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut take =
            |field: &str, code: FieldErrorCode| errors.push(FieldError::new(field, code));
        let id = input.id.trim().parse::<uuid::Uuid>().ok();
        if id.is_none() {
            take("id", FieldErrorCode::InvalidCode);
        }
        let customer_id = input.customer_id.trim().parse::<uuid::Uuid>().ok();
        if customer_id.is_none() {
            take("customer_id", FieldErrorCode::UnknownCustomer);
        }
        let checked_in_at = match crate::domain::tickets::parse_local_minute(&input.checked_in_at) {
            Ok(at) if at > now + chrono::Duration::minutes(1) => {
                take("checked_in_at", FieldErrorCode::InFuture);
                None
            }
            Ok(at) => Some(at),
            Err(c) => {
                take("checked_in_at", c);
                None
            }
        };
        let location = match input.location.as_ref().map(Location::parse).transpose() {
            Ok(l) => l,
            Err(c) => {
                take("location", c);
                None
            }
        };
        let purpose = Purpose::parse(&input.purpose);
        if purpose.is_none() {
            take(
                "purpose",
                if input.purpose.trim().is_empty() {
                    FieldErrorCode::Required
                } else {
                    FieldErrorCode::InvalidChoice
                },
            );
        }
        let mut text = |field: &str, raw: &str, max: u32| match optional_text(raw, max) {
            Ok(t) => t.unwrap_or_default(),
            Err(c) => {
                take(field, c);
                String::new()
            }
        };
        let notes = text("notes", &input.notes, NOTES_MAX);
        let competitors = text("competitors", &input.competitors, 500);
        let next_step = text("next_step", &input.next_step, 500);
        let mut prices: Vec<(String, crate::domain::money::Money)> = Vec::new();
        for (i, p) in input.prices.iter().enumerate() {
            let sku = p.sku.trim();
            if sku.is_empty() && p.price.trim().is_empty() {
                continue;
            }
            if sku.is_empty() {
                take(&format!("prices.{i}.sku"), FieldErrorCode::Required);
                continue;
            }
            if prices.iter().any(|(s, _)| s == sku) {
                take(&format!("prices.{i}.sku"), FieldErrorCode::DuplicateCode);
                continue;
            }
            match crate::domain::money::Money::parse_yuan(&p.price) {
                Ok(m) if m.0 == 0 => take(&format!("prices.{i}.price"), FieldErrorCode::Zero),
                Ok(m) if m.0 < 0 => take(&format!("prices.{i}.price"), FieldErrorCode::Negative),
                Ok(m) => prices.push((sku.to_string(), m)),
                Err(c) => take(&format!("prices.{i}.price"), c),
            }
        }
        let next_step_on = if input.next_step_on.trim().is_empty() {
            None
        } else {
            match crate::domain::profile::parse_date(&input.next_step_on) {
                Ok(d) if checked_in_at.is_some_and(|c| d < c.date()) => {
                    take("next_step_on", FieldErrorCode::BeforeStart);
                    None
                }
                Ok(d) => Some(d),
                Err(c) => {
                    take("next_step_on", c);
                    None
                }
            }
        };
        match (id, customer_id, checked_in_at, purpose) {
            (Some(id), Some(customer_id), Some(checked_in_at), Some(purpose))
                if errors.is_empty() =>
            {
                Ok(NewVisit {
                    id,
                    customer_id,
                    checked_in_at,
                    location,
                    purpose,
                    notes,
                    vivid_display: input.vivid_display,
                    stack_display: input.stack_display,
                    indoor_ad: input.indoor_ad,
                    outdoor_ad: input.outdoor_ad,
                    competitors,
                    prices,
                    next_step,
                    next_step_on,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A kind of touch in the relationship log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TouchKind {
    Call,
    Message,
    Gift,
    Meal,
    Other,
}

impl TouchKind {
    pub const ALL: [TouchKind; 5] = [
        TouchKind::Call,
        TouchKind::Message,
        TouchKind::Gift,
        TouchKind::Meal,
        TouchKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TouchKind::Call => "call",
            TouchKind::Message => "message",
            TouchKind::Gift => "gift",
            TouchKind::Meal => "meal",
            TouchKind::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Option<TouchKind> {
        TouchKind::ALL
            .into_iter()
            .find(|k| k.as_str() == raw.trim())
    }
}

/// A checked touch: what, when (not in the future) and a note.
pub fn parse_touch(
    kind: &str,
    on: &str,
    note: &str,
    today: NaiveDate,
) -> Result<(TouchKind, NaiveDate, String), Vec<FieldError>> {
    let mut errors = Vec::new();
    let kind = TouchKind::parse(kind);
    if kind.is_none() {
        errors.push(FieldError::new("kind", FieldErrorCode::InvalidChoice));
    }
    let on = if on.trim().is_empty() {
        Some(today)
    } else {
        match crate::domain::profile::parse_date(on) {
            Ok(d) if d > today => {
                errors.push(FieldError::new("touched_on", FieldErrorCode::InFuture));
                None
            }
            Ok(d) => Some(d),
            Err(c) => {
                errors.push(FieldError::new("touched_on", c));
                None
            }
        }
    };
    let note = match crate::domain::validation::required_text(note, 500) {
        Ok(n) => Some(n),
        Err(c) => {
            errors.push(FieldError::new("note", c));
            None
        }
    };
    match (kind, on, note) {
        (Some(k), Some(d), Some(n)) if errors.is_empty() => Ok((k, d, n)),
        _ => Err(errors),
    }
}

impl Occasion {
    /// The gift list the occasion calls for.
    pub fn gift_key(self) -> GiftOccasion {
        match self {
            Occasion::Birthday => GiftOccasion::Birthday,
            Occasion::Anniversary { .. } => GiftOccasion::Anniversary,
            Occasion::SpringFestival => GiftOccasion::SpringFestival,
            Occasion::MidAutumn => GiftOccasion::MidAutumn,
        }
    }
}

/// Photos a visit may hold: the tablet takes no more, the server stores no more.
pub const PHOTOS_PER_VISIT: usize = 4;

/// The occasions a tier has a gift list for: a reminder's kind without its years. On
/// the wire and in the database as `birthday`, `anniversary`, `spring_festival`,
/// `mid_autumn`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GiftOccasion {
    Birthday,
    Anniversary,
    SpringFestival,
    MidAutumn,
}

impl GiftOccasion {
    /// In the order the owner's form shows them.
    pub const ALL: [GiftOccasion; 4] = [
        GiftOccasion::Birthday,
        GiftOccasion::Anniversary,
        GiftOccasion::SpringFestival,
        GiftOccasion::MidAutumn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GiftOccasion::Birthday => "birthday",
            GiftOccasion::Anniversary => "anniversary",
            GiftOccasion::SpringFestival => "spring_festival",
            GiftOccasion::MidAutumn => "mid_autumn",
        }
    }

    pub fn parse(raw: &str) -> Result<GiftOccasion, FieldErrorCode> {
        GiftOccasion::ALL
            .into_iter()
            .find(|o| o.as_str() == raw)
            .ok_or(FieldErrorCode::InvalidChoice)
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    #[test]
    fn a_gift_occasion_reads_back_from_its_text_and_json_keeps_its_shape() {
        for o in GiftOccasion::ALL {
            assert_eq!(GiftOccasion::parse(o.as_str()), Ok(o));
            assert_eq!(
                serde_json::to_string(&o).unwrap(),
                format!("\"{}\"", o.as_str())
            );
        }
        assert_eq!(
            GiftOccasion::parse("wedding"),
            Err(FieldErrorCode::InvalidChoice)
        );
        assert_eq!(
            Occasion::Anniversary { years: 3 }.gift_key(),
            GiftOccasion::Anniversary
        );
    }

    #[test]
    fn a_full_day_moves_the_lowest_ranked_to_the_next_working_day() {
        let mon = day(11, 30);
        let sat = day(12, 5);
        // 63 due today, 20 a day, Sundays off: 20 + 20 + 20 + 3, none dropped
        let waiting: Vec<Waiting> = (0..63)
            .map(|i| Waiting {
                due: mon,
                tier_rank: (i % 4) as u8,
                route: i,
            })
            .collect();
        let plan = schedule(&waiting, mon, 20, 0, 7, |d| {
            d.weekday() != chrono::Weekday::Sun
        });
        let on = |d: NaiveDate| plan.iter().filter(|p| **p == Some(d)).count();
        assert_eq!(on(mon), 20);
        assert_eq!(on(day(12, 1)), 20);
        assert_eq!(on(day(12, 2)), 20);
        assert_eq!(on(day(12, 3)), 3);
        assert_eq!(on(sat), 0);
        assert!(plan.iter().all(Option::is_some));
        // today holds the A customers (16 of them) and the first B customers on the route
        let today_ranks: Vec<u8> = (0..63)
            .filter(|&i| plan[i] == Some(mon))
            .map(|i| waiting[i].tier_rank)
            .collect();
        assert_eq!(today_ranks.iter().filter(|r| **r == 0).count(), 16);
        assert!(today_ranks.iter().all(|r| *r <= 1));
    }

    #[test]
    fn the_visits_made_today_count_against_todays_room() {
        let mon = day(11, 30);
        let waiting: Vec<Waiting> = (0..10)
            .map(|i| Waiting {
                due: mon,
                tier_rank: 0,
                route: i,
            })
            .collect();
        // five a day, three already made: two more today, five tomorrow, three after
        let plan = schedule(&waiting, mon, 5, 3, 7, |_| true);
        let on = |d: NaiveDate| plan.iter().filter(|p| **p == Some(d)).count();
        assert_eq!((on(mon), on(day(12, 1)), on(day(12, 2))), (2, 5, 3));
        // more made than the day holds: nothing more today
        let plan = schedule(&waiting, mon, 5, 9, 7, |_| true);
        assert_eq!(plan.iter().filter(|p| **p == Some(mon)).count(), 0);
    }

    #[test]
    fn nobody_is_planned_before_their_day_nor_on_a_day_off() {
        let sat = day(12, 5);
        let waiting = [
            Waiting {
                due: day(12, 6),
                tier_rank: 0,
                route: 0,
            }, // due on Sunday
            Waiting {
                due: day(12, 8),
                tier_rank: 1,
                route: 1,
            },
            Waiting {
                due: day(12, 20),
                tier_rank: 0,
                route: 2,
            }, // beyond the week
        ];
        let plan = schedule(&waiting, sat, 20, 0, 7, |d| {
            d.weekday() != chrono::Weekday::Sun
        });
        assert_eq!(plan, vec![Some(day(12, 7)), Some(day(12, 8)), None]);
    }

    proptest! {
        /// The dashboard counts overdue customers by a cut-off day per tier: exactly the
        /// customers the plan shows overdue.
        #[test]
        fn a_last_visit_before_the_cut_off_is_exactly_an_overdue_one(
            per_month in 0u32..40,
            today in (0i64..3_000).prop_map(|n| day(1, 1) + chrono::Duration::days(n - 1_500)),
            back in 0i64..200,
        ) {
            let last = today - chrono::Duration::days(back);
            let overdue = due_state(Some(last), per_month, today).is_some_and(|(_, d)| d > 0);
            let cut = overdue_before(per_month, today);
            prop_assert_eq!(overdue, cut.is_some_and(|c| last < c));
            prop_assert!(due_state(None, per_month, today).is_none_or(|(_, d)| d <= 0));
        }

        /// A birthday or opening date the rule reminds of is always among the month-days
        /// the database is asked for (the reminder lists read only those customers).
        #[test]
        fn every_yearly_reminder_is_within_the_month_days_asked_for(
            today in (0i64..3_000).prop_map(|n| day(1, 1) + chrono::Duration::days(n - 1_500)),
            days in 0u32..120,
            date in (0i64..40_000).prop_map(|n| NaiveDate::from_ymd_opt(1930, 1, 1).unwrap() + chrono::Duration::days(n)),
        ) {
            let asked = yearly_days_within(today, days).unwrap();
            let md = crate::domain::time::month_day_text(date);
            if reminders(today, days, Some(date), None).iter().any(|(_, o)| matches!(o, Occasion::Birthday))
                || reminders(today, days, None, Some(date)).iter().any(|(_, o)| matches!(o, Occasion::Anniversary { .. }))
            {
                prop_assert!(asked.contains(&md), "{md} not asked for on {today} + {days}");
            }
        }
        /// Whatever is due and however small a day is: no day over capacity, nobody
        /// before their due day or on a day off, nobody planned twice, and whoever is left
        /// out could not have fitted (every working day after their due day is full).
        #[test]
        fn the_schedule_respects_capacity_days_and_drops_nobody_it_could_fit(
            dues in proptest::collection::vec((0u32..12, 0u8..4), 0..80),
            capacity in 1u32..25,
            done_today in 0u32..30,
            today_offset in 0u32..7,
        ) {
            let today = day(11, 23) + chrono::Days::new(u64::from(today_offset));
            let start = day(11, 20);
            let waiting: Vec<Waiting> = dues.iter().enumerate().map(|(i, (d, t))| Waiting {
                due: start + chrono::Days::new(u64::from(*d)),
                tier_rank: *t,
                route: i,
            }).collect();
            let works = |d: NaiveDate| d.weekday() != chrono::Weekday::Sun;
            let plan = schedule(&waiting, today, capacity, done_today, 7, works);
            let last = today + chrono::Days::new(6);
            let mut per_day = std::collections::BTreeMap::new();
            for (w, p) in waiting.iter().zip(&plan) {
                if let Some(p) = p {
                    prop_assert!(*p >= w.due && *p >= today && *p <= last && works(*p));
                    *per_day.entry(*p).or_insert(0u32) += 1;
                }
            }
            // today holds what is left after the visits already made
            let room = |d: NaiveDate| if d == today { capacity.saturating_sub(done_today) } else { capacity };
            prop_assert!(per_day.iter().all(|(d, n)| *n <= room(*d)));
            for (w, p) in waiting.iter().zip(&plan) {
                if p.is_none() && w.due <= last {
                    let mut d = w.due.max(today);
                    while d <= last {
                        if works(d) {
                            prop_assert_eq!(per_day.get(&d).copied().unwrap_or(0), room(d));
                        }
                        d = d.succ_opt().unwrap();
                    }
                }
            }
        }

        /// A lower tier never takes a day's place from a higher one that was waiting.
        #[test]
        fn a_higher_tier_waiting_is_never_passed_over(
            ranks in proptest::collection::vec(0u8..4, 0..60),
            capacity in 1u32..15,
        ) {
            let today = day(11, 30);
            let waiting: Vec<Waiting> = ranks.iter().enumerate()
                .map(|(i, t)| Waiting { due: today, tier_rank: *t, route: i }).collect();
            let plan = schedule(&waiting, today, capacity, 0, 7, |_| true);
            for (a, pa) in waiting.iter().zip(&plan) {
                for (b, pb) in waiting.iter().zip(&plan) {
                    if a.tier_rank < b.tier_rank {
                        // b planned means a was planned no later
                        if let Some(pb) = pb {
                            prop_assert!(pa.is_some_and(|pa| pa <= *pb));
                        }
                    }
                }
            }
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn visits_fall_due_by_the_tiers_frequency() {
        assert_eq!(interval_days(4), 7);
        assert_eq!(interval_days(2), 15);
        assert_eq!(interval_days(1), 30);
        assert_eq!(interval_days(60), 1);
        let today = d(2026, 11, 27);
        assert_eq!(next_due(Some(d(2026, 11, 20)), 4, today), d(2026, 11, 27));
        assert_eq!(next_due(Some(d(2026, 11, 26)), 2, today), d(2026, 12, 11));
        assert_eq!(next_due(None, 1, today), today);
        assert_eq!(next_due(Some(today), 0, today), NaiveDate::MAX);
    }

    #[test]
    fn the_plan_counts_visits_per_window_and_overdue_days() {
        assert_eq!(planned_in(4, 28), 4);
        assert_eq!(planned_in(4, 90), 12);
        assert_eq!(planned_in(1, 28), 1);
        assert_eq!(planned_in(0, 90), 0);
        let today = d(2026, 11, 27);
        assert_eq!(
            due_state(Some(d(2026, 11, 10)), 4, today),
            Some((d(2026, 11, 17), 10))
        );
        assert_eq!(
            due_state(Some(d(2026, 11, 25)), 4, today),
            Some((d(2026, 12, 2), 0))
        );
        assert_eq!(due_state(None, 1, today), Some((today, 0)));
        assert_eq!(due_state(Some(today), 0, today), None);
    }

    #[test]
    fn compliance_caps_extra_visits() {
        assert_eq!(visit_compliance(4, 3), Some(750));
        assert_eq!(visit_compliance(4, 6), Some(1000));
        assert_eq!(visit_compliance(0, 2), None);
        assert_eq!(visit_compliance(3, 1), Some(333));
    }

    #[test]
    fn reminders_come_round_every_year_and_festivals_follow_the_lunar_table() {
        let today = d(2026, 9, 20);
        let r = reminders(today, 10, Some(d(1980, 9, 22)), Some(d(2016, 9, 30)));
        assert_eq!(
            r,
            vec![
                (d(2026, 9, 22), Occasion::Birthday),
                (d(2026, 9, 25), Occasion::MidAutumn),
                (d(2026, 9, 30), Occasion::Anniversary { years: 10 }),
            ]
        );
        // across the new year: 春节 2027 is 6 February
        let r = reminders(d(2027, 1, 30), 10, None, None);
        assert_eq!(r, vec![(d(2027, 2, 6), Occasion::SpringFestival)]);
        // a 29 February birthday is remembered on the 28th in a common year
        let r = reminders(d(2027, 2, 20), 10, Some(d(1988, 2, 29)), None);
        assert_eq!(r[0], (d(2027, 2, 28), Occasion::Birthday));
        // a shop opened today has no anniversary yet
        assert!(reminders(d(2026, 5, 1), 5, None, Some(d(2026, 5, 1))).is_empty());
    }

    #[test]
    fn health_weighs_visits_orders_growth_and_objections() {
        let h = health(12, 12, 6, Some(0), 0, 0);
        assert_eq!(
            (h.visits, h.orders, h.growth, h.objections, h.score),
            (100, 100, 50, 100, 90)
        );
        let h = health(12, 6, 3, Some(-8_000), 2, 1);
        assert_eq!(
            (h.visits, h.orders, h.growth, h.objections),
            (50, 50, 0, 25)
        );
        assert_eq!(h.score, (50 * 30 + 50 * 30 + 25 * 20) / 100);
        assert_eq!(
            health(0, 0, 6, None, 0, 0).visits,
            100,
            "nothing planned, nothing missed"
        );
    }

    fn form() -> VisitInput {
        VisitInput {
            id: "0190f3c0-0000-7000-8000-000000000001".into(),
            customer_id: "0190f3c0-0000-7000-8000-000000000002".into(),
            checked_in_at: "2026-11-27T10:05".into(),
            location: Some(LocationInput {
                lat: 31.230416,
                lon: 121.473701,
                accuracy: 12.4,
            }),
            purpose: "display".into(),
            notes: "  堆头已搭好  ".into(),
            vivid_display: true,
            prices: vec![
                PriceInput {
                    sku: "BJ-500".into(),
                    price: "4.50".into(),
                },
                PriceInput::default(),
            ],
            next_step_on: "2026-12-01".into(),
            ..VisitInput::default()
        }
    }

    fn now() -> chrono::NaiveDateTime {
        d(2026, 11, 27).and_hms_opt(10, 30, 0).unwrap()
    }

    #[test]
    fn a_visit_form_becomes_a_checked_visit() {
        let v = NewVisit::parse(&form(), now()).unwrap();
        assert_eq!(v.purpose, Purpose::Display);
        assert_eq!(v.notes, "堆头已搭好");
        assert_eq!(
            v.location,
            Some(Location {
                lat_e6: 31_230_416,
                lon_e6: 121_473_701,
                accuracy_m: 12
            })
        );
        assert_eq!(
            v.prices,
            vec![("BJ-500".to_string(), crate::domain::money::Money(450))]
        );
        assert_eq!(v.next_step_on, Some(d(2026, 12, 1)));
        assert!(v.vivid_display && !v.stack_display);
    }

    #[test]
    fn every_bad_visit_field_is_reported_at_once() {
        let mut f = form();
        f.id = "not-a-uuid".into();
        f.checked_in_at = "2026-11-27T11:00".into();
        f.location = Some(LocationInput {
            lat: 91.0,
            lon: 0.0,
            accuracy: 5.0,
        });
        f.purpose = "lunch".into();
        f.prices = vec![
            PriceInput {
                sku: "BJ-500".into(),
                price: "0".into(),
            },
            PriceInput {
                sku: "".into(),
                price: "3".into(),
            },
        ];
        f.notes = "字".repeat(2001);
        let errors = NewVisit::parse(&f, now()).unwrap_err();
        let fields: Vec<(&str, FieldErrorCode)> =
            errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            vec![
                ("id", FieldErrorCode::InvalidCode),
                ("checked_in_at", FieldErrorCode::InFuture),
                ("location", FieldErrorCode::InvalidNumber),
                ("purpose", FieldErrorCode::InvalidChoice),
                ("notes", FieldErrorCode::TooLong { max: 2000 }),
                ("prices.0.price", FieldErrorCode::Zero),
                ("prices.1.sku", FieldErrorCode::Required),
            ]
        );
        let mut f = form();
        f.next_step_on = "2026-11-20".into();
        f.location = None;
        let errors = NewVisit::parse(&f, now()).unwrap_err();
        assert_eq!(errors[0].field, "next_step_on");
        assert_eq!(errors[0].code, FieldErrorCode::BeforeStart);
    }

    #[test]
    fn a_touch_needs_a_kind_a_past_day_and_a_note() {
        let today = d(2026, 11, 27);
        assert_eq!(
            parse_touch("gift", "", "中秋月饼两盒", today).unwrap(),
            (TouchKind::Gift, today, "中秋月饼两盒".to_string())
        );
        let errors = parse_touch("party", "2026-11-28", " ", today).unwrap_err();
        let codes: Vec<FieldErrorCode> = errors.iter().map(|e| e.code).collect();
        assert_eq!(
            codes,
            vec![
                FieldErrorCode::InvalidChoice,
                FieldErrorCode::InFuture,
                FieldErrorCode::Required
            ]
        );
    }

    proptest! {
        #[test]
        fn the_next_visit_is_never_before_the_last_nor_further_than_a_month(last in 0u32..2000, per_month in 1u32..31) {
            let today = d(2026, 1, 1) + chrono::Days::new(2000);
            let last = d(2026, 1, 1) + chrono::Days::new(u64::from(last));
            let due = next_due(Some(last), per_month, today);
            prop_assert!(due > last);
            prop_assert!((due - last).num_days() <= 30);
        }

        #[test]
        fn health_stays_between_0_and_100(p in 0u32..40, m in 0u32..60, o in 0u32..12, g in proptest::option::of(-100_000i64..100_000), open in 0u32..10, br in 0u32..10) {
            let h = health(p, m, o, g, open, br);
            for v in [h.visits, h.orders, h.growth, h.objections, h.score] {
                prop_assert!(v <= 100);
            }
        }
    }
}
