//! Booking on the backend under test: never overbooked under concurrency, idempotent, refused
//! exactly at each rule's boundary, cancellations refill from the waitlist.

mod support;

use sango_service::ErrorCode;
use support::booking::*;
use support::*;

/// 2025-06-10 is a Tuesday: the window runs from 2025-05-27 00:00 to 2025-06-09 10:00 JST.
const DAY: &str = "2025-06-10";

#[tokio::test]
async fn concurrent_clients_get_exactly_the_free_slots() {
    let (hub, _clock) = hub_with_clock("2025-06-01 09:00:00").await;
    let facility = world(&hub, 1).await;
    let mut trial = 0u32;
    for n in [2usize, 10, 100] {
        for c in [1i64, 3, n as i64 / 2 + 1] {
            // Each trial on its own day of the window, with capacity c.
            let date = d("2025-06-10") + chrono::Days::new(u64::from(trial % 5));
            trial += 1;
            let day = date.to_string();
            let existing = hub.calendar(facility, T, date, date).await.unwrap()[0].taken as i64;
            hub.set_capacity(&admin(), facility, T, date, date, c + existing).await.unwrap();
            let mut cases = Vec::new();
            for _ in 0..n {
                cases.push(case(&hub, "312011", "2025-05-01", false).await);
            }
            let tasks: Vec<_> = cases
                .iter()
                .map(|k| {
                    let hub = hub.clone();
                    let req = request(k, facility, &[&day], None);
                    tokio::spawn(async move { hub.book(&staff("312011"), req).await })
                })
                .collect();
            let mut won = 0;
            for t in tasks {
                match t.await.unwrap() {
                    Ok(_) => won += 1,
                    Err(e) => assert_eq!(e.code, ErrorCode::Conflict, "{e}"),
                }
            }
            assert_eq!(won, (n as i64).min(c), "n = {n}, c = {c}");
            let cal = hub.calendar(facility, T, date, date).await.unwrap()[0];
            assert_eq!((cal.taken as i64, cal.capacity as i64), (existing + won, c + existing), "memory and database agree");
            let stored = sango_store::calendar::taken_on(hub.db(), facility, T, &[date]).await.unwrap()[0].1;
            assert_eq!(stored, cal.taken);
        }
    }
}

#[tokio::test]
async fn the_same_key_returns_the_same_booking_and_other_content_is_refused() {
    let (hub, _clock) = hub_with_clock("2025-06-01 09:00:00").await;
    let facility = world(&hub, 3).await;
    let k = case(&hub, "312011", "2025-05-01", false).await;
    let first = hub.book(&staff("312011"), request(&k, facility, &[DAY], Some("key-1"))).await.unwrap();
    let again = hub.book(&staff("312011"), request(&k, facility, &[DAY], Some("key-1"))).await.unwrap();
    assert_eq!(first.reference, again.reference);
    assert_eq!(hub.calendar(facility, T, d(DAY), d(DAY)).await.unwrap()[0].taken, 1, "a retry takes nothing more");
    let e = hub.book(&staff("312011"), request(&k, facility, &["2025-06-11"], Some("key-1"))).await.unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Conflict, Some("idempotencyKey")));
    // Another municipality cannot learn anything from a key it did not use.
    let other = case(&hub, "312029", "2025-05-01", false).await;
    let e = hub.book(&staff("312029"), request(&other, facility, &[DAY], Some("key-1"))).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
}

#[tokio::test]
async fn a_key_that_is_empty_too_long_or_holds_a_control_character_is_refused_and_takes_nothing() {
    let (hub, _clock) = hub_with_clock("2025-06-01 09:00:00").await;
    let facility = world(&hub, 3).await;
    let k = case(&hub, "312011", "2025-05-01", false).await;
    let long = "鍵".repeat(129);
    for key in ["", long.as_str(), "key\u{0}1", "key\n1"] {
        let e = hub.book(&staff("312011"), request(&k, facility, &[DAY], Some(key))).await.unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::BadUserInput, Some("idempotencyKey")), "{key:?}");
    }
    assert_eq!(hub.calendar(facility, T, d(DAY), d(DAY)).await.unwrap()[0].taken, 0);
    // Characters are counted, not bytes: 128 kanji (384 bytes) are a key.
    let fine = "鍵".repeat(128);
    hub.book(&staff("312011"), request(&k, facility, &[DAY], Some(&fine))).await.unwrap();
}

#[tokio::test]
async fn a_full_day_is_named_and_nothing_is_taken() {
    let (hub, _clock) = hub_with_clock("2025-06-01 09:00:00").await;
    let facility = world(&hub, 1).await;
    let a = case(&hub, "312011", "2025-05-01", false).await;
    let b = case(&hub, "312011", "2025-05-01", false).await;
    hub.book(&staff("312011"), request(&a, facility, &["2025-06-11"], None)).await.unwrap();
    let e = hub.book(&staff("312011"), request(&b, facility, &["2025-06-10", "2025-06-11", "2025-06-12"], None)).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    assert!(e.message.contains("2025-06-11"), "{}", e.message);
    let days = hub.calendar(facility, T, d("2025-06-10"), d("2025-06-12")).await.unwrap();
    assert_eq!(days.iter().map(|x| x.taken).collect::<Vec<_>>(), vec![0, 1, 0], "the free days were not kept");
}

#[tokio::test]
async fn a_read_only_token_cannot_book_and_takes_nothing() {
    let (hub, _clock) = hub_with_clock("2025-06-01 09:00:00").await;
    let facility = world(&hub, 1).await;
    let a = case(&hub, "312011", "2025-05-01", false).await;
    let staff_of = sango_domain::Principal::MunicipalStaff(code("312011"));
    let token = hub.create_scoped_token(staff_of, sango_domain::Operations::Read, "ro", Some(chrono::Duration::days(1))).await.unwrap();
    let auth = hub.authenticate_request(Some(&format!("Bearer {token}"))).await.unwrap();
    let origin = sango_service::audit::Origin::http_request(&auth, None);
    let e = sango_service::audit::with_origin(origin, hub.book(&auth.caller, request(&a, facility, &["2025-06-10"], None))).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden, "{}", e.message);
    assert_eq!(hub.calendar(facility, T, d(DAY), d(DAY)).await.unwrap()[0].taken, 0, "nothing was taken");
}

#[tokio::test]
async fn closures_of_the_facility_or_the_type_and_published_zero_capacity_refuse_the_day() {
    let (hub, _clock) = hub_with_clock("2025-06-01 09:00:00").await;
    let facility = world(&hub, 2).await;
    let closed_all = sango_domain::Closure { service_type: None, from: d("2025-06-10"), to: d("2025-06-10"), reason: "休診".into() };
    let closed_type = sango_domain::Closure { service_type: Some(T), from: d("2025-06-11"), to: d("2025-06-11"), reason: "改装".into() };
    let other_type = sango_domain::Closure { service_type: Some(sango_domain::ServiceType::DayCare), from: d("2025-06-13"), to: d("2025-06-13"), reason: "研修".into() };
    for c in [closed_all, closed_type] {
        hub.add_closure(&admin(), facility, c).await.unwrap();
    }
    // A closure of another type does not close this one (the facility may not offer it at all).
    let _ = hub.add_closure(&admin(), facility, other_type).await;
    hub.set_capacity(&admin(), facility, T, d("2025-06-12"), d("2025-06-12"), 0).await.unwrap();
    for day in ["2025-06-10", "2025-06-11", "2025-06-12"] {
        let k = case(&hub, "312011", "2025-05-01", false).await;
        let e = hub.book(&staff("312011"), request(&k, facility, &[day], None)).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::Conflict, "{day}: {e}");
    }
    let k = case(&hub, "312011", "2025-05-01", false).await;
    hub.book(&staff("312011"), request(&k, facility, &["2025-06-13"], None)).await.unwrap();
    let stored = sango_store::calendar::taken_on(hub.db(), facility, T, &[d("2025-06-10"), d("2025-06-11"), d("2025-06-12"), d("2025-06-13")]).await.unwrap();
    assert_eq!(stored.iter().map(|x| x.1).collect::<Vec<_>>(), vec![0, 0, 0, 1]);
}

#[tokio::test]
async fn the_window_closes_at_ten_on_the_business_day_before() {
    // 2025-07-22 is a Tuesday after 海の日 (Monday 2025-07-21): the window closes Friday 2025-07-18 10:00.
    let (hub, clock) = hub_with_clock("2025-07-18 09:59:59").await;
    let facility = world(&hub, 5).await;
    let a = case(&hub, "312011", "2025-06-01", false).await;
    let b = case(&hub, "312011", "2025-06-01", false).await;
    hub.book(&staff("312011"), request(&a, facility, &["2025-07-22"], None)).await.unwrap();
    clock.set_jst("2025-07-18 10:00:00");
    let e = hub.book(&staff("312011"), request(&b, facility, &["2025-07-22"], None)).await.unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::BadUserInput, Some("dates")));
    assert!(e.message.contains("2025-07-18 10:00"), "{}", e.message);
    // And it opens 14 days before, at midnight.
    clock.set_jst("2025-07-07 23:59:59");
    assert!(hub.book(&staff("312011"), request(&b, facility, &["2025-07-22"], None)).await.is_err());
    clock.set_jst("2025-07-08 00:00:00");
    hub.book(&staff("312011"), request(&b, facility, &["2025-07-22"], None)).await.unwrap();
}

#[tokio::test]
async fn rules_refuse_exactly_at_their_boundaries() {
    let (hub, clock) = hub_with_clock("2025-06-01 09:00:00").await;
    let facility = world(&hub, 5).await;
    // Under 4 months: born 2025-02-10, too old from 2025-06-10.
    let old = case(&hub, "312011", "2025-02-10", false).await;
    hub.book(&staff("312011"), request(&old, facility, &["2025-06-09"], None)).await.unwrap();
    let e = hub.book(&staff("312011"), request(&old, facility, &["2025-06-10"], None)).await.unwrap_err();
    assert_eq!(e.field.as_deref(), Some("infantBirthDate"));
    // From day 4 after birth: born 2025-06-07, day 3 is 06-10, day 4 is 06-11.
    let young = case(&hub, "312011", "2025-06-07", false).await;
    assert_eq!(hub.book(&staff("312011"), request(&young, facility, &["2025-06-10"], None)).await.unwrap_err().field.as_deref(), Some("startDate"));
    hub.book(&staff("312011"), request(&young, facility, &["2025-06-11"], None)).await.unwrap();
    // 7 days a year: the 7th is allowed, the 8th is not. 6 consecutive nights at most.
    let k = case(&hub, "312011", "2025-05-01", false).await;
    let e = hub.book(&staff("312011"), request(&k, facility, &["2025-06-03", "2025-06-04", "2025-06-05", "2025-06-06", "2025-06-07", "2025-06-08", "2025-06-09", "2025-06-10"], None)).await.unwrap_err();
    assert_eq!(e.message, "SHORT_STAY: at most 6 consecutive nights (7 days); 7 nights asked for");
    let e = hub.book(&staff("312011"), request(&k, facility, &["2025-06-03", "2025-06-04", "2025-06-05", "2025-06-06", "2025-06-09", "2025-06-10", "2025-06-11", "2025-06-12"], None)).await.unwrap_err();
    assert_eq!(e.message, "SHORT_STAY: at most 7 days a fiscal year; 0 used, 8 asked for");
    hub.book(&staff("312011"), request(&k, facility, &["2025-06-03", "2025-06-04", "2025-06-05", "2025-06-06"], None)).await.unwrap();
    hub.book(&staff("312011"), request(&k, facility, &["2025-06-11", "2025-06-12", "2025-06-13"], None)).await.unwrap();
    clock.set_jst("2025-06-05 09:00:00");
    let e = hub.book(&staff("312011"), request(&k, facility, &["2025-06-17"], None)).await.unwrap_err();
    assert_eq!(e.message, "SHORT_STAY: at most 7 days a fiscal year; 7 used, 1 asked for");
    // The same case may not hold the same day twice.
    let twice = case(&hub, "312011", "2025-05-01", false).await;
    hub.book(&staff("312011"), request(&twice, facility, &["2025-06-16"], None)).await.unwrap();
    assert_eq!(hub.book(&staff("312011"), request(&twice, facility, &["2025-06-16"], None)).await.unwrap_err().code, ErrorCode::Conflict);
}

#[tokio::test]
async fn neighbours_cannot_book_or_see_each_others_cases() {
    let (hub, _clock) = hub_with_clock("2025-06-01 09:00:00").await;
    let facility = world(&hub, 5).await;
    let k = case(&hub, "312011", "2025-05-01", false).await;
    let e = hub.book(&staff("312029"), request(&k, facility, &[DAY], None)).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound, "a neighbour's case does not exist for them");
    assert_eq!(hub.case(&staff("312029"), &k.reference).await.unwrap_err().code, ErrorCode::NotFound);
    assert_eq!(hub.case(&admin(), &k.reference).await.unwrap_err().code, ErrorCode::NotFound, "admins see no case data");
    // A lottery municipality cannot book first come.
    let y = case(&hub, "312029", "2025-05-01", false).await;
    assert_eq!(hub.book(&staff("312029"), request(&y, facility, &[DAY], None)).await.unwrap_err().field.as_deref(), Some("case"));
}

#[tokio::test]
async fn a_cancellation_refills_from_the_waitlist_and_unanswered_offers_pass_on() {
    let (hub, clock) = hub_with_clock("2025-06-01 09:00:00").await;
    let hub = hub.with_offer_ttl(chrono::Duration::hours(2));
    let facility = world(&hub, 1).await;
    let (a, b, c) = (case(&hub, "312011", "2025-05-01", false).await, case(&hub, "312011", "2025-05-01", false).await, case(&hub, "312011", "2025-05-01", false).await);
    let booked = hub.book(&staff("312011"), request(&a, facility, &[DAY], None)).await.unwrap();
    let wb = hub.join_waitlist(&staff("312011"), &b.reference, facility, T, &[d(DAY)]).await.unwrap();
    let wc = hub.join_waitlist(&staff("312011"), &c.reference, facility, T, &[d(DAY)]).await.unwrap();
    assert_eq!(wb.status, sango_store::waitlist::WaitStatus::Waiting);

    let cancelled = hub.cancel_booking(&staff("312011"), &booked.reference, "体調不良").await.unwrap();
    assert_eq!(cancelled.status, sango_domain::BookingStatus::Cancelled);
    assert_eq!(cancelled.cancellation.as_ref().unwrap().fee, None, "on time: no fee");
    // The slot went straight to b as an offer (held), not back to the public.
    let entries = hub.waitlist_of_case(&staff("312011"), &b.reference).await.unwrap();
    assert_eq!(entries[0].status, sango_store::waitlist::WaitStatus::Offered);
    assert_eq!(hub.calendar(facility, T, d(DAY), d(DAY)).await.unwrap()[0].free, 0);

    // b does not answer; two hours later the offer passes to c.
    clock.advance(chrono::Duration::hours(2));
    assert_eq!(hub.expire_offers().await.unwrap(), 1);
    assert_eq!(hub.waitlist_of_case(&staff("312011"), &b.reference).await.unwrap()[0].status, sango_store::waitlist::WaitStatus::Expired);
    assert_eq!(hub.accept_offer(&staff("312011"), wb.id).await.unwrap_err().code, ErrorCode::Conflict);
    let booking = hub.accept_offer(&staff("312011"), wc.id).await.unwrap();
    assert_eq!(booking.source, sango_domain::BookingSource::Waitlist);
    let cal = hub.calendar(facility, T, d(DAY), d(DAY)).await.unwrap()[0];
    assert_eq!((cal.taken, cal.capacity), (1, 1), "one slot, held once");
    let events: Vec<String> = hub.booking_events(&staff("312011"), &booked.reference).await.unwrap().into_iter().map(|e| e.kind).collect();
    assert_eq!(events, vec!["BOOKED", "CANCELLED"]);
}

/// An offer holds its slot but is not yet a booking, so the case may book other days meanwhile;
/// taking the offer up is then checked against what the case holds by then.
#[tokio::test]
async fn an_offer_past_the_cases_limit_is_refused_and_keeps_its_slot() {
    let (hub, _clock) = hub_with_clock("2025-06-05 09:00:00").await;
    let facility = world(&hub, 1).await;
    let me = staff("312011");
    let (a, b) = (case(&hub, "312011", "2025-05-01", false).await, case(&hub, "312011", "2025-05-01", false).await);
    let booked = hub.book(&me, request(&a, facility, &[DAY], None)).await.unwrap();
    let wb = hub.join_waitlist(&me, &b.reference, facility, T, &[d(DAY)]).await.unwrap();
    hub.cancel_booking(&me, &booked.reference, "入院").await.unwrap();
    assert_eq!(hub.waitlist_of_case(&me, &b.reference).await.unwrap()[0].status, sango_store::waitlist::WaitStatus::Offered);
    // b books the seven days the programme allows (six nights) elsewhere in the window.
    let week = ["2025-06-12", "2025-06-13", "2025-06-14", "2025-06-15", "2025-06-16", "2025-06-17", "2025-06-18"];
    hub.book(&me, request(&b, facility, &week, None)).await.unwrap();

    let e = hub.accept_offer(&me, wb.id).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::BadUserInput, "{e:?}");
    assert_eq!(e.field.as_deref(), Some("entry"), "the argument the caller gave");
    assert!(e.message.contains("7"), "the refusal gives the numbers: {}", e.message);
    let held: usize = hub.bookings_of_case(&me, &b.reference).await.unwrap().iter().map(|b| b.days.len()).sum();
    assert_eq!(held, 7, "nothing was booked past the limit");
    // The offer still stands, holding its slot, until it expires and passes on.
    assert_eq!(hub.waitlist_of_case(&me, &b.reference).await.unwrap()[0].status, sango_store::waitlist::WaitStatus::Offered);
    assert_eq!(hub.calendar(facility, T, d(DAY), d(DAY)).await.unwrap()[0].taken, 1);
}

#[tokio::test]
async fn a_late_cancellation_records_the_fee_for_the_tier() {
    let (hub, clock) = hub_with_clock("2025-06-01 09:00:00").await;
    let facility = world(&hub, 2).await;
    let k = case(&hub, "312011", "2025-05-01", false).await;
    let b1 = hub.book(&staff("312011"), request(&k, facility, &[DAY], None)).await.unwrap();
    let b2 = hub.book(&staff("312011"), request(&k, facility, &["2025-06-12"], None)).await.unwrap();
    // The deadline for 06-10 is 06-09 17:00 JST.
    clock.set_jst("2025-06-09 16:59:59");
    assert_eq!(hub.cancel_booking(&staff("312011"), &b2.reference, "予定変更").await.unwrap().cancellation.unwrap().fee, None);
    clock.set_jst("2025-06-09 17:00:00");
    let late = hub.cancel_booking(&staff("312011"), &b1.reference, "予定変更").await.unwrap();
    assert_eq!(late.cancellation.unwrap().fee, Some(sango_domain::Yen(1_800)));
    assert_eq!(hub.cancel_booking(&staff("312011"), &b1.reference, "again").await.unwrap_err().code, ErrorCode::Conflict);
}

#[tokio::test]
async fn facilities_record_use_on_the_day_and_not_before() {
    let (hub, clock) = hub_with_clock("2025-06-01 09:00:00").await;
    let facility = world(&hub, 2).await;
    let k = case(&hub, "312011", "2025-05-01", false).await;
    let b = hub.book(&staff("312011"), request(&k, facility, &["2025-06-10", "2025-06-11"], None)).await.unwrap();
    let fstaff = sango_service::Caller::Principal(sango_domain::Principal::FacilityStaff(facility));
    let used = |date: &str| sango_service::use_records::DayUse { date: d(date), outcome: sango_domain::Outcome::Used, infants: 1, sibling: false, over_four_months: false, high_need: true };
    assert_eq!(hub.record_use(&fstaff, &b.reference, used("2025-06-10")).await.unwrap_err().field.as_deref(), Some("date"));
    clock.set_jst("2025-06-11 18:00:00");
    assert_eq!(hub.record_use(&staff("312011"), &b.reference, used("2025-06-10")).await.unwrap_err().code, ErrorCode::Forbidden);
    hub.record_use(&fstaff, &b.reference, used("2025-06-10")).await.unwrap();
    let done = hub.record_use(&fstaff, &b.reference, sango_service::use_records::DayUse { outcome: sango_domain::Outcome::NoShow, ..used("2025-06-11") }).await.unwrap();
    assert_eq!(done.status, sango_domain::BookingStatus::Completed);
    assert!(done.days[0].use_record.as_ref().unwrap().high_need);
    assert_eq!(done.days[1].outcome, Some(sango_domain::Outcome::NoShow));
    assert_eq!(hub.cancel_booking(&staff("312011"), &b.reference, "x").await.unwrap_err().code, ErrorCode::Conflict);
}

#[tokio::test]
async fn a_member_of_a_mutual_use_agreement_books_through_its_host_while_the_agreement_covers_the_days() {
    use sango_domain::{ApplicationMethod, FiscalYear, Outcome, Principal, PrefectureCode, Yen};
    let (hub, clock) = hub_with_clock("2025-06-01 09:00:00").await;
    let facility = world(&hub, 5).await;
    // 倉吉市 runs a first-come programme but contracts no facility: 鳥取市 hosts an agreement for it until 06-11.
    let member = "312037";
    hub.set_program(&staff(member), code(member), FiscalYear::new(2025).unwrap(), rules(ApplicationMethod::FirstCome, 4)).await.unwrap();
    let k = case(&hub, member, "2025-05-01", false).await;
    let refused = hub.book(&staff(member), request(&k, facility, &[DAY], None)).await.unwrap_err();
    assert_eq!((refused.code, refused.field.as_deref()), (ErrorCode::BadUserInput, Some("facilityId")), "{refused}");

    let coordinator = sango_service::Caller::Principal(Principal::PrefectureCoordinator(PrefectureCode::new(31).unwrap()));
    let terms = sango_settlement::AgreementTerms {
        code: "tottori-east".into(),
        name: "鳥取県東部産後ケア広域化協定".into(),
        host: code("312011"),
        members: vec![code(member)],
        valid_from: d("2025-04-01"),
        valid_to: Some(d("2025-06-11")),
    };
    // The member's staff find the facility through the host only while the agreement covers every day.
    let search = |start: &str, days: u32| sango_availability::NearbyQuery {
        from: sango_domain::Coordinates::new(35.4933, 134.2259, "q").unwrap(),
        radius_km: 10.0,
        limit: 10,
        resident: code(member),
        request: sango_availability::Request { service_type: T, start: d(start), days, infant_birth: d("2025-05-01"), multiples: 1, used_so_far: 0 },
        tier: sango_domain::HouseholdTier::Taxed,
        include_uncontracted: false,
    };
    assert!(hub.nearby_capacity(&staff(member), search(DAY, 2)).await.unwrap().is_empty(), "no contract of its own, no agreement yet");
    hub.register_agreement(&coordinator, terms).await.unwrap();
    let found = hub.nearby_capacity(&staff(member), search(DAY, 2)).await.unwrap();
    assert_eq!(found.iter().map(|h| (h.facility.id, h.hit.through_host, h.hit.unit_price)).collect::<Vec<_>>(), vec![(facility, Some(code("312011")), Some(Yen(36_000)))]);
    assert!(hub.nearby_capacity(&staff(member), search("2025-06-11", 2)).await.unwrap().is_empty(), "06-12 is past the agreement");
    let booked = hub.book(&staff(member), request(&k, facility, &[DAY, "2025-06-11"], None)).await.unwrap();
    assert_eq!(booked.days.len(), 2);
    assert_eq!(hub.calendar(facility, T, d(DAY), d(DAY)).await.unwrap()[0].taken, 1);
    // 06-12 is past the agreement's last day.
    let past = hub.book(&staff(member), request(&k, facility, &["2025-06-12"], None)).await.unwrap_err();
    assert_eq!((past.code, past.field.as_deref()), (ErrorCode::BadUserInput, Some("facilityId")), "{past}");
    assert!(past.message.contains("mutual-use agreement"), "{}", past.message);

    // The use is settled through the host: its contract prices it and it pays the facility.
    clock.set_jst("2025-06-12 09:00:00");
    let facility_staff = sango_service::Caller::Principal(Principal::FacilityStaff(facility));
    for day in [DAY, "2025-06-11"] {
        let use_ = sango_service::use_records::DayUse { date: d(day), outcome: Outcome::Used, infants: 1, sibling: false, over_four_months: false, high_need: false };
        hub.record_use(&facility_staff, &booked.reference, use_).await.unwrap();
    }
    let finance = sango_service::Caller::Principal(Principal::PrefectureFinance(PrefectureCode::new(31).unwrap()));
    let june = hub.settlement(&finance, FiscalYear::new(2025).unwrap(), Some(d("2025-06-01")), None).await.unwrap();
    let agreement = &june.agreements.as_ref().unwrap().agreements[0];
    let borne: Vec<(String, u64, Yen)> = agreement.members.iter().map(|m| (m.municipality.to_string(), m.uses, m.borne)).collect();
    assert_eq!(borne, vec![("312011".into(), 0, Yen(0)), ("312037".into(), 2, Yen(72_000))], "two days at the host's 36,000");
    assert!(june.payables.iter().all(|p| p.municipality == code("312011")), "the host pays the facility");
}

#[tokio::test]
async fn capacity_cannot_go_below_what_is_booked_and_a_refusal_changes_nothing() {
    let (hub, _clock) = hub_with_clock("2025-06-01 09:00:00").await;
    let facility = world(&hub, 3).await;
    for _ in 0..2 {
        let k = case(&hub, "312011", "2025-05-01", false).await;
        hub.book(&staff("312011"), request(&k, facility, &[DAY], None)).await.unwrap();
    }
    // 06-10 holds two bookings, 06-11 none: lowering both to 1 is refused as a whole.
    let e = hub.set_capacity(&admin(), facility, T, d(DAY), d("2025-06-11"), 1).await.unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Conflict, Some("capacity")), "{e}");
    assert!(e.message.contains("2025-06-10 SHORT_STAY (2 booked, capacity 1)") && !e.message.contains("2025-06-11"), "{e}");
    assert_eq!(e.problems.len(), 1);
    let days = hub.calendar(facility, T, d(DAY), d("2025-06-11")).await.unwrap();
    assert_eq!(days.iter().map(|c| (c.capacity, c.taken)).collect::<Vec<_>>(), [(3, 2), (3, 0)], "nothing changed");
    // Exactly what is taken is allowed, and leaves the day full.
    let days = hub.set_capacity(&admin(), facility, T, d(DAY), d("2025-06-11"), 2).await.unwrap();
    assert_eq!(days.iter().map(|c| (c.capacity, c.free)).collect::<Vec<_>>(), [(2, 0), (2, 2)]);
    let k = case(&hub, "312011", "2025-05-01", false).await;
    assert_eq!(hub.book(&staff("312011"), request(&k, facility, &[DAY], None)).await.unwrap_err().code, ErrorCode::Conflict);
}

#[tokio::test]
async fn capacity_lowered_while_clients_book_never_ends_below_what_is_taken() {
    use rand::{Rng, SeedableRng};
    let (hub, _clock) = hub_with_clock("2025-06-01 09:00:00").await;
    let facility = world(&hub, 10).await;
    let mut rng = rand::rngs::StdRng::seed_from_u64(20251203);
    for trial in 0..5u64 {
        let date = d(DAY) + chrono::Days::new(trial);
        let day = date.to_string();
        let mut cases = Vec::new();
        for _ in 0..10 {
            cases.push(case(&hub, "312011", "2025-05-01", false).await);
        }
        let mut tasks = tokio::task::JoinSet::new();
        for k in &cases {
            let (hub, req) = (hub.clone(), request(k, facility, &[&day], None));
            tasks.spawn(async move { hub.book(&staff("312011"), req).await.is_ok() });
        }
        let lowered = rng.random_range(2..=8i64);
        let changed = hub.set_capacity(&admin(), facility, T, date, date, lowered).await;
        let won = tasks.join_all().await.into_iter().filter(|ok| *ok).count() as u32;
        let cal = hub.calendar(facility, T, date, date).await.unwrap()[0];
        let stored = sango_store::calendar::taken_on(hub.db(), facility, T, &[date]).await.unwrap()[0].1;
        assert_eq!((cal.taken, stored), (won, won), "trial {trial}: the mirror and the database agree with the answers");
        assert!(cal.taken <= cal.capacity, "trial {trial}: {} taken of {}", cal.taken, cal.capacity);
        match changed {
            Ok(_) => assert_eq!(cal.capacity, lowered as u32, "trial {trial}"),
            Err(e) => assert!(e.code == ErrorCode::Conflict && cal.capacity == 10, "trial {trial}: {e}"),
        }
    }
}

#[tokio::test]
async fn a_facility_edit_that_lowers_a_booked_days_capacity_below_its_bookings_is_refused() {
    let (hub, _clock) = hub_with_clock("2025-06-01 09:00:00").await;
    let facility = world(&hub, 3).await;
    for _ in 0..2 {
        let k = case(&hub, "312011", "2025-05-01", false).await;
        hub.book(&staff("312011"), request(&k, facility, &[DAY], None)).await.unwrap();
    }
    // 06-11 has its own published capacity, which a new daily capacity does not touch.
    hub.set_capacity(&admin(), facility, T, d("2025-06-11"), d("2025-06-11"), 5).await.unwrap();
    let k = case(&hub, "312011", "2025-05-01", false).await;
    hub.book(&staff("312011"), request(&k, facility, &["2025-06-11"], None)).await.unwrap();
    let f = hub.facility(facility).await.unwrap().unwrap();
    let with_capacity = |n: i64| {
        let mut draft = f.draft.clone();
        draft.services = vec![sango_domain::ServiceCapacity::new(T, n, "c").unwrap()];
        draft
    };
    for draft in [with_capacity(1), sango_domain::FacilityDraft { services: vec![], ..f.draft.clone() }] {
        let e = hub.update_facility(&admin(), facility, draft, true).await.unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Conflict, Some("services")), "{e}");
        assert!(e.message.contains("2025-06-10 SHORT_STAY (2 booked, capacity"), "{e}");
        assert_eq!(hub.facility(facility).await.unwrap().unwrap().draft.services, f.draft.services, "nothing changed");
    }
    // Down to what is booked is allowed; the day with its own capacity keeps it.
    let updated = hub.update_facility(&admin(), facility, with_capacity(2), true).await.unwrap();
    assert_eq!(updated.draft.services[0].daily_capacity, 2);
    let days = hub.calendar(facility, T, d(DAY), d("2025-06-11")).await.unwrap();
    assert_eq!(days.iter().map(|c| (c.capacity, c.taken)).collect::<Vec<_>>(), [(2, 2), (5, 1)]);
}
