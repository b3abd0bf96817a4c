//! The problem report: every bad row and column of an import, with the reason.

use std::collections::HashSet;
use std::fmt;

use serde::Serialize;

/// One thing wrong with an import file.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Problem {
    /// The row as a user sees it: the header is row 1, the first data row is row 2 (for XLSX, the
    /// sheet's row number). None for problems of the whole file or of a missing column.
    pub row: Option<usize>,
    /// The column header as written in the file, or the canonical name of a missing column.
    pub column: Option<String>,
    pub message: String,
}

impl Problem {
    /// A problem of the whole file.
    pub fn file(message: impl Into<String>) -> Self {
        Self { row: None, column: None, message: message.into() }
    }

    /// A problem of one row (and optionally one column).
    pub fn at(row: usize, column: Option<&str>, message: impl Into<String>) -> Self {
        Self { row: Some(row), column: column.map(str::to_string), message: message.into() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.row, &self.column) {
            (Some(r), Some(c)) => write!(f, "row {r}, column {c}: {}", self.message),
            (Some(r), None) => write!(f, "row {r}: {}", self.message),
            (None, Some(c)) => write!(f, "column {c}: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

/// Why a file was refused: every problem found, file-level ones first, then by row.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub problems: Vec<Problem>,
}

impl ImportReport {
    /// A report of the given problems without repeats, sorted by row (stable, so a row's problems
    /// keep the order in which they were found).
    pub fn new(mut problems: Vec<Problem>) -> Self {
        let mut seen = HashSet::new();
        problems.retain(|p| seen.insert(p.clone()));
        problems.sort_by_key(|p| p.row);
        Self { problems }
    }

    /// A report of a single problem of the whole file.
    pub fn file(message: impl Into<String>) -> Self {
        Self { problems: vec![Problem::file(message)] }
    }

    /// `Ok(value)` if nothing was found wrong, otherwise the report.
    pub(crate) fn or_ok<T>(problems: Vec<Problem>, value: T) -> Result<T, ImportReport> {
        if problems.is_empty() { Ok(value) } else { Err(Self::new(problems)) }
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportReport {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_problem_sorted_by_row() {
        let r = ImportReport::new(vec![
            Problem::at(3, Some("定員"), "must not be negative"),
            Problem::file("whole file"),
            Problem::at(2, None, "too few fields"),
        ]);
        assert_eq!(r.to_string(), "whole file\nrow 2: too few fields\nrow 3, column 定員: must not be negative");
    }
}
