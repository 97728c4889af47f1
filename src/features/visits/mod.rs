//! Visits and relationships (`/today`, `/visits`, `/relationships`): the rep's plan and
//! visit record, which work offline on the tablet, plan against actual for managers,
//! reminders with gift lists, the touch log and the relationship health score.
pub mod api;
pub mod page;
pub mod record_forms;
pub mod today_page;
pub mod today_sync;
