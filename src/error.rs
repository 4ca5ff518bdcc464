//! One error type for handlers. Each variant maps to a status; the page the
//! user sees is added by the error-page middleware (`routes::page`, with the
//! template in `views::errors`) with a request id, and the cause goes to the
//! log only. A leaf: it names nothing of the crate.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError, http::header};
use diesel::result::{DatabaseErrorKind, Error as DieselError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// Signed-out visitor on a page that needs a user: sent to sign in.
    #[error("sign-in required")]
    Unauthenticated { next: String },
    /// The form's CSRF token or origin did not check out.
    #[error("request forgery check failed: {0}")]
    Csrf(&'static str),
    #[error("too many attempts")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The pool or the database cannot be reached right now.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Database(DieselError),
    #[error("{0}")]
    Internal(String),
}

impl From<DieselError> for AppError {
    fn from(e: DieselError) -> Self {
        match e {
            // Objects are loaded through scoped queries: not found is a 404.
            DieselError::NotFound => AppError::NotFound,
            DieselError::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                info,
            ) => AppError::Unavailable(info.message().to_owned()),
            DieselError::DatabaseError(_, info) if server_going_away(info.message()) => {
                AppError::Unavailable(info.message().to_owned())
            }
            other => AppError::Database(other),
        }
    }
}

/// PostgreSQL's words for a server that is crashing, stopping, starting
/// or recovering (SQLSTATE class 57, which diesel does not expose): the
/// request met an outage, not a fault, so it answers 503. A crash drill
/// saw "terminating connection because of crash of another server process"
/// answered as a 500.
fn server_going_away(message: &str) -> bool {
    [
        "terminating connection",
        "the database system is",
        "server closed the connection",
        "could not receive data from server",
        "no connection to the server",
    ]
    .iter()
    .any(|words| message.contains(words))
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::Csrf(_) => StatusCode::FORBIDDEN,
            AppError::Unauthenticated { .. } => StatusCode::SEE_OTHER,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Database(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A bare status: the error-page middleware renders the body, because it
    /// has the request (and so the request id) and this has not.
    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        match self {
            AppError::Unauthenticated { next } => {
                let next: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
                let location = format!("/login?next={next}");
                return HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, location))
                    .finish();
            }
            AppError::Unavailable(cause) => tracing::warn!(%cause, "database unavailable"),
            AppError::Database(cause) => tracing::error!(%cause, "database error"),
            AppError::Internal(cause) => tracing::error!(%cause, "internal error"),
            AppError::Csrf(why) => tracing::info!(why, "csrf check failed"),
            AppError::BadRequest(why) => tracing::info!(%why, "refused"),
            _ => {}
        }
        let mut response = HttpResponse::build(status);
        if let AppError::TooManyRequests { retry_after_secs } = self {
            response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.insert_header((header::RETRY_AFTER, "5"));
        }
        let mut response = response.finish();
        response
            .extensions_mut()
            .insert(ErrorDetail(self.public_detail()));
        response
    }
}

impl AppError {
    /// What may be shown to the user beyond the status's own text.
    fn public_detail(&self) -> Option<String> {
        match self {
            AppError::Csrf(_) => Some(
                "The form was too old or did not come from this site, so nothing was saved. \
                 Go back, reload the page and send it again."
                    .into(),
            ),
            AppError::BadRequest(why) => Some(why.clone()),
            _ => None,
        }
    }
}

/// A user-facing sentence the error page shows under its heading.
#[derive(Debug, Clone)]
pub struct ErrorDetail(pub Option<String>);

#[cfg(test)]
mod tests {
    use super::server_going_away;

    #[test]
    fn a_server_going_away_is_an_outage() {
        for message in [
            "terminating connection because of crash of another server process",
            "terminating connection due to administrator command",
            "the database system is in recovery mode",
            "the database system is starting up",
            "server closed the connection unexpectedly",
        ] {
            assert!(server_going_away(message), "{message}");
        }
        assert!(!server_going_away(
            "duplicate key value violates unique constraint"
        ));
    }
}
