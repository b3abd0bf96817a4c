//! The demo prefecture: synthetic facilities, programmes and contracts over real municipalities,
//! deterministic from a seed. Pure: the caller supplies boundaries and stores the result.

mod agreements;
mod contracts;
mod demand;
mod facilities;
mod occupancy;
mod people;
mod programs;
mod uses;

use chrono::NaiveDate;
use geo::MultiPolygon;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sango_domain::{ContractTerms, FacilityDraft, FiscalYear, LgCode, ProgramRules, ServiceType};

pub use agreements::DemoAgreement;
pub use people::{apportion, births_for, tottori_population};
pub use uses::DemoUse;

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
    /// Slots taken by bookings made outside the hub: (facility index, type, date, count), for
    /// every day of the latest fiscal year.
    pub taken: Vec<(usize, ServiceType, NaiveDate, u32)>,
    /// Recorded use in the earliest fiscal year (a year to settle), when there are two or more.
    pub uses: Vec<DemoUse>,
    /// A mutual-use agreement hosted by the most populous municipality, if any town shares its facilities.
    pub agreement: Option<DemoAgreement>,
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
    let mut years = cfg.fiscal_years.clone();
    years.sort();
    let (past, current) = match years.as_slice() {
        [] => (None, vec![]),
        [only] => (None, vec![*only]),
        [first, rest @ ..] => (Some(*first), rest.to_vec()),
    };
    let taken = occupancy::taken(&facilities, &current, &mut rng);
    let uses = past.map(|fy| uses::for_year(municipalities, &facilities, &contracts, fy, &mut rng)).unwrap_or_default();
    let agreement = agreements::for_prefecture(municipalities, &contracts);
    DemoData { facilities, programs, contracts, demand, taken, uses, agreement }
}

#[cfg(test)]
mod tests;
