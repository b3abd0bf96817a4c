//! The root query: thin resolvers that take the caller, call one service function and map the result.

use async_graphql::connection::{Connection, Edge, EmptyFields, query};
use async_graphql::{Context, ID, InputObject, Object};
use sango_domain::{Coordinates, FiscalYear, PrefectureCode};
use sango_service::{Caller, FacilityFilter, Hub};

use crate::enums::{FacilityKind, ServiceType};
use crate::error::{GqlResult, bad_input};
use crate::scalars::LgCode;
use crate::types::contract::Contract;
use crate::types::facility::Facility;
use crate::types::municipality::{MonthlyDemand, Municipality};
use crate::types::program::Program;

#[derive(Default)]
pub struct RegistryQuery;

/// Which facilities to list.
#[derive(InputObject, Default)]
pub struct FacilityFilterInput {
    /// Two-digit prefecture code.
    pub prefecture: Option<String>,
    pub municipality: Option<LgCode>,
    pub kind: Option<FacilityKind>,
    /// Only facilities offering this type.
    pub service_type: Option<ServiceType>,
    #[graphql(default)]
    pub include_inactive: bool,
}

pub(crate) fn hub<'a>(ctx: &Context<'a>) -> &'a Hub {
    ctx.data_unchecked::<Hub>()
}

pub(crate) fn caller<'a>(ctx: &Context<'a>) -> &'a Caller {
    ctx.data_unchecked::<Caller>()
}

pub(crate) fn fiscal_year(y: i32) -> async_graphql::Result<FiscalYear> {
    FiscalYear::new(y).gql()
}

pub(crate) fn id(value: &ID, field: &str) -> async_graphql::Result<i64> {
    value.parse::<i64>().map_err(|_| bad_input(field, format!("'{}' is not an id", value.0)))
}

#[Object]
impl RegistryQuery {
    /// Municipalities in code order, of one prefecture (two-digit code) or of all Japan.
    async fn municipalities(&self, ctx: &Context<'_>, prefecture: Option<String>) -> async_graphql::Result<Vec<Municipality>> {
        let p = prefecture.map(|p| PrefectureCode::parse(&p)).transpose().gql()?;
        Ok(hub(ctx).municipalities(caller(ctx), p).await.gql()?.into_iter().map(Municipality).collect())
    }

    async fn municipality(&self, ctx: &Context<'_>, code: LgCode) -> async_graphql::Result<Option<Municipality>> {
        Ok(hub(ctx).municipality(caller(ctx), code.0).await.gql()?.map(Municipality))
    }

    /// The municipality containing a WGS84 point; null at sea or outside Japan.
    async fn municipality_at(&self, ctx: &Context<'_>, lat: f64, lon: f64) -> async_graphql::Result<Option<Municipality>> {
        let at = Coordinates::new(lat, lon, "").map_err(|e| bad_input(e.field.trim_start_matches('.'), e.message))?;
        Ok(hub(ctx).municipality_at_point(caller(ctx), at).await.gql()?.map(Municipality))
    }

    /// Facilities in id order, as a Relay connection; `first` is at most 500. Public data.
    async fn facilities(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50)] first: i32,
        after: Option<String>,
        filter: Option<FacilityFilterInput>,
    ) -> async_graphql::Result<Connection<String, Facility, EmptyFields, EmptyFields>> {
        if !(0..=sango_service::facilities::MAX_PAGE as i32).contains(&first) {
            return Err(bad_input("first", format!("first must be 0 to {}", sango_service::facilities::MAX_PAGE)));
        }
        let f = filter.unwrap_or_default();
        let filter = FacilityFilter {
            prefecture: f.prefecture.map(|p| PrefectureCode::parse(&p)).transpose().gql()?,
            municipality: f.municipality.map(|m| m.0),
            kind: f.kind.map(Into::into),
            service_type: f.service_type.map(Into::into),
            include_inactive: f.include_inactive,
        };
        let after_id = after.as_deref().map(|a| a.parse::<i64>().map_err(|_| bad_input("after", "not a cursor from this connection"))).transpose()?;
        let rows = hub(ctx).facilities(&filter, after_id, first as u64 + 1).await.gql()?;
        query(after, None, Some(first), None, |_, _, _, _| async move {
            let has_next = rows.len() > first as usize;
            let mut conn = Connection::new(after_id.is_some(), has_next);
            conn.edges.extend(rows.into_iter().take(first as usize).map(|f| Edge::new(f.id.to_string(), Facility(f))));
            Ok::<_, async_graphql::Error>(conn)
        })
        .await
    }

    async fn facility(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Facility>> {
        let id = crate::query::id(&id, "id")?;
        Ok(hub(ctx).facility(id).await.gql()?.map(Facility))
    }

    /// The programme version in force for a municipality and fiscal year (April year, e.g. 2025).
    async fn program(&self, ctx: &Context<'_>, municipality: LgCode, fiscal_year: i32) -> async_graphql::Result<Option<Program>> {
        Ok(hub(ctx).program(caller(ctx), municipality.0, crate::query::fiscal_year(fiscal_year)?).await.gql()?.map(Program))
    }

    /// Every version of a programme, oldest first.
    async fn program_history(&self, ctx: &Context<'_>, municipality: LgCode, fiscal_year: i32) -> async_graphql::Result<Vec<Program>> {
        Ok(hub(ctx).program_history(caller(ctx), municipality.0, crate::query::fiscal_year(fiscal_year)?).await.gql()?.into_iter().map(Program).collect())
    }

    /// Contracts in force, of a municipality and/or a facility, that the caller may read.
    async fn contracts(&self, ctx: &Context<'_>, municipality: Option<LgCode>, facility: Option<ID>) -> async_graphql::Result<Vec<Contract>> {
        let facility = facility.map(|f| crate::query::id(&f, "facility")).transpose()?;
        Ok(hub(ctx).contracts(caller(ctx), municipality.map(|m| m.0), facility).await.gql()?.into_iter().map(Contract).collect())
    }

    /// Every version of one contract, oldest first.
    async fn contract_history(&self, ctx: &Context<'_>, contract_no: ID) -> async_graphql::Result<Vec<Contract>> {
        let no = crate::query::id(&contract_no, "contractNo")?;
        Ok(hub(ctx).contract_history(caller(ctx), no).await.gql()?.into_iter().map(Contract).collect())
    }

    /// Expected uses per month and type for a municipality's residents over a fiscal year.
    async fn demand(&self, ctx: &Context<'_>, municipality: LgCode, fiscal_year: i32) -> async_graphql::Result<Vec<MonthlyDemand>> {
        let fy = crate::query::fiscal_year(fiscal_year)?;
        Ok(hub(ctx).demand(caller(ctx), municipality.0, fy).await.gql()?.into_iter().map(Into::into).collect())
    }

    /// Who the request is authenticated as: `role:scope`, or null when anonymous.
    async fn me(&self, ctx: &Context<'_>) -> Option<String> {
        match caller(ctx) {
            Caller::Principal(p) => Some(p.to_string()),
            Caller::Anonymous => None,
        }
    }
}
