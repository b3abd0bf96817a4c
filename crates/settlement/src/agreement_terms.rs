//! What a registered mutual-use agreement (広域化協定) says in one version: its code, name, host,
//! members and validity. The settlement of the agreement reads the [`Agreement`] it names.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use sango_domain::{DomainError, DomainResult, LgCode};

use crate::statements::agreements::Agreement;

/// The longest agreement code.
pub const MAX_CODE_LEN: usize = 40;

/// One version of an agreement's terms. The host contracts facilities on behalf of every member;
/// `members` lists the others (the host bears its own residents' cost too).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgreementTerms {
    /// Stable key tying the versions, e.g. `tottori-east`: ASCII letters, digits, `-` and `_`.
    pub code: String,
    pub name: String,
    pub host: LgCode,
    pub members: Vec<LgCode>,
    pub valid_from: NaiveDate,
    /// Last valid day, inclusive; `None` = open-ended.
    pub valid_to: Option<NaiveDate>,
}

impl AgreementTerms {
    /// Checks the code, the name, the members (at least one besides the host, none twice, all in
    /// the host's prefecture) and the dates; the error names the field (`members[2]`).
    pub fn validate(&self) -> DomainResult<()> {
        let code_ok = !self.code.is_empty()
            && self.code.len() <= MAX_CODE_LEN
            && self.code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !code_ok {
            return Err(DomainError::invalid(
                "code",
                format!("an agreement code is 1 to {MAX_CODE_LEN} ASCII letters, digits, '-' or '_'"),
            ));
        }
        if self.name.trim().is_empty() || self.name.chars().count() > 200 {
            return Err(DomainError::invalid("name", "a name of 1 to 200 characters"));
        }
        let mut seen = BTreeSet::new();
        for (i, m) in self.members.iter().enumerate() {
            let field = format!("members[{i}]");
            if *m == self.host {
                return Err(DomainError::invalid(field, "the host is a member already; list the others"));
            }
            if !seen.insert(*m) {
                return Err(DomainError::invalid(field, format!("{m} listed twice")));
            }
            if m.prefecture() != self.host.prefecture() {
                let msg = format!("{m} is not in the host's prefecture {}", self.host.prefecture());
                return Err(DomainError::invalid(field, msg));
            }
        }
        if self.members.is_empty() {
            return Err(DomainError::invalid("members", "an agreement needs a member besides the host"));
        }
        if self.valid_to.is_some_and(|to| to < self.valid_from) {
            return Err(DomainError::invalid("validTo", "the agreement ends before it starts"));
        }
        Ok(())
    }

    /// Whether the terms cover `day`.
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.valid_from <= day && self.valid_to.is_none_or(|to| day <= to)
    }

    /// Whether the host or a listed member is `m`.
    pub fn includes(&self, m: LgCode) -> bool {
        self.host == m || self.members.contains(&m)
    }

    /// The agreement as settlement reads it.
    pub fn agreement(&self) -> Agreement {
        Agreement { id: self.code.clone(), host: self.host, members: self.members.clone() }
    }
}

/// Among the versions of one agreement or contract, `(version, valid_from, covers the day)`,
/// the index of the one in force on a day: the newest version that had started by then, if it
/// covers the day. An amendment from a later day leaves the earlier days to the version it
/// replaced; one from the same day corrects it.
pub fn version_in_force(versions: impl IntoIterator<Item = (i32, NaiveDate, bool)>, day: NaiveDate) -> Option<usize> {
    let newest = versions
        .into_iter()
        .enumerate()
        .filter(|(_, (_, from, _))| *from <= day)
        .max_by_key(|(_, (v, _, _))| *v)?;
    let (i, (_, _, covers)) = newest;
    covers.then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn code(s: &str) -> LgCode {
        LgCode::parse(s).unwrap()
    }

    fn terms() -> AgreementTerms {
        AgreementTerms {
            code: "tottori-east".into(),
            name: "鳥取県東部産後ケア広域化協定".into(),
            host: code("312011"),
            members: vec![code("313025"), code("313289")],
            valid_from: d("2025-04-01"),
            valid_to: None,
        }
    }

    #[test]
    fn terms_are_checked_field_by_field() {
        terms().validate().unwrap();
        let field = |t: AgreementTerms| t.validate().unwrap_err().field;
        assert_eq!(field(AgreementTerms { code: "東部".into(), ..terms() }), "code");
        assert_eq!(field(AgreementTerms { name: " ".into(), ..terms() }), "name");
        assert_eq!(field(AgreementTerms { members: vec![code("313025"), code("312011")], ..terms() }), "members[1]");
        assert_eq!(field(AgreementTerms { members: vec![code("313025"), code("313025")], ..terms() }), "members[1]");
        assert_eq!(field(AgreementTerms { members: vec![code("131016")], ..terms() }), "members[0]");
        assert_eq!(field(AgreementTerms { members: vec![], ..terms() }), "members");
        assert_eq!(field(AgreementTerms { valid_to: Some(d("2025-03-31")), ..terms() }), "validTo");
        assert!(terms().includes(code("312011")) && terms().includes(code("313289")) && !terms().includes(code("312029")));
    }

    #[test]
    fn the_version_in_force_is_the_newest_started_one_if_it_covers_the_day() {
        // v1 from April, open; v2 from October to December.
        let versions = |day: &str| {
            let day = d(day);
            let v = [(1, d("2025-04-01"), None), (2, d("2025-10-01"), Some(d("2025-12-31")))];
            let cover = move |(n, from, to): (i32, NaiveDate, Option<NaiveDate>)| (n, from, from <= day && to.is_none_or(|t| day <= t));
            version_in_force(v.into_iter().map(cover), day)
        };
        assert_eq!(versions("2025-03-31"), None);
        assert_eq!(versions("2025-09-30"), Some(0));
        assert_eq!(versions("2025-10-01"), Some(1));
        assert_eq!(versions("2026-01-01"), None, "the amendment ended it");
    }
}
