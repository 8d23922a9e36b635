//! Rules of WHO's algorithm, one by one, and the classification boundaries.

use growth::{
    choose_wflh_table, classify, classify_checked, corrected_lenhei, curve, lms, round_who, wfa,
    wfh, wfl, zscore, zscores, zscores_raw, Classification, GrowthError, Indicator, Lms, Measure,
    Measurement, RawMeasurement, Sex, WflhTable, ZScores,
};

#[test]
fn who_test_vector_boy_365_days_6kg() {
    let z = zscore(Indicator::Wfa, Sex::Male, 365.0, 6.0).unwrap();
    assert_eq!(round_who(z.plain), -4.28);
    assert_eq!(round_who(z.z), -4.14);
    let all = zscores(&Measurement {
        sex: Sex::Male,
        age_days: 365,
        weight_kg: Some(6.0),
        lenhei_cm: None,
        measure: None,
    })
    .unwrap();
    assert_eq!(all.wfa, Some(z.z));
    assert_eq!(all.underweight(), Some(true));
    assert_eq!(all.wfa_class(), Some(Classification::Severe));
    assert_eq!(all.lhfa, None);
}

#[test]
fn classification_boundaries() {
    use Classification::*;
    let cases = [
        (0.0, Normal),
        (-1.999, Normal),
        (-2.0, Normal),
        (-2.003, Normal), // rounds to −2.00
        (-2.004999, Normal),
        (-2.005001, Moderate), // rounds to −2.01
        (-2.01, Moderate),
        (-2.5, Moderate),
        (-3.0, Moderate),
        (-3.004, Moderate),
        (-3.005001, Severe),
        (-3.01, Severe),
        (-7.5, Severe),
        (4.0, Normal),
    ];
    for (z, want) in cases {
        assert_eq!(classify(z), want, "z = {z}");
    }
    assert_eq!(classify_checked(f64::NAN), None);
    assert_eq!(classify_checked(f64::NEG_INFINITY), None);
    assert_eq!(classify_checked(-2.5), Some(Moderate));
}

#[test]
fn stunting_and_flags_use_the_two_decimal_z() {
    let z = |lhfa: f64, flag: bool| ZScores {
        lhfa: Some(lhfa),
        flag_lhfa: flag,
        ..ZScores::default()
    };
    assert_eq!(z(-2.003, false).stunted(), Some(false));
    assert_eq!(z(-2.006, false).stunted(), Some(true));
    assert_eq!(z(-6.5, true).stunted(), None);
    assert_eq!(ZScores::default().stunted(), None);
    assert_eq!(ZScores::default().underweight(), None);

    // Flags at the limits: LHFA |z| > 6, WFA < −6 or > 5 (on the 2-decimal z).
    let boy = |age_days, weight_kg: Option<f64>, lenhei_cm: Option<f64>| {
        zscores(&Measurement {
            sex: Sex::Male,
            age_days,
            weight_kg,
            lenhei_cm,
            measure: Some(Measure::Lying),
        })
        .unwrap()
    };
    let p = lms(Indicator::Lhfa, Sex::Male, 100.0).unwrap();
    assert!(!boy(100, None, Some(p.sd(6.004))).flag_lhfa);
    assert!(boy(100, None, Some(p.sd(6.006))).flag_lhfa);
    assert!(!boy(100, None, Some(p.sd(-6.004))).flag_lhfa);
    assert!(boy(100, None, Some(p.sd(-6.006))).flag_lhfa);
    let w = lms(Indicator::Wfa, Sex::Male, 100.0).unwrap();
    assert!(!boy(100, Some(w.value_at_restricted(5.004)), None).flag_wfa);
    assert!(boy(100, Some(w.value_at_restricted(5.006)), None).flag_wfa);
    assert!(!boy(100, Some(w.value_at_restricted(-5.9)), None).flag_wfa);
    assert!(boy(100, Some(w.value_at_restricted(-6.006)), None).flag_wfa);
}

#[test]
fn length_height_correction() {
    use Measure::*;
    // Standing under 731 days: +0.7, but not before 9 months (day ≤ 273).
    assert_eq!(corrected_lenhei(Some(273), 60.0, Some(Standing)), 60.0);
    assert_eq!(
        corrected_lenhei(Some(274), 60.0, Some(Standing)),
        60.0 + 0.7
    );
    assert_eq!(
        corrected_lenhei(Some(730), 80.0, Some(Standing)),
        80.0 + 0.7
    );
    assert_eq!(corrected_lenhei(Some(731), 80.0, Some(Standing)), 80.0);
    // Lying from 731 days: −0.7.
    assert_eq!(corrected_lenhei(Some(730), 80.0, Some(Lying)), 80.0);
    assert_eq!(corrected_lenhei(Some(731), 80.0, Some(Lying)), 80.0 - 0.7);
    // Unknown position or age: unchanged.
    assert_eq!(corrected_lenhei(Some(900), 80.0, None), 80.0);
    assert_eq!(corrected_lenhei(None, 80.0, Some(Lying)), 80.0);
    assert_eq!(corrected_lenhei(None, 80.0, Some(Standing)), 80.0);
}

#[test]
fn wfl_or_wfh() {
    use Measure::*;
    assert_eq!(
        choose_wflh_table(Some(730), Some(100.0), Some(Standing)),
        Some(WflhTable::Wfl)
    );
    assert_eq!(
        choose_wflh_table(Some(731), Some(70.0), Some(Lying)),
        Some(WflhTable::Wfh)
    );
    assert_eq!(
        choose_wflh_table(None, Some(100.0), Some(Lying)),
        Some(WflhTable::Wfl)
    );
    assert_eq!(
        choose_wflh_table(None, Some(70.0), Some(Standing)),
        Some(WflhTable::Wfh)
    );
    assert_eq!(
        choose_wflh_table(None, Some(86.99), None),
        Some(WflhTable::Wfl)
    );
    assert_eq!(
        choose_wflh_table(None, Some(87.0), None),
        Some(WflhTable::Wfh)
    );
    assert_eq!(choose_wflh_table(None, None, None), None);

    // Outside the chosen table there is no z, and no fallback to the other.
    let z = zscores(&Measurement {
        sex: Sex::Female,
        age_days: 800,
        weight_kg: Some(6.0),
        lenhei_cm: Some(64.0),
        measure: Some(Measure::Standing),
    })
    .unwrap();
    assert_eq!((z.wflh, z.wflh_table), (None, None));
    assert!(z.lhfa.is_some() && z.wfa.is_some());
}

#[test]
fn interpolation_between_tenths() {
    // 70.05 cm is half-way between the 70.0 and 70.1 rows.
    let a = lms(Indicator::Wfl, Sex::Male, 70.0).unwrap();
    let b = lms(Indicator::Wfl, Sex::Male, 70.1).unwrap();
    let mid = lms(Indicator::Wfl, Sex::Male, 70.05).unwrap();
    assert!((mid.m - (a.m + b.m) / 2.0).abs() < 1e-9);
    assert!((mid.s - (a.s + b.s) / 2.0).abs() < 1e-9);
    // Table bounds are inclusive; beyond them is an error.
    assert!(wfl(Sex::Male, 45.0, 2.4).is_ok());
    assert!(wfl(Sex::Male, 110.0, 18.0).is_ok());
    assert!(matches!(
        wfl(Sex::Male, 110.01, 18.0),
        Err(GrowthError::LengthOutOfRange { .. })
    ));
    assert!(wfh(Sex::Female, 65.0, 7.0).is_ok());
    assert!(wfh(Sex::Female, 64.99, 7.0).is_err());
    assert!(wfh(Sex::Female, 120.0, 22.0).is_ok());
}

#[test]
fn checked_errors() {
    let m = |age_days, weight_kg, lenhei_cm| Measurement {
        sex: Sex::Female,
        age_days,
        weight_kg,
        lenhei_cm,
        measure: None,
    };
    assert!(matches!(
        zscores(&m(1827, Some(10.0), None)),
        Err(GrowthError::AgeOutOfRange { .. })
    ));
    assert!(zscores(&m(1826, Some(10.0), None)).is_ok());
    assert!(matches!(
        zscores(&m(100, Some(f64::NAN), None)),
        Err(GrowthError::InvalidWeight(_))
    ));
    assert!(matches!(
        zscores(&m(100, Some(0.0), None)),
        Err(GrowthError::InvalidWeight(_))
    ));
    assert!(matches!(
        zscores(&m(100, None, Some(-50.0))),
        Err(GrowthError::InvalidLength(_))
    ));
    assert!(matches!(
        zscores(&m(100, None, Some(f64::INFINITY))),
        Err(GrowthError::InvalidLength(_))
    ));
    assert!(wfa(Sex::Male, 5000, 10.0).is_err());
    assert!(zscore(Indicator::Wfa, Sex::Male, -1.0, 10.0).is_err());
    assert!(zscore(Indicator::Wfa, Sex::Male, f64::NAN, 10.0).is_err());
    // A fractional age is rounded half up, as WHO does.
    assert_eq!(
        zscore(Indicator::Wfa, Sex::Male, 364.5, 9.0).unwrap(),
        zscore(Indicator::Wfa, Sex::Male, 365.0, 9.0).unwrap()
    );
    assert!(zscore(Indicator::Wfa, Sex::Male, 1826.4, 9.0).is_ok());
    assert!(zscore(Indicator::Wfa, Sex::Male, 1826.5, 9.0).is_err());
    // Absurd but finite values give an error, not an infinite z.
    assert!(matches!(
        zscore(Indicator::Wfa, Sex::Male, 100.0, f64::MAX),
        Err(GrowthError::NotComputable { .. })
    ));
}

#[test]
fn raw_missing_inputs() {
    // No sex: nothing at all.
    let none = zscores_raw(&RawMeasurement {
        sex: None,
        age_days: Some(300),
        weight_kg: Some(8.0),
        lenhei_cm: Some(70.0),
        measure: Some(Measure::Lying),
    });
    assert_eq!(none, ZScores::default());
    // No age: WFL/H only; 60 months and more: no z-score.
    let base = RawMeasurement {
        sex: Some(Sex::Male),
        age_days: None,
        weight_kg: Some(8.0),
        lenhei_cm: Some(70.0),
        measure: None,
    };
    let z = zscores_raw(&base);
    assert!(z.wflh.is_some() && z.lhfa.is_none() && z.wfa.is_none() && z.bmi_for_age.is_none());
    let old = zscores_raw(&RawMeasurement {
        age_days: Some(1827),
        ..base
    });
    assert_eq!((old.wflh, old.wfa, old.lhfa), (None, None, None));
    assert!(old.clenhei_cm.is_some() && old.bmi.is_some());
    // A weight ≤ 0 counts as missing.
    let zero = zscores_raw(&RawMeasurement {
        weight_kg: Some(0.0),
        age_days: Some(300),
        ..base
    });
    assert!(zero.wfa.is_none() && zero.wflh.is_none() && zero.bmi.is_none() && zero.lhfa.is_some());
}

#[test]
fn curves_for_charts() {
    for sex in [Sex::Male, Sex::Female] {
        for indicator in [Indicator::Wfa, Indicator::Lhfa, Indicator::BmiForAge] {
            for sd in [-3.0, -2.0, 0.0, 2.0, 3.0] {
                let c = curve(indicator, sex, sd);
                assert_eq!(c.len(), 1827);
                assert_eq!((c[0].0, c[1826].0), (0.0, 1826.0));
                // A child on the line has exactly that z.
                for &(x, y) in c.iter().step_by(97) {
                    let z = zscore(indicator, sex, x, y).unwrap().z;
                    assert!((z - sd).abs() < 1e-9, "{indicator} {x} {y} {z}");
                }
            }
        }
        let wfl = curve(Indicator::Wfl, sex, 0.0);
        assert_eq!(wfl.len(), 651);
        assert_eq!((wfl[0].0, wfl[650].0), (45.0, 110.0));
        let wfh = curve(Indicator::Wfh, sex, -2.0);
        assert_eq!(wfh.len(), 551);
        assert_eq!((wfh[0].0, wfh[550].0), (65.0, 120.0));
        // Lines are ordered: −3 < −2 < 0 < 2 < 3 at every x.
        let lines: Vec<_> = [-3.0, -2.0, 0.0, 2.0, 3.0]
            .iter()
            .map(|&sd| curve(Indicator::Wfh, sex, sd))
            .collect();
        for w in lines.windows(2) {
            assert!(w[0].iter().zip(&w[1]).all(|(a, b)| a.0 == b.0 && a.1 < b.1));
        }
    }
    assert_eq!(curve(Indicator::Wfa, Sex::Male, 0.0)[0].1, 3.3464);
    assert!(curve(Indicator::Wfa, Sex::Male, f64::NAN).is_empty());
}

#[test]
fn lms_formula() {
    let p = Lms {
        l: 0.5,
        m: 10.0,
        s: 0.1,
    };
    assert_eq!(p.z(10.0), 0.0);
    assert!((p.z(p.sd(1.7)) - 1.7).abs() < 1e-12);
    assert!((p.z_restricted(p.value_at_restricted(4.2)) - 4.2).abs() < 1e-12);
    assert!((p.z_restricted(p.value_at_restricted(-4.2)) + 4.2).abs() < 1e-12);
}
