//! One probe per row of the matrix: the request a role makes, and how to tell that the record
//! came back. Writes that more than one role may make act on a record of their own
//! (`World::*[role]`), so that one role's write does not change what the next one finds.

use serde_json::{Value, json};

use super::table::Role;
use super::world::{World, case_input};

/// What a role asks, and through which door.
pub enum Probe {
    /// A GraphQL query or mutation. With `find`, the record counts as returned only when this
    /// text is in the data (otherwise the list answered without it: hidden).
    Gql { query: String, variables: Value, find: Option<String> },
    /// A GraphQL subscription (`Schema::execute_stream`) to the facility's capacity.
    Subscription { query: String },
    /// `Hub::who_saw_case`, which `sango-hub audit who-saw --case` calls.
    WhoSaw { case: String },
    /// `sango-hub settle`: statement files.
    Settle,
    /// `sango-hub plan --format csv`: the coordinator's plan as a file.
    Plan,
    /// `sango-hub token create` (`Hub::create_token`).
    TokenCreate,
}

fn gql(query: &str, variables: Value, find: impl Into<Option<String>>) -> Probe {
    Probe::Gql { query: query.to_owned(), variables, find: find.into() }
}

const CASE_FIELDS: &str = "reference municipality tier infantBirthDate coordination";

pub fn case_read(w: &World, _: Role) -> Probe {
    gql(&format!("query($r: String!) {{ case(reference: $r) {{ {CASE_FIELDS} }} }}"), json!({ "r": w.case }), w.case.clone())
}

pub fn case_list(w: &World, _: Role) -> Probe {
    gql(&format!("{{ cases(municipality: \"312011\", first: 500) {{ {CASE_FIELDS} }} }}"), json!({}), w.case.clone())
}

const REGISTER: &str = "mutation($i: CaseInput!) { registerCase(input: $i) { reference coordination } }";
const UPDATE: &str = "mutation($r: String!, $i: CaseInput!) { updateCase(reference: $r, input: $i) { reference coordination } }";

pub fn case_register(_: &World, _: Role) -> Probe {
    gql(REGISTER, json!({ "i": case_input(false) }), None)
}

pub fn case_update(w: &World, _: Role) -> Probe {
    gql(UPDATE, json!({ "r": w.case, "i": case_input(false) }), w.case.clone())
}

pub fn flagged_read(w: &World, _: Role) -> Probe {
    gql(&format!("query($r: String!) {{ case(reference: $r) {{ {CASE_FIELDS} }} }}"), json!({ "r": w.flagged }), w.flagged.clone())
}

pub fn flagged_list(w: &World, _: Role) -> Probe {
    gql(&format!("{{ cases(municipality: \"312011\", first: 500) {{ {CASE_FIELDS} }} }}"), json!({}), w.flagged.clone())
}

pub fn flagged_register(_: &World, _: Role) -> Probe {
    gql(REGISTER, json!({ "i": case_input(true) }), None)
}

pub fn flagged_update(w: &World, _: Role) -> Probe {
    gql(UPDATE, json!({ "r": w.flagged, "i": case_input(true) }), w.flagged.clone())
}

const CASE_BOOKINGS: &str = "query($r: String!) { case(reference: $r) { bookings { reference status days { date outcome infants } events { kind actor reason data } } } }";

pub fn booking_read(w: &World, _: Role) -> Probe {
    gql("query($r: String!) { case(reference: $r) { bookings { reference facilityId serviceType status days { date } } } }", json!({ "r": w.case }), w.booking.clone())
}

pub fn booking_events(w: &World, _: Role) -> Probe {
    gql(CASE_BOOKINGS, json!({ "r": w.case }), "BOOKED".to_owned())
}

const CARE_VIEW: &str = "query($f: ID!) { facilityBookings(facility: $f, from: \"2025-06-01\", to: \"2025-06-30\") { reference serviceType dates status infantAgeDays multiples highNeed } }";

pub fn booking_care_view(w: &World, _: Role) -> Probe {
    gql(CARE_VIEW, json!({ "f": w.facility.to_string() }), w.booking.clone())
}

const BOOK: &str = "mutation($i: BookInput!) { book(input: $i) { reference status events { kind data } } }";

pub fn booking_create(w: &World, _: Role) -> Probe {
    gql(BOOK, json!({ "i": { "case": w.book_case, "facility": w.facility.to_string(), "serviceType": "SHORT_STAY", "dates": ["2025-06-16"] } }), None)
}

const CANCEL: &str = "mutation($b: String!) { cancelBooking(booking: $b, reason: \"plans changed\") { reference status cancelReason events { kind actor reason data } } }";

pub fn booking_cancel(w: &World, r: Role) -> Probe {
    gql(CANCEL, json!({ "b": w.cancel[r.index()] }), "CANCELLED".to_owned())
}

pub fn flagged_booking_read(w: &World, _: Role) -> Probe {
    gql(CASE_BOOKINGS, json!({ "r": w.flagged }), w.flagged_booking.clone())
}

pub fn flagged_care_view(w: &World, _: Role) -> Probe {
    gql(CARE_VIEW, json!({ "f": w.facility.to_string() }), w.flagged_booking.clone())
}

pub fn flagged_book(w: &World, r: Role) -> Probe {
    gql(BOOK, json!({ "i": { "case": w.flagged_book[r.index()], "facility": w.facility.to_string(), "serviceType": "SHORT_STAY", "dates": ["2025-06-16"] } }), None)
}

pub fn flagged_cancel(w: &World, r: Role) -> Probe {
    gql(CANCEL, json!({ "b": w.flagged_cancel[r.index()] }), "CANCELLED".to_owned())
}

pub fn lottery_read(w: &World, _: Role) -> Probe {
    gql(
        "query($f: ID!) { lottery(facility: $f, serviceType: SHORT_STAY, date: \"2025-06-02\") { seed classes replayedOrder applications { reference status } } }",
        json!({ "f": w.facility.to_string() }),
        "WON".to_owned(),
    )
}

pub fn lottery_apply(w: &World, _: Role) -> Probe {
    gql(
        "mutation($c: String!, $f: ID!) { applyLottery(case: $c, facility: $f, serviceType: SHORT_STAY, dates: [\"2025-06-16\"]) { reference status } }",
        json!({ "c": w.yonago_applicant, "f": w.facility.to_string() }),
        "PENDING".to_owned(),
    )
}

pub fn waitlist_read(w: &World, _: Role) -> Probe {
    gql("query($r: String!) { case(reference: $r) { waitlist { id status firstDate lastDate } } }", json!({ "r": w.case }), format!("\"{}\"", w.offer))
}

pub fn waitlist_join(w: &World, _: Role) -> Probe {
    gql(
        "mutation($c: String!, $f: ID!) { joinWaitlist(case: $c, facility: $f, serviceType: SHORT_STAY, dates: [\"2025-06-11\"]) { id status } }",
        json!({ "c": w.case, "f": w.facility.to_string() }),
        None,
    )
}

pub fn waitlist_accept(w: &World, _: Role) -> Probe {
    gql("mutation($e: ID!) { acceptOffer(entry: $e) { reference source } }", json!({ "e": w.offer.to_string() }), "WAITLIST".to_owned())
}

pub fn use_read(w: &World, _: Role) -> Probe {
    gql("query($r: String!) { case(reference: $r) { bookings { reference days { date outcome infants sibling overFourMonths highNeed } } } }", json!({ "r": w.case }), w.booking.clone())
}

pub fn use_record(w: &World, _: Role) -> Probe {
    gql(
        "mutation($b: String!) { recordUse(input: { booking: $b, date: \"2025-06-02\", outcome: USED }) { reference days { date outcome } events { kind actor reason data } } }",
        json!({ "b": w.booking }),
        "USE_RECORDED".to_owned(),
    )
}

pub fn facility_read(w: &World, _: Role) -> Probe {
    gql(
        "query($f: ID!) { facility(id: $f) { id name calendar(serviceType: SHORT_STAY, from: \"2025-06-01\", to: \"2025-06-30\") { date capacity taken free } closures { reason } municipality { code } } }",
        json!({ "f": w.facility.to_string() }),
        format!("\"{}\"", w.facility),
    )
}

pub fn facility_list(w: &World, _: Role) -> Probe {
    gql("{ facilities(first: 500, filter: { municipality: \"312011\" }) { edges { node { id name } } pageInfo { hasNextPage } } }", json!({}), format!("\"{}\"", w.facility))
}

pub fn capacity_subscription(w: &World, _: Role) -> Probe {
    Probe::Subscription { query: format!("subscription {{ capacityChanged(facility: \"{}\") {{ facilityId municipality serviceType date capacity taken free }} }}", w.facility) }
}

pub fn capacity_read(w: &World, _: Role) -> Probe {
    gql(
        "{ monthCapacity(municipality: \"312011\", month: \"2025-06-01\") { serviceType capacity taken free } facilitiesWithin(municipality: \"312011\", km: 0) { facility { id } distanceKm } }",
        json!({}),
        format!("\"{}\"", w.facility),
    )
}

pub fn nearby_read(w: &World, _: Role) -> Probe {
    gql(
        "{ nearbyCapacity(input: { lat: 35.4933, lon: 134.2259, residentMunicipality: \"312011\", serviceType: SHORT_STAY, startDate: \"2025-06-16\", days: 1, infantBirthDate: \"2025-04-15\" }) { facility { id } freeSlots } }",
        json!({}),
        format!("\"{}\"", w.facility),
    )
}

pub fn capacity_set(w: &World, _: Role) -> Probe {
    gql(
        "mutation($f: ID!) { setCapacity(facilityId: $f, serviceType: SHORT_STAY, from: \"2025-07-01\", to: \"2025-07-01\", capacity: 50) { date capacity } }",
        json!({ "f": w.facility.to_string() }),
        None,
    )
}

pub fn closure_add(w: &World, _: Role) -> Probe {
    gql(
        "mutation($f: ID!) { addClosure(facilityId: $f, input: { serviceType: SHORT_STAY, from: \"2025-12-01\", to: \"2025-12-01\", reason: \"inspection\" }) { from reason } }",
        json!({ "f": w.facility.to_string() }),
        None,
    )
}

pub fn registry_read(_: &World, _: Role) -> Probe {
    gql(
        "{ municipality(code: \"312011\") { code name } municipalities(prefecture: \"31\") { code } demand(municipality: \"312011\", fiscalYear: 2025) { month uses } }",
        json!({}),
        "312011".to_owned(),
    )
}

pub fn facility_create(_: &World, r: Role) -> Probe {
    let input = json!({
        "name": format!("（架空）鳥取市の助産院 {}", r.index()),
        "kind": "MIDWIFE_HOME",
        "location": { "lat": 35.5011, "lon": 134.2351 },
        "services": [{ "serviceType": "DAY_CARE", "dailyCapacity": 2 }],
        "synthetic": true,
    });
    gql("mutation($i: FacilityInput!) { createFacility(input: $i) { id municipality { code } } }", json!({ "i": input }), None)
}

pub fn program_read(_: &World, _: Role) -> Probe {
    gql("{ program(municipality: \"312011\", fiscalYear: 2025) { version } programHistory(municipality: \"312011\", fiscalYear: 2025) { version } }", json!({}), "version".to_owned())
}

pub fn program_set(_: &World, _: Role) -> Probe {
    let rules = json!({
        "application": { "method": "FIRST_COME", "opensDaysBefore": 30, "closesDaysBefore": 3, "closesAt": "17:00" },
        "services": [{ "serviceType": "DAY_CARE", "maxInfantAgeMonths": 12, "maxUnits": 7, "maxHoursPerSession": 4 }],
        "fees": [
            { "serviceType": "DAY_CARE", "tier": "TAXED", "fee": 1000 },
            { "serviceType": "DAY_CARE", "tier": "NON_TAXED", "fee": 0 },
            { "serviceType": "DAY_CARE", "tier": "WELFARE", "fee": 0 },
        ],
    });
    gql("mutation($r: ProgramRulesInput!) { setProgram(municipality: \"312011\", fiscalYear: 2026, rules: $r) { version } }", json!({ "r": rules }), None)
}

pub fn contract_list(w: &World, _: Role) -> Probe {
    gql("{ contracts(municipality: \"312011\") { contractNo facilityId unitPrice facility { id name } } }", json!({}), format!("\"{}\"", w.contract_no))
}

pub fn contract_history(w: &World, _: Role) -> Probe {
    gql("query($n: ID!) { contractHistory(contractNo: $n) { contractNo version unitPrice } }", json!({ "n": w.contract_no.to_string() }), format!("\"{}\"", w.contract_no))
}

pub fn contract_amend(w: &World, _: Role) -> Probe {
    let input = json!({ "facilityId": w.facility.to_string(), "municipality": "312011", "serviceType": "SHORT_STAY", "unitPrice": 36000, "validFrom": "2025-04-01" });
    gql("mutation($n: ID!, $i: ContractInput!) { amendContract(contractNo: $n, input: $i) { contractNo version } }", json!({ "n": w.contract_no.to_string(), "i": input }), None)
}

pub fn settlement_read(_: &World, _: Role) -> Probe {
    gql("{ settlement(fiscalYear: 2025, municipality: \"312011\") { fiscalYearLabel uses payables { municipality } invoices { billedTo resident } } }", json!({}), "fiscalYearLabel".to_owned())
}

pub fn settlement_issue(_: &World, r: Role) -> Probe {
    // Each role issues a month of its own, so that one issue does not make the next a conflict.
    let month = format!("2025-{:02}-01", 4 + r.index());
    gql("mutation($m: Date!) { issueStatement(fiscalYear: 2025, month: $m, municipality: \"312011\") { issuedBy fingerprint } }", json!({ "m": month }), None)
}

pub fn settlement_export(_: &World, _: Role) -> Probe {
    Probe::Settle
}

pub fn plan_export(_: &World, _: Role) -> Probe {
    Probe::Plan
}

pub fn desk_read(_: &World, _: Role) -> Probe {
    gql(
        "{ capacityBalance(prefecture: \"31\", fiscalYear: 2025, month: 6, serviceType: SHORT_STAY, maxKm: 30) { totalShortfall } \
         capacityPlan(prefecture: \"31\", fiscalYear: 2025, month: 6, serviceType: SHORT_STAY, maxKm: 30) { placed unmetTotal } \
         coverage(prefecture: \"31\", serviceType: SHORT_STAY, km: 20) { municipality share } \
         careStatistics(municipality: \"312011\", fiscalYear: 2025) { users } }",
        json!({}),
        None,
    )
}

pub fn audit_read(w: &World, _: Role) -> Probe {
    Probe::WhoSaw { case: w.case.clone() }
}

pub fn token_create(_: &World, _: Role) -> Probe {
    Probe::TokenCreate
}
