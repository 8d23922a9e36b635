//! Health indicators (targets 3–7, 9–11, 15) on small hand-built records.
use super::*;
use crate::health::HealthRecords;
use crate::health::{
    Birth, BirthPlace, Death, DeathCause, HivFollowUp, Injury, InjuryKind, Measure, Measurement,
    Outcome, Severity, Vaccination, EMPTY,
};
use crate::plan::Baseline;
use crate::register::Child;
use crate::register::ChildData;
use jiff::civil::date;
use jiff::civil::Date;

// ---------------------------------------------------------------------------------------------
// Helpers

// `d` (a date) and `kid` (a present boy of SP01 born on a date) are the engine tests' own.
use super::tests::{d, kid};

fn with(mut c: Child, f: impl FnOnce(&mut ChildData)) -> Child {
    f(&mut c.data);
    c
}

fn h1() -> Period {
    Period::new(date(2026, 1, 1), date(2026, 6, 30))
}

fn snap<'a>(children: &'a [Child], health: &'a HealthRecords) -> Snapshot<'a> {
    Snapshot {
        as_of: date(2026, 6, 30),
        period: h1(),
        children: children.into(),
        supports: &[],
        reported: &[],
        assessments: &[],
        health,
        cases: &[],
        calendar: crate::case::embedded_calendar(),
        work: &crate::work::EMPTY,
        activities: &crate::activity::EMPTY,
    }
}

/// A register-sourced target with the indicator's unit.
fn target(number: u16, indicator: &str, comparator: Comparator, value: f64) -> Target {
    let ind = RegisterIndicator::parse(indicator).unwrap();
    Target {
        number,
        goal: 1,
        text: String::new(),
        measure: String::new(),
        comparator,
        value: Some(value),
        value_to: None,
        unit: Some(ind.unit()),
        baseline: None,
        owners: vec![],
        supporting: vec![],
        related: vec![],
        source: Source::Register {
            indicator: indicator.into(),
        },
        secondary: None,
        note: None,
    }
}

fn run(t: &Target, children: &[Child], health: &HealthRecords) -> TargetResult {
    let r = compute_target(t, &snap(children, health));
    // The same from the facts alone.
    let facts: Vec<ChildFacts> = children.iter().map(ChildFacts::of).collect();
    let from_facts = Snapshot {
        children: (&facts).into(),
        ..snap(children, health)
    };
    assert_eq!(compute_target(t, &from_facts), r);
    r
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

fn add(acc: (u64, u64), c: &Cell) -> (u64, u64) {
    (acc.0 + c.numerator, acc.1 + c.denominator)
}

/// Every breakdown partitions the figure's numerator and denominator.
fn assert_breakdown_sums(r: &TargetResult) {
    let num = r.figure.numerator.unwrap() as u64;
    let den = r.figure.denominator.unwrap() as u64;
    let b = &r.breakdown;
    for s in [
        b.by_village.iter().map(|(_, c)| c).fold((0, 0), add),
        b.by_sex.iter().map(|(_, c)| c).fold((0, 0), add),
        b.by_ethnicity.iter().map(|(_, c)| c).fold((0, 0), add),
        b.by_age_band.iter().map(|(_, c)| c).fold((0, 0), add),
    ] {
        assert_eq!(s, (num, den), "breakdown of target {}", r.number);
    }
    assert_eq!(r.figure.numerator_ids.len() as u64, num);
    assert_eq!(r.figure.denominator_ids.len() as u64, den);
}

fn live(id: i64, on: &str) -> Birth {
    Birth {
        child_id: id,
        date: d(on),
        time: None,
        weight_g: Some(3_000),
        place: BirthPlace::HealthStation,
        live: true,
    }
}

fn death(id: i64, on: &str, cause: DeathCause) -> Death {
    Death {
        child_id: id,
        date: d(on),
        cause,
    }
}

// ---------------------------------------------------------------------------------------------
// Targets 3, 4, 5: mortality per 1.000 live births

/// Births in H1 2026 (in the register): 1, 2, 3, 9, 10 (5). Deaths in H1: 1 at 27 days, 2 at
/// 28 days, 4 at 16 days (born in 2025), 5 at 2 years (register only), 6 at 6 years.
fn mortality() -> (Vec<Child>, HealthRecords) {
    let children = vec![
        with(kid(1, "2026-02-01"), |c| c.died_on = Some(d("2026-02-28"))),
        with(kid(2, "2026-03-01"), |c| c.died_on = Some(d("2026-03-29"))),
        kid(3, "2026-01-10"),
        kid(4, "2025-12-20"),
        with(kid(5, "2023-05-01"), |c| c.died_on = Some(d("2026-04-01"))),
        kid(6, "2020-01-01"),
        kid(9, "2026-06-20"),
        kid(10, "2026-06-01"),
        kid(11, ""),
    ];
    let health = HealthRecords {
        births: vec![
            live(1, "2026-02-01"),
            live(2, "2026-03-01"),
            live(3, "2026-01-10"),
            live(4, "2025-12-20"),
            live(9, "2026-06-20"),
            live(10, "2026-06-01"),
            // Stillbirth: not a live birth.
            Birth {
                live: false,
                ..live(7, "2026-04-01")
            },
            // Not in the register.
            live(99, "2026-05-05"),
        ],
        deaths: vec![
            death(1, "2026-02-28", DeathCause::Illness),
            death(2, "2026-03-29", DeathCause::Illness),
            death(4, "2026-01-05", DeathCause::Illness),
            death(6, "2026-05-01", DeathCause::Traffic),
            // After the period.
            death(9, "2026-07-05", DeathCause::Illness),
            // No birth date anywhere.
            death(11, "2026-03-01", DeathCause::Unknown),
        ],
        ..HealthRecords::default()
    };
    (children, health)
}

#[test]
fn neonatal_mortality_counts_deaths_before_day_28() {
    let (children, health) = mortality();
    let t = target(3, "neonatal_mortality", Comparator::Below, 2.9);
    let r = run(&t, &children, &health);
    assert_eq!(r.figure.denominator_ids, vec![1, 2, 3, 9, 10]);
    assert_eq!(
        r.figure.numerator_ids,
        vec![1, 4],
        "27 days counts, 28 does not; a death in the period of a child born before it counts"
    );
    assert!(close(r.figure.value, 400.0));
    assert_eq!(r.status, TargetStatus::NotMet);
    assert!(r.figure.unstable, "5 births");
    assert_eq!(r.figure.allowed_events, Some(0));
    let note = r.note.clone().unwrap();
    assert!(note.contains("1 bản ghi sinh"), "{note}");
    assert!(note.contains("không rõ ngày sinh"), "{note}");
    assert_breakdown_sums(&r);
    assert_eq!(
        r.breakdown.by_age_band,
        vec![(AgeBand::Under5, {
            Cell {
                numerator: 2,
                denominator: 5,
                value: Some(400.0),
            }
        })]
    );
}

#[test]
fn infant_and_under5_mortality() {
    let (children, health) = mortality();
    let r = run(
        &target(4, "infant_mortality", Comparator::Below, 26.4),
        &children,
        &health,
    );
    assert_eq!(r.figure.numerator_ids, vec![1, 2, 4]);
    assert!(close(r.figure.value, 600.0));
    assert_breakdown_sums(&r);

    let r = run(
        &target(5, "under5_mortality", Comparator::Below, 35.2),
        &children,
        &health,
    );
    assert_eq!(
        r.figure.numerator_ids,
        vec![1, 2, 4, 5],
        "5 died at 2 (register only, no death record); 6 at 6 is not under 5"
    );
    assert_eq!(r.figure.denominator, Some(5.0));
    assert!(close(r.figure.value, 800.0));
    assert_breakdown_sums(&r);
}

/// Issue 15: live births are every child known to treem born in the period, not only the health
/// station's birth records. Hand count for H1 2026: child 1 born 01/02 at the station (a birth
/// record, and in the register); child 2 registered by the officer, born 10/04, no birth record,
/// died 20/04 (10 days old); child 3 imported from a list, born 05/05, no birth record; child 4
/// born in 2025. Live births: 1, 2, 3 (3, each once); neonatal deaths: 2 (1). 1 ÷ 3 × 1.000 =
/// 333,3 ‰ (the station's records alone gave 1 ÷ 1 × 1.000 = 1.000 ‰).
#[test]
fn children_registered_without_a_birth_record_are_live_births() {
    let children = vec![
        kid(1, "2026-02-01"),
        with(kid(2, "2026-04-10"), |c| c.died_on = Some(d("2026-04-20"))),
        kid(3, "2026-05-05"),
        kid(4, "2025-10-01"),
    ];
    let health = HealthRecords {
        births: vec![live(1, "2026-02-01"), live(1, "2026-02-01")],
        ..HealthRecords::default()
    };
    for (number, ind) in [
        (3, "neonatal_mortality"),
        (4, "infant_mortality"),
        (5, "under5_mortality"),
    ] {
        let r = run(
            &target(number, ind, Comparator::Below, 2.9),
            &children,
            &health,
        );
        assert_eq!(r.figure.denominator_ids, vec![1, 2, 3], "{ind}");
        assert_eq!(r.figure.numerator_ids, vec![2], "{ind}");
        assert!(
            close(r.figure.value, 1000.0 / 3.0),
            "{ind}: {:?}",
            r.figure.value
        );
        assert_breakdown_sums(&r);
    }
}

#[test]
fn death_on_the_first_birthday_is_not_an_infant_death() {
    let children = vec![
        kid(1, "2025-03-10"),
        kid(2, "2025-03-10"),
        kid(3, "2026-01-02"),
    ];
    let health = HealthRecords {
        births: vec![live(3, "2026-01-02")],
        deaths: vec![
            death(1, "2026-03-09", DeathCause::Illness),
            death(2, "2026-03-10", DeathCause::Illness),
        ],
        ..HealthRecords::default()
    };
    let r = run(
        &target(4, "infant_mortality", Comparator::Below, 26.4),
        &children,
        &health,
    );
    assert_eq!(r.figure.numerator_ids, vec![1]);
    assert!(close(r.figure.value, 1000.0));
}

#[test]
fn mortality_without_births_has_no_value() {
    // No child born in the period, in the register or the birth records: deaths but no births.
    let (mut children, mut health) = mortality();
    health.births.clear();
    children.retain(|c| c.data.date_of_birth.is_none_or(|b| b.year() < 2026));
    for ind in ["neonatal_mortality", "infant_mortality", "under5_mortality"] {
        let r = run(&target(3, ind, Comparator::Below, 2.9), &children, &health);
        assert_eq!(r.figure.denominator, Some(0.0), "{ind}");
        assert_eq!(r.figure.value, None, "{ind}: no data, not 0");
        assert_eq!(r.status, TargetStatus::NoData);
        assert_eq!(r.figure.allowed_events, None);
    }
    // Nothing recorded at all.
    let r = run(
        &target(3, "neonatal_mortality", Comparator::Below, 2.9),
        &[],
        &EMPTY,
    );
    assert_eq!(r.status, TargetStatus::NoData);
    assert!(r.breakdown.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Targets 6, 7: underweight and stunting, by the last measurement in the period

fn m(id: i64, on: &str, wfa: Option<f64>, lhfa: Option<f64>) -> Measurement {
    Measurement {
        child_id: id,
        date: d(on),
        weight_kg: Some(10.0),
        length_cm: lhfa.map(|_| 80.0),
        measure: Measure::Standing,
        oedema: false,
        z_wfa: wfa,
        z_lhfa: lhfa,
        z_wflh: None,
        flags: vec![],
    }
}

fn nutrition() -> (Vec<Child>, HealthRecords) {
    let children = vec![
        kid(21, "2023-01-01"),
        kid(22, "2024-01-01"),
        kid(23, "2022-01-01"),
        // 5 on the as-of date: not under 5.
        kid(24, "2021-06-30"),
        kid(25, "2024-06-01"),
        kid(26, "2023-03-03"),
        kid(27, "2025-01-01"),
        with(kid(28, "2024-02-02"), |c| {
            c.moved_out = Some(d("2026-06-01"))
        }),
    ];
    let health = HealthRecords {
        measurements: vec![
            // 21: underweight in February, normal at the last weighing; stunted at the last
            // length measurement (May has no length).
            m(21, "2026-02-01", Some(-2.5), Some(-2.1)),
            m(21, "2026-05-01", Some(-1.0), None),
            // 22: the other way round.
            m(22, "2026-05-01", Some(-2.3), Some(-1.0)),
            m(22, "2026-02-01", Some(-1.0), Some(-1.0)),
            // 23: only before the period.
            m(23, "2025-12-15", Some(-3.0), Some(-3.0)),
            m(24, "2026-03-01", Some(-3.0), Some(-3.0)),
            // 25: weight-for-age flagged implausible; length usable.
            Measurement {
                flags: vec!["flag_wfa".into()],
                ..m(25, "2026-03-01", Some(-2.5), Some(-2.5))
            },
            // 26: after the as-of date.
            m(26, "2026-07-02", Some(-3.0), Some(-3.0)),
            // 27: measured twice the same day: the later record counts.
            m(27, "2026-04-01", Some(-2.5), None),
            m(27, "2026-04-01", Some(-1.0), None),
            // 28: moved out.
            m(28, "2026-03-01", Some(-3.0), Some(-3.0)),
            // Not in the register.
            m(99, "2026-03-01", Some(-3.0), Some(-3.0)),
        ],
        ..HealthRecords::default()
    };
    (children, health)
}

#[test]
fn underweight_by_the_last_weighing() {
    let (children, health) = nutrition();
    let r = run(
        &target(6, "underweight_under5", Comparator::AtMost, 14.9),
        &children,
        &health,
    );
    assert_eq!(r.figure.denominator_ids, vec![21, 22, 27]);
    assert_eq!(r.figure.numerator_ids, vec![22]);
    assert!(close(r.figure.value, 100.0 / 3.0));
    assert_eq!(r.status, TargetStatus::NotMet);
    assert!(r.note.as_deref().unwrap().contains("1 lần cân đo"));
    assert_breakdown_sums(&r);
}

#[test]
fn stunting_by_the_last_length_measurement() {
    let (children, health) = nutrition();
    let r = run(
        &target(7, "stunting_under5", Comparator::AtMost, 30.9),
        &children,
        &health,
    );
    assert_eq!(r.figure.denominator_ids, vec![21, 22, 25]);
    assert_eq!(r.figure.numerator_ids, vec![21, 25]);
    assert!(close(r.figure.value, 200.0 / 3.0));
    assert_breakdown_sums(&r);

    // Nobody measured in the period: no data.
    let only_before = HealthRecords {
        measurements: vec![m(21, "2025-12-31", Some(-3.0), Some(-3.0))],
        ..HealthRecords::default()
    };
    let r = run(
        &target(7, "stunting_under5", Comparator::AtMost, 30.9),
        &children,
        &only_before,
    );
    assert_eq!(r.figure.value, None);
    assert_eq!(r.status, TargetStatus::NoData);
}

// ---------------------------------------------------------------------------------------------
// Targets 9, 10: immunisation

/// Every dose of the schedule given on its due date up to `on`, the birth dose on the day of
/// birth.
fn on_time(s: &Schedule, id: i64, dob: &str, on: Date) -> Vec<Vaccination> {
    let dob = d(dob);
    let mut vs = vec![Vaccination {
        child_id: id,
        vaccine: "VGB_SS".into(),
        dose: 1,
        date: dob,
    }];
    loop {
        let next = s.due_list(dob, &vs, on);
        if next.is_empty() {
            return vs;
        }
        vs.extend(next.into_iter().map(|x| Vaccination {
            child_id: id,
            vaccine: x.vaccine.into(),
            dose: x.dose,
            date: x.due_on,
        }));
    }
}

fn without(mut vs: Vec<Vaccination>, vaccine: &str) -> Vec<Vaccination> {
    vs.retain(|v| v.vaccine != vaccine);
    vs
}

fn vac(id: i64, vaccine: &str, dose: u8, on: &str) -> Vaccination {
    Vaccination {
        child_id: id,
        vaccine: vaccine.into(),
        dose,
        date: d(on),
    }
}

#[test]
fn fully_immunised_among_children_turning_one() {
    let s = Schedule::default();
    let children = vec![
        kid(31, "2025-03-01"),
        // Turns 1 on the period's last day.
        kid(32, "2025-06-30"),
        // Turns 1 the day after it.
        kid(33, "2025-07-01"),
        // Turned 1 before it.
        kid(34, "2024-12-31"),
        // Died before the first birthday.
        with(kid(35, "2025-02-01"), |c| c.died_on = Some(d("2025-12-01"))),
        kid(36, "2025-04-10"),
        // Moved in before the first birthday.
        with(kid(37, "2025-05-05"), |c| {
            c.moved_in = Some(d("2026-01-15"))
        }),
        // Moved in after it.
        with(kid(38, "2025-01-20"), |c| {
            c.moved_in = Some(d("2026-02-01"))
        }),
    ];
    let until = d("2026-06-30");
    let mut vaccinations = Vec::new();
    vaccinations.extend(on_time(&s, 31, "2025-03-01", until));
    // 32: measles on the first birthday, too late.
    vaccinations.extend(without(on_time(&s, 32, "2025-06-30", until), "SOI"));
    vaccinations.push(vac(32, "SOI", 1, "2026-06-30"));
    vaccinations.extend(on_time(&s, 33, "2025-07-01", until));
    vaccinations.extend(on_time(&s, 34, "2024-12-31", until));
    // 36: measles after the first birthday.
    vaccinations.extend(without(on_time(&s, 36, "2025-04-10", until), "SOI"));
    vaccinations.push(vac(36, "SOI", 1, "2026-04-15"));
    vaccinations.extend(on_time(&s, 37, "2025-05-05", until));
    vaccinations.extend(on_time(&s, 38, "2025-01-20", until));
    let health = HealthRecords {
        vaccinations,
        ..HealthRecords::default()
    };
    let t = target(9, "fully_immunised_under1", Comparator::Above, 95.18);
    let r = run(&t, &children, &health);
    assert_eq!(r.figure.denominator_ids, vec![31, 32, 36, 37]);
    assert_eq!(r.figure.numerator_ids, vec![31, 37]);
    assert!(close(r.figure.value, 50.0));
    assert_eq!(r.status, TargetStatus::NotMet);
    assert_breakdown_sums(&r);

    // As of a date before the period ends: only birthdays up to it.
    let snapshot = Snapshot {
        as_of: d("2026-04-30"),
        ..snap(&children, &health)
    };
    let r = compute_target(&t, &snapshot);
    assert_eq!(r.figure.denominator_ids, vec![31, 36]);
}

/// Target 9 has one rule, the documented one: the engine counts in the numerator exactly the
/// children of its denominator for whom [`crate::health::Compiled::fully_immunised_before_first_birthday`]
/// holds — measles on the first birthday or after it, a missing dose, a dose before birth all
/// leave a child out; the hepatitis B birth dose is not asked for.
#[test]
fn target_9_counts_the_children_the_documented_rule_accepts() {
    let s = Schedule::default();
    let until = d("2026-06-30");
    let born = [
        (81, "2025-01-10"),
        (82, "2025-02-10"),
        (83, "2025-03-10"),
        (84, "2025-04-10"),
        (85, "2025-05-10"),
    ];
    let children: Vec<Child> = born.iter().map(|&(id, dob)| kid(id, dob)).collect();
    let mut vaccinations = on_time(&s, 81, "2025-01-10", until);
    vaccinations.extend(without(on_time(&s, 82, "2025-02-10", until), "SOI"));
    vaccinations.push(vac(82, "SOI", 1, "2026-02-10"));
    vaccinations.extend(without(on_time(&s, 83, "2025-03-10", until), "OPV"));
    vaccinations.extend(without(on_time(&s, 84, "2025-04-10", until), "VGB_SS"));
    vaccinations.extend(without(on_time(&s, 85, "2025-05-10", until), "BCG"));
    vaccinations.push(vac(85, "BCG", 1, "2025-05-09"));
    let health = HealthRecords {
        vaccinations,
        ..HealthRecords::default()
    };
    let r = run(
        &target(9, "fully_immunised_under1", Comparator::Above, 95.18),
        &children,
        &health,
    );
    let rule = crate::health::Compiled::new(&s);
    let accepted: Vec<i64> = born
        .iter()
        .filter(|&&(id, dob)| {
            let own = health.vaccinations.iter().filter(|v| v.child_id == id);
            rule.fully_immunised_before_first_birthday(d(dob), &rule.given(own))
        })
        .map(|&(id, _)| id)
        .collect();
    assert_eq!(r.figure.denominator_ids, vec![81, 82, 83, 84, 85]);
    assert_eq!(accepted, vec![81, 84]);
    assert_eq!(r.figure.numerator_ids, accepted);
}

/// Issue 15, target 9: a child born at home who missed the hepatitis B birth dose but had
/// every dose of the 8 diseases before the first birthday is fully immunised; the birth dose is
/// a figure of its own (`hepb_birth_dose`). Hand count: 71 (home birth, no birth dose) and 72
/// (birth dose on the day of birth), both with every other dose in time, turn 1 in H1 2026:
/// target 9 = 2 ÷ 2. Birth dose over the live births of H1 2026: 73 (given the day after
/// birth), 74 (given on day 3: too late), 75 (none, born 29/06: still time on 30/06, left
/// out): 1 ÷ 2.
#[test]
fn a_home_birth_without_the_birth_dose_can_be_fully_immunised() {
    let s = Schedule::default();
    let until = d("2026-06-30");
    let children = vec![
        kid(71, "2025-03-01"),
        kid(72, "2025-04-01"),
        kid(73, "2026-02-01"),
        kid(74, "2026-03-01"),
        kid(75, "2026-06-29"),
    ];
    let mut vaccinations = without(on_time(&s, 71, "2025-03-01", until), "VGB_SS");
    vaccinations.extend(on_time(&s, 72, "2025-04-01", until));
    vaccinations.push(vac(73, "VGB_SS", 1, "2026-02-02"));
    vaccinations.push(vac(74, "VGB_SS", 1, "2026-03-03"));
    let health = HealthRecords {
        vaccinations,
        ..HealthRecords::default()
    };
    let r = run(
        &target(9, "fully_immunised_under1", Comparator::Above, 95.18),
        &children,
        &health,
    );
    assert_eq!(r.figure.denominator_ids, vec![71, 72]);
    assert_eq!(r.figure.numerator_ids, vec![71, 72]);
    assert!(close(r.figure.value, 100.0));

    let r = run(
        &target(90, "hepb_birth_dose", Comparator::AtLeast, 95.0),
        &children,
        &health,
    );
    assert_eq!(r.figure.denominator_ids, vec![73, 74]);
    assert_eq!(r.figure.numerator_ids, vec![73]);
    assert!(close(r.figure.value, 50.0));
    assert_breakdown_sums(&r);
}

#[test]
fn first_birthdays_at_the_edges_of_a_period_across_two_years() {
    let children = vec![
        // Turns 1 on 01/03/2025 (no 29/02 in 2025): the period's last day.
        kid(51, "2024-02-29"),
        // Turns 1 on the period's first day.
        kid(52, "2023-03-01"),
        // The day before it.
        kid(53, "2023-02-28"),
        // The day after the period.
        kid(54, "2024-03-02"),
        // Born in the period: turns 1 after it.
        kid(55, "2024-12-31"),
    ];
    let t = target(9, "fully_immunised_under1", Comparator::Above, 95.18);
    let snapshot = Snapshot {
        as_of: d("2025-06-30"),
        period: Period::new(d("2024-03-01"), d("2025-03-01")),
        ..snap(&children, &EMPTY)
    };
    let r = compute_target(&t, &snapshot);
    assert_eq!(r.figure.denominator_ids, vec![51, 52]);
    assert_eq!(r.figure.numerator_ids, Vec::<i64>::new());
}

/// Children 41 and 42 (born 15/01/2024): 41 with every dose on time up to `as_of`, 42 with every
/// dose but measles-rubella (MR).
fn complete_and_without_mr(s: &Schedule, as_of: Date) -> Vec<Vaccination> {
    let mut vaccinations = on_time(s, 41, "2024-01-15", as_of);
    vaccinations.extend(without(on_time(s, 42, "2024-01-15", as_of), "MR"));
    vaccinations
}

/// A deployment's own schedule: MR dropped from the under-5 rule.
fn without_mr_in_under5() -> Settings {
    let mut settings = Settings::default();
    settings
        .epi_schedule
        .complete_under5
        .doses
        .retain(|r| r.vaccine != "MR");
    settings
}

#[test]
fn under5_schedule_complete_for_their_age() {
    let s = Schedule::default();
    let as_of = d("2026-06-30");
    let children = vec![
        kid(41, "2024-01-15"),
        kid(42, "2024-01-15"),
        // Ten days old, nothing given: nothing is overdue yet.
        kid(43, "2026-06-20"),
        // 5 on the as-of date.
        kid(44, "2021-06-30"),
        kid(45, ""),
        // Three months old, nothing given.
        kid(46, "2026-03-20"),
    ];
    let vaccinations = complete_and_without_mr(&s, as_of);
    let health = HealthRecords {
        vaccinations,
        ..HealthRecords::default()
    };
    let r = run(
        &target(10, "under5_schedule_complete", Comparator::AtLeast, 95.0),
        &children,
        &health,
    );
    // Issue 15: 43, ten days old with no vaccine, has nothing overdue yet (BCG is due at birth
    // and overdue after 30 days): it is in neither count, not "fully immunised". Hand count:
    // 41 complete, 42 lacks MR, 46 (three months) lacks everything: 1 ÷ 3.
    assert_eq!(r.figure.denominator_ids, vec![41, 42, 46]);
    assert_eq!(r.figure.numerator_ids, vec![41]);
    assert!(close(r.figure.value, 100.0 / 3.0));
    assert_breakdown_sums(&r);

    // A deployment's own schedule (Settings): with MR dropped from the rule, 42 is complete.
    let settings = without_mr_in_under5();
    let r = compute_target_with(
        &target(10, "under5_schedule_complete", Comparator::AtLeast, 95.0),
        &snap(&children, &health),
        &settings,
    );
    assert_eq!(r.figure.numerator_ids, vec![41, 42]);
}

/// Target 10's denominator from the day a dose is overdue: a child born 01/06/2026 with no
/// vaccine is left out at 30 days (BCG due at birth, overdue after 30 days) and counted, not
/// complete, at 31.
#[test]
fn a_newborn_with_no_vaccine_is_counted_once_a_dose_is_overdue() {
    let children = vec![kid(61, "2026-06-01")];
    let t = target(10, "under5_schedule_complete", Comparator::AtLeast, 95.0);
    let at = |on: &str| {
        compute_target(
            &t,
            &Snapshot {
                as_of: d(on),
                ..snap(&children, &EMPTY)
            },
        )
    };
    let r = at("2026-07-01");
    assert_eq!(r.figure.denominator, Some(0.0));
    assert_eq!(r.status, TargetStatus::NoData);
    let r = at("2026-07-02");
    assert_eq!(r.figure.denominator_ids, vec![61]);
    assert_eq!(r.figure.numerator_ids, Vec::<i64>::new());
}

#[test]
fn several_dates_share_the_vaccinations_only_for_their_own_records_and_schedule() {
    let s = Schedule::default();
    let as_of = d("2026-06-30");
    let children = vec![kid(41, "2024-01-15"), kid(42, "2024-01-15")];
    let vaccinations = complete_and_without_mr(&s, as_of);
    let health = HealthRecords {
        vaccinations,
        ..HealthRecords::default()
    };
    let plan = Plan {
        targets: vec![target(
            10,
            "under5_schedule_complete",
            Comparator::AtLeast,
            95.0,
        )],
        ..switched_plan()
    };
    let numerator = |r: &[TargetResult]| r[0].figure.numerator_ids.clone();
    let default = Settings::default();
    let shared = std::sync::Arc::new(SharedHealth::new(&health, &default));
    // Two dates over the same records and schedule: the same as each computed alone.
    for on in [as_of, d("2025-12-31")] {
        let at = Snapshot {
            as_of: on,
            ..snap(&children, &health)
        };
        assert_eq!(
            compute_all_shared(&plan, &at, &default, &[], Some(&shared)),
            compute_all_with(&plan, &at, &default, &[]),
        );
    }
    assert_eq!(
        numerator(&compute_all_shared(
            &plan,
            &snap(&children, &health),
            &default,
            &[],
            Some(&shared)
        )),
        vec![41]
    );
    // Built for another schedule: not used (without MR in the rule, 42 is complete).
    let no_mr = without_mr_in_under5();
    let r = compute_all_shared(&plan, &snap(&children, &health), &no_mr, &[], Some(&shared));
    assert_eq!(numerator(&r), vec![41, 42]);
    // Built for other records: not used either.
    let none = HealthRecords::default();
    let r = compute_all_shared(&plan, &snap(&children, &none), &default, &[], Some(&shared));
    assert_eq!(r[0].figure.numerator_ids, Vec::<i64>::new());
}

// ---------------------------------------------------------------------------------------------
// Target 15: injuries and injury deaths per 100.000 children

fn injury(id: i64, on: &str, outcome: Outcome) -> Injury {
    Injury {
        child_id: id,
        date: d(on),
        kind: InjuryKind::Drowning,
        severity: Severity::Moderate,
        place: None,
        outcome,
    }
}

fn injuries() -> (Vec<Child>, HealthRecords) {
    let children = vec![
        kid(51, "2015-01-01"),
        kid(52, "2018-01-01"),
        kid(53, "2020-01-01"),
        kid(54, ""),
        // 18: past the age limit.
        kid(55, "2008-01-01"),
        with(kid(56, "2012-01-01"), |c| c.died_on = Some(d("2026-03-01"))),
        // Died, cause only in the register (unknown): not an injury death.
        with(kid(57, "2014-01-01"), |c| c.died_on = Some(d("2026-04-01"))),
    ];
    let health = HealthRecords {
        injuries: vec![
            injury(51, "2026-02-01", Outcome::Recovered),
            injury(51, "2026-03-01", Outcome::Recovered),
            injury(52, "2025-12-01", Outcome::Recovered),
            injury(55, "2026-02-01", Outcome::Recovered),
            injury(56, "2026-03-01", Outcome::Died),
            injury(999, "2026-03-01", Outcome::Recovered),
        ],
        deaths: vec![death(56, "2026-03-01", DeathCause::Drowning)],
        ..HealthRecords::default()
    };
    (children, health)
}

fn target15() -> Target {
    let mut t = target(15, "injury_rate", Comparator::AtMost, 100.0);
    t.secondary = Some(SubTarget {
        text: String::new(),
        measure: String::new(),
        comparator: Comparator::AtMost,
        value: Some(2.0),
        unit: Some(Unit::Per100000),
        baseline: None,
        source: Source::Register {
            indicator: "injury_death_rate".into(),
        },
    });
    t
}

#[test]
fn injury_rate_and_injury_death_rate() {
    let (children, health) = injuries();
    let r = run(&target15(), &children, &health);
    // Present under 16: 51, 52, 53, 54 (no birth date counts, as in 13).
    assert_eq!(r.figure.denominator_ids, vec![51, 52, 53, 54]);
    assert_eq!(
        r.figure.numerator_ids,
        vec![51, 56],
        "51 injured twice counts once; 56 died of it"
    );
    assert!(close(r.figure.value, 50_000.0));
    assert!(r.figure.unstable);
    assert!(r
        .note
        .as_deref()
        .unwrap()
        .contains("1 bản ghi tai nạn thương tích"));
    assert_breakdown_sums(&r);
    let second = r.secondary.as_ref().unwrap();
    assert_eq!(second.denominator_ids, vec![51, 52, 53, 54]);
    assert_eq!(second.numerator_ids, vec![56]);
    assert!(close(second.value, 25_000.0));
    assert_eq!(r.status, TargetStatus::NotMet);

    // No injuries, no deaths: 0 per 100.000 for both, met.
    let r = run(&target15(), &children, &EMPTY);
    assert!(close(r.figure.value, 0.0));
    assert!(close(r.secondary.as_ref().unwrap().value, 0.0));
    assert_eq!(r.status, TargetStatus::Met);
    // No children: no data.
    let r = run(&target15(), &[], &health);
    assert_eq!(r.status, TargetStatus::NoData);
}

/// Issue 15, target 15: a yearly rate counted over six months says so, with the rate for a year.
/// Hand count: 50.000/100.000 over 01/01–30/06 = 6 whole months: × 12 ÷ 6 = 100.000/100.000.
#[test]
fn a_six_month_yearly_rate_says_so_and_is_annualised() {
    let (children, health) = injuries();
    let t = target15();
    let r = run(&t, &children, &health);
    let y = yearly(&t.source, r.figure.value, h1(), d("2026-06-30")).unwrap();
    assert_eq!(y.covers, "6 tháng");
    assert!(close(Some(y.per_year), 100_000.0));
    assert_eq!(
        y.text_vi(t.unit, h1(), d("2026-06-30")),
        "Số liệu 6 tháng (01/01/2026 – 30/06/2026); quy ra một năm: 100.000/100.000."
    );
    let second = t.secondary.as_ref().unwrap();
    let y2 = yearly(
        &second.source,
        r.secondary.as_ref().unwrap().value,
        h1(),
        d("2026-06-30"),
    );
    assert!(close(y2.map(|y| y.per_year), 50_000.0));
    // Part of a month: by days (01/01–10/02 = 41 days).
    let y = yearly(&t.source, Some(41.0), h1(), d("2026-02-10")).unwrap();
    assert_eq!(y.covers, "41 ngày");
    assert!(close(Some(y.per_year), 365.0));
    // A whole year, or not a yearly rate: nothing to add.
    let year = Period::new(d("2026-01-01"), d("2026-12-31"));
    assert_eq!(yearly(&t.source, Some(1.0), year, d("2026-12-31")), None);
    let t3 = target(3, "neonatal_mortality", Comparator::Below, 2.9);
    assert_eq!(yearly(&t3.source, Some(1.0), h1(), d("2026-06-30")), None);
}

/// Every target's page says how its figure is computed, from the rule the engine runs: target
/// 9's names its doses (no birth dose), 10's the 12 diseases and the grace, 21's the cohort.
#[test]
fn definitions_are_generated_from_the_rules() {
    let plan = crate::plan::Plan::from_toml(include_str!("../../../../plans/sinh-phinh-2026.toml"))
        .unwrap();
    let settings = Settings::default();
    for t in &plan.targets {
        let defs = definitions_vi(t, &settings, h1(), d("2026-06-30"));
        assert_eq!(defs.len(), 1 + usize::from(t.secondary.is_some()));
        for def in &defs {
            assert!(!def.numerator.is_empty(), "target {}", t.number);
            assert!(!def.period.is_empty(), "target {}", t.number);
        }
    }
    let def = |n: u16| definitions_vi(plan.target(n).unwrap(), &settings, h1(), d("2026-06-30"));
    let nine = def(9)[0].rule.clone().unwrap();
    assert!(
        nine.contains("Lao (BCG) mũi 1, Bại liệt uống (OPV) mũi 1"),
        "{nine}"
    );
    assert!(
        !nine.contains("DPT_VGB_HIB") && !nine.contains("VGB_SS"),
        "{nine}"
    );
    assert!(!nine.contains("VGB_SS"), "{nine}");
    let ten = &def(10)[0];
    let rule = ten.rule.clone().unwrap();
    assert!(
        rule.contains("viêm não Nhật Bản") && rule.contains("hơn 30 ngày"),
        "{rule}"
    );
    assert!(ten
        .left_out
        .iter()
        .any(|l| l.contains("không phải «đã tiêm đủ»")));
    let kinder = def(21)[0].rule.clone().unwrap();
    assert!(
        kinder.contains("Năm học 2025–2026: trẻ 5 tuổi là trẻ sinh năm 2020"),
        "{kinder}"
    );
    assert!(def(3)[0]
        .rule
        .clone()
        .unwrap()
        .contains("có phiếu sinh của trạm y tế hay"));
    assert!(def(16)[0].denominator.contains("chưa được đánh giá"));
    // A deployment's own schedule changes the page: its grace and its doses.
    let mut own = Settings::default();
    own.epi_schedule.overdue_after_days = 14;
    let ten = definitions_vi(plan.target(10).unwrap(), &own, h1(), d("2026-06-30"));
    assert!(ten[0].rule.clone().unwrap().contains("hơn 14 ngày"));
}

/// Target 9's result carries the birth-dose figure beside it (the health pages show it).
#[test]
fn target_9_carries_the_birth_dose_figure() {
    let children = vec![kid(81, "2026-02-01"), kid(82, "2026-03-01")];
    let health = HealthRecords {
        vaccinations: vec![vac(81, "VGB_SS", 1, "2026-02-01")],
        ..HealthRecords::default()
    };
    let r = run(
        &target(9, "fully_immunised_under1", Comparator::Above, 95.18),
        &children,
        &health,
    );
    assert_eq!(r.related.len(), 1);
    let b = &r.related[0];
    assert_eq!(b.indicator, "hepb_birth_dose");
    assert_eq!(b.figure.numerator, Some(1.0));
    assert_eq!(b.figure.denominator, Some(2.0));
    assert!(close(b.figure.value, 50.0));
    assert!(b.figure.unstable);
}

// ---------------------------------------------------------------------------------------------
// Target 11: HIV mother-to-child transmission, counts only

#[test]
fn hiv_from_counts_within_the_period() {
    let h = |from: &str, to: &str, born: u32, infected: u32| HivFollowUp {
        period_start: d(from),
        period_end: d(to),
        infants_born_to_hiv_positive_mothers: born,
        infants_infected: infected,
    };
    let health = HealthRecords {
        hiv: vec![
            h("2026-01-01", "2026-03-31", 10, 0),
            h("2026-04-01", "2026-06-30", 5, 1),
            // Straddles the period start.
            h("2025-12-01", "2026-01-31", 3, 1),
            // After it: ignored without a note.
            h("2026-07-01", "2026-07-31", 3, 1),
        ],
        ..HealthRecords::default()
    };
    let t = target(11, "hiv_mother_to_child", Comparator::AtMost, 2.0);
    let r = run(&t, &[], &health);
    assert_eq!(r.figure.numerator, Some(1.0));
    assert_eq!(r.figure.denominator, Some(15.0));
    assert!(close(r.figure.value, 100.0 / 15.0));
    assert!(r.figure.numerator_ids.is_empty() && r.figure.denominator_ids.is_empty());
    assert!(r.breakdown.is_empty());
    assert!(r.figure.unstable);
    assert_eq!(r.status, TargetStatus::NotMet);
    assert!(r.note.unwrap().contains("1 số liệu theo dõi HIV"));

    let r = run(&t, &[], &EMPTY);
    assert_eq!(r.figure.value, None);
    assert_eq!(r.status, TargetStatus::NoData);
}

// ---------------------------------------------------------------------------------------------
// Names, units, the plan

#[test]
fn health_indicator_names_and_units() {
    for (name, unit) in [
        ("neonatal_mortality", Unit::PerMille),
        ("infant_mortality", Unit::PerMille),
        ("under5_mortality", Unit::PerMille),
        ("underweight_under5", Unit::Percent),
        ("stunting_under5", Unit::Percent),
        ("fully_immunised_under1", Unit::Percent),
        ("under5_schedule_complete", Unit::Percent),
        ("injury_rate", Unit::Per100000),
        ("injury_death_rate", Unit::Per100000),
        ("hiv_mother_to_child", Unit::Percent),
    ] {
        let i = RegisterIndicator::parse(name).unwrap();
        assert_eq!(i.as_str(), name);
        assert_eq!(i.unit(), unit, "{name}");
        assert!(i.is_health());
        assert!(!i.numerator_vi().is_empty() && !i.denominator_vi().is_empty());
    }
    assert!(!RegisterIndicator::KindergartenAge5.is_health());
}

/// The shipped plan: its health targets take their figures from the health records.
fn switched_plan() -> Plan {
    let p = Plan::from_toml(include_str!("../../../../plans/sinh-phinh-2026.toml")).unwrap();
    for n in [3, 4, 5, 6, 7, 9, 10, 11, 15] {
        assert!(
            matches!(
                p.target(n).unwrap().source,
                crate::plan::Source::Register { .. }
            ),
            "target {n}"
        );
    }
    p
}

#[test]
fn the_plan_accepts_the_health_indicators_and_checks_their_units() {
    let p = switched_plan();
    assert_eq!(validate_plan(&p), vec![]);
    let mut p2 = p.clone();
    for t in &mut p2.targets {
        if t.number == 3 {
            t.unit = Some(Unit::Percent);
        }
        if t.number == 15 {
            t.secondary.as_mut().unwrap().unit = Some(Unit::PerMille);
        }
    }
    let problems = validate_plan(&p2);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!(problems[0].place, Place::Target(3));
    assert_eq!(problems[0].field, "unit");
    assert!(problems[0].message.contains("per_mille"));
    assert_eq!(problems[1].place, Place::Target(15));
    assert_eq!(problems[1].field, "secondary.unit");
    assert!(problems[1].message.contains("per_100000"));
}

#[test]
fn compute_all_over_the_shipped_plan_with_health_targets() {
    let p = switched_plan();
    let (mut children, mut health) = mortality();
    let (c, h) = nutrition();
    children.extend(c);
    health.measurements = h.measurements;
    let (c, h) = injuries();
    children.extend(c);
    health.injuries = h.injuries;
    health.deaths.extend(h.deaths);
    let s = Schedule::default();
    children.push(kid(31, "2025-03-01"));
    health
        .vaccinations
        .extend(on_time(&s, 31, "2025-03-01", d("2026-06-30")));
    health.hiv.push(HivFollowUp {
        period_start: d("2026-01-01"),
        period_end: d("2026-06-30"),
        infants_born_to_hiv_positive_mothers: 4,
        infants_infected: 0,
    });
    let results = compute_all(&p, &snap(&children, &health));
    assert_eq!(results.len(), 28);
    let by = |n: u16| results.iter().find(|r| r.number == n).unwrap();
    for n in [3, 4, 5, 6, 7, 9, 10, 11, 15] {
        let r = by(n);
        assert!(r.figure.value.is_some(), "target {n}");
        assert_ne!(r.status, TargetStatus::NoData, "target {n}");
        if n != 11 {
            assert_breakdown_sums(r);
        }
    }
    assert_eq!(by(3).figure.numerator_ids, vec![1, 4]);
    assert_eq!(by(3).figure.denominator_ids, vec![1, 2, 3, 9, 10]);
    assert_eq!(by(6).figure.numerator_ids, vec![22]);
    // 27 (nutrition records) also turned 1 in the period, with no vaccination recorded.
    assert_eq!(by(9).figure.denominator_ids, vec![27, 31]);
    assert_eq!(by(9).figure.numerator_ids, vec![31]);
    assert_eq!(by(9).status, TargetStatus::NotMet);
    assert_eq!(by(11).status, TargetStatus::Met);
    assert!(close(by(11).figure.value, 0.0));
    let r15 = by(15);
    // 6 (mortality records) died in a traffic accident at 6: an injury death too.
    assert_eq!(r15.secondary.as_ref().unwrap().numerator_ids, vec![6, 56]);
    assert_eq!(r15.status, TargetStatus::NotMet);
    // The other targets are as before: register 13, 14, 19, 21 computed, the rest no data.
    for r in &results {
        if let Source::Reported | Source::Assessment = p.target(r.number).unwrap().source {
            assert_eq!(r.status, TargetStatus::NoData, "target {}", r.number);
        }
    }
    // A baseline-based health target: reduce by percent against last year's figure.
    let mut t = p.target(6).unwrap().clone();
    t.comparator = Comparator::ReduceByPercent;
    t.value = Some(10.0);
    t.baseline = Some(Baseline {
        year: 2025,
        value: Some(40.0),
    });
    let r = compute_target(&t, &snap(&children, &health));
    assert_eq!(r.status, TargetStatus::Met, "33,3 % ≤ 36 %");
}
