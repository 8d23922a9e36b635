//! The health station's sample records, each recorded on or after its date.
use super::{recorded_at, recorded_day, Draw};
use anyhow::Result;
use jiff::civil::Date;
use treem_storage::{Actor, Db, Register, Role};

/// Births, deaths, growth measurements and injuries as the health station would have
/// recorded them: stunting near 30 %, underweight near 15 % (sample values). Each is recorded
/// on or after its date: births within days, vaccinations mostly the same day (some typed up
/// later from the paper book), weighings within a week; those before the go-live day came in
/// with the import.
pub(super) async fn seed_health(db: &Db, seed: u64, today: Date) -> Result<()> {
    use treem_domain::register::Sex;
    let health = Actor {
        role: Role::Health,
        username: "health".into(),
        ..Actor::system()
    };
    let since = jiff::civil::date(2025, 1, 1);
    let year_start = jiff::civil::date(today.year(), 1, 1);
    let last_year = jiff::civil::date(today.year() - 1, 1, 1);
    // A slice of the register at a time, its events written before the next is read: a
    // million children's years of records are never in memory at once. The last slice's
    // events end with the HIV counts.
    let slices = super::slices(db).await?;
    let mut written = 0u64;
    for (k, ids) in slices.iter().enumerate() {
        let children = db
            .children_as_of_slice(&Actor::system(), today, *ids)
            .await?;
        let mut events = Vec::new();
        // The event, and the days after its date until it was recorded.
        let mut push =
            |kind: &str, child: Option<i64>, on: Date, json: serde_json::Value, late: u64| {
                events.push(((kind.to_string(), child, on, json), late));
            };
        for c in &children {
            let Some(dob) = c.data.date_of_birth else {
                continue;
            };
            let mut r = Draw::new(c.id as u64, seed);
            if dob >= since && c.data.dob_precision == treem_domain::register::DobPrecision::Day {
                let place = match r.next() % 10 {
                    0..=5 => "health_station",
                    6..=8 => "home",
                    _ => "hospital",
                };
                let weight = r.normal(2900.0, 420.0).clamp(1200.0, 4600.0).round() as u32;
                push(
                    "birth",
                    Some(c.id),
                    dob,
                    serde_json::json!({"weight_g": weight, "place": place, "live": true}),
                    r.next() % 4,
                );
            }
            if let Some(died) = c.data.died_on {
                let days = (died - dob).get_days();
                let cause = match (days < 28, r.next() % 10) {
                    (true, _) | (false, 0..=6) => "illness",
                    (false, 7) => "drowning",
                    (false, 8) => "fall",
                    _ => "traffic",
                };
                push(
                    "death",
                    Some(c.id),
                    died,
                    serde_json::json!({"cause": cause}),
                    1 + r.next() % 20,
                );
            }
            let sex = match c.data.sex {
                Sex::Male => Some(growth::Sex::Male),
                Sex::Female => Some(growth::Sex::Female),
                Sex::Unknown => None,
            };
            let age_days = (today - dob).get_days();
            if let (Some(sex), true) = (
                sex,
                (0..1826).contains(&age_days) && c.data.present_on(today),
            ) {
                // Each child keeps roughly its place on the curves between weighings.
                let (zl, zw) = (r.normal(-1.35, 1.05), r.normal(-1.0, 0.95));
                for k in 0..(1 + r.next() % 3) {
                    let on = year_start
                        .checked_add(jiff::Span::new().days((45 + 110 * k + r.next() % 40) as i64))
                        .unwrap_or(year_start);
                    if on > today || on <= dob {
                        continue;
                    }
                    if let Some(json) = weighing(c, sex, (dob, on), (zl, zw), &mut r) {
                        let late = r.next() % 8;
                        push("measurement", Some(c.id), on, json, late);
                    }
                }
            }
            // Vaccinations: each dose of the schedule due by today, given to most children a few
            // days to weeks after it falls due.
            if age_days < 6 * 366 {
                let schedule = treem_domain::health::Compiled::embedded();
                let diligent = r.unit() < 0.9;
                let mut given: Vec<treem_domain::health::Vaccination> = Vec::new();
                // The hepatitis B birth dose only counts in its first day, so it is never "due"
                // later: it is given at birth or not at all.
                if diligent {
                    let on = dob
                        .checked_add(jiff::Span::new().days((r.next() % 2) as i64))
                        .unwrap_or(dob);
                    if on <= today {
                        given.push(treem_domain::health::Vaccination {
                            child_id: c.id,
                            vaccine: "VGB_SS".into(),
                            dose: 1,
                            date: on,
                        });
                    }
                }
                for _round in 0..6 {
                    let due = schedule.due_list(dob, &schedule.given(&given), today);
                    let mut progressed = false;
                    for d in due {
                        if given
                            .iter()
                            .any(|g| g.vaccine == d.vaccine && g.dose == d.dose)
                        {
                            continue;
                        }
                        // Birth doses are given at the health station within a day; the rest later.
                        let delay = if d.due_on == dob {
                            if diligent {
                                r.next() % 2
                            } else {
                                2 + r.next() % 10
                            }
                        } else if diligent {
                            r.next() % 25
                        } else {
                            20 + r.next() % 120
                        };
                        let on = d
                            .due_on
                            .checked_add(jiff::Span::new().days(delay as i64))
                            .unwrap_or(d.due_on);
                        if on > today || (!diligent && r.unit() < 0.3) {
                            continue;
                        }
                        given.push(treem_domain::health::Vaccination {
                            child_id: c.id,
                            vaccine: d.vaccine.as_str().into(),
                            dose: d.dose,
                            date: on,
                        });
                        progressed = true;
                    }
                    if !progressed {
                        break;
                    }
                }
                for g in given {
                    // Mostly entered the day the dose is given; some typed up from the paper book
                    // days or weeks later.
                    let late = match r.next() % 20 {
                        0..=13 => 0,
                        14..=18 => 1 + r.next() % 14,
                        _ => 15 + r.next() % 45,
                    };
                    push(
                        "vaccination",
                        Some(c.id),
                        g.date,
                        serde_json::json!({"vaccine": g.vaccine, "dose": g.dose}),
                        late,
                    );
                }
            }
            if r.next().is_multiple_of(900) {
                let on = year_start
                    .checked_add(jiff::Span::new().days((r.next() % 300) as i64))
                    .unwrap_or(year_start)
                    .min(today);
                if on >= dob {
                    push("injury", Some(c.id), on, injury(&mut r), r.next() % 10);
                }
            }
            // Last year's weighings and injuries, for the year before's figures.
            let age_then = (jiff::civil::date(today.year() - 1, 7, 1) - dob).get_days();
            if let (Some(sex), true) = (
                sex,
                (0..1826).contains(&age_then) && c.data.present_on(last_year),
            ) {
                let (zl, zw) = (r.normal(-1.4, 1.05), r.normal(-1.05, 0.95));
                for k in 0..(1 + r.next() % 2) {
                    let on = last_year
                        .checked_add(jiff::Span::new().days((100 + 150 * k + r.next() % 40) as i64))
                        .unwrap_or(last_year);
                    if on <= dob || !c.data.present_on(on) {
                        continue;
                    }
                    if let Some(json) = weighing(c, sex, (dob, on), (zl, zw), &mut r) {
                        let late = r.next() % 8;
                        push("measurement", Some(c.id), on, json, late);
                    }
                }
            }
            if r.next().is_multiple_of(900) {
                let on = last_year
                    .checked_add(jiff::Span::new().days((r.next() % 360) as i64))
                    .unwrap_or(last_year);
                if on >= dob {
                    push("injury", Some(c.id), on, injury(&mut r), r.next() % 10);
                }
            }
        }
        if k + 1 == slices.len() {
            // HIV follow-up counts for each half year ended (and the current one so far), entered
            // after the half year.
            for (start, end) in [
                (last_year, jiff::civil::date(today.year() - 1, 6, 30)),
                (
                    jiff::civil::date(today.year() - 1, 7, 1),
                    jiff::civil::date(today.year() - 1, 12, 31),
                ),
                (year_start, jiff::civil::date(today.year(), 6, 30)),
            ] {
                push(
                    "hiv",
                    None,
                    today.min(end),
                    serde_json::json!({"period_start": start.to_string(), "period_end": end.to_string(), "infants_born_to_hiv_positive_mothers": 2, "infants_infected": 0}),
                    5 + (end.day() as u64 % 10),
                );
            }
        }
        // Written in the order they were recorded, as the station would have (within the
        // slice: the records of a later slice's children may be older).
        let mut dated: Vec<treem_storage::RecordedEvent> = events
            .into_iter()
            .map(|((kind, child, date, fields), late)| {
                let day = recorded_day(date, late, today);
                let event = typed_event(&kind, child, date, fields)?;
                written += 1;
                Ok((event, recorded_at(day, written - 1, today)))
            })
            .collect::<Result<_>>()?;
        dated.sort_by_key(|(_, at)| *at);
        for chunk in dated.chunks(treem_domain::limits::HEALTH_EVENTS_PER_BATCH) {
            db.add_health_events_recorded(&health, chunk).await?;
        }
    }
    Ok(())
}

/// A demo event as the domain's type: its fields with the child and the date.
fn typed_event(
    kind: &str,
    child: Option<i64>,
    date: jiff::civil::Date,
    mut fields: serde_json::Value,
) -> Result<treem_domain::health::Event> {
    use treem_domain::health::Event;
    fields["date"] = date.to_string().into();
    if let Some(c) = child {
        fields["child_id"] = c.into();
    }
    let f = fields;
    Ok(match kind {
        "birth" => Event::Birth(serde_json::from_value(f)?),
        "death" => Event::Death(serde_json::from_value(f)?),
        "vaccination" => Event::Vaccination(serde_json::from_value(f)?),
        "measurement" => Event::Measurement(serde_json::from_value(f)?),
        "injury" => Event::Injury(serde_json::from_value(f)?),
        _ => Event::Hiv {
            date,
            counts: serde_json::from_value(f)?,
        },
    })
}

/// A weighing's stored fields for a child `days` old who keeps near the z-scores `zl` (length)
/// and `zw` (weight); `None` outside the growth tables.
fn weighing(
    child: &treem_domain::register::Child,
    growth_sex: growth::Sex,
    (dob, on): (Date, Date),
    (zl, zw): (f64, f64),
    r: &mut Draw,
) -> Option<serde_json::Value> {
    let d = (on - dob).get_days() as f64;
    let length =
        growth::lms(growth::Indicator::Lhfa, growth_sex, d).map(|l| l.sd(zl + r.normal(0.0, 0.15)));
    let weight =
        growth::lms(growth::Indicator::Wfa, growth_sex, d).map(|l| l.sd(zw + r.normal(0.0, 0.2)));
    let (Ok(length), Ok(weight)) = (length, weight) else {
        return None;
    };
    let reading = treem_domain::health::Reading {
        weight_kg: Some((weight * 10.0).round() / 10.0),
        length_cm: Some((length * 10.0).round() / 10.0),
        measure: treem_domain::health::Measure::usual(dob, on),
        oedema: false,
    };
    let m = treem_domain::health::Measurement::assess(child.id, on, child.data.sex, dob, reading);
    serde_json::to_value(m).ok()
}

fn injury(r: &mut Draw) -> serde_json::Value {
    let kind = [
        "fall",
        "burn",
        "animal_bite",
        "traffic",
        "drowning",
        "poisoning",
        "other",
    ][(r.next() % 7) as usize];
    let severity = ["minor", "minor", "moderate", "severe"][(r.next() % 4) as usize];
    serde_json::json!({"kind": kind, "severity": severity, "outcome": "recovered"})
}
