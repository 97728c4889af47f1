//! Service tickets: the board (`/tickets`), an objection (`/tickets/objections/:id`), a
//! delivery (`/tickets/deliveries/:id`), compliance (`/tickets/compliance`), and a
//! driver's round (`/deliveries`).
pub mod api;
pub mod board_page;
pub mod compliance_page;
pub mod components;
pub mod deliveries_page;
pub mod detail_page;
