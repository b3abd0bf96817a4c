//! GraphQL output types: thin views over the service's records.

pub mod agreement;
pub mod contract;
pub mod facility;
pub mod municipality;
pub mod planning;
pub mod program;
pub mod statistics;

use async_graphql::SimpleObject;

/// A WGS84 point in degrees.
#[derive(SimpleObject, Clone, Copy)]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
}

impl From<sango_domain::Coordinates> for Location {
    fn from(c: sango_domain::Coordinates) -> Self {
        Self { lat: c.lat, lon: c.lon }
    }
}
