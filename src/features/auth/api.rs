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
}

/// The current session. Never fails for a signed-out visitor.
#[server(endpoint = "session", input = Json)]
pub async fn get_session() -> Result<SessionInfo, AppError> {
    use crate::server::context;
    let result = match context::app_state() {
        Ok(state) => context::session_user(&state).await,
        Err(e) => Err(e),
    };
    result.map(|(user, expired)| SessionInfo { user, expired })
}

/// Signs in; on success the response sets a fresh session cookie. The sign-in form also
/// posts here by itself before the page's script has loaded (`crate::wire`): it then goes
/// on to the dashboard, or back to the form with the error.
#[server(endpoint = "login", input = FormOrJson)]
pub async fn login(login: String, password: String) -> Result<CurrentUser, AppError> {
    let result = sign_in(login, password).await;
    if result.is_ok() {
        crate::server::context::redirect_plain_form("/");
    }
    result
}

/// Signs out: ends the session on the server and clears the cookie (a plain form post
/// then lands on the sign-in page).
#[server(endpoint = "logout", input = FormOrJson)]
pub async fn logout() -> Result<(), AppError> {
    let result = sign_out().await;
    crate::server::context::redirect_plain_form("/login");
    result
}

#[cfg(feature = "ssr")]
async fn sign_in(login: String, password: String) -> Result<CurrentUser, AppError> {
    use crate::domain::validation::{FieldError, FieldErrorCode};
    use crate::server::db::{self, employees, sessions, sign_in};
    use crate::server::{auth, context};

    let state = context::app_state()?;
    let key = login.trim().to_lowercase();
    let mut missing = Vec::new();
    if key.is_empty() {
        missing.push(FieldError::new("login", FieldErrorCode::Required));
    }
    if password.is_empty() {
        missing.push(FieldError::new("password", FieldErrorCode::Required));
    }
    if !missing.is_empty() {
        return Err(AppError::Validation(missing));
    }
    // Absurd lengths are failures like any other, but are not worth hashing.
    let plausible = key.chars().count() <= 64 && password.chars().count() <= 128;

    let cfg = &state.config;
    // Read from the request before any await (see `context::session_user`).
    let ip = context::client_ip();
    let old_token = context::session_token();
    let user_agent = context::user_agent();
    let now = db::unix_now();
    // a login no employee could have is stored as its hash: a row per attempt, never
    // a megabyte of whatever the request carried
    let account_key = if plausible {
        format!("login:{key}")
    } else {
        use sha2::Digest as _;
        format!("login#{:x}", sha2::Sha256::digest(key.as_bytes()))
    };
    let address_key = ip.map(|ip| format!("addr:{ip}"));
    // The attempt is counted against the login before the password is checked (one
    // atomic statement), so parallel attempts cannot all pass a check made before any
    // of them failed. The address is only ever slowed, never refused.
    let (reservation, address_delay) = {
        let mut conn = state.conn().await?;
        let reservation =
            sign_in::reserve(&mut conn, &account_key, now, &cfg.account_throttle).await?;
        let address_delay = match &address_key {
            Some(k) => sign_in::address_delay(&mut conn, k, now, &cfg.address_throttle).await?,
            None => 0,
        };
        (reservation, address_delay)
    };
    let delay_ms = match reservation {
        sign_in::Reservation::Locked { retry_after_secs } => {
            tracing::warn!(login = %key, ?ip, "sign-in refused: too many failures");
            return Err(AppError::TooManyAttempts { retry_after_secs });
        }
        sign_in::Reservation::Go { delay_ms } => delay_ms.max(address_delay),
    };
    if delay_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
    }

    let candidates = if plausible {
        let mut conn = state.conn().await?;
        employees::find_for_sign_in(&mut conn, &key).await?
    } else {
        Vec::new()
    };
    let unknown_login = candidates.is_empty();
    if unknown_login {
        // Same work as a wrong password, so timing does not reveal unknown logins.
        auth::verify_password(password.clone(), auth::decoy_hash().to_owned()).await;
    }
    let mut matched = None;
    for c in candidates {
        if auth::verify_password(password.clone(), c.password_hash.clone()).await {
            matched = Some(c);
            break;
        }
    }
    let Some(employee) = matched else {
        // the login's failure is already counted; a login matching nobody also slows
        // its address (password spraying over made-up names)
        if unknown_login && let Some(k) = &address_key {
            let mut conn = state.conn().await?;
            sign_in::count_address(&mut conn, k, db::unix_now(), &cfg.address_throttle).await?;
        }
        tracing::info!(login = %key, ?ip, "sign-in failed");
        return Err(AppError::SignInFailed);
    };
    if !employee.active {
        tracing::info!(login = %key, "sign-in by a deactivated employee");
        return Err(AppError::AccountDisabled);
    }
    {
        let mut conn = state.conn().await?;
        sign_in::clear(&mut conn, &account_key).await?;
    }

    // Always a new session id at sign-in; the one this browser had (if any) ends.
    let (token, hash) = auth::new_session_token();
    let now = db::unix_now();
    let mut tx = state.begin().await?;
    if let Some(old) = old_token {
        sessions::delete(&mut tx, &auth::token_hash(&old)).await?;
    }
    sessions::delete_expired(&mut tx, now).await?;
    sessions::insert(
        &mut tx,
        &hash,
        CompanyId(employee.company_id),
        EmployeeId(employee.id),
        now,
        now + cfg.session_ttl_secs,
        user_agent.as_deref(),
    )
    .await?;
    let row = sessions::find_live(&mut tx, &hash, now)
        .await?
        .ok_or(AppError::Internal)?;
    tx.commit().await?;
    context::set_cookie(&auth::session_cookie(
        &token,
        cfg.session_ttl_secs,
        cfg.secure_cookies,
    ));
    tracing::info!(login = %key, "signed in");
    Ok(CurrentUser {
        id: EmployeeId(row.employee_id),
        company_id: CompanyId(row.company_id),
        company_name: row.company_name,
        name: row.name,
        login: row.login,
        role: row.role,
    })
}

#[cfg(feature = "ssr")]
async fn sign_out() -> Result<(), AppError> {
    use crate::server::db::sessions;
    use crate::server::{auth, context};
    let state = context::app_state()?;
    if let Some(token) = context::session_token() {
        let mut conn = state.conn().await?;
        sessions::delete(&mut conn, &auth::token_hash(&token)).await?;
    }
    context::set_cookie(&auth::clear_session_cookie(state.config.secure_cookies));
    Ok(())
}
