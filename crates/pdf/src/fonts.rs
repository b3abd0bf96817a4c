//! Finding the Japanese font at run time: a configured file, else the Noto Sans CJK files that
//! Debian's `fonts-noto-cjk` (and other distributions) install. Fonts are parsed once and shared.

use std::path::{Path, PathBuf};

use typst::foundations::Bytes;
use typst::text::Font;

use crate::PdfError;

/// The environment variable that names a font file to use instead of the system's.
pub const FONT_ENV: &str = "SANGO_PDF_FONT";

/// Where distributions put Noto Sans CJK: regular first, bold beside it.
const SYSTEM_FONTS: &[&str] = &[
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
];

/// The family the statements prefer when the fonts hold it.
const PREFERRED_FAMILY: &str = "Noto Sans CJK JP";

/// Parsed font faces and the family to set text in.
#[derive(Clone, Debug)]
pub struct FontSet {
    pub(crate) fonts: Vec<Font>,
    pub(crate) family: String,
}

impl FontSet {
    /// The fonts to use: `configured` (a path given on the command line or in the configuration),
    /// else the file named by [`FONT_ENV`], else the first system Noto CJK file found (with its
    /// bold face when present). A configured path that does not exist is an error, not a fallback.
    pub fn locate(configured: Option<&Path>) -> Result<FontSet, PdfError> {
        let from_env = std::env::var_os(FONT_ENV).filter(|v| !v.is_empty()).map(PathBuf::from);
        if let Some(path) = configured.map(Path::to_path_buf).or(from_env) {
            if !path.is_file() {
                return Err(PdfError::FontMissing { tried: vec![path] });
            }
            return FontSet::from_files(&[path]);
        }
        let tried: Vec<PathBuf> = SYSTEM_FONTS.iter().map(PathBuf::from).collect();
        let Some(regular) = tried.iter().find(|p| p.is_file()) else {
            return Err(PdfError::FontMissing { tried });
        };
        let bold = PathBuf::from(regular.to_string_lossy().replace("-Regular.", "-Bold."));
        let files: Vec<PathBuf> = if bold.is_file() { vec![regular.clone(), bold] } else { vec![regular.clone()] };
        FontSet::from_files(&files)
    }

    /// Reads and parses font files (collections give every face).
    pub fn from_files(paths: &[PathBuf]) -> Result<FontSet, PdfError> {
        let mut blobs = Vec::with_capacity(paths.len());
        for path in paths {
            let bytes = std::fs::read(path).map_err(|e| PdfError::FontUnreadable { path: path.clone(), reason: e.to_string() })?;
            blobs.push((path.clone(), bytes));
        }
        let mut fonts = Vec::new();
        for (path, bytes) in blobs {
            let before = fonts.len();
            fonts.extend(Font::iter(Bytes::new(bytes)));
            if fonts.len() == before {
                return Err(PdfError::FontUnreadable { path, reason: "not an OpenType/TrueType font or collection".into() });
            }
        }
        FontSet::from_fonts(fonts).ok_or_else(|| PdfError::FontMissing { tried: paths.to_vec() })
    }

    /// A set from parsed faces; `None` when there are none.
    pub fn from_fonts(fonts: Vec<Font>) -> Option<FontSet> {
        let family = if fonts.iter().any(|f| f.info().family == PREFERRED_FAMILY) {
            PREFERRED_FAMILY.to_owned()
        } else {
            fonts.first()?.info().family.clone()
        };
        Some(FontSet { fonts, family })
    }

    /// The family text is set in.
    pub fn family(&self) -> &str {
        &self.family
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configured_path_that_is_missing_is_named_in_the_error() {
        let e = FontSet::locate(Some(Path::new("/nonexistent/font.ttc"))).unwrap_err();
        let msg = e.to_string();
        assert!(matches!(e, PdfError::FontMissing { .. }));
        assert!(msg.contains("/nonexistent/font.ttc") && msg.contains("fonts-noto-cjk"), "{msg}");
    }

    #[test]
    fn a_file_that_is_not_a_font_is_refused() {
        let path = std::env::temp_dir().join(format!("sango-pdf-not-a-font-{}.ttf", std::process::id()));
        std::fs::write(&path, b"plain text").unwrap();
        let e = FontSet::from_files(std::slice::from_ref(&path)).unwrap_err();
        std::fs::remove_file(&path).ok();
        assert!(matches!(e, PdfError::FontUnreadable { .. }), "{e}");
    }

    #[test]
    fn the_system_font_is_found_with_its_japanese_family() {
        let set = FontSet::locate(None).expect("fonts-noto-cjk is installed (.ci/run installs it)");
        assert_eq!(set.family(), PREFERRED_FAMILY);
        assert!(set.fonts.iter().any(|f| f.info().variant.weight.to_number() >= 700), "the bold face is loaded too");
    }
}
