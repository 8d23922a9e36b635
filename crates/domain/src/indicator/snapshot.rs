//! What the engine reads ([`Snapshot`]): the register's children (full records or the few
//! facts the figures need, [`ChildFacts`]), the health station's records, supports given,
//! figures reported by agencies and assessment results, on one as-of date.
use crate::health::HealthRecords;
use crate::register::Child;
use jiff::civil::Date;

use super::*;
use serde::{Deserialize, Serialize};

/// Care or support given to a child (chăm sóc, nuôi dưỡng, trợ giúp), for target 14.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportRecord {
    pub child_id: i64,
    pub date: Date,
    /// What was given: a [`crate::support::SupportKind`]'s code; older records hold free
    /// words, read by [`crate::support::SupportKind::of_record`]. Which kinds count for
    /// target 14 is [`super::Settings::support_answers`].
    pub kind: String,
}

impl SupportRecord {
    /// Checks a batch of support records before it is saved: at most
    /// [`crate::limits::SUPPORTS_PER_BATCH`] records, each kind named in at most
    /// [`crate::limits::SUPPORT_KIND_CHARS`] characters, each date within the years allowed.
    pub fn validate_batch(records: &[SupportRecord]) -> Result<(), crate::validation::FieldErrors> {
        use crate::limits;
        let mut errs = crate::validation::FieldErrors::default();
        if limits::check_count(
            &mut errs,
            "supports",
            "lượt trợ giúp mỗi lần ghi",
            records.len(),
            limits::SUPPORTS_PER_BATCH,
        ) {
            for (i, r) in records.iter().enumerate() {
                if r.kind.trim().is_empty() {
                    errs.push(&format!("supports[{i}].kind"), "cần ghi hình thức trợ giúp");
                }
                limits::check_chars(
                    &mut errs,
                    &format!("supports[{i}].kind"),
                    "hình thức trợ giúp",
                    &r.kind,
                    limits::SUPPORT_KIND_CHARS,
                );
                limits::check_date(&mut errs, &format!("supports[{i}].date"), r.date);
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(errs)
        }
    }
}

/// A figure an agency entered for a target and a period (số liệu báo cáo).
///
/// Give `numerator` and `denominator` (the value is then computed with the target's unit), or
/// `value` alone when only the rate is known; for count targets, the count as `numerator` or
/// `value`; for qualitative targets, `value` 1 (đạt) or 0 (chưa đạt).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportedValue {
    pub target: u16,
    /// True for the second figure of a target that states two (targets 15, 20, 25).
    #[serde(default)]
    pub secondary: bool,
    pub period_start: Date,
    pub period_end: Date,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub value: Option<f64>,
    /// Nguồn số liệu / ghi chú; required.
    pub note: String,
    pub entered_by: String,
    /// When it was entered, as an RFC 3339 / ISO 8601 timestamp (so that text order is time
    /// order: the latest entry for a target and period wins).
    pub entered_at: String,
}

impl ReportedValue {
    pub fn period(&self) -> Period {
        Period::new(self.period_start, self.period_end)
    }
}

/// A result of the child-friendly commune self-assessment for a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentValue {
    pub target: u16,
    pub date: Date,
    /// Đạt / chưa đạt; `None` while the assessment is not concluded.
    pub met: Option<bool>,
    /// Total score, when the assessment gives one.
    pub score: Option<f64>,
}

/// Everything the figures are computed from.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot<'a> {
    /// Figures "as of" this date: children present on it, ages on it, circumstances active on it.
    pub as_of: Date,
    /// The reporting period: reported values are matched on it exactly; supports (target 14)
    /// must fall in it.
    pub period: Period,
    /// The register as it stood on `as_of` (one version per child). The engine reads only
    /// what [`ChildFacts`] holds (a caller may load nothing else).
    pub children: Children<'a>,
    pub supports: &'a [SupportRecord],
    pub reported: &'a [ReportedValue],
    pub assessments: &'a [AssessmentValue],
    /// The health station's records (births, deaths, vaccinations, measurements, injuries, HIV
    /// follow-up counts) for the health targets; [`crate::health::EMPTY`] when there are none.
    /// Events count when dated in the period, up to the as-of date.
    pub health: &'a HealthRecords,
    /// The case files (hồ sơ trường hợp), for target 16; counted, never listed.
    pub cases: &'a [crate::case::CaseFile],
    /// Working days for the case deadlines ([`crate::case::embedded_calendar`] unless the
    /// commune keeps its own file).
    pub calendar: &'a crate::case::WorkingCalendar,
    /// The plan's work records for targets 17 and 18 ([`crate::work::EMPTY`] when none).
    pub work: &'a crate::work::WorkRecords,
    /// The plan's activities (forums' participants, play places) for targets 26–29;
    /// [`crate::activity::EMPTY`] when there are none.
    pub activities: &'a crate::activity::ActivityFacts,
}

/// What the indicator engine reads of a child's record ([`Snapshot::children`]), for callers
/// that load only that: a million of them take a third of the memory of the full records.
#[derive(Debug, Clone, PartialEq)]
pub struct ChildFacts {
    pub id: i64,
    pub version: i64,
    pub sex: crate::register::Sex,
    pub date_of_birth: Option<Date>,
    pub ethnicity: Option<u8>,
    /// Village code (mã thôn/bản). Kept inline, as the school level: no allocation for each of
    /// a million children.
    pub village: compact_str::CompactString,
    pub birth_registered_on: Option<Date>,
    pub school_level: Option<compact_str::CompactString>,
    pub circumstances: Vec<crate::circumstance::Circumstance>,
    pub moved_in: Option<Date>,
    pub moved_out: Option<Date>,
    pub died_on: Option<Date>,
}

impl ChildFacts {
    /// The facts of a full record.
    pub fn of(c: &Child) -> ChildFacts {
        ChildFacts {
            id: c.id,
            version: c.version,
            sex: c.data.sex,
            date_of_birth: c.data.date_of_birth,
            ethnicity: c.data.ethnicity,
            village: c.data.village.as_str().into(),
            birth_registered_on: c.data.birth_registered_on,
            school_level: c.data.school_level.as_deref().map(Into::into),
            circumstances: c.data.circumstances.clone(),
            moved_in: c.data.moved_in,
            moved_out: c.data.moved_out,
            died_on: c.data.died_on,
        }
    }
}

/// The children of a [`Snapshot`]: a slice of them, or of references to them (so that the
/// snapshots of several dates can share the children whose record did not change), as full
/// records or as [`ChildFacts`].
#[derive(Debug, Clone, Copy)]
pub enum Children<'a> {
    Slice(&'a [Child]),
    Refs(&'a [&'a Child]),
    Facts(&'a [ChildFacts]),
    FactRefs(&'a [&'a ChildFacts]),
}

impl<'a> Children<'a> {
    pub(crate) fn iter(&self) -> ChildIter<'a> {
        match *self {
            Children::Slice(s) => ChildIter::Slice(s.iter()),
            Children::Refs(r) => ChildIter::Refs(r.iter()),
            Children::Facts(s) => ChildIter::Facts(s.iter()),
            Children::FactRefs(r) => ChildIter::FactRefs(r.iter()),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Children::Slice(s) => s.len(),
            Children::Refs(r) => r.len(),
            Children::Facts(s) => s.len(),
            Children::FactRefs(r) => r.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<'a> From<&'a [ChildFacts]> for Children<'a> {
    fn from(s: &'a [ChildFacts]) -> Self {
        Children::Facts(s)
    }
}

impl<'a> From<&'a Vec<ChildFacts>> for Children<'a> {
    fn from(s: &'a Vec<ChildFacts>) -> Self {
        Children::Facts(s)
    }
}

impl<'a> From<&'a [&'a ChildFacts]> for Children<'a> {
    fn from(r: &'a [&'a ChildFacts]) -> Self {
        Children::FactRefs(r)
    }
}

impl<'a> From<&'a Vec<&'a ChildFacts>> for Children<'a> {
    fn from(r: &'a Vec<&'a ChildFacts>) -> Self {
        Children::FactRefs(r)
    }
}

impl<'a> From<&'a [Child]> for Children<'a> {
    fn from(s: &'a [Child]) -> Self {
        Children::Slice(s)
    }
}

impl<'a> From<&'a Vec<Child>> for Children<'a> {
    fn from(s: &'a Vec<Child>) -> Self {
        Children::Slice(s)
    }
}

impl<'a> From<&'a [&'a Child]> for Children<'a> {
    fn from(r: &'a [&'a Child]) -> Self {
        Children::Refs(r)
    }
}

impl<'a> From<&'a Vec<&'a Child>> for Children<'a> {
    fn from(r: &'a Vec<&'a Child>) -> Self {
        Children::Refs(r)
    }
}

/// One child of [`Children`], whichever form it has.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Rec<'a> {
    Full(&'a Child),
    Facts(&'a ChildFacts),
}

/// A `Copy` field, wherever the record keeps it.
macro_rules! field {
    ($rec:expr, $f:ident) => {
        match $rec {
            Rec::Full(c) => c.data.$f,
            Rec::Facts(c) => c.$f,
        }
    };
}

impl<'a> Rec<'a> {
    pub fn id(self) -> i64 {
        match self {
            Rec::Full(c) => c.id,
            Rec::Facts(c) => c.id,
        }
    }
    pub fn date_of_birth(self) -> Option<Date> {
        field!(self, date_of_birth)
    }
    pub fn died_on(self) -> Option<Date> {
        field!(self, died_on)
    }
    pub fn birth_registered_on(self) -> Option<Date> {
        field!(self, birth_registered_on)
    }
    pub fn sex(self) -> crate::register::Sex {
        field!(self, sex)
    }
    pub fn ethnicity(self) -> Option<u8> {
        field!(self, ethnicity)
    }
    pub fn village(self) -> &'a str {
        match self {
            Rec::Full(c) => &c.data.village,
            Rec::Facts(c) => &c.village,
        }
    }
    pub fn school_level(self) -> Option<&'a str> {
        match self {
            Rec::Full(c) => c.data.school_level.as_deref(),
            Rec::Facts(c) => c.school_level.as_deref(),
        }
    }
    pub fn circumstances(self) -> &'a [crate::circumstance::Circumstance] {
        match self {
            Rec::Full(c) => &c.data.circumstances,
            Rec::Facts(c) => &c.circumstances,
        }
    }
    /// [`crate::register::ChildData::age_on`].
    pub fn age_on(self, on: Date) -> Option<i32> {
        crate::age::age_on(self.date_of_birth(), on)
    }
    /// [`crate::register::ChildData::present_on`].
    pub fn present_on(self, on: Date) -> bool {
        let (moved_in, moved_out) = match self {
            Rec::Full(c) => (c.data.moved_in, c.data.moved_out),
            Rec::Facts(c) => (c.moved_in, c.moved_out),
        };
        crate::register::present_on(
            self.date_of_birth(),
            moved_in,
            moved_out,
            self.died_on(),
            on,
        )
    }
}

/// Iterator over [`Children`].
#[derive(Debug, Clone)]
pub(crate) enum ChildIter<'a> {
    Slice(std::slice::Iter<'a, Child>),
    Refs(std::slice::Iter<'a, &'a Child>),
    Facts(std::slice::Iter<'a, ChildFacts>),
    FactRefs(std::slice::Iter<'a, &'a ChildFacts>),
}

impl<'a> Iterator for ChildIter<'a> {
    type Item = Rec<'a>;
    fn next(&mut self) -> Option<Rec<'a>> {
        match self {
            ChildIter::Slice(i) => i.next().map(Rec::Full),
            ChildIter::Refs(i) => i.next().map(|c| Rec::Full(c)),
            ChildIter::Facts(i) => i.next().map(Rec::Facts),
            ChildIter::FactRefs(i) => i.next().map(|c| Rec::Facts(c)),
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            ChildIter::Slice(i) => i.size_hint(),
            ChildIter::Refs(i) => i.size_hint(),
            ChildIter::Facts(i) => i.size_hint(),
            ChildIter::FactRefs(i) => i.size_hint(),
        }
    }
}
