//! The `facility_service` table: a service type a facility offers and its daily capacity.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "facility_service")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub facility_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub service_type: String,
    pub daily_capacity: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
