//! Whatever the bytes or the cell contents, parsing returns values or a report; it never panics,
//! and a refusal always says why.

mod common;

use proptest::prelude::*;
use sango_import::{ImportKind, ImportReport, parse_contracts, parse_facilities, parse_programs, sample};

/// Parses `bytes` as every kind; a refusal must hold at least one problem.
fn parse_all(bytes: &[u8]) {
    fn check<T>(r: Result<Vec<T>, ImportReport>) {
        if let Err(report) = r {
            assert!(!report.problems.is_empty());
            let _ = report.to_string();
        }
    }
    check(parse_facilities(bytes));
    check(parse_contracts(bytes));
    check(parse_programs(bytes));
}

/// A cell: sometimes tame text, sometimes anything at all.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[-0-9.,:/+=;年度月日か時RrHh令和元 ]{0,12}",
        Just(String::new()),
        Just("4294967296".to_string()),
        Just("-9223372036854775808".to_string()),
        Just("1e309".to_string()),
    ]
}

/// A kind's sample with random cells of random rows replaced, as CSV text.
fn mutated(kind: ImportKind, edits: &[(usize, usize, String)]) -> String {
    let mut rows = common::csv_rows(sample(kind));
    for (r, c, v) in edits {
        let r = 1 + r % (rows.len() - 1);
        let c = c % rows[0].len();
        rows[r][c] = v.clone();
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in &rows {
        w.write_record(r).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        parse_all(&bytes);
    }

    #[test]
    fn arbitrary_bytes_after_the_zip_signature_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend(tail);
        parse_all(&bytes);
    }

    #[test]
    fn arbitrary_cells_never_panic(edits in proptest::collection::vec((0usize..64, 0usize..64, cell()), 1..6)) {
        for kind in [ImportKind::Facilities, ImportKind::Contracts, ImportKind::Programs] {
            let text = mutated(kind, &edits);
            parse_all(text.as_bytes());
            let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
            parse_all(&sjis);
        }
    }

    #[test]
    fn a_refused_file_names_only_rows_it_has(edits in proptest::collection::vec((0usize..64, 0usize..64, cell()), 1..4)) {
        let text = mutated(ImportKind::Programs, &edits);
        let lines = text.lines().count();
        match parse_programs(text.as_bytes()) {
            Ok(programs) => prop_assert!(programs.iter().all(|p| p.rules.validate().is_ok())),
            Err(report) => prop_assert!(report.problems.iter().all(|p| p.row.is_none_or(|r| (1..=lines).contains(&r))), "{report}"),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn arbitrary_cells_in_a_workbook_never_panic(edits in proptest::collection::vec((0usize..64, 0usize..64, cell()), 1..6)) {
        let text = mutated(ImportKind::Facilities, &edits);
        parse_all(&common::xlsx("facilities", &text));
        let bytes = common::xlsx("施設", &text);
        if let Ok(rows) = parse_facilities(&bytes) {
            prop_assert!(rows.iter().all(|r| r.draft.validate().is_ok()));
        }
    }
}
