//! PDF statements from real settlement tables: the file is a PDF, its pages and text hold what the
//! tables say, and the same input gives the same bytes.

use chrono::NaiveDate;
use sango_domain::{LgCode, Yen};
use sango_export::{Cell, Names, Table, statement_tables};
use sango_pdf::{FontSet, Letterhead, render};
use sango_settlement::{Ledger, Period, builtin_rule_sets, facility_invoices, fiscal_year_statements, municipality_payables, prefecture_summary};

fn fonts() -> FontSet {
    FontSet::locate(None).expect("fonts-noto-cjk is installed (.ci/run installs it)")
}

fn head() -> Letterhead {
    Letterhead { issuer: "鳥取県 子ども家庭部".into(), date: NaiveDate::from_ymd_opt(2026, 4, 10), note: Some("規程 FY2025".into()) }
}

fn table(rows: usize) -> Table {
    Table {
        name: "精算書".into(),
        title: "令和7年度 産後ケア事業 精算書".into(),
        headings: vec!["市町村", "利用件数", "(J)差引過不足額"],
        rows: (0..rows).map(|i| vec![Cell::Text(format!("31201{} 鳥取市", i % 10)), Cell::Count(i as u64 + 1), Cell::Yen(Yen(-1_234_000 - i as i64))]).collect(),
    }
}

/// Pages counted in the file itself: the page objects, which must agree with the page tree's count.
fn pdf_pages(bytes: &[u8]) -> usize {
    let s = String::from_utf8_lossy(bytes);
    let objects = s.matches("/Type/Page").count() - s.matches("/Type/Pages").count();
    let tree = s.split("/Type/Pages/Count ").nth(1).and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next()).and_then(|n| n.parse::<usize>().ok());
    assert_eq!(tree, Some(objects), "the page tree counts every page object");
    objects
}

#[test]
fn a_short_table_is_one_stamped_page_with_its_amounts() {
    let r = render(&[table(3)], &head(), &fonts()).unwrap();
    assert!(r.bytes.starts_with(b"%PDF-"));
    assert_eq!(r.pages.len(), 1);
    assert_eq!(pdf_pages(&r.bytes), 1);
    let text = &r.pages[0];
    for expected in ["令和7年度", "精算書", "鳥取県", "令和8年4月10日", "印", "312010", "鳥取市", "△1,234,000", "△1,234,002", "1 / 1"] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
}

#[test]
fn each_table_starts_a_page_and_long_tables_repeat_their_headings() {
    let r = render(&[table(2), table(150), table(0)], &head(), &fonts()).unwrap();
    let pages = r.pages.len();
    assert!(pages >= 4, "150 rows do not fit on one page: {pages}");
    assert_eq!(pdf_pages(&r.bytes), pages);
    // Every page carries the column headings; the empty table says so.
    assert!(r.pages.iter().all(|p| p.contains("差引過不足額")));
    assert!(r.pages.last().unwrap().contains("該当なし"));
    // The long table's last row is on its last page, and no row is lost.
    let rows_printed: usize = r.pages.iter().map(|p| p.matches("鳥取市").count()).sum();
    assert_eq!(rows_printed, 152);
    assert!(r.pages[pages - 2].contains("△1,234,149"));
    assert!(r.pages.last().unwrap().contains(&format!("{pages} / {pages}")));
}

#[test]
fn the_same_input_gives_the_same_bytes_and_other_input_other_bytes() {
    let f = fonts();
    let a = render(&[table(20)], &head(), &f).unwrap().bytes;
    let b = render(&[table(20)], &head(), &f).unwrap().bytes;
    assert_eq!(a, b);
    let undated = Letterhead { date: None, ..head() };
    let c = render(&[table(20)], &undated, &f).unwrap();
    assert_ne!(a, c.bytes);
    assert!(c.pages[0].contains("令和　　年　　月　　日"));
}

#[test]
fn settlement_statements_print_their_totals() {
    use sango_domain::{Additions, FiscalYear, HouseholdTier, ServiceType};
    use sango_settlement::UseInput;
    let tottori = LgCode::parse("312011").unwrap();
    let kurayoshi = LgCode::parse("312029").unwrap();
    let fy = FiscalYear::new(2025).unwrap();
    let uses: Vec<UseInput> = (0..6u32)
        .map(|i| UseInput {
            booking: format!("B{i}"),
            date: NaiveDate::from_ymd_opt(2025, 6, 1 + i).unwrap(),
            resident: if i % 2 == 0 { tottori } else { kurayoshi },
            facility_id: 7,
            facility_municipality: tottori,
            service_type: ServiceType::DayCare,
            tier: HouseholdTier::Taxed,
            use_ordinal: i / 2 + 1,
            infants: 1,
            sibling: false,
            over_four_months: false,
            high_need: false,
            unit_price: Yen(30_000),
            additions: Additions::default(),
            user_fee: Yen(3_000),
            agreement: None,
        })
        .collect();
    let ledger = Ledger::new(&builtin_rule_sets(), &[], &uses).unwrap();
    let invoices = facility_invoices(&ledger, Period::fiscal_year(fy));
    let payables = municipality_payables(&ledger, Period::fiscal_year(fy));
    let grants = fiscal_year_statements(&ledger, fy, &[]).unwrap();
    let summary = prefecture_summary(tottori.prefecture(), fy, &grants);
    let mut names = Names::default();
    names.municipalities.insert(tottori, "鳥取市".into());
    names.municipalities.insert(kurayoshi, "倉吉市".into());
    names.facilities.insert(7, "さんごの家".into());
    let tables = statement_tables(&fy.wareki(), &invoices, &payables, &grants, std::slice::from_ref(&summary), &names);
    let r = render(&tables, &head(), &fonts()).unwrap();
    assert_eq!(r.pages.len(), tables.len());
    let all = r.pages.join("\n");
    for name in ["鳥取市", "倉吉市", "さんごの家", "令和7年度"] {
        assert!(all.contains(name), "{name}");
    }
    // The prefecture's totals, as the summary computed them, are on its page.
    let last = r.pages.last().unwrap();
    for total in [summary.total_eligible, summary.national_claim, summary.total_prefecture_cost] {
        assert!(last.contains(&sango_pdf::amount(total.0)), "{} missing:\n{last}", total.0);
    }
    let public: i64 = invoices.iter().flat_map(|i| &i.lines).map(|l| l.totals.public_cost.0).sum();
    assert!(r.pages[0].contains(&sango_pdf::amount(public / 2)), "each municipality's share of 6 equal uses is on the invoice page");
}

