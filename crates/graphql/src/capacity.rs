//! `nearbyCapacity`, the facility calendar and the coordinator's capacity views.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use sango_availability::{NearbyQuery, Request};
use sango_domain::Coordinates;
use sango_service::{CalendarDay as DayRecord, FacilityWithin as WithinRecord, MonthCapacity as MonthRecord, NearbyHit};

use crate::enums::{HouseholdTier, ServiceType};
use crate::error::{GqlResult, bad_input};
use crate::query::{caller, hub};
use crate::scalars::{Date, LgCode, Yen};
use crate::types::facility::Facility;

/// A search for free capacity near a mother's home.
#[derive(InputObject)]
pub struct NearbyCapacityInput {
    /// WGS84 latitude of the search centre.
    pub lat: f64,
    /// WGS84 longitude of the search centre.
    pub lon: f64,
    pub service_type: ServiceType,
    pub start_date: Date,
    /// Consecutive days of use (a 7-day short stay is 6 nights).
    pub days: u32,
    #[graphql(default = 30.0)]
    pub radius_km: f64,
    #[graphql(default = 10)]
    pub limit: u32,
    /// Whose programme applies and who pays.
    pub resident_municipality: LgCode,
    pub infant_birth_date: Date,
    /// Infants of this birth (2 for twins).
    #[graphql(default = 1)]
    pub multiples: u32,
    /// For the user fee.
    #[graphql(default_with = "HouseholdTier::Taxed")]
    pub tier: HouseholdTier,
    /// Units of this type already used this fiscal year.
    #[graphql(default)]
    pub used_so_far: u32,
    /// Also list facilities the resident's municipality has no contract with (償還払い, coordination).
    #[graphql(default)]
    pub include_uncontracted: bool,
}

/// A facility with room for the whole request.
pub struct CapacityHit(pub NearbyHit);

#[Object]
impl CapacityHit {
    async fn facility(&self) -> Facility {
        Facility(self.0.facility.clone())
    }
    /// Great-circle distance (Haversine, mean Earth radius 6,371.0088 km).
    async fn distance_km(&self) -> f64 {
        self.0.hit.km
    }
    /// The fewest free slots over the requested days.
    async fn free_slots(&self) -> u32 {
        self.0.hit.free_slots
    }
    /// The facility lies outside the resident's municipality.
    async fn cross_boundary(&self) -> bool {
        self.0.hit.cross_boundary
    }
    /// The resident's municipality, or the host of a mutual-use agreement it belongs to, has a
    /// contract for this type valid on every requested day.
    async fn contracted(&self) -> bool {
        self.0.hit.contracted
    }
    /// The agreement host whose contract it is, when the resident's municipality has none.
    async fn through_agreement_host(&self) -> Option<LgCode> {
        self.0.hit.through_host.map(LgCode)
    }
    /// 委託単価 per unit under that contract; null without one.
    async fn unit_price(&self) -> Option<Yen> {
        self.0.hit.unit_price.map(Yen)
    }
    /// What the mother pays for the whole request under her programme.
    async fn user_fee(&self) -> Yen {
        Yen(self.0.hit.user_fee)
    }
}

/// One day of a facility's calendar.
#[derive(SimpleObject)]
pub struct CalendarDay {
    pub date: Date,
    pub capacity: u32,
    pub taken: u32,
    pub free: u32,
}

impl From<DayRecord> for CalendarDay {
    fn from(d: DayRecord) -> Self {
        Self { date: Date(d.date), capacity: d.capacity, taken: d.taken, free: d.free }
    }
}

/// A facility within reach of a municipality.
pub struct FacilityWithin(pub WithinRecord);

#[Object]
impl FacilityWithin {
    async fn facility(&self) -> Facility {
        Facility(self.0.facility.clone())
    }
    /// 0 inside the municipality, else great-circle km to its boundary.
    async fn distance_km(&self) -> f64 {
        self.0.km
    }
}

/// Slots of one type over a month at the facilities inside a municipality.
#[derive(SimpleObject)]
pub struct MonthCapacity {
    pub service_type: ServiceType,
    pub facilities: u32,
    pub capacity: u32,
    pub taken: u32,
    pub free: u32,
}

impl From<MonthRecord> for MonthCapacity {
    fn from(m: MonthRecord) -> Self {
        Self { service_type: m.service_type.into(), facilities: m.facilities, capacity: m.capacity, taken: m.taken, free: m.free }
    }
}

#[derive(Default)]
pub struct CapacityQuery;

#[Object]
impl CapacityQuery {
    /// Facilities nearest a point with a free slot on every requested day, as the resident's
    /// programme allows; contracted ones only unless `includeUncontracted`.
    async fn nearby_capacity(&self, ctx: &Context<'_>, input: NearbyCapacityInput) -> async_graphql::Result<Vec<CapacityHit>> {
        let from = Coordinates::new(input.lat, input.lon, "input").gql()?;
        let q = NearbyQuery {
            from,
            radius_km: input.radius_km,
            limit: input.limit as usize,
            resident: input.resident_municipality.0,
            request: Request {
                service_type: input.service_type.into(),
                start: input.start_date.0,
                days: input.days,
                infant_birth: input.infant_birth_date.0,
                multiples: input.multiples,
                used_so_far: input.used_so_far,
            },
            tier: input.tier.into(),
            include_uncontracted: input.include_uncontracted,
        };
        Ok(hub(ctx).nearby_capacity(caller(ctx), q).await.map_err(|e| crate::error::to_gql(e.within("input")))?.into_iter().map(CapacityHit).collect())
    }

    /// Facilities inside a municipality or within `km` of its boundary, nearest first.
    async fn facilities_within(&self, ctx: &Context<'_>, municipality: LgCode, km: f64) -> async_graphql::Result<Vec<FacilityWithin>> {
        Ok(hub(ctx).facilities_within(caller(ctx), municipality.0, km).await.gql()?.into_iter().map(FacilityWithin).collect())
    }

    /// Capacity, taken and free slots per type over a month (any day of it) at the facilities inside a municipality.
    async fn month_capacity(&self, ctx: &Context<'_>, municipality: LgCode, month: Date) -> async_graphql::Result<Vec<MonthCapacity>> {
        Ok(hub(ctx).month_capacity(caller(ctx), municipality.0, month.0).await.gql()?.into_iter().map(Into::into).collect())
    }
}

#[derive(Default)]
pub struct CapacityMutation;

#[Object]
impl CapacityMutation {
    /// Publishes a capacity for every date from `from` to `to` (inclusive) for one type. A capacity
    /// below what is already booked on any of the dates is refused with CONFLICT, naming those days.
    async fn set_capacity(&self, ctx: &Context<'_>, facility_id: ID, service_type: ServiceType, from: Date, to: Date, capacity: i64) -> async_graphql::Result<Vec<CalendarDay>> {
        let id = facility_id.parse::<i64>().map_err(|_| bad_input("facilityId", "not a facility id"))?;
        Ok(hub(ctx).set_capacity(caller(ctx), id, service_type.into(), from.0, to.0, capacity).await.gql()?.into_iter().map(Into::into).collect())
    }
}
