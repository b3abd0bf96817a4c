//! The nearby-capacity search: facilities nearest a point (great-circle order) that offer a type,
//! have a free slot on every requested day, and (by default) hold a contract valid on every
//! requested day with the resident's municipality or, failing that, with the host of a mutual-use
//! agreement the municipality belongs to (as booking allows).

use rustc_hash::FxHashMap;

use sango_domain::{Coordinates, DomainResult, HouseholdTier, LgCode, ProgramRules, Yen};
use sango_spatial::FacilityIndex;

use crate::calendar::Calendars;
use crate::contracts::ContractBook;
use crate::eligibility::{Request, check_request};

/// Everything the search reads, kept in memory by the service layer.
#[derive(Default)]
pub struct SearchState {
    pub facilities: FacilityIndex,
    /// The municipality each facility lies in.
    pub municipality_of: FxHashMap<i64, LgCode>,
    pub calendars: Calendars,
    /// Current contracts, with the facilities each municipality contracts per type.
    pub contracts: ContractBook,
}

/// A search as municipal staff ask it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NearbyQuery {
    pub from: Coordinates,
    pub radius_km: f64,
    pub limit: usize,
    pub resident: LgCode,
    pub request: Request,
    /// For the user fee: the household's tier.
    pub tier: HouseholdTier,
    /// Also list facilities without a contract (for 償還払い and for coordinators).
    pub include_uncontracted: bool,
}

/// One facility found.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    pub facility_id: i64,
    pub km: f64,
    /// The fewest free slots over the requested days (at least 1).
    pub free_slots: u32,
    /// The facility lies outside the resident's municipality.
    pub cross_boundary: bool,
    pub contracted: bool,
    /// From the contract; None without one.
    pub unit_price: Option<Yen>,
    /// What the mother pays for the whole request under her programme.
    pub user_fee: Yen,
    /// The agreement host whose contract it is, when the resident's municipality has none.
    pub through_host: Option<LgCode>,
}

/// Runs the search; a request the programme refuses is an error naming the rule.
pub fn nearby(state: &SearchState, rules: &ProgramRules, q: &NearbyQuery) -> DomainResult<Vec<Hit>> {
    nearby_through(state, rules, q, &[])
}

/// As [`nearby`], for a resident whose municipality belongs to mutual-use agreements whose
/// `hosts` cover every requested day: a facility without a contract of the municipality's own
/// qualifies through the first host (in order) with one.
pub fn nearby_through(state: &SearchState, rules: &ProgramRules, q: &NearbyQuery, hosts: &[LgCode]) -> DomainResult<Vec<Hit>> {
    let r = &q.request;
    check_request(rules, r)?;
    let user_fee = (1..=r.days)
        .map(|i| rules.user_fee(r.service_type, q.tier, r.used_so_far + i, r.multiples, false).unwrap_or(Yen::ZERO))
        .sum::<Yen>();
    // Contracted-only searches walk just the facilities the resident's municipality (and each
    // host) contracts; each walk keeps its nearest `limit`, so their union holds the answer.
    let trees: Vec<&FacilityIndex> = if q.include_uncontracted {
        vec![&state.facilities]
    } else {
        std::iter::once(&q.resident).chain(hosts).filter_map(|m| state.contracts.contracted(*m, r.service_type)).collect()
    };
    let contract = |id: i64| {
        let find = |m: LgCode| state.contracts.find(m, r.service_type, id, r.start, r.days).map(|c| c.unit_price);
        find(q.resident).map(|p| (p, None)).or_else(|| hosts.iter().find_map(|h| find(*h).map(|p| (p, Some(*h)))))
    };
    let mut near = Vec::new();
    for tree in &trees {
        near.extend(tree.nearest_with(q.from, q.radius_km, q.limit, |id| {
            let free = state.calendars.get(id, r.service_type)?.min_free(r.start, r.days);
            if free == 0 {
                return None;
            }
            let contract = contract(id);
            if contract.is_none() && !q.include_uncontracted {
                return None;
            }
            Some((free, contract))
        }));
    }
    if trees.len() > 1 {
        near.sort_by(|(a, _), (b, _)| a.km.total_cmp(&b.km).then(a.id.cmp(&b.id)));
        near.dedup_by_key(|(n, _)| n.id);
        near.truncate(q.limit);
    }
    Ok(near
        .into_iter()
        .map(|(n, (free_slots, contract))| Hit {
            facility_id: n.id,
            km: n.km,
            free_slots,
            cross_boundary: state.municipality_of.get(&n.id) != Some(&q.resident),
            contracted: contract.is_some(),
            unit_price: contract.map(|c| c.0),
            user_fee,
            through_host: contract.and_then(|c| c.1),
        })
        .collect())
}

#[cfg(test)]
mod tests;
