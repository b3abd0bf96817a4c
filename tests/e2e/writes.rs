//! Writes through GraphQL and who may make them: facilities, closures, contracts and their
//! amendments, programme versions, with every refusal leaving the data as it was. The tests share
//! one demo server, write one at a time (see `Server::writer`), and each works on facilities,
//! names or fiscal years of its own, so that their order does not matter.

use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::support::{Server, data, expect_error, expect_field_error, unique};

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(Server::demo)
}

/// Near Tottori station, in 鳥取市 (312011).
const IN_TOTTORI: (f64, f64) = (35.4933, 134.2259);
/// Near Yonago station, in 米子市 (312029).
const IN_YONAGO: (f64, f64) = (35.4240, 133.3394);

const CREATE_FACILITY: &str = "mutation($input: FacilityInput!) { createFacility(input: $input) { id name municipality { code } services { serviceType dailyCapacity } } }";

const CREATE_CONTRACT: &str = "mutation($input: ContractInput!) { createContract(input: $input) { contractNo version current municipality facilityId serviceType unitPrice validFrom validTo createdBy } }";

const CONTRACTS_OF_FACILITY: &str =
    "query($f: ID) { contracts(facility: $f) { contractNo version unitPrice } }";

fn facility_input(name: &str, (lat, lon): (f64, f64)) -> Value {
    json!({
        "name": name,
        "kind": "MIDWIFE_HOME",
        "address": "鳥取県（架空）",
        "location": { "lat": lat, "lon": lon },
        "services": [{ "serviceType": "SHORT_STAY", "dailyCapacity": 2 }, { "serviceType": "DAY_CARE", "dailyCapacity": 4 }],
        "synthetic": true,
    })
}

/// Registers a fresh facility as `token`; returns its id.
async fn new_facility(token: &str, at: (f64, f64)) -> String {
    let name = unique("（架空）e2e助産院");
    let r = server()
        .gql(
            Some(token),
            CREATE_FACILITY,
            json!({ "input": facility_input(&name, at) }),
        )
        .await;
    let f = &data(&r)["createFacility"];
    assert_eq!(f["name"], name.as_str());
    f["id"].as_str().unwrap().to_string()
}

fn contract_input(
    municipality: &str,
    facility: &str,
    from: &str,
    to: Option<&str>,
    unit_price: i64,
) -> Value {
    json!({
        "municipality": municipality,
        "facilityId": facility,
        "serviceType": "DAY_CARE",
        "unitPrice": unit_price,
        "additions": { "multiple": 3000, "highNeed": 2000 },
        "validFrom": from,
        "validTo": to,
    })
}

/// Facility names anywhere in the registry (active or not).
async fn facility_names() -> Vec<String> {
    server()
        .all_facilities("name")
        .await
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn municipal_staff_sign_and_amend_contracts_for_their_own_municipality() {
    let s = server();
    let _writer = s.writer().await;
    let staff = s.token("municipal-staff:312011");
    let facility = new_facility(staff, IN_TOTTORI).await;

    let r = s.gql(Some(staff), CREATE_CONTRACT, json!({ "input": contract_input("312011", &facility, "2025-04-01", Some("2026-03-31"), 18_000) })).await;
    let c = data(&r)["createContract"].clone();
    assert_eq!(
        (
            &c["version"],
            &c["current"],
            &c["municipality"],
            &c["facilityId"]
        ),
        (&json!(1), &json!(true), &json!("312011"), &json!(facility))
    );
    assert_eq!(c["unitPrice"], 18_000);
    assert_eq!(c["createdBy"], "municipal-staff:312011");
    let no = c["contractNo"].clone();

    // The same municipality, facility and type on a common day.
    let overlap = s
        .gql(
            Some(staff),
            CREATE_CONTRACT,
            json!({ "input": contract_input("312011", &facility, "2026-01-01", None, 17_000) }),
        )
        .await;
    expect_field_error(&overlap, "CONFLICT", "validFrom");
    // Another municipality's contract.
    let forbidden = s
        .gql(
            Some(staff),
            CREATE_CONTRACT,
            json!({ "input": contract_input("312029", &facility, "2025-04-01", None, 18_000) }),
        )
        .await;
    expect_error(&forbidden, "FORBIDDEN");
    // The prefecture coordinator does not sign contracts either.
    let coordinator = s
        .gql(
            Some(s.token("prefecture-coordinator")),
            CREATE_CONTRACT,
            json!({ "input": contract_input("312011", &facility, "2030-04-01", None, 18_000) }),
        )
        .await;
    expect_error(&coordinator, "FORBIDDEN");
    // A type the facility does not offer.
    let mut outreach = contract_input("312011", &facility, "2030-04-01", None, 12_000);
    outreach["serviceType"] = json!("OUTREACH");
    let not_offered = s
        .gql(Some(staff), CREATE_CONTRACT, json!({ "input": outreach }))
        .await;
    expect_field_error(&not_offered, "BAD_USER_INPUT", "serviceType");
    // Adjacent periods do not overlap.
    let next_year = s
        .gql(
            Some(staff),
            CREATE_CONTRACT,
            json!({ "input": contract_input("312011", &facility, "2026-04-01", None, 18_500) }),
        )
        .await;
    assert_eq!(data(&next_year)["createContract"]["version"], 1);

    let amend = "mutation($no: ID!, $input: ContractInput!) { amendContract(contractNo: $no, input: $input) { contractNo version current unitPrice } }";
    let r = s.gql(Some(staff), amend, json!({ "no": no, "input": contract_input("312011", &facility, "2025-04-01", Some("2026-03-31"), 19_000) })).await;
    let amended = &data(&r)["amendContract"];
    assert_eq!(
        (
            &amended["contractNo"],
            &amended["version"],
            &amended["current"],
            &amended["unitPrice"]
        ),
        (&no, &json!(2), &json!(true), &json!(19_000))
    );
    // An amendment must not overlap another contract either.
    let clash = s.gql(Some(staff), amend, json!({ "no": no, "input": contract_input("312011", &facility, "2025-04-01", None, 19_000) })).await;
    expect_field_error(&clash, "CONFLICT", "validFrom");
    // Another municipality's staff cannot even see the contract.
    let hidden = s.gql(Some(s.token("municipal-staff:312029")), amend, json!({ "no": no, "input": contract_input("312011", &facility, "2025-04-01", None, 1) })).await;
    expect_field_error(&hidden, "NOT_FOUND", "contractNo");

    let history =
        "query($no: ID!) { contractHistory(contractNo: $no) { version current unitPrice } }";
    let r = s.gql(Some(staff), history, json!({ "no": no })).await;
    assert_eq!(
        data(&r)["contractHistory"],
        json!([{ "version": 1, "current": false, "unitPrice": 18_000 }, { "version": 2, "current": true, "unitPrice": 19_000 }])
    );
    let r = s
        .gql(
            Some(s.token("prefecture-coordinator")),
            CONTRACTS_OF_FACILITY,
            json!({ "f": facility }),
        )
        .await;
    let mut current: Vec<(i64, i64)> = data(&r)["contracts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["version"].as_i64().unwrap(),
                c["unitPrice"].as_i64().unwrap(),
            )
        })
        .collect();
    current.sort();
    assert_eq!(
        current,
        [(1, 18_500), (2, 19_000)],
        "only current versions are listed"
    );
}

#[tokio::test]
async fn contracts_with_bad_terms_are_refused_before_anything_is_stored() {
    let s = server();
    let _writer = s.writer().await;
    let staff = s.token("municipal-staff:312011");
    let facility = new_facility(staff, IN_TOTTORI).await;

    let unknown = s
        .gql(
            Some(staff),
            CREATE_CONTRACT,
            json!({ "input": contract_input("312011", "999999", "2025-04-01", None, 18_000) }),
        )
        .await;
    expect_field_error(&unknown, "BAD_USER_INPUT", "facilityId");
    let negative = s
        .gql(
            Some(staff),
            CREATE_CONTRACT,
            json!({ "input": contract_input("312011", &facility, "2025-04-01", None, -1) }),
        )
        .await;
    expect_field_error(&negative, "BAD_USER_INPUT", "unitPrice");
    let mut bad_addition = contract_input("312011", &facility, "2025-04-01", None, 18_000);
    bad_addition["additions"]["sibling"] = json!(-500);
    let r = s
        .gql(
            Some(staff),
            CREATE_CONTRACT,
            json!({ "input": bad_addition }),
        )
        .await;
    expect_field_error(&r, "BAD_USER_INPUT", "additions.sibling");
    let backwards = s.gql(Some(staff), CREATE_CONTRACT, json!({ "input": contract_input("312011", &facility, "2025-04-01", Some("2025-03-31"), 18_000) })).await;
    expect_field_error(&backwards, "BAD_USER_INPUT", "validTo");
    let anonymous = s
        .gql(
            None,
            CREATE_CONTRACT,
            json!({ "input": contract_input("312011", &facility, "2025-04-01", None, 18_000) }),
        )
        .await;
    expect_error(&anonymous, "UNAUTHENTICATED");

    let r = s
        .gql(Some(staff), CONTRACTS_OF_FACILITY, json!({ "f": facility }))
        .await;
    assert_eq!(
        data(&r)["contracts"],
        json!([]),
        "a refused contract was stored"
    );
    // And the refusals did not block a good contract on the same days.
    let ok = s
        .gql(
            Some(staff),
            CREATE_CONTRACT,
            json!({ "input": contract_input("312011", &facility, "2025-04-01", None, 18_000) }),
        )
        .await;
    assert_eq!(data(&ok)["createContract"]["version"], 1);
}

/// A complete programme offering day care only, with a fee for every household tier.
fn day_care_programme(taxed_fee: i64) -> Value {
    json!({
        "application": { "method": "FIRST_COME", "opensDaysBefore": 30, "closesDaysBefore": 3, "closesAt": "17:00" },
        "services": [{ "serviceType": "DAY_CARE", "maxInfantAgeMonths": 12, "maxUnits": 7, "maxHoursPerSession": 4 }],
        "fees": [
            { "serviceType": "DAY_CARE", "tier": "TAXED", "fee": taxed_fee },
            { "serviceType": "DAY_CARE", "tier": "NON_TAXED", "fee": 0 },
            { "serviceType": "DAY_CARE", "tier": "WELFARE", "fee": 0 },
        ],
    })
}

const SET_PROGRAM: &str = "mutation($m: LgCode!, $fy: Int!, $rules: ProgramRulesInput!) { setProgram(municipality: $m, fiscalYear: $fy, rules: $rules) { version fiscalYearLabel createdBy fees { tier fee } } }";
const PROGRAM_HISTORY: &str = "query($m: LgCode!, $fy: Int!) { programHistory(municipality: $m, fiscalYear: $fy) { version fees { tier fee } } }";
const PROGRAM_VERSION: &str =
    "query($m: LgCode!, $fy: Int!) { program(municipality: $m, fiscalYear: $fy) { version } }";

async fn current_version(token: &str, m: &str, fy: i64) -> Value {
    let r = server()
        .gql(Some(token), PROGRAM_VERSION, json!({ "m": m, "fy": fy }))
        .await;
    data(&r)["program"]["version"].clone()
}

#[tokio::test]
async fn set_program_appends_versions_and_keeps_the_history() {
    let s = server();
    let _writer = s.writer().await;
    let staff = s.token("municipal-staff:312011");
    // The demo writes FY2025 and FY2026: start from the version in force, whatever it is.
    let before = current_version(staff, "312011", 2025)
        .await
        .as_i64()
        .unwrap();
    let r = s
        .gql(
            Some(staff),
            SET_PROGRAM,
            json!({ "m": "312011", "fy": 2025, "rules": day_care_programme(1_500) }),
        )
        .await;
    assert_eq!(data(&r)["setProgram"]["version"], before + 1);

    // A fiscal year without a programme starts at version 1.
    let fy = 2031;
    for (fee, version) in [(1_000, 1), (1_200, 2)] {
        let r = s
            .gql(
                Some(staff),
                SET_PROGRAM,
                json!({ "m": "312011", "fy": fy, "rules": day_care_programme(fee) }),
            )
            .await;
        let p = &data(&r)["setProgram"];
        assert_eq!(p["version"], version);
        assert_eq!(p["fiscalYearLabel"], "令和13年度");
        assert_eq!(p["createdBy"], "municipal-staff:312011");
    }
    let r = s
        .gql(
            Some(staff),
            PROGRAM_HISTORY,
            json!({ "m": "312011", "fy": fy }),
        )
        .await;
    let history = data(&r)["programHistory"].as_array().unwrap().clone();
    assert_eq!(
        history
            .iter()
            .map(|p| p["version"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(
        history[0]["fees"][0],
        json!({ "tier": "TAXED", "fee": 1_000 }),
        "version 1 keeps its own rules"
    );
    assert_eq!(
        history[1]["fees"][0],
        json!({ "tier": "TAXED", "fee": 1_200 })
    );
    assert_eq!(current_version(staff, "312011", fy).await, 2);

    // Only the municipality's own staff (or an admin) change its programme.
    let other = s
        .gql(
            Some(s.token("municipal-staff:312029")),
            SET_PROGRAM,
            json!({ "m": "312011", "fy": fy, "rules": day_care_programme(9) }),
        )
        .await;
    expect_error(&other, "FORBIDDEN");
    let coordinator = s
        .gql(
            Some(s.token("prefecture-coordinator")),
            SET_PROGRAM,
            json!({ "m": "312011", "fy": fy, "rules": day_care_programme(9) }),
        )
        .await;
    expect_error(&coordinator, "FORBIDDEN");
    let admin = s
        .gql(
            Some(s.token("admin")),
            SET_PROGRAM,
            json!({ "m": "312011", "fy": fy, "rules": day_care_programme(1_300) }),
        )
        .await;
    assert_eq!(data(&admin)["setProgram"]["version"], 3);
    assert_eq!(data(&admin)["setProgram"]["createdBy"], "admin:-");
}

#[tokio::test]
async fn an_invalid_programme_names_the_field_and_changes_nothing() {
    let s = server();
    let _writer = s.writer().await;
    let staff = s.token("municipal-staff:312011");
    let fy = 2032;
    let r = s
        .gql(
            Some(staff),
            SET_PROGRAM,
            json!({ "m": "312011", "fy": fy, "rules": day_care_programme(1_000) }),
        )
        .await;
    assert_eq!(data(&r)["setProgram"]["version"], 1);

    let mut missing_tier = day_care_programme(1_000);
    missing_tier["fees"]
        .as_array_mut()
        .unwrap()
        .retain(|f| f["tier"] != "NON_TAXED");
    let r = s
        .gql(
            Some(staff),
            SET_PROGRAM,
            json!({ "m": "312011", "fy": fy, "rules": missing_tier }),
        )
        .await;
    let e = expect_field_error(&r, "BAD_USER_INPUT", "rules.fees[DAY_CARE].NON_TAXED");
    assert!(e["message"].as_str().unwrap().contains("NON_TAXED"), "{e}");

    let mut gap = day_care_programme(1_000);
    gap["fees"][0] = json!({ "serviceType": "DAY_CARE", "tier": "TAXED", "fromUse": 1, "toUse": 3, "fee": 1000 });
    gap["fees"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "serviceType": "DAY_CARE", "tier": "TAXED", "fromUse": 5, "fee": 2000 }));
    let r = s
        .gql(
            Some(staff),
            SET_PROGRAM,
            json!({ "m": "312011", "fy": fy, "rules": gap }),
        )
        .await;
    expect_field_error(&r, "BAD_USER_INPUT", "rules.fees[DAY_CARE].TAXED");

    let mut bad_window = day_care_programme(1_000);
    bad_window["application"]["closesDaysBefore"] = json!(40);
    let r = s
        .gql(
            Some(staff),
            SET_PROGRAM,
            json!({ "m": "312011", "fy": fy, "rules": bad_window }),
        )
        .await;
    expect_field_error(&r, "BAD_USER_INPUT", "rules.application.closesDaysBefore");

    let mut both_ages = day_care_programme(1_000);
    both_ages["services"][0]["maxInfantAgeDays"] = json!(120);
    let r = s
        .gql(
            Some(staff),
            SET_PROGRAM,
            json!({ "m": "312011", "fy": fy, "rules": both_ages }),
        )
        .await;
    expect_field_error(&r, "BAD_USER_INPUT", "rules.services[0].maxInfantAgeDays");

    let mut bad_time = day_care_programme(1_000);
    bad_time["application"]["closesAt"] = json!("25:00");
    let r = s
        .gql(
            Some(staff),
            SET_PROGRAM,
            json!({ "m": "312011", "fy": fy, "rules": bad_time }),
        )
        .await;
    expect_field_error(&r, "BAD_USER_INPUT", "rules.application.closesAt");

    assert_eq!(
        current_version(staff, "312011", fy).await,
        1,
        "a refused programme created a version"
    );
    let r = s
        .gql(
            Some(staff),
            PROGRAM_HISTORY,
            json!({ "m": "312011", "fy": fy }),
        )
        .await;
    assert_eq!(data(&r)["programHistory"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn facilities_are_located_and_validated_before_they_are_stored() {
    let s = server();
    let _writer = s.writer().await;
    let coordinator = s.token("prefecture-coordinator");

    let name = unique("（架空）e2e海上助産院");
    let r = s
        .gql(
            Some(coordinator),
            CREATE_FACILITY,
            json!({ "input": facility_input(&name, (37.0, 134.0)) }),
        )
        .await;
    let e = expect_field_error(&r, "BAD_USER_INPUT", "location.lat");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("not inside any registered municipality"),
        "{e}"
    );

    let mut negative = facility_input(&name, IN_TOTTORI);
    negative["services"][0]["dailyCapacity"] = json!(-1);
    let r = s
        .gql(
            Some(coordinator),
            CREATE_FACILITY,
            json!({ "input": negative }),
        )
        .await;
    expect_field_error(&r, "BAD_USER_INPUT", "services[0].dailyCapacity");

    let mut too_many = facility_input(&name, IN_TOTTORI);
    too_many["services"][1]["dailyCapacity"] = json!(1001);
    let r = s
        .gql(
            Some(coordinator),
            CREATE_FACILITY,
            json!({ "input": too_many }),
        )
        .await;
    expect_field_error(&r, "BAD_USER_INPUT", "services[1].dailyCapacity");

    let r = s
        .gql(
            Some(coordinator),
            CREATE_FACILITY,
            json!({ "input": facility_input(&name, (95.0, 134.0)) }),
        )
        .await;
    expect_field_error(&r, "BAD_USER_INPUT", "location.lat");

    let mut twice = facility_input(&name, IN_TOTTORI);
    twice["services"][1]["serviceType"] = json!("SHORT_STAY");
    let r = s
        .gql(
            Some(coordinator),
            CREATE_FACILITY,
            json!({ "input": twice }),
        )
        .await;
    expect_field_error(&r, "BAD_USER_INPUT", "services[1].serviceType");

    let mut blank = facility_input(&name, IN_TOTTORI);
    blank["name"] = json!("   ");
    let r = s
        .gql(
            Some(coordinator),
            CREATE_FACILITY,
            json!({ "input": blank }),
        )
        .await;
    expect_field_error(&r, "BAD_USER_INPUT", "name");

    // Outside the coordinator's prefecture (Tokyo station).
    let r = s
        .gql(
            Some(coordinator),
            CREATE_FACILITY,
            json!({ "input": facility_input(&name, (35.6812, 139.7671)) }),
        )
        .await;
    expect_error(&r, "FORBIDDEN");
    let r = s
        .gql(
            None,
            CREATE_FACILITY,
            json!({ "input": facility_input(&name, IN_TOTTORI) }),
        )
        .await;
    expect_error(&r, "UNAUTHENTICATED");

    assert!(
        !facility_names().await.contains(&name),
        "a refused facility was stored"
    );

    // The same input at a good place is stored, in the municipality its location lies in.
    let r = s
        .gql(
            Some(coordinator),
            CREATE_FACILITY,
            json!({ "input": facility_input(&name, IN_YONAGO) }),
        )
        .await;
    assert_eq!(data(&r)["createFacility"]["municipality"]["code"], "312029");
    assert_eq!(
        facility_names()
            .await
            .iter()
            .filter(|n| **n == name)
            .count(),
        1
    );
    // Municipal staff register facilities only in their own municipality.
    let r = s
        .gql(
            Some(s.token("municipal-staff:312011")),
            CREATE_FACILITY,
            json!({ "input": facility_input(&unique("（架空）e2e"), IN_YONAGO) }),
        )
        .await;
    expect_error(&r, "FORBIDDEN");
}

#[tokio::test]
async fn facility_staff_edit_only_their_own_facility() {
    let s = server();
    let _writer = s.writer().await;
    let staff = s.token("facility-staff");
    assert_eq!(
        s.gql(Some(staff), "{ me }", json!({})).await["data"]["me"],
        "facility-staff:1"
    );

    let read = "query($id: ID!) { facility(id: $id) { name kind address location { lat lon } services { serviceType dailyCapacity } synthetic active closures { serviceType from to reason } } }";
    let before = s.gql(None, read, json!({ "id": "2" })).await;
    let f = data(&before)["facility"].clone();
    let input = json!({
        "name": format!("{}（改名）", f["name"].as_str().unwrap()),
        "kind": f["kind"], "address": f["address"], "location": f["location"], "services": f["services"], "synthetic": true,
    });
    let update = "mutation($id: ID!, $input: FacilityInput!) { updateFacility(id: $id, input: $input) { name } }";
    let r = s
        .gql(Some(staff), update, json!({ "id": "2", "input": input }))
        .await;
    expect_error(&r, "FORBIDDEN");
    let closure = json!({ "from": "2025-08-13", "to": "2025-08-16", "reason": "お盆" });
    let add = "mutation($id: ID!, $input: ClosureInput!) { addClosure(facilityId: $id, input: $input) { serviceType from to reason } }";
    let r = s
        .gql(Some(staff), add, json!({ "id": "2", "input": closure }))
        .await;
    expect_error(&r, "FORBIDDEN");
    let after = s.gql(None, read, json!({ "id": "2" })).await;
    assert_eq!(after, before, "facility 2 changed");

    let r = s
        .gql(Some(staff), add, json!({ "id": "1", "input": closure }))
        .await;
    let closures = data(&r)["addClosure"].as_array().unwrap().clone();
    assert!(closures.contains(&json!({ "serviceType": null, "from": "2025-08-13", "to": "2025-08-16", "reason": "お盆" })), "{closures:?}");
    let r = s.gql(None, read, json!({ "id": "1" })).await;
    assert!(data(&r)["facility"]["closures"].as_array().unwrap().contains(&json!({ "serviceType": null, "from": "2025-08-13", "to": "2025-08-16", "reason": "お盆" })));

    let backwards = json!({ "from": "2025-08-16", "to": "2025-08-13" });
    let r = s
        .gql(Some(staff), add, json!({ "id": "1", "input": backwards }))
        .await;
    expect_field_error(&r, "BAD_USER_INPUT", "to");
    let r = s
        .gql(
            Some(staff),
            add,
            json!({ "id": "999999", "input": closure }),
        )
        .await;
    expect_field_error(&r, "NOT_FOUND", "facilityId");
}

#[tokio::test]
async fn deactivated_facilities_leave_the_public_listing() {
    let s = server();
    let _writer = s.writer().await;
    let staff = s.token("municipal-staff:312011");
    let id = new_facility(staff, IN_TOTTORI).await;
    let read = "query($id: ID!) { facility(id: $id) { name kind address location { lat lon } services { serviceType dailyCapacity } synthetic active } }";
    let r = s.gql(None, read, json!({ "id": id })).await;
    let f = data(&r)["facility"].clone();
    assert_eq!(f["active"], true);
    let input = json!({ "name": f["name"], "kind": "CLINIC", "address": f["address"], "location": f["location"], "services": f["services"], "synthetic": true });
    let update = "mutation($id: ID!, $input: FacilityInput!) { updateFacility(id: $id, input: $input, active: false) { kind active } }";
    let r = s
        .gql(Some(staff), update, json!({ "id": id, "input": input }))
        .await;
    assert_eq!(
        data(&r)["updateFacility"],
        json!({ "kind": "CLINIC", "active": false })
    );

    let listing = "query($f: FacilityFilterInput) { facilities(first: 500, filter: $f) { edges { node { id } } } }";
    let ids = |r: &Value| {
        data(r)["facilities"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let public = s
        .gql(None, listing, json!({ "f": { "municipality": "312011" } }))
        .await;
    assert!(
        !ids(&public).contains(&id),
        "an inactive facility is listed"
    );
    let all = s
        .gql(
            None,
            listing,
            json!({ "f": { "municipality": "312011", "includeInactive": true } }),
        )
        .await;
    assert!(ids(&all).contains(&id));
}
