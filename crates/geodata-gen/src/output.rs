//! Writing `municipalities.csv`, `boundaries.geojson` and `README.md` into the output folder.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, ensure};
use serde::Serialize;

use crate::rings::{Ring, vertex_key};
use crate::source::REVERSEJP_VERSION;
use crate::{Municipality, NameSource};

/// Counts reported on stderr and in the README.
pub struct Stats {
    pub polygons: usize,
    pub holes: usize,
    pub holes_matching_enclave: usize,
    pub strays_kept: usize,
    pub strays_dropped: Vec<String>,
    pub geojson_bytes: usize,
}

pub fn write_all(
    dir: &Path,
    ms: &[Municipality],
    source_features: usize,
    skipped: &[String],
) -> Result<Stats> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let csv = municipalities_csv(ms)?;
    let geojson = boundaries_geojson(ms)?;
    let stats = Stats {
        polygons: ms.iter().map(|m| m.polygons().count()).sum(),
        holes: ms
            .iter()
            .flat_map(|m| &m.parts)
            .map(|p| p.rebuilt.holes)
            .sum(),
        holes_matching_enclave: holes_matching_enclave(ms),
        strays_kept: ms
            .iter()
            .flat_map(|m| &m.parts)
            .flat_map(|p| &p.rebuilt.strays)
            .filter(|s| s.duplicate_of.is_none())
            .count(),
        strays_dropped: ms
            .iter()
            .flat_map(|m| m.parts.iter().map(move |p| (m, p)))
            .flat_map(|(m, p)| p.rebuilt.strays.iter().map(move |s| (m, p, s)))
            .filter_map(|(m, p, s)| {
                let other = s.duplicate_of.as_ref()?;
                let owner = ms
                    .iter()
                    .find(|o| o.five == *other)
                    .map_or(other.as_str(), |o| o.names.name.as_str());
                Some(format!(
                    "a ring of {} ({}, {:.1e} square degrees) on a polygon of {owner}",
                    m.names.name, p.code7, s.area
                ))
            })
            .collect(),
        geojson_bytes: geojson.len(),
    };
    let readme = readme(ms, &stats, source_features, skipped);
    for (name, text) in [
        ("municipalities.csv", csv),
        ("boundaries.geojson", geojson),
        ("README.md", readme),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(stats)
}

fn csv_field(s: &str) -> Result<String> {
    ensure!(!s.contains(['\n', '\r']), "line break in CSV field {s:?}");
    Ok(if s.contains([',', '"']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    })
}

fn municipalities_csv(ms: &[Municipality]) -> Result<String> {
    let mut out = String::from("code,prefecture_code,name,kana,en_name\n");
    for m in ms {
        let n = &m.names;
        writeln!(
            out,
            "{},{},{},{},{}",
            m.code,
            &m.code[..2],
            csv_field(&n.name)?,
            csv_field(&n.kana)?,
            csv_field(&n.en_name)?
        )?;
    }
    Ok(out)
}

#[derive(Serialize)]
struct Feature<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    properties: Properties<'a>,
    geometry: Geometry<'a>,
}

#[derive(Serialize)]
struct Properties<'a> {
    code: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct Geometry<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    coordinates: Vec<&'a Vec<Ring>>,
}

/// One feature per line, sorted by code.
fn boundaries_geojson(ms: &[Municipality]) -> Result<String> {
    let mut out = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for (i, m) in ms.iter().enumerate() {
        let f = Feature {
            kind: "Feature",
            properties: Properties {
                code: &m.code,
                name: &m.names.name,
            },
            geometry: Geometry {
                kind: "MultiPolygon",
                coordinates: m.polygons().collect(),
            },
        };
        out.push_str(&serde_json::to_string(&f)?);
        out.push_str(if i + 1 < ms.len() { ",\n" } else { "\n" });
    }
    out.push_str("]}\n");
    Ok(out)
}

/// Holes whose vertices are exactly those of an outer ring of another municipality (the enclave).
fn holes_matching_enclave(ms: &[Municipality]) -> usize {
    let mut outer: HashMap<Vec<(u64, u64)>, Vec<&str>> = HashMap::new();
    for m in ms {
        for poly in m.polygons() {
            outer.entry(vertex_key(&poly[0])).or_default().push(&m.code);
        }
    }
    ms.iter()
        .flat_map(|m| {
            m.polygons()
                .flat_map(|p| p[1..].iter())
                .map(move |h| (m, h))
        })
        .filter(|(m, h)| {
            outer
                .get(&vertex_key(h))
                .is_some_and(|codes| codes.iter().any(|c| *c != m.code))
        })
        .count()
}

fn readme(
    ms: &[Municipality],
    stats: &Stats,
    source_features: usize,
    skipped: &[String],
) -> String {
    let merged: Vec<&Municipality> = ms.iter().filter(|m| m.parts.len() > 1).collect();
    let wards = merged
        .iter()
        .filter(|m| m.parts.iter().any(|p| !p.code7.starts_with(&m.five)))
        .count();
    let parts: usize = merged.iter().map(|m| m.parts.len()).sum();
    let derived: Vec<String> = ms
        .iter()
        .filter(|m| m.name_source == NameSource::Derived)
        .map(|m| format!("{} {}", m.code, m.names.name))
        .collect();
    let positions: usize = ms
        .iter()
        .flat_map(|m| m.polygons())
        .flatten()
        .map(Vec::len)
        .sum();
    format!(
        r#"# geodata — municipalities and boundaries of Japan

Generated files; do not edit by hand. Regenerate with

```sh
cargo run -p sango-geodata-gen -- --out geodata
```

The output is deterministic: running the command twice gives byte-identical files.

## Files

- `municipalities.csv` — UTF-8, header `code,prefecture_code,name,kana,en_name`, one row per
  municipality (市区町村 including Tokyo's 23 special wards), sorted by `code`. `code` is the
  6-digit 全国地方公共団体コード with its check digit, `prefecture_code` its first two digits.
  Names are not unique (there are several 府中市, 伊達市, …); codes are.
- `boundaries.geojson` — a GeoJSON FeatureCollection, one Feature per municipality, sorted by code,
  one feature per line. Properties `{{"code": "<6 digits>", "name": "…"}}`; geometry a MultiPolygon of
  all the municipality's polygons, each polygon `[outer ring, holes…]`. Coordinates are
  `[longitude, latitude]` (WGS 84 degrees) exactly as in the source (at most 4 decimals, about 10 m);
  rings keep the source winding (outer rings clockwise, holes counter-clockwise — the reverse of
  RFC 7946's recommendation, which readers such as `geo` do not rely on).

Counts: {municipalities} municipalities (the official count in 2024: 1,718 市町村 plus the 23
special wards, 1,741), {polygons} polygons with {holes} holes, {positions} positions; `boundaries.geojson`
is {bytes} bytes.

## Source and attribution

Area polygons and names of the Japan Meteorological Agency (気象庁) — the 市町村等 areas
(class20s) used for warnings — as embedded in the Rust crate
[reversejp {version}](https://crates.io/crates/reversejp) (MIT licence): the polygons from
`reversejp::get_landslide_data(0..=9)`, names, readings and English names from the `class20s`
map of the crate's `data/area.json.zip` (its package directory is found with `cargo metadata`).

Any map or list displaying this data must carry the attribution

    出典：気象庁

(`sango_geodata::ATTRIBUTION`). The polygons are simplified; they are meant for choosing and
displaying a municipality, not for surveying.

## How the source is turned into municipalities

- The source has {source_features} features; {coded} of them have 7-digit area codes: the 5-digit
  municipal code plus a 2-digit part number (`00` for an undivided municipality). JMA divides some
  municipalities for warnings (鳥取市北部 3120101 and 鳥取市南部 3120102 are 鳥取市 31201). All
  parts with the same 5-digit code are merged into one municipality. The wards of the designated
  cities 京都市 and 広島市, which the source lists separately (2610100…, 3410100…), are merged into
  their city, as the other designated cities already are. {merged} municipalities were merged from
  {parts} parts ({wards} of them designated cities from their wards).
- Names of a merged municipality: the `class20s` entry `<5 digits>00` for the whole
  municipality where the source has one; otherwise derived from the parts' entries: the English
  name with the part qualifier removed ("Northern Tottori City" → "Tottori City", "Akan, Kushiro
  City" → "Kushiro City", "Hiroshima City Naka Ward" → "Hiroshima City"), and the name and reading
  as the longest common prefix of the parts' ones, cut back to end at 市/町/村 (し, ちょう/まち,
  むら/そん) as the English name's City/Town/Village says. Derived: {derived}.
- Holes: the source stores every ring as a polygon of its own; holes are the rings wound
  counter-clockwise. Each is attached to the smallest clockwise ring of the same feature that
  contains it ({holes} holes; {matching} of them have exactly the vertices of the enclave
  municipality's polygon, e.g. 刈羽村 inside 柏崎市; the others match no municipality). {strays}
  tiny counter-clockwise rings lie inside no ring of their feature (islets or strips whose winding
  the simplification reversed). A stray whose vertices are all vertices of a polygon of another
  municipality lies on that polygon and is dropped, so that no area is claimed twice
  ({dropped}); the others ({stray}) are kept as polygons of their own.
- Skipped: {skipped}: the source's only feature without a municipal code. It covers the
  Northern Territories (北方領土: 歯舞群島, 色丹島, 国後島, 択捉島) under the name of the 根室地方
  forecast region. The six villages there (codes 01695–01700) have no code or name in the source
  (the generator checks this), and they are not under Japanese administration, so no municipality
  there can take part.

## Higher resolution

`sango_geodata::parse_boundaries_geojson` also reads the national land numerical information
administrative areas (国土数値情報 行政区域, N03) GeoJSON: properties `N03_001` prefecture name,
`N03_004` municipality name, `N03_007` 5-digit code; features with a null `N03_007` (areas not
assigned to a municipality) are skipped and features with the same code are merged. Load such a
file instead of `boundaries.geojson` for full-resolution boundaries (its own attribution terms
then apply). Note that N03 lists designated-city wards under their own codes.
"#,
        municipalities = ms.len(),
        polygons = stats.polygons,
        holes = stats.holes,
        positions = positions,
        bytes = stats.geojson_bytes,
        version = REVERSEJP_VERSION,
        source_features = source_features,
        coded = source_features - skipped.len(),
        merged = merged.len(),
        parts = parts,
        wards = wards,
        derived = derived.join(", "),
        matching = stats.holes_matching_enclave,
        stray = stats.strays_kept,
        strays = stats.strays_kept + stats.strays_dropped.len(),
        dropped = if stats.strays_dropped.is_empty() {
            "none here".to_string()
        } else {
            stats.strays_dropped.join("; ")
        },
        skipped = skipped.join("; "),
    )
}
