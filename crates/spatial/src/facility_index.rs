//! Facilities in an R-tree of 3-D points on the unit sphere, so that nearest-first order is exact
//! great-circle order (chord length grows monotonically with arc length). Distances are reported
//! in km by Haversine on the WGS84 mean radius, 6,371.0088 km.

use std::collections::HashMap;

use rstar::{PointDistance, RTree, RTreeObject, AABB};
use sango_domain::Coordinates;

/// The WGS84 mean Earth radius (IUGG R1), in km.
pub const EARTH_RADIUS_KM: f64 = 6_371.008_8;

/// Great-circle distance in km between two points (Haversine).
pub fn haversine_km(a: Coordinates, b: Coordinates) -> f64 {
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// The unit-sphere point of a coordinate.
fn unit(c: Coordinates) -> [f64; 3] {
    let (lat, lon) = (c.lat.to_radians(), c.lon.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

/// Squared chord length on the unit sphere for an arc of `km`.
fn chord2_for_km(km: f64) -> f64 {
    let half = (km / EARTH_RADIUS_KM / 2.0).min(std::f64::consts::FRAC_PI_2);
    (2.0 * half.sin()).powi(2)
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Entry {
    xyz: [f64; 3],
    id: i64,
    at: Coordinates,
}

impl RTreeObject for Entry {
    type Envelope = AABB<[f64; 3]>;
    fn envelope(&self) -> Self::Envelope {
        AABB::from_point(self.xyz)
    }
}

impl PointDistance for Entry {
    fn distance_2(&self, p: &[f64; 3]) -> f64 {
        (0..3).map(|i| (self.xyz[i] - p[i]).powi(2)).sum()
    }
}

/// A facility found near a point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Near {
    pub id: i64,
    pub km: f64,
}

/// Facility locations by id.
#[derive(Default)]
pub struct FacilityIndex {
    tree: RTree<Entry>,
    at: HashMap<i64, Coordinates>,
}

impl FacilityIndex {
    /// Builds the index from (id, location) pairs; a repeated id keeps its last location.
    pub fn new(facilities: impl IntoIterator<Item = (i64, Coordinates)>) -> Self {
        let at: HashMap<i64, Coordinates> = facilities.into_iter().collect();
        let entries = at.iter().map(|(id, at)| Entry { xyz: unit(*at), id: *id, at: *at }).collect();
        Self { tree: RTree::bulk_load(entries), at }
    }

    /// Places a facility, or moves it if it is already indexed.
    pub fn upsert(&mut self, id: i64, at: Coordinates) {
        self.remove(id);
        self.tree.insert(Entry { xyz: unit(at), id, at });
        self.at.insert(id, at);
    }

    /// Takes a facility out of the index; false if it was not there.
    pub fn remove(&mut self, id: i64) -> bool {
        let Some(at) = self.at.remove(&id) else { return false };
        self.tree.remove(&Entry { xyz: unit(at), id, at }).is_some()
    }

    pub fn len(&self) -> usize {
        self.tree.size()
    }

    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }

    /// Facilities within `radius_km` of `from`, nearest first (ties by id), that `accept` keeps,
    /// at most `limit`. Stops as soon as the answer is certain.
    pub fn nearest(&self, from: Coordinates, radius_km: f64, limit: usize, mut accept: impl FnMut(i64) -> bool) -> Vec<Near> {
        self.nearest_with(from, radius_km, limit, |id| accept(id).then_some(())).into_iter().map(|(n, ())| n).collect()
    }

    /// As [`FacilityIndex::nearest`], keeping what `accept` returns for each facility it keeps.
    /// The great-circle distance is computed only for facilities kept, or where the chord alone
    /// cannot tell whether a facility lies inside the radius.
    pub fn nearest_with<T>(&self, from: Coordinates, radius_km: f64, limit: usize, mut accept: impl FnMut(i64) -> Option<T>) -> Vec<(Near, T)> {
        let p = unit(from);
        let max_chord2 = chord2_for_km(radius_km);
        // Chords this far inside the radius are inside it whatever the rounding.
        let surely_inside = max_chord2 * (1.0 - 1e-6) - 1e-22;
        let mut out: Vec<(Near, T)> = Vec::new();
        let mut last_chord2 = f64::NEG_INFINITY;
        for (e, d2) in self.tree.nearest_neighbor_iter_with_distance_2(p) {
            if d2 > max_chord2 * (1.0 + 1e-12) + 1e-24 {
                break;
            }
            // Once `limit` are found, keep going only through facilities tied with the last one.
            if out.len() >= limit && d2 > last_chord2 * (1.0 + 1e-12) + 1e-24 {
                break;
            }
            let mut km = None;
            if d2 >= surely_inside {
                let exact = haversine_km(from, e.at);
                if exact > radius_km {
                    continue;
                }
                km = Some(exact);
            }
            if let Some(kept) = accept(e.id) {
                out.push((Near { id: e.id, km: km.unwrap_or_else(|| haversine_km(from, e.at)) }, kept));
                last_chord2 = d2;
            }
        }
        out.sort_by(|(a, _), (b, _)| a.km.total_cmp(&b.km).then(a.id.cmp(&b.id)));
        out.truncate(limit);
        out
    }

    /// Where a facility is.
    pub fn location(&self, id: i64) -> Option<Coordinates> {
        self.at.get(&id).copied()
    }

    /// Every facility within a bounding box around a shape expanded by `km` (a superset for
    /// "within km of an area" queries; callers measure the exact distance).
    pub fn in_lon_lat_box(&self, min: Coordinates, max: Coordinates) -> Vec<(i64, Coordinates)> {
        self.tree.iter().filter(|e| e.at.lat >= min.lat && e.at.lat <= max.lat && e.at.lon >= min.lon && e.at.lon <= max.lon).map(|e| (e.id, e.at)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(lat: f64, lon: f64) -> Coordinates {
        Coordinates::new(lat, lon, "p").unwrap()
    }

    #[test]
    fn haversine_matches_known_distances() {
        // Tottori station to Yonago station: about 81 km as the crow flies.
        let d = haversine_km(c(35.4933, 134.2259), c(35.4244, 133.3310));
        assert!((d - 81.4).abs() < 1.5, "{d}");
        assert_eq!(haversine_km(c(35.0, 135.0), c(35.0, 135.0)), 0.0);
        // One degree of latitude is about 111.2 km on this radius.
        assert!((haversine_km(c(35.0, 135.0), c(36.0, 135.0)) - 111.195).abs() < 0.01);
    }

    #[test]
    fn nearest_is_sorted_limited_and_filtered() {
        let idx = FacilityIndex::new([(1, c(35.0, 135.0)), (2, c(35.1, 135.0)), (3, c(35.2, 135.0)), (4, c(35.1, 135.0))]);
        let hits = idx.nearest(c(35.0, 135.0), 100.0, 2, |_| true);
        assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![1, 2]);
        // Ties (2 and 4 share a point) are resolved by id, and a filtered-out facility is skipped.
        let hits = idx.nearest(c(35.0, 135.0), 100.0, 2, |id| id != 1);
        assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![2, 4]);
        assert!(idx.nearest(c(35.0, 135.0), 5.0, 10, |_| true).iter().all(|h| h.km <= 5.0));
    }

    #[test]
    fn moved_and_removed_facilities_are_found_where_they_are() {
        let mut idx = FacilityIndex::new([(1, c(35.0, 135.0)), (2, c(35.1, 135.0))]);
        idx.upsert(1, c(36.0, 135.0));
        idx.upsert(3, c(35.0, 135.0));
        assert_eq!(idx.len(), 3);
        assert_eq!(idx.location(1), Some(c(36.0, 135.0)));
        let ids: Vec<i64> = idx.nearest(c(35.0, 135.0), 1000.0, 10, |_| true).iter().map(|h| h.id).collect();
        assert_eq!(ids, vec![3, 2, 1]);
        assert!(idx.remove(2));
        assert!(!idx.remove(2));
        assert_eq!(idx.location(2), None);
        let ids: Vec<i64> = idx.nearest(c(35.0, 135.0), 1000.0, 10, |_| true).iter().map(|h| h.id).collect();
        assert_eq!(ids, vec![3, 1]);
    }
}
