//! The domain's one error type: what was wrong, and which input field it was.

use std::fmt;

/// Result alias for domain validation.
pub type DomainResult<T> = Result<T, DomainError>;

/// A value that broke a domain rule. `field` is a dotted path to the input at fault
/// (for example `rules.fees[SHORT_STAY].NON_TAXED`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainError {
    pub field: String,
    pub message: String,
}

impl DomainError {
    /// A value that is not acceptable for `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }

    /// The same error with `prefix.` put in front of its field path.
    pub fn within(mut self, prefix: &str) -> Self {
        self.field = if self.field.is_empty() {
            prefix.to_string()
        } else if self.field.starts_with('[') {
            format!("{prefix}{}", self.field)
        } else {
            format!("{prefix}.{}", self.field)
        };
        self
    }
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for DomainError {}
