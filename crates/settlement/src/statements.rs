//! Statements over many uses: the priced [`Ledger`] they all read, and shared [`Totals`].
//! Every statement sorts by its keys, so its output does not depend on the order of the input.
//!
//! A ledger entry ([`PricedUse`]) is one use priced on its own, or several uses with the same
//! [`UseKey`], payer and rule set whose amounts were priced one by one and summed (as the store
//! keeps them): statements only ever add amounts up, so either gives the same figures.

pub mod agreements;
pub mod fiscal_year;
pub mod invoices;
pub mod payables;
pub mod prefecture;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use sango_domain::{DomainError, DomainResult, LgCode, ServiceType, Yen};

use crate::per_use::{UseAmounts, UseInput, compute};
use crate::period::Period;
use crate::rules::{RuleSet, rule_set_for};
use agreements::Agreement;

/// What statements tell uses apart by: the day (or, for summed uses, a day of their month),
/// whose resident, which facility and type, under which agreement.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UseKey {
    pub date: NaiveDate,
    pub resident: LgCode,
    pub facility_id: i64,
    pub facility_municipality: LgCode,
    pub service_type: ServiceType,
    pub agreement: Option<String>,
}

impl UseKey {
    /// The key of one use.
    pub fn of(u: &UseInput) -> Self {
        UseKey {
            date: u.date,
            resident: u.resident,
            facility_id: u.facility_id,
            facility_municipality: u.facility_municipality,
            service_type: u.service_type,
            agreement: u.agreement.clone(),
        }
    }
}

/// One use with its rule set, its payer and its money, or `uses` uses sharing all of those but
/// the money, with their amounts summed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PricedUse {
    pub key: UseKey,
    /// The id of the rule set in force on the day of use.
    pub rule_set: String,
    /// Who pays the facility: the agreement's host, otherwise the resident municipality.
    pub payer: LgCode,
    /// How many uses this stands for: 1 for a use priced on its own.
    pub uses: u64,
    /// The money of those uses, summed.
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
    /// Adds a ledger entry: its uses and their money.
    pub fn add(&mut self, u: &PricedUse) {
        let a = &u.amounts;
        self.uses += u.uses;
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
        uses.into_iter().for_each(|u| t.add(u));
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
        map.entry(key(u)).or_default().add(u);
    }
    map
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
        let mut ledger = Self::empty(rule_sets, agreements)?;
        for (i, u) in uses.iter().enumerate() {
            let p = ledger
                .price(u)
                .map_err(|e| e.within(&format!("uses[{i}]")))?;
            ledger.uses.push(p);
        }
        ledger.sort();
        Ok(ledger)
    }

    /// A ledger of entries priced elsewhere by [`Ledger::price`] and possibly summed. Each entry
    /// must stand for at least one use, name a rule set of `rule_sets` and the payer its key
    /// implies. Errors name the entry (`uses[3].payer`).
    pub fn of_priced(
        rule_sets: &[RuleSet],
        agreements: &[Agreement],
        priced: Vec<PricedUse>,
    ) -> DomainResult<Ledger> {
        let mut ledger = Self::empty(rule_sets, agreements)?;
        for (i, p) in priced.iter().enumerate() {
            let at = |e: DomainError| e.within(&format!("uses[{i}]"));
            if p.uses == 0 {
                return Err(at(DomainError::invalid(
                    "uses",
                    "an entry stands for at least one use",
                )));
            }
            if !ledger.rule_sets.iter().any(|rs| rs.id == p.rule_set) {
                let msg = format!("unknown rule set '{}'", p.rule_set);
                return Err(at(DomainError::invalid("ruleSet", msg)));
            }
            if ledger.payer(&p.key).map_err(at)? != p.payer {
                let msg = format!("{} does not pay for this use", p.payer);
                return Err(at(DomainError::invalid("payer", msg)));
            }
        }
        ledger.uses = priced;
        ledger.sort();
        Ok(ledger)
    }

    /// A ledger of no use, after checking the rule sets and the agreements.
    fn empty(rule_sets: &[RuleSet], agreements: &[Agreement]) -> DomainResult<Ledger> {
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
        Ok(Ledger {
            rule_sets: rule_sets.to_vec(),
            agreements,
            uses: Vec::new(),
        })
    }

    /// Prices one use under this ledger's rule sets and agreements, as [`Ledger::new`] does.
    pub fn price(&self, u: &UseInput) -> DomainResult<PricedUse> {
        u.validate()?;
        let rs = rule_set_for(&self.rule_sets, u.date).ok_or_else(|| {
            DomainError::invalid("date", format!("no rule set is in force on {}", u.date))
        })?;
        let key = UseKey::of(u);
        Ok(PricedUse {
            payer: self.payer(&key)?,
            key,
            rule_set: rs.id.clone(),
            uses: 1,
            amounts: compute(rs, u),
        })
    }

    /// The agreement's host when the use falls under one (its resident must be a member),
    /// otherwise the resident municipality.
    fn payer(&self, key: &UseKey) -> DomainResult<LgCode> {
        let Some(id) = &key.agreement else {
            return Ok(key.resident);
        };
        let a = self
            .agreements
            .binary_search_by(|a| a.id.as_str().cmp(id))
            .map(|k| &self.agreements[k])
            .map_err(|_| DomainError::invalid("agreement", format!("unknown agreement '{id}'")))?;
        if !a.includes(key.resident) {
            let msg = format!("{} is not a member of agreement '{id}'", key.resident);
            return Err(DomainError::invalid("agreement", msg));
        }
        Ok(a.host)
    }

    /// Orders the entries by key, then everything else, so that the ledger never depends on
    /// the order of its input.
    fn sort(&mut self) {
        self.uses.sort_by(|a, b| {
            (&a.key, a.payer, &a.rule_set, a.uses, a.amounts)
                .cmp(&(&b.key, b.payer, &b.rule_set, b.uses, b.amounts))
        });
    }

    /// Every entry, by key.
    pub fn uses(&self) -> &[PricedUse] {
        &self.uses
    }

    /// The entries of uses on a day of `period`.
    pub fn in_period(&self, period: Period) -> impl Iterator<Item = &PricedUse> {
        self.uses
            .iter()
            .filter(move |u| period.contains(u.key.date))
    }

    pub fn rule_sets(&self) -> &[RuleSet] {
        &self.rule_sets
    }

    /// The agreements, by id.
    pub fn agreements(&self) -> &[Agreement] {
        &self.agreements
    }
}
