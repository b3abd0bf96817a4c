//! Coverage (the share of births within reach of a facility offering a type) and the what-if
//! ranking of candidate sites for a new facility.

use sango_domain::{Coordinates, LgCode, PrefectureCode, ServiceType};
use sango_planning::coverage::spread_births;
use sango_planning::{PlanOptions, Supply, WhatIf, coverage, rank_sites};
use sango_spatial::geometry_json::from_geojson;

use super::{DeskQuery, check_km, days_of, name_of};
use crate::auth::Caller;
use crate::error::{ServiceError, ServiceResult};
use crate::hub::Hub;

/// Grid points per side over a municipality's box when spreading its births.
const GRID: u32 = 8;

/// At most this many candidate sites in one ranking.
pub const MAX_CANDIDATES: usize = 200;

/// A municipality's births within reach.
#[derive(Clone, Debug, PartialEq)]
pub struct MunicipalityCoverage {
    pub municipality: LgCode,
    pub name: String,
    pub births: u32,
    /// Share of its births (spread over its area) within the distance of a facility offering the type.
    pub share: f64,
}

/// A site where a facility might open, with its daily capacity of the type.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    pub at: Coordinates,
    pub daily_capacity: u32,
}

/// What a facility at a candidate site would change.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SiteOutcome {
    pub candidate: Candidate,
    /// The municipality the site lies in.
    pub municipality: LgCode,
    /// Slot-days it would add over the month.
    pub slot_days: u32,
    pub what_if: WhatIf,
    /// The prefecture's share of births within `maxKm` of a facility, before and with it.
    pub coverage_before: f64,
    pub coverage_after: f64,
}

/// Candidate sites, best first.
#[derive(Clone, Debug, PartialEq)]
pub struct SiteRanking {
    pub query: DeskQuery,
    pub sites: Vec<SiteOutcome>,
}

impl Hub {
    /// Each municipality's share of births within `km` of a facility offering `t` (facilities in
    /// any prefecture count). Births are spread evenly over points inside the boundary.
    pub async fn coverage(&self, caller: &Caller, p: PrefectureCode, t: ServiceType, km: f64) -> ServiceResult<Vec<MunicipalityCoverage>> {
        self.check_aggregates(caller, p)?;
        check_km("km", km)?;
        let ms = self.prefecture_municipalities(p).await?;
        let births = self.birth_points(&ms).await?;
        let shares = coverage(&births, &self.facilities_offering(t), km);
        Ok(shares
            .into_iter()
            .map(|(m, share)| MunicipalityCoverage { municipality: m, name: name_of(&ms, m), births: ms.iter().find(|x| x.code == m).map_or(0, |x| x.births.max(0) as u32), share })
            .collect())
    }

    /// Ranks candidate sites by what a facility there would do for the month's plan: mothers
    /// placed who are unmet now, then mother-km saved; with each, the prefecture's coverage
    /// within `maxKm` before and after. Without candidates, every municipality's centre is one.
    pub async fn rank_sites(&self, caller: &Caller, q: DeskQuery, daily_capacity: u32, candidates: &[Coordinates]) -> ServiceResult<SiteRanking> {
        if daily_capacity == 0 || daily_capacity > 1_000 {
            return Err(ServiceError::bad_input("dailyCapacity", "the daily capacity must be 1 to 1000"));
        }
        if candidates.len() > MAX_CANDIDATES {
            return Err(ServiceError::bad_input("candidates", format!("at most {MAX_CANDIDATES} candidate sites at once")));
        }
        let balance = self.capacity_balance(caller, q).await?;
        let ms = self.prefecture_municipalities(q.prefecture).await?;
        let points: Vec<Coordinates> = if candidates.is_empty() { ms.iter().map(|m| m.centroid).collect() } else { candidates.to_vec() };
        let slot_days = daily_capacity * days_of(balance.month).len() as u32;
        let mut supplies = Vec::with_capacity(points.len());
        let mut towns = Vec::with_capacity(points.len());
        for (i, at) in points.iter().enumerate() {
            let field = format!("candidates[{i}]");
            let m = self.municipality_at(*at).ok_or_else(|| ServiceError::bad_input(&field, format!("({}, {}) lies in no registered municipality", at.lat, at.lon)))?;
            if m.prefecture() != q.prefecture {
                return Err(ServiceError::bad_input(&field, format!("({}, {}) lies in {m}, outside prefecture {}", at.lat, at.lon, q.prefecture)));
            }
            // Negative ids cannot clash with a registered facility.
            supplies.push(Supply { facility_id: -1 - i as i64, municipality: m, at: *at, spare: slot_days });
            towns.push(m);
        }
        let options = PlanOptions { max_km: q.max_km, contracted_only: false, contracted: Default::default() };
        let ranked = rank_sites(&balance.demands, &balance.supplies, &options, &supplies);

        let births = self.birth_points(&ms).await?;
        let existing = self.facilities_offering(q.service_type);
        let share = |facilities: &[Coordinates]| {
            let (covered, total) = coverage(&births, facilities, q.max_km).iter().fold((0.0, 0u64), |(c, t), (m, s)| {
                let b = births.iter().filter(|(bm, _, _)| bm == m).map(|(_, _, n)| u64::from(*n)).sum::<u64>();
                (c + s * b as f64, t + b)
            });
            if total == 0 { 0.0 } else { covered / total as f64 }
        };
        let coverage_before = share(&existing);
        let mut with = existing.clone();
        let sites = ranked
            .into_iter()
            .map(|(i, what_if)| {
                with.push(points[i]);
                let coverage_after = share(&with);
                with.pop();
                SiteOutcome { candidate: Candidate { at: points[i], daily_capacity }, municipality: towns[i], slot_days, what_if, coverage_before, coverage_after }
            })
            .collect();
        Ok(SiteRanking { query: q, sites })
    }

    /// Births of each municipality spread over its area, as coverage rows.
    async fn birth_points(&self, ms: &[crate::Municipality]) -> ServiceResult<Vec<(LgCode, Coordinates, u32)>> {
        let mut rows = Vec::new();
        for m in ms {
            let births = u32::try_from(m.births.max(0)).unwrap_or(u32::MAX);
            let shape = match sango_store::municipalities::boundary(&self.db, m.code).await? {
                Some(text) => from_geojson(&text).map_err(ServiceError::internal)?,
                None => geo::MultiPolygon(vec![]),
            };
            rows.extend(spread_births(m.code, &shape, m.centroid, births, GRID));
        }
        Ok(rows)
    }

    /// Where the facilities offering `t` are (any prefecture).
    fn facilities_offering(&self, t: ServiceType) -> Vec<Coordinates> {
        let state = self.search_state();
        let world = state.facilities.in_lon_lat_box(Coordinates { lat: -90.0, lon: -180.0 }, Coordinates { lat: 90.0, lon: 180.0 });
        world.into_iter().filter(|(id, _)| state.calendars.get(*id, t).is_some()).map(|(_, at)| at).collect()
    }
}
