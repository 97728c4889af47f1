//! Business features as vertical slices: each folder holds its server functions and DTOs
//! (`api.rs`) and its pages and widgets.
pub mod auth;
pub mod customers;
pub mod dashboard;
pub mod development;
pub mod discipline;
pub mod growth;
pub mod handbook;
pub mod orders;
pub mod pricing;
pub mod receivables;
pub mod sales;
pub mod segmentation;
pub mod staff;
pub mod standards;
pub mod tickets;
pub mod tiers;
pub mod visits;
