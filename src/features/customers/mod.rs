//! Customer profiles (客户档案, Pillar 2): list, profile, history, photos, import, export.
pub mod api;
pub mod components;
pub mod detail_page;
pub mod import_page;
pub mod labels;
pub mod list_page;
pub mod new_page;
pub mod overview;
pub mod transfer;
