//! Properties on larger random instances (up to 30 municipalities × 50 facilities): the plan keeps
//! every capacity, distance and contract rule, matches an independent min-cost max-flow, and the
//! greedy baseline never beats it.

mod common;

use common::{check_invariants, random_instance, reference};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sango_planning::{PlanOptions, greedy, plan};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn plans_keep_capacity_distance_and_contracts(
        seed in any::<u64>(),
        n_d in 1usize..=30,
        n_s in 1usize..=50,
        max_slots in 0u32..=12,
        max_spare in 0u32..=8,
        max_km in 2.0f64..60.0,
        contracted_only in any::<bool>(),
    ) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (demands, supplies, contracted) = random_instance(&mut rng, n_d, n_s, max_slots, max_spare, 0.8);
        let o = PlanOptions { max_km, contracted_only, contracted };
        let p = plan(&demands, &supplies, &o);
        check_invariants(&demands, &supplies, &o, &p);
        let g = greedy(&demands, &supplies, &o);
        check_invariants(&demands, &supplies, &o, &g);
        prop_assert!(g.placed() <= p.placed());
        if g.placed() == p.placed() {
            prop_assert!(g.total_cost_m() >= p.total_cost_m());
        }
    }

    #[test]
    fn plans_match_an_independent_min_cost_max_flow(
        seed in any::<u64>(),
        n_d in 1usize..=30,
        n_s in 1usize..=50,
        max_slots in 0u32..=12,
        max_spare in 0u32..=8,
        max_km in 2.0f64..60.0,
        contracted_only in any::<bool>(),
    ) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (demands, supplies, contracted) = random_instance(&mut rng, n_d, n_s, max_slots, max_spare, 0.8);
        let o = PlanOptions { max_km, contracted_only, contracted };
        let p = plan(&demands, &supplies, &o);
        prop_assert_eq!((p.placed(), p.total_cost_m()), reference(&demands, &supplies, &o));
    }
}
