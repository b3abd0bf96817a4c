//! Locking and reading what a group of first-come bookings is decided on: its cases, each with
//! the days it holds, and its slots, each with its taken count and its capacity that day. Once
//! read, none of it can change before the group's transaction ends.

use chrono::NaiveDate;
use sango_domain::ServiceType;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::calendar::{self, SlotState};
use crate::cases::{self, CaseHolding};
use crate::error::StoreResult;

/// A slot's key: facility, type and date.
pub type SlotKey = (i64, ServiceType, NaiveDate);

/// The group's cases and slots as they stand under its locks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Locked {
    /// The cases found, in id order, each with the days it holds.
    pub cases: Vec<CaseHolding>,
    pub slots: Vec<SlotState>,
}

/// Slots per locking statement on SQLite (3 values each).
const LOCK_CHUNK: usize = 1_000;

/// Locks the cases with these references and then the slots with these keys (creating missing
/// slot rows, none taken), and reads them. Every writer takes its locks in this order — cases in id
/// order, then slots in key order — so two writers cannot deadlock.
///
/// On PostgreSQL this is two statements. The first locks the cases and then the slots: an upsert
/// whose update never applies (`WHERE false`) still locks each existing row, as the documentation
/// of `ON CONFLICT` says, without writing a new version of it. (A version written here would also
/// make the group's own update of the row check its facility's foreign key again.) The second
/// statement reads the cases' holdings and the slots: it must be a statement of its own, since one
/// that waited for a lock still reads other rows as they were when it began. On SQLite the write
/// transaction holds the database's write lock from its start (see `begin_write`), and the slots
/// are read by the upsert that creates them.
pub async fn lock(c: &impl ConnectionTrait, references: &[&str], keys: &[SlotKey]) -> StoreResult<Locked> {
    if c.get_database_backend() == DbBackend::Postgres { lock_on_postgres(c, references, keys).await } else { lock_on_sqlite(c, references, keys).await }
}

/// The first statement: the cases (named by the JSON array `$1`) locked in id order, and then the
/// slots (keys in the JSON array `$2`) created or locked in key order. The condition on the count
/// of locked cases is a one-time filter: it is evaluated, and so the cases locked, before the first
/// slot row is. The cases and keys are JSON parameters, so that the statement's text is the same
/// for every group and each connection prepares and plans it once.
const LOCK_SQL: &str = "\
WITH locked_case AS (
    SELECT id FROM care_case WHERE reference = ANY (ARRAY(SELECT jsonb_array_elements_text($1::jsonb))) ORDER BY id FOR UPDATE
)
INSERT INTO slot (facility_id, service_type, date, taken)
SELECT (v->>0)::bigint, v->>1, (v->>2)::date, 0 FROM jsonb_array_elements($2::jsonb) AS v
WHERE (SELECT count(*) FROM locked_case) >= 0 ORDER BY 1, 2, 3
ON CONFLICT (facility_id, service_type, date) DO UPDATE SET taken = slot.taken WHERE false";

async fn lock_on_postgres(c: &impl ConnectionTrait, references: &[&str], keys: &[SlotKey]) -> StoreResult<Locked> {
    let rows: Vec<(i64, &str, NaiveDate)> = keys.iter().map(|(f, t, d)| (*f, t.as_str(), *d)).collect();
    let values: Vec<sea_orm::Value> = vec![serde_json::to_string(references).expect("references serialise").into(), serde_json::to_string(&rows).expect("keys serialise").into()];
    c.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, LOCK_SQL, values.clone())).await?;

    // The holdings and the slots in one result: a full join on false gives each row of either
    // side once, with the other side's columns null. Each slot is read through its key by a
    // lateral subquery (kept apart by OFFSET 0), as the holdings read each case's bookings.
    let capacity = calendar::capacity_sql("s.facility_id", "s.service_type", "s.date");
    let holdings = cases::holdings_sql(DbBackend::Postgres, "c.reference = ANY (ARRAY(SELECT jsonb_array_elements_text($1::jsonb)))");
    let sql = format!(
        "SELECT * FROM ({holdings}) h FULL JOIN (\
           SELECT s.facility_id AS slot_facility_id, s.service_type AS slot_service_type, s.date AS slot_date, \
                  CAST(s.taken AS BIGINT) AS slot_taken, CAST({capacity} AS BIGINT) AS slot_capacity \
           FROM jsonb_array_elements($2::jsonb) AS v CROSS JOIN LATERAL (\
             SELECT * FROM slot WHERE slot.facility_id = (v->>0)::bigint AND slot.service_type = v->>1 AND slot.date = (v->>2)::date OFFSET 0) s\
         ) k ON false ORDER BY h.id"
    );
    let mut locked = Locked::default();
    for row in c.query_all_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, values)).await? {
        match row.try_get::<Option<i64>>("", "slot_facility_id")? {
            Some(facility_id) => locked.slots.push(calendar::slot_state(&row, facility_id, "slot_")?),
            None => cases::push_holding(&row, &mut locked.cases)?,
        }
    }
    Ok(locked)
}

async fn lock_on_sqlite(c: &impl ConnectionTrait, references: &[&str], keys: &[SlotKey]) -> StoreResult<Locked> {
    let capacity = calendar::capacity_sql("slot.facility_id", "slot.service_type", "slot.date");
    let mut locked = Locked { cases: cases::holdings(c, references).await?, slots: Vec::with_capacity(keys.len()) };
    for chunk in keys.chunks(LOCK_CHUNK) {
        let rows: Vec<String> = (0..chunk.len()).map(|i| format!("(?{}, ?{}, ?{}, 0)", 3 * i + 1, 3 * i + 2, 3 * i + 3)).collect();
        let values: Vec<sea_orm::Value> = chunk.iter().flat_map(|(f, t, d)| [(*f).into(), t.as_str().into(), (*d).into()]).collect();
        let sql = format!(
            "INSERT INTO slot (facility_id, service_type, date, taken) VALUES {} \
             ON CONFLICT (facility_id, service_type, date) DO UPDATE SET taken = slot.taken \
             RETURNING facility_id, service_type, date, CAST(taken AS BIGINT) AS taken, CAST({capacity} AS BIGINT) AS capacity",
            rows.join(", ")
        );
        for row in c.query_all_raw(Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)).await? {
            let facility_id = row.try_get("", "facility_id")?;
            locked.slots.push(calendar::slot_state(&row, facility_id, "")?);
        }
    }
    Ok(locked)
}
