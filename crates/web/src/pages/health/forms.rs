//! The health pages' forms and queries, typed: each handler receives one of these, decoded
//! strictly by [`super::super::PageForm`] (which collects the decoded pairs into them).
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// A form of named text fields from the decoded pairs (the last of a repeated name wins;
/// names the form does not know are ignored).
fn from_pairs<T: DeserializeOwned + Default>(
    pairs: impl IntoIterator<Item = (String, String)>,
) -> T {
    let map: Map<String, Value> = pairs
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    serde_json::from_value(Value::Object(map)).unwrap_or_default()
}

macro_rules! collected_from_pairs {
    ($($t:ty),*) => {$(
        impl FromIterator<(String, String)> for $t {
            fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Self {
                from_pairs(pairs)
            }
        }
    )*};
}

collected_from_pairs!(BirthForm, ChildEventForm);

/// `GET /health/weighing?village=&date=&saved=&again=`.
#[derive(Debug, Default, Deserialize)]
pub struct WeighingQuery {
    #[serde(default)]
    pub village: String,
    pub date: Option<String>,
    /// The submission whose measurements were just saved (Post/Redirect/Get).
    pub saved: Option<String>,
    /// `1`: that submission had been saved before.
    pub again: Option<String>,
}

/// `GET /health/lists?village=&low_page=&unmeasured_page=` (pages of the growth lists, text as
/// sent: anything but a number is the first page).
#[derive(Debug, Default, Deserialize)]
pub struct ListsQuery {
    pub village: Option<String>,
    pub low_page: Option<String>,
    pub unmeasured_page: Option<String>,
}

/// One child's row of the weighing form: `w_ID`, `l_ID`, `m_ID`, `o_ID`, as typed.
#[derive(Debug, Clone, Default)]
pub struct RowInput {
    pub weight: String,
    pub length: String,
    /// `standing` or `lying`; absent when the form did not send it.
    pub measure: Option<String>,
    pub oedema: bool,
}

impl RowInput {
    pub fn is_empty(&self) -> bool {
        self.weight.trim().is_empty() && self.length.trim().is_empty()
    }
}

/// The weighing day's form: the village, the day, the submission id and each child's row.
#[derive(Debug, Default)]
pub struct WeighingForm {
    pub csrf: Option<String>,
    pub village: String,
    pub date: Option<String>,
    pub submission: Option<String>,
    pub rows: HashMap<i64, RowInput>,
}

impl FromIterator<(String, String)> for WeighingForm {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Self {
        let mut f = WeighingForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "_csrf" => f.csrf = Some(v),
                "village" => f.village = v,
                "date" => f.date = Some(v),
                "submission" => f.submission = Some(v),
                _ => {
                    let Some((input, id)) = k.split_once('_') else {
                        continue;
                    };
                    let Ok(id) = id.parse::<i64>() else { continue };
                    let row = f.rows.entry(id).or_default();
                    match input {
                        "w" => row.weight = v,
                        "l" => row.length = v,
                        "m" => row.measure = Some(v),
                        "o" => row.oedema = true,
                        _ => {}
                    }
                }
            }
        }
        f
    }
}

/// Sổ đẻ: the newborn and the birth, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct BirthForm {
    #[serde(rename = "_csrf")]
    pub csrf: Option<String>,
    pub full_name: String,
    pub sex: String,
    pub date_of_birth: String,
    pub village: String,
    pub ethnicity: String,
    pub mother: String,
    pub phone: String,
    pub place: String,
    pub time: String,
    pub weight_g: String,
}

/// A vaccination, an injury or a death from the child's page (`event` names which).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ChildEventForm {
    #[serde(rename = "_csrf")]
    pub csrf: Option<String>,
    pub event: String,
    pub date: String,
    pub vaccine: String,
    pub dose: String,
    pub injury_kind: String,
    pub severity: String,
    pub outcome: String,
    pub place: String,
    pub cause: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_weighing_form_reads_each_childs_row() {
        let f: WeighingForm = pairs(&[
            ("_csrf", "t"),
            ("village", "SP01"),
            ("w_12", "10,5"),
            ("l_12", "82"),
            ("m_12", "standing"),
            ("o_12", "1"),
            ("w_13", ""),
            ("w_x", "9"),
        ])
        .into_iter()
        .collect();
        assert_eq!((f.csrf.as_deref(), f.village.as_str()), (Some("t"), "SP01"));
        let r = &f.rows[&12];
        assert_eq!((r.weight.as_str(), r.length.as_str()), ("10,5", "82"));
        assert_eq!(r.measure.as_deref(), Some("standing"));
        assert!(r.oedema && !r.is_empty());
        assert!(f.rows[&13].is_empty());
        assert_eq!(f.rows.len(), 2);
    }

    #[test]
    fn named_forms_take_the_last_value_and_ignore_unknown_names() {
        let f: ChildEventForm = pairs(&[
            ("event", "death"),
            ("cause", "a"),
            ("cause", "illness"),
            ("x", "y"),
        ])
        .into_iter()
        .collect();
        assert_eq!((f.event.as_str(), f.cause.as_str()), ("death", "illness"));
        assert_eq!(f.csrf, None);
    }
}
