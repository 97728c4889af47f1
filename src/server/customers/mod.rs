//! The use cases of the customers feature: what its server functions (`features/customers/api.rs`)
//! do, each in its own transaction, with the rules from `domain/`.

pub mod writes;

use crate::domain::customer::CustomerKind;
use crate::domain::ids::{CustomerId, EmployeeId, PhotoId};
use crate::domain::profile::{self, CustomerDraft, FieldChange, group_fields};
use crate::domain::profile::{Group, HistoryEntry, Values};
use crate::domain::segmentation::Class;
use crate::domain::staff::{Action, Role};
use crate::error::AppError;
use crate::features::auth::api::CurrentUser;
use crate::features::customers::api::*;
use crate::server::context;
/// The customers `user` may see.
pub use crate::server::context::scope_of;
use crate::server::customers::writes::{self as svc, Author, Directory, SaveError};
use crate::server::customers::writes::{filter_of, hide_foreign_parent, sort_of};
use crate::server::db::DbConn;
use crate::server::db::customers::{self as repo, CustomerRecord, Scope};
use crate::server::search_index;
use uuid::Uuid;

/// Personal data (group 5): managers, the owner and the rep the customer is
/// assigned to.
pub fn may_see_personal(user: &CurrentUser, rep: Option<Uuid>) -> bool {
    matches!(user.role, Role::Owner | Role::Manager) || rep == Some(user.id.0)
}

/// A list row as shown to a user with `scope`: a parent that is not theirs is not named.
fn list_summary(r: repo::ListRow, scope: Scope, health: Option<u32>) -> CustomerSummary {
    let parent_name = if scope.sees_parent(r.parent_id, r.parent_rep_id) {
        r.parent_name
    } else {
        None
    };
    CustomerSummary {
        id: CustomerId(r.id),
        code: r.code,
        name: r.name,
        kind: r.kind,
        terminal_type: r.terminal_type,
        status: r.status,
        district: r.district,
        township: r.township,
        phone: r.phone,
        contact: r.contact,
        rep_name: r.rep_name,
        parent_name,
        completeness: r.completeness,
        tier: r.tier,
        health,
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
    let rows = repo::list_rows(&mut conn, company, scope, &ids).await?;
    // the relationship health of this page's rows only (a handful of indexed counts each)
    let row_ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let health = crate::server::visits::health_of(&mut conn, &user, &row_ids).await?;
    Ok(CustomerPage {
        rows: rows
            .into_iter()
            .map(|r| {
                let health = health.get(&r.id).map(|h| h.score);
                list_summary(r, scope, health)
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
    // the regions and sub-distributors from the customer index, not a scan of customers
    let snapshot = state
        .search_index
        .snapshot(&state.pool, user.company_id)
        .await?;
    let regions = search_index::regions(&snapshot, scope);
    let sub_distributors = search_index::sub_distributors(&snapshot, scope, 5000)
        .into_iter()
        .map(|(id, code, name)| (CustomerId(id), code, name))
        .collect();
    let mut conn = state.conn().await?;
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
    let hidden_parent = !scope.sees_parent(r.parent_id, r.parent_rep_id);
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
    let tiers = crate::server::db::snapshots::tier_history(conn, company, CustomerId(id))
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
async fn edit_conflict(conn: &mut DbConn, user: &CurrentUser, id: Uuid, version: i64) -> AppError {
    let scope = scope_of(user);
    match repo::get(conn, user.company_id, scope, id).await {
        Ok(Some(r)) => match repo::history(conn, user.company_id, id, version, 100).await {
            Ok(rows) => match crate::wire::Deferred::new(
                &history_entries(rows, may_see_personal(user, r.rep_id)).0,
            ) {
                Ok(changes) => AppError::EditConflict(changes),
                Err(e) => AppError::from(e),
            },
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
        &state.photos,
        user.company_id,
        crate::server::files::PhotoKind::Customer,
        photo.id,
        &photo.content_type,
    )
    .await;
    Ok(())
}

/// The profile's sales trend: see `features::customers::api::get_sales_trend`.
pub async fn sales_trend(customer: String) -> Result<SalesTrend, AppError> {
    use crate::domain::money::Money;
    use crate::domain::sales::{month_label, month_of, monthly_series};
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let id: Uuid = context::record_id(&customer)?;
    let company = user.company_id;
    let mut conn = state.conn().await?;
    crate::server::db::orders::customer_by_id(&mut conn, company, context::scope_of(&user), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let last = i64::from(month_of(crate::domain::time::beijing_date(
        chrono::Utc::now(),
    )));
    let rows =
        crate::server::db::sales::customer_months(&mut conn, company, id, last - 23, last).await?;
    let months: Vec<MonthSales> = monthly_series(&rows, last, 12)
        .into_iter()
        .map(|(m, amount)| MonthSales {
            month: month_label(m),
            amount: Money(amount),
        })
        .collect();
    let previous = monthly_series(&rows, last - 12, 12)
        .iter()
        .map(|m| m.1)
        .sum();
    Ok(SalesTrend {
        total: Money(months.iter().map(|m| m.amount.0).sum()),
        months,
        previous: Money(previous),
    })
}
