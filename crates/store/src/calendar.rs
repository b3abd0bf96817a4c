//! Calendar rows: capacity overrides and taken slots per facility, type and date.

use chrono::NaiveDate;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::OnConflict};
use sango_domain::ServiceType;

use crate::entity::{capacity_override, slot};
use crate::error::{StoreError, StoreResult};

/// One date's number for a facility and type (a capacity or a count taken).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayCount {
    pub facility_id: i64,
    pub service_type: ServiceType,
    pub date: NaiveDate,
    pub count: u32,
}

/// Sets capacity overrides (replacing any for the same dates).
pub async fn set_overrides(c: &impl ConnectionTrait, rows: &[DayCount]) -> StoreResult<()> {
    for chunk in rows.chunks(500) {
        let models = chunk.iter().map(|r| capacity_override::ActiveModel {
            facility_id: Set(r.facility_id),
            service_type: Set(r.service_type.as_str().to_owned()),
            date: Set(r.date),
            capacity: Set(r.count as i32),
        });
        use capacity_override::Column as C;
        capacity_override::Entity::insert_many(models)
            .on_conflict(OnConflict::columns([C::FacilityId, C::ServiceType, C::Date]).update_column(C::Capacity).to_owned())
            .exec(c)
            .await?;
    }
    Ok(())
}

/// Sets taken counts (replacing any for the same dates).
pub async fn set_taken(c: &impl ConnectionTrait, rows: &[DayCount]) -> StoreResult<()> {
    for chunk in rows.chunks(500) {
        let models = chunk.iter().map(|r| slot::ActiveModel {
            facility_id: Set(r.facility_id),
            service_type: Set(r.service_type.as_str().to_owned()),
            date: Set(r.date),
            taken: Set(r.count as i32),
        });
        use slot::Column as C;
        slot::Entity::insert_many(models)
            .on_conflict(OnConflict::columns([C::FacilityId, C::ServiceType, C::Date]).update_column(C::Taken).to_owned())
            .exec(c)
            .await?;
    }
    Ok(())
}

/// Every override, optionally of one facility.
pub async fn overrides(c: &impl ConnectionTrait, facility: Option<i64>) -> StoreResult<Vec<DayCount>> {
    let mut q = capacity_override::Entity::find();
    if let Some(f) = facility {
        q = q.filter(capacity_override::Column::FacilityId.eq(f));
    }
    q.all(c).await?.into_iter().map(|r| day_count("capacity_override", r.facility_id, &r.service_type, r.date, r.capacity)).collect()
}

/// Every taken count, optionally of one facility.
pub async fn taken(c: &impl ConnectionTrait, facility: Option<i64>) -> StoreResult<Vec<DayCount>> {
    let mut q = slot::Entity::find();
    if let Some(f) = facility {
        q = q.filter(slot::Column::FacilityId.eq(f));
    }
    q.all(c).await?.into_iter().map(|r| day_count("slot", r.facility_id, &r.service_type, r.date, r.taken)).collect()
}

fn day_count(table: &'static str, facility_id: i64, t: &str, date: NaiveDate, n: i32) -> StoreResult<DayCount> {
    let service_type = ServiceType::parse(t).map_err(|e| StoreError::corrupt(table, facility_id, e))?;
    let count = u32::try_from(n).map_err(|_| StoreError::corrupt(table, facility_id, "negative count"))?;
    Ok(DayCount { facility_id, service_type, date, count })
}
