//! Lotteries that anyone can re-run, and random histories of bookings, cancellations, waitlist
//! offers and expiries that never leave a slot taken twice or more taken than there is.

mod support;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sango_booking::PriorityClass;
use sango_domain::BookingStatus;
use sango_store::waitlist::WaitStatus;
use support::booking::*;
use support::*;

#[tokio::test]
async fn the_draw_respects_priority_is_reproducible_and_losers_wait_in_draw_order() {
    let (hub, clock) = hub_with_clock("2025-05-20 09:00:00").await;
    let facility = world(&hub, 2).await;
    let me = staff("312029");
    // An earlier draw makes `repeat` a repeat applicant this fiscal year.
    let repeat = case(&hub, "312029", "2025-04-20", false).await;
    hub.apply_lottery(&me, &repeat.reference, facility, T, &[d("2025-05-30")]).await.unwrap();
    clock.set_jst("2025-05-29 10:00:00");
    let early = hub.run_lottery(&me, facility, T, d("2025-05-30"), Some(1), None).await.unwrap();
    assert_eq!(early.applications[0].status, "WON");

    clock.set_jst("2025-06-01 09:00:00");
    let high = case(&hub, "312029", "2025-05-01", true).await;
    let mut firsts = Vec::new();
    for _ in 0..4 {
        firsts.push(case(&hub, "312029", "2025-05-01", false).await);
    }
    for k in std::iter::once(&repeat).chain(&firsts).chain([&high]) {
        hub.apply_lottery(&me, &k.reference, facility, T, &[d("2025-06-10")]).await.unwrap();
    }
    // Not before the window closes.
    let e = hub.run_lottery(&me, facility, T, d("2025-06-10"), Some(42), None).await.unwrap_err();
    assert_eq!(e.code, sango_service::ErrorCode::Conflict);
    clock.set_jst("2025-06-09 10:00:00");
    let result = hub.run_lottery(&me, facility, T, d("2025-06-10"), Some(42), None).await.unwrap();
    let won: Vec<i64> = result.applications.iter().filter(|a| a.status == "WON").map(|a| a.case_id).collect();
    assert_eq!(won.len(), 2);
    assert_eq!(won[0], high.id, "high-need first");
    assert!(firsts.iter().any(|k| k.id == won[1]), "then a first-time applicant");
    assert!(!won.contains(&repeat.id));
    assert_eq!(result.applications.last().unwrap().case_id, repeat.id, "the repeat applicant comes last");

    // Anyone can re-run the draw from its stored seed and get the same order.
    let order: Vec<i64> = result.draw.winners.iter().chain(&result.draw.losers).copied().collect();
    assert_eq!(hub.replay_lottery(&me, code("312029"), facility, T, d("2025-06-10")).await.unwrap(), order);
    assert_eq!(result.draw.seed, 42);
    assert_eq!(result.draw.classes, [PriorityClass::HighNeed, PriorityClass::FirstTime, PriorityClass::Repeat].map(|c| c.as_str().to_owned()));

    // Losers joined the waitlist in draw order; a winner's cancellation goes to the first of them.
    let losers: Vec<i64> = result.applications.iter().filter(|a| a.status == "LOST").map(|a| a.case_id).collect();
    assert_eq!(losers.len(), 4);
    let winner_booking = hub.bookings_of_case(&me, &high.reference).await.unwrap().pop().unwrap();
    hub.cancel_booking(&me, &winner_booking.reference, "入院").await.unwrap();
    let first_loser = sango_store::cases::by_id(hub.db(), losers[0]).await.unwrap().unwrap();
    let entry = hub.waitlist_of_case(&me, &first_loser.reference).await.unwrap().pop().unwrap();
    assert_eq!(entry.status, WaitStatus::Offered);
    // A second draw for the same day is refused.
    assert!(hub.run_lottery(&me, facility, T, d("2025-06-10"), Some(7), None).await.is_err());
}

#[tokio::test]
async fn same_applications_and_seed_give_the_same_winners_in_another_hub() {
    let mut winners = Vec::new();
    for _ in 0..2 {
        let (hub, clock) = hub_with_clock("2025-06-01 09:00:00").await;
        let facility = world(&hub, 3).await;
        let me = staff("312029");
        let mut cases = Vec::new();
        for i in 0..8 {
            let k = case(&hub, "312029", "2025-05-01", i % 3 == 0).await;
            hub.apply_lottery(&me, &k.reference, facility, T, &[d("2025-06-10")]).await.unwrap();
            cases.push(k.id);
        }
        clock.set_jst("2025-06-09 10:00:00");
        let r = hub.run_lottery(&me, facility, T, d("2025-06-10"), Some(20250609), None).await.unwrap();
        // Compare by position of registration, as references differ between hubs.
        winners.push(r.draw.winners.iter().map(|app| r.applications.iter().find(|a| a.id == *app).unwrap().case_id).map(|c| cases.iter().position(|x| *x == c).unwrap()).collect::<Vec<_>>());
    }
    assert_eq!(winners[0], winners[1]);
}

/// Two draws run at once, each of which a case won, cannot both take it past its limit: each
/// draw checks what the case holds under a lock on it, in its own transaction.
#[tokio::test]
async fn draws_run_at_once_never_take_a_case_past_its_limit() {
    for trial in 0..3u64 {
        let (hub, clock) = hub_with_clock("2025-06-01 09:00:00").await;
        let facility = world(&hub, 2).await;
        let me = staff("312029");
        let k = case(&hub, "312029", "2025-05-01", false).await;
        // Six days won in an earlier draw: one more is allowed this year.
        let six: Vec<_> = (0..6).map(|i| d("2025-06-10") + chrono::Days::new(i)).collect();
        hub.apply_lottery(&me, &k.reference, facility, T, &six).await.unwrap();
        clock.set_jst("2025-06-09 10:00:00");
        hub.run_lottery(&me, facility, T, six[0], Some(trial), None).await.unwrap();
        clock.set_jst("2025-06-11 09:00:00");
        let (x, y) = (d("2025-06-20"), d("2025-06-24"));
        for day in [x, y] {
            hub.apply_lottery(&me, &k.reference, facility, T, &[day]).await.unwrap();
        }
        clock.set_jst("2025-06-23 10:00:00");
        let (rx, ry) = tokio::join!(hub.run_lottery(&me, facility, T, x, Some(trial), None), hub.run_lottery(&me, facility, T, y, Some(trial), None));
        let won = [rx.unwrap(), ry.unwrap()].iter().filter(|r| r.applications[0].status == "WON").count();
        assert_eq!(won, 1, "trial {trial}: exactly one of the two draws may give the seventh day");
        let held: usize = hub.bookings_of_case(&me, &k.reference).await.unwrap().iter().map(|b| b.days.len()).sum();
        assert_eq!(held, 7, "trial {trial}");
    }
}

/// After every step: for each day, the slots taken in the database equal the days of live
/// bookings plus offers holding it, never exceed capacity, and memory agrees with the database.
async fn check_invariants(hub: &sango_service::Hub, facility: i64, days: &[chrono::NaiveDate], capacity: u32, cases: &[sango_store::cases::Case]) {
    let mut held = vec![0u32; days.len()];
    for k in cases {
        for b in hub.bookings_of_case(&staff("312011"), &k.reference).await.unwrap() {
            if b.status != BookingStatus::Cancelled {
                for day in &b.days {
                    held[days.iter().position(|x| *x == day.date).unwrap()] += 1;
                }
            }
        }
        for w in hub.waitlist_of_case(&staff("312011"), &k.reference).await.unwrap() {
            if w.status == WaitStatus::Offered {
                for date in w.dates() {
                    held[days.iter().position(|x| *x == date).unwrap()] += 1;
                }
            }
        }
    }
    let stored = sango_store::calendar::taken_on(hub.db(), facility, T, days).await.unwrap();
    let memory = hub.calendar(facility, T, days[0], *days.last().unwrap()).await.unwrap();
    for (i, (date, taken)) in stored.iter().enumerate() {
        assert_eq!(*taken, held[i], "{date}: taken {taken} but {} held", held[i]);
        assert!(*taken <= capacity, "{date}: {taken} taken of {capacity}");
        assert_eq!(memory[i].taken, *taken, "{date}: memory disagrees");
    }
}

#[tokio::test]
async fn random_histories_never_overbook() {
    let (hub, clock) = hub_with_clock("2025-06-01 09:00:00").await;
    let hub = hub.with_offer_ttl(chrono::Duration::hours(1));
    let capacity = 3;
    let facility = world(&hub, capacity as i64).await;
    let days: Vec<_> = (0..5).map(|i| d("2025-06-10") + chrono::Days::new(i)).collect();
    let mut cases = Vec::new();
    for _ in 0..12 {
        cases.push(case(&hub, "312011", "2025-05-01", false).await);
    }
    let me = staff("312011");
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let (mut booked, mut cancelled, mut offers_seen) = (0, 0, 0);
    for _ in 0..250 {
        let k = &cases[rng.random_range(0..cases.len())];
        let start = rng.random_range(0..days.len());
        let len = rng.random_range(1..=(days.len() - start).min(3));
        let span = &days[start..start + len];
        match rng.random_range(0..5) {
            0 | 1 => {
                let req = sango_service::booking::BookRequest { case: k.reference.clone(), facility_id: facility, service_type: T, dates: span.to_vec(), idempotency_key: None };
                booked += usize::from(hub.book(&me, req).await.is_ok());
            }
            2 => {
                let live: Vec<_> = hub.bookings_of_case(&me, &k.reference).await.unwrap().into_iter().filter(|b| b.status == BookingStatus::Booked).collect();
                if let Some(b) = live.first() {
                    hub.cancel_booking(&me, &b.reference, "random").await.unwrap();
                    cancelled += 1;
                }
            }
            3 => {
                let _ = hub.join_waitlist(&me, &k.reference, facility, T, span).await;
            }
            _ => {
                let offers: Vec<_> = hub.waitlist_of_case(&me, &k.reference).await.unwrap().into_iter().filter(|w| w.status == WaitStatus::Offered).collect();
                if let Some(w) = offers.first() {
                    offers_seen += 1;
                    if rng.random_bool(0.5) {
                        let _ = hub.accept_offer(&me, w.id).await;
                    } else {
                        clock.advance(chrono::Duration::minutes(61));
                        hub.expire_offers().await.unwrap();
                    }
                }
            }
        }
        check_invariants(&hub, facility, &days, capacity, &cases).await;
    }
    assert!(booked >= 10 && cancelled >= 5 && offers_seen >= 1, "the history exercised too little: {booked} booked, {cancelled} cancelled, {offers_seen} offers");
}
