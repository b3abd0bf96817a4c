//! WGS84 coordinates with validated ranges. Latitude first in names, longitude = x in geometry.

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, DomainResult};

/// A WGS84 point in degrees. `lat` in −90..=90, `lon` in −180..=180, both finite.
/// Geometry code uses (x, y) = (lon, lat); this type names both to avoid the mix-up.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Coordinates {
    pub lat: f64,
    pub lon: f64,
}

impl Coordinates {
    /// Validates ranges; `field` prefixes the error path (`location.lat`).
    pub fn new(lat: f64, lon: f64, field: &str) -> DomainResult<Self> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(DomainError::invalid(
                format!("{field}.lat"),
                format!("latitude must be between -90 and 90 degrees, got {lat}"),
            ));
        }
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(DomainError::invalid(
                format!("{field}.lon"),
                format!("longitude must be between -180 and 180 degrees, got {lon}"),
            ));
        }
        Ok(Self { lat, lon })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_checked_and_field_named() {
        assert!(Coordinates::new(35.49, 134.23, "location").is_ok());
        assert_eq!(Coordinates::new(91.0, 134.0, "location").unwrap_err().field, "location.lat");
        assert_eq!(Coordinates::new(35.0, 181.0, "location").unwrap_err().field, "location.lon");
        assert!(Coordinates::new(f64::NAN, 0.0, "p").is_err());
    }
}
