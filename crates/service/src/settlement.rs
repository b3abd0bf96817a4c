//! Settlement from recorded use: gathers every used day of a fiscal year with the contract valid
//! that day and the fee of the resident's programme, and hands them to the settlement engine.
//! A statement once issued is stored as issued (with its rule sets and a fingerprint of its
//! inputs) and read back unchanged; a use recorded later for an issued month is settled as an
//! adjustment in the next statement, never by changing the old one.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sango_domain::{BookingStatus, FiscalYear, LgCode, Outcome, PrefectureCode, Principal};
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

    async fn recorded_uses(&self, fy: FiscalYear) -> ServiceResult<Vec<Recorded>> {
        let bookings = sango_store::bookings::in_period(&self.db, fy.first_day(), fy.last_day()).await?;
        let case_ids: Vec<i64> = bookings.iter().map(|b| b.case_id).collect();
        let cases: HashMap<i64, _> = sango_store::cases::by_ids(&self.db, &case_ids).await?.into_iter().map(|c| (c.id, c)).collect();
        let facility_ids: Vec<i64> = bookings.iter().map(|b| b.facility_id).collect();
        let facilities: HashMap<i64, _> = sango_store::facilities::get_many(&self.db, &facility_ids).await?.into_iter().map(|f| (f.id, f)).collect();
        let contracts = sango_store::contracts::current(&self.db, None, None, None).await?;
        let mut days: Vec<(NaiveDate, i64, &sango_store::bookings::Booking, &sango_store::bookings::BookedDay)> = Vec::new();
        for b in bookings.iter().filter(|b| b.status != BookingStatus::Cancelled) {
            for d in b.days.iter().filter(|d| d.outcome == Some(Outcome::Used) && FiscalYear::containing(d.date) == fy) {
                days.push((d.date, b.id, b, d));
            }
        }
        days.sort_by_key(|(date, id, ..)| (*date, *id));
        let mut ordinals: HashMap<(i64, sango_domain::ServiceType), u32> = HashMap::new();
        let mut out = Vec::with_capacity(days.len());
        for (date, _, b, d) in days {
            let (Some(case), Some(f), Some(record)) = (cases.get(&b.case_id), facilities.get(&b.facility_id), d.use_record.as_ref()) else { continue };
            let p = &case.profile;
            let ordinal = ordinals.entry((case.id, b.service_type)).and_modify(|n| *n += 1).or_insert(1);
            let contract = contracts.iter().find(|c| c.terms.municipality == p.municipality && c.terms.facility_id == b.facility_id && c.terms.service_type == b.service_type && c.terms.valid_on(date));
            let Some(contract) = contract else {
                return Err(ServiceError::conflict("contract", format!("booking {} used {date} without a contract of {} valid that day", b.reference, p.municipality)));
            };
            let rules = self.rules(p.municipality, fy).await?.ok_or_else(|| ServiceError::conflict("program", format!("{} has no programme for {}", p.municipality, fy.wareki())))?;
            let input = UseInput {
                booking: b.reference.clone(),
                date,
                resident: p.municipality,
                facility_id: b.facility_id,
                facility_municipality: f.municipality,
                service_type: b.service_type,
                tier: p.tier,
                use_ordinal: *ordinal,
                infants: record.infants,
                sibling: record.sibling,
                over_four_months: record.over_four_months,
                high_need: record.high_need,
                unit_price: contract.terms.unit_price,
                additions: contract.terms.additions,
                user_fee: rules.user_fee(b.service_type, p.tier, *ordinal, record.infants, false).unwrap_or(sango_domain::Yen::ZERO),
                agreement: None,
            };
            out.push(Recorded { input, recorded_at: record.recorded_at });
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
        Ok(self.compute(fy, month, wanted, pref_scope).await?.0)
    }

    /// Issues the statements of a period: they are stored with the rule sets and a fingerprint of
    /// their inputs, and read back unchanged from then on. Finance staff (or an admin) only.
    pub async fn issue_statement(&self, caller: &Caller, fy: FiscalYear, month: Option<NaiveDate>, municipality: Option<LgCode>) -> ServiceResult<SettlementReport> {
        let p = caller.require()?;
        if !matches!(p, Principal::Admin | Principal::MunicipalFinance(_) | Principal::PrefectureFinance(_)) {
            return Err(ServiceError::forbidden("statements are issued by finance staff"));
        }
        let (key, wanted, pref_scope) = self.statement_scope(caller, fy, month, municipality)?;
        let (mut report, fingerprint, rule_sets) = self.compute(fy, month, wanted, pref_scope).await?;
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
    async fn compute(&self, fy: FiscalYear, month: Option<NaiveDate>, wanted: Option<LgCode>, pref_scope: Option<PrefectureCode>) -> ServiceResult<(SettlementReport, String, String)> {
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
        let uses: Vec<UseInput> = on_time.iter().map(|u| u.input.clone()).collect();
        let rule_sets = sango_settlement::builtin_rule_sets();
        let ledger = Ledger::new(&rule_sets, &[], &uses)?;
        let in_scope = |m: LgCode| wanted.is_none_or(|w| w == m) && pref_scope.is_none_or(|pf| m.prefecture() == pf);
        let mut invoices = sango_settlement::facility_invoices(&ledger, period);
        for inv in &mut invoices {
            inv.lines.retain(|l| in_scope(l.resident) || in_scope(l.billed_to));
        }
        invoices.retain(|i| !i.lines.is_empty());
        let payables = sango_settlement::municipality_payables(&ledger, period).into_iter().filter(|p| in_scope(p.municipality)).collect();
        // The fiscal-year 精算書 counts every recorded use, late ones included.
        let all_uses: Vec<UseInput> = recorded.iter().map(|u| u.input.clone()).collect();
        let year_ledger = Ledger::new(&rule_sets, &[], &all_uses)?;
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
        let mut sorted: Vec<&UseInput> = recorded.iter().map(|r| &r.input).collect();
        sorted.sort_by(|a, b| (a.date, &a.booking).cmp(&(b.date, &b.booking)));
        let fingerprint = hex::encode(Sha256::digest(serde_json::to_vec(&sorted).map_err(ServiceError::internal)?));
        let mut applied: Vec<String> = year_ledger.uses().iter().map(|u| u.rule_set.clone()).collect();
        applied.sort();
        applied.dedup();
        let report = SettlementReport { fiscal_year: fy, period, invoices, payables, grants, prefectures, adjustments, uses: recorded.len(), issued: None };
        Ok((report, fingerprint, applied.join(",")))
    }
}
