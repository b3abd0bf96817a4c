//! The shipped samples parse, validate, and read the same in every encoding and header language.

mod common;

use sango_domain::program::{AgeLimit, UsageUnit};
use sango_domain::{ApplicationMethod, FacilityKind, HouseholdTier::*, ServiceType::*, Yen};
use sango_import::{ImportKind, parse_contracts, parse_facilities, parse_programs, sample};

#[test]
fn the_facility_sample_is_synthetic_and_in_tottori() {
    let rows = parse_facilities(sample(ImportKind::Facilities).as_bytes()).unwrap();
    assert_eq!(rows.len(), 5);
    assert_eq!(rows.iter().map(|r| r.row).collect::<Vec<_>>(), vec![2, 3, 4, 5, 6]);
    for r in &rows {
        assert!(r.draft.name.starts_with("（架空）"), "{}", r.draft.name);
        assert!(r.draft.synthetic);
        assert_eq!(r.id, None);
        assert!((35.2..=35.6).contains(&r.draft.location.lat), "{:?}", r.draft.location);
        assert!((133.2..=134.4).contains(&r.draft.location.lon), "{:?}", r.draft.location);
        assert!(!r.draft.services.is_empty());
        r.draft.validate().unwrap();
    }
    assert_eq!(rows[0].draft.kind, FacilityKind::MidwifeHome);
    assert_eq!(rows[0].draft.services.len(), 3);
    assert_eq!(rows[1].draft.services.iter().map(|s| (s.service_type, s.daily_capacity)).collect::<Vec<_>>(), vec![(ShortStay, 4), (DayCare, 6)]);
}

#[test]
fn the_contract_sample_references_facilities_one_to_three() {
    let rows = parse_contracts(sample(ImportKind::Contracts).as_bytes()).unwrap();
    assert_eq!(rows.len(), 9);
    assert!(rows.iter().all(|r| (1..=3).contains(&r.terms.facility_id) && r.contract_no.is_none()));
    let first = &rows[0].terms;
    assert_eq!(first.municipality.to_string(), "312011");
    assert_eq!((first.service_type, first.unit_price, first.additions.multiple), (ShortStay, Yen(36_000), Yen(5_000)));
    assert_eq!(first.additions.over_four_months, Yen::ZERO);
    assert_eq!(rows[3].terms.valid_to, None);
    let codes: std::collections::BTreeSet<String> = rows.iter().map(|r| r.terms.municipality.to_string()).collect();
    assert_eq!(codes.into_iter().collect::<Vec<_>>(), vec!["312011", "312029", "312037", "312045", "313025"]);
}

#[test]
fn the_programme_sample_holds_two_valid_programmes_with_their_fees() {
    let programs = parse_programs(sample(ImportKind::Programs).as_bytes()).unwrap();
    assert_eq!(programs.len(), 2);
    let (tottori, setagaya) = (&programs[0], &programs[1]);
    for p in &programs {
        p.rules.validate().unwrap();
        assert_eq!(p.fiscal_year.year(), 2025);
        assert_eq!(p.rules.services.len(), 3);
        assert_eq!(p.rules.combined_limits.len(), 1);
        assert_eq!(p.rules.combined_limits[0].service_types, vec![DayCare, Outreach]);
        assert_eq!(p.rules.combined_limits[0].max_units, 7);
    }

    assert_eq!(tottori.municipality.to_string(), "312011");
    assert_eq!(tottori.rows, (2..=10).collect::<Vec<_>>());
    assert_eq!(tottori.rules.application.method, ApplicationMethod::FirstCome);
    assert!(tottori.rules.multiples_multiply_limits);
    for tier in [Taxed, NonTaxed, Welfare] {
        for t in [ShortStay, DayCare, Outreach] {
            assert_eq!(tottori.rules.user_fee(t, tier, 1, 2, false), Some(Yen(0)));
        }
    }
    let c = tottori.rules.cancellation.as_ref().unwrap();
    assert_eq!(c.deadline_days_before, 2);
    let late: Vec<_> = c.fees.iter().map(|f| (f.service_type, f.tier, f.fee)).collect();
    assert_eq!(late, vec![(ShortStay, Taxed, Yen(1800)), (ShortStay, NonTaxed, Yen(900)), (ShortStay, Welfare, Yen(0))]);
    let stay = tottori.rules.service(ShortStay).unwrap();
    assert_eq!((stay.unit, stay.max_infant_age, stay.max_units, stay.max_consecutive_nights), (UsageUnit::Day, AgeLimit::Months(12), Some(7), Some(6)));
    assert_eq!(tottori.rules.service(DayCare).unwrap().max_hours_per_session, Some(4));

    assert_eq!(setagaya.municipality.to_string(), "312029");
    assert_eq!(setagaya.rows, (11..=20).collect::<Vec<_>>());
    let r = &setagaya.rules;
    assert_eq!(r.application.method, ApplicationMethod::Lottery);
    assert_eq!((r.application.opens_days_before, r.application.closes_days_before), (14, 1));
    assert_eq!(r.application.closes_at.to_string(), "10:00:00");
    assert_eq!(r.application.registration_from_pregnancy_week, Some(28));
    assert!(r.cancellation.is_none());
    assert_eq!(r.user_fee(ShortStay, Taxed, 1, 1, false), Some(Yen(4500)));
    assert_eq!(r.user_fee(ShortStay, Taxed, 1, 1, true), Some(Yen(2000)));
    assert_eq!(r.user_fee(ShortStay, Taxed, 1, 2, false), Some(Yen(5000)));
    assert_eq!(r.user_fee(ShortStay, NonTaxed, 1, 1, false), Some(Yen(500 - 500)));
    assert_eq!(r.user_fee(ShortStay, Welfare, 3, 1, false), Some(Yen(0)));
    assert_eq!(r.user_fee(DayCare, Taxed, 1, 1, true), Some(Yen(500)));
    assert_eq!(r.user_fee(Outreach, Taxed, 5, 1, false), Some(Yen(2000)));
    assert_eq!(r.user_fee(Outreach, Taxed, 6, 1, false), Some(Yen(2500)));
    assert_eq!(r.service(ShortStay).unwrap().extra_infant_fee, Yen(500));
    assert_eq!(r.service(DayCare).unwrap().unit, UsageUnit::Session);
    assert_eq!(r.service(Outreach).unwrap().max_infant_age, AgeLimit::Months(12));
}

#[test]
fn cp932_and_bom_read_the_same_as_utf8() {
    let facilities = parse_facilities(sample(ImportKind::Facilities).as_bytes()).unwrap();
    assert_eq!(parse_facilities(&common::cp932(ImportKind::Facilities)).unwrap(), facilities);
    assert_eq!(parse_facilities(&common::with_bom(ImportKind::Facilities)).unwrap(), facilities);
    let contracts = parse_contracts(sample(ImportKind::Contracts).as_bytes()).unwrap();
    assert_eq!(parse_contracts(&common::cp932(ImportKind::Contracts)).unwrap(), contracts);
    assert_eq!(parse_contracts(&common::with_bom(ImportKind::Contracts)).unwrap(), contracts);
    let programs = parse_programs(sample(ImportKind::Programs).as_bytes()).unwrap();
    assert_eq!(parse_programs(&common::cp932(ImportKind::Programs)).unwrap(), programs);
    assert_eq!(parse_programs(&common::with_bom(ImportKind::Programs)).unwrap(), programs);
}

#[test]
fn english_headers_read_the_same_as_japanese() {
    for shout in [false, true] {
        let f = common::english(ImportKind::Facilities, shout);
        assert!(f.starts_with(if shout { "ID,NAME," } else { "id,name," }), "{f}");
        assert_eq!(parse_facilities(f.as_bytes()).unwrap(), parse_facilities(sample(ImportKind::Facilities).as_bytes()).unwrap());
        let c = common::english(ImportKind::Contracts, shout);
        assert_eq!(parse_contracts(c.as_bytes()).unwrap(), parse_contracts(sample(ImportKind::Contracts).as_bytes()).unwrap());
        let p = common::english(ImportKind::Programs, shout);
        assert_eq!(parse_programs(p.as_bytes()).unwrap(), parse_programs(sample(ImportKind::Programs).as_bytes()).unwrap());
    }
}

#[test]
fn tab_separated_text_reads_the_same() {
    let tsv: String = common::csv_rows(sample(ImportKind::Facilities)).iter().map(|r| r.join("\t") + "\n").collect();
    assert_eq!(parse_facilities(tsv.as_bytes()).unwrap(), parse_facilities(sample(ImportKind::Facilities).as_bytes()).unwrap());
}
