//! The `priced_use` table: one used day with the money it was priced at (see `crate::pricing`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "priced_use")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub booking_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub date: Date,
    pub case_id: i64,
    pub fiscal_year: i32,
    /// The first day of the month of `date`.
    pub month: Date,
    /// Its `price_group`.
    pub group_id: i64,
    pub use_ordinal: i32,
    pub unit_price: i64,
    pub user_fee: i64,
    pub addition_total: i64,
    pub gross_cost: i64,
    pub reduction: i64,
    pub user_pays: i64,
    pub public_cost: i64,
    pub eligible_cost: i64,
    pub national: i64,
    pub prefecture: i64,
    pub municipality: i64,
    pub prefecture_top_up: i64,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
