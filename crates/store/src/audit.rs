//! The audit log in the database: appending an entry to the hash chain under a lock on its head,
//! reading the chain back in order for verification, and the two leak-report questions — who
//! touched a case, and what a principal touched over a period.

use chrono::{DateTime, Utc};
use sango_domain::audit::{Access, AuditRecord, ChainedEntry, to_micros};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement};

use crate::entity::{audit_case, audit_entry};
use crate::error::{StoreError, StoreResult};

/// The last entry written: its sequence number and hash (0 and the genesis hash when empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
}

fn head_statement(backend: DbBackend, lock: bool) -> Statement {
    // PostgreSQL: the row lock queues concurrent appenders until the holder commits. SQLite has
    // no row locks; its appenders run in `BEGIN IMMEDIATE` transactions, which queue them instead.
    let sql = if lock && backend == DbBackend::Postgres { "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE" } else { "SELECT seq, hash FROM audit_head WHERE id = 1" };
    Statement::from_string(backend, sql)
}

async fn read_head(c: &impl ConnectionTrait, lock: bool) -> StoreResult<Head> {
    let row = c.query_one_raw(head_statement(c.get_database_backend(), lock)).await?.ok_or_else(|| StoreError::corrupt("audit_head", 1, "the head row is missing"))?;
    Ok(Head { seq: row.try_get("", "seq")?, hash: row.try_get("", "hash")? })
}

/// The recorded head of the chain.
pub async fn head(c: &impl ConnectionTrait) -> StoreResult<Head> {
    read_head(c, false).await
}

/// Appends `record` (its `seq` is assigned here) to the chain. Must run inside a write
/// transaction (`begin_write`), which it serialises against every other appender until commit.
pub async fn append(c: &impl ConnectionTrait, record: AuditRecord) -> StoreResult<ChainedEntry> {
    let mut entries = append_all(c, vec![record]).await?;
    Ok(entries.pop().expect("one entry appended"))
}

/// The head of the chain, locked until the transaction ends (on PostgreSQL; on SQLite the write
/// transaction already excludes every other appender).
pub async fn locked_head(c: &impl ConnectionTrait) -> StoreResult<Head> {
    read_head(c, true).await
}

/// Chains `records` after `head`: each gets the next sequence number, its time in whole
/// microseconds, and the hash of its content and the previous hash.
pub fn chain(head: &Head, records: Vec<AuditRecord>) -> Vec<ChainedEntry> {
    let (mut seq, mut prev) = (head.seq, head.hash.clone());
    let mut entries = Vec::with_capacity(records.len());
    for mut record in records {
        seq += 1;
        record.seq = seq;
        record.at = to_micros(record.at);
        let hash = record.chain_hash(&prev);
        let prev_hash = std::mem::replace(&mut prev, hash.clone());
        entries.push(ChainedEntry { record, prev_hash, hash });
    }
    entries
}

/// The head after `entries`, the last of a chain (None when there are none).
pub fn end_of(entries: &[ChainedEntry]) -> Option<Head> {
    entries.last().map(|e| Head { seq: e.record.seq, hash: e.hash.clone() })
}

/// Entries per insert statement (13 values each, well under every engine's parameter limit).
const APPEND_CHUNK: usize = 200;

/// Appends `records` to the chain in order, reading and locking the head once and moving it once:
/// a group of writes committed together pays for the head a single time. Must run inside a write
/// transaction (`begin_write`), which it serialises against every other appender until commit.
pub async fn append_all(c: &impl ConnectionTrait, records: Vec<AuditRecord>) -> StoreResult<Vec<ChainedEntry>> {
    if records.is_empty() {
        return Ok(vec![]);
    }
    let head = read_head(c, true).await?;
    let entries = chain(&head, records);
    for chunk in entries.chunks(APPEND_CHUNK) {
        let rows = chunk.iter().map(|e| audit_entry::ActiveModel {
            seq: Set(e.record.seq),
            at: Set(e.record.at),
            principal: Set(e.record.principal.clone()),
            token_id: Set(e.record.token_id),
            channel: Set(e.record.channel.clone()),
            access: Set(e.record.access.as_str().to_owned()),
            operation: Set(e.record.operation.clone()),
            record_kind: Set(e.record.record_kind.clone()),
            record_ids: Set(serde_json::to_string(&e.record.record_ids).expect("strings serialise")),
            case_refs: Set(serde_json::to_string(&e.record.case_refs).expect("strings serialise")),
            outcome: Set(e.record.outcome.clone()),
            prev_hash: Set(e.prev_hash.clone()),
            hash: Set(e.hash.clone()),
        });
        audit_entry::Entity::insert_many(rows).exec_without_returning(c).await?;
    }
    let cases: Vec<audit_case::ActiveModel> =
        entries.iter().flat_map(|e| e.record.case_refs.iter().map(|r| audit_case::ActiveModel { seq: Set(e.record.seq), case_ref: Set(r.clone()), ..Default::default() })).collect();
    for chunk in cases.chunks(APPEND_CHUNK * 4) {
        audit_case::Entity::insert_many(chunk.to_vec()).exec_without_returning(c).await?;
    }
    let end = end_of(&entries).unwrap_or(head);
    let backend = c.get_database_backend();
    let update = Statement::from_sql_and_values(
        backend,
        if backend == DbBackend::Postgres { "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1" } else { "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1" },
        [end.seq.into(), end.hash.into()],
    );
    c.execute_raw(update).await?;
    Ok(entries)
}

fn to_entry(r: audit_entry::Model) -> StoreResult<ChainedEntry> {
    let corrupt = |m: &str| StoreError::corrupt("audit_entry", r.seq, m);
    let list = |s: &str| serde_json::from_str::<Vec<String>>(s).map_err(|_| corrupt("a list column is not a JSON list of strings"));
    let record = AuditRecord {
        seq: r.seq,
        at: r.at,
        principal: r.principal.clone(),
        token_id: r.token_id,
        channel: r.channel.clone(),
        access: Access::parse(&r.access).ok_or_else(|| corrupt("access is neither READ nor WRITE"))?,
        operation: r.operation.clone(),
        record_kind: r.record_kind.clone(),
        record_ids: list(&r.record_ids)?,
        case_refs: list(&r.case_refs)?,
        outcome: r.outcome.clone(),
    };
    Ok(ChainedEntry { record, prev_hash: r.prev_hash, hash: r.hash })
}

/// Up to `limit` entries after `after_seq`, in chain order: verification reads the log in pages.
pub async fn page(c: &impl ConnectionTrait, after_seq: i64, limit: u64) -> StoreResult<Vec<ChainedEntry>> {
    let rows = audit_entry::Entity::find().filter(audit_entry::Column::Seq.gt(after_seq)).order_by_asc(audit_entry::Column::Seq).limit(limit).all(c).await?;
    rows.into_iter().map(to_entry).collect()
}

/// Every entry that touched a case, oldest first (through the `audit_case` index).
pub async fn touching_case(c: &impl ConnectionTrait, case_ref: &str) -> StoreResult<Vec<ChainedEntry>> {
    let seqs: Vec<i64> = audit_case::Entity::find().filter(audit_case::Column::CaseRef.eq(case_ref)).order_by_asc(audit_case::Column::Seq).all(c).await?.into_iter().map(|r| r.seq).collect();
    let mut out = Vec::with_capacity(seqs.len());
    for chunk in seqs.chunks(500) {
        let rows = audit_entry::Entity::find().filter(audit_entry::Column::Seq.is_in(chunk.to_vec())).order_by_asc(audit_entry::Column::Seq).all(c).await?;
        for r in rows {
            out.push(to_entry(r)?);
        }
    }
    Ok(out)
}

/// Every entry of a principal in `[from, to)`, oldest first.
pub async fn by_principal(c: &impl ConnectionTrait, principal: &str, from: DateTime<Utc>, to: DateTime<Utc>) -> StoreResult<Vec<ChainedEntry>> {
    let rows = audit_entry::Entity::find()
        .filter(audit_entry::Column::Principal.eq(principal))
        .filter(audit_entry::Column::At.gte(from))
        .filter(audit_entry::Column::At.lt(to))
        .order_by_asc(audit_entry::Column::Seq)
        .all(c)
        .await?;
    rows.into_iter().map(to_entry).collect()
}
