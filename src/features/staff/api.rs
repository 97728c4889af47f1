//! Server functions for the staff page.
use crate::domain::ids::EmployeeId;
use crate::domain::staff::{EmployeeInput, Role};
use crate::error::AppError;
use crate::wire::FormOrJson;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// One employee as the staff list shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmployeeSummary {
    pub id: EmployeeId,
    pub name: String,
    pub login: String,
    pub phone: Option<String>,
    pub role: Role,
    pub territory: Option<String>,
    pub active: bool,
    /// The version an edit must name (optimistic locking).
    pub version: i64,
}

impl EmployeeSummary {
    /// The form's starting values for editing this employee.
    pub fn to_input(&self) -> EmployeeInput {
        EmployeeInput {
            name: self.name.clone(),
            login: self.login.clone(),
            phone: self.phone.clone().unwrap_or_default(),
            role: self.role.as_str().to_owned(),
            territory: self.territory.clone().unwrap_or_default(),
        }
    }
}

/// All employees of the signed-in user's company (owner and managers).
#[server(endpoint = "staff/list", input = Json)]
pub async fn list_staff() -> Result<Vec<EmployeeSummary>, AppError> {
    imp::list().await
}

/// Adds an employee with an initial password (owner only).
#[server(endpoint = "staff/add", input = FormOrJson)]
pub async fn add_employee(
    input: EmployeeInput,
    password: String,
) -> Result<EmployeeSummary, AppError> {
    imp::add(input, password).await
}

/// Changes an employee's name, login, phone, role and territory (owner only).
#[server(endpoint = "staff/update", input = FormOrJson)]
pub async fn update_employee(
    id: EmployeeId,
    version: i64,
    input: EmployeeInput,
) -> Result<EmployeeSummary, AppError> {
    imp::update(id, version, input).await
}

/// Deactivates (ending their sessions) or reactivates an employee (owner only).
#[server(endpoint = "staff/set-active", input = Json)]
pub async fn set_employee_active(
    id: EmployeeId,
    version: i64,
    active: bool,
) -> Result<EmployeeSummary, AppError> {
    imp::set_active(id, version, active).await
}

/// Sets a new password for an employee and ends their sessions (owner only).
#[server(endpoint = "staff/reset-password", input = FormOrJson)]
pub async fn reset_password(id: EmployeeId, password: String) -> Result<(), AppError> {
    imp::reset_password(id, password).await
}

#[cfg(feature = "ssr")]
use crate::server::staff as imp;
