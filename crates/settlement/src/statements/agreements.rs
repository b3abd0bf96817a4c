//! Mutual-use agreements (広域化協定): the host pays facilities for every member's residents,
//! each member bears exactly its own residents' public cost, the host claims the rest from
//! the members, and all claims are netted into one transfer per municipality through the
//! prefecture.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use sango_domain::{DomainError, DomainResult, LgCode, Yen};

use super::{Ledger, totals_by};
use crate::period::Period;

/// A mutual-use agreement: `host` contracts the facilities; `members` share the cost.
/// The host is a member whether or not `members` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Agreement {
    pub id: String,
    pub host: LgCode,
    pub members: Vec<LgCode>,
}

impl Agreement {
    pub fn validate(&self) -> DomainResult<()> {
        if self.id.trim().is_empty() {
            return Err(DomainError::invalid("id", "an agreement needs an id"));
        }
        let mut seen = BTreeSet::new();
        if let Some(m) = self.members.iter().find(|m| !seen.insert(**m)) {
            return Err(DomainError::invalid("members", format!("{m} listed twice")));
        }
        Ok(())
    }

    /// The host and the listed members, sorted.
    pub fn all_members(&self) -> BTreeSet<LgCode> {
        self.members.iter().copied().chain([self.host]).collect()
    }

    pub fn includes(&self, m: LgCode) -> bool {
        self.host == m || self.members.contains(&m)
    }
}

/// The settlement of every agreement for a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgreementSettlement {
    pub period: Period,
    /// By agreement id.
    pub agreements: Vec<AgreementStatement>,
    /// Every municipality with a claim, by code.
    pub balances: Vec<Balance>,
    /// One per non-zero balance, by municipal code.
    pub transfers: Vec<Transfer>,
}

/// One agreement's cost and who bears it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgreementStatement {
    pub id: String,
    pub host: LgCode,
    pub uses: u64,
    /// What the host paid facilities under the agreement.
    pub total_public_cost: Yen,
    /// Every member (host included), by code; the shares sum to `total_public_cost`.
    pub members: Vec<MemberShare>,
    /// Host → member claims for members other than the host, non-zero only.
    pub claims: Vec<Claim>,
}

/// A member's residents' use under an agreement, and the cost it bears: exactly their public cost.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberShare {
    pub municipality: LgCode,
    pub uses: u64,
    pub borne: Yen,
}

/// `debtor` owes `creditor` (the host) `amount`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Claim {
    pub creditor: LgCode,
    pub debtor: LgCode,
    pub amount: Yen,
}

/// A municipality's position across all agreements; `net` = receivable − payable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Balance {
    pub municipality: LgCode,
    pub receivable: Yen,
    pub payable: Yen,
    pub net: Yen,
}

/// Which way money moves between a municipality and the prefecture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Direction {
    ToPrefecture,
    FromPrefecture,
}

/// One netted payment between a municipality and the prefecture; `amount` > 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transfer {
    pub municipality: LgCode,
    pub direction: Direction,
    pub amount: Yen,
}

impl Transfer {
    /// The amount from the municipality's side: positive when it receives.
    pub fn signed(&self) -> Yen {
        match self.direction {
            Direction::FromPrefecture => self.amount,
            Direction::ToPrefecture => Yen(-self.amount.0),
        }
    }
}

/// Settles every agreement over the uses of `period`.
pub fn agreement_settlement(ledger: &Ledger, period: Period) -> AgreementSettlement {
    let by_member = totals_by(
        ledger
            .in_period(period)
            .filter(|u| u.key.agreement.is_some()),
        |u| {
            (
                u.key.agreement.clone().unwrap_or_default(),
                u.key.resident,
            )
        },
    );
    let mut statements = Vec::new();
    let mut positions: BTreeMap<LgCode, (Yen, Yen)> = BTreeMap::new();
    for a in ledger.agreements() {
        let mut st = AgreementStatement {
            id: a.id.clone(),
            host: a.host,
            uses: 0,
            total_public_cost: Yen::ZERO,
            members: Vec::new(),
            claims: Vec::new(),
        };
        for m in a.all_members() {
            let t = by_member
                .get(&(a.id.clone(), m))
                .copied()
                .unwrap_or_default();
            st.uses += t.uses;
            st.total_public_cost = st.total_public_cost + t.public_cost;
            st.members.push(MemberShare {
                municipality: m,
                uses: t.uses,
                borne: t.public_cost,
            });
            if m != a.host && t.public_cost != Yen::ZERO {
                st.claims.push(Claim {
                    creditor: a.host,
                    debtor: m,
                    amount: t.public_cost,
                });
                let host = positions.entry(a.host).or_default();
                host.0 = host.0 + t.public_cost;
                let member = positions.entry(m).or_default();
                member.1 = member.1 + t.public_cost;
            }
        }
        statements.push(st);
    }
    let balances: Vec<Balance> = positions
        .into_iter()
        .map(|(m, (receivable, payable))| Balance {
            municipality: m,
            receivable,
            payable,
            net: receivable - payable,
        })
        .collect();
    let transfers = net_through_prefecture(&balances);
    AgreementSettlement {
        period,
        agreements: statements,
        balances,
        transfers,
    }
}

/// One transfer per non-zero balance: debtors pay the prefecture, creditors are paid by it.
/// Since the balances sum to zero, so do the transfers; no scheme through the prefecture needs
/// fewer, as every municipality with a non-zero balance must move money at least once.
pub fn net_through_prefecture(balances: &[Balance]) -> Vec<Transfer> {
    let mut out: Vec<Transfer> = balances
        .iter()
        .filter(|b| b.net != Yen::ZERO)
        .map(|b| Transfer {
            municipality: b.municipality,
            direction: if b.net > Yen::ZERO {
                Direction::FromPrefecture
            } else {
                Direction::ToPrefecture
            },
            amount: Yen(b.net.0.abs()),
        })
        .collect();
    out.sort_by_key(|t| t.municipality);
    out
}
