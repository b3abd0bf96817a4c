//! Bad files are refused with every bad row and column named, not only the first.

mod common;

use common::places;
use sango_import::{ImportKind, ImportReport, parse_contracts, parse_facilities, sample};

fn col(s: &str) -> Option<String> {
    Some(s.to_string())
}

fn message_at<'r>(report: &'r ImportReport, row: Option<usize>, column: Option<&str>) -> &'r str {
    report
        .problems
        .iter()
        .find(|p| p.row == row && p.column.as_deref() == column)
        .map(|p| p.message.as_str())
        .unwrap_or_else(|| panic!("no problem at {row:?} {column:?} in\n{report}"))
}

#[test]
fn bytes_in_neither_encoding_are_refused() {
    let report = parse_facilities(b"\xff\xfe\xfd\xff\xfe\xfd,\xa0\n").unwrap_err();
    assert_eq!(report.problems.len(), 1);
    assert_eq!(report.problems[0].message, "the file is neither UTF-8 nor Shift_JIS (CP932)");
    assert_eq!(report.to_string(), "the file is neither UTF-8 nor Shift_JIS (CP932)");
}

#[test]
fn empty_files_and_header_only_files_have_no_data_rows() {
    for bytes in [&b""[..], b"\n\n", b"\xEF\xBB\xBF", "施設名,種別,緯度,経度,通所型定員\n".as_bytes(), "施設名,種別,緯度,経度,通所型定員\n,,,,\n".as_bytes()] {
        let report = parse_facilities(bytes).unwrap_err();
        assert!(report.problems.iter().any(|p| p.message == "no data rows"), "{report}");
    }
}

#[test]
fn three_bad_facility_rows_are_each_reported_with_row_and_column() {
    let mut text = sample(ImportKind::Facilities).to_string();
    text.push_str(",（架空）マイナス定員助産院,助産所,鳥取県鳥取市,35.5,134.2,-2,,,はい\n");
    text.push_str(",（架空）北極病院,病院,鳥取県鳥取市,95,134.2,1,,,はい\n");
    text.push_str(",（架空）薬局,薬局,鳥取県鳥取市,35.5,134.2,1,,,はい\n");
    let report = parse_facilities(text.as_bytes()).unwrap_err();
    assert_eq!(places(&report), vec![(Some(7), col("宿泊型定員")), (Some(8), col("緯度")), (Some(9), col("種別"))], "{report}");
    assert!(message_at(&report, Some(7), Some("宿泊型定員")).contains("got -2"));
    assert!(message_at(&report, Some(8), Some("緯度")).contains("between -90 and 90"));
    assert!(message_at(&report, Some(9), Some("種別")).contains("助産所"));
    let shown = report.to_string();
    assert_eq!(shown.lines().count(), 3);
    assert!(shown.starts_with("row 7, column 宿泊型定員: "), "{shown}");
}

#[test]
fn three_bad_contract_rows_are_each_reported_with_row_and_column() {
    let mut text = sample(ImportKind::Contracts).to_string();
    text.push_str(",312012,1,宿泊型,36000,,,,,2026-04-01,\n");
    text.push_str(",312029,3,宿泊型,-1,,,,,2025-04-01,2026-03-31\n");
    text.push_str(",312037,3,宿泊型,36000,,,,,2025-04-01,2025-03-31\n");
    let report = parse_contracts(text.as_bytes()).unwrap_err();
    assert_eq!(places(&report), vec![(Some(11), col("市町村コード")), (Some(12), col("委託単価")), (Some(13), col("終了日"))], "{report}");
    assert!(message_at(&report, Some(11), Some("市町村コード")).contains("needs 1"));
}

#[test]
fn every_bad_cell_of_one_row_is_reported() {
    let text = "施設名,種別,緯度,経度,宿泊型定員,通所型定員,架空\n,城,200,500,x,-1,たぶん\n";
    let report = parse_facilities(text.as_bytes()).unwrap_err();
    let columns: Vec<_> = report.problems.iter().map(|p| p.column.clone().unwrap()).collect();
    assert_eq!(columns, vec!["施設名", "種別", "緯度", "経度", "宿泊型定員", "通所型定員", "架空"], "{report}");
}

#[test]
fn coordinates_outside_japan_and_facilities_offering_nothing_are_refused() {
    let text = "name,kind,lat,lon,day_care_capacity,outreach_capacity\nA,CLINIC,134.2,35.5,1,\nB,CLINIC,35.5,134.2,,\n";
    let report = parse_facilities(text.as_bytes()).unwrap_err();
    assert_eq!(places(&report), vec![(Some(2), col("lat")), (Some(2), col("lon")), (Some(3), None)], "{report}");
    assert!(report.problems[0].message.ends_with("swapped?"), "{report}");
    assert!(report.problems[1].message.contains("outside Japan"), "{report}");
    assert!(report.problems[2].message.contains("no service type"), "{report}");
    let far = parse_facilities(b"name,kind,lat,lon,day_care_capacity
A,CLINIC,51.5,-0.1,1
").unwrap_err();
    assert_eq!(places(&far), vec![(Some(2), col("lat")), (Some(2), col("lon"))], "{far}");
    assert!(!far.to_string().contains("swapped"));
}

#[test]
fn a_missing_required_header_is_named() {
    let text = "施設名,種別,緯度,宿泊型定員\n（架空）A,病院,35.5,3\n";
    let report = parse_facilities(text.as_bytes()).unwrap_err();
    assert_eq!(places(&report), vec![(None, col("経度"))], "{report}");
    assert!(report.problems[0].message.contains("lon / 経度"));
    let english = parse_facilities(b"name,kind,lat,day_care_capacity\nA,CLINIC,35.5,3\n").unwrap_err();
    assert_eq!(places(&english), vec![(None, col("lon"))]);
}

#[test]
fn unknown_and_duplicate_headers_are_refused_and_rows_still_checked() {
    let text = "施設名,種別,緯度,経度,宿泊型定員,駐車場,緯度\n（架空）A,病院,35.5,134.2,-1,あり,35.5\n";
    let report = parse_facilities(text.as_bytes()).unwrap_err();
    assert_eq!(places(&report), vec![(Some(1), col("駐車場")), (Some(1), col("緯度")), (Some(2), col("宿泊型定員"))], "{report}");
    let unknown = message_at(&report, Some(1), Some("駐車場"));
    assert!(unknown.contains("name / 施設名") && unknown.contains("outreach_capacity / 訪問型定員"), "{unknown}");
    assert!(report.problems[1].message.contains("twice"));
}

#[test]
fn headers_tolerate_spaces_case_and_full_width() {
    let text = "\u{3000}Name , KIND,Lat,LON,Day Care Capacity\n（架空）A,病院,３５．５,134.2,３\n";
    let rows = parse_facilities(text.as_bytes()).unwrap();
    assert_eq!(rows[0].draft.location.lat, 35.5);
    assert_eq!(rows[0].draft.services[0].daily_capacity, 3);
}

#[test]
fn malformed_csv_rows_are_reported_and_the_rest_checked() {
    let text = "name,kind,lat,lon,day_care_capacity\nA,CLINIC,35.5,134.2\nB,CLINIC,35.5,134.2,1,extra\nC,CLINIC,35.5,134.2,-1\nD,CLINIC,35.5,134.2,\"1\n";
    let report = parse_facilities(text.as_bytes()).unwrap_err();
    assert_eq!(places(&report), vec![(Some(2), None), (Some(3), None), (Some(4), col("day_care_capacity")), (Some(5), None)], "{report}");
    assert!(report.problems[0].message.contains("4 fields but the header has 5"));
    assert!(report.problems[3].message.contains("never closed"));
}

#[test]
fn the_same_facility_twice_is_refused() {
    let mut text = sample(ImportKind::Facilities).to_string();
    let second = text.lines().nth(1).unwrap().to_string();
    text.push_str(&second);
    text.push_str("\n7,（架空）X,病院,,35.5,134.2,1,,,\n7,（架空）Y,病院,,35.5,134.2,1,,,\n");
    let report = parse_facilities(text.as_bytes()).unwrap_err();
    assert_eq!(places(&report), vec![(Some(7), col("施設名")), (Some(9), col("施設ID"))], "{report}");
}

#[test]
fn overlapping_contracts_in_one_file_name_the_first() {
    let mut text = sample(ImportKind::Contracts).to_string();
    text.push_str(",312011,1,宿泊型,37000,,,,,2026-03-01,\n");
    text.push_str(",312011,1,宿泊型,37000,,,,,2026-04-01,\n");
    text.push_str(",312011,2,宿泊型,37000,,,,,2026-03-01,\n");
    let report = parse_contracts(text.as_bytes()).unwrap_err();
    assert_eq!(places(&report), vec![(Some(11), col("開始日")), (Some(12), col("開始日"))], "{report}");
    let m = message_at(&report, Some(11), Some("開始日"));
    assert!(m.contains("row 2") && m.contains("2026-03-31"), "{m}");
    assert!(message_at(&report, Some(12), Some("開始日")).contains("row 11"));
}

#[test]
fn contract_amounts_are_each_checked() {
    let text = "municipality,facility_id,service_type,unit_price,addition_sibling,addition_high_need,valid_from,valid_to\n31201,1,DAY_CARE,-5,-1,-2,2025/4/1,2025/3/1\n";
    let report = parse_contracts(text.as_bytes()).unwrap_err();
    let columns: Vec<_> = report.problems.iter().map(|p| p.column.clone().unwrap()).collect();
    assert_eq!(columns, vec!["unit_price", "addition_sibling", "addition_high_need", "valid_to"], "{report}");
}
