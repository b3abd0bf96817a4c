//! The `care_case` table: one pseudonymous mother–infant case (利用者). No names, no addresses.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "care_case")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub reference: String,
    pub municipality_code: String,
    pub tier: String,
    pub infant_birth_date: Date,
    pub multiples: i32,
    pub high_need: bool,
    /// Flagged for cross-boundary coordination by the prefecture.
    pub coordination: bool,
    pub registered_on: Date,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub created_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
