//! The `booking_day` table: each day of a booking and, once recorded, what happened (利用実績).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "booking_day")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub booking_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub date: Date,
    /// USED or NO_SHOW once recorded.
    pub outcome: Option<String>,
    pub infants: Option<i32>,
    pub sibling: bool,
    pub over_four_months: bool,
    pub high_need: bool,
    pub recorded_at: Option<DateTimeUtc>,
    pub recorded_by: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
