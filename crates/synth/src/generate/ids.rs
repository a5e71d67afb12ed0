//! Deterministic record identifiers.
//!
//! Primary keys are UUIDv7-shaped, like the ones the app makes with `Uuid::now_v7()`, but built
//! from a timestamp derived from the record's position and random bits from the seeded RNG, so
//! the same seed gives the same ids. Each client's records share one millisecond
//! (`recorded_at` minus the number of records still to come), with a 12-bit counter in front of
//! the random bits: ids sort in insertion order, which keeps the primary-key B-trees appending
//! instead of splitting pages at random during a large load, and ids made by the app afterwards
//! sort after generated ones.

use std::cell::Cell;

use rand::Rng;
use uuid::Uuid;

/// Makes the ids of one client record and its doses.
#[derive(Debug)]
pub struct IdMaker {
    millis: u64,
    counter: Cell<u16>,
}

impl IdMaker {
    /// Ids stamped with `millis` (Unix milliseconds).
    pub fn new(millis: u64) -> Self {
        Self {
            millis,
            counter: Cell::new(0),
        }
    }

    /// The next id.
    pub fn next(&self, rng: &mut impl Rng) -> Uuid {
        let n = self.counter.get();
        self.counter.set(n.wrapping_add(1));
        let mut bytes = [0u8; 10];
        rng.fill(&mut bytes[2..]);
        // The builder overwrites the top four bits of byte 0 with the version: 12 counter bits.
        bytes[0] = ((n >> 8) & 0x0F) as u8;
        bytes[1] = (n & 0xFF) as u8;
        uuid::Builder::from_unix_timestamp_millis(self.millis, &bytes).into_uuid()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn ids_are_valid_version_7_uuids_in_creation_order() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let a = IdMaker::new(1_700_000_000_000);
        let ids: Vec<Uuid> = (0..40).map(|_| a.next(&mut rng)).collect();
        assert!(ids
            .iter()
            .all(|u| u.get_version_num() == 7 && u.get_variant() == uuid::Variant::RFC4122));
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "a record's ids sort in creation order"
        );
        let later = IdMaker::new(1_700_000_000_001).next(&mut rng);
        assert!(later > ids[39]);
    }

    #[test]
    fn the_same_seed_gives_the_same_ids() {
        let make = || {
            let mut rng = ChaCha8Rng::seed_from_u64(5);
            let m = IdMaker::new(42);
            (0..3).map(|_| m.next(&mut rng)).collect::<Vec<_>>()
        };
        assert_eq!(make(), make());
    }
}
