//! Statements summed from the amounts stored when use was priced are those computed from every
//! used day on its own (as issuing computes them), to the yen and field by field, on the backend
//! under test. The year is priced first; then everything a price depends on changes through the
//! hub (contracts amended from a day inside a month, a prefecture top-up version from another such
//! day, household tiers, a programme's fees, the demo's mutual-use agreement losing a member),
//! so that only the cases those changes mark are priced again. Recorded use varies at random
//! (infants, flags, no-shows, cancellations, cases with uses across months) and some uses are
//! recorded after their month was issued (at the issue time itself, just after it, and later).

mod support;

use std::sync::Arc;

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone, Utc};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use sango_domain::{Additions, ContractTerms, FiscalYear, HouseholdTier, LgCode, Principal, Yen};
use sango_service::settlement::SettlementReport;
use sango_service::{Caller, Hub};
use sango_settlement::{Ratio, TopUpKind, UseInput};
use sango_store::entity::{booking, booking_day, care_case, priced_use};
use sango_store::pricing::{Touched, mark};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter};
use support::*;

fn fy() -> FiscalYear {
    FiscalYear::new(2025).unwrap()
}

fn below(rng: &mut ChaCha8Rng, n: u64) -> u64 {
    rng.next_u64() % n
}

/// The statements of a scope summed from stored amounts (`settlement`) and computed from every
/// use (issuing them); they must be the same. Returns when the scope was issued.
async fn same_both_ways(hub: &Hub, caller: &Caller, month: Option<NaiveDate>, municipality: Option<LgCode>) -> (SettlementReport, DateTime<Utc>) {
    let stored = hub.settlement(caller, fy(), month, municipality).await.unwrap();
    let issued = hub.issue_statement(caller, fy(), month, municipality).await.unwrap();
    let at = issued.issued.as_ref().unwrap().issued_at;
    let per_use = SettlementReport { issued: None, ..issued };
    assert_eq!(stored, per_use, "{month:?} {municipality:?}: stored and per-use statements differ");
    (stored, at)
}

/// Random infants, flags and no-shows on every used day; a few bookings cancelled; half the
/// bookings moved to one of the first three cases of their municipality, so that cases have
/// many uses across months and their ordinals run past every rule's limit. Written behind the
/// hub's back, so every case is marked by hand.
async fn vary_recorded_use(hub: &Hub, rng: &mut ChaCha8Rng) -> Vec<booking_day::Model> {
    let txn = sango_store::begin_write(hub.db()).await.unwrap();
    let cases = care_case::Entity::find().all(&txn).await.unwrap();
    for b in booking::Entity::find().all(&txn).await.unwrap() {
        let home = &cases.iter().find(|k| k.id == b.case_id).unwrap().municipality_code;
        let few: Vec<i64> = cases.iter().filter(|k| &k.municipality_code == home).map(|k| k.id).take(3).collect();
        if below(rng, 2) == 0 {
            let mut a: booking::ActiveModel = b.into();
            a.case_id = Set(few[below(rng, few.len() as u64) as usize]);
            a.update(&txn).await.unwrap();
        }
    }
    let days = booking_day::Entity::find().filter(booking_day::Column::Outcome.eq("USED")).all(&txn).await.unwrap();
    let mut used = Vec::new();
    for day in days {
        let mut a: booking_day::ActiveModel = day.clone().into();
        a.infants = Set(match below(rng, 6) {
            0 => None,
            1..=3 => Some(1),
            4 => Some(2),
            _ => Some(3),
        });
        a.sibling = Set(below(rng, 5) == 0);
        a.over_four_months = Set(below(rng, 6) == 0);
        a.high_need = Set(below(rng, 7) == 0);
        if below(rng, 20) == 0 {
            a.outcome = Set(Some("NO_SHOW".into()));
        }
        used.push(a.update(&txn).await.unwrap());
    }
    let bookings: Vec<i64> = booking::Entity::find().all(&txn).await.unwrap().into_iter().map(|b| b.id).filter(|_| below(rng, 30) == 0).collect();
    booking::Entity::update_many().col_expr(booking::Column::Status, Expr::value("CANCELLED")).filter(booking::Column::Id.is_in(bookings)).exec(&txn).await.unwrap();
    mark(&txn, &Touched::All).await.unwrap();
    txn.commit().await.unwrap();
    used.retain(|d| d.outcome.as_deref() == Some("USED"));
    used
}

/// A day of the fiscal year that is not the first of its month.
fn inside_a_month(rng: &mut ChaCha8Rng) -> NaiveDate {
    loop {
        let day = fy().first_day() + Days::new(below(rng, 360));
        if day.day() != 1 {
            return day;
        }
    }
}

/// Through the hub, each where it changes the price of some used day: gives 鳥取県 a top-up
/// version from a day inside a month, amends the contracts of three used days from those days
/// (new prices and additions), raises the fees of a municipality with use in its programme's
/// next version and moves five of its cases with use to another household tier. What
/// is stale is priced after each change, so that each change's own marks are what the
/// statements then rely on.
async fn change_prices(hub: &Hub, rng: &mut ChaCha8Rng) {
    let used = sango_store::usage::used_days(hub.db(), fy().first_day(), fy().last_day()).await.unwrap();
    let before = hub.use_inputs(fy()).await.unwrap();
    // The top-ups mark every case of the prefecture: first, so that they hide no other change's marks.
    let kinds = vec![TopUpKind::PerUse { amount: Yen(1_000), max_uses: 1 + below(rng, 6) as u32 }, TopUpKind::UserFeeShare(Ratio::new(1, 2))];
    let finance = Caller::Principal(Principal::PrefectureFinance(tottori()));
    hub.set_prefecture_top_ups(&finance, tottori(), inside_a_month(rng), kinds).await.unwrap();
    hub.price_recorded_use().await.unwrap();
    let contracts = hub.contracts(&admin(), None, None).await.unwrap();
    let mut amended = 0;
    while amended < 3 {
        let d = &used[below(rng, used.len() as u64) as usize];
        let t = &d.service_type;
        let Some(c) = contracts.iter().find(|c| (c.terms.municipality, c.terms.facility_id, &c.terms.service_type) == (d.municipality, d.facility_id, t)) else { continue };
        let yen = |rng: &mut ChaCha8Rng, max: u64| Yen(100 * below(rng, max / 100) as i64);
        let additions = Additions { multiple: yen(rng, 8_000), sibling: yen(rng, 5_000), over_four_months: yen(rng, 5_000), high_need: yen(rng, 9_000) };
        let terms = ContractTerms { unit_price: Yen(70_000) + yen(rng, 40_000), additions, valid_from: d.date.max(c.terms.valid_from), ..c.terms.clone() };
        hub.amend_contract(&admin(), c.contract_no, terms).await.unwrap();
        amended += 1;
    }
    hub.price_recorded_use().await.unwrap();
    let town = used[below(rng, used.len() as u64) as usize].municipality;
    let mut rules = sango_store::programs::current(hub.db(), town, fy()).await.unwrap().unwrap().rules;
    raise_fees(&mut rules);
    hub.set_program(&admin(), town, fy(), rules).await.unwrap();
    hub.price_recorded_use().await.unwrap();
    let mut theirs: Vec<i64> = used.iter().filter(|d| d.municipality == town).map(|d| d.case_id).collect();
    theirs.dedup();
    for _ in 0..5 {
        let case = sango_store::cases::by_id(hub.db(), theirs[below(rng, theirs.len() as u64) as usize]).await.unwrap().unwrap();
        let tiers: Vec<HouseholdTier> = [HouseholdTier::Taxed, HouseholdTier::NonTaxed, HouseholdTier::Welfare].into_iter().filter(|t| *t != case.profile.tier).collect();
        let tier = tiers[below(rng, 2) as usize];
        let desk = Caller::Principal(Principal::MunicipalStaff(case.profile.municipality));
        hub.update_case(&desk, &case.reference, sango_domain::CaseProfile { tier, ..case.profile }).await.unwrap();
    }
    hub.price_recorded_use().await.unwrap();
    // Each change reached some used day's input.
    let after = hub.use_inputs(fy()).await.unwrap();
    assert_eq!(before.len(), after.len());
    let changed = |f: &dyn Fn(&UseInput, &UseInput) -> bool| before.iter().zip(&after).any(|(b, a)| f(b, a));
    assert!(changed(&|b, a| b.unit_price != a.unit_price), "a contract's price changed for a used day");
    assert!(changed(&|b, a| b.resident == town && b.user_fee != a.user_fee), "the programme's fees changed for a used day");
    assert!(changed(&|b, a| b.tier != a.tier), "a household tier changed for a used day");
}

/// Doubles every fee band's fee and adds 500 yen.
fn raise_fees(rules: &mut sango_domain::ProgramRules) {
    for band in &mut rules.fees {
        band.fee = Yen(band.fee.0 * 2 + 500);
    }
}

/// Records `day` again at `at` (as if first recorded then), behind the hub's back, marking its
/// case as recording does.
async fn recorded_at(hub: &Hub, day: &booking_day::Model, at: DateTime<Utc>) {
    let mut a: booking_day::ActiveModel = day.clone().into();
    a.recorded_at = Set(Some(at));
    a.update(hub.db()).await.unwrap();
    mark(hub.db(), &Touched::Booking(day.booking_id)).await.unwrap();
}

async fn stored_statements_are_per_use_statements(seed: u64) {
    let (hub, clock) = hub_with_clock("2025-06-01 09:00:00").await;
    hub.seed_demo(tottori(), seed, None, &[fy(), FiscalYear::new(2026).unwrap()]).await.unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let used = vary_recorded_use(&hub, &mut rng).await;
    // The background worker, woken by the seeding, may already have priced some or all of it.
    let run = hub.price_recorded_use().await.unwrap();
    assert!(run.failures.is_empty(), "{run:?}");
    assert!(!sango_store::pricing::any_stale_after(hub.db(), 0).await.unwrap(), "nothing is left stale");
    let priced = priced_use::Entity::find().count(hub.db()).await.unwrap();
    assert!(priced > 100, "{priced} used days priced");
    change_prices(&hub, &mut rng).await;
    let month_of = |d: NaiveDate| d.with_day(1).unwrap();
    let in_year: Vec<&booking_day::Model> = used.iter().filter(|d| fy().first_day() <= d.date && d.date < NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()).collect();
    assert!(in_year.len() > 100, "{} used days before March", in_year.len());

    // A month issued for everyone, and another month for one municipality.
    let m1 = month_of(in_year[below(&mut rng, in_year.len() as u64) as usize].date);
    clock.set_jst("2025-06-02 09:00:00");
    let (_, issued_1) = same_both_ways(&hub, &admin(), Some(m1), None).await;
    let others: Vec<&&booking_day::Model> = in_year.iter().filter(|d| month_of(d.date) != m1).collect();
    let m2 = month_of(others[below(&mut rng, others.len() as u64) as usize].date);
    let cases = care_case::Entity::find().all(hub.db()).await.unwrap();
    let bookings = booking::Entity::find().all(hub.db()).await.unwrap();
    let resident = |d: &booking_day::Model| {
        let b = bookings.iter().find(|b| b.id == d.booking_id).unwrap();
        LgCode::parse(&cases.iter().find(|k| k.id == b.case_id).unwrap().municipality_code).unwrap()
    };
    let town = resident(others.iter().find(|d| month_of(d.date) == m2).unwrap());
    clock.set_jst("2025-06-03 09:00:00");
    let town_finance = Caller::Principal(Principal::MunicipalFinance(town));
    let (_, issued_2) = same_both_ways(&hub, &town_finance, Some(m2), None).await;

    // Some of their days are recorded again: at the issue time (not late), a second after it
    // (late) and much later (late); in the second month, for the town and for others.
    let mut late = 0;
    for d in used.iter().filter(|d| month_of(d.date) == m1 || month_of(d.date) == m2) {
        let issued = if month_of(d.date) == m1 { issued_1 } else { issued_2 };
        let at = match below(&mut rng, 4) {
            0 => issued,
            1 => issued + chrono::Duration::seconds(1),
            2 => issued + chrono::Duration::days(20),
            _ => continue,
        };
        recorded_at(&hub, d, at).await;
        let settled = bookings.iter().any(|b| b.id == d.booking_id && b.status != "CANCELLED");
        late += usize::from(settled && at > issued && (month_of(d.date) == m1 || resident(d) == town));
    }
    assert!(late > 0, "some use is late");

    // March settles the late uses of both months as adjustments; the year counts every use.
    clock.set_jst("2025-07-01 09:00:00");
    let (march, _) = same_both_ways(&hub, &admin(), Some(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()), None).await;
    assert_eq!(march.adjustments.iter().map(|a| a.total.uses).sum::<u64>(), late as u64, "every late use is adjusted once");
    same_both_ways(&hub, &town_finance, None, None).await;
    let (year, _) = same_both_ways(&hub, &admin(), None, None).await;
    assert_eq!(year.uses, hub.use_inputs(fy()).await.unwrap().len());
    assert!(year.agreements.as_ref().is_some_and(|a| a.agreements.iter().any(|a| a.uses > 0)), "the demo's agreement is used");
}

#[tokio::test]
async fn statements_from_stored_amounts_are_those_from_every_use() {
    for seed in [3, 11, 29] {
        stored_statements_are_per_use_statements(seed).await;
    }
}

#[derive(sea_orm::FromQueryResult)]
struct Count {
    n: i64,
}

async fn count(hub: &Hub, sql: &str) -> i64 {
    Count::find_by_statement(sea_orm::Statement::from_string(hub.db().get_database_backend(), sql)).one(hub.db()).await.unwrap().unwrap().n
}

const USED_DAYS: &str = "SELECT COUNT(*) AS n FROM booking_day d JOIN booking b ON b.id = d.booking_id WHERE d.outcome = 'USED' AND b.status <> 'CANCELLED'";
const STALE: &str = "SELECT COUNT(*) AS n FROM pricing_stale";

#[tokio::test]
async fn recorded_use_is_priced_in_the_background_and_new_rule_sets_mark_every_case() {
    let url = fresh_database_url().await;
    let clock = || -> sango_service::hub::Clock { Arc::new(|| Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap()) };
    let hub = Hub::open_with_clock(&url, clock()).await.unwrap();
    hub.seed_demo(tottori(), 5, None, &[fy(), FiscalYear::new(2026).unwrap()]).await.unwrap();
    // The seeding woke the worker; no settlement is asked for.
    for _ in 0..600 {
        if count(&hub, STALE).await == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(count(&hub, STALE).await, 0, "the worker priced every case");
    let used = count(&hub, USED_DAYS).await;
    assert!(used > 100);
    assert_eq!(count(&hub, "SELECT COUNT(*) AS n FROM priced_use").await, used);

    // A hub whose built-in rule sets differ from those the days were priced under.
    hub.db().execute_unprepared("UPDATE priced_rules SET fingerprint = 'older rules'").await.unwrap();
    let cases = count(&hub, "SELECT COUNT(DISTINCT b.case_id) AS n FROM booking_day d JOIN booking b ON b.id = d.booking_id WHERE d.outcome = 'USED'").await;
    let reopened = Hub::open_with_clock(&url, clock()).await.unwrap();
    assert_eq!(count(&reopened, STALE).await, cases, "every case with use is to be priced again");
    assert_eq!(count(&reopened, "SELECT COUNT(*) AS n FROM priced_rules WHERE fingerprint <> 'older rules'").await, 1);
    let report = reopened.settlement(&admin(), fy(), None, None).await.unwrap();
    assert_eq!(report.uses as i64, used);
    assert_eq!(count(&reopened, STALE).await, 0);
}

#[tokio::test]
async fn a_used_day_that_cannot_be_priced_stops_its_years_statements_until_it_can() {
    let (hub, _clock) = hub_with_clock("2025-06-01 09:00:00").await;
    hub.seed_demo(tottori(), 7, None, &[fy(), FiscalYear::new(2026).unwrap()]).await.unwrap();
    let before = hub.settlement(&admin(), fy(), None, None).await.unwrap();
    let contracts = hub.contracts(&admin(), None, None).await.unwrap();
    // A used day under a contract of its own that started before it; its contract is ended the day before.
    let (u, c) = hub
        .use_inputs(fy())
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.agreement.is_none())
        .find_map(|u| {
            let c = contracts.iter().find(|c| (c.terms.municipality, c.terms.facility_id, c.terms.service_type) == (u.resident, u.facility_id, u.service_type) && c.terms.valid_from < u.date)?;
            Some((u, c.clone()))
        })
        .expect("a used day under its own contract");
    let ended = ContractTerms { valid_to: Some(u.date.pred_opt().unwrap()), ..c.terms.clone() };
    let amended = hub.amend_contract(&admin(), c.contract_no, ended).await.unwrap();
    let refused = hub.settlement(&admin(), fy(), None, None).await.unwrap_err();
    assert_eq!((refused.code, refused.field.as_deref()), (sango_service::ErrorCode::Conflict, Some("contract")), "{refused:?}");
    assert!(refused.message.contains(&format!("without a contract of {}", u.resident)), "{}", refused.message);
    // Another year's statements are not held up by it.
    assert_eq!(hub.settlement(&admin(), FiscalYear::new(2026).unwrap(), None, None).await.unwrap().uses, 0);
    // Reopened as it was: the day is priced again and the statements are those of before.
    hub.amend_contract(&admin(), amended.contract_no, c.terms.clone()).await.unwrap();
    assert_eq!(hub.settlement(&admin(), fy(), None, None).await.unwrap(), before);
}
