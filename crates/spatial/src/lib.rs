//! In-memory spatial indexes: which municipality a point lies in (boundary polygons in an R-tree),
//! and which facilities are nearest a point (unit-sphere points in an R-tree).
//! All coordinates are WGS84 degrees; geometry uses (x, y) = (lon, lat).

pub mod boundary_index;
pub mod facility_index;
pub mod geometry_json;

pub use boundary_index::{BoundaryIndex, centroid, distance_km};
pub use facility_index::{EARTH_RADIUS_KM, FacilityIndex, Near, haversine_km};
