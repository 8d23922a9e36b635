//! Figures agencies enter (số liệu báo cáo): choosing the entry for a target and period, the
//! figure it gives, and the checks before it is stored.
use super::{rate, Figure, Period, ReportedValue};
use crate::plan::{format_date_vi, format_number_vi, Comparator, Source, Target, Unit};
use crate::validation::FieldErrors;

/// The entry for the target's first (or second) figure whose period is exactly `period`; of
/// several (corrections), the latest `entered_at`, and the later one in the slice on a tie.
pub(super) fn find(
    reported: &[ReportedValue],
    number: u16,
    secondary: bool,
    period: Period,
) -> Option<&ReportedValue> {
    reported
        .iter()
        .filter(|r| r.target == number && r.secondary == secondary && r.period() == period)
        .max_by(|a, b| a.entered_at.cmp(&b.entered_at))
}

/// The figure of an entry. Rates: numerator/denominator × scale when both are given (no value
/// when the denominator is 0), else the entered value. Counts and qualitative targets: the
/// numerator, else the value.
pub(super) fn figure(rv: &ReportedValue, unit: Option<Unit>) -> Figure {
    let value = match unit.and_then(Unit::scale) {
        Some(_) => match (rv.numerator, rv.denominator) {
            (Some(n), Some(d)) => rate(n, d, unit),
            _ => rv.value,
        },
        None => rv.numerator.or(rv.value),
    };
    Figure {
        numerator: rv.numerator,
        denominator: rv.denominator,
        value: value.filter(|v| v.is_finite()),
        last_entered: Some(rv.entered_at.clone()),
        ..Figure::default()
    }
}

/// How far an entered rate may be from numerator/denominator × scale: rounding to one decimal
/// place ("95,2%" for 95,18…).
const VALUE_TOLERANCE: f64 = 0.05 + 1e-9;

/// Checks an entry against its target before it is stored. Messages are Vietnamese and name
/// the field (`target`, `secondary`, `period_end`, `numerator`, `denominator`, `value`, `note`).
///
/// * the target must take entered figures (not register- or assessment-sourced), and the
///   second figure only exists for targets that state two;
/// * the period must not end before it starts;
/// * numbers must be finite and not negative; numerators and denominators whole numbers;
/// * rates (%, ‰, /100.000): numerator and denominator together, numerator ≤ denominator, a
///   value no larger than the scale (100 %) and consistent with numerator/denominator;
/// * counts: no denominator; qualitative targets: value 1 (đạt) or 0 (chưa đạt);
/// * something to report, and a note (nguồn số liệu).
pub fn validate_reported(rv: &ReportedValue, target: &Target) -> Result<(), FieldErrors> {
    let mut errs = FieldErrors::default();
    let n = target.number;
    crate::limits::check_chars(
        &mut errs,
        "note",
        "ghi chú",
        &rv.note,
        crate::limits::REPORTED_NOTE_CHARS,
    );
    crate::limits::check_date(&mut errs, "period_start", rv.period_start);
    crate::limits::check_date(&mut errs, "period_end", rv.period_end);
    if rv.target != n {
        errs.push(
            "target",
            format!(
                "số liệu này thuộc chỉ tiêu {}, không phải chỉ tiêu {n}",
                rv.target
            ),
        );
    }
    let (source, comparator, unit) = match (&target.secondary, rv.secondary) {
        (_, false) => (&target.source, target.comparator, target.unit),
        (Some(s), true) => (&s.source, s.comparator, s.unit),
        (None, true) => {
            errs.push(
                "secondary",
                format!("chỉ tiêu {n} chỉ có một số liệu, không có số liệu thứ hai"),
            );
            (&target.source, target.comparator, target.unit)
        }
    };
    match source {
        Source::Reported => {}
        Source::Register { .. } => errs.push(
            "target",
            format!(
                "chỉ tiêu {n} được tính tự động từ sổ theo dõi trẻ em, không nhập số liệu báo cáo"
            ),
        ),
        Source::Assessment => errs.push(
            "target",
            format!(
                "chỉ tiêu {n} lấy kết quả tự đánh giá xã phù hợp với trẻ em, không nhập số liệu \
                 báo cáo"
            ),
        ),
        Source::Cases { .. } => errs.push(
            "target",
            format!(
                "chỉ tiêu {n} được tính tự động từ hồ sơ trường hợp, không nhập số liệu báo cáo"
            ),
        ),
        Source::Records { .. } => errs.push(
            "target",
            format!(
                "chỉ tiêu {n} được tính tự động từ sổ công tác hỗ trợ, không nhập số liệu báo cáo"
            ),
        ),
        Source::Activities { .. } => errs.push(
            "target",
            format!("chỉ tiêu {n} được tính tự động từ các hoạt động, không nhập số liệu báo cáo"),
        ),
    }
    if rv.period_end < rv.period_start {
        errs.push(
            "period_end",
            format!(
                "ngày cuối kỳ {} trước ngày đầu kỳ {}",
                format_date_vi(rv.period_end),
                format_date_vi(rv.period_start)
            ),
        );
    }

    let mut good = |field: &str, label: &str, x: Option<f64>, whole: bool| -> Option<f64> {
        let x = x?;
        if !x.is_finite() {
            errs.push(field, format!("{label} phải là một số"));
            None
        } else if x < 0.0 {
            errs.push(
                field,
                format!("{label} không được âm ({})", format_number_vi(x)),
            );
            None
        } else if whole && x.fract() != 0.0 {
            errs.push(
                field,
                format!(
                    "{label} phải là số nguyên (số trẻ em, số trường hợp), không phải {}",
                    format_number_vi(x)
                ),
            );
            None
        } else {
            Some(x)
        }
    };
    let num = good("numerator", "tử số", rv.numerator, true);
    let den = good("denominator", "mẫu số", rv.denominator, true);
    let value = good("value", "giá trị", rv.value, false);
    let bad_value = rv.value.is_some() && value.is_none();
    let nothing = rv.numerator.is_none() && rv.denominator.is_none() && rv.value.is_none();

    if comparator == Comparator::Qualitative {
        if rv.numerator.is_some() || rv.denominator.is_some() {
            errs.push(
                "numerator",
                "chỉ tiêu định tính không có tử số, mẫu số; nhập giá trị 1 (đạt) hoặc 0 (chưa đạt)",
            );
        }
        match value {
            Some(v) if v != 0.0 && v != 1.0 => errs.push(
                "value",
                "chỉ tiêu định tính: nhập 1 (đạt) hoặc 0 (chưa đạt)",
            ),
            None if !bad_value => errs.push("value", "cần nhập kết quả: 1 (đạt) hoặc 0 (chưa đạt)"),
            _ => {}
        }
    } else {
        match unit.and_then(Unit::scale) {
            Some(scale) => {
                let sym = unit.map(Unit::symbol).unwrap_or("");
                match (rv.numerator, rv.denominator) {
                    (Some(_), None) => errs.push("denominator", "cần nhập mẫu số khi đã có tử số"),
                    (None, Some(_)) => errs.push("numerator", "cần nhập tử số khi đã có mẫu số"),
                    _ => {}
                }
                if let (Some(a), Some(b)) = (num, den) {
                    if a > b {
                        errs.push(
                            "numerator",
                            format!(
                                "tử số ({}) không được lớn hơn mẫu số ({})",
                                format_number_vi(a),
                                format_number_vi(b)
                            ),
                        );
                    }
                }
                if let Some(v) = value {
                    if v > scale {
                        errs.push(
                            "value",
                            format!(
                                "giá trị {}{sym} vượt quá {}{sym}",
                                format_number_vi(v),
                                format_number_vi(scale)
                            ),
                        );
                    } else if let (Some(a), Some(b)) = (num, den) {
                        if b > 0.0 && a <= b {
                            let c = a / b * scale;
                            if (v - c).abs() > VALUE_TOLERANCE {
                                errs.push(
                                    "value",
                                    format!(
                                        "giá trị {}{sym} không khớp với tử số/mẫu số (= {}{sym}); \
                                         để trống ô giá trị để hệ thống tự tính",
                                        format_number_vi(v),
                                        format_number_vi((c * 100.0).round() / 100.0)
                                    ),
                                );
                            }
                        }
                    }
                }
                if nothing {
                    errs.push("value", "cần nhập tử số và mẫu số, hoặc giá trị");
                }
            }
            None => {
                if rv.denominator.is_some() {
                    errs.push(
                        "denominator",
                        "chỉ tiêu là số lượng (số đếm), không có mẫu số",
                    );
                }
                if let (Some(a), Some(v)) = (num, value) {
                    if a != v {
                        errs.push(
                            "value",
                            format!(
                                "giá trị {} khác tử số {}; chỉ cần nhập một trong hai",
                                format_number_vi(v),
                                format_number_vi(a)
                            ),
                        );
                    }
                }
                if nothing {
                    errs.push("value", "cần nhập số lượng");
                }
            }
        }
    }
    if rv.note.trim().is_empty() {
        errs.push(
            "note",
            "cần ghi chú nguồn số liệu (ví dụ: sổ tiêm chủng của Trạm Y tế, báo cáo của trường)",
        );
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(errs)
    }
}
