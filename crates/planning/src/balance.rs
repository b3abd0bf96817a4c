//! Supply against demand per municipality for one type and month, and the rows the
//! cross-boundary plan starts from.
//!
//! A municipality's demand is the larger of its estimate and what its residents actually asked
//! for (booked days, days of undecided or lost lottery applications and waiting waitlist
//! entries, each case-day once). What is already booked is placed; the rest is to be placed.
//! Its own supply is the free slot-days at facilities inside it: residents are counted against
//! those first, nearest to the municipality's centre first, and what they cannot hold is the
//! shortfall. What is left free after that is the surplus, which the plan may give to others.

use std::collections::BTreeMap;

use sango_domain::{Coordinates, LgCode};
use sango_spatial::haversine_km;
use serde::{Deserialize, Serialize};

use crate::model::{Demand, Supply};

/// One municipality's demand for the month, in slot-days.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MunicipalityDemand {
    pub municipality: LgCode,
    /// Where its mothers are taken to start from (its centroid).
    pub centre: Coordinates,
    /// The estimate (see [`crate::demand::estimate`]).
    pub estimated: u32,
    /// Distinct case-days its residents asked for in the hub.
    pub requested: u32,
    /// Of those, days booked (taking slots somewhere).
    pub booked: u32,
}

/// One facility's slot-days of the type in the month.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct FacilityMonth {
    pub facility_id: i64,
    pub municipality: LgCode,
    pub at: Coordinates,
    pub capacity: u32,
    pub taken: u32,
    pub free: u32,
}

/// Slot-days at a group of facilities.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotTotals {
    pub facilities: u32,
    pub capacity: u32,
    pub taken: u32,
    pub free: u32,
}

impl SlotTotals {
    fn add(&mut self, f: &FacilityMonth) {
        self.facilities += 1;
        self.capacity += f.capacity;
        self.taken += f.taken;
        self.free += f.free;
    }
}

/// A municipality's balance for the month.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BalanceRow {
    pub municipality: LgCode,
    pub estimated: u32,
    pub requested: u32,
    /// max(estimated, requested).
    pub demand: u32,
    pub booked: u32,
    /// demand − booked (never negative).
    pub to_place: u32,
    /// Facilities inside the municipality.
    pub own: SlotTotals,
    /// Facilities outside it within `max_km` of its centre.
    pub reachable: SlotTotals,
    /// to_place − own free, when positive.
    pub shortfall: u32,
    /// own free − to_place, when positive.
    pub surplus: u32,
}

/// The balance of every municipality (by code) and the plan's inputs: a demand row per
/// municipality with a shortfall (at its centre), and a supply row per facility with spare
/// slot-days once its own municipality's residents are counted against it.
pub fn balance(
    municipalities: &[MunicipalityDemand],
    facilities: &[FacilityMonth],
    max_km: f64,
) -> (Vec<BalanceRow>, Vec<Demand>, Vec<Supply>) {
    let mut by_m: BTreeMap<LgCode, Vec<&FacilityMonth>> = BTreeMap::new();
    for f in facilities {
        by_m.entry(f.municipality).or_default().push(f);
    }
    let mut ms: Vec<&MunicipalityDemand> = municipalities.iter().collect();
    ms.sort_by_key(|m| m.municipality);
    let mut rows = Vec::with_capacity(ms.len());
    let mut demands = Vec::new();
    // Spare per facility; facilities of municipalities without a row keep all their free slots.
    let mut spare: BTreeMap<i64, u32> =
        facilities.iter().map(|f| (f.facility_id, f.free)).collect();
    for m in ms {
        let demand = m.estimated.max(m.requested);
        let to_place = demand.saturating_sub(m.booked);
        let mut own = SlotTotals::default();
        let mut here: Vec<&FacilityMonth> = by_m.get(&m.municipality).cloned().unwrap_or_default();
        here.iter().for_each(|f| own.add(f));
        let mut reachable = SlotTotals::default();
        for f in facilities {
            if f.municipality != m.municipality
                && max_km >= 0.0
                && haversine_km(m.centre, f.at) <= max_km
            {
                reachable.add(f);
            }
        }
        // Residents fill their own facilities nearest the centre first.
        here.sort_by(|a, b| {
            haversine_km(m.centre, a.at)
                .total_cmp(&haversine_km(m.centre, b.at))
                .then(a.facility_id.cmp(&b.facility_id))
        });
        let mut need = to_place;
        for f in here {
            let s = spare
                .get_mut(&f.facility_id)
                .expect("every facility has a spare entry");
            let n = need.min(*s);
            *s -= n;
            need -= n;
        }
        let shortfall = to_place.saturating_sub(own.free);
        if shortfall > 0 {
            demands.push(Demand {
                municipality: m.municipality,
                origin: m.centre,
                slots: shortfall,
            });
        }
        rows.push(BalanceRow {
            municipality: m.municipality,
            estimated: m.estimated,
            requested: m.requested,
            demand,
            booked: m.booked,
            to_place,
            own,
            reachable,
            shortfall,
            surplus: own.free.saturating_sub(to_place),
        });
    }
    let supplies = facilities
        .iter()
        .filter_map(|f| {
            let s = spare[&f.facility_id];
            (s > 0).then_some(Supply {
                facility_id: f.facility_id,
                municipality: f.municipality,
                at: f.at,
                spare: s,
            })
        })
        .collect();
    (rows, demands, supplies)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> LgCode {
        LgCode::parse(s).unwrap()
    }

    fn at(lat: f64, lon: f64) -> Coordinates {
        Coordinates { lat, lon }
    }

    fn facility(id: i64, m: &str, lat: f64, capacity: u32, taken: u32) -> FacilityMonth {
        FacilityMonth {
            facility_id: id,
            municipality: code(m),
            at: at(lat, 134.0),
            capacity,
            taken,
            free: capacity - taken,
        }
    }

    #[test]
    fn shortfall_surplus_and_plan_rows_by_hand() {
        // Town A (centre 35.0) needs 30 − 5 booked = 25 and has one facility with 10 free: short 15.
        // Town B (centre 35.2, 22 km north) needs max(4, 6) − 0 = 6 and has two facilities with
        // 5 and 8 free: the nearer one (id 3, at 35.21) takes all 5, the other 1, leaving 7 surplus.
        let ms = [
            MunicipalityDemand {
                municipality: code("312011"),
                centre: at(35.0, 134.0),
                estimated: 30,
                requested: 12,
                booked: 5,
            },
            MunicipalityDemand {
                municipality: code("312029"),
                centre: at(35.2, 134.0),
                estimated: 4,
                requested: 6,
                booked: 0,
            },
        ];
        let fs = [
            facility(1, "312011", 35.01, 20, 10),
            facility(2, "312029", 35.3, 8, 0),
            facility(3, "312029", 35.21, 5, 0),
        ];
        let (rows, demands, supplies) = balance(&ms, &fs, 25.0);
        let a = rows[0];
        assert_eq!(
            (a.demand, a.to_place, a.own.free, a.shortfall, a.surplus),
            (30, 25, 10, 15, 0)
        );
        // From A's centre, facility 3 (23.4 km) is within 25 km, facility 2 (33 km) is not.
        assert_eq!((a.reachable.facilities, a.reachable.free), (1, 5));
        let b = rows[1];
        assert_eq!(
            (
                b.demand,
                b.to_place,
                b.own.facilities,
                b.own.free,
                b.shortfall,
                b.surplus
            ),
            (6, 6, 2, 13, 0, 7)
        );
        assert_eq!(
            b.reachable,
            SlotTotals {
                facilities: 1,
                capacity: 20,
                taken: 10,
                free: 10
            }
        );
        assert_eq!(
            demands,
            vec![Demand {
                municipality: code("312011"),
                origin: at(35.0, 134.0),
                slots: 15
            }]
        );
        let spare: Vec<(i64, u32)> = supplies.iter().map(|s| (s.facility_id, s.spare)).collect();
        assert_eq!(spare, vec![(2, 7)]);
    }

    #[test]
    fn facilities_of_municipalities_without_demand_keep_their_free_slots() {
        let ms = [MunicipalityDemand {
            municipality: code("312011"),
            centre: at(35.0, 134.0),
            estimated: 0,
            requested: 0,
            booked: 0,
        }];
        let fs = [facility(1, "312029", 35.1, 4, 1)];
        let (rows, demands, supplies) = balance(&ms, &fs, 5.0);
        assert_eq!(
            (
                rows[0].shortfall,
                rows[0].surplus,
                rows[0].reachable.facilities
            ),
            (0, 0, 0)
        );
        assert!(demands.is_empty());
        assert_eq!(supplies[0].spare, 3);
    }
}
