//! Staff development (`/development`, `/development/:id`).
pub mod api;
pub mod page;
