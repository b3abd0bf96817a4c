//! Reads an import file into rows of trimmed text cells: CSV or TSV in UTF-8 (with or without BOM)
//! or Shift_JIS (CP932), or one sheet of an XLSX workbook.

use std::borrow::Cow;

use crate::report::{ImportReport, Problem};
use crate::xlsx;

/// One non-blank row of the file.
#[derive(Clone, Debug)]
pub(crate) struct Row {
    /// The row number a user sees: the line of a CSV record, the sheet row of an XLSX row.
    pub number: usize,
    pub cells: Vec<String>,
}

/// The non-blank rows of a file (the header first) and what was wrong with its structure.
#[derive(Debug, Default)]
pub(crate) struct Grid {
    pub rows: Vec<Row>,
    pub problems: Vec<Problem>,
    /// Cells that hold an Excel error such as `#N/A`: (row number, column index, the error).
    pub error_cells: Vec<(usize, usize, String)>,
}

impl Grid {
    /// Keeps a row unless every cell is blank.
    pub(crate) fn push(&mut self, number: usize, cells: Vec<String>) {
        if cells.iter().any(|c| !c.is_empty()) {
            self.rows.push(Row { number, cells });
        }
    }
}

/// The zip signature every XLSX file starts with.
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

/// The signature of the binary Excel 97–2003 format (.xls), which is not read.
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Reads `bytes` as an XLSX workbook (taking the first sheet named one of `sheets`) or as CSV.
pub(crate) fn read(bytes: &[u8], sheets: &[&str]) -> Result<Grid, ImportReport> {
    if bytes.starts_with(OLE_MAGIC) {
        return Err(ImportReport::file("this is an Excel 97–2003 (.xls) file; save it as .xlsx or CSV"));
    }
    if bytes.starts_with(ZIP_MAGIC) {
        xlsx::read(bytes, sheets)
    } else {
        Ok(read_csv(&decode(bytes)?))
    }
}

/// UTF-8 (a BOM is dropped) or else Shift_JIS as Windows writes it (CP932).
fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, ImportReport> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Cow::Borrowed(text));
    }
    encoding_rs::SHIFT_JIS
        .decode_without_bom_handling_and_without_replacement(bytes)
        .ok_or_else(|| ImportReport::file("the file is neither UTF-8 nor Shift_JIS (CP932)"))
}

/// Comma-separated, or tab-separated when the first line has tabs and no commas.
fn read_csv(text: &str) -> Grid {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delimiter = if first.contains('\t') && !first.contains(',') { b'\t' } else { b',' };
    let mut grid = Grid::default();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let starts = line_starts(text);
    // A record's position is where the reader stood, before any blank lines it then skipped.
    let line_of = |p: &csv::Position| {
        let skipped = text.as_bytes().iter().skip(p.byte() as usize).take_while(|b| matches!(b, b'\r' | b'\n')).count();
        starts.partition_point(|s| *s <= p.byte() as usize + skipped)
    };
    for record in reader.records() {
        match record {
            Ok(r) => {
                let line = r.position().map_or(1, line_of);
                grid.push(line, r.iter().map(|c| c.trim().to_string()).collect());
            }
            Err(e) => {
                let line = e.position().map(line_of);
                grid.problems.push(Problem { row: line, column: None, message: format!("malformed CSV: {e}") });
            }
        }
    }
    if unterminated_quote(text, delimiter) {
        // The open quote swallowed everything to the end of the file into the last record.
        if let Some(last) = grid.rows.pop() {
            grid.problems.push(Problem::at(last.number, None, "a quoted field starting in this row is never closed (missing \")"));
        }
    }
    grid
}

/// The byte offset where each line starts (after `\n`, `\r\n` or a lone `\r`).
fn line_starts(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut starts = vec![0];
    for (i, c) in b.iter().enumerate() {
        if *c == b'\n' || (*c == b'\r' && b.get(i + 1) != Some(&b'\n')) {
            starts.push(i + 1);
        }
    }
    starts
}

/// Whether the text ends inside a quoted field, following the quoting rules of the `csv` crate:
/// a quote opens a quoted field only at the start of a field, and `""` inside one is a quote.
fn unterminated_quote(text: &str, delimiter: u8) -> bool {
    #[derive(PartialEq)]
    enum S {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut s = S::FieldStart;
    for b in text.bytes() {
        let end_of_field = b == delimiter || b == b'\n' || b == b'\r';
        s = match s {
            S::Quoted if b == b'"' => S::QuoteInQuoted,
            S::Quoted => S::Quoted,
            S::QuoteInQuoted if b == b'"' => S::Quoted,
            S::FieldStart if b == b'"' => S::Quoted,
            _ if end_of_field => S::FieldStart,
            _ => S::Unquoted,
        };
    }
    s == S::Quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<(usize, Vec<String>)> {
        read_csv(text).rows.into_iter().map(|r| (r.number, r.cells)).collect()
    }

    #[test]
    fn lines_are_numbered_as_in_the_file_and_blank_lines_skipped() {
        let r = rows("a,b\n\n 1 ,\"x,y\"\n,\n2,3\r\n\r\n\"multi\nline\",4\r5,6");
        assert_eq!(r.len(), 5);
        assert_eq!(r[1], (3, vec!["1".to_string(), "x,y".to_string()]));
        assert_eq!(r[2].0, 5);
        assert_eq!(r[3], (7, vec!["multi\nline".to_string(), "4".to_string()]));
        assert_eq!(r[4].0, 9);
    }

    #[test]
    fn tabs_are_delimiters_only_without_commas() {
        assert_eq!(rows("a\tb\n1\t2\n")[1].1, vec!["1", "2"]);
        assert_eq!(rows("a\tb,c\n")[0].1, vec!["a\tb", "c"]);
    }

    #[test]
    fn unterminated_quotes_are_found() {
        assert!(unterminated_quote("a,\"b\n", b','));
        assert!(!unterminated_quote("a,\"b\"\"c\"\n", b','));
        assert!(!unterminated_quote("a,b\"c\n", b','));
        let g = read_csv("a,b\n1,2\n3,\"4\n5,6\n");
        assert_eq!(g.rows.len(), 2);
        assert_eq!(g.problems[0].row, Some(3));
    }

    #[test]
    fn shift_jis_is_decoded_and_garbage_refused() {
        let (sjis, _, bad) = encoding_rs::SHIFT_JIS.encode("施設名\n");
        assert!(!bad);
        assert_eq!(decode(&sjis).unwrap(), "施設名\n");
        assert_eq!(decode(b"\xEF\xBB\xBFa").unwrap(), "a");
        let e = decode(b"\xff\xfe\xfd").unwrap_err();
        assert!(e.to_string().contains("neither UTF-8 nor Shift_JIS"));
    }
}
