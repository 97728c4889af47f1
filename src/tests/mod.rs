//! Integration tests: the real router on 127.0.0.1:0 with a temporary SQLite database,
//! called over HTTP like a browser or the tablet would.
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests may panic")]

mod acceptance;
mod auth;
mod browser_forms;
mod cli;
mod customer_import;
mod customers;
mod drawn_forms;
mod drivers;
mod helpers;
mod hostile;
mod migrations;
mod orders;
mod pg;
mod photo_store;
mod platform;
mod pricing;
mod processes;
mod profile;
mod receivables;
mod repositories;
mod sales;
mod schema;
mod service;
mod staff;
mod tiers;
mod views;
mod visits;
