//! Who is asking: the roles of the hub's users and the scope each acts in, and what each may change.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, DomainResult};
use crate::lg_code::{LgCode, PrefectureCode};

/// A role with the place it acts for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "role", content = "scope", rename_all = "kebab-case")]
pub enum Principal {
    /// 広域調整: a prefecture's coordinator.
    PrefectureCoordinator(PrefectureCode),
    /// 母子保健 staff of one municipality.
    MunicipalStaff(LgCode),
    /// Staff of one facility.
    FacilityStaff(i64),
    /// Finance staff of a municipality.
    MunicipalFinance(LgCode),
    /// Finance staff of a prefecture.
    PrefectureFinance(PrefectureCode),
    /// Runs the hub: accounts and tokens, registry maintenance.
    Admin,
}

/// The role names accepted by `token create --role`.
pub const ROLE_NAMES: &[&str] = &["prefecture-coordinator", "municipal-staff", "facility-staff", "finance", "admin"];

impl Principal {
    /// Builds a principal from a role name and a scope: a prefecture code (`31`), a municipal code
    /// (`312011`), a facility id, or `-` for admin. Finance takes a prefecture or a municipality.
    pub fn from_role_and_scope(role: &str, scope: &str) -> DomainResult<Self> {
        let scope = scope.trim();
        let need = |what: &str| DomainError::invalid("scope", format!("role {role} needs {what} as its scope, got '{scope}'"));
        match role.trim() {
            "prefecture-coordinator" => PrefectureCode::parse(scope).map(Self::PrefectureCoordinator).map_err(|_| need("a prefecture code such as 31")),
            "municipal-staff" => LgCode::parse(scope).map(Self::MunicipalStaff).map_err(|e| DomainError::invalid("scope", e.message)),
            "facility-staff" => scope
                .trim_start_matches("facility:")
                .parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .map(Self::FacilityStaff)
                .ok_or_else(|| need("a facility id such as 12")),
            "finance" => match scope.len() {
                2 => PrefectureCode::parse(scope).map(Self::PrefectureFinance).map_err(|_| need("a prefecture code (31) or a municipal code (312011)")),
                5 | 6 => LgCode::parse(scope).map(Self::MunicipalFinance).map_err(|e| DomainError::invalid("scope", e.message)),
                _ => Err(need("a prefecture code (31) or a municipal code (312011)")),
            },
            "admin" => Ok(Self::Admin),
            other => Err(DomainError::invalid("role", format!("unknown role '{other}'; roles are {}", ROLE_NAMES.join(", ")))),
        }
    }

    /// The role name.
    pub fn role(&self) -> &'static str {
        match self {
            Self::PrefectureCoordinator(_) => "prefecture-coordinator",
            Self::MunicipalStaff(_) => "municipal-staff",
            Self::FacilityStaff(_) => "facility-staff",
            Self::MunicipalFinance(_) | Self::PrefectureFinance(_) => "finance",
            Self::Admin => "admin",
        }
    }

    /// The scope as written on the command line.
    pub fn scope(&self) -> String {
        match self {
            Self::PrefectureCoordinator(p) | Self::PrefectureFinance(p) => p.to_string(),
            Self::MunicipalStaff(m) | Self::MunicipalFinance(m) => m.to_string(),
            Self::FacilityStaff(id) => id.to_string(),
            Self::Admin => "-".into(),
        }
    }

    /// May change a municipality's programme and contracts: its own staff, or an admin.
    pub fn may_edit_municipality(&self, m: LgCode) -> bool {
        matches!(self, Self::Admin) || *self == Self::MunicipalStaff(m)
    }

    /// May register or change a facility lying in municipality `m` (and, for facility staff, with id `facility`).
    pub fn may_edit_facility(&self, m: LgCode, facility: Option<i64>) -> bool {
        match self {
            Self::Admin => true,
            Self::PrefectureCoordinator(p) => m.prefecture() == *p,
            Self::MunicipalStaff(own) => *own == m,
            Self::FacilityStaff(id) => facility == Some(*id),
            Self::MunicipalFinance(_) | Self::PrefectureFinance(_) => false,
        }
    }

    /// May read the contracts of municipality `m` with facility `facility`.
    pub fn may_read_contracts(&self, m: LgCode, facility: i64) -> bool {
        match self {
            Self::Admin => true,
            Self::PrefectureCoordinator(p) | Self::PrefectureFinance(p) => m.prefecture() == *p,
            Self::MunicipalStaff(own) | Self::MunicipalFinance(own) => *own == m,
            Self::FacilityStaff(id) => *id == facility,
        }
    }
}

impl Principal {
    /// May read a prefecture's aggregates (supply against demand, plans, coverage, statistics;
    /// never case data): its coordinator and finance staff, staff of its municipalities, admins.
    pub fn may_read_prefecture_aggregates(&self, p: PrefectureCode) -> bool {
        match self {
            Self::Admin => true,
            Self::PrefectureCoordinator(own) | Self::PrefectureFinance(own) => *own == p,
            Self::MunicipalStaff(m) | Self::MunicipalFinance(m) => m.prefecture() == p,
            Self::FacilityStaff(_) => false,
        }
    }

    /// May see and act on a case (register, book, cancel, apply): its municipality's staff, and
    /// the prefecture's coordinator for cases flagged for cross-boundary coordination. Nobody
    /// else, admins included, sees case data.
    pub fn may_manage_case(&self, m: LgCode, coordination: bool) -> bool {
        match self {
            Self::MunicipalStaff(own) => *own == m,
            Self::PrefectureCoordinator(p) => coordination && m.prefecture() == *p,
            _ => false,
        }
    }

    /// May see a booking (with only what care needs) and record its use: the facility's staff.
    pub fn is_staff_of(&self, facility: i64) -> bool {
        *self == Self::FacilityStaff(facility)
    }
}

impl fmt::Display for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.role(), self.scope())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_scopes_parse() {
        let m = LgCode::parse("312011").unwrap();
        assert_eq!(Principal::from_role_and_scope("municipal-staff", "31201").unwrap(), Principal::MunicipalStaff(m));
        assert_eq!(Principal::from_role_and_scope("finance", "31").unwrap().to_string(), "finance:31");
        assert_eq!(Principal::from_role_and_scope("finance", "312011").unwrap(), Principal::MunicipalFinance(m));
        assert_eq!(Principal::from_role_and_scope("facility-staff", "facility:12").unwrap(), Principal::FacilityStaff(12));
        assert_eq!(Principal::from_role_and_scope("municipal-staff", "312012").unwrap_err().field, "scope");
        assert_eq!(Principal::from_role_and_scope("mayor", "31").unwrap_err().field, "role");
        assert!(Principal::from_role_and_scope("facility-staff", "-3").is_err());
    }

    #[test]
    fn municipal_staff_edit_only_their_own_programme() {
        let tottori = LgCode::parse("312011").unwrap();
        let yonago = LgCode::parse("312029").unwrap();
        let staff = Principal::MunicipalStaff(tottori);
        assert!(staff.may_edit_municipality(tottori));
        assert!(!staff.may_edit_municipality(yonago));
        assert!(!Principal::PrefectureCoordinator(tottori.prefecture()).may_edit_municipality(tottori));
        assert!(Principal::Admin.may_edit_municipality(yonago));
    }

    #[test]
    fn cases_are_seen_only_by_their_municipality_and_flagged_ones_by_the_coordinator() {
        let tottori = LgCode::parse("312011").unwrap();
        let yonago = LgCode::parse("312029").unwrap();
        assert!(Principal::MunicipalStaff(tottori).may_manage_case(tottori, false));
        assert!(!Principal::MunicipalStaff(yonago).may_manage_case(tottori, true));
        let coordinator = Principal::PrefectureCoordinator(tottori.prefecture());
        assert!(!coordinator.may_manage_case(tottori, false));
        assert!(coordinator.may_manage_case(tottori, true));
        assert!(!Principal::Admin.may_manage_case(tottori, true));
        assert!(!Principal::MunicipalFinance(tottori).may_manage_case(tottori, false));
    }

    #[test]
    fn prefecture_aggregates_are_for_the_prefecture_and_its_municipalities() {
        let tottori = LgCode::parse("312011").unwrap();
        let chiyoda = LgCode::parse("131016").unwrap();
        let p = tottori.prefecture();
        assert!(Principal::PrefectureCoordinator(p).may_read_prefecture_aggregates(p));
        assert!(!Principal::PrefectureCoordinator(chiyoda.prefecture()).may_read_prefecture_aggregates(p));
        assert!(Principal::MunicipalStaff(tottori).may_read_prefecture_aggregates(p));
        assert!(!Principal::MunicipalStaff(chiyoda).may_read_prefecture_aggregates(p));
        assert!(Principal::PrefectureFinance(p).may_read_prefecture_aggregates(p));
        assert!(!Principal::FacilityStaff(3).may_read_prefecture_aggregates(p));
        assert!(Principal::Admin.may_read_prefecture_aggregates(p));
    }

    #[test]
    fn facility_edits_follow_place_and_identity() {
        let tottori = LgCode::parse("312011").unwrap();
        let chiyoda = LgCode::parse("131016").unwrap();
        let coord = Principal::PrefectureCoordinator(tottori.prefecture());
        assert!(coord.may_edit_facility(tottori, None));
        assert!(!coord.may_edit_facility(chiyoda, None));
        assert!(Principal::FacilityStaff(5).may_edit_facility(tottori, Some(5)));
        assert!(!Principal::FacilityStaff(5).may_edit_facility(tottori, Some(6)));
        assert!(!Principal::FacilityStaff(5).may_edit_facility(tottori, None));
        assert!(!Principal::MunicipalFinance(tottori).may_edit_facility(tottori, None));
    }
}
