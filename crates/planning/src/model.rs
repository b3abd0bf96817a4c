//! The planning inputs (demand, supply, options) and the plan that comes out.

use std::collections::HashSet;

use sango_domain::{Coordinates, LgCode};
use serde::{Deserialize, Serialize};

/// A municipality's unmet demand, located where its mothers live (for example its centroid).
///
/// Several rows may share a municipality (demand spread over sample points); each is planned as
/// its own origin.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Demand {
    pub municipality: LgCode,
    pub origin: Coordinates,
    /// Mothers still to be placed.
    pub slots: u32,
}

/// A facility's spare capacity.
///
/// Facility ids are not merged: two rows with the same id are two separate stocks of capacity
/// (at their own locations), which is how a what-if adds capacity at an existing facility.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Supply {
    pub facility_id: i64,
    /// The municipality the facility is in.
    pub municipality: LgCode,
    pub at: Coordinates,
    /// Slots it can still take.
    pub spare: u32,
}

/// What the planner may use.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanOptions {
    /// The longest trip, great-circle km from a demand's origin to a facility (inclusive).
    pub max_km: f64,
    /// Use only (municipality, facility) pairs in `contracted`.
    pub contracted_only: bool,
    /// The existing contracts, as (municipality, facility id).
    pub contracted: HashSet<(LgCode, i64)>,
}

/// Mothers of one municipality sent to one facility.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Flow {
    pub municipality: LgCode,
    pub facility_id: i64,
    pub slots: u32,
    /// Great-circle km per mother, from the demand's origin to the facility.
    pub km: f64,
}

/// A cross-boundary plan.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// By municipality, then facility id, then km.
    pub flows: Vec<Flow>,
    /// Mothers left unplaced, per municipality (only those with some), by code.
    pub unmet: Vec<(LgCode, u32)>,
    /// Σ slots × km over the flows.
    pub total_mother_km: f64,
    /// The (municipality, facility id) pairs of the flows that have no contract yet, sorted.
    pub new_contracts: Vec<(LgCode, i64)>,
}

impl Plan {
    /// Mothers placed.
    pub fn placed(&self) -> u64 {
        self.flows.iter().map(|f| u64::from(f.slots)).sum()
    }

    /// Mothers left unplaced.
    pub fn unmet_total(&self) -> u64 {
        self.unmet.iter().map(|(_, n)| u64::from(*n)).sum()
    }

    /// The objective the planner minimises exactly: Σ slots × [`km_to_m`]`(km)`, in metres.
    pub fn total_cost_m(&self) -> i64 {
        self.flows
            .iter()
            .map(|f| i64::from(f.slots) * km_to_m(f.km))
            .sum()
    }
}

/// The integer cost of a trip: km × 1000 rounded to whole metres (half away from zero).
pub fn km_to_m(km: f64) -> i64 {
    (km * 1000.0).round() as i64
}
