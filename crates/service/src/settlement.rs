//! Settlement from recorded use: gathers every used day of a fiscal year with the contract valid
//! that day and the fee of the resident's programme, and hands them to the settlement engine.
//! A statement once issued is stored as issued (with its rule sets and a fingerprint of its
//! inputs) and read back unchanged; a use recorded later for an issued month is settled as an
//! adjustment in the next statement, never by changing the old one.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sango_domain::{FiscalYear, LgCode, PrefectureCode, Principal, ServiceType};
use sango_settlement::{FacilityInvoice, GrantStatement, Ledger, MunicipalityPayables, Period, PrefectureSummary, UseInput};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::auth::Caller;
use crate::error::{ServiceError, ServiceResult};
use crate::hub::Hub;

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

/// A used day with when it was recorded.
struct Recorded {
    input: UseInput,
    recorded_at: DateTime<Utc>,
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
        Ok(self.recorded_uses(fy).await?.into_iter().map(|r| r.input).collect())
    }

    /// Every used day of `fy` with its contract and fee, read in bulk: one query for the days
    /// (joined with their bookings and cases), one for the facilities, one for the contracts, and
    /// one programme per resident municipality.
    async fn recorded_uses(&self, fy: FiscalYear) -> ServiceResult<Vec<Recorded>> {
        let days = sango_store::usage::used_days(&self.db, fy.first_day(), fy.last_day()).await?;
        let mut facility_ids: Vec<i64> = days.iter().map(|d| d.facility_id).collect();
        facility_ids.sort_unstable();
        facility_ids.dedup();
        let mut facilities: HashMap<i64, LgCode> = HashMap::with_capacity(facility_ids.len());
        for chunk in facility_ids.chunks(10_000) {
            facilities.extend(sango_store::facilities::get_many(&self.db, chunk).await?.into_iter().map(|f| (f.id, f.municipality)));
        }
        let contracts = sango_store::contracts::current(&self.db, None, None, None).await?;
        let mut by_party: HashMap<(LgCode, i64, ServiceType), Vec<&sango_domain::ContractTerms>> = HashMap::new();
        for c in &contracts {
            by_party.entry((c.terms.municipality, c.terms.facility_id, c.terms.service_type)).or_default().push(&c.terms);
        }
        let mut programmes: HashMap<LgCode, std::sync::Arc<sango_domain::ProgramRules>> = HashMap::new();
        let mut ordinals: HashMap<(i64, ServiceType), u32> = HashMap::new();
        let mut out = Vec::with_capacity(days.len());
        for d in days {
            let Some(&facility_municipality) = facilities.get(&d.facility_id) else { continue };
            let ordinal = ordinals.entry((d.case_id, d.service_type)).and_modify(|n| *n += 1).or_insert(1);
            let contract = by_party.get(&(d.municipality, d.facility_id, d.service_type)).and_then(|cs| cs.iter().find(|c| c.valid_on(d.date)));
            let Some(contract) = contract else {
                return Err(ServiceError::conflict("contract", format!("booking {} used {} without a contract of {} valid that day", d.reference, d.date, d.municipality)));
            };
            let rules = match programmes.get(&d.municipality) {
                Some(r) => r.clone(),
                None => {
                    let r = self.rules(d.municipality, fy).await?.ok_or_else(|| ServiceError::conflict("program", format!("{} has no programme for {}", d.municipality, fy.wareki())))?;
                    programmes.insert(d.municipality, r.clone());
                    r
                }
            };
            let input = UseInput {
                user_fee: rules.user_fee(d.service_type, d.tier, *ordinal, d.infants, false).unwrap_or(sango_domain::Yen::ZERO),
                booking: d.reference,
                date: d.date,
                resident: d.municipality,
                facility_id: d.facility_id,
                facility_municipality,
                service_type: d.service_type,
                tier: d.tier,
                use_ordinal: *ordinal,
                infants: d.infants,
                sibling: d.sibling,
                over_four_months: d.over_four_months,
                high_need: d.high_need,
                unit_price: contract.unit_price,
                additions: contract.additions,
                agreement: None,
            };
            out.push(Recorded { input, recorded_at: d.recorded_at });
        }
        Ok(out)
    }

    /// The statements of a fiscal year, or of one month of it, limited to what the caller may see.
    /// An issued statement is returned exactly as issued.
    pub async fn settlement(&self, caller: &Caller, fy: FiscalYear, month: Option<NaiveDate>, municipality: Option<LgCode>) -> ServiceResult<SettlementReport> {
        let (key, wanted, pref_scope) = self.statement_scope(caller, fy, month, municipality)?;
        if let Some(issued) = sango_store::statements::by_scope(&self.db, &key).await? {
            return serde_json::from_str(&issued.content).map_err(ServiceError::internal);
        }
        Ok(self.compute(fy, month, wanted, pref_scope, false).await?.0)
    }

    /// Issues the statements of a period: they are stored with the rule sets and a fingerprint of
    /// their inputs, and read back unchanged from then on. Finance staff (or an admin) only.
    pub async fn issue_statement(&self, caller: &Caller, fy: FiscalYear, month: Option<NaiveDate>, municipality: Option<LgCode>) -> ServiceResult<SettlementReport> {
        let p = caller.require()?;
        if !matches!(p, Principal::Admin | Principal::MunicipalFinance(_) | Principal::PrefectureFinance(_)) {
            return Err(ServiceError::forbidden("statements are issued by finance staff"));
        }
        let (key, wanted, pref_scope) = self.statement_scope(caller, fy, month, municipality)?;
        let (mut report, fingerprint, rule_sets) = self.compute(fy, month, wanted, pref_scope, true).await?;
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

    /// Computes a report; also returns the fingerprint of its inputs (when asked: it is for
    /// issuing) and the rule sets applied.
    async fn compute(&self, fy: FiscalYear, month: Option<NaiveDate>, wanted: Option<LgCode>, pref_scope: Option<PrefectureCode>, fingerprint: bool) -> ServiceResult<(SettlementReport, String, String)> {
        let period = match month {
            Some(m) => month_period(fy, m)?,
            None => Period::fiscal_year(fy),
        };
        let recorded = self.recorded_uses(fy).await?;
        let issued = sango_store::statements::of_year(&self.db, fy.year()).await?;
        // A use is late when its month was issued (for all or for its municipality) before it was recorded.
        let issued_before = |u: &Recorded| {
            issued.iter().any(|s| {
                s.month.is_some_and(|m| m.year() == u.input.date.year() && m.month() == u.input.date.month())
                    && s.municipality.as_deref().is_none_or(|m| m == u.input.resident.to_string())
                    && s.issued_at < u.recorded_at
            })
        };
        let (late, on_time): (Vec<&Recorded>, Vec<&Recorded>) = recorded.iter().partition(|u| issued_before(u));
        let rule_sets = sango_settlement::builtin_rule_sets();
        // The fiscal-year 精算書 counts every recorded use, late ones included; when none is late
        // the period's statements read the same ledger.
        let all_uses: Vec<UseInput> = recorded.iter().map(|u| u.input.clone()).collect();
        let year_ledger = Ledger::new(&rule_sets, &[], &all_uses)?;
        let on_time_ledger = if late.is_empty() {
            None
        } else {
            let uses: Vec<UseInput> = on_time.iter().map(|u| u.input.clone()).collect();
            Some(Ledger::new(&rule_sets, &[], &uses)?)
        };
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
                let late: Vec<UseInput> = late.iter().filter(|u| u.input.date < period.first).map(|u| u.input.clone()).collect();
                let late_ledger = Ledger::new(&rule_sets, &[], &late)?;
                let mut adj = sango_settlement::facility_invoices(&late_ledger, Period::fiscal_year(fy));
                for inv in &mut adj {
                    inv.lines.retain(|l| in_scope(l.resident) || in_scope(l.billed_to));
                }
                adj.retain(|i| !i.lines.is_empty());
                adj
            }
            None => vec![],
        };
        // Only an issued statement carries the fingerprint of its inputs.
        let fingerprint = if fingerprint {
            let mut sorted: Vec<&UseInput> = recorded.iter().map(|r| &r.input).collect();
            sorted.sort_by(|a, b| (a.date, &a.booking).cmp(&(b.date, &b.booking)));
            hex::encode(Sha256::digest(serde_json::to_vec(&sorted).map_err(ServiceError::internal)?))
        } else {
            String::new()
        };
        let mut applied: Vec<String> = year_ledger.uses().iter().map(|u| u.rule_set.clone()).collect();
        applied.sort();
        applied.dedup();
        let report = SettlementReport { fiscal_year: fy, period, invoices, payables, grants, prefectures, adjustments, uses: recorded.len(), issued: None };
        Ok((report, fingerprint, applied.join(",")))
    }
}
