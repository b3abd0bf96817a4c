//! `sango-hub settle`: statements written as XLSX, CSV or PDF files.

use std::path::Path;

use anyhow::{Context, anyhow, bail};
use chrono::{Datelike, NaiveDate};
use sango_domain::{FiscalYear, LgCode, Principal};
use sango_export::csv::Encoding;
use sango_export::{Names, agreement_tables, statement_tables};
use sango_service::{Caller, Hub};

/// What `settle` was asked for, as typed on the command line.
pub struct Request<'a> {
    pub fiscal_year: i32,
    pub month: Option<&'a str>,
    pub municipality: Option<&'a str>,
    pub format: &'a str,
    pub encoding: &'a str,
    pub out: &'a Path,
    pub issue: bool,
    /// For PDF: a font file instead of the system's.
    pub font: Option<&'a Path>,
    /// For PDF: the issuer printed on the statements.
    pub issuer: Option<&'a str>,
}

/// Writes the statements; returns the paths written.
pub async fn run(hub: &Hub, r: &Request<'_>) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let (format, out) = (r.format, r.out);
    let fy = FiscalYear::new(r.fiscal_year).map_err(|e| anyhow!("--fiscal-year: {}", e.message))?;
    let month = r
        .month
        .map(|m| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").map_err(|_| anyhow!("--month: '{m}' is not YYYY-MM")))
        .transpose()?;
    let municipality = r.municipality.map(|m| LgCode::parse(m).map_err(|e| anyhow!("--municipality: {}", e.message))).transpose()?;
    let encoding = match r.encoding {
        "utf8" | "utf-8" => Encoding::Utf8Bom,
        "cp932" | "sjis" | "shift_jis" => Encoding::Cp932,
        other => bail!("--encoding: '{other}' is not utf8 or cp932"),
    };
    if !matches!(format, "xlsx" | "csv" | "pdf") {
        bail!("--format: '{format}' is not xlsx, csv or pdf");
    }
    // Find the font before computing anything, so that a missing font fails fast.
    #[cfg(feature = "pdf")]
    let fonts = if format == "pdf" { Some(sango_pdf::FontSet::locate(r.font)?) } else { None };
    #[cfg(not(feature = "pdf"))]
    if format == "pdf" {
        bail!("--format pdf: this sango-hub was built without the `pdf` feature");
    }
    let admin = Caller::Principal(Principal::Admin);
    let report = if r.issue { hub.issue_statement(&admin, fy, month, municipality).await } else { hub.settlement(&admin, fy, month, municipality).await };
    let report = report.map_err(|e| anyhow!("{e}"))?;
    let names = names(hub).await?;
    let period = match month {
        Some(m) => format!("{} {}年{}月分", fy.wareki(), m.year(), m.month()),
        None => fy.wareki(),
    };
    let mut tables = statement_tables(&period, &report.invoices, &report.payables, &report.grants, &report.prefectures, &names);
    if !report.adjustments.is_empty() {
        let mut adj = statement_tables(&format!("{period} 追加精算（発行済み月の遅延計上分）"), &report.adjustments, &[], &[], &[], &names).remove(0);
        adj.name = "追加精算".into();
        tables.insert(1, adj);
    }
    if let Some(agreements) = report.agreements.as_ref().filter(|a| !a.agreements.is_empty()) {
        tables.extend(agreement_tables(&period, agreements, &names));
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let stem = format!("settlement-FY{}{}{}", fy.year(), month.map(|m| format!("-{}", m.format("%Y-%m"))).unwrap_or_default(), municipality.map(|m| format!("-{m}")).unwrap_or_default());
    let mut written = Vec::new();
    if format == "xlsx" {
        let path = out.join(format!("{stem}.xlsx"));
        std::fs::write(&path, sango_export::xlsx::workbook(&tables)?).with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path);
    } else if format == "pdf" {
        #[cfg(feature = "pdf")]
        if let Some(fonts) = &fonts {
            let path = out.join(format!("{stem}.pdf"));
            let issuer = r.issuer.map(str::to_owned).unwrap_or_else(|| match municipality {
                Some(m) => names.municipalities.get(&m).cloned().unwrap_or_else(|| m.to_string()),
                None => "産後ケア広域調整ハブ".to_owned(),
            });
            let head = letterhead(issuer, report.issued.as_ref());
            let pdf = sango_pdf::render(&tables, &head, fonts)?;
            std::fs::write(&path, pdf.bytes).with_context(|| format!("cannot write {}", path.display()))?;
            written.push(path);
        }
    } else {
        for t in &tables {
            let path = out.join(format!("{stem}-{}.csv", t.name));
            std::fs::write(&path, sango_export::csv::bytes(t, encoding)?).with_context(|| format!("cannot write {}", path.display()))?;
            written.push(path);
        }
    }
    Ok(written)
}

/// The letterhead of a PDF: an issued statement carries its issue date (JST), rule sets and
/// fingerprint; a draft leaves the date blank and says it is a draft.
#[cfg(feature = "pdf")]
fn letterhead(issuer: String, issued: Option<&sango_service::settlement::IssueInfo>) -> sango_pdf::Letterhead {
    match issued {
        Some(i) => {
            let jst = chrono::FixedOffset::east_opt(9 * 3600).expect("valid offset");
            let fp: String = i.fingerprint.chars().take(16).collect();
            sango_pdf::Letterhead { issuer, date: Some(i.issued_at.with_timezone(&jst).date_naive()), note: Some(format!("発行済み　適用規程 {}　入力指紋 {fp}", i.rule_sets)) }
        }
        None => sango_pdf::Letterhead { issuer, date: None, note: Some("試算（未発行）".into()) },
    }
}

async fn names(hub: &Hub) -> anyhow::Result<Names> {
    let admin = Caller::Principal(Principal::Admin);
    let ms = hub.municipalities(&admin, None).await.map_err(|e| anyhow!("{e}"))?;
    let filter = sango_service::FacilityFilter { include_inactive: true, ..Default::default() };
    let mut facilities = std::collections::HashMap::new();
    let mut after = None;
    loop {
        let page = hub.facilities(&filter, after, sango_service::facilities::MAX_PAGE).await.map_err(|e| anyhow!("{e}"))?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        facilities.extend(page.into_iter().map(|f| (f.id, f.draft.name)));
    }
    Ok(Names { municipalities: ms.into_iter().map(|m| (m.code, m.name)).collect(), facilities })
}
