//! Free capacity: the calendar of each facility and service type (capacity, closures, overrides,
//! what is taken), the programme checks a request must pass, and the nearby-capacity search.
//! Pure: the service layer loads the state and keeps it in step with the database.

pub mod calendar;
pub mod contracts;
pub mod day_counts;
pub mod eligibility;
pub mod search;

pub use calendar::{Calendars, ServiceCalendar};
pub use contracts::ContractBook;
pub use day_counts::DayCounts;
pub use eligibility::{Request, check_consecutive, check_infant, check_request};
pub use search::{Hit, NearbyQuery, SearchState, nearby, nearby_through};
