//! Staff (员工) — Pillar 1's base: the employees who use the app.
//!
//! The owner adds employees, edits their role and territory, resets passwords and
//! deactivates leavers; a deactivated employee's sessions end at once and they can no
//! longer sign in. Managers see the list; reps do not. The company always keeps at least
//! one active owner (`domain::staff::keeps_an_active_owner`), and edits carry the version
//! they started from, so two owners editing at once never overwrite each other silently.
pub mod api;
pub mod staff_page;
