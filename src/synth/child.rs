//! One child of the sample commune: identity, birth registration, personal ID, schooling,
//! disability and special circumstances, drawn from the family it belongs to.
use super::rng::{self, Rng};
use super::{
    age_years, date, days, names, village_code, ymd, Care, Ctx, Family, State, DESTINATIONS,
    ELSEWHERE, HOME_REGISTRATION, VILLAGES,
};
use jiff::civil::Date;
use treem_domain::circumstance::Circumstance;
use treem_domain::personal_id::PersonalId;
use treem_domain::register::{
    ChildData, DobPrecision, PovertyStatus, Sex, DISABILITY_SEVERITIES, DISABILITY_TYPES,
};

pub(super) fn child(
    ctx: &Ctx,
    st: &mut State,
    rng: &mut Rng,
    fam: &Family,
    dob: i32,
    index: u64,
    taken: &mut Vec<&'static str>,
) -> ChildData {
    let t = ctx.t;
    let true_dob = date(dob);
    let age = age_years(true_dob, ctx.today);
    let male = rng.chance(0.515);
    let sex = if rng.chance(0.0008) {
        Sex::Unknown
    } else if male {
        Sex::Male
    } else {
        Sex::Female
    };
    let name = names::child(rng, fam.eth, male, fam.surname, taken);
    taken.push(name.given);
    let aliases = names::aliases(rng, fam.eth, male, &name);

    // Death (mostly infants), decided first: the register keeps exact dates for them.
    let lived = t - dob;
    let died_on = if dob >= ctx.window {
        let p = 0.03 * (lived as f64 / 365.0).min(1.0);
        rng.chance(p).then(|| {
            let after = if rng.chance(0.35) {
                rng.range(0, 27)
            } else {
                rng.range(28, 364)
            };
            dob + after.min(lived)
        })
    } else {
        let p = if age < 5 { 0.004 } else { 0.0004 };
        rng.chance(p).then(|| rng.range(ctx.window.max(dob + 1), t))
    };

    // How precisely the date of birth is known.
    let precision = if age < 1 || died_on.is_some() {
        DobPrecision::Day
    } else {
        match rng.weighted(&[93.0, 3.0, 2.0, 1.85, 0.15]) {
            0 => DobPrecision::Day,
            1 => DobPrecision::Month,
            2 => DobPrecision::Year,
            3 => DobPrecision::Estimated,
            _ => DobPrecision::Unknown,
        }
    };
    let stored = match precision {
        DobPrecision::Day => Some(true_dob),
        DobPrecision::Month => Some(ymd(true_dob.year() as i32, true_dob.month(), 1)),
        DobPrecision::Year => Some(ymd(true_dob.year() as i32, 7, 1)),
        DobPrecision::Estimated => {
            let guess = (age + [-1, 0, 0, 0, 1][rng.below(5) as usize]).clamp(1, 17);
            Some(ymd(ctx.today.year() as i32 - guess, 7, 1))
        }
        DobPrecision::Unknown => None,
    };
    // A rounded date must not make a 17-year-old look 18.
    let (precision, stored) = match stored {
        Some(s) if age_years(s, ctx.today) > 17 => (DobPrecision::Day, Some(true_dob)),
        s => (precision, s),
    };
    // No recorded event may precede the recorded date of birth.
    let ev_min = stored.map_or(dob, |s| days(s).max(dob)).min(t);

    // Moves.
    let mut notes: Vec<String> = Vec::new();
    let mut origin: Option<(usize, usize)> = None;
    let moved_in = match fam.moved_in {
        Some((m, prov, place)) if m > ev_min => {
            origin = Some((prov, place));
            notes.push(format!(
                "Chuyển đến cùng gia đình từ {}",
                ELSEWHERE[prov].1[place].1
            ));
            Some(m)
        }
        _ if age >= 1 && rng.chance(0.002) => {
            let prov = rng.weighted(&[35.0, 45.0, 20.0]);
            let place = rng.below(ELSEWHERE[prov].1.len() as u64) as usize;
            origin = Some((prov, place));
            notes.push(format!(
                "Chuyển đến ở với người thân, trước ở {}",
                ELSEWHERE[prov].1[place].1
            ));
            Some(rng.range((ev_min + 1).max(ctx.window_in), t).min(t))
        }
        _ => None,
    };
    let born_elsewhere = origin.or_else(|| {
        rng.chance(0.045).then(|| {
            let prov = rng.weighted(&[35.0, 45.0, 20.0]);
            (prov, rng.below(ELSEWHERE[prov].1.len() as u64) as usize)
        })
    });
    let present_from = moved_in.unwrap_or(ev_min);
    let moved_out = if died_on.is_some() {
        None
    } else {
        match fam.moved_out {
            Some((o, dest)) if o > present_from => {
                notes.push(format!("Chuyển đi cùng gia đình đến {dest}"));
                Some(o)
            }
            _ if rng.chance(0.002) => {
                let dest = rng.pick(DESTINATIONS);
                notes.push(format!("Chuyển đi ở với người thân tại {dest}"));
                Some(rng.range((present_from + 1).max(ctx.window), t).min(t))
            }
            _ => None,
        }
    };
    let died_on = died_on.map(|d| d.max(present_from).min(t));

    // Birth registration and personal ID.
    let delay = match rng.weighted(&[92.0, 7.0, 1.0]) {
        0 => rng.range(2, 30),
        1 => rng.range(31, 240),
        _ => rng.range(241, 1100),
    };
    let skip = match precision {
        DobPrecision::Unknown => 1.0,
        DobPrecision::Estimated => 0.5,
        _ if age < 5 => 0.006,
        _ => 0.002,
    };
    let registered = (dob + delay <= t && !rng.chance(skip)).then(|| {
        let r = dob + delay;
        if r < ev_min {
            (ev_min + rng.range(0, 90)).min(t)
        } else {
            r
        }
    });
    let (place, prov) = match (registered, born_elsewhere) {
        (None, _) => (None, 0),
        (Some(r), Some((prov, place))) if moved_in.is_none_or(|m| r <= m) => {
            (Some(ELSEWHERE[prov].1[place].0.to_string()), prov)
        }
        (Some(_), _) => (Some(HOME_REGISTRATION.to_string()), 0),
    };
    let personal_id = (registered.is_some()
        && matches!(
            precision,
            DobPrecision::Day | DobPrecision::Month | DobPrecision::Year
        )
        && rng.chance(if true_dob.year() >= 2021 { 0.93 } else { 0.83 }))
    .then(|| personal_id(ctx, st, prov, male, true_dob.year() as i32));

    // Schooling, disability, special circumstances.
    let disability = if rng.chance(match age {
        0 => 0.002,
        1..=5 => 0.011,
        _ => 0.018,
    }) {
        let t_ = rng.weighted(&[30.0, 18.0, 10.0, 12.0, 20.0, 10.0]);
        let s_ = rng.weighted(&[45.0, 40.0, 15.0]);
        Some((DISABILITY_TYPES[t_].0, DISABILITY_SEVERITIES[s_].0))
    } else {
        None
    };
    let alive = died_on.is_none();
    let mut circumstances: Vec<Circumstance> = Vec::new();
    let mut circ = |code: &str, from: i32, to: Option<i32>| {
        let from = from.clamp(ev_min, t);
        circumstances.push(Circumstance {
            code: code.to_string(),
            from: date(from),
            to: to.map(|x| date(x.clamp(from, t))),
        });
    };
    if let Some(e) = fam.care_event {
        if alive {
            circ(if fam.care == Care::Orphaned { "a" } else { "c" }, e, None);
        }
    }
    if disability.is_some() {
        let from = if t - ev_min > 400 {
            rng.range(ev_min + 180, (ev_min + 4 * 365).min(t))
        } else {
            rng.range(ev_min, t)
        };
        circ("d", from, None);
    }
    if alive && rng.chance(0.0002) {
        circ("đ", rng.range(ev_min + 60, t), None);
    }
    // Dropped out of school to work (12-15).
    let mut dropped_out = false;
    if alive && (12..=15).contains(&age) {
        let p = if fam.poverty_now.is_some() {
            0.04
        } else {
            0.022
        };
        if rng.chance(p) {
            let from = rng.range((dob + 11 * 365).max(t - 3 * 365), t);
            let back = rng.chance(0.12) && t - from > 120;
            let to = back.then(|| rng.range(from + 90, t));
            dropped_out = !back;
            circ("h", from, to);
        }
    }
    for (code, min_age, p) in [("i", 6, 0.0007), ("k", 12, 0.0007), ("l", 8, 0.0006)] {
        if alive && age >= min_age && rng.chance(p) {
            let from = rng.range(ev_min.max(t - 3 * 365), t);
            let to = rng.chance(0.4).then(|| rng.range(from + 30, t));
            circ(code, from, to);
        }
    }
    if alive && fam.poverty_now.is_some() && rng.chance(0.022) {
        let since = fam
            .poverty
            .last()
            .map_or(ev_min, |p| days(p.from).max(ev_min));
        let from = rng.range(since.max(t - 4 * 365), t);
        let to = (rng.chance(0.12) && t - from > 200).then(|| rng.range(from + 180, t));
        circ("n", from, to);
    }

    let (school_level, school, grade) = school(ctx, rng, fam, true_dob, disability, dropped_out);

    // Health insurance: free cards for under-6s; poor, near-poor and pupils' cards for others.
    let insurance_card = if age < 6 {
        rng.chance(if registered.is_some() { 0.95 } else { 0.4 })
            .then_some("TE1")
    } else if rng.chance(0.8) {
        Some(match fam.poverty_now {
            Some(PovertyStatus::Poor) => "HN2",
            Some(PovertyStatus::NearPoor) => "CN3",
            None if school.is_some() => "HS4",
            None => "DT2",
        })
    } else {
        None
    }
    .map(|prefix| {
        format!(
            "{prefix}11{:010}",
            rng::permute(index, 100_000, ctx.card_key)
        )
    });

    if fam.care == Care::Grandparents {
        notes.push(
            if fam.caregivers.len() > 1 {
                "Bố mẹ đi làm ăn xa, ở với ông bà"
            } else {
                "Bố mẹ đi làm ăn xa, ở với bà"
            }
            .to_string(),
        );
    }

    ChildData {
        full_name: name.full,
        aliases,
        sex,
        date_of_birth: stored,
        dob_precision: precision,
        personal_id,
        ethnicity: (!rng.chance(0.003)).then(|| fam.eth.code()),
        village: village_code(fam.village),
        household_id: None,
        household_code: None,
        birth_registered_on: registered.map(date),
        birth_registration_place: place,
        insurance_card,
        school_level: school_level.map(str::to_string),
        school,
        grade,
        disability_type: disability.map(|d| d.0.to_string()),
        disability_severity: disability.map(|d| d.1.to_string()),
        caregivers: fam.caregivers.clone(),
        circumstances,
        moved_in: moved_in.map(date),
        moved_out: moved_out.map(date),
        died_on: died_on.map(date),
        notes: (!notes.is_empty()).then(|| notes.join("; ")),
    }
}

/// A personal ID `PPP G YY RRRRRR` whose random part is a keyed permutation of a per-bucket
/// counter, so two children never share one.
fn personal_id(ctx: &Ctx, st: &mut State, prov: usize, male: bool, year: i32) -> PersonalId {
    let yy = year.rem_euclid(100) as usize;
    let sex = usize::from(!male);
    let bucket = (prov * 2 + sex) * 100 + yy;
    let n = st.id_seq[bucket];
    st.id_seq[bucket] += 1;
    let r = rng::permute(
        u64::from(n) % 1_000_000,
        1000,
        ctx.id_key ^ ((bucket as u64) << 40),
    );
    let g = 2 * (year / 100 - 19) + sex as i32;
    let s = format!("{}{g}{yy:02}{r:06}", ELSEWHERE[prov].0);
    PersonalId::parse(&s).expect("12 digits")
}

type SchoolInfo = (Option<&'static str>, Option<String>, Option<String>);

fn school(
    ctx: &Ctx,
    rng: &mut Rng,
    fam: &Family,
    dob: Date,
    disability: Option<(&str, &str)>,
    dropped_out: bool,
) -> SchoolInfo {
    let a = ctx.school_year - dob.year() as i32;
    let area = VILLAGES[fam.village].area.name();
    let none = || (Some("none"), None, None);
    if a <= 0 {
        return (None, None, None);
    }
    let absent = match disability.map(|d| d.1) {
        Some("dac_biet_nang") => 0.7,
        Some("nang") => 0.3,
        _ => 0.0,
    };
    if a >= 3 && (dropped_out || rng.chance(absent)) {
        return none();
    }
    match a {
        1 | 2 => {
            if rng.chance(if a == 1 { 0.03 } else { 0.12 }) {
                let group = if a == 1 {
                    "Nhóm trẻ 13-24 tháng"
                } else {
                    "Nhóm trẻ 25-36 tháng"
                };
                (
                    Some("nha_tre"),
                    Some(format!("Trường Mầm non {area}")),
                    Some(group.to_string()),
                )
            } else {
                (None, None, None)
            }
        }
        3..=5 => {
            if rng.chance([0.72, 0.85, 0.93][(a - 3) as usize]) {
                (
                    Some("mau_giao"),
                    Some(format!("Trường Mầm non {area}")),
                    Some(format!("Lớp {a} tuổi")),
                )
            } else {
                none()
            }
        }
        6..=17 => {
            let attend = match a {
                6..=10 => 0.985,
                11 => 0.96,
                12 => 0.94,
                13 => 0.92,
                14 => 0.88,
                15 => 0.60,
                16 => 0.50,
                _ => 0.42,
            };
            if !rng.chance(attend) {
                return none();
            }
            let behind = i32::from(a >= 7 && rng.chance(0.06));
            let g = a - 5 - behind;
            let (level, school) = match g {
                1..=5 => ("tieu_hoc", format!("Trường PTDTBT Tiểu học {area}")),
                6..=9 => (
                    "thcs",
                    if rng.chance(0.05) {
                        "Trường PTDTNT THCS và THPT Tủa Chùa".to_string()
                    } else {
                        format!("Trường PTDTBT THCS {area}")
                    },
                ),
                _ => (
                    "thpt",
                    match rng.weighted(&[75.0, 12.0, 13.0]) {
                        0 => "Trường THPT Tủa Chùa",
                        1 => "Trường PTDTNT THCS và THPT Tủa Chùa",
                        _ => "Trung tâm GDNN-GDTX Tủa Chùa",
                    }
                    .to_string(),
                ),
            };
            (Some(level), Some(school), Some(format!("Lớp {g}")))
        }
        _ => none(),
    }
}
