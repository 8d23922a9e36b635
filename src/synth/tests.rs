use super::*;
use std::collections::HashSet;
use treem_domain::register::{ChildDraft, DobPrecision, Sex};

fn today() -> Date {
    ymd(2026, 11, 30)
}

/// The draft a form would send for this child. `From<&ChildData>` does not carry an estimated
/// age, so it is added here the way the form sends it.
fn draft_of(c: &ChildData, today: Date) -> ChildDraft {
    let mut d = ChildDraft::from(c);
    if c.dob_precision == DobPrecision::Estimated {
        let dob = c.date_of_birth.expect("estimated has a date");
        d.date_of_birth = None;
        d.estimated_age = Some(serde_json::json!(today.year() - dob.year()));
    }
    d
}

#[test]
fn day_numbers_round_trip() {
    for z in days(ymd(1990, 1, 1))..days(ymd(2031, 1, 1)) {
        assert_eq!(days(date(z)), z);
    }
    assert_eq!(days(ymd(1970, 1, 1)), 0);
    assert_eq!(date(days(ymd(2024, 2, 29)) + 1), ymd(2024, 3, 1));
}

#[test]
fn deterministic_and_independent_of_batch_size() {
    let a = generate(3000, 7, today());
    let b = generate(3000, 7, today());
    assert_eq!(a, b);
    let c = generate(3000, 8, today());
    assert_ne!(a.children, c.children);
    assert_eq!(a.children.len(), 3000);

    let mut households = Vec::new();
    let mut children = Vec::new();
    let mut batches = 0;
    generate_batches(3000, 7, today(), 250, &mut |batch| {
        batches += 1;
        assert!(batch
            .children
            .iter()
            .all(|(h, _)| *h < batch.households.len()));
        let offset = households.len();
        households.extend(batch.households);
        children.extend(batch.children.into_iter().map(|(h, c)| (h + offset, c)));
    });
    assert!(batches >= 12);
    assert_eq!(households, a.households);
    assert_eq!(children, a.children);
}

#[test]
fn every_child_passes_the_domains_validation() {
    for (seed, today) in [
        (1, today()),
        (2, ymd(2026, 1, 15)),
        (3, ymd(2026, 6, 30)),
        (4, ymd(2025, 3, 1)),
    ] {
        let sc = generate(20_000, seed, today);
        assert_eq!(sc.children.len(), 20_000);
        for h in &sc.households {
            h.validate().unwrap();
            for p in &h.poverty {
                assert!(p.from <= today && p.to.is_none_or(|t| t <= today));
            }
        }
        let codes: HashSet<_> = sc
            .households
            .iter()
            .filter_map(|h| h.code.clone())
            .collect();
        assert_eq!(codes.len(), sc.households.len(), "household codes unique");
        let mut per_household = vec![0; sc.households.len()];
        for (h, c) in &sc.children {
            per_household[*h] += 1;
            let hh = &sc.households[*h];
            assert_eq!(c.village, hh.village);
            assert!(c.household_id.is_none());
            assert!(c.caregivers.iter().any(|g| g.full_name == hh.head_name));
            let parsed = draft_of(c, today)
                .parse(today)
                .unwrap_or_else(|e| panic!("{}: {e:?}\n{c:#?}", c.full_name));
            assert_eq!(&parsed, c);
            for d in [
                c.date_of_birth,
                c.birth_registered_on,
                c.moved_in,
                c.moved_out,
                c.died_on,
            ]
            .into_iter()
            .flatten()
            {
                assert!(d <= today, "{d} after {today}: {c:#?}");
            }
            if let (Some(b), Some(r)) = (c.date_of_birth, c.birth_registered_on) {
                assert!(r >= b, "registered before the recorded birth: {c:#?}");
            }
            if let Some(b) = c.date_of_birth {
                assert!(
                    c.age_on(today).is_some_and(|a| (0..=17).contains(&a)),
                    "{c:#?}"
                );
                for x in &c.circumstances {
                    assert!(x.from >= b);
                }
            }
            assert_eq!(
                c.disability_type.is_some(),
                c.circumstances.iter().any(|x| x.code == "d")
            );
            if c.died_on.is_some() {
                assert!(c.moved_out.is_none());
            }
        }
        assert!(per_household.iter().all(|n| (1..=6).contains(n)));
    }
}

#[test]
fn personal_ids_and_cards_are_unique() {
    let mut ids = HashSet::new();
    let mut cards = HashSet::new();
    let mut n = 0;
    generate_batches(200_000, 11, today(), 20_000, &mut |b| {
        for (_, c) in b.children {
            n += 1;
            if let Some(p) = c.personal_id {
                assert!(ids.insert(p), "duplicate personal ID");
            }
            if let Some(card) = c.insurance_card {
                assert!(cards.insert(card[3..].to_string()), "duplicate card");
            }
        }
    });
    assert_eq!(n, 200_000);
    assert!(ids.len() > 160_000);
}

#[derive(Default, Debug)]
struct Stats {
    n: usize,
    present: usize,
    hmong: usize,
    dao: usize,
    thai: usize,
    kinh: usize,
    under5: usize,
    age0: usize,
    age17: usize,
    special: usize,
    special_by_code: std::collections::BTreeMap<String, usize>,
    disabled: usize,
    day: usize,
    month: usize,
    year: usize,
    estimated: usize,
    unknown: usize,
    dated: usize,
    with_id: usize,
    home_province: usize,
    under5_registered: usize,
    older: usize,
    older_registered: usize,
    under6: usize,
    under6_card: usize,
    with_alias_hmong: usize,
    moved_in: usize,
    moved_out: usize,
    died: usize,
    died_infant: usize,
    born_in_window: usize,
    age5: usize,
    age5_school: usize,
    age15_17: usize,
    age15_17_thpt: usize,
    households: usize,
    poor: usize,
    near_poor: usize,
    sex_unknown: usize,
}

fn stats(n: usize, seed: u64, today: Date) -> Stats {
    let sc = generate(n, seed, today);
    let mut s = Stats {
        n,
        households: sc.households.len(),
        ..Default::default()
    };
    for h in &sc.households {
        match h.poverty_on(today) {
            Some(PovertyStatus::Poor) => s.poor += 1,
            Some(PovertyStatus::NearPoor) => s.near_poor += 1,
            None => {}
        }
    }
    let window = ymd(today.year() as i32 - 1, 1, 1);
    for (_, c) in &sc.children {
        match c.ethnicity {
            Some(8) => s.hmong += 1,
            Some(9) => s.dao += 1,
            Some(3) => s.thai += 1,
            Some(1) => s.kinh += 1,
            _ => {}
        }
        if c.ethnicity == Some(8) && !c.aliases.is_empty() {
            s.with_alias_hmong += 1;
        }
        s.sex_unknown += usize::from(c.sex == Sex::Unknown);
        match c.dob_precision {
            DobPrecision::Day => s.day += 1,
            DobPrecision::Month => s.month += 1,
            DobPrecision::Year => s.year += 1,
            DobPrecision::Estimated => s.estimated += 1,
            DobPrecision::Unknown => s.unknown += 1,
        }
        if matches!(
            c.dob_precision,
            DobPrecision::Day | DobPrecision::Month | DobPrecision::Year
        ) {
            s.dated += 1;
            s.with_id += usize::from(c.personal_id.is_some());
        }
        if let Some(p) = &c.personal_id {
            s.home_province += usize::from(p.province() == "011");
        }
        s.moved_in += usize::from(c.moved_in.is_some());
        s.moved_out += usize::from(c.moved_out.is_some());
        s.disabled += usize::from(c.disability_type.is_some());
        if let Some(d) = c.died_on {
            s.died += 1;
            if c.age_on(d).is_some_and(|a| a < 1) {
                s.died_infant += 1;
            }
        }
        if c.date_of_birth.is_some_and(|d| d >= window) && c.dob_precision == DobPrecision::Day {
            s.born_in_window += 1;
        }
        let age = c.age_on(today);
        if let Some(a) = age {
            if a < 5 {
                s.under5 += 1;
                s.under5_registered += usize::from(c.birth_registered_on.is_some());
            } else {
                s.older += 1;
                s.older_registered += usize::from(c.birth_registered_on.is_some());
            }
            if a < 6 {
                s.under6 += 1;
                s.under6_card += usize::from(c.insurance_card.is_some());
            }
            s.age0 += usize::from(a == 0);
            s.age17 += usize::from(a == 17);
            let school_age =
                ctx_school_year(today) - c.date_of_birth.map_or(0, |d| d.year() as i32);
            if school_age == 5 && c.dob_precision == DobPrecision::Day {
                s.age5 += 1;
                s.age5_school += usize::from(c.school_level.as_deref() == Some("mau_giao"));
            }
            if (15..=17).contains(&a) {
                s.age15_17 += 1;
                s.age15_17_thpt += usize::from(c.school_level.as_deref() == Some("thpt"));
            }
        }
        if c.present_on(today) {
            s.present += 1;
            let active: Vec<_> = c
                .circumstances
                .iter()
                .filter(|x| x.active_on(today))
                .collect();
            if !active.is_empty() {
                s.special += 1;
            }
            for x in active {
                *s.special_by_code.entry(x.code.clone()).or_default() += 1;
            }
        }
    }
    s
}

fn ctx_school_year(today: Date) -> i32 {
    Ctx::new(0, today).school_year
}

fn pct(a: usize, b: usize) -> f64 {
    100.0 * a as f64 / b.max(1) as f64
}

#[test]
fn proportions_are_plausible() {
    let s = stats(100_000, 2026, today());
    let report = format!(
        "children {} in {} households ({:.2}/household); H'Mông {:.1}% Dao {:.1}% Thái {:.1}% Kinh {:.1}%\n\
         under-5 {:.1}%, age 0 {:.1}%, age 17 {:.1}%; sex unknown {}\n\
         special circumstances (active, present) {:.2}% {:?}; disability {:.2}%\n\
         dob day {:.1}% month {:.1}% year {:.1}% estimated {:.1}% unknown {:.2}%\n\
         personal ID {:.1}% of dated, home province {:.1}%; registered under-5 {:.1}% older {:.1}%; \
         card under-6 {:.1}%\n\
         H'Mông with aliases {:.1}%; moved in {:.2}% out {:.2}%; died {} (infants {}, born since window {} → {:.1}‰)\n\
         age 5 in mẫu giáo {:.1}%; 15-17 in THPT {:.1}%; poor {:.1}% near-poor {:.1}%",
        s.n,
        s.households,
        s.n as f64 / s.households as f64,
        pct(s.hmong, s.n),
        pct(s.dao, s.n),
        pct(s.thai, s.n),
        pct(s.kinh, s.n),
        pct(s.under5, s.under5 + s.older),
        pct(s.age0, s.under5 + s.older),
        pct(s.age17, s.under5 + s.older),
        s.sex_unknown,
        pct(s.special, s.present),
        s.special_by_code,
        pct(s.disabled, s.n),
        pct(s.day, s.n),
        pct(s.month, s.n),
        pct(s.year, s.n),
        pct(s.estimated, s.n),
        pct(s.unknown, s.n),
        pct(s.with_id, s.dated),
        pct(s.home_province, s.with_id),
        pct(s.under5_registered, s.under5),
        pct(s.older_registered, s.older),
        pct(s.under6_card, s.under6),
        pct(s.with_alias_hmong, s.hmong),
        pct(s.moved_in, s.n),
        pct(s.moved_out, s.n),
        s.died,
        s.died_infant,
        s.born_in_window,
        1000.0 * s.died_infant as f64 / s.born_in_window.max(1) as f64,
        pct(s.age5_school, s.age5),
        pct(s.age15_17_thpt, s.age15_17),
        pct(s.poor, s.households),
        pct(s.near_poor, s.households),
    );
    println!("{report}");
    let within = |x: f64, lo: f64, hi: f64, what: &str| {
        assert!(
            (lo..=hi).contains(&x),
            "{what} = {x:.2} not in {lo}..{hi}\n{report}"
        );
    };
    within(pct(s.hmong, s.n), 83.0, 87.0, "H'Mông share");
    within(
        pct(s.dao + s.thai + s.kinh, s.n),
        13.0,
        17.0,
        "other groups",
    );
    within(pct(s.special, s.present), 4.0, 5.2, "special circumstances");
    within(
        pct(s.under5, s.under5 + s.older),
        27.0,
        36.0,
        "under-5 share",
    );
    assert!(s.age0 > s.age17, "pyramid: more infants than 17-year-olds");
    within(pct(s.disabled, s.n), 1.2, 1.8, "disability");
    within(pct(s.day, s.n), 91.5, 95.0, "full dates");
    within(pct(s.with_id, s.dated), 80.0, 90.0, "personal IDs");
    within(pct(s.home_province, s.with_id), 93.0, 98.0, "home province");
    within(
        pct(s.under5_registered, s.under5),
        94.0,
        99.0,
        "under-5 registered",
    );
    within(
        pct(s.older_registered, s.older),
        97.5,
        100.0,
        "older registered",
    );
    within(
        pct(s.with_alias_hmong, s.hmong),
        25.0,
        35.0,
        "H'Mông aliases",
    );
    within(pct(s.poor, s.households), 40.0, 50.0, "poor households");
    within(
        pct(s.near_poor, s.households),
        12.0,
        18.0,
        "near-poor households",
    );
    within(
        1000.0 * s.died_infant as f64 / s.born_in_window as f64,
        12.0,
        35.0,
        "infant deaths per 1000 births",
    );
}

#[test]
fn default_size_commune_is_plausible() {
    let s = stats(5500, 2026, today());
    assert_eq!(s.n, 5500);
    assert!((1500..3000).contains(&s.households), "{}", s.households);
    assert!((3.0..6.5).contains(&pct(s.special, s.present)));
    assert!(s.died > 3 && s.died < 60, "{}", s.died);
}

#[test]
fn each_childs_versions_end_with_its_record_and_are_recorded_in_order() {
    let today = today();
    let go_live = go_live(today);
    let sc = generate(5000, 5, today);
    let (mut imported, mut later, mut births_after) = (0, 0, 0);
    for (i, (_, c)) in sc.children.iter().enumerate() {
        let v = versions(c, 5, i as u64 + 1, today);
        assert!(!v.is_empty());
        assert_eq!(
            &v.last().unwrap().data,
            c,
            "the newest version is the record"
        );
        for w in v.windows(2) {
            assert!(w[0].day < w[1].day, "{:?}", v);
        }
        for x in &v {
            assert!(x.day >= go_live && x.day <= today);
            // Each version is a record the forms would accept.
            let parsed = draft_of(&x.data, x.day).parse(x.day);
            assert!(parsed.is_ok(), "{parsed:?}\n{:#?}", x.data);
            if let Some(b) = x.data.date_of_birth {
                assert!(x.day >= b, "recorded before the birth");
            }
        }
        if v[0].day == go_live {
            imported += 1;
        } else if c.date_of_birth.is_some_and(|b| b > go_live) {
            births_after += 1;
        }
        later += v.len() - 1;
    }
    assert!(
        imported > 3000 && births_after > 300 && later > 100,
        "{imported} {births_after} {later}"
    );
}
