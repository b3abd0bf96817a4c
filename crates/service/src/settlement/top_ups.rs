//! A prefecture's own top-ups (上乗せ補助): its finance staff append a version that applies from
//! its effective date; history is never overwritten. Settlement lays the versions over the rule
//! sets' top-ups and names the version it applied in an issued statement.

use chrono::NaiveDate;
use sango_domain::{PrefectureCode, Principal};
use sango_settlement::{TopUpKind, TopUpVersion};
use sango_store::StoredTopUps;

use crate::auth::Caller;
use crate::error::{ServiceError, ServiceResult};
use crate::hub::Hub;

/// May read the top-up versions of prefecture `pref`: its own roles, its municipalities' staff, admins.
fn may_read(p: &Principal, pref: PrefectureCode) -> bool {
    p.may_read_prefecture_aggregates(pref)
}

impl Hub {
    /// Every stored version of a prefecture's top-ups, oldest first (empty: the rule sets' apply).
    /// NOT_FOUND outside the caller's prefecture.
    pub async fn prefecture_top_ups(&self, caller: &Caller, prefecture: PrefectureCode) -> ServiceResult<Vec<StoredTopUps>> {
        let p = caller.require()?;
        if !may_read(p, prefecture) {
            return Err(ServiceError::not_found("prefecture", format!("no top-ups of prefecture {prefecture}")));
        }
        Ok(sango_store::top_ups::all_versions(&self.db, Some(prefecture)).await?)
    }

    /// Appends a version of the prefecture's top-ups, in force from `effective_from`: the
    /// prefecture's finance staff (or an admin) only. The kinds are checked as a rule set's are.
    pub async fn set_prefecture_top_ups(&self, caller: &Caller, prefecture: PrefectureCode, effective_from: NaiveDate, kinds: Vec<TopUpKind>) -> ServiceResult<StoredTopUps> {
        let p = caller.require()?;
        if !may_read(p, prefecture) {
            return Err(ServiceError::not_found("prefecture", format!("no top-ups of prefecture {prefecture}")));
        }
        if !matches!(p, Principal::Admin) && *p != Principal::PrefectureFinance(prefecture) {
            return Err(ServiceError::forbidden(format!("{p} may not change the top-ups of prefecture {prefecture}; its finance staff do")));
        }
        let draft = TopUpVersion { prefecture, version: 1, effective_from, kinds };
        draft.validate()?;
        let txn = sango_store::begin_write(&self.db).await?;
        let saved = match sango_store::top_ups::append(&txn, &draft, &caller.actor(), self.now()).await {
            Err(e) if e.is_unique_violation() => return Err(ServiceError::conflict("kinds", "another change to these top-ups was saved at the same moment; reload and retry")),
            other => other?,
        };
        self.audit_write(&txn, caller, "setPrefectureTopUps", "prefecture", crate::audit::Touched::new([saved.top_ups.label()], [])).await?;
        txn.commit().await?;
        Ok(saved)
    }
}
