//! Kiểm soát công bố số nhỏ (statistical disclosure control): what the province (Sở Y tế) is
//! shown of the commune's counts, so that it never learns a count from 1 to 4 of any cell —
//! not from a cell shown, nor by subtracting cells from a total, nor from a rate, a status, the
//! number of events a target allows, or a point of the trend.
//!
//! The choice is **complementary suppression** (not rounding): an official reading "<5" knows
//! it is between 1 and 4, while a rounded 0 for one death would be a false figure. Other roles
//! see exact counts; [`crate::role::Role::sees_protected_counts`] says who gets this view.
//!
//! # The rule for one table ([`protect_table`])
//!
//! A published table is one-dimensional with its total: children by village, by sex; a
//! figure's numerator or denominator by village, by sex, by ethnicity, by age band; cases by
//! state. With T the total and the cells' values c:
//!
//! 1. no cell from 1 to 4: everything is shown;
//! 2. T from 1 to 4: T is shown as "<5" and every cell is hidden, zeros included (the table is
//!    *withheld*);
//! 3. otherwise the *low* cells (1–5) are hidden; if that hides a single cell, or only cells of
//!    1, the cells holding the smallest value above 5 are hidden too (every cell with that
//!    value: no order between equal cells to read anything from); if there is no value above 5,
//!    the table is withheld (T shown, every cell hidden).
//!
//! Hidden cells all read "ẩn": the reader cannot tell a cell of 1–4 from one hidden to protect
//! it. Why this holds against a reader who knows the rule and sees everything published: the
//! rule looks at values only, not at which group holds them, so exchanging the values of two
//! hidden cells publishes the same table. A hidden cell of 1–4 therefore has another possible
//! value whenever another hidden cell holds a different value; when all the low cells hold the
//! same value c (2 to 4, case 3 without the extra cells), moving one from one to another gives
//! c−1 and c+1, still low, still the same table; when the extra cells (> 5) are hidden, a
//! cell of 1–4 may be exchanged with one of them; a withheld table allows ±1 moves between
//! its cells (zeros being hidden too). The unit tests check this by brute force over every
//! table of up to six cells, and `docs/architecture.md` (*Disclosure control for the
//! province*) gives the argument in full.
//!
//! # Figures ([`publish_result`])
//!
//! A figure is a numerator N over a denominator D. For rates of events (‰ mortality, /100.000
//! injuries) N and D count different things and are protected each as a total: "<5" when 1–4.
//! For shares (%), the numerator is part of the denominator, so the complement D − N (children
//! *not* vaccinated, *not* registered) is a count too: N is hidden ("ẩn") when N or D − N is 1–4,
//! and the numerator's breakdowns are published only when no group has a numerator or a
//! complement of 1–4 (then no denominator cell is 1–4 either). The rate is shown only when N
//! and D both are; "allowed events" only when D is; the status only when it is the same for
//! every N and D the reader cannot tell apart (so "chưa đạt" for 1 death in 190 births is
//! shown — any death fails "dưới 2,9‰" — but not when the target would allow 2 of the 1–4);
//! "có nguy cơ" only when the figures it is read from are all shown.
//!
//! What this does not cover (see `docs/architecture.md`): differences between figures of
//! different targets counting nested populations (infant minus neonatal deaths) and between
//! dates; the province therefore sees figures only as of quarter ends ([`publication_date`]).
use crate::indicator::{AgeBand, Breakdown, Cell, Figure, TargetResult, TargetStatus};
use crate::plan::{Target, Unit};
use crate::register::Sex;
use crate::Date;

/// Counts from 1 to this are never shown to the province.
pub const SMALL_MAX: u64 = 4;

/// Cells hidden together with a small one: up to 5, so that one more in a small cell keeps it
/// among the hidden ones (the argument above).
const LOW_MAX: u64 = 5;

fn small(n: u64) -> bool {
    (1..=SMALL_MAX).contains(&n)
}

fn low(n: u64) -> bool {
    (1..=LOW_MAX).contains(&n)
}

/// A count as published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shown {
    Exact(u64),
    /// From 1 to 4 ("<5"): a total that is itself small.
    Small,
    /// Not published ("ẩn"): small, or hidden so that a small count cannot be worked out.
    Hidden,
}

impl Shown {
    pub fn exact(self) -> Option<u64> {
        match self {
            Shown::Exact(n) => Some(n),
            _ => None,
        }
    }

    /// "1.234", "<5" or "ẩn".
    pub fn text(self) -> String {
        match self {
            Shown::Exact(n) => crate::text::format_number_vi(n as f64),
            Shown::Small => "<5".into(),
            Shown::Hidden => "ẩn".into(),
        }
    }

    /// For the JSON API: the number, or `None` when it is not published.
    pub fn number(self) -> Option<u64> {
        self.exact()
    }

    /// For the JSON API: why a number is absent ("<5", "ẩn"); `None` when it is published.
    pub fn mark(self) -> Option<&'static str> {
        match self {
            Shown::Exact(_) => None,
            Shown::Small => Some("<5"),
            Shown::Hidden => Some("ẩn"),
        }
    }
}

/// A one-dimensional table as published: its total and its cells, in the order given.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Table {
    pub total: Shown,
    pub cells: Vec<Shown>,
    /// Every cell hidden, zeros included: the table tells nothing but its total.
    pub withheld: bool,
}

/// A table of counts whose total is the sum of its cells (children by village, cases by
/// state, a figure's numerator by sex, …), as the province may see it. The rule is in the
/// module's documentation.
pub fn protect_table(cells: &[u64]) -> Table {
    let total: u64 = cells.iter().sum();
    if !cells.iter().any(|&c| small(c)) {
        return Table {
            total: Shown::Exact(total),
            cells: cells.iter().map(|&c| Shown::Exact(c)).collect(),
            withheld: false,
        };
    }
    let withheld = |total| Table {
        total,
        cells: vec![Shown::Hidden; cells.len()],
        withheld: true,
    };
    if small(total) {
        return withheld(Shown::Small);
    }
    let Some(extra) = cells.iter().copied().filter(|&c| c > LOW_MAX).min() else {
        return withheld(Shown::Exact(total));
    };
    let lows: Vec<u64> = cells.iter().copied().filter(|&c| low(c)).collect();
    let with_extra = lows.len() < 2 || lows.iter().all(|&c| c == 1);
    Table {
        total: Shown::Exact(total),
        cells: cells
            .iter()
            .map(|&c| {
                if low(c) || (with_extra && c == extra) {
                    Shown::Hidden
                } else {
                    Shown::Exact(c)
                }
            })
            .collect(),
        withheld: false,
    }
}

/// Counts by group over every group there is (every village of the commune, the three sexes,
/// every state of a case, zeros included), with their total, as the province sees them: the
/// groups are always all listed, so that a withheld table does not show which groups are
/// empty.
pub fn protect_counts<K: Clone>(groups: &[(K, u64)]) -> (Shown, Vec<(K, Shown)>) {
    let cells: Vec<u64> = groups.iter().map(|(_, n)| *n).collect();
    let t = protect_table(&cells);
    (
        t.total,
        groups
            .iter()
            .zip(t.cells)
            .map(|((k, _), s)| (k.clone(), s))
            .collect(),
    )
}

/// The numerator of a share (a part of its denominator: the vaccinated among the children
/// under one) by group, with the denominator by group. The denominator is an ordinary table
/// ([`protect_table`]); the numerator is published whole or not at all: whole only when no
/// group has a numerator or a complement (denominator − numerator) from 1 to 4. Its total is
/// hidden when it or the whole complement is 1–4 ([`share_totals`]).
pub fn protect_share(numerators: &[u64], denominators: &[u64]) -> (Table, Table) {
    let den = protect_table(denominators);
    let total_n: u64 = numerators.iter().sum();
    let total_d: u64 = denominators.iter().sum();
    let (n_total, _) = share_totals(total_n, total_d);
    let any_small = numerators
        .iter()
        .zip(denominators)
        .any(|(&n, &d)| small(n) || small(d.saturating_sub(n)));
    let num = if any_small {
        Table {
            total: n_total,
            cells: vec![Shown::Hidden; numerators.len()],
            withheld: true,
        }
    } else {
        Table {
            total: n_total,
            cells: numerators.iter().map(|&n| Shown::Exact(n)).collect(),
            withheld: false,
        }
    };
    (num, den)
}

/// Numerator and denominator of a share as published: the denominator "<5" when 1–4, the
/// numerator hidden when it or the complement is 1–4 (one mark for both, so that the reader
/// cannot tell which: with a denominator of 6 and a hidden numerator, it is 1–5).
pub fn share_totals(numerator: u64, denominator: u64) -> (Shown, Shown) {
    let d = if small(denominator) {
        Shown::Small
    } else {
        Shown::Exact(denominator)
    };
    let n = if small(numerator) || small(denominator.saturating_sub(numerator)) {
        Shown::Hidden
    } else {
        Shown::Exact(numerator)
    };
    (n, d)
}

/// What kind of counts a figure holds, which decides how it is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A part of a whole (%): the complement is a count as well.
    Share,
    /// Events over a population (‰, /100.000): two separate counts.
    Events,
    /// A count (unit `count`): the value is the numerator.
    Count,
    /// A value without counts (a rate entered alone, a score, đạt/chưa đạt).
    Value,
}

fn kind(f: &Figure, unit: Option<Unit>) -> Kind {
    match (unit, f.numerator, f.denominator) {
        (Some(Unit::Count), _, _) => Kind::Count,
        (_, None, None) => Kind::Value,
        (None | Some(Unit::Percent), Some(_), Some(_)) => Kind::Share,
        _ => Kind::Events,
    }
}

fn count(x: Option<f64>) -> Option<u64> {
    x.filter(|v| v.is_finite() && *v >= 0.0)
        .map(|v| v.round() as u64)
}

/// A figure as published.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedFigure {
    pub numerator: Option<Shown>,
    pub denominator: Option<Shown>,
    /// The rate (or count, score); `None` when there is none or it is not published.
    pub value: Option<f64>,
    /// The figure exists but is not published ("ẩn" / "<5").
    pub value_hidden: bool,
    /// [`Figure::allowed_events`], when the denominator is published.
    pub allowed_events: Option<u64>,
    /// [`Figure::unstable`] (reads the denominator only: below 20, 1.000 or 100.000 either way
    /// when it is 1–4).
    pub unstable: bool,
}

impl PublishedFigure {
    /// The figure exactly as computed: for those who see exact counts.
    pub fn exact(f: &Figure) -> PublishedFigure {
        PublishedFigure {
            numerator: count(f.numerator).map(Shown::Exact),
            denominator: count(f.denominator).map(Shown::Exact),
            value: f.value,
            value_hidden: false,
            allowed_events: f.allowed_events,
            unstable: f.unstable,
        }
    }

    /// The numerator and denominator as officials write them: "1/190", "<5/190", "ẩn/120".
    pub fn num_den_text(&self) -> String {
        match (self.numerator, self.denominator) {
            (Some(n), Some(d)) => format!("{}/{}", n.text(), d.text()),
            (Some(n), None) => n.text(),
            _ => String::new(),
        }
    }
}

/// The figure as the province sees it, with every value of the figure the province cannot
/// rule out (for the status).
fn publish_figure(f: &Figure, unit: Option<Unit>) -> (PublishedFigure, Vec<Option<f64>>) {
    let n = count(f.numerator);
    let d = count(f.denominator);
    let small_or = |x: u64| {
        if small(x) {
            Shown::Small
        } else {
            Shown::Exact(x)
        }
    };
    // The values a published count may stand for.
    let could_be = |s: Shown, exact: u64| -> Vec<u64> {
        match s {
            Shown::Exact(_) => vec![exact],
            _ => (1..=SMALL_MAX).collect(),
        }
    };
    let rate = |n: u64, d: u64| crate::indicator::rate(n as f64, d as f64, unit).filter(|_| d > 0);
    let (numerator, denominator, candidates) = match (kind(f, unit), n, d) {
        (Kind::Value, _, _) => (None, None, vec![f.value]),
        (Kind::Count, _, _) => match n.or(count(f.value)) {
            // The count is the value: both hidden together.
            Some(c) if small(c) => (
                Some(Shown::Small),
                d.map(small_or),
                could_be(Shown::Small, c)
                    .into_iter()
                    .map(|x| f.value.map(|_| x as f64))
                    .collect(),
            ),
            _ => (n.map(Shown::Exact), d.map(small_or), vec![f.value]),
        },
        (Kind::Share, Some(n), Some(d)) => {
            let (sn, sd) = share_totals(n, d);
            let mut cands = Vec::new();
            for d in could_be(sd, d) {
                match sn {
                    Shown::Exact(n) => cands.push(rate(n, d)),
                    _ => {
                        for n in (0..=d).filter(|&n| small(n) || small(d - n)) {
                            cands.push(rate(n, d));
                        }
                    }
                }
            }
            (Some(sn), Some(sd), cands)
        }
        (_, Some(n), Some(d)) => {
            let (sn, sd) = (small_or(n), small_or(d));
            let mut cands = Vec::new();
            for d in could_be(sd, d) {
                for n in could_be(sn, n) {
                    cands.push(rate(n, d));
                }
            }
            (Some(sn), Some(sd), cands)
        }
        // One count without the other (a rate entered with its numerator only): the value goes
        // with its count.
        (_, n, d) => {
            let s = n.or(d).map(small_or);
            let hidden = matches!(s, Some(Shown::Small));
            (
                n.map(small_or),
                d.map(small_or),
                vec![if hidden { None } else { f.value }],
            )
        }
    };
    let exact = |s: Option<Shown>| s.is_none_or(|s| matches!(s, Shown::Exact(_)));
    let shown = exact(numerator) && exact(denominator);
    let published = PublishedFigure {
        numerator,
        denominator,
        value: if shown { f.value } else { None },
        value_hidden: !shown && f.value.is_some(),
        allowed_events: if kind(f, unit) == Kind::Count || exact(denominator) {
            f.allowed_events
        } else {
            None
        },
        unstable: f.unstable,
    };
    (published, candidates)
}

/// Whether the province sees this figure's value (a point of the trend, one of the figures
/// "có nguy cơ" is read from).
pub fn value_published(t: &Target, r: &TargetResult) -> bool {
    let (f, _) = publish_figure(&r.figure, t.unit);
    !f.value_hidden
}

/// A target's result as published.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedResult {
    pub figure: PublishedFigure,
    pub secondary: Option<PublishedFigure>,
    /// `None`: not published ("không công bố"), because it would tell a hidden count apart.
    pub status: Option<TargetStatus>,
    /// The result's note, without the parts that give a number (data-quality notes such as "1
    /// trường hợp tử vong không rõ ngày sinh … không được tính" are for the commune).
    pub note: Option<String>,
}

impl PublishedResult {
    /// The result exactly as computed: for those who see exact counts.
    pub fn exact(r: &TargetResult) -> PublishedResult {
        PublishedResult {
            figure: PublishedFigure::exact(&r.figure),
            secondary: r.secondary.as_ref().map(PublishedFigure::exact),
            status: Some(r.status),
            note: r.note.clone(),
        }
    }
}

/// A target's result for the province: figures, status and note as [`PublishedResult`]
/// describes. `trend_published`: the earlier figures "có nguy cơ" is read from (the last two
/// quarter ends before the date, [`crate::indicator::TREND_POINTS`]) are all published
/// ([`value_published`]); without them a target at risk shows as "đạt" (it is met), since
/// "có nguy cơ" compares figures the province does not see.
pub fn publish_result(t: &Target, r: &TargetResult, trend_published: bool) -> PublishedResult {
    let (figure, first) = publish_figure(&r.figure, t.unit);
    let (secondary, second) = match (&t.secondary, &r.secondary) {
        (Some(s), Some(f)) => {
            let (p, c) = publish_figure(f, s.unit);
            (Some(p), c)
        }
        _ => (None, vec![None]),
    };
    let mut statuses = Vec::new();
    for a in &first {
        for b in &second {
            let st = crate::indicator::combine(
                a.map(|x| t.status(x)),
                t.secondary.as_ref().map(|s| b.map(|x| s.status(x))),
            );
            if !statuses.contains(&st) {
                statuses.push(st);
            }
        }
    }
    let status = match statuses.as_slice() {
        [TargetStatus::Met]
            if r.status == TargetStatus::AtRisk && trend_published && !figure.value_hidden =>
        {
            Some(TargetStatus::AtRisk)
        }
        [only] => Some(*only),
        _ => None,
    };
    let note = r.note.as_ref().and_then(|n| {
        let kept: Vec<&str> = n
            .split("; ")
            .filter(|part| !part.chars().any(|c| c.is_ascii_digit()))
            .collect();
        (!kept.is_empty()).then(|| kept.join("; "))
    });
    PublishedResult {
        figure,
        secondary,
        status,
        note,
    }
}

/// A group of a breakdown as published.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PublishedCell {
    pub numerator: Shown,
    pub denominator: Shown,
    /// The group's rate, when both its counts are published and its denominator is not 0.
    pub value: Option<f64>,
}

/// A breakdown as published: the groups listed are those the published counts show to be
/// non-zero (a group listed only because of a hidden count would give that count away).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PublishedBreakdown {
    pub by_village: Vec<(String, PublishedCell)>,
    pub by_sex: Vec<(Sex, PublishedCell)>,
    pub by_ethnicity: Vec<(Option<u8>, PublishedCell)>,
    pub by_age_band: Vec<(AgeBand, PublishedCell)>,
}

impl PublishedBreakdown {
    /// The breakdown exactly as computed: for those who see exact counts.
    pub fn exact(b: &Breakdown) -> PublishedBreakdown {
        fn all<K: Clone>(rows: &[(K, Cell)]) -> Vec<(K, PublishedCell)> {
            rows.iter()
                .map(|(k, c)| {
                    (
                        k.clone(),
                        PublishedCell {
                            numerator: Shown::Exact(c.numerator),
                            denominator: Shown::Exact(c.denominator),
                            value: c.value,
                        },
                    )
                })
                .collect()
        }
        PublishedBreakdown {
            by_village: all(&b.by_village),
            by_sex: all(&b.by_sex),
            by_ethnicity: all(&b.by_ethnicity),
            by_age_band: all(&b.by_age_band),
        }
    }
}

/// A figure's breakdowns (of its first figure) for the province: each of the four is a table
/// of numerators and one of denominators, protected as the module's documentation says.
pub fn publish_breakdown(b: &Breakdown, unit: Option<Unit>) -> PublishedBreakdown {
    let share = matches!(unit, None | Some(Unit::Percent));
    PublishedBreakdown {
        by_village: dimension(&b.by_village, share),
        by_sex: dimension(&b.by_sex, share),
        by_ethnicity: dimension(&b.by_ethnicity, share),
        by_age_band: dimension(&b.by_age_band, share),
    }
}

fn dimension<K: Clone>(rows: &[(K, Cell)], share: bool) -> Vec<(K, PublishedCell)> {
    let n: Vec<u64> = rows.iter().map(|(_, c)| c.numerator).collect();
    let d: Vec<u64> = rows.iter().map(|(_, c)| c.denominator).collect();
    let (pn, pd) = if share {
        protect_share(&n, &d)
    } else {
        (protect_table(&n), protect_table(&d))
    };
    rows.iter()
        .enumerate()
        .filter(|(i, _)| (!pn.withheld && n[*i] > 0) || (!pd.withheld && d[*i] > 0))
        .map(|(i, (k, c))| {
            let both = matches!(
                (pn.cells[i], pd.cells[i]),
                (Shown::Exact(_), Shown::Exact(_))
            );
            (
                k.clone(),
                PublishedCell {
                    numerator: pn.cells[i],
                    denominator: pd.cells[i],
                    value: if both { c.value } else { None },
                },
            )
        })
        .collect()
}

/// The date the province's figures are taken at, for a date asked on `today`: the last
/// quarter end (31/3, 30/6, 30/9, 31/12) on or before both. Figures for any day would let the
/// province subtract one day from the next and date each event (and, from the breakdowns,
/// place it); a quarter end still to come would change every day until it comes. A quarter
/// end that has passed reads the records as they had been recorded by that day
/// ([`publication`]), so it no longer changes.
pub fn publication_date(asked: Date, today: Date) -> Date {
    publication(asked, today).0
}

/// The date of the province's figures ([`publication_date`]) and what they read: the records
/// as they had been recorded by the end of that quarter end
/// ([`crate::indicator::Known::RecordedBy`]). Figures read from every record known now would
/// change whenever a record dated before the quarter end is entered late, and the province
/// could date that record by comparing one day's figures with the next; as recorded by the
/// quarter end, a published figure never changes.
pub fn publication(asked: Date, today: Date) -> (Date, crate::indicator::Known) {
    let d = quarter_end_before(asked, today);
    (d, crate::indicator::Known::RecordedBy(d))
}

fn quarter_end_before(asked: Date, today: Date) -> Date {
    let until = asked.min(today);
    let y = until.year();
    let ends = [(3, 31), (6, 30), (9, 30), (12, 31)];
    ends.iter()
        .rev()
        .map(|&(m, d)| jiff::civil::date(y, m, d))
        .find(|e| *e <= until)
        .unwrap_or_else(|| {
            // Before 31 March: the last quarter end of the year before (the earliest date jiff
            // knows stays itself).
            jiff::civil::Date::new(y - 1, 12, 31).unwrap_or(until)
        })
}

#[cfg(test)]
mod tests;
