//! GeoJSON MultiPolygon geometry text to and from `geo` shapes, as the store keeps boundaries.
//! Positions are `[lon, lat]`, as GeoJSON requires.

use geo::{Coord, LineString, MultiPolygon, Polygon};
use serde_json::json;

/// Serialises a shape as a GeoJSON MultiPolygon geometry object.
pub fn to_geojson(shape: &MultiPolygon<f64>) -> String {
    let ring = |ls: &LineString<f64>| ls.0.iter().map(|c| [c.x, c.y]).collect::<Vec<_>>();
    let polygons: Vec<Vec<Vec<[f64; 2]>>> = shape
        .0
        .iter()
        .map(|p| std::iter::once(p.exterior()).chain(p.interiors()).map(ring).collect())
        .collect();
    json!({ "type": "MultiPolygon", "coordinates": polygons }).to_string()
}

/// Parses a GeoJSON Polygon or MultiPolygon geometry object (first ring exterior, the rest holes).
pub fn from_geojson(text: &str) -> Result<MultiPolygon<f64>, String> {
    #[derive(serde::Deserialize)]
    struct Geometry {
        #[serde(rename = "type")]
        kind: String,
        coordinates: serde_json::Value,
    }
    let g: Geometry = serde_json::from_str(text).map_err(|e| format!("not a GeoJSON geometry: {e}"))?;
    let polygons: Vec<Vec<Vec<[f64; 2]>>> = match g.kind.as_str() {
        "MultiPolygon" => serde_json::from_value(g.coordinates).map_err(|e| e.to_string())?,
        "Polygon" => vec![serde_json::from_value(g.coordinates).map_err(|e| e.to_string())?],
        other => return Err(format!("expected a Polygon or MultiPolygon geometry, got {other}")),
    };
    let mut out = Vec::with_capacity(polygons.len());
    for rings in polygons {
        let mut rings = rings.into_iter().map(|r| LineString(r.into_iter().map(|[x, y]| Coord { x, y }).collect()));
        let exterior = rings.next().ok_or("a polygon without rings")?;
        if exterior.0.len() < 4 {
            return Err("a polygon ring needs at least four positions".into());
        }
        out.push(Polygon::new(exterior, rings.collect()));
    }
    Ok(MultiPolygon(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_with_holes() {
        let text = r#"{"type":"MultiPolygon","coordinates":[[[[0,0],[4,0],[4,4],[0,4],[0,0]],[[1,1],[2,1],[2,2],[1,1]]]]}"#;
        let shape = from_geojson(text).unwrap();
        assert_eq!(shape.0[0].interiors().len(), 1);
        assert_eq!(from_geojson(&to_geojson(&shape)).unwrap(), shape);
    }

    #[test]
    fn bad_geometries_are_errors() {
        assert!(from_geojson(r#"{"type":"Point","coordinates":[1,2]}"#).is_err());
        assert!(from_geojson(r#"{"type":"Polygon","coordinates":[[[0,0],[1,1]]]}"#).is_err());
        assert!(from_geojson("nope").is_err());
    }
}
