//! When the sample commune's records were written: a register kept on paper until a go-live day,
//! imported then, and kept up since as a real commune's is — births entered days to weeks after
//! they happen, moves and deaths after the fact (some late), special circumstances once the
//! officer hears of them.
//!
//! [`versions`] turns a child as the register holds it today into the versions it went through,
//! each with the day it was recorded; every version holds what was known that day (later events
//! stripped). Deterministic in its arguments.
use super::rng::Rng;
use super::{date, days, ymd};
use jiff::civil::Date;
use treem_domain::register::ChildData;

/// The day the commune went live: the paper register was imported on 15 October two years
/// before `today`'s year (2024-10-15 for a demo made in 2026), a Tuesday.
pub fn go_live(today: Date) -> Date {
    ymd(today.year() as i32 - 2, 10, 15)
}

/// One version of a child's record and the day (in Vietnam) it was recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub day: Date,
    pub data: ChildData,
}

/// Days after an event until it reaches the register: mostly `usual`, one in ten `late`.
fn delay(r: &mut Rng, usual: (i32, i32), late: (i32, i32)) -> i32 {
    if r.chance(0.1) {
        r.range(late.0, late.1)
    } else {
        r.range(usual.0, usual.1)
    }
}

/// The day each of a child's facts reached the register.
struct Known {
    registered: Option<i32>,
    moved_out: Option<i32>,
    died: Option<i32>,
    /// Per circumstance: when it was recorded, and when its end was.
    circumstances: Vec<(i32, Option<i32>)>,
}

/// The child's versions, oldest first: the first on the day the commune first knew of the child
/// (the go-live day for everyone known by then), then one for each later day that brought news.
/// The delays are drawn from the child's own stream (its `index` in the generation, from 1);
/// `today` caps every day.
pub fn versions(c: &ChildData, seed: u64, index: u64, today: Date) -> Vec<Recorded> {
    let mut r = Rng::new(super::rng::key(seed, (1 << 40) | index));
    let (t, g) = (days(today), days(go_live(today)));
    // Nothing reaches the register before the go-live day (the paper register is imported then)
    // nor after today.
    let when = |d: i32, first: i32| d.max(first).clamp(g, t);
    let born = c.date_of_birth.map(days);
    // The commune learns of a birth when it is registered or when the village head reports it,
    // days to weeks after; of a child moving in when the family declares it.
    let first = match (c.moved_in.map(days), born) {
        (Some(m), _) => m + r.range(3, 30),
        (None, Some(b)) => {
            let reported = b + delay(&mut r, (7, 45), (46, 120));
            c.birth_registered_on
                .map_or(reported, |reg| days(reg).min(reported))
                .max(b)
        }
        (None, None) => g,
    };
    let first = first.clamp(g, t);
    let later = |d: Option<Date>, r: &mut Rng, usual, late| {
        d.map(|d| days(d) + delay(r, usual, late))
            .filter(|_| d.is_some_and(|d| days(d) > first))
    };
    let known = Known {
        // The officer enters a birth registration the day it is made or within days.
        registered: later(c.birth_registered_on, &mut r, (0, 3), (4, 20)).map(|d| when(d, first)),
        moved_out: later(c.moved_out, &mut r, (3, 45), (60, 200)).map(|d| when(d, first)),
        died: later(c.died_on, &mut r, (1, 30), (31, 150)).map(|d| when(d, first)),
        circumstances: c
            .circumstances
            .iter()
            .map(|x| {
                let from = when(days(x.from) + r.range(7, 60), first);
                let from = if days(x.from) <= first { first } else { from };
                let to = x.to.map(|to| {
                    if days(to) <= first {
                        first
                    } else {
                        when(days(to) + r.range(7, 60), from)
                    }
                });
                (from, to)
            })
            .collect(),
    };
    let mut news: Vec<i32> = [known.registered, known.moved_out, known.died]
        .into_iter()
        .flatten()
        .chain(
            known
                .circumstances
                .iter()
                .flat_map(|(from, to)| [Some(*from), *to])
                .flatten(),
        )
        .filter(|d| *d > first)
        .collect();
    news.push(first);
    news.sort_unstable();
    news.dedup();
    let mut out: Vec<Recorded> = Vec::with_capacity(news.len());
    for day in news {
        let data = as_known(c, &known, day);
        if out.last().is_some_and(|v| v.data == data) {
            continue;
        }
        out.push(Recorded {
            day: date(day),
            data,
        });
    }
    out
}

/// The record as it stood at the end of `day`: what had not reached the register yet left out.
fn as_known(c: &ChildData, k: &Known, day: i32) -> ChildData {
    let mut d = c.clone();
    let unknown = |at: Option<i32>| at.is_some_and(|a| a > day);
    if unknown(k.registered) {
        d.birth_registered_on = None;
        d.birth_registration_place = None;
        // The personal ID comes with the birth registration.
        d.personal_id = None;
    }
    if unknown(k.moved_out) {
        d.moved_out = None;
        d.notes = d.notes.and_then(|n| {
            let kept: Vec<&str> = n
                .split("; ")
                .filter(|part| !part.starts_with("Chuyển đi"))
                .collect();
            (!kept.is_empty()).then(|| kept.join("; "))
        });
    }
    if unknown(k.died) {
        d.died_on = None;
    }
    d.circumstances = c
        .circumstances
        .iter()
        .zip(&k.circumstances)
        .filter(|(_, (from, _))| *from <= day)
        .map(|(x, (_, to))| {
            let mut x = x.clone();
            if unknown(*to) {
                x.to = None;
            }
            x
        })
        .collect();
    // A disability is recorded with its circumstance (group d).
    if !d.circumstances.iter().any(|x| x.code == "d") {
        d.disability_type = None;
        d.disability_severity = None;
    }
    d
}
