//! The plan against an exhaustive search over every integer assignment, on small random instances.

mod common;

use common::{brute_force, check_invariants, random_instance};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sango_planning::{PlanOptions, greedy, plan};

#[test]
fn small_random_plans_are_optimal() {
    let mut rng = ChaCha8Rng::seed_from_u64(20_250_401);
    let mut scarce = 0;
    for case in 0..400 {
        let (n_d, n_s) = (rng.random_range(1..=4), rng.random_range(1..=4));
        let (demands, supplies, contracted) = random_instance(&mut rng, n_d, n_s, 3, 3, 0.4);
        let o = PlanOptions {
            max_km: rng.random_range(5.0..45.0),
            contracted_only: rng.random_range(0..3) == 0,
            contracted,
        };
        let p = plan(&demands, &supplies, &o);
        check_invariants(&demands, &supplies, &o, &p);
        let best = brute_force(&demands, &supplies, &o);
        assert_eq!(
            (p.placed(), p.total_cost_m()),
            best,
            "case {case}: {demands:?} {supplies:?} {o:?}"
        );
        scarce += usize::from(p.unmet_total() > 0 && p.placed() > 0);

        let g = greedy(&demands, &supplies, &o);
        check_invariants(&demands, &supplies, &o, &g);
        assert!(
            g.placed() <= best.0,
            "case {case}: greedy placed more than the optimum"
        );
        if g.placed() == best.0 {
            assert!(
                g.total_cost_m() >= best.1,
                "case {case}: greedy cheaper than the optimum"
            );
        }
    }
    // The cases must include competition for too little capacity, where the choice matters.
    assert!(scarce > 50, "only {scarce} cases with partly unmet demand");
}

#[test]
fn small_plans_with_ties_and_zeroes_are_optimal() {
    // Tightly packed points (many equal and near-equal distances), zero demands and spares.
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for case in 0..200 {
        let (n_d, n_s) = (rng.random_range(1..=4), rng.random_range(1..=4));
        let (demands, supplies, contracted) = random_instance(&mut rng, n_d, n_s, 2, 2, 0.02);
        let o = PlanOptions {
            max_km: rng.random_range(0.0..3.0),
            contracted_only: case % 2 == 0,
            contracted,
        };
        let p = plan(&demands, &supplies, &o);
        check_invariants(&demands, &supplies, &o, &p);
        assert_eq!(
            (p.placed(), p.total_cost_m()),
            brute_force(&demands, &supplies, &o),
            "case {case}"
        );
    }
}
