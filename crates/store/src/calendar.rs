//! Calendar rows: capacity overrides and taken slots per facility, type and date.

use chrono::NaiveDate;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Statement, sea_query::OnConflict};
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
            .exec_without_returning(c)
            .await?;
    }
    Ok(())
}

/// The overrides of the given facilities.
pub async fn overrides(c: &impl ConnectionTrait, facilities: &[i64]) -> StoreResult<Vec<DayCount>> {
    let rows = capacity_override::Entity::find().filter(capacity_override::Column::FacilityId.is_in(facilities.to_vec())).all(c).await?;
    rows.into_iter().map(|r| day_count("capacity_override", r.facility_id, &r.service_type, r.date, r.capacity)).collect()
}

/// The taken counts of the given facilities.
pub async fn taken(c: &impl ConnectionTrait, facilities: &[i64]) -> StoreResult<Vec<DayCount>> {
    let rows = slot::Entity::find().filter(slot::Column::FacilityId.is_in(facilities.to_vec())).all(c).await?;
    rows.into_iter().map(|r| day_count("slot", r.facility_id, &r.service_type, r.date, r.taken)).collect()
}

fn day_count(table: &'static str, facility_id: i64, t: &str, date: NaiveDate, n: i32) -> StoreResult<DayCount> {
    let service_type = ServiceType::parse(t).map_err(|e| StoreError::corrupt(table, facility_id, e))?;
    let count = u32::try_from(n).map_err(|_| StoreError::corrupt(table, facility_id, "negative count"))?;
    Ok(DayCount { facility_id, service_type, date, count })
}

/// Takes one slot on each date where fewer than the capacity are taken, one statement per date:
/// an upsert whose condition computes the capacity in the same statement (0 on a closure, else the
/// override for the date, else the daily capacity; 0 if the type is not offered), so no reader can
/// slip between the check and the increment. Returns the dates that were full; when any is, the
/// caller must roll back (the other dates were taken).
pub async fn take_within_capacity(c: &impl ConnectionTrait, facility: i64, t: ServiceType, dates: &[NaiveDate]) -> StoreResult<Vec<NaiveDate>> {
    let sql = take_sql(c.get_database_backend());
    let mut full = Vec::new();
    for date in dates {
        let values: Vec<sea_orm::Value> = vec![facility.into(), t.as_str().into(), (*date).into()];
        let res = c.execute_raw(Statement::from_sql_and_values(c.get_database_backend(), sql.as_str(), values)).await?;
        if res.rows_affected() == 0 {
            full.push(*date);
        }
    }
    Ok(full)
}

/// The statement behind [`take_within_capacity`], with the backend's numbered placeholders for
/// (facility, type, date).
fn take_sql(backend: DbBackend) -> String {
    let capacity = capacity_sql("{1}", "{2}", "{3}");
    let sql = format!(
        "INSERT INTO slot (facility_id, service_type, date, taken) SELECT {{1}}, {{2}}, {{3}}, 1 WHERE ({capacity}) > 0 \
         ON CONFLICT (facility_id, service_type, date) DO UPDATE SET taken = slot.taken + 1 WHERE slot.taken < ({capacity})"
    );
    let mark = placeholder(backend);
    sql.replace("{1}", &mark(1)).replace("{2}", &mark(2)).replace("{3}", &mark(3))
}

/// The capacity of a facility's type on a date, as an SQL expression over the given facility,
/// type and date expressions: 0 on a closure, else the override for the date, else the daily
/// capacity; 0 if the type is not offered.
pub(crate) fn capacity_sql(facility: &str, t: &str, date: &str) -> String {
    format!(
        "CASE WHEN EXISTS (SELECT 1 FROM facility_closure fc WHERE fc.facility_id = {facility} AND (fc.service_type IS NULL OR fc.service_type = {t}) AND fc.from_date <= {date} AND fc.to_date >= {date}) THEN 0 \
         ELSE COALESCE((SELECT o.capacity FROM capacity_override o WHERE o.facility_id = {facility} AND o.service_type = {t} AND o.date = {date}), \
                       (SELECT fs.daily_capacity FROM facility_service fs WHERE fs.facility_id = {facility} AND fs.service_type = {t}), 0) END"
    )
}

/// The backend's numbered placeholder.
fn placeholder(backend: DbBackend) -> impl Fn(usize) -> String {
    let mark = if backend == DbBackend::Postgres { "$" } else { "?" };
    move |i| format!("{mark}{i}")
}

/// A slot read for a group of bookings: how many are taken and the capacity that day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlotState {
    pub facility_id: i64,
    pub service_type: ServiceType,
    pub date: NaiveDate,
    pub taken: u32,
    pub capacity: u32,
}

/// The days of a facility from `from` on that hold bookings, each with its taken count and its
/// capacity as this transaction sees them, in key order. With `lock` their slot rows stay locked
/// (on PostgreSQL; on SQLite the write transaction excludes every other writer) until the
/// transaction ends, in the order a booking group locks them.
pub async fn booked_from(c: &impl ConnectionTrait, facility: i64, from: NaiveDate, lock: bool) -> StoreResult<Vec<SlotState>> {
    let backend = c.get_database_backend();
    let mark = placeholder(backend);
    let capacity = capacity_sql("s.facility_id", "s.service_type", "s.date");
    let lock = if lock && backend == DbBackend::Postgres { " FOR UPDATE" } else { "" };
    let sql = format!(
        "SELECT s.service_type, s.date, CAST(s.taken AS BIGINT) AS taken, CAST({capacity} AS BIGINT) AS capacity FROM slot s \
         WHERE s.facility_id = {} AND s.date >= {} AND s.taken > 0 ORDER BY s.service_type, s.date{lock}",
        mark(1),
        mark(2)
    );
    let rows = c.query_all_raw(Statement::from_sql_and_values(backend, sql, [facility.into(), from.into()])).await?;
    rows.iter().map(|row| slot_state(row, facility, "")).collect()
}

/// A slot read from a row whose slot columns are named with `prefix`.
pub(crate) fn slot_state(row: &sea_orm::QueryResult, facility_id: i64, prefix: &str) -> StoreResult<SlotState> {
    let t: String = row.try_get("", &format!("{prefix}service_type"))?;
    let service_type = ServiceType::parse(&t).map_err(|e| StoreError::corrupt("slot", facility_id, e.to_string()))?;
    let count = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
    Ok(SlotState {
        facility_id,
        service_type,
        date: row.try_get("", &format!("{prefix}date"))?,
        taken: count(row.try_get("", &format!("{prefix}taken"))?),
        capacity: count(row.try_get("", &format!("{prefix}capacity"))?),
    })
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
