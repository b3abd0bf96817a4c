//! Several PostgreSQL statements in one round trip: they are sent as one simple query, with their
//! parameters written into the text as literals, and each statement's rows come back apart. A
//! transaction can so begin with its first reads (`BEGIN; …`) and end with its write
//! (`…; COMMIT`), which is what lets a booking group hold its locks for two round trips instead of
//! one per statement. Statements run often are prepared once per connection ([`prepare`]) and
//! run by name ([`execute`]), so that the server does not parse and plan them each time.

use sea_orm::sqlx::postgres::PgConnection;
use sea_orm::sqlx::{AssertSqlSafe, Either, Error as SqlxError};
use sea_orm::{DbErr, QueryResult, RuntimeErr, Statement, Value};

use crate::error::{StoreError, StoreResult};

/// The text of `stmt` (whose parameters are written `$1`, `$2`, …) with each parameter replaced
/// by its value as a literal. Strings are written as escape strings (`E'…'`), in which only the
/// backslash and the quote need escaping, whatever `standard_conforming_strings` is; the text is
/// scanned once, so a value that contains `$1` stays as it is. A `$` that is not a parameter (a
/// dollar-quoted string) is refused, as is a type this module does not write.
pub fn inline(stmt: &Statement) -> StoreResult<String> {
    let values = stmt.values.as_ref().map(|v| v.0.as_slice()).unwrap_or_default();
    let sql = stmt.sql.as_str();
    let mut out = String::with_capacity(sql.len() + values.len() * 16);
    let mut rest = sql;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let digits = rest[at + 1..].bytes().take_while(u8::is_ascii_digit).count();
        let index: usize = rest[at + 1..at + 1 + digits].parse().map_err(|_| unusable(sql, "a `$` that is not a parameter"))?;
        let value = index.checked_sub(1).and_then(|i| values.get(i)).ok_or_else(|| unusable(sql, format!("no value for ${index}")))?;
        push_literal(&mut out, value).map_err(|what| unusable(sql, what))?;
        rest = &rest[at + 1 + digits..];
    }
    out.push_str(rest);
    Ok(out)
}

fn unusable(sql: &str, why: impl std::fmt::Display) -> StoreError {
    StoreError::Db(DbErr::Custom(format!("cannot write the statement with its values ({why}): {sql}")))
}

/// `EXECUTE name(…)` of a statement prepared on the connection (see [`prepare`]), with the values
/// of `stmt` written in as literals.
pub fn execute(name: &str, stmt: &Statement) -> StoreResult<String> {
    let values = stmt.values.as_ref().map(|v| v.0.as_slice()).unwrap_or_default();
    let mut out = format!("EXECUTE {name}(");
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_literal(&mut out, value).map_err(|what| unusable(&stmt.sql, what))?;
    }
    out.push(')');
    Ok(out)
}

/// `PREPARE name AS …` of the text of `stmt`: the connection parses and plans it once, and runs
/// it with [`execute`] for as long as it lives.
pub fn prepare(name: &str, stmt: &Statement) -> String {
    format!("PREPARE {name} AS {}", stmt.sql)
}

/// Writes one value as a PostgreSQL literal.
fn push_literal(out: &mut String, value: &Value) -> Result<(), String> {
    use std::fmt::Write;
    match value {
        Value::Bool(Some(b)) => out.push_str(if *b { "true" } else { "false" }),
        Value::TinyInt(Some(n)) => write!(out, "{n}").expect("writing to a string"),
        Value::SmallInt(Some(n)) => write!(out, "{n}").expect("writing to a string"),
        Value::Int(Some(n)) => write!(out, "{n}").expect("writing to a string"),
        Value::BigInt(Some(n)) => write!(out, "{n}").expect("writing to a string"),
        Value::String(Some(s)) => push_string(out, s),
        Value::Bool(None) | Value::TinyInt(None) | Value::SmallInt(None) | Value::Int(None) | Value::BigInt(None) | Value::String(None) => out.push_str("NULL"),
        other => return Err(format!("a value of type {other:?}")),
    }
    Ok(())
}

/// A string as an escape string constant.
fn push_string(out: &mut String, s: &str) {
    out.push_str("E'");
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("''"),
            c => out.push(c),
        }
    }
    out.push('\'');
}

/// Why a pipeline stopped: the error, and how many of its statements had completed before it.
#[derive(Debug)]
pub struct Interrupted {
    pub completed: usize,
    pub error: StoreError,
}

impl Interrupted {
    /// Whether the database refused a statement (rather than the connection failing): the
    /// statements after it did not run, and the connection is still usable.
    pub fn is_refusal(&self) -> bool {
        matches!(&self.error, StoreError::Db(DbErr::Query(RuntimeErr::SqlxError(e))) if matches!(**e, SqlxError::Database(_)))
    }

    /// Whether a statement was not prepared on this connection (see [`prepare`]).
    pub fn is_unprepared(&self) -> bool {
        self.code().as_deref() == Some("26000")
    }

    /// The SQLSTATE of the refusal, if the database refused.
    pub fn code(&self) -> Option<String> {
        match &self.error {
            StoreError::Db(DbErr::Query(RuntimeErr::SqlxError(e))) => match &**e {
                SqlxError::Database(d) => d.code().map(|c| c.into_owned()),
                _ => None,
            },
            _ => None,
        }
    }
}

/// Runs `statements` (complete, with their values written in) as one simple query: one round
/// trip. Gives the rows of each statement in order. The statements run in the connection's
/// current transaction; outside one, PostgreSQL runs them as one implicit transaction.
pub async fn run(conn: &mut PgConnection, statements: &[String]) -> Result<Vec<Vec<QueryResult>>, Interrupted> {
    use futures_util::StreamExt;
    let sql = statements.join(";\n");
    let mut results: Vec<Vec<QueryResult>> = Vec::with_capacity(statements.len());
    let mut rows = Vec::new();
    let mut stream = sea_orm::sqlx::raw_sql(AssertSqlSafe(sql)).fetch_many(conn);
    while let Some(item) = stream.next().await {
        match item {
            Ok(Either::Right(row)) => rows.push(QueryResult::from(row)),
            Ok(Either::Left(_)) => results.push(std::mem::take(&mut rows)),
            Err(e) => return Err(Interrupted { completed: results.len(), error: StoreError::Db(DbErr::Query(RuntimeErr::SqlxError(e.into()))) }),
        }
    }
    if results.len() != statements.len() {
        let error = StoreError::Db(DbErr::Custom(format!("{} of {} statements answered", results.len(), statements.len())));
        return Err(Interrupted { completed: results.len(), error });
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use sea_orm::DbBackend;

    use super::*;

    fn stmt(sql: &str, values: Vec<Value>) -> Statement {
        Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
    }

    #[test]
    fn parameters_are_replaced_once_in_one_pass() {
        let s = stmt("SELECT $1::jsonb, $2, $10, $1", vec!["[\"$2\"]".into(), 7i64.into(), 1i32.into(), 2i32.into(), 3i32.into(), 4i32.into(), 5i32.into(), 6i32.into(), 8i32.into(), None::<i64>.into()]);
        assert_eq!(inline(&s).unwrap(), "SELECT E'[\"$2\"]'::jsonb, 7, NULL, E'[\"$2\"]'");
    }

    #[test]
    fn a_prepared_statement_is_executed_with_its_values() {
        let s = stmt("SELECT $1::jsonb, $2", vec!["[\"it's\"]".into(), None::<String>.into()]);
        assert_eq!(prepare("sango_x", &s), "PREPARE sango_x AS SELECT $1::jsonb, $2");
        assert_eq!(execute("sango_x", &s).unwrap(), "EXECUTE sango_x(E'[\"it''s\"]', NULL)");
    }

    #[test]
    fn quotes_and_backslashes_are_escaped() {
        let s = stmt("SELECT $1", vec!["it's a \\' trap; DROP TABLE x; --".into()]);
        assert_eq!(inline(&s).unwrap(), "SELECT E'it''s a \\\\'' trap; DROP TABLE x; --'");
    }

    #[test]
    fn a_missing_value_or_a_stray_dollar_is_refused() {
        assert!(inline(&stmt("SELECT $2", vec![1i64.into()])).is_err());
        assert!(inline(&stmt("SELECT $$x$$", vec![])).is_err());
        assert!(inline(&stmt("SELECT $0", vec![1i64.into()])).is_err());
        assert!(inline(&stmt("SELECT $1", vec![1.5f64.into()])).is_err());
    }
}
