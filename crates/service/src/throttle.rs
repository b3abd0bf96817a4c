//! Login throttling: failures counted per username and per client address; after too many in a
//! window, further attempts are refused for a while (doubling with each further lockout) without
//! checking the password. Pure arithmetic over times given as parameters; the hub keeps one
//! throttle per process.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

/// How many failures are tolerated and for how long attempts are then refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures of one username within `window` before it is locked.
    pub per_username: u32,
    /// Failures from one client address within `window` before it is locked.
    pub per_client: u32,
    pub window: Duration,
    /// The first lockout; each further one doubles, up to `max_lockout`.
    pub lockout: Duration,
    pub max_lockout: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self { per_username: 5, per_client: 20, window: Duration::minutes(15), lockout: Duration::minutes(1), max_lockout: Duration::hours(1) }
    }
}

/// What is throttled: a username or a client address.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ThrottleKey {
    Username(String),
    Client(String),
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    failures: u32,
    window_start: DateTime<Utc>,
    lockouts: u32,
    locked_until: Option<DateTime<Utc>>,
}

/// Failure counts by key.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    policy: ThrottlePolicy,
    entries: HashMap<ThrottleKey, Entry>,
}

/// Above this many keys, idle ones are dropped so that guessing many usernames cannot grow memory without bound.
const PRUNE_ABOVE: usize = 50_000;

impl LoginThrottle {
    pub fn new(policy: ThrottlePolicy) -> Self {
        Self { policy, entries: HashMap::new() }
    }

    fn limit(&self, key: &ThrottleKey) -> u32 {
        match key {
            ThrottleKey::Username(_) => self.policy.per_username,
            ThrottleKey::Client(_) => self.policy.per_client,
        }
    }

    /// `Err(wait)` when any of `keys` is locked at `now`.
    pub fn check(&self, keys: &[ThrottleKey], now: DateTime<Utc>) -> Result<(), Duration> {
        let wait = keys.iter().filter_map(|k| self.entries.get(k)?.locked_until).filter(|until| *until > now).map(|until| until - now).max();
        wait.map_or(Ok(()), Err)
    }

    /// Counts a failure against every key; a key reaching its limit is locked.
    pub fn failure(&mut self, keys: &[ThrottleKey], now: DateTime<Utc>) {
        if self.entries.len() > PRUNE_ABOVE {
            let p = self.policy;
            self.entries.retain(|_, e| e.locked_until.is_some_and(|u| u > now) || now - e.window_start < p.window || e.lockouts > 0 && now - e.window_start < p.max_lockout);
        }
        for key in keys {
            let limit = self.limit(key);
            let p = self.policy;
            let e = self.entries.entry(key.clone()).or_insert(Entry { failures: 0, window_start: now, lockouts: 0, locked_until: None });
            if now - e.window_start >= p.window {
                e.failures = 0;
                e.window_start = now;
                // A quiet window forgives earlier lockouts.
                if e.locked_until.is_none_or(|u| now - u >= p.window) {
                    e.lockouts = 0;
                }
            }
            e.failures += 1;
            if e.failures >= limit {
                let factor = 1i32 << e.lockouts.min(12);
                let lock = (p.lockout * factor).min(p.max_lockout);
                e.locked_until = Some(now + lock);
                e.lockouts += 1;
                e.failures = 0;
                e.window_start = now;
            }
        }
    }

    /// Forgets the failures of a key (a username after a successful login).
    pub fn success(&mut self, key: &ThrottleKey) {
        self.entries.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap()
    }

    fn user(name: &str) -> ThrottleKey {
        ThrottleKey::Username(name.into())
    }

    #[test]
    fn five_failures_lock_a_username_for_a_minute_then_two() {
        let mut t = LoginThrottle::new(ThrottlePolicy::default());
        let keys = [user("sato"), ThrottleKey::Client("203.0.113.5".into())];
        for i in 0..4 {
            t.failure(&keys, t0() + Duration::seconds(i));
            assert!(t.check(&keys, t0() + Duration::seconds(i)).is_ok());
        }
        t.failure(&keys, t0() + Duration::seconds(4));
        assert_eq!(t.check(&keys, t0() + Duration::seconds(4)), Err(Duration::minutes(1)));
        assert_eq!(t.check(&[user("suzuki")], t0()), Ok(()), "other usernames are not affected");
        let later = t0() + Duration::seconds(64);
        assert!(t.check(&keys, later).is_ok());
        for _ in 0..5 {
            t.failure(&keys, later);
        }
        assert_eq!(t.check(&[user("sato")], later), Err(Duration::minutes(2)), "the second lockout doubles");
    }

    #[test]
    fn a_client_guessing_many_usernames_is_locked() {
        let mut t = LoginThrottle::new(ThrottlePolicy::default());
        let client = ThrottleKey::Client("198.51.100.7".into());
        for i in 0..20 {
            t.failure(&[user(&format!("u{i}")), client.clone()], t0());
        }
        assert!(t.check(&[user("fresh"), client], t0()).is_err());
        assert!(t.check(&[user("fresh")], t0()).is_ok());
    }

    #[test]
    fn success_forgets_a_username_and_failures_age_out_of_the_window() {
        let mut t = LoginThrottle::new(ThrottlePolicy::default());
        for _ in 0..4 {
            t.failure(&[user("sato")], t0());
        }
        t.success(&user("sato"));
        t.failure(&[user("sato")], t0());
        assert!(t.check(&[user("sato")], t0()).is_ok());
        for _ in 0..3 {
            t.failure(&[user("sato")], t0());
        }
        t.failure(&[user("sato")], t0() + Duration::minutes(16));
        assert!(t.check(&[user("sato")], t0() + Duration::minutes(16)).is_ok(), "the window started again");
    }

    proptest! {
        /// Whatever the sequence of failures, a lock never exceeds the maximum, and no key is
        /// locked before it has failed `per_username` times.
        #[test]
        fn locks_are_bounded(steps in proptest::collection::vec(0i64..600, 1..60)) {
            let p = ThrottlePolicy::default();
            let mut t = LoginThrottle::new(p);
            let mut now = t0();
            for (i, s) in steps.iter().enumerate() {
                now += Duration::seconds(*s);
                if i + 1 < p.per_username as usize {
                    prop_assert!(t.check(&[user("x")], now).is_ok());
                }
                t.failure(&[user("x")], now);
                if let Err(wait) = t.check(&[user("x")], now) {
                    prop_assert!(wait > Duration::zero() && wait <= p.max_lockout);
                }
            }
        }
    }
}
