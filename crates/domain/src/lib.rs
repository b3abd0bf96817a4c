//! Sango Hub's domain: codes, money, fiscal years, service types, programme rules, contracts,
//! facilities and principals. Pure values and rules: no IO, no clock, no framework.

pub mod account;
pub mod audit;
pub mod care;
pub mod contract;
pub mod coordinates;
pub mod error;
pub mod facility;
pub mod fiscal_year;
pub mod kinds;
pub mod lg_code;
pub mod prefectures;
pub mod principal;
pub mod program;
pub mod yen;

pub use account::Operations;
pub use care::{BookingSource, BookingStatus, CaseProfile, Outcome};
pub use contract::{Additions, ContractTerms};
pub use coordinates::Coordinates;
pub use error::{DomainError, DomainResult};
pub use facility::{Closure, FacilityDraft, ServiceCapacity};
pub use fiscal_year::FiscalYear;
pub use kinds::{ApplicationMethod, FacilityKind, HouseholdTier, ServiceType};
pub use lg_code::{LgCode, PrefectureCode};
pub use principal::Principal;
pub use program::ProgramRules;
pub use yen::Yen;
