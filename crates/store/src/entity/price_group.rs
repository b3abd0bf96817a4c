//! The `price_group` table: what statements tell priced uses apart by, but the month (see
//! `crate::pricing`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "price_group")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub resident: String,
    pub payer: String,
    pub facility_id: i64,
    pub facility_municipality: String,
    pub service_type: String,
    /// The agreement's code, '' for none.
    pub agreement: String,
    pub rule_set: String,
    /// The label of the prefecture's stored top-up version in force, '' for none.
    pub top_ups: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
