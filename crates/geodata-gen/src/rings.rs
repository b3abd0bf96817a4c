//! Rebuilding polygons with holes from the source's flat list of one-ring polygons.
//!
//! In the reversejp/JMA data every "polygon" of a MultiPolygon has exactly one ring. Holes are
//! stored as separate one-ring polygons wound the other way: outer rings are clockwise, holes
//! counter-clockwise (the d3/TopoJSON convention), and each hole lies inside an outer ring of the
//! same feature and has the vertices of the enclave municipality's polygon. Here each
//! counter-clockwise ring is attached as a hole to the smallest clockwise ring of the same feature
//! that contains it. A counter-clockwise ring inside no clockwise ring of its feature (a "stray")
//! stays a polygon of its own, unless the caller finds it duplicates another municipality's
//! polygon (see [`Stray::duplicate_of`]).

use anyhow::{Result, ensure};
use geo::{Contains, Coord, LineString, Polygon};

pub type Ring = Vec<[f64; 2]>;

/// Polygons of one feature: each is `[outer, hole, hole, …]`, coordinates untouched.
#[derive(Debug, Default)]
pub struct Rebuilt {
    pub polygons: Vec<Vec<Ring>>,
    /// Counter-clockwise rings attached as holes.
    pub holes: usize,
    /// Counter-clockwise rings inside no outer ring of the feature.
    pub strays: Vec<Stray>,
}

/// A counter-clockwise ring that is not a hole.
#[derive(Debug)]
pub struct Stray {
    /// Index of the ring among the source polygons of the feature.
    pub source_index: usize,
    /// Index of the polygon it became in [`Rebuilt::polygons`].
    pub polygon_index: usize,
    /// Area in square degrees.
    pub area: f64,
    /// Set when all the ring's vertices are vertices of an outer ring of this other municipality
    /// (5-digit code); the polygon is then dropped.
    pub duplicate_of: Option<String>,
}

/// A ring's vertex set, as bit patterns, for exact comparison of rings.
pub fn vertex_key(ring: &Ring) -> Vec<(u64, u64)> {
    let mut v: Vec<(u64, u64)> = ring[..ring.len() - 1]
        .iter()
        .map(|p| (p[0].to_bits(), p[1].to_bits()))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

impl Rebuilt {
    /// Whether polygon `k` is a stray ring.
    pub fn is_stray(&self, k: usize) -> bool {
        self.strays.iter().any(|s| s.polygon_index == k)
    }

    /// Drops the polygons of strays marked as duplicates.
    pub fn drop_duplicates(&mut self) {
        let drop: Vec<usize> = self
            .strays
            .iter()
            .filter(|s| s.duplicate_of.is_some())
            .map(|s| s.polygon_index)
            .collect();
        let mut k = 0;
        self.polygons.retain(|_| {
            k += 1;
            !drop.contains(&(k - 1))
        });
    }
}

/// Twice the signed area (shoelace); positive for counter-clockwise rings in lon/lat.
pub fn signed_area2(ring: &Ring) -> f64 {
    ring.windows(2)
        .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
        .sum()
}

fn centroid(ring: &Ring) -> Coord<f64> {
    let a2 = signed_area2(ring);
    let (mut cx, mut cy) = (0.0, 0.0);
    for w in ring.windows(2) {
        let f = w[0][0] * w[1][1] - w[1][0] * w[0][1];
        cx += (w[0][0] + w[1][0]) * f;
        cy += (w[0][1] + w[1][1]) * f;
    }
    Coord {
        x: cx / (3.0 * a2),
        y: cy / (3.0 * a2),
    }
}

fn bbox(ring: &Ring) -> [f64; 4] {
    ring.iter()
        .fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |b, p| {
            [
                b[0].min(p[0]),
                b[1].min(p[1]),
                b[2].max(p[0]),
                b[3].max(p[1]),
            ]
        })
}

fn to_geo(ring: &Ring) -> Polygon<f64> {
    Polygon::new(
        LineString::from(
            ring.iter()
                .map(|p| Coord { x: p[0], y: p[1] })
                .collect::<Vec<_>>(),
        ),
        vec![],
    )
}

/// Whether `hole` lies in `outer`: bounding box inside, and its centroid or one of its vertices
/// strictly inside (hole vertices often sit on the outer boundary after simplification).
fn encloses(outer: &Ring, outer_geo: &Polygon<f64>, hole: &Ring) -> bool {
    let (o, h) = (bbox(outer), bbox(hole));
    if !(o[0] <= h[0] && o[1] <= h[1] && o[2] >= h[2] && o[3] >= h[3]) {
        return false;
    }
    outer_geo.contains(&centroid(hole))
        || hole
            .iter()
            .any(|p| outer_geo.contains(&Coord { x: p[0], y: p[1] }))
}

/// Groups one feature's one-ring polygons into polygons with holes. Order: outer rings in source
/// order, each followed by its holes in source order.
pub fn rebuild(code: &str, source: &[Vec<Ring>]) -> Result<Rebuilt> {
    let mut rings = Vec::with_capacity(source.len());
    for (i, poly) in source.iter().enumerate() {
        ensure!(
            poly.len() == 1,
            "{code}: polygon {i} has {} rings; the source was expected to store one ring per polygon",
            poly.len()
        );
        let ring = &poly[0];
        ensure!(
            ring.len() >= 4 && ring.first() == ring.last(),
            "{code}: polygon {i} is not a closed ring of 4 or more positions"
        );
        rings.push(ring);
    }
    let area: Vec<f64> = rings.iter().map(|r| signed_area2(r)).collect();
    let geos: Vec<Polygon<f64>> = rings.iter().map(|r| to_geo(r)).collect();
    let outers: Vec<usize> = (0..rings.len()).filter(|&i| area[i] < 0.0).collect();

    let mut out = Rebuilt::default();
    // host[i] = Some(outer index) for rings that become holes.
    let mut host: Vec<Option<usize>> = vec![None; rings.len()];
    for i in (0..rings.len()).filter(|&i| area[i] > 0.0) {
        host[i] = outers
            .iter()
            .copied()
            .filter(|&o| encloses(rings[o], &geos[o], rings[i]))
            .min_by(|&a, &b| area[a].abs().total_cmp(&area[b].abs()));
        if host[i].is_some() {
            out.holes += 1;
        }
    }
    for i in 0..rings.len() {
        if host[i].is_some() {
            continue;
        }
        if area[i] > 0.0 {
            out.strays.push(Stray {
                source_index: i,
                polygon_index: out.polygons.len(),
                area: area[i] / 2.0,
                duplicate_of: None,
            });
        }
        let mut polygon = vec![rings[i].clone()];
        polygon.extend(
            (0..rings.len())
                .filter(|&h| host[h] == Some(i))
                .map(|h| rings[h].clone()),
        );
        out.polygons.push(polygon);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: f64, y0: f64, s: f64, ccw: bool) -> Vec<Ring> {
        let mut r = vec![
            [x0, y0],
            [x0 + s, y0],
            [x0 + s, y0 + s],
            [x0, y0 + s],
            [x0, y0],
        ];
        if !ccw {
            r.reverse();
        }
        vec![r]
    }

    #[test]
    fn counter_clockwise_ring_inside_becomes_a_hole() {
        let src = vec![
            square(0.0, 0.0, 10.0, false),
            square(2.0, 2.0, 1.0, true),
            square(20.0, 0.0, 1.0, false),
        ];
        let r = rebuild("x", &src).unwrap();
        assert_eq!(r.holes, 1);
        assert_eq!(r.polygons.len(), 2);
        assert_eq!(r.polygons[0].len(), 2);
        assert_eq!(r.polygons[0][1], src[1][0]);
    }

    #[test]
    fn stray_counter_clockwise_ring_stays_a_polygon() {
        let src = vec![square(0.0, 0.0, 10.0, false), square(30.0, 0.0, 1.0, true)];
        let r = rebuild("x", &src).unwrap();
        assert_eq!((r.holes, r.polygons.len(), r.strays.len()), (0, 2, 1));
        assert_eq!(r.strays[0].polygon_index, 1);
        assert!(r.is_stray(1) && !r.is_stray(0));
    }
}
