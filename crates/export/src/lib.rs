//! Files finance staff can open: settlement statements as tables, written as CSV (UTF-8 with BOM,
//! or CP932 on request, refusing characters CP932 cannot hold) or as an XLSX workbook with yen
//! number formats and 和暦 headings. Pure: tables in, bytes out, byte-identical for the same input.

pub mod agreements;
pub mod csv;
pub mod tables;
pub mod xlsx;

pub use agreements::agreement_tables;
pub use tables::{Cell, Names, Table, statement_tables};

/// Why a file could not be written.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExportError {
    #[error("'{text}' in table {table} cannot be written in CP932 (character '{character}'); export as UTF-8 instead")]
    NotCp932 { table: String, text: String, character: char },
    #[error("the workbook could not be written: {0}")]
    Xlsx(String),
}
