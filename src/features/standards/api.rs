//! Server functions of service standards (Pillar 5): the owner sets how fast a delivery,
//! a first answer and a resolution must be, optionally stricter per tier, and the
//! working calendar those "working hours only" standards count on. Everyone reads them.
use crate::domain::sla::{CalendarInput, WorkCalendar};
use crate::domain::tickets::{ServiceStandard, StandardInput};
use crate::error::AppError;
use crate::wire::FormOrJson;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// The standards (those set), the calendar, and whether the user may change them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardsDetail {
    pub standards: Vec<ServiceStandard>,
    pub calendar: WorkCalendar,
    /// Visits per month per tier from the tier policies in force (A, B, C), if set.
    pub visits_per_month: [Option<u32>; 3],
    pub may_edit: bool,
}

#[server(endpoint = "standards/get", input = Json)]
pub async fn get_standards() -> Result<StandardsDetail, AppError> {
    imp::get().await
}

/// Saves one standard (owner).
#[server(endpoint = "standards/save", input = FormOrJson)]
pub async fn save_standard(input: StandardInput) -> Result<StandardsDetail, AppError> {
    imp::save(input).await
}

/// Replaces the working calendar (owner).
#[server(endpoint = "standards/calendar", input = FormOrJson)]
pub async fn save_calendar(input: CalendarInput) -> Result<StandardsDetail, AppError> {
    imp::save_calendar(input).await
}

#[cfg(feature = "ssr")]
use crate::server::standards as imp;
