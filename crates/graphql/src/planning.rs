//! The coordinator's desk: `capacityBalance`, `capacityPlan`, `coverage`, `siteRanking` and
//! `careStatistics`. Aggregates only; the prefecture's coordinator and finance staff, its
//! municipalities' staff and admins may read them.

use async_graphql::{Context, InputObject, Object};
use sango_domain::{Coordinates, PrefectureCode};
use sango_service::DeskQuery;

use crate::enums::ServiceType;
use crate::error::{GqlResult, bad_input};
use crate::query::{caller, fiscal_year, hub};
use crate::scalars::LgCode;
use crate::types::planning::{CapacityBalance, CapacityPlan, MunicipalityCoverage, SiteOutcome};
use crate::types::statistics::CareStatistics;

/// A WGS84 point.
#[derive(InputObject)]
pub struct PointInput {
    pub lat: f64,
    pub lon: f64,
}

fn desk_query(prefecture: &str, fy: i32, month: i32, t: ServiceType, max_km: f64) -> async_graphql::Result<DeskQuery> {
    Ok(DeskQuery {
        prefecture: prefecture_code(prefecture)?,
        fiscal_year: fiscal_year(fy)?,
        month: u32::try_from(month).map_err(|_| bad_input("month", format!("the month must be 1 to 12, got {month}")))?,
        service_type: t.into(),
        max_km,
    })
}

fn prefecture_code(p: &str) -> async_graphql::Result<PrefectureCode> {
    PrefectureCode::parse(p).map_err(|e| bad_input("prefecture", e.message))
}

#[derive(Default)]
pub struct PlanningQuery;

#[Object]
impl PlanningQuery {
    /// Every municipality of a prefecture for one calendar month (1–12) of a fiscal year and one
    /// type, in slot-days: demand (estimate beside what residents asked for in the hub), free and
    /// taken slot-days inside it and within `maxKm` of its centre, and its shortfall or surplus.
    async fn capacity_balance(&self, ctx: &Context<'_>, prefecture: String, fiscal_year: i32, month: i32, service_type: ServiceType, max_km: f64) -> async_graphql::Result<CapacityBalance> {
        let q = desk_query(&prefecture, fiscal_year, month, service_type, max_km)?;
        Ok(hub(ctx).capacity_balance(caller(ctx), q).await.gql()?.into())
    }

    /// The optimal cross-boundary plan for the month: shortfalls sent to spare slot-days within
    /// `maxKm`, as many as possible, then the fewest mother-kilometres (exact min-cost flow).
    /// With `contractedOnly`, only to facilities the municipality holds a contract with.
    #[allow(clippy::too_many_arguments)]
    async fn capacity_plan(
        &self,
        ctx: &Context<'_>,
        prefecture: String,
        fiscal_year: i32,
        month: i32,
        service_type: ServiceType,
        max_km: f64,
        #[graphql(default)] contracted_only: bool,
    ) -> async_graphql::Result<CapacityPlan> {
        let q = desk_query(&prefecture, fiscal_year, month, service_type, max_km)?;
        Ok(hub(ctx).capacity_plan(caller(ctx), q, contracted_only).await.gql()?.into())
    }

    /// Each municipality's share of births within `km` of a facility offering the type.
    async fn coverage(&self, ctx: &Context<'_>, prefecture: String, service_type: ServiceType, km: f64) -> async_graphql::Result<Vec<MunicipalityCoverage>> {
        let p = prefecture_code(&prefecture)?;
        Ok(hub(ctx).coverage(caller(ctx), p, service_type.into(), km).await.gql()?.into_iter().map(Into::into).collect())
    }

    /// Candidate sites for a new facility with `dailyCapacity`, best first: unmet slot-days it
    /// would place in the month's plan, then mother-km saved, with coverage within `maxKm`
    /// before and after. Without `candidates`, every municipality's centre is a candidate.
    #[allow(clippy::too_many_arguments)]
    async fn site_ranking(
        &self,
        ctx: &Context<'_>,
        prefecture: String,
        fiscal_year: i32,
        month: i32,
        service_type: ServiceType,
        max_km: f64,
        daily_capacity: i32,
        candidates: Option<Vec<PointInput>>,
        #[graphql(default = 10)] limit: i32,
    ) -> async_graphql::Result<Vec<SiteOutcome>> {
        let q = desk_query(&prefecture, fiscal_year, month, service_type, max_km)?;
        let daily = u32::try_from(daily_capacity).map_err(|_| bad_input("dailyCapacity", "the daily capacity must be 1 to 1000"))?;
        let limit = usize::try_from(limit).map_err(|_| bad_input("limit", "limit must not be negative"))?;
        let mut points = Vec::new();
        for (i, p) in candidates.unwrap_or_default().iter().enumerate() {
            points.push(Coordinates::new(p.lat, p.lon, &format!("candidates[{i}]")).gql()?);
        }
        let ranking = hub(ctx).rank_sites(caller(ctx), q, daily, &points).await.gql()?;
        Ok(ranking.sites.into_iter().take(limit).enumerate().map(|(i, s)| SiteOutcome::new(i as u32 + 1, s)).collect())
    }

    /// A municipality's statistics for a fiscal year, from the hub's records: utilisation per
    /// facility and month, lottery wins (first against repeat applicants), users per type, use
    /// by infant age, registrations against births, nights per short stay.
    async fn care_statistics(&self, ctx: &Context<'_>, municipality: LgCode, fiscal_year: i32) -> async_graphql::Result<CareStatistics> {
        let fy = crate::query::fiscal_year(fiscal_year)?;
        Ok(hub(ctx).care_statistics(caller(ctx), municipality.0, fy).await.gql()?.into())
    }
}
