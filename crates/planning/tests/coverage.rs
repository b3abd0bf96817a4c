//! Coverage shares, what-if and the ranking of candidate sites.

mod common;

use common::{at, code, options};
use sango_planning::{Demand, Supply, coverage, plan, rank_sites, what_if};

#[test]
fn one_point_per_municipality_is_all_or_nothing() {
    let births = [
        (code(1), at(35.0, 134.0), 40),
        (code(0), at(36.0, 134.0), 10),
    ];
    let facilities = [at(35.1, 134.0)];
    // 0.1° of latitude is 11.12 km.
    assert_eq!(
        coverage(&births, &facilities, 12.0),
        vec![(code(0), 0.0), (code(1), 1.0)]
    );
    assert_eq!(
        coverage(&births, &facilities, 11.0),
        vec![(code(0), 0.0), (code(1), 0.0)]
    );
    assert_eq!(
        coverage(&births, &[], 100.0),
        vec![(code(0), 0.0), (code(1), 0.0)]
    );
}

#[test]
fn births_spread_over_points_give_a_weighted_share() {
    let m = code(0);
    let births = [
        (m, at(35.0, 134.0), 30),
        (m, at(35.5, 134.0), 10),
        (m, at(35.05, 134.0), 20),
    ];
    let shares = coverage(&births, &[at(35.0, 134.0)], 10.0);
    assert_eq!(shares, vec![(m, 50.0 / 60.0)]);
    // No births at all: the share of its points that are covered.
    let none = [(m, at(35.0, 134.0), 0), (m, at(35.5, 134.0), 0)];
    assert_eq!(coverage(&none, &[at(35.0, 134.0)], 10.0), vec![(m, 0.5)]);
}

/// Town 0 (3 mothers) and town 1 (2 mothers) 0.5° apart; one facility near town 0 with 2 slots.
fn towns() -> (Vec<Demand>, Vec<Supply>) {
    let demands = vec![
        Demand {
            municipality: code(0),
            origin: at(35.0, 134.0),
            slots: 3,
        },
        Demand {
            municipality: code(1),
            origin: at(35.5, 134.0),
            slots: 2,
        },
    ];
    let supplies = vec![Supply {
        facility_id: 1,
        municipality: code(0),
        at: at(35.01, 134.0),
        spare: 2,
    }];
    (demands, supplies)
}

fn site(id: i64, lat: f64, spare: u32) -> Supply {
    Supply {
        facility_id: id,
        municipality: code(1),
        at: at(lat, 134.0),
        spare,
    }
}

#[test]
fn what_if_reports_unmet_and_km_before_and_after() {
    let (demands, supplies) = towns();
    let o = options(30.0);
    let w = what_if(&demands, &supplies, &o, site(2, 35.5, 2));
    let before = plan(&demands, &supplies, &o);
    assert_eq!((w.unmet_before, w.km_before), (3, before.total_mother_km));
    // Town 1's two mothers now go next door (0 km).
    assert_eq!((w.unmet_after, w.km_after), (1, before.total_mother_km));
    assert_eq!((w.unmet_reduced(), w.km_saved()), (2, 0.0));
}

#[test]
fn sites_rank_by_mothers_placed_then_km_saved() {
    let (demands, supplies) = towns();
    let o = options(30.0);
    let candidates = [
        site(10, 37.0, 5),   // out of everyone's reach: nothing changes
        site(11, 35.005, 1), // 0.56 km from town 0: one more mother, 0.56 km more in all
        site(12, 35.5, 2),   // in town 1: two more mothers, at 0 km
        site(13, 35.0, 1),   // in town 0 itself: one more mother, at 0 km
    ];
    let ranked = rank_sites(&demands, &supplies, &o, &candidates);
    let order: Vec<usize> = ranked.iter().map(|(i, _)| *i).collect();
    assert_eq!(order, vec![2, 3, 1, 0]);
    assert_eq!(ranked[0].1.unmet_reduced(), 2);
    assert!(ranked[1].1.km_saved() > ranked[2].1.km_saved());
    assert_eq!(
        (ranked[3].1.unmet_reduced(), ranked[3].1.km_saved()),
        (0, 0.0)
    );
    for (i, w) in &ranked {
        assert_eq!(*w, what_if(&demands, &supplies, &o, candidates[*i]));
    }
}

#[test]
fn births_spread_evenly_over_grid_points_inside_the_shape() {
    use geo::{MultiPolygon, polygon};
    // A right triangle over the unit square (lon 134–135, lat 35–36), the hypotenuse from
    // (134, 36) to (135, 35): of a 4 × 4 grid of cell centres, those with x + y < 1 lie inside,
    // the 6 with i + j ≤ 2 (cells on the diagonal i + j = 3 have their centre on it).
    let triangle = MultiPolygon(vec![polygon![
        (x: 134.0, y: 35.0),
        (x: 135.0, y: 35.0),
        (x: 134.0, y: 36.0),
        (x: 134.0, y: 35.0),
    ]]);
    let m = code(0);
    let rows = sango_planning::coverage::spread_births(m, &triangle, at(35.3, 134.3), 20, 4);
    assert_eq!(rows.len(), 6);
    // 20 births over 6 points: 3 each, the first 2 points one more.
    let births: Vec<u32> = rows.iter().map(|r| r.2).collect();
    assert_eq!(births, vec![4, 4, 3, 3, 3, 3]);
    assert!(
        rows.iter()
            .all(|(c, p, _)| *c == m && p.lon - 134.0 + p.lat - 35.0 < 1.0)
    );
    // A ring whose one grid point (n = 1, the middle of its box) falls in its hole: the given
    // centre takes every birth.
    let ring = MultiPolygon(vec![polygon![
        exterior: [(x: 134.0, y: 35.0), (x: 135.0, y: 35.0), (x: 135.0, y: 36.0), (x: 134.0, y: 36.0), (x: 134.0, y: 35.0)],
        interiors: [[(x: 134.4, y: 35.4), (x: 134.6, y: 35.4), (x: 134.6, y: 35.6), (x: 134.4, y: 35.6), (x: 134.4, y: 35.4)]],
    ]]);
    let rows = sango_planning::coverage::spread_births(m, &ring, at(35.1, 134.1), 7, 1);
    assert_eq!(rows, vec![(m, at(35.1, 134.1), 7)]);
}
