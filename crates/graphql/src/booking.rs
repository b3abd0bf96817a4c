//! Cases, bookings, lotteries, the waitlist and recorded use, and the live-capacity subscription.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject, Subscription};
use futures_util::Stream;
use sango_domain::CaseProfile;
use sango_service::booking::BookRequest;
use sango_service::use_records::DayUse;
use sango_store::bookings::Booking as BookingRecord;
use sango_store::cases::Case as CaseRecord;
use sango_store::waitlist::WaitlistEntry as EntryRecord;

use crate::enums::{HouseholdTier, ServiceType};
use crate::error::{GqlResult, bad_input};
use crate::query::{caller, hub, id};
use crate::scalars::{Date, LgCode, Yen};

/// A pseudonymous mother–infant case: no name, no address.
pub struct Case(pub CaseRecord);

#[Object]
impl Case {
    /// The public reference (random; ids cannot be guessed).
    async fn reference(&self) -> &str {
        &self.0.reference
    }
    async fn municipality(&self) -> LgCode {
        LgCode(self.0.profile.municipality)
    }
    async fn tier(&self) -> HouseholdTier {
        self.0.profile.tier.into()
    }
    async fn infant_birth_date(&self) -> Date {
        Date(self.0.profile.infant_birth_date)
    }
    async fn multiples(&self) -> u32 {
        self.0.profile.multiples
    }
    async fn high_need(&self) -> bool {
        self.0.profile.high_need
    }
    /// Flagged for cross-boundary coordination (visible to the prefecture's coordinator).
    async fn coordination(&self) -> bool {
        self.0.profile.coordination
    }
    async fn registered_on(&self) -> Date {
        Date(self.0.profile.registered_on)
    }
    async fn bookings(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Booking>> {
        Ok(hub(ctx).bookings_of_case(caller(ctx), &self.0.reference).await.gql()?.into_iter().map(Booking).collect())
    }
    async fn waitlist(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<WaitlistEntry>> {
        Ok(hub(ctx).waitlist_of_case(caller(ctx), &self.0.reference).await.gql()?.into_iter().map(WaitlistEntry).collect())
    }
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum BookingStatus {
    Booked,
    Cancelled,
    Completed,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum BookingSource {
    FirstCome,
    Lottery,
    Waitlist,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Used,
    NoShow,
}

/// A day of a booking and what the facility recorded for it.
#[derive(SimpleObject)]
pub struct BookedDay {
    pub date: Date,
    pub outcome: Option<Outcome>,
    pub infants: Option<u32>,
    pub sibling: Option<bool>,
    pub over_four_months: Option<bool>,
    pub high_need: Option<bool>,
}

/// Slots taken for a case at a facility.
pub struct Booking(pub BookingRecord);

#[Object]
impl Booking {
    async fn reference(&self) -> &str {
        &self.0.reference
    }
    async fn facility_id(&self) -> ID {
        ID(self.0.facility_id.to_string())
    }
    async fn service_type(&self) -> ServiceType {
        self.0.service_type.into()
    }
    async fn status(&self) -> BookingStatus {
        match self.0.status {
            sango_domain::BookingStatus::Booked => BookingStatus::Booked,
            sango_domain::BookingStatus::Cancelled => BookingStatus::Cancelled,
            sango_domain::BookingStatus::Completed => BookingStatus::Completed,
        }
    }
    async fn source(&self) -> BookingSource {
        match self.0.source {
            sango_domain::BookingSource::FirstCome => BookingSource::FirstCome,
            sango_domain::BookingSource::Lottery => BookingSource::Lottery,
            sango_domain::BookingSource::Waitlist => BookingSource::Waitlist,
        }
    }
    async fn days(&self) -> Vec<BookedDay> {
        self.0
            .days
            .iter()
            .map(|d| BookedDay {
                date: Date(d.date),
                outcome: d.outcome.map(|o| if o == sango_domain::Outcome::Used { Outcome::Used } else { Outcome::NoShow }),
                infants: d.use_record.as_ref().map(|u| u.infants),
                sibling: d.use_record.as_ref().map(|u| u.sibling),
                over_four_months: d.use_record.as_ref().map(|u| u.over_four_months),
                high_need: d.use_record.as_ref().map(|u| u.high_need),
            })
            .collect()
    }
    async fn created_at(&self) -> String {
        self.0.created_at.to_rfc3339()
    }
    async fn created_by(&self) -> &str {
        &self.0.created_by
    }
    async fn cancelled_at(&self) -> Option<String> {
        self.0.cancellation.as_ref().map(|c| c.at.to_rfc3339())
    }
    async fn cancelled_by(&self) -> Option<&str> {
        self.0.cancellation.as_ref().map(|c| c.by.as_str())
    }
    async fn cancel_reason(&self) -> Option<&str> {
        self.0.cancellation.as_ref().map(|c| c.reason.as_str())
    }
    /// Recorded when the cancellation came after the programme's deadline.
    async fn cancellation_fee(&self) -> Option<Yen> {
        self.0.cancellation.as_ref().and_then(|c| c.fee).map(Yen)
    }
    /// Every state change, oldest first.
    async fn events(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Event>> {
        let events = hub(ctx).booking_events(caller(ctx), &self.0.reference).await.gql()?;
        Ok(events.into_iter().map(|e| Event { at: e.at.to_rfc3339(), actor: e.actor, kind: e.kind, reason: e.reason, data: async_graphql::Json(e.data) }).collect())
    }
}

/// One recorded state change.
#[derive(SimpleObject)]
pub struct Event {
    pub at: String,
    pub actor: String,
    pub kind: String,
    pub reason: Option<String>,
    pub data: async_graphql::Json<serde_json::Value>,
}

/// A case waiting for slots.
pub struct WaitlistEntry(pub EntryRecord);

#[Object]
impl WaitlistEntry {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn facility_id(&self) -> ID {
        ID(self.0.facility_id.to_string())
    }
    async fn service_type(&self) -> ServiceType {
        self.0.service_type.into()
    }
    async fn first_date(&self) -> Date {
        Date(self.0.first)
    }
    async fn last_date(&self) -> Date {
        Date(self.0.last)
    }
    /// WAITING, OFFERED (slots held until `offerExpiresAt`), BOOKED, EXPIRED or WITHDRAWN.
    async fn status(&self) -> &'static str {
        self.0.status.as_str()
    }
    async fn offer_expires_at(&self) -> Option<String> {
        self.0.offer_expires_at.map(|t| t.to_rfc3339())
    }
}

/// A booking as the facility sees it: only what care needs.
#[derive(SimpleObject)]
pub struct FacilityBooking {
    pub reference: String,
    pub service_type: ServiceType,
    pub dates: Vec<Date>,
    pub status: String,
    /// The infant's age in days on the first day.
    pub infant_age_days: i64,
    pub multiples: u32,
    pub high_need: bool,
}

/// A lottery application and its outcome.
#[derive(SimpleObject)]
pub struct LotteryApplication {
    pub reference: String,
    /// PENDING, WON, LOST or WITHDRAWN.
    pub status: String,
    pub first_date: Date,
    pub last_date: Date,
}

/// A draw: its seed and classes are stored so that anyone can re-run it.
#[derive(SimpleObject)]
pub struct LotteryDraw {
    pub seed: String,
    pub classes: Vec<String>,
    /// Applications in draw order, winners first.
    pub applications: Vec<LotteryApplication>,
    /// The draw order recomputed from the seed; equal to the stored order.
    pub replayed_order: Vec<String>,
}

#[derive(InputObject)]
pub struct CaseInput {
    pub municipality: LgCode,
    pub tier: HouseholdTier,
    /// The birth date, or the expected one.
    pub infant_birth_date: Date,
    #[graphql(default = 1)]
    pub multiples: u32,
    #[graphql(default)]
    pub high_need: bool,
    #[graphql(default)]
    pub coordination: bool,
    pub registered_on: Date,
}

impl CaseInput {
    fn profile(self) -> CaseProfile {
        CaseProfile {
            municipality: self.municipality.0,
            tier: self.tier.into(),
            infant_birth_date: self.infant_birth_date.0,
            multiples: self.multiples,
            high_need: self.high_need,
            coordination: self.coordination,
            registered_on: self.registered_on.0,
        }
    }
}

#[derive(InputObject)]
pub struct BookInput {
    /// The case reference.
    pub case: String,
    pub facility: ID,
    pub service_type: ServiceType,
    pub dates: Vec<Date>,
    /// Retrying with the same key returns the same booking; another request under it is a CONFLICT.
    pub idempotency_key: Option<String>,
}

#[derive(InputObject)]
pub struct RecordUseInput {
    pub booking: String,
    pub date: Date,
    pub outcome: Outcome,
    #[graphql(default = 1)]
    pub infants: u32,
    #[graphql(default)]
    pub sibling: bool,
    #[graphql(default)]
    pub over_four_months: bool,
    #[graphql(default)]
    pub high_need: bool,
}

fn to_dates(v: &[Date]) -> Vec<chrono::NaiveDate> {
    v.iter().map(|d| d.0).collect()
}

#[derive(Default)]
pub struct BookingQuery;

#[Object]
impl BookingQuery {
    /// A case of the caller's municipality (NOT_FOUND for anyone else's).
    async fn case(&self, ctx: &Context<'_>, reference: String) -> async_graphql::Result<Case> {
        Ok(Case(hub(ctx).case(caller(ctx), &reference).await.gql()?))
    }

    /// The caller's municipality's cases, newest first.
    async fn cases(&self, ctx: &Context<'_>, municipality: LgCode, #[graphql(default = 50)] first: u32) -> async_graphql::Result<Vec<Case>> {
        if first > 500 {
            return Err(bad_input("first", "first must be at most 500"));
        }
        Ok(hub(ctx).cases(caller(ctx), municipality.0, u64::from(first)).await.gql()?.into_iter().map(Case).collect())
    }

    /// Bookings at a facility over a period, with only what care needs.
    async fn facility_bookings(&self, ctx: &Context<'_>, facility: ID, from: Date, to: Date) -> async_graphql::Result<Vec<FacilityBooking>> {
        let fid = id(&facility, "facility")?;
        let rows = hub(ctx).facility_bookings(caller(ctx), fid, from.0, to.0).await.gql()?;
        Ok(rows
            .into_iter()
            .map(|(b, c)| FacilityBooking {
                reference: b.reference.clone(),
                service_type: b.service_type.into(),
                dates: b.days.iter().map(|d| Date(d.date)).collect(),
                status: b.status.as_str().to_owned(),
                infant_age_days: sango_service::Hub::infant_age_days(&c, b.days[0].date),
                multiples: c.profile.multiples,
                high_need: c.profile.high_need,
            })
            .collect())
    }

    /// A lottery draw of the caller's municipality, with the order replayed from its seed.
    async fn lottery(&self, ctx: &Context<'_>, facility: ID, service_type: ServiceType, date: Date) -> async_graphql::Result<LotteryDraw> {
        let fid = id(&facility, "facility")?;
        let (r, replayed) = hub(ctx).own_lottery(caller(ctx), fid, service_type.into(), date.0).await.gql()?;
        let reference_of = |id: i64| r.applications.iter().find(|a| a.id == id).map(|a| a.reference.clone()).unwrap_or_default();
        Ok(LotteryDraw {
            seed: r.draw.seed.to_string(),
            classes: r.draw.classes.clone(),
            replayed_order: replayed.into_iter().map(reference_of).collect(),
            applications: r.applications.iter().map(|a| LotteryApplication { reference: a.reference.clone(), status: a.status.clone(), first_date: Date(a.first), last_date: Date(a.last) }).collect(),
        })
    }
}

#[derive(Default)]
pub struct BookingMutation;

#[Object]
impl BookingMutation {
    /// Registers a case for the caller's municipality.
    async fn register_case(&self, ctx: &Context<'_>, input: CaseInput) -> async_graphql::Result<Case> {
        Ok(Case(hub(ctx).register_case(caller(ctx), input.profile()).await.gql()?))
    }

    /// Changes a case's tier, flags or birth date.
    async fn update_case(&self, ctx: &Context<'_>, reference: String, input: CaseInput) -> async_graphql::Result<Case> {
        Ok(Case(hub(ctx).update_case(caller(ctx), &reference, input.profile()).await.gql()?))
    }

    /// Books slots first come, first served; CONFLICT names the full days.
    async fn book(&self, ctx: &Context<'_>, input: BookInput) -> async_graphql::Result<Booking> {
        let facility_id = id(&input.facility, "facility")?;
        let req = BookRequest { case: input.case, facility_id, service_type: input.service_type.into(), dates: to_dates(&input.dates), idempotency_key: input.idempotency_key };
        Ok(Booking(hub(ctx).book(caller(ctx), req).await.map_err(|e| crate::error::to_gql(e.within("input")))?))
    }

    /// Cancels a booking, saying why; a late cancellation records the fee.
    async fn cancel_booking(&self, ctx: &Context<'_>, booking: String, reason: String) -> async_graphql::Result<Booking> {
        Ok(Booking(hub(ctx).cancel_booking(caller(ctx), &booking, &reason).await.gql()?))
    }

    /// Puts a case on the waitlist for consecutive dates.
    async fn join_waitlist(&self, ctx: &Context<'_>, case: String, facility: ID, service_type: ServiceType, dates: Vec<Date>) -> async_graphql::Result<WaitlistEntry> {
        let fid = id(&facility, "facility")?;
        Ok(WaitlistEntry(hub(ctx).join_waitlist(caller(ctx), &case, fid, service_type.into(), &to_dates(&dates)).await.gql()?))
    }

    /// Takes up a standing offer.
    async fn accept_offer(&self, ctx: &Context<'_>, entry: ID) -> async_graphql::Result<Booking> {
        let eid = id(&entry, "entry")?;
        Ok(Booking(hub(ctx).accept_offer(caller(ctx), eid).await.gql()?))
    }

    /// Applies for a lottery while its window is open.
    async fn apply_lottery(&self, ctx: &Context<'_>, case: String, facility: ID, service_type: ServiceType, dates: Vec<Date>) -> async_graphql::Result<LotteryApplication> {
        let fid = id(&facility, "facility")?;
        let a = hub(ctx).apply_lottery(caller(ctx), &case, fid, service_type.into(), &to_dates(&dates)).await.gql()?;
        Ok(LotteryApplication { reference: a.reference, status: a.status, first_date: Date(a.first), last_date: Date(a.last) })
    }

    /// Runs the draw once the window has closed; `seed` (decimal) makes it reproducible, else one is chosen and stored.
    async fn run_lottery(&self, ctx: &Context<'_>, facility: ID, service_type: ServiceType, date: Date, seed: Option<String>, classes: Option<Vec<String>>) -> async_graphql::Result<Vec<LotteryApplication>> {
        let fid = id(&facility, "facility")?;
        let seed = seed.map(|s| s.parse::<u64>().map_err(|_| bad_input("seed", "a seed is a decimal number up to 18446744073709551615"))).transpose()?;
        let classes = classes.map(|v| v.iter().map(|c| sango_booking::PriorityClass::parse(c)).collect::<Result<Vec<_>, _>>()).transpose().gql()?;
        let r = hub(ctx).run_lottery(caller(ctx), fid, service_type.into(), date.0, seed, classes).await.gql()?;
        Ok(r.applications.into_iter().map(|a| LotteryApplication { reference: a.reference, status: a.status, first_date: Date(a.first), last_date: Date(a.last) }).collect())
    }

    /// The facility records what happened on a booked day (利用実績).
    async fn record_use(&self, ctx: &Context<'_>, input: RecordUseInput) -> async_graphql::Result<Booking> {
        let u = DayUse {
            date: input.date.0,
            outcome: if input.outcome == Outcome::Used { sango_domain::Outcome::Used } else { sango_domain::Outcome::NoShow },
            infants: input.infants,
            sibling: input.sibling,
            over_four_months: input.over_four_months,
            high_need: input.high_need,
        };
        Ok(Booking(hub(ctx).record_use(caller(ctx), &input.booking, u).await.gql()?))
    }
}

/// A change of free slots.
#[derive(SimpleObject, Clone)]
pub struct CapacityChanged {
    pub facility_id: ID,
    pub municipality: LgCode,
    pub service_type: ServiceType,
    pub date: Date,
    pub capacity: u32,
    pub taken: u32,
    pub free: u32,
}

pub struct Subscription;

#[Subscription]
impl Subscription {
    /// Free-slot changes at one facility, or at every facility inside a municipality (public data).
    async fn capacity_changed(&self, ctx: &Context<'_>, facility: Option<ID>, municipality: Option<LgCode>) -> async_graphql::Result<impl Stream<Item = CapacityChanged>> {
        if facility.is_none() && municipality.is_none() {
            return Err(bad_input("facility", "give a facility or a municipality"));
        }
        let fid = facility.map(|f| id(&f, "facility")).transpose()?;
        let m = municipality.map(|m| m.0);
        let rx = hub(ctx).capacity_changes();
        let stream = futures_util::stream::unfold(rx, |mut rx| async move {
            loop {
                match rx.recv().await {
                    Ok(c) => return Some((c, rx)),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                }
            }
        });
        Ok(futures_util::StreamExt::filter_map(stream, move |c| async move {
            let wanted = fid.is_none_or(|f| f == c.facility_id) && m.is_none_or(|m| m == c.municipality);
            wanted.then(|| CapacityChanged {
                facility_id: ID(c.facility_id.to_string()),
                municipality: LgCode(c.municipality),
                service_type: c.service_type.into(),
                date: Date(c.date),
                capacity: c.capacity,
                taken: c.taken,
                free: c.free,
            })
        }))
    }
}
