//! Case deadlines (thời hạn).
//!
//! * **Emergency** — for a case that went through [`CaseState::Emergency`]: 12 clock hours from
//!   the hour the information was received (Mẫu 01 `received_at`, as corrected), weekends and
//!   holidays included (Điều 26 khoản 3: "trong thời hạn 12 giờ kể từ khi nhận được thông tin").
//!   Met at the earliest `taken_at` of the emergency measures. An intake at 20:00 on a Friday is
//!   due at 08:00 on the Saturday.
//! * **Plan** — "trong thời hạn 05 ngày làm việc" (Điều 28 khoản 1): the end of the 5th working
//!   day after the intake day (the intake day is day 0; see [`WorkingCalendar`]). Met when the
//!   plan is first submitted to the leader in that round. The Decree's "trừ trường hợp khẩn cấp"
//!   is read as "emergency measures come first (12 hours)"; the plan deadline applies to every
//!   case.
//! * **Approval** — the administrative procedure "Phê duyệt kế hoạch hỗ trợ, can thiệp" gives
//!   07 working days in all (legal-framework §2.1 row 8b): the end of the 7th working day after
//!   the intake day. Met when the leader approves the plan. This is the deadline of the "plans
//!   approved on time" share.
//!
//! "End of the day" is 23:59:59: Bộ luật Dân sự 2015, Điều 148 — a period in days ends at
//! 24:00 of its last day. A deployment that counts office hours sets
//! [`DeadlineRules::end_of_day`] to 17:00.
//!
//! Planning rounds: round 1 runs from the intake; a review that decides to build a new plan
//! starts round 2 (and so on), whose plan and approval deadlines count from the review's day.
//! A plan returned by the leader stays in its round: its deadlines do not restart.
use super::{CaseFile, CaseState, EntryKind, WorkingCalendar};
use jiff::civil::{Date, DateTime, Time};
use jiff::Span;
use serde::{Deserialize, Serialize};

/// What a deadline is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    Emergency,
    Plan,
    Approval,
}

impl DeadlineKind {
    pub fn label_vi(self) -> &'static str {
        match self {
            DeadlineKind::Emergency => "Áp dụng biện pháp khẩn cấp (12 giờ)",
            DeadlineKind::Plan => "Trình kế hoạch hỗ trợ, can thiệp (05 ngày làm việc)",
            DeadlineKind::Approval => "Phê duyệt kế hoạch hỗ trợ, can thiệp (07 ngày làm việc)",
        }
    }
}

/// One deadline of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Deadline {
    pub what: DeadlineKind,
    /// The planning round (1 for the emergency deadline).
    pub round: u32,
    pub due: DateTime,
    /// When it was met; `None` while not met.
    pub met_at: Option<DateTime>,
}

impl Deadline {
    pub fn is_met(&self) -> bool {
        self.met_at.is_some()
    }

    /// Not met, and `now` is past the due time.
    pub fn overdue(&self, now: DateTime) -> bool {
        self.met_at.is_none() && now > self.due
    }

    /// Met at or before the due time.
    pub fn met_on_time(&self) -> bool {
        self.met_at.is_some_and(|m| m <= self.due)
    }
}

/// How near a due time is, as the lists mark it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    /// Past the due time.
    Overdue,
    /// Due later today (the commune's day).
    DueToday,
    /// Due on a later day.
    Later,
}

/// How near `due` is at `now` (both Vietnam local time): overdue strictly after the due time,
/// as [`Deadline::overdue`].
pub fn urgency(due: DateTime, now: DateTime) -> Urgency {
    if due < now {
        Urgency::Overdue
    } else if due.date() == now.date() {
        Urgency::DueToday
    } else {
        Urgency::Later
    }
}

/// Working days left until `due` (ngày làm việc còn lại) at `now`, on `calendar`: `None` once
/// overdue; 0 when due later today.
pub fn working_days_left(calendar: &WorkingCalendar, due: DateTime, now: DateTime) -> Option<u32> {
    (urgency(due, now) != Urgency::Overdue)
        .then(|| calendar.working_days_between(now.date(), due.date()))
}

/// The numbers behind the deadlines; [`Default`] is what the module documentation states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineRules {
    pub emergency_hours: i64,
    pub plan_working_days: u32,
    pub approval_working_days: u32,
    /// The time of day a deadline in days ends.
    pub end_of_day: Time,
}

impl Default for DeadlineRules {
    fn default() -> Self {
        DeadlineRules {
            emergency_hours: 12,
            plan_working_days: 5,
            approval_working_days: 7,
            end_of_day: Time::constant(23, 59, 59, 0),
        }
    }
}

/// The case's deadlines with the default rules, met or not, in order of due time.
pub fn deadlines(case: &CaseFile, calendar: &WorkingCalendar) -> Vec<Deadline> {
    deadlines_with(case, calendar, &DeadlineRules::default())
}

/// The case's deadlines, met or not, in order of due time.
pub fn deadlines_with(
    case: &CaseFile,
    calendar: &WorkingCalendar,
    rules: &DeadlineRules,
) -> Vec<Deadline> {
    let Some(received) = case.received_at() else {
        return Vec::new();
    };
    let entries = case.entries();
    let mut out = Vec::new();

    let went_emergency = entries
        .iter()
        .any(|e| e.to == CaseState::Emergency && e.from != CaseState::Emergency);
    if went_emergency {
        let due = received
            .checked_add(Span::new().hours(rules.emergency_hours))
            .unwrap_or(DateTime::MAX);
        let met_at = case
            .effective()
            .into_iter()
            .filter_map(|e| match &e.kind {
                EntryKind::EmergencyMeasures(m) => Some(m.taken_at),
                _ => None,
            })
            .min();
        out.push(Deadline {
            what: DeadlineKind::Emergency,
            round: 1,
            due,
            met_at,
        });
    }

    // Round starts: (first seq of the round, the day counting starts from).
    let mut starts: Vec<(u32, Date)> = vec![(1, received.date())];
    starts.extend(
        entries
            .iter()
            .filter(|e| {
                e.corrects.is_none()
                    && e.to == CaseState::Planning
                    && matches!(e.from, CaseState::Implementation | CaseState::Review)
            })
            .map(|e| (e.seq, e.at.date())),
    );
    for (i, &(first, day)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(u32::MAX, |s| s.0);
        let in_round = |from: CaseState, to: CaseState| {
            entries
                .iter()
                .filter(|e| e.seq >= first && e.seq < end && e.corrects.is_none())
                .find(|e| e.from == from && e.to == to)
                .map(|e| e.at)
        };
        let at_end = |n: u32| {
            calendar
                .add_working_days(day, n)
                .to_datetime(rules.end_of_day)
        };
        let round = i as u32 + 1;
        out.push(Deadline {
            what: DeadlineKind::Plan,
            round,
            due: at_end(rules.plan_working_days),
            met_at: in_round(CaseState::Planning, CaseState::AwaitingApproval),
        });
        out.push(Deadline {
            what: DeadlineKind::Approval,
            round,
            due: at_end(rules.approval_working_days),
            met_at: in_round(CaseState::AwaitingApproval, CaseState::Implementation),
        });
    }
    out.sort_by_key(|d| (d.due, d.round));
    out
}

/// The open case's most urgent unmet deadline (an overdue one first), with the default rules.
/// `None` for a closed case or one with every deadline met. Whether it is overdue:
/// [`Deadline::overdue`].
pub fn next_deadline(case: &CaseFile, calendar: &WorkingCalendar) -> Option<Deadline> {
    next_deadline_with(case, calendar, &DeadlineRules::default())
}

/// [`next_deadline`] with other rules.
pub fn next_deadline_with(
    case: &CaseFile,
    calendar: &WorkingCalendar,
    rules: &DeadlineRules,
) -> Option<Deadline> {
    if !case.is_open() {
        return None;
    }
    deadlines_with(case, calendar, rules)
        .into_iter()
        .filter(|d| !d.is_met())
        .min_by_key(|d| d.due)
}
