//! A planning instance in canonical order with its candidate arcs, and turning arc flows into a
//! [`Plan`]. Shared by the optimal planner and the greedy baseline.

use std::collections::BTreeMap;

use sango_spatial::{FacilityIndex, haversine_km};

use crate::model::{Demand, Flow, Plan, PlanOptions, Supply, km_to_m};

/// A usable (demand, supply) pair: within `max_km`, and contracted if the options demand it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Arc {
    /// Index into [`Instance::demands`].
    pub demand: usize,
    /// Index into [`Instance::supplies`].
    pub supply: usize,
    pub km: f64,
    pub cost_m: i64,
}

/// Demands sorted by (municipality, origin, slots) and supplies by (facility id, municipality,
/// location, spare), so that the same rows in any order give the same plan. Rows with nothing
/// to plan (zero slots, zero spare) are kept but get no arcs.
pub(crate) struct Instance<'o> {
    pub demands: Vec<Demand>,
    pub supplies: Vec<Supply>,
    /// By demand, then supply index (which is facility id order).
    pub arcs: Vec<Arc>,
    pub options: &'o PlanOptions,
}

impl<'o> Instance<'o> {
    pub(crate) fn new(demands: &[Demand], supplies: &[Supply], options: &'o PlanOptions) -> Self {
        let mut demands = demands.to_vec();
        demands.sort_by(|a, b| {
            (a.municipality.cmp(&b.municipality))
                .then(a.origin.lat.total_cmp(&b.origin.lat))
                .then(a.origin.lon.total_cmp(&b.origin.lon))
                .then(a.slots.cmp(&b.slots))
        });
        let mut supplies = supplies.to_vec();
        supplies.sort_by(|a, b| {
            (a.facility_id.cmp(&b.facility_id))
                .then(a.municipality.cmp(&b.municipality))
                .then(a.at.lat.total_cmp(&b.at.lat))
                .then(a.at.lon.total_cmp(&b.at.lon))
                .then(a.spare.cmp(&b.spare))
        });
        let arcs = candidate_arcs(&demands, &supplies, options);
        Self {
            demands,
            supplies,
            arcs,
            options,
        }
    }

    /// The plan made of `sent[i]` mothers along `self.arcs[i]`.
    pub(crate) fn plan_from(&self, sent: &[u32]) -> Plan {
        let mut placed = vec![0u64; self.demands.len()];
        let mut flows = Vec::new();
        for (arc, &n) in self.arcs.iter().zip(sent) {
            if n == 0 {
                continue;
            }
            placed[arc.demand] += u64::from(n);
            let d = &self.demands[arc.demand];
            let s = &self.supplies[arc.supply];
            flows.push(Flow {
                municipality: d.municipality,
                facility_id: s.facility_id,
                slots: n,
                km: arc.km,
            });
        }
        flows.sort_by(|a, b| {
            (a.municipality.cmp(&b.municipality))
                .then(a.facility_id.cmp(&b.facility_id))
                .then(a.km.total_cmp(&b.km))
        });
        // Rows sharing municipality, facility and distance (duplicate origins) become one flow.
        flows.dedup_by(|later, kept| {
            let same = later.municipality == kept.municipality
                && later.facility_id == kept.facility_id
                && later.km == kept.km;
            if same {
                kept.slots += later.slots;
            }
            same
        });
        let mut unmet: BTreeMap<_, u64> = BTreeMap::new();
        for (d, &p) in self.demands.iter().zip(&placed) {
            let left = u64::from(d.slots) - p;
            if left > 0 {
                *unmet.entry(d.municipality).or_default() += left;
            }
        }
        let total_mother_km = flows.iter().map(|f| f64::from(f.slots) * f.km).sum();
        let mut new_contracts: Vec<_> = flows
            .iter()
            .map(|f| (f.municipality, f.facility_id))
            .filter(|pair| !self.options.contracted.contains(pair))
            .collect();
        new_contracts.dedup();
        Plan {
            flows,
            unmet: unmet
                .into_iter()
                .map(|(m, n)| (m, u32::try_from(n).unwrap_or(u32::MAX)))
                .collect(),
            total_mother_km,
            new_contracts,
        }
    }
}

/// Every usable pair, found through a unit-sphere R-tree of the supplies with spare capacity.
fn candidate_arcs(demands: &[Demand], supplies: &[Supply], options: &PlanOptions) -> Vec<Arc> {
    let max_km = options.max_km;
    if max_km.is_nan() || max_km < 0.0 {
        return Vec::new();
    }
    let index = FacilityIndex::new(
        supplies
            .iter()
            .enumerate()
            .filter(|(_, s)| s.spare > 0)
            .map(|(i, s)| (i as i64, s.at)),
    );
    let mut arcs = Vec::new();
    for (di, d) in demands.iter().enumerate() {
        if d.slots == 0 {
            continue;
        }
        let near = index.nearest(d.origin, max_km, usize::MAX, |i| {
            !options.contracted_only
                || options
                    .contracted
                    .contains(&(d.municipality, supplies[i as usize].facility_id))
        });
        let first = arcs.len();
        for n in near {
            let si = n.id as usize;
            let km = haversine_km(d.origin, supplies[si].at);
            if km <= max_km {
                arcs.push(Arc {
                    demand: di,
                    supply: si,
                    km,
                    cost_m: km_to_m(km),
                });
            }
        }
        arcs[first..].sort_by_key(|a| a.supply);
    }
    arcs
}
