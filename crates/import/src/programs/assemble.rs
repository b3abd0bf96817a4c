//! Groups programme rows by municipality and fiscal year, checks that their shared columns agree,
//! and builds the `ProgramRules` (defaults filled in) for validation.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveTime;
use sango_domain::program::{ApplicationRule, CancellationFee, CancellationRule, ServiceRule, UsageUnit};
use sango_domain::{ApplicationMethod, HouseholdTier, ProgramRules, ServiceType, Yen};

use super::{PROGRAM_LEVEL, ProgramImport, ProgramRow, SERVICE_LEVEL, Setting, SettingParser, rules};
use crate::columns::Layout;
use crate::report::Problem;

/// The agreed value of each shared column that some row gave, with the first row that gave it.
pub(super) type Agreed = HashMap<&'static str, (Setting, usize)>;

/// One programme's rows and where each of its values came from.
pub(super) struct Sources<'a> {
    pub layout: &'a Layout,
    /// `312011 FY2025`, for messages.
    pub label: String,
    pub rows: &'a [ProgramRow],
    pub program: Agreed,
    pub services: BTreeMap<ServiceType, Agreed>,
    /// The row of each entry of `rules.fees`.
    pub fee_rows: Vec<usize>,
    /// The row of each entry of `rules.cancellation.fees`.
    pub cancel_rows: Vec<usize>,
}

impl Sources<'_> {
    /// The first row of the programme.
    pub(super) fn first_row(&self) -> usize {
        self.rows[0].number
    }

    /// The rows of the programme that match `keep`.
    pub(super) fn rows_where(&self, keep: impl Fn(&ProgramRow) -> bool) -> Vec<usize> {
        self.rows.iter().filter(|r| keep(r)).map(|r| r.number).collect()
    }

    /// A problem at `row` in the column `key` (as the file names it).
    pub(super) fn problem(&self, row: usize, key: Option<&str>, message: impl Into<String>) -> Problem {
        Problem::at(row, key.map(|k| self.layout.name(k)).as_deref(), message)
    }
}

/// The rows of each programme, programmes in the order they first appear.
pub(super) fn group(rows: Vec<ProgramRow>) -> Vec<Vec<ProgramRow>> {
    let mut order = Vec::new();
    let mut groups: HashMap<_, Vec<ProgramRow>> = HashMap::new();
    for r in rows {
        let key = (r.municipality, r.fiscal_year);
        if !groups.contains_key(&key) {
            order.push(key);
        }
        groups.entry(key).or_default().push(r);
    }
    order.into_iter().filter_map(|k| groups.remove(&k)).collect()
}

/// Checks agreement, builds the rules and validates them. Rules are built and validated only if
/// every row of the programme was read without a problem and none is missing (`complete`).
pub(super) fn program(layout: &Layout, rows: &[ProgramRow], complete: bool) -> Result<ProgramImport, Vec<Problem>> {
    let first = &rows[0];
    let label = format!("{} {}", first.municipality, first.fiscal_year);
    let mut problems = Vec::new();
    let program = agree(layout, rows.iter(), PROGRAM_LEVEL, &label, &mut problems);
    let mut services = BTreeMap::new();
    for t in ServiceType::ALL.iter().filter(|t| rows.iter().any(|r| r.service_type == **t)) {
        let scope = format!("{t} of {label}");
        services.insert(*t, agree(layout, rows.iter().filter(|r| r.service_type == *t), SERVICE_LEVEL, &scope, &mut problems));
    }
    let mut src = Sources { layout, label, rows, program, services, fee_rows: Vec::new(), cancel_rows: Vec::new() };
    let cancel_fees = cancellation_fees(&src, &mut problems);
    if !problems.is_empty() || !complete || rows.iter().any(|r| !r.clean) {
        return Err(problems);
    }
    let rules = build(&mut src, cancel_fees, &mut problems);
    match rules {
        Some(rules) if problems.is_empty() => {
            let found = rules::check(&rules, &src);
            if !found.is_empty() {
                return Err(found);
            }
            let rows = rows.iter().map(|r| r.number).collect();
            Ok(ProgramImport { rows, municipality: first.municipality, fiscal_year: first.fiscal_year, rules })
        }
        _ => Err(problems),
    }
}

/// The value each of `columns` takes on `rows`; a row giving another value is a problem.
fn agree<'r>(
    layout: &Layout,
    rows: impl Iterator<Item = &'r ProgramRow>,
    columns: &[(&'static str, SettingParser)],
    scope: &str,
    problems: &mut Vec<Problem>,
) -> Agreed {
    let mut agreed: HashMap<&'static str, (Setting, usize, &str)> = HashMap::new();
    for r in rows {
        for (key, _) in columns {
            let Some((raw, value)) = r.settings.get(key) else { continue };
            match agreed.get(key) {
                None => {
                    agreed.insert(key, (value.clone(), r.number, raw));
                }
                Some((v, row, first_raw)) if v != value => {
                    let message = format!("'{raw}' disagrees with '{first_raw}' on row {row}: every row of {scope} must give the same {}", layout.name(key));
                    problems.push(Problem::at(r.number, Some(&layout.name(key)), message));
                }
                Some(_) => {}
            }
        }
    }
    agreed.into_iter().map(|(k, (v, row, _))| (k, (v, row))).collect()
}

/// The late-cancellation fee of each type × tier; one type × tier given two fees is a problem.
fn cancellation_fees(src: &Sources<'_>, problems: &mut Vec<Problem>) -> BTreeMap<(ServiceType, HouseholdTier), (Yen, usize)> {
    let mut fees: BTreeMap<(ServiceType, HouseholdTier), (Yen, usize)> = BTreeMap::new();
    for r in src.rows {
        let Some(fee) = r.cancellation_fee else { continue };
        match fees.get(&(r.service_type, r.tier)) {
            None => {
                fees.insert((r.service_type, r.tier), (fee, r.number));
            }
            Some((first, row)) if *first != fee => {
                let message = format!("{fee} disagrees with {first} on row {row}: {} {} has one cancellation fee", r.service_type, r.tier);
                problems.push(src.problem(r.number, Some("cancellation_fee"), message));
            }
            Some(_) => {}
        }
    }
    fees
}

/// The rules the rows describe, defaults filled in; None (with problems) if a needed value is missing.
fn build(src: &mut Sources<'_>, cancel_fees: BTreeMap<(ServiceType, HouseholdTier), (Yen, usize)>, problems: &mut Vec<Problem>) -> Option<ProgramRules> {
    let p = &src.program;
    let first = src.first_row();
    let method = match get(p, "method") {
        Some(Setting::Method(m)) => Some(*m),
        _ => {
            problems.push(src.problem(first, Some("method"), format!("no row of {} gives the application method (LOTTERY or FIRST_COME)", src.label)));
            None
        }
    };
    let application = ApplicationRule {
        method: method.unwrap_or(ApplicationMethod::FirstCome),
        opens_days_before: count(p, "opens_days_before").unwrap_or(14),
        closes_days_before: count(p, "closes_days_before").unwrap_or(1),
        closes_at: time(p, "closes_at").unwrap_or_else(|| NaiveTime::from_hms_opt(10, 0, 0).expect("10:00 exists")),
        business_days_only: flag(p, "business_days_only").unwrap_or(true),
        registration_from_pregnancy_week: count(p, "registration_from_week"),
    };
    let mut services = Vec::new();
    for (t, s) in &src.services {
        let Some(Setting::Age(max_infant_age)) = get(s, "max_infant_age") else {
            let row = src.rows.iter().find(|r| r.service_type == *t).map_or(first, |r| r.number);
            problems.push(src.problem(row, Some("max_infant_age"), format!("no {t} row of {} gives the infant age limit", src.label)));
            continue;
        };
        services.push(ServiceRule {
            service_type: *t,
            unit: match get(s, "unit") {
                Some(Setting::Unit(u)) => *u,
                _ => default_unit(*t),
            },
            max_infant_age: *max_infant_age,
            earliest_day_after_birth: count(s, "earliest_day").unwrap_or(4),
            max_units: count(s, "max_units"),
            max_consecutive_nights: count(s, "max_consecutive_nights"),
            max_hours_per_session: count(s, "max_hours_per_session"),
            extra_infant_fee: match get(s, "extra_infant_fee") {
                Some(Setting::Yen(y)) => *y,
                _ => Yen::ZERO,
            },
        });
    }
    let cancellation = cancellation(src, cancel_fees, problems);
    let p = &src.program;
    let bands: Vec<_> = src.rows.iter().filter_map(|r| r.band.clone().map(|b| (b, r.number))).collect();
    src.fee_rows = bands.iter().map(|(_, row)| *row).collect();
    let rules = ProgramRules {
        application,
        services,
        combined_limits: match get(p, "combined_limits") {
            Some(Setting::Limits(l)) => l.clone(),
            _ => Vec::new(),
        },
        multiples_multiply_limits: flag(p, "multiples_multiply").unwrap_or(false),
        carry_over_unused: flag(p, "carry_over_unused").unwrap_or(false),
        fees: bands.into_iter().map(|(b, _)| b).collect(),
        cancellation,
    };
    method.map(|_| rules)
}

/// The cancellation rule: deadline days and time are required once any row has a fee.
fn cancellation(src: &mut Sources<'_>, fees: BTreeMap<(ServiceType, HouseholdTier), (Yen, usize)>, problems: &mut Vec<Problem>) -> Option<CancellationRule> {
    let days = count(&src.program, "cancellation_deadline_days");
    let time = time(&src.program, "cancellation_deadline_time");
    if let (Some(deadline_days_before), Some(deadline_time)) = (days, time) {
        src.cancel_rows = fees.values().map(|(_, row)| *row).collect();
        let fees = fees.into_iter().map(|((service_type, tier), (fee, _))| CancellationFee { service_type, tier, fee }).collect();
        return Some(CancellationRule { deadline_days_before, deadline_time, fees });
    }
    let row = fees.values().map(|(_, row)| *row).min().or_else(|| (days.is_some() || time.is_some()).then(|| src.first_row()));
    if let Some(row) = row {
        let key = if days.is_none() { "cancellation_deadline_days" } else { "cancellation_deadline_time" };
        let message = format!("a cancellation rule needs both {} and {}", src.layout.name("cancellation_deadline_days"), src.layout.name("cancellation_deadline_time"));
        problems.push(src.problem(row, Some(key), message));
    }
    None
}

fn default_unit(t: ServiceType) -> UsageUnit {
    match t {
        ServiceType::ShortStay => UsageUnit::Day,
        ServiceType::DayCare => UsageUnit::Session,
        ServiceType::Outreach => UsageUnit::Visit,
    }
}

fn get<'a>(a: &'a Agreed, key: &str) -> Option<&'a Setting> {
    a.get(key).map(|(v, _)| v)
}

fn count(a: &Agreed, key: &str) -> Option<u32> {
    match get(a, key) {
        Some(Setting::Count(n)) => Some(*n),
        _ => None,
    }
}

fn flag(a: &Agreed, key: &str) -> Option<bool> {
    match get(a, key) {
        Some(Setting::Flag(b)) => Some(*b),
        _ => None,
    }
}

fn time(a: &Agreed, key: &str) -> Option<NaiveTime> {
    match get(a, key) {
        Some(Setting::Time(t)) => Some(*t),
        _ => None,
    }
}
