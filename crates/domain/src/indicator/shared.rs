//! What the snapshots of several dates share when they read the same health records
//! ([`SharedHealth`]): the vaccinations by child as schedule slots, the measurements that
//! classify a child by child. A dashboard computes today and the earlier quarter ends at once;
//! each date then picks from these instead of indexing millions of records again.
use super::Settings;
use crate::health::{Compiled, HealthRecords, Measurement, Schedule, Slot};
use crate::quick_hash::ById;
use jiff::civil::Date;
use std::sync::OnceLock;

/// Records grouped by child: each child's in the records' order.
pub(super) struct Runs<T> {
    items: Vec<T>,
    /// (child id, from, to) in `items`, by child id.
    runs: Vec<(i64, usize, usize)>,
    at: ById,
}

impl<T: Copy> Runs<T> {
    /// `records`: (child id, record), in the records' order.
    fn by_child(records: impl Iterator<Item = (i64, T)>) -> Runs<T> {
        let mut items = Vec::with_capacity(records.size_hint().0);
        let mut runs: Vec<(i64, usize, usize)> = Vec::new();
        let mut sorted = true;
        for (id, t) in records {
            match runs.last_mut() {
                Some(run) if run.0 == id => run.2 += 1,
                last => {
                    sorted &= last.is_none_or(|run| run.0 < id);
                    runs.push((id, items.len(), items.len() + 1));
                }
            }
            items.push(t);
        }
        // The storage gives records child by child: only records in another order are sorted
        // (stably: each child's keep their order).
        if !sorted {
            let mut keyed: Vec<(i64, T)> = runs
                .iter()
                .flat_map(|&(id, lo, hi)| items[lo..hi].iter().map(move |t| (id, *t)))
                .collect();
            keyed.sort_by_key(|x| x.0);
            runs.clear();
            items.clear();
            for w in keyed.chunk_by(|a, b| a.0 == b.0) {
                runs.push((w[0].0, items.len(), items.len() + w.len()));
                items.extend(w.iter().map(|x| x.1));
            }
        }
        let at = ById::new(runs.iter().map(|r| r.0));
        Runs { items, runs, at }
    }
}

impl<T> Runs<T> {
    /// Where the child's run is in [`Runs::runs`].
    pub fn position(&self, id: i64) -> Option<usize> {
        self.at.get(id).map(|i| i as usize)
    }

    /// The child's records.
    pub fn of(&self, id: i64) -> &[T] {
        self.position(id).map_or(&[], |i| {
            let (_, lo, hi) = self.runs[i];
            &self.items[lo..hi]
        })
    }

    /// Each child's id and records, by child id.
    pub fn iter(&self) -> impl Iterator<Item = (i64, &[T])> + '_ {
        self.runs
            .iter()
            .map(|&(id, lo, hi)| (id, &self.items[lo..hi]))
    }
}

/// A measurement that classifies its child: its date and its class as underweight and as
/// stunted ([`Measurement::underweight`], [`Measurement::stunted`]; at least one is known).
pub(super) type Classified = (Date, [Option<bool>; 2]);

/// See the module's doc. Built with [`SharedHealth::new`] for the records and the settings
/// every snapshot it serves reads; each part when first needed.
pub struct SharedHealth<'a> {
    health: &'a HealthRecords,
    schedule: Schedule,
    compiled: Compiled,
    vaccinations: OnceLock<Runs<(Slot, Date)>>,
    measured: OnceLock<Runs<Classified>>,
}

impl<'a> SharedHealth<'a> {
    pub fn new(health: &'a HealthRecords, settings: &Settings) -> SharedHealth<'a> {
        SharedHealth {
            health,
            schedule: settings.epi_schedule.clone(),
            compiled: Compiled::new(&settings.epi_schedule),
            vaccinations: OnceLock::new(),
            measured: OnceLock::new(),
        }
    }

    /// Whether these are the records and the schedule a computation reads.
    pub(super) fn serves(&self, health: &HealthRecords, settings: &Settings) -> bool {
        std::ptr::eq(self.health, health) && self.schedule == settings.epi_schedule
    }

    /// The immunization schedule, compiled.
    pub(super) fn schedule(&self) -> &Compiled {
        &self.compiled
    }

    /// Every child's vaccinations of doses the schedule or its rules know, as (slot, date).
    pub(super) fn vaccinations(&self) -> &Runs<(Slot, Date)> {
        self.vaccinations.get_or_init(|| {
            Runs::by_child(
                self.health
                    .vaccinations
                    .iter()
                    .filter_map(|v| Some((v.child_id, self.compiled.slotted(v)?))),
            )
        })
    }

    /// Every child's measurements that classify it, see [`Classified`].
    pub(super) fn measured(&self) -> &Runs<Classified> {
        self.measured.get_or_init(|| {
            Runs::by_child(self.health.measurements.iter().filter_map(|m| {
                let got = [Measurement::underweight(m), Measurement::stunted(m)];
                got.iter()
                    .any(Option::is_some)
                    .then_some((m.child_id, (m.date, got)))
            }))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Runs;

    #[test]
    fn records_are_grouped_by_child_each_childs_in_their_order() {
        let unsorted = [(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        let sorted = [(1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c')];
        for records in [&unsorted, &sorted] {
            let runs = Runs::by_child(records.iter().copied());
            assert_eq!(runs.of(1), ['b', 'e']);
            assert_eq!(runs.of(2), ['d']);
            assert_eq!(runs.of(3), ['a', 'c']);
            assert!(runs.of(4).is_empty());
            let ids: Vec<i64> = runs.iter().map(|(id, _)| id).collect();
            assert_eq!(ids, [1, 2, 3]);
        }
        assert!(Runs::<char>::by_child(std::iter::empty()).of(1).is_empty());
    }
}
