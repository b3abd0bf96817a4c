//! The closed vocabularies of the programme: service types, household tiers, facility kinds, application methods.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, DomainResult};

/// Declares a closed enum with its API name (SCREAMING_CASE), its Japanese label, and the
/// spellings accepted on input (API name, Japanese labels, lower-case English).
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident, $field:literal, { $($variant:ident => $api:literal, $ja:literal, [$($alias:literal),*];)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The API spelling (`SHORT_STAY`).
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $api),+ }
            }

            /// The Japanese label used in statements and imports.
            pub fn label_ja(self) -> &'static str {
                match self { $($name::$variant => $ja),+ }
            }

            /// Parses the API name, the Japanese label or a listed alias.
            pub fn parse(s: &str) -> DomainResult<Self> {
                let t = s.trim();
                $(
                    if t.eq_ignore_ascii_case($api) || t == $ja $(|| t.eq_ignore_ascii_case($alias))* {
                        return Ok($name::$variant);
                    }
                )+
                let options: Vec<&str> = vec![$($api),+];
                Err(DomainError::invalid($field, format!("'{s}' is not one of {}", options.join(", "))))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = DomainError;
            fn from_str(s: &str) -> DomainResult<Self> { Self::parse(s) }
        }
    };
}

vocabulary!(
    /// The three service types (類型) of 産後ケア事業.
    ServiceType, "serviceType", {
        ShortStay => "SHORT_STAY", "宿泊型", ["short-stay", "ショートステイ", "宿泊"];
        DayCare => "DAY_CARE", "通所型", ["day-care", "デイケア", "デイサービス", "通所"];
        Outreach => "OUTREACH", "居宅訪問型", ["outreach", "アウトリーチ", "訪問型", "訪問"];
    }
);

vocabulary!(
    /// Household tier for user fees (課税 / 住民税非課税 / 生活保護).
    HouseholdTier, "tier", {
        Taxed => "TAXED", "課税", ["taxed", "課税世帯"];
        NonTaxed => "NON_TAXED", "住民税非課税", ["non-taxed", "非課税", "非課税世帯"];
        Welfare => "WELFARE", "生活保護", ["welfare", "生活保護世帯"];
    }
);

vocabulary!(
    /// What kind of place a facility is.
    FacilityKind, "kind", {
        Hospital => "HOSPITAL", "病院", ["hospital"];
        Clinic => "CLINIC", "診療所", ["clinic", "クリニック", "有床診療所"];
        MidwifeHome => "MIDWIFE_HOME", "助産所", ["midwife-home", "midwife home", "助産院"];
        MunicipalCentre => "MUNICIPAL_CENTRE", "市町村施設", ["municipal-centre", "municipal centre", "保健センター"];
    }
);

vocabulary!(
    /// How a programme allocates slots: a lottery after the window closes, or first come, first served.
    ApplicationMethod, "method", {
        Lottery => "LOTTERY", "抽選", ["lottery"];
        FirstCome => "FIRST_COME", "先着", ["first-come", "先着順"];
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_japanese_labels_parse() {
        for t in ServiceType::ALL {
            assert_eq!(ServiceType::parse(t.as_str()).unwrap(), *t);
            assert_eq!(ServiceType::parse(t.label_ja()).unwrap(), *t);
        }
        assert_eq!(ServiceType::parse("デイケア").unwrap(), ServiceType::DayCare);
        assert_eq!(HouseholdTier::parse("非課税").unwrap(), HouseholdTier::NonTaxed);
        assert_eq!(FacilityKind::parse("助産院").unwrap(), FacilityKind::MidwifeHome);
    }

    #[test]
    fn unknown_names_list_the_options() {
        let e = ServiceType::parse("NIGHT_CARE").unwrap_err();
        assert_eq!(e.field, "serviceType");
        assert!(e.message.contains("SHORT_STAY, DAY_CARE, OUTREACH"), "{}", e.message);
    }

    #[test]
    fn serde_uses_the_api_names() {
        assert_eq!(serde_json::to_string(&ServiceType::DayCare).unwrap(), "\"DAY_CARE\"");
        assert_eq!(serde_json::to_string(&FacilityKind::MidwifeHome).unwrap(), "\"MIDWIFE_HOME\"");
    }
}
