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

/// Capacity of a facility's type on each of `dates`, read inside the caller's transaction:
/// 0 on a closure, else the override for the date, else the daily capacity (0 if not offered).
pub async fn capacity_on(c: &impl ConnectionTrait, facility: i64, t: ServiceType, dates: &[NaiveDate]) -> StoreResult<Vec<u32>> {
    use crate::entity::{facility_closure, facility_service};
    let daily = facility_service::Entity::find_by_id((facility, t.as_str().to_owned())).one(c).await?.map_or(0, |s| s.daily_capacity.max(0) as u32);
    let (Some(first), Some(last)) = (dates.iter().min(), dates.iter().max()) else { return Ok(vec![]) };
    let closures = facility_closure::Entity::find()
        .filter(facility_closure::Column::FacilityId.eq(facility))
        .filter(facility_closure::Column::FromDate.lte(*last))
        .filter(facility_closure::Column::ToDate.gte(*first))
        .all(c)
        .await?;
    let overrides = capacity_override::Entity::find()
        .filter(capacity_override::Column::FacilityId.eq(facility))
        .filter(capacity_override::Column::ServiceType.eq(t.as_str()))
        .filter(capacity_override::Column::Date.between(*first, *last))
        .all(c)
        .await?;
    Ok(dates
        .iter()
        .map(|d| {
            let closed = closures.iter().any(|cl| cl.from_date <= *d && *d <= cl.to_date && cl.service_type.as_deref().is_none_or(|s| s == t.as_str()));
            if closed {
                0
            } else {
                overrides.iter().find(|o| o.date == *d).map_or(daily, |o| o.capacity.max(0) as u32)
            }
        })
        .collect())
}

/// Takes one slot on each date where fewer than its capacity are taken, with one conditional
/// `UPDATE … SET taken = taken + 1 WHERE … AND taken < capacity` per date. Returns the dates that
/// were full; when any is, the caller must roll back (the other dates were taken).
pub async fn take_one(c: &impl ConnectionTrait, facility: i64, t: ServiceType, dates: &[(NaiveDate, u32)]) -> StoreResult<Vec<NaiveDate>> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    let mut full = Vec::new();
    for (date, capacity) in dates {
        let row = slot::ActiveModel { facility_id: Set(facility), service_type: Set(t.as_str().to_owned()), date: Set(*date), taken: Set(0) };
        slot::Entity::insert(row).on_conflict_do_nothing_on([slot::Column::FacilityId, slot::Column::ServiceType, slot::Column::Date]).exec(c).await?;
        let res = slot::Entity::update_many()
            .col_expr(slot::Column::Taken, Expr::col(slot::Column::Taken).add(1))
            .filter(slot::Column::FacilityId.eq(facility))
            .filter(slot::Column::ServiceType.eq(t.as_str()))
            .filter(slot::Column::Date.eq(*date))
            .filter(slot::Column::Taken.lt(*capacity as i32))
            .exec(c)
            .await?;
        if res.rows_affected == 0 {
            full.push(*date);
        }
    }
    Ok(full)
}

/// Gives back one slot on each date (never below zero).
pub async fn release_one(c: &impl ConnectionTrait, facility: i64, t: ServiceType, dates: &[NaiveDate]) -> StoreResult<()> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    slot::Entity::update_many()
        .col_expr(slot::Column::Taken, Expr::col(slot::Column::Taken).sub(1))
        .filter(slot::Column::FacilityId.eq(facility))
        .filter(slot::Column::ServiceType.eq(t.as_str()))
        .filter(slot::Column::Date.is_in(dates.to_vec()))
        .filter(slot::Column::Taken.gt(0))
        .exec(c)
        .await?;
    Ok(())
}

/// Taken counts of one facility's type on some dates.
pub async fn taken_on(c: &impl ConnectionTrait, facility: i64, t: ServiceType, dates: &[NaiveDate]) -> StoreResult<Vec<(NaiveDate, u32)>> {
    let rows = slot::Entity::find()
        .filter(slot::Column::FacilityId.eq(facility))
        .filter(slot::Column::ServiceType.eq(t.as_str()))
        .filter(slot::Column::Date.is_in(dates.to_vec()))
        .all(c)
        .await?;
    Ok(dates.iter().map(|d| (*d, rows.iter().find(|r| r.date == *d).map_or(0, |r| r.taken.max(0) as u32))).collect())
}
