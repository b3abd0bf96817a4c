//! The cross-boundary plan: place as many mothers as possible, then minimise mother-kilometres.
//!
//! The plan is a minimum-cost maximum flow on the bipartite network
//! `demand → facility → sink`: a demand row holds its slots, each usable pair (within `max_km`,
//! and contracted when `contracted_only`) is an arc costing its great-circle distance in whole
//! metres ([`crate::km_to_m`]), and each facility passes at most its spare capacity to the sink.
//!
//! "As many as possible first" is made exact with an unplaced arc `demand → sink` per demand row
//! whose cost `M` exceeds `min(D, F) × c_max` (D demand rows and F facilities with arcs, `c_max`
//! the dearest arc). Any plan that places fewer mothers than possible has an augmenting path
//! `demand ⇝ facility → sink` replacing one unplaced mother; such a path has at most `min(D, F)`
//! forward arcs, so it costs less than `M` and the penalised optimum is never short of the
//! maximum. Among maximum plans the penalty is the same, so the rest is minimum mother-metres.
//!
//! The optimum is exact for the integer metre costs; km are also kept as `f64` and reported.
//! Rounding each trip to the metre moves it by at most 0.5 m, so the plan's total mother-km is
//! within 1 m per placed mother of the best possible in unrounded distances.

use crate::flow::NetworkBuilder;
use crate::instance::Instance;
use crate::model::{Demand, Plan, PlanOptions, Supply};

/// The optimal plan; see the module documentation. Deterministic: the rows are put in canonical
/// order (municipality code, then facility id) before solving and ties are broken in that order,
/// so the same rows in any order give the same plan.
pub fn plan(demands: &[Demand], supplies: &[Supply], options: &PlanOptions) -> Plan {
    let inst = Instance::new(demands, supplies, options);
    let sent = solve(&inst);
    inst.plan_from(&sent)
}

/// Units along each of `inst.arcs`.
pub(crate) fn solve(inst: &Instance<'_>) -> Vec<u32> {
    let (d_count, s_count) = (inst.demands.len(), inst.supplies.len());
    let sink = d_count + s_count;
    let mut has_arc_d = vec![false; d_count];
    let mut has_arc_s = vec![false; s_count];
    let mut c_max = 0i64;
    for a in &inst.arcs {
        has_arc_d[a.demand] = true;
        has_arc_s[a.supply] = true;
        c_max = c_max.max(a.cost_m);
    }
    let used_d = has_arc_d.iter().filter(|&&b| b).count() as i128;
    let used_s = has_arc_s.iter().filter(|&&b| b).count() as i128;
    let unplaced_cost = i64::try_from(used_d.min(used_s) * i128::from(c_max) + 1)
        .expect("instance too large for 64-bit path costs");
    assert!(
        unplaced_cost < i64::MAX / 4,
        "instance too large for 64-bit path costs"
    );

    let mut net = NetworkBuilder::new(sink + 1, sink);
    let ids: Vec<usize> = inst
        .arcs
        .iter()
        .map(|a| {
            let cap = inst.demands[a.demand]
                .slots
                .min(inst.supplies[a.supply].spare);
            net.add_arc(a.demand, d_count + a.supply, i64::from(cap), a.cost_m)
        })
        .collect();
    for (si, s) in inst.supplies.iter().enumerate() {
        if has_arc_s[si] {
            net.add_arc(d_count + si, sink, i64::from(s.spare), 0);
        }
    }
    let mut supply = vec![0i64; sink + 1];
    for (di, d) in inst.demands.iter().enumerate() {
        if has_arc_d[di] {
            net.add_arc(di, sink, i64::from(d.slots), unplaced_cost);
            supply[di] = i64::from(d.slots);
        }
    }
    let mut net = net.build();
    net.solve(&mut supply);
    debug_assert!(supply.iter().all(|&b| b == 0));
    ids.into_iter().map(|id| net.flow(id) as u32).collect()
}
