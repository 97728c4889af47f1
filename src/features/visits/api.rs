//! Server functions of visits and relationships (客户 + 朋友):
//!
//! - the visit plan: customers due or overdue by their tier's visits per month, in route
//!   order (region, then name), and the coming week; plan against actual per rep;
//! - recording a visit (idempotent: the tablet mints its id) and the touch log;
//! - reminders (birthdays, opening anniversaries, 春节, 中秋) with each tier's gift list;
//! - the relationship health score (`domain::visits::health`);
//! - the tablet's offline bundle (only the signed-in user's own customers) and
//!   `sync_outbox`, which plays a batch of offline records through the same idempotent
//!   paths and answers per record: saved, already saved, or refused with the reason.
//!
//! A rep sees only their own customers: every query is scoped in SQL.
use crate::domain::ids::{CustomerId, EmployeeId, VisitId};
use crate::domain::orders::OrderInput;
use crate::domain::segmentation::Class;
use crate::domain::tickets::ObjectionInput;
use crate::domain::visits::{GiftOccasion, Health, VisitInput};
use crate::error::AppError;
use crate::wire::{Coded, ColumnError, FormOrJson};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// A customer in the visit plan (and in the tablet's cache).
///
/// A rep's bundle holds thousands of these, so what is absent is left out of the JSON:
/// no tier, no last visit, no rep, no planned day. A tablet still running the version
/// before this one reads them as absent too (a missing `Option` is `None`, and `planned`
/// had its default). `hobbies` and `overdue_days` are read as empty and zero when left
/// out but still sent, for that version; the next one can leave them out as well.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanCustomer {
    pub id: CustomerId,
    pub code: String,
    pub name: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<Class>,
    pub region: String,
    pub address: String,
    pub phone: String,
    pub contact: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rep_name: Option<String>,
    /// Key person's hobbies (only with consent).
    #[serde(default)]
    pub hobbies: String,
    /// The last visit's day, Beijing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_visit: Option<String>,
    /// The day the next visit is due.
    pub due: String,
    /// The day it is planned: the due day, or later when the days before are full (the
    /// company's daily capacity); empty when it falls beyond the week.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub planned: String,
    #[serde(default)]
    pub overdue_days: i64,
    pub visits_per_month: u32,
    /// The pinyin initials of the name in each of its readings, as a pattern (重庆百货:
    /// `[ctz]q[bm]h`, see [`crate::domain::customer::initials_pattern`]), so "我的客户" finds
    /// them as the office list does. Only in a bundle's list of all the customers asked
    /// as columns (a plan's lists leave it empty and out of the JSON).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub initials: String,
}

impl PlanCustomer {
    /// What "我的客户" searches, as the office list does: code, name, contact, phone,
    /// address, region and the name's pinyin initials
    /// ([`crate::domain::customer::search_text`]).
    pub fn search_text(&self) -> String {
        let initials = crate::domain::customer::expand_initials(&self.initials);
        crate::domain::customer::search_text(
            [
                &self.code,
                &self.name,
                &self.contact,
                &self.phone,
                &self.address,
                &self.region,
            ]
            .into_iter()
            .map(String::as_str)
            .chain(initials.iter().map(String::as_str)),
        )
    }
}

/// One day of the week view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanDay {
    pub date: String,
    pub customers: Vec<PlanCustomer>,
}

/// The plan: due today or overdue (route order), then the next six days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TodayPlan {
    pub today: String,
    /// Planned for today (due or overdue, as many as a day holds), in route order.
    pub due: Vec<PlanCustomer>,
    pub week: Vec<PlanDay>,
    /// Visits a day holds (set by the owner).
    #[serde(default)]
    pub capacity: u32,
    /// Customers due by today that the plan moved to a later day this week (today is
    /// full, or a day off).
    #[serde(default)]
    pub moved: u32,
    /// Customers due this week for whom no day of the week has room.
    #[serde(default)]
    pub unplanned: u32,
    /// Visits already made today (they take their share of today's room).
    #[serde(default)]
    pub done_today: u32,
    /// Today is a working day of the company calendar.
    #[serde(default = "yes")]
    pub works_today: bool,
}

fn yes() -> bool {
    true
}

/// Plan against actual for one rep over a window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepCompliance {
    pub rep_id: Option<EmployeeId>,
    pub rep_name: Option<String>,
    pub customers: u32,
    pub planned: u32,
    /// Visits counted against the plan (extra visits to one customer capped).
    pub made: u32,
    /// All visits made.
    pub visits: u32,
    pub permille: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShelfPrice {
    pub sku: String,
    pub product: String,
    /// Yuan text.
    pub price: String,
    pub below_floor: bool,
}

/// A visit as the profile and the visit list show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitSummary {
    pub id: VisitId,
    pub customer_id: CustomerId,
    pub customer_code: String,
    pub customer_name: String,
    pub rep_name: Option<String>,
    /// Beijing, `YYYY-MM-DD HH:MM`.
    pub checked_in_at: String,
    /// `lat,lon ±m` when the tablet's location was recorded.
    pub location: Option<String>,
    pub purpose: String,
    pub notes: String,
    pub vivid_display: bool,
    pub stack_display: bool,
    pub indoor_ad: bool,
    pub outdoor_ad: bool,
    pub competitors: String,
    pub prices: Vec<ShelfPrice>,
    pub photos: Vec<String>,
    pub next_step: String,
    pub next_step_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TouchView {
    pub date: String,
    pub kind: String,
    pub note: String,
    pub by: Option<String>,
}

/// A customer's relationship: health, reminders, visits and touches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relationship {
    pub health: Health,
    pub reminders: Vec<ReminderView>,
    pub visits: Vec<VisitSummary>,
    pub touches: Vec<TouchView>,
}

/// A reminder with the gift list of the customer's tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderView {
    pub date: String,
    pub days_left: i64,
    pub occasion: GiftOccasion,
    /// Years open, for an anniversary.
    pub years: Option<i32>,
    pub customer_id: CustomerId,
    pub customer_code: String,
    pub customer_name: String,
    pub tier: Option<Class>,
    pub rep_name: Option<String>,
    pub gifts: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GiftList {
    pub tier: Class,
    pub occasion: GiftOccasion,
    pub gifts: String,
}

/// Reminders over the coming days and the gift lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminders {
    /// One page of the reminders, soonest first.
    pub reminders: Vec<ReminderView>,
    /// Reminders in all pages.
    #[serde(default)]
    pub total: usize,
    #[serde(default)]
    pub page: u32,
    pub gifts: Vec<GiftList>,
    pub may_edit_gifts: bool,
}

/// A product for the tablet's order and shelf-price forms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductChoice {
    /// The product's id, as price entries name it (a bundle kept from before prices
    /// came to the tablet has none).
    #[serde(default)]
    pub id: uuid::Uuid,
    pub sku: String,
    pub name: String,
    pub unit: String,
}

/// What the tablet keeps for working offline: only the signed-in user's own customers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflineBundle {
    pub user_id: EmployeeId,
    pub user_name: String,
    /// UTC, RFC 3339.
    pub generated_at: String,
    pub plan: TodayPlan,
    /// Every customer assigned to the user (the plan's lists hold the due ones), as
    /// rows: so to the version before this one, which asks without `columns` and reads
    /// nothing else. Asked with `columns`, `null` (`None`) and they come in `columns`: a
    /// tablet on the version before fails to read such a copy, rather than show no
    /// customers; here, `None` until the columns are read.
    #[serde(default)]
    pub customers: Option<Vec<PlanCustomer>>,
    /// The same customers as columns, for this version (`get_offline_bundle(columns:
    /// true)`). Kept as text by the main module and read in the card's chunk, with the
    /// columns' decoder ([`OfflineBundle::read_columns`]); a bundle stored by the version
    /// before has none.
    #[serde(default, skip_serializing_if = "crate::wire::is_default")]
    pub columns: crate::wire::Deferred<CustomerColumns>,
    /// Read by the forms only (`Deferred`, as `prices`).
    pub products: crate::wire::Deferred<Vec<ProductChoice>>,
    /// The price lists and the agreed prices of the user's own customers: the tablet
    /// prices an order with `domain::pricing::price_on`, as the office does. Read by
    /// the order form only (`Deferred`: its decoder comes with the form's chunk).
    #[serde(default)]
    pub prices: crate::wire::Deferred<Vec<crate::domain::pricing::PriceEntry>>,
    /// The 12 months of every glance's trend (`YYYY-MM`, oldest first).
    #[serde(default)]
    pub trend_months: Vec<String>,
    /// The read-only 360° of the user's customers that have anything to show, as known
    /// at `generated_at`. Read by the customer's card only (`Deferred`, as `prices`).
    #[serde(default)]
    pub glances: crate::wire::Deferred<Vec<CustomerGlance>>,
}

/// A bundle's customers written as columns ([`PlanColumns`]) and read back as rows.
///
/// A rep's bundle holds thousands of customers. As rows, every customer repeats every
/// field's name; as columns, each field is named once and the fields whose values repeat
/// (kind, region, contact, days) write each value once ([`crate::wire::Coded`]):
/// zhangwei's 15 720 customers take 5.25 MB as rows and 2.46 MB as columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerColumns(pub Vec<PlanCustomer>);

impl Serialize for CustomerColumns {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        PlanColumns::of(&self.0).serialize(s)
    }
}

impl<'de> Deserialize<'de> for CustomerColumns {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        PlanColumns::deserialize(d)?
            .into_rows()
            .map(CustomerColumns)
            .map_err(serde::de::Error::custom)
    }
}

/// [`PlanCustomer`]'s fields as columns, row `i` of each being customer `i`'s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanColumns {
    id: Vec<CustomerId>,
    code: Vec<String>,
    name: Vec<String>,
    kind: Coded<String>,
    tier: Coded<Option<Class>>,
    region: Coded<String>,
    address: Vec<String>,
    phone: Vec<String>,
    contact: Coded<String>,
    rep_name: Coded<Option<String>>,
    hobbies: Coded<String>,
    last_visit: Coded<Option<String>>,
    due: Coded<String>,
    planned: Coded<String>,
    overdue_days: Coded<i64>,
    visits_per_month: Coded<u32>,
    /// None at all (`[]`) when no customer has any, as from a server without them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    initials: Vec<String>,
}

impl PlanColumns {
    pub fn of(rows: &[PlanCustomer]) -> Self {
        let strings = |f: fn(&PlanCustomer) -> &String| rows.iter().map(f).cloned().collect();
        Self {
            id: rows.iter().map(|c| c.id).collect(),
            code: strings(|c| &c.code),
            name: strings(|c| &c.name),
            kind: Coded::of(rows.iter().map(|c| &c.kind)),
            tier: Coded::of(rows.iter().map(|c| &c.tier)),
            region: Coded::of(rows.iter().map(|c| &c.region)),
            address: strings(|c| &c.address),
            phone: strings(|c| &c.phone),
            contact: Coded::of(rows.iter().map(|c| &c.contact)),
            rep_name: Coded::of(rows.iter().map(|c| &c.rep_name)),
            hobbies: Coded::of(rows.iter().map(|c| &c.hobbies)),
            last_visit: Coded::of(rows.iter().map(|c| &c.last_visit)),
            due: Coded::of(rows.iter().map(|c| &c.due)),
            planned: Coded::of(rows.iter().map(|c| &c.planned)),
            overdue_days: Coded::of(rows.iter().map(|c| &c.overdue_days)),
            visits_per_month: Coded::of(rows.iter().map(|c| &c.visits_per_month)),
            initials: if rows.iter().all(|c| c.initials.is_empty()) {
                Vec::new()
            } else {
                strings(|c| &c.initials)
            },
        }
    }

    /// The customers, in order; an error when the columns do not line up.
    pub fn into_rows(self) -> Result<Vec<PlanCustomer>, ColumnError> {
        let n = self.id.len();
        let plain = |column: Vec<String>| {
            if column.len() == n {
                Ok(column.into_iter())
            } else {
                Err(ColumnError)
            }
        };
        let (mut code, mut name, mut address, mut phone) = (
            plain(self.code)?,
            plain(self.name)?,
            plain(self.address)?,
            plain(self.phone)?,
        );
        let mut kind = self.kind.expand(n)?.into_iter();
        let mut tier = self.tier.expand(n)?.into_iter();
        let mut region = self.region.expand(n)?.into_iter();
        let mut contact = self.contact.expand(n)?.into_iter();
        let mut rep_name = self.rep_name.expand(n)?.into_iter();
        let mut hobbies = self.hobbies.expand(n)?.into_iter();
        let mut last_visit = self.last_visit.expand(n)?.into_iter();
        let mut due = self.due.expand(n)?.into_iter();
        let mut planned = self.planned.expand(n)?.into_iter();
        let mut overdue_days = self.overdue_days.expand(n)?.into_iter();
        let mut visits_per_month = self.visits_per_month.expand(n)?.into_iter();
        let mut initials = match self.initials.len() {
            0 => Vec::new().into_iter(),
            _ => plain(self.initials)?,
        };
        // every column holds `n` values (checked above): the defaults are never taken
        Ok(self
            .id
            .into_iter()
            .map(|id| PlanCustomer {
                id,
                code: code.next().unwrap_or_default(),
                name: name.next().unwrap_or_default(),
                kind: kind.next().unwrap_or_default(),
                tier: tier.next().unwrap_or_default(),
                region: region.next().unwrap_or_default(),
                address: address.next().unwrap_or_default(),
                phone: phone.next().unwrap_or_default(),
                contact: contact.next().unwrap_or_default(),
                rep_name: rep_name.next().unwrap_or_default(),
                hobbies: hobbies.next().unwrap_or_default(),
                last_visit: last_visit.next().unwrap_or_default(),
                due: due.next().unwrap_or_default(),
                planned: planned.next().unwrap_or_default(),
                overdue_days: overdue_days.next().unwrap_or_default(),
                visits_per_month: visits_per_month.next().unwrap_or_default(),
                // none when the column is empty
                initials: initials.next().unwrap_or_default(),
            })
            .collect())
    }
}

impl OfflineBundle {
    /// Its customers sent as columns, read into `customers` (a bundle sent as rows stays
    /// as it is); an error when they do not read.
    pub fn read_columns(&mut self) -> Result<(), serde_json::Error> {
        if self.customers.is_none() {
            self.customers = Some(std::mem::take(&mut self.columns).get()?.0);
        }
        Ok(())
    }
}

/// One customer's 360° on the tablet, read-only: sales per month, what they owe by age,
/// the credit status at the last sync, orders not yet delivered, open tickets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerGlance {
    pub id: CustomerId,
    /// Sales (fen) of the bundle's `trend_months`; empty when none at all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trend: Vec<i64>,
    /// Left out when all zero, and read as zero then: most customers owe nothing, and
    /// their zeros were three fifths of a rep's 360° at 15 000 customers. (The version
    /// before this one sent them and already read them so.)
    #[serde(default, skip_serializing_if = "crate::wire::is_default")]
    pub aging: crate::domain::receivables::Aging,
    /// Credit control as confirming an order would see it before adding the order (left
    /// out as `aging` when it is all zero: no limit, nothing owed).
    #[serde(default, skip_serializing_if = "crate::wire::is_default")]
    pub credit: crate::domain::receivables::CreditCheck,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub open_orders: Vec<GlanceOrder>,
    #[serde(default, skip_serializing_if = "crate::wire::is_default")]
    pub open_tickets: u32,
}

/// An order not yet delivered, as the tablet shows it ("待确认" while a draft).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GlanceOrder {
    pub number: String,
    pub status: crate::domain::orders::OrderStatus,
    pub total: crate::domain::money::Money,
    pub order_date: String,
}

/// A record made on the tablet, waiting in its outbox.
///
/// Unlike the office's inputs, which refuse a field they do not have
/// (`deny_unknown_fields`), the records the tablet stores — this, [`VisitInput`],
/// `ObjectionInput`, [`OrderInput`] and their parts — pass over one: a record kept on a
/// tablet by an older version of the app must still sync after an update, and one
/// unreadable record would refuse the rep's whole batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "input", rename_all = "snake_case")]
pub enum OutboxItem {
    Visit(VisitInput),
    Objection(ObjectionInput),
    Order(OrderInput),
}

impl OutboxItem {
    /// The id the tablet minted.
    pub fn client_id(&self) -> &str {
        match self {
            OutboxItem::Visit(v) => &v.id,
            OutboxItem::Objection(o) => &o.client_id,
            OutboxItem::Order(o) => &o.client_id,
        }
    }
}

/// What became of one record of a sync batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SyncOutcome {
    Saved,
    /// Sent before (a retry): nothing new was stored.
    AlreadySaved,
    /// Refused; the tablet keeps the record and shows why (it stores the reason as sent:
    /// `Deferred`, so the first load carries no encoder of every error).
    Refused(crate::wire::Deferred<AppError>),
    /// Not stored because the server was busy (a long import holding the database):
    /// the record stays waiting and is sent again, without asking the rep.
    TryLater,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncResult {
    pub id: String,
    pub outcome: SyncOutcome,
}

/// A photo waiting on the tablet with its record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoRef {
    pub id: String,
    pub content_type: String,
}

/// A record in the tablet's outbox: what was recorded, by whom, when, and — once the
/// server refused it — why (kept until the rep corrects or discards it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub id: String,
    pub user_id: String,
    /// Beijing minute the record was made on the tablet.
    pub made_at: String,
    pub customer_name: String,
    /// Read whole only by the forms (the card's chunk) and the server; the page reads
    /// its kind and customer ([`OutboxEntry::head`]) and sends it on as it was stored.
    pub item: crate::wire::Deferred<OutboxItem>,
    pub photos: Vec<PhotoRef>,
    /// Why the server refused it, as the server said it ([`SyncOutcome::Refused`]).
    pub refused: Option<crate::wire::Deferred<AppError>>,
}

/// What a waiting record is and whom it is for, as the Today page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemHead {
    pub kind: ItemKind,
    /// As the record names the customer: the id (visit, objection) or the code (order).
    pub customer: String,
}

/// The kinds of [`OutboxItem`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Visit,
    Objection,
    Order,
}

/// The fields of an [`OutboxItem`] that [`ItemHead`] holds, the rest passed over (a plain
/// struct: serde's decoder of a tagged enum is four times its size in the first load).
#[derive(Deserialize)]
struct HeadOf {
    kind: String,
    #[serde(default)]
    input: HeadInput,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct HeadInput {
    customer_id: String,
    customer: String,
    customer_code: String,
}

impl OutboxEntry {
    /// A record made on this device: `item` as it will be stored and sent.
    pub fn new(
        user_id: String,
        made_at: String,
        customer_name: String,
        item: &OutboxItem,
        photos: Vec<PhotoRef>,
    ) -> Result<Self, serde_json::Error> {
        Ok(Self {
            id: item.client_id().to_owned(),
            user_id,
            made_at,
            customer_name,
            item: crate::wire::Deferred::new(item)?,
            photos,
            refused: None,
        })
    }

    /// Its kind and customer; none for a record this version cannot read.
    pub fn head(&self) -> Option<ItemHead> {
        let HeadOf { kind, input } = self.item.peek().ok()?;
        Some(match kind.as_str() {
            "visit" => ItemHead {
                kind: ItemKind::Visit,
                customer: input.customer_id,
            },
            "objection" => ItemHead {
                kind: ItemKind::Objection,
                customer: input.customer,
            },
            "order" => ItemHead {
                kind: ItemKind::Order,
                customer: input.customer_code,
            },
            _ => return None,
        })
    }
}

/// Most records one sync call takes.
pub const SYNC_BATCH_MAX: usize = 100;

#[server(endpoint = "visits/today", input = Json)]
pub async fn get_today(rep: String) -> Result<TodayPlan, AppError> {
    imp::today(rep).await
}

#[server(endpoint = "visits/compliance", input = Json)]
pub async fn get_visit_compliance(days: u32) -> Result<Vec<RepCompliance>, AppError> {
    imp::compliance(days).await
}

#[server(endpoint = "visits/record", input = Json)]
pub async fn record_visit(input: VisitInput) -> Result<SyncOutcome, AppError> {
    imp::record_visit(input).await
}

#[server(endpoint = "visits/list", input = Json)]
pub async fn list_visits() -> Result<Vec<VisitSummary>, AppError> {
    imp::list_visits().await
}

#[server(endpoint = "visits/relationship", input = Json)]
pub async fn get_relationship(customer_id: String) -> Result<Relationship, AppError> {
    imp::relationship(customer_id).await
}

#[server(endpoint = "visits/touch", input = FormOrJson)]
pub async fn record_touch(
    customer_id: String,
    kind: String,
    on: String,
    note: String,
) -> Result<(), AppError> {
    imp::record_touch(customer_id, kind, on, note).await
}

/// Reminders per page (an owner of thousands of A customers has that many 春节 gifts).
pub const REMINDER_PAGE: usize = 50;

#[server(endpoint = "visits/reminders", input = Json)]
pub async fn get_reminders(days: u32, #[server(default)] page: u32) -> Result<Reminders, AppError> {
    imp::reminders(days, page).await
}

#[server(endpoint = "visits/gifts", input = FormOrJson)]
pub async fn save_gift_list(tier: String, occasion: String, gifts: String) -> Result<(), AppError> {
    imp::save_gift_list(tier, occasion, gifts).await
}

/// How many visits the plan puts on one day, and whether the user may change it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyVisits {
    pub capacity: u32,
    pub may_edit: bool,
}

#[server(endpoint = "visits/daily", input = Json)]
pub async fn get_daily_visits() -> Result<DailyVisits, AppError> {
    imp::daily_visits().await
}

/// Sets how many visits a day's plan holds (owner; 1–60).
#[server(endpoint = "visits/daily/save", input = FormOrJson)]
pub async fn save_daily_visits(daily_visits: String) -> Result<DailyVisits, AppError> {
    imp::save_daily_visits(daily_visits).await
}

/// Today's part of the signed-in user's own plan, as the tablet's bundle plans it: what
/// the server draws into `/today`, so the page shows the day before its script has read
/// the device's copy or fetched the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawnToday {
    /// Whose plan: a bundle another user left on the device is never shown instead.
    pub user_id: EmployeeId,
    /// UTC, RFC 3339, as the bundle's: the page shows the later of the two.
    pub generated_at: String,
    /// The week's days left out.
    pub plan: TodayPlan,
}

/// The bundle comes as its JSON text (`Deferred`; on the wire, the bundle itself): the
/// tablet reads it and keeps the text as it came, so the first load carries no encoder of
/// the bundle.
///
/// `columns`: the customers as columns ([`OfflineBundle::columns`]); the version before
/// this one asks without it, and gets rows.
#[server(endpoint = "visits/offline_bundle", input = Json)]
pub async fn get_offline_bundle(
    #[server(default)] columns: bool,
) -> Result<crate::wire::Deferred<OfflineBundle>, AppError> {
    Ok(crate::wire::Deferred::new(
        &imp::offline_bundle(columns).await?,
    )?)
}

/// The tablet sends each record as it was stored (`Deferred`: it never reads them whole).
#[server(endpoint = "visits/sync", input = Json)]
pub async fn sync_outbox(
    items: Vec<crate::wire::Deferred<OutboxItem>>,
) -> Result<Vec<SyncResult>, AppError> {
    imp::sync(items).await
}

#[cfg(feature = "ssr")]
use crate::server::visits as imp;

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use crate::domain::money::Money;
    use crate::domain::receivables::{Aging, CreditCheck};

    fn glance(aging: Aging, credit: CreditCheck, open_tickets: u32) -> CustomerGlance {
        CustomerGlance {
            id: CustomerId(uuid::Uuid::nil()),
            trend: vec![0, 1200],
            aging,
            credit,
            open_orders: Vec::new(),
            open_tickets,
        }
    }

    /// A glance round-trips and leaves its zero parts out; one stored by an older version
    /// (every field) reads the same.
    #[test]
    fn a_glance_leaves_its_zeros_out_and_reads_with_or_without_them() {
        let quiet = glance(Aging::default(), CreditCheck::default(), 0);
        let owing = glance(
            Aging {
                days_31_60: Money(500),
                ..Aging::default()
            },
            CreditCheck {
                limit: Some(Money(0)),
                ..CreditCheck::default()
            },
            2,
        );
        let zeros_left_out = r#"{"id":"00000000-0000-0000-0000-000000000000","trend":[0,1200]}"#;
        assert_eq!(serde_json::to_string(&quiet).unwrap(), zeros_left_out);
        let text = serde_json::to_string(&owing).unwrap();
        assert!(
            text.contains("\"aging\"")
                && text.contains("\"credit\"")
                && text.contains("\"open_tickets\":2"),
            "{text}"
        );
        for g in [&quiet, &owing] {
            let text = serde_json::to_string(g).unwrap();
            assert_eq!(&serde_json::from_str::<CustomerGlance>(&text).unwrap(), g);
        }
        let stored_before = r#"{"id":"00000000-0000-0000-0000-000000000000","trend":[0,1200],
            "aging":{"days_0_30":0,"days_31_60":0,"days_61_90":0,"over_90":0},
            "credit":{"limit":null,"open":0,"credit":0,"pending":0,"order":0,"overdue":0},
            "open_tickets":0}"#;
        assert_eq!(
            serde_json::from_str::<CustomerGlance>(stored_before).unwrap(),
            quiet
        );
    }

    /// What the next version may send: no hobbies and no overdue days when there are none.
    #[test]
    fn a_plan_customer_without_hobbies_or_overdue_days_reads_as_none() {
        let text = r#"{"id":"00000000-0000-0000-0000-000000000000","code":"C1","name":"n","kind":"retail",
            "region":"r","address":"a","phone":"p","contact":"c","due":"2026-12-07","visits_per_month":2}"#;
        let c: PlanCustomer = serde_json::from_str(text).unwrap();
        assert_eq!(
            (
                c.hobbies.as_str(),
                c.overdue_days,
                c.tier,
                c.planned.as_str()
            ),
            ("", 0, None, "")
        );
    }

    /// "我的客户" finds a customer by what the office list searches: any word of the code,
    /// name, contact, phone, address or region, in any case, and the name's pinyin
    /// initials in each reading; not by what it does not (hobbies, the rep), nor by a word
    /// run across two fields.
    #[test]
    fn a_tablet_finds_a_customer_as_the_office_list_does() {
        use crate::domain::customer::{holds_words, search_words};
        let text = r#"{"id":"00000000-0000-0000-0000-000000000000","code":"CQ-001","name":"重庆百货",
            "kind":"terminal","region":"江北区 观音桥","address":"建新北路 8 号","phone":"13800000000",
            "contact":"王经理","hobbies":"钓鱼","rep_name":"张伟","due":"2026-12-07","visits_per_month":2,
            "initials":"[cz]qbh"}"#;
        let c: PlanCustomer = serde_json::from_str(text).unwrap();
        let t = c.search_text();
        for q in [
            "cq-001",
            "重庆",
            "CQBH",
            "zqbh",
            "观音桥 百货",
            "13800",
            "王经理",
            "建新北路",
            "  ",
        ] {
            assert!(holds_words(&t, &search_words(q)), "{q}");
        }
        for q in [
            "钓鱼",
            "张伟",
            "重庆百货江北区",
            "cqbhx",
            "百货 南岸",
            "13800000000王",
        ] {
            assert!(!holds_words(&t, &search_words(q)), "{q}");
        }
    }

    /// A damaged copy (a column short of a row, a code naming no value) is an error, so
    /// the page fetches a fresh bundle instead of showing customers with wrong fields.
    #[test]
    fn columns_that_do_not_line_up_are_refused() {
        let rows: Vec<PlanCustomer> = ["a", "b"]
            .iter()
            .map(|code| PlanCustomer {
                id: CustomerId(uuid::Uuid::nil()),
                code: (*code).into(),
                name: "店".into(),
                kind: "terminal".into(),
                tier: Some(Class::A),
                region: String::new(),
                address: String::new(),
                phone: String::new(),
                contact: String::new(),
                rep_name: None,
                hobbies: String::new(),
                last_visit: None,
                due: "2026-12-07".into(),
                planned: String::new(),
                overdue_days: 0,
                visits_per_month: 4,
                initials: "d".into(),
            })
            .collect();
        let good = serde_json::to_value(CustomerColumns(rows.clone())).unwrap();
        assert_eq!(
            serde_json::from_value::<CustomerColumns>(good.clone())
                .unwrap()
                .0,
            rows
        );
        let mut short = good.clone();
        short["name"].as_array_mut().unwrap().pop();
        let mut stray = good.clone();
        stray["kind"][1][1] = 7.into();
        let mut fewer_codes = good.clone();
        fewer_codes["due"][1].as_array_mut().unwrap().pop();
        // initials for some customers but not all
        let mut few_initials = good;
        few_initials["initials"].as_array_mut().unwrap().pop();
        for broken in [short, stray, fewer_codes, few_initials] {
            let err = serde_json::from_value::<CustomerColumns>(broken).unwrap_err();
            assert!(err.to_string().contains("line up"), "{err}");
        }
    }

    /// [`PlanCustomer`] as the version before this one reads it (it is what a tablet
    /// runs until its app updates): every field required but `planned`.
    #[derive(Debug, PartialEq, Deserialize)]
    struct PlanCustomerBefore {
        id: CustomerId,
        code: String,
        name: String,
        kind: String,
        tier: Option<Class>,
        region: String,
        address: String,
        phone: String,
        contact: String,
        rep_name: Option<String>,
        hobbies: String,
        last_visit: Option<String>,
        due: String,
        #[serde(default)]
        planned: String,
        overdue_days: i64,
        visits_per_month: u32,
    }

    fn plan_customer() -> impl proptest::strategy::Strategy<Value = PlanCustomer> {
        use proptest::prelude::*;
        let text = || "\\PC{0,12}";
        let day = || proptest::option::of("2026-1[0-2]-[0-2][1-9]");
        (
            (
                any::<u128>(),
                text(),
                text(),
                text(),
                proptest::option::of(proptest::sample::select(Class::ALL.to_vec())),
            ),
            (
                text(),
                text(),
                text(),
                text(),
                proptest::option::of(text()),
                text(),
            ),
            (
                day(),
                prop_oneof![Just(String::new()), "2026-12-0[1-9]"],
                prop_oneof![Just(String::new()), "2026-12-1[0-3]"],
                0i64..40,
                0u32..9,
                prop_oneof![Just(String::new()), "([a-z0-9]|\\[[a-z]{2,3}\\]){1,6}"],
            ),
        )
            .prop_map(
                |(
                    (id, code, name, kind, tier),
                    (region, address, phone, contact, rep_name, hobbies),
                    (last_visit, due, planned, overdue_days, visits_per_month, initials),
                )| PlanCustomer {
                    id: CustomerId(uuid::Uuid::from_u128(id)),
                    code,
                    name,
                    kind,
                    tier,
                    region,
                    address,
                    phone,
                    contact,
                    rep_name,
                    hobbies,
                    last_visit,
                    due,
                    planned,
                    overdue_days,
                    visits_per_month,
                    initials,
                },
            )
    }

    proptest::proptest! {
        /// A plan customer leaves out what is absent (no tier, last visit, rep, planned
        /// day) and comes back the same; the version before this one reads it as the
        /// same customer, and this version reads one written with every field.
        #[test]
        fn a_plan_customer_leaves_out_what_is_absent_and_every_version_reads_it(c in plan_customer()) {
            let text = serde_json::to_string(&c).unwrap();
            let back: PlanCustomer = serde_json::from_str(&text).unwrap();
            proptest::prop_assert_eq!(&back, &c);
            let keys = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text).unwrap();
            proptest::prop_assert_eq!(keys.contains_key("tier"), c.tier.is_some());
            proptest::prop_assert_eq!(keys.contains_key("rep_name"), c.rep_name.is_some());
            proptest::prop_assert_eq!(keys.contains_key("last_visit"), c.last_visit.is_some());
            proptest::prop_assert_eq!(keys.contains_key("planned"), !c.planned.is_empty());
            proptest::prop_assert_eq!(keys.contains_key("initials"), !c.initials.is_empty());
            proptest::prop_assert!(keys.values().all(|v| !v.is_null()), "{}", text);
            let before: PlanCustomerBefore = serde_json::from_str(&text).unwrap();
            let as_before = PlanCustomerBefore {
                id: c.id,
                code: c.code.clone(),
                name: c.name.clone(),
                kind: c.kind.clone(),
                tier: c.tier,
                region: c.region.clone(),
                address: c.address.clone(),
                phone: c.phone.clone(),
                contact: c.contact.clone(),
                rep_name: c.rep_name.clone(),
                hobbies: c.hobbies.clone(),
                last_visit: c.last_visit.clone(),
                due: c.due.clone(),
                planned: c.planned.clone(),
                overdue_days: c.overdue_days,
                visits_per_month: c.visits_per_month,
            };
            proptest::prop_assert_eq!(before, as_before);
            let mut every_field = serde_json::to_value(&c).unwrap();
            for key in ["tier", "rep_name", "last_visit"] {
                every_field.as_object_mut().unwrap().entry(key).or_insert(serde_json::Value::Null);
            }
            every_field.as_object_mut().unwrap().entry("planned").or_insert("".into());
            proptest::prop_assert_eq!(serde_json::from_value::<PlanCustomer>(every_field).unwrap(), c);
        }

        /// A bundle's customers come back the same as columns, where each value of a
        /// coded field is written once; a bundle with its customers as rows (what the
        /// version before asks for and stores) reads as it is.
        #[test]
        fn customers_read_the_same_from_columns_and_a_bundle_of_rows_stays_as_it_is(
            rows in proptest::collection::vec(plan_customer(), 0..12),
        ) {
            let as_columns = serde_json::to_string(&CustomerColumns(rows.clone())).unwrap();
            let back: CustomerColumns = serde_json::from_str(&as_columns).unwrap();
            proptest::prop_assert_eq!(&back.0, &rows);
            let columns: serde_json::Value = serde_json::from_str(&as_columns).unwrap();
            let kinds: std::collections::BTreeSet<&str> = rows.iter().map(|c| c.kind.as_str()).collect();
            proptest::prop_assert_eq!(columns["kind"][0].as_array().unwrap().len(), kinds.len());
            proptest::prop_assert_eq!(columns["id"].as_array().unwrap().len(), rows.len());
            // the initials' column: absent when nobody has any (a plan's customers, a
            // server without them), else one per customer
            let initials = columns.get("initials").map(|i| i.as_array().unwrap().len());
            let none = rows.iter().all(|c| c.initials.is_empty());
            proptest::prop_assert_eq!(initials, (!none).then_some(rows.len()));

            let bundle = |customers: Option<Vec<PlanCustomer>>, columns| OfflineBundle {
                user_id: EmployeeId(uuid::Uuid::nil()),
                user_name: "张伟".into(),
                generated_at: "2026-12-07T01:00:00+00:00".into(),
                plan: TodayPlan {
                    today: "2026-12-07".into(),
                    due: Vec::new(),
                    week: Vec::new(),
                    capacity: 8,
                    moved: 0,
                    unplanned: 0,
                    done_today: 0,
                    works_today: true,
                },
                customers,
                columns,
                products: crate::wire::Deferred::default(),
                prices: crate::wire::Deferred::default(),
                trend_months: Vec::new(),
                glances: crate::wire::Deferred::default(),
            };
            let sent = bundle(None, crate::wire::Deferred::new(&CustomerColumns(rows.clone())).unwrap());
            let text = serde_json::to_string(&sent).unwrap();
            // the version before cannot read it as a bundle without customers
            let before = serde_json::from_value::<Vec<PlanCustomerBefore>>(
                serde_json::from_str::<serde_json::Value>(&text).unwrap()["customers"].clone(),
            );
            proptest::prop_assert!(before.is_err());
            let mut read: OfflineBundle = serde_json::from_str(&text).unwrap();
            proptest::prop_assert!(read.customers.is_none());
            read.read_columns().unwrap();
            proptest::prop_assert_eq!(read.customers.as_ref(), Some(&rows));
            proptest::prop_assert!(crate::wire::is_default(&read.columns));
            // as rows: no `columns` key, so the version before reads the same text
            let text = serde_json::to_string(&bundle(Some(rows.clone()), crate::wire::Deferred::default())).unwrap();
            proptest::prop_assert!(!text.contains("\"columns\""));
            let mut read: OfflineBundle = serde_json::from_str(&text).unwrap();
            read.read_columns().unwrap();
            proptest::prop_assert_eq!(read.customers.as_ref(), Some(&rows));
            let before: Vec<PlanCustomerBefore> =
                serde_json::from_value(serde_json::from_str::<serde_json::Value>(&text).unwrap()["customers"].clone()).unwrap();
            proptest::prop_assert_eq!(before.len(), rows.len());
        }

        /// A waiting record is stored and sent exactly as the typed record (a tablet's
        /// outbox from before reads the same), and the page reads its kind and customer
        /// from it without reading it whole.
        #[test]
        fn a_waiting_record_is_the_record_itself_and_its_head_names_kind_and_customer(
            kind in 0u8..3,
            customer in "\\PC{0,20}",
            notes in "\\PC{0,40}",
        ) {
            let item = match kind {
                0 => OutboxItem::Visit(VisitInput {
                    id: "v-1".into(),
                    customer_id: customer.clone(),
                    notes: notes.clone(),
                    ..VisitInput::default()
                }),
                1 => OutboxItem::Objection(ObjectionInput {
                    client_id: "o-1".into(),
                    customer: customer.clone(),
                    description: notes.clone(),
                    ..ObjectionInput::default()
                }),
                _ => OutboxItem::Order(OrderInput {
                    client_id: "r-1".into(),
                    customer_code: customer.clone(),
                    ..OrderInput::default()
                }),
            };
            let entry = OutboxEntry::new("u".into(), "2026-12-05T09:30".into(), "店".into(), &item, Vec::new()).unwrap();
            proptest::prop_assert_eq!(&entry.id, item.client_id());
            let head = entry.head().unwrap();
            proptest::prop_assert_eq!(&head.customer, &customer);
            proptest::prop_assert_eq!(head.kind, [ItemKind::Visit, ItemKind::Objection, ItemKind::Order][usize::from(kind)]);
            let stored = serde_json::to_value(&entry).unwrap();
            proptest::prop_assert_eq!(&stored["item"], &serde_json::to_value(&item).unwrap());
            let back: OutboxEntry = serde_json::from_value(stored).unwrap();
            proptest::prop_assert_eq!(back.item.read().unwrap(), item);
        }
    }

    #[test]
    fn a_record_this_version_cannot_read_has_no_head() {
        let stored = serde_json::json!({
            "id": "x", "user_id": "u", "made_at": "2026-12-05T09:30", "customer_name": "店",
            "item": { "kind": "gift", "input": { "customer": "c" } },
            "photos": [], "refused": null
        });
        let entry: OutboxEntry = serde_json::from_value(stored).unwrap();
        assert_eq!(entry.head(), None);
        assert!(entry.item.read().is_err());
    }
}
