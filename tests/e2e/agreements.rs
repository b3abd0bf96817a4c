//! Mutual-use agreements and prefecture top-ups through GraphQL on the demo: the coordinator
//! amends the demo's agreement, the settlement shows it, finance staff set top-ups, and every
//! refusal carries its code and field.

use serde_json::{Value, json};

use crate::support::{Server, data, expect_error, expect_field_error};

const AMEND: &str = "mutation($input: AgreementInput!) { amendAgreement(input: $input) { code version current host members } }";
const REGISTER: &str = "mutation($input: AgreementInput!) { registerAgreement(input: $input) { code version } }";
const SET_TOP_UPS: &str = "mutation($p: String!, $from: Date!, $t: [TopUpInput!]!) { setPrefectureTopUps(prefecture: $p, effectiveFrom: $from, topUps: $t) { version label effectiveFrom topUps { kind amount maxUses } } }";

fn input(code: &str, host: &str, members: &[&str]) -> Value {
    json!({ "code": code, "name": "（架空）協定", "host": host, "members": members, "validFrom": "2025-04-01" })
}

#[tokio::test]
async fn agreements_and_top_ups_are_served_with_codes_and_fields() {
    let s = Server::demo();
    let coordinator = s.token("prefecture-coordinator");
    let finance = s.token("finance");
    let staff = s.token("municipal-staff:312011");

    let r = s.gql(Some(coordinator), "{ agreements { code version host members } }", json!({})).await;
    let demo = data(&r)["agreements"][0].clone();
    assert_eq!(demo["host"], "312011", "{r}");
    let members: Vec<&str> = demo["members"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();

    // The coordinator amends it: version 2, same code and host.
    let amended = s.gql(Some(coordinator), AMEND, json!({ "input": input("demo-312011", "312011", &members[..1]) })).await;
    assert_eq!(data(&amended)["amendAgreement"]["version"], 2);
    let history = s.gql(Some(finance), "{ agreementHistory(code: \"demo-312011\") { version current } }", json!({})).await;
    assert_eq!(data(&history)["agreementHistory"], json!([{ "version": 1, "current": false }, { "version": 2, "current": true }]));

    // Refusals: a case worker, a member outside the prefecture, a code that is taken.
    expect_error(&s.gql(Some(staff), REGISTER, json!({ "input": input("x-1", "312011", &["312029"]) })).await, "FORBIDDEN");
    expect_field_error(&s.gql(Some(coordinator), REGISTER, json!({ "input": input("x-2", "312011", &["131016"]) })).await, "BAD_USER_INPUT", "members[0]");
    expect_field_error(&s.gql(Some(coordinator), REGISTER, json!({ "input": input("demo-312011", "312011", &["312029"]) })).await, "CONFLICT", "code");

    // The settlement carries the agreement's statement and the netted transfers.
    let r = s.gql(Some(finance), "{ settlement(fiscalYear: 2025) { agreements { agreements { code uses totalPublicCost members { borne } } transfers { direction amount } } } }", json!({})).await;
    let a = &data(&r)["settlement"]["agreements"];
    let statement = &a["agreements"][0];
    let borne: i64 = statement["members"].as_array().unwrap().iter().map(|m| m["borne"].as_i64().unwrap()).sum();
    assert_eq!(borne, statement["totalPublicCost"].as_i64().unwrap());
    let net: i64 = a["transfers"].as_array().unwrap().iter().map(|t| if t["direction"] == "TO_PREFECTURE" { -t["amount"].as_i64().unwrap() } else { t["amount"].as_i64().unwrap() }).sum();
    assert_eq!(net, 0);
    let hidden = s.gql(Some(staff), "{ settlement(fiscalYear: 2025) { agreements { balances { net } } } }", json!({})).await;
    assert!(data(&hidden)["settlement"]["agreements"].is_null());

    // Top-ups: the prefecture's finance staff only, checked like a rule set's.
    let t = json!([{ "kind": "PER_USE", "amount": 1250, "maxUses": 5 }]);
    let saved = s.gql(Some(finance), SET_TOP_UPS, json!({ "p": "31", "from": "2026-04-01", "t": t })).await;
    assert_eq!(data(&saved)["setPrefectureTopUps"]["label"], "top-ups-31.1");
    expect_error(&s.gql(Some(coordinator), SET_TOP_UPS, json!({ "p": "31", "from": "2026-04-01", "t": t })).await, "FORBIDDEN");
    let bad = json!([{ "kind": "PER_USE", "amount": 1250 }]);
    expect_field_error(&s.gql(Some(finance), SET_TOP_UPS, json!({ "p": "31", "from": "2026-04-01", "t": bad })).await, "BAD_USER_INPUT", "kinds[0].maxUses");
    let share = json!([{ "kind": "USER_FEE_SHARE", "numerator": 3, "denominator": 2 }]);
    expect_field_error(&s.gql(Some(finance), SET_TOP_UPS, json!({ "p": "31", "from": "2026-04-01", "t": share })).await, "BAD_USER_INPUT", "kinds[0]");
    expect_field_error(&s.gql(Some(finance), "{ prefectureTopUps(prefecture: \"40\") { version } }", json!({})).await, "NOT_FOUND", "prefecture");
    let listed = s.gql(Some(finance), "{ prefectureTopUps(prefecture: \"31\") { version effectiveFrom } }", json!({})).await;
    assert_eq!(data(&listed)["prefectureTopUps"], json!([{ "version": 1, "effectiveFrom": "2026-04-01" }]));
}
