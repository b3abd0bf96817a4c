//! Sango Hub's booking rules: holidays and business days, application windows, late
//! cancellation fees, the priority lottery and prior use against yearly limits.
//! Pure functions: no IO and no clock (the current time is always a parameter).

pub mod cancellation;
pub mod holidays;
pub mod lottery;
pub mod usage;
pub mod window;

#[cfg(test)]
mod test_support;

pub use cancellation::{cancellation_deadline, cancellation_fee};
pub use holidays::{HOLIDAY_YEARS, business_days_before, holiday, is_business_day};
pub use lottery::{Applicant, Draw, PriorityClass, draw};
pub use usage::{Usage, check_limits, longest_run};
pub use window::{Window, check_window, to_jst, window};
