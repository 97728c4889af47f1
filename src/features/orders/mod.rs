//! Orders (订单): taken in the office or in the shop (the tablet's outbox), each line at
//! the customer's price on the order's date (`domain::pricing::price_on`; owners and
//! managers may set another, under the floor only with a recorded reason), numbered
//! `SO-2026-000123`, then moved a step at a time: draft → confirmed → picked → out for
//! delivery → delivered → closed, or cancelled before it leaves. Confirming posts the
//! lines to the sales ledger once (cost from the product's cost price), so tiers and
//! growth follow orders; cancelling a confirmed order takes them out. Each step keeps
//! who and when. A rep sees and takes orders for their own customers only.
pub mod api;
pub mod components;
pub mod detail_page;
pub mod list_page;
pub mod new_page;
pub mod print_page;
