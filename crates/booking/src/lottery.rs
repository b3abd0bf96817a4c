//! The lottery for oversubscribed slots: priority classes, then a seeded, reproducible shuffle.
//!
//! Setagaya found first-time applicants winning 90% and repeat applicants 22%; the
//! programme gives high-need cases priority. Which criteria give priority, and in which order,
//! is the caller's choice ([`PriorityClass`]); the seed is the caller's too, and is recorded
//! in the [`Draw`] so anyone can replay it.

use std::fmt;
use std::str::FromStr;

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use sango_domain::{DomainError, DomainResult};
use serde::{Deserialize, Serialize};

/// A priority class of applicants. Earlier classes in a draw's list win first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PriorityClass {
    /// A high-need case (支援の必要性が高いケース), already followed by a public-health nurse.
    HighNeed,
    /// The mother has not used the service before.
    FirstTime,
    /// Everyone: the class that catches all remaining applicants.
    Repeat,
}

impl PriorityClass {
    /// Every class, highest priority first.
    pub const ALL: &'static [PriorityClass] = &[PriorityClass::HighNeed, PriorityClass::FirstTime, PriorityClass::Repeat];

    /// The API spelling (`HIGH_NEED`).
    pub fn as_str(self) -> &'static str {
        match self {
            PriorityClass::HighNeed => "HIGH_NEED",
            PriorityClass::FirstTime => "FIRST_TIME",
            PriorityClass::Repeat => "REPEAT",
        }
    }

    /// Parses the API spelling, ignoring case and surrounding spaces.
    pub fn parse(s: &str) -> DomainResult<Self> {
        let t = s.trim();
        Self::ALL.iter().copied().find(|c| t.eq_ignore_ascii_case(c.as_str())).ok_or_else(|| {
            let options: Vec<&str> = Self::ALL.iter().map(|c| c.as_str()).collect();
            DomainError::invalid("priorityClass", format!("'{s}' is not one of {}", options.join(", ")))
        })
    }

    /// Whether the class applies to `a` ([`PriorityClass::Repeat`] applies to everyone).
    pub fn applies_to(self, a: &Applicant) -> bool {
        match self {
            PriorityClass::HighNeed => a.high_need,
            PriorityClass::FirstTime => a.first_time,
            PriorityClass::Repeat => true,
        }
    }
}

impl fmt::Display for PriorityClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PriorityClass {
    type Err = DomainError;
    fn from_str(s: &str) -> DomainResult<Self> {
        Self::parse(s)
    }
}

/// One application entered into a draw. Application ids are expected to be unique.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Applicant {
    pub application_id: i64,
    pub high_need: bool,
    pub first_time: bool,
}

/// The outcome of a draw, with what is needed to replay it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Draw {
    pub seed: u64,
    /// The classes as applied: duplicates removed, cut after `REPEAT`, `REPEAT` appended if missing.
    pub classes: Vec<PriorityClass>,
    /// Application ids of the winners, in draw order.
    pub winners: Vec<i64>,
    /// Application ids of the others, in draw order: they join the waitlist in this order.
    pub losers: Vec<i64>,
}

/// The classes as a draw applies them: first occurrence of each, nothing after `REPEAT`
/// (it catches everyone), and `REPEAT` at the end if it was left out, so every applicant
/// has a class. `[]` and `[REPEAT]` both make a plain lottery.
pub fn effective_classes(classes: &[PriorityClass]) -> Vec<PriorityClass> {
    let mut out = Vec::with_capacity(3);
    for c in classes {
        if !out.contains(c) {
            out.push(*c);
        }
        if *c == PriorityClass::Repeat {
            return out;
        }
    }
    out.push(PriorityClass::Repeat);
    out
}

/// Draws `slots` winners among `applicants`.
///
/// Each applicant belongs to the first class in `classes` that applies to it (a class
/// missing from `classes` gives its criterion no priority; see [`effective_classes`]).
/// The applicants are sorted by application id (duplicate ids are collapsed to the entry with
/// the best class), shuffled once with ChaCha8 seeded by `seed` (see [`shuffle`]), then
/// stably grouped by class; winners are the first `slots`. So within each class the order is
/// a uniform seeded shuffle, and the same seed and applicants give the same draw whatever
/// order the applicants are passed in.
pub fn draw(applicants: &[Applicant], slots: u32, seed: u64, classes: &[PriorityClass]) -> Draw {
    let classes = effective_classes(classes);
    let rank = |a: &Applicant| classes.iter().position(|c| c.applies_to(a)).expect("REPEAT applies to everyone");
    let mut ranked: Vec<(usize, i64)> = applicants.iter().map(|a| (rank(a), a.application_id)).collect();
    ranked.sort_by_key(|(r, id)| (*id, *r));
    ranked.dedup_by_key(|(_, id)| *id);
    shuffle(&mut ranked, seed);
    ranked.sort_by_key(|(r, _)| *r);
    let mut ids = ranked.into_iter().map(|(_, id)| id);
    let winners: Vec<i64> = ids.by_ref().take(usize::try_from(slots).unwrap_or(usize::MAX)).collect();
    Draw { seed, classes, winners, losers: ids.collect() }
}

/// The Fisher–Yates shuffle used by [`draw`], fully specified so a draw can be replayed
/// independently of library versions: with `ChaCha8Rng::seed_from_u64(seed)`, for `i` from
/// `len − 1` down to 1, swap item `i` with item `j`, `j` uniform in `0..=i` drawn by
/// rejection: take `x = next_u64()` until `x < 2^64 − (2^64 mod (i+1))`, then `j = x mod (i+1)`.
pub fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for i in (1..items.len()).rev() {
        let j = below(&mut rng, i as u64 + 1);
        items.swap(i, j as usize);
    }
}

/// A uniform number in `0..bound` (`bound >= 1`), without modulo bias.
fn below(rng: &mut ChaCha8Rng, bound: u64) -> u64 {
    let rem = (u64::MAX % bound + 1) % bound; // 2^64 mod bound
    loop {
        let x = rng.next_u64();
        if x <= u64::MAX - rem {
            return x % bound;
        }
    }
}

#[cfg(test)]
mod tests;
