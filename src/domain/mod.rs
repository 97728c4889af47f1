//! Pure business rules shared by the server, the CLI and the browser.
//!
//! Nothing in here touches leptos, sqlx, the clock or any I/O: time arrives as a `now`
//! argument, input arrives as plain data and leaves as domain types or field errors.
pub mod customer;
pub mod development;
pub mod discipline;
pub mod growth;
pub mod handbook;
pub mod ids;
pub mod money;
pub mod orders;
pub mod pricing;
pub mod profile;
pub mod receivables;
pub mod sales;
pub mod segmentation;
pub mod sla;
pub mod staff;
pub mod throttle;
pub mod tickets;
pub mod tier;
pub mod time;
pub mod validation;
pub mod visits;
