//! `capacityBalance` and `capacityPlan`: each municipality's demand for a month against the
//! slot-days inside it and within reach, and the optimal plan for what it cannot hold.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use sango_domain::{BookingStatus, LgCode, Outcome, ServiceType};
use sango_planning::balance::{BalanceRow, MunicipalityDemand, balance};
use sango_planning::demand::{Estimate, History, estimate};
use sango_planning::{Demand, Plan, PlanOptions, Supply, plan};
use sango_store::waitlist::WaitStatus;

use super::{DeskQuery, days_of, name_of};
use crate::auth::Caller;
use crate::error::ServiceResult;
use crate::hub::Hub;

/// One municipality's month: the estimate, what its residents asked for in the hub, and the balance.
#[derive(Clone, Debug, PartialEq)]
pub struct MunicipalityBalance {
    pub name: String,
    /// Births a year (registry).
    pub births: u32,
    pub estimate: Estimate,
    /// Days booked by residents (not cancelled).
    pub booked_days: u32,
    /// Days of residents' lottery applications still pending or lost.
    pub application_days: u32,
    /// Days of residents' waitlist entries waiting or offered.
    pub waitlist_days: u32,
    pub row: BalanceRow,
}

/// Every municipality of a prefecture for one month and type, by code.
#[derive(Clone, Debug, PartialEq)]
pub struct BalanceReport {
    pub query: DeskQuery,
    pub month: NaiveDate,
    pub municipalities: Vec<MunicipalityBalance>,
    /// The plan's inputs: shortfalls at municipality centres, and spare slot-days per facility.
    pub demands: Vec<Demand>,
    pub supplies: Vec<Supply>,
}

/// The optimal cross-boundary plan for a balance.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanReport {
    pub balance: BalanceReport,
    pub contracted_only: bool,
    pub plan: Plan,
    /// Names of the facilities the flows go to.
    pub facility_names: HashMap<i64, String>,
}

impl Hub {
    /// Supply against demand for every municipality of the prefecture in one month and type.
    /// The prefecture's coordinator and finance staff, its municipalities' staff, and admins.
    pub async fn capacity_balance(&self, caller: &Caller, q: DeskQuery) -> ServiceResult<BalanceReport> {
        self.check_aggregates(caller, q.prefecture)?;
        let first = q.first_day()?;
        let days = days_of(first);
        let last = *days.last().expect("a month has days");
        let ms = self.prefecture_municipalities(q.prefecture).await?;
        let codes: Vec<LgCode> = ms.iter().map(|m| m.code).collect();
        let t = q.service_type;

        let forecasts: HashMap<LgCode, u32> = sango_store::demand::for_month(&self.db, &codes, first, t).await?.into_iter().map(|d| (d.municipality, d.uses)).collect();
        let case_town: HashMap<i64, LgCode> = sango_store::cases::of_municipalities(&self.db, &codes).await?.into_iter().map(|c| (c.id, c.profile.municipality)).collect();
        let town = |case: i64| case_town.get(&case).copied();

        // Last fiscal year's use, for the municipality's own uptake and days per user.
        let before = q.fiscal_year.first_day().pred_opt().map(sango_domain::FiscalYear::containing);
        let mut history: HashMap<LgCode, (HashSet<i64>, u32)> = HashMap::new();
        if let Some(prev) = before {
            for b in sango_store::bookings::of_residents(&self.db, &codes, prev.first_day(), prev.last_day()).await?.into_iter().filter(|b| b.service_type == t) {
                let used = b.days.iter().filter(|d| d.outcome == Some(Outcome::Used) && d.date >= prev.first_day() && d.date <= prev.last_day()).count() as u32;
                if let (Some(m), true) = (town(b.case_id), used > 0) {
                    let h = history.entry(m).or_default();
                    h.0.insert(b.case_id);
                    h.1 += used;
                }
            }
        }

        // This month's requests: distinct case-days over bookings, open applications and waiting entries.
        #[derive(Default)]
        struct Asked {
            booked: HashSet<(i64, NaiveDate)>,
            applied: u32,
            waiting: u32,
            all: HashSet<(i64, NaiveDate)>,
        }
        let in_month = |d: &NaiveDate| *d >= first && *d <= last;
        let mut asked: HashMap<LgCode, Asked> = HashMap::new();
        for b in sango_store::bookings::of_residents(&self.db, &codes, first, last).await? {
            if b.service_type != t || b.status == BookingStatus::Cancelled {
                continue;
            }
            let Some(m) = town(b.case_id) else { continue };
            let a = asked.entry(m).or_default();
            for d in b.days.iter().map(|d| d.date).filter(in_month) {
                a.booked.insert((b.case_id, d));
                a.all.insert((b.case_id, d));
            }
        }
        for app in sango_store::lottery::of_residents(&self.db, &codes, first - chrono::Days::new(31), last).await? {
            if app.service_type != t || !matches!(app.status.as_str(), "PENDING" | "LOST") {
                continue;
            }
            let Some(m) = town(app.case_id) else { continue };
            let a = asked.entry(m).or_default();
            for d in app.first.iter_days().take_while(|d| *d <= app.last).filter(in_month) {
                a.applied += 1;
                a.all.insert((app.case_id, d));
            }
        }
        for w in sango_store::waitlist::of_residents(&self.db, &codes, first, last).await? {
            if w.service_type != t || !matches!(w.status, WaitStatus::Waiting | WaitStatus::Offered) {
                continue;
            }
            let Some(m) = town(w.case_id) else { continue };
            let a = asked.entry(m).or_default();
            for d in w.dates().into_iter().filter(in_month) {
                a.waiting += 1;
                a.all.insert((w.case_id, d));
            }
        }

        let mut inputs = Vec::with_capacity(ms.len());
        let mut extras = HashMap::new();
        for m in &ms {
            let births = u32::try_from(m.births.max(0)).unwrap_or(u32::MAX);
            let h = history.get(&m.code).map(|(users, days)| History { births, users: users.len() as u32, days: *days });
            let e = estimate(t, births, h, forecasts.get(&m.code).copied());
            let a = asked.remove(&m.code).unwrap_or_default();
            let booked = a.booked.len() as u32;
            inputs.push(MunicipalityDemand { municipality: m.code, centre: m.centroid, estimated: e.slot_days, requested: a.all.len() as u32, booked });
            extras.insert(m.code, (births, e, booked, a.applied, a.waiting));
        }
        let facilities = self.facility_months(q.prefecture, t, first);
        let (rows, demands, supplies) = balance(&inputs, &facilities, q.max_km);
        let municipalities = rows
            .into_iter()
            .map(|row| {
                let (births, estimate, booked_days, application_days, waitlist_days) = extras[&row.municipality];
                MunicipalityBalance { name: name_of(&ms, row.municipality), births, estimate, booked_days, application_days, waitlist_days, row }
            })
            .collect();
        Ok(BalanceReport { query: q, month: first, municipalities, demands, supplies })
    }

    /// The optimal plan for the month: every municipality's shortfall sent to spare slot-days at
    /// facilities within `maxKm` of its centre, as many as possible, then the fewest
    /// mother-kilometres; with `contracted_only`, only to facilities it holds a contract with
    /// for the type during the month. Lists the new contracts the plan needs otherwise.
    pub async fn capacity_plan(&self, caller: &Caller, q: DeskQuery, contracted_only: bool) -> ServiceResult<PlanReport> {
        let balance = self.capacity_balance(caller, q).await?;
        let contracted = self.contracted_pairs(q.service_type, balance.month);
        let options = PlanOptions { max_km: q.max_km, contracted_only, contracted };
        let plan = plan(&balance.demands, &balance.supplies, &options);
        let facility_names = self.facility_names(plan.flows.iter().map(|f| f.facility_id)).await?;
        Ok(PlanReport { balance, contracted_only, plan, facility_names })
    }

    /// (municipality, facility) pairs with a current contract for `t` valid on some day of the month.
    pub(crate) fn contracted_pairs(&self, t: ServiceType, first: NaiveDate) -> HashSet<(LgCode, i64)> {
        let last = *days_of(first).last().expect("a month has days");
        let state = self.search_state();
        state
            .contracts
            .all()
            .filter(|c| c.service_type == t && c.valid_from <= last && c.valid_to.is_none_or(|to| to >= first))
            .map(|c| (c.municipality, c.facility_id))
            .collect()
    }
}
