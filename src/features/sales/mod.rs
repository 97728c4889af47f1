//! The sales ledger (销售台账): products, orders typed in the app, sales imports.
pub mod api;
pub mod products_page;
pub mod sales_page;
pub mod transfer;
