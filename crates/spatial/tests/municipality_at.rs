//! `BoundaryIndex::municipality_at` against a plain scan of every polygon of Japan.

use geo::{BoundingRect, Intersects, Point};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sango_domain::{Coordinates, LgCode};
use sango_spatial::BoundaryIndex;

/// The answer by testing every polygon: the lowest code among those containing the point.
fn scan(polygons: &[(LgCode, geo::Polygon<f64>, geo::Rect<f64>)], lat: f64, lon: f64) -> Option<LgCode> {
    let p = Point::new(lon, lat);
    polygons.iter().filter(|(_, poly, r)| r.intersects(&p) && poly.intersects(&p)).map(|(c, ..)| *c).min()
}

#[test]
fn agrees_with_a_scan_of_every_polygon_for_100_000_random_points() {
    let boundaries = sango_geodata::japan_boundaries().unwrap();
    let polygons: Vec<_> = boundaries
        .iter()
        .flat_map(|b| b.shape.0.iter().map(move |p| (b.code, p.clone(), p.bounding_rect().unwrap())))
        .collect();
    let index = BoundaryIndex::new(boundaries.iter().map(|b| (b.code, b.shape.clone())));
    let mut rng = ChaCha8Rng::seed_from_u64(20_250_401);
    let mut on_land = 0;
    // Japan's bounding box: most of it is sea.
    for _ in 0..100_000 {
        let (lat, lon) = (rng.random_range(20.0..46.0), rng.random_range(122.0..154.0));
        let got = index.municipality_at(Coordinates::new(lat, lon, "p").unwrap());
        assert_eq!(got, scan(&polygons, lat, lon), "at ({lat}, {lon})");
        on_land += usize::from(got.is_some());
    }
    // And as many points again inside municipalities' boxes, where borders are.
    for i in 0..20_000 {
        let r = polygons[i % polygons.len()].2;
        let (lat, lon) = (rng.random_range(r.min().y..=r.max().y), rng.random_range(r.min().x..=r.max().x));
        let got = index.municipality_at(Coordinates::new(lat, lon, "p").unwrap());
        assert_eq!(got, scan(&polygons, lat, lon), "at ({lat}, {lon})");
        on_land += usize::from(got.is_some());
    }
    assert!(on_land > 15_000, "only {on_land} points fell on land; the test would prove little");
}

#[test]
fn the_sea_and_abroad_are_none() {
    let boundaries = sango_geodata::japan_boundaries().unwrap();
    let index = BoundaryIndex::new(boundaries.iter().map(|b| (b.code, b.shape.clone())));
    for (lat, lon) in [(37.0, 134.0), (37.5665, 126.978), (39.9, 116.4), (0.0, 0.0), (35.0, 140.5)] {
        assert_eq!(index.municipality_at(Coordinates::new(lat, lon, "p").unwrap()), None, "({lat}, {lon})");
    }
}
