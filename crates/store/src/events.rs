//! The append-only event log: who changed what, when and why.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entity::event;
use crate::error::StoreResult;

/// One recorded state change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub kind: String,
    pub subject: String,
    pub reason: Option<String>,
    pub data: serde_json::Value,
}

/// Appends an event.
pub async fn append(c: &impl ConnectionTrait, at: DateTime<Utc>, actor: &str, kind: &str, subject: &str, reason: Option<&str>, data: serde_json::Value) -> StoreResult<()> {
    event::ActiveModel {
        at: Set(at),
        actor: Set(actor.to_owned()),
        kind: Set(kind.to_owned()),
        subject: Set(subject.to_owned()),
        reason: Set(reason.map(str::to_owned)),
        data: Set(data.to_string()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(())
}

/// An event to append.
#[derive(Clone, Debug)]
pub struct NewEvent<'a> {
    pub at: DateTime<Utc>,
    pub actor: &'a str,
    pub kind: &'a str,
    pub subject: &'a str,
    pub reason: Option<&'a str>,
    pub data: &'a serde_json::Value,
}

/// Events per insert statement.
const APPEND_CHUNK: usize = 500;

/// Appends several events in order with one statement per chunk.
pub async fn append_all(c: &impl ConnectionTrait, events: &[NewEvent<'_>]) -> StoreResult<()> {
    for chunk in events.chunks(APPEND_CHUNK) {
        let rows = chunk.iter().map(|e| event::ActiveModel {
            at: Set(e.at),
            actor: Set(e.actor.to_owned()),
            kind: Set(e.kind.to_owned()),
            subject: Set(e.subject.to_owned()),
            reason: Set(e.reason.map(str::to_owned)),
            data: Set(e.data.to_string()),
            ..Default::default()
        });
        event::Entity::insert_many(rows).exec_without_returning(c).await?;
    }
    Ok(())
}

/// The events of the given subjects, oldest first.
pub async fn of_subjects(c: &impl ConnectionTrait, subjects: &[String]) -> StoreResult<Vec<Event>> {
    let rows = event::Entity::find().filter(event::Column::Subject.is_in(subjects.to_vec())).order_by_asc(event::Column::Id).all(c).await?;
    Ok(rows
        .into_iter()
        .map(|r| Event { id: r.id, at: r.at, actor: r.actor, kind: r.kind, subject: r.subject, reason: r.reason, data: serde_json::from_str(&r.data).unwrap_or(serde_json::Value::Null) })
        .collect())
}
