//! Lotteries for programmes that allocate by draw: applications collect until the window closes,
//! then the draw orders them by priority class (high-need first, then first-time applicants, then
//! the rest) and, within a class, by a shuffle from a seed stored with the result, so that anyone
//! can re-run it. Slots go to applicants in draw order while they last; the rest join the
//! waitlist in draw order.

use std::collections::HashMap;

use chrono::NaiveDate;
use sango_booking::{Applicant, PriorityClass, draw, window};
use sango_domain::{ApplicationMethod, BookingSource, BookingStatus, FiscalYear, ServiceType};
use sango_store::TransactionTrait;
use sango_store::bookings::NewBooking;
use sango_store::lottery::{Application, StoredDraw};

use crate::audit::Touched;
use crate::auth::Caller;
use crate::booking::check_dates;
use crate::cases::reference;
use crate::error::{ServiceError, ServiceResult};
use crate::hub::Hub;

/// The default priority: the Setagaya review committee's concern.
pub const DEFAULT_CLASSES: [PriorityClass; 3] = [PriorityClass::HighNeed, PriorityClass::FirstTime, PriorityClass::Repeat];

/// What a draw decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LotteryResult {
    pub draw: StoredDraw,
    /// Every application of the draw, in draw order, with its outcome.
    pub applications: Vec<Application>,
}

impl Hub {
    /// Applies for consecutive dates at a facility in a lottery programme, while its window is open.
    pub async fn apply_lottery(&self, caller: &Caller, case_ref: &str, facility: i64, t: ServiceType, dates: &[NaiveDate]) -> ServiceResult<Application> {
        let dates = check_dates(dates)?;
        let (first, last) = (dates[0], dates[dates.len() - 1]);
        if (last - first).num_days() + 1 != dates.len() as i64 {
            return Err(ServiceError::bad_input("dates", "a lottery application takes consecutive dates"));
        }
        let case = self.find_case(caller, case_ref).await?;
        let rules = self.check_fits(&case, facility, t, &dates).await?;
        if rules.application.method != ApplicationMethod::Lottery {
            return Err(ServiceError::bad_input("case", format!("{} books first come, first served: book instead", case.profile.municipality)));
        }
        sango_booking::check_window(&rules.application, first, self.now())?;
        let txn = sango_store::begin_write(&self.db).await?;
        let app = match sango_store::lottery::apply(&txn, &reference('A'), case.id, facility, t, first, last, &caller.actor(), self.now()).await {
            Err(e) if e.is_unique_violation() => return Err(ServiceError::conflict("dates", "this case has already applied for that facility and day")),
            other => other?,
        };
        self.log(&txn, caller, "APPLIED", &format!("application:{}", app.reference), None, serde_json::json!({ "case": case.reference, "facility": facility, "dates": dates })).await?;
        txn.commit().await?;
        Ok(app)
    }

    /// Runs the draw for the caller's municipality's applications to a facility's type starting on
    /// `first`, once the application window has closed. `seed` None picks a random one (stored).
    pub async fn run_lottery(&self, caller: &Caller, facility: i64, t: ServiceType, first: NaiveDate, seed: Option<u64>, classes: Option<Vec<PriorityClass>>) -> ServiceResult<LotteryResult> {
        let p = caller.require()?;
        let sango_domain::Principal::MunicipalStaff(m) = *p else {
            return Err(ServiceError::forbidden("lotteries are run by the municipality's staff"));
        };
        let rules = self.rules(m, FiscalYear::containing(first)).await?.ok_or_else(|| ServiceError::bad_input("date", format!("{m} has no programme for that fiscal year")))?;
        if rules.application.method != ApplicationMethod::Lottery {
            return Err(ServiceError::bad_input("date", format!("{m} books first come, first served")));
        }
        let closes = window(&rules.application, first).closes;
        if sango_booking::to_jst(self.now()) < closes {
            return Err(ServiceError::conflict("date", format!("applications are open until {closes} (JST); draw after that")));
        }
        if sango_store::lottery::draw_for(&self.db, m, facility, t, first).await?.is_some() {
            return Err(ServiceError::conflict("date", "this draw has already been run"));
        }
        let seed = seed.unwrap_or_else(rand::random);
        let classes = classes.unwrap_or_else(|| DEFAULT_CLASSES.to_vec());

        let txn = sango_store::begin_write(&self.db).await?;
        let pending = sango_store::lottery::pending(&txn, facility, t, first).await?;
        // The municipality's applicants, locked (before any slot) with what each holds.
        let ids: Vec<i64> = pending.iter().map(|a| a.case_id).collect();
        let own: Vec<i64> = sango_store::cases::by_ids(&txn, &ids).await?.into_iter().filter(|c| c.profile.municipality == m).map(|c| c.id).collect();
        let mut cases = self.lock_holdings(&txn, &own).await?;
        let mut applicants = Vec::new();
        for a in &pending {
            let Some((case, _)) = cases.get(&a.case_id) else { continue };
            let first_time = self.first_time(case, first).await?;
            applicants.push(Applicant { application_id: a.id, high_need: case.profile.high_need, first_time });
        }
        let order = draw(&applicants, u32::MAX, seed, &classes);
        let by_id: HashMap<i64, &Application> = pending.iter().map(|a| (a.id, a)).collect();
        // Allocate in draw order against capacity read inside this transaction.
        let (mut winners, mut losers) = (Vec::new(), Vec::new());
        for id in &order.winners {
            let a = by_id[id];
            let dates: Vec<NaiveDate> = a.first.iter_days().take_while(|d| *d <= a.last).collect();
            let (case, held) = cases.get_mut(&a.case_id).expect("every applicant of the draw is locked");
            if self.fits(case, held, facility, t, &dates).await.is_err() {
                losers.push(*id);
                continue;
            }
            // A savepoint: an application that finds one day full must not keep the others.
            let savepoint = txn.begin().await?;
            match self.take_slots(&savepoint, facility, t, &dates).await {
                Ok(()) => {
                    savepoint.commit().await?;
                    held.add(t, &dates);
                    winners.push((*id, dates));
                }
                Err(e) if e.code == crate::ErrorCode::Conflict => {
                    savepoint.rollback().await?;
                    losers.push(*id);
                }
                Err(e) => return Err(e),
            }
        }
        let class_names: Vec<String> = order.classes.iter().map(|c| c.as_str().to_owned()).collect();
        let winner_ids: Vec<i64> = winners.iter().map(|(id, _)| *id).collect();
        let stored = sango_store::lottery::insert_draw(&txn, m, facility, t, first, seed, &class_names, &winner_ids, &losers, &caller.actor(), self.now()).await?;
        for (id, dates) in &winners {
            let (case, _) = &cases[&by_id[id].case_id];
            let new = NewBooking { reference: &reference('B'), case_id: case.id, facility_id: facility, service_type: t, dates, source: BookingSource::Lottery, idempotency_key: None, fingerprint: &format!("application:{id}") };
            let booking = sango_store::bookings::insert(&txn, &new, &caller.actor(), self.now()).await?;
            sango_store::lottery::decide(&txn, *id, "WON", stored.id, Some(booking.id)).await?;
            self.log(&txn, caller, "WON", &format!("application:{}", by_id[id].reference), None, serde_json::json!({ "draw": stored.id, "booking": booking.reference })).await?;
        }
        for id in &losers {
            let a = by_id[id];
            sango_store::lottery::decide(&txn, *id, "LOST", stored.id, None).await?;
            let entry = sango_store::waitlist::insert(&txn, a.case_id, facility, t, a.first, a.last, &caller.actor(), self.now()).await?;
            self.log(&txn, caller, "LOST", &format!("application:{}", a.reference), None, serde_json::json!({ "draw": stored.id, "waitlist": entry.id })).await?;
        }
        txn.commit().await?;
        for (_, dates) in &winners {
            self.slots_changed(facility, t, dates, 1);
        }
        self.lottery_result(caller, m, facility, t, first).await
    }

    /// A draw and its applications in draw order (winners first), for the municipality that ran it.
    pub async fn lottery_result(&self, caller: &Caller, m: sango_domain::LgCode, facility: i64, t: ServiceType, first: NaiveDate) -> ServiceResult<LotteryResult> {
        let p = caller.require()?;
        if !p.may_manage_case(m, false) {
            return Err(ServiceError::not_found("draw", "no such draw"));
        }
        let draw = sango_store::lottery::draw_for(&self.db, m, facility, t, first).await?.ok_or_else(|| ServiceError::not_found("draw", "no such draw"))?;
        let ids: Vec<i64> = draw.winners.iter().chain(&draw.losers).copied().collect();
        let applications = sango_store::lottery::by_ids(&self.db, &ids).await?;
        let case_ids: Vec<i64> = applications.iter().map(|a| a.case_id).collect();
        let cases = sango_store::cases::by_ids(&self.db, &case_ids).await?;
        self.audit_read(caller, "lottery", "application", Touched::new(applications.iter().map(|a| a.reference.clone()), cases.into_iter().map(|c| c.reference))).await?;
        Ok(LotteryResult { draw, applications })
    }

    /// The draw the caller's own municipality ran at a facility for a type and first day, with
    /// the order replayed from its seed (application ids, winners first). A draw belongs to the
    /// municipality that ran it: municipal staff see their own, and anyone else gets NOT_FOUND.
    pub async fn own_lottery(&self, caller: &Caller, facility: i64, t: ServiceType, first: NaiveDate) -> ServiceResult<(LotteryResult, Vec<i64>)> {
        let sango_domain::Principal::MunicipalStaff(m) = *caller.require()? else {
            return Err(ServiceError::not_found("draw", "no such draw"));
        };
        let result = self.lottery_result(caller, m, facility, t, first).await?;
        let replayed = self.replay_lottery(caller, m, facility, t, first).await?;
        Ok((result, replayed))
    }

    /// Re-runs a stored draw from its seed and classes: the order anyone can check.
    pub async fn replay_lottery(&self, caller: &Caller, m: sango_domain::LgCode, facility: i64, t: ServiceType, first: NaiveDate) -> ServiceResult<Vec<i64>> {
        let result = self.lottery_result(caller, m, facility, t, first).await?;
        let mut applicants = Vec::new();
        for a in &result.applications {
            let case = sango_store::cases::by_id(&self.db, a.case_id).await?.ok_or_else(|| ServiceError::internal("case vanished"))?;
            // First-time status as it was at the draw: bookings made before it.
            let first_time = self.first_time_before(&case, first, result.draw.run_at).await?;
            applicants.push(Applicant { application_id: a.id, high_need: case.profile.high_need, first_time });
        }
        let classes: Vec<PriorityClass> = result.draw.classes.iter().filter_map(|c| PriorityClass::parse(c).ok()).collect();
        Ok(draw(&applicants, u32::MAX, result.draw.seed, &classes).winners)
    }

    /// No booking (other than cancelled ones) in the fiscal year of `day`.
    async fn first_time(&self, case: &sango_store::cases::Case, day: NaiveDate) -> ServiceResult<bool> {
        self.first_time_before(case, day, self.now()).await
    }

    async fn first_time_before(&self, case: &sango_store::cases::Case, day: NaiveDate, before: chrono::DateTime<chrono::Utc>) -> ServiceResult<bool> {
        let fy = FiscalYear::containing(day);
        let bookings = sango_store::bookings::of_case(&self.db, case.id).await?;
        Ok(!bookings.iter().any(|b| b.status != BookingStatus::Cancelled && b.created_at < before && b.days.iter().any(|d| FiscalYear::containing(d.date) == fy)))
    }
}
