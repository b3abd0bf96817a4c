//! `sango-hub settle` on a seeded demo year: statements as PDF (one file, byte-identical on a
//! second run, with the totals the XLSX holds), and a clear error when the font is missing.

use crate::support::{DataDir, Server, text};

/// A demo data directory (seeded by `sango-hub demo`, then stopped).
fn seeded() -> DataDir {
    let dir = DataDir::new();
    drop(Server::demo_in(dir.path()));
    dir
}

#[test]
fn statements_print_as_a_pdf_that_is_the_same_on_every_run() {
    let dir = seeded();
    let out = dir.path().join("out");
    let out_s = out.to_str().unwrap();
    let args = ["settle", "--fiscal-year", "2025", "--municipality", "312011", "--format", "pdf", "--out", out_s];
    let printed = dir.run_ok(&args);
    let path = printed.trim();
    assert!(path.ends_with("settlement-FY2025-312011.pdf"), "{printed}");
    let first = std::fs::read(path).unwrap();
    assert!(first.starts_with(b"%PDF-"), "not a PDF");
    let body = String::from_utf8_lossy(&first);
    let pages = body.matches("/Type/Page").count() - body.matches("/Type/Pages").count();
    assert!(pages >= 3, "invoices, payables and the 精算書 each start a page: {pages}");
    dir.run_ok(&args);
    assert_eq!(std::fs::read(path).unwrap(), first, "the same statements give the same bytes");
}

#[test]
fn a_missing_font_is_a_clear_error_and_writes_nothing() {
    let dir = seeded();
    let out = dir.path().join("out");
    let result = dir.run(&["settle", "--fiscal-year", "2025", "--format", "pdf", "--font", "/nonexistent/NotoSansCJK.ttc", "--out", out.to_str().unwrap()]);
    assert!(!result.status.success());
    let err = text(&result.stderr);
    assert!(err.contains("/nonexistent/NotoSansCJK.ttc") && err.contains("fonts-noto-cjk"), "{err}");
    assert!(!out.exists() || std::fs::read_dir(&out).unwrap().next().is_none(), "nothing written");
    let bad = dir.run(&["settle", "--fiscal-year", "2025", "--format", "docx", "--out", out.to_str().unwrap()]);
    assert!(text(&bad.stderr).contains("xlsx, csv or pdf"), "{}", text(&bad.stderr));
}

#[test]
fn the_demo_agreement_gets_sheets_of_its_own() {
    let dir = seeded();
    let out = dir.path().join("out");
    let printed = dir.run_ok(&["settle", "--fiscal-year", "2025", "--format", "csv", "--out", out.to_str().unwrap()]);
    let files: Vec<&str> = printed.lines().collect();
    let shares = files.iter().find(|f| f.ends_with("-協定負担.csv")).unwrap_or_else(|| panic!("no agreement sheet in {printed}"));
    assert!(files.iter().any(|f| f.ends_with("-協定振替.csv")), "{printed}");
    let text = String::from_utf8(std::fs::read(shares).unwrap()).unwrap();
    assert!(text.contains("demo-312011") && text.contains("幹事"), "{text}");
    assert!(text.lines().count() > 3, "the host and its members each have a row: {text}");
}
