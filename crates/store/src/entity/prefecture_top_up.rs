//! The `prefecture_top_up` table: one row per version of a prefecture's own top-ups.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "prefecture_top_up")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub prefecture_code: String,
    pub version: i32,
    pub effective_from: Date,
    /// The top-ups in force from `effective_from`, as JSON of `Vec<TopUpKind>`.
    #[sea_orm(column_type = "Text")]
    pub kinds: String,
    pub created_at: DateTimeUtc,
    pub created_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
