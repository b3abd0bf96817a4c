//! The world the matrix runs in: the Tottori demo, plus a short-stay facility in 鳥取市 that
//! 鳥取市 (first come) and 米子市 (lottery) contract, with cases, bookings, a draw, a standing
//! waitlist offer and a token for every principal.

use std::collections::HashMap;
use std::path::PathBuf;

use sango_domain::{ApplicationMethod, CaseProfile, ContractTerms, Coordinates, FacilityDraft, FacilityKind, FiscalYear, HouseholdTier, LgCode, PrefectureCode, Principal, ServiceCapacity, Yen};
use sango_graphql::HubSchema;
use sango_service::booking::BookRequest;
use sango_service::{Caller, Hub};
use serde_json::{Value, json};

use super::support::booking::{T, d, rules};
use super::support::{admin, code, hub_with_clock, staff};
use super::table::{ROLES, Role, TOTTORI, YONAGO};

/// The profile of the 鳥取市 cases, as GraphQL input.
pub fn case_input(coordination: bool) -> Value {
    json!({ "municipality": TOTTORI, "tier": "TAXED", "infantBirthDate": "2025-04-15", "coordination": coordination, "registeredOn": "2025-04-01" })
}

fn profile(m: &str, coordination: bool) -> CaseProfile {
    CaseProfile { municipality: code(m), tier: HouseholdTier::Taxed, infant_birth_date: d("2025-04-15"), multiples: 1, high_need: false, coordination, registered_on: d("2025-04-01") }
}

pub struct World {
    pub hub: Hub,
    pub schema: HubSchema,
    /// The short-stay facility in 鳥取市; facility staff are its staff.
    pub facility: i64,
    /// 鳥取市's contract with it.
    pub contract_no: i64,
    /// An unflagged 鳥取市 case, its booking of 2 and 3 June, and a standing waitlist offer for 10 June.
    pub case: String,
    pub booking: String,
    pub offer: i64,
    /// A flagged 鳥取市 case and its booking of 2 June.
    pub flagged: String,
    pub flagged_booking: String,
    /// Per role: a booking of its own to cancel (unflagged and flagged cases), and a flagged case to book.
    pub cancel: Vec<String>,
    pub flagged_cancel: Vec<String>,
    pub flagged_book: Vec<String>,
    /// An unflagged 鳥取市 case without bookings.
    pub book_case: String,
    /// A 米子市 case that has not applied for the 16 June draw.
    pub yonago_applicant: String,
    /// Where `settle` writes.
    pub out: PathBuf,
    callers: HashMap<Principal, Caller>,
}

fn principal(owner: &str, role: Role) -> Option<Principal> {
    let (own, neighbour) = if owner == TOTTORI { (TOTTORI, YONAGO) } else { (YONAGO, TOTTORI) };
    let lg = |c: &str| LgCode::parse(c).unwrap();
    let tottori = PrefectureCode::new(31).unwrap();
    Some(match role {
        Role::Coordinator => Principal::PrefectureCoordinator(tottori),
        Role::OwnStaff => Principal::MunicipalStaff(lg(own)),
        Role::NeighbourStaff => Principal::MunicipalStaff(lg(neighbour)),
        Role::FacilityStaff => return None,
        Role::MunicipalFinance => Principal::MunicipalFinance(lg(own)),
        Role::PrefectureFinance => Principal::PrefectureFinance(tottori),
        Role::Admin => Principal::Admin,
        Role::Anonymous => return None,
    })
}

impl World {
    /// The principal a role stands for in a row owned by `owner` (None: anonymous).
    pub fn principal(&self, owner: &str, role: Role) -> Option<Principal> {
        match role {
            Role::FacilityStaff => Some(Principal::FacilityStaff(self.facility)),
            _ => principal(owner, role),
        }
    }

    /// The caller, as the token minted for the principal resolves.
    pub fn caller(&self, owner: &str, role: Role) -> Caller {
        self.principal(owner, role).map_or(Caller::Anonymous, |p| self.callers[&p])
    }

    pub async fn build() -> World {
        let (hub, clock) = hub_with_clock("2025-05-22 09:00:00").await;
        let years = [FiscalYear::new(2025).unwrap(), FiscalYear::new(2026).unwrap()];
        hub.seed_demo(PrefectureCode::new(31).unwrap(), 7, None, &years).await.expect("the demo seeds");

        let draft = FacilityDraft {
            name: "（架空）とっとり駅前助産院".into(),
            kind: FacilityKind::MidwifeHome,
            address: String::new(),
            location: Coordinates::new(35.4933, 134.2259, "location").unwrap(),
            services: vec![ServiceCapacity::new(T, 50, "c").unwrap()],
            synthetic: true,
        };
        let facility = hub.create_facility(&admin(), draft).await.unwrap().id;
        let fy = FiscalYear::new(2025).unwrap();
        let mut contract_no = 0;
        for (m, method) in [(TOTTORI, ApplicationMethod::FirstCome), (YONAGO, ApplicationMethod::Lottery)] {
            hub.set_program(&staff(m), code(m), fy, rules(method, 4)).await.unwrap();
            let terms = ContractTerms { municipality: code(m), facility_id: facility, service_type: T, unit_price: Yen(36_000), additions: Default::default(), valid_from: d("2025-04-01"), valid_to: None };
            let c = hub.create_contract(&staff(m), terms).await.unwrap();
            if m == TOTTORI {
                contract_no = c.contract_no;
            }
        }

        let tottori = staff(TOTTORI);
        let register = |flag: bool| {
            let hub = hub.clone();
            async move { hub.register_case(&tottori, profile(TOTTORI, flag)).await.unwrap().reference }
        };
        let book = |case: String, dates: &'static [&'static str]| {
            let hub = hub.clone();
            async move {
                let req = BookRequest { case, facility_id: facility, service_type: T, dates: dates.iter().map(|s| d(s)).collect(), idempotency_key: None };
                hub.book(&tottori, req).await.unwrap().reference
            }
        };
        let case = register(false).await;
        let booking = book(case.clone(), &["2025-06-02", "2025-06-03"]).await;
        let flagged = register(true).await;
        let flagged_booking = book(flagged.clone(), &["2025-06-02"]).await;
        let (mut cancel, mut flagged_cancel, mut flagged_book) = (vec![], vec![], vec![]);
        for _ in ROLES {
            cancel.push(book(register(false).await, &["2025-06-04"]).await);
            flagged_cancel.push(book(register(true).await, &["2025-06-04"]).await);
            flagged_book.push(register(true).await);
        }
        let book_case = register(false).await;

        // 米子市 runs a lottery: one application for 2 June, drawn after the window closes.
        let yonago = staff(YONAGO);
        let applicant = hub.register_case(&yonago, profile(YONAGO, false)).await.unwrap();
        hub.apply_lottery(&yonago, &applicant.reference, facility, T, &[d("2025-06-02")]).await.unwrap();
        clock.set_jst("2025-05-30 11:00:00");
        hub.run_lottery(&yonago, facility, T, d("2025-06-02"), Some(1), None).await.unwrap();
        let yonago_applicant = hub.register_case(&yonago, profile(YONAGO, false)).await.unwrap().reference;

        // From here on it is 3 June: the 2 June booking can have its use recorded.
        clock.set_jst("2025-06-03 12:00:00");
        let offer = hub.join_waitlist(&tottori, &case, facility, T, &[d("2025-06-10")]).await.unwrap();
        assert_eq!(offer.status.as_str(), "OFFERED", "the free slot is offered at once");

        let mut callers = HashMap::new();
        let mut principals: Vec<Principal> = [TOTTORI, YONAGO].iter().flat_map(|o| ROLES.iter().filter_map(move |r| principal(o, *r))).collect();
        principals.push(Principal::FacilityStaff(facility));
        for p in principals {
            let token = hub.create_token(p, "matrix", Some(chrono::Duration::days(30))).await.unwrap();
            let caller = hub.authenticate(Some(&format!("Bearer {token}"))).await.unwrap();
            assert_eq!(caller, Caller::Principal(p));
            callers.insert(p, caller);
        }
        let out = std::env::temp_dir().join(format!("sango-matrix-{}-{}", std::process::id(), facility));
        let schema = sango_graphql::build_schema(hub.clone());
        World { hub, schema, facility, contract_no, case, booking, offer: offer.id, flagged, flagged_booking, cancel, flagged_cancel, flagged_book, book_case, yonago_applicant, out, callers }
    }
}

impl Drop for World {
    fn drop(&mut self) {
        // The files `settle` and `plan` wrote; nothing else is there.
        let _ = std::fs::remove_dir_all(&self.out);
    }
}
