//! The dashboard — the owner's morning page. At this stage it shows the company's staff
//! head-count by role and when the data last changed; later features add their tiles.
pub mod api;
pub mod dashboard_page;
