//! What settlement reads from the database, in bulk: every used day of a fiscal year priced by
//! the contract version in force on its day (through a mutual-use agreement's host when the day
//! falls under one), the fee of the resident's programme, the agreements in force during the
//! year, and the prefectures' stored top-up versions laid over the rule sets.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use sango_domain::{ContractTerms, FiscalYear, LgCode, ProgramRules, ServiceType, Yen};
use sango_settlement::{Agreement, AgreementTerms, RuleSet, TopUpVersion, UseInput, version_in_force};
use sango_store::{AgreementVersion, ContractVersion};

use crate::error::{ServiceError, ServiceResult};
use crate::hub::Hub;

/// A used day with when it was recorded.
pub(crate) struct Recorded {
    pub input: UseInput,
    pub recorded_at: DateTime<Utc>,
}

/// Everything a fiscal year's statements are computed from.
pub(crate) struct Inputs {
    pub recorded: Vec<Recorded>,
    /// The built-in rule sets with the stored top-up versions laid over them.
    pub rule_sets: Vec<RuleSet>,
    /// Every stored top-up version (to name the one each use applied).
    pub top_ups: Vec<TopUpVersion>,
    /// One per agreement in force on some day of the year: its host and every member it had.
    pub agreements: Vec<Agreement>,
}

/// The versions of each contract, by contract number, and the contract numbers of each party.
struct ContractIndex {
    versions: HashMap<i64, Vec<ContractVersion>>,
    by_party: HashMap<(LgCode, i64, ServiceType), Vec<i64>>,
}

impl ContractIndex {
    fn new(all: Vec<ContractVersion>) -> Self {
        let mut versions: HashMap<i64, Vec<ContractVersion>> = HashMap::new();
        let mut by_party: HashMap<(LgCode, i64, ServiceType), Vec<i64>> = HashMap::new();
        for c in all {
            let numbers = by_party.entry((c.terms.municipality, c.terms.facility_id, c.terms.service_type)).or_default();
            if !numbers.contains(&c.contract_no) {
                numbers.push(c.contract_no);
            }
            versions.entry(c.contract_no).or_default().push(c);
        }
        Self { versions, by_party }
    }

    /// The terms in force on `day` between municipality `m` and the facility for type `t`.
    fn on(&self, m: LgCode, facility: i64, t: ServiceType, day: NaiveDate) -> Option<&ContractTerms> {
        self.by_party.get(&(m, facility, t))?.iter().find_map(|no| {
            let versions = self.versions.get(no)?;
            let i = version_in_force(versions.iter().map(|v| (v.version, v.terms.valid_from, v.terms.valid_on(day))), day)?;
            Some(&versions[i].terms)
        })
    }
}

/// The versions of each agreement, by code, and the codes each municipality is a member of.
struct AgreementIndex {
    versions: BTreeMap<String, Vec<AgreementVersion>>,
    by_member: HashMap<LgCode, Vec<String>>,
}

impl AgreementIndex {
    fn new(all: Vec<AgreementVersion>) -> Self {
        let mut versions: BTreeMap<String, Vec<AgreementVersion>> = BTreeMap::new();
        let mut by_member: HashMap<LgCode, Vec<String>> = HashMap::new();
        for a in all {
            for m in a.terms.members.iter().copied().chain([a.terms.host]) {
                let codes = by_member.entry(m).or_default();
                if !codes.contains(&a.terms.code) {
                    codes.push(a.terms.code.clone());
                }
            }
            versions.entry(a.terms.code.clone()).or_default().push(a);
        }
        for codes in by_member.values_mut() {
            codes.sort();
        }
        Self { versions, by_member }
    }

    fn on(&self, code: &str, day: NaiveDate) -> Option<&AgreementTerms> {
        let versions = self.versions.get(code)?;
        let i = version_in_force(versions.iter().map(|v| (v.version, v.terms.valid_from, v.terms.valid_on(day))), day)?;
        Some(&versions[i].terms)
    }

    /// The first agreement (by code) in force on `day` with `resident` as a member whose host
    /// contracts the facility for the type that day, with the host's terms.
    fn covering<'a>(&'a self, contracts: &'a ContractIndex, resident: LgCode, facility: i64, t: ServiceType, day: NaiveDate) -> Option<(&'a str, &'a ContractTerms)> {
        self.by_member.get(&resident)?.iter().find_map(|code| {
            let a = self.on(code, day).filter(|a| a.includes(resident))?;
            contracts.on(a.host, facility, t, day).map(|c| (code.as_str(), c))
        })
    }

    /// Every agreement with a version in force on some day of `fy`, with every member it had.
    fn in_year(&self, fy: FiscalYear) -> Vec<Agreement> {
        let mut out = Vec::new();
        for versions in self.versions.values() {
            let days = [fy.first_day(), fy.last_day()];
            let touches = |t: &AgreementTerms| t.valid_from <= days[1] && t.valid_to.is_none_or(|to| to >= days[0]);
            let live: Vec<&AgreementTerms> = versions.iter().map(|v| &v.terms).filter(|t| touches(t)).collect();
            let Some(first) = live.first() else { continue };
            let mut members: Vec<LgCode> = live.iter().flat_map(|t| t.members.iter().copied()).collect();
            members.sort();
            members.dedup();
            out.push(Agreement { id: first.code.clone(), host: first.host, members });
        }
        out
    }
}

impl Hub {
    /// Every used day of `fy` with its contract and fee, read in bulk: one query for the days
    /// (joined with their bookings and cases), one for the facilities, one for every contract
    /// version, one for the agreements, one for the top-ups, and one programme per resident
    /// municipality.
    pub(crate) async fn settlement_inputs(&self, fy: FiscalYear) -> ServiceResult<Inputs> {
        let days = sango_store::usage::used_days(&self.db, fy.first_day(), fy.last_day()).await?;
        let mut facility_ids: Vec<i64> = days.iter().map(|d| d.facility_id).collect();
        facility_ids.sort_unstable();
        facility_ids.dedup();
        let mut facilities: HashMap<i64, LgCode> = HashMap::with_capacity(facility_ids.len());
        for chunk in facility_ids.chunks(10_000) {
            facilities.extend(sango_store::facilities::get_many(&self.db, chunk).await?.into_iter().map(|f| (f.id, f.municipality)));
        }
        let contracts = ContractIndex::new(sango_store::contracts::all_versions(&self.db).await?);
        let agreements = AgreementIndex::new(sango_store::agreements::all_versions(&self.db, None).await?);
        let top_ups: Vec<TopUpVersion> = sango_store::top_ups::all_versions(&self.db, None).await?.into_iter().map(|s| s.top_ups).collect();
        let mut programmes: HashMap<LgCode, Arc<ProgramRules>> = HashMap::new();
        let mut ordinals: HashMap<(i64, ServiceType), u32> = HashMap::new();
        let mut recorded = Vec::with_capacity(days.len());
        for d in days {
            let Some(&facility_municipality) = facilities.get(&d.facility_id) else { continue };
            let ordinal = ordinals.entry((d.case_id, d.service_type)).and_modify(|n| *n += 1).or_insert(1);
            let (agreement, contract) = match agreements.covering(&contracts, d.municipality, d.facility_id, d.service_type, d.date) {
                Some((code, terms)) => (Some(code.to_owned()), Some(terms)),
                None => (None, contracts.on(d.municipality, d.facility_id, d.service_type, d.date)),
            };
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
                user_fee: rules.user_fee(d.service_type, d.tier, *ordinal, d.infants, false).unwrap_or(Yen::ZERO),
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
                agreement,
            };
            recorded.push(Recorded { input, recorded_at: d.recorded_at });
        }
        let rule_sets = sango_settlement::with_top_up_versions(&sango_settlement::builtin_rule_sets(), &top_ups);
        Ok(Inputs { recorded, rule_sets, top_ups, agreements: agreements.in_year(fy) })
    }
}
