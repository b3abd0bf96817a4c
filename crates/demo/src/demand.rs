//! A synthetic year of demand: births × national uptake (24.7% of births, FY2024) × average
//! uses per user, spread over the months with a mild seasonal swing and seeded noise.

use chrono::{Datelike, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sango_domain::{FiscalYear, LgCode, ServiceType};

use crate::people::{apportion, births_for};

/// Users per 1,000 births (national FY2024 average: 24.7%).
const UPTAKE_PER_MILLE: i64 = 247;

/// Average uses per user, in tenths: short stay 3.0 days, day care 2.5 sessions, outreach 2.0 visits.
fn uses_per_user_tenths(t: ServiceType) -> i64 {
    match t {
        ServiceType::ShortStay => 30,
        ServiceType::DayCare => 25,
        ServiceType::Outreach => 20,
    }
}

/// Share of users by type, in percent (short stay is the most asked for, outreach the least).
fn type_share_percent(t: ServiceType) -> i64 {
    match t {
        ServiceType::ShortStay => 45,
        ServiceType::DayCare => 35,
        ServiceType::Outreach => 20,
    }
}

/// (municipality, first of month, type, uses) for every month of `fy`.
pub fn for_year(m: LgCode, population: i64, fy: FiscalYear, rng: &mut ChaCha8Rng) -> Vec<(LgCode, NaiveDate, ServiceType, u32)> {
    let users = births_for(population) * UPTAKE_PER_MILLE / 1000;
    let months: Vec<NaiveDate> = (0..12).map(|i| fy.first_day().checked_add_months(chrono::Months::new(i)).expect("in range")).collect();
    // More births in summer and autumn: weights 9..=11 by month, plus noise.
    let weights: Vec<i64> = months.iter().map(|d| if (7..=10).contains(&d.month()) { 11 } else { 9 } * 100 + rng.random_range(0..100)).collect();
    let mut out = Vec::new();
    for t in ServiceType::ALL {
        let uses = users * type_share_percent(*t) / 100 * uses_per_user_tenths(*t) / 10;
        for (month, n) in months.iter().zip(apportion(uses, &weights)) {
            out.push((m, *month, *t, n as u32));
        }
    }
    out
}
