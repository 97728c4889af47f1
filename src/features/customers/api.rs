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
pub(crate) mod imp {
    use super::*;
    use crate::domain::customer::CustomerKind;
    use crate::domain::profile::{self, CustomerDraft, FieldChange, group_fields};
    use crate::domain::staff::{Action, Role};
    use crate::features::auth::api::CurrentUser;
    use crate::server::context;
    use crate::server::customers::{self as svc, Author, Directory, SaveError};
    use crate::server::db::DbConn;
    use crate::server::db::customers::{self as repo, CustomerRecord, Scope};
    use crate::server::search_index;
    use uuid::Uuid;

    /// The customers `user` may see.
    pub use crate::server::context::scope_of;
    use crate::server::customers::{filter_of, hide_foreign_parent, sort_of};

    /// Personal data (group 5): managers, the owner and the rep the customer is
    /// assigned to.
    pub fn may_see_personal(user: &CurrentUser, rep: Option<Uuid>) -> bool {
        matches!(user.role, Role::Owner | Role::Manager) || rep == Some(user.id.0)
    }

    pub fn summary(mut r: CustomerRecord, scope: Scope) -> CustomerSummary {
        hide_foreign_parent(&mut r, scope);
        let mut v = r.values;
        let mut take = |k: &str| v.remove(k);
        CustomerSummary {
            id: CustomerId(r.id),
            code: take("code").unwrap_or_default(),
            name: take("name").unwrap_or_default(),
            kind: take("kind").unwrap_or_default(),
            terminal_type: take("terminal_type"),
            status: take("status").unwrap_or_default(),
            district: take("district"),
            township: take("township"),
            phone: take("phone"),
            contact: take("contact"),
            rep_name: r.rep_name,
            parent_name: r.parent_name,
            completeness: r.completeness,
            tier: r.tier,
            health: None,
        }
    }

    pub async fn list(query: CustomerQuery) -> Result<CustomerPage, AppError> {
        let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
        let filter = filter_of(&query);
        let scope = scope_of(&user);
        let page = query.page.max(1);
        let company = user.company_id;
        let snapshot = state.search_index.snapshot(&state.pool, company).await?;
        let (sort, desc) = (sort_of(&query), query.desc);
        let offset = (page as usize - 1) * PAGE_SIZE as usize;
        // a scan of ~100 000 entries: off the async threads
        let (total, ids) = tokio::task::spawn_blocking(move || {
            search_index::page(
                &snapshot,
                scope,
                &filter,
                sort,
                desc,
                PAGE_SIZE as usize,
                offset,
            )
        })
        .await?;
        let mut conn = state.conn().await?;
        // the rows are read with the scope applied again: SQL stays the authority
        let rows = repo::by_ids(&mut conn, company, scope, &ids).await?;
        // the relationship health of this page's rows only (a handful of indexed counts each)
        let row_ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let health =
            crate::features::visits::api::imp::health_of(&mut conn, &user, &row_ids).await?;
        Ok(CustomerPage {
            rows: rows
                .into_iter()
                .map(|r| {
                    let score = health.get(&r.id).map(|h| h.score);
                    CustomerSummary {
                        health: score,
                        ..summary(r, scope)
                    }
                })
                .collect(),
            total,
            page,
            per_page: PAGE_SIZE,
        })
    }

    pub async fn filters() -> Result<FilterChoices, AppError> {
        let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
        let scope = scope_of(&user);
        let mut conn = state.conn().await?;
        let mut regions: Vec<(String, Vec<String>)> = Vec::new();
        for (district, township) in repo::regions(&mut conn, user.company_id, scope).await? {
            match regions.last_mut() {
                Some((d, ts)) if *d == district => ts.extend(township),
                _ => regions.push((district, township.into_iter().collect())),
            }
        }
        let may_manage = user.role.may(Action::ManageCustomers);
        let reps = if may_manage {
            crate::server::db::employees::list(&mut conn, user.company_id)
                .await?
                .into_iter()
                // a driver serves deliveries, never customers of their own
                .filter(|e| e.active && e.role != Role::Driver)
                .map(|e| RepOption {
                    id: EmployeeId(e.id),
                    name: e.name,
                    login: e.login,
                })
                .collect()
        } else {
            Vec::new()
        };
        let sub_distributors = repo::sub_distributors(&mut conn, user.company_id, scope)
            .await?
            .into_iter()
            .map(|(id, code, name)| (CustomerId(id), code, name))
            .collect();
        Ok(FilterChoices {
            regions,
            reps,
            sub_distributors,
            may_manage,
        })
    }

    /// The profile as `user` may see it.
    pub async fn detail(
        conn: &mut DbConn,
        user: &CurrentUser,
        id: Uuid,
    ) -> Result<CustomerDetail, AppError> {
        let scope = scope_of(user);
        let company = user.company_id;
        let mut r = repo::get(conn, company, scope, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let hidden_parent = r.parent_id.is_some() && !scope.sees(r.parent_rep_id);
        hide_foreign_parent(&mut r, scope);
        let personal_visible = may_see_personal(user, r.rep_id);
        let kind = r
            .values
            .get("kind")
            .and_then(|k| CustomerKind::parse(k).ok())
            .unwrap_or(CustomerKind::Terminal);
        let mut values = r.values;
        if !personal_visible {
            for f in group_fields(Group::Personal) {
                values.remove(f.key);
            }
        }
        let children = repo::children(conn, company, scope, id)
            .await?
            .into_iter()
            .map(|(id, code, name, terminal_type)| ChildSummary {
                id: CustomerId(id),
                code,
                name,
                terminal_type,
            })
            .collect();
        let rows = repo::history(conn, company, id, 0, 300).await?;
        let (mut history, history_sources) = history_entries(rows, personal_visible);
        if scope != Scope::All {
            // codes of other reps' customers do not show through the history either
            let visible = values.get("parent_code").cloned();
            for h in history
                .iter_mut()
                .filter(|h| h.change.field == "parent_code")
            {
                for v in [&mut h.change.old, &mut h.change.new] {
                    if v.is_some() && (hidden_parent || *v != visible) {
                        *v = None;
                    }
                }
            }
        }
        let tiers = crate::server::db::sales::tier_history(conn, company, CustomerId(id))
            .await?
            .into_iter()
            .map(|t| TierEntry {
                snapshot: t.snapshot_name,
                from: t.period_from,
                to: t.period_to,
                measure: crate::domain::sales::Measure::parse(&t.measure).unwrap_or_default(),
                class: t.class,
                total: t.total,
                rank: t.rank,
                saved_at: t.created_at,
            })
            .collect();
        let photos = repo::photos(conn, company, id)
            .await?
            .into_iter()
            .map(|p| PhotoSummary {
                id: PhotoId(p.id),
                kind: p.kind,
                created_at: p.created_at,
            })
            .collect();
        Ok(CustomerDetail {
            id: CustomerId(r.id),
            completeness: profile::completeness(&values, kind, r.tier == Some(Class::A)),
            tier: r.tier,
            tiers,
            values,
            version: r.version,
            parent: r
                .parent_id
                .zip(r.parent_name)
                .map(|(p, n)| (CustomerId(p), n)),
            rep_name: r.rep_name,
            children,
            history,
            history_sources,
            photos,
            personal_visible,
            may_manage: user.role.may(Action::ManageCustomers),
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }

    fn history_entries(
        rows: Vec<repo::HistoryRow>,
        personal_visible: bool,
    ) -> (Vec<HistoryEntry>, Vec<String>) {
        let hidden = |field: &str| {
            !personal_visible && profile::field(field).is_some_and(|f| f.group == Group::Personal)
        };
        rows.into_iter()
            .filter(|h| !hidden(&h.field))
            .map(|h| {
                (
                    HistoryEntry {
                        id: h.version,
                        at: h.changed_at,
                        by_name: h.by_name.unwrap_or_default(),
                        version: h.version,
                        change: FieldChange {
                            field: h.field,
                            old: h.old_value,
                            new: h.new_value,
                        },
                    },
                    h.source,
                )
            })
            .unzip()
    }

    pub async fn get(id: CustomerId) -> Result<CustomerDetail, AppError> {
        let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
        let mut conn = state.conn().await?;
        detail(&mut conn, &user, id.0).await
    }

    fn author(user: &CurrentUser, source: &'static str) -> Author {
        Author {
            company: user.company_id,
            by: Some(user.id),
            scope: scope_of(user),
            source,
            now: chrono::Utc::now(),
        }
    }

    pub async fn create(mut values: Values) -> Result<CustomerId, AppError> {
        let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
        if !user.role.may(Action::ManageCustomers) {
            values.insert("rep_login".into(), user.login.clone());
        }
        let draft = CustomerDraft::parse(&values)?;
        let mut tx = state.begin().await?;
        let author = author(&user, "create");
        let dir = Directory::for_draft(&mut tx, user.company_id, &draft).await?;
        let id = CustomerId(Uuid::now_v7());
        svc::create(&mut tx, author, &dir, id.0, &draft).await?;
        tx.commit().await?;
        tracing::info!(by = %user.id, customer = %id, "customer created");
        Ok(id)
    }

    /// The changes made since `version`, for a stale editor.
    async fn edit_conflict(
        conn: &mut DbConn,
        user: &CurrentUser,
        id: Uuid,
        version: i64,
    ) -> AppError {
        let scope = scope_of(user);
        match repo::get(conn, user.company_id, scope, id).await {
            Ok(Some(r)) => match repo::history(conn, user.company_id, id, version, 100).await {
                Ok(rows) => AppError::EditConflict(
                    history_entries(rows, may_see_personal(user, r.rep_id)).0,
                ),
                Err(e) => AppError::from(e),
            },
            Ok(None) => AppError::NotFound,
            Err(e) => AppError::from(e),
        }
    }

    /// Applies `edit` to the current values and saves them as `source`.
    async fn save_edit(
        user: &CurrentUser,
        state: &crate::server::state::AppState,
        id: Uuid,
        version: i64,
        source: &'static str,
        edit: impl FnOnce(&CustomerRecord, &mut Values) -> Result<(), AppError>,
    ) -> Result<CustomerDetail, AppError> {
        let author = author(user, source);
        let mut tx = state.begin().await?;
        let current = repo::get(&mut tx, user.company_id, author.scope, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if current.version != version {
            return Err(edit_conflict(&mut tx, user, id, version).await);
        }
        let mut after = current.values.clone();
        edit(&current, &mut after)?;
        let draft = CustomerDraft::parse(&after)?;
        let dir = Directory::for_draft(&mut tx, user.company_id, &draft).await?;
        let base = svc::Current {
            version,
            values: &current.values,
            parent_id: current.parent_id,
            tier_a: current.tier == Some(Class::A),
        };
        match svc::update(&mut tx, author, &dir, id, base, &draft).await {
            Ok(_) => {}
            Err(SaveError::Stale) => return Err(edit_conflict(&mut tx, user, id, version).await),
            Err(e) => return Err(e.into()),
        }
        let detail = detail(&mut tx, user, id).await?;
        tx.commit().await?;
        tracing::info!(by = %user.id, customer = %id, source, "customer saved");
        Ok(detail)
    }

    pub async fn update(
        id: CustomerId,
        version: i64,
        group: Group,
        values: Values,
    ) -> Result<CustomerDetail, AppError> {
        let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
        let manager = user.role.may(Action::ManageCustomers);
        save_edit(&user, &state, id.0, version, "edit", |current, after| {
            if group == Group::Personal && !may_see_personal(&user, current.rep_id) {
                return Err(AppError::Forbidden);
            }
            let parent_hidden =
                current.parent_id.is_some() && !scope_of(&user).sees(current.parent_rep_id);
            for f in group_fields(group) {
                if f.key == "parent_code" && parent_hidden && !values.contains_key("parent_code") {
                    // not shown to this rep, so not in their form: it stays as it is
                    continue;
                }
                if f.key == "rep_login" && !manager {
                    // only owners and managers assign customers
                    let asked = values.get("rep_login").map(|s| s.trim().to_lowercase());
                    if asked.is_some()
                        && asked.as_deref() != current.values.get("rep_login").map(String::as_str)
                    {
                        return Err(AppError::Forbidden);
                    }
                    continue;
                }
                match values.get(f.key) {
                    Some(v) => after.insert(f.key.to_owned(), v.clone()),
                    None => after.remove(f.key),
                };
            }
            Ok(())
        })
        .await
    }

    pub async fn restore(
        id: CustomerId,
        version: i64,
        change_version: i64,
        field: String,
    ) -> Result<CustomerDetail, AppError> {
        let (state, user) = context::authorize(Action::ManageCustomers).await?;
        let entry = {
            let mut conn = state.conn().await?;
            repo::history_entry(&mut conn, user.company_id, id.0, change_version, &field)
                .await?
                .filter(|h| !h.field.is_empty())
                .ok_or(AppError::NotFound)?
        };
        save_edit(&user, &state, id.0, version, "restore", |_, after| {
            match entry.old_value {
                Some(v) => after.insert(field.clone(), v),
                None => after.remove(&field),
            };
            Ok(())
        })
        .await
    }

    pub async fn assign(ids: Vec<CustomerId>, rep: Option<EmployeeId>) -> Result<u32, AppError> {
        let (state, user) = context::authorize(Action::ManageCustomers).await?;
        if ids.len() > 5000 {
            return Err(AppError::Validation(vec![
                crate::domain::validation::FieldError::new(
                    "ids",
                    crate::domain::validation::FieldErrorCode::TooLarge,
                ),
            ]));
        }
        let author = author(&user, "assign");
        let mut tx = state.begin().await?;
        let login = match rep {
            None => None,
            Some(rep) => Some(
                crate::server::db::employees::get(&mut tx, user.company_id, rep)
                    .await?
                    .filter(|e| e.active && e.role != Role::Driver)
                    .ok_or_else(|| {
                        AppError::Validation(vec![crate::domain::validation::FieldError::new(
                            "rep_login",
                            crate::domain::validation::FieldErrorCode::UnknownEmployee,
                        )])
                    })?
                    .login,
            ),
        };
        let mut changed = 0u32;
        for id in ids {
            let current = repo::get(&mut tx, user.company_id, Scope::All, id.0)
                .await?
                .ok_or(AppError::NotFound)?;
            let mut after = current.values.clone();
            match &login {
                Some(l) => after.insert("rep_login".into(), l.clone()),
                None => after.remove("rep_login"),
            };
            let draft = CustomerDraft::parse(&after)?;
            let dir = Directory::for_draft(&mut tx, user.company_id, &draft).await?;
            let base = svc::Current {
                version: current.version,
                values: &current.values,
                parent_id: current.parent_id,
                tier_a: current.tier == Some(Class::A),
            };
            let changes = svc::update(&mut tx, author, &dir, id.0, base, &draft).await?;
            if !changes.is_empty() {
                changed += 1;
            }
        }
        tx.commit().await?;
        tracing::info!(by = %user.id, changed, "customers assigned");
        Ok(changed)
    }

    pub async fn delete_photo(id: PhotoId) -> Result<(), AppError> {
        let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
        let mut tx = state.begin().await?;
        let photo = repo::photo(&mut tx, user.company_id, scope_of(&user), id.0)
            .await?
            .ok_or(AppError::NotFound)?;
        repo::delete_photo(&mut tx, user.company_id, photo.id).await?;
        tx.commit().await?;
        crate::server::files::remove_photo_file(
            &state.config.photo_dir,
            user.company_id,
            crate::server::files::PhotoKind::Customer,
            photo.id,
            &photo.content_type,
        )
        .await;
        Ok(())
    }
}

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
