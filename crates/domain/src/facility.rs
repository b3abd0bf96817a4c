//! Facilities: what a hospital, clinic, midwife home or municipal centre offers, and when it is closed.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::coordinates::Coordinates;
use crate::error::{DomainError, DomainResult};
use crate::kinds::{FacilityKind, ServiceType};

/// The most guests (or visits) a facility may offer per type per day.
pub const MAX_DAILY_CAPACITY: i64 = 1_000;

/// A service type a facility offers and how many guests (or visits) per day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceCapacity {
    pub service_type: ServiceType,
    pub daily_capacity: u32,
}

impl ServiceCapacity {
    /// Validates a capacity given as a signed number (as inputs arrive).
    pub fn new(service_type: ServiceType, daily_capacity: i64, field: &str) -> DomainResult<Self> {
        if !(0..=MAX_DAILY_CAPACITY).contains(&daily_capacity) {
            return Err(DomainError::invalid(
                field,
                format!("daily capacity must be 0 to {MAX_DAILY_CAPACITY}, got {daily_capacity}"),
            ));
        }
        Ok(Self { service_type, daily_capacity: daily_capacity as u32 })
    }
}

/// Everything a facility record holds except its id and the municipality (derived from `location`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FacilityDraft {
    pub name: String,
    pub kind: FacilityKind,
    pub address: String,
    pub location: Coordinates,
    pub services: Vec<ServiceCapacity>,
    /// Demo and benchmark data are marked synthetic so that nobody mistakes them for real places.
    pub synthetic: bool,
}

impl FacilityDraft {
    /// Checks names and services.
    pub fn validate(&self) -> DomainResult<()> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(DomainError::invalid("name", "a facility name is 1 to 200 characters"));
        }
        if self.address.chars().count() > 300 {
            return Err(DomainError::invalid("address", "an address is at most 300 characters"));
        }
        for (i, s) in self.services.iter().enumerate() {
            if self.services[..i].iter().any(|o| o.service_type == s.service_type) {
                return Err(DomainError::invalid(format!("services[{i}].serviceType"), format!("{} is listed twice", s.service_type)));
            }
        }
        Ok(())
    }
}

/// A period in which a facility (or one of its service types) takes no guests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Closure {
    /// None closes every type.
    pub service_type: Option<ServiceType>,
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
    pub reason: String,
}

impl Closure {
    pub fn validate(&self) -> DomainResult<()> {
        if self.to < self.from {
            return Err(DomainError::invalid("to", "a closure ends before it starts"));
        }
        if (self.to - self.from).num_days() > 800 {
            return Err(DomainError::invalid("to", "a closure may last at most 800 days; deactivate the facility instead"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> FacilityDraft {
        FacilityDraft {
            name: "（架空）とっとり助産院".into(),
            kind: FacilityKind::MidwifeHome,
            address: "鳥取県鳥取市".into(),
            location: Coordinates::new(35.5, 134.2, "location").unwrap(),
            services: vec![ServiceCapacity::new(ServiceType::ShortStay, 3, "c").unwrap()],
            synthetic: true,
        }
    }

    #[test]
    fn capacities_must_be_in_range() {
        assert_eq!(ServiceCapacity::new(ServiceType::DayCare, -1, "services[0].dailyCapacity").unwrap_err().field, "services[0].dailyCapacity");
        assert!(ServiceCapacity::new(ServiceType::DayCare, 1001, "x").is_err());
        assert!(ServiceCapacity::new(ServiceType::DayCare, 0, "x").is_ok());
    }

    #[test]
    fn names_and_duplicate_services_are_checked() {
        draft().validate().unwrap();
        let mut d = draft();
        d.name = "   ".into();
        assert_eq!(d.validate().unwrap_err().field, "name");
        let mut d = draft();
        d.services.push(d.services[0]);
        assert_eq!(d.validate().unwrap_err().field, "services[1].serviceType");
    }

    #[test]
    fn closures_run_forwards() {
        let day = |d| NaiveDate::from_ymd_opt(2025, 8, d).unwrap();
        let c = Closure { service_type: None, from: day(13), to: day(12), reason: "お盆".into() };
        assert_eq!(c.validate().unwrap_err().field, "to");
    }
}
