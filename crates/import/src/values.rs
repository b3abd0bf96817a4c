//! Cell parsers: numbers, yen, dates, times, booleans, age limits, fiscal years, codes and the
//! domain's vocabularies, each returning a message fit for a user on failure.

use chrono::{NaiveDate, NaiveTime};
use sango_domain::program::{AgeLimit, CombinedLimit, UsageUnit};
use sango_domain::{ApplicationMethod, FacilityKind, FiscalYear, HouseholdTier, LgCode, ServiceType, Yen};

/// Trims (full-width spaces too) and turns full-width ASCII (`１２３`, `，`, `＋`) into ASCII.
pub(crate) fn normalize(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// A whole number; thousands separators are allowed.
pub(crate) fn integer(s: &str) -> Result<i64, String> {
    let t = normalize(s).replace(',', "");
    t.parse::<i64>().map_err(|_| format!("'{s}' is not a whole number"))
}

/// A whole number in `0..=max`.
pub(crate) fn count(s: &str, max: u32) -> Result<u32, String> {
    let n = integer(s)?;
    u32::try_from(n).ok().filter(|n| *n <= max).ok_or_else(|| format!("must be a whole number from 0 to {max}, got {n}"))
}

/// An id: a whole number of 1 or more.
pub(crate) fn id(s: &str) -> Result<i64, String> {
    let n = integer(s)?;
    if n >= 1 { Ok(n) } else { Err(format!("an id is 1 or more, got {n}")) }
}

/// A decimal number such as `35.4905`.
pub(crate) fn decimal(s: &str) -> Result<f64, String> {
    let t = normalize(s);
    let plain = !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c));
    t.parse::<f64>().ok().filter(|f| plain && f.is_finite()).ok_or_else(|| format!("'{s}' is not a decimal number"))
}

/// An amount of yen: `4500`, `4,500`, `¥4,500`, `4500円`.
pub(crate) fn yen(s: &str) -> Result<Yen, String> {
    Yen::parse(&normalize(s), "").map_err(|e| e.message)
}

/// A municipal code of 5 or 6 digits; the check digit of a 6-digit code is verified.
pub(crate) fn lg_code(s: &str) -> Result<LgCode, String> {
    let t = normalize(s);
    LgCode::parse(&t).map_err(|e| {
        if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
            format!("{}; if a spreadsheet dropped a leading zero, format the column as text", e.message)
        } else {
            e.message
        }
    })
}

/// `2025-04-01`, `2025/4/1`, `2025.4.1` or `2025年4月1日`; a midnight time after it is ignored.
pub(crate) fn date(s: &str) -> Result<NaiveDate, String> {
    let bad = || format!("'{s}' is not a date like 2025-04-01");
    let t = normalize(s).replace(['年', '月', '/', '.'], "-").replace('日', "");
    let (day, time) = t.split_once([' ', 'T']).unwrap_or((&t, ""));
    if !time.trim().chars().all(|c| c == '0' || c == ':') {
        return Err(bad());
    }
    let parts: Vec<&str> = day.split('-').collect();
    let [y, m, d] = parts[..] else { return Err(bad()) };
    let digits = |p: &str, n: std::ops::RangeInclusive<usize>| n.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    if !digits(y, 4..=4) || !digits(m, 1..=2) || !digits(d, 1..=2) {
        return Err(bad());
    }
    let (y, m, d) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("'{s}' is not a date in the calendar"))
}

/// A time of day: `10:00`, `9:30`, `17:00:00`, `10時`, `10時30分`.
pub(crate) fn time(s: &str) -> Result<NaiveTime, String> {
    let bad = || format!("'{s}' is not a time like 10:00");
    let t = normalize(s).replace('時', ":").replace('分', "");
    let t = t.strip_suffix(':').map_or_else(|| t.clone(), |h| format!("{h}:00"));
    let parts: Vec<u32> = t.split(':').map(|p| if p.len() <= 2 { p.parse().ok() } else { None }).collect::<Option<_>>().ok_or_else(bad)?;
    let (h, m, sec) = match parts[..] {
        [h, m] => (h, m, 0),
        [h, m, sec] => (h, m, sec),
        _ => return Err(bad()),
    };
    NaiveTime::from_hms_opt(h, m, sec).ok_or_else(bad)
}

/// `true/false`, `1/0`, `yes/no`, `はい/いいえ`, `○/×`.
pub(crate) fn boolean(s: &str) -> Result<bool, String> {
    match normalize(s).to_lowercase().as_str() {
        "true" | "1" | "yes" | "y" | "はい" | "○" | "〇" | "有" | "あり" => Ok(true),
        "false" | "0" | "no" | "n" | "いいえ" | "×" | "無" | "なし" => Ok(false),
        _ => Err(format!("'{s}' is not one of true/false, 1/0, はい/いいえ")),
    }
}

/// `4m`, `4か月`, `4ヶ月`, `4 months`; `120d`, `120日`; `1y`, `1年`, `1歳` (12 months). `未満` may follow.
pub(crate) fn age_limit(s: &str) -> Result<AgeLimit, String> {
    let bad = || format!("'{s}' is not an age limit like 4m, 4か月, 120d or 120日");
    let t = normalize(s).to_lowercase().replace(' ', "");
    let t = t.trim_end_matches("未満");
    let split = t.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let n: u32 = t[..split].parse().map_err(|_| bad())?;
    match &t[split..] {
        "m" | "month" | "months" | "か月" | "ヶ月" | "ヵ月" | "カ月" | "ケ月" | "箇月" => Ok(AgeLimit::Months(n)),
        "d" | "day" | "days" | "日" => Ok(AgeLimit::Days(n)),
        "y" | "year" | "years" | "年" | "歳" => n.checked_mul(12).map(AgeLimit::Months).ok_or_else(bad),
        _ => Err(bad()),
    }
}

/// `2025`, `FY2025`, `2025年度`, `令和7`, `令和7年度`, `令和元年度`, `R7`, `平成30`, `H30`.
pub(crate) fn fiscal_year(s: &str) -> Result<FiscalYear, String> {
    let bad = || format!("'{s}' is not a fiscal year like 2025, 令和7 or R7");
    let t = normalize(s).to_uppercase();
    let t = t.trim_end_matches("年度").trim_end_matches('年');
    let t = t.strip_prefix("FY").unwrap_or(t);
    let (base, n) = if let Some(n) = t.strip_prefix("令和").or_else(|| t.strip_prefix('R')) {
        (2018, n)
    } else if let Some(n) = t.strip_prefix("平成").or_else(|| t.strip_prefix('H')) {
        (1988, n)
    } else if t.len() == 4 {
        (0, t)
    } else {
        return Err(bad());
    };
    let n: i32 = if n == "元" { 1 } else if n.len() <= 4 && n.bytes().all(|b| b.is_ascii_digit()) { n.parse().map_err(|_| bad())? } else { return Err(bad()) };
    if base != 0 && n == 0 {
        return Err(bad());
    }
    FiscalYear::new(base + n).map_err(|e| e.message)
}

/// DAY/日, SESSION/回, VISIT/訪問, HOUR/時間.
pub(crate) fn usage_unit(s: &str) -> Result<UsageUnit, String> {
    match normalize(s).to_uppercase().as_str() {
        "DAY" | "日" => Ok(UsageUnit::Day),
        "SESSION" | "回" => Ok(UsageUnit::Session),
        "VISIT" | "訪問" => Ok(UsageUnit::Visit),
        "HOUR" | "時間" => Ok(UsageUnit::Hour),
        _ => Err(format!("'{s}' is not one of DAY, SESSION, VISIT, HOUR (or 日, 回, 訪問, 時間)")),
    }
}

/// Declares a parser for a domain vocabulary whose message also lists the Japanese labels.
macro_rules! vocabulary {
    ($fn:ident, $ty:ty) => {
        pub(crate) fn $fn(s: &str) -> Result<$ty, String> {
            <$ty>::parse(s).map_err(|e| {
                let labels: Vec<&str> = <$ty>::ALL.iter().map(|v| v.label_ja()).collect();
                format!("{} (or {})", e.message, labels.join(", "))
            })
        }
    };
}

vocabulary!(service_type, ServiceType);
vocabulary!(household_tier, HouseholdTier);
vocabulary!(facility_kind, FacilityKind);
vocabulary!(application_method, ApplicationMethod);

/// `DAY_CARE+OUTREACH=7`, several separated by `;`.
pub(crate) fn combined_limits(s: &str) -> Result<Vec<CombinedLimit>, String> {
    normalize(s)
        .split(';')
        .filter(|part| !part.trim().is_empty())
        .map(|part| {
            let bad = || format!("'{}' is not a combined limit like DAY_CARE+OUTREACH=7", part.trim());
            let (types, max) = part.split_once('=').ok_or_else(bad)?;
            let service_types = types.split('+').map(service_type).collect::<Result<Vec<_>, _>>()?;
            let max_units = count(max, 10_000).map_err(|e| format!("{}: {e}", bad()))?;
            Ok(CombinedLimit { service_types, max_units })
        })
        .collect()
}

#[cfg(test)]
mod tests;
