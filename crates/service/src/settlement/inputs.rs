//! What a use's price reads from the database, in bulk ([`Pricer`]): the contract version in
//! force on its day (through a mutual-use agreement's host when the day falls under one), the
//! facility's municipality, the fee of the resident's programme, the agreements in force, and the
//! prefectures' stored top-up versions laid over the rule sets.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use sango_domain::{ContractTerms, FiscalYear, LgCode, ProgramRules, ServiceType, Yen};
use sango_settlement::{Agreement, AgreementTerms, Ledger, RuleSet, TopUpVersion, UseInput, version_in_force};
use sango_store::usage::UsedDay;
use sango_store::{AgreementVersion, ConnectionTrait, ContractVersion};

use crate::error::{ServiceError, ServiceResult};

/// A used day's input to its price, with when it was recorded.
pub(crate) struct Recorded {
    pub booking_id: i64,
    pub case_id: i64,
    pub input: UseInput,
    pub recorded_at: DateTime<Utc>,
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

/// Everything the price of some used days reads, loaded once for all of them.
pub(crate) struct Pricer {
    contracts: ContractIndex,
    agreements: AgreementIndex,
    facilities: HashMap<i64, LgCode>,
    programmes: HashMap<(LgCode, FiscalYear), ProgramRules>,
    /// The built-in rule sets with the stored top-up versions laid over them.
    pub rule_sets: Vec<RuleSet>,
    /// Every stored top-up version (to name the one each use applied).
    pub top_ups: Vec<TopUpVersion>,
}

impl Pricer {
    /// Reads, through `c`, what pricing `days` needs: their facilities, every contract and
    /// agreement version, every stored top-up version, and the programme of each resident
    /// municipality and fiscal year among them.
    pub async fn load(c: &impl ConnectionTrait, days: &[UsedDay]) -> ServiceResult<Pricer> {
        let mut facility_ids: Vec<i64> = days.iter().map(|d| d.facility_id).collect();
        facility_ids.sort_unstable();
        facility_ids.dedup();
        let mut facilities: HashMap<i64, LgCode> = HashMap::with_capacity(facility_ids.len());
        for chunk in facility_ids.chunks(10_000) {
            facilities.extend(sango_store::facilities::get_many(c, chunk).await?.into_iter().map(|f| (f.id, f.municipality)));
        }
        let mut programmes = HashMap::new();
        let mut wanted: Vec<(LgCode, FiscalYear)> = days.iter().map(|d| (d.municipality, FiscalYear::containing(d.date))).collect();
        wanted.sort();
        wanted.dedup();
        for (m, fy) in wanted {
            if let Some(p) = sango_store::programs::current(c, m, fy).await? {
                programmes.insert((m, fy), p.rules);
            }
        }
        let (rule_sets, top_ups) = rule_sets(c).await?;
        Ok(Pricer {
            contracts: ContractIndex::new(sango_store::contracts::all_versions(c).await?),
            agreements: AgreementIndex::new(sango_store::agreements::all_versions(c, None).await?),
            facilities,
            programmes,
            rule_sets,
            top_ups,
        })
    }

    /// The inputs of `days` (ordered by date, then booking, as the store reads them), each use
    /// numbered within its case, type and fiscal year. A day whose facility is gone is skipped;
    /// one without a contract valid that day, or whose resident has no programme, is refused.
    pub fn inputs(&self, days: Vec<UsedDay>) -> ServiceResult<Vec<Recorded>> {
        let mut ordinals: HashMap<(i64, ServiceType, FiscalYear), u32> = HashMap::new();
        let mut recorded = Vec::with_capacity(days.len());
        for d in days {
            let Some(&facility_municipality) = self.facilities.get(&d.facility_id) else { continue };
            let fy = FiscalYear::containing(d.date);
            let ordinal = ordinals.entry((d.case_id, d.service_type, fy)).and_modify(|n| *n += 1).or_insert(1);
            let (agreement, contract) = match self.agreements.covering(&self.contracts, d.municipality, d.facility_id, d.service_type, d.date) {
                Some((code, terms)) => (Some(code.to_owned()), Some(terms)),
                None => (None, self.contracts.on(d.municipality, d.facility_id, d.service_type, d.date)),
            };
            let Some(contract) = contract else {
                return Err(ServiceError::conflict("contract", format!("booking {} used {} without a contract of {} valid that day", d.reference, d.date, d.municipality)));
            };
            let rules = self.programmes.get(&(d.municipality, fy)).ok_or_else(|| ServiceError::conflict("program", format!("{} has no programme for {}", d.municipality, fy.wareki())))?;
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
            recorded.push(Recorded { booking_id: d.booking_id, case_id: d.case_id, input, recorded_at: d.recorded_at });
        }
        Ok(recorded)
    }

    /// One per agreement in force on some day of `fy`: its host and every member it had.
    pub fn agreements_in(&self, fy: FiscalYear) -> Vec<Agreement> {
        self.agreements.in_year(fy)
    }

    /// A ledger of no use, to price uses of `fy` with.
    pub fn ledger(&self, fy: FiscalYear) -> ServiceResult<Ledger> {
        Ok(Ledger::new(&self.rule_sets, &self.agreements_in(fy), &[])?)
    }

    /// The label of the stored top-up version in force for `u`'s resident on its day, if any.
    pub fn top_ups_of(&self, u: &UseInput) -> Option<String> {
        sango_settlement::top_up_version_on(&self.top_ups, u.resident.prefecture(), u.date).map(|v| v.label())
    }
}

/// The built-in rule sets with the stored top-up versions laid over them, and those versions.
pub(crate) async fn rule_sets(c: &impl ConnectionTrait) -> ServiceResult<(Vec<RuleSet>, Vec<TopUpVersion>)> {
    let top_ups: Vec<TopUpVersion> = sango_store::top_ups::all_versions(c, None).await?.into_iter().map(|s| s.top_ups).collect();
    Ok((sango_settlement::with_top_up_versions(&sango_settlement::builtin_rule_sets(), &top_ups), top_ups))
}

/// One per agreement in force on some day of `fy`: its host and every member it had.
pub(crate) async fn agreements_in(c: &impl ConnectionTrait, fy: FiscalYear) -> ServiceResult<Vec<Agreement>> {
    Ok(AgreementIndex::new(sango_store::agreements::all_versions(c, None).await?).in_year(fy))
}
