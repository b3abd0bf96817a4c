//! The money of one use, to the yen: gross cost, national fee reduction (減免), what the user
//! pays, the public cost, the eligible cost and its shares, and the prefecture's top-ups.
//!
//! The arithmetic, in order (all integer yen; `⌊·⌋` is floor division):
//! 1. `addition_total` = multiple × (infants − 1) + sibling + over four months + high need, each
//!    addition counted only when its flag (or a multiple birth) applies.
//!    `gross_cost` = unit price + `addition_total`; the *eligible gross* counts only the
//!    additions whose [`BonusKind`] the rule set marks eligible.
//! 2. `fee` = the programme's user fee, cut to `gross_cost` (a use never earns the programme money).
//! 3. `reduction` = Σ `per_use` of every [`Reduction`](crate::rules::Reduction) whose tiers
//!    include the household and whose `max_uses` covers the use ordinal, capped at `fee`.
//! 4. Prefecture fee top-ups (`UserFeeShare`) pay ⌊(fee − reduction) · rate⌋ (summed, capped at
//!    fee − reduction): the prefecture shares the fee *left after* the national reduction.
//!    `user_pays` = fee − reduction − that share.
//! 5. `public_cost` = gross − user_pays (what the paying municipality owes the facility);
//!    `eligible_cost` = max(0, eligible gross − user_pays). Reductions and fee top-ups are thus
//!    public money inside the eligible cost, split like the programme subsidy.
//! 6. `national` = ⌊eligible · n⌋, `prefecture` = ⌊eligible · p⌋, `municipality` = the remainder.
//! 7. `prefecture_top_up` = the fee share of step 4, plus each `PerUse` amount (for uses
//!    1..=max_uses), plus ⌊municipality · rate⌋ for each `MunicipalShare`; capped at the
//!    municipality's own outlay for the use (public cost − national − prefecture), so that no
//!    municipality profits from a use.
//!
//! Top-ups are those of the resident municipality's prefecture, in force on the day of use.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use sango_domain::{Additions, DomainError, DomainResult, HouseholdTier, LgCode, ServiceType, Yen};

use crate::rules::{BonusKind, RuleSet, TopUpKind};

/// One recorded use, with everything its money depends on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UseInput {
    pub booking: String,
    pub date: NaiveDate,
    /// The resident municipality (実施主体), which pays unless an agreement's host does.
    pub resident: LgCode,
    pub facility_id: i64,
    pub facility_municipality: LgCode,
    pub service_type: ServiceType,
    pub tier: HouseholdTier,
    /// 1-based, per case, service type and fiscal year.
    pub use_ordinal: u32,
    pub infants: u32,
    pub sibling: bool,
    pub over_four_months: bool,
    pub high_need: bool,
    pub unit_price: Yen,
    /// The additions of the contract valid on `date`.
    pub additions: Additions,
    /// The programme's fee for this use, before the national reduction.
    pub user_fee: Yen,
    /// The mutual-use agreement (広域化協定) the use falls under, if any.
    #[serde(default)]
    pub agreement: Option<String>,
}

/// The money of one use (or, summed, of several). See the module documentation for each formula.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UseAmounts {
    pub addition_total: Yen,
    pub gross_cost: Yen,
    pub reduction: Yen,
    pub user_pays: Yen,
    pub public_cost: Yen,
    pub eligible_cost: Yen,
    pub national: Yen,
    pub prefecture: Yen,
    pub municipality: Yen,
    pub prefecture_top_up: Yen,
}

impl std::ops::Add for UseAmounts {
    type Output = UseAmounts;

    /// Field by field: the money of two uses together.
    fn add(self, o: UseAmounts) -> UseAmounts {
        UseAmounts {
            addition_total: self.addition_total + o.addition_total,
            gross_cost: self.gross_cost + o.gross_cost,
            reduction: self.reduction + o.reduction,
            user_pays: self.user_pays + o.user_pays,
            public_cost: self.public_cost + o.public_cost,
            eligible_cost: self.eligible_cost + o.eligible_cost,
            national: self.national + o.national,
            prefecture: self.prefecture + o.prefecture,
            municipality: self.municipality + o.municipality,
            prefecture_top_up: self.prefecture_top_up + o.prefecture_top_up,
        }
    }
}

impl UseInput {
    /// Money is non-negative, the ordinal and the infant count start at 1.
    pub fn validate(&self) -> DomainResult<()> {
        let a = self.additions;
        for (y, f) in [
            (self.unit_price, "unitPrice"),
            (self.user_fee, "userFee"),
            (a.multiple, "additions.multiple"),
            (a.sibling, "additions.sibling"),
            (a.over_four_months, "additions.overFourMonths"),
            (a.high_need, "additions.highNeed"),
        ] {
            Yen::non_negative(y.0, f)?;
        }
        if self.use_ordinal == 0 {
            return Err(DomainError::invalid(
                "useOrdinal",
                "use ordinals start at 1",
            ));
        }
        if self.infants == 0 {
            return Err(DomainError::invalid(
                "infants",
                "a use cares for at least one infant",
            ));
        }
        Ok(())
    }
}

/// The additions that apply to `u`, each with its bonus kind.
fn applying_additions(u: &UseInput) -> [(BonusKind, Yen); 4] {
    let a = u.additions;
    let extra_infants = i64::from(u.infants.saturating_sub(1));
    let when = |flag: bool, y: Yen| if flag { y } else { Yen::ZERO };
    [
        (BonusKind::Multiple, Yen(a.multiple.0 * extra_infants)),
        (BonusKind::Sibling, when(u.sibling, a.sibling)),
        (
            BonusKind::OverFourMonths,
            when(u.over_four_months, a.over_four_months),
        ),
        (BonusKind::HighNeed, when(u.high_need, a.high_need)),
    ]
}

/// National reduction for `u`, capped at `fee`.
fn reduction(rs: &RuleSet, u: &UseInput, fee: Yen) -> Yen {
    let total: Yen = rs
        .reductions
        .iter()
        .filter(|r| r.tiers.as_ref().is_none_or(|t| t.contains(&u.tier)))
        .filter(|r| r.max_uses.is_none_or(|m| u.use_ordinal <= m))
        .map(|r| r.per_use)
        .sum();
    total.min(fee)
}

/// Computes the money of one use under `rs`. Assumes `u` passed [`UseInput::validate`];
/// negative inputs are treated as zero.
pub fn compute(rs: &RuleSet, u: &UseInput) -> UseAmounts {
    let unit_price = u.unit_price.max(Yen::ZERO);
    let additions = applying_additions(u).map(|(k, y)| (k, y.max(Yen::ZERO)));
    let addition_total: Yen = additions.iter().map(|(_, y)| *y).sum();
    let eligible_additions: Yen = additions
        .iter()
        .filter(|(k, _)| rs.bonus_eligible(*k))
        .map(|(_, y)| *y)
        .sum();
    let gross_cost = unit_price + addition_total;

    let fee = u.user_fee.clamp(Yen::ZERO, gross_cost);
    let reduction = reduction(rs, u, fee);
    let left = fee - reduction;
    let prefecture_code = u.resident.prefecture();
    let top_ups: Vec<&TopUpKind> = rs.top_ups_for(prefecture_code, u.date).collect();
    let fee_share: Yen = top_ups
        .iter()
        .map(|k| match k {
            TopUpKind::UserFeeShare(r) => r.floor_of(left),
            _ => Yen::ZERO,
        })
        .sum::<Yen>()
        .min(left);
    let user_pays = left - fee_share;

    let public_cost = gross_cost - user_pays;
    let eligible_cost = (unit_price + eligible_additions - user_pays).max(Yen::ZERO);
    let national = rs.shares.national.floor_of(eligible_cost);
    let prefecture = rs.shares.prefecture.floor_of(eligible_cost);
    let municipality = eligible_cost - national - prefecture;

    let to_municipality: Yen = top_ups
        .iter()
        .map(|k| match k {
            TopUpKind::PerUse { amount, max_uses } if u.use_ordinal <= *max_uses => *amount,
            TopUpKind::MunicipalShare(r) => r.floor_of(municipality),
            _ => Yen::ZERO,
        })
        .sum();
    let outlay = public_cost - national - prefecture;
    let prefecture_top_up = (fee_share + to_municipality).min(outlay).max(Yen::ZERO);

    UseAmounts {
        addition_total,
        gross_cost,
        reduction,
        user_pays,
        public_cost,
        eligible_cost,
        national,
        prefecture,
        municipality,
        prefecture_top_up,
    }
}
