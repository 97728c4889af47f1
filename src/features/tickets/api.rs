//! Server functions of service tickets (Pillar 5): objections (异议) with their answer and
//! resolution timers, deliveries (配送) with theirs, the board, and compliance. A rep
//! works with the tickets of their own customers only; an assignee or driver must be
//! someone who may see the customer (the owner, a manager, or the customer's rep).
//! Photos are uploaded to `POST /api/tickets/{kind}/{id}/photos` and served from
//! `/ticket-photos/{id}`.
use crate::domain::ids::{CustomerId, EmployeeId, TicketId};
use crate::domain::segmentation::Class;
use crate::domain::sla::{Calendar, Clock, Standard, Status};
use crate::domain::tickets::{
    DeliveryInput, ObjectionCategory, ObjectionInput, ObjectionStatus, StandardKind, Tally,
};
use crate::error::AppError;
use crate::wire::FormOrJson;
use chrono::NaiveDateTime;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// Which kind of ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TicketKind {
    Objection,
    Delivery,
}

impl TicketKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TicketKind::Objection => "objection",
            TicketKind::Delivery => "delivery",
        }
    }
}

/// One timer of a ticket: the clock, the standard it runs against (none while the owner
/// has not set that standard), and its status at the server's `now`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timer {
    pub standard: StandardKind,
    pub clock: Clock,
    pub limit: Option<Standard>,
    pub status: Option<Status>,
}

/// A line of the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardItem {
    pub kind: TicketKind,
    pub id: TicketId,
    /// None for a driver, who is not shown the customer's profile.
    pub customer_id: Option<CustomerId>,
    pub code: String,
    pub name: String,
    pub tier: Option<Class>,
    pub rep: Option<String>,
    /// The assignee of an objection, the driver of a delivery.
    pub handler: Option<String>,
    pub category: Option<ObjectionCategory>,
    pub order_ref: Option<String>,
    pub summary: String,
    pub objection_status: Option<ObjectionStatus>,
    /// The timer that matters now (the pending one).
    pub timer: Timer,
    pub version: i64,
}

/// The board: open tickets, most urgent first, with what the browser needs to count down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    /// Beijing time when the server answered; the browser counts on from here.
    pub now: NaiveDateTime,
    pub calendar: Calendar,
    pub items: Vec<BoardItem>,
    pub breached: usize,
    /// `(id, name)` of reps for the filter (empty for a rep).
    pub reps: Vec<(EmployeeId, String)>,
}

/// A step of an objection's history or a comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentView {
    pub kind: String,
    pub body: String,
    pub author: Option<String>,
    pub at: String,
}

/// Everything about one objection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectionDetail {
    pub item: BoardItem,
    pub description: String,
    pub status: ObjectionStatus,
    pub opened_at: String,
    pub answered_at: Option<String>,
    pub resolved_at: Option<String>,
    pub closed_at: Option<String>,
    pub paused: bool,
    pub assignee_id: Option<EmployeeId>,
    pub created_by: Option<String>,
    /// Who it may be given to (owner, managers, the customer's rep), while not closed.
    pub assignees: Vec<Handler>,
    /// First answer, resolution.
    pub timers: Vec<Timer>,
    pub comments: Vec<CommentView>,
    pub photos: Vec<String>,
    pub now: NaiveDateTime,
    pub calendar: Calendar,
}

/// A delivery with its proof photos, and where it goes: the customer's address, phone
/// and contact (all a driver sees of the customer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryDetail {
    pub item: BoardItem,
    pub ordered_at: String,
    pub promised_at: Option<String>,
    pub delivered_at: Option<String>,
    /// Its order was cancelled (Beijing minute): nothing more to record.
    #[serde(default)]
    pub cancelled_at: Option<String>,
    pub note: Option<String>,
    pub photos: Vec<String>,
    pub now: NaiveDateTime,
    pub calendar: Calendar,
    pub stop: Stop,
    pub driver_id: Option<EmployeeId>,
    /// The viewer may give the delivery to another driver (owner, manager, the
    /// customer's rep) …
    pub may_assign: bool,
    /// … one of these (while it is not delivered).
    pub drivers: Vec<Handler>,
    /// The viewer may open the customer's profile (not a driver).
    pub may_open_customer: bool,
    /// The order it delivers (none: opened by hand): what goes on the truck.
    pub order: Option<DeliveryOrder>,
}

/// The order a delivery carries: its lines and what the customer owes for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryOrder {
    pub id: String,
    pub number: String,
    /// `(sku and name, quantity and unit)`
    pub lines: Vec<(String, String)>,
    /// Yuan, and in capitals (大写).
    pub total: String,
    pub total_capital: String,
}

/// Where a delivery goes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stop {
    pub address: Option<String>,
    pub phone: Option<String>,
    pub contact: Option<String>,
}

/// One delivery on the driver's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryStop {
    pub item: BoardItem,
    pub stop: Stop,
    pub ordered_at: String,
    pub promised_at: Option<String>,
    pub delivered_at: Option<String>,
}

/// A driver's round, "my deliveries" (我的配送): those given to the signed-in user, open ones most urgent
/// first, then the ones delivered in the last seven days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRound {
    pub now: NaiveDateTime,
    pub calendar: Calendar,
    pub open: Vec<DeliveryStop>,
    pub done: Vec<DeliveryStop>,
}

/// Compliance over the last months: per rep and standard, and per month and standard. A
/// ticket counts in the month it was done, or — open and breached — the month it fell due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compliance {
    /// `2026-11`, oldest first.
    pub months: Vec<String>,
    /// Per month, per standard (in [`StandardKind::ALL`] order).
    pub by_month: Vec<[Tally; 3]>,
    /// `(rep name, per standard, all standards)`; tickets of customers without a rep
    /// under an empty name.
    pub by_rep: Vec<(String, [Tally; 3], Tally)>,
    pub total: Tally,
}

/// Someone a ticket may be given to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handler {
    pub id: EmployeeId,
    pub name: String,
}

/// Open tickets, most urgent first. `rep` (employee id), `tier` (`A`/`B`/`C`/`none`)
/// and `standard` narrow the board; empty means all. A rep always sees only their own.
/// The open tickets of the user's scope, most urgent first; filtered by rep, tier,
/// standard and (the profile's block) one customer's id — each empty for all.
#[server(endpoint = "tickets/board", input = Json)]
pub async fn ticket_board(
    rep: String,
    tier: String,
    standard: String,
    #[server(default)] customer: String,
) -> Result<Board, AppError> {
    imp::board(rep, tier, standard, customer).await
}

#[server(endpoint = "tickets/objections/open", input = FormOrJson)]
pub async fn open_objection(input: ObjectionInput) -> Result<String, AppError> {
    let result = imp::open_objection(input).await;
    if let Ok(id) = &result {
        crate::server::context::redirect_plain_form(&format!("/tickets/objections/{id}"));
    }
    result
}

#[server(endpoint = "tickets/objections/get", input = Json)]
pub async fn get_objection(id: String) -> Result<ObjectionDetail, AppError> {
    imp::objection_detail(id).await
}

/// Moves an objection on: `answered` (with the answer given), `resolved`, `closed`.
#[server(endpoint = "tickets/objections/advance", input = FormOrJson)]
pub async fn advance_objection(
    id: String,
    version: i64,
    to: String,
    note: String,
) -> Result<ObjectionDetail, AppError> {
    imp::advance(id, version, to, note).await
}

/// Stops the clock while waiting for the customer (`paused`), or starts it again.
#[server(endpoint = "tickets/objections/pause", input = FormOrJson)]
pub async fn pause_objection(
    id: String,
    version: i64,
    paused: bool,
    note: String,
) -> Result<ObjectionDetail, AppError> {
    imp::pause(id, version, paused, note).await
}

#[server(endpoint = "tickets/objections/comment", input = FormOrJson)]
pub async fn comment_objection(id: String, body: String) -> Result<ObjectionDetail, AppError> {
    imp::comment(id, body).await
}

/// Gives the objection to someone who may see its customer.
#[server(endpoint = "tickets/objections/assign", input = FormOrJson)]
pub async fn assign_objection(
    id: String,
    version: i64,
    assignee: String,
) -> Result<ObjectionDetail, AppError> {
    imp::assign(id, version, assignee).await
}

#[server(endpoint = "tickets/deliveries/open", input = FormOrJson)]
pub async fn open_delivery(input: DeliveryInput) -> Result<String, AppError> {
    imp::open_delivery(input).await
}

#[server(endpoint = "tickets/deliveries/get", input = Json)]
pub async fn get_delivery(id: String) -> Result<DeliveryDetail, AppError> {
    imp::delivery_detail(id).await
}

/// Records the delivery (`delivered_at` empty: now).
#[server(endpoint = "tickets/deliveries/complete", input = FormOrJson)]
pub async fn complete_delivery(
    id: String,
    version: i64,
    // a driver's form has no time: theirs is the moment it is recorded
    #[server(default)] delivered_at: String,
    note: String,
    // cash taken at the door for the order it delivers (yuan; empty: none)
    #[server(default)] collected: String,
) -> Result<DeliveryDetail, AppError> {
    imp::complete_delivery(id, version, delivered_at, note, collected).await
}

/// Compliance over the last `months` months (1–24; default 6), within the user's scope.
#[server(endpoint = "tickets/compliance", input = Json)]
pub async fn ticket_compliance(months: u32) -> Result<Compliance, AppError> {
    imp::compliance(months).await
}

/// Who may handle tickets of customer `code`: for `kind` `delivery` the drivers who may
/// take it (every driver, the owner, managers, the customer's rep), otherwise the
/// assignees of an objection (the owner, managers, the customer's rep).
#[server(endpoint = "tickets/handlers", input = Json)]
pub async fn ticket_handlers(
    customer: String,
    #[server(default)] kind: String,
) -> Result<Vec<Handler>, AppError> {
    imp::handlers(customer, kind).await
}

/// The deliveries given to the signed-in user (any role; all a driver has).
#[server(endpoint = "tickets/deliveries/mine", input = Json)]
pub async fn my_deliveries() -> Result<DeliveryRound, AppError> {
    imp::my_deliveries().await
}

/// Gives a delivery to another driver (the owner, a manager or the customer's rep).
#[server(endpoint = "tickets/deliveries/assign", input = FormOrJson)]
pub async fn assign_driver(
    id: String,
    version: i64,
    driver: String,
) -> Result<DeliveryDetail, AppError> {
    imp::assign_driver(id, version, driver).await
}

#[cfg(feature = "ssr")]
use crate::server::tickets as imp;
