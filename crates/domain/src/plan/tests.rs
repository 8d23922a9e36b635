use super::check::{check, Finding, FindingKind};
use super::*;
use std::collections::BTreeSet;

const SEED: &str = include_str!("../../../../plans/sinh-phinh-2026.toml");

fn seed() -> Plan {
    Plan::from_toml(SEED).unwrap_or_else(|e| panic!("{e}"))
}

fn d(y: i16, m: i8, day: i8) -> Date {
    Date::new(y, m, day).unwrap()
}

use Comparator::*;
use Unit::*;

/// One row of the expected table, read from the document (section I for the figures, section V
/// for the owners), independently of the TOML file.
struct Row {
    n: u16,
    goal: u16,
    cmp: Comparator,
    value: Option<f64>,
    unit: Option<Unit>,
    owners: &'static [&'static str],
    second: Option<(Comparator, f64, Unit)>,
}

const fn row(
    n: u16,
    goal: u16,
    cmp: Comparator,
    value: f64,
    unit: Unit,
    owners: &'static [&'static str],
) -> Row {
    Row {
        n,
        goal,
        cmp,
        value: Some(value),
        unit: Some(unit),
        owners,
        second: None,
    }
}

const VHXH: &[&str] = &["officer"];
const YTE: &[&str] = &["health"];
const NONE: &[&str] = &[];
const VHXH_VP: &[&str] = &["officer", "office"];

fn expected() -> Vec<Row> {
    vec![
        Row {
            n: 1,
            goal: 1,
            cmp: Qualitative,
            value: None,
            unit: None,
            owners: VHXH,
            second: None,
        },
        row(2, 1, AtLeast, 80.0, Percent, VHXH),
        row(3, 1, Below, 2.9, PerMille, YTE),
        row(4, 1, Below, 26.4, PerMille, YTE),
        row(5, 1, Below, 35.2, PerMille, YTE),
        row(6, 1, AtMost, 14.9, Percent, YTE),
        row(7, 1, AtMost, 30.9, Percent, YTE),
        row(9, 1, Above, 95.18, Percent, YTE),
        row(10, 1, AtLeast, 95.0, Percent, YTE),
        row(11, 1, AtMost, 2.0, Percent, YTE),
        row(12, 1, AtLeast, 100.0, Percent, NONE),
        row(13, 2, AtMost, 4.5, Percent, VHXH),
        row(14, 2, AtLeast, 100.0, Percent, VHXH),
        Row {
            second: Some((AtMost, 2.0, Per100000)),
            ..row(15, 2, AtMost, 100.0, Per100000, VHXH)
        },
        row(16, 2, AtLeast, 100.0, Percent, NONE),
        row(17, 2, AtLeast, 100.0, Percent, VHXH),
        row(18, 2, ReduceByPercent, 1.0, Count, NONE),
        row(19, 2, KeepAt, 100.0, Percent, NONE),
        Row {
            second: Some((AtLeast, 100.0, Percent)),
            ..row(20, 3, AtLeast, 80.0, Percent, NONE)
        },
        row(21, 3, AtLeast, 100.0, Percent, NONE),
        row(22, 3, AtLeast, 100.0, Percent, NONE),
        row(23, 3, AtLeast, 92.0, Percent, NONE),
        row(24, 3, KeepAt, 100.0, Percent, NONE),
        Row {
            second: Some((AtLeast, 20.0, Percent)),
            ..row(25, 3, AtLeast, 30.0, Percent, NONE)
        },
        row(26, 3, AtLeast, 100.0, Percent, NONE),
        row(27, 4, AtLeast, 80.0, Percent, VHXH_VP),
        row(28, 4, AtLeast, 80.0, Percent, VHXH_VP),
        row(29, 4, AtLeast, 80.0, Percent, VHXH_VP),
    ]
}

#[test]
fn seed_has_the_documents_28_targets() {
    let p = seed();
    assert_eq!(p.commune, "Sính Phình");
    assert_eq!(p.year, 2026);
    assert_eq!(p.goals.len(), 4);
    assert_eq!(p.targets.len(), 28);
    let numbers: Vec<u16> = p.targets.iter().map(|t| t.number).collect();
    let want: Vec<u16> = (1..=29).filter(|&n| n != 8).collect();
    assert_eq!(numbers, want);
    assert!(p.target(8).is_none());
}

#[test]
fn seed_targets_match_the_document() {
    let p = seed();
    let rows = expected();
    assert_eq!(rows.len(), 28);
    for r in &rows {
        let t = p.target(r.n).unwrap_or_else(|| panic!("target {}", r.n));
        assert_eq!(t.goal, r.goal, "goal of {}", r.n);
        assert_eq!(t.comparator, r.cmp, "comparator of {}", r.n);
        assert_eq!(t.value, r.value, "value of {}", r.n);
        assert_eq!(t.unit, r.unit, "unit of {}", r.n);
        assert_eq!(t.owners, r.owners, "owners of {}", r.n);
        assert!(
            t.supporting.is_empty(),
            "section V names no supporting agency for {}",
            r.n
        );
        match (&t.secondary, r.second) {
            (None, None) => {}
            (Some(s), Some((c, v, u))) => {
                assert_eq!(
                    (s.comparator, s.value, s.unit),
                    (c, Some(v), Some(u)),
                    "{}",
                    r.n
                );
            }
            (a, b) => panic!("secondary of {}: {a:?} vs {:?}", r.n, b.is_some()),
        }
        assert!(!t.text.contains("Phần đầu"), "typo left in {}", r.n);
        if let Some(v) = t.value {
            // The number as printed (decimal comma) appears in the text.
            assert!(
                t.text.contains(&format_number_vi(v)),
                "text of {} lacks {}",
                r.n,
                format_number_vi(v)
            );
        }
    }
    // Figures stated in words.
    let t13 = p.target(13).unwrap();
    assert_eq!(
        t13.baseline,
        Some(Baseline {
            year: 2025,
            value: Some(4.6)
        })
    );
    assert_eq!(p.target(18).unwrap().value_to, Some(2.0));
    let with_baseline: Vec<u16> = p
        .targets
        .iter()
        .filter(|t| t.baseline.is_some())
        .map(|t| t.number)
        .collect();
    assert_eq!(with_baseline, vec![13]);
    let ranged: Vec<u16> = p
        .targets
        .iter()
        .filter(|t| t.value_to.is_some())
        .map(|t| t.number)
        .collect();
    assert_eq!(ranged, vec![18]);
}

#[test]
fn seed_sources() {
    let p = seed();
    let reg = |i: &str| Source::Register {
        indicator: i.to_string(),
    };
    for t in &p.targets {
        let act = |i: &str| Source::Activities {
            indicator: i.into(),
        };
        let want = match t.number {
            1 => Source::Assessment,
            3 => reg("neonatal_mortality"),
            4 => reg("infant_mortality"),
            5 => reg("under5_mortality"),
            6 => reg("underweight_under5"),
            7 => reg("stunting_under5"),
            9 => reg("fully_immunised_under1"),
            10 => reg("under5_schedule_complete"),
            11 => reg("hiv_mother_to_child"),
            13 => reg("special_circumstances_share"),
            14 => reg("special_circumstances_supported"),
            15 => reg("injury_rate"),
            19 => reg("birth_registered_under5"),
            21 => reg("kindergarten_age5"),
            16 => Source::Cases {
                indicator: "abused_with_intervention".into(),
            },
            17 => Source::Records {
                indicator: "disaster_children_helped".into(),
            },
            18 => Source::Records {
                indicator: "child_marriages".into(),
            },
            26 => act("villages_with_play_place"),
            27 => act("consulted_age7"),
            28 => act("participation_awareness"),
            29 => act("participating_age11"),
            _ => Source::Reported,
        };
        assert_eq!(t.source, want, "source of {}", t.number);
        if let Some(s) = &t.secondary {
            let want = if t.number == 15 {
                reg("injury_death_rate")
            } else {
                Source::Reported
            };
            assert_eq!(s.source, want, "second figure of {}", t.number);
        }
    }
}

#[test]
fn seed_agencies_reports_activities() {
    let p = seed();
    use crate::role::Role;
    let role = |c: &str| p.agency(c).unwrap().role;
    assert_eq!(role("officer"), Some(Role::Officer));
    assert_eq!(role("health"), Some(Role::Health));
    assert_eq!(role("office"), Some(Role::Office));
    assert_eq!(role("police"), Some(Role::Police));
    assert_eq!(role("services"), Some(Role::Services));
    assert_eq!(role("village_head"), Some(Role::VillageHead));
    assert_eq!(role("ubnd"), Some(Role::Leader));
    assert_eq!(role("province"), Some(Role::Province));
    assert_eq!(role("economy"), Some(Role::Economic));
    assert_eq!(role("front"), None);
    assert_eq!(p.agency("officer").unwrap().name, "Phòng Văn hóa - Xã hội");
    assert_eq!(p.agency("health").unwrap().name, "Trạm Y tế xã");

    let owned: Vec<u16> = p.targets_owned_by("officer").map(|t| t.number).collect();
    assert_eq!(owned, vec![1, 2, 13, 14, 15, 17, 27, 28, 29]);
    let owned: Vec<u16> = p.targets_owned_by("health").map(|t| t.number).collect();
    assert_eq!(owned, vec![3, 4, 5, 6, 7, 9, 10, 11]);
    let owned: Vec<u16> = p.targets_owned_by("office").map(|t| t.number).collect();
    assert_eq!(owned, vec![27, 28, 29]);

    assert_eq!(p.document.number, None);
    assert_eq!(p.document.date, None);
    assert_eq!(p.document.symbol.as_deref(), Some("KH-UBND"));
    assert_eq!(p.document.reference(), "…/KH-UBND");

    assert_eq!(p.activities.len(), 8);
    assert_eq!(
        p.activities.iter().map(|a| a.number).collect::<Vec<_>>(),
        (1..=8).collect::<Vec<_>>()
    );

    assert_eq!(p.reports.len(), 5);
    let six = &p.reports[0];
    assert_eq!(six.code, "six_month");
    assert_eq!(six.due_before, d(2026, 6, 1));
    assert_eq!(six.last_day(), d(2026, 5, 31));
    assert_eq!(
        (six.period_start, six.period_end),
        (d(2026, 1, 1), d(2026, 6, 30))
    );
    let year = &p.reports[1];
    assert_eq!(year.due_before, d(2026, 11, 1));
    assert_eq!(year.period_end, d(2026, 12, 31));
    assert_eq!(year.to.as_deref(), Some("officer"));
    assert_eq!(year.forward_to.as_deref(), Some("province"));
}

fn targets_of(findings: &[Finding], kind: FindingKind) -> BTreeSet<u16> {
    findings
        .iter()
        .filter(|f| f.kind == kind)
        .flat_map(|f| f.targets.iter().copied())
        .collect()
}

fn places_of(findings: &[Finding], kind: FindingKind) -> Vec<Place> {
    findings
        .iter()
        .filter(|f| f.kind == kind)
        .map(|f| f.place.clone())
        .collect()
}

#[test]
fn check_on_seed_finds_exactly_the_gaps() {
    let p = seed();
    let f = check(&p);
    for x in &f {
        assert!(!x.message.is_empty());
    }
    let set = |v: &[u16]| v.iter().copied().collect::<BTreeSet<u16>>();
    assert_eq!(
        targets_of(&f, FindingKind::NoOwner),
        set(&[12, 16, 18, 19, 20, 21, 22, 23, 24, 25, 26])
    );
    assert_eq!(targets_of(&f, FindingKind::MissingNumber), set(&[8]));
    assert_eq!(targets_of(&f, FindingKind::TwoFigures), set(&[15, 20, 25]));
    assert_eq!(targets_of(&f, FindingKind::Qualitative), set(&[1]));
    assert_eq!(
        targets_of(&f, FindingKind::SharedOwnership),
        set(&[27, 28, 29])
    );
    assert_eq!(targets_of(&f, FindingKind::Range), set(&[18]));
    assert_eq!(targets_of(&f, FindingKind::BaselineMissing), set(&[18]));
    assert_eq!(
        places_of(&f, FindingKind::DeadlineBeforePeriodEnd),
        vec![
            Place::Report("six_month".into()),
            Place::Report("yearly".into())
        ]
    );
    assert_eq!(
        places_of(&f, FindingKind::ReportPeriodNotStated),
        vec![
            Place::Report("six_month".into()),
            Place::Report("yearly".into())
        ]
    );
    assert_eq!(
        places_of(&f, FindingKind::ActivityWithoutOwner),
        vec![
            Place::Activity(5),
            Place::Activity(6),
            Place::Activity(7),
            Place::Activity(8)
        ]
    );
    assert_eq!(
        places_of(&f, FindingKind::DocumentNumberMissing),
        vec![Place::Plan]
    );
    assert_eq!(
        places_of(&f, FindingKind::DocumentDateMissing),
        vec![Place::Plan]
    );

    // Nothing else: the full list of (kind, subject) in order.
    let all: Vec<(FindingKind, Place)> = f.iter().map(|x| (x.kind, x.place.clone())).collect();
    use FindingKind as K;
    let t = Place::Target;
    let mut want = vec![
        (K::DocumentNumberMissing, Place::Plan),
        (K::DocumentDateMissing, Place::Plan),
        (K::Qualitative, t(1)),
        (K::MissingNumber, t(8)),
        (K::NoOwner, t(12)),
        (K::TwoFigures, t(15)),
        (K::NoOwner, t(16)),
        (K::NoOwner, t(18)),
        (K::Range, t(18)),
        (K::BaselineMissing, t(18)),
        (K::NoOwner, t(19)),
        (K::NoOwner, t(20)),
        (K::TwoFigures, t(20)),
    ];
    for n in 21..=24 {
        want.push((K::NoOwner, t(n)));
    }
    want.extend([
        (K::NoOwner, t(25)),
        (K::TwoFigures, t(25)),
        (K::NoOwner, t(26)),
        (K::SharedOwnership, t(27)),
        (K::SharedOwnership, t(28)),
        (K::SharedOwnership, t(29)),
    ]);
    for n in 5..=8 {
        want.push((K::ActivityWithoutOwner, Place::Activity(n)));
    }
    for r in ["six_month", "yearly"] {
        want.push((K::ReportPeriodNotStated, Place::Report(r.into())));
        want.push((K::DeadlineBeforePeriodEnd, Place::Report(r.into())));
    }
    assert_eq!(all, want);
}

#[test]
fn check_messages_are_specific() {
    let f = check(&seed());
    let msg = |kind: FindingKind, place: Place| {
        f.iter()
            .find(|x| x.kind == kind && x.place == place)
            .map(|x| x.message.clone())
            .unwrap()
    };
    let m = msg(
        FindingKind::DeadlineBeforePeriodEnd,
        Place::Report("six_month".into()),
    );
    assert!(m.contains("01/06/2026"), "{m}");
    assert!(m.contains("31/05/2026"), "{m}");
    assert!(m.contains("30/06/2026"), "{m}");
    assert!(m.contains("30 ngày"), "{m}");
    let m = msg(
        FindingKind::DeadlineBeforePeriodEnd,
        Place::Report("yearly".into()),
    );
    assert!(m.contains("01/11/2026") && m.contains("31/12/2026"), "{m}");
    let m = msg(FindingKind::MissingNumber, Place::Target(8));
    assert!(m.contains("từ 7 sang 9"), "{m}");
    let m = msg(FindingKind::NoOwner, Place::Target(16));
    assert!(m.contains("Công an xã"), "{m}");
    let m = msg(FindingKind::TwoFigures, Place::Target(15));
    assert!(m.contains("100/100.000") && m.contains("2/100.000"), "{m}");
    let m = msg(FindingKind::DocumentDateMissing, Place::Plan);
    assert!(m.contains("tháng 5 năm 2026"), "{m}");
    let m = msg(FindingKind::Range, Place::Target(18));
    assert!(m.contains("1–2%"), "{m}");
}

#[test]
fn comparator_semantics() {
    let p = seed();
    let s = |n: u16, x: f64| p.target(n).unwrap().status(x);
    // "xuống dưới 2,9‰": strictly below.
    assert_eq!(s(3, 2.9), Status::NotMet);
    assert_eq!(s(3, 2.89), Status::Met);
    assert_eq!(s(3, 0.0), Status::Met);
    // "xuống 14,9%": at most.
    assert_eq!(s(6, 14.9), Status::Met);
    assert_eq!(s(6, 14.91), Status::NotMet);
    // "≤ 2%".
    assert_eq!(s(11, 2.0), Status::Met);
    // "đạt trên 95,18%": strictly above.
    assert_eq!(s(9, 95.18), Status::NotMet);
    assert_eq!(s(9, 95.19), Status::Met);
    // "đạt 80%": at least, robust to float noise (4 / 5 × 100 = 80.00000000000001).
    assert_eq!(s(2, 4.0 / 5.0 * 100.0), Status::Met);
    assert_eq!(s(2, 0.8 * 100.0), Status::Met);
    assert_eq!(s(2, 79.99), Status::NotMet);
    // "Duy trì … đạt 100%".
    assert_eq!(s(19, 100.0), Status::Met);
    assert_eq!(s(19, 99.9), Status::NotMet);
    // "từ 4,6% (năm 2025) xuống còn 4,5%".
    assert_eq!(s(13, 4.5), Status::Met);
    assert_eq!(s(13, 4.6), Status::NotMet);
    // Qualitative: 1 = đạt, 0 = chưa đạt.
    assert_eq!(s(1, 1.0), Status::Met);
    assert_eq!(s(1, 0.0), Status::NotMet);
    // "giảm … từ 1-2%": no baseline in the plan, so undetermined; against last year's figure:
    assert_eq!(s(18, 10.0), Status::Undetermined);
    let t18 = p.target(18).unwrap();
    assert_eq!(
        t18.comparator.evaluate(99.0, t18.value, Some(100.0)),
        Status::Met
    );
    assert_eq!(
        t18.comparator.evaluate(99.5, t18.value, Some(100.0)),
        Status::NotMet
    );
    assert_eq!(
        t18.comparator.evaluate(0.0, t18.value, Some(0.0)),
        Status::Met
    );
    // Secondary figures.
    let t15 = p.target(15).unwrap().secondary.as_ref().unwrap();
    assert_eq!(t15.status(2.0), Status::Met);
    assert_eq!(t15.status(33.3), Status::NotMet);
    // Both figures of a two-figure target.
    let t15 = p.target(15).unwrap();
    assert_eq!(t15.status_all(90.0, Some(0.0)), Status::Met);
    assert_eq!(t15.status_all(90.0, Some(33.3)), Status::NotMet);
    assert_eq!(t15.status_all(120.0, None), Status::NotMet);
    assert_eq!(t15.status_all(90.0, None), Status::Undetermined);
    assert_eq!(p.target(2).unwrap().status_all(85.0, None), Status::Met);
    // NaN is never met.
    assert_eq!(s(2, f64::NAN), Status::Undetermined);
}

#[test]
fn small_numbers() {
    let p = seed();
    let t3 = p.target(3).unwrap();
    // 1 neonatal death in 120 births is 8,3‰: "< 2,9‰" allows none.
    assert_eq!(t3.allowed_events(120), Some(0));
    assert_eq!(t3.allowed_events(344), Some(0));
    assert_eq!(t3.allowed_events(345), Some(1));
    assert_eq!(t3.allowed_events(1000), Some(2));
    // Strict vs non-strict on the boundary: 2/1000 is exactly 2‰.
    let mut t = t3.clone();
    t.value = Some(2.0);
    assert_eq!(t.allowed_events(1000), Some(1));
    t.comparator = AtMost;
    assert_eq!(t.allowed_events(1000), Some(2));
    // 2/100.000 child injury deaths among 3.000 children: none allowed.
    let t15 = p.target(15).unwrap();
    assert_eq!(
        t15.secondary.as_ref().unwrap().allowed_events(3000),
        Some(0)
    );
    assert_eq!(t15.allowed_events(3000), Some(3));
    // Not a "down" target.
    assert_eq!(p.target(2).unwrap().allowed_events(100), None);
}

#[test]
fn describe_in_vietnamese() {
    let p = seed();
    assert_eq!(p.target(3).unwrap().describe_vi(), "dưới 2,9‰");
    assert_eq!(p.target(9).unwrap().describe_vi(), "đạt trên 95,18%");
    assert_eq!(p.target(15).unwrap().describe_vi(), "không quá 100/100.000");
    assert_eq!(
        p.target(18).unwrap().describe_vi(),
        "giảm 1–2% so với năm trước"
    );
    assert_eq!(p.target(1).unwrap().describe_vi(), "định tính");
    assert_eq!(format_number_vi(2.9), "2,9");
    assert_eq!(format_number_vi(100_000.0), "100.000");
    assert_eq!(format_number_vi(1_234_567.5), "1.234.567,5");
    assert_eq!(format_number_vi(95.18), "95,18");
    assert_eq!(format_number_vi(0.0), "0");
    assert_eq!(format_date_vi(d(2026, 6, 1)), "01/06/2026");
}

#[test]
fn round_trip_toml_and_json() {
    let p = seed();
    let text = p.to_toml().unwrap();
    assert!(text.contains("due_before = 2026-06-01\n"), "{text}");
    assert!(text.contains("period_end = 2026-12-31\n"), "{text}");
    let back = Plan::from_toml(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(back, p);
    // Again: the output is stable.
    assert_eq!(back.to_toml().unwrap(), text);

    let json = serde_json::to_string(&p).unwrap();
    assert!(json.contains(r#""due_before":"2026-06-01""#));
    let back: Plan = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);
}

#[test]
fn dates_accept_strings_too() {
    let text = SEED
        .replace("due_before = 2026-06-01", "due_before = \"01/06/2026\"")
        .replace("due_before = 2026-11-01", "due_before = \"2026-11-01\"");
    let p = Plan::from_toml(&text).unwrap();
    assert_eq!(p.reports[0].due_before, d(2026, 6, 1));
    assert_eq!(p.reports[1].due_before, d(2026, 11, 1));
    let bad = SEED.replace(
        "due_before = 2026-06-01",
        "due_before = 2026-06-01T08:00:00",
    );
    assert!(matches!(Plan::from_toml(&bad), Err(PlanError::Syntax(_))));
    let bad = SEED.replace("due_before = 2026-06-01", "due_before = \"31/06/2026\"");
    let e = Plan::from_toml(&bad).unwrap_err().to_string();
    assert!(e.contains("ngày không hợp lệ"), "{e}");
}

#[test]
fn next_year_draft() {
    let p = seed();
    let n = p.next_year();
    assert_eq!(n.year, 2027);
    assert_eq!(n.status, PlanStatus::Draft);
    assert_eq!(
        n.title,
        "Thực hiện công tác bảo vệ trẻ em năm 2027 trên địa bàn xã Sính Phình"
    );
    assert_eq!(n.document.number, None);
    assert_eq!(n.document.date, None);
    assert_eq!(n.document.date_as_printed, None);
    assert_eq!(n.document.signer, None);
    assert_eq!(n.document.symbol.as_deref(), Some("KH-UBND"));
    assert!(n.basis.is_empty());
    // Same targets, owners and figures; baselines left for the officer.
    assert_eq!(n.targets.len(), 28);
    for (a, b) in p.targets.iter().zip(&n.targets) {
        assert_eq!(
            (a.number, a.value, a.comparator),
            (b.number, b.value, b.comparator)
        );
        assert_eq!(a.owners, b.owners);
        assert_eq!(a.text, b.text);
    }
    let empty = Some(Baseline {
        year: 2026,
        value: None,
    });
    assert_eq!(n.target(13).unwrap().baseline, empty);
    assert_eq!(n.target(18).unwrap().baseline, empty);
    assert_eq!(n.target(3).unwrap().baseline, None);
    // Report dates one year on.
    assert_eq!(n.reports[0].due_before, d(2027, 6, 1));
    assert_eq!(n.reports[0].period_start, d(2027, 1, 1));
    assert_eq!(n.reports[0].period_end, d(2027, 6, 30));
    assert_eq!(n.reports[1].due_before, d(2027, 11, 1));
    assert!(n.reports[0].text.as_deref().unwrap().contains("01/6/2027"));
    // It is a valid plan, and survives a round trip.
    n.validate().unwrap();
    assert_eq!(Plan::from_toml(&n.to_toml().unwrap()).unwrap(), n);
    // The check asks for the baselines and for the stale year in target 13's text.
    let f = check(&n);
    assert_eq!(
        targets_of(&f, FindingKind::BaselineMissing),
        [13, 18].into_iter().collect()
    );
    assert_eq!(
        targets_of(&f, FindingKind::StaleYear),
        [13].into_iter().collect()
    );
    // A leap day moves to 28 February.
    let mut leap = p.clone();
    leap.year = 2028;
    leap.reports[0].due_before = d(2028, 2, 29);
    leap.reports[0].period_start = d(2028, 1, 1);
    leap.reports[0].period_end = d(2028, 2, 29);
    let n = leap.next_year();
    assert_eq!(n.reports[0].due_before, d(2029, 2, 28));
    assert_eq!(p.draft_for_year(2030).year, 2030);
}

/// A small valid plan to break in the validation tests.
const MINI: &str = r#"
format = 1
commune = "Thử"
year = 2026
status = "draft"
title = "Kế hoạch thử năm 2026"

[[agencies]]
code = "officer"
name = "Phòng Văn hóa - Xã hội"
role = "officer"

[[goals]]
number = 1
title = "Về bảo vệ trẻ em"

[[targets]]
number = 1
goal = 1
text = "Giảm tỷ lệ từ 4,6% xuống còn 4,5%."
measure = "Tỷ lệ"
comparator = "at_most"
value = 4.5
unit = "percent"
baseline = { year = 2025, value = 4.6 }
owners = ["officer"]
source = { kind = "reported" }

[[reports]]
code = "yearly"
name = "Báo cáo năm"
due_before = 2027-01-15
period_start = 2026-01-01
period_end = 2026-12-31
period_stated = true
to = "officer"
"#;

fn problems(text: &str) -> Vec<Problem> {
    match Plan::from_toml(text) {
        Err(PlanError::Invalid(p)) => p,
        other => panic!("expected validation errors, got {other:?}"),
    }
}

#[test]
fn mini_plan_is_valid_and_clean() {
    let p = Plan::from_toml(MINI).unwrap();
    let f = check(&p);
    let kinds: Vec<FindingKind> = f.iter().map(|x| x.kind).collect();
    assert_eq!(
        kinds,
        vec![
            FindingKind::DocumentNumberMissing,
            FindingKind::DocumentDateMissing
        ]
    );
}

#[test]
fn validation_errors_name_target_and_field() {
    let cases: &[(&str, &str, Place, &str)] = &[
        ("value = 4.5", "value = -1", Place::Target(1), "value"),
        ("value = 4.5", "value = 140", Place::Target(1), "value"),
        ("goal = 1", "goal = 7", Place::Target(1), "goal"),
        (
            "owners = [\"officer\"]",
            "owners = [\"school\"]",
            Place::Target(1),
            "owners",
        ),
        (
            "comparator = \"at_most\"",
            "comparator = \"qualitative\"",
            Place::Target(1),
            "value",
        ),
        ("value = 4.5\n", "", Place::Target(1), "value"),
        (
            "baseline = { year = 2025",
            "baseline = { year = 2026",
            Place::Target(1),
            "baseline.year",
        ),
        (
            "baseline = { year = 2025, value = 4.6 }",
            "baseline = { year = 2025, value = -4.6 }",
            Place::Target(1),
            "baseline.value",
        ),
        (
            "period_start = 2026-01-01",
            "period_start = 2027-01-01",
            Place::Report("yearly".into()),
            "period_end",
        ),
        (
            "to = \"officer\"",
            "to = \"leader\"",
            Place::Report("yearly".into()),
            "to",
        ),
        ("format = 1", "format = 2", Place::Plan, "format"),
        ("year = 2026", "year = 1026", Place::Plan, "year"),
        (
            "commune = \"Thử\"",
            "commune = \" \"",
            Place::Plan,
            "commune",
        ),
    ];
    for (from, to, place, field) in cases {
        assert!(MINI.contains(from), "{from}");
        let p = problems(&MINI.replacen(from, to, 1));
        assert!(
            p.iter().any(|x| &x.place == place && x.field == *field),
            "{from} -> {to}: {p:?}"
        );
    }
    // Per-mille and per-100.000 bounds.
    let p = problems(
        &MINI
            .replace("unit = \"percent\"", "unit = \"per_mille\"")
            .replace("value = 4.5", "value = 1200")
            .replace("value = 4.6 }", "value = 1300 }"),
    );
    assert_eq!(p.len(), 2, "{p:?}");
    // value_to below value.
    let p = problems(&MINI.replace("value = 4.5", "value = 4.5\nvalue_to = 3"));
    assert_eq!(p[0].field, "value_to");
    // Messages are Vietnamese and name the target.
    let e = Plan::from_toml(&MINI.replace("value = 4.5", "value = -1"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("chỉ tiêu 1, trường `value`: không được âm"),
        "{e}"
    );
}

#[test]
fn duplicates_are_rejected() {
    let dup_target = format!(
        "{MINI}\n{}",
        &MINI[MINI.find("[[targets]]").unwrap()..MINI.find("[[reports]]").unwrap()]
    );
    let p = problems(&dup_target);
    assert!(p
        .iter()
        .any(|x| x.place == Place::Target(1) && x.field == "number"));

    let dup_goal = MINI.replace(
        "[[targets]]",
        "[[goals]]\nnumber = 1\ntitle = \"Lặp\"\n\n[[targets]]",
    );
    let p = problems(&dup_goal);
    assert!(p.iter().any(|x| x.place == Place::Goal(1)));

    let dup_agency = MINI.replace(
        "[[goals]]",
        "[[agencies]]\ncode = \"officer\"\nname = \"Lặp\"\n\n[[goals]]",
    );
    let p = problems(&dup_agency);
    assert!(p
        .iter()
        .any(|x| x.place == Place::Agency("officer".into()) && x.field == "code"));

    // Both lead and support.
    let p = problems(&MINI.replace(
        "owners = [\"officer\"]",
        "owners = [\"officer\"]\nsupporting = [\"officer\"]",
    ));
    assert_eq!(p[0].field, "supporting");
}

#[test]
fn syntax_errors() {
    let e = Plan::from_toml(&MINI.replace("measure = ", "measur = ")).unwrap_err();
    assert!(matches!(e, PlanError::Syntax(_)), "{e}");
    assert!(e.to_string().starts_with("tệp kế hoạch không đọc được"));
    let e = Plan::from_toml(&MINI.replace("\"at_most\"", "\"at_mots\"")).unwrap_err();
    assert!(matches!(e, PlanError::Syntax(_)));
    let e = Plan::from_toml(&MINI.replace("kind = \"reported\"", "kind = \"guess\"")).unwrap_err();
    assert!(matches!(e, PlanError::Syntax(_)));
    let e = Plan::from_toml(&MINI.replace("role = \"officer\"", "role = \"teacher\"")).unwrap_err();
    assert!(matches!(e, PlanError::Syntax(_)));
    let e = Plan::from_toml("format = ").unwrap_err();
    assert!(matches!(e, PlanError::Syntax(_)));
}

#[test]
fn check_flags_unit_and_direction_problems() {
    let base = Plan::from_toml(MINI).unwrap();
    let kinds_for = |edit: &dyn Fn(&mut Plan)| {
        let mut p = base.clone();
        edit(&mut p);
        p.validate().unwrap();
        check(&p)
            .into_iter()
            .filter(|f| {
                !matches!(
                    f.kind,
                    FindingKind::DocumentNumberMissing | FindingKind::DocumentDateMissing
                )
            })
            .map(|f| f.kind)
            .collect::<Vec<_>>()
    };
    use FindingKind as K;
    // reduce_by_percent on a percentage: relative or points?
    assert_eq!(
        kinds_for(&|p| {
            p.targets[0].comparator = ReduceByPercent;
            p.targets[0].value = Some(10.0);
        }),
        vec![K::UnitMismatch]
    );
    // No unit.
    assert_eq!(
        kinds_for(&|p| p.targets[0].unit = None),
        vec![K::UnitMismatch]
    );
    // Qualitative with a unit.
    assert_eq!(
        kinds_for(&|p| {
            p.targets[0].comparator = Qualitative;
            p.targets[0].value = None;
            p.targets[0].baseline = None;
        }),
        vec![K::Qualitative, K::UnitMismatch]
    );
    // A year in the text that is neither the plan year nor the baseline year; "100.000" and
    // "1.000" are numbers, not years.
    assert_eq!(
        kinds_for(&|p| p.targets[0].text = "Giảm (năm 2024) 100.000 1.000 2025 2026".into()),
        vec![K::StaleYear]
    );
    // "trên 100%" cannot be met; "không quá 100%" always is.
    assert_eq!(
        kinds_for(&|p| {
            p.targets[0].comparator = Above;
            p.targets[0].value = Some(100.0);
            p.targets[0].baseline = None;
        }),
        vec![K::Unreachable]
    );
    assert_eq!(
        kinds_for(&|p| {
            p.targets[0].value = Some(100.0);
            p.targets[0].baseline = None;
        }),
        vec![K::AlwaysMet]
    );
    // A "reduction" above its baseline.
    assert_eq!(
        kinds_for(&|p| p.targets[0].value = Some(5.0)),
        vec![K::BaselineContradicts]
    );
    // An owner with no role; a second lead.
    assert_eq!(
        kinds_for(&|p| p.agencies[0].role = None),
        vec![K::OwnerWithoutRole]
    );
    // A goal with no target; a report due before its period ends.
    assert_eq!(
        kinds_for(&|p| p.goals.push(Goal {
            number: 2,
            title: "Trống".into()
        })),
        vec![K::GoalWithoutTargets]
    );
    assert_eq!(
        kinds_for(&|p| p.reports[0].due_before = d(2026, 12, 31)),
        vec![K::DeadlineBeforePeriodEnd]
    );
    // Due the day after the period ends is fine.
    assert_eq!(
        kinds_for(&|p| p.reports[0].due_before = d(2027, 1, 1)),
        Vec::<K>::new()
    );
    assert_eq!(kinds_for(&|p| p.reports.clear()), vec![K::NoReports]);
    // Numbering gaps, several and at the start.
    let mut p = base.clone();
    p.targets[0].number = 4;
    let f = check(&p);
    assert_eq!(
        targets_of(&f, K::MissingNumber),
        [1, 2, 3].into_iter().collect()
    );
}

#[test]
fn a_draft_for_a_year_past_the_calendar_does_not_panic() {
    let plan = Plan::from_toml(SEED).unwrap();
    for year in [i16::MAX, i16::MIN, 10_000] {
        let draft = plan.draft_for_year(year);
        assert_eq!(draft.year, year);
        // Its dates stay where they were, and the plan check refuses its year.
        assert!(draft.validate().is_err());
    }
}

/// Issue 15: 1.530/1.611 = 94,97 % against "đạt ít nhất 95 %" is "chưa đạt": it is shown with
/// the digits that say so, never as "95 %".
#[test]
fn a_figure_is_shown_with_the_digits_its_status_needs() {
    let plan = Plan::from_toml(SEED).unwrap();
    let t10 = plan.target(10).unwrap();
    assert_eq!(t10.comparator, Comparator::AtLeast);
    assert_eq!(t10.value, Some(95.0));
    let v = 1530.0 / 1611.0 * 100.0;
    assert_eq!(t10.status(v), Status::NotMet);
    let shown = t10.figure_text_vi(v);
    assert_eq!(shown, "94,97");
    assert_eq!(with_unit_vi(&shown, t10.unit), "94,97 %");
    // One decimal when it agrees with the status.
    assert_eq!(t10.figure_text_vi(96.04), "96");
    assert_eq!(t10.figure_text_vi(93.26), "93,3");
    assert_eq!(t10.figure_text_vi(95.0), "95");
    // Even closer: cut towards its own side.
    assert_eq!(t10.figure_text_vi(94.999_999), "94,9999");
    // "dưới 2,9‰": 2,96 is not met and must not read "3" either way; 2,899 is met.
    let t3 = plan.target(3).unwrap();
    assert_eq!(t3.figure_text_vi(2.899), "2,899");
    assert_eq!(t3.figure_text_vi(2.96), "3");
}

/// A report whose period the plan does not state runs by default from the plan year's start to
/// the last day of the month before the due date, and nothing is computed for it until the
/// officer confirms it.
#[test]
fn unstated_report_periods_end_before_the_due_date_and_wait_for_confirmation() {
    use crate::indicator::Period;
    use crate::plan::{ConfirmedPeriod, ReportPeriod};
    use jiff::civil::date;
    let p = Plan::from_toml(SEED).unwrap();
    let six = p.reports.iter().find(|r| r.code == "six_month").unwrap();
    let year = p.reports.iter().find(|r| r.code == "yearly").unwrap();
    assert!(!six.period_stated && !year.period_stated);
    assert_eq!(
        six.proposed_period(2026),
        Period::new(date(2026, 1, 1), date(2026, 5, 31))
    );
    assert_eq!(
        year.proposed_period(2026),
        Period::new(date(2026, 1, 1), date(2026, 10, 31))
    );
    // Not confirmed: no period, the figures wait.
    let err = p.period_for(&[], date(2026, 4, 15)).unwrap_err();
    assert_eq!(err.code, "six_month");
    assert_eq!(
        err.proposed,
        Period::new(date(2026, 1, 1), date(2026, 5, 31))
    );
    assert!(err.to_string().contains("01/01/2026–31/05/2026"), "{err}");
    assert_eq!(
        p.report_period(six, &[]),
        ReportPeriod::Unconfirmed {
            proposed: Period::new(date(2026, 1, 1), date(2026, 5, 31))
        }
    );
    let confirm = |code: &str, end| ConfirmedPeriod {
        code: code.into(),
        start: date(2026, 1, 1),
        end,
        confirmed_by: "officer".into(),
        confirmed_at: "2026-05-02T01:00:00Z".into(),
    };
    let both = [
        confirm("six_month", date(2026, 5, 31)),
        confirm("yearly", date(2026, 10, 31)),
    ];
    // Confirmed: a date in May is in the six-month period, June in the year's.
    assert_eq!(
        p.period_for(&both, date(2026, 5, 31)).unwrap(),
        Period::new(date(2026, 1, 1), date(2026, 5, 31))
    );
    assert_eq!(
        p.period_for(&both, date(2026, 6, 1)).unwrap(),
        Period::new(date(2026, 1, 1), date(2026, 10, 31))
    );
    // After the yearly report's period: the plan year.
    assert_eq!(
        p.period_for(&both, date(2026, 12, 5)).unwrap(),
        Period::new(date(2026, 1, 1), date(2026, 12, 31))
    );
    // Only the six-month one confirmed: June's figures still wait for the yearly period.
    assert_eq!(
        p.period_for(&both[..1], date(2026, 6, 1)).unwrap_err().code,
        "yearly"
    );
    // A stated period needs no confirmation.
    let mut stated = p.clone();
    for r in &mut stated.reports {
        r.period_stated = true;
    }
    assert_eq!(
        stated.period_for(&[], date(2026, 6, 10)).unwrap(),
        Period::new(date(2026, 1, 1), date(2026, 6, 30))
    );
    // The officer's dates: both given, in order, before the due date.
    assert!(six
        .check_period(Some(date(2026, 1, 1)), Some(date(2026, 5, 31)))
        .is_ok());
    let e = six
        .check_period(Some(date(2026, 1, 1)), Some(date(2026, 6, 1)))
        .unwrap_err();
    assert!(e.0[0].field == "period_end" && e.0[0].message.contains("01/06/2026"));
    let e = six
        .check_period(Some(date(2026, 5, 2)), Some(date(2026, 5, 1)))
        .unwrap_err();
    assert_eq!(e.0[0].field, "period_end");
    let e = six.check_period(None, None).unwrap_err();
    assert_eq!(e.0.len(), 2);
}
