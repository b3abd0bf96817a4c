//! Sango Hub's import parser: CSV (UTF-8 or Shift_JIS) and XLSX files of facilities, contracts
//! and programme rules, turned into validated domain values or a report of every problem.
//! Pure: bytes in, values out; no database, no file IO.

mod columns;
mod contracts;
mod facilities;
mod programs;
mod report;
mod table;
mod values;
mod xlsx;

use std::fmt;
use std::str::FromStr;

use sango_domain::DomainError;

pub use contracts::{ContractRow, parse_contracts};
pub use facilities::{FacilityRow, parse_facilities};
pub use programs::{ProgramImport, parse_programs};
pub use report::{ImportReport, Problem};

/// What a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImportKind {
    Facilities,
    Contracts,
    Programs,
}

impl ImportKind {
    pub const ALL: &'static [ImportKind] = &[ImportKind::Facilities, ImportKind::Contracts, ImportKind::Programs];

    /// Parses `facilities`, `contracts` or `programs` (ignoring case and surrounding spaces).
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        Self::ALL
            .iter()
            .copied()
            .find(|k| s.trim().eq_ignore_ascii_case(k.as_str()))
            .ok_or_else(|| DomainError::invalid("kind", format!("'{s}' is not one of facilities, contracts, programs")))
    }

    /// `facilities`, `contracts` or `programs`.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Facilities => "facilities",
            ImportKind::Contracts => "contracts",
            ImportKind::Programs => "programs",
        }
    }

    /// The XLSX sheet names accepted for this kind: the English and the Japanese.
    pub fn sheet_names(self) -> &'static [&'static str] {
        match self {
            ImportKind::Facilities => &["facilities", "施設"],
            ImportKind::Contracts => &["contracts", "契約"],
            ImportKind::Programs => &["programs", "事業"],
        }
    }
}

impl fmt::Display for ImportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ImportKind {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, DomainError> {
        Self::parse(s)
    }
}

/// The sample file of a kind (UTF-8 CSV with Japanese headers, Tottori codes, synthetic facilities),
/// as shipped in `crates/import/samples/`.
pub fn sample(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Facilities => include_str!("../samples/facilities.csv"),
        ImportKind::Contracts => include_str!("../samples/contracts.csv"),
        ImportKind::Programs => include_str!("../samples/programs.csv"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_their_names() {
        for k in ImportKind::ALL {
            assert_eq!(ImportKind::parse(k.as_str()).unwrap(), *k);
        }
        assert_eq!(" Programs ".parse::<ImportKind>().unwrap(), ImportKind::Programs);
        assert_eq!(ImportKind::parse("rules").unwrap_err().field, "kind");
    }
}
