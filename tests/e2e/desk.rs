//! The coordinator's desk through GraphQL and the `plan` command, on the shared demo server:
//! balance and plan agree with each other, stay within reach and capacity, the statistics add
//! up, only the prefecture reads them, and the command prints and exports the same plan.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::support::{data, expect_error, expect_field_error, read_only_server, run, text};

const PLAN: &str = r#"query($month: Int!, $maxKm: Float!, $only: Boolean!) {
  capacityPlan(prefecture: "31", fiscalYear: 2025, month: $month, serviceType: SHORT_STAY, maxKm: $maxKm, contractedOnly: $only) {
    balance {
      month totalShortfall
      municipalities { municipality name estimated estimateBasis requested demand toPlace shortfall surplus
        own { facilities capacity taken free } reachable { facilities free } }
    }
    flows { municipality facilityId facilityName slots km contracted }
    unmet { municipality slots }
    placed unmetTotal totalMotherKm
    newContracts { municipality facilityId }
  }
}"#;

async fn plan(token: &str, max_km: f64, only: bool) -> Value {
    let r = read_only_server()
        .gql(
            Some(token),
            PLAN,
            json!({ "month": 8, "maxKm": max_km, "only": only }),
        )
        .await;
    data(&r)["capacityPlan"].clone()
}

#[tokio::test]
async fn the_plan_places_shortfalls_within_reach_and_lists_new_contracts() {
    let s = read_only_server();
    let p = plan(s.token("prefecture-coordinator"), 40.0, false).await;
    let towns = p["balance"]["municipalities"].as_array().unwrap();
    assert_eq!(towns.len(), 19);
    assert_eq!(p["balance"]["month"], "2025-08-01");
    let mut short: HashMap<String, u64> = HashMap::new();
    for t in towns {
        let n = |k: &str| t[k].as_u64().unwrap();
        assert_eq!(n("demand"), n("estimated").max(n("requested")), "{t}");
        assert_eq!(t["estimateBasis"], "FORECAST");
        assert_eq!(
            n("shortfall"),
            n("toPlace").saturating_sub(t["own"]["free"].as_u64().unwrap()),
            "{t}"
        );
        short.insert(t["municipality"].as_str().unwrap().into(), n("shortfall"));
    }
    assert_eq!(
        p["balance"]["totalShortfall"].as_u64().unwrap(),
        short.values().sum::<u64>()
    );
    let flows = p["flows"].as_array().unwrap();
    let mut placed: HashMap<String, u64> = HashMap::new();
    let mut mother_km = 0.0;
    for f in flows {
        let km = f["km"].as_f64().unwrap();
        assert!(km <= 40.0, "{f}");
        assert!(
            f["facilityName"].as_str().unwrap().starts_with("（架空）"),
            "{f}"
        );
        *placed
            .entry(f["municipality"].as_str().unwrap().into())
            .or_default() += f["slots"].as_u64().unwrap();
        mother_km += km * f["slots"].as_f64().unwrap();
        let new =
            p["newContracts"].as_array().unwrap().iter().any(|c| {
                c["municipality"] == f["municipality"] && c["facilityId"] == f["facilityId"]
            });
        assert_eq!(f["contracted"], !new, "{f}");
    }
    for u in p["unmet"].as_array().unwrap() {
        *placed
            .entry(u["municipality"].as_str().unwrap().into())
            .or_default() += u["slots"].as_u64().unwrap();
    }
    for (m, n) in &short {
        assert_eq!(
            placed.get(m).copied().unwrap_or(0),
            *n,
            "{m}: flows and unmet add up to the shortfall"
        );
    }
    assert!((p["totalMotherKm"].as_f64().unwrap() - mother_km).abs() < 1e-6);

    // Existing contracts only: nothing new is needed, and no more is placed.
    let only = plan(s.token("prefecture-coordinator"), 40.0, true).await;
    assert_eq!(only["newContracts"], json!([]));
    assert!(
        only["flows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["contracted"] == true)
    );
    assert!(only["placed"].as_u64().unwrap() <= p["placed"].as_u64().unwrap());
}

#[tokio::test]
async fn municipal_staff_read_their_prefecture_facility_staff_do_not() {
    let s = read_only_server();
    let staff = s
        .tokens
        .iter()
        .find(|(k, _)| k.starts_with("municipal-staff:31"))
        .map(|(_, v)| v.clone())
        .unwrap();
    let mine = plan(&staff, 40.0, false).await;
    assert_eq!(
        mine,
        plan(s.token("prefecture-coordinator"), 40.0, false).await
    );
    let r = s
        .gql(
            Some(s.token("facility-staff")),
            PLAN,
            json!({ "month": 8, "maxKm": 40.0, "only": false }),
        )
        .await;
    expect_error(&r, "FORBIDDEN");
    assert!(r["data"].is_null());
    let r = s
        .gql(
            None,
            PLAN,
            json!({ "month": 8, "maxKm": 40.0, "only": false }),
        )
        .await;
    expect_error(&r, "UNAUTHENTICATED");
    let r = s
        .gql(
            Some(s.token("prefecture-coordinator")),
            PLAN,
            json!({ "month": 13, "maxKm": 40.0, "only": false }),
        )
        .await;
    expect_field_error(&r, "BAD_USER_INPUT", "month");
    let r = s
        .gql(
            Some(s.token("prefecture-coordinator")),
            PLAN,
            json!({ "month": 8, "maxKm": 1000.0, "only": false }),
        )
        .await;
    expect_field_error(&r, "BAD_USER_INPUT", "maxKm");
}

#[tokio::test]
async fn coverage_sites_and_statistics_answer_for_the_demo() {
    let s = read_only_server();
    let token = Some(s.token("prefecture-coordinator"));
    let r = s
        .gql(token, r#"{ coverage(prefecture: "31", serviceType: SHORT_STAY, km: 20) { municipality share births }
              siteRanking(prefecture: "31", fiscalYear: 2025, month: 8, serviceType: SHORT_STAY, maxKm: 40, dailyCapacity: 3, limit: 5) {
                rank municipality unmetBefore unmetAfter unmetReduced coverageBefore coverageAfter slotDays } }"#, json!({}))
        .await;
    let d = data(&r);
    assert_eq!(d["coverage"].as_array().unwrap().len(), 19);
    assert!(
        d["coverage"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| (0.0..=1.0).contains(&c["share"].as_f64().unwrap()))
    );
    let sites = d["siteRanking"].as_array().unwrap();
    assert_eq!(sites.len(), 5);
    assert_eq!(sites[0]["rank"], 1);
    assert_eq!(sites[0]["slotDays"], 93, "3 a day over August's 31 days");
    for w in sites.windows(2) {
        assert!(w[0]["unmetReduced"].as_u64() >= w[1]["unmetReduced"].as_u64());
    }

    let r = s
        .gql(token, r#"{ careStatistics(municipality: "312011", fiscalYear: 2025) {
              name users usersByType { serviceType users stays days } ageBands { serviceType fromDays toDays stays }
              nightsPerStay { nights stays } uptake { births registrations rate }
              utilisation { facilityId month capacity used residentsUsed rate } lottery { applications all { decided won rate } } } }"#, json!({}))
        .await;
    let st = &data(&r)["careStatistics"];
    assert_eq!(st["name"], "鳥取市");
    let stays: u64 = st["usersByType"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["stays"].as_u64().unwrap())
        .sum();
    let banded: u64 = st["ageBands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["stays"].as_u64().unwrap())
        .sum();
    assert!(stays > 0, "the demo records a year of use");
    assert_eq!(banded, stays, "every stay falls in one age band");
    let short_stays = st["usersByType"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["serviceType"] == "SHORT_STAY")
        .unwrap()["stays"]
        .as_u64()
        .unwrap();
    let by_nights: u64 = st["nightsPerStay"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["stays"].as_u64().unwrap())
        .sum();
    assert_eq!(by_nights, short_stays);
    for u in st["utilisation"].as_array().unwrap() {
        assert!(u["residentsUsed"].as_u64() <= u["used"].as_u64(), "{u}");
    }
}

#[tokio::test]
async fn the_plan_command_prints_and_exports_the_plan() {
    let s = read_only_server();
    let dir = s.data_dir.to_str().unwrap();
    let args = [
        "plan",
        "--prefecture",
        "31",
        "--fiscal-year",
        "2025",
        "--month",
        "2025-08",
        "--type",
        "SHORT_STAY",
        "--max-km",
        "40",
        "--data-dir",
        dir,
    ];
    let out = run(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    assert!(printed.contains("令和7年度 2025年8月 宿泊型"), "{printed}");
    assert!(
        printed.contains("鳥取市") && printed.contains("広域調整計画"),
        "{printed}"
    );
    let p = plan(s.token("prefecture-coordinator"), 40.0, false).await;
    assert!(
        printed.contains(&format!("{}配置", p["placed"])),
        "the same plan as GraphQL's: {printed}"
    );

    let csv = std::env::temp_dir().join(format!("sango-plan-{}.csv", std::process::id()));
    let mut with_out = args.to_vec();
    with_out.extend(["--format", "csv", "--out", csv.to_str().unwrap()]);
    let out = run(&with_out);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bytes = std::fs::read(&csv).unwrap();
    let _ = std::fs::remove_file(&csv);
    assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF], "UTF-8 with a BOM");
    let body = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(
        body.lines().filter(|l| l.starts_with("31")).count() >= 19,
        "{body}"
    );

    let xlsx = std::env::temp_dir().join(format!("sango-plan-{}.xlsx", std::process::id()));
    let mut with_out = args.to_vec();
    with_out.extend(["--format", "xlsx", "--out", xlsx.to_str().unwrap()]);
    assert!(run(&with_out).status.success());
    let bytes = std::fs::read(&xlsx).unwrap();
    let _ = std::fs::remove_file(&xlsx);
    assert_eq!(&bytes[..2], b"PK", "an XLSX is a zip");
}

#[tokio::test]
async fn the_plan_command_names_the_bad_option() {
    let dir = crate::support::DataDir::new();
    let base = [
        "plan",
        "--prefecture",
        "31",
        "--fiscal-year",
        "2025",
        "--month",
        "2025-08",
        "--type",
        "SHORT_STAY",
        "--max-km",
        "40",
    ];
    for (option, value, expect) in [
        (
            "--month",
            "2026-08",
            "--month: 2026-08 is not in fiscal year 2025",
        ),
        ("--month", "August", "--month: 'August' is not YYYY-MM"),
        (
            "--type",
            "SAUNA",
            "--type: 'SAUNA' is not SHORT_STAY, DAY_CARE or OUTREACH",
        ),
        (
            "--prefecture",
            "99",
            "--prefecture: '99' is not a prefecture code",
        ),
        (
            "--max-km",
            "400",
            "--max-km: the distance must be 0 to 300 km",
        ),
        (
            "--format",
            "pdf",
            "--format: 'pdf' is not table, csv or xlsx",
        ),
    ] {
        let mut args: Vec<&str> = base.to_vec();
        let i = args.iter().position(|a| *a == option).map(|i| i + 1);
        match i {
            Some(i) => args[i] = value,
            None => args.extend([option, value]),
        }
        args.extend(["--data-dir", dir.path().to_str().unwrap()]);
        let out = run(&args);
        assert!(!out.status.success());
        let err = text(&out.stderr);
        assert!(err.contains(expect), "{option} {value}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let mut args: Vec<&str> = base.to_vec();
    args.extend([
        "--format",
        "csv",
        "--data-dir",
        dir.path().to_str().unwrap(),
    ]);
    let out = run(&args);
    assert!(
        text(&out.stderr).contains("--out: give the file"),
        "{}",
        text(&out.stderr)
    );
}
