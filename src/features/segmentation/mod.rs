//! A/B/C segmentation (Pillar 3): the interactive Pareto page, exports and official tier
//! snapshots. The rule itself is `domain::segmentation`.
pub mod api;
pub mod chart;
pub mod page;
