//! The `lottery_draw` table: a draw with its seed, so that anyone can re-run it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "lottery_draw")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Whose applicants were drawn.
    pub municipality_code: String,
    pub facility_id: i64,
    pub service_type: String,
    pub first_date: Date,
    pub seed: i64,
    /// Priority classes in order, comma-separated.
    pub classes: String,
    pub slots: i32,
    /// Application ids, JSON arrays.
    #[sea_orm(column_type = "Text")]
    pub winners: String,
    #[sea_orm(column_type = "Text")]
    pub losers: String,
    pub run_at: DateTimeUtc,
    pub run_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
