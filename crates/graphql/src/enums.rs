//! GraphQL enums mirroring the domain's vocabularies, with conversions both ways.

use async_graphql::Enum;
use sango_domain as d;

/// Declares a GraphQL enum with the same variants as a domain enum, and `From` both ways.
macro_rules! mirror {
    ($(#[$doc:meta])* $name:ident = $domain:path { $($v:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name { $($v),+ }

        impl From<$domain> for $name {
            fn from(x: $domain) -> Self {
                use $domain as D;
                match x { $(D::$v => Self::$v),+ }
            }
        }

        impl From<$name> for $domain {
            fn from(x: $name) -> Self {
                use $domain as D;
                match x { $($name::$v => D::$v),+ }
            }
        }
    };
}

mirror!(
    /// 宿泊型 / 通所型 / 居宅訪問型.
    ServiceType = d::ServiceType { ShortStay, DayCare, Outreach }
);
mirror!(
    /// 課税 / 住民税非課税 / 生活保護.
    HouseholdTier = d::HouseholdTier { Taxed, NonTaxed, Welfare }
);
mirror!(
    /// Hospital, clinic, midwife home (助産所) or municipal centre.
    FacilityKind = d::FacilityKind { Hospital, Clinic, MidwifeHome, MunicipalCentre }
);
mirror!(
    /// Lottery after the window closes, or first come first served.
    ApplicationMethod = d::ApplicationMethod { Lottery, FirstCome }
);
mirror!(
    /// The unit a service type is counted in.
    UsageUnit = d::program::UsageUnit { Day, Session, Visit, Hour }
);
mirror!(
    /// What an import file holds.
    ImportKind = sango_import::ImportKind { Facilities, Contracts, Programs }
);
