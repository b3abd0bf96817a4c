//! Settlement from recorded use. Statements are computed from the amounts each used day was
//! priced at when it was recorded (`pricing`), summed in the database per month and price group;
//! issuing reads and prices every used day of the year on its own (the contract valid that day,
//! the fee of the resident's programme) and fingerprints them, and the two agree to the yen.
//! A statement once issued is stored as issued (with its rule sets and a fingerprint of its
//! inputs) and read back unchanged; a use recorded later for an issued month is settled as an
//! adjustment in the next statement, never by changing the old one.

mod agreements;
mod inputs;
mod pricing;
mod top_ups;

pub use pricing::PricingRun;
pub(crate) use pricing::PricingWorker;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sango_domain::{FiscalYear, LgCode, PrefectureCode, Principal};
use sango_settlement::{Agreement, AgreementSettlement, FacilityInvoice, GrantStatement, Ledger, MunicipalityPayables, Period, PrefectureSummary, PricedUse, RuleSet, UseInput};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::auth::Caller;
use crate::error::{ServiceError, ServiceResult};
use crate::hub::Hub;
use inputs::Pricer;

/// A ledger entry with when its uses were recorded (the last of them) and the stored top-up
/// version they applied.
struct Settled {
    priced: PricedUse,
    recorded_at: DateTime<Utc>,
    top_ups: Option<String>,
}

/// What a period's statements are computed from.
struct Basis {
    entries: Vec<Settled>,
    rule_sets: Vec<RuleSet>,
    agreements: Vec<Agreement>,
    /// SHA-256 of the use inputs, when they were read one by one.
    fingerprint: String,
}

/// Every statement of a period that the caller may see.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SettlementReport {
    pub fiscal_year: FiscalYear,
    pub period: Period,
    pub invoices: Vec<FacilityInvoice>,
    pub payables: Vec<MunicipalityPayables>,
    /// The fiscal-year 精算書 per municipality (always over the whole year).
    pub grants: Vec<GrantStatement>,
    /// The summaries of the prefectures in scope (a prefecture's roles, or an admin).
    pub prefectures: Vec<PrefectureSummary>,
    /// Uses of earlier, already issued months recorded after their statement was issued.
    pub adjustments: Vec<FacilityInvoice>,
    /// The mutual-use agreements in scope: each agreement's statement, the balances and the
    /// netted transfers through the prefecture. `None` for those who do not see agreements.
    #[serde(default)]
    pub agreements: Option<AgreementSettlement>,
    /// The recorded uses of the fiscal year the statements were computed from.
    pub uses: usize,
    /// Set when this is an issued statement read back.
    pub issued: Option<IssueInfo>,
}

/// When and by whom a statement was issued, under which rules, from which inputs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueInfo {
    pub issued_at: DateTime<Utc>,
    pub issued_by: String,
    pub rule_sets: String,
    /// SHA-256 of the use inputs the statement was computed from.
    pub fingerprint: String,
}

/// Whose statements a principal may see.
fn scope_of(p: &Principal) -> Option<(Option<PrefectureCode>, Option<LgCode>)> {
    match p {
        Principal::Admin => Some((None, None)),
        Principal::PrefectureFinance(pref) | Principal::PrefectureCoordinator(pref) => Some((Some(*pref), None)),
        Principal::MunicipalFinance(m) | Principal::MunicipalStaff(m) => Some((Some(m.prefecture()), Some(*m))),
        Principal::FacilityStaff(_) => None,
    }
}

/// Whether a principal sees mutual-use agreements: the prefecture's coordinator and finance
/// staff, municipal finance staff (of the agreements their municipality is a member of), admins.
fn sees_agreements(p: &Principal) -> bool {
    !matches!(p, Principal::MunicipalStaff(_) | Principal::FacilityStaff(_))
}

/// The agreements hosted in the prefecture in scope, and for one municipality only those it is a
/// member of, with its own balance and transfer.
fn agreements_in_scope(mut s: AgreementSettlement, wanted: Option<LgCode>, pref_scope: Option<PrefectureCode>) -> AgreementSettlement {
    s.agreements.retain(|a| pref_scope.is_none_or(|pf| a.host.prefecture() == pf) && wanted.is_none_or(|w| a.members.iter().any(|m| m.municipality == w)));
    let in_scope = |m: LgCode| wanted.is_none_or(|w| w == m) && pref_scope.is_none_or(|pf| m.prefecture() == pf);
    s.balances.retain(|b| in_scope(b.municipality));
    s.transfers.retain(|t| in_scope(t.municipality));
    s
}

/// `FY2025`, `FY2025-06`, `FY2025-06-312011`, `FY2025-312011`.
fn scope_key(fy: FiscalYear, month: Option<NaiveDate>, m: Option<LgCode>) -> String {
    let mut key = format!("FY{}", fy.year());
    if let Some(d) = month {
        key.push_str(&format!("-{:02}", d.month()));
    }
    if let Some(m) = m {
        key.push_str(&format!("-{m}"));
    }
    key
}

fn month_period(fy: FiscalYear, month: NaiveDate) -> ServiceResult<Period> {
    let first = month.with_day(1).expect("day 1 exists");
    if FiscalYear::containing(first) != fy {
        return Err(ServiceError::bad_input("month", format!("{} is not in {}", first.format("%Y-%m"), fy.wareki())));
    }
    let last = first.checked_add_months(chrono::Months::new(1)).and_then(|d| d.pred_opt()).expect("in range");
    Ok(Period::new(first, last)?)
}

impl Hub {
    /// Every used day of a fiscal year as settlement input, in a stable order.
    pub async fn use_inputs(&self, fy: FiscalYear) -> ServiceResult<Vec<UseInput>> {
        Ok(self.read_uses(fy).await?.1.into_iter().map(|r| r.input).collect())
    }

    /// Every used day of `fy` with the inputs of its price, and what they were read with.
    async fn read_uses(&self, fy: FiscalYear) -> ServiceResult<(Pricer, Vec<inputs::Recorded>)> {
        let days = sango_store::usage::used_days(&self.db, fy.first_day(), fy.last_day()).await?;
        let pricer = Pricer::load(&self.db, &days).await?;
        let recorded = pricer.inputs(days)?;
        Ok((pricer, recorded))
    }

    /// Every used day of `fy` read and priced on its own, with the fingerprint of their inputs.
    async fn every_use(&self, fy: FiscalYear) -> ServiceResult<Basis> {
        let (pricer, recorded) = self.read_uses(fy).await?;
        let mut sorted: Vec<&UseInput> = recorded.iter().map(|r| &r.input).collect();
        sorted.sort_by(|a, b| (a.date, &a.booking).cmp(&(b.date, &b.booking)));
        let fingerprint = hex::encode(Sha256::digest(serde_json::to_vec(&sorted).map_err(ServiceError::internal)?));
        let ledger = pricer.ledger(fy)?;
        let mut entries = Vec::with_capacity(recorded.len());
        for r in &recorded {
            entries.push(Settled { priced: ledger.price(&r.input)?, recorded_at: r.recorded_at, top_ups: pricer.top_ups_of(&r.input) });
        }
        Ok(Basis { entries, agreements: pricer.agreements_in(fy), rule_sets: pricer.rule_sets, fingerprint })
    }

    /// The stored amounts of `fy`'s used days (priced first where stale), summed per month and
    /// key, apart for each side of every time in `split_at`.
    async fn stored_sums(&self, fy: FiscalYear, split_at: &[DateTime<Utc>]) -> ServiceResult<Basis> {
        self.priced_through(fy).await?;
        let sums = sango_store::pricing::sums(&self.db, fy, split_at).await?;
        let entries = sums.into_iter().map(|s| Settled { priced: s.priced, recorded_at: s.last_recorded_at, top_ups: s.top_ups }).collect();
        let (rule_sets, _) = inputs::rule_sets(&self.db).await?;
        Ok(Basis { entries, agreements: inputs::agreements_in(&self.db, fy).await?, rule_sets, fingerprint: String::new() })
    }

    /// The statements of a fiscal year, or of one month of it, limited to what the caller may see.
    /// An issued statement is returned exactly as issued.
    pub async fn settlement(&self, caller: &Caller, fy: FiscalYear, month: Option<NaiveDate>, municipality: Option<LgCode>) -> ServiceResult<SettlementReport> {
        let (key, wanted, pref_scope) = self.statement_scope(caller, fy, month, municipality)?;
        let sees = sees_agreements(caller.require()?);
        if let Some(issued) = sango_store::statements::by_scope(&self.db, &key).await? {
            let mut report: SettlementReport = serde_json::from_str(&issued.content).map_err(ServiceError::internal)?;
            if !sees {
                report.agreements = None;
            }
            return Ok(report);
        }
        Ok(self.compute(fy, month, wanted, pref_scope, sees, false).await?.0)
    }

    /// Issues the statements of a period: they are stored with the rule sets and a fingerprint of
    /// their inputs, and read back unchanged from then on. Finance staff (or an admin) only.
    pub async fn issue_statement(&self, caller: &Caller, fy: FiscalYear, month: Option<NaiveDate>, municipality: Option<LgCode>) -> ServiceResult<SettlementReport> {
        let p = caller.require()?;
        if !matches!(p, Principal::Admin | Principal::MunicipalFinance(_) | Principal::PrefectureFinance(_)) {
            return Err(ServiceError::forbidden("statements are issued by finance staff"));
        }
        let (key, wanted, pref_scope) = self.statement_scope(caller, fy, month, municipality)?;
        let (mut report, fingerprint, rule_sets) = self.compute(fy, month, wanted, pref_scope, true, true).await?;
        report.issued = Some(IssueInfo { issued_at: self.now(), issued_by: p.to_string(), rule_sets: rule_sets.clone(), fingerprint: fingerprint.clone() });
        let content = serde_json::to_string(&report).map_err(ServiceError::internal)?;
        let issued = sango_store::statements::Issued {
            scope: key.clone(),
            fiscal_year: fy.year(),
            month: month.map(|m| m.with_day(1).expect("day 1")),
            municipality: wanted.map(|m| m.to_string()),
            rule_sets,
            fingerprint,
            content,
            issued_at: self.now(),
            issued_by: p.to_string(),
        };
        let txn = sango_store::begin_write(&self.db).await?;
        match sango_store::statements::insert(&txn, &issued).await {
            Err(e) if e.is_unique_violation() => return Err(ServiceError::conflict("fiscalYear", format!("{key} has already been issued"))),
            other => other?,
        }
        self.log(&txn, caller, "STATEMENT_ISSUED", &format!("statement:{key}"), None, serde_json::json!({ "fingerprint": issued.fingerprint })).await?;
        txn.commit().await?;
        Ok(report)
    }

    /// The scope key, the municipality asked for (or the caller's own), and the caller's prefecture.
    fn statement_scope(&self, caller: &Caller, fy: FiscalYear, month: Option<NaiveDate>, municipality: Option<LgCode>) -> ServiceResult<(String, Option<LgCode>, Option<PrefectureCode>)> {
        let p = caller.require()?;
        let (pref_scope, muni_scope) = scope_of(p).ok_or_else(|| ServiceError::forbidden(format!("{p} may not see statements")))?;
        let not_found = |m: LgCode| ServiceError::not_found("municipality", format!("no statements of {m}"));
        if let Some(asked) = municipality
            && (muni_scope.is_some_and(|own| own != asked) || pref_scope.is_some_and(|pf| asked.prefecture() != pf)) {
                return Err(not_found(asked));
            }
        if let Some(m) = month {
            month_period(fy, m)?;
        }
        let wanted = municipality.or(muni_scope);
        Ok((scope_key(fy, month, wanted), wanted, pref_scope))
    }

    /// Computes a report; also returns the fingerprint of its inputs and the rule sets applied.
    /// Issuing reads and prices every used day on its own and fingerprints them; otherwise the
    /// stored amounts are summed (and the fingerprint is empty).
    async fn compute(&self, fy: FiscalYear, month: Option<NaiveDate>, wanted: Option<LgCode>, pref_scope: Option<PrefectureCode>, sees_agreements: bool, issuing: bool) -> ServiceResult<(SettlementReport, String, String)> {
        let period = match month {
            Some(m) => month_period(fy, m)?,
            None => Period::fiscal_year(fy),
        };
        let issued = sango_store::statements::of_year(&self.db, fy.year()).await?;
        let basis = if issuing {
            self.every_use(fy).await?
        } else {
            let mut split_at: Vec<DateTime<Utc>> = issued.iter().filter(|s| s.month.is_some()).map(|s| s.issued_at).collect();
            split_at.sort();
            split_at.dedup();
            self.stored_sums(fy, &split_at).await?
        };
        // A use is late when its month was issued (for all or for its municipality) before it was recorded.
        let issued_before = |u: &Settled| {
            let k = &u.priced.key;
            issued.iter().any(|s| {
                s.month.is_some_and(|m| m.year() == k.date.year() && m.month() == k.date.month())
                    && s.municipality.as_deref().is_none_or(|m| m == k.resident.to_string())
                    && s.issued_at < u.recorded_at
            })
        };
        let (late, on_time): (Vec<&Settled>, Vec<&Settled>) = basis.entries.iter().partition(|u| issued_before(u));
        let ledger_of = |entries: &[&Settled]| Ledger::of_priced(&basis.rule_sets, &basis.agreements, entries.iter().map(|u| u.priced.clone()).collect());
        // The fiscal-year 精算書 counts every recorded use, late ones included; when none is late
        // the period's statements read the same ledger.
        let year_ledger = ledger_of(&basis.entries.iter().collect::<Vec<_>>())?;
        let on_time_ledger = if late.is_empty() { None } else { Some(ledger_of(&on_time)?) };
        let ledger = on_time_ledger.as_ref().unwrap_or(&year_ledger);
        let in_scope = |m: LgCode| wanted.is_none_or(|w| w == m) && pref_scope.is_none_or(|pf| m.prefecture() == pf);
        let mut invoices = sango_settlement::facility_invoices(ledger, period);
        for inv in &mut invoices {
            inv.lines.retain(|l| in_scope(l.resident) || in_scope(l.billed_to));
        }
        invoices.retain(|i| !i.lines.is_empty());
        let payables = sango_settlement::municipality_payables(ledger, period).into_iter().filter(|p| in_scope(p.municipality)).collect();
        let all_grants = sango_settlement::fiscal_year_statements(&year_ledger, fy, &[])?;
        let mut prefs: Vec<PrefectureCode> = all_grants.iter().map(|g| g.municipality.prefecture()).filter(|pf| pref_scope.is_none_or(|s| s == *pf)).collect();
        prefs.dedup();
        let prefectures = if wanted.is_some() {
            vec![]
        } else {
            prefs.into_iter().map(|pf| sango_settlement::prefecture_summary(pf, fy, &all_grants.iter().filter(|g| g.municipality.prefecture() == pf).cloned().collect::<Vec<_>>())).collect()
        };
        let grants = all_grants.into_iter().filter(|g| in_scope(g.municipality)).collect();
        // Late uses of months before this period are settled here, once.
        let adjustments = match month {
            Some(_) => {
                let late: Vec<&Settled> = late.into_iter().filter(|u| u.priced.key.date < period.first).collect();
                let late_ledger = ledger_of(&late)?;
                let mut adj = sango_settlement::facility_invoices(&late_ledger, Period::fiscal_year(fy));
                for inv in &mut adj {
                    inv.lines.retain(|l| in_scope(l.resident) || in_scope(l.billed_to));
                }
                adj.retain(|i| !i.lines.is_empty());
                adj
            }
            None => vec![],
        };
        let agreements = sees_agreements.then(|| agreements_in_scope(sango_settlement::agreement_settlement(ledger, period), wanted, pref_scope));
        // The rule sets applied, and the stored top-up version each use's prefecture had in force.
        let mut applied: Vec<String> = basis.entries.iter().map(|u| u.priced.rule_set.clone()).collect();
        applied.extend(basis.entries.iter().filter_map(|u| u.top_ups.clone()));
        applied.sort();
        applied.dedup();
        let report = SettlementReport { fiscal_year: fy, period, invoices, payables, grants, prefectures, adjustments, agreements, uses: basis.entries.iter().map(|u| u.priced.uses as usize).sum(), issued: None };
        Ok((report, basis.fingerprint, applied.join(",")))
    }
}
