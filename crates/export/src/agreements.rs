//! The mutual-use agreements of a period as tables: what each member bears and owes its host
//! under each agreement, and each municipality's balance with the one netted transfer through
//! the prefecture that settles it.

use sango_domain::Yen;
use sango_settlement::{AgreementSettlement, Direction};

use crate::tables::{Cell, Names, Table};

/// Two tables: `協定負担` (per agreement and member) and `協定振替` (per municipality).
pub fn agreement_tables(period: &str, s: &AgreementSettlement, names: &Names) -> Vec<Table> {
    let shares = s
        .agreements
        .iter()
        .flat_map(|a| {
            a.members.iter().map(move |m| {
                let owed = a.claims.iter().find(|c| c.debtor == m.municipality).map_or(Yen::ZERO, |c| c.amount);
                let host = if m.municipality == a.host { "幹事" } else { "" };
                vec![Cell::Text(a.id.clone()), names.muni(a.host), names.muni(m.municipality), Cell::Text(host.into()), Cell::Count(m.uses), Cell::Yen(m.borne), Cell::Yen(owed)]
            })
        })
        .collect();
    let transfer = |m| s.transfers.iter().find(|t| t.municipality == m);
    let balances = s
        .balances
        .iter()
        .map(|b| {
            let t = transfer(b.municipality);
            let (to_pref, from_pref) = match t.map(|t| (t.direction, t.amount)) {
                Some((Direction::ToPrefecture, y)) => (y, Yen::ZERO),
                Some((Direction::FromPrefecture, y)) => (Yen::ZERO, y),
                None => (Yen::ZERO, Yen::ZERO),
            };
            vec![names.muni(b.municipality), Cell::Yen(b.receivable), Cell::Yen(b.payable), Cell::Yen(b.net), Cell::Yen(to_pref), Cell::Yen(from_pref)]
        })
        .collect();
    vec![
        Table {
            name: "協定負担".into(),
            title: format!("{period} 産後ケア事業 広域化協定 市町村別負担額"),
            headings: vec!["協定", "幹事市町村", "構成市町村", "幹事", "利用件数", "負担額", "幹事への支払額"],
            rows: shares,
        },
        Table {
            name: "協定振替".into(),
            title: format!("{period} 産後ケア事業 広域化協定 県を通じた相殺精算"),
            headings: vec!["市町村", "受取額", "支払額", "差引", "県へ納付", "県から交付"],
            rows: balances,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use sango_domain::LgCode;
    use sango_settlement::{AgreementStatement, Balance, Claim, MemberShare, Period, Transfer};

    #[test]
    fn each_member_and_each_transfer_is_one_row() {
        let c = |s: &str| LgCode::parse(s).unwrap();
        let first = chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        let s = AgreementSettlement {
            period: Period::new(first, first).unwrap(),
            agreements: vec![AgreementStatement {
                id: "east".into(),
                host: c("312011"),
                uses: 3,
                total_public_cost: Yen(120_000),
                members: vec![MemberShare { municipality: c("312011"), uses: 1, borne: Yen(40_000) }, MemberShare { municipality: c("312029"), uses: 2, borne: Yen(80_000) }],
                claims: vec![Claim { creditor: c("312011"), debtor: c("312029"), amount: Yen(80_000) }],
            }],
            balances: vec![
                Balance { municipality: c("312011"), receivable: Yen(80_000), payable: Yen::ZERO, net: Yen(80_000) },
                Balance { municipality: c("312029"), receivable: Yen::ZERO, payable: Yen(80_000), net: Yen(-80_000) },
            ],
            transfers: vec![
                Transfer { municipality: c("312011"), direction: Direction::FromPrefecture, amount: Yen(80_000) },
                Transfer { municipality: c("312029"), direction: Direction::ToPrefecture, amount: Yen(80_000) },
            ],
        };
        let t = agreement_tables("令和7年度", &s, &Names::default());
        assert_eq!(t[0].rows.len(), 2);
        assert_eq!(t[0].rows[1][6], Cell::Yen(Yen(80_000)), "米子市 owes the host its residents' cost");
        assert_eq!(t[0].rows[0][6], Cell::Yen(Yen::ZERO));
        assert_eq!(t[1].rows[0][5], Cell::Yen(Yen(80_000)));
        assert_eq!(t[1].rows[1][4], Cell::Yen(Yen(80_000)));
    }
}
