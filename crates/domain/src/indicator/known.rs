//! Which records a figure is computed from, and how each is placed on the dates asked about.
//!
//! Official figures are by the events' own dates: a child born on 20/05 counts in the figures
//! for 31/05 however late the birth was typed, and a register imported on 10/05 has figures for
//! 31/03. So by default ([`Known::Now`]) a figure for any date or period reads every record
//! known when it is computed, and places each by its own dates:
//!
//! * a child by the record's dates ([`crate::register::ChildData::present_on`]): in the commune
//!   on D when born on or before D, moved in on or before D, not moved out and not dead on or
//!   before D; ages on D from the birth date; a circumstance while active on D
//!   ([`crate::circumstance::Circumstance::active_on`]); a birth registration from its date;
//! * the record read is the child's latest version known ([`Known::latest`]): corrections made
//!   since a date apply to it. The **village** a child counts in on every date is the one that
//!   record gives: the register dates moves into and out of the commune (`moved_in`,
//!   `moved_out`) but not a change of village inside it, and a changed village may be a
//!   correction as much as a move, so the time a version was recorded does not date it. (The
//!   health events keep the village they were recorded in for who may read them, not for the
//!   figures.) The school level likewise is the record's, undated;
//! * a health event (birth, death, vaccination, measurement, injury, HIV count) by its own
//!   date, a support by the date it was given, a case by the date the report was received
//!   (its steps by their dates), an assessment by its date.
//!
//! [`Known::RecordedBy`] is the second axis, asked for explicitly: the figures as an earlier
//! report saw them — only what had been recorded by the end of that day (Vietnam time), each
//! record then placed by its own dates as above.
use jiff::civil::Date;

/// What the figures know: everything recorded (the default), or what had been recorded by the
/// end of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Known {
    /// Every record known now.
    #[default]
    Now,
    /// Only what had been recorded by the end of this day (Vietnam time): an earlier report's
    /// view ("theo số liệu đã ghi đến ngày …").
    RecordedBy(Date),
}

impl Known {
    /// `recorded_by`: the day, if any, the records are restricted to.
    pub fn from_recorded_by(recorded_by: Option<Date>) -> Known {
        recorded_by.map_or(Known::Now, Known::RecordedBy)
    }

    /// The day the records are restricted to; `None` for every record.
    pub fn recorded_by(self) -> Option<Date> {
        match self {
            Known::Now => None,
            Known::RecordedBy(d) => Some(d),
        }
    }

    /// Whether a record entered on `recorded_on` (its day in Vietnam) is read.
    pub fn includes(self, recorded_on: Date) -> bool {
        self.recorded_by().is_none_or(|r| recorded_on <= r)
    }

    /// Of one child's versions (numbers, each with whether it is known: recorded by the day
    /// asked, always for [`Known::Now`]), the index of the one the figures read on every date:
    /// the latest known. `None` when none is known (the child was entered later: not in the
    /// figures of that view).
    pub fn latest(versions: impl IntoIterator<Item = (i64, bool)>) -> Option<usize> {
        versions
            .into_iter()
            .enumerate()
            .filter(|(_, (_, known))| *known)
            .max_by_key(|(_, (v, _))| *v)
            .map(|(i, _)| i)
    }

    /// How a page says it: "mọi số liệu đã ghi" or "số liệu đã ghi đến hết ngày 03/06/2026".
    pub fn label_vi(self) -> String {
        match self {
            Known::Now => "mọi số liệu đã ghi đến nay".into(),
            Known::RecordedBy(d) => {
                format!("số liệu đã ghi đến hết ngày {}", crate::date::format_vi(d))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_latest_known_version_is_read() {
        assert_eq!(Known::latest([(1, true), (3, true), (2, true)]), Some(1));
        assert_eq!(Known::latest([(1, true), (2, false)]), Some(0));
        assert_eq!(Known::latest([(1, false)]), None);
        assert_eq!(Known::latest([]), None);
    }

    #[test]
    fn recorded_by_reads_what_was_entered_by_the_end_of_the_day() {
        let r = Known::RecordedBy(date(2026, 6, 3));
        assert!(r.includes(date(2026, 6, 3)));
        assert!(!r.includes(date(2026, 6, 4)));
        assert!(Known::Now.includes(date(2999, 1, 1)));
        assert_eq!(Known::from_recorded_by(None), Known::Now);
        assert_eq!(Known::from_recorded_by(Some(date(2026, 6, 3))), r);
        assert!(r.label_vi().contains("03/06/2026"));
    }
}
