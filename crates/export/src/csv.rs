//! CSV that opens correctly in Excel: UTF-8 with a BOM by default, or CP932 on request. Amounts
//! are plain integers (negative with a minus sign) so that Excel reads them as numbers.

use crate::ExportError;
use crate::tables::{Cell, Table};

/// Which encoding to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8Bom,
    Cp932,
}

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
}

/// The text of a table: a title line, the headings and the rows, CRLF line ends.
pub fn text(t: &Table) -> String {
    let mut out = String::new();
    out.push_str(&field(&t.title));
    out.push_str("\r\n");
    out.push_str(&t.headings.iter().map(|h| field(h)).collect::<Vec<_>>().join(","));
    out.push_str("\r\n");
    for row in &t.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Cell::Text(s) => field(s),
                Cell::Count(n) => n.to_string(),
                Cell::Yen(y) => y.0.to_string(),
                Cell::Tenths(n) => format!("{}{}.{}", if *n < 0 { "-" } else { "" }, n.unsigned_abs() / 10, n.unsigned_abs() % 10),
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The bytes of a table in an encoding; CP932 refuses characters it cannot hold instead of mangling them.
pub fn bytes(t: &Table, enc: Encoding) -> Result<Vec<u8>, ExportError> {
    let s = text(t);
    match enc {
        Encoding::Utf8Bom => {
            let mut v = vec![0xEF, 0xBB, 0xBF];
            v.extend_from_slice(s.as_bytes());
            Ok(v)
        }
        Encoding::Cp932 => {
            let (encoded, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&s);
            if unmappable {
                let bad = s.chars().find(|c| encoding_rs::SHIFT_JIS.encode(&c.to_string()).2).unwrap_or('?');
                let line = s.lines().find(|l| l.contains(bad)).unwrap_or_default().to_owned();
                return Err(ExportError::NotCp932 { table: t.name.clone(), text: line, character: bad });
            }
            Ok(encoded.into_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sango_domain::Yen;

    fn table(name: &str) -> Table {
        Table { name: "精算書".into(), title: "令和7年度 精算書".into(), headings: vec!["市町村", "額"], rows: vec![vec![Cell::Text(name.into()), Cell::Yen(Yen(-1234))]] }
    }

    #[test]
    fn utf8_has_a_bom_and_numbers_stay_numbers() {
        let b = bytes(&table("312011 鳥取市"), Encoding::Utf8Bom).unwrap();
        assert_eq!(&b[..3], &[0xEF, 0xBB, 0xBF]);
        let s = String::from_utf8(b[3..].to_vec()).unwrap();
        assert_eq!(s, "令和7年度 精算書\r\n市町村,額\r\n312011 鳥取市,-1234\r\n");
    }

    #[test]
    fn cp932_round_trips_and_refuses_what_it_cannot_hold() {
        let b = bytes(&table("312011 鳥取市"), Encoding::Cp932).unwrap();
        let (back, _, bad) = encoding_rs::SHIFT_JIS.decode(&b);
        assert!(!bad);
        assert!(back.contains("鳥取市"));
        // 𠮷 (U+20BB7) is not in CP932.
        let e = bytes(&table("𠮷野家町"), Encoding::Cp932).unwrap_err();
        assert!(matches!(e, ExportError::NotCp932 { character: '𠮷', .. }), "{e:?}");
    }

    #[test]
    fn tenths_are_written_with_one_decimal() {
        let t = Table { name: "計画".into(), title: "t".into(), headings: vec!["km"], rows: vec![vec![Cell::Tenths(123)], vec![Cell::Tenths(-5)], vec![Cell::Tenths(40)]] };
        assert_eq!(text(&t), "t\r\nkm\r\n12.3\r\n-0.5\r\n4.0\r\n");
    }

    #[test]
    fn fields_with_commas_and_quotes_are_quoted() {
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
