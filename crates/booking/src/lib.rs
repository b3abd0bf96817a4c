//! Sango Hub's booking rules: holidays and business days, application windows, late
//! cancellation fees, the priority lottery, prior use against yearly limits and taking the
//! slots of a group of bookings.
//! Pure functions: no IO and no clock (the current time is always a parameter).

pub mod cancellation;
pub mod holidays;
pub mod lottery;
pub mod slots;
pub mod usage;
pub mod window;

#[cfg(test)]
mod test_support;

pub use cancellation::{cancellation_deadline, cancellation_fee};
pub use holidays::{HOLIDAY_YEARS, business_days_before, holiday, is_business_day};
pub use lottery::{Applicant, Draw, PriorityClass, draw};
pub use slots::FreeSlots;
pub use usage::{Usage, check_limits, longest_run};
pub use window::{Window, check_window, to_jst, window};
