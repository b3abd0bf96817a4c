//! The `booking` table: slots taken for a case at a facility, with how it ended.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "booking")]
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
    pub units: i32,
    pub status: String,
    pub source: String,
    pub idempotency_key: Option<String>,
    pub fingerprint: String,
    pub created_at: DateTimeUtc,
    pub created_by: String,
    pub cancelled_at: Option<DateTimeUtc>,
    pub cancelled_by: Option<String>,
    pub cancel_reason: Option<String>,
    pub cancellation_fee: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
