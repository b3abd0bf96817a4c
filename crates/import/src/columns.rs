//! Column headers: the accepted English and Japanese names of each column, matching a file's
//! header row against them, and reading one row's cells by column.

use std::collections::HashMap;

use crate::report::{ImportReport, Problem};
use crate::table::{self, Row};
use crate::values::normalize;

/// One column a kind of file may have.
pub(crate) struct Column {
    /// The canonical English name, also the key code uses.
    pub key: &'static str,
    pub ja: &'static str,
    /// Other accepted spellings (compared after the same normalisation as the names).
    pub aliases: &'static [&'static str],
    pub required: bool,
}

/// A column a file must have.
pub(crate) const fn required(key: &'static str, ja: &'static str) -> Column {
    Column { key, ja, aliases: &[], required: true }
}

/// A column a file may leave out.
pub(crate) const fn optional(key: &'static str, ja: &'static str) -> Column {
    Column { key, ja, aliases: &[], required: false }
}

/// How a header is compared: trimmed (full-width spaces too), full-width letters and digits made
/// ASCII, ASCII lower-cased, spaces and hyphens read as underscores.
fn header_key(s: &str) -> String {
    normalize(s).to_ascii_lowercase().replace([' ', '-'], "_")
}

/// How many rows (a title, a note) may stand above the header row.
const TITLE_ROWS: usize = 5;

/// The column a header names, if any.
fn find<'s>(spec: &'s [Column], written: &str) -> Option<&'s Column> {
    let k = header_key(written);
    if k.is_empty() {
        return None;
    }
    spec.iter().find(|c| header_key(c.key) == k || header_key(c.ja) == k || c.aliases.iter().any(|a| header_key(a) == k))
}

/// Which column of the file holds which canonical column.
pub(crate) struct Layout {
    spec: &'static [Column],
    /// Canonical key → (index in the row, header as written).
    found: HashMap<&'static str, (usize, String)>,
    japanese: bool,
}

impl Layout {
    /// The trimmed cell of `key` in `row`, or "" if the file has no such column.
    pub(crate) fn cell<'r>(&self, row: &'r Row, key: &str) -> &'r str {
        self.found.get(key).and_then(|(i, _)| row.cells.get(*i)).map_or("", String::as_str)
    }

    /// The column's header as written, or its canonical name in the file's language if absent.
    pub(crate) fn name(&self, key: &str) -> String {
        if let Some((_, written)) = self.found.get(key) {
            return written.clone();
        }
        match self.spec.iter().find(|c| c.key == key) {
            Some(c) if self.japanese => c.ja.to_string(),
            _ => key.to_string(),
        }
    }
}

/// A file's data rows with its layout, and the problems found so far.
pub(crate) struct Sheet {
    pub layout: Layout,
    pub rows: Vec<Row>,
    pub problems: Vec<Problem>,
}

/// Reads the file and matches its header row against `spec`. Fails outright when the file cannot
/// be read, has no data rows, or lacks a required column; other header problems are kept.
pub(crate) fn open(bytes: &[u8], sheets: &[&str], spec: &'static [Column]) -> Result<Sheet, ImportReport> {
    let grid = table::read(bytes, sheets)?;
    let mut problems = grid.problems;
    // Rows above the header that name no column (a sheet's title, say) are passed over.
    let recognised = |r: &Row| r.cells.iter().any(|h| find(spec, h).is_some());
    let start = grid.rows.iter().take(TITLE_ROWS + 1).position(recognised).unwrap_or(0);
    let mut rows = grid.rows.into_iter().skip(start);
    let Some(header) = rows.next() else {
        problems.push(Problem::file("no data rows"));
        return Err(ImportReport::new(problems));
    };
    let mut found = HashMap::new();
    let mut japanese = false;
    for (i, written) in header.cells.iter().enumerate() {
        if written.is_empty() {
            continue;
        }
        let Some(c) = find(spec, written) else {
            problems.push(Problem::at(header.number, Some(written), format!("unknown column; the accepted columns are {}", accepted(spec))));
            continue;
        };
        japanese |= header_key(c.ja) == header_key(written);
        if let Some((_, first)) = found.get(c.key) {
            problems.push(Problem::at(header.number, Some(written), format!("column {first} appears twice")));
        } else {
            found.insert(c.key, (i, written.clone()));
        }
    }
    let layout = Layout { spec, found, japanese };
    let missing: Vec<Problem> = spec
        .iter()
        .filter(|c| c.required && !layout.found.contains_key(c.key))
        .map(|c| Problem { row: None, column: Some(layout.name(c.key)), message: format!("the required column {} / {} is missing", c.key, c.ja) })
        .collect();
    let data: Vec<Row> = rows.collect();
    if data.is_empty() {
        problems.push(Problem::file("no data rows"));
    }
    for (row, col, error) in &grid.error_cells {
        let column = header.cells.get(*col).filter(|h| !h.is_empty()).map(String::as_str);
        problems.push(Problem::at(*row, column, format!("the cell holds the Excel error {error}")));
    }
    // A row with an Excel error is reported for that alone; its other cells are not read.
    let out: Vec<Row> = data
        .into_iter()
        .filter(|row| !grid.error_cells.iter().any(|(r, _, _)| *r == row.number))
        .filter(|row| shape_is_good(row, &header, &mut problems))
        .collect();
    if !missing.is_empty() || out.is_empty() {
        problems.extend(missing);
        return Err(ImportReport::new(problems));
    }
    Ok(Sheet { layout, rows: out, problems })
}

/// False (with a problem recorded) for a row with fewer fields than the header, or with a value
/// in a field that has no header.
fn shape_is_good(row: &Row, header: &Row, problems: &mut Vec<Problem>) -> bool {
    if row.cells.len() < header.cells.len() {
        let message = format!("the row has {} fields but the header has {}", row.cells.len(), header.cells.len());
        problems.push(Problem::at(row.number, None, message));
        return false;
    }
    let stray = row.cells.iter().enumerate().find(|(i, v)| !v.is_empty() && header.cells.get(*i).is_none_or(|h| h.is_empty()));
    if let Some((i, v)) = stray {
        let message = format!("the value '{v}' in field {} is under no column header", i + 1);
        problems.push(Problem::at(row.number, None, message));
        return false;
    }
    true
}

/// "name / 施設名, kind / 種別, …" for messages.
fn accepted(spec: &[Column]) -> String {
    spec.iter().map(|c| format!("{} / {}", c.key, c.ja)).collect::<Vec<_>>().join(", ")
}

/// One row being read: parsed cells or problems naming the row and column.
pub(crate) struct Cells<'a> {
    pub layout: &'a Layout,
    pub row: &'a Row,
    pub problems: Vec<Problem>,
}

impl<'a> Cells<'a> {
    pub(crate) fn new(layout: &'a Layout, row: &'a Row) -> Self {
        Self { layout, row, problems: Vec::new() }
    }

    /// The trimmed text of the cell ("" when blank or the column is absent).
    pub(crate) fn raw(&self, key: &str) -> &'a str {
        self.layout.cell(self.row, key)
    }

    /// Records a problem with this row's cell of `key`.
    pub(crate) fn problem(&mut self, key: &str, message: impl Into<String>) {
        let column = self.layout.name(key);
        self.problems.push(Problem::at(self.row.number, Some(&column), message));
    }

    /// A value that must be given; blank or unparsable cells are recorded as problems.
    pub(crate) fn required<T>(&mut self, key: &str, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        let raw = self.raw(key);
        if raw.is_empty() {
            self.problem(key, "a value is required");
            return None;
        }
        self.optional(key, parse)
    }

    /// A value that may be left blank (None); unparsable cells are recorded as problems (None too).
    pub(crate) fn optional<T>(&mut self, key: &str, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        let raw = self.raw(key);
        if raw.is_empty() {
            return None;
        }
        match parse(raw) {
            Ok(v) => Some(v),
            Err(message) => {
                self.problem(key, message);
                None
            }
        }
    }
}
