//! The schedule compiled for counting (lịch tiêm đã đánh số): every dose numbered once (a
//! [`Slot`]), each dose's prerequisite resolved to its number, and a child's vaccinations as
//! (slot, date) pairs. Targets 9 and 10 apply the rules to a few hundred thousand children on
//! several dates: looking each record's vaccine code up in the schedule every time was most of
//! their work. The rules themselves are those of [`super::schedule`]; the [`Schedule`]'s own
//! per-child methods run through here, so that there is one implementation of them.
use super::schedule::{Age, Dose, DoseRef, Due, DueAround, Schedule};
use super::Vaccination;
use crate::quick_hash::IdHasher;
use jiff::civil::Date;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

/// Slots by vaccine code, then dose number.
type ByCode = HashMap<String, Vec<(u8, Slot)>, BuildHasherDefault<IdHasher>>;

/// A dose's number in a [`Compiled`] schedule: the schedule's doses vaccine by vaccine in the
/// file's order, then the doses a rule names that the schedule lacks (only in a schedule built
/// by hand: a loaded file is checked). Wide enough for any schedule that fits in memory.
pub type Slot = u32;

/// One dose of the schedule, with its vaccine's position and its prerequisite's slot.
#[derive(Debug, Clone)]
struct Step {
    vaccine: usize,
    dose: Dose,
    prerequisite: Option<Slot>,
}

/// A [`Schedule`] with its doses numbered, see the module's doc.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The schedule's doses, by slot.
    steps: Vec<Step>,
    codes: Vec<String>,
    /// Slots by vaccine code, then dose number; a code or dose that appears twice keeps its
    /// first place, as the schedule's lookups do.
    by_code: ByCode,
    overdue_after_days: u32,
    catch_up_until: Option<Age>,
    under1_before: Age,
    /// The rules' doses, as slots.
    under1: Vec<Slot>,
    under5: Vec<Slot>,
    /// The rules' doses as written, for the lists of what a child lacks.
    under1_refs: Vec<DoseRef>,
    under5_refs: Vec<DoseRef>,
    /// The distinct ages of the under-5 rule's doses: a child is counted by target 10 once the
    /// earliest is overdue.
    under5_ages: Vec<Age>,
    /// The birth dose's slot and the age before which it counts.
    birth_dose: Option<(Slot, Age)>,
}

/// What the schedule says about one dose for one child on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Given on this date.
    Given(Date),
    /// The prerequisite dose is not given.
    Waiting,
    /// Not given; due on this date (possibly after the date asked about).
    Due(Date),
}

impl Compiled {
    /// The embedded schedule ([`Schedule::embedded`]), compiled once: pages and the demo
    /// generator ask it about one child after another.
    pub fn embedded() -> &'static Compiled {
        static C: OnceLock<Compiled> = OnceLock::new();
        C.get_or_init(|| Compiled::new(Schedule::embedded()))
    }

    pub fn new(s: &Schedule) -> Compiled {
        let mut by_code = ByCode::default();
        let mut steps = Vec::new();
        let mut places = Vec::new();
        for (vi, v) in s.vaccines.iter().enumerate() {
            let first = !by_code.contains_key(&v.code);
            let mut slots = Vec::new();
            let mut vplaces = Vec::new();
            for d in &v.doses {
                let slot = steps.len() as Slot;
                vplaces.push(slot);
                if first && !slots.iter().any(|(n, _)| *n == d.dose) {
                    slots.push((d.dose, slot));
                }
                steps.push(Step {
                    vaccine: vi,
                    dose: d.clone(),
                    prerequisite: None,
                });
            }
            if first {
                by_code.insert(v.code.clone(), slots);
            }
            places.push(vplaces);
        }
        let find = |by_code: &ByCode, r: &DoseRef| -> Option<Slot> {
            by_code
                .get(&r.vaccine)?
                .iter()
                .find(|(n, _)| *n == r.dose)
                .map(|(_, s)| *s)
        };
        for (vi, v) in s.vaccines.iter().enumerate() {
            for (di, d) in v.doses.iter().enumerate() {
                let slot = places[vi][di] as usize;
                steps[slot].prerequisite = match &d.after {
                    Some(a) => find(&by_code, a),
                    None => di.checked_sub(1).map(|p| places[vi][p]),
                };
            }
        }
        let mut next = steps.len() as Slot;
        let mut rule = |by_code: &mut ByCode, doses: &[DoseRef]| {
            doses
                .iter()
                .map(|r| {
                    find(by_code, r).unwrap_or_else(|| {
                        let slot = next;
                        next += 1;
                        by_code
                            .entry(r.vaccine.clone())
                            .or_default()
                            .push((r.dose, slot));
                        slot
                    })
                })
                .collect::<Vec<Slot>>()
        };
        let under1 = rule(&mut by_code, &s.fully_immunised_under1.doses);
        let under5 = rule(&mut by_code, &s.complete_under5.doses);
        let mut under5_ages: Vec<Age> = Vec::new();
        for &slot in &under5 {
            if let Some(step) = steps.get(slot as usize) {
                if !under5_ages.contains(&step.dose.age) {
                    under5_ages.push(step.dose.age);
                }
            }
        }
        let birth_dose = s.birth_dose.as_ref().and_then(|r| {
            let slot = find(&by_code, r)?;
            let until = steps.get(slot as usize)?.dose.on_time_until?;
            Some((slot, until))
        });
        Compiled {
            steps,
            codes: s.vaccines.iter().map(|v| v.code.clone()).collect(),
            by_code,
            overdue_after_days: s.overdue_after_days,
            catch_up_until: s.catch_up_until,
            under1_before: s.fully_immunised_under1.before.unwrap_or(Age::Months(12)),
            under1,
            under5,
            under1_refs: s.fully_immunised_under1.doses.clone(),
            under5_refs: s.complete_under5.doses.clone(),
            under5_ages,
            birth_dose,
        }
    }

    /// The slot of a vaccination's dose (its code trimmed); `None` for a dose neither the
    /// schedule nor a rule knows, which no rule reads.
    pub fn slot(&self, vaccine: &str, dose: u8) -> Option<Slot> {
        self.by_code
            .get(vaccine.trim())?
            .iter()
            .find(|(n, _)| *n == dose)
            .map(|(_, s)| *s)
    }

    /// A vaccination as (slot, date); `None` for a dose no rule reads.
    pub fn slotted(&self, v: &Vaccination) -> Option<(Slot, Date)> {
        Some((self.slot(&v.vaccine, v.dose)?, v.date))
    }

    /// A child's vaccinations as (slot, date), those of unknown doses left out.
    pub fn given<'v>(
        &self,
        vaccinations: impl IntoIterator<Item = &'v Vaccination>,
    ) -> Vec<(Slot, Date)> {
        vaccinations
            .into_iter()
            .filter_map(|v| self.slotted(v))
            .collect()
    }

    /// Runs `f` with room for each schedule dose's first date given and its state: on the stack
    /// for a schedule of the usual size (this runs for every child), else allocated.
    fn with_room<R>(&self, f: impl FnOnce(&mut [Option<Date>], &mut [Option<State>]) -> R) -> R {
        const ON_STACK: usize = 48;
        let n = self.steps.len();
        if n <= ON_STACK {
            let (mut first, mut memo) = ([None; ON_STACK], [None; ON_STACK]);
            f(&mut first[..n], &mut memo[..n])
        } else {
            f(&mut vec![None; n], &mut vec![None; n])
        }
    }

    /// Earliest date each schedule dose was given, counting records dated from `dob` to `on`,
    /// into `first` (by slot, empty on entry).
    fn first_given(given: &[(Slot, Date)], dob: Date, on: Date, first: &mut [Option<Date>]) {
        for &(slot, date) in given {
            if date < dob || date > on {
                continue;
            }
            if let Some(e) = first.get_mut(slot as usize) {
                if e.is_none_or(|d| date < d) {
                    *e = Some(date);
                }
            }
        }
    }

    /// The state of the dose in `slot`, with those of its prerequisites, kept in `memo`.
    /// `depth` bounds the chain of prerequisites followed (a cycle, only in a schedule built by
    /// hand, leaves the dose waiting); the result does not depend on the order doses are asked
    /// about.
    fn state(
        &self,
        slot: usize,
        dob: Date,
        given: &[Option<Date>],
        memo: &mut [Option<State>],
        depth: usize,
    ) -> State {
        if let Some(s) = memo[slot] {
            return s;
        }
        let step = &self.steps[slot];
        let s = if let Some(on) = given[slot] {
            State::Given(on)
        } else {
            let by_age = step.dose.age.reached_on(dob);
            match step.prerequisite {
                None => State::Due(by_age),
                Some(_) if depth == 0 => State::Waiting,
                Some(p) => match self.state(p as usize, dob, given, memo, depth - 1) {
                    State::Given(at) => {
                        let after = step.dose.interval.map_or(at, |i| i.reached_on(at));
                        State::Due(by_age.max(after))
                    }
                    _ => State::Waiting,
                },
            }
        };
        memo[slot] = Some(s);
        s
    }

    fn overdue_on(&self, due_on: Date) -> Date {
        Age::Days(self.overdue_after_days).reached_on(due_on)
    }

    /// Whether a not-given dose can no longer be given on `on` (`catch_up = false` and its
    /// `on_time_until` age reached).
    fn missed(d: &Dose, dob: Date, on: Date) -> bool {
        !d.catch_up && d.on_time_until.is_some_and(|a| on >= a.reached_on(dob))
    }

    /// [`Schedule::due_list`] for a child's vaccinations as [`Compiled::given`] gives them.
    pub fn due_list(&self, dob: Date, given: &[(Slot, Date)], today: Date) -> Vec<Due> {
        if self
            .catch_up_until
            .is_some_and(|a| today >= a.reached_on(dob))
        {
            return Vec::new();
        }
        let mut out: Vec<(Date, usize, Due)> = Vec::new();
        self.with_room(|first, memo| {
            Self::first_given(given, dob, today, first);
            let depth = first.len();
            for (slot, step) in self.steps.iter().enumerate() {
                let State::Due(due_on) = self.state(slot, dob, first, memo, depth) else {
                    continue;
                };
                if due_on > today || Self::missed(&step.dose, dob, today) {
                    continue;
                }
                let due = Due {
                    vaccine: self.codes[step.vaccine].clone(),
                    dose: step.dose.dose,
                    due_on,
                    overdue: today > self.overdue_on(due_on),
                };
                out.push((due_on, slot, due));
            }
        });
        // Slots run vaccine by vaccine in the file's order: the schedule's order.
        out.sort_by_key(|(d, slot, _)| (*d, *slot));
        out.into_iter().map(|(.., due)| due).collect()
    }

    /// The due list of a child whose birth date is known only as the window `born` (first and
    /// last possible day, [`crate::birth_date::BirthDate::window`]; the same day twice when
    /// exact, and then the same doses, dates and overdue marks as [`Compiled::due_list`]).
    ///
    /// * A dose is listed when it is due on `today` for some birth day of the window: due for
    ///   the first day (the oldest the child can be), or for the last (a dose that only an
    ///   older child has missed, such as the hepatitis B birth dose).
    /// * Its due date runs from the date for the first day to the date for the last; a dose not
    ///   yet due for the last day is due that much later than for the first (the window's
    ///   length).
    /// * It is **overdue** only when overdue for every birth day of the window, that is for
    ///   the last: an estimate never makes a child overdue from a day it invented.
    pub fn due_list_around(
        &self,
        born: (Date, Date),
        given: &[(Slot, Date)],
        today: Date,
    ) -> Vec<DueAround> {
        let (first, last) = (born.0, born.1.max(born.0));
        let early = self.due_list(first, given, today);
        let late = self.due_list(last, given, today);
        let spread = jiff::Span::new().days((last - first).get_days());
        let shift = |d: Date, later: bool| {
            if later {
                d.checked_add(spread).unwrap_or(d)
            } else {
                d.checked_sub(spread).unwrap_or(d)
            }
        };
        let mut out: Vec<DueAround> = early
            .iter()
            .map(|e| {
                let l = late
                    .iter()
                    .find(|l| l.vaccine == e.vaccine && l.dose == e.dose);
                DueAround {
                    vaccine: e.vaccine.clone(),
                    dose: e.dose,
                    from: e.due_on,
                    to: l.map_or_else(|| shift(e.due_on, true), |l| l.due_on.max(e.due_on)),
                    overdue: l.is_some_and(|l| l.overdue),
                }
            })
            .collect();
        for l in &late {
            if !early
                .iter()
                .any(|e| e.vaccine == l.vaccine && e.dose == l.dose)
            {
                out.push(DueAround {
                    vaccine: l.vaccine.clone(),
                    dose: l.dose,
                    from: shift(l.due_on, false).min(l.due_on),
                    to: l.due_on,
                    overdue: l.overdue,
                });
            }
        }
        // Stable: the early list's order (due date, then the schedule's), the rest after.
        out.sort_by_key(|d| d.from);
        out
    }

    /// Positions in the under-1 rule of the doses not given in time, see
    /// [`Schedule::missing_under1`].
    pub fn missing_under1<'c>(
        &'c self,
        dob: Date,
        given: &'c [(Slot, Date)],
    ) -> impl Iterator<Item = usize> + 'c {
        let before = self.under1_before.reached_on(dob);
        self.under1
            .iter()
            .enumerate()
            .filter_map(move |(i, &slot)| {
                let limit = self
                    .steps
                    .get(slot as usize)
                    .and_then(|s| s.dose.on_time_until)
                    .map_or(before, |a| a.reached_on(dob).min(before));
                let in_time = given
                    .iter()
                    .any(|&(s, date)| s == slot && dob <= date && date < limit);
                (!in_time).then_some(i)
            })
    }

    /// Target 9's rule, the one the indicator engine runs: every dose of the schedule's
    /// `fully_immunised_under1` given on or after `dob` and before the child reaches the rule's
    /// `before` age (the first birthday), or the dose's own `on_time_until` age when earlier
    /// ([`Compiled::missing_under1`] lists those that were not). The hepatitis B birth dose is
    /// not part of it ([`Compiled::birth_dose_in_time`] is a figure of its own).
    pub fn fully_immunised_before_first_birthday(&self, dob: Date, given: &[(Slot, Date)]) -> bool {
        self.missing_under1(dob, given).next().is_none()
    }

    /// Whether the schedule names a birth dose (`birth_dose`).
    pub fn has_birth_dose(&self) -> bool {
        self.birth_dose.is_some()
    }

    /// The birth dose for a child born on `dob`, asked on `on`: `Some(true)` when given on or
    /// after `dob` and before its `on_time_until` age (on the day of birth or the next day);
    /// `Some(false)` when not and that age is reached on or before `on`; `None` while it can
    /// still be given in time, or when the schedule names no birth dose.
    pub fn birth_dose_in_time(&self, dob: Date, given: &[(Slot, Date)], on: Date) -> Option<bool> {
        let (slot, until) = self.birth_dose?;
        let limit = until.reached_on(dob);
        let in_time = given
            .iter()
            .any(|&(s, date)| s == slot && dob <= date && date < limit && date <= on);
        if in_time {
            Some(true)
        } else if limit <= on {
            Some(false)
        } else {
            None
        }
    }

    /// Target 10's denominator: whether a child born on `dob` is, on `on`, old enough to have a
    /// dose of the under-5 rule overdue (the earliest dose's age reached more than
    /// `overdue_after_days` days before). A younger child has nothing required yet: counting
    /// them as fully immunised would flatter the figure.
    pub fn under5_counted(&self, dob: Date, on: Date) -> bool {
        // An age of 0 (BCG at birth) is reached first whatever the birth date: no date
        // arithmetic for each of a few hundred thousand children.
        let first = if self
            .under5_ages
            .iter()
            .any(|a| matches!(a, Age::Days(0) | Age::Months(0)))
        {
            Some(dob)
        } else {
            self.under5_ages.iter().map(|a| a.reached_on(dob)).min()
        };
        first.is_some_and(|due| on > self.overdue_on(due))
    }

    /// A due dose becomes overdue this many days after its due date.
    pub fn overdue_after_days(&self) -> u32 {
        self.overdue_after_days
    }

    /// The under-1 rule's doses, as written.
    pub fn under1_doses(&self) -> &[DoseRef] {
        &self.under1_refs
    }

    /// Positions in the under-5 rule of the doses lacking on `on`, see
    /// [`Schedule::missing_under5`].
    pub fn lacking_under5(&self, dob: Date, given: &[(Slot, Date)], on: Date) -> Vec<usize> {
        let mut out = Vec::new();
        self.each_lacking_under5(dob, given, on, |i| {
            out.push(i);
            true
        });
        out
    }

    /// Target 10's rule: nothing of the under-5 rule lacking on `on`.
    pub fn complete_under5(&self, dob: Date, given: &[(Slot, Date)], on: Date) -> bool {
        let mut complete = true;
        self.each_lacking_under5(dob, given, on, |_| {
            complete = false;
            false
        });
        complete
    }

    /// Gives `f` the position in the under-5 rule of each dose lacking on `on`, in the rule's
    /// order, while it returns true. Only the rule's doses and their prerequisites are looked
    /// at.
    fn each_lacking_under5(
        &self,
        dob: Date,
        given: &[(Slot, Date)],
        on: Date,
        mut f: impl FnMut(usize) -> bool,
    ) {
        self.with_room(|first, memo| {
            Self::first_given(given, dob, on, first);
            let depth = first.len();
            for (i, &slot) in self.under5.iter().enumerate() {
                let Some(step) = self.steps.get(slot as usize) else {
                    continue;
                };
                let lacking = match self.state(slot as usize, dob, first, memo, depth) {
                    State::Given(_) | State::Waiting => false,
                    State::Due(due_on) => {
                        Self::missed(&step.dose, dob, on) || on > self.overdue_on(due_on)
                    }
                };
                if lacking && !f(i) {
                    return;
                }
            }
        })
    }

    /// The under-5 rule's doses, as written.
    pub fn under5_doses(&self) -> &[DoseRef] {
        &self.under5_refs
    }
}

/// The [`Schedule`]'s own per-child questions, each compiling the schedule for the one call
/// (a caller asking about many children keeps a [`Compiled`]): one implementation of the rules.
impl Schedule {
    /// The doses a child born on `dob` should have by `today` and has not had: due on or before
    /// `today`, ordered by due date (then the file's order). `vaccinations` are that child's
    /// (records dated after `today` or before `dob` are ignored). Empty once the child reaches
    /// `catch_up_until`. A dose whose prerequisite is missing is not listed until the
    /// prerequisite is given; a missed `catch_up = false` dose is not listed.
    pub fn due_list<'v>(
        &self,
        dob: Date,
        vaccinations: impl IntoIterator<Item = &'v Vaccination>,
        today: Date,
    ) -> Vec<Due> {
        // One child: compiled for the call (a caller asking about many uses `Compiled`).
        let c = Compiled::new(self);
        c.due_list(dob, &c.given(vaccinations), today)
    }

    /// The doses of the under-1 rule not given in time: each must be given on or after `dob`
    /// and before the child reaches the dose's `on_time_until` age, or the rule's `before` age
    /// (the first birthday), whichever comes first. A dose given on or after the first birthday
    /// does not count.
    pub fn missing_under1<'v>(
        &self,
        dob: Date,
        vaccinations: impl IntoIterator<Item = &'v Vaccination>,
    ) -> Vec<DoseRef> {
        let c = Compiled::new(self);
        let given = c.given(vaccinations);
        c.missing_under1(dob, &given)
            .map(|i| c.under1_doses()[i].clone())
            .collect()
    }

    /// The doses of the under-5 rule a child born on `dob` lacks on `on`: those overdue on `on`
    /// (counting only vaccinations dated on or before `on`), and missed `catch_up = false`
    /// doses. Doses not yet due, due but within `overdue_after_days`, or waiting for a
    /// prerequisite are not lacking. Late doses count once given.
    pub fn missing_under5<'v>(
        &self,
        dob: Date,
        vaccinations: impl IntoIterator<Item = &'v Vaccination>,
        on: Date,
    ) -> Vec<DoseRef> {
        let c = Compiled::new(self);
        let given = c.given(vaccinations);
        c.lacking_under5(dob, &given, on)
            .into_iter()
            .map(|i| c.under5_doses()[i].clone())
            .collect()
    }

    /// Target 10's rule: nothing of `complete_under5` lacking on `on` for the age reached, see
    /// [`Schedule::missing_under5`].
    pub fn complete_under5_schedule<'v>(
        &self,
        dob: Date,
        vaccinations: impl IntoIterator<Item = &'v Vaccination>,
        on: Date,
    ) -> bool {
        let c = Compiled::new(self);
        c.complete_under5(dob, &c.given(vaccinations), on)
    }
}
