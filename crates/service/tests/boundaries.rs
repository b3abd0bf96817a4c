//! Loading user-supplied boundaries (national land data N03 GeoJSON) re-derives facilities' municipalities.

mod support;

use sango_domain::{Coordinates, FacilityDraft, FacilityKind, ServiceCapacity, ServiceType};
use sango_service::ErrorCode;
use support::*;

fn n03_square(code5: &str, name: &str, lat: f64, lon: f64) -> String {
    let d = 0.01;
    format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"N03_001":"鳥取県","N03_004":"{name}","N03_007":"{code5}"}},
        "geometry":{{"type":"Polygon","coordinates":[[[{w},{s}],[{e},{s}],[{e},{n}],[{w},{n}],[{w},{s}]]]}}}}]}}"#,
        w = lon - d,
        e = lon + d,
        s = lat - d,
        n = lat + d
    )
}

#[tokio::test]
async fn n03_boundaries_replace_ours_and_move_facilities() {
    let hub = hub().await;
    let (lat, lon) = (35.4244, 133.3310); // Yonago station
    let draft = FacilityDraft {
        name: "（架空）境界テスト".into(),
        kind: FacilityKind::Clinic,
        address: String::new(),
        location: Coordinates::new(lat, lon, "location").unwrap(),
        services: vec![ServiceCapacity::new(ServiceType::DayCare, 3, "c").unwrap()],
        synthetic: true,
    };
    let f = hub.create_facility(&admin(), draft).await.unwrap();
    assert_eq!(f.municipality, code("312029"));

    // A (deliberately wrong) boundary for 鳥取市 around Yonago station: on the overlap the lower code wins.
    let r = hub.import_boundaries(&admin(), &n03_square("31201", "鳥取市", lat, lon)).await.unwrap();
    assert_eq!((r.municipalities, r.facilities_moved), (1, 1));
    assert_eq!(hub.facility(f.id).await.unwrap().unwrap().municipality, code("312011"));
    let tottori = hub.municipality(&admin(), code("312011")).await.unwrap().unwrap();
    assert!((tottori.centroid.lat - lat).abs() < 1e-6 && (tottori.centroid.lon - lon).abs() < 1e-6);
    assert_eq!(tottori.kana, "とっとりし", "names and kana of known municipalities are kept");
    // The old 鳥取市 area is no longer 鳥取市.
    assert_ne!(hub.municipality_at(Coordinates::new(35.4933, 134.2259, "p").unwrap()), Some(code("312011")));
}

#[tokio::test]
async fn bad_boundary_files_change_nothing() {
    let hub = hub().await;
    let at_tottori = || hub.municipality_at(Coordinates::new(35.4933, 134.2259, "p").unwrap());
    assert_eq!(at_tottori(), Some(code("312011")));
    for bad in ["not json", r#"{"type":"FeatureCollection","features":[]}"#, &n03_square("31202", "x", 35.0, 134.0).replace("Polygon", "Point")] {
        let e = hub.import_boundaries(&admin(), bad).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::BadUserInput, "{bad}");
    }
    assert_eq!(hub.import_boundaries(&staff("312011"), &n03_square("31201", "鳥取市", 35.0, 134.0)).await.unwrap_err().code, ErrorCode::Forbidden);
    assert_eq!(at_tottori(), Some(code("312011")));
}
