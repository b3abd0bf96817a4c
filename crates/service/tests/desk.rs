//! The coordinator's desk against a real database: requests counted once per case-day beside the
//! estimate, plans on the demo prefecture that are feasible and no worse than the greedy
//! baseline, statistics against hand counts, and who may read them.

mod support;

use std::collections::HashMap;

use sango_domain::{Outcome, PrefectureCode, Principal, ServiceType};
use sango_planning::demand::{Basis, estimate};
use sango_planning::{PlanOptions, greedy};
use sango_service::use_records::DayUse;
use sango_service::{Caller, DeskQuery, ErrorCode, Hub};
use support::booking::*;
use support::*;

fn coordinator() -> Caller {
    Caller::Principal(Principal::PrefectureCoordinator(tottori()))
}

fn june(max_km: f64) -> DeskQuery {
    DeskQuery { prefecture: tottori(), fiscal_year: sango_domain::FiscalYear::new(2025).unwrap(), month: 6, service_type: T, max_km }
}

/// The booking world in June 2025: 米子市 runs a lottery for 2 slots on 06-10 among 6 applicants
/// (4 lose and wait), 鳥取市 books two cases first come (06-16 to 06-18, and 06-17), and the
/// facility records every booked day as used. Returns the hub and the facility id.
async fn june_world() -> (Hub, i64) {
    let (hub, clock) = hub_with_clock("2025-06-01 09:00:00").await;
    let facility = world(&hub, 2).await;
    let yonago = staff("312029");
    let mut applicants = Vec::new();
    for _ in 0..6 {
        let k = case(&hub, "312029", "2025-05-01", false).await;
        hub.apply_lottery(&yonago, &k.reference, facility, T, &[d("2025-06-10")]).await.unwrap();
        applicants.push(k);
    }
    clock.set_jst("2025-06-03 09:00:00");
    let tottori_staff = staff("312011");
    let k1 = case(&hub, "312011", "2025-05-01", false).await;
    let k2 = case(&hub, "312011", "2025-04-25", false).await;
    let b1 = hub.book(&tottori_staff, request(&k1, facility, &["2025-06-16", "2025-06-17", "2025-06-18"], None)).await.unwrap();
    let b2 = hub.book(&tottori_staff, request(&k2, facility, &["2025-06-17"], None)).await.unwrap();
    clock.set_jst("2025-06-09 10:00:00");
    hub.run_lottery(&yonago, facility, T, d("2025-06-10"), Some(7), None).await.unwrap();
    clock.set_jst("2025-06-20 18:00:00");
    let facility_staff = Caller::Principal(Principal::FacilityStaff(facility));
    let mut booked = vec![b1, b2];
    for k in &applicants {
        booked.extend(hub.bookings_of_case(&yonago, &k.reference).await.unwrap());
    }
    assert_eq!(booked.len(), 4, "two lottery winners");
    for b in &booked {
        for day in &b.days {
            let u = DayUse { date: day.date, outcome: Outcome::Used, infants: 1, sibling: false, over_four_months: false, high_need: false };
            hub.record_use(&facility_staff, &b.reference, u).await.unwrap();
        }
    }
    (hub, facility)
}

#[tokio::test]
async fn requests_count_once_per_case_day_beside_the_estimate() {
    let (hub, _facility) = june_world().await;
    let report = hub.capacity_balance(&coordinator(), june(30.0)).await.unwrap();
    assert_eq!(report.municipalities.len(), 19, "every municipality of Tottori");
    let row = |c: &str| report.municipalities.iter().find(|m| m.row.municipality == code(c)).unwrap().clone();

    // 米子市: 2 winners booked, 4 losers each with a lost application and a waitlist entry for
    // the same day: 4 + 4 request-days, but 6 distinct case-days.
    let yonago = row("312029");
    assert_eq!((yonago.booked_days, yonago.application_days, yonago.waitlist_days, yonago.row.requested), (2, 4, 4, 6));
    assert_eq!(yonago.estimate.basis, Basis::National);
    assert_eq!(yonago.estimate, estimate(T, yonago.births, None, None));
    assert_eq!(yonago.row.demand, yonago.row.estimated.max(6));
    // No facility of its own, and 鳥取市's is about 80 km away: everything left is short.
    assert_eq!((yonago.row.own.facilities, yonago.row.reachable.facilities), (0, 0));
    assert_eq!(yonago.row.shortfall, yonago.row.demand - 2);

    // 鳥取市: 4 of its own booked days; its one facility publishes 2 a day over June's 30 days,
    // of which the 4 days of its residents and the 2 winners' are taken.
    let tottori_city = row("312011");
    assert_eq!((tottori_city.booked_days, tottori_city.row.requested), (4, 4));
    assert_eq!((tottori_city.row.own.facilities, tottori_city.row.own.capacity, tottori_city.row.own.taken, tottori_city.row.own.free), (1, 60, 6, 54));
    let to_place = tottori_city.row.demand - 4;
    assert_eq!(tottori_city.row.surplus, 54u32.saturating_sub(to_place));

    // Within 300 km every town reaches the one facility: the plan places as much of the
    // shortfalls as its spare slot-days hold.
    let plan = hub.capacity_plan(&coordinator(), june(300.0), false).await.unwrap();
    let yonago = plan.balance.municipalities.iter().find(|m| m.row.municipality == code("312029")).unwrap();
    assert_eq!(yonago.row.reachable.facilities, 1);
    let short: u64 = plan.balance.demands.iter().map(|d| u64::from(d.slots)).sum();
    let spare: u64 = plan.balance.supplies.iter().map(|s| u64::from(s.spare)).sum();
    assert_eq!(spare, u64::from(54u32.saturating_sub(to_place)));
    assert_eq!((plan.plan.placed(), plan.plan.unmet_total()), (short.min(spare), short - short.min(spare)));
    // 米子市 holds a contract with the facility, 鳥取市's other towns do not.
    assert!(plan.plan.new_contracts.iter().all(|(m, _)| *m != code("312029")));
}

#[tokio::test]
async fn statistics_of_the_june_world_match_hand_counts() {
    let (hub, facility) = june_world().await;
    let fy = sango_domain::FiscalYear::new(2025).unwrap();
    let s = hub.care_statistics(&coordinator(), code("312011"), fy).await.unwrap();
    let t = &s.statistics;
    let ss = t.by_type.iter().find(|x| x.service_type == T).unwrap();
    assert_eq!((ss.users, ss.stays, ss.days), (2, 2, 4));
    assert_eq!(t.users, 2);
    // 3 days = 2 nights, 1 day = 0 nights.
    assert_eq!(t.nights, vec![(0, 1), (2, 1)]);
    // Infants 46 and 53 days old on their first day: both in 31–60.
    let band = |from: u32| t.age_bands.iter().find(|a| a.service_type == T && a.band.from_days == from).unwrap().stays;
    assert_eq!((band(0), band(31), band(61)), (0, 2, 0));
    assert_eq!(t.uptake.registrations, 2);
    // June at the facility: 60 slot-days published, 6 used (4 by 鳥取市's residents).
    let june = t.utilisation.iter().find(|u| u.facility_id == facility && u.month == d("2025-06-01")).unwrap();
    assert_eq!((june.capacity, june.used, june.residents_used), (60, 6, 4));
    assert_eq!(june.rate, Some(0.1));
    assert_eq!(s.facility_names[&facility], "（架空）とっとり駅前助産院");
    assert_eq!(t.lottery.all.decided, 0, "鳥取市 books first come");

    let y = hub.care_statistics(&staff("312029"), code("312029"), fy).await.unwrap().statistics;
    assert_eq!((y.lottery.applications, y.lottery.all.decided, y.lottery.all.won), (6, 6, 2));
    assert_eq!((y.lottery.first.decided, y.lottery.first.won, y.lottery.repeat.decided), (6, 2, 0));
    assert_eq!(y.nights, vec![(0, 2)]);
    let june = y.utilisation.iter().find(|u| u.facility_id == facility && u.month == d("2025-06-01")).unwrap();
    assert_eq!((june.used, june.residents_used), (6, 2));
}

#[tokio::test]
async fn demo_plans_are_feasible_within_reach_and_no_worse_than_greedy() {
    let hub = demo_hub().await;
    let q = DeskQuery { prefecture: tottori(), fiscal_year: sango_domain::FiscalYear::new(2025).unwrap(), month: 8, service_type: ServiceType::ShortStay, max_km: 40.0 };
    let r = hub.capacity_plan(&coordinator(), q, false).await.unwrap();
    let b = &r.balance;
    assert!(b.municipalities.iter().all(|m| m.estimate.basis == Basis::Forecast), "the demo stores a forecast for every month");
    let short: u32 = b.municipalities.iter().map(|m| m.row.shortfall).sum();
    assert!(short > 0, "the demo month has shortfalls to plan");

    // Own supply agrees with the monthly capacity view of each municipality.
    for m in &b.municipalities {
        let month = hub.month_capacity(&admin(), m.row.municipality, d("2025-08-01")).await.unwrap();
        let ss = month.iter().find(|x| x.service_type == ServiceType::ShortStay).unwrap();
        assert_eq!((m.row.own.facilities, m.row.own.capacity, m.row.own.free), (ss.facilities, ss.capacity, ss.free), "{}", m.name);
        assert_eq!(m.row.shortfall + m.row.own.free.min(m.row.to_place), m.row.to_place);
    }

    // Flows and unmet add up to the shortfalls, never past spare capacity nor 40 km.
    let mut per_town: HashMap<_, u32> = HashMap::new();
    let mut per_facility: HashMap<i64, u32> = HashMap::new();
    for f in &r.plan.flows {
        assert!(f.km <= 40.0, "{f:?}");
        *per_town.entry(f.municipality).or_default() += f.slots;
        *per_facility.entry(f.facility_id).or_default() += f.slots;
    }
    let unmet: HashMap<_, u32> = r.plan.unmet.iter().copied().collect();
    for d in &b.demands {
        assert_eq!(per_town.get(&d.municipality).copied().unwrap_or(0) + unmet.get(&d.municipality).copied().unwrap_or(0), d.slots);
    }
    for s in &b.supplies {
        assert!(per_facility.get(&s.facility_id).copied().unwrap_or(0) <= s.spare);
    }

    // The greedy baseline never places more, nor the same for fewer metres.
    let options = PlanOptions { max_km: 40.0, contracted_only: false, contracted: Default::default() };
    let g = greedy(&b.demands, &b.supplies, &options);
    assert!(g.placed() <= r.plan.placed());
    if g.placed() == r.plan.placed() {
        assert!(g.total_cost_m() >= r.plan.total_cost_m());
    }

    // Existing contracts only: every flow is contracted and nothing new is needed.
    let c = hub.capacity_plan(&coordinator(), q, true).await.unwrap();
    assert!(c.plan.new_contracts.is_empty());
    assert!(c.plan.placed() <= r.plan.placed());
    let names: HashMap<i64, String> = c.facility_names.clone();
    assert!(c.plan.flows.iter().all(|f| names.contains_key(&f.facility_id)));

    // Coverage and candidate sites on the same data.
    let cov = hub.coverage(&coordinator(), tottori(), ServiceType::ShortStay, 40.0).await.unwrap();
    assert_eq!(cov.len(), 19);
    assert!(cov.iter().all(|m| (0.0..=1.0).contains(&m.share)));
    let sites = hub.rank_sites(&coordinator(), q, 3, &[]).await.unwrap();
    assert_eq!(sites.sites.len(), 19, "every municipality's centre is a candidate");
    for w in sites.sites.windows(2) {
        assert!(w[0].what_if.unmet_reduced() >= w[1].what_if.unmet_reduced());
    }
    assert!(sites.sites.iter().all(|s| s.coverage_after >= s.coverage_before && s.what_if.unmet_after <= s.what_if.unmet_before));
    assert_eq!(sites.sites[0].what_if.unmet_before, r.plan.unmet_total());
}

#[tokio::test]
async fn only_the_prefecture_reads_its_aggregates_and_bad_arguments_name_their_field() {
    let hub = hub().await;
    let q = june(30.0);
    for who in [coordinator(), staff("312011"), admin(), Caller::Principal(Principal::PrefectureFinance(tottori()))] {
        hub.capacity_balance(&who, q).await.unwrap();
    }
    let osaka = PrefectureCode::new(27).unwrap();
    for who in [Caller::Principal(Principal::PrefectureCoordinator(osaka)), staff("131016"), Caller::Principal(Principal::FacilityStaff(1))] {
        assert_eq!(hub.capacity_balance(&who, q).await.unwrap_err().code, ErrorCode::Forbidden);
        assert_eq!(hub.care_statistics(&who, code("312011"), q.fiscal_year).await.unwrap_err().code, ErrorCode::Forbidden);
        assert_eq!(hub.coverage(&who, tottori(), T, 10.0).await.unwrap_err().code, ErrorCode::Forbidden);
    }
    assert_eq!(hub.capacity_plan(&Caller::Anonymous, q, false).await.unwrap_err().code, ErrorCode::Unauthenticated);
    let bad = |e: sango_service::ServiceError| (e.code, e.field);
    assert_eq!(bad(hub.capacity_balance(&admin(), DeskQuery { month: 13, ..q }).await.unwrap_err()), (ErrorCode::BadUserInput, Some("month".into())));
    assert_eq!(bad(hub.capacity_balance(&admin(), DeskQuery { max_km: 301.0, ..q }).await.unwrap_err()), (ErrorCode::BadUserInput, Some("maxKm".into())));
    assert_eq!(bad(hub.capacity_balance(&admin(), DeskQuery { max_km: f64::NAN, ..q }).await.unwrap_err()), (ErrorCode::BadUserInput, Some("maxKm".into())));
    assert_eq!(bad(hub.coverage(&admin(), tottori(), T, -1.0).await.unwrap_err()), (ErrorCode::BadUserInput, Some("km".into())));
    assert_eq!(bad(hub.rank_sites(&admin(), q, 0, &[]).await.unwrap_err()), (ErrorCode::BadUserInput, Some("dailyCapacity".into())));
    // A candidate in Osaka is not a site for Tottori.
    let umeda = sango_domain::Coordinates::new(34.7025, 135.4959, "at").unwrap();
    assert_eq!(bad(hub.rank_sites(&admin(), q, 2, &[umeda]).await.unwrap_err()), (ErrorCode::BadUserInput, Some("candidates[0]".into())));
}
