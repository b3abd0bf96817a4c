//! `FacilityInput` and `ClosureInput`.

use async_graphql::InputObject;
use sango_domain::{Closure, Coordinates, DomainResult, FacilityDraft, ServiceCapacity};

use crate::enums::{FacilityKind, ServiceType};
use crate::scalars::Date;

#[derive(InputObject)]
pub struct LocationInput {
    pub lat: f64,
    pub lon: f64,
}

#[derive(InputObject)]
pub struct ServiceInput {
    pub service_type: ServiceType,
    /// Guests (or visits) per day, 0 to 1,000.
    pub daily_capacity: i64,
}

/// A facility; its municipality is derived from `location`.
#[derive(InputObject)]
pub struct FacilityInput {
    pub name: String,
    pub kind: FacilityKind,
    #[graphql(default)]
    pub address: String,
    pub location: LocationInput,
    pub services: Vec<ServiceInput>,
    #[graphql(default)]
    pub synthetic: bool,
}

impl FacilityInput {
    pub fn into_draft(self) -> DomainResult<FacilityDraft> {
        let services = self
            .services
            .iter()
            .enumerate()
            .map(|(i, s)| ServiceCapacity::new(s.service_type.into(), s.daily_capacity, &format!("services[{i}].dailyCapacity")))
            .collect::<DomainResult<Vec<_>>>()?;
        Ok(FacilityDraft {
            name: self.name,
            kind: self.kind.into(),
            address: self.address,
            location: Coordinates::new(self.location.lat, self.location.lon, "location")?,
            services,
            synthetic: self.synthetic,
        })
    }
}

#[derive(InputObject)]
pub struct ClosureInput {
    /// Null closes every type.
    pub service_type: Option<ServiceType>,
    pub from: Date,
    /// Inclusive.
    pub to: Date,
    #[graphql(default)]
    pub reason: String,
}

impl From<ClosureInput> for Closure {
    fn from(c: ClosureInput) -> Self {
        Closure { service_type: c.service_type.map(Into::into), from: c.from.0, to: c.to.0, reason: c.reason }
    }
}
