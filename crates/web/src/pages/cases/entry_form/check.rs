//! Reading a typed form's text values into typed ones, collecting a Vietnamese message per
//! field.
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::BTreeMap;
use treem_domain::case::{EntryKind, RatedItem, Rating, STANDARD_ITEMS};
use treem_domain::validation::{date_out_of_range, parse_date, FieldErrors};

/// What is wrong with a form so far, by field.
#[derive(Default)]
pub struct Check {
    pub errors: FieldErrors,
}

impl Check {
    pub fn opt_date(&mut self, k: &str, s: &str) -> Option<jiff::civil::Date> {
        if s.is_empty() {
            return None;
        }
        let d = parse_date(s);
        if d.is_none() {
            let problem = date_out_of_range(s)
                .unwrap_or_else(|| format!("«{s}» không phải ngày (dd/mm/yyyy)"));
            self.errors.push(k, problem);
        }
        d
    }

    pub fn date(&mut self, k: &str, s: &str, what: &str) -> Option<jiff::civil::Date> {
        if s.is_empty() {
            self.errors.push(k, format!("thiếu {what}"));
            return None;
        }
        self.opt_date(k, s)
    }

    /// A date in field `k` and an hour ("HH:MM") in field `{k}_time`.
    pub fn datetime(
        &mut self,
        k: &str,
        day: &str,
        time: &str,
        what: &str,
    ) -> Option<jiff::civil::DateTime> {
        let day = self.date(k, day, what)?;
        match hour(time) {
            Some(t) => Some(day.to_datetime(t)),
            None => {
                let msg = if time.is_empty() {
                    format!("thiếu giờ ({what})")
                } else {
                    format!("«{time}» không phải giờ (HH:MM)")
                };
                self.errors.push(&format!("{k}_time"), msg);
                None
            }
        }
    }

    /// A choice whose value is the serde name of `T`; blank is `None`.
    pub fn opt_choice<T: DeserializeOwned>(&mut self, k: &str, s: &str) -> Option<T> {
        if s.is_empty() {
            return None;
        }
        match serde_json::from_value(serde_json::Value::String(s.to_string())) {
            Ok(v) => Some(v),
            Err(_) => {
                self.errors.push(k, format!("lựa chọn «{s}» không có"));
                None
            }
        }
    }

    pub fn choice<T: DeserializeOwned>(&mut self, k: &str, s: &str, what: &str) -> Option<T> {
        if s.is_empty() {
            self.errors.push(k, format!("chọn {what}"));
            return None;
        }
        self.opt_choice(k, s)
    }

    pub fn opt_number<T: std::str::FromStr>(&mut self, k: &str, s: &str) -> Option<T> {
        if s.is_empty() {
            return None;
        }
        let v = s.parse().ok();
        if v.is_none() {
            self.errors.push(k, format!("«{s}» không phải số"));
        }
        v
    }

    /// A number that must be given: `missing` when blank.
    pub fn number<T: std::str::FromStr>(&mut self, k: &str, s: &str, missing: &str) -> Option<T> {
        if s.is_empty() {
            self.errors.push(k, missing);
        }
        self.opt_number(k, s)
    }

    /// The entry, or every problem at once: what the form could not read, and what the
    /// domain's own checks of the entry find in the rest.
    pub fn done(mut self, kind: EntryKind) -> Result<EntryKind, FieldErrors> {
        if self.errors.is_empty() {
            Ok(kind)
        } else {
            self.errors.0.extend(kind.check_limits().0);
            self.errors.0.extend(kind.validate().0);
            Err(self.errors)
        }
    }
}

/// "HH:MM" (also "20h15", "20g"), as the hour of a date-time field.
fn hour(t: &str) -> Option<jiff::civil::Time> {
    let (h, m) = t.split_once([':', 'h', 'g'])?;
    let h: i8 = h.trim().parse().ok()?;
    let m: i8 = if m.trim().is_empty() {
        0
    } else {
        m.trim().parse().ok()?
    };
    jiff::civil::Time::new(h, m, 0, 0).ok()
}

/// Lines of a text area, blank ones dropped.
pub fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// A text that may be left blank.
pub fn some_text(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// Whether a checkbox was ticked.
pub fn ticked(values: &[String]) -> bool {
    values.iter().any(|v| v == "1" || v == "on")
}

/// The Cao / Trung bình / Thấp items of an assessment or review: the standard items
/// (`rating.<code>`), plus one written in (`rating_other_item`, `rating_other`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RatingsForm {
    #[serde(rename = "rating.muc_do_ton_hai")]
    harm: String,
    #[serde(rename = "rating.tiep_can_cua_nguoi_gay_ton_hai")]
    access: String,
    #[serde(rename = "rating.can_tro_trong_moi_truong_cham_soc")]
    obstacles: String,
    #[serde(rename = "rating.kha_nang_tu_bao_ve_phuc_hoi")]
    resilience: String,
    rating_other_item: String,
    rating_other: String,
}

impl RatingsForm {
    /// The rated items, in the order of [`STANDARD_ITEMS`], then the one written in.
    pub fn read(self, c: &mut Check) -> Vec<RatedItem> {
        let standard = [self.harm, self.access, self.obstacles, self.resilience];
        let mut out = Vec::new();
        for ((code, _), value) in STANDARD_ITEMS.iter().zip(standard) {
            if let Some(rating) = c.opt_choice::<Rating>(&format!("rating.{code}"), &value) {
                out.push(RatedItem {
                    item: code.to_string(),
                    rating,
                });
            }
        }
        match c.opt_choice::<Rating>("rating_other", &self.rating_other) {
            Some(rating) => out.push(RatedItem {
                item: self.rating_other_item,
                rating,
            }),
            None if !self.rating_other_item.is_empty() => c
                .errors
                .push("rating_other", "chọn mức Cao / Trung bình / Thấp"),
            None => {}
        }
        out
    }
}

/// Field errors as a map for the templates (the first message of each field).
pub fn by_field(e: &FieldErrors) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for x in &e.0 {
        m.entry(x.field.clone())
            .or_insert_with(|| x.message.clone());
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The four standard items are read by name: a test that fails if the domain's list
    /// changes without this form.
    #[test]
    fn the_form_names_every_standard_item() {
        let codes: Vec<&str> = STANDARD_ITEMS.iter().map(|(c, _)| *c).collect();
        assert_eq!(
            codes,
            [
                "muc_do_ton_hai",
                "tiep_can_cua_nguoi_gay_ton_hai",
                "can_tro_trong_moi_truong_cham_soc",
                "kha_nang_tu_bao_ve_phuc_hoi"
            ]
        );
    }
}
