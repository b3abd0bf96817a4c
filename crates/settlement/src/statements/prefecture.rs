//! The prefecture's fiscal-year summary: per municipality its grant share and top-ups, the
//! totals, and the national claim (the sum of the municipalities' national grants).

use serde::{Deserialize, Serialize};

use sango_domain::{FiscalYear, LgCode, PrefectureCode, Yen};

use super::fiscal_year::GrantStatement;

/// What the prefecture pays and claims for one fiscal year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrefectureSummary {
    pub prefecture: PrefectureCode,
    pub fiscal_year: FiscalYear,
    pub wareki: String,
    /// By municipal code.
    pub lines: Vec<PrefectureLine>,
    pub total_eligible: Yen,
    pub total_prefecture_grant: Yen,
    pub total_top_ups: Yen,
    /// Grants plus top-ups.
    pub total_prefecture_cost: Yen,
    /// The claim to the state: the sum of the national grants (G).
    pub national_claim: Yen,
}

/// One municipality on the prefecture's summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrefectureLine {
    pub municipality: LgCode,
    pub eligible_expenditure: Yen,
    pub national_grant: Yen,
    /// The prefecture's share (1/4 from FY2025), as computed on the 精算書.
    pub prefecture_grant: Yen,
    pub top_ups: Yen,
    pub prefecture_cost: Yen,
}

/// Summarises the 精算書 of `fy` of the municipalities in `prefecture`; others are ignored.
pub fn prefecture_summary(
    prefecture: PrefectureCode,
    fy: FiscalYear,
    statements: &[GrantStatement],
) -> PrefectureSummary {
    let mut lines: Vec<PrefectureLine> = statements
        .iter()
        .filter(|s| s.fiscal_year == fy && s.municipality.prefecture() == prefecture)
        .map(|s| PrefectureLine {
            municipality: s.municipality,
            eligible_expenditure: s.eligible_expenditure,
            national_grant: s.national_grant,
            prefecture_grant: s.prefecture_grant,
            top_ups: s.prefecture_top_ups,
            prefecture_cost: s.prefecture_grant + s.prefecture_top_ups,
        })
        .collect();
    lines.sort_by_key(|l| l.municipality);
    PrefectureSummary {
        prefecture,
        fiscal_year: fy,
        wareki: fy.wareki(),
        total_eligible: lines.iter().map(|l| l.eligible_expenditure).sum(),
        total_prefecture_grant: lines.iter().map(|l| l.prefecture_grant).sum(),
        total_top_ups: lines.iter().map(|l| l.top_ups).sum(),
        total_prefecture_cost: lines.iter().map(|l| l.prefecture_cost).sum(),
        national_claim: lines.iter().map(|l| l.national_grant).sum(),
        lines,
    }
}
