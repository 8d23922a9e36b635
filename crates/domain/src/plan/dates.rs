//! Dates in a plan file: native TOML local dates (`2026-06-01`) or strings (`"2026-06-01"`,
//! `"01/06/2026"`), always held as [`jiff::civil::Date`]. Serialised as `"YYYY-MM-DD"` strings
//! (so JSON stays plain); [`super::Plan::to_toml`] turns them back into native TOML dates.

use crate::date::Grammar;
use jiff::civil::Date;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserializer, Serializer};
use std::fmt;

/// A plan file's date: `YYYY-MM-DD` or `dd/mm/yyyy` (also `d/m/yyyy`), in the one grammar of
/// dates ([`Grammar::PLAN`]).
pub fn parse_date(s: &str) -> Option<Date> {
    Grammar::PLAN.read(s)
}

struct DateVisitor;

impl<'de> Visitor<'de> for DateVisitor {
    type Value = Date;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("một ngày dạng 2026-06-01 hoặc \"01/06/2026\"")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
        parse_date(v).ok_or_else(|| E::custom(format!("ngày không hợp lệ: {v:?}")))
    }

    // toml presents a native datetime as a one-entry map {"$__toml_private_datetime": "..."}.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Date, A::Error> {
        let Some((_, v)) = map.next_entry::<String, String>()? else {
            return Err(de::Error::custom("thiếu ngày"));
        };
        parse_date(&v).ok_or_else(|| {
            de::Error::custom(format!(
                "chỉ ghi ngày (không ghi giờ), dạng 2026-06-01; nhận được {v}"
            ))
        })
    }
}

pub mod date {
    use super::*;

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        d.deserialize_any(DateVisitor)
    }
}

pub mod opt_date {
    use super::*;

    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.collect_str(d),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        d.deserialize_any(DateVisitor).map(Some)
    }
}

/// Keys whose string values are dates; `to_toml` writes them as native TOML dates.
pub(crate) const DATE_KEYS: &[&str] = &["date", "due_before", "period_start", "period_end"];

/// Unquote `key = "YYYY-MM-DD"` lines for the date keys, so the written file uses TOML dates.
pub(crate) fn unquote_dates(toml: &str) -> String {
    let mut out = String::with_capacity(toml.len());
    for line in toml.lines() {
        out.push_str(&unquote_line(line).unwrap_or_else(|| line.to_string()));
        out.push('\n');
    }
    out
}

fn unquote_line(line: &str) -> Option<String> {
    let (key, value) = line.split_once(" = ")?;
    let k = key.trim();
    if !DATE_KEYS.contains(&k) {
        return None;
    }
    let inner = value.strip_prefix('"')?.strip_suffix('"')?;
    let ok = inner.len() == 10 && inner.parse::<Date>().is_ok();
    ok.then(|| format!("{key} = {inner}"))
}
