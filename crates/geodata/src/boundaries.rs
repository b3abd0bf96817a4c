//! Municipal boundaries: the embedded `geodata/boundaries.geojson` and a parser that also reads N03 GeoJSON.

use std::collections::BTreeMap;

use geo::{Coord, LineString, MultiPolygon, Polygon};
use sango_domain::LgCode;
use serde_json::{Map, Value};

use crate::GeodataError;

const BOUNDARIES_GEOJSON: &str = include_str!("../../../geodata/boundaries.geojson");

/// The area of one municipality. In `shape`, `x` is the longitude and `y` the latitude (degrees).
#[derive(Clone, Debug, PartialEq)]
pub struct Boundary {
    pub code: LgCode,
    pub name: String,
    pub shape: MultiPolygon<f64>,
}

/// The boundaries of all municipalities of Japan (JMA polygons), sorted by code.
pub fn japan_boundaries() -> Result<Vec<Boundary>, GeodataError> {
    parse_boundaries_geojson(BOUNDARIES_GEOJSON)
}

/// Parses a GeoJSON FeatureCollection of municipal boundaries, either
///
/// - this crate's own format: properties `code` (5 or 6 digits) and `name`, or
/// - 国土数値情報 行政区域 (N03): properties `N03_007` (5-digit code) and `N03_004` (name; wards
///   of designated cities get the city name from `N03_003` in front, e.g. 京都市北区). Features
///   with a null `N03_007` (areas assigned to no municipality) are skipped.
///
/// Geometries must be Polygon or MultiPolygon with `[longitude, latitude]` positions and closed
/// rings (first ring outer, the rest holes). Features with the same code are merged into one
/// boundary (the name of the first is kept). The result is sorted by code.
pub fn parse_boundaries_geojson(text: &str) -> Result<Vec<Boundary>, GeodataError> {
    let root: Value = serde_json::from_str(text).map_err(|e| GeodataError::Json(e.to_string()))?;
    let not_fc = |m: &str| GeodataError::NotFeatureCollection(m.to_string());
    let root = root
        .as_object()
        .ok_or_else(|| not_fc("the top level is not an object"))?;
    match root.get("type") {
        Some(Value::String(t)) if t == "FeatureCollection" => {}
        other => return Err(not_fc(&format!("its type is {}", describe(other)))),
    }
    let features = root
        .get("features")
        .and_then(Value::as_array)
        .ok_or_else(|| not_fc("it has no `features` array"))?;

    let mut by_code: BTreeMap<LgCode, Boundary> = BTreeMap::new();
    for (index, feature) in features.iter().enumerate() {
        let Some((code, name)) = identify(index, feature)? else {
            continue;
        };
        let polygons = parse_geometry(index, feature.get("geometry"))?;
        by_code
            .entry(code)
            .and_modify(|b| b.shape.0.extend(polygons.iter().cloned()))
            .or_insert_with(|| Boundary {
                code,
                name,
                shape: MultiPolygon(polygons),
            });
    }
    Ok(by_code.into_values().collect())
}

fn describe(v: Option<&Value>) -> String {
    match v {
        None => "missing".into(),
        Some(Value::String(s)) => format!("{s:?}"),
        Some(other) => other.to_string(),
    }
}

fn string_prop<'a>(props: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    props
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

/// Code and name of a feature, or `None` for an N03 feature with a null code.
fn identify(index: usize, feature: &Value) -> Result<Option<(LgCode, String)>, GeodataError> {
    let bad = |message: String| GeodataError::BadFeature { index, message };
    let feature = feature
        .as_object()
        .ok_or_else(|| bad("not a JSON object".into()))?;
    let props = feature
        .get("properties")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("`properties` missing or not an object".into()))?;
    let (code_value, name) = if let Some(code) = props.get("code") {
        let name = string_prop(props, "name")
            .ok_or_else(|| bad("property `name` missing or not a string".into()))?;
        (code, name.to_string())
    } else if let Some(code) = props.get("N03_007") {
        if code.is_null() {
            return Ok(None);
        }
        let city = string_prop(props, "N03_003");
        let name = match (city, string_prop(props, "N03_004")) {
            (Some(c), Some(w)) if c.ends_with('市') && w.ends_with('区') => format!("{c}{w}"),
            (_, Some(n)) | (Some(n), None) => n.to_string(),
            (None, None) => {
                return Err(bad(
                    "properties `N03_004` and `N03_003` are both missing".into()
                ));
            }
        };
        (code, name)
    } else {
        return Err(GeodataError::BadCode {
            index,
            code: "(none)".into(),
            message: "no `code` or `N03_007` property".into(),
        });
    };
    let Value::String(code) = code_value else {
        return Err(GeodataError::BadCode {
            index,
            code: code_value.to_string(),
            message: "the code must be a string".into(),
        });
    };
    let code = LgCode::parse(code).map_err(|e| GeodataError::BadCode {
        index,
        code: format!("{code:?}"),
        message: e.message,
    })?;
    Ok(Some((code, name)))
}

fn parse_geometry(
    index: usize,
    geometry: Option<&Value>,
) -> Result<Vec<Polygon<f64>>, GeodataError> {
    let wrong = |found: String| GeodataError::WrongGeometry { index, found };
    let Some(Value::Object(g)) = geometry else {
        return Err(wrong(describe(geometry)));
    };
    let coords = g.get("coordinates");
    match g.get("type").and_then(Value::as_str) {
        Some("Polygon") => Ok(vec![parse_polygon(index, coords, String::new())?]),
        Some("MultiPolygon") => {
            let list = as_array(
                index,
                coords,
                "",
                "a MultiPolygon's coordinates must be an array of polygons",
            )?;
            if list.is_empty() {
                return Err(coordinate_error(
                    index,
                    "",
                    "the MultiPolygon has no polygons",
                ));
            }
            list.iter()
                .enumerate()
                .map(|(p, poly)| parse_polygon(index, Some(poly), format!("[{p}]")))
                .collect()
        }
        _ => Err(wrong(describe(g.get("type")))),
    }
}

fn coordinate_error(index: usize, path: &str, message: &str) -> GeodataError {
    GeodataError::BadCoordinate {
        index,
        path: path.to_string(),
        message: message.to_string(),
    }
}

fn as_array<'a>(
    index: usize,
    v: Option<&'a Value>,
    path: &str,
    message: &str,
) -> Result<&'a Vec<Value>, GeodataError> {
    v.and_then(Value::as_array)
        .ok_or_else(|| coordinate_error(index, path, message))
}

fn parse_polygon(
    index: usize,
    v: Option<&Value>,
    path: String,
) -> Result<Polygon<f64>, GeodataError> {
    let rings = as_array(index, v, &path, "a polygon must be an array of rings")?;
    if rings.is_empty() {
        return Err(coordinate_error(index, &path, "the polygon has no rings"));
    }
    let mut parsed = rings
        .iter()
        .enumerate()
        .map(|(r, ring)| parse_ring(index, ring, format!("{path}[{r}]")))
        .collect::<Result<Vec<_>, _>>()?;
    let exterior = parsed.remove(0);
    Ok(Polygon::new(exterior, parsed))
}

fn parse_ring(index: usize, v: &Value, path: String) -> Result<LineString<f64>, GeodataError> {
    let positions = as_array(
        index,
        Some(v),
        &path,
        "a ring must be an array of positions",
    )?;
    if positions.len() < 4 {
        return Err(coordinate_error(
            index,
            &path,
            &format!(
                "a ring needs at least 4 positions, this one has {}",
                positions.len()
            ),
        ));
    }
    let mut coords = Vec::with_capacity(positions.len());
    for (i, p) in positions.iter().enumerate() {
        let at = format!("{path}[{i}]");
        let pair = p.as_array().filter(|a| a.len() >= 2);
        let (lon, lat) = match pair.map(|a| (a[0].as_f64(), a[1].as_f64())) {
            Some((Some(lon), Some(lat))) => (lon, lat),
            _ => {
                return Err(coordinate_error(
                    index,
                    &at,
                    &format!("expected [longitude, latitude], got {p}"),
                ));
            }
        };
        if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
            return Err(coordinate_error(
                index,
                &at,
                &format!("[{lon}, {lat}] is not a [longitude, latitude] in degrees"),
            ));
        }
        coords.push(Coord { x: lon, y: lat });
    }
    if coords.first() != coords.last() {
        return Err(coordinate_error(
            index,
            &path,
            "the ring is not closed (first and last positions differ)",
        ));
    }
    Ok(LineString::from(coords))
}
