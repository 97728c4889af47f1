//! Price lists (价格体系): a base list for everyone, a list per tier (A/B/C) and agreed
//! prices per customer, each entry in effect from a day (and, if it says so, to a day).
//! "The customer's price on a date" is `domain::pricing::price_on`; the price check on
//! this page shows it for every product, with the list it comes from. Owners and managers
//! add and delete entries (a price under the product's floor needs their recorded
//! reason); everyone sees the lists, a rep the agreed prices of their own customers only.
pub mod api;
pub mod prices_page;
