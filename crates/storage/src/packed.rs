//! Many rows read as a few texts: the database aggregates each column of a slice of rows into
//! one text (`group_concat` / `string_agg`), so that a million rows cross the driver as a few
//! hundred values, and the stored JSON is parsed straight into the domain's types.
use crate::db::Backend;
use crate::error::{StorageError, StorageResult};
use serde::de::value::{BorrowedStrDeserializer, I64Deserializer, StringDeserializer};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::borrow::Cow;
use std::fmt;

/// Separates JSON texts in an aggregate: a control character, which JSON text cannot contain
/// unescaped.
pub(crate) const RS: char = '\u{1e}';
/// Separates the fields of one entry inside a packed text (`health_pack.events`).
pub(crate) const US: char = '\u{1f}';
/// Separates packed texts (each with [`RS`] and [`US`] inside) in an aggregate.
pub(crate) const GS: char = '\u{1d}';

/// One column of a slice aggregated into a text, values separated by `sep` (`,` for numbers
/// and dates, [`RS`] for anything else), in `order` on PostgreSQL (SQLite feeds every aggregate
/// of a query the rows in the same order; PostgreSQL is told).
pub(crate) fn agg(backend: Backend, expr: &str, sep: char, order: &str) -> String {
    let sep_sql = match (backend, sep) {
        (_, ',') => "','".to_string(),
        (Backend::Sqlite, c) => format!("char({})", c as u32),
        (Backend::Postgres, c) => format!("chr({})", c as u32),
    };
    match backend {
        Backend::Sqlite => format!("group_concat({expr}, {sep_sql})"),
        Backend::Postgres => {
            format!("string_agg(CAST({expr} AS TEXT), {sep_sql} ORDER BY {order})")
        }
    }
}

/// The values of an aggregated column (none for an empty slice).
pub(crate) fn split(text: Option<&str>, sep: char) -> std::str::Split<'_, char> {
    let s = text.unwrap_or("");
    let mut it = s.split(sep);
    if s.is_empty() {
        // "".split(',') yields one empty value; an empty slice has none.
        it.next();
    }
    it
}

pub(crate) fn int(s: &str, what: &str) -> StorageResult<i64> {
    s.parse()
        .map_err(|_| StorageError::Corrupt(format!("{what}: «{s}» is not a number")))
}

/// The rest of a JSON text being read by a quick reader: values in the exact shape treem
/// writes them, or `None` to leave the text to the JSON parser.
pub(crate) struct Cursor<'a>(pub(crate) &'a str);

impl<'a> Cursor<'a> {
    /// Past the comma between two values.
    pub(crate) fn then(&mut self) -> Option<&mut Self> {
        self.0 = self.0.strip_prefix(',')?;
        Some(self)
    }

    pub(crate) fn null(&mut self) -> bool {
        match self.0.strip_prefix("null") {
            Some(rest) => {
                self.0 = rest;
                true
            }
            None => false,
        }
    }

    /// A string without escapes or control characters.
    pub(crate) fn str(&mut self) -> Option<&'a str> {
        let rest = self.0.strip_prefix('"')?;
        let end = rest.find(['"', '\\'])?;
        let (value, after) = rest.split_at(end);
        if !after.starts_with('"') || value.bytes().any(|b| b < 0x20) {
            return None;
        }
        self.0 = &after[1..];
        Some(value)
    }

    pub(crate) fn opt_str(&mut self) -> Option<Option<&'a str>> {
        if self.null() {
            return Some(None);
        }
        self.str().map(Some)
    }

    /// A string value read by `T`'s own `Deserialize` (enum names, dates).
    pub(crate) fn typed<T: Deserialize<'a>>(&mut self) -> Option<T> {
        let s = self.str()?;
        T::deserialize(BorrowedStrDeserializer::<serde::de::value::Error>::new(s)).ok()
    }

    pub(crate) fn opt_typed<T: Deserialize<'a>>(&mut self) -> Option<Option<T>> {
        if self.null() {
            return Some(None);
        }
        self.typed().map(Some)
    }

    /// A JSON integer 0–255 (no sign, fraction, exponent or leading zero).
    pub(crate) fn opt_u8(&mut self) -> Option<Option<u8>> {
        if self.null() {
            return Some(None);
        }
        let digits = self.0.bytes().take_while(u8::is_ascii_digit).count();
        let (n, rest) = self.0.split_at(digits);
        if n.is_empty() || (n.len() > 1 && n.starts_with('0')) {
            return None;
        }
        if rest.starts_with(['.', 'e', 'E']) {
            return None;
        }
        self.0 = rest;
        n.parse().ok().map(Some)
    }

    /// `[]`, or null (`Some(None)`): an empty list (circumstances, flags).
    pub(crate) fn empty_list<T>(&mut self) -> Option<Option<Vec<T>>> {
        if self.null() {
            return Some(None);
        }
        self.0 = self.0.strip_prefix("[]")?;
        Some(Some(Vec::new()))
    }

    /// Past `"name":`.
    pub(crate) fn key(&mut self, name: &str) -> Option<&mut Self> {
        let rest = self.0.strip_prefix('"')?.strip_prefix(name)?;
        self.0 = rest.strip_prefix("\":")?;
        Some(self)
    }

    /// `true` or `false`.
    pub(crate) fn bool(&mut self) -> Option<bool> {
        for (text, value) in [("true", true), ("false", false)] {
            if let Some(rest) = self.0.strip_prefix(text) {
                self.0 = rest;
                return Some(value);
            }
        }
        None
    }

    /// A JSON number, or null, as the JSON parser reads it into an `f64` (serde_json's
    /// `float_roundtrip`: the nearest `f64`, as Rust's own parser gives).
    pub(crate) fn opt_f64(&mut self) -> Option<Option<f64>> {
        if self.null() {
            return Some(None);
        }
        let b = self.0.as_bytes();
        let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
        let mut i = usize::from(b.first() == Some(&b'-'));
        let int = digits(i);
        if int == 0 || (int > 1 && b[i] == b'0') {
            return None;
        }
        i += int;
        if b.get(i) == Some(&b'.') {
            let frac = digits(i + 1);
            if frac == 0 {
                return None;
            }
            i += 1 + frac;
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let exp = digits(i);
            if exp == 0 {
                return None;
            }
            i += exp;
        }
        let (n, rest) = self.0.split_at(i);
        let v: f64 = n.parse().ok()?;
        // Out of range is the JSON parser's error to give.
        if !v.is_finite() {
            return None;
        }
        self.0 = rest;
        Some(Some(v))
    }
}

/// The next value of each column of one row; `None` when the columns are exhausted, an error
/// when they disagree in length.
pub(crate) fn next_row<'a, const N: usize>(
    cols: &mut [std::str::Split<'a, char>; N],
) -> StorageResult<Option<[&'a str; N]>> {
    let mut out = [""; N];
    let mut some = 0;
    for (o, c) in out.iter_mut().zip(cols.iter_mut()) {
        if let Some(v) = c.next() {
            *o = v;
            some += 1;
        }
    }
    match some {
        0 => Ok(None),
        n if n == N => Ok(Some(out)),
        _ => Err(StorageError::Corrupt(
            "aggregated columns of different lengths".into(),
        )),
    }
}

/// Parses the JSON `fields` as `T` with `child_id` and `date` set to the given values (they
/// replace any copy inside the fields), without building a JSON tree first.
pub(crate) fn with_child_and_date<'de, T: Deserialize<'de>>(
    fields: &'de str,
    child_id: i64,
    date: &'de str,
) -> serde_json::Result<T> {
    let mut de = serde_json::Deserializer::from_str(fields);
    let v = T::deserialize(WithIds {
        inner: &mut de,
        child_id,
        date,
    })?;
    de.end()?;
    Ok(v)
}

struct WithIds<'a, 'de> {
    inner: &'a mut serde_json::Deserializer<serde_json::de::StrRead<'de>>,
    child_id: i64,
    date: &'de str,
}

impl<'de> Deserializer<'de> for WithIds<'_, 'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.inner.deserialize_map(Wrap {
            visitor,
            child_id: self.child_id,
            date: self.date,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

struct Wrap<'de, V> {
    visitor: V,
    child_id: i64,
    date: &'de str,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<'de, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(Injected {
            map,
            child_id: self.child_id,
            date: self.date,
            stage: Stage::Fields,
        })
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Stage {
    Fields,
    ChildId,
    Date,
    Done,
}

struct Injected<'de, A> {
    map: A,
    child_id: i64,
    date: &'de str,
    stage: Stage,
}

/// A map key, borrowed from the text when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Injected<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        loop {
            match self.stage {
                Stage::Fields => match self.map.next_key::<Key<'de>>()? {
                    Some(Key(k)) if k == "child_id" || k == "date" => {
                        self.map.next_value::<IgnoredAny>()?;
                    }
                    Some(Key(Cow::Borrowed(k))) => {
                        return seed.deserialize(BorrowedStrDeserializer::new(k)).map(Some)
                    }
                    Some(Key(Cow::Owned(k))) => {
                        return seed.deserialize(StringDeserializer::new(k)).map(Some)
                    }
                    None => self.stage = Stage::ChildId,
                },
                Stage::ChildId => {
                    return seed
                        .deserialize(BorrowedStrDeserializer::new("child_id"))
                        .map(Some)
                }
                Stage::Date => {
                    return seed
                        .deserialize(BorrowedStrDeserializer::new("date"))
                        .map(Some)
                }
                Stage::Done => return Ok(None),
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.stage {
            Stage::Fields => self.map.next_value_seed(seed),
            Stage::ChildId => {
                self.stage = Stage::Date;
                seed.deserialize(I64Deserializer::new(self.child_id))
            }
            Stage::Date => {
                self.stage = Stage::Done;
                seed.deserialize(BorrowedStrDeserializer::new(self.date))
            }
            Stage::Done => Err(de::Error::custom("value asked for after the last field")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use treem_domain::health::{Measurement, Vaccination};

    #[test]
    fn child_and_date_replace_those_in_the_fields() {
        let v: Vaccination = with_child_and_date(
            r#"{"child_id": 9, "date": "2020-01-01", "dose": 2, "vaccine": "OPV", "kind": "x"}"#,
            5,
            "2026-03-01",
        )
        .unwrap();
        assert_eq!(v.child_id, 5);
        assert_eq!(v.date, jiff::civil::date(2026, 3, 1));
        assert_eq!((v.vaccine.as_str(), v.dose), ("OPV", 2));
        let m: Measurement = with_child_and_date(
            r#"{"flags":["a\"b"],"measure":"lying","we\u0069ght_kg":9.5}"#,
            7,
            "2026-02-01",
        )
        .unwrap();
        assert_eq!(m.weight_kg, Some(9.5));
        assert_eq!(m.flags, vec!["a\"b".to_string()]);
        assert!(with_child_and_date::<Vaccination>(r#"{"dose": 1}"#, 1, "2026-01-01").is_err());
        assert!(with_child_and_date::<Vaccination>("[1]", 1, "2026-01-01").is_err());
    }

    #[test]
    fn columns_split_into_rows() {
        let b = format!("x{RS}y");
        let mut cols = [split(Some("1,2"), ','), split(Some(&b), RS)];
        assert_eq!(next_row(&mut cols).unwrap(), Some(["1", "x"]));
        assert_eq!(next_row(&mut cols).unwrap(), Some(["2", "y"]));
        assert_eq!(next_row(&mut cols).unwrap(), None);
        let mut cols = [split(None, ',')];
        assert_eq!(next_row(&mut cols).unwrap(), None);
    }
}
