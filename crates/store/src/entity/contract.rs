//! The `contract` table: one row per version; `contract_no` ties the versions of one contract.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "contract")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub contract_no: i64,
    pub version: i32,
    /// True on the newest version only.
    pub current: bool,
    pub municipality_code: String,
    pub facility_id: i64,
    pub service_type: String,
    pub unit_price: i64,
    pub addition_multiple: i64,
    pub addition_sibling: i64,
    pub addition_over_four_months: i64,
    pub addition_high_need: i64,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub created_at: DateTimeUtc,
    pub created_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
