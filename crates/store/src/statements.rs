//! Issued statements: written once, read back as they were.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entity::issued_statement;
use crate::error::StoreResult;

/// A statement as issued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issued {
    pub scope: String,
    pub fiscal_year: i32,
    pub month: Option<NaiveDate>,
    /// The municipality the statement is limited to, if any.
    pub municipality: Option<String>,
    pub rule_sets: String,
    pub fingerprint: String,
    pub content: String,
    pub issued_at: DateTime<Utc>,
    pub issued_by: String,
}

/// Stores an issued statement; a second issue of the same scope fails on the unique index.
pub async fn insert(c: &impl ConnectionTrait, s: &Issued) -> StoreResult<()> {
    issued_statement::ActiveModel {
        scope: Set(s.scope.clone()),
        fiscal_year: Set(s.fiscal_year),
        month: Set(s.month),
        municipality_code: Set(s.municipality.clone()),
        rule_sets: Set(s.rule_sets.clone()),
        fingerprint: Set(s.fingerprint.clone()),
        content: Set(s.content.clone()),
        issued_at: Set(s.issued_at),
        issued_by: Set(s.issued_by.clone()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(())
}

pub async fn by_scope(c: &impl ConnectionTrait, scope: &str) -> StoreResult<Option<Issued>> {
    Ok(issued_statement::Entity::find().filter(issued_statement::Column::Scope.eq(scope)).one(c).await?.map(to_record))
}

/// Every statement issued for a fiscal year, oldest first.
pub async fn of_year(c: &impl ConnectionTrait, fy: i32) -> StoreResult<Vec<Issued>> {
    Ok(issued_statement::Entity::find().filter(issued_statement::Column::FiscalYear.eq(fy)).order_by_asc(issued_statement::Column::Id).all(c).await?.into_iter().map(to_record).collect())
}

fn to_record(r: issued_statement::Model) -> Issued {
    Issued { scope: r.scope, fiscal_year: r.fiscal_year, month: r.month, municipality: r.municipality_code, rule_sets: r.rule_sets, fingerprint: r.fingerprint, content: r.content, issued_at: r.issued_at, issued_by: r.issued_by }
}
