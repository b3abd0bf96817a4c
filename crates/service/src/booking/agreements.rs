//! Booking through a mutual-use agreement (広域化協定): a member municipality without a contract
//! of its own books a facility its host contracts, as settlement then prices the use through the
//! host's contract.

use chrono::NaiveDate;
use sango_domain::LgCode;
use sango_settlement::version_in_force;
use sango_store::AgreementVersion;

use crate::error::ServiceResult;
use crate::hub::Hub;

impl Hub {
    /// The hosts of the agreements that have `m` as a member on every day from `first` to `last`.
    pub(crate) async fn agreement_hosts(&self, m: LgCode, first: NaiveDate, last: NaiveDate) -> ServiceResult<Vec<LgCode>> {
        let versions = sango_store::agreements::all_versions(&self.db, Some(m.prefecture())).await?;
        Ok(hosts_on_every_day(&versions, m, first, last))
    }
}

/// Among the versions of a prefecture's agreements (ordered by code), the hosts of those whose
/// version in force on each day from `first` to `last` includes `m`, with the same host every day.
fn hosts_on_every_day(versions: &[AgreementVersion], m: LgCode, first: NaiveDate, last: NaiveDate) -> Vec<LgCode> {
    let mut hosts = Vec::new();
    for agreement in versions.chunk_by(|a, b| a.terms.code == b.terms.code) {
        let host_on = |day: NaiveDate| {
            let i = version_in_force(agreement.iter().map(|v| (v.version, v.terms.valid_from, v.terms.valid_on(day))), day)?;
            let terms = &agreement[i].terms;
            terms.includes(m).then_some(terms.host)
        };
        let Some(host) = host_on(first) else { continue };
        if first.iter_days().take_while(|d| *d <= last).all(|d| host_on(d) == Some(host)) && !hosts.contains(&host) {
            hosts.push(host);
        }
    }
    hosts
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use sango_settlement::AgreementTerms;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn code(s: &str) -> LgCode {
        LgCode::parse(s).unwrap()
    }

    fn version(code_: &str, version: i32, host: &str, members: &[&str], from: &str, to: Option<&str>) -> AgreementVersion {
        AgreementVersion {
            id: i64::from(version),
            version,
            current: false,
            prefecture: code(host).prefecture(),
            terms: AgreementTerms {
                code: code_.into(),
                name: "協定".into(),
                host: code(host),
                members: members.iter().map(|m| code(m)).collect(),
                valid_from: d(from),
                valid_to: to.map(d),
            },
            created_at: Utc.timestamp_opt(0, 0).unwrap(),
            created_by: "test".into(),
        }
    }

    #[test]
    fn a_member_books_through_its_host_only_while_every_day_is_covered() {
        let east = [
            version("east", 1, "312011", &["312029"], "2025-04-01", None),
            // From October the member leaves the agreement.
            version("east", 2, "312011", &["313025"], "2025-10-01", None),
        ];
        let member = code("312029");
        assert_eq!(hosts_on_every_day(&east, member, d("2025-09-29"), d("2025-09-30")), vec![code("312011")]);
        assert!(hosts_on_every_day(&east, member, d("2025-09-30"), d("2025-10-01")).is_empty(), "the last day is no longer covered");
        assert!(hosts_on_every_day(&east, member, d("2025-03-31"), d("2025-04-01")).is_empty(), "the first day is before the agreement");
        assert_eq!(hosts_on_every_day(&east, code("313025"), d("2025-10-01"), d("2025-10-03")), vec![code("312011")]);
        assert!(hosts_on_every_day(&east, code("313025"), d("2025-09-30"), d("2025-10-01")).is_empty());
        assert!(hosts_on_every_day(&east, code("312037"), d("2025-06-01"), d("2025-06-01")).is_empty(), "not a member");
    }

    #[test]
    fn an_ended_agreement_covers_nothing_after_its_last_day() {
        let west = [version("west", 1, "312029", &["312011"], "2025-04-01", Some("2025-06-30"))];
        assert_eq!(hosts_on_every_day(&west, code("312011"), d("2025-06-30"), d("2025-06-30")), vec![code("312029")]);
        assert!(hosts_on_every_day(&west, code("312011"), d("2025-06-30"), d("2025-07-01")).is_empty());
    }
}
