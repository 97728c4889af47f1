//! Customer profiles (客户档案, Pillar 2): list, profile, history, photos, import, export.
pub mod api;
pub mod labels;
pub mod transfer;
