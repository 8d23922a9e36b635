//! A village's papers (giấy tờ của thôn): the village book (sổ theo dõi trẻ em của thôn) —
//! who is written in it, in which order, in which words — and the counts of the one-page
//! summary read out at the village meeting (họp thôn). Pure: storage hands over the records
//! the reader may see, the pages print what this returns.
use crate::age::AgeBand;
use crate::birth_date::BirthDate;
use crate::health::{growth_watch, Compiled, GrowthWatch, Measurement, Vaccination};
use crate::register::Child;
use crate::text::sort_key;
use jiff::civil::Date;
use std::collections::HashMap;

/// The order of the village book: by name (Vietnamese order: given name, then the rest), or
/// household by household (hộ), each household's children by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BookOrder {
    #[default]
    ByName,
    ByHousehold,
}

/// One line of the village book (one child), in the words printed.
#[derive(Debug, Clone, PartialEq)]
pub struct BookLine {
    pub child_id: i64,
    /// Họ và tên.
    pub full_name: String,
    /// Ngày sinh as known: an estimate reads as one ("khoảng 11/2026", "khoảng năm 2023").
    pub birth: String,
    /// Giới tính.
    pub sex: &'static str,
    /// Dân tộc.
    pub ethnicity: String,
    /// Họ tên cha, mẹ hoặc người chăm sóc, each with their relationship.
    pub caregivers: String,
    /// Mã hộ (the household's code), empty when the child is not linked to one.
    pub household: String,
    /// Hoàn cảnh đặc biệt in force on the day printed.
    pub circumstances: String,
    /// Ghi chú.
    pub notes: String,
}

/// The village book on `today`: every child present in the commune that day (born, not moved
/// out, alive) among `children`, in `order`. `households` maps a household's id to its code.
pub fn book(
    children: &[Child],
    households: &HashMap<i64, String>,
    order: BookOrder,
    today: Date,
) -> Vec<BookLine> {
    let mut lines: Vec<(String, String, BookLine)> = children
        .iter()
        .filter(|c| c.data.present_on(today))
        .map(|c| {
            let d = &c.data;
            let household = d
                .household_id
                .and_then(|h| households.get(&h).cloned())
                .unwrap_or_default();
            let line = BookLine {
                child_id: c.id,
                full_name: d.full_name.clone(),
                birth: crate::birth_date::text_or_unknown(BirthDate::new(
                    d.date_of_birth,
                    d.dob_precision,
                )),
                sex: d.sex.label_vi(),
                ethnicity: d
                    .ethnicity
                    .and_then(crate::ethnicity::name)
                    .unwrap_or_default()
                    .to_string(),
                caregivers: d
                    .caregivers
                    .iter()
                    .map(|g| format!("{} ({})", g.full_name, g.relationship))
                    .collect::<Vec<_>>()
                    .join("; "),
                household: household.clone(),
                circumstances: d
                    .circumstances
                    .iter()
                    .filter(|x| x.active_on(today))
                    .map(|x| crate::circumstance::label(&x.code).unwrap_or(x.code.as_str()))
                    .collect::<Vec<_>>()
                    .join("; "),
                notes: d.notes.clone().unwrap_or_default(),
            };
            // A child without a household goes after the households in the household order.
            let group = match (order, household.is_empty()) {
                (BookOrder::ByName, _) => String::new(),
                (BookOrder::ByHousehold, true) => "\u{10FFFF}".into(),
                (BookOrder::ByHousehold, false) => household,
            };
            (group, sort_key(&d.full_name), line)
        })
        .collect();
    lines.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    lines.into_iter().map(|(_, _, l)| l).collect()
}

/// Children of one age band by sex.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BySex {
    pub male: u32,
    pub female: u32,
    pub unknown: u32,
}

impl BySex {
    pub fn total(&self) -> u32 {
        self.male + self.female + self.unknown
    }

    fn add(&mut self, sex: crate::sex::Sex) {
        match sex {
            crate::sex::Sex::Male => self.male += 1,
            crate::sex::Sex::Female => self.female += 1,
            crate::sex::Sex::Unknown => self.unknown += 1,
        }
    }
}

/// The register's counts of the village meeting's summary: nobody is named.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VillageCounts {
    /// Children present on the day, by age band (the bands with children, in band order).
    pub bands: Vec<(AgeBand, BySex)>,
    pub total: BySex,
    /// Born this calendar year (an estimated birth date counts by its year).
    pub born_this_year: u32,
    /// Died this calendar year (ngày mất in the year).
    pub died_this_year: u32,
    /// Present children with a special circumstance (hoàn cảnh đặc biệt) in force.
    pub special_circumstances: u32,
}

/// The counts of `children` (the village's, those who left and died included) on `today`.
pub fn counts(children: &[Child], today: Date) -> VillageCounts {
    let mut bands: HashMap<AgeBand, BySex> = HashMap::new();
    let mut c = VillageCounts::default();
    for child in children {
        let d = &child.data;
        if d.died_on
            .is_some_and(|x| x.year() == today.year() && x <= today)
        {
            c.died_this_year += 1;
        }
        if d.date_of_birth
            .is_some_and(|x| x.year() == today.year() && x <= today)
        {
            c.born_this_year += 1;
        }
        if !d.present_on(today) {
            continue;
        }
        bands
            .entry(AgeBand::of(d.age_on(today)))
            .or_default()
            .add(d.sex);
        c.total.add(d.sex);
        if d.circumstances.iter().any(|x| x.active_on(today)) {
            c.special_circumstances += 1;
        }
    }
    c.bands = bands.into_iter().collect();
    c.bands.sort_by_key(|b| b.0);
    c
}

/// What the health records say of one child, for [`health_counts`].
pub struct ChildHealth<'a> {
    pub born: BirthDate,
    /// The vaccinations given (up to the day).
    pub given: &'a [Vaccination],
    /// The last measurement (up to the day), `None` when there is none or it is not readable.
    pub last: Option<&'a Measurement>,
}

/// The health counts of the village meeting's summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HealthCounts {
    /// Children with a dose due by the end of this month (those overdue included): the
    /// schedule's due list on the month's last day, estimated birth dates read as windows.
    pub due_this_month: u32,
    /// Under-5s not weighed in the last six months ([`growth_watch`]).
    pub not_weighed: u32,
}

/// [`HealthCounts`] of `children` on `today`.
pub fn health_counts<'a>(
    children: impl IntoIterator<Item = ChildHealth<'a>>,
    today: Date,
) -> HealthCounts {
    let schedule = Compiled::embedded();
    let month_end = today.last_of_month();
    let mut h = HealthCounts::default();
    for c in children {
        let given = schedule.given(c.given);
        if !schedule
            .due_list_around(c.born.window(month_end), &given, month_end)
            .is_empty()
        {
            h.due_this_month += 1;
        }
        if matches!(
            growth_watch(c.born.date, today, c.last),
            Some(GrowthWatch::Unmeasured { .. })
        ) {
            h.not_weighed += 1;
        }
    }
    h
}

#[cfg(test)]
mod tests;
