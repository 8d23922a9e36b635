//! Who acts for the plan (section V): the agencies a role acts for, the targets they lead, who
//! enters an agency's figure, and which report is due next. One rule for the dashboard, the
//! target's page and the API.
use super::{Plan, Report, Source, Target};
use crate::role::Role;
use jiff::civil::Date;

impl Plan {
    /// The codes of the plan's agencies that users of `role` act for.
    pub fn agencies_of(&self, role: Role) -> Vec<&str> {
        self.agencies
            .iter()
            .filter(|a| a.role == Some(role))
            .map(|a| a.code.as_str())
            .collect()
    }

    /// Whether one of the target's lead agencies is one `role` acts for ("chỉ tiêu của tôi").
    pub fn led_by(&self, t: &Target, role: Role) -> bool {
        let mine = self.agencies_of(role);
        t.owners.iter().any(|o| mine.contains(&o.as_str()))
    }

    /// Whether `role` may enter the figure of a target the agencies report (not one computed
    /// from the register, the assessments or the case files): its lead agency does, and the
    /// officer, who consolidates every figure, may enter any.
    pub fn may_report(&self, t: &Target, role: Role) -> bool {
        t.is_reported() && (role == Role::Officer || self.led_by(t, role))
    }

    /// Whether the target waits for `role` to enter its figure: one its agency leads and
    /// reports, with nothing entered yet (`last_entered`: when its figure was last entered).
    pub fn awaits_entry_by(&self, t: &Target, role: Role, last_entered: Option<&str>) -> bool {
        t.is_reported() && self.led_by(t, role) && last_entered.is_none()
    }

    /// The next report to send on `today`: of those whose last day has not passed, the one due
    /// first.
    pub fn next_report(&self, today: Date) -> Option<&Report> {
        self.reports
            .iter()
            // A forum's report is due after a forum, not on a date of the plan.
            .filter(|r| r.kind != super::ReportKind::Forum && r.last_day() >= today)
            .min_by_key(|r| r.due_before)
    }

    /// The agencies' names that lead the target, in the plan's words (the code when the plan
    /// has no such agency); "chưa phân công" when none does.
    pub fn owners_vi(&self, t: &Target) -> String {
        if t.owners.is_empty() {
            return "chưa phân công".into();
        }
        t.owners
            .iter()
            .map(|o| {
                self.agency(o)
                    .map(|a| a.name.clone())
                    .unwrap_or_else(|| o.clone())
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

impl Target {
    /// The figure is entered by an agency (not computed by treem).
    pub fn is_reported(&self) -> bool {
        matches!(self.source, Source::Reported)
    }

    /// Where the figure comes from, in words (the engine's indicator codes are for the plan
    /// file, never for the page: the figure's definition says what it counts).
    pub fn source_vi(&self) -> String {
        match &self.source {
            Source::Register { .. } => "tính từ sổ trẻ em".into(),
            Source::Reported => "cơ quan phụ trách nhập số liệu".into(),
            Source::Assessment => "kết quả đánh giá".into(),
            Source::Cases { .. } => {
                "tính từ hồ sơ trường hợp; chỉ có số lượng, không có tên".into()
            }
            Source::Records { .. } => "tính từ sổ công tác hỗ trợ; chỉ có số lượng".into(),
            Source::Activities { .. } => {
                "tính từ các hoạt động (diễn đàn trẻ em, danh bạ dịch vụ)".into()
            }
        }
    }

    /// Whether the figure counts the case files of abused children with an intervention
    /// (target 16), whose cases those who open every case may see listed.
    pub fn counts_abuse_cases(&self) -> bool {
        matches!(&self.source, Source::Cases { indicator } if indicator == "abused_with_intervention")
    }
}

impl Report {
    /// Days from `today` to the report's last day (0 on that day).
    pub fn days_left(&self, today: Date) -> i64 {
        (self.last_day() - today).get_days() as i64
    }
}

impl Role {
    /// May see the plan's targets and figures: everyone but the administrator, who reads
    /// neither children nor figures.
    pub fn sees_plan(self) -> bool {
        self != Role::Admin
    }

    /// May confirm the period of a report the plan does not state: the officer, who sends the
    /// commune's reports.
    pub fn confirms_report_periods(self) -> bool {
        self == Role::Officer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../../../plans/sinh-phinh-2026.toml");

    fn seed() -> Plan {
        Plan::from_toml(SEED).unwrap_or_else(|e| panic!("{e}"))
    }

    /// A target the agencies report, and one computed from the register.
    fn targets(plan: &Plan) -> (&Target, &Target) {
        let reported = plan.targets.iter().find(|t| t.is_reported()).unwrap();
        let register = plan
            .targets
            .iter()
            .find(|t| matches!(t.source, Source::Register { .. }))
            .unwrap();
        (reported, register)
    }

    #[test]
    fn the_lead_agency_and_the_officer_enter_a_reported_figure() {
        let plan = seed();
        let (reported, register) = targets(&plan);
        let leads: Vec<Role> = crate::role::ALL_ROLES
            .iter()
            .copied()
            .filter(|r| plan.led_by(reported, *r))
            .collect();
        assert!(
            !leads.is_empty(),
            "target {} has a lead role",
            reported.number
        );
        for role in crate::role::ALL_ROLES {
            assert_eq!(
                plan.may_report(reported, role),
                role == Role::Officer || leads.contains(&role),
                "{role:?}"
            );
            // Nobody enters a figure treem computes.
            assert!(!plan.may_report(register, role), "{role:?}");
        }
        assert!(!plan.may_report(reported, Role::Province));
        assert!(!plan.may_report(reported, Role::Admin));
    }

    #[test]
    fn a_reported_target_waits_for_its_lead_until_a_figure_is_entered() {
        let mut plan = seed();
        // The seed's agencies' own targets are computed from their records now; the typed ones
        // left are the officer's. An agency leading a typed target is still a plan's choice.
        if let Some(t) = plan.targets.iter_mut().find(|t| t.number == 12) {
            t.owners = vec!["health".into()];
        }
        let (_, register) = targets(&plan);
        let (reported, lead) = plan
            .targets
            .iter()
            .filter(|t| t.is_reported())
            .find_map(|t| {
                crate::role::ALL_ROLES
                    .into_iter()
                    .find(|r| *r != Role::Officer && plan.led_by(t, *r))
                    .map(|r| (t, r))
            })
            .expect("a reported target led by an agency with a role");
        assert!(plan.may_report(reported, lead));
        assert!(plan.awaits_entry_by(reported, lead, None));
        assert!(!plan.awaits_entry_by(reported, lead, Some("2026-05-01T00:00:00Z")));
        assert!(!plan.awaits_entry_by(reported, Role::Province, None));
        assert!(!plan.awaits_entry_by(register, lead, None));
    }

    #[test]
    fn the_next_report_is_the_first_whose_last_day_has_not_passed() {
        let plan = seed();
        let first = plan.reports.iter().min_by_key(|r| r.due_before).unwrap();
        let day_before = first.last_day().yesterday().unwrap();
        assert_eq!(
            plan.next_report(day_before).map(|r| &r.code),
            Some(&first.code)
        );
        assert_eq!(first.days_left(day_before), 1);
        assert_eq!(first.days_left(first.last_day()), 0);
        // On its last day it is still to send; the day after, the next one is.
        assert_eq!(
            plan.next_report(first.last_day()).map(|r| &r.code),
            Some(&first.code)
        );
        let after = first.due_before;
        assert_ne!(plan.next_report(after).map(|r| &r.code), Some(&first.code));
        let last = plan.reports.iter().map(|r| r.due_before).max().unwrap();
        assert!(plan.next_report(last).is_none());
    }

    #[test]
    fn owners_are_named_as_the_plan_names_them() {
        let plan = seed();
        let (reported, _) = targets(&plan);
        let name = &plan.agency(&reported.owners[0]).unwrap().name;
        assert!(plan.owners_vi(reported).contains(name.as_str()));
        let mut nobody = reported.clone();
        nobody.owners.clear();
        assert_eq!(plan.owners_vi(&nobody), "chưa phân công");
    }

    #[test]
    fn the_plan_is_for_everyone_but_the_administrator_and_the_officer_confirms_periods() {
        for role in crate::role::ALL_ROLES {
            assert_eq!(role.sees_plan(), role != Role::Admin);
            assert_eq!(role.confirms_report_periods(), role == Role::Officer);
        }
    }

    #[test]
    fn target_16_counts_the_abuse_cases() {
        let plan = seed();
        let counted: Vec<u16> = plan
            .targets
            .iter()
            .filter(|t| t.counts_abuse_cases())
            .map(|t| t.number)
            .collect();
        assert_eq!(counted, vec![16]);
        assert!(plan
            .target(16)
            .unwrap()
            .source_vi()
            .contains("hồ sơ trường hợp"));
    }
}
