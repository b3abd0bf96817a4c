//! Tests of the cell parsers on the spellings coordinators write.

use super::*;

#[test]
fn full_width_text_is_normalised() {
    assert_eq!(normalize("\u{3000}１２，３４５\u{3000}"), "12,345");
    assert_eq!(integer("１,２００").unwrap(), 1200);
    assert_eq!(yen("￥4,500").unwrap(), Yen(4500));
    assert_eq!(lg_code("３１２０１").unwrap().to_string(), "312011");
    assert!(lg_code("1100").unwrap_err().contains("leading zero"));
    assert!(!lg_code("312012").unwrap_err().contains("leading zero"));
}

#[test]
fn counts_and_ids_have_ranges() {
    assert_eq!(count("7", 100).unwrap(), 7);
    assert!(count("-1", 100).unwrap_err().contains("got -1"));
    assert!(count("101", 100).is_err());
    assert!(id("0").is_err());
    assert!(integer("3.5").is_err());
}

#[test]
fn decimals_refuse_words() {
    assert_eq!(decimal("35.4905").unwrap(), 35.4905);
    for bad in ["inf", "NaN", "1e999", "35,5", ""] {
        assert!(decimal(bad).is_err(), "{bad}");
    }
}

#[test]
fn dates_in_the_usual_spellings() {
    let d = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
    for s in ["2025-04-01", "2025/04/01", "2025/4/1", "2025.4.1", "2025年4月1日", "2025/4/1 0:00", "2025-04-01T00:00:00"] {
        assert_eq!(date(s).unwrap(), d, "{s}");
    }
    for bad in ["2025-02-30", "25/4/1", "2025-04", "2025/4/1 10:00", "令和7年4月1日", "x"] {
        assert!(date(bad).is_err(), "{bad}");
    }
}

#[test]
fn times_and_booleans() {
    let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    assert_eq!(time("10:00").unwrap(), t(10, 0));
    assert_eq!(time("9:30").unwrap(), t(9, 30));
    assert_eq!(time("17時").unwrap(), t(17, 0));
    assert_eq!(time("17時30分").unwrap(), t(17, 30));
    assert!(time("25:00").is_err());
    assert!(time("10").is_err());
    assert!(boolean("はい").unwrap());
    assert!(boolean("TRUE").unwrap());
    assert!(!boolean("いいえ").unwrap());
    assert!(!boolean("0").unwrap());
    assert!(boolean("maybe").is_err());
}

#[test]
fn age_limits_in_months_days_and_years() {
    assert_eq!(age_limit("4m").unwrap(), AgeLimit::Months(4));
    assert_eq!(age_limit("4か月").unwrap(), AgeLimit::Months(4));
    assert_eq!(age_limit("４ヶ月未満").unwrap(), AgeLimit::Months(4));
    assert_eq!(age_limit("120d").unwrap(), AgeLimit::Days(120));
    assert_eq!(age_limit("120日").unwrap(), AgeLimit::Days(120));
    assert_eq!(age_limit("1年").unwrap(), AgeLimit::Months(12));
    assert_eq!(age_limit("4 months").unwrap(), AgeLimit::Months(4));
    for bad in ["4", "m", "4w", "99999999999m", "4294967295y"] {
        assert!(age_limit(bad).is_err(), "{bad}");
    }
}

#[test]
fn fiscal_years_in_western_and_era_forms() {
    let fy = |s| fiscal_year(s).map(FiscalYear::year);
    for s in ["2025", "FY2025", "2025年度", "令和7", "令和7年度", "R7", "r07", "Ｒ７"] {
        assert_eq!(fy(s), Ok(2025), "{s}");
    }
    assert_eq!(fy("令和元年度"), Ok(2019));
    assert_eq!(fy("H30"), Ok(2018));
    for bad in ["25", "令和", "R0", "1999", "R-1", "平成x"] {
        assert!(fy(bad).is_err(), "{bad}");
    }
}

#[test]
fn vocabularies_name_their_japanese_labels() {
    assert_eq!(service_type("宿泊型").unwrap(), ServiceType::ShortStay);
    assert!(service_type("夜間型").unwrap_err().contains("宿泊型"));
    assert_eq!(usage_unit("session").unwrap(), UsageUnit::Session);
    assert_eq!(application_method("抽選").unwrap(), ApplicationMethod::Lottery);
}

#[test]
fn combined_limits_list() {
    let l = combined_limits("DAY_CARE+OUTREACH=7; 宿泊型＋通所型＝10").unwrap();
    assert_eq!(l.len(), 2);
    assert_eq!(l[0].service_types, vec![ServiceType::DayCare, ServiceType::Outreach]);
    assert_eq!(l[1].max_units, 10);
    assert!(combined_limits("").unwrap().is_empty());
    assert!(combined_limits("DAY_CARE+OUTREACH").is_err());
    assert!(combined_limits("DAY_CARE+NIGHT=3").is_err());
}
