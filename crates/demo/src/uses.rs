//! A past fiscal year of synthetic, recorded use: cases of each municipality (births × uptake)
//! staying at, visiting or being visited from facilities their municipality contracts, never
//! beyond a facility's daily capacity. This is what settlement reads in the demo.

use std::collections::HashMap;

use chrono::NaiveDate;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sango_domain::{FacilityDraft, FiscalYear, HouseholdTier, LgCode, ServiceType};

use crate::{DemoContract, DemoMunicipality};
use crate::people::births_for;

/// Users per 1,000 births (national FY2024 average: 24.7%).
const UPTAKE_PER_MILLE: i64 = 247;

/// One synthetic case and its recorded use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoUse {
    pub municipality: LgCode,
    pub facility_index: usize,
    pub service_type: ServiceType,
    pub dates: Vec<NaiveDate>,
    pub infant_birth: NaiveDate,
    pub tier: HouseholdTier,
    pub multiples: u32,
    pub high_need: bool,
    pub sibling: bool,
}

/// Uses in `fy`, with the slots they take per (facility index, type, date).
pub fn for_year(ms: &[DemoMunicipality], fs: &[(LgCode, FacilityDraft)], contracts: &[DemoContract], fy: FiscalYear, rng: &mut ChaCha8Rng) -> Vec<DemoUse> {
    let mut taken: HashMap<(usize, ServiceType, NaiveDate), u32> = HashMap::new();
    let mut out = Vec::new();
    let days_in_year = (fy.last_day() - fy.first_day()).num_days();
    for m in ms {
        let users = births_for(m.population) * UPTAKE_PER_MILLE / 1000;
        for _ in 0..users {
            let t = match rng.random_range(0..100) {
                0..45 => ServiceType::ShortStay,
                45..80 => ServiceType::DayCare,
                _ => ServiceType::Outreach,
            };
            let options: Vec<usize> = contracts.iter().filter(|c| c.terms.municipality == m.code && c.terms.service_type == t).map(|c| c.facility_index).collect();
            if options.is_empty() {
                continue;
            }
            let facility = options[rng.random_range(0..options.len())];
            let capacity = fs[facility].1.services.iter().find(|s| s.service_type == t).map_or(0, |s| s.daily_capacity);
            let len = if t == ServiceType::ShortStay { rng.random_range(1..=4) } else { 1 };
            let start = fy.first_day() + chrono::Days::new(rng.random_range(0..days_in_year - 5) as u64);
            let dates: Vec<NaiveDate> = start.iter_days().take(len).collect();
            if dates.iter().any(|d| taken.get(&(facility, t, *d)).copied().unwrap_or(0) >= capacity) {
                continue;
            }
            for d in &dates {
                *taken.entry((facility, t, *d)).or_insert(0) += 1;
            }
            out.push(DemoUse {
                municipality: m.code,
                facility_index: facility,
                service_type: t,
                infant_birth: start - chrono::Days::new(rng.random_range(10..100)),
                dates,
                tier: match rng.random_range(0..100) {
                    0..80 => HouseholdTier::Taxed,
                    80..95 => HouseholdTier::NonTaxed,
                    _ => HouseholdTier::Welfare,
                },
                multiples: if rng.random_range(0..100) < 2 { 2 } else { 1 },
                high_need: rng.random_range(0..100) < 10,
                sibling: rng.random_range(0..100) < 15,
            });
        }
    }
    out
}
