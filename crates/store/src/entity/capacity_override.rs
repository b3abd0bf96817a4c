//! The `capacity_override` table: capacity published by a facility for one date and type.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "capacity_override")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub facility_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub service_type: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub date: Date,
    pub capacity: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
