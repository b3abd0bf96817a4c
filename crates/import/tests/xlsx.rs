//! XLSX workbooks typed as a user would (numbers, dates, times) read the same as the CSV samples.

mod common;

use rust_xlsxwriter::Workbook;
use sango_import::{ImportKind, parse_contracts, parse_facilities, parse_programs, sample};

#[test]
fn a_facility_sheet_reads_the_same_as_the_csv() {
    let csv = parse_facilities(sample(ImportKind::Facilities).as_bytes()).unwrap();
    let bytes = common::xlsx("施設", sample(ImportKind::Facilities));
    assert!(bytes.starts_with(b"PK\x03\x04"));
    assert_eq!(parse_facilities(&bytes).unwrap(), csv);
    let english = common::xlsx("Facilities", &common::english(ImportKind::Facilities, false));
    assert_eq!(parse_facilities(&english).unwrap(), csv);
}

#[test]
fn contract_dates_and_amounts_typed_as_excel_values_read_the_same() {
    let csv = parse_contracts(sample(ImportKind::Contracts).as_bytes()).unwrap();
    assert_eq!(parse_contracts(&common::xlsx("契約", sample(ImportKind::Contracts))).unwrap(), csv);
}

#[test]
fn programme_times_typed_as_excel_times_read_the_same() {
    let csv = parse_programs(sample(ImportKind::Programs).as_bytes()).unwrap();
    assert_eq!(parse_programs(&common::xlsx("事業", sample(ImportKind::Programs))).unwrap(), csv);
}

#[test]
fn a_workbook_without_the_named_sheet_says_which_names_it_needs() {
    let bytes = common::xlsx("Sheet1", sample(ImportKind::Facilities));
    let report = parse_facilities(&bytes).unwrap_err();
    assert_eq!(report.problems.len(), 1);
    let message = &report.problems[0].message;
    assert!(message.contains("facilities") && message.contains("施設") && message.contains("Sheet1"), "{message}");
    let report = parse_contracts(&bytes).unwrap_err();
    assert!(report.problems[0].message.contains("契約"), "{report}");
}

#[test]
fn the_sheet_is_found_among_others_and_rows_keep_sheet_numbers() {
    let mut book = Workbook::new();
    book.add_worksheet().set_name("説明").unwrap().write_string(0, 0, "この表は記入例です").unwrap();
    let ws = book.add_worksheet().set_name("施設").unwrap();
    ws.write_string(0, 0, "令和7年度 産後ケア事業 委託施設一覧").unwrap();
    ws.write_string(2, 1, "施設名").unwrap();
    for (c, h) in ["種別", "緯度", "経度", "通所型定員"].iter().enumerate() {
        ws.write_string(2, c as u16 + 2, *h).unwrap();
    }
    ws.write_string(4, 1, "（架空）テスト助産院").unwrap();
    ws.write_string(4, 2, "助産所").unwrap();
    ws.write_number(4, 3, 35.5).unwrap();
    ws.write_number(4, 4, 134.2).unwrap();
    ws.write_number(4, 5, -3).unwrap();
    let report = parse_facilities(&book.save_to_buffer().unwrap()).unwrap_err();
    assert_eq!(common::places(&report), vec![(Some(5), Some("通所型定員".to_string()))]);
}

#[test]
fn excel_error_cells_are_reported_where_they_are() {
    let mut book = Workbook::new();
    let ws = book.add_worksheet().set_name("facilities").unwrap();
    for (c, h) in ["name", "kind", "lat", "lon", "day_care_capacity"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["x", "HOSPITAL", "35.5", "134.2"].iter().enumerate() {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    ws.write_formula(1, 4, rust_xlsxwriter::Formula::new("=1/0").set_result("#DIV/0!")).unwrap();
    let report = parse_facilities(&book.save_to_buffer().unwrap()).unwrap_err();
    assert_eq!(common::places(&report), vec![(Some(2), Some("day_care_capacity".to_string()))], "{report}");
    assert!(report.problems[0].message.contains("Excel error #DIV/0!"), "{report}");
}

#[test]
fn an_old_xls_file_is_named_as_such() {
    let report = parse_facilities(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00").unwrap_err();
    assert!(report.to_string().contains(".xls"), "{report}");
}

#[test]
fn a_broken_zip_is_a_problem_not_a_panic() {
    let mut bytes = common::xlsx("施設", sample(ImportKind::Facilities));
    bytes.truncate(bytes.len() / 2);
    let report = parse_facilities(&bytes).unwrap_err();
    assert!(report.problems[0].message.contains("XLSX"), "{report}");
}
