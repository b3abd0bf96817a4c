//! Hand-worked plans: where greedy loses, contracts, distance limits, duplicates and determinism.

mod common;

use std::collections::HashSet;
use std::f64::consts::PI;

use common::{at, check_invariants, code, options, random_instance};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use sango_planning::{Demand, Flow, PlanOptions, Supply, greedy, plan};
use sango_spatial::{EARTH_RADIUS_KM, haversine_km};

/// km per degree of latitude along a meridian: 111.195 08… on the 6,371.0088 km sphere.
fn km_per_deg() -> f64 {
    EARTH_RADIUS_KM * PI / 180.0
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

/// Two towns and two facilities (one slot each) on the meridian 134°E. Town A (31201, lat 35.0)
/// has F1 at 10.0 km and F2 at 11.1 km; town B (31202, lat 35.108) has F1 at 2.0 km and F2 at
/// 23.1 km. Greedy lets A take its nearest, F1, and sends B to F2.
fn crossing() -> (Vec<Demand>, Vec<Supply>) {
    let (a, b) = (code(0), code(1));
    let demands = vec![
        Demand {
            municipality: a,
            origin: at(35.0, 134.0),
            slots: 1,
        },
        Demand {
            municipality: b,
            origin: at(35.108, 134.0),
            slots: 1,
        },
    ];
    let supplies = vec![
        Supply {
            facility_id: 1,
            municipality: a,
            at: at(35.09, 134.0),
            spare: 1,
        },
        Supply {
            facility_id: 2,
            municipality: a,
            at: at(34.90, 134.0),
            spare: 1,
        },
    ];
    (demands, supplies)
}

#[test]
fn greedy_crosses_where_the_optimum_swaps() {
    let (demands, supplies) = crossing();
    let o = options(40.0);
    let k = km_per_deg();
    let best = plan(&demands, &supplies, &o);
    assert_eq!(best.flows.len(), 2);
    assert_eq!(
        (best.flows[0].municipality, best.flows[0].facility_id),
        (code(0), 2)
    );
    assert_eq!(
        (best.flows[1].municipality, best.flows[1].facility_id),
        (code(1), 1)
    );
    assert!(close(best.flows[0].km, 0.100 * k) && close(best.flows[1].km, 0.018 * k));
    assert!(
        close(best.total_mother_km, 0.118 * k),
        "{}",
        best.total_mother_km
    );
    assert!((best.total_mother_km - 13.121).abs() < 5e-4);
    assert_eq!(best.total_cost_m(), 11_120 + 2_002);

    let g = greedy(&demands, &supplies, &o);
    assert_eq!((g.flows[0].facility_id, g.flows[1].facility_id), (1, 2));
    assert!(
        close(g.total_mother_km, (0.09 + 0.208) * k),
        "{}",
        g.total_mother_km
    );
    assert!((g.total_mother_km - 33.136).abs() < 5e-4);
    assert_eq!(g.placed(), best.placed());
    check_invariants(&demands, &supplies, &o, &best);
    check_invariants(&demands, &supplies, &o, &g);
}

#[test]
fn greedy_strands_a_town_the_optimum_places() {
    // Same towns, limit 20 km: F2 is 23.1 km from B, so greedy leaves B unplaced.
    let (demands, supplies) = crossing();
    let o = options(20.0);
    let best = plan(&demands, &supplies, &o);
    assert_eq!((best.placed(), best.unmet.clone()), (2, vec![]));
    assert!((best.total_mother_km - 13.121).abs() < 5e-4);
    let g = greedy(&demands, &supplies, &o);
    assert_eq!((g.placed(), g.unmet.clone()), (1, vec![(code(1), 1)]));
    assert!(
        (g.total_mother_km - 10.008).abs() < 5e-4,
        "{}",
        g.total_mother_km
    );
}

#[test]
fn contracted_only_uses_only_contracts_and_reports_new_ones_otherwise() {
    let (demands, supplies) = crossing();
    let contracted: HashSet<_> = [(code(0), 1), (code(1), 2)].into();
    let only = PlanOptions {
        max_km: 40.0,
        contracted_only: true,
        contracted: contracted.clone(),
    };
    let p = plan(&demands, &supplies, &only);
    let pairs: Vec<_> = p
        .flows
        .iter()
        .map(|f| (f.municipality, f.facility_id))
        .collect();
    assert_eq!(pairs, vec![(code(0), 1), (code(1), 2)]);
    assert!(p.new_contracts.is_empty());
    check_invariants(&demands, &supplies, &only, &p);

    let open = PlanOptions {
        contracted_only: false,
        ..only
    };
    let p = plan(&demands, &supplies, &open);
    assert_eq!(p.new_contracts, vec![(code(0), 2), (code(1), 1)]);
}

#[test]
fn the_limit_is_inclusive_and_nothing_beyond_it_is_used() {
    let (demands, supplies) = crossing();
    let exact = haversine_km(demands[1].origin, supplies[0].at);
    let p = plan(&demands[1..], &supplies[..1], &options(exact));
    assert_eq!(
        p.flows,
        vec![Flow {
            municipality: code(1),
            facility_id: 1,
            slots: 1,
            km: exact
        }]
    );
    let p = plan(&demands[1..], &supplies[..1], &options(exact - 1e-9));
    assert_eq!((p.placed(), p.unmet.clone()), (0, vec![(code(1), 1)]));
    assert_eq!(plan(&demands, &supplies, &options(f64::NAN)).placed(), 0);
    assert_eq!(plan(&demands, &supplies, &options(-1.0)).placed(), 0);
}

#[test]
fn capacity_is_shared_by_distance_and_the_rest_is_unmet() {
    // Three towns want 3 each from one facility with 4 spare: nearest first.
    let f = Supply {
        facility_id: 9,
        municipality: code(0),
        at: at(35.5, 134.0),
        spare: 4,
    };
    let demands: Vec<Demand> = [35.52, 35.51, 35.56]
        .iter()
        .enumerate()
        .map(|(i, lat)| Demand {
            municipality: code(i),
            origin: at(*lat, 134.0),
            slots: 3,
        })
        .collect();
    let p = plan(&demands, &[f], &options(30.0));
    let sent: Vec<_> = p.flows.iter().map(|f| (f.municipality, f.slots)).collect();
    assert_eq!(sent, vec![(code(0), 1), (code(1), 3)]);
    assert_eq!(p.unmet, vec![(code(0), 2), (code(2), 3)]);
}

#[test]
fn rows_sharing_a_municipality_are_planned_apart_and_summed() {
    // Two sample points of one town; the nearer uses the only slot.
    let m = code(0);
    let demands = [
        Demand {
            municipality: m,
            origin: at(35.3, 134.0),
            slots: 2,
        },
        Demand {
            municipality: m,
            origin: at(35.1, 134.0),
            slots: 1,
        },
    ];
    let f = Supply {
        facility_id: 5,
        municipality: m,
        at: at(35.0, 134.0),
        spare: 1,
    };
    let p = plan(&demands, &[f], &options(50.0));
    assert_eq!(p.flows.len(), 1);
    assert!(close(p.flows[0].km, 0.1 * km_per_deg()));
    assert_eq!(p.unmet, vec![(m, 2)]);
}

#[test]
fn nothing_in_gives_nothing_out() {
    let p = plan(&[], &[], &options(40.0));
    assert_eq!(
        (p.flows.len(), p.unmet.len(), p.total_mother_km),
        (0, 0, 0.0)
    );
    let (demands, supplies) = crossing();
    let p = plan(&demands, &[], &options(40.0));
    assert_eq!(p.unmet, vec![(code(0), 1), (code(1), 1)]);
    assert_eq!(plan(&[], &supplies, &options(40.0)).flows, vec![]);
}

#[test]
fn the_same_rows_in_any_order_give_the_same_plan() {
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    for case in 0..20 {
        // Dense and tied: every third facility shares a spot, capacity is short.
        let (mut demands, mut supplies, contracted) = random_instance(&mut rng, 12, 20, 6, 3, 0.3);
        let o = PlanOptions {
            max_km: 25.0,
            contracted_only: case % 3 == 0,
            contracted,
        };
        let first = plan(&demands, &supplies, &o);
        let first_greedy = greedy(&demands, &supplies, &o);
        for _ in 0..3 {
            demands.shuffle(&mut rng);
            supplies.shuffle(&mut rng);
            assert_eq!(plan(&demands, &supplies, &o), first, "case {case}");
            assert_eq!(greedy(&demands, &supplies, &o), first_greedy, "case {case}");
        }
    }
}

#[test]
fn equal_distances_go_to_the_lower_facility_id() {
    // Facilities 7 and 3 share a spot; one mother goes to 3.
    let m = code(0);
    let s = |id| Supply {
        facility_id: id,
        municipality: m,
        at: at(35.0, 134.0),
        spare: 1,
    };
    let d = Demand {
        municipality: m,
        origin: at(35.1, 134.0),
        slots: 1,
    };
    assert_eq!(
        plan(&[d], &[s(7), s(3)], &options(40.0)).flows[0].facility_id,
        3
    );
    assert_eq!(
        greedy(&[d], &[s(7), s(3)], &options(40.0)).flows[0].facility_id,
        3
    );
}
