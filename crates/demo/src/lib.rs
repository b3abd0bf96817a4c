//! The demo prefecture: synthetic facilities, programmes and contracts over real municipalities,
//! deterministic from a seed. Pure: the caller supplies boundaries and stores the result.

mod contracts;
mod demand;
mod facilities;
mod occupancy;
mod people;
mod programs;

use chrono::NaiveDate;
use geo::MultiPolygon;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sango_domain::{ContractTerms, FacilityDraft, FiscalYear, LgCode, ProgramRules, ServiceType};

pub use people::{apportion, births_for, tottori_population};

/// What to generate.
#[derive(Clone, Debug)]
pub struct DemoConfig {
    pub seed: u64,
    /// How many facilities; None picks a realistic count for the prefecture (28 for Tottori).
    pub facilities: Option<usize>,
    /// The fiscal years to write programmes and contracts for.
    pub fiscal_years: Vec<FiscalYear>,
}

/// A municipality as the generator sees it.
#[derive(Clone, Debug)]
pub struct DemoMunicipality {
    pub code: LgCode,
    pub name: String,
    pub population: i64,
    pub shape: MultiPolygon<f64>,
}

/// A contract whose facility is given by its index in [`DemoData::facilities`].
#[derive(Clone, Debug)]
pub struct DemoContract {
    pub facility_index: usize,
    pub terms: ContractTerms,
}

/// Everything the generator produces.
#[derive(Clone, Debug)]
pub struct DemoData {
    pub facilities: Vec<(LgCode, FacilityDraft)>,
    pub programs: Vec<(LgCode, FiscalYear, ProgramRules)>,
    /// `terms.facility_id` is a placeholder (0): map `facility_index` to the stored id.
    pub contracts: Vec<DemoContract>,
    /// Expected uses by municipality, first of month and type, for every fiscal year.
    pub demand: Vec<(LgCode, NaiveDate, ServiceType, u32)>,
    /// Slots already taken: (facility index, type, date, count), for every day of the fiscal years.
    pub taken: Vec<(usize, ServiceType, NaiveDate, u32)>,
}

/// Generates facilities, programmes and contracts for `municipalities`.
pub fn generate(municipalities: &[DemoMunicipality], cfg: &DemoConfig) -> DemoData {
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    let count = cfg.facilities.unwrap_or_else(|| facilities::realistic_count(municipalities));
    let facilities = facilities::place(municipalities, count, &mut rng);
    let programs = cfg
        .fiscal_years
        .iter()
        .flat_map(|fy| municipalities.iter().enumerate().map(move |(i, m)| (m.code, *fy, programs::for_municipality(i, m))))
        .collect();
    let contracts = contracts::for_prefecture(municipalities, &facilities, &cfg.fiscal_years, &mut rng);
    let demand = cfg.fiscal_years.iter().flat_map(|fy| municipalities.iter().map(move |m| (fy, m))).flat_map(|(fy, m)| demand::for_year(m.code, m.population, *fy, &mut rng)).collect();
    let taken = occupancy::taken(&facilities, &cfg.fiscal_years, &mut rng);
    DemoData { facilities, programs, contracts, demand, taken }
}

#[cfg(test)]
mod tests;
