use chrono::TimeZone;
use proptest::prelude::*;

use super::*;

fn record(seq: i64, principal: &str, cases: &[&str]) -> AuditRecord {
    AuditRecord {
        seq,
        at: Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap() + chrono::Duration::microseconds(seq * 1_001),
        principal: principal.into(),
        token_id: (seq % 2 == 0).then_some(seq),
        channel: "http".into(),
        access: if seq % 3 == 0 { Access::Write } else { Access::Read },
        operation: "case".into(),
        record_kind: "case".into(),
        record_ids: cases.iter().map(|c| (*c).to_owned()).collect(),
        case_refs: cases.iter().map(|c| (*c).to_owned()).collect(),
        outcome: "OK".into(),
    }
}

fn chain(n: i64) -> Vec<ChainedEntry> {
    link((1..=n).map(|i| record(i, "municipal-staff:312011", &["C-000000000001"])), GENESIS)
}

#[test]
fn an_untouched_chain_verifies() {
    let c = chain(5);
    assert_eq!(verify(&c, 5, &c[4].hash), Ok(5));
    assert_eq!(verify(&[], 0, GENESIS), Ok(0));
}

#[test]
fn fields_are_length_prefixed_so_shifting_bytes_between_them_changes_the_hash() {
    let mut a = record(1, "ab", &[]);
    a.operation = "c".into();
    let mut b = record(1, "a", &[]);
    b.operation = "bc".into();
    assert_ne!(a.chain_hash(GENESIS), b.chain_hash(GENESIS));
    let one = record(1, "x", &["C-1C-2"]);
    let two = record(1, "x", &["C-1", "C-2"]);
    assert_ne!(one.chain_hash(GENESIS), two.chain_hash(GENESIS));
}

#[test]
fn an_edited_entry_is_named() {
    let mut c = chain(5);
    c[2].record.principal = "admin:-".into();
    let head = c[4].hash.clone();
    let err = verify(&c, 5, &head).unwrap_err();
    assert_eq!(err.seq, 3);
    assert!(err.reason.contains("edited"), "{err}");
}

#[test]
fn an_edited_entry_with_a_recomputed_hash_breaks_the_next_link() {
    let mut c = chain(5);
    c[1].record.case_refs.clear();
    c[1].hash = c[1].record.chain_hash(&c[1].prev_hash);
    let head = c[4].hash.clone();
    assert_eq!(verify(&c, 5, &head).unwrap_err().seq, 3);
}

#[test]
fn a_deleted_entry_is_named() {
    let mut c = chain(5);
    c.remove(1);
    let head = c[3].hash.clone();
    let err = verify(&c, 5, &head).unwrap_err();
    assert_eq!(err.seq, 2);
    assert!(err.reason.contains("missing"), "{err}");
}

#[test]
fn cutting_off_the_tail_is_found_against_the_head() {
    let c = chain(5);
    let head = c[4].hash.clone();
    let err = verify(&c[..3], 5, &head).unwrap_err();
    assert_eq!(err.seq, 4);
}

#[test]
fn swapped_contents_are_found_at_the_first_swapped_position() {
    let mut c = chain(5);
    // Swap two entries' content but keep their positions: a reordering done by rewriting rows.
    let (a, b) = (c[1].clone(), c[3].clone());
    c[1] = ChainedEntry { record: AuditRecord { seq: 2, ..b.record }, ..b };
    c[3] = ChainedEntry { record: AuditRecord { seq: 4, ..a.record }, ..a };
    let head = c[4].hash.clone();
    assert_eq!(verify(&c, 5, &head).unwrap_err().seq, 2);
}

proptest! {
    /// Any single change to any field of any entry is detected at that entry or, when the
    /// attacker also recomputed its hash, at the next one (or the head).
    #[test]
    fn any_single_change_is_detected_at_or_right_after_it(n in 1i64..12, victim in 0usize..12, field in 0usize..8, rehash in any::<bool>()) {
        let mut c = chain(n);
        let i = victim % c.len();
        let r = &mut c[i].record;
        match field {
            0 => r.principal.push('x'),
            1 => r.token_id = Some(r.token_id.unwrap_or(0) + 1),
            2 => r.at += chrono::Duration::microseconds(1),
            3 => r.operation.push('x'),
            4 => r.case_refs.push("C-ffffffffffff".into()),
            5 => r.record_ids.clear(),
            6 => r.outcome = "NOT_FOUND".into(),
            _ => r.access = if r.access == Access::Read { Access::Write } else { Access::Read },
        }
        if rehash {
            c[i].hash = c[i].record.chain_hash(&c[i].prev_hash);
        }
        let head = chain(n).last().unwrap().hash.clone();
        let err = verify(&c, n, &head).unwrap_err();
        let at = i as i64 + 1;
        prop_assert_eq!(err.seq, if rehash { (at + 1).min(n) } else { at });
    }
}
