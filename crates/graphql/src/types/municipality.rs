//! `Municipality`: a registered municipality.

use async_graphql::Object;
use sango_domain::prefectures::prefecture_name;
use sango_service::Municipality as Record;

use super::Location;
use crate::scalars::LgCode;

pub struct Municipality(pub Record);

#[Object]
impl Municipality {
    /// 全国地方公共団体コード, 6 digits with check digit.
    async fn code(&self) -> LgCode {
        LgCode(self.0.code)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Reading in hiragana.
    async fn kana(&self) -> &str {
        &self.0.kana
    }
    async fn en_name(&self) -> &str {
        &self.0.en_name
    }
    /// Two-digit prefecture code.
    async fn prefecture(&self) -> String {
        self.0.prefecture.to_string()
    }
    async fn prefecture_name(&self) -> &'static str {
        prefecture_name(self.0.prefecture).0
    }
    /// Residents (0 where the registry has no figure).
    async fn population(&self) -> i64 {
        self.0.population
    }
    /// Births per year (0 where the registry has no figure).
    async fn births(&self) -> i64 {
        self.0.births
    }
    /// Area-weighted centroid of the boundary.
    async fn centroid(&self) -> Location {
        self.0.centroid.into()
    }
}

/// Expected uses of one type in one month.
#[derive(async_graphql::SimpleObject)]
pub struct MonthlyDemand {
    /// First day of the month.
    pub month: crate::scalars::Date,
    pub service_type: crate::enums::ServiceType,
    pub uses: u32,
    /// Generated for the demo, not observed.
    pub synthetic: bool,
}

impl From<sango_service::MonthlyDemand> for MonthlyDemand {
    fn from(d: sango_service::MonthlyDemand) -> Self {
        Self { month: crate::scalars::Date(d.month), service_type: d.service_type.into(), uses: d.uses, synthetic: d.synthetic }
    }
}
