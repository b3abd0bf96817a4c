//! The `application` table: a lottery application, until the draw decides it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "application")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub reference: String,
    pub case_id: i64,
    pub facility_id: i64,
    pub service_type: String,
    pub first_date: Date,
    pub last_date: Date,
    /// PENDING, WON, LOST or WITHDRAWN.
    pub status: String,
    pub draw_id: Option<i64>,
    pub booking_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub created_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
