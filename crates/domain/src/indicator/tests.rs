use super::*;
use crate::circumstance::Circumstance;
use crate::plan::Baseline;
use crate::register::Child;
use crate::register::{ChildData, DobPrecision, Sex};
use jiff::civil::date;
use jiff::civil::Date;

// ---------------------------------------------------------------------------------------------
// Helpers

pub(super) fn d(s: &str) -> Date {
    s.parse().unwrap()
}

/// A present boy, H'Mông, village SP01, with the given birth date ("" = unknown), nothing else.
pub(super) fn kid(id: i64, born: &str) -> Child {
    let dob = (!born.is_empty()).then(|| d(born));
    Child {
        id,
        version: 1,
        notices: vec![],
        data: ChildData {
            full_name: format!("Trẻ {id}"),
            aliases: vec![],
            sex: Sex::Male,
            date_of_birth: dob,
            dob_precision: if dob.is_some() {
                DobPrecision::Day
            } else {
                DobPrecision::Unknown
            },
            personal_id: None,
            ethnicity: Some(8),
            village: "SP01".into(),
            household_id: None,
            household_code: None,
            birth_registered_on: None,
            birth_registration_place: None,
            insurance_card: None,
            school_level: None,
            school: None,
            grade: None,
            disability_type: None,
            disability_severity: None,
            caregivers: vec![],
            circumstances: vec![],
            moved_in: None,
            moved_out: None,
            died_on: None,
            notes: None,
        },
    }
}

/// Builder-style setters on a test child.
trait Kid: Sized {
    fn with(self, f: impl FnOnce(&mut ChildData)) -> Self;
    fn girl(self) -> Self {
        self.with(|c| c.sex = Sex::Female)
    }
    fn village(self, v: &str) -> Self {
        self.with(|c| c.village = v.into())
    }
    fn eth(self, e: Option<u8>) -> Self {
        self.with(|c| c.ethnicity = e)
    }
    fn registered(self, on: &str) -> Self {
        self.with(|c| c.birth_registered_on = Some(d(on)))
    }
    fn school(self, level: &str) -> Self {
        self.with(|c| c.school_level = Some(level.into()))
    }
    fn circ(self, code: &str, from: &str, to: Option<&str>) -> Self {
        self.with(|c| {
            c.circumstances.push(Circumstance {
                code: code.into(),
                from: d(from),
                to: to.map(d),
            })
        })
    }
    fn moved_in(self, on: &str) -> Self {
        self.with(|c| c.moved_in = Some(d(on)))
    }
    fn moved_out(self, on: &str) -> Self {
        self.with(|c| c.moved_out = Some(d(on)))
    }
    fn died(self, on: &str) -> Self {
        self.with(|c| c.died_on = Some(d(on)))
    }
    fn precision(self, p: DobPrecision) -> Self {
        self.with(|c| c.dob_precision = p)
    }
}

impl Kid for Child {
    fn with(mut self, f: impl FnOnce(&mut ChildData)) -> Self {
        f(&mut self.data);
        self
    }
}

fn as_of() -> Date {
    date(2026, 6, 30)
}

fn h1() -> Period {
    Period::new(date(2026, 1, 1), date(2026, 6, 30))
}

fn snap(children: &[Child]) -> Snapshot<'_> {
    Snapshot {
        as_of: as_of(),
        period: h1(),
        children: children.into(),
        supports: &[],
        reported: &[],
        assessments: &[],
        health: &crate::health::EMPTY,
        cases: &[],
        calendar: crate::case::embedded_calendar(),
        work: &crate::work::EMPTY,
        activities: &crate::activity::EMPTY,
    }
}

fn plan() -> Plan {
    // These tests exercise reported figures on the health targets, as the plan stood before the
    // health station's records fed them: switch those sources back to "reported".
    let mut text = include_str!("../../../../plans/sinh-phinh-2026.toml").to_string();
    for i in RegisterIndicator::ALL.iter().filter(|i| i.is_health()) {
        text = text.replace(
            &format!(
                "source = {{ kind = \"register\", indicator = \"{}\" }}",
                i.as_str()
            ),
            "source = { kind = \"reported\" }",
        );
    }
    // And targets 17 and 18 as they stood before the work records fed them.
    for (_, name) in RecordsIndicator::ALL.iter().map(|(n, i)| (i, n)) {
        text = text.replace(
            &format!("source = {{ kind = \"records\", indicator = \"{name}\" }}"),
            "source = { kind = \"reported\" }",
        );
    }
    Plan::from_toml(&text).unwrap()
}

fn target(n: u16) -> Target {
    plan().target(n).unwrap().clone()
}

fn entry(t: u16, num: Option<f64>, den: Option<f64>, value: Option<f64>) -> ReportedValue {
    ReportedValue {
        target: t,
        secondary: false,
        period_start: h1().start,
        period_end: h1().end,
        numerator: num,
        denominator: den,
        value,
        note: "Sổ của Trạm Y tế".into(),
        entered_by: "yte".into(),
        entered_at: "2026-07-02T08:00:00+07:00".into(),
    }
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

/// Every breakdown of a register figure partitions its numerator and denominator.
fn assert_breakdown_sums(r: &TargetResult) {
    let num = r.figure.numerator.unwrap() as u64;
    let den = r.figure.denominator.unwrap() as u64;
    let b = &r.breakdown;
    let sums = [
        b.by_village.iter().map(|(_, c)| c).fold((0, 0), add),
        b.by_sex.iter().map(|(_, c)| c).fold((0, 0), add),
        b.by_ethnicity.iter().map(|(_, c)| c).fold((0, 0), add),
        b.by_age_band.iter().map(|(_, c)| c).fold((0, 0), add),
    ];
    for s in sums {
        assert_eq!(s, (num, den), "breakdown of target {}", r.number);
    }
}

fn add(acc: (u64, u64), c: &Cell) -> (u64, u64) {
    (acc.0 + c.numerator, acc.1 + c.denominator)
}

// ---------------------------------------------------------------------------------------------
// Target 13: special circumstances share

/// Children for targets 13 and 14. Present under 16: 1, 2, 3, 5, 6, 9, 12 (7);
/// with a circumstance active on 30/06/2026: 1, 5, 6, 12 (4).
fn special_register() -> Vec<Child> {
    vec![
        // 11, open circumstance.
        kid(1, "2015-03-01").circ("d", "2020-01-01", None),
        // 8, none.
        kid(2, "2018-01-01").girl().village("SP02"),
        // 13, circumstance ended before the as-of date.
        kid(3, "2012-07-01").circ("a", "2019-01-01", Some("2026-05-31")),
        // Turns 16 on the as-of date: no longer a child.
        kid(4, "2010-06-30").circ("d", "2020-01-01", None),
        // 15 (turns 16 the next day); circumstance starts on the as-of date.
        kid(5, "2010-07-01")
            .girl()
            .eth(Some(1))
            .circ("h", "2026-06-30", None),
        // Unknown birth date, present: counted in 13.
        kid(6, "")
            .village("SP02")
            .eth(None)
            .circ("b", "2025-01-01", None),
        // Moved out before the as-of date.
        kid(7, "2016-01-01")
            .moved_out("2026-03-01")
            .circ("d", "2020-01-01", None),
        // Died on the as-of date.
        kid(8, "2017-01-01")
            .died("2026-06-30")
            .circ("d", "2020-01-01", None),
        // Moves out after the as-of date: still counted.
        kid(9, "2019-09-09").moved_out("2026-08-01"),
        // Moves in after the as-of date.
        kid(10, "2019-09-09").moved_in("2026-07-15"),
        // Born after the as-of date.
        kid(11, "2026-07-02"),
        // Circumstance ends on the as-of date: still active.
        kid(12, "2014-02-02")
            .village("SP02")
            .circ("k", "2025-01-01", Some("2026-06-30")),
    ]
}

#[test]
fn special_circumstances_share() {
    let children = special_register();
    let t = target(13);
    let r = compute_target(&t, &snap(&children));
    assert_eq!(r.number, 13);
    assert_eq!(r.figure.denominator_ids, vec![1, 2, 3, 5, 6, 9, 12]);
    assert_eq!(r.figure.numerator_ids, vec![1, 5, 6, 12]);
    assert_eq!(r.figure.numerator, Some(4.0));
    assert_eq!(r.figure.denominator, Some(7.0));
    assert!(close(r.figure.value, 400.0 / 7.0));
    // "xuống còn 4,5%": 57 % is not met.
    assert_eq!(r.status, TargetStatus::NotMet);
    assert!(r.figure.unstable, "7 children is below 20");
    // 4,5 % of 7 children is 0,3: no child in special circumstances is "allowed".
    assert_eq!(r.figure.allowed_events, Some(0));
    assert_eq!(r.figure.last_entered, None);
    assert_eq!(r.secondary, None);
    assert_eq!(r.note, None);
    assert_breakdown_sums(&r);
    let b = &r.breakdown;
    assert_eq!(
        b.by_village,
        vec![
            (
                "SP01".to_string(),
                Cell {
                    numerator: 2,
                    denominator: 4,
                    value: Some(50.0)
                }
            ),
            (
                "SP02".to_string(),
                Cell {
                    numerator: 2,
                    denominator: 3,
                    value: Some(2.0 / 3.0 * 100.0)
                }
            ),
        ]
    );
    let sexes: Vec<(Sex, u64, u64)> = b
        .by_sex
        .iter()
        .map(|(s, c)| (*s, c.numerator, c.denominator))
        .collect();
    assert_eq!(sexes, vec![(Sex::Male, 3, 5), (Sex::Female, 1, 2)]);
    let eth: Vec<Option<u8>> = b.by_ethnicity.iter().map(|(e, _)| *e).collect();
    assert_eq!(eth, vec![Some(1), Some(8), None], "unknown ethnicity last");
    let bands: Vec<(AgeBand, u64, u64)> = b
        .by_age_band
        .iter()
        .map(|(a, c)| (*a, c.numerator, c.denominator))
        .collect();
    assert_eq!(
        bands,
        vec![
            (AgeBand::From5To10, 0, 2),
            (AgeBand::From11To15, 3, 4),
            (AgeBand::Unknown, 1, 1),
        ]
    );
}

#[test]
fn age_limit_is_a_setting() {
    let children = special_register();
    let settings = Settings {
        child_age_limit: 18,
        ..Settings::default()
    };
    let r = compute_target_with(&target(13), &snap(&children), &settings);
    // Child 4 (16 on the as-of date) is now counted.
    assert_eq!(r.figure.denominator_ids, vec![1, 2, 3, 4, 5, 6, 9, 12]);
    assert_eq!(r.figure.numerator_ids, vec![1, 4, 5, 6, 12]);
    assert!(r
        .breakdown
        .by_age_band
        .iter()
        .any(|(a, _)| *a == AgeBand::From16To17));
    assert_breakdown_sums(&r);
}

// ---------------------------------------------------------------------------------------------
// Target 14: special circumstances supported

#[test]
fn special_circumstances_supported() {
    let children = special_register();
    let s = |id, on: &str| SupportRecord {
        child_id: id,
        date: d(on),
        kind: "tro_cap".into(),
    };
    let supports = vec![
        s(1, "2026-03-01"),  // in the period
        s(5, "2025-12-31"),  // before it
        s(6, "2026-06-30"),  // on its last day
        s(12, "2026-07-01"), // after it
        s(2, "2026-03-01"),  // not in special circumstances
        s(7, "2026-02-01"),  // moved out
    ];
    let snapshot = Snapshot {
        supports: &supports,
        ..snap(&children)
    };
    let r = compute_target(&target(14), &snapshot);
    assert_eq!(r.figure.denominator_ids, vec![1, 5, 6, 12]);
    assert_eq!(r.figure.numerator_ids, vec![1, 6]);
    assert!(close(r.figure.value, 50.0));
    assert_eq!(r.status, TargetStatus::NotMet);
    assert_eq!(r.figure.allowed_events, None, "an 'at least' target");
    assert_breakdown_sums(&r);

    // No supports at all: 0 %, still a figure.
    let r = compute_target(&target(14), &snap(&children));
    assert!(close(r.figure.value, 0.0));
    assert_eq!(r.status, TargetStatus::NotMet);
}

/// A support counts for target 14 only when its kind answers one of the child's circumstances
/// on the day, as the commune set it; unset, every kind does.
#[test]
fn special_circumstances_supported_by_a_kind_that_answers_the_circumstance() {
    use crate::support::SupportKind;
    let children = special_register();
    let s = |id, kind: SupportKind| SupportRecord {
        child_id: id,
        date: d("2026-03-01"),
        kind: kind.code().into(),
    };
    // Child 1 is disabled (d), 6 abandoned (b), 12 exploited (k); 5 has none yet in March but
    // is in group h on the day.
    let supports = vec![
        s(1, SupportKind::FoodAndGifts),
        s(6, SupportKind::FoodAndGifts),
        s(6, SupportKind::AlternativeCare),
        s(12, SupportKind::LegalAid),
        s(5, SupportKind::SchoolCosts),
    ];
    let snapshot = Snapshot {
        supports: &supports,
        ..snap(&children)
    };
    let r = compute_target(&target(14), &snapshot);
    assert_eq!(
        r.figure.numerator_ids,
        vec![1, 5, 6, 12],
        "every kind counts by default"
    );

    let mut settings = Settings::default();
    let answers = &mut settings.support_answers;
    answers
        .set("d", &[SupportKind::HealthCare, SupportKind::SchoolCosts])
        .unwrap();
    answers.set("b", &[SupportKind::AlternativeCare]).unwrap();
    answers.set("h", &[SupportKind::SchoolCosts]).unwrap();
    let r = compute_target_with(&target(14), &snapshot, &settings);
    // 1's gifts do not answer a disability; 6's alternative care answers abandonment; 12's legal
    // aid answers exploitation (k not narrowed); 5's school costs answer group h.
    assert_eq!(r.figure.denominator_ids, vec![1, 5, 6, 12]);
    assert_eq!(r.figure.numerator_ids, vec![5, 6, 12]);
}

// ---------------------------------------------------------------------------------------------
// Targets 19 and 21: birth registration under 5, kindergarten at 5

fn young_register() -> Vec<Child> {
    vec![
        // Turns 5 on the as-of date: 5 (in 21), not under 5 (not in 19).
        kid(1, "2021-06-30")
            .registered("2021-07-10")
            .school("mau_giao"),
        // 4 (turns 5 the next day); registered; in kindergarten but not 5.
        kid(2, "2021-07-01")
            .girl()
            .registered("2021-08-01")
            .school("mau_giao"),
        // Registered after the as-of date.
        kid(3, "2024-01-10").registered("2026-07-05"),
        // Not registered.
        kid(4, "2025-03-01").village("SP03"),
        // Unknown birth date: in no age-based denominator.
        kid(5, "").registered("2020-01-01").school("mau_giao"),
        // Moved out on the as-of date.
        kid(6, "2023-01-01")
            .registered("2023-02-01")
            .moved_out("2026-06-30"),
        // Birth year only (stored as 1 July 2022): 3.
        kid(7, "2022-07-01")
            .precision(DobPrecision::Year)
            .registered("2022-09-01"),
        // 5 (turns 6 the next day), not in school.
        kid(8, "2020-07-01"),
        // 6 on the as-of date.
        kid(9, "2020-06-30").school("mau_giao"),
        // Estimated age, stored 1 July 2021: 4.
        kid(10, "2021-07-01").precision(DobPrecision::Estimated),
    ]
}

#[test]
fn birth_registered_under5() {
    let children = young_register();
    let r = compute_target(&target(19), &snap(&children));
    assert_eq!(r.figure.denominator_ids, vec![2, 3, 4, 7, 10]);
    assert_eq!(r.figure.numerator_ids, vec![2, 7]);
    assert!(close(r.figure.value, 40.0));
    // "Duy trì … đạt 100%".
    assert_eq!(r.status, TargetStatus::NotMet);
    assert!(r.figure.unstable);
    assert_breakdown_sums(&r);
    assert_eq!(r.breakdown.by_age_band.len(), 1);
    assert_eq!(r.breakdown.by_age_band[0].0, AgeBand::Under5);
}

#[test]
fn kindergarten_age5() {
    let children = young_register();
    let r = compute_target(&target(21), &snap(&children));
    // 30/06/2026 is in the school year 2025–2026: the 5-year-olds are the children born in 2020
    // (8, and 9 who is 6 by age); 1, who turns 5 on the date, is of the 2021 cohort.
    assert_eq!(r.figure.denominator_ids, vec![8, 9]);
    assert_eq!(r.figure.numerator_ids, vec![9]);
    assert!(close(r.figure.value, 50.0));
    assert_eq!(r.status, TargetStatus::NotMet);
    assert_breakdown_sums(&r);
    assert_eq!(
        r.breakdown.by_age_band,
        vec![(
            AgeBand::From5To10,
            Cell {
                numerator: 1,
                denominator: 2,
                value: Some(50.0)
            }
        )]
    );
}

/// Issue 15, target 21: the school year's cohort, not the age on the date. Hand count on
/// 30/06/2026 (school year 2025–2026, cohort born 2020): 21 born 01/03/2021 is 5 by age but of
/// the next cohort (left out); 22 born 01/03/2020 is 6 by age but of this cohort, in
/// kindergarten; 23 born 01/11/2020, 5, not in school: 1 ÷ 2. On 01/09/2026 the cohort is 2021:
/// 21 alone.
#[test]
fn kindergarten_counts_the_school_years_cohort() {
    let children = vec![
        kid(21, "2021-03-01"),
        kid(22, "2020-03-01").school("mau_giao"),
        kid(23, "2020-11-01"),
    ];
    let r = compute_target(&target(21), &snap(&children));
    assert_eq!(r.figure.denominator_ids, vec![22, 23]);
    assert_eq!(r.figure.numerator_ids, vec![22]);
    assert!(close(r.figure.value, 50.0));
    assert_eq!(super::formulas::age5_cohort(d("2026-06-30")), (2025, 2020));
    assert_eq!(super::formulas::age5_cohort(d("2026-09-01")), (2026, 2021));
    let later = Snapshot {
        as_of: d("2026-09-01"),
        ..snap(&children)
    };
    assert_eq!(
        compute_target(&target(21), &later).figure.denominator_ids,
        vec![21]
    );
}

#[test]
fn all_five_year_olds_in_kindergarten_is_met() {
    let children = vec![kid(1, "2020-01-01").school("mau_giao")];
    let r = compute_target(&target(21), &snap(&children));
    assert!(close(r.figure.value, 100.0));
    assert_eq!(r.status, TargetStatus::Met);
}

#[test]
fn empty_denominators_have_no_value_not_zero() {
    // Only a 10-year-old: nobody under 5, nobody aged 5, nobody in special circumstances.
    let children = vec![kid(1, "2016-01-01")];
    for n in [14, 19, 21] {
        let r = compute_target(&target(n), &snap(&children));
        assert_eq!(r.figure.denominator, Some(0.0), "target {n}");
        assert_eq!(r.figure.numerator, Some(0.0));
        assert_eq!(r.figure.value, None, "target {n}: no data, not 0 %");
        assert_eq!(r.status, TargetStatus::NoData);
        assert_eq!(r.status.label_vi(), "chưa có số liệu");
        assert!(!r.figure.unstable);
        assert_eq!(r.figure.allowed_events, None);
        assert!(r.breakdown.is_empty());
    }
    let r = compute_target(&target(13), &snap(&[]));
    assert_eq!(r.figure.value, None);
    assert_eq!(r.status, TargetStatus::NoData);
}

#[test]
fn unstable_below_twenty() {
    let registered = |n: i64| -> Vec<Child> {
        (1..=n)
            .map(|i| kid(i, "2023-01-01").registered("2023-02-01"))
            .collect()
    };
    let c19 = registered(19);
    let r = compute_target(&target(19), &snap(&c19));
    assert_eq!(r.status, TargetStatus::Met);
    assert!(r.figure.unstable);
    let c20 = registered(20);
    let r = compute_target(&target(19), &snap(&c20));
    assert_eq!(r.status, TargetStatus::Met);
    assert!(!r.figure.unstable);

    let s = Settings::default();
    assert!(s.unstable(Some(Unit::PerMille), 120.0));
    assert!(!s.unstable(Some(Unit::PerMille), 1_000.0));
    assert!(s.unstable(Some(Unit::Per100000), 2_500.0));
    assert!(!s.unstable(Some(Unit::Count), 1.0));
    assert!(!s.unstable(Some(Unit::Percent), 0.0));
}

#[test]
fn breakdown_sums_on_a_mixed_register() {
    let children: Vec<Child> = (1..=60)
        .map(|i| {
            let born = format!("{}-0{}-15", 2011 + (i % 15), 1 + i % 9);
            let mut c = kid(i, &born).village(["SP01", "SP02", "SP03"][(i % 3) as usize]);
            if i % 2 == 0 {
                c = c.girl();
            }
            if i % 5 == 0 {
                c = c.eth(None);
            }
            if i % 4 == 0 {
                c = c.registered("2026-01-01").school("mau_giao");
            }
            if i % 7 == 0 {
                c = c.circ("d", "2020-01-01", None);
            }
            c
        })
        .collect();
    let supports: Vec<SupportRecord> = (1..=60)
        .step_by(2)
        .map(|i| SupportRecord {
            child_id: i,
            date: d("2026-04-01"),
            kind: "qua".into(),
        })
        .collect();
    let snapshot = Snapshot {
        supports: &supports,
        ..snap(&children)
    };
    for n in [13, 14, 19, 21] {
        let r = compute_target(&target(n), &snapshot);
        assert!(r.figure.denominator.unwrap() > 0.0, "target {n}");
        assert_breakdown_sums(&r);
    }
}

#[test]
fn age_bands() {
    assert_eq!(AgeBand::of(Some(0)), AgeBand::Under5);
    assert_eq!(AgeBand::of(Some(4)), AgeBand::Under5);
    assert_eq!(AgeBand::of(Some(5)), AgeBand::From5To10);
    assert_eq!(AgeBand::of(Some(10)), AgeBand::From5To10);
    assert_eq!(AgeBand::of(Some(11)), AgeBand::From11To15);
    assert_eq!(AgeBand::of(Some(15)), AgeBand::From11To15);
    assert_eq!(AgeBand::of(Some(16)), AgeBand::From16To17);
    assert_eq!(AgeBand::of(Some(17)), AgeBand::From16To17);
    assert_eq!(AgeBand::of(Some(18)), AgeBand::Adult);
    assert_eq!(AgeBand::of(None), AgeBand::Unknown);
    assert_eq!(
        serde_json::to_string(&AgeBand::From11To15).unwrap(),
        "\"11-15\""
    );
    assert_eq!(AgeBand::Under5.key(), "0-4");
}

// ---------------------------------------------------------------------------------------------
// Indicator names

#[test]
fn indicator_names() {
    for i in RegisterIndicator::ALL {
        assert_eq!(RegisterIndicator::parse(i.as_str()), Ok(i));
        assert_eq!(i.to_string().parse::<RegisterIndicator>(), Ok(i));
        assert_eq!(
            serde_json::to_string(&i).unwrap(),
            format!("\"{}\"", i.as_str())
        );
    }
    let e = RegisterIndicator::parse("under5_mortality_rate").unwrap_err();
    assert!(e.to_string().contains("under5_mortality_rate"));
    assert!(e.to_string().contains("kindergarten_age5"));
}

#[test]
fn plan_indicators_are_checked() {
    assert_eq!(validate_plan(&plan()), vec![]);
    let mut p = plan();
    for t in &mut p.targets {
        if t.number == 21 {
            t.source = Source::Register {
                indicator: "kindergarten_age_5".into(),
            };
        }
        if t.number == 19 {
            t.unit = Some(Unit::PerMille);
        }
    }
    let problems = validate_plan(&p);
    assert_eq!(problems.len(), 2);
    assert_eq!(problems[0].place, Place::Target(19));
    assert_eq!(problems[0].field, "unit");
    assert_eq!(problems[1].place, Place::Target(21));
    assert_eq!(problems[1].field, "source.indicator");
    assert!(problems[1].message.contains("kindergarten_age_5"));

    // Computing anyway: no figure, and the reason.
    let children = young_register();
    let r = compute_target(p.target(21).unwrap(), &snap(&children));
    assert_eq!(r.status, TargetStatus::NoData);
    assert_eq!(r.figure.value, None);
    assert!(r.note.unwrap().contains("kindergarten_age_5"));
}

// ---------------------------------------------------------------------------------------------
// Reported targets

#[test]
fn reported_rate_and_allowed_events() {
    // Target 3: "dưới 2,9‰"; 1 neonatal death in 120 live births is 8,3 ‰.
    let reported = vec![entry(3, Some(1.0), Some(120.0), None)];
    let snapshot = Snapshot {
        reported: &reported,
        ..snap(&[])
    };
    let r = compute_target(&target(3), &snapshot);
    assert!(close(r.figure.value, 1000.0 / 120.0));
    assert_eq!(r.status, TargetStatus::NotMet);
    assert_eq!(r.figure.allowed_events, Some(0));
    assert!(r.figure.unstable, "120 births is below 1.000");
    assert_eq!(
        r.figure.last_entered.as_deref(),
        Some("2026-07-02T08:00:00+07:00")
    );
    assert!(r.figure.numerator_ids.is_empty() && r.figure.denominator_ids.is_empty());
    assert!(r.breakdown.is_empty());

    // No deaths: met, still unstable.
    let reported = vec![entry(3, Some(0.0), Some(120.0), None)];
    let r = compute_target(
        &target(3),
        &Snapshot {
            reported: &reported,
            ..snap(&[])
        },
    );
    assert!(close(r.figure.value, 0.0));
    assert_eq!(r.status, TargetStatus::Met);
}

#[test]
fn reported_matching_and_corrections() {
    let mut other_period = entry(2, Some(10.0), Some(100.0), None);
    other_period.period_end = date(2026, 12, 31);
    let mut first = entry(2, Some(70.0), Some(100.0), None);
    first.entered_at = "2026-07-01T08:00:00+07:00".into();
    let mut correction = entry(2, Some(85.0), Some(100.0), None);
    correction.entered_at = "2026-07-03T08:00:00+07:00".into();
    let wrong_target = entry(9, Some(1.0), Some(100.0), None);
    let reported = vec![correction.clone(), other_period, first, wrong_target];
    let snapshot = Snapshot {
        reported: &reported,
        ..snap(&[])
    };
    let r = compute_target(&target(2), &snapshot);
    assert!(close(r.figure.value, 85.0));
    assert_eq!(r.status, TargetStatus::Met);
    assert_eq!(r.figure.last_entered, Some(correction.entered_at));
    assert!(!r.figure.unstable);

    // A rate given as a value only.
    let reported = vec![entry(9, None, None, Some(95.0))];
    let r = compute_target(
        &target(9),
        &Snapshot {
            reported: &reported,
            ..snap(&[])
        },
    );
    assert!(close(r.figure.value, 95.0));
    assert_eq!(r.status, TargetStatus::NotMet, "needs above 95,18 %");
    assert!(!r.figure.unstable, "no denominator known");

    // An entered empty denominator: no value, no data (but entered).
    let reported = vec![entry(17, Some(0.0), Some(0.0), None)];
    let r = compute_target(
        &target(17),
        &Snapshot {
            reported: &reported,
            ..snap(&[])
        },
    );
    assert_eq!(r.figure.value, None);
    assert_eq!(r.status, TargetStatus::NoData);
    assert!(r.figure.last_entered.is_some());
}

#[test]
fn two_figure_targets_need_both() {
    // Target 15: injuries ≤ 100/100.000 and injury deaths ≤ 2/100.000.
    let t = target(15);
    let second = |value: f64| ReportedValue {
        secondary: true,
        ..entry(15, None, None, Some(value))
    };
    let run = |reported: &[ReportedValue]| {
        compute_target(
            &t,
            &Snapshot {
                reported,
                ..snap(&[])
            },
        )
    };
    let r = run(&[]);
    assert_eq!(r.status, TargetStatus::NoData);
    assert!(r.secondary.is_some());

    let r = run(&[entry(15, None, None, Some(50.0))]);
    assert_eq!(r.status, TargetStatus::NoData, "second figure missing");

    let r = run(&[entry(15, None, None, Some(150.0))]);
    assert_eq!(r.status, TargetStatus::NotMet, "first already not met");

    let r = run(&[entry(15, None, None, Some(50.0)), second(0.0)]);
    assert_eq!(r.status, TargetStatus::Met);
    assert!(close(r.secondary.as_ref().unwrap().value, 0.0));

    let r = run(&[entry(15, None, None, Some(50.0)), second(5.0)]);
    assert_eq!(r.status, TargetStatus::NotMet);

    // Same answers as the plan's helper whenever both figures are there.
    for (a, b) in [(50.0, 0.0), (50.0, 5.0), (150.0, 0.0), (150.0, 5.0)] {
        let r = run(&[entry(15, None, None, Some(a)), second(b)]);
        let want = match t.status_all(a, Some(b)) {
            Status::Met => TargetStatus::Met,
            Status::NotMet => TargetStatus::NotMet,
            Status::Undetermined => TargetStatus::Undetermined,
        };
        assert_eq!(r.status, want, "{a} / {b}");
    }
}

#[test]
fn counts_and_reductions_use_the_baseline() {
    // Target 18: "giảm số cuộc tảo hôn hằng năm từ 1-2%"; the plan has no baseline value.
    let reported = vec![entry(18, Some(9.0), None, None)];
    let snapshot = Snapshot {
        reported: &reported,
        ..snap(&[])
    };
    let r = compute_target(&target(18), &snapshot);
    assert_eq!(r.figure.value, Some(9.0));
    assert_eq!(r.status, TargetStatus::Undetermined);
    assert!(r.note.unwrap().contains("năm cơ sở"));

    let mut t = target(18);
    t.baseline = Some(Baseline {
        year: 2025,
        value: Some(10.0),
    });
    // 9 ≤ 10 × (1 − 1 %).
    assert_eq!(compute_target(&t, &snapshot).status, TargetStatus::Met);
    let reported = vec![entry(18, Some(10.0), None, None)];
    let r = compute_target(
        &t,
        &Snapshot {
            reported: &reported,
            ..snap(&[])
        },
    );
    assert_eq!(r.status, TargetStatus::NotMet);
}

// ---------------------------------------------------------------------------------------------
// Assessment

#[test]
fn assessment_takes_the_latest_on_or_before_as_of() {
    let t = target(1);
    let a = |on: &str, met: Option<bool>| AssessmentValue {
        target: 1,
        date: d(on),
        met,
        score: Some(820.0),
    };
    let run = |assessments: &[AssessmentValue]| {
        compute_target(
            &t,
            &Snapshot {
                assessments,
                ..snap(&[])
            },
        )
    };
    let r = run(&[]);
    assert_eq!(r.status, TargetStatus::NoData, "qualitative, no data");

    let r = run(&[
        a("2025-11-01", Some(false)),
        a("2026-05-01", Some(true)),
        a("2026-09-01", Some(false)),
    ]);
    assert_eq!(r.status, TargetStatus::Met);
    assert_eq!(r.figure.value, Some(1.0));
    assert_eq!(r.figure.score, Some(820.0));
    assert_eq!(r.figure.last_entered.as_deref(), Some("2026-05-01"));

    let r = run(&[a("2026-05-01", Some(false))]);
    assert_eq!(r.status, TargetStatus::NotMet);

    let r = run(&[a("2026-05-01", None)]);
    assert_eq!(r.status, TargetStatus::NoData, "not concluded");
}

// ---------------------------------------------------------------------------------------------
// The shipped plan

fn small_register() -> Vec<Child> {
    let mut v = special_register();
    v.extend(young_register().into_iter().map(|mut c| {
        c.id += 100;
        c
    }));
    v
}

#[test]
fn compute_all_over_the_shipped_plan() {
    let p = plan();
    let children = small_register();
    let results = compute_all(&p, &snap(&children));
    assert_eq!(results.len(), 28);
    let numbers: Vec<u16> = results.iter().map(|r| r.number).collect();
    let want: Vec<u16> = (1..=29).filter(|n| *n != 8).collect();
    assert_eq!(numbers, want);
    for r in &results {
        let t = p.target(r.number).unwrap();
        match &t.source {
            Source::Register { .. } => {
                assert!(r.figure.denominator.unwrap() > 0.0, "target {}", r.number);
                assert!(r.figure.value.is_some());
                assert_ne!(r.status, TargetStatus::NoData);
                assert_breakdown_sums(r);
            }
            Source::Records { .. } => {
                // No work records: disasters give nothing to divide by; marriages count 0.
                assert!(r.figure.numerator.is_some(), "target {}", r.number);
            }
            Source::Activities { .. } => {
                // No forums and no directory: none took part, none has a play place, over the
                // register's children (or villages) when there are any.
                assert_eq!(r.figure.numerator, Some(0.0), "target {}", r.number);
                match r.figure.denominator {
                    Some(d) if d > 0.0 => {
                        assert_eq!(r.figure.value, Some(0.0), "target {}", r.number)
                    }
                    _ => assert_eq!(r.status, TargetStatus::NoData, "target {}", r.number),
                }
            }
            Source::Cases { .. } => {
                // No case files: counted, and nothing to divide by.
                assert_eq!(r.status, TargetStatus::NoData, "target {}", r.number);
                assert_eq!(r.figure.denominator, Some(0.0));
                assert_eq!(r.figure.value, None);
            }
            _ => {
                assert_eq!(r.status, TargetStatus::NoData, "target {}", r.number);
                assert_eq!(r.figure, Figure::default());
                assert!(r.breakdown.is_empty());
            }
        }
        assert_eq!(r.secondary.is_some(), t.secondary.is_some());
        assert_eq!(r.trend, None);
    }
    let by = |n: u16| results.iter().find(|r| r.number == n).unwrap();
    assert_eq!(by(13).figure.numerator_ids, vec![1, 5, 6, 12]);
    assert_eq!(
        by(19).figure.denominator_ids,
        vec![102, 103, 104, 107, 110],
        "only the young register's under-5s"
    );
    assert_eq!(by(21).figure.numerator_ids, vec![109], "the 2020 cohort");

    // Once figures are reported, reported targets get a status.
    let reported = vec![
        entry(2, Some(80.0), Some(100.0), None),
        entry(9, Some(90.0), Some(100.0), None),
        entry(11, None, None, Some(0.0)),
    ];
    let snapshot = Snapshot {
        reported: &reported,
        ..snap(&children)
    };
    let results = compute_all(&p, &snapshot);
    let by = |n: u16| results.iter().find(|r| r.number == n).unwrap();
    assert_eq!(by(2).status, TargetStatus::Met);
    assert_eq!(by(9).status, TargetStatus::NotMet);
    assert_eq!(by(11).status, TargetStatus::Met);
    assert_eq!(by(3).status, TargetStatus::NoData);
}

// ---------------------------------------------------------------------------------------------
// Trend

fn half(y: i16, first: bool) -> Period {
    if first {
        Period::new(date(y, 1, 1), date(y, 6, 30))
    } else {
        Period::new(date(y, 7, 1), date(y, 12, 31))
    }
}

#[test]
fn trend_rule() {
    let up = target(2); // đạt ít nhất 80 %
    let down = target(13); // không quá 4,5 %
    let h = |a: Option<f64>, b: Option<f64>, c: Option<f64>| {
        vec![
            (half(2025, true), a),
            (half(2025, false), b),
            (half(2026, true), c),
        ]
    };
    assert_eq!(
        trend_status(&h(Some(90.0), Some(85.0), Some(82.0)), &up),
        Some(Trend::Worsening)
    );
    assert_eq!(
        trend_status(&h(Some(70.0), Some(75.0), Some(82.0)), &up),
        Some(Trend::Improving)
    );
    assert_eq!(
        trend_status(&h(Some(90.0), Some(85.0), Some(88.0)), &up),
        Some(Trend::Mixed)
    );
    assert_eq!(
        trend_status(&h(Some(90.0), Some(90.0), Some(85.0)), &up),
        Some(Trend::Mixed),
        "one flat move is not two moves away"
    );
    assert_eq!(
        trend_status(&h(Some(3.0), Some(3.5), Some(4.0)), &down),
        Some(Trend::Worsening)
    );
    assert_eq!(
        trend_status(&h(Some(4.4), Some(4.2), Some(4.0)), &down),
        Some(Trend::Improving)
    );
    assert_eq!(
        trend_status(&h(Some(90.0), None, Some(80.0)), &up),
        None,
        "a gap breaks the run"
    );
    assert_eq!(
        trend_status(&h(Some(90.0), Some(85.0), Some(82.0))[1..], &up),
        None,
        "two periods are not enough"
    );
    // Order of the input does not matter.
    let mut shuffled = h(Some(90.0), Some(85.0), Some(82.0));
    shuffled.swap(0, 2);
    assert_eq!(trend_status(&shuffled, &up), Some(Trend::Worsening));
    // Only the last three count.
    let mut longer = h(Some(90.0), Some(85.0), Some(82.0));
    longer.insert(0, (half(2024, false), Some(50.0)));
    assert_eq!(trend_status(&longer, &up), Some(Trend::Worsening));
    assert_eq!(
        trend_status(&h(Some(1.0), Some(0.0), Some(0.0)), &target(1)),
        None
    );
}

#[test]
fn met_but_worsening_is_at_risk() {
    // 100 children under 16, 4 in special circumstances: 4 % ≤ 4,5 %, met.
    let children: Vec<Child> = (1..=100)
        .map(|i| {
            let c = kid(i, "2015-01-01");
            if i <= 4 {
                c.circ("d", "2020-01-01", None)
            } else {
                c
            }
        })
        .collect();
    let p = plan();
    let prior_result = |value: f64| TargetResult {
        number: 13,
        figure: Figure {
            value: Some(value),
            ..Figure::default()
        },
        secondary: None,
        status: TargetStatus::Met,
        trend: None,
        breakdown: Breakdown::default(),
        note: None,
        related: Vec::new(),
    };
    let prior = vec![
        (half(2025, false), vec![prior_result(3.5)]),
        (half(2025, true), vec![prior_result(3.0)]),
    ];
    let s = snap(&children);
    let results = compute_all_with(&p, &s, &Settings::default(), &prior);
    let r = results.iter().find(|r| r.number == 13).unwrap();
    assert!(close(r.figure.value, 4.0));
    assert_eq!(r.trend, Some(Trend::Worsening));
    assert_eq!(r.status, TargetStatus::AtRisk);
    assert_eq!(r.status.label_vi(), "có nguy cơ không đạt");
    // Targets without earlier figures get no trend.
    let r2 = results.iter().find(|r| r.number == 2).unwrap();
    assert_eq!(r2.trend, None);
    assert_eq!(r2.status, TargetStatus::NoData);

    // Improving: stays met.
    let prior = vec![
        (half(2025, true), vec![prior_result(4.4)]),
        (half(2025, false), vec![prior_result(4.2)]),
    ];
    let results = compute_all_with(&p, &s, &Settings::default(), &prior);
    let r = results.iter().find(|r| r.number == 13).unwrap();
    assert_eq!(r.trend, Some(Trend::Improving));
    assert_eq!(r.status, TargetStatus::Met);
}

// ---------------------------------------------------------------------------------------------
// validate_reported

#[test]
fn a_good_entry_passes() {
    assert_eq!(
        validate_reported(&entry(9, Some(96.0), Some(100.0), None), &target(9)),
        Ok(())
    );
    // Value consistent with numerator/denominator up to rounding.
    assert_eq!(
        validate_reported(&entry(9, Some(1.0), Some(3.0), Some(33.3)), &target(9)),
        Ok(())
    );
    assert_eq!(
        validate_reported(&entry(9, None, None, Some(95.5)), &target(9)),
        Ok(())
    );
    assert_eq!(
        validate_reported(&entry(18, Some(4.0), None, None), &target(18)),
        Ok(())
    );
    let second = ReportedValue {
        secondary: true,
        ..entry(15, Some(0.0), Some(2_400.0), None)
    };
    assert_eq!(validate_reported(&second, &target(15)), Ok(()));
    // An empty denominator is a legitimate report ("no case found").
    assert_eq!(
        validate_reported(&entry(17, Some(0.0), Some(0.0), None), &target(17)),
        Ok(())
    );
}

#[test]
fn bad_entries_name_their_fields_in_vietnamese() {
    let t9 = target(9);
    let e = validate_reported(&entry(9, Some(120.0), Some(100.0), None), &t9).unwrap_err();
    assert!(e
        .for_field("numerator")
        .unwrap()
        .contains("không được lớn hơn mẫu số"));

    let e = validate_reported(&entry(9, Some(-1.0), Some(100.0), None), &t9).unwrap_err();
    assert!(e.for_field("numerator").unwrap().contains("không được âm"));

    let e = validate_reported(&entry(9, Some(1.5), Some(100.0), None), &t9).unwrap_err();
    assert!(e.for_field("numerator").unwrap().contains("số nguyên"));

    let e = validate_reported(&entry(9, Some(5.0), None, None), &t9).unwrap_err();
    assert!(e.for_field("denominator").unwrap().contains("mẫu số"));

    let e = validate_reported(&entry(9, None, None, Some(120.0)), &t9).unwrap_err();
    assert!(e.for_field("value").unwrap().contains("vượt quá 100%"));

    let e = validate_reported(&entry(9, Some(90.0), Some(100.0), Some(95.0)), &t9).unwrap_err();
    assert!(e.for_field("value").unwrap().contains("không khớp"));

    let e = validate_reported(&entry(9, None, None, None), &t9).unwrap_err();
    assert!(e.for_field("value").is_some());

    let e = validate_reported(&entry(9, None, None, Some(f64::NAN)), &t9).unwrap_err();
    assert!(e.for_field("value").unwrap().contains("phải là một số"));

    let mut no_note = entry(9, Some(1.0), Some(2.0), None);
    no_note.note = "  ".into();
    let e = validate_reported(&no_note, &t9).unwrap_err();
    assert!(e.for_field("note").unwrap().contains("nguồn số liệu"));

    let mut backwards = entry(9, Some(1.0), Some(2.0), None);
    backwards.period_end = date(2025, 12, 31);
    let e = validate_reported(&backwards, &t9).unwrap_err();
    assert!(e.for_field("period_end").unwrap().contains("31/12/2025"));

    let e = validate_reported(&entry(9, Some(1.0), Some(2.0), None), &target(2)).unwrap_err();
    assert!(e.for_field("target").unwrap().contains("chỉ tiêu 9"));

    // Register and assessment targets take no entries.
    let e = validate_reported(&entry(19, Some(1.0), Some(2.0), None), &target(19)).unwrap_err();
    assert!(e
        .for_field("target")
        .unwrap()
        .contains("sổ theo dõi trẻ em"));
    let e = validate_reported(&entry(1, None, None, Some(1.0)), &target(1)).unwrap_err();
    assert!(e.for_field("target").unwrap().contains("tự đánh giá"));

    // A second figure for a one-figure target.
    let second = ReportedValue {
        secondary: true,
        ..entry(9, Some(1.0), Some(2.0), None)
    };
    let e = validate_reported(&second, &t9).unwrap_err();
    assert!(e.for_field("secondary").is_some());

    // Counts have no denominator.
    let e = validate_reported(&entry(18, Some(3.0), Some(10.0), None), &target(18)).unwrap_err();
    assert!(e.for_field("denominator").unwrap().contains("số lượng"));

    // Everything at once, each field named.
    let mut bad = entry(9, Some(-1.0), Some(0.5), Some(200.0));
    bad.note = String::new();
    let e = validate_reported(&bad, &t9).unwrap_err();
    for f in ["numerator", "denominator", "value", "note"] {
        assert!(e.for_field(f).is_some(), "{f}: {e}");
    }
}

#[test]
fn results_round_trip_through_json() {
    let children = special_register();
    let r = compute_target(&target(13), &snap(&children));
    let json = serde_json::to_string(&r).unwrap();
    let back: TargetResult = serde_json::from_str(&json).unwrap();
    assert_eq!(back, r);
    assert!(json.contains("\"status\":\"not_met\""));
}

#[test]
fn the_same_figures_on_several_threads() {
    let villages = ["SP01", "SP02", "SP03"];
    let children: Vec<Child> = (1..=400)
        .map(|i| {
            let born = format!("{}-{:02}-{:02}", 2010 + i % 16, 1 + i % 12, 1 + i % 28);
            let c = kid(i, &born).with(|d| {
                d.village = villages[(i % 3) as usize].into();
                d.ethnicity = Some((i % 5) as u8);
                if i % 9 == 0 {
                    d.birth_registered_on = d.date_of_birth;
                }
            });
            if i % 7 == 0 {
                c.circ("d", "2020-01-01", None)
            } else {
                c
            }
        })
        .collect();
    let p = plan();
    let s = snap(&children);
    let one = compute_all_on(&p, &s, &Settings::default(), &[], 1);
    assert_eq!(compute_all_on(&p, &s, &Settings::default(), &[], 3), one);
    assert_eq!(one.len(), p.targets.len());
    // And from the facts alone, by reference.
    let facts: Vec<ChildFacts> = children.iter().map(ChildFacts::of).collect();
    let refs: Vec<&ChildFacts> = facts.iter().collect();
    let from_facts = Snapshot {
        children: (&refs).into(),
        ..s
    };
    assert_eq!(
        compute_all_on(&p, &from_facts, &Settings::default(), &[], 2),
        one
    );
}

#[test]
fn targets_17_and_18_are_counted_from_the_work_records() {
    use crate::work::{DisasterFacts, MarriageFacts, WorkRecords};
    let p = Plan::from_toml(include_str!("../../../../plans/sinh-phinh-2026.toml")).unwrap();
    let work = WorkRecords {
        disasters: vec![
            DisasterFacts {
                date: date(2026, 5, 10),
                children: vec![
                    (1, Some(date(2026, 5, 11))),
                    (2, Some(date(2026, 5, 25))),
                    (3, None),
                    (4, Some(date(2026, 5, 17))),
                ],
            },
            // After the period: not counted in the first half.
            DisasterFacts {
                date: date(2026, 7, 10),
                children: vec![(5, None)],
            },
        ],
        marriages: vec![
            MarriageFacts {
                date: date(2026, 2, 1),
                prevented: false,
            },
            MarriageFacts {
                date: date(2026, 3, 1),
                prevented: true,
            },
            MarriageFacts {
                date: date(2025, 2, 1),
                prevented: false,
            },
            MarriageFacts {
                date: date(2025, 4, 1),
                prevented: false,
            },
            // Last year, but after the same span (30/06): not in the comparison.
            MarriageFacts {
                date: date(2025, 9, 1),
                prevented: false,
            },
        ],
    };
    let s = Snapshot {
        work: &work,
        ..snap(&[])
    };
    let r17 = compute_target(p.target(17).unwrap(), &s);
    // Helped within 7 days: 1 (1 day) and 4 (7 days); 2 came after 15 days, 3 never.
    assert_eq!(r17.figure.numerator, Some(2.0));
    assert_eq!(r17.figure.denominator, Some(4.0));
    assert_eq!(r17.figure.value, Some(50.0));
    assert_eq!(r17.status, TargetStatus::NotMet);
    let wide = Settings {
        relief: crate::work::ReliefRule { within_days: 15 },
        ..Settings::default()
    };
    let r17 = compute_target_with(p.target(17).unwrap(), &s, &wide);
    assert_eq!(r17.figure.value, Some(75.0));
    let r18 = compute_target(p.target(18).unwrap(), &s);
    // One marriage this half-year (the prevented one not counted) against two a year before.
    assert_eq!(r18.figure.value, Some(1.0));
    assert_eq!(r18.status, TargetStatus::Met);
    assert!(
        r18.note
            .as_deref()
            .unwrap()
            .contains("cùng kỳ năm trước: 2"),
        "{:?}",
        r18.note
    );
    let more = WorkRecords {
        marriages: vec![
            MarriageFacts {
                date: date(2026, 2, 1),
                prevented: false,
            },
            MarriageFacts {
                date: date(2025, 2, 1),
                prevented: false,
            },
        ],
        ..work.clone()
    };
    let s = Snapshot {
        work: &more,
        ..snap(&[])
    };
    // As many as last year: not a 1 % decrease.
    assert_eq!(
        compute_target(p.target(18).unwrap(), &s).status,
        TargetStatus::NotMet
    );
}

#[test]
fn targets_27_to_29_count_linked_participants_over_the_registers_children_of_the_ages() {
    use crate::activity::{ActivityFacts, ForumForm, Participation};
    let plan = crate::plan::Plan::from_toml(include_str!("../../../../plans/sinh-phinh-2026.toml"))
        .unwrap();
    // On 2026-06-30: ages 4, 8, 9, 12, 13, and one who left before the date.
    let children = vec![
        kid(1, "2022-01-01"),
        kid(2, "2018-01-01"),
        kid(3, "2017-01-01"),
        kid(4, "2014-01-01"),
        kid(5, "2013-01-01"),
        kid(6, "2012-01-01").moved_out("2026-02-01"),
    ];
    let p = |child_id, date: &str, form| Participation {
        child_id,
        date: d(date),
        form,
    };
    let facts = ActivityFacts {
        participation: vec![
            p(2, "2026-03-10", ForumForm::Consultation),
            p(4, "2026-05-20", ForumForm::Forum),
            p(4, "2026-06-01", ForumForm::Consultation),
            p(5, "2026-04-01", ForumForm::Club),
            p(1, "2026-04-01", ForumForm::Awareness),
            // Outside the period, or left: not counted.
            p(3, "2025-12-30", ForumForm::Forum),
            p(6, "2026-01-10", ForumForm::Forum),
        ],
        villages: vec!["01".into(), "02".into(), "03".into(), "04".into()],
        play_places: vec!["02".into(), "04".into(), "09".into()],
    };
    let mut s = snap(&children);
    s.activities = &facts;
    let fig = |n: u16| compute_target(plan.target(n).unwrap(), &s).figure;
    // 27: aged 7+ present: 2, 3, 4, 5; consulted or forum: 2, 4.
    let f = fig(27);
    assert_eq!((f.numerator, f.denominator), (Some(2.0), Some(4.0)));
    assert_eq!(f.numerator_ids, vec![2, 4]);
    // 28: everyone present: 1–5; any form: 1, 2, 4, 5.
    let f = fig(28);
    assert_eq!((f.numerator, f.denominator), (Some(4.0), Some(5.0)));
    // 29: aged 11+: 4, 5; forum or club: 4, 5.
    let f = fig(29);
    assert_eq!((f.numerator, f.denominator), (Some(2.0), Some(2.0)));
    assert_eq!(f.value, Some(100.0));
    // 26: villages 02 and 04 of the 4 (09 is not the commune's).
    let f = fig(26);
    assert_eq!(
        (f.numerator, f.denominator, f.value),
        (Some(2.0), Some(4.0), Some(50.0))
    );
}
