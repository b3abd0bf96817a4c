//! Reads the named sheet of an XLSX workbook into text rows: whole numbers as integers,
//! dates as YYYY-MM-DD, times as HH:MM, strings trimmed, Excel errors set aside.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{DataRef, ExcelDateTime, Reader, Xlsx};

use crate::report::{ImportReport, Problem};
use crate::table::Grid;

/// Cells right of this column are refused rather than read (a stray value at column XFD would
/// otherwise make every row 16,384 cells wide).
const MAX_COLUMNS: u32 = 64;
/// Rows below this are refused for the same reason.
const MAX_ROWS: u32 = 100_000;

/// Reads the first sheet whose name is one of `sheets` (English names compared ignoring case).
pub(crate) fn read(bytes: &[u8], sheets: &[&str]) -> Result<Grid, ImportReport> {
    let unreadable = |e: calamine::XlsxError| ImportReport::file(format!("the XLSX workbook could not be read: {e}"));
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let names = book.sheet_names();
    let Some(name) = names.iter().find(|n| sheets.iter().any(|s| n.trim().eq_ignore_ascii_case(s))) else {
        return Err(ImportReport::file(format!(
            "the workbook has no sheet named {}; its sheets are: {}",
            sheets.join(" or "),
            if names.is_empty() { "(none)".to_string() } else { names.join(", ") },
        )));
    };
    let mut cells: BTreeMap<u32, BTreeMap<u32, String>> = BTreeMap::new();
    let mut grid = Grid::default();
    let mut reader = book.worksheet_cells_reader(name).map_err(unreadable)?;
    while let Some(cell) = reader.next_cell().map_err(unreadable)? {
        let (row, col) = cell.get_position();
        let text = match cell.get_value() {
            DataRef::Error(e) => {
                grid.error_cells.push((row as usize + 1, col as usize, e.to_string()));
                continue;
            }
            v => text(v),
        };
        if text.is_empty() {
            continue;
        }
        if row >= MAX_ROWS || col >= MAX_COLUMNS {
            let message = format!("the sheet may have at most {MAX_ROWS} rows and {MAX_COLUMNS} columns; remove values beyond them");
            return Err(ImportReport::new(vec![Problem::at(row as usize + 1, None, message)]));
        }
        cells.entry(row).or_default().insert(col, text);
    }
    let width = cells.values().filter_map(|r| r.keys().next_back()).max().map_or(0, |c| *c as usize + 1);
    let first_col = cells.values().filter_map(|r| r.keys().next()).min().copied().unwrap_or(0) as usize;
    for (row, values) in cells {
        let mut line = vec![String::new(); width - first_col];
        for (col, v) in values {
            line[col as usize - first_col] = v;
        }
        grid.push(row as usize + 1, line);
    }
    for e in &mut grid.error_cells {
        e.1 = e.1.saturating_sub(first_col);
    }
    Ok(grid)
}

/// The text a cell shows, in the forms the cell parsers accept.
fn text(v: &DataRef<'_>) -> String {
    match v {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number(*f),
        DataRef::String(s) => s.trim().to_string(),
        DataRef::SharedString(s) => s.trim().to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(dt) => date_time(dt),
        DataRef::DateTimeIso(s) => s.trim().trim_end_matches("T00:00:00").to_string(),
        DataRef::DurationIso(s) => s.trim().to_string(),
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
}

/// Whole numbers without a fraction (`3.0` → `3`); others as the shortest exact decimal.
fn number(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        (f as i64).to_string()
    } else {
        f.to_string()
    }
}

/// A date as YYYY-MM-DD, a time of day (or a duration) as HH:MM, both as `YYYY-MM-DD HH:MM`.
fn date_time(dt: &ExcelDateTime) -> String {
    let v = dt.as_f64();
    if dt.is_duration() || (0.0..1.0).contains(&v) {
        let minutes = (v * 24.0 * 60.0).round();
        if !minutes.is_finite() || minutes.abs() > 1e9 {
            return number(v);
        }
        let m = minutes as i64;
        return format!("{:02}:{:02}", m / 60, m % 60);
    }
    let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
    if (h, mi, s) == (0, 0, 0) {
        format!("{y:04}-{mo:02}-{d:02}")
    } else {
        format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::ExcelDateTimeType;

    #[test]
    fn numbers_dates_and_times_become_the_text_a_user_typed() {
        assert_eq!(number(36000.0), "36000");
        assert_eq!(number(35.4905), "35.4905");
        assert_eq!(number(-2.0), "-2");
        let date = ExcelDateTime::new(45748.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(date_time(&date), "2025-04-01");
        let ten = ExcelDateTime::new(10.0 / 24.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(date_time(&ten), "10:00");
    }
}
