//! The authorisation matrix, walked: every role against every resource, operation and path of
//! [`table::MATRIX`] on the Tottori demo, through the real GraphQL schema (root and nested fields,
//! connections, id lookups, mutations, subscriptions with `Schema::execute_stream`), the use
//! cases the command line calls and the `settle` export. Every answer is also scanned for case,
//! booking and application references the caller may not see. `enumeration.rs` has a neighbour
//! guess references; `readme.rs` keeps the README's table equal to this one.
//!
//! SQLite by default; PostgreSQL when `SANGO_TEST_POSTGRES_URL` is set.

#[path = "../../../service/tests/support/mod.rs"]
mod support;

mod enumeration;
mod probes;
mod readme;
mod table;
mod world;

use std::time::Duration;

use async_graphql::{Request, Variables};
use futures_util::{FutureExt, StreamExt};
use sango_domain::Principal;
use sango_service::{Caller, ServiceError};
use serde_json::Value;

use probes::Probe;
use table::{MATRIX, Outcome, ROLES, Role, Row};
use world::World;

/// The outcome an error code stands for; any other code is a failure of the probe itself.
fn outcome_of(code: &str) -> Option<Outcome> {
    match code {
        "NOT_FOUND" => Some(Outcome::NotFound),
        "FORBIDDEN" => Some(Outcome::Forbidden),
        "UNAUTHENTICATED" => Some(Outcome::Unauthenticated),
        _ => None,
    }
}

/// What a GraphQL response says: the refusal, or whether `find` is in the data.
fn judge(response: &Value, find: Option<&str>) -> Result<Outcome, String> {
    let errors = response["errors"].as_array().cloned().unwrap_or_default();
    if errors.is_empty() {
        let data = response["data"].to_string();
        return Ok(match find {
            Some(f) if !data.contains(f) => Outcome::Hidden,
            _ => Outcome::Yes,
        });
    }
    let codes: Vec<&str> = errors.iter().map(|e| e["extensions"]["code"].as_str().unwrap_or("(no code)")).collect();
    let first = codes[0];
    if codes.iter().any(|c| *c != first) {
        return Err(format!("mixed error codes {codes:?}"));
    }
    // A refusal refuses the whole request: no root field may answer beside it.
    if let Some(fields) = response["data"].as_object()
        && fields.values().any(|v| !v.is_null())
    {
        return Err(format!("{first} beside data {}", response["data"]));
    }
    outcome_of(first).ok_or_else(|| format!("unexpected {first}: {}", errors[0]["message"]))
}

fn service_outcome<T>(r: Result<T, ServiceError>, found: impl FnOnce(&T) -> bool) -> Result<Outcome, String> {
    match r {
        Ok(v) if found(&v) => Ok(Outcome::Yes),
        Ok(_) => Ok(Outcome::Hidden),
        Err(e) => outcome_of(e.code.as_str()).ok_or_else(|| format!("unexpected {}: {}", e.code.as_str(), e.message)),
    }
}

/// Runs one cell; returns the outcome and the text answered (for the leak scan), with the
/// references the request itself named (an error may repeat them).
async fn observe(w: &World, row: &Row, role: Role) -> Result<(Outcome, String, Vec<String>), String> {
    let (outcome, text) = answer(w, row, role).await?;
    let asked = match (row.probe)(w, role) {
        Probe::Gql { query, variables, .. } => references(&format!("{query}{variables}")),
        Probe::WhoSaw { case } => vec![case],
        _ => vec![],
    };
    Ok((outcome, text, asked))
}

async fn answer(w: &World, row: &Row, role: Role) -> Result<(Outcome, String), String> {
    let caller = w.caller(row.owner, role);
    match (row.probe)(w, role) {
        Probe::Gql { query, variables, find } => {
            let request = Request::new(query).variables(Variables::from_json(variables)).data(caller);
            let response = serde_json::to_value(w.schema.execute(request).await).expect("a response serialises");
            Ok((judge(&response, find.as_deref())?, response.to_string()))
        }
        Probe::Subscription { query } => subscribe(w, caller, &query).await,
        Probe::WhoSaw { case } => Ok((service_outcome(w.hub.who_saw_case(&caller, &case).await, |e| !e.is_empty())?, String::new())),
        Probe::Settle => {
            assert_eq!(caller, Caller::Principal(Principal::Admin), "the command line acts as admin");
            let request = sango_hub::settle::Request { fiscal_year: 2025, month: None, municipality: Some("312011"), format: "csv", encoding: "utf8", out: &w.out, issue: false, font: None, issuer: None };
            let files = sango_hub::settle::run(&w.hub, &request).await.map_err(|e| e.to_string())?;
            let text: String = files.iter().map(|f| String::from_utf8_lossy(&std::fs::read(f).unwrap()).into_owned()).collect();
            Ok((if files.is_empty() { Outcome::Hidden } else { Outcome::Yes }, text))
        }
        Probe::Plan => {
            assert_eq!(caller, Caller::Principal(Principal::Admin), "the command line acts as admin");
            std::fs::create_dir_all(&w.out).map_err(|e| e.to_string())?;
            let out = w.out.join("plan.csv");
            let request = sango_hub::plan::Request { prefecture: "31", fiscal_year: 2025, month: "2025-06", service_type: "SHORT_STAY", max_km: 30.0, contracted_only: false, format: "csv", out: Some(&out) };
            sango_hub::plan::run(&w.hub, &request).await.map_err(|e| e.to_string())?;
            let text = std::fs::read_to_string(&out).map_err(|e| e.to_string())?;
            Ok((if text.contains("312011") { Outcome::Yes } else { Outcome::Hidden }, text))
        }
        Probe::TokenCreate => {
            assert_eq!(caller, Caller::Principal(Principal::Admin), "the command line acts as admin");
            let p = Principal::MunicipalStaff(sango_domain::LgCode::parse("312011").unwrap());
            Ok((service_outcome(w.hub.create_token(p, "matrix-cli", Some(chrono::Duration::days(1))).await, |t| t.starts_with("shub_"))?, String::new()))
        }
    }
}

/// Subscribes, makes a change at the facility, and reads the first message.
async fn subscribe(w: &World, caller: Caller, query: &str) -> Result<(Outcome, String), String> {
    let mut stream = w.schema.execute_stream(Request::new(query).data(caller));
    // The first poll runs the resolver, which subscribes (or refuses) before anything changes.
    let early = stream.next().now_or_never().flatten();
    if early.is_none() {
        let tottori = support::staff(table::TOTTORI);
        let req = sango_service::booking::BookRequest { case: w.book_case.clone(), facility_id: w.facility, service_type: support::booking::T, dates: vec![support::booking::d("2025-06-17")], idempotency_key: None };
        let b = w.hub.book(&tottori, req).await.map_err(|e| e.to_string())?;
        w.hub.cancel_booking(&tottori, &b.reference, "a change for subscribers").await.map_err(|e| e.to_string())?;
    }
    let message = match early {
        Some(m) => m,
        None => tokio::time::timeout(Duration::from_secs(120), stream.next()).await.map_err(|_| "no message after a change".to_owned())?.ok_or("the stream ended")?,
    };
    let response = serde_json::to_value(message).expect("a response serialises");
    Ok((judge(&response, Some(&format!("\"{}\"", w.facility)))?, response.to_string()))
}

/// Every `C-`, `B-` or `A-` reference (12 hex digits) in a text.
fn references(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for i in 0..b.len().saturating_sub(13) {
        let starts = matches!(b[i], b'C' | b'B' | b'A') && b[i + 1] == b'-' && (i == 0 || !b[i - 1].is_ascii_alphanumeric());
        let hex = |j: usize| b.get(j).is_some_and(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c));
        if starts && (i + 2..i + 14).all(hex) && !hex(i + 14) {
            out.push(text[i..i + 14].to_owned());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Whether the principal may see the record a reference names (unknown references are not records).
async fn may_see(w: &World, p: Option<Principal>, reference: &str) -> bool {
    let db = w.hub.db();
    let case_of = |id: i64| async move { sango_store::cases::by_id(db, id).await.unwrap() };
    let (case, facility) = match &reference[..1] {
        "C" => (sango_store::cases::by_reference(db, reference).await.unwrap(), None),
        "B" => match sango_store::bookings::by_reference(db, reference).await.unwrap() {
            Some(b) => (case_of(b.case_id).await, Some(b.facility_id)),
            None => return true,
        },
        _ => match sango_store::lottery::by_reference(db, reference).await.unwrap() {
            Some(a) => (case_of(a.case_id).await, None),
            None => return true,
        },
    };
    let Some(case) = case else { return true };
    p.is_some_and(|p| p.may_manage_case(case.profile.municipality, case.profile.coordination) || facility.is_some_and(|f| p.is_staff_of(f)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_gets_what_the_matrix_says_through_every_path() {
    let w = World::build().await;
    let mut failures = Vec::new();
    let mut cells = 0;
    for row in MATRIX {
        for role in ROLES {
            let want = row.expect[role.index()];
            if want == Outcome::NoPath {
                continue;
            }
            cells += 1;
            let at = format!("{} / {} / {} as {}", row.resource, row.operation, row.path, role.heading());
            match observe(&w, row, role).await {
                Ok((got, text, asked)) => {
                    if got != want {
                        failures.push(format!("{at}: expected {}, got {}: {}", want.cell(), got.cell(), text.chars().take(400).collect::<String>()));
                    }
                    let p = w.principal(row.owner, role);
                    for r in references(&text).into_iter().filter(|r| !asked.contains(r)) {
                        if !may_see(&w, p, &r).await {
                            failures.push(format!("{at}: the answer carries {r}, which this caller may not see"));
                        }
                    }
                }
                Err(e) => failures.push(format!("{at}: {e}")),
            }
        }
    }
    assert!(failures.is_empty(), "{} of {cells} cells are wrong:\n{}", failures.len(), failures.join("\n"));
    assert!(cells > 250, "only {cells} cells ran");
}

/// Every path to a record answers the same: rows of one resource and operation agree.
#[test]
fn paths_to_the_same_records_agree() {
    for a in MATRIX {
        for b in MATRIX.iter().filter(|b| (b.resource, b.operation) == (a.resource, a.operation)) {
            assert_eq!(a.expect, b.expect, "{} / {}: {} and {} disagree", a.resource, a.operation, a.path, b.path);
        }
    }
}

/// The audit log and tokens are reached only from the command line; subscriptions carry only
/// published capacity.
#[test]
fn graphql_has_no_audit_or_token_fields_and_subscriptions_carry_public_capacity() {
    let sdl = sango_graphql::sdl();
    let fields = |ty: &str| -> Vec<String> {
        let start = sdl.find(&format!("type {ty} {{")).unwrap_or_else(|| panic!("no type {ty}"));
        let body = &sdl[start..start + sdl[start..].find("\n}").unwrap()];
        body.lines().skip(1).map(str::trim).filter(|l| !l.starts_with('"') && !l.is_empty()).filter_map(|l| l.split(['(', ':']).next()).filter(|n| n.chars().all(|c| c.is_ascii_alphanumeric())).map(str::to_owned).collect()
    };
    for root in ["Query", "Mutation", "Subscription"] {
        for f in fields(root) {
            let lower = f.to_lowercase();
            assert!(!lower.contains("audit") && !lower.contains("token"), "{root}.{f} reaches the audit log or tokens");
        }
    }
    assert_eq!(fields("Subscription"), ["capacityChanged"]);
    let mut carried = fields("CapacityChanged");
    carried.sort();
    assert_eq!(carried, ["capacity", "date", "facilityId", "free", "municipality", "serviceType", "taken"]);
}

#[test]
fn references_are_found_in_text() {
    let text = r#"{"case":"C-0123456789ab","b":"B-abcdefabcdef","x":"XC-0123456789ab","long":"C-0123456789abc","A-00000000000f"}"#;
    assert_eq!(references(text), ["A-00000000000f", "B-abcdefabcdef", "C-0123456789ab"]);
}
