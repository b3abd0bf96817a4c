//! The statistics against counts worked out by hand on a small fixture of FY2025 (令和7年度).

use chrono::NaiveDate;
use sango_domain::{FiscalYear, ServiceType};
use sango_planning::statistics::{
    AGE_BANDS, AgeBand, ApplicationOutcome as O, ApplicationRecord, CaseRecord, FacilityMonthUse,
    Records, Stay, Wins, statistics,
};

const SS: ServiceType = ServiceType::ShortStay;
const DC: ServiceType = ServiceType::DayCare;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn case(id: i64, birth: &str, registered: &str) -> CaseRecord {
    CaseRecord {
        id,
        infant_birth: d(birth),
        registered_on: d(registered),
    }
}

fn stay(case_id: i64, facility_id: i64, t: ServiceType, days: &[&str]) -> Stay {
    Stay {
        case_id,
        facility_id,
        service_type: t,
        used: days.iter().map(|s| d(s)).collect(),
    }
}

fn app(case_id: i64, first: &str, outcome: O) -> ApplicationRecord {
    ApplicationRecord {
        case_id,
        first: d(first),
        outcome,
    }
}

fn band(from: u32) -> AgeBand {
    *AGE_BANDS.iter().find(|b| b.from_days == from).unwrap()
}

#[test]
fn a_small_year_counted_by_hand() {
    let cases = [
        case(1, "2025-05-01", "2025-04-20"),
        // Registered in FY2024.
        case(2, "2025-03-10", "2025-03-01"),
        case(3, "2025-06-01", "2025-06-05"),
        case(4, "2025-08-01", "2025-08-02"),
    ];
    let stays = [
        // FY2024: not counted, but makes case 2 a repeat applicant.
        stay(2, 1, SS, &["2025-03-20", "2025-03-21"]),
        // 2 nights, infant 92 days old.
        stay(2, 1, SS, &["2025-06-10", "2025-06-11", "2025-06-12"]),
        // 0 nights, 19 days old.
        stay(1, 1, SS, &["2025-05-20"]),
        // Day care at 61 days and at exactly 30 days.
        stay(1, 2, DC, &["2025-07-01"]),
        stay(3, 2, DC, &["2025-07-01"]),
        // 1 night at 302 days.
        stay(3, 1, SS, &["2026-03-30", "2026-03-31"]),
        // Starts in FY2025 (334 days old), runs into FY2026: 2 nights, 1 day in the year.
        stay(1, 1, SS, &["2026-03-31", "2026-04-01", "2026-04-02"]),
    ];
    let applications = [
        app(2, "2025-06-10", O::Won),       // repeat, won
        app(1, "2025-05-20", O::Won),       // first (used that very day, not before), won
        app(1, "2025-09-01", O::Lost),      // repeat, lost
        app(4, "2025-09-01", O::Lost),      // first, lost
        app(3, "2025-10-01", O::Pending),   // undecided
        app(3, "2025-04-02", O::Withdrawn), // withdrawn
        app(4, "2025-03-15", O::Lost),      // FY2024
    ];
    let facility_months = [
        FacilityMonthUse {
            facility_id: 1,
            service_type: SS,
            month: d("2025-06-01"),
            capacity: 60,
            used: 10,
        },
        FacilityMonthUse {
            facility_id: 2,
            service_type: DC,
            month: d("2025-07-01"),
            capacity: 31,
            used: 2,
        },
        FacilityMonthUse {
            facility_id: 1,
            service_type: SS,
            month: d("2026-03-01"),
            capacity: 0,
            used: 3,
        },
    ];
    let s = statistics(&Records {
        fiscal_year: FiscalYear::new(2025).unwrap(),
        births: 10,
        cases: &cases,
        stays: &stays,
        applications: &applications,
        facility_months: &facility_months,
    });

    let u: Vec<_> = s
        .utilisation
        .iter()
        .map(|u| (u.facility_id, u.month, u.used, u.residents_used, u.rate))
        .collect();
    assert_eq!(
        u,
        vec![
            (1, d("2025-06-01"), 10, 3, Some(10.0 / 60.0)),
            (1, d("2026-03-01"), 3, 3, None),
            (2, d("2025-07-01"), 2, 2, Some(2.0 / 31.0)),
        ]
    );

    assert_eq!(
        (
            s.lottery.applications,
            s.lottery.pending,
            s.lottery.withdrawn
        ),
        (6, 1, 1)
    );
    assert_eq!(s.lottery.all, Wins { decided: 4, won: 2 });
    assert_eq!(s.lottery.first, Wins { decided: 2, won: 1 });
    assert_eq!(s.lottery.repeat, Wins { decided: 2, won: 1 });
    assert_eq!(s.lottery.all.rate(), Some(0.5));

    let t: Vec<_> = s
        .by_type
        .iter()
        .map(|t| (t.service_type, t.users, t.stays, t.days))
        .collect();
    assert_eq!(
        t,
        vec![
            (SS, 3, 4, 7),
            (DC, 2, 2, 2),
            (ServiceType::Outreach, 0, 0, 0)
        ]
    );
    assert_eq!(s.users, 3);

    let count = |t: ServiceType, from: u32| {
        s.age_bands
            .iter()
            .find(|a| a.service_type == t && a.band == band(from))
            .unwrap()
            .stays
    };
    assert_eq!(
        [0, 31, 61, 91, 121, 181, 366].map(|b| count(SS, b)),
        [1, 0, 0, 1, 0, 2, 0]
    );
    assert_eq!(
        [0, 31, 61, 91, 121, 181, 366].map(|b| count(DC, b)),
        [1, 0, 1, 0, 0, 0, 0]
    );
    assert_eq!(s.age_bands.len(), ServiceType::ALL.len() * AGE_BANDS.len());

    assert_eq!(
        (s.uptake.births, s.uptake.registrations, s.uptake.rate),
        (10, 3, Some(0.3))
    );
    assert_eq!(s.nights, vec![(0, 1), (1, 1), (2, 2)]);
}

#[test]
fn an_empty_year_has_zeroes_and_no_rates() {
    let s = statistics(&Records {
        fiscal_year: FiscalYear::new(2025).unwrap(),
        births: 0,
        cases: &[],
        stays: &[],
        applications: &[],
        facility_months: &[],
    });
    assert_eq!(s.lottery.all.rate(), None);
    assert_eq!(s.uptake.rate, None);
    assert_eq!(s.users, 0);
    assert!(s.nights.is_empty() && s.utilisation.is_empty());
    assert!(s.age_bands.iter().all(|a| a.stays == 0));
}
