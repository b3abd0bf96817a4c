//! Programme files: one row per fee band; rows with the same municipality and fiscal year form
//! one programme, whose service-level and programme-level columns must agree across its rows.

mod assemble;
mod rules;

use std::collections::HashMap;

use chrono::NaiveTime;
use sango_domain::program::{AgeLimit, CombinedLimit, FeeBand, UsageUnit};
use sango_domain::{ApplicationMethod, FiscalYear, HouseholdTier, LgCode, ProgramRules, ServiceType, Yen};

use crate::columns::{self, Cells, Column, optional, required};
use crate::report::ImportReport;
use crate::values;

/// One programme of a file: a municipality's rules for one fiscal year.
#[derive(Clone, Debug, PartialEq)]
pub struct ProgramImport {
    /// The file rows the programme was read from, in file order.
    pub rows: Vec<usize>,
    pub municipality: LgCode,
    pub fiscal_year: FiscalYear,
    pub rules: ProgramRules,
}

const COLUMNS: &[Column] = &[
    Column { key: "municipality", ja: "市町村コード", aliases: &["団体コード", "lg_code"], required: true },
    required("fiscal_year", "年度"),
    Column { key: "service_type", ja: "類型", aliases: &["type", "サービス類型"], required: true },
    Column { key: "tier", ja: "世帯区分", aliases: &["household_tier"], required: true },
    optional("from_use", "回数から"),
    optional("to_use", "回数まで"),
    required("fee", "利用者負担額"),
    optional("coupon_fee", "クーポン利用時負担額"),
    optional("cancellation_fee", "キャンセル料"),
    optional("unit", "単位"),
    required("max_infant_age", "対象月齢"),
    optional("earliest_day", "生後日数から"),
    optional("max_units", "利用上限"),
    optional("max_consecutive_nights", "連泊上限"),
    optional("max_hours_per_session", "時間上限"),
    optional("extra_infant_fee", "多胎追加負担額"),
    required("method", "申込方法"),
    optional("opens_days_before", "申込開始日数"),
    optional("closes_days_before", "締切日数"),
    optional("closes_at", "締切時刻"),
    optional("business_days_only", "営業日のみ"),
    Column { key: "registration_from_week", ja: "登録開始妊娠週", aliases: &["登録開始妊娠週数"], required: false },
    optional("combined_limits", "合算上限"),
    optional("multiples_multiply", "多胎倍数"),
    optional("carry_over_unused", "繰越"),
    optional("cancellation_deadline_days", "キャンセル期限日数"),
    optional("cancellation_deadline_time", "キャンセル期限時刻"),
];

/// A value of a service-level or programme-level column, compared across rows.
#[derive(Clone, Debug, PartialEq)]
enum Setting {
    Unit(UsageUnit),
    Age(AgeLimit),
    Count(u32),
    Yen(Yen),
    Method(ApplicationMethod),
    Time(NaiveTime),
    Flag(bool),
    Limits(Vec<CombinedLimit>),
}

type SettingParser = fn(&str) -> Result<Setting, String>;

/// The most any count in a programme may be; keeps arithmetic on counts far from overflow.
const MAX_COUNT: u32 = 10_000;

fn big_count(s: &str) -> Result<Setting, String> {
    values::count(s, MAX_COUNT).map(Setting::Count)
}

/// Columns that must agree on every row of one programme and service type.
const SERVICE_LEVEL: &[(&str, SettingParser)] = &[
    ("unit", |s| values::usage_unit(s).map(Setting::Unit)),
    ("max_infant_age", |s| values::age_limit(s).map(Setting::Age)),
    ("earliest_day", big_count),
    ("max_units", big_count),
    ("max_consecutive_nights", big_count),
    ("max_hours_per_session", |s| values::count(s, 24).map(Setting::Count)),
    ("extra_infant_fee", |s| values::yen(s).map(Setting::Yen)),
];

/// Columns that must agree on every row of one programme.
const PROGRAM_LEVEL: &[(&str, SettingParser)] = &[
    ("method", |s| values::application_method(s).map(Setting::Method)),
    ("opens_days_before", big_count),
    ("closes_days_before", big_count),
    ("closes_at", |s| values::time(s).map(Setting::Time)),
    ("business_days_only", |s| values::boolean(s).map(Setting::Flag)),
    ("registration_from_week", big_count),
    ("combined_limits", |s| values::combined_limits(s).map(Setting::Limits)),
    ("multiples_multiply", |s| values::boolean(s).map(Setting::Flag)),
    ("carry_over_unused", |s| values::boolean(s).map(Setting::Flag)),
    ("cancellation_deadline_days", big_count),
    ("cancellation_deadline_time", |s| values::time(s).map(Setting::Time)),
];

/// One fee-band row, as far as it could be read.
#[derive(Clone, Debug)]
struct ProgramRow {
    number: usize,
    municipality: LgCode,
    fiscal_year: FiscalYear,
    service_type: ServiceType,
    tier: HouseholdTier,
    /// None when a cell of the band could not be read.
    band: Option<FeeBand>,
    cancellation_fee: Option<Yen>,
    /// The service- and programme-level cells given on this row: key → (text as written, value).
    settings: HashMap<&'static str, (String, Setting)>,
    /// Whether every cell of the row was read without a problem.
    clean: bool,
}

/// Parses a programme file (CSV or XLSX sheet `programs` / `事業`).
pub fn parse_programs(bytes: &[u8]) -> Result<Vec<ProgramImport>, ImportReport> {
    let sheet = columns::open(bytes, crate::ImportKind::Programs.sheet_names(), COLUMNS)?;
    let mut problems = sheet.problems;
    let mut rows = Vec::new();
    let mut orphans = Vec::new();
    for row in &sheet.rows {
        let mut c = Cells::new(&sheet.layout, row);
        match program_row(&mut c) {
            Ok(r) => rows.push(r),
            Err(o) => orphans.push(o),
        }
        problems.append(&mut c.problems);
    }
    let mut programs = Vec::new();
    for group in assemble::group(rows) {
        // A row that may belong to this programme but could not be placed leaves its rules incomplete.
        let (m, fy) = (group[0].municipality, group[0].fiscal_year);
        let complete = !orphans.iter().any(|o: &Orphan| o.0.is_none_or(|om| om == m) && o.1.is_none_or(|ofy| ofy == fy));
        match assemble::program(&sheet.layout, &group, complete) {
            Ok(p) => programs.push(p),
            Err(p) => problems.extend(p),
        }
    }
    ImportReport::or_ok(problems, programs)
}

/// The programme (as far as it could be read) of a row that could not be placed in one.
type Orphan = (Option<LgCode>, Option<FiscalYear>);

/// Reads one row, or tells which programme it may belong to when its programme, type or tier
/// cannot be read.
fn program_row(c: &mut Cells<'_>) -> Result<ProgramRow, Orphan> {
    let municipality = c.required("municipality", values::lg_code);
    let fiscal_year = c.required("fiscal_year", values::fiscal_year);
    let service_type = c.required("service_type", values::service_type);
    let tier = c.required("tier", values::household_tier);
    let from_use = c.optional("from_use", |s| values::count(s, MAX_COUNT)).unwrap_or(1);
    let to_use = c.optional("to_use", |s| values::count(s, MAX_COUNT));
    let fee = c.required("fee", values::yen);
    let coupon_fee = c.optional("coupon_fee", values::yen);
    let cancellation_fee = c.optional("cancellation_fee", values::yen);
    let mut settings = HashMap::new();
    for (key, parse) in SERVICE_LEVEL.iter().chain(PROGRAM_LEVEL) {
        let raw = c.raw(key);
        if let Some(v) = c.optional(key, parse) {
            settings.insert(*key, (raw.to_string(), v));
        }
    }
    let clean = c.problems.is_empty();
    let (Some(m), Some(fy), Some(service_type), Some(tier)) = (municipality, fiscal_year, service_type, tier) else {
        return Err((municipality, fiscal_year));
    };
    let band = fee.filter(|_| clean).map(|fee| FeeBand { service_type, tier, from_use, to_use, fee, coupon_fee });
    Ok(ProgramRow { number: c.row.number, municipality: m, fiscal_year: fy, service_type, tier, band, cancellation_fee, settings, clean })
}

/// "2–4, 7" for messages.
fn row_list(rows: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let mut j = i;
        while j + 1 < rows.len() && rows[j + 1] == rows[j] + 1 {
            j += 1;
        }
        parts.push(if j > i { format!("{}–{}", rows[i], rows[j]) } else { rows[i].to_string() });
        i = j + 1;
    }
    parts.join(", ")
}
