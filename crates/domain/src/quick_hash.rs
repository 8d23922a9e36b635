//! A hash for the engine's own keys, looked up millions of times for each computation, and
//! where each child id is in a list ([`ById`]).
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A map keyed by child id.
pub(crate) type IdMap<V> = HashMap<i64, V, BuildHasherDefault<IdHasher>>;

/// A hasher for child ids and short codes (values the engine itself does not expose to
/// attack): one multiplication a byte or an integer instead of SipHash.
#[derive(Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_i64(&mut self, n: i64) {
        let x = (n as u64 ^ self.0).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = x ^ (x >> 29);
    }
}

/// Where each child id is in a list: the ids of a register are mostly the numbers from 1 up,
/// so a table indexed by id (one memory access, built in one pass) serves where they are dense
/// enough; a hash map otherwise.
pub(crate) enum ById {
    Dense { min: i64, at: Vec<u32> },
    Sparse(IdMap<u32>),
}

impl ById {
    const NONE: u32 = u32::MAX;

    /// `ids` in list order: of two equal ids, the later's position is kept.
    pub(crate) fn new(ids: impl ExactSizeIterator<Item = i64> + Clone) -> ById {
        let n = ids.len();
        let (min, max) = ids.clone().fold((i64::MAX, i64::MIN), |(lo, hi), id| {
            (lo.min(id), hi.max(id))
        });
        let span = max.checked_sub(min).and_then(|s| usize::try_from(s).ok());
        match span {
            Some(span) if n > 0 && span < 4 * n + 1024 && n < ById::NONE as usize => {
                let mut at = vec![ById::NONE; span + 1];
                for (i, id) in ids.enumerate() {
                    at[(id - min) as usize] = i as u32;
                }
                ById::Dense { min, at }
            }
            _ => {
                let mut m = IdMap::default();
                m.reserve(n);
                for (i, id) in ids.enumerate() {
                    m.insert(id, i as u32);
                }
                ById::Sparse(m)
            }
        }
    }

    pub(crate) fn get(&self, id: i64) -> Option<u32> {
        match self {
            ById::Dense { min, at } => {
                let k = usize::try_from(id.checked_sub(*min)?).ok()?;
                at.get(k).copied().filter(|&i| i != ById::NONE)
            }
            ById::Sparse(m) => m.get(&id).copied(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ById;

    #[test]
    fn ids_are_found_at_their_last_place_dense_or_sparse() {
        for ids in [vec![3, 1, 2, 3], vec![5, 1_000_000_000, -7, 5, i64::MIN]] {
            let at = ById::new(ids.iter().copied());
            for id in &ids {
                let last = ids.iter().rposition(|x| x == id).unwrap();
                assert_eq!(at.get(*id), Some(last as u32), "{ids:?} {id}");
            }
            for absent in [4, 0, i64::MAX, 999_999_999] {
                assert_eq!(at.get(absent), None, "{ids:?} {absent}");
            }
        }
        assert!(matches!(
            ById::new([3, 1, 2, 3].into_iter()),
            ById::Dense { .. }
        ));
        assert!(matches!(
            ById::new([5, 1_000_000_000].into_iter()),
            ById::Sparse(_)
        ));
        assert_eq!(ById::new(std::iter::empty()).get(0), None);
    }
}
