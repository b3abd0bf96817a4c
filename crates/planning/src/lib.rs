//! Sango Hub's planning maths for the prefecture coordinator (広域調整): the cross-boundary plan
//! as an exact minimum-cost maximum flow, a greedy baseline to compare it with, coverage of
//! births within reach of a facility, what-if ranking of candidate sites, the demand estimate and
//! supply-against-demand balance the plan starts from, and the published statistics of a
//! municipality's programme. Pure: no IO, no clock. Distances are great-circle km ([`sango_spatial::haversine_km`]).

mod flow;
mod instance;

pub mod balance;
pub mod coverage;
pub mod demand;
pub mod greedy;
pub mod model;
pub mod plan;
pub mod statistics;

pub use coverage::{WhatIf, coverage, rank_sites, what_if};
pub use greedy::greedy;
pub use model::{Demand, Flow, Plan, PlanOptions, Supply, km_to_m};
pub use plan::plan;
