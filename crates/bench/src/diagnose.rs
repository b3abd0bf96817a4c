//! Where the in-process search spends its time: how many facilities the nearest-first walk visits
//! before it has enough, how long the resident's contract list is that every visited facility with
//! room is looked up in (a linear scan in `SearchState::contract`), and the same search with the
//! contracts indexed by facility, started from the resident's contracts as PostgreSQL's plan
//! does, or walking an R-tree of only the facilities the resident's municipality contracts. Those variants live only here, to show what each step costs; each must give exactly the
//! product's answers on every query before it is timed.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;

use anyhow::anyhow;
use sango_availability::{Hit, SearchState, check_request, nearby};
use sango_domain::{ContractTerms, Coordinates, LgCode, ProgramRules, ServiceType, Yen};
use sango_spatial::{FacilityIndex, haversine_km};

use crate::queries::BenchQuery;
use crate::stats::Latencies;

/// Counts at the 50th and 99th percentile and the largest.
#[derive(Clone, Copy, Debug, Default)]
pub struct Spread {
    pub p50: usize,
    pub p99: usize,
    pub max: usize,
}

impl Spread {
    fn of(mut v: Vec<usize>) -> Self {
        v.sort_unstable();
        let at = |p: f64| v[((p * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
        if v.is_empty() { Self::default() } else { Self { p50: at(0.5), p99: at(0.99), max: v[v.len() - 1] } }
    }
}

/// The profile of the query set.
pub struct Profile {
    /// Facilities the walk looked at per query.
    pub visited: Spread,
    /// Length of the resident's contract list for the requested type.
    pub contract_list: Spread,
    /// The product's search and the indexed variant, timed in the same interleaved passes.
    pub product: Latencies,
    pub indexed: Latencies,
    pub indexed_contract_first: Latencies,
    pub by_contracts: Latencies,
    pub contracted_tree: Latencies,
    /// The slowest 1% of queries (by the product's time): their median visits and list length.
    pub slowest_visited_p50: usize,
    pub slowest_list_p50: usize,
    /// The query the product took longest on.
    pub slowest_index: Option<usize>,
}

type ContractIndex<'a> = HashMap<(LgCode, ServiceType, i64), Vec<&'a ContractTerms>>;

fn index(state: &SearchState) -> ContractIndex<'_> {
    let mut idx: ContractIndex<'_> = HashMap::new();
    for list in state.contracts.values() {
        for c in list {
            idx.entry((c.municipality, c.service_type, c.facility_id)).or_default().push(c);
        }
    }
    idx
}

/// `sango_availability::nearby` with an O(1) contract lookup; otherwise the same steps. With
/// `contract_first`, a facility without a contract is turned away before its calendar is read.
fn nearby_indexed(state: &SearchState, idx: &ContractIndex<'_>, rules: &ProgramRules, q: &sango_availability::NearbyQuery, contract_first: bool) -> Option<Vec<Hit>> {
    let r = &q.request;
    check_request(rules, r).ok()?;
    let user_fee = (1..=r.days).map(|i| rules.user_fee(r.service_type, q.tier, r.used_so_far + i, r.multiples, false).unwrap_or(Yen::ZERO)).sum::<Yen>();
    let last = r.start + chrono::Days::new(u64::from(r.days.max(1) - 1));
    let mut found: HashMap<i64, (u32, Option<Yen>)> = HashMap::new();
    let near = state.facilities.nearest(q.from, q.radius_km, q.limit, |id| {
        let contract = || idx.get(&(q.resident, r.service_type, id)).and_then(|v| v.iter().find(|c| c.valid_on(r.start) && c.valid_on(last)));
        let early = if contract_first && !q.include_uncontracted {
            let Some(c) = contract() else { return false };
            Some(c)
        } else {
            None
        };
        let Some(cal) = state.calendars.get(id, r.service_type) else { return false };
        let free = cal.min_free(r.start, r.days);
        if free == 0 {
            return false;
        }
        let contract = early.or_else(contract);
        if contract.is_none() && !q.include_uncontracted {
            return false;
        }
        found.insert(id, (free, contract.map(|c| c.unit_price)));
        true
    });
    Some(
        near.into_iter()
            .map(|n| {
                let (free_slots, unit_price) = found[&n.id];
                Hit { facility_id: n.id, km: n.km, free_slots, cross_boundary: state.municipality_of.get(&n.id) != Some(&q.resident), contracted: unit_price.is_some(), unit_price, user_fee }
            })
            .collect(),
    )
}

/// The plan PostgreSQL picks for the same search: start from the resident's contracts for the type
/// (about 150 here), measure each contracted facility's distance, sort, then read calendars
/// nearest first until `limit` have room.
/// Only for contracted-only searches; otherwise it defers to the product.
fn nearby_by_contracts(state: &SearchState, at: &HashMap<i64, Coordinates>, rules: &ProgramRules, q: &sango_availability::NearbyQuery) -> Option<Vec<Hit>> {
    if q.include_uncontracted {
        return nearby(state, rules, q).ok();
    }
    let r = &q.request;
    check_request(rules, r).ok()?;
    let user_fee = (1..=r.days).map(|i| rules.user_fee(r.service_type, q.tier, r.used_so_far + i, r.multiples, false).unwrap_or(Yen::ZERO)).sum::<Yen>();
    let last = r.start + chrono::Days::new(u64::from(r.days.max(1) - 1));
    // Every contracted facility in the radius, nearest first (ties by id)…
    let mut near: Vec<(f64, i64, Yen)> = Vec::new();
    for c in state.contracts.get(&(q.resident, r.service_type)).into_iter().flatten() {
        if !(c.valid_on(r.start) && c.valid_on(last)) || near.iter().any(|n| n.1 == c.facility_id) {
            continue;
        }
        let Some(loc) = at.get(&c.facility_id) else { continue };
        let km = haversine_km(q.from, *loc);
        if km <= q.radius_km {
            near.push((km, c.facility_id, c.unit_price));
        }
    }
    near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    // …then calendars only until `limit` have room.
    let mut hits: Vec<Hit> = Vec::with_capacity(q.limit);
    for (km, id, price) in near {
        if hits.len() == q.limit {
            break;
        }
        let Some(cal) = state.calendars.get(id, r.service_type) else { continue };
        let free_slots = cal.min_free(r.start, r.days);
        if free_slots > 0 {
            let cross_boundary = state.municipality_of.get(&id) != Some(&q.resident);
            hits.push(Hit { facility_id: id, km, free_slots, cross_boundary, contracted: true, unit_price: Some(price), user_fee });
        }
    }
    Some(hits)
}

/// One R-tree per (municipality, type) over the facilities that municipality contracts for the
/// type: a contracted-only search walks only candidates it can accept.
type ContractedTrees = HashMap<(LgCode, ServiceType), FacilityIndex>;

fn contracted_trees(state: &SearchState, at: &HashMap<i64, Coordinates>) -> ContractedTrees {
    state
        .contracts
        .iter()
        .map(|(key, list)| {
            let mut ids: Vec<i64> = list.iter().map(|c| c.facility_id).collect();
            ids.sort_unstable();
            ids.dedup();
            (*key, FacilityIndex::new(ids.into_iter().filter_map(|id| at.get(&id).map(|loc| (id, *loc)))))
        })
        .collect()
}

fn nearby_contracted_tree(state: &SearchState, trees: &ContractedTrees, idx: &ContractIndex<'_>, rules: &ProgramRules, q: &sango_availability::NearbyQuery) -> Option<Vec<Hit>> {
    if q.include_uncontracted {
        return nearby(state, rules, q).ok();
    }
    let r = &q.request;
    check_request(rules, r).ok()?;
    let user_fee = (1..=r.days).map(|i| rules.user_fee(r.service_type, q.tier, r.used_so_far + i, r.multiples, false).unwrap_or(Yen::ZERO)).sum::<Yen>();
    let last = r.start + chrono::Days::new(u64::from(r.days.max(1) - 1));
    let Some(tree) = trees.get(&(q.resident, r.service_type)) else { return Some(vec![]) };
    let mut found: HashMap<i64, (u32, Yen)> = HashMap::new();
    let near = tree.nearest(q.from, q.radius_km, q.limit, |id| {
        let Some(contract) = idx.get(&(q.resident, r.service_type, id)).and_then(|v| v.iter().find(|c| c.valid_on(r.start) && c.valid_on(last))) else { return false };
        let Some(cal) = state.calendars.get(id, r.service_type) else { return false };
        let free = cal.min_free(r.start, r.days);
        if free == 0 {
            return false;
        }
        found.insert(id, (free, contract.unit_price));
        true
    });
    Some(
        near.into_iter()
            .map(|n| {
                let (free_slots, price) = found[&n.id];
                Hit { facility_id: n.id, km: n.km, free_slots, cross_boundary: state.municipality_of.get(&n.id) != Some(&q.resident), contracted: true, unit_price: Some(price), user_fee }
            })
            .collect(),
    )
}

/// How many facilities the product's walk visits for a query.
fn visits(state: &SearchState, bq: &BenchQuery) -> usize {
    let (q, r) = (&bq.q, &bq.q.request);
    let mut n = 0;
    state.facilities.nearest(q.from, q.radius_km, q.limit, |id| {
        n += 1;
        let Some(cal) = state.calendars.get(id, r.service_type) else { return false };
        cal.min_free(r.start, r.days) > 0 && state.contract(q.resident, r.service_type, id, r.start, r.days).is_some()
    });
    n
}

/// Profiles the query set; the indexed variant must agree with the product on every query.
pub fn profile(state: &SearchState, queries: &[BenchQuery], rounds: usize) -> anyhow::Result<Profile> {
    let idx = index(state);
    let big = |lat: f64, lon: f64| Coordinates { lat, lon };
    let at: HashMap<i64, Coordinates> = state.facilities.in_lon_lat_box(big(-90.0, -180.0), big(90.0, 180.0)).into_iter().collect();
    let trees = contracted_trees(state, &at);
    for (i, bq) in queries.iter().enumerate() {
        let product = nearby(state, &bq.rules, &bq.q).map_err(|e| anyhow!("query {i}: {}", e.message))?;
        for contract_first in [false, true] {
            if nearby_indexed(state, &idx, &bq.rules, &bq.q, contract_first).as_ref() != Some(&product) {
                return Err(anyhow!("query {i}: the indexed variant (contract first: {contract_first}) disagrees with the product"));
            }
        }
        if nearby_by_contracts(state, &at, &bq.rules, &bq.q).as_ref() != Some(&product) {
            return Err(anyhow!("query {i}: the contracts-first variant disagrees with the product"));
        }
        if nearby_contracted_tree(state, &trees, &idx, &bq.rules, &bq.q).as_ref() != Some(&product) {
            return Err(anyhow!("query {i}: the per-municipality tree variant disagrees with the product"));
        }
    }
    let visited: Vec<usize> = queries.iter().map(|bq| visits(state, bq)).collect();
    let lists: Vec<usize> = queries.iter().map(|bq| state.contracts.get(&(bq.q.resident, bq.q.request.service_type)).map_or(0, Vec::len)).collect();
    let (mut product, mut indexed, mut first, mut by_contracts, mut tree) = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut per_query = vec![std::time::Duration::ZERO; queries.len()];
    for _ in 0..rounds {
        for (i, bq) in queries.iter().enumerate() {
            let t = Instant::now();
            black_box(nearby(black_box(state), &bq.rules, &bq.q).ok());
            let d = t.elapsed();
            product.push(d);
            per_query[i] += d;
            let t = Instant::now();
            black_box(nearby_indexed(black_box(state), &idx, &bq.rules, &bq.q, false));
            indexed.push(t.elapsed());
            let t = Instant::now();
            black_box(nearby_indexed(black_box(state), &idx, &bq.rules, &bq.q, true));
            first.push(t.elapsed());
            let t = Instant::now();
            black_box(nearby_by_contracts(black_box(state), &at, &bq.rules, &bq.q));
            by_contracts.push(t.elapsed());
            let t = Instant::now();
            black_box(nearby_contracted_tree(black_box(state), &trees, &idx, &bq.rules, &bq.q));
            tree.push(t.elapsed());
        }
    }
    let mut order: Vec<usize> = (0..queries.len()).collect();
    order.sort_by_key(|i| std::cmp::Reverse(per_query[*i]));
    let slow: Vec<usize> = order[..(queries.len() / 100).max(1)].to_vec();
    Ok(Profile {
        visited: Spread::of(visited.clone()),
        contract_list: Spread::of(lists.clone()),
        product: Latencies::new(product),
        indexed: Latencies::new(indexed),
        indexed_contract_first: Latencies::new(first),
        by_contracts: Latencies::new(by_contracts),
        contracted_tree: Latencies::new(tree),
        slowest_visited_p50: Spread::of(slow.iter().map(|i| visited[*i]).collect()).p50,
        slowest_list_p50: Spread::of(slow.iter().map(|i| lists[*i]).collect()).p50,
        slowest_index: order.first().copied(),
    })
}
