//! Seeding a demo prefecture: real municipalities and boundaries, synthetic facilities,
//! programmes and contracts from the deterministic generator.

use sango_demo::{DemoConfig, DemoMunicipality, births_for, generate, tottori_population};
use sango_domain::{FiscalYear, PrefectureCode};
use sango_spatial::geometry_json::from_geojson;
use sango_store::calendar::DayCount;
use sango_store::demand::MonthlyDemand;
use sango_store::facilities::FacilityFilter;

use crate::auth::Caller;
use crate::error::{ServiceError, ServiceResult};
use crate::hub::Hub;

/// Population assumed per municipality outside Tottori, where the registry has none (weights only).
const UNKNOWN_POPULATION: i64 = 30_000;

/// What seeding did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoSummary {
    pub prefecture: PrefectureCode,
    pub municipalities: usize,
    pub facilities: usize,
    pub programs: usize,
    pub contracts: usize,
    /// Cases with recorded use in the past fiscal year.
    pub uses: usize,
    /// False when the prefecture already had facilities and nothing was written.
    pub seeded: bool,
}

impl Hub {
    /// Seeds `prefecture` once: if it already has facilities, reports them and writes nothing.
    /// Tottori's municipalities get real-shaped populations summing to 534,003.
    pub async fn seed_demo(&self, prefecture: PrefectureCode, seed: u64, facilities: Option<usize>, fiscal_years: &[FiscalYear]) -> ServiceResult<DemoSummary> {
        let filter = FacilityFilter { prefecture: Some(prefecture), ..Default::default() };
        let existing = sango_store::facilities::list(&self.db, &filter, None, u64::MAX >> 1).await?;
        let municipalities = sango_store::municipalities::list_with_boundaries(&self.db).await?;
        let municipalities: Vec<_> = municipalities.into_iter().filter(|m| m.municipality.prefecture == prefecture).collect();
        if municipalities.is_empty() {
            return Err(ServiceError::bad_input("prefecture", format!("no municipalities are registered in prefecture {prefecture}")));
        }
        if !existing.is_empty() {
            return Ok(DemoSummary { prefecture, municipalities: municipalities.len(), facilities: existing.len(), programs: 0, contracts: 0, uses: 0, seeded: false });
        }
        let mut demo_ms = Vec::with_capacity(municipalities.len());
        for m in &municipalities {
            let shape = from_geojson(&m.boundary_geojson).map_err(ServiceError::internal)?;
            let population = tottori_population(m.municipality.code).unwrap_or(UNKNOWN_POPULATION);
            demo_ms.push(DemoMunicipality { code: m.municipality.code, name: m.municipality.name.clone(), population, shape });
        }
        let data = generate(&demo_ms, &DemoConfig { seed, facilities, fiscal_years: fiscal_years.to_vec() });

        let admin = Caller::Principal(sango_domain::Principal::Admin);
        let actor = "demo";
        let now = self.now();
        let txn = sango_store::begin_write(&self.db).await?;
        for (m, dm) in municipalities.iter().zip(&demo_ms) {
            if let Some(population) = tottori_population(dm.code) {
                let mut row = m.clone();
                row.municipality.population = population;
                row.municipality.births = births_for(population);
                sango_store::municipalities::upsert_municipality(&txn, &row).await?;
            }
        }
        let mut ids = Vec::with_capacity(data.facilities.len());
        for (intended, draft) in &data.facilities {
            let at = self.municipality_at(draft.location).unwrap_or(*intended);
            ids.push(sango_store::facilities::insert(&txn, draft, at, actor, now).await?);
        }
        let taken: Vec<DayCount> = data.taken.iter().map(|(i, t, date, n)| DayCount { facility_id: ids[*i], service_type: *t, date: *date, count: *n }).collect();
        sango_store::calendar::set_taken(&txn, &taken).await?;
        for (m, fy, rules) in &data.programs {
            sango_store::programs::append(&txn, *m, *fy, rules, actor, now).await?;
        }
        for c in &data.contracts {
            let mut terms = c.terms.clone();
            terms.facility_id = ids[c.facility_index];
            self.create_contract_in(&txn, &admin, &terms).await?;
        }
        self.seed_uses(&txn, &data.uses, &ids).await?;
        if let Some(a) = &data.agreement {
            let host_name = demo_ms.iter().find(|m| m.code == a.host).map_or_else(|| a.host.to_string(), |m| m.name.clone());
            let terms = sango_settlement::AgreementTerms {
                code: format!("demo-{}", a.host),
                name: format!("{host_name}ほか産後ケア広域化協定（架空）"),
                host: a.host,
                members: a.members.clone(),
                valid_from: fiscal_years.iter().min().map_or_else(|| self.now().date_naive(), |fy| fy.first_day()),
                valid_to: None,
            };
            sango_store::agreements::append(&txn, None, &terms, actor, now).await?;
        }
        let demand: Vec<MonthlyDemand> = data
            .demand
            .iter()
            .map(|(m, month, t, uses)| MonthlyDemand { municipality: *m, month: *month, service_type: *t, uses: *uses, synthetic: true })
            .collect();
        for chunk in demand.chunks(500) {
            sango_store::demand::upsert(&txn, chunk).await?;
        }
        let admin = crate::Caller::Principal(sango_domain::Principal::Admin);
        self.audit_write(&txn, &admin, "seedDemo", "prefecture", crate::audit::Touched::new([prefecture.to_string()], [])).await?;
        txn.commit().await?;
        self.refresh_search().await?;
        self.wake_pricing();
        Ok(DemoSummary {
            prefecture,
            municipalities: municipalities.len(),
            facilities: ids.len(),
            programs: data.programs.len(),
            contracts: data.contracts.len(),
            uses: data.uses.len(),
            seeded: true,
        })
    }
}

impl Hub {
    /// Stores the demo's recorded use: a case, a booking taking its slots, and every day recorded as used.
    async fn seed_uses(&self, txn: &sango_store::DatabaseTransaction, uses: &[sango_demo::DemoUse], ids: &[i64]) -> ServiceResult<()> {
        let now = self.now();
        let mut taken: std::collections::BTreeMap<(i64, sango_domain::ServiceType, chrono::NaiveDate), u32> = Default::default();
        for u in uses {
            let profile = sango_domain::CaseProfile {
                municipality: u.municipality,
                tier: u.tier,
                infant_birth_date: u.infant_birth,
                multiples: u.multiples,
                high_need: u.high_need,
                coordination: false,
                registered_on: u.infant_birth,
            };
            let case = sango_store::cases::insert(txn, &crate::cases::reference('C'), &profile, "demo", now).await?;
            let facility_id = ids[u.facility_index];
            let fingerprint = format!("demo:{}", case.reference);
            let new = sango_store::bookings::NewBooking {
                reference: &crate::cases::reference('B'),
                case_id: case.id,
                facility_id,
                service_type: u.service_type,
                dates: &u.dates,
                source: sango_domain::BookingSource::FirstCome,
                idempotency_key: None,
                fingerprint: &fingerprint,
            };
            let booking = sango_store::bookings::insert(txn, &new, "demo", now).await?;
            let record = sango_store::bookings::UseRecord { infants: u.multiples, sibling: u.sibling, over_four_months: false, high_need: u.high_need, recorded_at: now, recorded_by: "demo".into() };
            for d in &u.dates {
                sango_store::bookings::record_day(txn, booking.id, *d, sango_domain::Outcome::Used, &record).await?;
                *taken.entry((facility_id, u.service_type, *d)).or_insert(0) += 1;
            }
        }
        let rows: Vec<DayCount> = taken.into_iter().map(|((facility_id, service_type, date), count)| DayCount { facility_id, service_type, date, count }).collect();
        sango_store::calendar::set_taken(txn, &rows).await?;
        Ok(())
    }
}

impl Hub {
    /// What in the database comes from the demo: synthetic facilities, live demo tokens (their
    /// secrets were printed on a console). Production refuses to serve either.
    pub async fn demo_traces(&self) -> ServiceResult<Vec<String>> {
        let mut found = Vec::new();
        if sango_store::facilities::any_synthetic(&self.db).await? {
            found.push("synthetic demo facilities".to_owned());
        }
        if sango_store::tokens::any_live_with_label(&self.db, "demo", self.now()).await? {
            found.push("live demo tokens".to_owned());
        }
        Ok(found)
    }
}
