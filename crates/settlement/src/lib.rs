//! Sango Hub's settlement: rule sets per fiscal year, the money of each use, facility
//! invoices, municipality payables, mutual-use agreements netted through the prefecture, the
//! fiscal-year 精算書 and the prefecture's summary. Pure: no IO, no clock, no floats — integer
//! yen and integer rates only.

pub mod agreement_terms;
pub mod per_use;
pub mod period;
pub mod ratio;
pub mod rounding;
pub mod rules;
pub mod statements;

pub use agreement_terms::{AgreementTerms, version_in_force};
pub use per_use::{UseAmounts, UseInput, compute};
pub use period::Period;
pub use ratio::Ratio;
pub use rounding::{Rounding, RoundingMode};
pub use rules::{
    Bonus, BonusKind, Reduction, RuleSet, Shares, TopUp, TopUpKind, TopUpVersion, builtin_rule_sets,
    rule_set_for, top_up_version_on, with_top_up_versions,
};
pub use statements::agreements::{
    Agreement, AgreementSettlement, AgreementStatement, Balance, Claim, Direction, MemberShare,
    Transfer, agreement_settlement, net_through_prefecture,
};
pub use statements::fiscal_year::{
    BreakdownLine, GrantInput, GrantStatement, TypeLine, fiscal_year_statements, grant_amount,
};
pub use statements::invoices::{FacilityInvoice, InvoiceLine, facility_invoices};
pub use statements::payables::{MunicipalityPayables, PayableLine, municipality_payables};
pub use statements::prefecture::{PrefectureLine, PrefectureSummary, prefecture_summary};
pub use statements::{Ledger, PricedUse, Totals, UseKey};
