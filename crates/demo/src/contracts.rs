//! Who contracts whom: every municipality contracts the facilities inside it and, for each type,
//! the three nearest facilities outside it (cross-boundary contracts, as rural towns need).

use geo::{Centroid, Distance, Haversine, Point};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sango_domain::{Additions, ContractTerms, FacilityDraft, FiscalYear, LgCode, ServiceType, Yen};

use crate::{DemoContract, DemoMunicipality};

/// Nearest facilities outside a municipality that it contracts per type.
const CROSS_BORDER_PER_TYPE: usize = 3;

pub fn for_prefecture(ms: &[DemoMunicipality], fs: &[(LgCode, FacilityDraft)], fys: &[FiscalYear], rng: &mut ChaCha8Rng) -> Vec<DemoContract> {
    let Some(valid_from) = fys.iter().min().map(|fy| fy.first_day()) else { return vec![] };
    // One price per facility and type, so every municipality pays a facility the same.
    let prices: Vec<[i64; 3]> = fs.iter().map(|_| [price(rng, 30_000, 40_000), price(rng, 15_000, 20_000), price(rng, 10_000, 15_000)]).collect();
    let mut out = Vec::new();
    for m in ms {
        let Some(centre) = m.shape.centroid() else { continue };
        for t in ServiceType::ALL {
            let offering = fs.iter().enumerate().filter(|(_, (_, f))| f.services.iter().any(|s| s.service_type == *t && s.daily_capacity > 0));
            let (inside, mut outside): (Vec<_>, Vec<_>) = offering.partition(|(_, (code, _))| *code == m.code);
            outside.sort_by(|a, b| km(centre, &a.1.1).total_cmp(&km(centre, &b.1.1)).then(a.0.cmp(&b.0)));
            for (i, _) in inside.into_iter().chain(outside.into_iter().take(CROSS_BORDER_PER_TYPE)) {
                let unit_price = Yen(prices[i][ServiceType::ALL.iter().position(|x| x == t).expect("listed")]);
                out.push(DemoContract {
                    facility_index: i,
                    terms: ContractTerms {
                        municipality: m.code,
                        facility_id: 0,
                        service_type: *t,
                        unit_price,
                        additions: Additions { multiple: Yen(5_000), sibling: Yen(3_000), over_four_months: Yen(2_000), high_need: Yen(5_500) },
                        valid_from,
                        valid_to: None,
                    },
                });
            }
        }
    }
    out
}

fn price(rng: &mut ChaCha8Rng, lo: i64, hi: i64) -> i64 {
    rng.random_range(lo / 100..=hi / 100) * 100
}

fn km(from: Point<f64>, f: &FacilityDraft) -> f64 {
    Haversine.distance(from, Point::new(f.location.lon, f.location.lat)) / 1000.0
}
