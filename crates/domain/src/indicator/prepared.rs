//! What several targets of one snapshot read, built once (when first needed) and shared by
//! them: the children by id, the present ones, birth dates from the birth records, each child's
//! death, each child's last measurement; and, shared with the snapshots of other dates over the
//! same records ([`SharedHealth`]), the vaccinations by child.
//!
//! Health records dated after the as-of date are not known on it and are left out here (the
//! other records are selected by date in the period, up to the as-of date, by each indicator),
//! so that one set of records serves the snapshots of several dates.
use super::shared::SharedHealth;
use super::{Rec, Settings, Snapshot};
use crate::health::{Compiled, DeathCause, Slot};
use crate::register::Sex;
use jiff::civil::Date;
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasherDefault;
use std::sync::{Arc, OnceLock};

pub(super) use crate::quick_hash::{ById, IdHasher, IdMap};

/// What a figure's breakdown reads of a child, as small numbers: an index into
/// [`Entries::villages`], the sex (male, female, unknown), the ethnicity code (256: unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Key {
    pub village: u32,
    pub sex: u8,
    pub ethnicity: u16,
}

/// A child of the snapshot with what the selections, id lists and breakdowns read most, so
/// that they need not go back to the (large) record each time.
#[derive(Debug, Clone, Copy)]
pub(super) struct Entry<'a> {
    pub child: Rec<'a>,
    pub id: i64,
    /// Completed years on the as-of date by the register's birth date
    /// ([`crate::register::ChildData::age_on`]).
    pub age: Option<i32>,
    pub present: bool,
    pub key: Key,
}

pub(super) struct Entries<'a> {
    /// Every child of the snapshot, in its order.
    pub all: Vec<Entry<'a>>,
    /// Village codes, indexed by [`Key::village`].
    pub villages: Vec<&'a str>,
}

pub(super) struct Prepared<'a> {
    pub snap: Snapshot<'a>,
    entries: OnceLock<Entries<'a>>,
    by_id: OnceLock<ById>,
    born: OnceLock<IdMap<Date>>,
    deaths: OnceLock<Vec<(i64, Date, DeathCause)>>,
    births_in_period: OnceLock<(Vec<(Entry<'a>, Date)>, usize)>,
    present_under5: OnceLock<Vec<Entry<'a>>>,
    measurements: OnceLock<LastMeasurements>,
    shared: Arc<SharedHealth<'a>>,
}

/// For each child measured ([`SharedHealth::measured`], in its order), the class (underweight,
/// stunted) of the last measurement in the period that gives one; and per class how many
/// children measured are not in the snapshot.
type LastMeasurements = (Vec<[Option<bool>; 2]>, [usize; 2]);

impl<'a> Prepared<'a> {
    pub fn new(snap: Snapshot<'a>, settings: &Settings) -> Self {
        Prepared::with(snap, Arc::new(SharedHealth::new(snap.health, settings)))
    }

    /// With what `shared` holds when it serves this snapshot's records and settings; else with
    /// its own.
    pub fn with_shared(
        snap: Snapshot<'a>,
        settings: &Settings,
        shared: &Arc<SharedHealth<'a>>,
    ) -> Self {
        if shared.serves(snap.health, settings) {
            Prepared::with(snap, shared.clone())
        } else {
            Prepared::new(snap, settings)
        }
    }

    fn with(snap: Snapshot<'a>, shared: Arc<SharedHealth<'a>>) -> Self {
        Prepared {
            snap,
            entries: OnceLock::new(),
            by_id: OnceLock::new(),
            born: OnceLock::new(),
            deaths: OnceLock::new(),
            births_in_period: OnceLock::new(),
            present_under5: OnceLock::new(),
            measurements: OnceLock::new(),
            shared,
        }
    }

    pub fn entries(&self) -> &Entries<'a> {
        self.entries.get_or_init(|| {
            let on = self.snap.as_of;
            let mut villages: Vec<&'a str> = Vec::new();
            let mut village_at: HashMap<&'a str, u32, BuildHasherDefault<IdHasher>> =
                HashMap::default();
            let mut all = Vec::with_capacity(self.snap.children.len());
            for c in self.snap.children.iter() {
                let v = c.village();
                let village = *village_at.entry(v).or_insert_with(|| {
                    villages.push(v);
                    villages.len() as u32 - 1
                });
                all.push(Entry {
                    child: c,
                    id: c.id(),
                    age: c.age_on(on),
                    present: c.present_on(on),
                    key: Key {
                        village,
                        sex: match c.sex() {
                            Sex::Male => 0,
                            Sex::Female => 1,
                            Sex::Unknown => 2,
                        },
                        ethnicity: c.ethnicity().map_or(256, u16::from),
                    },
                });
            }
            Entries { all, villages }
        })
    }

    /// Children present on the as-of date, in snapshot order. Picked out each time rather than
    /// kept: nearly every child is present, and a second list of a million would be memory
    /// the system must first clear.
    pub fn present(&self) -> impl Iterator<Item = Entry<'a>> + '_ {
        self.entries().all.iter().filter(|e| e.present).copied()
    }

    /// The child with this id (of two with the same id, the later in the snapshot).
    pub fn child(&self, id: i64) -> Option<Entry<'a>> {
        let all = &self.entries().all;
        let at = self
            .by_id
            .get_or_init(|| ById::new(all.iter().map(|e| e.id)));
        at.get(id).map(|i| all[i as usize])
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

    /// Live births in the period up to the as-of date: every child of the snapshot whose birth
    /// date ([`Prepared::dob`]: the register's, else its earliest live birth record's) falls in
    /// it, one per child, in child id order: (the child, the birth date); and how many children
    /// with a live birth record in it are not in the snapshot. Children registered or imported
    /// without a health station birth record count as much as those with one: deaths are
    /// counted from every source, so the births must be too. Targets 3, 4 and 5 share them.
    pub fn births_in_period(&self) -> &(Vec<(Entry<'a>, Date)>, usize) {
        self.births_in_period.get_or_init(|| {
            let (period, on) = (self.snap.period, self.snap.as_of);
            let in_period = |d: Date| period.contains(d) && d <= on;
            // No child born in the period is older on the as-of date than one born on its first
            // day: the others are ruled out by the age the entry keeps, without reading their
            // (large) record.
            let oldest = crate::age::age_on(Some(period.start), on).unwrap_or(i32::MAX);
            let mut out: Vec<(Entry<'a>, Date)> = self
                .entries()
                .all
                .iter()
                .filter(|e| e.age.is_none_or(|a| a <= oldest))
                .filter_map(|e| {
                    let born = self.dob(e.child)?;
                    in_period(born).then_some((*e, born))
                })
                .collect();
            // Of two records with the same id, the later in the snapshot (as `child` finds).
            out.sort_by_key(|(e, _)| e.id);
            out.dedup_by(|later, earlier| {
                let same = later.0.id == earlier.0.id;
                if same {
                    *earlier = *later;
                }
                same
            });
            let mut unknown: Vec<i64> = self
                .snap
                .health
                .births
                .iter()
                .filter(|b| b.live && in_period(b.date) && self.child(b.child_id).is_none())
                .map(|b| b.child_id)
                .collect();
            unknown.sort_unstable();
            unknown.dedup();
            (out, unknown.len())
        })
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
            for c in self.snap.children.iter() {
                if let Some(died) = c.died_on() {
                    first.entry(c.id()).or_insert((died, DeathCause::Unknown));
                }
            }
            first.into_iter().map(|(id, (d, c))| (id, d, c)).collect()
        })
    }

    /// A child's birth date: the register's, else its earliest live birth record's.
    pub fn dob(&self, c: Rec) -> Option<Date> {
        c.date_of_birth().or_else(|| self.born(c.id()))
    }

    /// The child's age on `on`; on the as-of date the register's (kept in the entry) when it
    /// has a birth date.
    pub fn entry_age(&self, e: &Entry, on: Date) -> Option<i32> {
        match e.age {
            Some(a) if on == self.snap.as_of => Some(a),
            _ => self
                .dob(e.child)
                .and_then(|d| crate::age::age_on(Some(d), on)),
        }
    }

    /// Present children under 5 on the as-of date (birth date known), in snapshot order:
    /// targets 6, 7 and 10 count them.
    pub fn present_under5(&self) -> &[Entry<'a>] {
        self.present_under5.get_or_init(|| {
            let on = self.snap.as_of;
            self.present()
                .filter(|e| self.entry_age(e, on).is_some_and(|a| a < 5))
                .collect()
        })
    }

    /// The immunization schedule, compiled.
    pub fn schedule(&self) -> &Compiled {
        self.shared.schedule()
    }

    /// The vaccinations of a child, in the records' order, as schedule slots (doses no rule
    /// reads left out).
    pub fn vaccinations(&self, id: i64) -> &[(Slot, Date)] {
        self.shared.vaccinations().of(id)
    }

    /// For targets 6 and 7: the child's last measurement in the period (up to the as-of date)
    /// that classifies it (latest date; on a tie the later in the records), as underweight and
    /// as stunted (`None`: no such measurement).
    pub fn last_measurement(&self, id: i64) -> [Option<bool>; 2] {
        let measured = self.shared.measured();
        measured
            .position(id)
            .map_or([None; 2], |i| self.last_measurements().0[i])
    }

    /// Per class, how many children with a measurement that classifies them in the period are
    /// not in the snapshot.
    pub fn unknown_measured(&self) -> [usize; 2] {
        self.last_measurements().1
    }

    fn last_measurements(&self) -> &LastMeasurements {
        self.measurements.get_or_init(|| {
            let (period, on) = (self.snap.period, self.snap.as_of);
            let in_period = |d: Date| period.contains(d) && d <= on;
            let mut unknown = [0; 2];
            let last = self
                .shared
                .measured()
                .iter()
                .map(|(id, ms)| {
                    let mut last: [Option<(Date, bool)>; 2] = [None; 2];
                    // In record order: a later record on the same day replaces an earlier one.
                    for (date, got) in ms.iter().filter(|(d, _)| in_period(*d)) {
                        for (slot, bad) in last.iter_mut().zip(got) {
                            if let Some(bad) = *bad {
                                if slot.is_none_or(|(d, _)| *date >= d) {
                                    *slot = Some((*date, bad));
                                }
                            }
                        }
                    }
                    if last.iter().any(Option::is_some) && self.child(id).is_none() {
                        for (n, slot) in unknown.iter_mut().zip(&last) {
                            *n += usize::from(slot.is_some());
                        }
                    }
                    last.map(|s| s.map(|(_, bad)| bad))
                })
                .collect();
            (last, unknown)
        })
    }
}
