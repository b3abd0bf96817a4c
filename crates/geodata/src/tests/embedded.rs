//! Tests of the embedded data: codes and check digits, names, coverage, point lookups, holes.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use geo::{Contains, Intersects, Point};
use sango_domain::LgCode;

use crate::*;

fn boundaries() -> &'static [Boundary] {
    static CELL: OnceLock<Vec<Boundary>> = OnceLock::new();
    CELL.get_or_init(|| japan_boundaries().expect("embedded boundaries parse"))
}

fn records() -> Vec<MunicipalityRecord> {
    municipality_list().expect("embedded CSV parses")
}

fn record(code: &str) -> MunicipalityRecord {
    let code = LgCode::parse(code).unwrap();
    records()
        .into_iter()
        .find(|r| r.code == code)
        .unwrap_or_else(|| panic!("{code} not in the list"))
}

/// Codes of all boundaries containing the point (latitude, longitude).
fn containing(lat: f64, lon: f64) -> Vec<String> {
    let p = Point::new(lon, lat);
    boundaries()
        .iter()
        .filter(|b| b.shape.contains(&p))
        .map(|b| b.code.to_string())
        .collect()
}

fn check_digit(five: &str) -> u32 {
    let s: u32 = five
        .bytes()
        .zip([6, 5, 4, 3, 2])
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    (11 - s % 11) % 10
}

#[test]
fn every_code_has_its_check_digit() {
    let list = records();
    for r in &list {
        let six = r.code.to_string();
        let five = r.code.five_digit();
        assert_eq!(format!("{five}{}", check_digit(&five)), six, "{}", r.name);
        assert_eq!(LgCode::parse(&six).unwrap(), r.code);
    }
    // Codes as published by the Ministry of Internal Affairs (全国地方公共団体コード).
    for (code, name) in [
        ("011002", "札幌市"),
        ("012025", "函館市"),
        ("131016", "千代田区"),
        ("131130", "渋谷区"),
        ("141003", "横浜市"),
        ("231002", "名古屋市"),
        ("261009", "京都市"),
        ("271004", "大阪市"),
        ("341002", "広島市"),
        ("401307", "福岡市"),
        ("472018", "那覇市"),
    ] {
        assert_eq!(record(code).name, name, "{code}");
    }
    let mut sorted = list.clone();
    sorted.sort_by_key(|r| r.code);
    sorted.dedup_by_key(|r| r.code);
    assert_eq!(
        sorted, list,
        "the list is sorted by code without duplicates"
    );
}

#[test]
fn tottori_has_its_19_municipalities() {
    let tottori: Vec<(String, String)> = records()
        .into_iter()
        .filter(|r| r.code.prefecture().get() == 31)
        .map(|r| (r.code.to_string(), r.name))
        .collect();
    let expected = [
        ("312011", "鳥取市"),
        ("312029", "米子市"),
        ("312037", "倉吉市"),
        ("312045", "境港市"),
        ("313025", "岩美町"),
        ("313254", "若桜町"),
        ("313289", "智頭町"),
        ("313297", "八頭町"),
        ("313645", "三朝町"),
        ("313700", "湯梨浜町"),
        ("313718", "琴浦町"),
        ("313726", "北栄町"),
        ("313840", "日吉津村"),
        ("313866", "大山町"),
        ("313891", "南部町"),
        ("313904", "伯耆町"),
        ("314013", "日南町"),
        ("314021", "日野町"),
        ("314030", "江府町"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(c, n)| (c.to_string(), n.to_string()))
        .collect();
    assert_eq!(tottori, expected);
}

#[test]
fn well_known_municipalities() {
    let chiyoda = record("131016");
    assert_eq!(
        (chiyoda.name.as_str(), chiyoda.code.prefecture().get()),
        ("千代田区", 13)
    );
    let sapporo = record("011002");
    assert_eq!(
        (sapporo.name.as_str(), sapporo.kana.as_str()),
        ("札幌市", "さっぽろし")
    );
    // Merged from the JMA split areas 鳥取市北部 / 鳥取市南部.
    let tottori = record("312011");
    assert_eq!(
        (tottori.kana.as_str(), tottori.en_name.as_str()),
        ("とっとりし", "Tottori City")
    );
}

#[test]
fn the_count_is_plausible() {
    let n = records().len();
    assert!((1740..=1900).contains(&n), "{n} municipalities");
    assert_eq!(boundaries().len(), n);
}

#[test]
fn every_municipality_has_a_boundary_and_vice_versa() {
    let list: BTreeMap<LgCode, String> = records().into_iter().map(|r| (r.code, r.name)).collect();
    let shapes: BTreeMap<LgCode, String> = boundaries()
        .iter()
        .map(|b| (b.code, b.name.clone()))
        .collect();
    assert_eq!(list, shapes);
    for b in boundaries() {
        assert!(!b.shape.0.is_empty(), "{} has no polygons", b.code);
    }
}

#[test]
fn stations_fall_in_their_municipality() {
    assert_eq!(containing(35.4933, 134.2259), ["312011"], "Tottori station");
    assert_eq!(containing(35.4244, 133.3310), ["312029"], "Yonago station");
    assert_eq!(containing(35.6812, 139.7671), ["131016"], "Tokyo station");
    let tottori = boundaries()
        .iter()
        .find(|b| b.code.to_string() == "312011")
        .unwrap();
    assert!(tottori.shape.intersects(&Point::new(134.2259, 35.4933)));
}

#[test]
fn the_sea_is_in_no_municipality() {
    assert!(containing(37.0, 134.0).is_empty(), "Sea of Japan");
    assert!(containing(34.0, 150.0).is_empty(), "Pacific");
}

#[test]
fn enclaves_are_holes() {
    // 刈羽村役場: inside 刈羽村, which is a hole in 柏崎市's polygon.
    let (lat, lon) = (37.4225, 138.6226);
    assert_eq!(containing(lat, lon), ["155047"]);
    let kashiwazaki = boundaries()
        .iter()
        .find(|b| b.code.to_string() == "152056")
        .unwrap();
    let p = Point::new(lon, lat);
    assert!(
        kashiwazaki
            .shape
            .0
            .iter()
            .any(|poly| geo::Polygon::new(poly.exterior().clone(), vec![]).contains(&p)),
        "without its hole, 柏崎市 would contain the point"
    );
    let holes: usize = boundaries()
        .iter()
        .flat_map(|b| &b.shape.0)
        .map(|p| p.interiors().len())
        .sum();
    assert!(holes > 0);
}

#[test]
fn no_area_is_claimed_by_two_municipalities() {
    use geo::{BoundingRect, InteriorPoint};
    let boxes: Vec<_> = boundaries()
        .iter()
        .map(|b| b.shape.bounding_rect().unwrap())
        .collect();
    let mut checked = 0;
    for b in boundaries() {
        for poly in &b.shape.0 {
            let Some(p) = poly.interior_point() else {
                continue;
            };
            let others: Vec<String> = boundaries()
                .iter()
                .zip(&boxes)
                .filter(|(o, r)| o.code != b.code && r.intersects(&p) && o.shape.contains(&p))
                .map(|(o, _)| o.code.to_string())
                .collect();
            assert!(
                others.is_empty(),
                "a point of {} {} is also in {others:?}",
                b.code,
                b.name
            );
            checked += 1;
        }
    }
    assert!(checked > 2000, "{checked}");
}
