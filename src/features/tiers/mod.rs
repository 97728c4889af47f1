//! Managing by tier (Pillar 4): transitions between classifications drawn as a flow
//! picture, tier policies with effective dates, and the record of tier changes. The
//! rules are `domain::tier`.
pub mod api;
pub mod changes_page;
pub mod flow;
pub mod policies_page;
pub mod transitions_page;
