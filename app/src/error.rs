//! The one error type of the application layer: every operation answers `AppResult<T>`. Each
//! variant has one [`ErrorKind`] (its HTTP status and its translated error page); handlers match
//! only the variants their page answers in place (a form re-rendered with its field errors, a
//! problem banner) and hand every other one to `IntoResponse`. Storage failures are logged without
//! the request's personal data and shown as the generic error page.

use domain::{ErrorKind, FieldError};
use leptos::prelude::ServerFnError;
use store::StoreError;

/// Why an operation did not happen. Nothing was written in any case.
#[derive(Debug)]
pub enum AppError {
    /// Nobody is signed in (or the account was disabled, or the resident has no proven address).
    SignIn,
    /// Signed in, but this role or town may not do this.
    Forbidden,
    /// No such thing, or not one this person may see (the same answer, so existence does not leak).
    NotFound,
    /// Fields to fix, shown next to them.
    Invalid(Vec<FieldError>),
    /// Someone acted first, or the action no longer applies: a problem code (`err.{code}` or the
    /// page's own banner, e.g. `conflict`, `not_allowed_now`, `taken`, `already`, `closed`).
    Conflict(&'static str),
    /// Too many tries: wait this many seconds. `errors` says which field the limit is about, if any.
    RateLimited { retry_after: i64, errors: Vec<FieldError> },
    /// The database or the code failed; logged, shown as the generic error page.
    Internal(StoreError),
}

pub type AppResult<T> = Result<T, AppError>;

impl From<StoreError> for AppError {
    /// A user-facing refusal from the store keeps its meaning; everything else is internal.
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict => AppError::Conflict("conflict"),
            StoreError::Refused(_) => AppError::Conflict("not_allowed_now"),
            StoreError::Rejected(f) => AppError::Invalid(vec![f]),
            e => AppError::Internal(e),
        }
    }
}

impl AppError {
    /// One field's problem.
    pub fn field(field: &str, code: &str) -> Self {
        AppError::Invalid(vec![FieldError::new(field, code)])
    }

    /// The kind of refusal: its status code and its error page.
    pub fn kind(&self) -> ErrorKind {
        match self {
            AppError::SignIn => ErrorKind::SignIn,
            AppError::Forbidden => ErrorKind::Forbidden,
            AppError::NotFound => ErrorKind::NotFound,
            AppError::Invalid(_) => ErrorKind::Invalid,
            AppError::Conflict(_) => ErrorKind::Conflict,
            AppError::RateLimited { .. } => ErrorKind::RateLimited,
            AppError::Internal(_) => ErrorKind::Internal,
        }
    }

    /// Writes an internal failure to the log (its kind and the store's message, never the request).
    fn log(&self) {
        if let AppError::Internal(e) = self {
            tracing::error!(error = %e, "storage failure");
        }
    }

    /// The answer of a server function: the islands and pages only learn the kind.
    pub fn into_server_fn_error(self) -> ServerFnError {
        self.log();
        ServerFnError::new(self.kind().code())
    }
}

#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    /// The status of the kind (and `Retry-After` when rate limited), without a body: the server's
    /// error layer writes the page or the JSON in the reader's language.
    fn into_response(self) -> axum::response::Response {
        use axum::http::{header, HeaderValue, StatusCode};
        self.log();
        let status = StatusCode::from_u16(self.kind().status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut res = status.into_response();
        if let AppError::RateLimited { retry_after, .. } = self {
            if let Ok(v) = HeaderValue::from_str(&retry_after.max(1).to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_refusals_keep_their_meaning() {
        assert!(matches!(AppError::from(StoreError::NotFound), AppError::NotFound));
        assert!(matches!(AppError::from(StoreError::Conflict), AppError::Conflict("conflict")));
        assert!(matches!(
            AppError::from(StoreError::Refused(domain::TransitionError::NotAllowedNow)),
            AppError::Conflict("not_allowed_now")
        ));
        let taken = AppError::from(StoreError::Rejected(FieldError::new("email", "email_taken")));
        assert!(matches!(&taken, AppError::Invalid(e) if e == &[FieldError::new("email", "email_taken")]));
        assert_eq!(AppError::from(StoreError::Corrupt("x".into())).kind(), ErrorKind::Internal);
    }

    #[test]
    fn each_variant_has_its_kind() {
        let all = [
            AppError::SignIn,
            AppError::Forbidden,
            AppError::NotFound,
            AppError::field("x", "required"),
            AppError::Conflict("conflict"),
            AppError::RateLimited { retry_after: 5, errors: vec![] },
            AppError::Internal(StoreError::Corrupt("x".into())),
        ];
        let statuses: Vec<u16> = all.iter().map(|e| e.kind().status()).collect();
        assert_eq!(statuses, [401, 403, 404, 422, 409, 429, 500]);
    }
}
