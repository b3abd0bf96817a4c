//! `sango-hub plan`: a prefecture's supply against demand for one month and type, and the optimal
//! cross-boundary plan, printed as tables or exported as CSV (UTF-8 with BOM) or XLSX.

use std::path::Path;

use anyhow::{Context, anyhow, bail};
use chrono::{Datelike, NaiveDate};
use sango_domain::{FiscalYear, PrefectureCode, Principal, ServiceType};
use sango_export::{Cell, Table};
use sango_service::desk::PlanReport;
use sango_service::{Caller, DeskQuery, Hub};

/// What `plan` was asked for, as typed on the command line.
pub struct Request<'a> {
    pub prefecture: &'a str,
    pub fiscal_year: i32,
    /// YYYY-MM, inside the fiscal year.
    pub month: &'a str,
    pub service_type: &'a str,
    pub max_km: f64,
    pub contracted_only: bool,
    /// table, csv or xlsx.
    pub format: &'a str,
    pub out: Option<&'a Path>,
}

/// Checks the arguments, each error naming its option.
pub fn query(r: &Request<'_>) -> anyhow::Result<DeskQuery> {
    let prefecture = PrefectureCode::parse(r.prefecture).map_err(|_| anyhow!("--prefecture: '{}' is not a prefecture code such as 31", r.prefecture))?;
    let fy = FiscalYear::new(r.fiscal_year).map_err(|e| anyhow!("--fiscal-year: {}", e.message))?;
    let month = NaiveDate::parse_from_str(&format!("{}-01", r.month), "%Y-%m-%d").map_err(|_| anyhow!("--month: '{}' is not YYYY-MM", r.month))?;
    if FiscalYear::containing(month) != fy {
        bail!("--month: {} is not in fiscal year {} (April {} to March {})", r.month, fy.year(), fy.year(), fy.year() + 1);
    }
    let service_type = ServiceType::parse(r.service_type).map_err(|_| anyhow!("--type: '{}' is not SHORT_STAY, DAY_CARE or OUTREACH", r.service_type))?;
    if !(0.0..=sango_service::desk::MAX_KM).contains(&r.max_km) {
        bail!("--max-km: the distance must be 0 to {} km", sango_service::desk::MAX_KM);
    }
    if !matches!(r.format, "table" | "csv" | "xlsx") {
        bail!("--format: '{}' is not table, csv or xlsx", r.format);
    }
    if r.format != "table" && r.out.is_none() {
        bail!("--out: give the file to write the {} to", r.format);
    }
    Ok(DeskQuery { prefecture, fiscal_year: fy, month: month.month(), service_type, max_km: r.max_km })
}

/// Runs the plan as an admin; prints it, or writes the file and prints its path.
pub async fn run(hub: &Hub, r: &Request<'_>) -> anyhow::Result<()> {
    let q = query(r)?;
    let admin = Caller::Principal(Principal::Admin);
    let report = hub.capacity_plan(&admin, q, r.contracted_only).await.map_err(|e| anyhow!("{e}"))?;
    let tables = tables(&report);
    match (r.format, r.out) {
        ("table", _) => print!("{}", render(&tables)),
        ("csv", Some(out)) => {
            let mut bytes = vec![0xEF, 0xBB, 0xBF];
            for (i, t) in tables.iter().enumerate() {
                if i > 0 {
                    bytes.extend_from_slice(b"\r\n");
                }
                bytes.extend_from_slice(sango_export::csv::text(t).as_bytes());
            }
            write(out, &bytes)?;
        }
        (_, Some(out)) => write(out, &sango_export::xlsx::workbook(&tables)?)?,
        (_, None) => unreachable!("checked by query()"),
    }
    Ok(())
}

fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    println!("{}", path.display());
    Ok(())
}

fn count(n: impl Into<u64>) -> Cell {
    Cell::Count(n.into())
}

fn km(x: f64) -> Cell {
    Cell::Tenths((x * 10.0).round() as i64)
}

/// The balance, the flows, what stays unmet and the contracts the plan needs.
pub fn tables(r: &PlanReport) -> Vec<Table> {
    let b = &r.balance;
    let q = b.query;
    let period = format!("{} {}年{}月 {} 最大{}km", q.fiscal_year.wareki(), b.month.year(), b.month.month(), q.service_type.label_ja(), q.max_km);
    let town = |m: sango_domain::LgCode| format!("{m} {}", b.municipalities.iter().find(|x| x.row.municipality == m).map(|x| x.name.as_str()).unwrap_or(""));
    let facility = |id: i64| format!("{id} {}", r.facility_names.get(&id).map(String::as_str).unwrap_or(""));
    let balance = Table {
        name: "需給".into(),
        title: format!("{period} 市町村別の需給（延べ枠日数）"),
        headings: vec!["市町村", "出生数", "推計", "推計の根拠", "申込等", "予約済", "需要", "未配置", "市町村内の枠", "市町村内の空き", "圏内他市町村の空き", "不足", "余剰"],
        rows: b
            .municipalities
            .iter()
            .map(|m| {
                let basis = match m.estimate.basis {
                    sango_planning::demand::Basis::Forecast => "需要予測",
                    sango_planning::demand::Basis::OwnHistory => "前年度実績",
                    sango_planning::demand::Basis::National => "全国平均",
                };
                let x = &m.row;
                vec![
                    Cell::Text(town(x.municipality)),
                    count(m.births),
                    count(x.estimated),
                    Cell::Text(basis.into()),
                    count(x.requested),
                    count(x.booked),
                    count(x.demand),
                    count(x.to_place),
                    count(x.own.capacity),
                    count(x.own.free),
                    count(x.reachable.free),
                    count(x.shortfall),
                    count(x.surplus),
                ]
            })
            .collect(),
    };
    let new: std::collections::HashSet<_> = r.plan.new_contracts.iter().copied().collect();
    let flows = Table {
        name: "計画".into(),
        title: format!("{period} 広域調整計画（{}配置、未充足 {}、計 {:.1} 人km{}）", r.plan.placed(), r.plan.unmet_total(), r.plan.total_mother_km, if r.contracted_only { "、既存契約のみ" } else { "" }),
        headings: vec!["送り出す市町村", "施設", "枠日数", "距離km", "契約"],
        rows: r
            .plan
            .flows
            .iter()
            .map(|f| vec![Cell::Text(town(f.municipality)), Cell::Text(facility(f.facility_id)), count(f.slots), km(f.km), Cell::Text(if new.contains(&(f.municipality, f.facility_id)) { "新規" } else { "既存" }.into())])
            .collect(),
    };
    let unmet = Table {
        name: "未充足".into(),
        title: format!("{period} 計画でも配置できない需要"),
        headings: vec!["市町村", "枠日数"],
        rows: r.plan.unmet.iter().map(|(m, n)| vec![Cell::Text(town(*m)), count(*n)]).collect(),
    };
    let contracts = Table {
        name: "新規契約".into(),
        title: format!("{period} 計画に必要な新規契約"),
        headings: vec!["市町村", "施設"],
        rows: r.plan.new_contracts.iter().map(|(m, f)| vec![Cell::Text(town(*m)), Cell::Text(facility(*f))]).collect(),
    };
    vec![balance, flows, unmet, contracts]
}

/// Columns a character takes in a terminal: two for East Asian wide characters (kana, kanji,
/// full-width forms), one otherwise. Close enough for the names these tables print.
fn columns(s: &str) -> usize {
    s.chars().map(|c| if matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6) { 2 } else { 1 }).sum()
}

/// `s` padded with spaces to `w` columns, on the left when `right`.
fn pad(s: &str, w: usize, right: bool) -> String {
    let fill = " ".repeat(w.saturating_sub(columns(s)));
    if right { format!("{fill}{s}") } else { format!("{s}{fill}") }
}

/// Tables as aligned plain text, numbers right-aligned.
pub fn render(tables: &[Table]) -> String {
    let mut out = String::new();
    for t in tables {
        out.push_str(&t.title);
        out.push('\n');
        if t.rows.is_empty() {
            out.push_str("  (none)\n\n");
            continue;
        }
        let cells: Vec<Vec<(String, bool)>> = t
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|c| match c {
                        Cell::Text(s) => (s.clone(), false),
                        Cell::Count(n) => (n.to_string(), true),
                        Cell::Yen(y) => (y.0.to_string(), true),
                        Cell::Tenths(n) => (format!("{:.1}", *n as f64 / 10.0), true),
                    })
                    .collect()
            })
            .collect();
        let width = |i: usize| cells.iter().map(|r| columns(&r[i].0)).chain([columns(t.headings[i])]).max().unwrap_or(0);
        let widths: Vec<usize> = (0..t.headings.len()).map(width).collect();
        let line = |items: Vec<(String, bool)>| {
            let parts: Vec<String> = items.iter().zip(&widths).map(|((s, right), w)| pad(s, *w, *right)).collect();
            format!("  {}\n", parts.join("  ").trim_end())
        };
        // Headings align as their column's cells do.
        out.push_str(&line(t.headings.iter().enumerate().map(|(i, h)| (h.to_string(), cells[0][i].1)).collect()));
        for row in cells {
            out.push_str(&line(row));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_take_two_columns_and_numbers_align_right() {
        assert_eq!(columns("312011 鳥取市"), 13);
        assert_eq!(columns("（架空）"), 8);
        let t = Table { name: "t".into(), title: "title".into(), headings: vec!["市町村", "n"], rows: vec![vec![Cell::Text("鳥取市".into()), Cell::Count(5)], vec![Cell::Text("abc".into()), Cell::Tenths(123)]] };
        assert_eq!(render(&[t]), "title\n  市町村     n\n  鳥取市     5\n  abc     12.3\n\n");
    }
}
