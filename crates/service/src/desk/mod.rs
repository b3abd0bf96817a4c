//! The prefecture coordinator's desk: supply against demand per municipality, the exact
//! cross-boundary plan, coverage and candidate sites, and the statistics a municipality
//! publishes. Aggregates only: no case is ever named. The maths is `sango_planning`'s; this
//! module reads the records and the in-memory calendars it needs and checks who may ask.

mod balance;
mod sites;
mod statistics;

use chrono::{Datelike, NaiveDate};
use sango_domain::{Coordinates, FiscalYear, LgCode, PrefectureCode, ServiceType};
use sango_planning::balance::FacilityMonth;

use crate::auth::Caller;
use crate::error::{ServiceError, ServiceResult};
use crate::hub::Hub;

pub use balance::{BalanceReport, MunicipalityBalance, PlanReport};
pub use sites::{Candidate, MunicipalityCoverage, SiteOutcome, SiteRanking};
pub use statistics::CareStatistics;

/// The longest travel limit the desk accepts, km.
pub const MAX_KM: f64 = 300.0;

/// One month of one type across a prefecture, with a travel limit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DeskQuery {
    pub prefecture: PrefectureCode,
    pub fiscal_year: FiscalYear,
    /// Calendar month, 1–12; April to December lie in the fiscal year's own calendar year.
    pub month: u32,
    pub service_type: ServiceType,
    /// Great-circle km from a municipality's centre to a facility (inclusive).
    pub max_km: f64,
}

impl DeskQuery {
    /// The first day of the month, checking the month and the travel limit.
    pub fn first_day(&self) -> ServiceResult<NaiveDate> {
        if !(1..=12).contains(&self.month) {
            return Err(ServiceError::bad_input("month", format!("the month must be 1 to 12, got {}", self.month)));
        }
        check_km("maxKm", self.max_km)?;
        let year = if self.month >= 4 { self.fiscal_year.year() } else { self.fiscal_year.year() + 1 };
        NaiveDate::from_ymd_opt(year, self.month, 1).ok_or_else(|| ServiceError::bad_input("month", "month out of range"))
    }
}

/// A distance argument: 0 to [`MAX_KM`].
pub(crate) fn check_km(field: &str, km: f64) -> ServiceResult<()> {
    if !(0.0..=MAX_KM).contains(&km) {
        return Err(ServiceError::bad_input(field, format!("the distance must be 0 to {MAX_KM} km")));
    }
    Ok(())
}

/// The days of the month starting on `first`.
pub(crate) fn days_of(first: NaiveDate) -> Vec<NaiveDate> {
    first.iter_days().take_while(|d| d.month() == first.month()).collect()
}

impl Hub {
    /// The prefecture's aggregates may be read by the caller (else FORBIDDEN).
    pub(crate) fn check_aggregates(&self, caller: &Caller, p: PrefectureCode) -> ServiceResult<()> {
        let who = caller.require()?;
        if who.may_read_prefecture_aggregates(p) {
            Ok(())
        } else {
            Err(ServiceError::forbidden(format!("only prefecture {p}'s coordinator, finance staff and municipal staff may read its aggregates")))
        }
    }

    /// Every facility in the prefecture offering `t`, with its slot-days over the month, by id.
    pub(crate) fn facility_months(&self, p: PrefectureCode, t: ServiceType, first: NaiveDate) -> Vec<FacilityMonth> {
        let days = days_of(first);
        let state = self.search_state();
        let world = state.facilities.in_lon_lat_box(Coordinates { lat: -90.0, lon: -180.0 }, Coordinates { lat: 90.0, lon: 180.0 });
        let mut out: Vec<FacilityMonth> = world
            .into_iter()
            .filter_map(|(id, at)| {
                let m = *state.municipality_of.get(&id)?;
                if m.prefecture() != p {
                    return None;
                }
                let cal = state.calendars.get(id, t)?;
                let (mut capacity, mut taken, mut free) = (0, 0, 0);
                for d in &days {
                    let c = cal.capacity_on(*d);
                    capacity += c;
                    taken += cal.taken_on(*d).min(c);
                    free += cal.free_on(*d);
                }
                Some(FacilityMonth { facility_id: id, municipality: m, at, capacity, taken, free })
            })
            .collect();
        out.sort_by_key(|f| f.facility_id);
        out
    }

    /// Facility names by id, for reports.
    pub(crate) async fn facility_names(&self, ids: impl IntoIterator<Item = i64>) -> ServiceResult<std::collections::HashMap<i64, String>> {
        let mut ids: Vec<i64> = ids.into_iter().filter(|id| *id > 0).collect();
        ids.sort_unstable();
        ids.dedup();
        Ok(sango_store::facilities::get_many(&self.db, &ids).await?.into_iter().map(|f| (f.id, f.draft.name)).collect())
    }

    /// The prefecture's municipalities, by code (NOT_FOUND for an unknown prefecture).
    pub(crate) async fn prefecture_municipalities(&self, p: PrefectureCode) -> ServiceResult<Vec<crate::Municipality>> {
        let ms = sango_store::municipalities::list(&self.db, Some(p)).await?;
        if ms.is_empty() {
            return Err(ServiceError::not_found("prefecture", format!("no municipalities are registered in prefecture {p}")));
        }
        Ok(ms)
    }
}

/// A municipality's name for reports.
pub(crate) fn name_of(ms: &[crate::Municipality], m: LgCode) -> String {
    ms.iter().find(|x| x.code == m).map(|x| x.name.clone()).unwrap_or_default()
}
