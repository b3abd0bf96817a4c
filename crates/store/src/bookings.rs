//! Bookings and their days, with cancellation and recorded use.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use sango_domain::{BookingSource, BookingStatus, LgCode, Outcome, ServiceType, Yen};

use crate::entity::{booking, booking_day};
use crate::error::{StoreError, StoreResult};

/// A booking with its days.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Booking {
    pub id: i64,
    pub reference: String,
    pub case_id: i64,
    pub facility_id: i64,
    pub service_type: ServiceType,
    pub days: Vec<BookedDay>,
    pub status: BookingStatus,
    pub source: BookingSource,
    pub idempotency_key: Option<String>,
    /// SHA-256 of the request, to tell a retry from a different request under the same key.
    pub fingerprint: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub cancellation: Option<Cancellation>,
}

/// How a booking was cancelled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cancellation {
    pub at: DateTime<Utc>,
    pub by: String,
    pub reason: String,
    /// Some when the cancellation was late.
    pub fee: Option<Yen>,
}

/// One day of a booking and what happened on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookedDay {
    pub date: NaiveDate,
    pub outcome: Option<Outcome>,
    pub use_record: Option<UseRecord>,
}

/// What the facility recorded for a day of use (利用実績), read by settlement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UseRecord {
    pub infants: u32,
    pub sibling: bool,
    pub over_four_months: bool,
    pub high_need: bool,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

/// What a new booking holds.
pub struct NewBooking<'a> {
    pub reference: &'a str,
    pub case_id: i64,
    pub facility_id: i64,
    pub service_type: ServiceType,
    pub dates: &'a [NaiveDate],
    pub source: BookingSource,
    pub idempotency_key: Option<&'a str>,
    pub fingerprint: &'a str,
}

impl NewBooking<'_> {
    /// The booking as stored with `id` at `created_at` by `actor`.
    pub(crate) fn stored(&self, id: i64, created_at: DateTime<Utc>, actor: &str) -> Booking {
        let mut dates = self.dates.to_vec();
        dates.sort();
        Booking {
            id,
            reference: self.reference.to_owned(),
            case_id: self.case_id,
            facility_id: self.facility_id,
            service_type: self.service_type,
            days: dates.into_iter().map(|date| BookedDay { date, outcome: None, use_record: None }).collect(),
            status: BookingStatus::Booked,
            source: self.source,
            idempotency_key: self.idempotency_key.map(str::to_owned),
            fingerprint: self.fingerprint.to_owned(),
            created_at,
            created_by: actor.to_owned(),
            cancellation: None,
        }
    }

    /// The first and last of its dates.
    pub(crate) fn span(&self) -> (NaiveDate, NaiveDate) {
        let first = *self.dates.iter().min().expect("a booking has days");
        let last = *self.dates.iter().max().expect("a booking has days");
        (first, last)
    }
}

/// Stores a booking and its days.
pub async fn insert(c: &impl ConnectionTrait, b: &NewBooking<'_>, actor: &str, now: DateTime<Utc>) -> StoreResult<Booking> {
    let mut stored = insert_all(c, &[(b, actor)], now).await?;
    Ok(stored.pop().expect("one booking stored"))
}

/// Days per insert statement (9 values each).
const DAY_CHUNK: usize = 500;

/// Bookings per insert statement (13 values each).
const BOOKING_CHUNK: usize = 200;

/// Stores several bookings, each with the actor who made it: one statement for the booking rows
/// (returning their ids) and one for all their days, per chunk.
pub async fn insert_all(c: &impl ConnectionTrait, items: &[(&NewBooking<'_>, &str)], now: DateTime<Utc>) -> StoreResult<Vec<Booking>> {
    use sea_orm::sea_query::{Expr, Query};
    use booking::Column as C;
    let mut stored = Vec::with_capacity(items.len());
    for chunk in items.chunks(BOOKING_CHUNK) {
        let mut q = Query::insert();
        q.into_table(booking::Entity)
            .columns([C::Reference, C::CaseId, C::FacilityId, C::ServiceType, C::FirstDate, C::LastDate, C::Units, C::Status, C::Source, C::IdempotencyKey, C::Fingerprint, C::CreatedAt, C::CreatedBy])
            .returning(Query::returning().columns([C::Id, C::Reference, C::CreatedAt]));
        for (b, actor) in chunk {
            let (first, last) = b.span();
            let values: [sea_orm::Value; 13] = [
                b.reference.into(),
                b.case_id.into(),
                b.facility_id.into(),
                b.service_type.as_str().into(),
                first.into(),
                last.into(),
                (b.dates.len() as i32).into(),
                BookingStatus::Booked.as_str().into(),
                b.source.as_str().into(),
                b.idempotency_key.map(str::to_owned).into(),
                b.fingerprint.into(),
                now.into(),
                (*actor).into(),
            ];
            q.values_panic(values.into_iter().map(Expr::val));
        }
        let rows = c.query_all_raw(c.get_database_backend().build(&q)).await?;
        // RETURNING gives no promise of order: match the rows by reference.
        let mut ids = std::collections::HashMap::with_capacity(rows.len());
        for row in rows {
            let reference: String = row.try_get("", "reference")?;
            ids.insert(reference, (row.try_get::<i64>("", "id")?, row.try_get::<DateTime<Utc>>("", "created_at")?));
        }
        for (b, actor) in chunk {
            let (id, created_at) = *ids.get(b.reference).ok_or_else(|| StoreError::corrupt("booking", b.reference, "the insert returned no row for it"))?;
            stored.push(b.stored(id, created_at, actor));
        }
    }
    let days: Vec<booking_day::ActiveModel> = stored
        .iter()
        .flat_map(|b| {
            b.days.iter().map(|d| booking_day::ActiveModel {
                booking_id: Set(b.id),
                date: Set(d.date),
                outcome: Set(None),
                infants: Set(None),
                sibling: Set(false),
                over_four_months: Set(false),
                high_need: Set(false),
                recorded_at: Set(None),
                recorded_by: Set(None),
            })
        })
        .collect();
    for chunk in days.chunks(DAY_CHUNK) {
        booking_day::Entity::insert_many(chunk.to_vec()).exec_without_returning(c).await?;
    }
    Ok(stored)
}

/// Which of `keys` are already the idempotency key of a stored booking.
pub async fn existing_keys(c: &impl ConnectionTrait, keys: &[&str]) -> StoreResult<Vec<String>> {
    if keys.is_empty() {
        return Ok(vec![]);
    }
    let keys: Vec<String> = keys.iter().map(|k| (*k).to_owned()).collect();
    let rows = booking::Entity::find().filter(booking::Column::IdempotencyKey.is_in(keys)).all(c).await?;
    Ok(rows.into_iter().filter_map(|r| r.idempotency_key).collect())
}

pub async fn by_idempotency_key(c: &impl ConnectionTrait, key: &str) -> StoreResult<Option<Booking>> {
    let rows = booking::Entity::find().filter(booking::Column::IdempotencyKey.eq(key)).all(c).await?;
    Ok(with_days(c, rows).await?.pop())
}

pub async fn by_reference(c: &impl ConnectionTrait, reference: &str) -> StoreResult<Option<Booking>> {
    let rows = booking::Entity::find().filter(booking::Column::Reference.eq(reference)).all(c).await?;
    Ok(with_days(c, rows).await?.pop())
}

pub async fn by_id(c: &impl ConnectionTrait, id: i64) -> StoreResult<Option<Booking>> {
    let rows = booking::Entity::find_by_id(id).all(c).await?;
    Ok(with_days(c, rows).await?.pop())
}

/// A case's bookings, oldest first.
pub async fn of_case(c: &impl ConnectionTrait, case_id: i64) -> StoreResult<Vec<Booking>> {
    let rows = booking::Entity::find().filter(booking::Column::CaseId.eq(case_id)).order_by_asc(booking::Column::Id).all(c).await?;
    with_days(c, rows).await
}

/// A facility's bookings with a day between `from` and `to`, oldest first.
pub async fn at_facility(c: &impl ConnectionTrait, facility: i64, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<Booking>> {
    let rows = booking::Entity::find()
        .filter(booking::Column::FacilityId.eq(facility))
        .filter(booking::Column::FirstDate.lte(to))
        .filter(booking::Column::LastDate.gte(from))
        .order_by_asc(booking::Column::Id)
        .all(c)
        .await?;
    with_days(c, rows).await
}

/// Bookings of the residents of `codes` (cancelled ones too) with a day between `from` and `to`, oldest first.
pub async fn of_residents(c: &impl ConnectionTrait, codes: &[LgCode], from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<Booking>> {
    let rows = booking::Entity::find()
        .filter(booking::Column::CaseId.in_subquery(crate::cases::ids_of_residents(codes)))
        .filter(booking::Column::FirstDate.lte(to))
        .filter(booking::Column::LastDate.gte(from))
        .order_by_asc(booking::Column::Id)
        .all(c)
        .await?;
    with_days(c, rows).await
}

/// Marks a booking cancelled; its case's use is to be priced again.
pub async fn cancel(c: &impl ConnectionTrait, id: i64, by: &str, reason: &str, fee: Option<Yen>, now: DateTime<Utc>) -> StoreResult<()> {
    let Some(row) = booking::Entity::find_by_id(id).one(c).await? else { return Ok(()) };
    let mut row: booking::ActiveModel = row.into();
    row.status = Set(BookingStatus::Cancelled.as_str().to_owned());
    row.cancelled_at = Set(Some(now));
    row.cancelled_by = Set(Some(by.to_owned()));
    row.cancel_reason = Set(Some(reason.to_owned()));
    row.cancellation_fee = Set(fee.map(|f| f.0));
    row.update(c).await?;
    crate::pricing::mark(c, &crate::pricing::Touched::Booking(id)).await
}

/// Records what happened on one day (its case's use is to be priced again); marks the booking
/// completed once every day is recorded.
pub async fn record_day(c: &impl ConnectionTrait, booking_id: i64, date: NaiveDate, outcome: Outcome, u: &UseRecord) -> StoreResult<()> {
    let Some(day) = booking_day::Entity::find_by_id((booking_id, date)).one(c).await? else { return Ok(()) };
    let mut day: booking_day::ActiveModel = day.into();
    day.outcome = Set(Some(outcome.as_str().to_owned()));
    day.infants = Set(Some(u.infants as i32));
    day.sibling = Set(u.sibling);
    day.over_four_months = Set(u.over_four_months);
    day.high_need = Set(u.high_need);
    day.recorded_at = Set(Some(u.recorded_at));
    day.recorded_by = Set(Some(u.recorded_by.clone()));
    day.update(c).await?;
    crate::pricing::mark(c, &crate::pricing::Touched::Booking(booking_id)).await?;
    let open = booking_day::Entity::find().filter(booking_day::Column::BookingId.eq(booking_id)).filter(booking_day::Column::Outcome.is_null()).all(c).await?;
    if open.is_empty() {
        booking::Entity::update_many()
            .col_expr(booking::Column::Status, sea_orm::sea_query::Expr::value(BookingStatus::Completed.as_str()))
            .filter(booking::Column::Id.eq(booking_id))
            .exec(c)
            .await?;
    }
    Ok(())
}

async fn with_days(c: &impl ConnectionTrait, rows: Vec<booking::Model>) -> StoreResult<Vec<Booking>> {
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let days = booking_day::Entity::find().filter(booking_day::Column::BookingId.is_in(ids)).order_by_asc(booking_day::Column::Date).all(c).await?;
    let mut days_of: std::collections::HashMap<i64, Vec<booking_day::Model>> = std::collections::HashMap::with_capacity(rows.len());
    for d in days {
        days_of.entry(d.booking_id).or_default().push(d);
    }
    rows.into_iter()
        .map(|r| {
            let bad = |m: String| StoreError::corrupt("booking", r.id, m);
            let mine = days_of
                .remove(&r.id)
                .unwrap_or_default()
                .into_iter()
                .map(|d| {
                    let outcome = d.outcome.as_deref().map(Outcome::parse).transpose().map_err(|e| bad(e.to_string()))?;
                    let use_record = match (d.recorded_at, &d.recorded_by) {
                        (Some(at), Some(by)) => Some(UseRecord {
                            infants: d.infants.unwrap_or(1).max(0) as u32,
                            sibling: d.sibling,
                            over_four_months: d.over_four_months,
                            high_need: d.high_need,
                            recorded_at: at,
                            recorded_by: by.clone(),
                        }),
                        _ => None,
                    };
                    Ok(BookedDay { date: d.date, outcome, use_record })
                })
                .collect::<StoreResult<Vec<_>>>()?;
            let cancellation = match (r.cancelled_at, &r.cancelled_by) {
                (Some(at), Some(by)) => Some(Cancellation { at, by: by.clone(), reason: r.cancel_reason.clone().unwrap_or_default(), fee: r.cancellation_fee.map(Yen) }),
                _ => None,
            };
            Ok(Booking {
                id: r.id,
                reference: r.reference.clone(),
                case_id: r.case_id,
                facility_id: r.facility_id,
                service_type: ServiceType::parse(&r.service_type).map_err(|e| bad(e.to_string()))?,
                days: mine,
                status: BookingStatus::parse(&r.status).map_err(|e| bad(e.to_string()))?,
                source: BookingSource::parse(&r.source).map_err(|e| bad(e.to_string()))?,
                idempotency_key: r.idempotency_key.clone(),
                fingerprint: r.fingerprint.clone(),
                created_at: r.created_at,
                created_by: r.created_by.clone(),
                cancellation,
            })
        })
        .collect()
}

/// Every booking with a day between `from` and `to`, oldest first.
pub async fn in_period(c: &impl ConnectionTrait, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<Booking>> {
    let rows = booking::Entity::find().filter(booking::Column::FirstDate.lte(to)).filter(booking::Column::LastDate.gte(from)).order_by_asc(booking::Column::Id).all(c).await?;
    with_days(c, rows).await
}
