//! Service tickets: the board (`/tickets`), an objection (`/tickets/objections/:id`), a
//! delivery (`/tickets/deliveries/:id`), compliance (`/tickets/compliance`).
pub mod api;
