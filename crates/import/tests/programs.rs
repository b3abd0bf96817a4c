//! Programme files: rows that disagree, incomplete fee tables and other rule errors are reported
//! at the rows and columns they come from.

mod common;

use common::places;
use sango_domain::ServiceType::*;
use sango_import::{ImportKind, ImportReport, parse_programs, sample};

/// The programme sample as rows, header first.
fn rows() -> Vec<Vec<String>> {
    common::csv_rows(sample(ImportKind::Programs))
}

/// Sets the cell of `column` (Japanese header) on file row `row` (header = 1).
fn set(rows: &mut [Vec<String>], row: usize, column: &str, value: &str) {
    let c = rows[0].iter().position(|h| h == column).unwrap_or_else(|| panic!("no column {column}"));
    rows[row - 1][c] = value.to_string();
}

fn csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.into_inner().unwrap()
}

fn refused(rows: &[Vec<String>]) -> ImportReport {
    parse_programs(&csv(rows)).unwrap_err()
}

fn col(s: &str) -> Option<String> {
    Some(s.to_string())
}

#[test]
fn a_programme_without_a_welfare_fee_is_refused_at_the_tier_column() {
    let mut r = rows();
    r.remove(7 - 1); // 312011 通所型 生活保護
    let report = refused(&r);
    assert_eq!(places(&report), vec![(Some(5), col("世帯区分"))], "{report}");
    let m = &report.problems[0].message;
    assert!(m.starts_with("the fee table has no WELFARE fee for DAY_CARE"), "{m}");
    assert!(m.contains("312011 FY2025") && m.contains("rows 5–6"), "{m}");
}

#[test]
fn every_type_missing_a_tier_is_reported() {
    let mut r = rows();
    r.remove(10 - 1); // 312011 居宅訪問型 生活保護
    r.remove(7 - 1); // 312011 通所型 生活保護
    let report = refused(&r);
    assert_eq!(places(&report), vec![(Some(5), col("世帯区分")), (Some(7), col("世帯区分"))], "{report}");
    assert!(report.problems[1].message.contains("no WELFARE fee for OUTREACH"), "{report}");
}

#[test]
fn disagreeing_programme_level_values_name_the_value_they_disagree_with() {
    let mut r = rows();
    set(&mut r, 4, "申込方法", "抽選");
    set(&mut r, 9, "合算上限", "DAY_CARE+OUTREACH=8");
    let report = refused(&r);
    assert_eq!(places(&report), vec![(Some(4), col("申込方法")), (Some(9), col("合算上限"))], "{report}");
    let m = &report.problems[0].message;
    assert!(m.contains("'抽選'") && m.contains("'先着' on row 2"), "{m}");
}

#[test]
fn service_level_values_must_agree_within_a_type_only() {
    let mut r = rows();
    set(&mut r, 3, "対象月齢", "4か月");
    let report = refused(&r);
    assert_eq!(places(&report), vec![(Some(3), col("対象月齢"))], "{report}");
    assert!(report.problems[0].message.contains("SHORT_STAY of 312011 FY2025"), "{report}");
    let mut r = rows();
    for row in 5..=7 {
        set(&mut r, row, "対象月齢", "4m");
    }
    let programs = parse_programs(&csv(&r)).unwrap();
    assert_eq!(programs[0].rules.service(DayCare).unwrap().max_infant_age, sango_domain::program::AgeLimit::Months(4));
}

#[test]
fn shared_values_may_be_given_once_and_left_blank_elsewhere() {
    let mut r = rows();
    let shared = ["単位", "対象月齢", "利用上限", "連泊上限", "申込方法", "合算上限", "多胎倍数", "キャンセル期限日数", "キャンセル期限時刻"];
    for row in [3, 4, 6, 9, 10, 12] {
        for c in shared {
            if !(row == 4 || row == 9) || !["対象月齢", "単位"].contains(&c) {
                set(&mut r, row, c, "");
            }
        }
    }
    assert_eq!(parse_programs(&csv(&r)).unwrap(), parse_programs(sample(ImportKind::Programs).as_bytes()).unwrap());
}

#[test]
fn a_cancellation_fee_needs_its_deadline_and_one_fee_per_type_and_tier() {
    let mut r = rows();
    for row in 2..=10 {
        set(&mut r, row, "キャンセル期限時刻", "");
    }
    let report = refused(&r);
    assert_eq!(places(&report), vec![(Some(2), col("キャンセル期限時刻"))], "{report}");

    let mut r = rows();
    set(&mut r, 17, "キャンセル料", "1000"); // 312029 訪問 課税 1–5
    set(&mut r, 18, "キャンセル料", "1500"); // 312029 訪問 課税 6–
    set(&mut r, 17, "キャンセル期限日数", "1");
    set(&mut r, 17, "キャンセル期限時刻", "17:00");
    let report = refused(&r);
    assert_eq!(places(&report), vec![(Some(18), col("キャンセル料"))], "{report}");
    assert!(report.problems[0].message.contains("1,000 on row 17"), "{report}");
    set(&mut r, 18, "キャンセル料", "1,000");
    let c = parse_programs(&csv(&r)).unwrap()[1].rules.cancellation.clone().unwrap();
    assert_eq!((c.deadline_days_before, c.fees.len(), c.fees[0].service_type), (1, 1, Outreach));
}

#[test]
fn a_programme_without_a_method_or_an_age_limit_is_refused() {
    let mut r = rows();
    for row in 11..=20 {
        set(&mut r, row, "申込方法", "");
    }
    for row in 14..=16 {
        set(&mut r, row, "対象月齢", "");
    }
    let report = refused(&r);
    assert_eq!(places(&report), vec![(Some(11), col("申込方法")), (Some(14), col("対象月齢"))], "{report}");
}

#[test]
fn rule_errors_point_at_their_rows_and_columns() {
    let mut r = rows();
    set(&mut r, 17, "回数まで", "4"); // leaves a gap before use 6 for OUTREACH TAXED
    set(&mut r, 15, "回数から", "0"); // DAY_CARE NON_TAXED from use 0
    set(&mut r, 12, "クーポン利用時負担額", "100"); // a coupon dearer than the free fee
    set(&mut r, 2, "締切日数", "40"); // closes before it opens
    for row in 2..=10 {
        set(&mut r, row, "締切日数", "40");
    }
    let report = refused(&r);
    assert_eq!(
        places(&report),
        vec![(Some(2), col("締切日数")), (Some(12), col("クーポン利用時負担額")), (Some(15), col("回数から")), (Some(17), col("世帯区分"))],
        "{report}"
    );
    assert!(report.problems[3].message.contains("gap before use 5"), "{report}");
    assert!(report.problems[3].message.contains("rows 17–18"), "{report}");
}

#[test]
fn a_zero_limit_is_reported_in_its_own_column() {
    let mut r = rows();
    for row in 2..=4 {
        set(&mut r, row, "連泊上限", "0");
    }
    let report = refused(&r);
    assert_eq!(places(&report), vec![(Some(2), col("連泊上限"))], "{report}");
}

#[test]
fn rows_that_cannot_be_placed_in_a_programme_are_reported_alone() {
    let mut r = rows();
    set(&mut r, 5, "市町村コード", "312012");
    set(&mut r, 13, "年度", "令和");
    set(&mut r, 14, "世帯区分", "富裕層");
    set(&mut r, 15, "利用者負担額", "無料");
    let report = refused(&r);
    assert_eq!(
        places(&report),
        vec![(Some(5), col("市町村コード")), (Some(13), col("年度")), (Some(14), col("世帯区分")), (Some(15), col("利用者負担額"))],
        "{report}"
    );
}
