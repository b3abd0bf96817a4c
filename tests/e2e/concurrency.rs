//! Concurrent writers: requests that write at the same moment must all be served (queued by the
//! database), never answered with an internal error.

use std::sync::OnceLock;

use serde_json::{Value, json};
use tokio::task::JoinSet;

use crate::support::{Server, client, data};

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(Server::demo)
}

/// How many requests are sent at once.
const BURST: usize = 12;

/// POSTs a GraphQL request without failing on errors (the caller counts them).
async fn post(url: String, token: String, query: &'static str, variables: Value) -> Value {
    let resp = client()
        .post(url)
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("POST /graphql");
    resp.json().await.expect("JSON body")
}

/// The error codes of `responses`, with the number of times each occurred.
fn error_codes(responses: &[Value]) -> Vec<(String, usize)> {
    let mut codes = std::collections::BTreeMap::<String, usize>::new();
    for r in responses {
        for e in r["errors"].as_array().into_iter().flatten() {
            *codes
                .entry(e["extensions"]["code"].as_str().unwrap_or("?").to_string())
                .or_default() += 1;
        }
    }
    codes.into_iter().collect()
}

/// Product bug (see the report): with SQLite, write transactions that read first (contracts,
/// facility updates, imports) start as deferred transactions; when two run at once, one fails at
/// once with `database is locked` (SQLITE_BUSY / SQLITE_BUSY_SNAPSHOT, code 5 / 517) despite the
/// busy timeout, and the client gets INTERNAL_SERVER_ERROR. Writers need `BEGIN IMMEDIATE`
/// (or one writer connection) to queue instead.
#[tokio::test]
async fn concurrent_contract_signings_all_succeed() {
    let s = server();
    let staff = s.token("municipal-staff:312011").to_string();
    let create_facility =
        "mutation($input: FacilityInput!) { createFacility(input: $input) { id } }";
    let mut facilities = Vec::new();
    for i in 0..BURST {
        let input = json!({
            "name": format!("（架空）同時契約テスト{i}"),
            "kind": "CLINIC",
            "location": { "lat": 35.4933, "lon": 134.2259 },
            "services": [{ "serviceType": "DAY_CARE", "dailyCapacity": 3 }],
        });
        let r = s
            .gql(Some(&staff), create_facility, json!({ "input": input }))
            .await;
        facilities.push(
            data(&r)["createFacility"]["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }

    let create_contract =
        "mutation($input: ContractInput!) { createContract(input: $input) { contractNo } }";
    let mut burst = JoinSet::new();
    for id in &facilities {
        let input = json!({ "municipality": "312011", "facilityId": id, "serviceType": "DAY_CARE", "unitPrice": 18000, "validFrom": "2025-04-01" });
        burst.spawn(post(
            s.url("/graphql"),
            staff.clone(),
            create_contract,
            json!({ "input": input }),
        ));
    }
    let responses: Vec<Value> = burst.join_all().await;
    let codes = error_codes(&responses);
    assert!(
        codes.is_empty(),
        "{BURST} contract signings at once gave errors {codes:?}; server log:\n{}",
        s.stderr()
            .lines()
            .filter(|l| l.contains("ERROR"))
            .collect::<Vec<_>>()
            .join("\n")
    );

    let contracts = "query($f: ID) { contracts(facility: $f) { contractNo } }";
    for id in &facilities {
        let r = s.gql(Some(&staff), contracts, json!({ "f": id })).await;
        assert_eq!(
            data(&r)["contracts"].as_array().unwrap().len(),
            1,
            "facility {id}"
        );
    }
}
