//! HTTP handlers that move files rather than JSON. They authenticate from the session
//! cookie and apply the same role and scope rules as the server functions; each answers
//! `Result<Response, AppError>`, so an error becomes its status in one place
//! ([`AppError::mark`]).
//!
//! - [`transfers`]: imports (a raw file body) and export downloads.
//! - [`photos`]: photo uploads and serving, for every kind of photo.
//! - [`store`]: where photo files live (a folder or an S3-compatible bucket).
mod photos;
mod store;
mod transfers;

pub use photos::*;
pub use store::*;
pub use transfers::*;

use crate::domain::staff::Action;
use crate::error::AppError;
use crate::features::auth::api::CurrentUser;
use crate::server::context;
use crate::server::state::AppState;
use http::HeaderMap;

/// The signed-in user of a plain handler if their role may do `action` (a driver may
/// fetch and add only the proof photos of their deliveries; customers' photos, lists and
/// exports are refused to them outright, whatever their scope).
async fn user_who_may(
    state: &AppState,
    headers: &HeaderMap,
    action: Action,
) -> Result<CurrentUser, AppError> {
    let user = context::user_from_headers(state, headers).await?;
    if user.role.may(action) {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}
