//! Reading through GraphQL as users do: public facility listings and paging, the municipality
//! registry, point-in-polygon lookups, programmes, limits and authentication errors. All tests
//! share one demo server and never change it.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::support::{data, expect_error, expect_field_error, read_only_server};

const FACILITY_PAGE: &str = r#"query($first: Int!, $after: String) {
  facilities(first: $first, after: $after) {
    edges { cursor node { id name synthetic location { lat lon } municipality { code name } } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}"#;

#[tokio::test]
async fn anonymous_users_see_a_page_of_facilities() {
    let s = read_only_server();
    let r = s.gql(None, FACILITY_PAGE, json!({ "first": 5 })).await;
    let conn = &data(&r)["facilities"];
    let edges = conn["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 5);
    assert_eq!(conn["pageInfo"]["hasNextPage"], true);
    assert_eq!(conn["pageInfo"]["hasPreviousPage"], false);
    for e in edges {
        let n = &e["node"];
        let code = n["municipality"]["code"].as_str().unwrap();
        assert!(code.len() == 6 && code.starts_with("31"), "{n}");
        assert!(
            !n["municipality"]["name"].as_str().unwrap().is_empty(),
            "{n}"
        );
        assert!(
            n["name"].as_str().unwrap().starts_with("（架空）"),
            "demo facilities are marked synthetic: {n}"
        );
        assert_eq!(n["synthetic"], true);
    }
    assert_eq!(conn["pageInfo"]["endCursor"], edges[4]["cursor"]);
}

#[tokio::test]
async fn paging_with_after_visits_every_facility_once() {
    let s = read_only_server();
    let mut ids = Vec::new();
    let mut after = Value::Null;
    let mut pages = 0;
    loop {
        let r = s
            .gql(None, FACILITY_PAGE, json!({ "first": 5, "after": after }))
            .await;
        let conn = &data(&r)["facilities"];
        let edges = conn["edges"].as_array().unwrap();
        assert!(edges.len() <= 5);
        ids.extend(
            edges
                .iter()
                .map(|e| e["node"]["id"].as_str().unwrap().to_string()),
        );
        pages += 1;
        assert!(pages <= 10, "paging does not end: {ids:?}");
        if pages > 1 {
            assert_eq!(conn["pageInfo"]["hasPreviousPage"], true);
        }
        if conn["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = conn["pageInfo"]["endCursor"].clone();
    }
    let distinct: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(ids.len(), 28, "{ids:?}");
    assert_eq!(distinct.len(), 28, "a facility appeared twice: {ids:?}");
    assert_eq!(pages, 6);
}

#[tokio::test]
async fn facility_filters_narrow_the_listing() {
    let s = read_only_server();
    let q = r#"query($f: FacilityFilterInput) { facilities(first: 500, filter: $f) { edges { node { id kind municipality { code } services { serviceType } } } } }"#;
    let all = s.gql(None, q, json!({ "f": null })).await;
    let all = data(&all)["facilities"]["edges"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(all.len(), 28);

    let tottori = s
        .gql(None, q, json!({ "f": { "municipality": "312011" } }))
        .await;
    let tottori = data(&tottori)["facilities"]["edges"]
        .as_array()
        .unwrap()
        .clone();
    assert!(!tottori.is_empty());
    assert!(
        tottori
            .iter()
            .all(|e| e["node"]["municipality"]["code"] == "312011")
    );
    let expected = all
        .iter()
        .filter(|e| e["node"]["municipality"]["code"] == "312011")
        .count();
    assert_eq!(tottori.len(), expected);

    let outreach = s
        .gql(None, q, json!({ "f": { "serviceType": "OUTREACH" } }))
        .await;
    let outreach = data(&outreach)["facilities"]["edges"]
        .as_array()
        .unwrap()
        .clone();
    let offers = |e: &Value| {
        e["node"]["services"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["serviceType"] == "OUTREACH")
    };
    assert!(outreach.iter().all(offers));
    assert_eq!(outreach.len(), all.iter().filter(|e| offers(e)).count());

    let other_prefecture = s.gql(None, q, json!({ "f": { "prefecture": "13" } })).await;
    assert_eq!(data(&other_prefecture)["facilities"]["edges"], json!([]));
}

#[tokio::test]
async fn municipalities_need_a_token_and_list_tottori() {
    let s = read_only_server();
    let q = r#"{ municipalities(prefecture: "31") { code name prefecture prefectureName population births } }"#;
    let anonymous = s.gql(None, q, json!({})).await;
    expect_error(&anonymous, "UNAUTHENTICATED");
    assert_eq!(anonymous["data"], Value::Null);

    let r = s
        .gql(Some(s.token("prefecture-coordinator")), q, json!({}))
        .await;
    let rows = data(&r)["municipalities"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 19);
    let codes: Vec<&str> = rows.iter().map(|m| m["code"].as_str().unwrap()).collect();
    assert!(
        codes
            .iter()
            .all(|c| c.len() == 6 && c.starts_with("31") && c.bytes().all(|b| b.is_ascii_digit())),
        "{codes:?}"
    );
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted, "municipalities come in code order");
    let names: Vec<&str> = rows.iter().map(|m| m["name"].as_str().unwrap()).collect();
    for city in ["鳥取市", "米子市", "倉吉市", "境港市"] {
        assert!(names.contains(&city), "{city} missing from {names:?}");
    }
    assert!(
        rows.iter()
            .all(|m| m["prefecture"] == "31" && m["prefectureName"] == "鳥取県")
    );
    let population: i64 = rows.iter().map(|m| m["population"].as_i64().unwrap()).sum();
    assert_eq!(population, 534_003);
    assert!(
        rows.iter().all(|m| m["births"].as_i64().unwrap() > 0),
        "every Tottori municipality has births"
    );
}

#[tokio::test]
async fn municipality_at_finds_the_point_or_null_at_sea() {
    let s = read_only_server();
    let q = r#"{ station: municipalityAt(lat: 35.4933, lon: 134.2259) { code name }
                sea: municipalityAt(lat: 37.0, lon: 134.0) { code }
                one: municipality(code: "312011") { name enName kana centroid { lat lon } }
                five: municipality(code: "31201") { code } }"#;
    let r = s
        .gql(Some(s.token("prefecture-coordinator")), q, json!({}))
        .await;
    let d = data(&r);
    assert_eq!(d["station"], json!({ "code": "312011", "name": "鳥取市" }));
    assert_eq!(d["sea"], Value::Null);
    assert_eq!(d["one"]["name"], "鳥取市");
    assert_eq!(
        d["five"]["code"], "312011",
        "a 5-digit code gets its check digit"
    );

    let bad = s
        .gql(
            Some(s.token("prefecture-coordinator")),
            "{ municipalityAt(lat: 91, lon: 134) { code } }",
            json!({}),
        )
        .await;
    expect_field_error(&bad, "BAD_USER_INPUT", "lat");
    let anonymous = s
        .gql(
            None,
            "{ municipalityAt(lat: 35.4933, lon: 134.2259) { code } }",
            json!({}),
        )
        .await;
    expect_error(&anonymous, "UNAUTHENTICATED");
}

#[tokio::test]
async fn every_facility_lies_in_its_municipality() {
    let s = read_only_server();
    let facilities = s
        .all_facilities("location { lat lon } municipality { code }")
        .await;
    assert_eq!(facilities.len(), 28);
    let lookups: Vec<String> = facilities
        .iter()
        .enumerate()
        .map(|(i, f)| {
            format!(
                "f{i}: municipalityAt(lat: {}, lon: {}) {{ code }}",
                f["location"]["lat"], f["location"]["lon"]
            )
        })
        .collect();
    let r = s
        .gql(
            Some(s.token("prefecture-coordinator")),
            &format!("{{ {} }}", lookups.join("\n")),
            json!({}),
        )
        .await;
    let d = data(&r);
    for (i, f) in facilities.iter().enumerate() {
        assert_eq!(
            d[format!("f{i}")]["code"],
            f["municipality"]["code"],
            "facility {} at {}",
            f["id"],
            f["location"]
        );
    }
}

#[tokio::test]
async fn programmes_are_readable_with_their_japanese_fiscal_year() {
    let s = read_only_server();
    let q = r#"query($m: LgCode!, $fy: Int!) { program(municipality: $m, fiscalYear: $fy) {
        municipality fiscalYear fiscalYearLabel version services { serviceType unit } fees { serviceType tier fee } createdBy } }"#;
    let token = s.token("municipal-staff:312029");
    let r = s
        .gql(Some(token), q, json!({ "m": "312011", "fy": 2025 }))
        .await;
    let p = &data(&r)["program"];
    assert_eq!(p["municipality"], "312011");
    assert_eq!(p["fiscalYear"], 2025);
    assert_eq!(p["fiscalYearLabel"], "令和7年度");
    assert!(p["version"].as_i64().unwrap() >= 1);
    assert!(!p["services"].as_array().unwrap().is_empty());
    // Every offered type has a fee for each of the three household tiers.
    for svc in p["services"].as_array().unwrap() {
        for tier in ["TAXED", "NON_TAXED", "WELFARE"] {
            let has = p["fees"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["serviceType"] == svc["serviceType"] && f["tier"] == tier);
            assert!(has, "no {tier} fee for {}", svc["serviceType"]);
        }
    }
    let next = s
        .gql(Some(token), q, json!({ "m": "312011", "fy": 2026 }))
        .await;
    assert_eq!(data(&next)["program"]["fiscalYearLabel"], "令和8年度");
    let none = s
        .gql(Some(token), q, json!({ "m": "312011", "fy": 2030 }))
        .await;
    assert_eq!(data(&none)["program"], Value::Null);
    let out_of_range = s
        .gql(Some(token), q, json!({ "m": "312011", "fy": 1999 }))
        .await;
    expect_field_error(&out_of_range, "BAD_USER_INPUT", "fiscalYear");
    let bad_code = s
        .gql(Some(token), q, json!({ "m": "312012", "fy": 2025 }))
        .await;
    assert!(
        bad_code["errors"].as_array().is_some_and(|e| !e.is_empty()),
        "a wrong check digit was accepted: {bad_code}"
    );
    let anonymous = s.gql(None, q, json!({ "m": "312011", "fy": 2025 })).await;
    expect_error(&anonymous, "UNAUTHENTICATED");
}

#[tokio::test]
async fn contracts_are_visible_by_scope() {
    let s = read_only_server();
    let q = "query($m: LgCode) { contracts(municipality: $m) { contractNo municipality facilityId current version } }";
    let all = s
        .gql(
            Some(s.token("prefecture-coordinator")),
            q,
            json!({ "m": null }),
        )
        .await;
    let all = data(&all)["contracts"].as_array().unwrap().clone();
    assert!(
        all.len() > 19,
        "every municipality has contracts: {}",
        all.len()
    );
    assert!(
        all.iter()
            .all(|c| c["current"] == true && c["version"] == 1)
    );

    let own = s
        .gql(
            Some(s.token("municipal-staff:312011")),
            q,
            json!({ "m": null }),
        )
        .await;
    let own = data(&own)["contracts"].as_array().unwrap().clone();
    assert!(!own.is_empty());
    assert!(
        own.iter().all(|c| c["municipality"] == "312011"),
        "municipal staff see only their own contracts"
    );
    let others = s
        .gql(
            Some(s.token("municipal-staff:312011")),
            q,
            json!({ "m": "312029" }),
        )
        .await;
    assert_eq!(data(&others)["contracts"], json!([]));

    let facility = s
        .gql(Some(s.token("facility-staff")), q, json!({ "m": null }))
        .await;
    let facility = data(&facility)["contracts"].as_array().unwrap().clone();
    assert!(!facility.is_empty());
    assert!(
        facility.iter().all(|c| c["facilityId"] == "1"),
        "facility staff see only their facility's contracts"
    );

    let someone_elses = all.iter().find(|c| c["municipality"] != "312011").unwrap();
    let history = s
        .gql(
            Some(s.token("municipal-staff:312011")),
            "query($no: ID!) { contractHistory(contractNo: $no) { version } }",
            json!({ "no": someone_elses["contractNo"] }),
        )
        .await;
    expect_field_error(&history, "NOT_FOUND", "contractNo");
    let anonymous = s.gql(None, q, json!({ "m": null })).await;
    expect_error(&anonymous, "UNAUTHENTICATED");
}

#[tokio::test]
async fn limits_and_bad_arguments_are_bad_user_input() {
    let s = read_only_server();
    let too_many = s
        .gql(
            None,
            "{ facilities(first: 501) { edges { cursor } } }",
            json!({}),
        )
        .await;
    expect_field_error(&too_many, "BAD_USER_INPUT", "first");
    assert_eq!(too_many["data"], Value::Null);
    let negative = s
        .gql(
            None,
            "{ facilities(first: -1) { edges { cursor } } }",
            json!({}),
        )
        .await;
    expect_field_error(&negative, "BAD_USER_INPUT", "first");
    let max = s
        .gql(
            None,
            "{ facilities(first: 500) { edges { cursor } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data(&max)["facilities"]["edges"].as_array().unwrap().len(),
        28
    );
    let bad_cursor = s
        .gql(
            None,
            r#"{ facilities(first: 5, after: "not-a-cursor") { edges { cursor } } }"#,
            json!({}),
        )
        .await;
    expect_field_error(&bad_cursor, "BAD_USER_INPUT", "after");
    let bad_id = s
        .gql(None, r#"{ facility(id: "abc") { name } }"#, json!({}))
        .await;
    expect_field_error(&bad_id, "BAD_USER_INPUT", "id");
    let missing = s
        .gql(None, r#"{ facility(id: "999999") { name } }"#, json!({}))
        .await;
    assert_eq!(data(&missing)["facility"], Value::Null);
}

#[tokio::test]
async fn bad_tokens_are_unauthenticated_never_anonymous() {
    let s = read_only_server();
    let unknown = format!("shub_{}", "0".repeat(64));
    let r = s.gql(Some(&unknown), "{ me }", json!({})).await;
    expect_error(&r, "UNAUTHENTICATED");
    assert_eq!(r["data"], Value::Null);
    let r = s
        .gql(
            Some("not-a-token"),
            "{ facilities(first: 1) { edges { cursor } } }",
            json!({}),
        )
        .await;
    expect_error(&r, "UNAUTHENTICATED");
    let r = s
        .gql_with_authorization(&format!("Basic {}", s.token("admin")), "{ me }")
        .await;
    expect_error(&r, "UNAUTHENTICATED");
    let r = s.gql(Some(s.token("admin")), "{ me }", json!({})).await;
    assert_eq!(data(&r)["me"], "admin:-");
}
