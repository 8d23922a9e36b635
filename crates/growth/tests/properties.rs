//! Property tests: monotonicity in weight, continuity across ±3 SD, and no
//! panic on any input.

use growth::batch;
use growth::{
    classify, classify_checked, curve, lms, round_who, zscore, zscores, zscores_raw, Indicator,
    Measure, Measurement, RawMeasurement, Sex,
};
use proptest::prelude::*;

fn sex() -> impl Strategy<Value = Sex> {
    prop_oneof![Just(Sex::Male), Just(Sex::Female)]
}

fn measure() -> impl Strategy<Value = Option<Measure>> {
    prop_oneof![
        Just(None),
        Just(Some(Measure::Lying)),
        Just(Some(Measure::Standing))
    ]
}

fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        prop::num::f64::ANY,
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(0.0),
        Just(-0.0),
        Just(f64::MIN_POSITIVE),
        Just(f64::MAX),
        -1e3..1e3f64,
    ]
}

/// A weight-based indicator with a valid x for it.
fn weight_indicator_at() -> impl Strategy<Value = (Indicator, f64)> {
    prop_oneof![
        (0u32..=1826).prop_map(|d| (Indicator::Wfa, d as f64)),
        (0u32..=1826).prop_map(|d| (Indicator::BmiForAge, d as f64)),
        (45.0..=110.0f64).prop_map(|l| (Indicator::Wfl, l)),
        (65.0..=120.0f64).prop_map(|h| (Indicator::Wfh, h)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// For a fixed age or length, z increases with the weight (or BMI).
    #[test]
    fn z_increases_with_weight(
        sex in sex(),
        (indicator, x) in weight_indicator_at(),
        y1 in 0.3..80.0f64,
        ratio in 1.0..3.0f64,
    ) {
        let y2 = y1 * ratio;
        let z1 = zscore(indicator, sex, x, y1).unwrap().z;
        let z2 = zscore(indicator, sex, x, y2).unwrap().z;
        prop_assert!(z1 <= z2, "{indicator} at {x}: z({y1}) = {z1} > z({y2}) = {z2}");
        if y2 - y1 > 1e-9 * y1 {
            prop_assert!(z1 < z2, "{indicator} at {x}: z({y1}) = {z1}, z({y2}) = {z2}");
        }
    }

    /// The same through `zscores`: with age, length and position fixed, WFA,
    /// WFL/H and BMI-for-age never decrease when the weight goes up.
    #[test]
    fn all_weight_z_increase_with_weight(
        sex in sex(),
        age_days in 0u32..=1826,
        lenhei in 40.0..125.0f64,
        measure in measure(),
        w1 in 0.5..40.0f64,
        dw in 0.0..20.0f64,
    ) {
        let m = |w| Measurement { sex, age_days, weight_kg: Some(w), lenhei_cm: Some(lenhei), measure };
        let a = zscores(&m(w1)).unwrap();
        let b = zscores(&m(w1 + dw)).unwrap();
        for (x, y) in [(a.wfa, b.wfa), (a.wflh, b.wflh), (a.bmi_for_age, b.bmi_for_age)] {
            prop_assert_eq!(x.is_some(), y.is_some());
            if let (Some(x), Some(y)) = (x, y) {
                prop_assert!(x <= y, "{} > {}", x, y);
            }
        }
        prop_assert_eq!(a.lhfa, b.lhfa);
        prop_assert_eq!(a.wflh_table, b.wflh_table);
    }

    /// Across +3 SD and −3 SD the restricted z is continuous: just below and
    /// just above the 3 SD weight the z-scores differ by a tiny amount.
    #[test]
    fn continuous_across_three_sd(
        sex in sex(),
        (indicator, x) in weight_indicator_at(),
        k in prop_oneof![Just(3.0f64), Just(-3.0f64)],
        eps in 1e-12..1e-8f64,
    ) {
        let p = lms(indicator, sex, x).unwrap();
        let y3 = p.sd(k);
        let below = zscore(indicator, sex, x, y3 * (1.0 - eps)).unwrap().z;
        let above = zscore(indicator, sex, x, y3 * (1.0 + eps)).unwrap().z;
        prop_assert!(below < above);
        prop_assert!(above - below < 1e-6, "jump {} at {}", above - below, k);
        prop_assert!((below - k).abs() < 1e-6 && (above - k).abs() < 1e-6);
        // The plain and restricted z coincide inside ±3 and part beyond.
        let inside = zscore(indicator, sex, x, p.sd(k * 0.999)).unwrap();
        prop_assert!((inside.z - inside.plain).abs() < 1e-12);
    }

    /// The restricted curve is the inverse of the restricted z-score.
    #[test]
    fn value_at_inverts_z(
        sex in sex(),
        (indicator, x) in weight_indicator_at(),
        z in -8.0..8.0f64,
    ) {
        let p = lms(indicator, sex, x).unwrap();
        let y = p.value_at_restricted(z);
        prop_assume!(y > 0.0);
        let back = zscore(indicator, sex, x, y).unwrap().z;
        prop_assert!((back - z).abs() < 1e-9, "{z} -> {y} -> {back}");
    }

    /// No input makes `zscores` panic; invalid ones are errors.
    #[test]
    fn zscores_never_panics(
        sex in sex(),
        age_days in any::<u32>(),
        weight in prop::option::of(any_f64()),
        lenhei in prop::option::of(any_f64()),
        measure in measure(),
    ) {
        let m = Measurement { sex, age_days, weight_kg: weight, lenhei_cm: lenhei, measure };
        let bad = |v: Option<f64>| v.is_some_and(|v| !v.is_finite() || v <= 0.0);
        match zscores(&m) {
            Ok(z) => {
                prop_assert!(age_days <= 1826 && !bad(weight) && !bad(lenhei));
                for v in [z.clenhei_cm, z.bmi, z.lhfa, z.wfa, z.wflh, z.bmi_for_age].into_iter().flatten() {
                    prop_assert!(v.is_finite());
                }
                prop_assert_eq!(z.wflh.is_some(), z.wflh_table.is_some());
            }
            Err(e) => {
                prop_assert!(age_days > 1826 || bad(weight) || bad(lenhei), "{}", e);
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }

    /// `zscores_raw` takes anything, with or without sex and age.
    #[test]
    fn zscores_raw_never_panics(
        sex in prop::option::of(sex()),
        age_days in prop::option::of(any::<u32>()),
        weight in prop::option::of(any_f64()),
        lenhei in prop::option::of(any_f64()),
        measure in measure(),
    ) {
        let z = zscores_raw(&RawMeasurement { sex, age_days, weight_kg: weight, lenhei_cm: lenhei, measure });
        for v in [z.clenhei_cm, z.bmi, z.lhfa, z.wfa, z.wflh, z.bmi_for_age].into_iter().flatten() {
            prop_assert!(v.is_finite());
        }
        let _ = (z.stunted(), z.underweight(), z.wasted(), z.lhfa_class());
    }

    /// Single-indicator functions, `lms`, `curve`, `classify` and `round_who`
    /// take anything.
    #[test]
    fn single_indicators_never_panic(
        sex in sex(),
        indicator in prop_oneof![
            Just(Indicator::Wfa), Just(Indicator::Lhfa), Just(Indicator::Wfl),
            Just(Indicator::Wfh), Just(Indicator::BmiForAge)
        ],
        x in any_f64(),
        y in any_f64(),
    ) {
        match zscore(indicator, sex, x, y) {
            Ok(z) => prop_assert!(z.z.is_finite() && z.plain.is_finite()),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
        let _ = lms(indicator, sex, x);
        let _ = classify(x);
        prop_assert_eq!(classify_checked(x).is_some(), x.is_finite());
        let r = round_who(x);
        prop_assert!(r.is_nan() == x.is_nan());
        if x.is_finite() && x.abs() < 1e12 {
            prop_assert!((r - x).abs() <= 0.005 + 1e-9 * x.abs());
        }
        for (_, v) in curve(indicator, sex, y) {
            prop_assert!(v.is_finite());
        }
    }

    /// The CSV batch returns an error or a result, never panics, whatever
    /// the cells hold.
    #[test]
    fn batch_never_panics(cells in prop::collection::vec(
        prop_oneof![
            Just(String::new()), Just("NA".to_string()), Just("M".to_string()),
            Just("F".to_string()), Just("L".to_string()), Just("H".to_string()),
            Just("NaN".to_string()), Just("-1".to_string()), Just("1e400".to_string()),
            (0u32..3000).prop_map(|d| d.to_string()),
            (0.0..150.0f64).prop_map(|v| format!("{v:.2}")),
            ".{0,6}",
        ],
        0..14,
    )) {
        let mut text = String::from("id,sex,age_days,weight_kg,lenhei_cm,measure\n");
        for row in cells.chunks(6) {
            text.push_str(&row.iter().map(|c| c.replace([',', '\n', '\r', '"'], "")).collect::<Vec<_>>().join(","));
            text.push('\n');
        }
        let mut out = Vec::new();
        let _ = batch::zscores_csv(text.as_bytes(), &mut out);
    }
}
