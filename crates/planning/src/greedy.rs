//! The greedy baseline: municipalities in code order each take their nearest facilities.
//!
//! For comparison with [`crate::plan()`] in benchmarks and tests: each demand row, in canonical
//! order (municipality code first), fills its slots from the usable facilities (same `max_km`
//! and contract rules as the plan) nearest first, ties by facility id, as far as spare capacity
//! is left. It never places more mothers than the optimal plan, nor at fewer mother-km when it
//! places as many.

use crate::instance::Instance;
use crate::model::{Demand, Plan, PlanOptions, Supply};

/// The greedy plan.
pub fn greedy(demands: &[Demand], supplies: &[Supply], options: &PlanOptions) -> Plan {
    let inst = Instance::new(demands, supplies, options);
    let mut left: Vec<u32> = inst.supplies.iter().map(|s| s.spare).collect();
    let mut sent = vec![0u32; inst.arcs.len()];
    let mut start = 0;
    while start < inst.arcs.len() {
        let demand = inst.arcs[start].demand;
        let end = start
            + inst.arcs[start..]
                .iter()
                .take_while(|a| a.demand == demand)
                .count();
        let mut order: Vec<usize> = (start..end).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&inst.arcs[a], &inst.arcs[b]);
            a.km.total_cmp(&b.km).then(a.supply.cmp(&b.supply))
        });
        let mut want = inst.demands[demand].slots;
        for i in order {
            if want == 0 {
                break;
            }
            let s = inst.arcs[i].supply;
            let n = want.min(left[s]);
            sent[i] = n;
            left[s] -= n;
            want -= n;
        }
        start = end;
    }
    inst.plan_from(&sent)
}
