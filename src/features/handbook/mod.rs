//! The handbook (`/handbook`).
pub mod api;
pub mod page;
