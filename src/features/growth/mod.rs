//! The growth watch for B and C customers (Pillar 4: "lift B and C"): YoY, MoM and the
//! years before, and the support-candidate rule. The rules are `domain::growth`.
pub mod api;
pub mod page;
