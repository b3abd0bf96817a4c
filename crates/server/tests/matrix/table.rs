//! The authorisation matrix as data: for every resource, operation and path, what each role
//! gets. The README's table is rendered from these rows (`readme.rs` keeps the two equal), and
//! `main.rs` runs every cell against the demo data.

use super::probes::{self, Probe};
use super::world::World;

/// Who asks. Municipal roles are relative to the municipality owning the record (the row's
/// `owner`): its staff, a neighbour's staff, its finance staff.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Coordinator,
    OwnStaff,
    NeighbourStaff,
    FacilityStaff,
    MunicipalFinance,
    PrefectureFinance,
    Admin,
    Anonymous,
}

pub const ROLES: [Role; 8] = [Role::Coordinator, Role::OwnStaff, Role::NeighbourStaff, Role::FacilityStaff, Role::MunicipalFinance, Role::PrefectureFinance, Role::Admin, Role::Anonymous];

impl Role {
    /// The column heading in the README.
    pub fn heading(self) -> &'static str {
        match self {
            Role::Coordinator => "prefecture coordinator",
            Role::OwnStaff => "municipal staff (own)",
            Role::NeighbourStaff => "municipal staff (neighbour)",
            Role::FacilityStaff => "facility staff (where booked)",
            Role::MunicipalFinance => "municipal finance (own)",
            Role::PrefectureFinance => "prefecture finance",
            Role::Admin => "admin",
            Role::Anonymous => "anonymous",
        }
    }

    pub fn index(self) -> usize {
        ROLES.iter().position(|r| *r == self).expect("every role is listed")
    }
}

/// What a cell answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The record is returned or the change is made.
    Yes,
    /// The list answers, without the record.
    Hidden,
    NotFound,
    Forbidden,
    Unauthenticated,
    /// There is no such path for this role (the command line acts as admin; GraphQL has no such field).
    NoPath,
}

impl Outcome {
    pub fn cell(self) -> &'static str {
        match self {
            Outcome::Yes => "yes",
            Outcome::Hidden => "hidden",
            Outcome::NotFound => "NOT_FOUND",
            Outcome::Forbidden => "FORBIDDEN",
            Outcome::Unauthenticated => "UNAUTHENTICATED",
            Outcome::NoPath => "—",
        }
    }
}

use Outcome::{Forbidden as F, Hidden as H, NoPath as X, NotFound as NF, Unauthenticated as U, Yes as Y};

/// One path to a resource, and what each role gets through it (in the order of [`ROLES`]).
pub struct Row {
    pub resource: &'static str,
    pub operation: &'static str,
    pub path: &'static str,
    /// The municipality owning the record: 鳥取市, or 米子市 (which runs a lottery).
    pub owner: &'static str,
    pub expect: [Outcome; 8],
    pub probe: fn(&World, Role) -> Probe,
}

pub const TOTTORI: &str = "312011";
pub const YONAGO: &str = "312029";

const fn row(resource: &'static str, operation: &'static str, path: &'static str, expect: [Outcome; 8], probe: fn(&World, Role) -> Probe) -> Row {
    Row { resource, operation, path, owner: TOTTORI, expect, probe }
}

const fn yonago(resource: &'static str, operation: &'static str, path: &'static str, expect: [Outcome; 8], probe: fn(&World, Role) -> Probe) -> Row {
    Row { resource, operation, path, owner: YONAGO, expect, probe }
}

/// Every row. Rows with the same resource and operation must agree for every role: every path
/// to a record answers the same.
//                                                          coord own neigh fac mfin pfin admin anon
pub const MATRIX: &[Row] = &[
    row("cases", "read", "`case(reference)`", [NF, Y, NF, NF, NF, NF, NF, U], probes::case_read),
    row("cases", "list", "`cases(municipality)`", [H, Y, H, H, H, H, H, U], probes::case_list),
    row("cases", "create", "`registerCase`", [F, Y, F, F, F, F, F, U], probes::case_register),
    row("cases", "update", "`updateCase`", [NF, Y, NF, NF, NF, NF, NF, U], probes::case_update),
    row("cases flagged for coordination", "read", "`case(reference)`", [Y, Y, NF, NF, NF, NF, NF, U], probes::flagged_read),
    row("cases flagged for coordination", "list", "`cases(municipality)`", [Y, Y, H, H, H, H, H, U], probes::flagged_list),
    row("cases flagged for coordination", "create", "`registerCase`", [Y, Y, F, F, F, F, F, U], probes::flagged_register),
    row("cases flagged for coordination", "update", "`updateCase`", [Y, Y, NF, NF, NF, NF, NF, U], probes::flagged_update),
    row("bookings", "read", "`Case.bookings`, `Booking.days`", [NF, Y, NF, NF, NF, NF, NF, U], probes::booking_read),
    row("bookings", "read", "`Case.bookings` → `Booking.events`", [NF, Y, NF, NF, NF, NF, NF, U], probes::booking_events),
    row("bookings", "read what care needs", "`facilityBookings(facility)`", [H, Y, H, Y, H, H, H, U], probes::booking_care_view),
    row("bookings", "create", "`book`", [NF, Y, NF, NF, NF, NF, NF, U], probes::booking_create),
    row("bookings", "delete/cancel", "`cancelBooking` → `Booking.events` (care view for the facility)", [NF, Y, NF, Y, NF, NF, NF, U], probes::booking_cancel),
    row("bookings of flagged cases", "read", "`Case.bookings` → `Booking.events`", [Y, Y, NF, NF, NF, NF, NF, U], probes::flagged_booking_read),
    row("bookings of flagged cases", "read what care needs", "`facilityBookings(facility)`", [Y, Y, H, Y, H, H, H, U], probes::flagged_care_view),
    row("bookings of flagged cases", "create", "`book`", [Y, Y, NF, NF, NF, NF, NF, U], probes::flagged_book),
    row("bookings of flagged cases", "delete/cancel", "`cancelBooking`", [Y, Y, NF, Y, NF, NF, NF, U], probes::flagged_cancel),
    yonago("applications and lottery draws", "read", "`lottery(facility, serviceType, date)`", [NF, Y, NF, NF, NF, NF, NF, U], probes::lottery_read),
    yonago("applications and lottery draws", "create", "`applyLottery`", [NF, Y, NF, NF, NF, NF, NF, U], probes::lottery_apply),
    row("waitlist", "read", "`Case.waitlist`", [NF, Y, NF, NF, NF, NF, NF, U], probes::waitlist_read),
    row("waitlist", "create", "`joinWaitlist`", [NF, Y, NF, NF, NF, NF, NF, U], probes::waitlist_join),
    row("waitlist", "update", "`acceptOffer(entry)`", [NF, Y, NF, NF, NF, NF, NF, U], probes::waitlist_accept),
    row("use records", "read", "`Case.bookings` → `Booking.days`", [NF, Y, NF, NF, NF, NF, NF, U], probes::use_read),
    row("use records", "create", "`recordUse`", [NF, F, NF, Y, NF, NF, NF, U], probes::use_record),
    row("facilities, calendars, capacity", "read", "`facility(id)` → `calendar`, `closures`, `municipality`", [Y, Y, Y, Y, Y, Y, Y, Y], probes::facility_read),
    row("facilities, calendars, capacity", "list", "`facilities` (connection)", [Y, Y, Y, Y, Y, Y, Y, Y], probes::facility_list),
    row("facilities, calendars, capacity", "read", "subscription `capacityChanged(facility)`", [Y, Y, Y, Y, Y, Y, Y, Y], probes::capacity_subscription),
    row("free capacity around a town", "read", "`monthCapacity`, `facilitiesWithin`", [Y, Y, Y, Y, Y, Y, Y, U], probes::capacity_read),
    row("free capacity for a resident", "read", "`nearbyCapacity(residentMunicipality)`", [Y, Y, F, F, F, F, Y, U], probes::nearby_read),
    row("facilities, calendars, capacity", "update", "`setCapacity`", [Y, Y, F, Y, F, F, Y, U], probes::capacity_set),
    row("facilities, calendars, capacity", "update", "`addClosure`", [Y, Y, F, Y, F, F, Y, U], probes::closure_add),
    row("facilities, calendars, capacity", "create", "`createFacility` (in the town)", [Y, Y, F, F, F, F, Y, U], probes::facility_create),
    row("municipalities and expected demand", "read", "`municipality(code)`, `municipalities(prefecture)`, `demand(municipality)`", [Y, Y, Y, Y, Y, Y, Y, U], probes::registry_read),
    row("programmes", "read", "`program(municipality, fiscalYear)`", [Y, Y, Y, Y, Y, Y, Y, U], probes::program_read),
    row("programmes", "update", "`setProgram` (a new version)", [F, Y, F, F, F, F, Y, U], probes::program_set),
    row("contracts", "list", "`contracts(municipality)` → `Contract.facility`", [Y, Y, H, Y, Y, Y, Y, U], probes::contract_list),
    row("contracts", "read", "`contractHistory(contractNo)`", [Y, Y, NF, Y, Y, Y, Y, U], probes::contract_history),
    row("contracts", "update", "`amendContract`", [F, Y, NF, F, F, F, Y, U], probes::contract_amend),
    row("settlement statements", "read", "`settlement(fiscalYear, municipality)`", [Y, Y, NF, F, Y, Y, Y, U], probes::settlement_read),
    row("settlement statements", "create", "`issueStatement`", [F, F, F, F, Y, Y, Y, U], probes::settlement_issue),
    row("settlement statements", "export", "`sango-hub settle` (files; the command line acts as admin)", [X, X, X, X, X, X, Y, X], probes::settlement_export),
    row("coordinator's desk aggregates", "read", "`capacityBalance`, `capacityPlan`, `coverage`, `careStatistics`", [Y, Y, Y, F, Y, Y, Y, U], probes::desk_read),
    row("coordinator's desk aggregates", "export", "`sango-hub plan` (a CSV file; the command line acts as admin)", [X, X, X, X, X, X, Y, X], probes::plan_export),
    row("audit log", "read", "`sango-hub audit who-saw` (`Hub::who_saw_case`); no GraphQL field", [F, F, F, F, F, F, Y, U], probes::audit_read),
    row("tokens", "create", "`sango-hub token create` (the command line acts as admin); no GraphQL field", [X, X, X, X, X, X, Y, X], probes::token_create),
];
