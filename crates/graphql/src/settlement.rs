//! `settlement`: the statements of a fiscal year or month, as finance staff see them.

use async_graphql::{Context, ID, Object, SimpleObject};
use sango_settlement::Totals as TotalsRecord;

use crate::error::GqlResult;
use crate::query::{caller, hub};
use crate::scalars::{Date, LgCode, Yen};

/// Sums over uses.
#[derive(SimpleObject)]
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

impl From<&TotalsRecord> for Totals {
    fn from(t: &TotalsRecord) -> Self {
        Self {
            uses: t.uses,
            gross_cost: Yen(t.gross_cost),
            reduction: Yen(t.reduction),
            user_payments: Yen(t.user_payments),
            public_cost: Yen(t.public_cost),
            eligible_cost: Yen(t.eligible_cost),
            national: Yen(t.national),
            prefecture: Yen(t.prefecture),
            municipality: Yen(t.municipality),
            prefecture_top_up: Yen(t.prefecture_top_up),
        }
    }
}

/// What one facility bills one municipality.
#[derive(SimpleObject)]
pub struct InvoiceLine {
    pub facility_id: ID,
    pub facility_municipality: LgCode,
    pub billed_to: LgCode,
    pub resident: LgCode,
    pub cross_boundary: bool,
    pub totals: Totals,
}

/// What one municipality owes one facility.
#[derive(SimpleObject)]
pub struct PayableLine {
    pub municipality: LgCode,
    pub facility_id: ID,
    pub facility_municipality: LgCode,
    pub cross_boundary: bool,
    pub totals: Totals,
}

/// The fiscal-year 精算書 of a municipality, columns (A) to (J).
#[derive(SimpleObject)]
pub struct GrantStatement {
    pub municipality: LgCode,
    pub fiscal_year_label: String,
    /// The rule set applied (shares, 基準額, rounding).
    pub rule_set: String,
    /// (A) 総事業費.
    pub total_cost: Yen,
    /// (B) 寄付金その他の収入額 (user payments).
    pub other_income: Yen,
    /// (C) = A − B.
    pub net_cost: Yen,
    /// (D) 対象経費の実支出額.
    pub eligible_expenditure: Yen,
    /// (E) 基準額.
    pub standard_amount: Yen,
    /// (F) = min(D, E).
    pub selected: Yen,
    /// (G) = min(F, C) × the national rate, rounded as the rule set says.
    pub national_grant: Yen,
    /// (H) 交付決定額.
    pub decided: Yen,
    /// (I) 受入済額.
    pub received: Yen,
    /// (J) = I − H (negative: a shortfall, shown △).
    pub difference: Yen,
    pub prefecture_grant: Yen,
    pub prefecture_top_ups: Yen,
    pub municipal_burden: Yen,
}

/// The prefecture's share and top-ups per municipality, and the national claim.
#[derive(SimpleObject)]
pub struct PrefectureSummary {
    pub prefecture: String,
    pub total_eligible: Yen,
    pub total_prefecture_grant: Yen,
    pub total_top_ups: Yen,
    pub total_prefecture_cost: Yen,
    pub national_claim: Yen,
}

/// Every statement of a period that the caller may see.
#[derive(SimpleObject)]
pub struct Settlement {
    pub fiscal_year_label: String,
    pub from: Date,
    pub to: Date,
    /// Recorded uses of the fiscal year the statements were computed from.
    pub uses: u64,
    pub invoices: Vec<InvoiceLine>,
    pub payables: Vec<PayableLine>,
    pub grants: Vec<GrantStatement>,
    pub prefectures: Vec<PrefectureSummary>,
    /// Uses of earlier, already issued months recorded after their statement was issued.
    pub adjustments: Vec<InvoiceLine>,
    /// The mutual-use agreements in scope (null for those who do not see them).
    pub agreements: Option<crate::types::agreement::AgreementSettlement>,
    /// For an issued statement: when, by whom, under which rule sets, from which inputs (SHA-256).
    pub issued_at: Option<String>,
    pub issued_by: Option<String>,
    pub rule_sets: Option<String>,
    pub fingerprint: Option<String>,
}

#[derive(Default)]
pub struct SettlementQuery;

#[Object]
impl SettlementQuery {
    /// Statements of a fiscal year (April year, 2025 = 令和7年度), or of one month of it (any day of
    /// the month), optionally of one municipality. Finance and municipal staff see their own
    /// municipality; prefecture roles their prefecture.
    async fn settlement(&self, ctx: &Context<'_>, fiscal_year: i32, month: Option<Date>, municipality: Option<LgCode>) -> async_graphql::Result<Settlement> {
        let fy = crate::query::fiscal_year(fiscal_year)?;
        let r = hub(ctx).settlement(caller(ctx), fy, month.map(|m| m.0), municipality.map(|m| m.0)).await.gql()?;
        Ok(settlement(&r))
    }
}

fn invoice_lines(invoices: &[sango_settlement::FacilityInvoice]) -> Vec<InvoiceLine> {
    invoices
        .iter()
        .flat_map(|i| {
            i.lines.iter().map(move |l| InvoiceLine {
                facility_id: ID(i.facility_id.to_string()),
                facility_municipality: LgCode(i.facility_municipality),
                billed_to: LgCode(l.billed_to),
                resident: LgCode(l.resident),
                cross_boundary: l.cross_boundary,
                totals: (&l.totals).into(),
            })
        })
        .collect()
}

fn settlement(r: &sango_service::settlement::SettlementReport) -> Settlement {
    Settlement {
        fiscal_year_label: r.fiscal_year.wareki(),
        from: Date(r.period.first),
        to: Date(r.period.last),
        uses: r.uses as u64,
        invoices: invoice_lines(&r.invoices),
        payables: r
            .payables
            .iter()
            .flat_map(|p| {
                p.lines.iter().map(move |l| PayableLine {
                    municipality: LgCode(p.municipality),
                    facility_id: ID(l.facility_id.to_string()),
                    facility_municipality: LgCode(l.facility_municipality),
                    cross_boundary: l.cross_boundary,
                    totals: (&l.totals).into(),
                })
            })
            .collect(),
        grants: r
            .grants
            .iter()
            .map(|g| GrantStatement {
                municipality: LgCode(g.municipality),
                fiscal_year_label: g.wareki.clone(),
                rule_set: g.rule_set.clone(),
                total_cost: Yen(g.total_cost),
                other_income: Yen(g.other_income),
                net_cost: Yen(g.net_cost),
                eligible_expenditure: Yen(g.eligible_expenditure),
                standard_amount: Yen(g.standard_amount),
                selected: Yen(g.selected),
                national_grant: Yen(g.national_grant),
                decided: Yen(g.decided),
                received: Yen(g.received),
                difference: Yen(g.difference),
                prefecture_grant: Yen(g.prefecture_grant),
                prefecture_top_ups: Yen(g.prefecture_top_ups),
                municipal_burden: Yen(g.municipal_burden),
            })
            .collect(),
        prefectures: r
            .prefectures
            .iter()
            .map(|p| PrefectureSummary {
                prefecture: p.prefecture.to_string(),
                total_eligible: Yen(p.total_eligible),
                total_prefecture_grant: Yen(p.total_prefecture_grant),
                total_top_ups: Yen(p.total_top_ups),
                total_prefecture_cost: Yen(p.total_prefecture_cost),
                national_claim: Yen(p.national_claim),
            })
            .collect(),
        adjustments: invoice_lines(&r.adjustments),
        agreements: r.agreements.as_ref().map(Into::into),
        issued_at: r.issued.as_ref().map(|i| i.issued_at.to_rfc3339()),
        issued_by: r.issued.as_ref().map(|i| i.issued_by.clone()),
        rule_sets: r.issued.as_ref().map(|i| i.rule_sets.clone()),
        fingerprint: r.issued.as_ref().map(|i| i.fingerprint.clone()),
    }
}

#[derive(Default)]
pub struct SettlementMutation;

#[Object]
impl SettlementMutation {
    /// Issues the statements of a fiscal year or month: from then on they read back exactly as
    /// issued, and later-recorded use goes into the next statement as an adjustment.
    async fn issue_statement(&self, ctx: &Context<'_>, fiscal_year: i32, month: Option<Date>, municipality: Option<LgCode>) -> async_graphql::Result<Settlement> {
        let fy = crate::query::fiscal_year(fiscal_year)?;
        let r = hub(ctx).issue_statement(caller(ctx), fy, month.map(|m| m.0), municipality.map(|m| m.0)).await.gql()?;
        Ok(settlement(&r))
    }
}
