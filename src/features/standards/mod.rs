//! Service standards and the working calendar (`/standards`).
pub mod api;
pub mod page;
