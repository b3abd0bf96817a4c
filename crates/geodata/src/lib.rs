//! sango-geodata: the municipalities of Japan and their boundaries, embedded from `geodata/` at the repository top.
//!
//! The data are the Japan Meteorological Agency's (気象庁) area polygons and names as shipped in
//! the `reversejp` crate, regenerated with `cargo run -p sango-geodata-gen -- --out geodata`
//! (see `geodata/README.md`). Whatever displays them must show [`ATTRIBUTION`].
//!
//! Coordinates are longitude/latitude in degrees: in every [`geo`] geometry here `x` is the
//! longitude and `y` the latitude.

mod boundaries;
mod error;
mod municipalities;

#[cfg(test)]
mod tests;

pub use boundaries::{Boundary, japan_boundaries, parse_boundaries_geojson};
pub use error::GeodataError;
pub use municipalities::{MunicipalityRecord, municipality_list};

/// The attribution any display of this data must carry.
pub const ATTRIBUTION: &str = "出典：気象庁";
