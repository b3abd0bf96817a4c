//! The coordinator's desk as GraphQL objects: balances, plans, coverage and candidate sites.

use async_graphql::{Enum, ID, SimpleObject};
use sango_planning::balance::SlotTotals as TotalsRecord;
use sango_planning::demand::Basis;
use sango_service::desk::{BalanceReport, MunicipalityBalance as BalanceRecord, MunicipalityCoverage as CoverageRecord, PlanReport, SiteOutcome as SiteRecord};

use crate::enums::ServiceType;
use crate::scalars::{Date, LgCode};

/// Where an estimate of demand comes from.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum EstimateBasis {
    /// A stored forecast row for the month.
    Forecast,
    /// The municipality's own uptake and days per user in the previous fiscal year.
    OwnHistory,
    /// The national uptake (24.7% of births, FY2024) and days per user.
    National,
}

impl From<Basis> for EstimateBasis {
    fn from(b: Basis) -> Self {
        match b {
            Basis::Forecast => Self::Forecast,
            Basis::OwnHistory => Self::OwnHistory,
            Basis::National => Self::National,
        }
    }
}

/// Slot-days at a group of facilities over the month.
#[derive(SimpleObject)]
pub struct SlotTotals {
    pub facilities: u32,
    pub capacity: u32,
    pub taken: u32,
    pub free: u32,
}

impl From<TotalsRecord> for SlotTotals {
    fn from(t: TotalsRecord) -> Self {
        Self { facilities: t.facilities, capacity: t.capacity, taken: t.taken, free: t.free }
    }
}

/// One municipality's month, in slot-days (nights, sessions or visits).
#[derive(SimpleObject)]
pub struct MunicipalityBalance {
    pub municipality: LgCode,
    pub name: String,
    /// Births a year (registry).
    pub births: u32,
    /// Expected slot-days: births × uptake × days per user ÷ 12, or a stored forecast.
    pub estimated: u32,
    pub estimate_basis: EstimateBasis,
    /// Users of the type per 1,000 births behind the estimate (0 for a forecast).
    pub uptake_per_mille: u32,
    /// Days per user behind the estimate, in tenths (0 for a forecast).
    pub days_per_user_tenths: u32,
    /// Days residents booked (not cancelled).
    pub booked_days: u32,
    /// Days of residents' lottery applications pending or lost.
    pub application_days: u32,
    /// Days of residents' waitlist entries waiting or offered.
    pub waitlist_days: u32,
    /// Distinct case-days over bookings, applications and waitlist entries.
    pub requested: u32,
    /// The larger of `estimated` and `requested`.
    pub demand: u32,
    /// `demand` − `bookedDays`, never negative.
    pub to_place: u32,
    /// Facilities inside the municipality.
    pub own: SlotTotals,
    /// Facilities outside it within `maxKm` of its centre (in the prefecture).
    pub reachable: SlotTotals,
    /// `toPlace` beyond the free slot-days inside it.
    pub shortfall: u32,
    /// Free slot-days inside it beyond `toPlace`.
    pub surplus: u32,
}

impl From<BalanceRecord> for MunicipalityBalance {
    fn from(m: BalanceRecord) -> Self {
        let r = m.row;
        Self {
            municipality: LgCode(r.municipality),
            name: m.name,
            births: m.births,
            estimated: r.estimated,
            estimate_basis: m.estimate.basis.into(),
            uptake_per_mille: m.estimate.uptake_per_mille,
            days_per_user_tenths: m.estimate.days_per_user_tenths,
            booked_days: m.booked_days,
            application_days: m.application_days,
            waitlist_days: m.waitlist_days,
            requested: r.requested,
            demand: r.demand,
            to_place: r.to_place,
            own: r.own.into(),
            reachable: r.reachable.into(),
            shortfall: r.shortfall,
            surplus: r.surplus,
        }
    }
}

/// Every municipality of a prefecture for one month and type.
#[derive(SimpleObject)]
pub struct CapacityBalance {
    pub prefecture: String,
    pub fiscal_year: i32,
    /// First day of the month.
    pub month: Date,
    pub service_type: ServiceType,
    pub max_km: f64,
    pub municipalities: Vec<MunicipalityBalance>,
    pub total_shortfall: u32,
    pub total_surplus: u32,
}

impl From<BalanceReport> for CapacityBalance {
    fn from(b: BalanceReport) -> Self {
        let total_shortfall = b.municipalities.iter().map(|m| m.row.shortfall).sum();
        let total_surplus = b.municipalities.iter().map(|m| m.row.surplus).sum();
        Self {
            prefecture: b.query.prefecture.to_string(),
            fiscal_year: b.query.fiscal_year.year(),
            month: Date(b.month),
            service_type: b.query.service_type.into(),
            max_km: b.query.max_km,
            municipalities: b.municipalities.into_iter().map(Into::into).collect(),
            total_shortfall,
            total_surplus,
        }
    }
}

/// Slot-days of one municipality's shortfall sent to one facility.
#[derive(SimpleObject)]
pub struct PlanFlow {
    pub municipality: LgCode,
    pub municipality_name: String,
    pub facility_id: ID,
    pub facility_name: String,
    pub slots: u32,
    /// Great-circle km from the municipality's centre to the facility.
    pub km: f64,
    /// The municipality already holds a contract with the facility for the type.
    pub contracted: bool,
}

/// Slot-days the plan could not place.
#[derive(SimpleObject)]
pub struct UnmetDemand {
    pub municipality: LgCode,
    pub name: String,
    pub slots: u32,
}

/// A contract the plan needs that does not exist yet.
#[derive(SimpleObject)]
pub struct NewContract {
    pub municipality: LgCode,
    pub municipality_name: String,
    pub facility_id: ID,
    pub facility_name: String,
}

/// The optimal cross-boundary plan: as many slot-days placed as possible, then the fewest
/// mother-kilometres, never beyond a facility's spare slot-days nor `maxKm`.
#[derive(SimpleObject)]
pub struct CapacityPlan {
    pub balance: CapacityBalance,
    pub contracted_only: bool,
    pub flows: Vec<PlanFlow>,
    pub unmet: Vec<UnmetDemand>,
    pub placed: u64,
    pub unmet_total: u64,
    /// Σ slots × km over the flows.
    pub total_mother_km: f64,
    pub new_contracts: Vec<NewContract>,
}

impl From<PlanReport> for CapacityPlan {
    fn from(r: PlanReport) -> Self {
        let name = |m: sango_domain::LgCode| r.balance.municipalities.iter().find(|x| x.row.municipality == m).map(|x| x.name.clone()).unwrap_or_default();
        let facility = |id: i64| r.facility_names.get(&id).cloned().unwrap_or_default();
        let new: std::collections::HashSet<_> = r.plan.new_contracts.iter().copied().collect();
        Self {
            contracted_only: r.contracted_only,
            flows: r
                .plan
                .flows
                .iter()
                .map(|f| PlanFlow {
                    municipality: LgCode(f.municipality),
                    municipality_name: name(f.municipality),
                    facility_id: ID(f.facility_id.to_string()),
                    facility_name: facility(f.facility_id),
                    slots: f.slots,
                    km: f.km,
                    contracted: !new.contains(&(f.municipality, f.facility_id)),
                })
                .collect(),
            unmet: r.plan.unmet.iter().map(|(m, n)| UnmetDemand { municipality: LgCode(*m), name: name(*m), slots: *n }).collect(),
            placed: r.plan.placed(),
            unmet_total: r.plan.unmet_total(),
            total_mother_km: r.plan.total_mother_km,
            new_contracts: r
                .plan
                .new_contracts
                .iter()
                .map(|(m, f)| NewContract { municipality: LgCode(*m), municipality_name: name(*m), facility_id: ID(f.to_string()), facility_name: facility(*f) })
                .collect(),
            balance: r.balance.into(),
        }
    }
}

/// A municipality's births within reach of a facility offering the type.
#[derive(SimpleObject)]
pub struct MunicipalityCoverage {
    pub municipality: LgCode,
    pub name: String,
    pub births: u32,
    /// 0 to 1: births (spread over its area) within the distance.
    pub share: f64,
}

impl From<CoverageRecord> for MunicipalityCoverage {
    fn from(c: CoverageRecord) -> Self {
        Self { municipality: LgCode(c.municipality), name: c.name, births: c.births, share: c.share }
    }
}

/// What a new facility at a candidate site would change in the month's plan and coverage.
#[derive(SimpleObject)]
pub struct SiteOutcome {
    /// 1 for the best site.
    pub rank: u32,
    pub lat: f64,
    pub lon: f64,
    /// The municipality the site lies in.
    pub municipality: LgCode,
    pub daily_capacity: u32,
    /// Slot-days it adds over the month.
    pub slot_days: u32,
    pub unmet_before: u64,
    pub unmet_after: u64,
    pub unmet_reduced: u64,
    pub mother_km_before: f64,
    pub mother_km_after: f64,
    /// Negative when the extra mothers placed travel more in total.
    pub mother_km_saved: f64,
    /// The prefecture's share of births within `maxKm` of a facility offering the type.
    pub coverage_before: f64,
    pub coverage_after: f64,
}

impl SiteOutcome {
    pub fn new(rank: u32, s: SiteRecord) -> Self {
        Self {
            rank,
            lat: s.candidate.at.lat,
            lon: s.candidate.at.lon,
            municipality: LgCode(s.municipality),
            daily_capacity: s.candidate.daily_capacity,
            slot_days: s.slot_days,
            unmet_before: s.what_if.unmet_before,
            unmet_after: s.what_if.unmet_after,
            unmet_reduced: s.what_if.unmet_reduced(),
            mother_km_before: s.what_if.km_before,
            mother_km_after: s.what_if.km_after,
            mother_km_saved: s.what_if.km_saved(),
            coverage_before: s.coverage_before,
            coverage_after: s.coverage_after,
        }
    }
}
