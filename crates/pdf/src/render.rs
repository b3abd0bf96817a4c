//! Typesetting: the template and the tables through typst, then typst-pdf with fixed metadata
//! (no creation date, a fixed document id), so that the same input gives the same bytes.

use sango_export::Table;
use typst::foundations::Smart;
use typst::layout::{Frame, FrameItem};
use typst_as_lib::TypstEngine;
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

use crate::PdfError;
use crate::fonts::FontSet;
use crate::layout::{Letterhead, inputs};

const TEMPLATE: &str = include_str!("statement.typ");

/// A typeset statement.
#[derive(Clone, Debug)]
pub struct Rendered {
    /// The PDF file.
    pub bytes: Vec<u8>,
    /// The text laid out on each page, in the order of the layout, runs joined without
    /// separators (a cell wrapped over two lines reads as one string).
    pub pages: Vec<String>,
}

/// Typesets `tables` under one letterhead.
pub fn render(tables: &[Table], head: &Letterhead, fonts: &FontSet) -> Result<Rendered, PdfError> {
    let engine = TypstEngine::builder().main_file(TEMPLATE).fonts(fonts.fonts.iter().cloned()).build();
    let doc: PagedDocument = engine.compile_with_input(inputs(tables, head, fonts.family())).output.map_err(|e| PdfError::Typeset(e.to_string()))?;
    let options = PdfOptions {
        ident: Smart::Custom("sango-hub settlement statement".into()),
        creator: Smart::Custom(Some("Sango Hub".into())),
        timestamp: None,
        ..PdfOptions::default()
    };
    let bytes = typst_pdf::pdf(&doc, &options).map_err(|diags| PdfError::Typeset(diags.iter().map(|d| d.message.to_string()).collect::<Vec<_>>().join("; ")))?;
    let pages = doc
        .pages()
        .iter()
        .map(|p| {
            let mut s = String::new();
            collect_text(&p.frame, &mut s);
            s
        })
        .collect();
    Ok(Rendered { bytes, pages })
}

fn collect_text(frame: &Frame, out: &mut String) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Text(t) => {
                out.push_str(&t.text);
            }
            FrameItem::Group(g) => collect_text(&g.frame, out),
            _ => {}
        }
    }
}
