//! `Facility`: public facility data with its services, closures and municipality.

use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, ID, Object, SimpleObject};
use sango_service::{Facility as Record, Hub};

use super::Location;
use super::municipality::Municipality;
use crate::enums::{FacilityKind, ServiceType};
use crate::error::GqlResult;
use crate::loaders::MunicipalityLoader;
use crate::scalars::Date;

pub struct Facility(pub Record);

/// A service type the facility offers and how many guests (or visits) per day.
#[derive(SimpleObject)]
pub struct Service {
    pub service_type: ServiceType,
    pub daily_capacity: i32,
}

/// A period without service.
#[derive(SimpleObject)]
pub struct Closure {
    /// Null: every type.
    pub service_type: Option<ServiceType>,
    pub from: Date,
    pub to: Date,
    pub reason: String,
}

impl From<sango_domain::Closure> for Closure {
    fn from(c: sango_domain::Closure) -> Self {
        Self { service_type: c.service_type.map(Into::into), from: Date(c.from), to: Date(c.to), reason: c.reason }
    }
}

#[Object]
impl Facility {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.draft.name
    }
    async fn kind(&self) -> FacilityKind {
        self.0.draft.kind.into()
    }
    async fn address(&self) -> &str {
        &self.0.draft.address
    }
    async fn location(&self) -> Location {
        self.0.draft.location.into()
    }
    /// The municipality the facility lies in, derived from its location by point-in-polygon.
    async fn municipality(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Municipality>> {
        let loader = ctx.data_unchecked::<DataLoader<MunicipalityLoader>>();
        Ok(loader.load_one(self.0.municipality).await?.map(Municipality))
    }
    async fn services(&self) -> Vec<Service> {
        self.0.draft.services.iter().map(|s| Service { service_type: s.service_type.into(), daily_capacity: s.daily_capacity as i32 }).collect()
    }
    async fn closures(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Closure>> {
        let hub = ctx.data_unchecked::<Hub>();
        Ok(hub.closures(self.0.id).await.gql()?.into_iter().map(Into::into).collect())
    }
    /// Capacity, taken and free slots per day for one type, `from` to `to` inclusive (at most 800 days).
    async fn calendar(&self, ctx: &Context<'_>, service_type: ServiceType, from: Date, to: Date) -> async_graphql::Result<Vec<crate::capacity::CalendarDay>> {
        let hub = ctx.data_unchecked::<Hub>();
        Ok(hub.calendar(self.0.id, service_type.into(), from.0, to.0).await.gql()?.into_iter().map(Into::into).collect())
    }
    /// Demo and benchmark data: not a real place.
    async fn synthetic(&self) -> bool {
        self.0.draft.synthetic
    }
    async fn active(&self) -> bool {
        self.0.active
    }
}
