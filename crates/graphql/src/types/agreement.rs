//! Mutual-use agreements and prefecture top-ups as served: an agreement's versions, its
//! settlement (statements per agreement, balances and netted transfers), and top-up versions.

use async_graphql::{Enum, InputObject, SimpleObject};
use sango_settlement::{Direction, Ratio, TopUpKind};

use crate::error::bad_input;
use crate::scalars::{Date, LgCode, Yen};

/// One version of a mutual-use agreement (広域化協定).
#[derive(SimpleObject)]
pub struct Agreement {
    /// Ties the versions of one agreement together.
    pub code: String,
    pub version: i32,
    /// Whether this is the newest version.
    pub current: bool,
    pub name: String,
    pub prefecture: String,
    /// Contracts the facilities on behalf of every member.
    pub host: LgCode,
    /// The members besides the host.
    pub members: Vec<LgCode>,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub created_at: String,
    pub created_by: String,
}

impl From<sango_store::AgreementVersion> for Agreement {
    fn from(a: sango_store::AgreementVersion) -> Self {
        Self {
            code: a.terms.code,
            version: a.version,
            current: a.current,
            name: a.terms.name,
            prefecture: a.prefecture.to_string(),
            host: LgCode(a.terms.host),
            members: a.terms.members.into_iter().map(LgCode).collect(),
            valid_from: Date(a.terms.valid_from),
            valid_to: a.terms.valid_to.map(Date),
            created_at: a.created_at.to_rfc3339(),
            created_by: a.created_by,
        }
    }
}

/// A new agreement or a new version of one.
#[derive(InputObject)]
pub struct AgreementInput {
    /// ASCII letters, digits, `-` and `_`, e.g. `tottori-east`.
    pub code: String,
    pub name: String,
    pub host: LgCode,
    /// The members besides the host, all in the host's prefecture.
    pub members: Vec<LgCode>,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
}

impl From<AgreementInput> for sango_settlement::AgreementTerms {
    fn from(i: AgreementInput) -> Self {
        Self { code: i.code, name: i.name, host: i.host.0, members: i.members.into_iter().map(|m| m.0).collect(), valid_from: i.valid_from.0, valid_to: i.valid_to.map(|d| d.0) }
    }
}

/// One member's residents' use under an agreement and the cost it bears.
#[derive(SimpleObject)]
pub struct MemberShare {
    pub municipality: LgCode,
    pub uses: u64,
    pub borne: Yen,
}

/// `debtor` owes `creditor` (the host) `amount`.
#[derive(SimpleObject)]
pub struct Claim {
    pub creditor: LgCode,
    pub debtor: LgCode,
    pub amount: Yen,
}

/// One agreement's cost in the period and who bears it.
#[derive(SimpleObject)]
pub struct AgreementStatement {
    pub code: String,
    pub host: LgCode,
    pub uses: u64,
    pub total_public_cost: Yen,
    pub members: Vec<MemberShare>,
    pub claims: Vec<Claim>,
}

/// A municipality's position across all agreements; `net` = receivable − payable.
#[derive(SimpleObject)]
pub struct AgreementBalance {
    pub municipality: LgCode,
    pub receivable: Yen,
    pub payable: Yen,
    pub net: Yen,
}

/// Which way a netted transfer goes.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum TransferDirection {
    ToPrefecture,
    FromPrefecture,
}

/// One netted payment between a municipality and the prefecture.
#[derive(SimpleObject)]
pub struct AgreementTransfer {
    pub municipality: LgCode,
    pub direction: TransferDirection,
    pub amount: Yen,
}

/// The agreements of a period: statements, balances and the fewest transfers that settle them.
#[derive(SimpleObject)]
pub struct AgreementSettlement {
    pub agreements: Vec<AgreementStatement>,
    pub balances: Vec<AgreementBalance>,
    pub transfers: Vec<AgreementTransfer>,
}

impl From<&sango_settlement::AgreementSettlement> for AgreementSettlement {
    fn from(s: &sango_settlement::AgreementSettlement) -> Self {
        Self {
            agreements: s
                .agreements
                .iter()
                .map(|a| AgreementStatement {
                    code: a.id.clone(),
                    host: LgCode(a.host),
                    uses: a.uses,
                    total_public_cost: Yen(a.total_public_cost),
                    members: a.members.iter().map(|m| MemberShare { municipality: LgCode(m.municipality), uses: m.uses, borne: Yen(m.borne) }).collect(),
                    claims: a.claims.iter().map(|c| Claim { creditor: LgCode(c.creditor), debtor: LgCode(c.debtor), amount: Yen(c.amount) }).collect(),
                })
                .collect(),
            balances: s.balances.iter().map(|b| AgreementBalance { municipality: LgCode(b.municipality), receivable: Yen(b.receivable), payable: Yen(b.payable), net: Yen(b.net) }).collect(),
            transfers: s
                .transfers
                .iter()
                .map(|t| AgreementTransfer {
                    municipality: LgCode(t.municipality),
                    direction: match t.direction {
                        Direction::ToPrefecture => TransferDirection::ToPrefecture,
                        Direction::FromPrefecture => TransferDirection::FromPrefecture,
                    },
                    amount: Yen(t.amount),
                })
                .collect(),
        }
    }
}

/// What a prefecture top-up pays.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum TopUpKindName {
    /// The prefecture pays this share of the fee left after the national reduction.
    UserFeeShare,
    /// `amount` per use for each of the first `maxUses` uses.
    PerUse,
    /// This share of the municipal share.
    MunicipalShare,
}

/// One top-up: a share (`numerator`/`denominator`) or an amount per use (`amount`, `maxUses`).
#[derive(SimpleObject, InputObject)]
#[graphql(input_name = "TopUpInput")]
pub struct TopUp {
    pub kind: TopUpKindName,
    pub numerator: Option<i64>,
    pub denominator: Option<i64>,
    pub amount: Option<Yen>,
    pub max_uses: Option<i32>,
}

impl From<&TopUpKind> for TopUp {
    fn from(k: &TopUpKind) -> Self {
        let share = |kind, r: &Ratio| TopUp { kind, numerator: Some(r.num), denominator: Some(r.den), amount: None, max_uses: None };
        match k {
            TopUpKind::UserFeeShare(r) => share(TopUpKindName::UserFeeShare, r),
            TopUpKind::MunicipalShare(r) => share(TopUpKindName::MunicipalShare, r),
            TopUpKind::PerUse { amount, max_uses } => TopUp { kind: TopUpKindName::PerUse, numerator: None, denominator: None, amount: Some(Yen(*amount)), max_uses: Some(*max_uses as i32) },
        }
    }
}

impl TopUp {
    /// The domain value; a missing or negative part is BAD_USER_INPUT naming `field.part`.
    pub fn into_kind(self, field: &str) -> async_graphql::Result<TopUpKind> {
        let need = |part: &str| bad_input(&format!("{field}.{part}"), format!("{part} is required for this kind"));
        let ratio = |t: &TopUp| -> async_graphql::Result<Ratio> { Ok(Ratio::new(t.numerator.ok_or_else(|| need("numerator"))?, t.denominator.ok_or_else(|| need("denominator"))?)) };
        Ok(match self.kind {
            TopUpKindName::UserFeeShare => TopUpKind::UserFeeShare(ratio(&self)?),
            TopUpKindName::MunicipalShare => TopUpKind::MunicipalShare(ratio(&self)?),
            TopUpKindName::PerUse => {
                let amount = self.amount.ok_or_else(|| need("amount"))?.0;
                let max_uses = self.max_uses.ok_or_else(|| need("maxUses"))?;
                let max_uses = u32::try_from(max_uses).map_err(|_| bad_input(&format!("{field}.maxUses"), "must be at least 1"))?;
                TopUpKind::PerUse { amount, max_uses }
            }
        })
    }
}

/// One stored version of a prefecture's top-ups.
#[derive(SimpleObject)]
pub struct TopUpVersion {
    pub prefecture: String,
    pub version: i32,
    pub effective_from: Date,
    /// How an issued statement names it, e.g. `top-ups-31.2`.
    pub label: String,
    pub top_ups: Vec<TopUp>,
    pub created_at: String,
    pub created_by: String,
}

impl From<sango_store::StoredTopUps> for TopUpVersion {
    fn from(s: sango_store::StoredTopUps) -> Self {
        Self {
            prefecture: s.top_ups.prefecture.to_string(),
            version: s.top_ups.version as i32,
            effective_from: Date(s.top_ups.effective_from),
            label: s.top_ups.label(),
            top_ups: s.top_ups.kinds.iter().map(TopUp::from).collect(),
            created_at: s.created_at.to_rfc3339(),
            created_by: s.created_by,
        }
    }
}
