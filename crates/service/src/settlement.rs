//! Settlement from recorded use: gathers every used day of a fiscal year with the contract valid
//! that day and the fee of the resident's programme, and hands them to the settlement engine.
//! Finance staff see the statements of their municipality or prefecture.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use sango_domain::{BookingStatus, FiscalYear, LgCode, Outcome, PrefectureCode, Principal};
use sango_settlement::{FacilityInvoice, GrantStatement, Ledger, MunicipalityPayables, Period, PrefectureSummary, UseInput};

use crate::auth::Caller;
use crate::error::{ServiceError, ServiceResult};
use crate::hub::Hub;

/// Every statement of a period that the caller may see.
#[derive(Clone, Debug, PartialEq)]
pub struct SettlementReport {
    pub fiscal_year: FiscalYear,
    pub period: Period,
    pub invoices: Vec<FacilityInvoice>,
    pub payables: Vec<MunicipalityPayables>,
    /// The fiscal-year 精算書 per municipality (always over the whole year).
    pub grants: Vec<GrantStatement>,
    /// The summaries of the prefectures in scope (a prefecture's roles, or an admin).
    pub prefectures: Vec<PrefectureSummary>,
    /// The recorded uses the statements were computed from.
    pub uses: usize,
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

impl Hub {
    /// Every used day of a fiscal year as settlement input, in a stable order.
    pub async fn use_inputs(&self, fy: FiscalYear) -> ServiceResult<Vec<UseInput>> {
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
            let (Some(case), Some(f)) = (cases.get(&b.case_id), facilities.get(&b.facility_id)) else { continue };
            let p = &case.profile;
            let ordinal = ordinals.entry((case.id, b.service_type)).and_modify(|n| *n += 1).or_insert(1);
            let contract = contracts.iter().find(|c| c.terms.municipality == p.municipality && c.terms.facility_id == b.facility_id && c.terms.service_type == b.service_type && c.terms.valid_on(date));
            let Some(contract) = contract else {
                return Err(ServiceError::conflict("contract", format!("booking {} used {date} without a contract of {} valid that day", b.reference, p.municipality)));
            };
            let rules = self.rules(p.municipality, fy).await?.ok_or_else(|| ServiceError::conflict("program", format!("{} has no programme for {}", p.municipality, fy.wareki())))?;
            let record = d.use_record.as_ref();
            let infants = record.map_or(p.multiples, |r| r.infants);
            out.push(UseInput {
                booking: b.reference.clone(),
                date,
                resident: p.municipality,
                facility_id: b.facility_id,
                facility_municipality: f.municipality,
                service_type: b.service_type,
                tier: p.tier,
                use_ordinal: *ordinal,
                infants,
                sibling: record.is_some_and(|r| r.sibling),
                over_four_months: record.is_some_and(|r| r.over_four_months),
                high_need: record.is_some_and(|r| r.high_need),
                unit_price: contract.terms.unit_price,
                additions: contract.terms.additions,
                user_fee: rules.user_fee(b.service_type, p.tier, *ordinal, infants, false).unwrap_or(sango_domain::Yen::ZERO),
                agreement: None,
            });
        }
        Ok(out)
    }

    /// The statements of a fiscal year, or of one month of it, limited to what the caller may see.
    pub async fn settlement(&self, caller: &Caller, fy: FiscalYear, month: Option<NaiveDate>, municipality: Option<LgCode>) -> ServiceResult<SettlementReport> {
        let p = caller.require()?;
        let (pref_scope, muni_scope) = scope_of(p).ok_or_else(|| ServiceError::forbidden(format!("{p} may not see statements")))?;
        if let (Some(asked), Some(own)) = (municipality, muni_scope) {
            if asked != own {
                return Err(ServiceError::not_found("municipality", format!("no statements of {asked}")));
            }
        }
        if let (Some(asked), Some(pref)) = (municipality, pref_scope) {
            if asked.prefecture() != pref {
                return Err(ServiceError::not_found("municipality", format!("no statements of {asked}")));
            }
        }
        let period = match month {
            Some(m) => {
                let first = m.with_day0(0).expect("day 1 exists");
                if FiscalYear::containing(first) != fy {
                    return Err(ServiceError::bad_input("month", format!("{} is not in {}", first.format("%Y-%m"), fy.wareki())));
                }
                let last = first.checked_add_months(chrono::Months::new(1)).expect("in range").pred_opt().expect("in range");
                Period::new(first, last)?
            }
            None => Period::fiscal_year(fy),
        };
        let uses = self.use_inputs(fy).await?;
        let ledger = Ledger::new(&sango_settlement::builtin_rule_sets(), &[], &uses)?;
        let wanted_muni = municipality.or(muni_scope);
        let in_scope = |m: LgCode| wanted_muni.is_none_or(|w| w == m) && pref_scope.is_none_or(|pf| m.prefecture() == pf);
        let mut invoices = sango_settlement::facility_invoices(&ledger, period);
        for inv in &mut invoices {
            inv.lines.retain(|l| in_scope(l.resident) || in_scope(l.billed_to));
        }
        invoices.retain(|i| !i.lines.is_empty());
        let payables = sango_settlement::municipality_payables(&ledger, period).into_iter().filter(|p| in_scope(p.municipality)).collect();
        let all_grants = sango_settlement::fiscal_year_statements(&ledger, fy, &[])?;
        let mut prefs: Vec<PrefectureCode> = all_grants.iter().map(|g| g.municipality.prefecture()).filter(|pf| pref_scope.is_none_or(|s| s == *pf)).collect();
        prefs.dedup();
        let prefectures = if muni_scope.is_some() || municipality.is_some() {
            vec![]
        } else {
            prefs.into_iter().map(|pf| sango_settlement::prefecture_summary(pf, fy, &all_grants.iter().filter(|g| g.municipality.prefecture() == pf).cloned().collect::<Vec<_>>())).collect()
        };
        let grants = all_grants.into_iter().filter(|g| in_scope(g.municipality)).collect();
        Ok(SettlementReport { fiscal_year: fy, period, invoices, payables, grants, prefectures, uses: uses.len() })
    }
}

