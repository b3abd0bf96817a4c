//! Printable settlement statements: the same tables the CSV and XLSX exports write, typeset with
//! typst as an A4 PDF to print and stamp (和暦 title, issuer, date, a 印 box, yen with thousands
//! separators and △ for negatives). Byte-identical for the same input. The Japanese font is read
//! from the system (Debian's `fonts-noto-cjk`) or from a configured path; that is the only IO.

pub mod fonts;
pub mod layout;
pub mod render;

pub use fonts::{FONT_ENV, FontSet};
pub use layout::{Letterhead, amount, wareki_date};
pub use render::{Rendered, render};

use std::path::PathBuf;

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("no Japanese font found (looked at {}); install Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk) or set {FONT_ENV} to a .ttc/.otf/.ttf file", list(.tried))]
    FontMissing { tried: Vec<PathBuf> },
    #[error("the font file {path} cannot be used: {reason}")]
    FontUnreadable { path: PathBuf, reason: String },
    #[error("the statement could not be typeset: {0}")]
    Typeset(String),
}

fn list(paths: &[PathBuf]) -> String {
    paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
}
