//! Point-in-polygon over municipal boundaries, with an R-tree of polygon bounding boxes so that a
//! lookup tests only the few polygons whose box holds the point.

use geo::{BoundingRect, Centroid, Closest, HaversineClosestPoint, Intersects, MultiPolygon, Point, Polygon};
use rstar::{AABB, RTree, RTreeObject};
use sango_domain::{Coordinates, LgCode};

/// One polygon of one municipality, indexed by its bounding box.
struct Part {
    envelope: AABB<[f64; 2]>,
    owner: usize,
    polygon: Polygon<f64>,
}

impl RTreeObject for Part {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

/// Municipal boundaries, queried by point. Holes are respected; a point on a shared border
/// belongs to the municipality with the lower code, so answers are deterministic.
pub struct BoundaryIndex {
    codes: Vec<LgCode>,
    tree: RTree<Part>,
}

impl BoundaryIndex {
    /// Builds the index from (code, shape) pairs; shapes use x = lon, y = lat.
    pub fn new(boundaries: impl IntoIterator<Item = (LgCode, MultiPolygon<f64>)>) -> Self {
        let mut codes = Vec::new();
        let mut parts = Vec::new();
        for (code, shape) in boundaries {
            let owner = codes.len();
            codes.push(code);
            for polygon in shape.0 {
                if let Some(r) = polygon.bounding_rect() {
                    let envelope = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
                    parts.push(Part { envelope, owner, polygon });
                }
            }
        }
        Self { codes, tree: RTree::bulk_load(parts) }
    }

    /// The municipality containing the point, or None (sea, outside the loaded area).
    pub fn municipality_at(&self, at: Coordinates) -> Option<LgCode> {
        let p = Point::new(at.lon, at.lat);
        self.tree
            .locate_in_envelope_intersecting(AABB::from_point([at.lon, at.lat]))
            .filter(|part| part.polygon.intersects(&p))
            .map(|part| self.codes[part.owner])
            .min()
    }

    /// How many municipalities and polygons are indexed.
    pub fn size(&self) -> (usize, usize) {
        (self.codes.len(), self.tree.size())
    }
}

/// Great-circle distance in km from a point to a shape: 0 inside or on it, otherwise to the
/// nearest point of its boundary.
pub fn distance_km(shape: &MultiPolygon<f64>, at: Coordinates) -> f64 {
    let p = Point::new(at.lon, at.lat);
    if shape.intersects(&p) {
        return 0.0;
    }
    match shape.haversine_closest_point(&p) {
        Closest::Intersection(q) | Closest::SinglePoint(q) => crate::facility_index::haversine_km(at, Coordinates { lat: q.y(), lon: q.x() }),
        Closest::Indeterminate => f64::INFINITY,
    }
}

/// The area-weighted centroid of a shape, as coordinates.
pub fn centroid(shape: &MultiPolygon<f64>) -> Option<Coordinates> {
    let c = shape.centroid()?;
    Coordinates::new(c.y(), c.x(), "centroid").ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, polygon};

    fn code(s: &str) -> LgCode {
        LgCode::parse(s).unwrap()
    }

    fn at(lat: f64, lon: f64) -> Coordinates {
        Coordinates::new(lat, lon, "p").unwrap()
    }

    /// A square town (31201) with a hole that is another town (31202), and a far island of 31201.
    fn index() -> BoundaryIndex {
        let outer = LineString::from(vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0)]);
        let hole = LineString::from(vec![(4.0, 4.0), (6.0, 4.0), (6.0, 6.0), (4.0, 6.0), (4.0, 4.0)]);
        let ring_town = MultiPolygon(vec![Polygon::new(outer, vec![hole.clone()]), polygon![(x: 20.0, y: 20.0), (x: 21.0, y: 20.0), (x: 21.0, y: 21.0), (x: 20.0, y: 20.0)]]);
        let inner_town = MultiPolygon(vec![Polygon::new(hole, vec![])]);
        BoundaryIndex::new([(code("31201"), ring_town), (code("31202"), inner_town)])
    }

    #[test]
    fn holes_belong_to_the_town_inside_them() {
        let idx = index();
        assert_eq!(idx.municipality_at(at(1.0, 1.0)), Some(code("31201")));
        assert_eq!(idx.municipality_at(at(5.0, 5.0)), Some(code("31202")));
        assert_eq!(idx.municipality_at(at(20.2, 20.5)), Some(code("31201")));
        assert_eq!(idx.size(), (2, 3));
    }

    #[test]
    fn outside_every_polygon_is_none_even_inside_a_bounding_box() {
        let idx = index();
        assert_eq!(idx.municipality_at(at(15.0, 15.0)), None);
        // Inside the island's box but outside its triangle.
        assert_eq!(idx.municipality_at(at(20.9, 20.1)), None);
    }

    #[test]
    fn distance_to_a_shape_is_zero_inside_and_great_circle_outside() {
        let square = MultiPolygon(vec![polygon![(x: 134.0, y: 35.0), (x: 134.1, y: 35.0), (x: 134.1, y: 35.1), (x: 134.0, y: 35.1), (x: 134.0, y: 35.0)]]);
        assert_eq!(distance_km(&square, at(35.05, 134.05)), 0.0);
        // 0.1 degree of latitude north of the top edge: about 11.1 km.
        let d = distance_km(&square, at(35.2, 134.05));
        assert!((d - 11.12).abs() < 0.05, "{d}");
    }

    #[test]
    fn shared_borders_go_to_the_lower_code() {
        assert_eq!(index().municipality_at(at(4.0, 5.0)), Some(code("31201")));
    }
}
