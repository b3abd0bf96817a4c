//! `careStatistics`: a municipality's published tables for a fiscal year, from the hub's records.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use sango_domain::{FiscalYear, LgCode, Outcome};
use sango_planning::statistics::{ApplicationOutcome, ApplicationRecord, CaseRecord, FacilityMonthUse, Records, Statistics, Stay, statistics};

use super::days_of;
use crate::auth::Caller;
use crate::error::{ServiceError, ServiceResult};
use crate::hub::Hub;

/// The earliest use that can make an applicant a repeat one.
const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid date");

/// A municipality's statistics with the names its tables print.
#[derive(Clone, Debug, PartialEq)]
pub struct CareStatistics {
    pub municipality: LgCode,
    pub name: String,
    pub statistics: Statistics,
    pub facility_names: HashMap<i64, String>,
}

impl Hub {
    /// Utilisation of the facilities inside the municipality, contracted by it or used by its
    /// residents (per month and type); the lottery; users per type; use by the infant's age;
    /// registrations against births; nights per short stay. Same readers as the balance.
    pub async fn care_statistics(&self, caller: &Caller, m: LgCode, fy: FiscalYear) -> ServiceResult<CareStatistics> {
        self.check_aggregates(caller, m.prefecture())?;
        let town = sango_store::municipalities::get(&self.db, m).await?.ok_or_else(|| ServiceError::not_found("municipality", format!("no municipality {m}")))?;
        let cases: Vec<CaseRecord> = sango_store::cases::of_municipalities(&self.db, &[m])
            .await?
            .into_iter()
            .map(|c| CaseRecord { id: c.id, infant_birth: c.profile.infant_birth_date, registered_on: c.profile.registered_on })
            .collect();
        let stays: Vec<Stay> = sango_store::bookings::of_residents(&self.db, &[m], EPOCH, fy.last_day())
            .await?
            .into_iter()
            .filter_map(|b| {
                let used: Vec<NaiveDate> = b.days.iter().filter(|d| d.outcome == Some(Outcome::Used)).map(|d| d.date).collect();
                (!used.is_empty()).then_some(Stay { case_id: b.case_id, facility_id: b.facility_id, service_type: b.service_type, used })
            })
            .collect();
        let applications: Vec<ApplicationRecord> = sango_store::lottery::of_residents(&self.db, &[m], fy.first_day(), fy.last_day())
            .await?
            .into_iter()
            .filter_map(|a| {
                let outcome = match a.status.as_str() {
                    "WON" => ApplicationOutcome::Won,
                    "LOST" => ApplicationOutcome::Lost,
                    "PENDING" => ApplicationOutcome::Pending,
                    "WITHDRAWN" => ApplicationOutcome::Withdrawn,
                    _ => return None,
                };
                Some(ApplicationRecord { case_id: a.case_id, first: a.first, outcome })
            })
            .collect();

        // The facilities whose utilisation the municipality reports.
        let mut facilities: BTreeSet<i64> = stays.iter().filter(|s| s.used.iter().any(|d| *d >= fy.first_day() && *d <= fy.last_day())).map(|s| s.facility_id).collect();
        {
            let state = self.search_state();
            facilities.extend(state.municipality_of.iter().filter(|(_, code)| **code == m).map(|(id, _)| *id));
            facilities.extend(state.contracts.all().filter(|c| c.municipality == m).map(|c| c.facility_id));
        }
        let mut facility_months = Vec::new();
        for f in &facilities {
            let mut used: HashMap<(sango_domain::ServiceType, NaiveDate), u32> = HashMap::new();
            for b in sango_store::bookings::at_facility(&self.db, *f, fy.first_day(), fy.last_day()).await? {
                for d in b.days.iter().filter(|d| d.outcome == Some(Outcome::Used) && d.date >= fy.first_day() && d.date <= fy.last_day()) {
                    *used.entry((b.service_type, month_of(d.date))).or_default() += 1;
                }
            }
            let state = self.search_state();
            for t in sango_domain::ServiceType::ALL {
                let Some(cal) = state.calendars.get(*f, *t) else { continue };
                for i in 0..12 {
                    let month = fy.first_day().checked_add_months(chrono::Months::new(i)).expect("in range");
                    let capacity = days_of(month).iter().map(|d| cal.capacity_on(*d)).sum();
                    facility_months.push(FacilityMonthUse { facility_id: *f, service_type: *t, month, capacity, used: used.get(&(*t, month)).copied().unwrap_or(0) });
                }
            }
        }
        let statistics = statistics(&Records {
            fiscal_year: fy,
            births: u32::try_from(town.births.max(0)).unwrap_or(u32::MAX),
            cases: &cases,
            stays: &stays,
            applications: &applications,
            facility_months: &facility_months,
        });
        let facility_names = self.facility_names(facilities).await?;
        Ok(CareStatistics { municipality: m, name: town.name, statistics, facility_names })
    }
}

fn month_of(d: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    d.with_day(1).expect("day 1 exists")
}
