//! Municipality payables: per paying municipality, per facility, what it owes for a period,
//! with the cross-boundary flag and the part it pays as an agreement host for other members.

use serde::{Deserialize, Serialize};

use sango_domain::{LgCode, Yen};

use super::{Ledger, PricedUse, Totals, totals_by};
use crate::period::Period;

/// What one municipality pays facilities for a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MunicipalityPayables {
    pub municipality: LgCode,
    pub period: Period,
    /// By facility id.
    pub lines: Vec<PayableLine>,
    pub total: Totals,
    /// Of `total.public_cost`, what it paid as an agreement host for other members' residents.
    pub on_behalf_of_members: Yen,
}

/// One facility on a municipality's payables.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PayableLine {
    pub facility_id: i64,
    pub facility_municipality: LgCode,
    /// The facility is outside the paying municipality (for direct contracts the payer is the
    /// resident municipality, so this is "facility municipality ≠ resident").
    pub cross_boundary: bool,
    /// `totals.public_cost` is the amount due to the facility.
    pub totals: Totals,
    pub on_behalf_of_members: Yen,
}

/// Payables of every municipality that pays a facility in `period`, by municipal code.
pub fn municipality_payables(ledger: &Ledger, period: Period) -> Vec<MunicipalityPayables> {
    let key = |u: &PricedUse| (u.payer, u.key.facility_id, u.key.facility_municipality);
    let groups = totals_by(ledger.in_period(period), key);
    let for_members = totals_by(
        ledger
            .in_period(period)
            .filter(|u| u.payer != u.key.resident),
        key,
    );
    let mut out: Vec<MunicipalityPayables> = Vec::new();
    for (k @ (payer, facility_id, facility_municipality), totals) in groups {
        let line = PayableLine {
            facility_id,
            facility_municipality,
            cross_boundary: facility_municipality != payer,
            totals,
            on_behalf_of_members: for_members.get(&k).map_or(Yen::ZERO, |t| t.public_cost),
        };
        match out.last_mut() {
            Some(p) if p.municipality == payer => p.lines.push(line),
            _ => out.push(MunicipalityPayables {
                municipality: payer,
                period,
                lines: vec![line],
                total: Totals::default(),
                on_behalf_of_members: Yen::ZERO,
            }),
        }
    }
    for p in &mut out {
        p.total = Totals::sum(p.lines.iter().map(|l| &l.totals));
        p.on_behalf_of_members = p.lines.iter().map(|l| l.on_behalf_of_members).sum();
    }
    out
}
