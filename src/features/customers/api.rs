//! Server functions of the customer profiles (客户档案): list with filters and search,
//! profile, create, edit one group at a time, restore a recorded value, assign to reps.
//!
//! Rule of visibility: owners and managers see every customer of the company; a rep sees
//! and edits only customers assigned to them — every function reads through a
//! `Scope` that the repository turns into SQL. Edits name the version they started from;
//! a stale edit is refused with the changes made meanwhile (`AppError::EditConflict`).
use crate::domain::ids::{CustomerId, EmployeeId, PhotoId};
use crate::domain::profile::{Completeness, Group, HistoryEntry, Values};
use crate::domain::segmentation::Class;
use crate::error::AppError;
use crate::wire::FormOrJson;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// Rows per page of the customer list.
pub const PAGE_SIZE: u32 = 50;

/// Search, filters, order and page of a customer list, as text (they come from the URL).
/// Empty means "any".
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct CustomerQuery {
    pub search: String,
    pub kind: String,
    pub terminal_type: String,
    pub status: String,
    pub district: String,
    pub township: String,
    /// An employee id, `none` for unassigned customers, or empty.
    pub rep: String,
    /// A sub-distributor's id: the customers it serves.
    pub parent: String,
    /// `name` (default), `code`, `region`, `updated`, `completeness`.
    pub sort: String,
    pub desc: bool,
    /// 1-based.
    pub page: u32,
    /// `A`, `B`, `C`, or `none` (not classified yet).
    pub tier: String,
}

impl CustomerQuery {
    /// The URL query-string pairs of this query (empty values left out).
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        for (k, v) in [
            ("q", &self.search),
            ("kind", &self.kind),
            ("type", &self.terminal_type),
            ("status", &self.status),
            ("district", &self.district),
            ("township", &self.township),
            ("rep", &self.rep),
            ("parent", &self.parent),
            ("tier", &self.tier),
            ("sort", &self.sort),
        ] {
            if !v.is_empty() {
                out.push((k, v.clone()));
            }
        }
        if self.desc {
            out.push(("desc", "1".to_owned()));
        }
        if self.page > 1 {
            out.push(("page", self.page.to_string()));
        }
        out
    }

    /// Reads the pairs written by [`CustomerQuery::to_pairs`].
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> CustomerQuery {
        let s = |k: &str| get(k).unwrap_or_default();
        CustomerQuery {
            search: s("q"),
            kind: s("kind"),
            terminal_type: s("type"),
            status: s("status"),
            district: s("district"),
            township: s("township"),
            rep: s("rep"),
            parent: s("parent"),
            tier: s("tier"),
            sort: s("sort"),
            desc: s("desc") == "1",
            page: s("page").parse().unwrap_or(1).max(1),
        }
    }

    /// `k=v&…`, percent-encoded.
    pub fn to_query_string(&self) -> String {
        self.to_pairs()
            .into_iter()
            .map(|(k, v)| format!("{k}={}", percent_encode(&v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One row of the customer list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerSummary {
    pub id: CustomerId,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub terminal_type: Option<String>,
    pub status: String,
    pub district: Option<String>,
    pub township: Option<String>,
    pub phone: Option<String>,
    pub contact: Option<String>,
    pub rep_name: Option<String>,
    pub parent_name: Option<String>,
    pub completeness: i64,
    /// The tier in force, if classified.
    pub tier: Option<Class>,
    /// The relationship health score 0–100 (`domain::visits::health`); lists fill it in.
    pub health: Option<u32>,
}

/// One page of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerPage {
    pub rows: Vec<CustomerSummary>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// An employee a customer can be assigned to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepOption {
    pub id: EmployeeId,
    pub name: String,
    pub login: String,
}

/// Choices for the list's filters and the profile's pickers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterChoices {
    /// District → its townships.
    pub regions: Vec<(String, Vec<String>)>,
    /// Empty for reps (they only see their own).
    pub reps: Vec<RepOption>,
    /// id, code, name.
    pub sub_distributors: Vec<(CustomerId, String, String)>,
    /// Owner or manager: may assign, import and restore.
    pub may_manage: bool,
}

/// A customer served by another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildSummary {
    pub id: CustomerId,
    pub code: String,
    pub name: String,
    pub terminal_type: Option<String>,
}

/// A stored photo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoSummary {
    pub id: PhotoId,
    /// `storefront` or `display`.
    pub kind: String,
    pub created_at: DateTime<Utc>,
}

/// The full profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDetail {
    pub id: CustomerId,
    /// Canonical values; the personal group only when `personal_visible`.
    pub values: Values,
    pub version: i64,
    pub parent: Option<(CustomerId, String)>,
    pub rep_name: Option<String>,
    pub completeness: Completeness,
    pub children: Vec<ChildSummary>,
    pub history: Vec<HistoryEntry>,
    /// `source` of each history entry, same order (create, edit, import, restore).
    pub history_sources: Vec<String>,
    pub photos: Vec<PhotoSummary>,
    /// The tier in force and the tiers of every saved snapshot, newest first.
    pub tier: Option<Class>,
    pub tiers: Vec<TierEntry>,
    pub personal_visible: bool,
    pub may_manage: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A customer's tier in one saved classification ("tier at date").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierEntry {
    pub snapshot: String,
    pub from: String,
    pub to: String,
    pub measure: crate::domain::sales::Measure,
    pub class: Class,
    /// Fen or units.
    pub total: i64,
    /// `None`: no sales in that period.
    pub rank: Option<i64>,
    pub saved_at: DateTime<Utc>,
}

/// One month of a customer's sales: `YYYY-MM` and the amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthSales {
    pub month: String,
    pub amount: crate::domain::money::Money,
}

/// A customer's sales over the last 12 months (this month last) and the 12 before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesTrend {
    pub months: Vec<MonthSales>,
    pub total: crate::domain::money::Money,
    pub previous: crate::domain::money::Money,
}

/// The customer's sales trend (the customer's id) for the profile's chart.
#[server(endpoint = "customers/trend", input = Json)]
pub async fn get_sales_trend(customer: String) -> Result<SalesTrend, AppError> {
    imp::sales_trend(customer).await
}

#[server(endpoint = "customers/list", input = Json)]
pub async fn list_customers(query: CustomerQuery) -> Result<CustomerPage, AppError> {
    imp::list(query).await
}

#[server(endpoint = "customers/filters", input = Json)]
pub async fn customer_filters() -> Result<FilterChoices, AppError> {
    imp::filters().await
}

#[server(endpoint = "customers/get", input = Json)]
pub async fn get_customer(id: CustomerId) -> Result<CustomerDetail, AppError> {
    imp::get(id).await
}

/// Creates a customer. A rep's new customers are assigned to the rep. A plain form post
/// goes on to the new profile.
#[server(endpoint = "customers/create", input = FormOrJson)]
pub async fn create_customer(values: Values) -> Result<CustomerId, AppError> {
    let result = imp::create(values).await;
    if let Ok(id) = &result {
        crate::server::context::redirect_plain_form(&format!("/customers/{id}"));
    }
    result
}

/// Saves one group of the profile (fields of other groups in `values` are ignored). The
/// profile's form also posts here by itself before the page's script has loaded
/// (`crate::wire`); after saving it shows the profile with "saved".
#[server(endpoint = "customers/update", input = FormOrJson)]
pub async fn update_customer(
    id: CustomerId,
    version: i64,
    group: Group,
    values: Values,
) -> Result<CustomerDetail, AppError> {
    let result = imp::update(id, version, group, values).await;
    if result.is_ok() {
        crate::server::context::redirect_plain_form(&format!(
            "/customers/{id}?saved={g}#grp-{g}",
            g = group.as_str()
        ));
    }
    result
}

/// Puts back the value a field had before the change recorded at `change_version`
/// (owner or manager).
#[server(endpoint = "customers/restore", input = Json)]
pub async fn restore_customer_field(
    id: CustomerId,
    version: i64,
    change_version: i64,
    field: String,
) -> Result<CustomerDetail, AppError> {
    imp::restore(id, version, change_version, field).await
}

/// Assigns customers to a rep, or unassigns them (`rep: None`); owner or manager.
/// Returns how many changed.
#[server(endpoint = "customers/assign", input = Json)]
pub async fn assign_customers(
    ids: Vec<CustomerId>,
    rep: Option<EmployeeId>,
) -> Result<u32, AppError> {
    imp::assign(ids, rep).await
}

#[server(endpoint = "customers/delete-photo", input = Json)]
pub async fn delete_customer_photo(id: PhotoId) -> Result<(), AppError> {
    imp::delete_photo(id).await
}

#[cfg(feature = "ssr")]
use crate::server::customers as imp;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The list's URL keeps every filter: reading back what was written gives the
        /// same query (so reload, back and shared links show the same list).
        #[test]
        fn query_survives_the_url(search in "\\PC{0,12}", district in "\\PC{0,6}", desc: bool, page in 1u32..500, sort in "(|code|name|region)") {
            let q = CustomerQuery { search, district, desc, page, sort, kind: "terminal".into(), ..CustomerQuery::default() };
            let pairs = q.to_pairs();
            let back = CustomerQuery::from_lookup(|k| pairs.iter().find(|(pk, _)| *pk == k).map(|(_, v)| v.clone()));
            prop_assert_eq!(back, q);
        }
    }

    #[test]
    fn percent_encoding_keeps_chinese_and_symbols_safe() {
        assert_eq!(
            percent_encode("重庆 a&b=c"),
            "%E9%87%8D%E5%BA%86%20a%26b%3Dc"
        );
        assert_eq!(percent_encode("EP-001_x.~"), "EP-001_x.~");
    }
}
