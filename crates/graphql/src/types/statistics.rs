//! A municipality's published statistics for a fiscal year as GraphQL objects.

use async_graphql::{ID, SimpleObject};
use sango_planning::statistics::Wins;
use sango_service::desk::CareStatistics as Record;

use crate::enums::ServiceType;
use crate::scalars::{Date, LgCode};

/// Slot-days published and used at one facility for one type and month (利用率).
#[derive(SimpleObject)]
pub struct FacilityUtilisation {
    pub facility_id: ID,
    pub facility_name: String,
    pub service_type: ServiceType,
    /// First day of the month.
    pub month: Date,
    pub capacity: u32,
    /// Days recorded as used, by anyone.
    pub used: u32,
    /// Of those, by the municipality's residents.
    pub residents_used: u32,
    /// used ÷ capacity; null without capacity.
    pub rate: Option<f64>,
}

/// Decided lottery applications and wins.
#[derive(SimpleObject)]
pub struct WinCount {
    /// Won or lost.
    pub decided: u32,
    pub won: u32,
    /// won ÷ decided; null when nothing was decided.
    pub rate: Option<f64>,
}

impl From<Wins> for WinCount {
    fn from(w: Wins) -> Self {
        Self { decided: w.decided, won: w.won, rate: w.rate() }
    }
}

/// 当選率: applications for dates in the year, overall and for first against repeat applicants
/// (a first applicant has no day of use before the dates applied for).
#[derive(SimpleObject)]
pub struct LotteryStatistics {
    pub applications: u32,
    pub pending: u32,
    pub withdrawn: u32,
    pub all: WinCount,
    pub first: WinCount,
    pub repeat: WinCount,
}

/// 実人数, 延べ回数 and 延べ日数 of one type.
#[derive(SimpleObject)]
pub struct TypeUse {
    pub service_type: ServiceType,
    /// Distinct cases with a day of use.
    pub users: u32,
    /// Bookings with a day of use, in the year of their first such day.
    pub stays: u32,
    /// Days of use in the year.
    pub days: u32,
}

/// 月齢別延べ利用回数: stays whose first day of use fell at an infant age (days) in a band.
#[derive(SimpleObject)]
pub struct AgeBandUse {
    pub service_type: ServiceType,
    pub from_days: u32,
    /// Inclusive; null for the open band.
    pub to_days: Option<u32>,
    pub stays: u32,
}

/// 出生数と利用登録者: cases registered in the year against births.
#[derive(SimpleObject)]
pub struct Uptake {
    pub births: u32,
    pub registrations: u32,
    /// registrations ÷ births; null without births.
    pub rate: Option<f64>,
}

/// Short stays with a number of nights (1泊2日 = 1).
#[derive(SimpleObject)]
pub struct NightsCount {
    pub nights: u32,
    pub stays: u32,
}

/// The tables a municipality publishes about its programme, from the hub's records.
#[derive(SimpleObject)]
pub struct CareStatistics {
    pub municipality: LgCode,
    pub name: String,
    pub fiscal_year: i32,
    /// Facilities inside the municipality, contracted by it or used by its residents.
    pub utilisation: Vec<FacilityUtilisation>,
    pub lottery: LotteryStatistics,
    pub users_by_type: Vec<TypeUse>,
    /// Distinct users over every type.
    pub users: u32,
    pub age_bands: Vec<AgeBandUse>,
    pub uptake: Uptake,
    pub nights_per_stay: Vec<NightsCount>,
}

impl From<Record> for CareStatistics {
    fn from(r: Record) -> Self {
        let s = r.statistics;
        let names = r.facility_names;
        Self {
            municipality: LgCode(r.municipality),
            name: r.name,
            fiscal_year: s.fiscal_year.year(),
            utilisation: s
                .utilisation
                .into_iter()
                .map(|u| FacilityUtilisation {
                    facility_id: ID(u.facility_id.to_string()),
                    facility_name: names.get(&u.facility_id).cloned().unwrap_or_default(),
                    service_type: u.service_type.into(),
                    month: Date(u.month),
                    capacity: u.capacity,
                    used: u.used,
                    residents_used: u.residents_used,
                    rate: u.rate,
                })
                .collect(),
            lottery: LotteryStatistics {
                applications: s.lottery.applications,
                pending: s.lottery.pending,
                withdrawn: s.lottery.withdrawn,
                all: s.lottery.all.into(),
                first: s.lottery.first.into(),
                repeat: s.lottery.repeat.into(),
            },
            users_by_type: s.by_type.into_iter().map(|t| TypeUse { service_type: t.service_type.into(), users: t.users, stays: t.stays, days: t.days }).collect(),
            users: s.users,
            age_bands: s.age_bands.into_iter().map(|a| AgeBandUse { service_type: a.service_type.into(), from_days: a.band.from_days, to_days: a.band.to_days, stays: a.stays }).collect(),
            uptake: Uptake { births: s.uptake.births, registrations: s.uptake.registrations, rate: s.uptake.rate },
            nights_per_stay: s.nights.into_iter().map(|(nights, stays)| NightsCount { nights, stays }).collect(),
        }
    }
}
