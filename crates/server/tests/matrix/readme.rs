//! The README's authorisation table is rendered from [`MATRIX`]: one line per resource and
//! operation, a cell per role, and the paths the test walks. `UPDATE_README=1` rewrites it.

use super::table::{MATRIX, ROLES};

const BEGIN: &str = "<!-- authorisation matrix: rendered from crates/server/tests/matrix/table.rs; UPDATE_README=1 cargo test -p sango-hub --test matrix rewrites it -->";
const END: &str = "<!-- end of the authorisation matrix -->";

/// The table as Markdown.
pub fn render() -> String {
    let mut out = String::new();
    out.push_str("| resource | operation | ");
    out.push_str(&ROLES.map(|r| r.heading()).join(" | "));
    out.push_str(" | paths checked |\n|---|---|");
    out.push_str(&"---|".repeat(ROLES.len()));
    out.push_str("---|\n");
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for row in MATRIX {
        let key = (row.resource, row.operation);
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let paths: Vec<&str> = MATRIX.iter().filter(|r| (r.resource, r.operation) == key).map(|r| r.path).collect();
        let cells: Vec<&str> = row.expect.iter().map(|o| o.cell()).collect();
        out.push_str(&format!("| {} | {} | {} | {} |\n", row.resource, row.operation, cells.join(" | "), paths.join("; ")));
    }
    out
}

#[test]
fn the_readme_table_is_the_tested_table() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme.find(BEGIN).expect("README.md has the matrix's opening marker") + BEGIN.len();
    let end = readme.find(END).expect("README.md has the matrix's closing marker");
    let table = format!("\n{}", render());
    if std::env::var("UPDATE_README").is_ok_and(|v| v == "1") {
        std::fs::write(&path, format!("{}{table}{}", &readme[..start], &readme[end..])).unwrap();
        return;
    }
    assert_eq!(&readme[start..end], table, "README.md's authorisation table differs from the tested one; run UPDATE_README=1 cargo test -p sango-hub --test matrix");
}
