//! The use cases of the staff feature: what its server functions (`features/staff/api.rs`)
//! do, each in its own transaction, with the rules from `domain/`.
use crate::domain::ids::{CompanyId, EmployeeId};
use crate::domain::staff::{
    Action, EmployeeFields, EmployeeInput, Role, check_password, keeps_an_active_owner,
};
use crate::domain::validation::{FieldError, FieldErrorCode, ForField as _};
use crate::error::{AppError, Conflict};
use crate::features::staff::api::EmployeeSummary;
use crate::server::db::employees::{self, EmployeeRow};
use crate::server::db::{DbConn, UniqueKey as _, sessions};
use crate::server::{auth, context};

fn summary(row: EmployeeRow) -> Result<EmployeeSummary, AppError> {
    Ok(EmployeeSummary {
        id: EmployeeId(row.id),
        name: row.name,
        login: row.login,
        phone: row.phone,
        role: row.role,
        territory: row.territory,
        active: row.active,
        version: row.version,
    })
}

/// A login already used in the company is a field error, not a 500.
fn login_taken() -> AppError {
    FieldError::new("login", FieldErrorCode::Taken).into()
}

fn parse_password(password: &str) -> Result<(), AppError> {
    Ok(check_password(password).for_field("password")?)
}

/// Why an update touched no row: the employee is gone, or someone saved first.
async fn missing_or_stale(conn: &mut DbConn, company: CompanyId, id: EmployeeId) -> AppError {
    match employees::get(conn, company, id).await {
        Ok(Some(_)) => AppError::Conflict(Conflict::StaleVersion),
        Ok(None) => AppError::NotFound,
        Err(e) => AppError::from(e),
    }
}

/// Refuses to change employee `id` from its current (role, active) to `after(…)` if
/// that would leave the company without an active owner; `NotFound` if absent.
async fn ensure_an_owner_remains(
    conn: &mut DbConn,
    company: CompanyId,
    id: EmployeeId,
    after: impl FnOnce(Role, bool) -> (Role, bool),
) -> Result<(), AppError> {
    let before = employees::get(conn, company, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let role = before.role;
    let owners = employees::count_active_owners(conn, company).await?;
    if keeps_an_active_owner(owners, (role, before.active), after(role, before.active)) {
        Ok(())
    } else {
        Err(AppError::Conflict(Conflict::LastOwner))
    }
}

/// Reads the saved employee back and commits: what the caller sees is what was stored.
async fn commit_and_read(
    mut tx: crate::server::db::DbConn,
    company: CompanyId,
    id: EmployeeId,
) -> Result<EmployeeSummary, AppError> {
    let row = employees::get(&mut tx, company, id)
        .await?
        .ok_or(AppError::Internal)?;
    tx.commit().await?;
    summary(row)
}

pub async fn list() -> Result<Vec<EmployeeSummary>, AppError> {
    let (state, user) = context::authorize(Action::ViewStaff).await?;
    let mut conn = state.conn().await?;
    employees::list(&mut conn, user.company_id)
        .await?
        .into_iter()
        .map(summary)
        .collect()
}

pub async fn add(input: EmployeeInput, password: String) -> Result<EmployeeSummary, AppError> {
    let (state, user) = context::authorize(Action::ManageStaff).await?;
    let fields = EmployeeFields::parse(&input);
    let pw = check_password(&password);
    let fields = match (fields, pw) {
        (Ok(f), Ok(())) => f,
        (f, pw) => {
            let mut errors = f.err().unwrap_or_default();
            if let Err(code) = pw {
                errors.push(FieldError::new("password", code));
            }
            return Err(AppError::Validation(errors));
        }
    };
    let hash = auth::hash_password(password).await?;
    let id = EmployeeId::new_random();
    let now = chrono::Utc::now();
    let mut tx = state.begin().await?;
    employees::insert(&mut tx, user.company_id, id, &fields, &hash, now)
        .await
        .or_taken(login_taken)?;
    let saved = commit_and_read(tx, user.company_id, id).await?;
    tracing::info!(by = %user.id, employee = %id, "employee added");
    Ok(saved)
}

pub async fn update(
    id: EmployeeId,
    version: i64,
    input: EmployeeInput,
) -> Result<EmployeeSummary, AppError> {
    let (state, user) = context::authorize(Action::ManageStaff).await?;
    let fields = EmployeeFields::parse(&input)?;
    let now = chrono::Utc::now();
    let mut tx = state.begin().await?;
    ensure_an_owner_remains(&mut tx, user.company_id, id, |_, active| {
        (fields.role, active)
    })
    .await?;
    // a driver sees no customer: one who still serves some keeps their role until
    // the customers have gone to another rep
    if fields.role == Role::Driver
        && crate::server::db::customers::count_served_by(&mut tx, user.company_id, id).await? > 0
    {
        return Err(AppError::Validation(vec![FieldError::new(
            "role",
            FieldErrorCode::StillServesCustomers,
        )]));
    }
    if !employees::update(&mut tx, user.company_id, id, version, &fields, now)
        .await
        .or_taken(login_taken)?
    {
        return Err(missing_or_stale(&mut tx, user.company_id, id).await);
    }
    let saved = commit_and_read(tx, user.company_id, id).await?;
    tracing::info!(by = %user.id, employee = %id, "employee updated");
    Ok(saved)
}

pub async fn set_active(
    id: EmployeeId,
    version: i64,
    active: bool,
) -> Result<EmployeeSummary, AppError> {
    let (state, user) = context::authorize(Action::ManageStaff).await?;
    if id == user.id && !active {
        return Err(AppError::Conflict(Conflict::OwnAccount));
    }
    let now = chrono::Utc::now();
    let mut tx = state.begin().await?;
    ensure_an_owner_remains(&mut tx, user.company_id, id, |role, _| (role, active)).await?;
    if !employees::set_active(&mut tx, user.company_id, id, version, active, now).await? {
        return Err(missing_or_stale(&mut tx, user.company_id, id).await);
    }
    if !active {
        // In the same transaction: the employee is out the moment this commits.
        sessions::delete_for_employee(&mut tx, user.company_id, id).await?;
    }
    let saved = commit_and_read(tx, user.company_id, id).await?;
    tracing::info!(by = %user.id, employee = %id, active, "employee activation changed");
    Ok(saved)
}

pub async fn reset_password(id: EmployeeId, password: String) -> Result<(), AppError> {
    let (state, user) = context::authorize(Action::ManageStaff).await?;
    parse_password(&password)?;
    let hash = auth::hash_password(password).await?;
    let mut tx = state.begin().await?;
    if !employees::set_password_hash(&mut tx, user.company_id, id, &hash, chrono::Utc::now())
        .await?
    {
        return Err(AppError::NotFound);
    }
    sessions::delete_for_employee(&mut tx, user.company_id, id).await?;
    tx.commit().await?;
    tracing::info!(by = %user.id, employee = %id, "password reset");
    Ok(())
}
