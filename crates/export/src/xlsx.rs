//! An XLSX workbook: one sheet per table, the 和暦 title in the first row, bold headings, yen in
//! `#,##0` with △ for negatives. Document properties carry a fixed date so that the same
//! statement gives byte-identical files.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

use crate::ExportError;
use crate::tables::{Cell, Table};

/// Yen with thousands separators; negatives as △1,234, as statements show them.
pub const YEN_FORMAT: &str = "#,##0;\"△\"#,##0";

fn err(e: rust_xlsxwriter::XlsxError) -> ExportError {
    ExportError::Xlsx(e.to_string())
}

/// The workbook's bytes.
pub fn workbook(tables: &[Table]) -> Result<Vec<u8>, ExportError> {
    let mut wb = Workbook::new();
    let fixed = ExcelDateTime::from_ymd(2000, 1, 1).map_err(err)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&fixed).set_title("産後ケア事業 精算").set_company("Sango Hub"));
    let title = Format::new().set_bold().set_font_size(14);
    let heading = Format::new().set_bold().set_background_color("#DDEBF7").set_border_bottom(rust_xlsxwriter::FormatBorder::Thin);
    let yen = Format::new().set_num_format(YEN_FORMAT);
    let tenths = Format::new().set_num_format("#,##0.0");
    for t in tables {
        let ws = wb.add_worksheet();
        ws.set_name(&t.name).map_err(err)?;
        ws.write_string_with_format(0, 0, &t.title, &title).map_err(err)?;
        for (c, h) in t.headings.iter().enumerate() {
            ws.write_string_with_format(2, c as u16, *h, &heading).map_err(err)?;
            ws.set_column_width(c as u16, if c == 0 { 24 } else { 16 }).map_err(err)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = (r + 3) as u32;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) => ws.write_string(r, c, s).map(|_| ()),
                    Cell::Count(n) => ws.write_number(r, c, *n as f64).map(|_| ()),
                    // Yen are whole numbers well inside f64's exact range (±9e15).
                    Cell::Yen(y) => ws.write_number_with_format(r, c, y.0 as f64, &yen).map(|_| ()),
                    Cell::Tenths(n) => ws.write_number_with_format(r, c, *n as f64 / 10.0, &tenths).map(|_| ()),
                }
                .map_err(err)?;
            }
        }
        ws.set_freeze_panes(3, 1).map_err(err)?;
    }
    wb.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx};
    use sango_domain::Yen;

    use super::*;

    fn tables() -> Vec<Table> {
        vec![Table {
            name: "精算書".into(),
            title: "令和7年度 産後ケア事業 精算書".into(),
            headings: vec!["市町村", "(J)差引過不足額"],
            rows: vec![vec![Cell::Text("312011 鳥取市".into()), Cell::Yen(Yen(-1_234_000))]],
        }]
    }

    #[test]
    fn the_workbook_reads_back_with_titles_and_amounts() {
        let bytes = workbook(&tables()).unwrap();
        let mut x: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        assert_eq!(x.sheet_names(), vec!["精算書".to_owned()]);
        let range = x.worksheet_range("精算書").unwrap();
        assert_eq!(range.get_value((0, 0)), Some(&Data::String("令和7年度 産後ケア事業 精算書".into())));
        assert_eq!(range.get_value((3, 1)), Some(&Data::Float(-1_234_000.0)));
    }

    #[test]
    fn the_same_tables_give_the_same_bytes() {
        assert_eq!(workbook(&tables()).unwrap(), workbook(&tables()).unwrap());
    }
}
