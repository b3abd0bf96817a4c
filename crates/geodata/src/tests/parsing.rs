//! Tests of the parsers: N03 input, merging, and errors (not panics) for malformed CSV and GeoJSON.

use geo::{Contains, Point};

use crate::municipalities::parse_municipalities_csv;
use crate::*;

const N03_SAMPLE: &str = r#"{"type":"FeatureCollection","name":"N03-24_31_240101","features":[
{"type":"Feature","properties":{"N03_001":"鳥取県","N03_002":null,"N03_003":null,"N03_004":"鳥取市","N03_005":null,"N03_007":"31201"},
 "geometry":{"type":"Polygon","coordinates":[[[134.1,35.4],[134.3,35.4],[134.3,35.6],[134.1,35.6],[134.1,35.4]],[[134.15,35.45],[134.16,35.45],[134.16,35.46],[134.15,35.45]]]}},
{"type":"Feature","properties":{"N03_001":"鳥取県","N03_002":null,"N03_003":null,"N03_004":"鳥取市","N03_005":null,"N03_007":"31201"},
 "geometry":{"type":"MultiPolygon","coordinates":[[[[134.4,35.5],[134.5,35.5],[134.5,35.6],[134.4,35.5]]]]}},
{"type":"Feature","properties":{"N03_001":"鳥取県","N03_002":null,"N03_003":null,"N03_004":null,"N03_005":null,"N03_007":null},
 "geometry":{"type":"Polygon","coordinates":[[[133.0,35.0],[133.1,35.0],[133.1,35.1],[133.0,35.0]]]}},
{"type":"Feature","properties":{"N03_001":"京都府","N03_002":null,"N03_003":"京都市","N03_004":"北区","N03_005":null,"N03_007":"26101"},
 "geometry":{"type":"Polygon","coordinates":[[[135.7,35.0],[135.8,35.0],[135.8,35.1],[135.7,35.0]]]}}
]}"#;

#[test]
fn n03_features_are_merged_by_code_and_unassigned_areas_skipped() {
    let parsed = parse_boundaries_geojson(N03_SAMPLE).unwrap();
    let codes: Vec<String> = parsed.iter().map(|b| b.code.to_string()).collect();
    assert_eq!(codes, ["261017", "312011"]);
    assert_eq!(parsed[0].name, "京都市北区");
    let tottori = &parsed[1];
    assert_eq!(tottori.name, "鳥取市");
    assert_eq!(tottori.shape.0.len(), 2);
    assert_eq!(tottori.shape.0[0].interiors().len(), 1);
    assert!(tottori.shape.contains(&Point::new(134.2, 35.5)));
    assert!(
        !tottori.shape.contains(&Point::new(134.158, 35.452)),
        "inside the hole"
    );
    assert!(
        !tottori.shape.contains(&Point::new(133.05, 35.02)),
        "the unassigned area is not 鳥取市"
    );
}

#[test]
fn own_format_accepts_five_digit_codes() {
    let text = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"13101","name":"千代田区"},
        "geometry":{"type":"Polygon","coordinates":[[[139.7,35.6],[139.8,35.6],[139.8,35.7],[139.7,35.6]]]}}]}"#;
    let parsed = parse_boundaries_geojson(text).unwrap();
    assert_eq!(parsed[0].code.to_string(), "131016");
}

fn feature(props: &str, geometry: &str) -> String {
    let ok = r#"{"type":"Feature","properties":{"code":"312011","name":"鳥取市"},"geometry":{"type":"Polygon","coordinates":[[[134.1,35.4],[134.3,35.4],[134.3,35.6],[134.1,35.4]]]}}"#;
    format!(
        r#"{{"type":"FeatureCollection","features":[{ok},{{"type":"Feature","properties":{props},"geometry":{geometry}}}]}}"#
    )
}

const SQUARE: &str =
    r#"{"type":"Polygon","coordinates":[[[134.1,35.4],[134.3,35.4],[134.3,35.6],[134.1,35.4]]]}"#;

#[test]
fn malformed_geojson_gives_errors_naming_the_feature() {
    let cases: Vec<(String, &str)> = vec![
        ("not json".into(), "not valid JSON"),
        (
            r#"{"type":"Feature","features":[]}"#.into(),
            "not a FeatureCollection",
        ),
        (r#"[1,2]"#.into(), "not a FeatureCollection"),
        (
            r#"{"type":"FeatureCollection"}"#.into(),
            "no `features` array",
        ),
        (
            feature(r#"{"code":"312012","name":"x"}"#, SQUARE),
            "feature 1: bad municipal code",
        ),
        (
            feature(r#"{"code":"3120","name":"x"}"#, SQUARE),
            "feature 1: bad municipal code",
        ),
        (
            feature(r#"{"code":31201,"name":"x"}"#, SQUARE),
            "must be a string",
        ),
        (
            feature(r#"{"name":"x"}"#, SQUARE),
            "feature 1: bad municipal code (none)",
        ),
        (
            feature(r#"{"code":"31201"}"#, SQUARE),
            "feature 1: property `name`",
        ),
        (feature("null", SQUARE), "feature 1: `properties` missing"),
        (
            feature(
                r#"{"code":"31201","name":"x"}"#,
                r#"{"type":"Point","coordinates":[134.1,35.4]}"#,
            ),
            "feature 1: geometry type \"Point\"",
        ),
        (
            feature(r#"{"code":"31201","name":"x"}"#, "null"),
            "feature 1: geometry type null",
        ),
        (
            feature(
                r#"{"code":"31201","name":"x"}"#,
                r#"{"type":"Polygon","coordinates":[[[134.1,35.4],["a",35.4],[134.3,35.6],[134.1,35.4]]]}"#,
            ),
            "feature 1: bad coordinate at coordinates[0][1]",
        ),
        (
            feature(
                r#"{"code":"31201","name":"x"}"#,
                r#"{"type":"Polygon","coordinates":[[[35.4,134.1],[35.4,134.3],[35.6,134.3],[35.4,134.1]]]}"#,
            ),
            "not a [longitude, latitude]",
        ),
        (
            feature(
                r#"{"code":"31201","name":"x"}"#,
                r#"{"type":"Polygon","coordinates":[[[134.1,35.4],[134.3,35.4],[134.1,35.4]]]}"#,
            ),
            "at least 4 positions",
        ),
        (
            feature(
                r#"{"code":"31201","name":"x"}"#,
                r#"{"type":"Polygon","coordinates":[[[134.1,35.4],[134.3,35.4],[134.3,35.6],[134.2,35.5]]]}"#,
            ),
            "not closed",
        ),
        (
            feature(
                r#"{"code":"31201","name":"x"}"#,
                r#"{"type":"MultiPolygon","coordinates":[]}"#,
            ),
            "no polygons",
        ),
        (
            feature(
                r#"{"code":"31201","name":"x"}"#,
                r#"{"type":"MultiPolygon","coordinates":[[[[134.1,35.4]]], 5]}"#,
            ),
            "coordinates[0][0]",
        ),
        (
            feature(
                r#"{"code":"31201","name":"x"}"#,
                r#"{"type":"Polygon","coordinates":[]}"#,
            ),
            "no rings",
        ),
        (
            feature(r#"{"N03_007":"31201","N03_004":null}"#, SQUARE),
            "feature 1: properties `N03_004` and `N03_003`",
        ),
    ];
    for (text, expected) in cases {
        match parse_boundaries_geojson(&text) {
            Ok(b) => panic!("accepted {text}: {b:?}"),
            Err(e) => assert!(
                e.to_string().contains(expected),
                "{text}\n  gave {e}\n  expected {expected:?}"
            ),
        }
    }
}

#[test]
fn csv_rows_are_validated() {
    let ok = "code,prefecture_code,name,kana,en_name\n312011,31,鳥取市,とっとりし,\"Tottori City, \"\"the capital\"\"\"\n";
    let parsed = parse_municipalities_csv(ok).unwrap();
    assert_eq!(parsed[0].en_name, "Tottori City, \"the capital\"");
    for (text, expected) in [
        ("", "empty file"),
        ("code,name\n", "line 1: header"),
        (
            "code,prefecture_code,name,kana,en_name\n312012,31,鳥取市,とっとりし,Tottori City\n",
            "line 2: code: '312012' has check digit 2",
        ),
        (
            "code,prefecture_code,name,kana,en_name\n31201,31,鳥取市,とっとりし,Tottori City\n",
            "not 6 digits",
        ),
        (
            "code,prefecture_code,name,kana,en_name\n312011,13,鳥取市,とっとりし,Tottori City\n",
            "does not match",
        ),
        (
            "code,prefecture_code,name,kana,en_name\n312011,31,鳥取市,とっとりし\n",
            "4 fields",
        ),
        (
            "code,prefecture_code,name,kana,en_name\n312011,31,,とっとりし,Tottori City\n",
            "name is empty",
        ),
        (
            "code,prefecture_code,name,kana,en_name\n312011,31,鳥取市,とっとりし,\"Tottori\n",
            "unterminated",
        ),
    ] {
        let e = parse_municipalities_csv(text).expect_err(text).to_string();
        assert!(
            e.contains(expected),
            "{text:?} gave {e}, expected {expected:?}"
        );
    }
}

#[test]
fn attribution() {
    assert_eq!(ATTRIBUTION, "出典：気象庁");
}
