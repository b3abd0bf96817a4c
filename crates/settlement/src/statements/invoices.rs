//! Monthly facility invoices: per facility, per paying and resident municipality, the uses,
//! gross cost, user payments and amount due (the public cost).

use serde::{Deserialize, Serialize};

use sango_domain::LgCode;

use super::{Ledger, Totals, totals_by};
use crate::period::Period;

/// What one facility bills for a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FacilityInvoice {
    pub facility_id: i64,
    pub facility_municipality: LgCode,
    pub period: Period,
    /// By payer, resident and agreement.
    pub lines: Vec<InvoiceLine>,
    pub total: Totals,
}

/// The facility's uses by the residents of one municipality, billed to one payer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceLine {
    /// Who pays: the resident municipality, or the host of the agreement.
    pub billed_to: LgCode,
    pub resident: LgCode,
    pub agreement: Option<String>,
    /// The facility is outside the resident municipality.
    pub cross_boundary: bool,
    /// `totals.public_cost` is the amount due.
    pub totals: Totals,
}

/// Invoices for every facility with use in `period`, by facility id.
pub fn facility_invoices(ledger: &Ledger, period: Period) -> Vec<FacilityInvoice> {
    let groups = totals_by(ledger.in_period(period), |u| {
        let i = &u.key;
        (
            (i.facility_id, i.facility_municipality),
            (u.payer, i.resident, i.agreement.clone()),
        )
    });
    let mut out: Vec<FacilityInvoice> = Vec::new();
    for (((facility_id, facility_municipality), (billed_to, resident, agreement)), totals) in groups
    {
        let line = InvoiceLine {
            billed_to,
            resident,
            agreement,
            cross_boundary: facility_municipality != resident,
            totals,
        };
        match out.last_mut() {
            Some(inv)
                if (inv.facility_id, inv.facility_municipality)
                    == (facility_id, facility_municipality) =>
            {
                inv.lines.push(line);
            }
            _ => out.push(FacilityInvoice {
                facility_id,
                facility_municipality,
                period,
                lines: vec![line],
                total: Totals::default(),
            }),
        }
    }
    for inv in &mut out {
        inv.total = Totals::sum(inv.lines.iter().map(|l| &l.totals));
    }
    out
}
