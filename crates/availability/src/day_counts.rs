//! A count per date, held densely: one `u32` per day from the first to the last date with a
//! count, so that the days of one request are read from one or two cache lines instead of one
//! hash-table probe each. Dates far outside that run go to a small sorted overflow, so that one
//! stray date cannot make the run huge.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

/// The longest dense run (about eleven years); beyond it, dates go to the overflow.
const MAX_RUN_DAYS: usize = 4_018;

/// Counts per date; a date never set counts 0.
#[derive(Clone, Debug, Default)]
pub struct DayCounts {
    /// Day number (days since 0001-01-01 of the proleptic Gregorian calendar) of `run[0]`.
    first: i32,
    run: Vec<u32>,
    overflow: BTreeMap<i32, u32>,
}

fn day_number(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

impl DayCounts {
    /// The count on `d`.
    #[inline]
    pub fn get(&self, d: NaiveDate) -> u32 {
        let n = day_number(d);
        match usize::try_from(n - self.first).ok().and_then(|i| self.run.get(i)) {
            Some(c) => *c,
            None if self.overflow.is_empty() => 0,
            None => self.overflow.get(&n).copied().unwrap_or(0),
        }
    }

    /// Sets the count on `d`.
    pub fn set(&mut self, d: NaiveDate, count: u32) {
        let n = day_number(d);
        if self.run.is_empty() {
            if count == 0 {
                self.overflow.remove(&n);
                return;
            }
            self.first = n;
            self.run.push(0);
        }
        let last = self.first + self.run.len() as i32 - 1;
        let (from, to) = (n.min(self.first), n.max(last));
        if (to - from) as usize >= MAX_RUN_DAYS {
            if count == 0 {
                self.overflow.remove(&n);
            } else {
                self.overflow.insert(n, count);
            }
            return;
        }
        if n < self.first {
            let grow = (self.first - n) as usize;
            self.run.splice(0..0, std::iter::repeat_n(0, grow));
            self.first = n;
        } else if n > last {
            self.run.resize(self.run.len() + (n - last) as usize, 0);
        }
        self.overflow.remove(&n);
        self.absorb_overflow();
        self.run[(n - self.first) as usize] = count;
    }

    /// Moves overflow dates that the run now covers into it.
    fn absorb_overflow(&mut self) {
        if self.overflow.is_empty() {
            return;
        }
        let last = self.first + self.run.len() as i32 - 1;
        let covered: Vec<i32> = self.overflow.range(self.first..=last).map(|(n, _)| *n).collect();
        for n in covered {
            if let Some(c) = self.overflow.remove(&n) {
                self.run[(n - self.first) as usize] = c;
            }
        }
    }

    /// Adds `delta` to the count on `d`, never below 0.
    pub fn add(&mut self, d: NaiveDate, delta: i32) {
        self.set(d, self.get(d).saturating_add_signed(delta));
    }

    /// Every date with a count above 0, in date order.
    pub fn iter(&self) -> impl Iterator<Item = (NaiveDate, u32)> + '_ {
        let run = self.run.iter().enumerate().map(|(i, c)| (self.first + i as i32, *c));
        let mut all: Vec<(i32, u32)> = run.chain(self.overflow.iter().map(|(n, c)| (*n, *c))).filter(|(_, c)| *c > 0).collect();
        all.sort_unstable();
        all.into_iter().filter_map(|(n, c)| NaiveDate::from_num_days_from_ce_opt(n).map(|d| (d, c)))
    }
}

/// Equal when every date counts the same, however the counts are held.
impl PartialEq for DayCounts {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for DayCounts {}

impl FromIterator<(NaiveDate, u32)> for DayCounts {
    fn from_iter<I: IntoIterator<Item = (NaiveDate, u32)>>(iter: I) -> Self {
        let mut counts = Self::default();
        for (d, c) in iter {
            counts.set(d, c);
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;

    fn day(n: i32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 4, 1).unwrap() + chrono::Duration::days(i64::from(n))
    }

    #[test]
    fn unset_dates_count_zero_and_far_dates_do_not_grow_the_run() {
        let mut c = DayCounts::default();
        assert_eq!(c.get(day(0)), 0);
        c.set(day(10), 3);
        c.set(day(5), 1);
        c.set(day(100_000), 7);
        assert_eq!((c.get(day(5)), c.get(day(7)), c.get(day(10)), c.get(day(100_000))), (1, 0, 3, 7));
        assert!(c.run.len() <= MAX_RUN_DAYS);
        c.add(day(10), -5);
        assert_eq!(c.get(day(10)), 0, "never below zero");
        assert_eq!(c.iter().collect::<Vec<_>>(), vec![(day(5), 1), (day(100_000), 7)]);
    }

    proptest! {
        /// Any series of sets and adds leaves the same counts as a hash map would.
        #[test]
        fn agrees_with_a_map(ops in proptest::collection::vec((-9_000i32..9_000, 0u32..5, any::<bool>(), -3i32..4), 0..200)) {
            let mut dense = DayCounts::default();
            let mut map: HashMap<NaiveDate, u32> = HashMap::new();
            for (n, count, is_set, delta) in ops {
                let d = day(n);
                if is_set {
                    dense.set(d, count);
                    map.insert(d, count);
                } else {
                    dense.add(d, delta);
                    let e = map.entry(d).or_insert(0);
                    *e = e.saturating_add_signed(delta);
                }
            }
            for (d, c) in &map {
                prop_assert_eq!(dense.get(*d), *c);
            }
            let mut expected: Vec<(NaiveDate, u32)> = map.into_iter().filter(|(_, c)| *c > 0).collect();
            expected.sort_unstable();
            prop_assert_eq!(dense.iter().collect::<Vec<_>>(), expected);
        }
    }
}
