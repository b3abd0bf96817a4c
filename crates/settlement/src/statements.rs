//! Statements over many uses: the priced [`Ledger`] they all read, and shared [`Totals`].
//! Every statement sorts by its keys, so its output does not depend on the order of the input.

pub mod agreements;
pub mod fiscal_year;
pub mod invoices;
pub mod payables;
pub mod prefecture;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use sango_domain::{DomainError, DomainResult, LgCode, Yen};

use crate::per_use::{UseAmounts, UseInput, compute};
use crate::period::Period;
use crate::rules::{RuleSet, rule_set_for};
use agreements::Agreement;

/// One use with its rule set, its payer and its money.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PricedUse {
    pub input: UseInput,
    /// The id of the rule set in force on the day of use.
    pub rule_set: String,
    /// Who pays the facility: the agreement's host, otherwise the resident municipality.
    pub payer: LgCode,
    pub amounts: UseAmounts,
}

/// Sums of uses. `public_cost` is the amount due to facilities.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub uses: u64,
    pub gross_cost: Yen,
    pub reduction: Yen,
    pub user_payments: Yen,
    pub public_cost: Yen,
    pub eligible_cost: Yen,
    pub national: Yen,
    pub prefecture: Yen,
    pub municipality: Yen,
    pub prefecture_top_up: Yen,
}

impl Totals {
    pub fn add(&mut self, a: &UseAmounts) {
        self.uses += 1;
        self.gross_cost = self.gross_cost + a.gross_cost;
        self.reduction = self.reduction + a.reduction;
        self.user_payments = self.user_payments + a.user_pays;
        self.public_cost = self.public_cost + a.public_cost;
        self.eligible_cost = self.eligible_cost + a.eligible_cost;
        self.national = self.national + a.national;
        self.prefecture = self.prefecture + a.prefecture;
        self.municipality = self.municipality + a.municipality;
        self.prefecture_top_up = self.prefecture_top_up + a.prefecture_top_up;
    }

    /// Field-by-field sum of several totals.
    pub fn sum<'a>(items: impl IntoIterator<Item = &'a Totals>) -> Totals {
        items.into_iter().fold(Totals::default(), |a, t| Totals {
            uses: a.uses + t.uses,
            gross_cost: a.gross_cost + t.gross_cost,
            reduction: a.reduction + t.reduction,
            user_payments: a.user_payments + t.user_payments,
            public_cost: a.public_cost + t.public_cost,
            eligible_cost: a.eligible_cost + t.eligible_cost,
            national: a.national + t.national,
            prefecture: a.prefecture + t.prefecture,
            municipality: a.municipality + t.municipality,
            prefecture_top_up: a.prefecture_top_up + t.prefecture_top_up,
        })
    }

    /// The totals of `uses`.
    pub fn of<'a>(uses: impl IntoIterator<Item = &'a PricedUse>) -> Totals {
        let mut t = Totals::default();
        uses.into_iter().for_each(|u| t.add(&u.amounts));
        t
    }
}

/// Groups uses by a sorted key and totals each group.
pub(crate) fn totals_by<'a, K: Ord>(
    uses: impl IntoIterator<Item = &'a PricedUse>,
    key: impl Fn(&PricedUse) -> K,
) -> BTreeMap<K, Totals> {
    let mut map: BTreeMap<K, Totals> = BTreeMap::new();
    for u in uses {
        map.entry(key(u)).or_default().add(&u.amounts);
    }
    map
}

/// A total order on uses (date and booking first), so that the ledger's order never depends
/// on the input's.
fn order_key(u: &UseInput) -> impl Ord + '_ {
    let a = u.additions;
    (
        (
            u.date,
            u.booking.as_str(),
            u.facility_id,
            u.resident,
            u.facility_municipality,
            u.service_type,
        ),
        (
            u.tier,
            u.use_ordinal,
            u.infants,
            u.sibling,
            u.over_four_months,
            u.high_need,
        ),
        (u.unit_price, u.user_fee, u.agreement.as_deref()),
        (a.multiple, a.sibling, a.over_four_months, a.high_need),
    )
}

/// Every use priced once, with the rule sets and agreements the statements need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ledger {
    rule_sets: Vec<RuleSet>,
    agreements: Vec<Agreement>,
    uses: Vec<PricedUse>,
}

impl Ledger {
    /// Validates the rule sets, the agreements and every use, picks each use's rule set by date,
    /// resolves its payer and computes its money. Errors name the input (`uses[3].date`).
    pub fn new(
        rule_sets: &[RuleSet],
        agreements: &[Agreement],
        uses: &[UseInput],
    ) -> DomainResult<Ledger> {
        for (i, rs) in rule_sets.iter().enumerate() {
            rs.validate()
                .map_err(|e| e.within(&format!("ruleSets[{i}]")))?;
        }
        let mut agreements = agreements.to_vec();
        agreements.sort_by(|a, b| a.id.cmp(&b.id));
        for (i, a) in agreements.iter().enumerate() {
            a.validate()
                .map_err(|e| e.within(&format!("agreements[{i}]")))?;
        }
        if let Some(w) = agreements.windows(2).find(|w| w[0].id == w[1].id) {
            return Err(DomainError::invalid(
                "agreements",
                format!("agreement '{}' listed twice", w[0].id),
            ));
        }
        let mut priced = Vec::with_capacity(uses.len());
        for (i, u) in uses.iter().enumerate() {
            let at = |e: DomainError| e.within(&format!("uses[{i}]"));
            u.validate().map_err(at)?;
            let rs = rule_set_for(rule_sets, u.date).ok_or_else(|| {
                at(DomainError::invalid(
                    "date",
                    format!("no rule set is in force on {}", u.date),
                ))
            })?;
            let payer = match &u.agreement {
                None => u.resident,
                Some(id) => {
                    let a = agreements
                        .binary_search_by(|a| a.id.as_str().cmp(id))
                        .map(|k| &agreements[k])
                        .map_err(|_| {
                            at(DomainError::invalid(
                                "agreement",
                                format!("unknown agreement '{id}'"),
                            ))
                        })?;
                    if !a.includes(u.resident) {
                        let msg = format!("{} is not a member of agreement '{id}'", u.resident);
                        return Err(at(DomainError::invalid("agreement", msg)));
                    }
                    a.host
                }
            };
            priced.push(PricedUse {
                input: u.clone(),
                rule_set: rs.id.clone(),
                payer,
                amounts: compute(rs, u),
            });
        }
        priced.sort_by(|a, b| order_key(&a.input).cmp(&order_key(&b.input)));
        Ok(Ledger {
            rule_sets: rule_sets.to_vec(),
            agreements,
            uses: priced,
        })
    }

    /// Every priced use, by date and booking.
    pub fn uses(&self) -> &[PricedUse] {
        &self.uses
    }

    /// The uses on a day of `period`.
    pub fn in_period(&self, period: Period) -> impl Iterator<Item = &PricedUse> {
        self.uses
            .iter()
            .filter(move |u| period.contains(u.input.date))
    }

    pub fn rule_sets(&self) -> &[RuleSet] {
        &self.rule_sets
    }

    /// The agreements, by id.
    pub fn agreements(&self) -> &[Agreement] {
        &self.agreements
    }
}
