//! Server functions of staff development (Pillar 1, "employees are the first customer"):
//! training records and the skills matrix (kept by the owner and managers), improvement
//! suggestions (made by anyone, answered by the owner and managers), each employee's page
//! (the employee sees their own; the owner and managers everyone's), and training hours
//! per person per quarter.
use crate::domain::development::{SuggestionStatus, TrainingInput};
use crate::domain::ids::{EmployeeId, SuggestionId, TrainingId};
use crate::error::AppError;
use crate::wire::FormOrJson;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingView {
    pub id: TrainingId,
    pub employee_id: EmployeeId,
    pub employee: String,
    pub date: String,
    pub topic: String,
    /// Tenths of an hour.
    pub tenths: i64,
    pub trainer: Option<String>,
    pub external: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestionView {
    pub id: SuggestionId,
    pub employee_id: EmployeeId,
    pub employee: String,
    pub title: String,
    pub body: String,
    pub status: SuggestionStatus,
    pub response: Option<String>,
    pub version: i64,
    pub date: String,
}

/// One employee's development record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmployeeDevelopment {
    pub id: EmployeeId,
    pub name: String,
    pub role: crate::domain::staff::Role,
    pub territory: Option<String>,
    pub trainings: Vec<TrainingView>,
    /// Tenths per quarter label (`2026 Q4`), newest first.
    pub quarters: Vec<(String, i64)>,
    pub skills: Vec<(String, u8)>,
    pub suggestions: Vec<SuggestionView>,
    pub may_manage: bool,
}

/// The owner's overview: hours per person per quarter (the last four quarters), the
/// skills matrix, and suggestions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevelopmentOverview {
    /// `2026 Q1` … oldest first.
    pub quarters: Vec<String>,
    /// `(employee id, name, tenths per quarter)`.
    pub hours: Vec<(String, String, Vec<i64>)>,
    pub skills: Vec<String>,
    /// `(employee id, name, level per skill)`.
    pub matrix: Vec<(String, String, Vec<Option<u8>>)>,
    pub suggestions: Vec<SuggestionView>,
    pub may_manage: bool,
}

/// The overview for the owner and managers; for a rep, their own suggestions only.
#[server(endpoint = "development/overview", input = Json)]
pub async fn get_development() -> Result<DevelopmentOverview, AppError> {
    imp::overview().await
}

/// An employee's page (`id` empty: the user's own).
#[server(endpoint = "development/employee", input = Json)]
pub async fn get_employee_development(id: String) -> Result<EmployeeDevelopment, AppError> {
    imp::employee(id).await
}

/// Records a training session for an employee (owner, managers).
#[server(endpoint = "development/training", input = FormOrJson)]
pub async fn add_training(
    employee: String,
    input: TrainingInput,
) -> Result<EmployeeDevelopment, AppError> {
    imp::add_training(employee, input).await
}

/// Sets a skill's level (1–5) for an employee, or clears it with an empty level.
#[server(endpoint = "development/skill", input = FormOrJson)]
pub async fn set_skill(
    employee: String,
    skill: String,
    level: String,
) -> Result<EmployeeDevelopment, AppError> {
    imp::set_skill(employee, skill, level).await
}

/// Anyone suggests an improvement (持续改进).
#[server(endpoint = "development/suggest", input = FormOrJson)]
pub async fn make_suggestion(title: String, body: String) -> Result<SuggestionView, AppError> {
    imp::suggest(title, body).await
}

/// The owner or a manager moves a suggestion on, with an answer.
#[server(endpoint = "development/suggestion-status", input = Json)]
pub async fn decide_suggestion(
    id: String,
    version: i64,
    status: String,
    response: String,
) -> Result<SuggestionView, AppError> {
    imp::decide(id, version, status, response).await
}

#[cfg(feature = "ssr")]
use crate::server::development as imp;
