//! What several targets of one snapshot read, built once (when first needed) and shared by
//! them: the children by id, the present ones, birth dates from the birth records, each child's
//! death, the vaccinations by child.
//!
//! Health records dated after the as-of date are not known on it and are left out here (the
//! other records are selected by date in the period, up to the as-of date, by each indicator),
//! so that one set of records serves the snapshots of several dates.
use super::Snapshot;
use crate::health::{DeathCause, Vaccination};
use crate::register::Child;
use jiff::civil::Date;
use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

/// A hasher for child ids (integers the engine itself does not expose to attack): one
/// multiplication instead of SipHash.
#[derive(Default, Clone, Copy)]
pub(super) struct IdHasher(u64);

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

/// A map keyed by child id.
pub(super) type IdMap<V> = HashMap<i64, V, BuildHasherDefault<IdHasher>>;

pub(super) struct Prepared<'a> {
    pub snap: Snapshot<'a>,
    by_id: OnceCell<Vec<&'a Child>>,
    present: OnceCell<Vec<&'a Child>>,
    born: OnceCell<IdMap<Date>>,
    deaths: OnceCell<Vec<(i64, Date, DeathCause)>>,
    vaccinations: OnceCell<Vec<&'a Vaccination>>,
}

impl<'a> Prepared<'a> {
    pub fn new(snap: Snapshot<'a>) -> Self {
        Prepared {
            snap,
            by_id: OnceCell::new(),
            present: OnceCell::new(),
            born: OnceCell::new(),
            deaths: OnceCell::new(),
            vaccinations: OnceCell::new(),
        }
    }

    /// The child with this id (of two with the same id, the later in the snapshot).
    pub fn child(&self, id: i64) -> Option<&'a Child> {
        let v = self.by_id.get_or_init(|| {
            let mut v: Vec<&Child> = self.snap.children.iter().collect();
            // Stable, and linear when already in id order (as the register is read).
            v.sort_by_key(|c| c.id);
            // Keep the last of equal ids.
            let mut out: Vec<&Child> = Vec::with_capacity(v.len());
            for c in v {
                match out.last_mut() {
                    Some(l) if l.id == c.id => *l = c,
                    _ => out.push(c),
                }
            }
            out
        });
        v.binary_search_by_key(&id, |c| c.id).ok().map(|i| v[i])
    }

    /// Children present on the as-of date, in snapshot order.
    pub fn present(&self) -> &[&'a Child] {
        self.present.get_or_init(|| {
            let on = self.snap.as_of;
            self.snap
                .children
                .iter()
                .filter(|c| c.data.present_on(on))
                .collect()
        })
    }

    /// Earliest live birth date per child, from birth records up to the as-of date.
    pub fn born(&self, id: i64) -> Option<Date> {
        self.born
            .get_or_init(|| {
                let on = self.snap.as_of;
                let mut born = IdMap::default();
                for b in self
                    .snap
                    .health
                    .births
                    .iter()
                    .filter(|b| b.live && b.date <= on)
                {
                    let e = born.entry(b.child_id).or_insert(b.date);
                    *e = (*e).min(b.date);
                }
                born
            })
            .get(&id)
            .copied()
    }

    /// One death per child, by child id: the earliest death record up to the as-of date (the
    /// first in the records of those on the same day); else the register's `died_on`, cause
    /// unknown.
    pub fn deaths(&self) -> &[(i64, Date, DeathCause)] {
        self.deaths.get_or_init(|| {
            let on = self.snap.as_of;
            let mut first: BTreeMap<i64, (Date, DeathCause)> = BTreeMap::new();
            for d in self.snap.health.deaths.iter().filter(|d| d.date <= on) {
                let e = first.entry(d.child_id).or_insert((d.date, d.cause));
                if d.date < e.0 {
                    *e = (d.date, d.cause);
                }
            }
            for c in self.snap.children {
                if let Some(died) = c.data.died_on {
                    first.entry(c.id).or_insert((died, DeathCause::Unknown));
                }
            }
            first.into_iter().map(|(id, (d, c))| (id, d, c)).collect()
        })
    }

    /// The vaccinations of a child, in the records' order.
    pub fn vaccinations(&self, id: i64) -> &[&'a Vaccination] {
        let v = self.vaccinations.get_or_init(|| {
            let mut v: Vec<&Vaccination> = self.snap.health.vaccinations.iter().collect();
            v.sort_by_key(|x| x.child_id);
            v
        });
        let lo = v.partition_point(|x| x.child_id < id);
        let hi = lo + v[lo..].partition_point(|x| x.child_id <= id);
        &v[lo..hi]
    }
}
