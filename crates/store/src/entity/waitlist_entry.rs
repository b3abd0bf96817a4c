//! The `waitlist_entry` table: a case waiting for a slot; offered slots expire and pass on.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "waitlist_entry")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    pub facility_id: i64,
    pub service_type: String,
    pub first_date: Date,
    pub last_date: Date,
    /// WAITING, OFFERED, BOOKED, EXPIRED or WITHDRAWN.
    pub status: String,
    pub offered_at: Option<DateTimeUtc>,
    pub offer_expires_at: Option<DateTimeUtc>,
    pub booking_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub created_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
