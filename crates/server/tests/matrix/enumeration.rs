//! A neighbour trying to enumerate another municipality's records by guessing references and
//! ids gets NOT_FOUND for every one, exactly as for references that do not exist, and every
//! attempt is in the audit log under its principal (`sango-hub audit who-saw --principal`).

use async_graphql::{Request, Variables};
use chrono::Duration;
use serde_json::{Value, json};

use super::support::admin;
use super::table::{Role, TOTTORI};
use super::world::{World, case_input};

async fn code(w: &World, query: &str, variables: Value) -> String {
    let caller = w.caller(TOTTORI, Role::NeighbourStaff);
    let response = serde_json::to_value(w.schema.execute(Request::new(query).variables(Variables::from_json(variables)).data(caller)).await).unwrap();
    assert!(response["data"].is_null() || response["data"].as_object().is_some_and(|d| d.values().all(Value::is_null)), "{response}");
    response["errors"][0]["extensions"]["code"].as_str().unwrap_or("(none)").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_neighbour_guessing_references_gets_not_found_for_each_and_every_attempt_is_audited() {
    let w = World::build().await;
    let tottori = sango_domain::LgCode::parse(TOTTORI).unwrap();
    let mut cases: Vec<String> = sango_store::cases::of_municipality(w.hub.db(), tottori, 40).await.unwrap().into_iter().map(|c| c.reference).collect();
    assert!(cases.len() >= 20, "the demo and the world hold 鳥取市 cases");
    // Guesses that name no case answer the same as the real ones.
    cases.extend((0..10u64).map(|i| format!("C-{:012x}", i * 0x0001_1111_1111)));
    let started = w.hub.now();
    for c in &cases {
        assert_eq!(code(&w, "query($r: String!) { case(reference: $r) { reference } }", json!({ "r": c })).await, "NOT_FOUND", "case({c})");
        assert_eq!(code(&w, "query($r: String!) { case(reference: $r) { bookings { reference } } }", json!({ "r": c })).await, "NOT_FOUND");
        assert_eq!(code(&w, "mutation($r: String!, $i: CaseInput!) { updateCase(reference: $r, input: $i) { reference } }", json!({ "r": c, "i": case_input(false) })).await, "NOT_FOUND");
    }
    let mut bookings: Vec<String> = w.cancel.clone();
    bookings.extend([w.booking.clone(), w.flagged_booking.clone(), "B-000000000000".to_owned()]);
    for b in &bookings {
        assert_eq!(code(&w, "mutation($b: String!) { cancelBooking(booking: $b, reason: \"guess\") { reference } }", json!({ "b": b })).await, "NOT_FOUND", "cancelBooking({b})");
        assert_eq!(code(&w, "mutation($b: String!) { recordUse(input: { booking: $b, date: \"2025-06-02\", outcome: USED }) { reference } }", json!({ "b": b })).await, "NOT_FOUND");
    }
    let entries: Vec<String> = (1..=w.offer + 3).map(|id| id.to_string()).collect();
    for e in &entries {
        assert_eq!(code(&w, "mutation($e: ID!) { acceptOffer(entry: $e) { reference } }", json!({ "e": e })).await, "NOT_FOUND", "acceptOffer({e})");
    }
    assert_eq!(code(&w, "query($n: ID!) { contractHistory(contractNo: $n) { version } }", json!({ "n": w.contract_no.to_string() })).await, "NOT_FOUND");

    // The leak-report question: what did 米子市's staff try to see?
    let log = w.hub.audit_of_principal(&admin(), "municipal-staff:312029", started - Duration::minutes(1), w.hub.now() + Duration::minutes(1)).await.unwrap();
    let refused = |kind: &str, id: &str| log.iter().filter(|e| e.record.outcome == "NOT_FOUND" && e.record.record_kind == kind && e.record.record_ids.iter().any(|r| r == id)).count();
    for c in &cases {
        // Each case was asked for three times (the case, its bookings, an update).
        assert_eq!(refused("case", c), 3, "the attempts on {c} are in the audit log");
    }
    for b in &bookings {
        assert_eq!(refused("booking", b), 2, "the attempts on {b} are in the audit log");
    }
    for e in &entries {
        assert_eq!(refused("waitlist", e), 1, "the attempt on entry {e} is in the audit log");
    }
    assert!(log.iter().all(|e| e.record.case_refs.is_empty()), "a refused lookup touches no case");
    // The same answer on the command line.
    sango_hub::audit::who_saw_principal(&w.hub, "municipal-staff:312029", "2025-06-03", "2025-06-04").await.unwrap();
}
