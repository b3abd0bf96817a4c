//! Population and births: Tottori's municipalities shared out to the prefecture's 534,003 people.

use sango_domain::LgCode;

/// 2020 census populations of Tottori's 19 municipalities, used only as weights.
const TOTTORI_2020: [(&str, i64); 19] = [
    ("31201", 188_465), ("31202", 147_317), ("31203", 46_310), ("31204", 33_378), ("31302", 10_876),
    ("31325", 2_987), ("31328", 6_428), ("31329", 16_076), ("31364", 6_045), ("31370", 16_232),
    ("31371", 16_511), ("31372", 14_315), ("31384", 3_437), ("31386", 15_646), ("31389", 10_375),
    ("31390", 10_437), ("31401", 4_258), ("31402", 2_936), ("31403", 2_741),
];

/// The prefecture's population the demo shares out.
pub const TOTTORI_TOTAL: i64 = 534_003;

/// Births per person per year (Tottori: about 3,500 births for 534,000 people).
const BIRTH_RATE_PER_MILLE: i64 = 66;

/// Tottori's population per municipality, summing exactly to 534,003; None outside Tottori.
pub fn tottori_population(code: LgCode) -> Option<i64> {
    let weights: Vec<i64> = TOTTORI_2020.iter().map(|(_, p)| *p).collect();
    let shares = apportion(TOTTORI_TOTAL, &weights);
    TOTTORI_2020.iter().position(|(c, _)| code.five_digit() == *c).map(|i| shares[i])
}

/// Annual births for a population.
pub fn births_for(population: i64) -> i64 {
    (population * BIRTH_RATE_PER_MILLE + 5_000) / 10_000
}

/// Splits `total` in proportion to `weights` by largest remainder, so the parts sum exactly to `total`.
pub fn apportion(total: i64, weights: &[i64]) -> Vec<i64> {
    let sum: i64 = weights.iter().sum();
    if sum <= 0 {
        return vec![0; weights.len()];
    }
    let mut parts: Vec<i64> = weights.iter().map(|w| total * w / sum).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(total * weights[i] % sum), i));
    let short = total - parts.iter().sum::<i64>();
    for &i in order.iter().take(short as usize) {
        parts[i] += 1;
    }
    parts
}
