//! Store errors: the database failed, or a stored value no longer parses as a domain value.

use sea_orm::DbErr;

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    /// A row holds a value the domain refuses: the database was edited behind the hub's back.
    #[error("stored {table} row {key} is corrupt: {message}")]
    Corrupt { table: &'static str, key: String, message: String },
}

impl StoreError {
    pub(crate) fn corrupt(table: &'static str, key: impl ToString, message: impl ToString) -> Self {
        Self::Corrupt { table, key: key.to_string(), message: message.to_string() }
    }

    /// Whether the database refused the write because of a unique constraint.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Db(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))))
    }
}
