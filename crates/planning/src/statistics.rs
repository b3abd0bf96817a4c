//! The statistics a municipality publishes about its programme (the shape of Setagaya's review
//! tables), computed from the hub's own records for one fiscal year: utilisation per facility
//! and month, lottery wins (first applicants against repeat ones), users per type, use by the
//! infant's age, registrations against births, and nights per short stay.
//!
//! A stay belongs to the fiscal year of its first used day; days count where they fall.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use sango_domain::{FiscalYear, ServiceType};
use serde::{Deserialize, Serialize};

/// A resident's case, as much as the statistics need.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRecord {
    pub id: i64,
    pub infant_birth: NaiveDate,
    pub registered_on: NaiveDate,
}

/// A booking of a resident with its days recorded as used (at least one), in date order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stay {
    pub case_id: i64,
    pub facility_id: i64,
    pub service_type: ServiceType,
    pub used: Vec<NaiveDate>,
}

/// How a lottery application ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApplicationOutcome {
    Won,
    Lost,
    Pending,
    Withdrawn,
}

/// A resident's lottery application.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationRecord {
    pub case_id: i64,
    pub first: NaiveDate,
    pub outcome: ApplicationOutcome,
}

/// A facility's published slot-days of one type in one month and the days used there by anyone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacilityMonthUse {
    pub facility_id: i64,
    pub service_type: ServiceType,
    /// First day of the month.
    pub month: NaiveDate,
    pub capacity: u32,
    pub used: u32,
}

/// [`FacilityMonthUse`] with the municipality's residents' share and the rate.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Utilisation {
    pub facility_id: i64,
    pub service_type: ServiceType,
    pub month: NaiveDate,
    pub capacity: u32,
    pub used: u32,
    pub residents_used: u32,
    /// used / capacity; None without capacity.
    pub rate: Option<f64>,
}

/// Decided applications and wins.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wins {
    /// Won or lost.
    pub decided: u32,
    pub won: u32,
}

impl Wins {
    /// won / decided; None when nothing was decided.
    pub fn rate(&self) -> Option<f64> {
        (self.decided > 0).then(|| f64::from(self.won) / f64::from(self.decided))
    }
}

/// The lottery over the year: every application, and wins overall, for first applicants (no
/// used day before the dates applied for) and for repeat ones.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lottery {
    pub applications: u32,
    pub pending: u32,
    pub withdrawn: u32,
    pub all: Wins,
    pub first: Wins,
    pub repeat: Wins,
}

/// 実人数, 延べ回数 and 延べ日数 of one type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeUse {
    pub service_type: ServiceType,
    /// Distinct cases.
    pub users: u32,
    pub stays: u32,
    pub days: u32,
}

/// An infant age band in days: `from_days..=to_days` (open above when `to_days` is None).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AgeBand {
    pub from_days: u32,
    pub to_days: Option<u32>,
}

/// The bands of the tables: ≤30, 31–60, 61–90, 91–120 days, then 121–180, 181–365 and over a year.
pub const AGE_BANDS: [AgeBand; 7] = [
    AgeBand {
        from_days: 0,
        to_days: Some(30),
    },
    AgeBand {
        from_days: 31,
        to_days: Some(60),
    },
    AgeBand {
        from_days: 61,
        to_days: Some(90),
    },
    AgeBand {
        from_days: 91,
        to_days: Some(120),
    },
    AgeBand {
        from_days: 121,
        to_days: Some(180),
    },
    AgeBand {
        from_days: 181,
        to_days: Some(365),
    },
    AgeBand {
        from_days: 366,
        to_days: None,
    },
];

/// Stays of one type whose first used day fell in one age band.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgeBandUse {
    pub service_type: ServiceType,
    pub band: AgeBand,
    pub stays: u32,
}

/// Registrations against births.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Uptake {
    pub births: u32,
    /// Cases registered in the year.
    pub registrations: u32,
    /// registrations / births; None without births.
    pub rate: Option<f64>,
}

/// Every table of one municipality and fiscal year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Statistics {
    pub fiscal_year: FiscalYear,
    /// By facility, type, month.
    pub utilisation: Vec<Utilisation>,
    pub lottery: Lottery,
    /// One row per type, in declaration order.
    pub by_type: Vec<TypeUse>,
    /// Distinct cases over all types (重複を削除).
    pub users: u32,
    /// Per type and band, every band listed.
    pub age_bands: Vec<AgeBandUse>,
    pub uptake: Uptake,
    /// Short stays by nights (used days − 1), ascending, only counts that occur.
    pub nights: Vec<(u32, u32)>,
}

/// Everything the statistics read, for one municipality.
pub struct Records<'a> {
    pub fiscal_year: FiscalYear,
    /// Births in the year (registry).
    pub births: u32,
    pub cases: &'a [CaseRecord],
    /// Every stay of the municipality's residents, of any year (earlier ones tell first applicants apart).
    pub stays: &'a [Stay],
    pub applications: &'a [ApplicationRecord],
    pub facility_months: &'a [FacilityMonthUse],
}

/// Computes every table.
pub fn statistics(r: &Records<'_>) -> Statistics {
    let fy = r.fiscal_year;
    let in_year = |d: NaiveDate| d >= fy.first_day() && d <= fy.last_day();
    let month_of = |d: NaiveDate| d.with_day(1).expect("day 1 exists");
    let year_stays: Vec<&Stay> = r
        .stays
        .iter()
        .filter(|s| s.used.first().is_some_and(|d| in_year(*d)))
        .collect();

    let mut residents: HashMap<(i64, ServiceType, NaiveDate), u32> = HashMap::new();
    for s in r.stays {
        for d in s.used.iter().filter(|d| in_year(**d)) {
            *residents
                .entry((s.facility_id, s.service_type, month_of(*d)))
                .or_default() += 1;
        }
    }
    let mut utilisation: Vec<Utilisation> = r
        .facility_months
        .iter()
        .map(|f| Utilisation {
            facility_id: f.facility_id,
            service_type: f.service_type,
            month: f.month,
            capacity: f.capacity,
            used: f.used,
            residents_used: residents
                .get(&(f.facility_id, f.service_type, f.month))
                .copied()
                .unwrap_or(0),
            rate: (f.capacity > 0).then(|| f64::from(f.used) / f64::from(f.capacity)),
        })
        .collect();
    utilisation.sort_by_key(|u| (u.facility_id, u.service_type, u.month));

    let mut first_use: HashMap<i64, NaiveDate> = HashMap::new();
    for s in r.stays {
        if let Some(d) = s.used.first() {
            first_use
                .entry(s.case_id)
                .and_modify(|e| *e = (*e).min(*d))
                .or_insert(*d);
        }
    }
    let mut lottery = Lottery::default();
    for a in r.applications.iter().filter(|a| in_year(a.first)) {
        lottery.applications += 1;
        let won = match a.outcome {
            ApplicationOutcome::Pending => {
                lottery.pending += 1;
                continue;
            }
            ApplicationOutcome::Withdrawn => {
                lottery.withdrawn += 1;
                continue;
            }
            ApplicationOutcome::Won => 1,
            ApplicationOutcome::Lost => 0,
        };
        let repeat = first_use.get(&a.case_id).is_some_and(|d| *d < a.first);
        for w in [
            &mut lottery.all,
            if repeat {
                &mut lottery.repeat
            } else {
                &mut lottery.first
            },
        ] {
            w.decided += 1;
            w.won += won;
        }
    }

    let mut by_type = Vec::new();
    for t in ServiceType::ALL {
        let mine: Vec<&&Stay> = year_stays.iter().filter(|s| s.service_type == *t).collect();
        let users: BTreeSet<i64> = mine.iter().map(|s| s.case_id).collect();
        let days = r
            .stays
            .iter()
            .filter(|s| s.service_type == *t)
            .flat_map(|s| &s.used)
            .filter(|d| in_year(**d))
            .count();
        by_type.push(TypeUse {
            service_type: *t,
            users: users.len() as u32,
            stays: mine.len() as u32,
            days: days as u32,
        });
    }
    let users = year_stays
        .iter()
        .map(|s| s.case_id)
        .collect::<BTreeSet<_>>()
        .len() as u32;

    let births: HashMap<i64, NaiveDate> = r.cases.iter().map(|c| (c.id, c.infant_birth)).collect();
    let mut bands: BTreeMap<(ServiceType, AgeBand), u32> = ServiceType::ALL
        .iter()
        .flat_map(|t| AGE_BANDS.iter().map(move |b| ((*t, *b), 0)))
        .collect();
    for s in &year_stays {
        let Some(birth) = births.get(&s.case_id) else {
            continue;
        };
        let age = (s.used[0] - *birth).num_days().max(0) as u32;
        if let Some(b) = AGE_BANDS
            .iter()
            .find(|b| age >= b.from_days && b.to_days.is_none_or(|to| age <= to))
        {
            *bands
                .get_mut(&(s.service_type, *b))
                .expect("every band listed") += 1;
        }
    }
    let age_bands = bands
        .into_iter()
        .map(|((service_type, band), stays)| AgeBandUse {
            service_type,
            band,
            stays,
        })
        .collect();

    let registrations = r.cases.iter().filter(|c| in_year(c.registered_on)).count() as u32;
    let uptake = Uptake {
        births: r.births,
        registrations,
        rate: (r.births > 0).then(|| f64::from(registrations) / f64::from(r.births)),
    };

    let mut nights: BTreeMap<u32, u32> = BTreeMap::new();
    for s in year_stays
        .iter()
        .filter(|s| s.service_type == ServiceType::ShortStay)
    {
        *nights.entry(s.used.len() as u32 - 1).or_default() += 1;
    }

    Statistics {
        fiscal_year: fy,
        utilisation,
        lottery,
        by_type,
        users,
        age_bands,
        uptake,
        nights: nights.into_iter().collect(),
    }
}
