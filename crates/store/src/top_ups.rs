//! A prefecture's own top-up versions: appended, never changed.

use chrono::{DateTime, Utc};
use sango_domain::PrefectureCode;
use sango_settlement::{TopUpKind, TopUpVersion};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entity::prefecture_top_up;
use crate::error::{StoreError, StoreResult};
use crate::records::StoredTopUps;

/// Every version, of one prefecture or of all, by prefecture and version.
pub async fn all_versions(c: &impl ConnectionTrait, prefecture: Option<PrefectureCode>) -> StoreResult<Vec<StoredTopUps>> {
    let mut q = prefecture_top_up::Entity::find().order_by_asc(prefecture_top_up::Column::PrefectureCode).order_by_asc(prefecture_top_up::Column::Version);
    if let Some(p) = prefecture {
        q = q.filter(prefecture_top_up::Column::PrefectureCode.eq(p.to_string()));
    }
    q.all(c).await?.into_iter().map(to_record).collect()
}

/// Appends the next version of the prefecture's top-ups; `version` in `v` is ignored and
/// assigned here. A concurrent writer of the same version loses on the unique index. The cases
/// of the prefecture's municipalities with priced use are to be priced again.
pub async fn append(c: &impl ConnectionTrait, v: &TopUpVersion, actor: &str, now: DateTime<Utc>) -> StoreResult<StoredTopUps> {
    crate::pricing::mark(c, &crate::pricing::Touched::Prefecture(v.prefecture)).await?;
    let version = all_versions(c, Some(v.prefecture)).await?.last().map_or(1, |s| s.top_ups.version as i32 + 1);
    let kinds = serde_json::to_string(&v.kinds).map_err(|e| StoreError::corrupt("prefecture_top_up", v.prefecture, e))?;
    let row = prefecture_top_up::ActiveModel {
        prefecture_code: Set(v.prefecture.to_string()),
        version: Set(version),
        effective_from: Set(v.effective_from),
        kinds: Set(kinds),
        created_at: Set(now),
        created_by: Set(actor.to_owned()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    to_record(row)
}

fn to_record(r: prefecture_top_up::Model) -> StoreResult<StoredTopUps> {
    let bad = |m: String| StoreError::corrupt("prefecture_top_up", r.id, m);
    let prefecture = PrefectureCode::parse(&r.prefecture_code).map_err(|e| bad(e.to_string()))?;
    let kinds: Vec<TopUpKind> = serde_json::from_str(&r.kinds).map_err(|e| bad(e.to_string()))?;
    let version = u32::try_from(r.version).map_err(|e| bad(e.to_string()))?;
    let top_ups = TopUpVersion { prefecture, version, effective_from: r.effective_from, kinds };
    Ok(StoredTopUps { id: r.id, top_ups, created_at: r.created_at, created_by: r.created_by })
}
