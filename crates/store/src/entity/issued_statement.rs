//! The `issued_statement` table: a statement as issued; `scope` is unique (`FY2025`, `FY2025-06`, `FY2025-06-312011`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "issued_statement")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub scope: String,
    pub fiscal_year: i32,
    pub month: Option<Date>,
    pub municipality_code: Option<String>,
    /// The rule sets applied, comma-separated.
    pub rule_sets: String,
    /// SHA-256 of the use inputs.
    pub fingerprint: String,
    /// The statements as JSON.
    #[sea_orm(column_type = "Text")]
    pub content: String,
    pub issued_at: DateTimeUtc,
    pub issued_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
