//! Recorded use read in bulk for pricing: one query joining every used, recorded day (of a period,
//! or of some cases) with its booking and case, with no per-booking round trips.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, FromQueryResult};
use sango_domain::{HouseholdTier, LgCode, ServiceType};

use crate::entity::{booking, booking_day, care_case};
use crate::error::{StoreError, StoreResult};

/// One day of recorded use (利用実績) with what settlement needs of its booking and case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsedDay {
    pub booking_id: i64,
    pub reference: String,
    pub date: NaiveDate,
    pub facility_id: i64,
    pub service_type: ServiceType,
    pub case_id: i64,
    /// The case's municipality (the resident municipality).
    pub municipality: LgCode,
    pub tier: HouseholdTier,
    pub infants: u32,
    pub sibling: bool,
    pub over_four_months: bool,
    pub high_need: bool,
    pub recorded_at: DateTime<Utc>,
}

#[derive(FromQueryResult)]
struct Row {
    booking_id: i64,
    reference: String,
    date: NaiveDate,
    facility_id: i64,
    service_type: String,
    case_id: i64,
    municipality_code: String,
    tier: String,
    infants: Option<i32>,
    sibling: bool,
    over_four_months: bool,
    high_need: bool,
    recorded_at: DateTime<Utc>,
}

/// Every day recorded as used between `from` and `to` (inclusive) of a booking that was not
/// cancelled, ordered by date and booking id.
pub async fn used_days(c: &impl ConnectionTrait, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<UsedDay>> {
    read(c, Expr::col((booking_day::Entity, booking_day::Column::Date)).between(from, to)).await
}

/// Every day recorded as used by `cases` (at most a few thousand) on a booking that was not
/// cancelled, ordered by date and booking id.
pub async fn used_days_of_cases(c: &impl ConnectionTrait, cases: &[i64]) -> StoreResult<Vec<UsedDay>> {
    if cases.is_empty() {
        return Ok(Vec::new());
    }
    read(c, Expr::col((booking::Entity, booking::Column::CaseId)).is_in(cases.iter().copied())).await
}

async fn read(c: &impl ConnectionTrait, which: SimpleExpr) -> StoreResult<Vec<UsedDay>> {
    use booking_day::Column as D;
    let (d, b, k) = (booking_day::Entity, booking::Entity, care_case::Entity);
    let q = Query::select()
        .column((d, D::BookingId))
        .column((b, booking::Column::Reference))
        .column((d, D::Date))
        .column((b, booking::Column::FacilityId))
        .column((b, booking::Column::ServiceType))
        .column((b, booking::Column::CaseId))
        .column((k, care_case::Column::MunicipalityCode))
        .column((k, care_case::Column::Tier))
        .column((d, D::Infants))
        .column((d, D::Sibling))
        .column((d, D::OverFourMonths))
        .column((d, D::HighNeed))
        .column((d, D::RecordedAt))
        .from(d)
        .inner_join(b, Expr::col((b, booking::Column::Id)).equals((d, D::BookingId)))
        .inner_join(k, Expr::col((k, care_case::Column::Id)).equals((b, booking::Column::CaseId)))
        .and_where(Expr::col((d, D::Outcome)).eq(sango_domain::Outcome::Used.as_str()))
        .and_where(Expr::col((d, D::RecordedAt)).is_not_null())
        .and_where(Expr::col((d, D::RecordedBy)).is_not_null())
        .and_where(Expr::col((b, booking::Column::Status)).ne(sango_domain::BookingStatus::Cancelled.as_str()))
        .and_where(which)
        .to_owned();
    let rows = Row::find_by_statement(c.get_database_backend().build(&q)).all(c).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let bad = |m: String| StoreError::corrupt("booking", r.booking_id, m);
        out.push(UsedDay {
            booking_id: r.booking_id,
            date: r.date,
            facility_id: r.facility_id,
            service_type: ServiceType::parse(&r.service_type).map_err(|e| bad(e.to_string()))?,
            case_id: r.case_id,
            municipality: LgCode::parse(&r.municipality_code).map_err(|e| bad(e.to_string()))?,
            tier: HouseholdTier::parse(&r.tier).map_err(|e| bad(e.to_string()))?,
            infants: Ord::max(r.infants.unwrap_or(1), 0) as u32,
            sibling: r.sibling,
            over_four_months: r.over_four_months,
            high_need: r.high_need,
            recorded_at: r.recorded_at,
            reference: r.reference,
        });
    }
    out.sort_unstable_by_key(|u| (u.date, u.booking_id));
    Ok(out)
}
