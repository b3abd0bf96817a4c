//! The catalogue of errors the hub reports, each with a stable code and the input field at fault.

use std::fmt;

use sango_domain::DomainError;
use sango_store::StoreError;

/// Stable error codes, sent to clients as `extensions.code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    BadUserInput,
    Unauthenticated,
    Forbidden,
    NotFound,
    Conflict,
    /// Too many failed logins for a username or from a client; `retry_after` says when to try again.
    LoginThrottled,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound => "NOT_FOUND",
            Self::Conflict => "CONFLICT",
            Self::LoginThrottled => "LOGIN_THROTTLED",
            Self::Internal => "INTERNAL_SERVER_ERROR",
        }
    }
}

/// A random id (`E-1a2b3c4d5e6f`) tying an error a client saw to the log line with its cause.
pub fn incident_id() -> String {
    let mut bytes = [0u8; 6];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    format!("E-{}", hex::encode(bytes))
}

/// One problem in a multi-row input (an import file): where, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub row: Option<usize>,
    pub column: Option<String>,
    pub message: String,
}

/// A failed use case. Internal errors carry no detail for clients; the cause is logged once here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceError {
    pub code: ErrorCode,
    pub field: Option<String>,
    pub message: String,
    pub problems: Vec<Problem>,
    /// Seconds to wait before trying again (LOGIN_THROTTLED).
    pub retry_after: Option<u64>,
}

pub type ServiceResult<T> = Result<T, ServiceError>;

impl ServiceError {
    pub fn new(code: ErrorCode, field: Option<&str>, message: impl Into<String>) -> Self {
        Self { code, field: field.map(str::to_owned), message: message.into(), problems: vec![], retry_after: None }
    }

    pub fn bad_input(field: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadUserInput, Some(field), message)
    }

    pub fn not_found(field: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, Some(field), message)
    }

    pub fn conflict(field: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, Some(field), message)
    }

    pub fn unauthenticated() -> Self {
        Self::new(ErrorCode::Unauthenticated, None, "sign in: send a bearer token in the Authorization header")
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, None, message)
    }

    /// An unexpected failure: logged with its cause and an incident id, reported to the client
    /// with the id only, so that support can find the log line without the client seeing the cause.
    pub fn internal(cause: impl fmt::Display) -> Self {
        let id = incident_id();
        tracing::error!(incident = %id, %cause, "internal error");
        Self::new(ErrorCode::Internal, None, format!("internal error ({id}); it has been logged"))
    }

    /// The same error with `prefix.` in front of its field.
    pub fn within(mut self, prefix: &str) -> Self {
        self.field = Some(match self.field {
            Some(f) if f.starts_with('[') => format!("{prefix}{f}"),
            Some(f) => format!("{prefix}.{f}"),
            None => prefix.to_owned(),
        });
        self
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field}: {}", self.message)?,
            None => f.write_str(&self.message)?,
        }
        for p in &self.problems {
            let place = match (p.row, &p.column) {
                (Some(r), Some(c)) => format!("row {r}, column {c}"),
                (Some(r), None) => format!("row {r}"),
                (None, Some(c)) => format!("column {c}"),
                (None, None) => "file".to_owned(),
            };
            write!(f, "\n  {place}: {}", p.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}

impl From<DomainError> for ServiceError {
    fn from(e: DomainError) -> Self {
        Self::bad_input(&e.field, e.message)
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        Self::internal(e)
    }
}

impl From<sango_store::DbErr> for ServiceError {
    fn from(e: sango_store::DbErr) -> Self {
        Self::internal(e)
    }
}
