//! The audit chain: each entry of the access log carries a SHA-256 over a canonical encoding of
//! its content and the hash of the entry before it, so that editing, deleting or reordering an
//! entry breaks the chain at that entry. Pure: encoding, hashing and verification, no IO.

use std::fmt;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// The hash the first entry chains to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Names the encoding, so that a future change of it cannot be confused with this one.
const DOMAIN_TAG: &[u8] = b"sango-hub audit v1";

/// Whether an entry records a read or a write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Access {
    Read,
    Write,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "READ",
            Self::Write => "WRITE",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "READ" => Some(Self::Read),
            "WRITE" => Some(Self::Write),
            _ => None,
        }
    }
}

/// What one audit entry says: who, when, what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRecord {
    /// Position in the chain, from 1 without gaps.
    pub seq: i64,
    /// The server's clock, whole microseconds (what both databases keep exactly).
    pub at: DateTime<Utc>,
    /// `municipal-staff:312011`, `admin:-`, `anonymous`.
    pub principal: String,
    /// The bearer token the request came with, if any.
    pub token_id: Option<i64>,
    /// How the request arrived: `http`, `cli` or `internal`.
    pub channel: String,
    pub access: Access,
    /// The use case: `case`, `cases`, `facilityBookings`, `BOOKED`, `createFacility`, …
    pub operation: String,
    /// `case`, `booking`, `waitlist`, `application`, `facility`, …
    pub record_kind: String,
    /// The records read or written (references or ids), or asked for when refused.
    pub record_ids: Vec<String>,
    /// The case references whose data the entry touched.
    pub case_refs: Vec<String>,
    /// `OK`, or the error code the caller got (`NOT_FOUND` for an out-of-scope lookup).
    pub outcome: String,
}

/// Truncates a time to whole microseconds, the precision stored and hashed.
pub fn to_micros(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(at.timestamp_micros()).unwrap_or(at)
}

fn put(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_be_bytes());
    h.update(bytes);
}

fn put_list(h: &mut Sha256, items: &[String]) {
    h.update((items.len() as u64).to_be_bytes());
    for i in items {
        put(h, i.as_bytes());
    }
}

impl AuditRecord {
    /// The entry's hash: SHA-256 over a tag, the previous hash and every field, each
    /// length-prefixed so that no two different entries encode alike.
    pub fn chain_hash(&self, prev_hash: &str) -> String {
        let mut h = Sha256::new();
        put(&mut h, DOMAIN_TAG);
        put(&mut h, prev_hash.as_bytes());
        put(&mut h, self.seq.to_string().as_bytes());
        put(&mut h, self.at.timestamp_micros().to_string().as_bytes());
        put(&mut h, self.principal.as_bytes());
        put(&mut h, self.token_id.map(|t| t.to_string()).unwrap_or_default().as_bytes());
        put(&mut h, self.channel.as_bytes());
        put(&mut h, self.access.as_str().as_bytes());
        put(&mut h, self.operation.as_bytes());
        put(&mut h, self.record_kind.as_bytes());
        put_list(&mut h, &self.record_ids);
        put_list(&mut h, &self.case_refs);
        put(&mut h, self.outcome.as_bytes());
        hex::encode(h.finalize())
    }
}

/// An entry as stored: its record and the two hashes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainedEntry {
    pub record: AuditRecord,
    pub prev_hash: String,
    pub hash: String,
}

/// Where and how a chain is broken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainBreak {
    /// The first entry that does not fit (for a missing entry, the one expected there).
    pub seq: i64,
    pub reason: String,
}

impl fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "audit entry {}: {}", self.seq, self.reason)
    }
}

/// Walks a chain in stored order, keeping what is needed to check the next entry.
#[derive(Clone, Debug)]
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self { expected_seq: 1, prev_hash: GENESIS.to_owned() }
    }
}

impl ChainVerifier {
    /// Checks the next entry (in ascending `seq` order).
    pub fn check(&mut self, e: &ChainedEntry) -> Result<(), ChainBreak> {
        let seq = e.record.seq;
        if seq < self.expected_seq {
            return Err(ChainBreak { seq, reason: format!("appears again or out of order after entry {}", self.expected_seq - 1) });
        }
        if seq > self.expected_seq {
            return Err(ChainBreak { seq: self.expected_seq, reason: format!("is missing (the next entry present is {seq})") });
        }
        if e.prev_hash != self.prev_hash {
            return Err(ChainBreak { seq, reason: "does not chain to the entry before it (deleted, reordered or replaced)".into() });
        }
        if e.record.chain_hash(&e.prev_hash) != e.hash {
            return Err(ChainBreak { seq, reason: "its content does not match its hash (edited)".into() });
        }
        self.expected_seq += 1;
        self.prev_hash.clone_from(&e.hash);
        Ok(())
    }

    /// Checks that the chain ends where the stored head says: entries cut off the end are found here.
    pub fn finish(&self, head_seq: i64, head_hash: &str) -> Result<i64, ChainBreak> {
        let last = self.expected_seq - 1;
        if last < head_seq {
            return Err(ChainBreak { seq: last + 1, reason: format!("is missing: the log ends at {last} but {head_seq} entries were written") });
        }
        if last > head_seq || self.prev_hash != head_hash {
            return Err(ChainBreak { seq: last, reason: "does not match the recorded head of the chain".into() });
        }
        Ok(last)
    }
}

/// Verifies a whole chain against its head: the number of entries, or the first break.
pub fn verify<'a>(entries: impl IntoIterator<Item = &'a ChainedEntry>, head_seq: i64, head_hash: &str) -> Result<i64, ChainBreak> {
    let mut v = ChainVerifier::default();
    for e in entries {
        v.check(e)?;
    }
    v.finish(head_seq, head_hash)
}

/// Links records into a chain from `prev_hash`, as the store does one at a time.
pub fn link(records: impl IntoIterator<Item = AuditRecord>, prev_hash: &str) -> Vec<ChainedEntry> {
    let mut prev = prev_hash.to_owned();
    records
        .into_iter()
        .map(|record| {
            let hash = record.chain_hash(&prev);
            ChainedEntry { record, prev_hash: std::mem::replace(&mut prev, hash.clone()), hash }
        })
        .collect()
}

#[cfg(test)]
mod tests;
