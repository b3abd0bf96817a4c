//! Shared test helpers: codes and points, random instances, an exhaustive optimum, an independent
//! reference solver, and the invariants every plan must keep.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet};

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sango_domain::{Coordinates, LgCode};
use sango_planning::{Demand, Plan, PlanOptions, Supply, km_to_m};
use sango_spatial::haversine_km;

/// The i-th municipality code of prefecture 31 (31201, 31202, …), check digit added.
pub fn code(i: usize) -> LgCode {
    LgCode::parse(&format!("31{:03}", 201 + i)).unwrap()
}

pub fn at(lat: f64, lon: f64) -> Coordinates {
    Coordinates::new(lat, lon, "p").unwrap()
}

pub fn options(max_km: f64) -> PlanOptions {
    PlanOptions {
        max_km,
        ..PlanOptions::default()
    }
}

/// `n_d` municipalities and `n_s` facilities scattered over a box `spread` degrees wide around
/// Tottori, with up to `max_slots` / `max_spare`; every third facility shares another's spot (so
/// distances tie). Contracts: a random third of all pairs.
pub fn random_instance(
    rng: &mut ChaCha8Rng,
    n_d: usize,
    n_s: usize,
    max_slots: u32,
    max_spare: u32,
    spread: f64,
) -> (Vec<Demand>, Vec<Supply>, HashSet<(LgCode, i64)>) {
    let point = |rng: &mut ChaCha8Rng| {
        at(
            35.4 + rng.random_range(0.0..spread),
            133.8 + rng.random_range(0.0..spread),
        )
    };
    let demands: Vec<Demand> = (0..n_d)
        .map(|i| Demand {
            municipality: code(i),
            origin: point(rng),
            slots: rng.random_range(0..=max_slots),
        })
        .collect();
    let mut supplies: Vec<Supply> = Vec::new();
    for i in 0..n_s {
        let spot = if i % 3 == 2 {
            supplies[i - 1].at
        } else {
            point(rng)
        };
        supplies.push(Supply {
            facility_id: 100 + i as i64,
            municipality: code(rng.random_range(0..n_d.max(1))),
            at: spot,
            spare: rng.random_range(0..=max_spare),
        });
    }
    let mut contracted = HashSet::new();
    for d in &demands {
        for s in &supplies {
            if rng.random_range(0..3) == 0 {
                contracted.insert((d.municipality, s.facility_id));
            }
        }
    }
    (demands, supplies, contracted)
}

/// The (demand, supply, cost in metres) pairs the options allow, measured independently.
pub fn usable_pairs(
    demands: &[Demand],
    supplies: &[Supply],
    o: &PlanOptions,
) -> Vec<(usize, usize, i64)> {
    let mut pairs = Vec::new();
    for (di, d) in demands.iter().enumerate() {
        for (si, s) in supplies.iter().enumerate() {
            let km = haversine_km(d.origin, s.at);
            let allowed =
                !o.contracted_only || o.contracted.contains(&(d.municipality, s.facility_id));
            if km <= o.max_km && allowed && d.slots > 0 && s.spare > 0 {
                pairs.push((di, si, km_to_m(km)));
            }
        }
    }
    pairs
}

/// The best (placed, metres) over every integer assignment: most placed, then fewest metres.
pub fn brute_force(demands: &[Demand], supplies: &[Supply], o: &PlanOptions) -> (u64, i64) {
    fn go(
        i: usize,
        pairs: &[(usize, usize, i64)],
        rows: &mut [u32],
        cols: &mut [u32],
        placed: u64,
        cost: i64,
        best: &mut (u64, i64),
    ) {
        if i == pairs.len() {
            if placed > best.0 || (placed == best.0 && cost < best.1) {
                *best = (placed, cost);
            }
            return;
        }
        let (d, s, c) = pairs[i];
        for x in 0..=rows[d].min(cols[s]) {
            rows[d] -= x;
            cols[s] -= x;
            go(
                i + 1,
                pairs,
                rows,
                cols,
                placed + u64::from(x),
                cost + i64::from(x) * c,
                best,
            );
            rows[d] += x;
            cols[s] += x;
        }
    }
    let pairs = usable_pairs(demands, supplies, o);
    let mut rows: Vec<u32> = demands.iter().map(|d| d.slots).collect();
    let mut cols: Vec<u32> = supplies.iter().map(|s| s.spare).collect();
    let mut best = (0, 0);
    go(0, &pairs, &mut rows, &mut cols, 0, 0, &mut best);
    best
}

/// An independent min-cost max-flow: a super-source, Bellman–Ford (queue-based) shortest paths
/// on the plain residual graph, no potentials. Returns (placed, metres).
pub fn reference(demands: &[Demand], supplies: &[Supply], o: &PlanOptions) -> (u64, i64) {
    let (nd, ns) = (demands.len(), supplies.len());
    let (src, sink, n) = (nd + ns, nd + ns + 1, nd + ns + 2);
    let mut to = Vec::new();
    let mut cap: Vec<i64> = Vec::new();
    let mut cost = Vec::new();
    let mut adj = vec![Vec::new(); n];
    let mut add = |u: usize, v: usize, c: i64, w: i64, adj: &mut Vec<Vec<usize>>| {
        adj[u].push(to.len());
        to.push(v);
        cap.push(c);
        cost.push(w);
        adj[v].push(to.len());
        to.push(u);
        cap.push(0);
        cost.push(-w);
    };
    for (i, d) in demands.iter().enumerate() {
        add(src, i, i64::from(d.slots), 0, &mut adj);
    }
    for (i, s) in supplies.iter().enumerate() {
        add(nd + i, sink, i64::from(s.spare), 0, &mut adj);
    }
    for (d, s, c) in usable_pairs(demands, supplies, o) {
        add(d, nd + s, i64::MAX / 4, c, &mut adj);
    }
    let (mut placed, mut total) = (0u64, 0i64);
    loop {
        let mut dist = vec![i64::MAX; n];
        let mut pred = vec![usize::MAX; n];
        let mut queued = vec![false; n];
        let mut queue = std::collections::VecDeque::from([src]);
        dist[src] = 0;
        while let Some(u) = queue.pop_front() {
            queued[u] = false;
            for &e in &adj[u] {
                if cap[e] > 0 && dist[u] + cost[e] < dist[to[e]] {
                    dist[to[e]] = dist[u] + cost[e];
                    pred[to[e]] = e;
                    if !queued[to[e]] {
                        queued[to[e]] = true;
                        queue.push_back(to[e]);
                    }
                }
            }
        }
        if dist[sink] == i64::MAX {
            return (placed, total);
        }
        let mut push = i64::MAX;
        let mut v = sink;
        while v != src {
            push = push.min(cap[pred[v]]);
            v = to[pred[v] ^ 1];
        }
        let mut v = sink;
        while v != src {
            cap[pred[v]] -= push;
            cap[pred[v] ^ 1] += push;
            v = to[pred[v] ^ 1];
        }
        placed += push as u64;
        total += push * dist[sink];
    }
}

/// What every plan must satisfy, whatever its quality. Demand municipalities and facility ids
/// are unique in the instances this is used on.
pub fn check_invariants(demands: &[Demand], supplies: &[Supply], o: &PlanOptions, p: &Plan) {
    let demand: HashMap<LgCode, &Demand> = demands.iter().map(|d| (d.municipality, d)).collect();
    let supply: HashMap<i64, &Supply> = supplies.iter().map(|s| (s.facility_id, s)).collect();
    let mut used: HashMap<i64, u64> = HashMap::new();
    let mut sent: HashMap<LgCode, u64> = HashMap::new();
    for f in &p.flows {
        assert!(f.slots > 0, "empty flow {f:?}");
        let (d, s) = (demand[&f.municipality], supply[&f.facility_id]);
        assert_eq!(f.km, haversine_km(d.origin, s.at), "{f:?}");
        assert!(f.km <= o.max_km, "flow longer than {} km: {f:?}", o.max_km);
        if o.contracted_only {
            assert!(
                o.contracted.contains(&(f.municipality, f.facility_id)),
                "uncontracted {f:?}"
            );
        }
        *used.entry(f.facility_id).or_default() += u64::from(f.slots);
        *sent.entry(f.municipality).or_default() += u64::from(f.slots);
    }
    for (id, n) in &used {
        assert!(
            *n <= u64::from(supply[id].spare),
            "facility {id} takes {n} > {}",
            supply[id].spare
        );
    }
    let unmet: HashMap<LgCode, u32> = p.unmet.iter().copied().collect();
    assert!(p.unmet.windows(2).all(|w| w[0].0 < w[1].0) && p.unmet.iter().all(|(_, n)| *n > 0));
    for d in demands {
        let placed = sent.get(&d.municipality).copied().unwrap_or(0);
        let left = unmet.get(&d.municipality).copied().unwrap_or(0);
        assert_eq!(
            placed + u64::from(left),
            u64::from(d.slots),
            "{}",
            d.municipality
        );
    }
    let km: f64 = p.flows.iter().map(|f| f64::from(f.slots) * f.km).sum();
    assert!((km - p.total_mother_km).abs() < 1e-6 * (1.0 + km));
    let mut fresh: Vec<_> = p
        .flows
        .iter()
        .map(|f| (f.municipality, f.facility_id))
        .filter(|k| !o.contracted.contains(k))
        .collect();
    fresh.sort();
    fresh.dedup();
    assert_eq!(p.new_contracts, fresh);
}
