//! The fiscal-year 精算書 per municipality (standard 精算額調 form, (A) to (J)), with its
//! breakdown by facility, type and cross-boundary flag, the prefecture's grant and the burden.
//!
//! Year-level figures (the 基準額, the rates and the rounding) come from the rule set in force on
//! the fiscal year's last day; per-use amounts keep the rule set of their own day.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Datelike;
use serde::{Deserialize, Serialize};

use sango_domain::{DomainError, DomainResult, FiscalYear, LgCode, ServiceType, Yen};

use super::{Ledger, PricedUse, Totals, totals_by};
use crate::period::Period;
use crate::ratio::Ratio;
use crate::rounding::Rounding;
use crate::rules::rule_set_for;

/// The figures the form takes as input: (H) the decided grant and (I) what was already received.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GrantInput {
    pub municipality: LgCode,
    /// (H); `None` = the computed grant (G).
    #[serde(default)]
    pub decided: Option<Yen>,
    /// (I); `None` = 0.
    #[serde(default)]
    pub received: Option<Yen>,
}

/// One municipality's 精算書 for one fiscal year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GrantStatement {
    pub municipality: LgCode,
    pub fiscal_year: FiscalYear,
    /// 令和7年度.
    pub wareki: String,
    /// The rule set of the year-level figures.
    pub rule_set: String,
    pub totals: Totals,
    /// (A) total cost: the gross cost of the residents' uses.
    pub total_cost: Yen,
    /// (B) other income: what the users paid.
    pub other_income: Yen,
    /// (C) = A − B.
    pub net_cost: Yen,
    /// (D) actual eligible expenditure: the sum of eligible costs.
    pub eligible_expenditure: Yen,
    /// (E) 基準額 per facility-month × distinct facility-months with use, per type.
    pub standard_amount: Yen,
    /// (F) = min(D, E).
    pub selected: Yen,
    /// min(F, C): the base the rates apply to.
    pub grant_base: Yen,
    /// (G) = base × national rate, rounded per the rule set.
    pub national_grant: Yen,
    /// (H) the decided amount.
    pub decided: Yen,
    /// (I) already received.
    pub received: Yen,
    /// (J) = I − H; negative is a shortfall (shown with △).
    pub difference: Yen,
    /// base × prefecture rate, rounded the same way.
    pub prefecture_grant: Yen,
    /// The prefecture's own top-ups for the residents' uses (not part of the grant).
    pub prefecture_top_ups: Yen,
    /// C − national grant − prefecture grant.
    pub municipal_burden: Yen,
    /// C − both grants − the prefecture's top-ups.
    pub burden_after_top_ups: Yen,
    /// (E) per type.
    pub by_type: Vec<TypeLine>,
    /// By facility, type and cross-boundary flag.
    pub breakdown: Vec<BreakdownLine>,
}

/// The standard amount and the money of one service type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TypeLine {
    pub service_type: ServiceType,
    pub facility_months: u64,
    pub standard_per_month: Yen,
    pub standard_amount: Yen,
    pub totals: Totals,
}

/// One facility and type on the 精算書.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BreakdownLine {
    pub facility_id: i64,
    pub facility_municipality: LgCode,
    pub service_type: ServiceType,
    pub cross_boundary: bool,
    pub facility_months: u64,
    pub standard_amount: Yen,
    pub totals: Totals,
}

/// (G): ⌊base · rate⌋ to the yen, then rounded to the rule set's unit.
pub fn grant_amount(base: Yen, rate: Ratio, rounding: Rounding) -> Yen {
    rounding.apply(rate.floor_of(base))
}

type FacilityType = (i64, LgCode, ServiceType);

/// Distinct months with use per facility and type.
fn facility_months<'a>(uses: impl Iterator<Item = &'a PricedUse>) -> BTreeMap<FacilityType, u64> {
    let months: BTreeSet<(FacilityType, i32, u32)> = uses
        .map(|u| {
            let i = &u.key;
            (
                (i.facility_id, i.facility_municipality, i.service_type),
                i.date.year(),
                i.date.month(),
            )
        })
        .collect();
    let mut out = BTreeMap::new();
    for (k, _, _) in months {
        *out.entry(k).or_insert(0) += 1;
    }
    out
}

/// The 精算書 of every municipality with resident use in `fy` or a [`GrantInput`], by code.
pub fn fiscal_year_statements(
    ledger: &Ledger,
    fy: FiscalYear,
    inputs: &[GrantInput],
) -> DomainResult<Vec<GrantStatement>> {
    let mut given: BTreeMap<LgCode, GrantInput> = BTreeMap::new();
    for (i, g) in inputs.iter().enumerate() {
        if given.insert(g.municipality, *g).is_some() {
            return Err(DomainError::invalid(
                format!("grants[{i}]"),
                format!("{} listed twice", g.municipality),
            ));
        }
    }
    let period = Period::fiscal_year(fy);
    let mut by_resident: BTreeMap<LgCode, Vec<&PricedUse>> =
        given.keys().map(|m| (*m, Vec::new())).collect();
    for u in ledger.in_period(period) {
        by_resident.entry(u.key.resident).or_default().push(u);
    }
    if by_resident.is_empty() {
        return Ok(Vec::new());
    }
    let rs = rule_set_for(ledger.rule_sets(), fy.last_day()).ok_or_else(|| {
        DomainError::invalid("fiscalYear", format!("no rule set is in force in {fy}"))
    })?;
    let (nat, pref, rounding) = (rs.shares.national, rs.shares.prefecture, rs.rounding);
    let mut out = Vec::new();
    for (m, uses) in by_resident {
        let months = facility_months(uses.iter().copied());
        let lines = totals_by(uses.iter().copied(), |u| {
            (
                u.key.facility_id,
                u.key.facility_municipality,
                u.key.service_type,
            )
        });
        let breakdown: Vec<BreakdownLine> = lines
            .into_iter()
            .map(
                |(k @ (facility_id, facility_municipality, service_type), totals)| {
                    let n = months.get(&k).copied().unwrap_or(0);
                    BreakdownLine {
                        facility_id,
                        facility_municipality,
                        service_type,
                        cross_boundary: facility_municipality != m,
                        facility_months: n,
                        standard_amount: Yen(rs.standard_amount(service_type).0 * n as i64),
                        totals,
                    }
                },
            )
            .collect();
        let by_type: Vec<TypeLine> = ServiceType::ALL
            .iter()
            .filter_map(|t| {
                let rows: Vec<&BreakdownLine> =
                    breakdown.iter().filter(|b| b.service_type == *t).collect();
                (!rows.is_empty()).then(|| TypeLine {
                    service_type: *t,
                    facility_months: rows.iter().map(|b| b.facility_months).sum(),
                    standard_per_month: rs.standard_amount(*t),
                    standard_amount: rows.iter().map(|b| b.standard_amount).sum(),
                    totals: Totals::sum(rows.iter().map(|b| &b.totals)),
                })
            })
            .collect();
        let totals = Totals::sum(breakdown.iter().map(|b| &b.totals));
        let net_cost = totals.gross_cost - totals.user_payments;
        let standard_amount: Yen = by_type.iter().map(|t| t.standard_amount).sum();
        let selected = totals.eligible_cost.min(standard_amount);
        let grant_base = selected.min(net_cost);
        let national_grant = grant_amount(grant_base, nat, rounding);
        let prefecture_grant = grant_amount(grant_base, pref, rounding);
        let g = given.get(&m);
        let decided = g.and_then(|g| g.decided).unwrap_or(national_grant);
        let received = g.and_then(|g| g.received).unwrap_or(Yen::ZERO);
        let municipal_burden = net_cost - national_grant - prefecture_grant;
        out.push(GrantStatement {
            municipality: m,
            fiscal_year: fy,
            wareki: fy.wareki(),
            rule_set: rs.id.clone(),
            totals,
            total_cost: totals.gross_cost,
            other_income: totals.user_payments,
            net_cost,
            eligible_expenditure: totals.eligible_cost,
            standard_amount,
            selected,
            grant_base,
            national_grant,
            decided,
            received,
            difference: received - decided,
            prefecture_grant,
            prefecture_top_ups: totals.prefecture_top_up,
            municipal_burden,
            burden_after_top_ups: municipal_burden - totals.prefecture_top_up,
            by_type,
            breakdown,
        });
    }
    Ok(out)
}
