//! Channel discipline (Pillar 4): territories, violation records with evidence and
//! status, and automatic signals for review. The rules are `domain::discipline`.
pub mod api;
pub mod components;
pub mod page;
