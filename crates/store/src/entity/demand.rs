//! The `demand` table: expected uses per municipality, month and service type.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "demand")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub municipality_code: String,
    /// The first day of the month.
    #[sea_orm(primary_key, auto_increment = false)]
    pub month: Date,
    #[sea_orm(primary_key, auto_increment = false)]
    pub service_type: String,
    pub uses: i32,
    pub synthetic: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
