//! The exact cross-boundary plan on a country-sized instance against the greedy nearest-first
//! baseline, on the same data in the same run: every municipality of Japan at its real centroid
//! (the embedded boundaries), 10,000 synthetic facilities near them and a synthetic month of
//! shortfalls. Both plans are checked (capacity, distance, totals) before anything is reported.
//! Run: `cargo run --release -p sango-bench --bin plan`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure};
use clap::Parser;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sango_domain::{Coordinates, LgCode};
use sango_planning::{Demand, Plan, PlanOptions, Supply, greedy, plan};

#[derive(Parser, Debug)]
#[command(about = "The optimal cross-boundary plan against the greedy baseline on a country-sized instance")]
struct Args {
    #[arg(long, default_value_t = 10_000)]
    facilities: usize,
    #[arg(long, default_value_t = 40.0)]
    max_km: f64,
    #[arg(long, default_value_t = 20_250_401)]
    seed: u64,
    /// Timed runs of each planner per scenario; the median is reported.
    #[arg(long, default_value_t = 5)]
    rounds: usize,
}

/// Kilometres per degree of latitude on the mean radius.
const KM_PER_DEGREE: f64 = 111.195;

/// Every municipality's centroid, from the embedded boundaries.
fn centres() -> anyhow::Result<Vec<(LgCode, Coordinates)>> {
    let mut out = Vec::new();
    for b in sango_geodata::japan_boundaries()? {
        if let Some(c) = sango_spatial::centroid(&b.shape) {
            out.push((b.code, c));
        }
    }
    Ok(out)
}

/// A point about `km` from `at` in a random direction.
fn near(rng: &mut ChaCha8Rng, at: Coordinates, km: f64) -> Coordinates {
    let (r, theta) = (km * rng.random::<f64>().sqrt(), rng.random_range(0.0..std::f64::consts::TAU));
    let lat = (at.lat + r * theta.sin() / KM_PER_DEGREE).clamp(-89.0, 89.0);
    let lon = at.lon + r * theta.cos() / (KM_PER_DEGREE * lat.to_radians().cos());
    Coordinates { lat, lon }
}

/// Facilities near municipality centres (each in the municipality of the centre it was placed
/// near), and shortfalls: about half the municipalities short, in total `demand_ratio` × the
/// spare slot-days.
fn instance(centres: &[(LgCode, Coordinates)], facilities: usize, demand_ratio: f64, seed: u64) -> (Vec<Demand>, Vec<Supply>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let supplies: Vec<Supply> = (0..facilities)
        .map(|i| {
            let (m, at) = centres[rng.random_range(0..centres.len())];
            Supply { facility_id: i as i64 + 1, municipality: m, at: near(&mut rng, at, 12.0), spare: rng.random_range(0..=60) }
        })
        .collect();
    let spare: f64 = supplies.iter().map(|s| f64::from(s.spare)).sum();
    let weights: Vec<f64> = centres.iter().map(|_| if rng.random_bool(0.5) { rng.random_range(0.1..1.0f64).powi(3) } else { 0.0 }).collect();
    let total: f64 = weights.iter().sum();
    let demands = centres
        .iter()
        .zip(&weights)
        .filter(|(_, w)| **w > 0.0)
        .map(|((m, at), w)| Demand { municipality: *m, origin: *at, slots: (w / total * spare * demand_ratio).round() as u32 })
        .filter(|d| d.slots > 0)
        .collect();
    (demands, supplies)
}

/// Capacity, distance and totals hold; the flows add up.
fn check(name: &str, demands: &[Demand], supplies: &[Supply], o: &PlanOptions, p: &Plan) -> anyhow::Result<()> {
    let mut used: HashMap<i64, u64> = HashMap::new();
    for f in &p.flows {
        ensure!(f.km <= o.max_km, "{name}: a flow of {} km", f.km);
        *used.entry(f.facility_id).or_default() += u64::from(f.slots);
    }
    for s in supplies {
        ensure!(used.get(&s.facility_id).copied().unwrap_or(0) <= u64::from(s.spare), "{name}: facility {} over capacity", s.facility_id);
    }
    let wanted: u64 = demands.iter().map(|d| u64::from(d.slots)).sum();
    ensure!(p.placed() + p.unmet_total() == wanted, "{name}: placed and unmet do not add up");
    Ok(())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn timed(rounds: usize, f: impl Fn() -> Plan) -> (Plan, Duration) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..rounds.max(1) {
        let t = Instant::now();
        let p = f();
        times.push(t.elapsed());
        last = Some(p);
    }
    (last.expect("at least one round"), median(times))
}

fn main() -> anyhow::Result<()> {
    let a = Args::parse();
    let centres = centres()?;
    println!("## Cross-boundary plan: exact min-cost flow against greedy nearest-first\n");
    println!(
        "{} municipalities (real centroids), {} synthetic facilities within 12 km of a centre, limit {} km, seed {}, median of {} runs.\n",
        centres.len(),
        a.facilities,
        a.max_km,
        a.seed,
        a.rounds
    );
    println!("| scenario | demand rows | slot-days wanted | spare | planner | time | placed | unmet | mother-km | km per placed |");
    println!("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|");
    let mut notes = Vec::new();
    for (scenario, ratio) in [("tight (demand = 1.0 × spare)", 1.0), ("ample (demand = 0.5 × spare)", 0.5)] {
        let (demands, supplies) = instance(&centres, a.facilities, ratio, a.seed);
        let o = PlanOptions { max_km: a.max_km, contracted_only: false, contracted: Default::default() };
        let (opt, t_opt) = timed(a.rounds, || plan(&demands, &supplies, &o));
        let (gre, t_gre) = timed(a.rounds, || greedy(&demands, &supplies, &o));
        check("optimal", &demands, &supplies, &o, &opt)?;
        check("greedy", &demands, &supplies, &o, &gre)?;
        if gre.placed() > opt.placed() || (gre.placed() == opt.placed() && gre.total_cost_m() < opt.total_cost_m()) {
            bail!("{scenario}: the greedy plan beats the optimum — a bug");
        }
        // The same mothers as greedy placed (its slot-days per municipality), placed optimally:
        // the distance greedy's choices cost, like for like.
        let mut by_town: HashMap<LgCode, u32> = HashMap::new();
        for f in &gre.flows {
            *by_town.entry(f.municipality).or_default() += f.slots;
        }
        let same_demands: Vec<Demand> = demands.iter().map(|d| Demand { slots: by_town.get(&d.municipality).copied().unwrap_or(0), ..*d }).collect();
        let (same, t_same) = timed(a.rounds, || plan(&same_demands, &supplies, &o));
        check("optimal for greedy's placements", &same_demands, &supplies, &o, &same)?;
        ensure!(same.placed() == gre.placed() && same.total_cost_m() <= gre.total_cost_m(), "{scenario}: greedy's placements placed better by greedy — a bug");
        let wanted: u64 = demands.iter().map(|d| u64::from(d.slots)).sum();
        let spare: u64 = supplies.iter().map(|s| u64::from(s.spare)).sum();
        for (name, p, t) in [("optimal", &opt, t_opt), ("greedy", &gre, t_gre), ("optimal, greedy's placements", &same, t_same)] {
            println!(
                "| {scenario} | {} | {wanted} | {spare} | {name} | {:.1} ms | {} | {} | {:.0} | {:.2} |",
                demands.len(),
                t.as_secs_f64() * 1e3,
                p.placed(),
                p.unmet_total(),
                p.total_mother_km,
                p.total_mother_km / p.placed().max(1) as f64
            );
        }
        let per = |p: &Plan| p.total_mother_km / p.placed().max(1) as f64;
        notes.push(format!(
            "- {scenario}: the optimal plan places {} more slot-days than greedy ({} against {}); per placed slot-day it travels {:.1}% less ({:.2} against {:.2} km){}.",
            opt.placed() - gre.placed(),
            opt.placed(),
            gre.placed(),
            100.0 * (1.0 - per(&opt) / per(&gre)),
            per(&opt),
            per(&gre),
            if opt.placed() == gre.placed() { format!("; total distance {:.1}% shorter", 100.0 * (1.0 - opt.total_mother_km / gre.total_mother_km)) } else { String::new() }
        ));
        notes.push(format!(
            "  Placing exactly greedy's slot-days per municipality, the optimum travels {:.0} mother-km against greedy's {:.0}: {:.1}% shorter.",
            same.total_mother_km,
            gre.total_mother_km,
            100.0 * (1.0 - same.total_mother_km / gre.total_mother_km)
        ));
    }
    println!();
    for n in notes {
        println!("{n}");
    }
    Ok(())
}
