//! A measurement's z-scores and findings in words (kết luận dinh dưỡng), as the child page, the
//! growth lists and print show them: which WHO indicator is low — nhẹ cân, thấp còi, gầy còm —
//! with its z-score (chỉ số Z), never an indicator's code.
use super::zscores::GrowthStatus;
use super::{Measurement, FLAG_LHFA, FLAG_WFA, FLAG_WFLH};
use crate::text::format_number_vi;

/// The three WHO 2006 indicators a weighing day computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GrowthIndicator {
    /// Cân nặng theo tuổi: low is nhẹ cân (underweight).
    WeightForAge,
    /// Chiều dài/chiều cao theo tuổi: low is thấp còi (stunted).
    LengthForAge,
    /// Cân nặng theo chiều dài/chiều cao: low is gầy còm (wasted).
    WeightForLength,
}

pub const GROWTH_INDICATORS: [GrowthIndicator; 3] = [
    GrowthIndicator::WeightForAge,
    GrowthIndicator::LengthForAge,
    GrowthIndicator::WeightForLength,
];

impl GrowthIndicator {
    /// The indicator's name: "cân nặng theo tuổi".
    pub fn title_vi(self) -> &'static str {
        match self {
            GrowthIndicator::WeightForAge => "cân nặng theo tuổi",
            GrowthIndicator::LengthForAge => "chiều dài/chiều cao theo tuổi",
            GrowthIndicator::WeightForLength => "cân nặng theo chiều dài/chiều cao",
        }
    }

    /// The indicator as a heading or a column's label: "Cân nặng theo tuổi".
    pub fn heading_vi(self) -> String {
        let t = self.title_vi();
        let mut c = t.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default()
    }

    /// The flag a measurement carries when its z on this indicator is implausible.
    fn flag(self) -> &'static str {
        match self {
            GrowthIndicator::WeightForAge => FLAG_WFA,
            GrowthIndicator::LengthForAge => FLAG_LHFA,
            GrowthIndicator::WeightForLength => FLAG_WFLH,
        }
    }

    /// What a z below −2 on it is called: "nhẹ cân", "thấp còi", "gầy còm".
    pub fn low_vi(self) -> &'static str {
        match self {
            GrowthIndicator::WeightForAge => "nhẹ cân",
            GrowthIndicator::LengthForAge => "thấp còi",
            GrowthIndicator::WeightForLength => "gầy còm",
        }
    }

    /// The measurement's usable z on this indicator.
    pub fn z(self, m: &Measurement) -> Option<f64> {
        match self {
            GrowthIndicator::WeightForAge => m.wfa(),
            GrowthIndicator::LengthForAge => m.lhfa(),
            GrowthIndicator::WeightForLength => m.wflh(),
        }
    }

    /// Whether the measurement is low on this indicator (z < −2, the nutrition rule).
    pub fn is_low(self, m: &Measurement) -> bool {
        match self {
            GrowthIndicator::WeightForAge => m.underweight(),
            GrowthIndicator::LengthForAge => m.stunted(),
            GrowthIndicator::WeightForLength => m.wasted(),
        }
        .unwrap_or(false)
    }
}

/// One indicator on which a child is low.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Finding {
    pub indicator: GrowthIndicator,
    pub z: f64,
    /// z < −3: the severe form (thể nặng).
    pub severe: bool,
}

impl Finding {
    /// "thấp còi nặng (chiều dài/chiều cao theo tuổi, chỉ số Z −3,25)".
    pub fn text(&self) -> String {
        format!(
            "{}{} ({}, chỉ số Z {})",
            self.indicator.low_vi(),
            if self.severe { " nặng" } else { "" },
            self.indicator.title_vi(),
            z_vi(self.z)
        )
    }
}

/// A z-score as pages print it: two decimals, decimal comma, a true minus sign.
pub fn z_vi(z: f64) -> String {
    format_number_vi((z * 100.0).round() / 100.0).replace('-', "−")
}

impl GrowthStatus {
    /// The status in words.
    pub fn label_vi(self) -> &'static str {
        match self {
            GrowthStatus::Implausible => "số đo bất thường, cần cân đo lại",
            GrowthStatus::Severe => "suy dinh dưỡng nặng",
            GrowthStatus::Low => "suy dinh dưỡng",
            GrowthStatus::Normal => "không suy dinh dưỡng",
        }
    }
}

impl Measurement {
    /// The indicators on which the child is low (z < −2), in [`GROWTH_INDICATORS`] order.
    pub fn findings(&self) -> Vec<Finding> {
        GROWTH_INDICATORS
            .into_iter()
            .filter(|i| i.is_low(self))
            .filter_map(|i| {
                let z = i.z(self)?;
                Some(Finding {
                    indicator: i,
                    z,
                    severe: (z * 100.0).round() < -300.0,
                })
            })
            .collect()
    }

    /// Each indicator's z-score on a line of its own, as the weighing day shows a saved
    /// weighing: "Cân nặng theo tuổi: −1,2"; "—" with no usable z (with oedema, the
    /// weight-based ones); an implausible one says so instead of its number.
    pub fn z_lines_vi(&self) -> Vec<String> {
        let flags = self.implausible();
        GROWTH_INDICATORS
            .into_iter()
            .map(|i| {
                let value = if flags.contains(&i.flag()) {
                    "số đo bất thường, kiểm tra lại".to_string()
                } else {
                    i.z(self).map(z_vi).unwrap_or_else(|| "—".into())
                };
                format!("{}: {value}", i.heading_vi())
            })
            .collect()
    }

    /// Each indicator's z in words: "cân nặng theo tuổi: −1,20; …" (those with a usable z).
    pub fn z_scores_vi(&self) -> String {
        GROWTH_INDICATORS
            .into_iter()
            .filter_map(|i| i.z(self).map(|z| format!("{}: {}", i.title_vi(), z_vi(z))))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::super::Measure;
    use super::*;
    use jiff::civil::date;

    #[test]
    fn low_indicators_are_named_in_words_with_their_z() {
        let m = Measurement {
            child_id: 1,
            date: date(2026, 1, 1),
            weight_kg: Some(8.0),
            length_cm: Some(70.0),
            measure: Measure::Lying,
            oedema: false,
            z_wfa: Some(-2.5),
            z_lhfa: Some(-3.254),
            z_wflh: Some(-0.4),
            flags: vec![],
        };
        let f = m.findings();
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].text(), "nhẹ cân (cân nặng theo tuổi, chỉ số Z −2,5)");
        assert_eq!(
            f[1].text(),
            "thấp còi nặng (chiều dài/chiều cao theo tuổi, chỉ số Z −3,25)"
        );
        assert!(m
            .z_scores_vi()
            .contains("cân nặng theo chiều dài/chiều cao: −0,4"));
        assert_eq!(m.status().label_vi(), "suy dinh dưỡng nặng");
    }

    #[test]
    fn a_saved_weighing_reads_each_z_score_in_words_never_an_abbreviation() {
        let m = Measurement {
            child_id: 1,
            date: date(2026, 1, 1),
            weight_kg: Some(8.0),
            length_cm: Some(70.0),
            measure: Measure::Lying,
            oedema: false,
            z_wfa: Some(-1.234),
            z_lhfa: Some(-6.5),
            z_wflh: None,
            flags: vec![FLAG_LHFA.into()],
        };
        assert_eq!(
            m.z_lines_vi(),
            vec![
                "Cân nặng theo tuổi: −1,23".to_string(),
                "Chiều dài/chiều cao theo tuổi: số đo bất thường, kiểm tra lại".into(),
                "Cân nặng theo chiều dài/chiều cao: —".into(),
            ]
        );
    }
}
