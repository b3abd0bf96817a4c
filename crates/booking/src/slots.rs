//! Taking slots for a group of bookings decided together, in order: each booking gets one place
//! on every one of its slots, or none at all.

use std::collections::HashMap;
use std::hash::Hash;

/// The free places of the slots a group of bookings asks for, and what the group has taken.
#[derive(Clone, Debug)]
pub struct FreeSlots<K> {
    /// Per slot: places still free, and places taken by this group.
    slots: HashMap<K, (u32, u32)>,
}

impl<K: Copy + Eq + Hash> FreeSlots<K> {
    /// Slots with their capacity and how many places are already taken (more than the capacity,
    /// after a capacity was lowered, leaves none free).
    pub fn new(slots: impl IntoIterator<Item = (K, u32, u32)>) -> Self {
        Self { slots: slots.into_iter().map(|(k, capacity, taken)| (k, (capacity.saturating_sub(taken), 0))).collect() }
    }

    /// Takes one place on every slot in `keys`, or none when any of them is full (or unknown):
    /// then returns the full ones, in the order given.
    pub fn take_all(&mut self, keys: &[K]) -> Result<(), Vec<K>> {
        let full: Vec<K> = keys.iter().copied().filter(|k| self.slots.get(k).is_none_or(|(free, _)| *free == 0)).collect();
        if !full.is_empty() {
            return Err(full);
        }
        for k in keys {
            if let Some((free, taken)) = self.slots.get_mut(k) {
                *free -= 1;
                *taken += 1;
            }
        }
        Ok(())
    }

    /// The slots this group took places on, each with how many.
    pub fn taken(&self) -> impl Iterator<Item = (K, u32)> + '_ {
        self.slots.iter().filter(|(_, (_, taken))| *taken > 0).map(|(k, (_, taken))| (*k, *taken))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_booking_takes_all_its_slots_or_none() {
        let mut slots = FreeSlots::new([(1, 2, 1), (2, 1, 1), (3, 5, 0)]);
        assert_eq!(slots.take_all(&[1, 2, 3]), Err(vec![2]));
        assert_eq!(slots.taken().count(), 0, "a refused booking takes nothing");
        assert_eq!(slots.take_all(&[1, 3]), Ok(()));
        assert_eq!(slots.take_all(&[1, 3]), Err(vec![1]));
        assert_eq!(slots.take_all(&[4]), Err(vec![4]), "a slot not read is full");
        let mut taken: Vec<(i32, u32)> = slots.taken().collect();
        taken.sort();
        assert_eq!(taken, vec![(1, 1), (3, 1)]);
    }

    #[test]
    fn a_lowered_capacity_leaves_nothing_free() {
        let mut slots = FreeSlots::new([(7, 3, 5)]);
        assert_eq!(slots.take_all(&[7]), Err(vec![7]));
    }

    proptest! {
        /// Against a plain model: a list of free places, each booking checked and taken in turn.
        #[test]
        fn matches_taking_one_booking_at_a_time(
            slots in prop::collection::vec((0u32..4, 0u32..4), 1..6),
            bookings in prop::collection::vec(prop::collection::btree_set(0usize..7, 1..4), 0..20),
        ) {
            let mut group = FreeSlots::new(slots.iter().enumerate().map(|(k, (cap, taken))| (k, *cap, *taken)));
            let mut free: Vec<u32> = slots.iter().map(|(cap, taken)| cap.saturating_sub(*taken)).collect();
            let mut model_taken = vec![0u32; slots.len()];
            for keys in bookings {
                let keys: Vec<usize> = keys.into_iter().collect();
                let full: Vec<usize> = keys.iter().copied().filter(|k| free.get(*k).is_none_or(|f| *f == 0)).collect();
                let expected = if full.is_empty() {
                    for k in &keys {
                        free[*k] -= 1;
                        model_taken[*k] += 1;
                    }
                    Ok(())
                } else {
                    Err(full)
                };
                prop_assert_eq!(group.take_all(&keys), expected);
            }
            for (k, n) in group.taken() {
                prop_assert_eq!(n, model_taken[k]);
                prop_assert!(slots[k].1 + n <= slots[k].0, "never past the capacity");
            }
            prop_assert_eq!(group.taken().map(|(_, n)| n).sum::<u32>(), model_taken.iter().sum::<u32>());
        }
    }
}
