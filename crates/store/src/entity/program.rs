//! The `program` table: one row per version of a municipality's programme for a fiscal year.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "program")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub municipality_code: String,
    pub fiscal_year: i32,
    pub version: i32,
    pub method: String,
    /// `ProgramRules` as JSON.
    #[sea_orm(column_type = "Text")]
    pub rules: String,
    pub created_at: DateTimeUtc,
    pub created_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
