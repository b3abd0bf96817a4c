//! The audit trail on the backend under test: reads of case data and writes are recorded with who
//! and what; tampering with any entry by raw SQL is found and named; concurrent appenders keep
//! the chain linear.

mod support;

use sango_domain::Principal;
use sango_domain::audit::Access;
use sango_service::{Caller, ErrorCode};
use sango_store::ConnectionTrait;
use support::booking::*;
use support::*;

async fn exec(hub: &sango_service::Hub, sql: &str) {
    hub.db().execute_unprepared(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// A hub whose audit log holds `n` token creations (entries without case references) and nothing else.
async fn hub_with_entries(n: usize) -> sango_service::Hub {
    let hub = hub().await;
    for i in 0..n {
        hub.create_token(Principal::Admin, &format!("t{i}"), None).await.unwrap();
    }
    assert_eq!(hub.verify_audit().await.unwrap(), Ok(n as i64));
    hub
}

#[tokio::test]
async fn who_saw_a_case_lists_exactly_the_accesses_made() {
    let (hub, _clock) = hub_with_clock("2025-06-01 09:00:00").await;
    let facility = world(&hub, 3).await;
    let k = case(&hub, "312011", "2025-05-01", false).await;
    let own = staff("312011");
    let neighbour = staff("312029");

    hub.case(&own, &k.reference).await.unwrap();
    hub.bookings_of_case(&own, &k.reference).await.unwrap();
    let e = hub.case(&neighbour, &k.reference).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let b = hub.book(&own, request(&k, facility, &["2025-06-10"], None)).await.unwrap();
    let fstaff = Caller::Principal(Principal::FacilityStaff(facility));
    hub.facility_bookings(&fstaff, facility, d("2025-06-01"), d("2025-06-30")).await.unwrap();

    let seen = hub.who_saw_case(&admin(), &k.reference).await.unwrap();
    let got: Vec<(Access, &str, &str)> = seen.iter().map(|e| (e.record.access, e.record.principal.as_str(), e.record.operation.as_str())).collect();
    assert_eq!(
        got,
        vec![
            (Access::Write, "municipal-staff:312011", "CASE_REGISTERED"),
            (Access::Read, "municipal-staff:312011", "case"),
            (Access::Read, "municipal-staff:312011", "bookingsOfCase"),
            (Access::Write, "municipal-staff:312011", "BOOKED"),
            (Access::Read, &*format!("facility-staff:{facility}"), "facilityBookings"),
        ]
    );
    assert_eq!(seen[3].record.record_ids, vec![b.reference.clone()]);
    assert!(seen.iter().all(|e| e.record.outcome == "OK" && e.record.channel == "internal"));
    assert!(seen.windows(2).all(|w| w[0].record.seq < w[1].record.seq));

    // The neighbour's attempt is not a sighting of the case, but it is on the neighbour's record.
    let from = fixed_now() - chrono::Duration::days(1);
    let to = fixed_now() + chrono::Duration::days(1);
    let tried = hub.audit_of_principal(&admin(), "municipal-staff:312029", from, to).await.unwrap();
    let attempts: Vec<_> = tried.iter().filter(|e| e.record.operation == "case").collect();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].record.outcome, "NOT_FOUND");
    assert_eq!(attempts[0].record.record_ids, vec![k.reference.clone()]);
    assert!(attempts[0].record.case_refs.is_empty(), "a refused lookup confirms nothing about the case");

    // Only administrators read the log; the questions asked are themselves recorded.
    assert_eq!(hub.who_saw_case(&own, &k.reference).await.unwrap_err().code, ErrorCode::Forbidden);
    assert!(hub.verify_audit().await.unwrap().is_ok());
}

#[tokio::test]
async fn guessing_another_municipalitys_references_leaves_a_trace_and_finds_nothing() {
    let (hub, _clock) = hub_with_clock("2025-06-01 09:00:00").await;
    world(&hub, 3).await;
    let k = case(&hub, "312011", "2025-05-01", false).await;
    let intruder = staff("312029");
    let guesses = [k.reference.clone(), "C-000000000000".into(), "C-ffffffffffff".into()];
    for g in &guesses {
        assert_eq!(hub.case(&intruder, g).await.unwrap_err().code, ErrorCode::NotFound);
        assert_eq!(hub.bookings_of_case(&intruder, g).await.unwrap_err().code, ErrorCode::NotFound);
    }
    assert_eq!(hub.booking_events(&intruder, "B-123456789abc").await.unwrap_err().code, ErrorCode::NotFound);
    let from = fixed_now() - chrono::Duration::days(1);
    let to = fixed_now() + chrono::Duration::days(1);
    let trail = hub.audit_of_principal(&admin(), "municipal-staff:312029", from, to).await.unwrap();
    let refused: Vec<&str> = trail.iter().filter(|e| e.record.outcome == "NOT_FOUND").map(|e| e.record.record_ids[0].as_str()).collect();
    assert_eq!(refused.len(), 7);
    for g in &guesses {
        assert_eq!(refused.iter().filter(|r| *r == g).count(), 2);
    }
    assert!(refused.contains(&"B-123456789abc"));
}

#[tokio::test]
async fn an_edited_entry_is_named() {
    let hub = hub_with_entries(5).await;
    exec(&hub, "UPDATE audit_entry SET principal = 'municipal-staff:312011' WHERE seq = 3").await;
    let b = hub.verify_audit().await.unwrap().unwrap_err();
    assert_eq!(b.seq, 3, "{b}");
    assert!(b.reason.contains("edited"), "{b}");
}

#[tokio::test]
async fn an_edit_with_a_recomputed_hash_is_named_by_the_next_entry() {
    let hub = hub_with_entries(5).await;
    // A careful forger rewrites the entry and its hash (but cannot rewrite every later entry unseen).
    let mut e = sango_store::audit::page(hub.db(), 1, 1).await.unwrap().remove(0);
    e.record.operation = "nothing to see".into();
    let forged = e.record.chain_hash(&e.prev_hash);
    exec(&hub, &format!("UPDATE audit_entry SET operation = 'nothing to see', hash = '{forged}' WHERE seq = 2")).await;
    assert_eq!(hub.verify_audit().await.unwrap().unwrap_err().seq, 3);
}

#[tokio::test]
async fn a_deleted_entry_is_named() {
    let hub = hub_with_entries(5).await;
    exec(&hub, "DELETE FROM audit_entry WHERE seq = 2").await;
    let b = hub.verify_audit().await.unwrap().unwrap_err();
    assert_eq!(b.seq, 2, "{b}");
    assert!(b.reason.contains("missing"), "{b}");
}

#[tokio::test]
async fn deleting_the_last_entries_is_found_against_the_head() {
    let hub = hub_with_entries(5).await;
    exec(&hub, "DELETE FROM audit_entry WHERE seq >= 4").await;
    assert_eq!(hub.verify_audit().await.unwrap().unwrap_err().seq, 4);
}

#[tokio::test]
async fn reordered_entries_are_named() {
    let hub = hub_with_entries(5).await;
    exec(&hub, "UPDATE audit_entry SET seq = -2 WHERE seq = 2").await;
    exec(&hub, "UPDATE audit_entry SET seq = 2 WHERE seq = 4").await;
    exec(&hub, "UPDATE audit_entry SET seq = 4 WHERE seq = -2").await;
    let b = hub.verify_audit().await.unwrap().unwrap_err();
    assert_eq!(b.seq, 2, "{b}");
}

#[tokio::test]
async fn concurrent_readers_and_writers_keep_the_chain_linear() {
    let (hub, _clock) = hub_with_clock("2025-06-01 09:00:00").await;
    let facility = world(&hub, 50).await;
    let k = case(&hub, "312011", "2025-05-01", false).await;
    let before = hub.verify_audit().await.unwrap().unwrap();
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let hub = hub.clone();
            let reference = k.reference.clone();
            tokio::spawn(async move {
                match i % 4 {
                    0 => hub.case(&staff("312011"), &reference).await.map(|_| ()),
                    1 => hub.bookings_of_case(&staff("312011"), &reference).await.map(|_| ()),
                    2 => hub.facility_bookings(&Caller::Principal(Principal::FacilityStaff(facility)), facility, d("2025-06-01"), d("2025-06-30")).await.map(|_| ()),
                    _ => hub.create_token(Principal::Admin, "concurrent", None).await.map(|_| ()),
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(hub.verify_audit().await.unwrap(), Ok(before + 40));
}
