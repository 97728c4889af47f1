//! The one error type that crosses the wire.
//!
//! Server functions return `Result<T, AppError>`. Database and unexpected errors are
//! logged on the server and become [`AppError::Internal`]; no SQL text or stack trace
//! reaches the browser. The browser turns every variant into a sentence in the user's
//! language (`components::error_view`).
use crate::domain::validation::FieldError;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Everything that can go wrong in a request, as the user needs to know it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The thing asked for does not exist (or is not visible to this user).
    #[error("not found")]
    NotFound,
    /// Not signed in, or the session has ended (expired, signed out, deactivated).
    #[error("not signed in")]
    Unauthorized,
    /// Wrong login or password — deliberately the same answer for an unknown login.
    #[error("sign-in failed")]
    SignInFailed,
    /// Too many failed sign-ins for this account or address.
    #[error("too many attempts; retry in {retry_after_secs}s")]
    TooManyAttempts { retry_after_secs: i64 },
    /// The password was right but the account has been deactivated.
    #[error("account deactivated")]
    AccountDisabled,
    /// Signed in, but the role does not allow this.
    #[error("forbidden")]
    Forbidden,
    /// Input refused, field by field.
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    /// The change clashes with the current state.
    #[error("conflict: {0:?}")]
    Conflict(Conflict),
    /// Someone saved this record since it was opened; these are their changes, newest
    /// first. Nothing was saved.
    #[error("edited meanwhile")]
    /// (Read by the profile page only, in its chunk: `wire::Deferred`.)
    EditConflict(crate::wire::Deferred<Vec<crate::domain::profile::HistoryEntry>>),
    /// Something failed on the server; details are in the server log only.
    #[error("internal error")]
    Internal,
    /// The database stayed busy (another long write, such as an import): nothing was
    /// saved, and the same request will work in a moment.
    #[error("busy")]
    Busy,
    /// The request itself failed: network down, malformed request, unreadable answer.
    #[error("request failed: {0}")]
    ServerFn(ServerFnErrorErr),
}

/// Why a change clashes with the current state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Conflict {
    /// Someone else saved this record since it was opened.
    StaleVersion,
    /// The change would leave the company without an active owner.
    LastOwner,
    /// Nobody may deactivate their own account (they would lock themself out).
    OwnAccount,
    /// A published handbook edition never changes; edit the draft and publish anew.
    PublishedEdition,
    /// The customer was given to another rep while the record waited on the tablet.
    CustomerReassigned,
    /// The id a client chose (a photo's, minted on the tablet) belongs to something else.
    IdTaken,
    /// The order has moved on (another user confirmed, cancelled or dispatched it since
    /// the page was opened): it now stands at this status.
    OrderMoved(crate::domain::orders::OrderStatus),
    /// Confirming would pass the customer's credit limit, or they owe money past its
    /// credit days: the figures, for the user to see (a manager may release it with a
    /// reason).
    CreditBlocked(crate::domain::receivables::CreditCheck),
}

impl AppError {
    /// The HTTP status the server answers with.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Unauthorized | AppError::SignInFailed => 401,
            AppError::TooManyAttempts { .. } => 429,
            AppError::Forbidden | AppError::AccountDisabled => 403,
            AppError::Validation(_) => 422,
            AppError::Conflict(_) | AppError::EditConflict(_) => 409,
            AppError::Internal => 500,
            AppError::Busy => 503,
            AppError::ServerFn(e) => match e {
                ServerFnErrorErr::Args(_)
                | ServerFnErrorErr::MissingArg(_)
                | ServerFnErrorErr::Deserialization(_) => 400,
                _ => 500,
            },
        }
    }
}

/// The one place an error becomes an HTTP answer: its status, and for a sign-in lockout
/// the `Retry-After` the client may wait for. Server functions' answers get it from the
/// HTTP layer (`server::http`), file handlers' by `IntoResponse`, pages' from the error
/// views.
#[cfg(feature = "ssr")]
impl AppError {
    pub fn mark(&self, status: &mut http::StatusCode, headers: &mut http::HeaderMap) {
        *status = http::StatusCode::from_u16(self.status_code())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        if let AppError::TooManyAttempts { retry_after_secs } = self
            && let Ok(v) = http::HeaderValue::from_str(&retry_after_secs.to_string())
        {
            headers.insert(http::header::RETRY_AFTER, v);
        }
    }
}

/// An error as the answer of a file handler: its status (see [`AppError::mark`]) and
/// the error as JSON, which the browser turns into a sentence.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let mut response = axum::Json(&self).into_response();
        let (mut status, mut headers) = (response.status(), std::mem::take(response.headers_mut()));
        self.mark(&mut status, &mut headers);
        *response.status_mut() = status;
        *response.headers_mut() = headers;
        response
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::ServerFn(value)
    }
}

/// A database error, converted by `?`: logged here with the place of that `?` (the
/// detail stays in the server log), answered as `Internal` — or as `Busy` when another
/// writer held the database past the busy timeout (a passing state: the same request
/// works in a moment).
#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    #[track_caller]
    fn from(e: sqlx::Error) -> Self {
        let at = std::panic::Location::caller();
        if crate::server::db::is_busy(&e) {
            tracing::warn!(error = %e, %at, "database busy");
            return AppError::Busy;
        }
        tracing::error!(error = %e, %at, "database error");
        AppError::Internal
    }
}

/// A request the browser could not make or whose answer it could not read (the network
/// is down): shown as "network unavailable".
#[cfg(feature = "hydrate")]
impl From<gloo_net::Error> for AppError {
    fn from(e: gloo_net::Error) -> Self {
        AppError::ServerFn(ServerFnErrorErr::Request(e.to_string()))
    }
}

/// Failures of the server's own machinery (a hashing task that died, a closed
/// semaphore, a hasher's refusal): logged with the place of the `?`, answered as
/// internal.
#[cfg(feature = "ssr")]
macro_rules! internal_from {
    ($($e:ty),+ $(,)?) => {$(
        impl From<$e> for AppError {
            #[track_caller]
            fn from(e: $e) -> Self {
                let at = std::panic::Location::caller();
                tracing::error!(error = %e, %at, "internal failure");
                AppError::Internal
            }
        }
    )+};
}

#[cfg(feature = "ssr")]
internal_from!(
    tokio::task::JoinError,
    tokio::sync::AcquireError,
    argon2::password_hash::Error,
    // the server's own JSON (a stored handbook edition); a client's JSON is refused as
    // its request's error where it is read
    serde_json::Error,
    // writing an export
    rust_xlsxwriter::XlsxError,
    csv::Error,
    // the photo store (a folder or a bucket)
    object_store::Error,
);

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Validation(vec![e])
    }
}

impl From<Vec<FieldError>> for AppError {
    fn from(errors: Vec<FieldError>) -> Self {
        AppError::Validation(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::validation::FieldErrorCode;

    #[test]
    fn errors_survive_the_wire_unchanged() {
        let cases = [
            AppError::Validation(vec![FieldError::new("login", FieldErrorCode::Taken)]),
            AppError::TooManyAttempts {
                retry_after_secs: 60,
            },
            AppError::Conflict(Conflict::StaleVersion),
            AppError::Busy,
            AppError::ServerFn(ServerFnErrorErr::Args("x".into())),
        ];
        for e in cases {
            let bytes = e.ser();
            assert_eq!(AppError::de(bytes), e);
        }
    }

    #[test]
    fn malformed_requests_are_client_errors() {
        assert_eq!(
            AppError::ServerFn(ServerFnErrorErr::Args("bad".into())).status_code(),
            400
        );
        assert_eq!(AppError::SignInFailed.status_code(), 401);
        assert_eq!(AppError::Internal.status_code(), 500);
    }
}
