//! Each recorded use's money, kept priced: `priced_use` holds every used day with its amounts
//! (what settlement sums) and its `price_group` (what statements tell uses apart by, but the
//! month), `pricing_stale` the cases whose days must be priced again.
//!
//! Whatever changes an input of a use's price marks the cases it may touch stale, in its own
//! transaction: recording or cancelling marks the booking's case, a contract or facility change
//! the cases priced at that facility, a programme the resident municipality's cases, an agreement
//! its members' and host's, a prefecture's top-ups its municipalities' cases, new built-in rule
//! sets every case. Pricing again ([`lock`], [`stale_after`], [`replace`]) runs under one lock
//! per database, so that a change either commits before a batch reads its inputs or sees the
//! batch's rows when it marks.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, Statement, Value};
use sango_domain::{FiscalYear, LgCode, PrefectureCode, ServiceType, Yen};
use sango_settlement::{PricedUse, UseAmounts, UseKey};

use crate::entity::{booking, booking_day, price_group, priced_use};
use crate::error::{StoreError, StoreResult};

/// The advisory lock (PostgreSQL) that serialises pricing with the changes that mark cases.
const PRICING_LOCK: i64 = 0x5341_4e47_5052_4943;

/// One used day as priced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PricedDay {
    pub booking_id: i64,
    pub case_id: i64,
    /// Its key, payer, rule set and amounts (`uses` = 1; the key's date is the day of use).
    pub priced: PricedUse,
    /// The label of the stored top-up version in force that day, if any.
    pub top_ups: Option<String>,
    pub use_ordinal: u32,
    pub unit_price: Yen,
    pub user_fee: Yen,
    pub recorded_at: DateTime<Utc>,
}

/// Used days of one month summed: the same key (dated the first of the month), payer, rule set
/// and top-up version, recorded on the same side of every given time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PricedSum {
    pub priced: PricedUse,
    pub top_ups: Option<String>,
    /// When the last of them was recorded.
    pub last_recorded_at: DateTime<Utc>,
}

/// Which cases a change may touch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Touched {
    /// The case of a booking.
    Booking(i64),
    Case(i64),
    /// The cases with use priced at a facility.
    Facility(i64),
    /// The cases with use priced for residents of these municipalities.
    Residents(Vec<LgCode>),
    /// The cases with use priced for residents of a prefecture.
    Prefecture(PrefectureCode),
    /// Every case with recorded use.
    All,
}

/// Marks the cases `t` touches stale. Changes other than a booking's or a case's take the
/// pricing lock first, so that a batch being priced either sees the change or is marked by it
/// (a booking's or a case's mark waits for the batch holding it instead).
pub async fn mark(c: &impl ConnectionTrait, t: &Touched) -> StoreResult<()> {
    use price_group::Column as G;
    let priced = |cond: sea_orm::Condition| {
        Query::select()
            .distinct()
            .column((priced_use::Entity, priced_use::Column::CaseId))
            .from(priced_use::Entity)
            .inner_join(price_group::Entity, Expr::col((price_group::Entity, G::Id)).equals((priced_use::Entity, priced_use::Column::GroupId)))
            .cond_where(cond)
            .to_owned()
    };
    let g = |c: G| Expr::col((price_group::Entity, c));
    let select = match t {
        Touched::Booking(id) => Query::select().column(booking::Column::CaseId).from(booking::Entity).and_where(Expr::col(booking::Column::Id).eq(*id)).to_owned(),
        Touched::Case(id) => {
            let insert = Query::insert().into_table("pricing_stale").columns(["case_id"]).values_panic([(*id).into()]).on_conflict(upsert()).to_owned();
            c.execute(&insert).await?;
            return Ok(());
        }
        Touched::Facility(id) => priced(sea_orm::Condition::all().add(g(G::FacilityId).eq(*id))),
        Touched::Residents(ms) => priced(sea_orm::Condition::all().add(g(G::Resident).is_in(ms.iter().map(|m| m.to_string())))),
        Touched::Prefecture(p) => priced(sea_orm::Condition::all().add(g(G::Resident).like(format!("{p}%")))),
        Touched::All => Query::select()
            .distinct()
            .column((booking::Entity, booking::Column::CaseId))
            .from(booking_day::Entity)
            .inner_join(booking::Entity, Expr::col((booking::Entity, booking::Column::Id)).equals((booking_day::Entity, booking_day::Column::BookingId)))
            .and_where(Expr::col((booking_day::Entity, booking_day::Column::Outcome)).eq(sango_domain::Outcome::Used.as_str()))
            .to_owned(),
    };
    if !matches!(t, Touched::Booking(_)) {
        lock(c).await?;
    }
    let insert = Query::insert()
        .into_table("pricing_stale")
        .columns(["case_id"])
        .select_from(select)
        .map_err(|e| StoreError::Db(sea_orm::DbErr::Custom(e.to_string())))?
        .on_conflict(upsert())
        .to_owned();
    c.execute(&insert).await?;
    Ok(())
}

/// A no-op update rather than DO NOTHING: it waits for a batch holding the mark, and inserts the
/// mark again once that batch has removed it.
fn upsert() -> OnConflict {
    OnConflict::column("case_id").update_column("case_id").to_owned()
}

/// Takes the pricing lock until the end of the transaction (PostgreSQL; on SQLite a write
/// transaction already excludes every other writer).
pub async fn lock(c: &impl ConnectionTrait) -> StoreResult<()> {
    if c.get_database_backend() == DbBackend::Postgres {
        c.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, "SELECT pg_advisory_xact_lock($1)", [PRICING_LOCK.into()])).await?;
    }
    Ok(())
}

#[derive(FromQueryResult)]
struct CaseId {
    case_id: i64,
}

/// Whether any case with an id above `after` is stale (a plain read, locking nothing).
pub async fn any_stale_after(c: &impl ConnectionTrait, after: i64) -> StoreResult<bool> {
    let b = c.get_database_backend();
    let sql = format!("SELECT case_id FROM pricing_stale WHERE case_id > {} LIMIT 1", placeholder(b, 1));
    Ok(CaseId::find_by_statement(Statement::from_sql_and_values(b, sql, [after.into()])).one(c).await?.is_some())
}

/// Up to `limit` stale cases with ids above `after`, ascending, locked until the end of the
/// transaction on PostgreSQL (so that marking one of them again waits for the batch).
pub async fn stale_after(c: &impl ConnectionTrait, after: i64, limit: u64) -> StoreResult<Vec<i64>> {
    let b = c.get_database_backend();
    let lock = if b == DbBackend::Postgres { " FOR UPDATE" } else { "" };
    let sql = format!("SELECT case_id FROM pricing_stale WHERE case_id > {} ORDER BY case_id LIMIT {}{lock}", placeholder(b, 1), placeholder(b, 2));
    let rows = CaseId::find_by_statement(Statement::from_sql_and_values(b, sql, [after.into(), (limit as i64).into()])).all(c).await?;
    Ok(rows.into_iter().map(|r| r.case_id).collect())
}

/// The stale cases with a used day between `from` and `to`.
pub async fn stale_with_use_between(c: &impl ConnectionTrait, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<i64>> {
    let b = c.get_database_backend();
    let sql = format!(
        "SELECT DISTINCT s.case_id AS case_id FROM pricing_stale s JOIN booking k ON k.case_id = s.case_id \
         JOIN booking_day d ON d.booking_id = k.id WHERE d.outcome = 'USED' AND d.date BETWEEN {} AND {}",
        placeholder(b, 1),
        placeholder(b, 2)
    );
    Ok(CaseId::find_by_statement(Statement::from_sql_and_values(b, sql, [from.into(), to.into()])).all(c).await?.into_iter().map(|r| r.case_id).collect())
}

/// Replaces the priced days of `cases` (and any other priced day of the bookings in `days`) by
/// `days`, and clears the cases' marks.
pub async fn replace(c: &impl ConnectionTrait, cases: &[i64], days: &[PricedDay]) -> StoreResult<()> {
    for chunk in cases.chunks(1_000) {
        priced_use::Entity::delete_many().filter(priced_use::Column::CaseId.is_in(chunk.iter().copied())).exec(c).await?;
    }
    let mut bookings: Vec<i64> = days.iter().map(|d| d.booking_id).collect();
    bookings.sort_unstable();
    bookings.dedup();
    for chunk in bookings.chunks(1_000) {
        priced_use::Entity::delete_many().filter(priced_use::Column::BookingId.is_in(chunk.iter().copied())).exec(c).await?;
    }
    let groups = group_ids(c, days).await?;
    // 1,000 rows of 21 columns stay under SQLite's 32,766 bound variables per statement.
    for chunk in days.chunks(1_000) {
        priced_use::Entity::insert_many(chunk.iter().map(|d| to_row(d, groups[&GroupKey::of(d)]))).exec_without_returning(c).await?;
    }
    for chunk in cases.chunks(1_000) {
        let delete = Query::delete().from_table("pricing_stale").and_where(Expr::col("case_id").is_in(chunk.iter().copied())).to_owned();
        c.execute(&delete).await?;
    }
    Ok(())
}

/// A `price_group` row's columns.
#[derive(Clone, Debug, PartialEq, Eq, Hash, FromQueryResult)]
struct GroupKey {
    resident: String,
    payer: String,
    facility_id: i64,
    facility_municipality: String,
    service_type: String,
    agreement: String,
    rule_set: String,
    top_ups: String,
}

impl GroupKey {
    fn of(d: &PricedDay) -> Self {
        let k = &d.priced.key;
        GroupKey {
            resident: k.resident.to_string(),
            payer: d.priced.payer.to_string(),
            facility_id: k.facility_id,
            facility_municipality: k.facility_municipality.to_string(),
            service_type: k.service_type.as_str().to_owned(),
            agreement: k.agreement.clone().unwrap_or_default(),
            rule_set: d.priced.rule_set.clone(),
            top_ups: d.top_ups.clone().unwrap_or_default(),
        }
    }

    fn of_row(g: price_group::Model) -> (Self, i64) {
        let key = GroupKey {
            resident: g.resident,
            payer: g.payer,
            facility_id: g.facility_id,
            facility_municipality: g.facility_municipality,
            service_type: g.service_type,
            agreement: g.agreement,
            rule_set: g.rule_set,
            top_ups: g.top_ups,
        };
        (key, g.id)
    }
}

/// The id of the group of every day in `days`, creating the groups not seen before.
async fn group_ids(c: &impl ConnectionTrait, days: &[PricedDay]) -> StoreResult<HashMap<GroupKey, i64>> {
    use price_group::Column as G;
    let mut wanted: Vec<GroupKey> = days.iter().map(GroupKey::of).collect::<HashSet<_>>().into_iter().collect();
    let mut facilities: Vec<i64> = wanted.iter().map(|k| k.facility_id).collect();
    facilities.sort_unstable();
    facilities.dedup();
    let mut known: HashMap<GroupKey, i64> = HashMap::new();
    for chunk in facilities.chunks(1_000) {
        known.extend(price_group::Entity::find().filter(G::FacilityId.is_in(chunk.iter().copied())).all(c).await?.into_iter().map(GroupKey::of_row));
    }
    wanted.retain(|k| !known.contains_key(k));
    for k in wanted {
        let row = price_group::ActiveModel {
            resident: Set(k.resident.clone()),
            payer: Set(k.payer.clone()),
            facility_id: Set(k.facility_id),
            facility_municipality: Set(k.facility_municipality.clone()),
            service_type: Set(k.service_type.clone()),
            agreement: Set(k.agreement.clone()),
            rule_set: Set(k.rule_set.clone()),
            top_ups: Set(k.top_ups.clone()),
            ..Default::default()
        }
        .insert(c)
        .await?;
        known.insert(k, row.id);
    }
    Ok(known)
}

fn to_row(d: &PricedDay, group_id: i64) -> priced_use::ActiveModel {
    let (k, a) = (&d.priced.key, &d.priced.amounts);
    let fy = FiscalYear::containing(k.date);
    priced_use::ActiveModel {
        booking_id: Set(d.booking_id),
        date: Set(k.date),
        case_id: Set(d.case_id),
        fiscal_year: Set(fy.year()),
        month: Set(first_of_month(k.date)),
        group_id: Set(group_id),
        use_ordinal: Set(d.use_ordinal as i32),
        unit_price: Set(d.unit_price.0),
        user_fee: Set(d.user_fee.0),
        addition_total: Set(a.addition_total.0),
        gross_cost: Set(a.gross_cost.0),
        reduction: Set(a.reduction.0),
        user_pays: Set(a.user_pays.0),
        public_cost: Set(a.public_cost.0),
        eligible_cost: Set(a.eligible_cost.0),
        national: Set(a.national.0),
        prefecture: Set(a.prefecture.0),
        municipality: Set(a.municipality.0),
        prefecture_top_up: Set(a.prefecture_top_up.0),
        recorded_at: Set(d.recorded_at),
    }
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(chrono::Datelike::year(&d), chrono::Datelike::month(&d), 1).expect("day 1 exists")
}

fn placeholder(b: DbBackend, n: usize) -> String {
    if b == DbBackend::Postgres { format!("${n}") } else { "?".to_owned() }
}

/// The amounts summed, in the order of [`UseAmounts`]' fields.
const AMOUNTS: [&str; 10] = ["addition_total", "gross_cost", "reduction", "user_pays", "public_cost", "eligible_cost", "national", "prefecture", "municipality", "prefecture_top_up"];

#[derive(FromQueryResult)]
struct SumRow {
    month: NaiveDate,
    #[sea_orm(nested)]
    group: GroupKey,
    uses: i64,
    last_recorded_at: DateTime<Utc>,
    addition_total: i64,
    gross_cost: i64,
    reduction: i64,
    user_pays: i64,
    public_cost: i64,
    eligible_cost: i64,
    national: i64,
    prefecture: i64,
    municipality: i64,
    prefecture_top_up: i64,
}

/// The priced days of `fy`, summed per month and group (key, payer, rule set, top-up version) and
/// by which of `split_at` they were recorded after: one `GROUP BY` over `priced_use` on two
/// narrow keys, joined to the groups after summing.
pub async fn sums(c: &impl ConnectionTrait, fy: FiscalYear, split_at: &[DateTime<Utc>]) -> StoreResult<Vec<PricedSum>> {
    let b = c.get_database_backend();
    let mut values: Vec<Value> = vec![fy.year().into()];
    let mut side = Vec::with_capacity(split_at.len());
    for t in split_at {
        values.push((*t).into());
        side.push(format!("CASE WHEN recorded_at > {} THEN 1 ELSE 0 END", placeholder(b, values.len())));
    }
    // (A constant would name a column to SQLite's GROUP BY.)
    let side = if side.is_empty() { String::new() } else { format!(", {}", side.join(" + ")) };
    let sums: Vec<String> = AMOUNTS.iter().map(|a| format!("CAST(SUM({a}) AS BIGINT) AS {a}")).collect();
    let sql = format!(
        "SELECT g.resident, g.payer, g.facility_id, g.facility_municipality, g.service_type, g.agreement, g.rule_set, g.top_ups, s.* \
         FROM (SELECT group_id, month, COUNT(*) AS uses, MAX(recorded_at) AS last_recorded_at, {} FROM priced_use \
         WHERE fiscal_year = {} GROUP BY group_id, month{side}) s JOIN price_group g ON g.id = s.group_id",
        sums.join(", "),
        placeholder(b, 1)
    );
    let rows = SumRow::find_by_statement(Statement::from_sql_and_values(b, sql, values)).all(c).await?;
    rows.into_iter().map(to_sum).collect()
}

fn to_sum(r: SumRow) -> StoreResult<PricedSum> {
    let g = r.group;
    let bad = |m: String| StoreError::corrupt("price_group", g.facility_id, m);
    let code = |s: &str| LgCode::parse(s).map_err(|e| bad(e.to_string()));
    let key = UseKey {
        date: r.month,
        resident: code(&g.resident)?,
        facility_id: g.facility_id,
        facility_municipality: code(&g.facility_municipality)?,
        service_type: ServiceType::parse(&g.service_type).map_err(|e| bad(e.to_string()))?,
        agreement: Some(g.agreement).filter(|a| !a.is_empty()),
    };
    let amounts = UseAmounts {
        addition_total: Yen(r.addition_total),
        gross_cost: Yen(r.gross_cost),
        reduction: Yen(r.reduction),
        user_pays: Yen(r.user_pays),
        public_cost: Yen(r.public_cost),
        eligible_cost: Yen(r.eligible_cost),
        national: Yen(r.national),
        prefecture: Yen(r.prefecture),
        municipality: Yen(r.municipality),
        prefecture_top_up: Yen(r.prefecture_top_up),
    };
    let uses = u64::try_from(r.uses).map_err(|e| bad(e.to_string()))?;
    let priced = PricedUse { key, rule_set: g.rule_set, payer: code(&g.payer)?, uses, amounts };
    Ok(PricedSum { priced, top_ups: Some(g.top_ups).filter(|t| !t.is_empty()), last_recorded_at: r.last_recorded_at })
}

#[derive(FromQueryResult)]
struct Fingerprint {
    fingerprint: String,
}

/// Records that days are priced under the built-in rule sets with `fingerprint`; when they were
/// priced under others (or none), marks every case stale. Returns whether it did.
pub async fn rules_in_force(c: &impl ConnectionTrait, fingerprint: &str) -> StoreResult<bool> {
    let b = c.get_database_backend();
    lock(c).await?;
    let stored = Fingerprint::find_by_statement(Statement::from_string(b, "SELECT fingerprint FROM priced_rules")).all(c).await?;
    if stored.len() == 1 && stored[0].fingerprint == fingerprint {
        return Ok(false);
    }
    c.execute_unprepared("DELETE FROM priced_rules").await?;
    c.execute_raw(Statement::from_sql_and_values(b, format!("INSERT INTO priced_rules (fingerprint) VALUES ({})", placeholder(b, 1)), [fingerprint.into()])).await?;
    mark(c, &Touched::All).await?;
    Ok(true)
}
