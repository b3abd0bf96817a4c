//! What goes on the page, as plain values: amounts written as statements write them, the 和暦
//! date, the letterhead, and the tables turned into the inputs of the typst template.

use chrono::{Datelike, NaiveDate};
use sango_domain::Yen;
use sango_export::{Cell, Table};
use typst::foundations::{Array, Dict, IntoValue, Value};

/// Who issues the statements and when. `date: None` leaves the date blank to be filled in by
/// hand (a draft that has not been issued).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Letterhead {
    pub issuer: String,
    pub date: Option<NaiveDate>,
    /// A line under the title, e.g. `試算（未発行）` or the rule sets and fingerprint of an issued statement.
    pub note: Option<String>,
}

/// Digits with thousands separators; negatives with △, as Japanese statements show them.
pub fn amount(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 3);
    if n < 0 {
        out.push('△');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A date in 和暦: 令和8年4月10日, 令和元年5月1日, 平成31年4月30日.
pub fn wareki_date(d: NaiveDate) -> String {
    let reiwa = NaiveDate::from_ymd_opt(2019, 5, 1).expect("valid date");
    let (era, n) = if d >= reiwa { ("令和", d.year() - 2018) } else { ("平成", d.year() - 1988) };
    let year = if n == 1 { "元".to_owned() } else { n.to_string() };
    format!("{era}{year}年{}月{}日", d.month(), d.day())
}

fn cell_text(c: &Cell) -> (String, bool) {
    match c {
        Cell::Text(s) => (s.clone(), false),
        Cell::Count(n) => (amount(i64::try_from(*n).unwrap_or(i64::MAX)), true),
        Cell::Yen(Yen(y)) => (amount(*y), true),
        Cell::Tenths(t) => (tenths(*t), true),
    }
}

/// A number held in tenths, with separators and one decimal: 12345 → "1,234.5", −5 → "△0.5".
fn tenths(t: i64) -> String {
    let whole = amount(t / 10);
    let sign = if t < 0 && t / 10 == 0 { "△" } else { "" };
    format!("{sign}{whole}.{}", t.unsigned_abs() % 10)
}

fn string(s: impl Into<String>) -> Value {
    s.into().as_str().into_value()
}

/// The template's input: `font`, `issuer`, `date`, `note` and `tables` (each with `title`,
/// `headings`, `numeric` per column, `widths` per column and `rows` of strings).
pub fn inputs(tables: &[Table], head: &Letterhead, family: &str) -> Dict {
    let mut d = Dict::new();
    d.insert("font".into(), string(family));
    d.insert("issuer".into(), string(head.issuer.as_str()));
    d.insert("date".into(), string(head.date.map(wareki_date).unwrap_or_else(|| "令和　　年　　月　　日".into())));
    d.insert("note".into(), string(head.note.clone().unwrap_or_default()));
    let tables: Array = tables.iter().map(|t| table_value(t).into_value()).collect();
    d.insert("tables".into(), tables.into_value());
    d
}

fn table_value(t: &Table) -> Dict {
    let columns = t.headings.len();
    // A column is numeric when every row holds a number there (empty tables: none are).
    let numeric: Vec<bool> = (0..columns).map(|c| !t.rows.is_empty() && t.rows.iter().all(|r| r.get(c).is_some_and(|x| !matches!(x, Cell::Text(_))))).collect();
    let rows: Array = t
        .rows
        .iter()
        .map(|r| {
            let cells: Array = (0..columns).map(|c| string(r.get(c).map(|x| cell_text(x).0).unwrap_or_default())).collect();
            cells.into_value()
        })
        .collect();
    let mut d = Dict::new();
    d.insert("title".into(), string(t.title.as_str()));
    d.insert("headings".into(), t.headings.iter().map(|h| string(*h)).collect::<Array>().into_value());
    d.insert("numeric".into(), numeric.iter().map(|b| b.into_value()).collect::<Array>().into_value());
    // Text columns (names) get twice the width of amounts.
    d.insert("widths".into(), numeric.iter().map(|b| (if *b { 1i64 } else { 2 }).into_value()).collect::<Array>().into_value());
    d.insert("rows".into(), rows.into_value());
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenths_keep_one_decimal_and_the_triangle() {
        assert_eq!(tenths(12_345), "1,234.5");
        assert_eq!(tenths(-5), "△0.5");
        assert_eq!(tenths(-12_340), "△1,234.0");
        assert_eq!(tenths(0), "0.0");
    }

    #[test]
    fn amounts_have_separators_and_a_triangle_when_negative() {
        assert_eq!(amount(0), "0");
        assert_eq!(amount(999), "999");
        assert_eq!(amount(1_000), "1,000");
        assert_eq!(amount(-1_234), "△1,234");
        assert_eq!(amount(22_500), "22,500");
        assert_eq!(amount(1_234_567_890), "1,234,567,890");
        assert_eq!(amount(i64::MIN), "△9,223,372,036,854,775,808");
    }

    #[test]
    fn amounts_read_back_to_the_number() {
        for n in [-1_000_001i64, -999, -1, 0, 7, 1_000, 123_456_789, i64::MAX] {
            let s = amount(n);
            let back: i64 = s.replace(',', "").replace('△', "-").parse().unwrap();
            assert_eq!(back, n);
        }
    }

    #[test]
    fn dates_in_wareki() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(wareki_date(d(2026, 4, 10)), "令和8年4月10日");
        assert_eq!(wareki_date(d(2019, 5, 1)), "令和元年5月1日");
        assert_eq!(wareki_date(d(2019, 4, 30)), "平成31年4月30日");
        assert_eq!(wareki_date(d(2020, 1, 1)), "令和2年1月1日");
    }

    #[test]
    fn numeric_columns_are_those_holding_numbers() {
        let t = Table { name: "x".into(), title: "t".into(), headings: vec!["市町村", "件数", "額"], rows: vec![vec![Cell::Text("a".into()), Cell::Count(1200), Cell::Yen(Yen(-5))]] };
        let v = table_value(&t);
        assert_eq!(v.get("numeric").unwrap().clone(), vec![false, true, true].into_iter().map(|b| b.into_value()).collect::<Array>().into_value());
        let rows = v.get("rows").unwrap().clone().cast::<Array>().unwrap();
        let first = rows.at(0, None).unwrap().cast::<Array>().unwrap();
        assert_eq!(first.at(1, None).unwrap(), string("1,200"));
        assert_eq!(first.at(2, None).unwrap(), string("△5"));
    }
}
