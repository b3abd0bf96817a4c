//! The coordinator's views on the same indexes: what lies within reach of a town's boundary, and
//! free against taken slots per municipality and month.

use chrono::{Datelike, NaiveDate};
use geo::BoundingRect;
use sango_domain::{Coordinates, LgCode, ServiceType};
use sango_spatial::geometry_json::from_geojson;
use sango_store::Facility;

use crate::auth::Caller;
use crate::error::{ServiceError, ServiceResult};
use crate::hub::Hub;

/// Kilometres per degree of latitude on the mean radius.
const KM_PER_DEGREE: f64 = 111.195;

/// A facility within reach of a municipality.
#[derive(Clone, Debug, PartialEq)]
pub struct FacilityWithin {
    pub facility: Facility,
    /// 0 inside the municipality; otherwise great-circle km to its boundary.
    pub km: f64,
}

/// One type's slots in one municipality over one month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MonthCapacity {
    pub service_type: ServiceType,
    pub facilities: u32,
    pub capacity: u32,
    pub taken: u32,
    pub free: u32,
}

impl Hub {
    /// Facilities inside a municipality or within `km` of its boundary, nearest first. Any signed-in principal.
    pub async fn facilities_within(&self, caller: &Caller, m: LgCode, km: f64) -> ServiceResult<Vec<FacilityWithin>> {
        caller.require()?;
        if !(0.0..=300.0).contains(&km) {
            return Err(ServiceError::bad_input("km", "the distance must be 0 to 300 km"));
        }
        let text = sango_store::municipalities::boundary(&self.db, m).await?.ok_or_else(|| ServiceError::not_found("municipality", format!("no municipality {m}")))?;
        let shape = from_geojson(&text).map_err(ServiceError::internal)?;
        let Some(r) = shape.bounding_rect() else { return Ok(vec![]) };
        let dlat = km / KM_PER_DEGREE;
        let dlon = km / (KM_PER_DEGREE * r.max().y.abs().max(r.min().y.abs()).to_radians().cos());
        let corner = |lat: f64, lon: f64| Coordinates { lat: lat.clamp(-90.0, 90.0), lon: lon.clamp(-180.0, 180.0) };
        let candidates = self.search_state().facilities.in_lon_lat_box(corner(r.min().y - dlat, r.min().x - dlon), corner(r.max().y + dlat, r.max().x + dlon));
        let mut near: Vec<(i64, f64)> = candidates.into_iter().map(|(id, at)| (id, sango_spatial::distance_km(&shape, at))).filter(|(_, d)| *d <= km).collect();
        near.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        let ids: Vec<i64> = near.iter().map(|(id, _)| *id).collect();
        let mut records: std::collections::HashMap<i64, Facility> = sango_store::facilities::get_many(&self.db, &ids).await?.into_iter().map(|f| (f.id, f)).collect();
        Ok(near.into_iter().filter_map(|(id, km)| records.remove(&id).map(|facility| FacilityWithin { facility, km })).collect())
    }

    /// Capacity, taken and free slots per type at the facilities inside a municipality over a month.
    pub async fn month_capacity(&self, caller: &Caller, m: LgCode, month: NaiveDate) -> ServiceResult<Vec<MonthCapacity>> {
        caller.require()?;
        let first = month.with_day(1).expect("day 1 exists");
        let next = first.checked_add_months(chrono::Months::new(1)).ok_or_else(|| ServiceError::bad_input("month", "month out of range"))?;
        let state = self.search_state();
        let here: Vec<i64> = state.municipality_of.iter().filter(|(_, code)| **code == m).map(|(id, _)| *id).collect();
        let mut out = Vec::new();
        for t in ServiceType::ALL {
            let mut row = MonthCapacity { service_type: *t, facilities: 0, capacity: 0, taken: 0, free: 0 };
            for cal in here.iter().filter_map(|id| state.calendars.get(*id, *t)) {
                row.facilities += 1;
                for d in first.iter_days().take_while(|d| *d < next) {
                    let (c, taken) = (cal.capacity_on(d), cal.taken_on(d));
                    row.capacity += c;
                    row.taken += taken.min(c);
                    row.free += cal.free_on(d);
                }
            }
            out.push(row);
        }
        Ok(out)
    }
}
