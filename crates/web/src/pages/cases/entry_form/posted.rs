//! The pairs of a posted form: kept as they came to fill the form again, and decoded into a
//! typed request struct.
use serde::de::value::{Error as DeError, MapDeserializer, SeqDeserializer};
use serde::de::{DeserializeOwned, Deserializer, IntoDeserializer, Visitor};
use treem_domain::validation::FieldErrors;

/// A posted form: every value of every name, in order (what the form shows again).
#[derive(Debug, Default, Clone)]
pub struct Posted(pub Vec<(String, String)>);

impl Posted {
    /// The first value of `k`, trimmed; blank when absent.
    pub fn get(&self, k: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    }

    pub fn has(&self, k: &str, v: &str) -> bool {
        self.0.iter().any(|(n, x)| n == k && x == v)
    }

    pub fn set(&mut self, k: &str, v: impl Into<String>) {
        self.0.retain(|(n, _)| n != k);
        self.0.push((k.to_string(), v.into()));
    }

    /// Adds a value to `k` (a name with several values, as checkboxes post them).
    pub fn push(&mut self, k: &str, v: impl Into<String>) {
        self.0.push((k.to_string(), v.into()));
    }
}

/// The form as the typed request `T`: a field of type `Vec<String>` gets every non-blank value
/// of its name, any other field the first value, trimmed; names `T` does not know are left.
pub fn decode<T: DeserializeOwned>(f: &Posted) -> Result<T, FieldErrors> {
    let mut names: Vec<(String, Values)> = Vec::new();
    for (k, v) in &f.0 {
        let v = v.trim().to_string();
        match names.iter_mut().find(|(n, _)| n == k) {
            Some((_, vs)) => vs.0.push(v),
            None => names.push((k.clone(), Values(vec![v]))),
        }
    }
    T::deserialize(MapDeserializer::<_, DeError>::new(names.into_iter()))
        .map_err(|e| FieldErrors::single("entry", format!("không đọc được biểu mẫu: {e}")))
}

/// The values of one name.
struct Values(Vec<String>);

impl<'de> IntoDeserializer<'de, DeError> for Values {
    type Deserializer = Values;
    fn into_deserializer(self) -> Values {
        self
    }
}

impl<'de> Deserializer<'de> for Values {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        v.visit_string(self.0.into_iter().next().unwrap_or_default())
    }

    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let all = self.0.into_iter().filter(|s| !s.is_empty());
        SeqDeserializer::new(all).deserialize_seq(v)
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        v.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct tuple tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Default)]
    #[serde(default)]
    struct Sample {
        name: String,
        many: Vec<String>,
        #[serde(rename = "child.sex")]
        child_sex: String,
    }

    #[test]
    fn first_value_trimmed_and_every_value_of_a_list() {
        let f = Posted(
            [
                ("name", " A "),
                ("name", "B"),
                ("many", "x"),
                ("many", " "),
                ("many", "y"),
                ("child.sex", "female"),
                ("_csrf", "t"),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .to_vec(),
        );
        let s: Sample = decode(&f).unwrap();
        assert_eq!(s.name, "A");
        assert_eq!(s.many, ["x", "y"]);
        assert_eq!(s.child_sex, "female");
        let empty: Sample = decode(&Posted::default()).unwrap();
        assert!(empty.name.is_empty() && empty.many.is_empty());
    }
}
