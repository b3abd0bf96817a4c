//! Random query texts and random variables thrown at the real schema (over a fresh SQLite hub):
//! nothing panics, and every error carries one of the known codes.

use std::sync::OnceLock;

use async_graphql::{Request, Variables};
use proptest::prelude::*;
use sango_graphql::guard::{self, Limits, codes};
use sango_graphql::HubSchema;
use sango_service::{Caller, Hub};

struct World {
    rt: tokio::runtime::Runtime,
    schema: HubSchema,
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let dir = std::env::temp_dir().join(format!("sango-graphql-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.join("hub.db").display());
        let hub = rt.block_on(Hub::open(&url)).unwrap();
        let schema = sango_graphql::build_schema_with(hub, &Limits { introspection: false, ..Limits::default() });
        World { rt, schema }
    })
}

/// Runs a request as the transport does: guard first, then the schema; returns the error codes.
fn run(query: &str, variables: serde_json::Value, caller: Caller) -> Vec<String> {
    let w = world();
    let mut req = Request::new(query).variables(Variables::from_json(variables)).data(caller);
    if let Err(e) = guard::check(&mut req, &Limits { introspection: false, ..Limits::default() }) {
        return vec![code(&e)];
    }
    let resp = sango_graphql::error::with_codes(w.rt.block_on(w.schema.execute(req)));
    resp.errors.iter().map(code).collect()
}

fn code(e: &async_graphql::ServerError) -> String {
    match e.extensions.as_ref().and_then(|x| x.get("code")) {
        Some(async_graphql::Value::String(s)) => s.clone(),
        other => panic!("an error without a code: {e:?} ({other:?})"),
    }
}

fn assert_known(codes_seen: &[String]) -> Result<(), TestCaseError> {
    for c in codes_seen {
        prop_assert!(codes::ALL.contains(&c.as_str()), "unknown code {}", c);
        prop_assert_ne!(c.as_str(), "INTERNAL_SERVER_ERROR");
    }
    Ok(())
}

/// Queries over the custom scalars and inputs, with every variable drawn at random.
const SCALAR_QUERIES: &[&str] = &[
    "query($v: LgCode!) { municipality(code: $v) { name } }",
    "query($v: LgCode!, $y: Int!) { program(municipality: $v, fiscalYear: $y) { version } }",
    "query($v: Float!, $w: Float!) { municipalityAt(lat: $v, lon: $w) { code } }",
    "query($v: LgCode!, $d: Date!) { monthCapacity(municipality: $v, month: $d) { serviceType } }",
    "query($v: ID!) { facility(id: $v) { name } }",
    "query($v: Int!, $a: String) { facilities(first: $v, after: $a) { edges { node { id } } } }",
];

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(serde_json::Value::from),
        "\\PC{0,12}".prop_map(serde_json::Value::from),
        "[0-9]{1,8}".prop_map(serde_json::Value::from),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| prop_oneof![proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from), proptest::collection::hash_map("[a-z]{1,3}", inner, 0..3).prop_map(|m| serde_json::Value::Object(m.into_iter().collect()))])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_text_gets_known_codes(q in "\\PC{0,200}") {
        assert_known(&run(&q, serde_json::json!({}), Caller::Anonymous))?;
    }

    #[test]
    fn random_variables_get_known_codes(i in 0..SCALAR_QUERIES.len(), v in json_value(), w in json_value(), y in json_value(), d in json_value(), a in json_value()) {
        let vars = serde_json::json!({ "v": v, "w": w, "y": y, "d": d, "a": a });
        let caller = Caller::Principal(sango_domain::Principal::Admin);
        assert_known(&run(SCALAR_QUERIES[i], vars, caller))?;
    }
}
