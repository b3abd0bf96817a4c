//! Group commit of bookings: a group with a mix of bookings that fit and bookings that do not
//! commits exactly the ones that fit, in order, each caller gets its own answer, and every stored
//! booking has its event and its audit entry. Random groups are compared with a brute-force
//! replay of the same requests one at a time. A case's limits hold when its bookings arrive
//! together: in one group, and through two hubs writing to the same database at once.

mod support;

use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sango_service::{Caller, ErrorCode, Hub, ServiceResult};
use sango_store::bookings::Booking;
use support::booking::*;
use support::*;

/// Audit entries in the chain, which must verify.
async fn audit_len(hub: &Hub) -> i64 {
    hub.verify_audit().await.unwrap().expect("the audit chain verifies")
}

/// Taken slots on a day in the database and in the in-memory mirror, which must agree.
async fn taken(hub: &Hub, facility: i64, day: &str) -> u32 {
    let stored = sango_store::calendar::taken_on(hub.db(), facility, T, &[d(day)]).await.unwrap()[0].1;
    let mirrored = hub.calendar(facility, T, d(day), d(day)).await.unwrap()[0].taken;
    assert_eq!(stored, mirrored, "database and mirror agree on {day}");
    stored
}

fn conflict(answer: &ServiceResult<Booking>) -> String {
    match answer {
        Err(e) if e.code == ErrorCode::Conflict => e.message.clone(),
        other => panic!("expected CONFLICT, got {other:?}"),
    }
}

#[tokio::test]
async fn a_mixed_group_commits_exactly_the_bookings_that_fit_and_answers_each_caller() {
    let (hub, _clock) = hub_with_clock("2025-06-01 09:00:00").await;
    let facility = world(&hub, 2).await;
    let mut cases = Vec::new();
    for _ in 0..7 {
        cases.push(case(&hub, "312011", "2025-05-01", false).await);
    }
    let before = audit_len(&hub).await;
    let me = staff("312011");
    let group: Vec<(Caller, sango_service::booking::BookRequest)> = vec![
        (me, request(&cases[0], facility, &["2025-06-10"], None)),
        (me, request(&cases[1], facility, &["2025-06-10"], None)),
        // 06-10 is full now.
        (me, request(&cases[2], facility, &["2025-06-10"], None)),
        // Full on 06-10: its 06-11 must be given back with it.
        (me, request(&cases[3], facility, &["2025-06-11", "2025-06-10"], None)),
        (me, request(&cases[4], facility, &["2025-06-11", "2025-06-12"], Some("group-key"))),
        // A retry of the one before, inside the same group: the same booking.
        (me, request(&cases[4], facility, &["2025-06-11", "2025-06-12"], Some("group-key"))),
        (me, request(&cases[5], facility, &["2025-06-11"], None)),
        // 06-11 is full now (cases 4 and 5), not earlier: case 3 gave its slot back.
        (me, request(&cases[6], facility, &["2025-06-11"], None)),
        // Refused by its checks before the group is written.
        (me, request(&cases[6], facility, &[], None)),
    ];
    let answers = hub.book_group(group).await;
    assert_eq!(answers.len(), 9);

    let booked: Vec<&Booking> = [0, 1, 4, 6].iter().map(|&i| answers[i].as_ref().unwrap_or_else(|e| panic!("request {i}: {e}"))).collect();
    for (b, who) in booked.iter().zip([0, 1, 4, 5]) {
        assert_eq!(b.case_id, cases[who].id, "each caller gets the booking of its own case");
    }
    let mut references: Vec<&str> = booked.iter().map(|b| b.reference.as_str()).collect();
    references.sort();
    references.dedup();
    assert_eq!(references.len(), 4, "four different bookings");
    assert_eq!(answers[5].as_ref().unwrap().reference, booked[2].reference, "the retry gets the first booking under its key");
    assert!(conflict(&answers[2]).contains("2025-06-10"));
    let m = conflict(&answers[3]);
    assert!(m.contains("2025-06-10") && !m.contains("2025-06-11"), "{m}");
    assert!(conflict(&answers[7]).contains("2025-06-11"));
    let e = answers[8].as_ref().unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::BadUserInput, Some("dates")));

    assert_eq!([taken(&hub, facility, "2025-06-10").await, taken(&hub, facility, "2025-06-11").await, taken(&hub, facility, "2025-06-12").await], [2, 2, 1]);
    for (i, k) in cases.iter().enumerate() {
        let stored = hub.bookings_of_case(&me, &k.reference).await.unwrap();
        let expected = usize::from([0, 1, 4, 5].contains(&i));
        assert_eq!(stored.len(), expected, "case {i} holds {expected} booking(s)");
    }
    let subjects: Vec<String> = booked.iter().map(|b| format!("booking:{}", b.reference)).collect();
    let events = sango_store::events::of_subjects(hub.db(), &subjects).await.unwrap();
    assert_eq!(events.len(), 4, "one event per stored booking, none for a refused one");
    assert!(events.iter().all(|e| e.kind == "BOOKED"));
    // Four audited writes, then the reads of `bookings_of_case` above (seven) are audited too.
    assert_eq!(audit_len(&hub).await, before + 4 + 7);
    let seen = hub.who_saw_case(&admin(), &cases[4].reference).await.unwrap();
    assert_eq!(seen.iter().filter(|e| e.record.operation == "BOOKED" && e.record.record_ids == [booked[2].reference.clone()]).count(), 1);
}

/// Each request's outcome (Ok or the full days) and what ends up taken on each day.
type Replayed = (Vec<Result<(), Vec<NaiveDate>>>, BTreeMap<NaiveDate, u32>);

/// What one-at-a-time first-come booking gives for requests in order.
fn brute_force(capacity: &BTreeMap<NaiveDate, u32>, requests: &[Vec<NaiveDate>]) -> Replayed {
    let mut taken: BTreeMap<NaiveDate, u32> = BTreeMap::new();
    let mut out = Vec::new();
    for dates in requests {
        let full: Vec<NaiveDate> = dates.iter().copied().filter(|d| taken.get(d).copied().unwrap_or(0) >= capacity[d]).collect();
        if full.is_empty() {
            for d in dates {
                *taken.entry(*d).or_insert(0) += 1;
            }
            out.push(Ok(()));
        } else {
            out.push(Err(full));
        }
    }
    (out, taken)
}

#[tokio::test]
async fn random_groups_agree_with_booking_one_at_a_time() {
    let (hub, clock) = hub_with_clock("2025-06-01 09:00:00").await;
    let facility = world(&hub, 1).await;
    let mut rng = ChaCha8Rng::seed_from_u64(20251121);
    let me = staff("312011");
    let (trials, per_group) = if backend() == "postgres" { (3, 10) } else { (4, 12) };
    // Booked, refused, and refused with some of its days free (it takes none of them).
    let (mut booked, mut refused, mut given_back) = (0, 0, 0);
    for trial in 0..trials {
        // Each trial on its own five days, with capacities 0 to 3, nine days ahead (inside the window).
        let first = d("2025-06-10") + chrono::Days::new(trial * 5);
        clock.set_jst(&format!("{} 09:00:00", first - chrono::Days::new(9)));
        let days: Vec<NaiveDate> = (0..5).map(|i| first + chrono::Days::new(i)).collect();
        let mut capacity = BTreeMap::new();
        for day in &days {
            let c = rng.random_range(0..=3u32);
            hub.set_capacity(&admin(), facility, T, *day, *day, i64::from(c)).await.unwrap();
            capacity.insert(*day, c);
        }
        let mut requests = Vec::new();
        let mut group = Vec::new();
        for _ in 0..per_group {
            let start = rng.random_range(0..5usize);
            let len = rng.random_range(1..=3usize).min(5 - start);
            let dates: Vec<NaiveDate> = days[start..start + len].to_vec();
            let k = case(&hub, "312011", "2025-05-01", false).await;
            let texts: Vec<String> = dates.iter().map(ToString::to_string).collect();
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            group.push((me, request(&k, facility, &refs, None)));
            requests.push(dates);
        }
        let (expected, expected_taken) = brute_force(&capacity, &requests);
        let answers = hub.book_group(group).await;
        for (i, (got, want)) in answers.iter().zip(&expected).enumerate() {
            match (got, want) {
                (Ok(b), Ok(())) => {
                    assert_eq!(b.days.iter().map(|d| d.date).collect::<Vec<_>>(), requests[i]);
                    booked += 1;
                }
                (Err(e), Err(full)) => {
                    refused += 1;
                    given_back += usize::from(full.len() < requests[i].len());
                    assert_eq!(e.code, ErrorCode::Conflict, "trial {trial}, request {i}: {e}");
                    let named: Vec<NaiveDate> = e.problems.iter().filter_map(|p| p.message.split(' ').next().and_then(|s| s.parse().ok())).collect();
                    assert_eq!(&named, full, "trial {trial}, request {i}: the full days are named");
                }
                _ => panic!("trial {trial}, request {i}: got {got:?}, one at a time gives {want:?}"),
            }
        }
        for day in &days {
            let t = taken(&hub, facility, &day.to_string()).await;
            assert_eq!(t, expected_taken.get(day).copied().unwrap_or(0), "trial {trial}, {day}");
            assert!(t <= capacity[day]);
        }
    }
    assert!(booked > 0 && refused > 0 && given_back > 0, "the draws cover every case: {booked} booked, {refused} refused, {given_back} given back");
    audit_len(&hub).await;
}

fn refused_by_limit(answer: &ServiceResult<Booking>) -> String {
    match answer {
        Err(e) if e.code == ErrorCode::BadUserInput && e.field.as_deref() == Some("dates") => e.message.clone(),
        other => panic!("expected the yearly limit's refusal, got {other:?}"),
    }
}

/// Registers a case that has used 6 of its 7 short-stay days (2025-06-03 to 06-08).
async fn case_with_six_days(hub: &Hub, facility: i64) -> sango_store::cases::Case {
    let k = case(hub, "312011", "2025-05-01", false).await;
    let six = ["2025-06-03", "2025-06-04", "2025-06-05", "2025-06-06", "2025-06-07", "2025-06-08"];
    hub.book(&staff("312011"), request(&k, facility, &six, None)).await.unwrap();
    k
}

#[tokio::test]
async fn bookings_of_one_case_in_one_group_are_checked_against_each_other() {
    let (hub, _clock) = hub_with_clock("2025-06-01 09:00:00").await;
    let facility = world(&hub, 10).await;
    let k = case_with_six_days(&hub, facility).await;
    let me = staff("312011");
    let answers = hub
        .book_group(vec![
            (me, request(&k, facility, &["2025-06-12"], None)),
            // The 8th day of a 7-day limit, counting the one just before in the same group.
            (me, request(&k, facility, &["2025-06-13"], None)),
        ])
        .await;
    assert!(answers[0].is_ok(), "{:?}", answers[0]);
    assert!(refused_by_limit(&answers[1]).contains("7 used, 1 asked for"));
    assert_eq!(taken(&hub, facility, "2025-06-13").await, 0, "the refused booking took nothing");

    let other = case(&hub, "312011", "2025-05-01", false).await;
    let answers = hub
        .book_group(vec![(me, request(&other, facility, &["2025-06-12"], None)), (me, request(&other, facility, &["2025-06-12"], None))])
        .await;
    assert!(answers[0].is_ok());
    assert!(conflict(&answers[1]).contains("already has a SHORT_STAY booking on 2025-06-12"));
    assert_eq!(taken(&hub, facility, "2025-06-12").await, 2);
}

#[tokio::test]
async fn two_hubs_on_one_database_never_let_a_case_pass_its_limit() {
    let url = fresh_database_url().await;
    // 2025-06-01 09:00 JST.
    let clock = std::sync::Arc::new(|| Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap());
    let first = Hub::open_with_clock(&url, clock.clone()).await.unwrap();
    let facility = world(&first, 50).await;
    let trials = if backend() == "postgres" { 6 } else { 8 };
    let mut cases = Vec::new();
    for _ in 0..trials {
        cases.push(case_with_six_days(&first, facility).await);
    }
    // A second hub on the same database, as a second server process would be, opened after the
    // world exists so that it knows the facility and contract.
    let second = Hub::open_with_clock(&url, clock).await.unwrap();
    let me = staff("312011");
    for (i, k) in cases.iter().enumerate() {
        // The 7th day of each case, asked for through both hubs at once on different days.
        let (a, b) = tokio::join!(first.book(&me, request(k, facility, &["2025-06-12"], None)), second.book(&me, request(k, facility, &["2025-06-13"], None)));
        assert_eq!(usize::from(a.is_ok()) + usize::from(b.is_ok()), 1, "trial {i}: exactly one of {a:?} and {b:?}");
        let refused = if a.is_ok() { &b } else { &a };
        assert!(refused_by_limit(refused).contains("7 used, 1 asked for"), "trial {i}");
        let held: usize = first.bookings_of_case(&me, &k.reference).await.unwrap().iter().map(|b| b.days.len()).sum();
        assert_eq!(held, 7, "trial {i}");
    }
}

#[tokio::test]
async fn two_hubs_booking_at_once_keep_one_audit_chain_with_one_entry_per_booking() {
    let url = fresh_database_url().await;
    let clock = std::sync::Arc::new(|| Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap());
    let first = Hub::open_with_clock(&url, clock.clone()).await.unwrap();
    let facility = world(&first, 500).await;
    let mut cases = Vec::new();
    for _ in 0..48 {
        cases.push(case(&first, "312011", "2025-05-01", false).await);
    }
    // Each hub's writer chains its groups after the head it last wrote; the other hub's groups,
    // and a registration between them, move the head under it.
    let second = Hub::open_with_clock(&url, clock).await.unwrap();
    let me = staff("312011");
    let before = audit_len(&first).await;
    let mut booked: Vec<(usize, Booking)> = Vec::new();
    let mut registered = None;
    // In waves, so that each hub writes again after the other has: from the second wave on, at
    // least one of them finds the head moved since its last group.
    for wave in 0..4 {
        let mut books = tokio::task::JoinSet::new();
        for (i, k) in cases.iter().enumerate().skip(wave * 12).take(12) {
            let hub = if i % 2 == 0 { first.clone() } else { second.clone() };
            let req = request(k, facility, &["2025-06-12"], None);
            books.spawn(async move { (i, hub.book(&me, req).await) });
        }
        if wave == 2 {
            registered = Some(case(&second, "312011", "2025-05-01", false).await);
        }
        booked.extend(books.join_all().await.into_iter().map(|(i, a)| (i, a.expect("every booking fits"))));
    }
    booked.sort_by_key(|(i, _)| *i);
    let registered = registered.expect("registered in the third wave");
    // (Each hub mirrors only what it took itself, as two processes would.)
    assert_eq!(sango_store::calendar::taken_on(first.db(), facility, T, &[d("2025-06-12")]).await.unwrap()[0].1, 48);

    assert_eq!(audit_len(&first).await, before + 48 + 1, "one entry per booking and one for the registration, in one chain");
    for (k, (_, b)) in cases.iter().zip(&booked) {
        let seen = first.who_saw_case(&admin(), &k.reference).await.unwrap();
        let entries: Vec<_> = seen.iter().filter(|e| e.record.operation == "BOOKED").collect();
        assert_eq!(entries.len(), 1, "case {}", k.reference);
        assert_eq!(entries[0].record.record_ids, std::slice::from_ref(&b.reference));
    }
    assert!(first.who_saw_case(&admin(), &registered.reference).await.unwrap().iter().any(|e| e.record.case_refs == [registered.reference.clone()]));
}

/// What a group is decided on: its cases with the days each holds and its slots with their counts
/// and capacities, read and held until the group's transaction ends. On PostgreSQL another
/// transaction can lock neither, and a slot row that is only locked gets no new version.
#[tokio::test]
async fn the_groups_lock_reads_and_holds_its_cases_and_slots() {
    use sango_store::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
    let (hub, _clock) = hub_with_clock("2025-06-01 09:00:00").await;
    let facility = world(&hub, 3).await;
    let k = case(&hub, "312011", "2025-05-01", false).await;
    hub.book(&staff("312011"), request(&k, facility, &["2025-06-10"], None)).await.unwrap();
    // The transaction that wrote the slot row's version (PostgreSQL's xmin).
    async fn version(c: &sango_store::DatabaseTransaction, facility: i64) -> String {
        let stmt = Statement::from_string(DbBackend::Postgres, format!("SELECT xmin::text AS v FROM slot WHERE facility_id = {facility} AND date = '2025-06-10'"));
        c.query_one_raw(stmt).await.unwrap().unwrap().try_get::<String>("", "v").unwrap()
    }

    let txn = sango_store::begin_write(hub.db()).await.unwrap();
    let before = if backend() == "postgres" { Some(version(&txn, facility).await) } else { None };
    let keys = [(facility, T, d("2025-06-10")), (facility, T, d("2025-06-11"))];
    let locked = sango_store::booking_group::lock(&txn, &[k.reference.as_str(), "no such case"], &keys).await.unwrap();
    assert_eq!(locked.cases.len(), 1, "a reference not found is left out");
    assert_eq!(locked.cases[0].held, vec![(T, d("2025-06-10"))]);
    let mut slots: Vec<(NaiveDate, u32, u32)> = locked.slots.iter().map(|s| (s.date, s.taken, s.capacity)).collect();
    slots.sort();
    assert_eq!(slots, vec![(d("2025-06-10"), 1, 3), (d("2025-06-11"), 0, 3)], "a missing slot row is created, none taken");

    if let Some(before) = before {
        assert_eq!(version(&txn, facility).await, before, "the locked slot row was not written");
        let other = hub.db().begin().await.unwrap();
        for sql in [format!("SELECT 1 FROM slot WHERE facility_id = {facility} AND date = '2025-06-10' FOR UPDATE NOWAIT"), format!("SELECT 1 FROM care_case WHERE id = {} FOR UPDATE NOWAIT", k.id)] {
            let savepoint = other.begin().await.unwrap();
            let e = savepoint.execute_unprepared(&sql).await.expect_err("the row is locked by the group");
            assert!(e.to_string().contains("could not obtain lock"), "{e}");
            savepoint.rollback().await.unwrap();
        }
        other.rollback().await.unwrap();
    }
    txn.commit().await.unwrap();
}
