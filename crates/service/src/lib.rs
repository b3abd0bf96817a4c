//! The hub's use cases: authorisation, transactions, the in-memory indexes kept in step with the
//! database, and caches. Transports (GraphQL, CLI) call these and nothing below them.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod booking;
pub mod boundaries;
pub mod capacity;
pub mod cases;
pub mod contracts;
pub mod coordination;
pub mod demo;
pub mod desk;
pub mod error;
pub mod facilities;
pub mod hub;
pub mod import;
pub mod jwt;
pub mod live;
pub mod login;
pub mod lottery;
pub mod mirror;
pub mod password;
pub mod municipalities;
pub mod programs;
pub mod settlement;
pub mod throttle;
pub mod use_records;
pub mod waitlist;

pub use auth::{Authenticated, Caller};
pub use boundaries::BoundaryImport;
pub use capacity::{CalendarDay, NearbyHit};
pub use coordination::{FacilityWithin, MonthCapacity};
pub use demo::DemoSummary;
pub use desk::DeskQuery;
pub use error::{ErrorCode, Problem, ServiceError, ServiceResult};
pub use hub::{AuthConfig, Hub};
pub use import::ImportSummary;
pub use sango_store::facilities::FacilityFilter;
pub use sango_store::demand::MonthlyDemand;
pub use sango_store::{ContractVersion, Facility, Municipality, ProgramVersion};
