//! Expected demand of one municipality for one service type and month: births × uptake × days
//! per user, from a recorded forecast where there is one, else the municipality's own history,
//! else the national average (24.7% of births used postpartum care in FY2024).
//!
//! Demand is counted in slot-days (a night of short stay, a day-care session, an outreach visit),
//! the unit the capacity calendar publishes, so that demand and supply can be subtracted.

use sango_domain::ServiceType;
use serde::{Deserialize, Serialize};

/// Users per 1,000 births, national average of FY2024.
pub const NATIONAL_UPTAKE_PER_MILLE: u64 = 247;

/// A municipality's own history is used once it has at least this many users of the type.
pub const MIN_HISTORY_USERS: u32 = 10;

/// The national share of users by type, in percent, and days per user, in tenths: short stay
/// 45% at 3.0 days, day care 35% at 2.5 sessions, outreach 20% at 2.0 visits.
pub fn national_profile(t: ServiceType) -> (u64, u64) {
    match t {
        ServiceType::ShortStay => (45, 30),
        ServiceType::DayCare => (35, 25),
        ServiceType::Outreach => (20, 20),
    }
}

/// What a municipality's residents did in a past fiscal year, for one type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// Births in that year.
    pub births: u32,
    /// Residents with at least one day of recorded use of the type.
    pub users: u32,
    /// Their days of recorded use of the type.
    pub days: u32,
}

/// Where an estimate comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Basis {
    /// A stored forecast row for the month (imported, or the demo's).
    Forecast,
    /// The municipality's own uptake and days per user in the previous fiscal year.
    OwnHistory,
    /// The national uptake and days per user.
    National,
}

/// Expected slot-days in one month, with the rates it was computed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Estimate {
    pub basis: Basis,
    /// Users of this type per 1,000 births (0 for a forecast).
    pub uptake_per_mille: u32,
    /// Days per user, in tenths (0 for a forecast).
    pub days_per_user_tenths: u32,
    /// Expected slot-days in the month.
    pub slot_days: u32,
}

/// The month's expected slot-days: the forecast if given; else `births_per_year` × uptake ×
/// days per user ÷ 12, from `history` when it has at least [`MIN_HISTORY_USERS`] users and some
/// births, else from the national profile. Rounded half up, at the end only.
pub fn estimate(
    t: ServiceType,
    births_per_year: u32,
    history: Option<History>,
    forecast: Option<u32>,
) -> Estimate {
    if let Some(slot_days) = forecast {
        return Estimate {
            basis: Basis::Forecast,
            uptake_per_mille: 0,
            days_per_user_tenths: 0,
            slot_days,
        };
    }
    let births = u64::from(births_per_year);
    match history.filter(|h| h.births > 0 && h.users >= MIN_HISTORY_USERS) {
        Some(h) => {
            // slot-days per year = births × (users / births_then) × (days / users) = births × days / births_then.
            let per_month = div_round(births * u64::from(h.days), u64::from(h.births) * 12);
            Estimate {
                basis: Basis::OwnHistory,
                uptake_per_mille: to_u32(div_round(u64::from(h.users) * 1000, u64::from(h.births))),
                days_per_user_tenths: to_u32(div_round(u64::from(h.days) * 10, u64::from(h.users))),
                slot_days: to_u32(per_month),
            }
        }
        None => {
            let (share_percent, days_tenths) = national_profile(t);
            // births × 247/1000 × share/100 × days/10, per month.
            let per_month = div_round(
                births * NATIONAL_UPTAKE_PER_MILLE * share_percent * days_tenths,
                1000 * 100 * 10 * 12,
            );
            Estimate {
                basis: Basis::National,
                uptake_per_mille: to_u32(div_round(NATIONAL_UPTAKE_PER_MILLE * share_percent, 100)),
                days_per_user_tenths: to_u32(days_tenths),
                slot_days: to_u32(per_month),
            }
        }
    }
}

fn div_round(n: u64, d: u64) -> u64 {
    (n + d / 2) / d
}

fn to_u32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forecast_wins_over_everything() {
        let e = estimate(
            ServiceType::ShortStay,
            1_000,
            Some(History {
                births: 900,
                users: 200,
                days: 700,
            }),
            Some(42),
        );
        assert_eq!((e.basis, e.slot_days), (Basis::Forecast, 42));
    }

    #[test]
    fn national_rates_by_hand() {
        // 1,200 births × 24.7% × 45% × 3.0 days = 400.14 a year, 33.3 a month → 33.
        let e = estimate(ServiceType::ShortStay, 1_200, None, None);
        assert_eq!(
            e,
            Estimate {
                basis: Basis::National,
                uptake_per_mille: 111,
                days_per_user_tenths: 30,
                slot_days: 33
            }
        );
        // 1,200 × 24.7% × 20% × 2.0 = 118.56 a year, 9.88 a month → 10.
        assert_eq!(
            estimate(ServiceType::Outreach, 1_200, None, None).slot_days,
            10
        );
        assert_eq!(estimate(ServiceType::DayCare, 0, None, None).slot_days, 0);
    }

    #[test]
    fn own_history_scales_with_births() {
        // Last year 600 births, 90 users, 360 days: this year 1,200 births → 720 days, 60 a month.
        let e = estimate(
            ServiceType::ShortStay,
            1_200,
            Some(History {
                births: 600,
                users: 90,
                days: 360,
            }),
            None,
        );
        assert_eq!(
            e,
            Estimate {
                basis: Basis::OwnHistory,
                uptake_per_mille: 150,
                days_per_user_tenths: 40,
                slot_days: 60
            }
        );
    }

    #[test]
    fn too_little_history_falls_back_to_the_national_rates() {
        let thin = History {
            births: 600,
            users: MIN_HISTORY_USERS - 1,
            days: 30,
        };
        assert_eq!(
            estimate(ServiceType::ShortStay, 1_200, Some(thin), None).basis,
            Basis::National
        );
        let no_births = History {
            births: 0,
            users: 50,
            days: 100,
        };
        assert_eq!(
            estimate(ServiceType::ShortStay, 1_200, Some(no_births), None).basis,
            Basis::National
        );
    }
}
