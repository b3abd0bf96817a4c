//! Per-principal rate limits: a token bucket per bearer token (or per client address for
//! anonymous requests). The bucket arithmetic takes the time as a parameter, so it is tested
//! without clocks; the keyed store prunes idle buckets so that it cannot grow without bound.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many requests a client may make: `burst` at once, then `per_minute`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub burst: u32,
    pub per_minute: u32,
}

impl Default for RateLimit {
    fn default() -> Self {
        Self { burst: 120, per_minute: 600 }
    }
}

/// One client's bucket: tokens left (fractional) as of `at`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    pub fn full(limit: RateLimit, now: Instant) -> Self {
        Self { tokens: f64::from(limit.burst), at: now }
    }

    /// Takes one token if there is one; otherwise says how long until there will be.
    pub fn take(&mut self, limit: RateLimit, now: Instant) -> Result<(), Duration> {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        let rate = f64::from(limit.per_minute) / 60.0;
        self.tokens = (self.tokens + elapsed * rate).min(f64::from(limit.burst));
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else if rate > 0.0 {
            Err(Duration::from_secs_f64(((1.0 - self.tokens) / rate).min(86_400.0)))
        } else {
            Err(Duration::from_secs(86_400))
        }
    }

    fn is_full(&self, limit: RateLimit, now: Instant) -> bool {
        let rate = f64::from(limit.per_minute) / 60.0;
        self.tokens + now.saturating_duration_since(self.at).as_secs_f64() * rate >= f64::from(limit.burst)
    }
}

/// Buckets by client key (`token:17`, `ip:203.0.113.5`).
pub struct RateLimiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<String, Bucket>>,
}

/// Above this many buckets, full ones (idle clients) are dropped: a full bucket is what a new one would be.
const PRUNE_ABOVE: usize = 10_000;

impl RateLimiter {
    pub fn new(limit: RateLimit) -> Self {
        Self { limit, buckets: Mutex::new(HashMap::new()) }
    }

    /// Admits one request of `key`, or says when to retry.
    pub fn admit(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let mut buckets = self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() > PRUNE_ABOVE {
            let limit = self.limit;
            buckets.retain(|_, b| !b.is_full(limit, now));
        }
        let limit = self.limit;
        buckets.entry(key.to_owned()).or_insert_with(|| Bucket::full(limit, now)).take(limit, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_the_steady_rate() {
        let limit = RateLimit { burst: 3, per_minute: 60 };
        let t0 = Instant::now();
        let mut b = Bucket::full(limit, t0);
        for _ in 0..3 {
            assert_eq!(b.take(limit, t0), Ok(()));
        }
        let wait = b.take(limit, t0).unwrap_err();
        assert_eq!(wait, Duration::from_secs(1));
        assert!(b.take(limit, t0 + Duration::from_millis(500)).is_err());
        assert_eq!(b.take(limit, t0 + Duration::from_secs(1)), Ok(()));
        // A long pause refills only up to the burst.
        let later = t0 + Duration::from_secs(3_600);
        for _ in 0..3 {
            assert_eq!(b.take(limit, later), Ok(()));
        }
        assert!(b.take(limit, later).is_err());
    }

    #[test]
    fn clients_do_not_share_buckets() {
        let limiter = RateLimiter::new(RateLimit { burst: 1, per_minute: 0 });
        let now = Instant::now();
        assert!(limiter.admit("token:1", now).is_ok());
        assert!(limiter.admit("token:1", now).is_err());
        assert!(limiter.admit("token:2", now).is_ok());
        assert!(limiter.admit("ip:127.0.0.1", now).is_ok());
    }

    #[test]
    fn idle_clients_are_pruned_and_busy_ones_kept() {
        let limiter = RateLimiter::new(RateLimit { burst: 2, per_minute: 60 });
        let now = Instant::now();
        limiter.admit("busy", now).unwrap();
        limiter.admit("busy", now).unwrap();
        for i in 0..=PRUNE_ABOVE {
            limiter.buckets.lock().unwrap().insert(format!("idle{i}"), Bucket::full(limiter.limit, now));
        }
        assert!(limiter.admit("busy", now).is_err(), "the busy client's empty bucket survives pruning");
        assert!(limiter.buckets.lock().unwrap().len() <= 2);
    }

    proptest::proptest! {
        /// Over any schedule of requests, no more are admitted than the burst plus what the rate refilled.
        #[test]
        fn never_more_than_burst_plus_refill(burst in 1u32..20, per_minute in 0u32..600, gaps in proptest::collection::vec(0u64..5_000, 1..200)) {
            let limit = RateLimit { burst, per_minute };
            let t0 = Instant::now();
            let mut b = Bucket::full(limit, t0);
            let mut now = t0;
            let mut admitted = 0u64;
            for g in gaps {
                now += Duration::from_millis(g);
                if b.take(limit, now).is_ok() {
                    admitted += 1;
                }
            }
            let elapsed = now.duration_since(t0).as_secs_f64();
            let bound = f64::from(burst) + elapsed * f64::from(per_minute) / 60.0;
            proptest::prop_assert!(admitted as f64 <= bound + 1e-9, "{} > {}", admitted, bound);
        }
    }
}
