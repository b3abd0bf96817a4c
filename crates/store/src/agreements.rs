//! Mutual-use agreement versions: an amendment marks the old row not current and appends the
//! next version; nothing is overwritten.

use chrono::{DateTime, Utc};
use sango_domain::{LgCode, PrefectureCode};
use sango_settlement::AgreementTerms;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr};

use crate::entity::agreement;
use crate::error::{StoreError, StoreResult};
use crate::records::AgreementVersion;

/// Every version of every agreement, of one prefecture or of all, by code and version.
pub async fn all_versions(c: &impl ConnectionTrait, prefecture: Option<PrefectureCode>) -> StoreResult<Vec<AgreementVersion>> {
    let mut q = agreement::Entity::find().order_by_asc(agreement::Column::Code).order_by_asc(agreement::Column::Version);
    if let Some(p) = prefecture {
        q = q.filter(agreement::Column::PrefectureCode.eq(p.to_string()));
    }
    q.all(c).await?.into_iter().map(to_record).collect()
}

/// Every version of one agreement, oldest first.
pub async fn history(c: &impl ConnectionTrait, code: &str) -> StoreResult<Vec<AgreementVersion>> {
    agreement::Entity::find()
        .filter(agreement::Column::Code.eq(code))
        .order_by_asc(agreement::Column::Version)
        .all(c)
        .await?
        .into_iter()
        .map(to_record)
        .collect()
}

/// Appends the next version of `terms.code` (version 1 if there is none) and retires the prior
/// one. A concurrent writer of the same version loses on the unique index. The cases of every
/// municipality it names, before or after, are to be priced again.
pub async fn append(c: &impl ConnectionTrait, prior: Option<&AgreementVersion>, terms: &AgreementTerms, actor: &str, now: DateTime<Utc>) -> StoreResult<AgreementVersion> {
    let named = prior.into_iter().map(|p| &p.terms).chain([terms]).flat_map(|t| t.members.iter().copied().chain([t.host])).collect();
    crate::pricing::mark(c, &crate::pricing::Touched::Residents(named)).await?;
    if let Some(p) = prior {
        agreement::Entity::update_many().col_expr(agreement::Column::Current, Expr::value(false)).filter(agreement::Column::Id.eq(p.id)).exec(c).await?;
    }
    let members = serde_json::to_string(&terms.members.iter().map(|m| m.to_string()).collect::<Vec<_>>()).map_err(|e| StoreError::corrupt("agreement", &terms.code, e))?;
    let row = agreement::ActiveModel {
        code: Set(terms.code.clone()),
        version: Set(prior.map_or(1, |p| p.version + 1)),
        current: Set(true),
        prefecture_code: Set(terms.host.prefecture().to_string()),
        name: Set(terms.name.clone()),
        host_code: Set(terms.host.to_string()),
        members: Set(members),
        valid_from: Set(terms.valid_from),
        valid_to: Set(terms.valid_to),
        created_at: Set(now),
        created_by: Set(actor.to_owned()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    to_record(row)
}

fn to_record(r: agreement::Model) -> StoreResult<AgreementVersion> {
    let bad = |m: String| StoreError::corrupt("agreement", r.id, m);
    let prefecture = PrefectureCode::parse(&r.prefecture_code).map_err(|e| bad(e.to_string()))?;
    let host = LgCode::parse(&r.host_code).map_err(|e| bad(e.to_string()))?;
    let codes: Vec<String> = serde_json::from_str(&r.members).map_err(|e| bad(e.to_string()))?;
    let members = codes.iter().map(|m| LgCode::parse(m)).collect::<Result<Vec<_>, _>>().map_err(|e| bad(e.to_string()))?;
    let terms = AgreementTerms { code: r.code, name: r.name, host, members, valid_from: r.valid_from, valid_to: r.valid_to };
    Ok(AgreementVersion { id: r.id, version: r.version, current: r.current, prefecture, terms, created_at: r.created_at, created_by: r.created_by })
}
