//! Synthetic bookings already taken: each day a facility's slots are each taken with a
//! probability that varies by facility (busy city hospitals, quieter midwife homes), so that
//! some days are full and search results differ from day to day.

use chrono::NaiveDate;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sango_domain::{FacilityDraft, FiscalYear, ServiceType};

/// (facility index, type, date, taken) for every day of the fiscal years with something taken.
pub fn taken(facilities: &[(sango_domain::LgCode, FacilityDraft)], fys: &[FiscalYear], rng: &mut ChaCha8Rng) -> Vec<(usize, ServiceType, NaiveDate, u32)> {
    let mut out = Vec::new();
    for (i, (_, f)) in facilities.iter().enumerate() {
        let busyness: f64 = rng.random_range(0.35..0.85);
        for s in &f.services {
            for fy in fys {
                for date in fy.first_day().iter_days().take_while(|d| *d <= fy.last_day()) {
                    let n = (0..s.daily_capacity).filter(|_| rng.random_bool(busyness)).count() as u32;
                    if n > 0 {
                        out.push((i, s.service_type, date, n));
                    }
                }
            }
        }
    }
    out
}
