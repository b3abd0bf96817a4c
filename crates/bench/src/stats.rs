//! Latency samples and their percentiles (nearest rank).

use std::time::Duration;

/// Sorted latencies of one measurement.
#[derive(Clone, Debug)]
pub struct Latencies {
    sorted: Vec<Duration>,
}

impl Latencies {
    pub fn new(mut samples: Vec<Duration>) -> Self {
        samples.sort_unstable();
        Self { sorted: samples }
    }

    pub fn count(&self) -> usize {
        self.sorted.len()
    }

    /// The `p`-th percentile (0 < p ≤ 100) by nearest rank.
    pub fn percentile(&self, p: f64) -> Duration {
        if self.sorted.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * self.sorted.len() as f64).ceil() as usize;
        self.sorted[rank.clamp(1, self.sorted.len()) - 1]
    }

    pub fn p50(&self) -> Duration {
        self.percentile(50.0)
    }

    pub fn p99(&self) -> Duration {
        self.percentile(99.0)
    }

    pub fn mean(&self) -> Duration {
        if self.sorted.is_empty() {
            return Duration::ZERO;
        }
        self.sorted.iter().sum::<Duration>() / self.sorted.len() as u32
    }
}

/// A duration for a table: µs below 10 ms, ms below 10 s, else s.
pub fn fmt_duration(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 10.0 {
        format!("{us:.2} µs")
    } else if us < 10_000.0 {
        format!("{us:.1} µs")
    } else if us < 10_000_000.0 {
        format!("{:.1} ms", us / 1e3)
    } else {
        format!("{:.1} s", us / 1e6)
    }
}

/// A ratio for a table.
pub fn fmt_ratio(r: f64) -> String {
    if r >= 100.0 { format!("{r:.0}×") } else if r >= 10.0 { format!("{r:.1}×") } else { format!("{r:.2}×") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let l = Latencies::new((1..=100).rev().map(Duration::from_micros).collect());
        assert_eq!(l.p50(), Duration::from_micros(50));
        assert_eq!(l.p99(), Duration::from_micros(99));
        assert_eq!(l.percentile(100.0), Duration::from_micros(100));
        assert_eq!(l.mean(), Duration::from_nanos(50_500));
        assert_eq!(Latencies::new(vec![]).p99(), Duration::ZERO);
    }

    #[test]
    fn durations_and_ratios_read_well() {
        assert_eq!(fmt_duration(Duration::from_nanos(4_321)), "4.32 µs");
        assert_eq!(fmt_duration(Duration::from_micros(1_234)), "1234.0 µs");
        assert_eq!(fmt_duration(Duration::from_millis(25)), "25.0 ms");
        assert_eq!(fmt_ratio(123.4), "123×");
        assert_eq!(fmt_ratio(0.456), "0.46×");
    }
}
