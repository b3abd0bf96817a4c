//! Statements as plain tables: a title (with the 和暦 fiscal year), column headings, and rows of
//! text or yen cells.

use std::collections::HashMap;

use sango_domain::{LgCode, Yen};
use sango_settlement::{FacilityInvoice, GrantStatement, MunicipalityPayables, PrefectureSummary};

/// One cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Count(u64),
    Yen(Yen),
    /// A quantity with one decimal (km, say), held in tenths so that tables stay exact.
    Tenths(i64),
}

/// A titled table; `name` is the sheet and file name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub title: String,
    pub headings: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

/// Names to print beside codes and ids.
#[derive(Clone, Debug, Default)]
pub struct Names {
    pub municipalities: HashMap<LgCode, String>,
    pub facilities: HashMap<i64, String>,
}

impl Names {
    pub(crate) fn muni(&self, c: LgCode) -> Cell {
        Cell::Text(match self.municipalities.get(&c) {
            Some(n) => format!("{c} {n}"),
            None => c.to_string(),
        })
    }

    fn facility(&self, id: i64) -> Cell {
        Cell::Text(match self.facilities.get(&id) {
            Some(n) => format!("{id} {n}"),
            None => id.to_string(),
        })
    }
}

fn yes(b: bool) -> Cell {
    Cell::Text(if b { "越境" } else { "" }.into())
}

/// The tables of a report: facility invoices, municipality payables, the 精算書 and, for a
/// prefecture, its summary. `period` is shown in titles, e.g. `令和7年度` or `令和7年度 2025年6月分`.
pub fn statement_tables(period: &str, invoices: &[FacilityInvoice], payables: &[MunicipalityPayables], grants: &[GrantStatement], prefectures: &[PrefectureSummary], names: &Names) -> Vec<Table> {
    let mut out = vec![
        Table {
            name: "施設請求".into(),
            title: format!("{period} 産後ケア事業 施設別請求額"),
            headings: vec!["施設", "施設所在地", "請求先", "住民の市町村", "越境", "利用件数", "総費用", "利用者負担", "請求額"],
            rows: invoices
                .iter()
                .flat_map(|inv| {
                    inv.lines.iter().map(move |l| {
                        vec![names.facility(inv.facility_id), names.muni(inv.facility_municipality), names.muni(l.billed_to), names.muni(l.resident), yes(l.cross_boundary), Cell::Count(l.totals.uses), Cell::Yen(l.totals.gross_cost), Cell::Yen(l.totals.user_payments), Cell::Yen(l.totals.public_cost)]
                    })
                })
                .collect(),
        },
        Table {
            name: "市町村支払".into(),
            title: format!("{period} 産後ケア事業 市町村別支払額"),
            headings: vec!["市町村", "施設", "施設所在地", "越境", "利用件数", "支払額"],
            rows: payables
                .iter()
                .flat_map(|p| p.lines.iter().map(move |l| vec![names.muni(p.municipality), names.facility(l.facility_id), names.muni(l.facility_municipality), yes(l.cross_boundary), Cell::Count(l.totals.uses), Cell::Yen(l.totals.public_cost)]))
                .collect(),
        },
        Table {
            name: "精算書".into(),
            title: format!("{period} 産後ケア事業 精算書（子ども・子育て支援交付金）"),
            headings: vec![
                "市町村", "適用規程", "(A)総事業費", "(B)寄付金その他の収入額", "(C)差引額", "(D)対象経費の実支出額", "(E)基準額", "(F)選定額", "(G)国庫補助基本額×補助率", "(H)交付決定額", "(I)受入済額", "(J)差引過不足額", "県補助額", "市町村負担額",
            ],
            rows: grants
                .iter()
                .map(|g| {
                    vec![
                        names.muni(g.municipality),
                        Cell::Text(g.rule_set.clone()),
                        Cell::Yen(g.total_cost),
                        Cell::Yen(g.other_income),
                        Cell::Yen(g.net_cost),
                        Cell::Yen(g.eligible_expenditure),
                        Cell::Yen(g.standard_amount),
                        Cell::Yen(g.selected),
                        Cell::Yen(g.national_grant),
                        Cell::Yen(g.decided),
                        Cell::Yen(g.received),
                        Cell::Yen(g.difference),
                        Cell::Yen(g.prefecture_grant),
                        Cell::Yen(g.municipal_burden),
                    ]
                })
                .collect(),
        },
    ];
    for p in prefectures {
        let mut rows: Vec<Vec<Cell>> = p
            .lines
            .iter()
            .map(|l| vec![names.muni(l.municipality), Cell::Yen(l.eligible_expenditure), Cell::Yen(l.national_grant), Cell::Yen(l.prefecture_grant), Cell::Yen(l.top_ups), Cell::Yen(l.prefecture_cost)])
            .collect();
        rows.push(vec![Cell::Text("合計".into()), Cell::Yen(p.total_eligible), Cell::Yen(p.national_claim), Cell::Yen(p.total_prefecture_grant), Cell::Yen(p.total_top_ups), Cell::Yen(p.total_prefecture_cost)]);
        out.push(Table {
            name: format!("県集計{}", p.prefecture),
            title: format!("{period} 産後ケア事業 県負担額・国庫請求額"),
            headings: vec!["市町村", "対象経費", "国庫補助額", "県補助額（1/4）", "県上乗せ", "県負担計"],
            rows,
        });
    }
    out
}
