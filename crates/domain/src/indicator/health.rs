//! Health indicators (targets 3–7, 9–11, 15): the register's children with the health
//! station's records ([`crate::health::HealthRecords`]).
//!
//! Common rules, beyond those of [`super::formulas`]:
//! * an event (birth, death, injury, measurement) counts when dated in the reporting period and
//!   on or before the as-of date; "in the period" below means that;
//! * a child's birth date is the register's; when the register has none, the date of the
//!   child's live [`crate::health::Birth`] record;
//! * live births in the period (targets 3, 4, 5) are the register's children born in it by that
//!   date, whether or not the health station recorded the birth: a child registered or
//!   imported with a birth date in the period is a live birth, as a death from any source is
//!   a death (the station's books alone left such children out of the denominator and
//!   inflated the rates);
//! * records of children not in the register snapshot are left out (the figure's note says how
//!   many): they cannot be broken down nor checked for age;
//! * a death is a [`crate::health::Death`] record; a register child with `died_on` and no death
//!   record also counts as a death (cause unknown), so that the two books cannot hide a death;
//!   one death per child (the earliest record);
//! * each child is counted at most once in a numerator and once in a denominator.
use super::formulas::RegisterIndicator;
use super::prepared::{Entry, Prepared};
use super::selection::{Member, Selection};
use super::{Rec, Settings, Snapshot};
use crate::health::{Age, DeathCause};
use jiff::civil::Date;
use std::collections::BTreeMap;

/// Children under this many days at death are neonatal deaths (WHO: the first 28 days).
const NEONATAL_DAYS: i32 = 28;

/// Completed years of a child born `dob` on `on`, as [`crate::register::ChildData::age_on`].
fn age_on(dob: Date, on: Date) -> Option<i32> {
    crate::age::age_on(Some(dob), on)
}

fn days_between(from: Date, to: Date) -> Option<i32> {
    from.until(to).ok().map(|s| s.get_days())
}

struct Ctx<'a, 's> {
    snap: &'s Snapshot<'a>,
    prep: &'s Prepared<'a>,
    settings: &'s Settings,
    notes: Vec<String>,
}

impl<'a, 's> Ctx<'a, 's> {
    fn new(prep: &'s Prepared<'a>, settings: &'s Settings) -> Self {
        Ctx {
            snap: &prep.snap,
            prep,
            settings,
            notes: Vec::new(),
        }
    }

    /// In the period and on or before the as-of date.
    fn in_period(&self, d: Date) -> bool {
        self.snap.period.contains(d) && d <= self.snap.as_of
    }

    fn child(&self, id: i64) -> Option<Entry<'a>> {
        self.prep.child(id)
    }

    fn dob(&self, c: Rec) -> Option<Date> {
        self.prep.dob(c)
    }

    fn entry_age(&self, e: &Entry, on: Date) -> Option<i32> {
        self.prep.entry_age(e, on)
    }

    fn member(&self, e: Entry<'a>, on: Date) -> Member<'a> {
        Member::at(e, self.entry_age(&e, on))
    }

    fn present(&self) -> impl Iterator<Item = Entry<'a>> + '_ {
        self.prep.present()
    }

    /// Present children under 5 on the as-of date (birth date known).
    fn present_under5(&self) -> &'s [Entry<'a>] {
        self.prep.present_under5()
    }

    /// Present children under the age limit on the as-of date; no birth date counts (as in 13).
    fn present_children(&self) -> Vec<Member<'a>> {
        let on = self.snap.as_of;
        let limit = self.settings.child_age_limit;
        self.present()
            .map(|e| self.member(e, on))
            .filter(|m| m.age.is_none_or(|a| a < limit))
            .collect()
    }

    fn unknown_children(&mut self, n: usize, what: &str) {
        if n > 0 {
            self.notes.push(format!(
                "{n} {what} của trẻ không có trong sổ theo dõi trẻ em, không được tính"
            ));
        }
    }

    /// Live births in the period, one per child.
    fn births(&mut self) -> Vec<Member<'a>> {
        let (births, unknown) = self.prep.births_in_period();
        let out = births
            .iter()
            .map(|&(c, date)| self.member(c, date))
            .collect();
        self.unknown_children(*unknown, "bản ghi sinh");
        out
    }

    /// Deaths in the period: (child, date, cause), one per child, see the module's rules.
    fn deaths(&mut self) -> Vec<(Entry<'a>, Date, DeathCause)> {
        let mut out = Vec::new();
        let mut unknown = 0;
        for &(id, date, cause) in self.prep.deaths() {
            if !self.in_period(date) {
                continue;
            }
            match self.child(id) {
                Some(c) => out.push((c, date, cause)),
                None => unknown += 1,
            }
        }
        self.unknown_children(unknown, "bản ghi tử vong");
        out
    }

    /// Deaths in the period with a cause `keep` accepts, of children `under` the age limit (a
    /// predicate on the birth date and the death date). A death with no birth date counts when
    /// `unknown_age_counts` (as a present child with no birth date counts in 13); otherwise, and
    /// when the death is dated before the birth, it is left out and noted.
    fn deaths_where(
        &mut self,
        keep: impl Fn(DeathCause) -> bool,
        under: impl Fn(Date, Date) -> bool,
        unknown_age_counts: bool,
    ) -> Vec<Member<'a>> {
        let deaths = self.deaths();
        let mut out = Vec::new();
        let mut no_dob = 0;
        for (e, date, cause) in deaths {
            if !keep(cause) {
                continue;
            }
            match self.dob(e.child) {
                Some(dob) if dob <= date => {
                    if under(dob, date) {
                        out.push(self.member(e, date));
                    }
                }
                None if unknown_age_counts => out.push(self.member(e, date)),
                _ => no_dob += 1,
            }
        }
        if no_dob > 0 {
            self.notes.push(format!(
                "{no_dob} trường hợp tử vong không rõ ngày sinh (hoặc ngày mất trước ngày sinh), \
                 không tính được tuổi khi mất nên không được tính"
            ));
        }
        out
    }

    fn selection(self, denominator: Vec<Member<'a>>, numerator: Vec<Member<'a>>) -> Selection<'a> {
        Selection {
            denominator,
            numerator,
            counts: None,
            notes: self.notes,
        }
    }
}

/// The figure's children for a health indicator.
pub(super) fn select<'a>(
    ind: RegisterIndicator,
    prep: &Prepared<'a>,
    settings: &Settings,
) -> Selection<'a> {
    let snap = &prep.snap;
    let mut cx = Ctx::new(prep, settings);
    match ind {
        // 3, 4, 5: deaths in the period at the age ÷ live births in the period × 1.000.
        RegisterIndicator::NeonatalMortality => {
            let births = cx.births();
            let deaths = cx.deaths_where(
                |_| true,
                |dob, died| days_between(dob, died).is_some_and(|d| d < NEONATAL_DAYS),
                false,
            );
            cx.selection(births, deaths)
        }
        RegisterIndicator::InfantMortality => {
            let births = cx.births();
            let deaths = cx.deaths_where(
                |_| true,
                |dob, died| age_on(dob, died).is_some_and(|a| a < 1),
                false,
            );
            cx.selection(births, deaths)
        }
        RegisterIndicator::Under5Mortality => {
            let births = cx.births();
            let deaths = cx.deaths_where(
                |_| true,
                |dob, died| age_on(dob, died).is_some_and(|a| a < 5),
                false,
            );
            cx.selection(births, deaths)
        }
        // 6, 7: present under-5s by their last usable measurement in the period.
        RegisterIndicator::UnderweightUnder5 => nutrition(cx, 0),
        RegisterIndicator::StuntingUnder5 => nutrition(cx, 1),
        // 9: children turning 1 in the period, present on that day.
        RegisterIndicator::FullyImmunisedUnder1 => {
            let schedule = prep.schedule();
            let mut den = Vec::new();
            let mut num = Vec::new();
            // A first birthday is in the year after the birth (29/02 is followed by 01/03): the
            // years the period reaches up to the as-of date rule out most children at once.
            let upto = snap.period.end.min(snap.as_of);
            let years = i32::from(snap.period.start.year())..=i32::from(upto.year());
            for &e in &prep.entries().all {
                let Some(dob) = cx.dob(e.child) else { continue };
                if !years.contains(&(i32::from(dob.year()) + 1)) {
                    continue;
                }
                let birthday = Age::Months(12).reached_on(dob);
                if !cx.in_period(birthday) || !e.child.present_on(birthday) {
                    continue;
                }
                let m = cx.member(e, birthday);
                let vs = prep.vaccinations(e.id);
                if schedule.fully_immunised_before_first_birthday(dob, vs) {
                    num.push(m);
                }
                den.push(m);
            }
            cx.selection(den, num)
        }
        // 10: present under-5s old enough to have a dose overdue, with nothing lacking for
        // their age on the as-of date.
        RegisterIndicator::Under5ScheduleComplete => {
            let schedule = prep.schedule();
            let on = snap.as_of;
            let mut den = Vec::new();
            let mut num = Vec::new();
            for &e in cx.present_under5() {
                let Some(dob) = cx.dob(e.child) else { continue };
                if !schedule.under5_counted(dob, on) {
                    continue;
                }
                let m = cx.member(e, on);
                let vs = prep.vaccinations(e.id);
                let complete = schedule.complete_under5(dob, vs, on);
                if complete {
                    num.push(m);
                }
                den.push(m);
            }
            cx.selection(den, num)
        }
        // Hepatitis B birth dose: live births in the period whose dose was given in time, over
        // those whose time for it has passed or who had it.
        RegisterIndicator::HepBBirthDose => {
            let schedule = prep.schedule();
            let on = snap.as_of;
            let births = cx.births();
            let mut den = Vec::new();
            let mut num = Vec::new();
            if schedule.has_birth_dose() {
                for m in births {
                    let Some(e) = cx.child(m.id) else { continue };
                    let Some(dob) = cx.dob(e.child) else { continue };
                    match schedule.birth_dose_in_time(dob, prep.vaccinations(m.id), on) {
                        Some(true) => {
                            num.push(m);
                            den.push(m);
                        }
                        Some(false) => den.push(m),
                        None => {}
                    }
                }
            } else {
                cx.notes
                    .push("lịch tiêm chủng không có mũi viêm gan B sơ sinh (`birth_dose`)".into());
            }
            cx.selection(den, num)
        }
        // 15, first figure: children injured in the period ÷ present children × 100.000.
        RegisterIndicator::InjuryRate => {
            let den = cx.present_children();
            let limit = settings.child_age_limit;
            let mut first: BTreeMap<i64, Date> = BTreeMap::new();
            for i in &snap.health.injuries {
                if cx.in_period(i.date) {
                    let e = first.entry(i.child_id).or_insert(i.date);
                    *e = (*e).min(i.date);
                }
            }
            let mut num = Vec::new();
            let mut unknown = 0;
            for (id, date) in first {
                match cx.child(id) {
                    Some(c) => {
                        let m = cx.member(c, date);
                        if m.age.is_none_or(|a| a < limit) {
                            num.push(m);
                        }
                    }
                    None => unknown += 1,
                }
            }
            cx.unknown_children(unknown, "bản ghi tai nạn thương tích");
            cx.selection(den, num)
        }
        // 15, second figure: injury deaths in the period ÷ present children × 100.000.
        RegisterIndicator::InjuryDeathRate => {
            let den = cx.present_children();
            let limit = settings.child_age_limit;
            let num = cx.deaths_where(
                DeathCause::is_injury,
                |dob, died| age_on(dob, died).is_some_and(|a| a < limit),
                true,
            );
            cx.selection(den, num)
        }
        // 11: aggregate counts.
        RegisterIndicator::HivMotherToChild => {
            let upto = snap.period.end.min(snap.as_of);
            let (mut n, mut d, mut partial) = (0u64, 0u64, 0usize);
            for h in &snap.health.hiv {
                let inside = snap.period.start <= h.period_start && h.period_end <= upto;
                let overlaps = h.period_start <= upto && h.period_end >= snap.period.start;
                if inside {
                    n += u64::from(h.infants_infected);
                    d += u64::from(h.infants_born_to_hiv_positive_mothers);
                } else if overlaps {
                    partial += 1;
                }
            }
            if partial > 0 {
                cx.notes.push(format!(
                    "{partial} số liệu theo dõi HIV có kỳ không nằm trọn trong kỳ báo cáo, \
                     không được tính"
                ));
            }
            let mut sel = cx.selection(Vec::new(), Vec::new());
            sel.counts = Some((n, d));
            sel
        }
        RegisterIndicator::SpecialCircumstancesShare
        | RegisterIndicator::SpecialCircumstancesSupported
        | RegisterIndicator::BirthRegisteredUnder5
        | RegisterIndicator::KindergartenAge5 => {
            unreachable!("not a health indicator: {ind}")
        }
    }
}

/// Targets 6 and 7: present under-5s on the as-of date with a measurement in the period for
/// which the class (0: [`crate::health::Measurement::underweight`], 1:
/// [`crate::health::Measurement::stunted`]) gives an answer (a usable z); the last such
/// measurement (latest date; on a tie the later in the records) decides the numerator.
fn nutrition<'a>(mut cx: Ctx<'a, '_>, class: usize) -> Selection<'a> {
    let unknown = cx.prep.unknown_measured();
    let on = cx.snap.as_of;
    let mut den = Vec::new();
    let mut num = Vec::new();
    for &c in cx.present_under5() {
        let Some(bad) = cx.prep.last_measurement(c.id)[class] else {
            continue;
        };
        let m = cx.member(c, on);
        if bad {
            num.push(m);
        }
        den.push(m);
    }
    cx.unknown_children(unknown[class], "lần cân đo");
    cx.selection(den, num)
}
