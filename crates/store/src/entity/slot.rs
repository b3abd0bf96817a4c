//! The `slot` table: how many guests (or visits) are taken at a facility for a type and date.
//! Only dates with something taken have a row.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "slot")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub facility_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub service_type: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub date: Date,
    pub taken: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
