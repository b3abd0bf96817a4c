//! The waitlist: cases waiting for slots at a facility, in the order they joined.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use sango_domain::ServiceType;

use crate::entity::waitlist_entry;
use crate::error::{StoreError, StoreResult};

/// Where a waitlist entry stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitStatus {
    Waiting,
    /// Slots are held for the case until `offer_expires_at`.
    Offered,
    Booked,
    Expired,
    Withdrawn,
}

impl WaitStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "WAITING",
            Self::Offered => "OFFERED",
            Self::Booked => "BOOKED",
            Self::Expired => "EXPIRED",
            Self::Withdrawn => "WITHDRAWN",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [Self::Waiting, Self::Offered, Self::Booked, Self::Expired, Self::Withdrawn].into_iter().find(|w| w.as_str() == s)
    }
}

/// A case waiting for consecutive dates `first..=last`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitlistEntry {
    pub id: i64,
    pub case_id: i64,
    pub facility_id: i64,
    pub service_type: ServiceType,
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub status: WaitStatus,
    pub offer_expires_at: Option<DateTime<Utc>>,
    pub booking_id: Option<i64>,
}

impl WaitlistEntry {
    pub fn dates(&self) -> Vec<NaiveDate> {
        self.first.iter_days().take_while(|d| *d <= self.last).collect()
    }
}

#[allow(clippy::too_many_arguments)]
pub async fn insert(c: &impl ConnectionTrait, case_id: i64, facility: i64, t: ServiceType, first: NaiveDate, last: NaiveDate, actor: &str, now: DateTime<Utc>) -> StoreResult<WaitlistEntry> {
    let row = waitlist_entry::ActiveModel {
        case_id: Set(case_id),
        facility_id: Set(facility),
        service_type: Set(t.as_str().to_owned()),
        first_date: Set(first),
        last_date: Set(last),
        status: Set(WaitStatus::Waiting.as_str().to_owned()),
        offered_at: Set(None),
        offer_expires_at: Set(None),
        booking_id: Set(None),
        created_at: Set(now),
        created_by: Set(actor.to_owned()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    to_record(row)
}

pub async fn by_id(c: &impl ConnectionTrait, id: i64) -> StoreResult<Option<WaitlistEntry>> {
    waitlist_entry::Entity::find_by_id(id).one(c).await?.map(to_record).transpose()
}

/// Entries of a facility's type with `status`, in joining order.
pub async fn in_line(c: &impl ConnectionTrait, facility: i64, t: ServiceType, status: WaitStatus) -> StoreResult<Vec<WaitlistEntry>> {
    waitlist_entry::Entity::find()
        .filter(waitlist_entry::Column::FacilityId.eq(facility))
        .filter(waitlist_entry::Column::ServiceType.eq(t.as_str()))
        .filter(waitlist_entry::Column::Status.eq(status.as_str()))
        .order_by_asc(waitlist_entry::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(to_record)
        .collect()
}

/// A case's entries, in joining order.
pub async fn of_case(c: &impl ConnectionTrait, case_id: i64) -> StoreResult<Vec<WaitlistEntry>> {
    waitlist_entry::Entity::find().filter(waitlist_entry::Column::CaseId.eq(case_id)).order_by_asc(waitlist_entry::Column::Id).all(c).await?.into_iter().map(to_record).collect()
}

/// Entries of the residents of `codes` with a date between `from` and `to`, in joining order.
pub async fn of_residents(c: &impl ConnectionTrait, codes: &[sango_domain::LgCode], from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<WaitlistEntry>> {
    waitlist_entry::Entity::find()
        .filter(waitlist_entry::Column::CaseId.in_subquery(crate::cases::ids_of_residents(codes)))
        .filter(waitlist_entry::Column::FirstDate.lte(to))
        .filter(waitlist_entry::Column::LastDate.gte(from))
        .order_by_asc(waitlist_entry::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(to_record)
        .collect()
}

/// Offers past their expiry.
pub async fn expired_offers(c: &impl ConnectionTrait, now: DateTime<Utc>) -> StoreResult<Vec<WaitlistEntry>> {
    waitlist_entry::Entity::find()
        .filter(waitlist_entry::Column::Status.eq(WaitStatus::Offered.as_str()))
        .filter(waitlist_entry::Column::OfferExpiresAt.lte(now))
        .order_by_asc(waitlist_entry::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(to_record)
        .collect()
}

/// Moves an entry from `from` to `to` status; false if it was no longer in `from` (someone else moved it).
pub async fn transition(c: &impl ConnectionTrait, id: i64, from: WaitStatus, to: WaitStatus, offer: Option<(DateTime<Utc>, DateTime<Utc>)>, booking_id: Option<i64>) -> StoreResult<bool> {
    use sea_orm::sea_query::Expr;
    let mut q = waitlist_entry::Entity::update_many().col_expr(waitlist_entry::Column::Status, Expr::value(to.as_str()));
    if let Some((at, expires)) = offer {
        q = q.col_expr(waitlist_entry::Column::OfferedAt, Expr::value(at)).col_expr(waitlist_entry::Column::OfferExpiresAt, Expr::value(expires));
    }
    if let Some(b) = booking_id {
        q = q.col_expr(waitlist_entry::Column::BookingId, Expr::value(b));
    }
    let res = q.filter(waitlist_entry::Column::Id.eq(id)).filter(waitlist_entry::Column::Status.eq(from.as_str())).exec(c).await?;
    Ok(res.rows_affected == 1)
}

fn to_record(r: waitlist_entry::Model) -> StoreResult<WaitlistEntry> {
    let bad = |m: &str| StoreError::corrupt("waitlist_entry", r.id, m);
    Ok(WaitlistEntry {
        id: r.id,
        case_id: r.case_id,
        facility_id: r.facility_id,
        service_type: ServiceType::parse(&r.service_type).map_err(|_| bad("service type"))?,
        first: r.first_date,
        last: r.last_date,
        status: WaitStatus::parse(&r.status).ok_or_else(|| bad("status"))?,
        offer_expires_at: r.offer_expires_at,
        booking_id: r.booking_id,
    })
}
