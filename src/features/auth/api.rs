//! Server functions for signing in and out, and the current session.
use crate::domain::ids::{CompanyId, EmployeeId};
use crate::domain::staff::Role;
use crate::error::AppError;
use crate::wire::FormOrJson;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// The signed-in employee, as the UI needs them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: EmployeeId,
    pub company_id: CompanyId,
    pub company_name: String,
    pub name: String,
    pub login: String,
    pub role: Role,
}

/// Who is signed in; `expired` when the browser held a session that has ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub user: Option<CurrentUser>,
    pub expired: bool,
    /// Read by the server before it drew the page (every page request's session is): the
    /// layout then draws the page at once, with no suspense around it, both on the server
    /// and when the browser hydrates what it drew.
    #[serde(default)]
    pub known_first: bool,
}

/// The current session. Never fails for a signed-out visitor.
#[server(endpoint = "session", input = Json)]
pub async fn get_session() -> Result<SessionInfo, AppError> {
    use crate::server::context;
    if let Some(known) = context::preloaded_session() {
        return known;
    }
    let result = match context::app_state() {
        Ok(state) => context::session_user(&state).await,
        Err(e) => Err(e),
    };
    result.map(|(user, expired)| SessionInfo {
        user,
        expired,
        known_first: false,
    })
}

/// Signs in; on success the response sets a fresh session cookie. The sign-in form also
/// posts here by itself before the page's script has loaded (`crate::wire`): it then goes
/// on to the dashboard, or back to the form with the error.
#[server(endpoint = "login", input = FormOrJson)]
pub async fn login(login: String, password: String) -> Result<CurrentUser, AppError> {
    let result = crate::server::auth::sign_in(login, password).await;
    if result.is_ok() {
        crate::server::context::redirect_plain_form("/");
    }
    result
}

/// Signs out: ends the session on the server and clears the cookie (a plain form post
/// then lands on the sign-in page).
#[server(endpoint = "logout", input = FormOrJson)]
pub async fn logout() -> Result<(), AppError> {
    let result = crate::server::auth::sign_out().await;
    crate::server::context::redirect_plain_form("/login");
    result
}

/// Keeps the chosen language (`zh-CN` or `en`) in the site-wide cookie. The language
/// switch posts here while the page's script is still loading: a plain form post then
/// comes back to the page it was on, drawn in that language. Once the script runs, the
/// switch changes the page in place and writes the cookie itself.
#[server(endpoint = "language", input = FormOrJson)]
pub async fn set_language(lang: String) -> Result<(), AppError> {
    use crate::domain::validation::{FieldError, FieldErrorCode};
    use crate::i18n::Locale;
    let locale = match lang.as_str() {
        "zh-CN" => Locale::zh_CN,
        "en" => Locale::en,
        _ => {
            return Err(AppError::Validation(vec![FieldError::new(
                "lang",
                FieldErrorCode::InvalidChoice,
            )]));
        }
    };
    let secure = crate::server::context::app_state()?.config.secure_cookies;
    crate::server::context::set_cookie(&crate::components::layout::language_cookie(locale, secure));
    Ok(())
}
