//! The demo's mutual-use agreement (広域化協定): the most populous municipality hosts it, and the
//! towns that contract the most of the same facilities join it, as rural towns around a city do.

use std::collections::BTreeSet;

use sango_domain::LgCode;

use crate::{DemoContract, DemoMunicipality};

/// The most members besides the host.
const MAX_MEMBERS: usize = 3;

/// A demo agreement: its host and the other members.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoAgreement {
    pub host: LgCode,
    pub members: Vec<LgCode>,
}

/// The host and up to three members sharing the most contracted facilities with it (ties by
/// code); `None` when no other municipality shares one.
pub fn for_prefecture(ms: &[DemoMunicipality], contracts: &[DemoContract]) -> Option<DemoAgreement> {
    let host = ms.iter().max_by_key(|m| (m.population, std::cmp::Reverse(m.code)))?.code;
    let facilities_of = |m: LgCode| contracts.iter().filter(|c| c.terms.municipality == m).map(|c| c.facility_index).collect::<BTreeSet<_>>();
    let hosts = facilities_of(host);
    let mut shared: Vec<(usize, LgCode)> = ms.iter().filter(|m| m.code != host).map(|m| (facilities_of(m.code).intersection(&hosts).count(), m.code)).filter(|(n, _)| *n > 0).collect();
    shared.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let members: Vec<LgCode> = shared.into_iter().take(MAX_MEMBERS).map(|(_, m)| m).collect();
    (!members.is_empty()).then_some(DemoAgreement { host, members })
}
