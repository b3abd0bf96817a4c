//! Helpers shared by the integration tests: sample files in other encodings, headers and formats.

#![allow(dead_code)]

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use sango_import::{ImportKind, sample};

/// The English header of each Japanese sample header.
const ENGLISH: &[(&str, &str)] = &[
    ("施設ID", "id"),
    ("施設名", "name"),
    ("種別", "kind"),
    ("所在地", "address"),
    ("緯度", "lat"),
    ("経度", "lon"),
    ("宿泊型定員", "short_stay_capacity"),
    ("通所型定員", "day_care_capacity"),
    ("訪問型定員", "outreach_capacity"),
    ("架空", "synthetic"),
    ("契約番号", "contract_no"),
    ("市町村コード", "municipality"),
    ("類型", "service_type"),
    ("委託単価", "unit_price"),
    ("多胎加算", "addition_multiple"),
    ("きょうだい加算", "addition_sibling"),
    ("4か月以上加算", "addition_over_four_months"),
    ("要支援加算", "addition_high_need"),
    ("開始日", "valid_from"),
    ("終了日", "valid_to"),
    ("年度", "fiscal_year"),
    ("世帯区分", "tier"),
    ("回数から", "from_use"),
    ("回数まで", "to_use"),
    ("利用者負担額", "fee"),
    ("クーポン利用時負担額", "coupon_fee"),
    ("キャンセル料", "cancellation_fee"),
    ("単位", "unit"),
    ("対象月齢", "max_infant_age"),
    ("生後日数から", "earliest_day"),
    ("利用上限", "max_units"),
    ("連泊上限", "max_consecutive_nights"),
    ("時間上限", "max_hours_per_session"),
    ("多胎追加負担額", "extra_infant_fee"),
    ("申込方法", "method"),
    ("申込開始日数", "opens_days_before"),
    ("締切日数", "closes_days_before"),
    ("締切時刻", "closes_at"),
    ("営業日のみ", "business_days_only"),
    ("登録開始妊娠週", "registration_from_week"),
    ("合算上限", "combined_limits"),
    ("多胎倍数", "multiples_multiply"),
    ("繰越", "carry_over_unused"),
    ("キャンセル期限日数", "cancellation_deadline_days"),
    ("キャンセル期限時刻", "cancellation_deadline_time"),
];

/// The sample with its header row in English, upper-cased where `shout` is set.
pub fn english(kind: ImportKind, shout: bool) -> String {
    let text = sample(kind);
    let (header, rest) = text.split_once('\n').unwrap();
    let header: Vec<String> = header
        .split(',')
        .map(|h| {
            let en = match (kind, h) {
                (ImportKind::Contracts, "施設ID") => "facility_id",
                _ => ENGLISH.iter().find(|(ja, _)| *ja == h).unwrap_or_else(|| panic!("no English for {h}")).1,
            };
            if shout { en.to_uppercase() } else { en.to_string() }
        })
        .collect();
    format!("{}\n{rest}", header.join(","))
}

/// The sample encoded as CP932 (Shift_JIS as Windows writes it), with CRLF line ends.
pub fn cp932(kind: ImportKind) -> Vec<u8> {
    let text = sample(kind).replace('\n', "\r\n");
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!unmappable, "the sample has characters CP932 cannot hold");
    assert!(std::str::from_utf8(&bytes).is_err(), "the CP932 bytes must not also be UTF-8");
    bytes.into_owned()
}

/// The sample with a UTF-8 byte order mark, as Excel writes "CSV UTF-8".
pub fn with_bom(kind: ImportKind) -> Vec<u8> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(sample(kind).as_bytes());
    bytes
}

/// The rows of a CSV text, header first.
pub fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// An XLSX workbook with one sheet holding `text` as a user would type it into Excel: numbers as
/// numbers (amounts with a thousands format), dates as dates, times as times.
pub fn xlsx(sheet: &str, text: &str) -> Vec<u8> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet).unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let clock = Format::new().set_num_format("hh:mm");
    let amount = Format::new().set_num_format("#,##0");
    for (r, row) in csv_rows(text).iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            if cell.is_empty() {
                continue;
            }
            if let Some(d) = as_date(cell) {
                ws.write_datetime_with_format(r, c, &d, &date).unwrap();
            } else if let Some((h, m)) = cell.split_once(':').and_then(|(h, m)| Some((h.parse::<u16>().ok()?, m.parse::<u8>().ok()?))) {
                let t = ExcelDateTime::from_hms(h, m, 0).unwrap();
                ws.write_datetime_with_format(r, c, &t, &clock).unwrap();
            } else if let Ok(n) = cell.replace(',', "").parse::<f64>() {
                if r > 0 && cell.contains(',') {
                    ws.write_number_with_format(r, c, n, &amount).unwrap();
                } else if r > 0 && !cell.starts_with('0') {
                    ws.write_number(r, c, n).unwrap();
                } else {
                    ws.write_string(r, c, format!(" {cell} ")).unwrap();
                }
            } else {
                ws.write_string(r, c, format!(" {cell}\u{3000}")).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

fn as_date(s: &str) -> Option<ExcelDateTime> {
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?.parse().ok()?, parts.next()?.parse().ok()?, parts.next()?.parse().ok()?);
    ExcelDateTime::from_ymd(y, m, d).ok()
}

/// "row:column" of every problem, for compact assertions.
pub fn places(report: &sango_import::ImportReport) -> Vec<(Option<usize>, Option<String>)> {
    report.problems.iter().map(|p| (p.row, p.column.clone())).collect()
}
