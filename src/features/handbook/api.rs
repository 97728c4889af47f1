//! Server functions of the handbook (手册): the owner edits a draft of the written
//! chapters and publishes; publishing compiles the draft with the standards, working
//! calendar and tier policies in force into the next numbered, immutable edition.
//! Everyone reads the current edition and acknowledges it; the owner and managers see
//! who has not.
use crate::domain::handbook::{Draft, Handbook};
use crate::domain::ids::EmployeeId;
use crate::error::AppError;
use crate::wire::FormOrJson;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// A published edition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edition {
    pub number: i64,
    pub published_on: String,
    pub published_by: Option<String>,
    pub content: Handbook,
    /// Chapters changed since the edition before (empty for the first).
    pub changed: Vec<String>,
}

/// Who acknowledged the current edition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acknowledgement {
    pub employee_id: EmployeeId,
    pub name: String,
    pub role: String,
    pub at: Option<String>,
}

/// The handbook page: the edition shown, all editions, the user's acknowledgement, the
/// draft (owner only) and everyone's acknowledgements (owner and managers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandbookPage {
    pub edition: Option<Edition>,
    pub latest: Option<i64>,
    pub editions: Vec<(i64, String)>,
    pub acknowledged: bool,
    pub draft: Option<(Draft, i64)>,
    pub acknowledgements: Option<Vec<Acknowledgement>>,
}

/// Edition `number` (0: the latest).
#[server(endpoint = "handbook/get", input = Json)]
pub async fn get_handbook(number: i64) -> Result<HandbookPage, AppError> {
    imp::get(number).await
}

/// Saves the draft (owner) if it is still at `version` (0 for the first save).
#[server(endpoint = "handbook/draft", input = FormOrJson)]
pub async fn save_handbook_draft(draft: Draft, version: i64) -> Result<HandbookPage, AppError> {
    imp::save_draft(draft, version).await
}

/// Publishes the saved draft as the next edition (owner).
#[server(endpoint = "handbook/publish", input = Json)]
pub async fn publish_handbook() -> Result<HandbookPage, AppError> {
    imp::publish().await
}

/// Records that the user has read edition `number` (it must be the current one).
#[server(endpoint = "handbook/acknowledge", input = Json)]
pub async fn acknowledge_handbook(number: i64) -> Result<HandbookPage, AppError> {
    imp::acknowledge(number).await
}

/// Changing a published edition: always refused — an edition never changes.
#[server(endpoint = "handbook/edit-edition", input = Json)]
pub async fn edit_handbook_edition(number: i64, draft: Draft) -> Result<HandbookPage, AppError> {
    imp::edit_edition(number, draft).await
}

#[cfg(feature = "ssr")]
use crate::server::handbook as imp;
