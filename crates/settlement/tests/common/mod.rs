//! Shared test helpers: dates, codes, a use with defaults, and random uses for property tests.
#![allow(dead_code)]

use chrono::NaiveDate;
use proptest::prelude::*;
use sango_domain::{Additions, HouseholdTier, LgCode, ServiceType, Yen};
use sango_settlement::{Agreement, UseInput};

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub fn code(s: &str) -> LgCode {
    LgCode::parse(s).unwrap()
}

/// A TAXED short-stay use of one infant at facility 1 in the resident municipality,
/// ordinal 6 (past every per-ordinal reduction), with no additions and no fee.
pub fn a_use(date: NaiveDate, resident: &str, unit_price: i64, user_fee: i64) -> UseInput {
    UseInput {
        booking: format!("b-{date}-{unit_price}-{user_fee}"),
        date,
        resident: code(resident),
        facility_id: 1,
        facility_municipality: code(resident),
        service_type: ServiceType::ShortStay,
        tier: HouseholdTier::Taxed,
        use_ordinal: 6,
        infants: 1,
        sibling: false,
        over_four_months: false,
        high_need: false,
        unit_price: Yen(unit_price),
        additions: Additions::default(),
        user_fee: Yen(user_fee),
        agreement: None,
    }
}

/// Residents in prefectures with and without top-ups: Tottori (31), Fukuoka (40), Kyoto (26), Hiroshima (34).
pub const MUNICIPALITIES: [&str; 7] = [
    "31201", "31202", "31203", "40203", "40100", "26100", "34207",
];

/// Facility `id` (1..=6) sits in this municipality.
pub fn facility_home(id: i64) -> LgCode {
    code(MUNICIPALITIES[(id as usize * 3) % MUNICIPALITIES.len()])
}

/// Two agreements among the municipalities above.
pub fn agreements() -> Vec<Agreement> {
    vec![
        Agreement {
            id: "tottori-east".into(),
            host: code("31201"),
            members: vec![code("31201"), code("31202"), code("31203")],
        },
        Agreement {
            id: "fukuoka-south".into(),
            host: code("40203"),
            members: vec![code("40100")],
        },
    ]
}

fn agreement_for(resident: LgCode, pick: bool) -> Option<String> {
    if !pick {
        return None;
    }
    agreements()
        .into_iter()
        .find(|a| a.includes(resident))
        .map(|a| a.id)
}

/// Random uses from FY2022 to FY2026 with all the flags, prices and fees that matter.
pub fn arb_use() -> impl Strategy<Value = UseInput> {
    let who = (
        0..MUNICIPALITIES.len(),
        1i64..=6,
        0usize..3,
        0usize..3,
        1u32..=8,
        1u32..=3,
    );
    let flags = (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::bool::weighted(0.3),
    );
    let money = (
        0i64..=80_000,
        [0i64..=6_000, 0i64..=6_000, 0i64..=6_000, 0i64..=6_000],
        0i64..=20_000,
    );
    (0i64..1_826, who, flags, money, 0u32..1_000).prop_map(
        |(
            day,
            (m, fac, t, tier, ordinal, infants),
            (sibling, over4, high, agree),
            (price, add, fee),
            n,
        )| {
            let resident = code(MUNICIPALITIES[m]);
            UseInput {
                booking: format!("r-{n}"),
                date: d(2022, 4, 1) + chrono::Days::new(day as u64),
                resident,
                facility_id: fac,
                facility_municipality: facility_home(fac),
                service_type: ServiceType::ALL[t],
                tier: HouseholdTier::ALL[tier],
                use_ordinal: ordinal,
                infants,
                sibling,
                over_four_months: over4,
                high_need: high,
                unit_price: Yen(price),
                additions: Additions {
                    multiple: Yen(add[0]),
                    sibling: Yen(add[1]),
                    over_four_months: Yen(add[2]),
                    high_need: Yen(add[3]),
                },
                user_fee: Yen(fee),
                agreement: agreement_for(resident, agree),
            }
        },
    )
}

pub fn arb_uses(max: usize) -> impl Strategy<Value = Vec<UseInput>> {
    prop::collection::vec(arb_use(), 0..max)
}
