//! Current contracts indexed for the search: the terms by (resident municipality, type, facility),
//! and per (municipality, type) an R-tree of only the facilities that municipality contracts, so
//! that the default, contracted-only search walks those facilities and nothing else.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use sango_domain::{ContractTerms, LgCode, ServiceType};
use sango_spatial::FacilityIndex;

/// Every current contract, indexed two ways.
#[derive(Default)]
pub struct ContractBook {
    terms: FxHashMap<(LgCode, ServiceType, i64), Vec<ContractTerms>>,
    members: FxHashMap<(LgCode, ServiceType), BTreeSet<i64>>,
    trees: FxHashMap<(LgCode, ServiceType), FacilityIndex>,
}

impl ContractBook {
    /// Indexes `contracts`; facilities are placed where `facilities` has them (a contract with a
    /// facility that is not indexed, a closed one, is kept but never found by the search).
    pub fn new(contracts: impl IntoIterator<Item = ContractTerms>, facilities: &FacilityIndex) -> Self {
        let mut book = Self::default();
        for c in contracts {
            book.members.entry((c.municipality, c.service_type)).or_default().insert(c.facility_id);
            book.terms.entry((c.municipality, c.service_type, c.facility_id)).or_default().push(c);
        }
        let keys: Vec<_> = book.members.keys().copied().collect();
        for key in keys {
            book.rebuild_tree(key, facilities);
        }
        book
    }

    /// The contract of `m` with `facility` for `t` valid on every day from `start` for `days`.
    pub fn find(&self, m: LgCode, t: ServiceType, facility: i64, start: NaiveDate, days: u32) -> Option<&ContractTerms> {
        let last = start + chrono::Days::new(u64::from(days.max(1) - 1));
        self.terms.get(&(m, t, facility))?.iter().find(|c| c.valid_on(start) && c.valid_on(last))
    }

    /// Every current contract.
    pub fn all(&self) -> impl Iterator<Item = &ContractTerms> {
        self.terms.values().flatten()
    }

    /// Every current contract of `m` for `t` (any dates).
    pub fn of(&self, m: LgCode, t: ServiceType) -> impl Iterator<Item = &ContractTerms> {
        let facilities = self.members.get(&(m, t));
        facilities.into_iter().flatten().flat_map(move |f| self.terms.get(&(m, t, *f)).into_iter().flatten())
    }

    /// The facilities `m` contracts for `t` (on any dates), placed for a nearest-first walk.
    pub fn contracted(&self, m: LgCode, t: ServiceType) -> Option<&FacilityIndex> {
        self.trees.get(&(m, t))
    }

    /// Replaces every current contract of `m` with `facility` for `t` (none: the pair has no contract).
    pub fn replace(&mut self, m: LgCode, t: ServiceType, facility: i64, terms: Vec<ContractTerms>, facilities: &FacilityIndex) {
        let members = self.members.entry((m, t)).or_default();
        if terms.is_empty() {
            self.terms.remove(&(m, t, facility));
            members.remove(&facility);
        } else {
            self.terms.insert((m, t, facility), terms);
            members.insert(facility);
        }
        self.rebuild_tree((m, t), facilities);
    }

    /// Re-places a facility that moved, opened or closed, wherever it is contracted.
    pub fn facility_changed(&mut self, facility: i64, facilities: &FacilityIndex) {
        let keys: Vec<_> = self.members.iter().filter(|(_, fs)| fs.contains(&facility)).map(|(k, _)| *k).collect();
        for key in keys {
            let tree = self.trees.entry(key).or_default();
            match facilities.location(facility) {
                Some(at) => tree.upsert(facility, at),
                None => {
                    tree.remove(facility);
                }
            }
        }
    }

    fn rebuild_tree(&mut self, key: (LgCode, ServiceType), facilities: &FacilityIndex) {
        let members = self.members.get(&key).into_iter().flatten();
        let placed: Vec<_> = members.filter_map(|f| facilities.location(*f).map(|at| (*f, at))).collect();
        if placed.is_empty() {
            self.trees.remove(&key);
        } else {
            self.trees.insert(key, FacilityIndex::new(placed));
        }
        if self.members.get(&key).is_some_and(BTreeSet::is_empty) {
            self.members.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use sango_domain::{Additions, Coordinates, Yen};

    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, day).unwrap()
    }

    fn at(lat: f64) -> Coordinates {
        Coordinates::new(lat, 134.0, "p").unwrap()
    }

    fn terms(m: LgCode, facility: i64, from: NaiveDate, to: Option<NaiveDate>) -> ContractTerms {
        ContractTerms {
            municipality: m,
            facility_id: facility,
            service_type: ServiceType::ShortStay,
            unit_price: Yen(30_000),
            additions: Additions::default(),
            valid_from: from,
            valid_to: to,
        }
    }

    fn ids(idx: Option<&FacilityIndex>) -> Vec<i64> {
        idx.map(|i| i.nearest(at(34.0), 10_000.0, 100, |_| true).into_iter().map(|n| n.id).collect()).unwrap_or_default()
    }

    #[test]
    fn finds_only_contracts_valid_on_every_day() {
        let m = LgCode::parse("312011").unwrap();
        let facilities = FacilityIndex::new([(1, at(35.0)), (2, at(35.5))]);
        let book = ContractBook::new([terms(m, 1, d(4, 1), Some(d(8, 31))), terms(m, 1, d(9, 2), None)], &facilities);
        let t = ServiceType::ShortStay;
        assert!(book.find(m, t, 1, d(8, 30), 2).is_some());
        assert!(book.find(m, t, 1, d(8, 31), 2).is_none(), "the request runs into a gap");
        assert!(book.find(m, t, 1, d(9, 2), 30).is_some());
        assert!(book.find(m, t, 2, d(8, 1), 1).is_none());
        assert!(book.find(m, ServiceType::DayCare, 1, d(8, 1), 1).is_none());
        assert_eq!(ids(book.contracted(m, t)), vec![1]);
        assert_eq!(book.of(m, t).count(), 2);
    }

    #[test]
    fn replacing_and_moving_keep_the_trees_in_step() {
        let m = LgCode::parse("312011").unwrap();
        let t = ServiceType::ShortStay;
        let mut facilities = FacilityIndex::new([(1, at(35.0)), (2, at(35.5))]);
        let mut book = ContractBook::new([terms(m, 1, d(4, 1), None)], &facilities);
        book.replace(m, t, 2, vec![terms(m, 2, d(4, 1), None)], &facilities);
        assert_eq!(ids(book.contracted(m, t)), vec![1, 2]);
        facilities.upsert(2, at(34.5));
        book.facility_changed(2, &facilities);
        assert_eq!(ids(book.contracted(m, t)), vec![2, 1], "facility 2 moved closer");
        facilities.remove(1);
        book.facility_changed(1, &facilities);
        assert_eq!(ids(book.contracted(m, t)), vec![2], "a closed facility is not walked");
        book.replace(m, t, 2, vec![], &facilities);
        assert!(book.contracted(m, t).is_none());
        assert!(book.find(m, t, 2, d(5, 1), 1).is_none());
        // Facility 1 reopens: its contract still stands.
        facilities.upsert(1, at(35.0));
        book.facility_changed(1, &facilities);
        assert_eq!(ids(book.contracted(m, t)), vec![1]);
    }
}
