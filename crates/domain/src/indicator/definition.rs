//! How each target's figure is computed, in plain Vietnamese, for the target's page: the
//! numerator, the denominator, the period, who is left out and why. Generated from what the
//! engine runs — the indicator's own texts, the settings (age limit, the immunisation
//! schedule's rules and diseases, the grace before a dose is overdue), the school year's cohort
//! ([`super::formulas::age5_cohort`]) — so that a change to a rule changes its page.
//!
//! Also the yearly rates (target 15, per 100.000 children): a figure counted over part of a
//! year says so, with the rate for a year beside it ([`yearly`]).
use super::formulas::{age5_cohort, RegisterIndicator};
use super::ActivityIndicator;
use super::{CaseIndicator, Period, Settings};
use crate::plan::{format_date_vi, format_number_vi, with_unit_vi, Source, Target, Unit};
use jiff::civil::Date;
use serde::Serialize;

/// One figure's definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Definition {
    /// "Con số thứ hai" for a target's second figure; empty for the first.
    pub figure: String,
    pub numerator: String,
    pub denominator: String,
    /// Which dates count.
    pub period: String,
    /// Who is left out, and why.
    pub left_out: Vec<String>,
    /// The rule in full when there is one beyond the two counts (the vaccines, the cohort).
    pub rule: Option<String>,
}

/// The definitions of the target's figure(s), for the figures as of `as_of` in `period`.
pub fn definitions_vi(
    t: &Target,
    settings: &Settings,
    period: Period,
    as_of: Date,
) -> Vec<Definition> {
    let mut out = vec![definition_vi(&t.source, settings, period, as_of)];
    if let Some(s) = &t.secondary {
        let mut d = definition_vi(&s.source, settings, period, as_of);
        d.figure = "Con số thứ hai".into();
        out.push(d);
    }
    out
}

fn span_vi(period: Period, as_of: Date) -> String {
    let upto = period.end.min(as_of);
    format!(
        "từ {} đến {}",
        format_date_vi(period.start),
        format_date_vi(upto)
    )
}

/// The definition of one figure from its source.
pub fn definition_vi(
    source: &Source,
    settings: &Settings,
    period: Period,
    as_of: Date,
) -> Definition {
    let on = format_date_vi(as_of);
    let span = span_vi(period, as_of);
    let blank = |numerator: String, denominator: String, period: String| Definition {
        figure: String::new(),
        numerator,
        denominator,
        period,
        left_out: Vec::new(),
        rule: None,
    };
    match source {
        Source::Register { indicator } => match RegisterIndicator::parse(indicator) {
            Ok(ind) => register_definition(ind, settings, period, as_of),
            Err(e) => blank(e.to_string(), String::new(), String::new()),
        },
        Source::Cases { indicator } => match CaseIndicator::parse(indicator) {
            Ok(CaseIndicator::AbusedWithIntervention) => Definition {
                numerator:
                    "Số trẻ em bị xâm hại (trong mẫu số) đã được can thiệp, hỗ trợ — có biện \
                            pháp khẩn cấp hoặc kế hoạch hỗ trợ, can thiệp được lãnh đạo xã phê \
                            duyệt — và đã ghi việc xử lý người vi phạm (chuyển công an, xử phạt \
                            hành chính, khởi tố, hoặc không xác định được người vi phạm), cả hai \
                            trước hết ngày cuối kỳ"
                        .into(),
                denominator: "Số trẻ em bị xâm hại có tin báo tiếp nhận trong kỳ (Mẫu 01): đánh \
                              giá ban đầu (Mẫu 02) xác định có hình thức xâm hại, hoặc tin báo \
                              trẻ bị xâm hại chưa được đánh giá"
                    .into(),
                period: format!("Tin báo tiếp nhận {span}; việc làm tính đến hết ngày cuối kỳ"),
                left_out: vec![
                    "Hồ sơ đánh giá ban đầu kết luận không có xâm hại, và tin báo trẻ có nguy cơ \
                     hay có hoàn cảnh đặc biệt chưa đánh giá: không phải trẻ bị xâm hại"
                        .into(),
                    "Một trẻ có trong sổ có nhiều hồ sơ trong kỳ chỉ tính một lần (hồ sơ đầu \
                     tiên), đã xong nếu một hồ sơ bất kỳ đã xong"
                        .into(),
                    "Hồ sơ chưa đánh giá không bị bỏ ra: được tính là chưa xong".into(),
                    "Hồ sơ bị hỏng (không mở được) không được tính; trang ghi rõ số hồ sơ bỏ ra"
                        .into(),
                ],
                ..blank(String::new(), String::new(), String::new())
            },
            Ok(CaseIndicator::PlansApprovedOnTime) => Definition {
                left_out: vec![
                    "Hạn phê duyệt chưa đến hoặc đang chạy vào ngày tính: chưa đúng hạn cũng chưa \
                     trễ"
                    .into(),
                ],
                ..blank(
                    "Số kế hoạch được phê duyệt đúng thời hạn của Nghị định 56/2017".into(),
                    "Số hạn phê duyệt kế hoạch rơi vào kỳ".into(),
                    format!("Hạn phê duyệt {span}"),
                )
            },
            Err(e) => blank(e, String::new(), String::new()),
        },
        Source::Records { indicator } => match super::RecordsIndicator::parse(indicator) {
            Ok(ind) => ind.definition(&span, settings.relief.within_days),
            Err(e) => blank(e, String::new(), String::new()),
        },
        Source::Activities { indicator } => match ActivityIndicator::parse(indicator) {
            Ok(ind) => blank(
                ind.numerator_vi().into(),
                ind.denominator_vi().into(),
                match ind {
                    ActivityIndicator::VillagesWithPlayPlace => {
                        format!("Danh bạ dịch vụ đến ngày {on}")
                    }
                    _ => format!(
                        "Diễn đàn, hỏi ý kiến, câu lạc bộ {span}; tuổi tính vào ngày {on}; mỗi trẻ chỉ tính một lần"
                    ),
                },
            ),
            Err(e) => blank(e, String::new(), String::new()),
        },
        Source::Reported => blank(
            "Tử số do cơ quan phụ trách báo cáo cho kỳ".into(),
            "Mẫu số do cơ quan phụ trách báo cáo cho kỳ (hoặc chỉ có giá trị khi cơ quan chỉ \
             biết tỷ lệ)"
                .into(),
            format!(
                "Kỳ báo cáo {} – {}: số liệu nhập đúng cho kỳ này, lần nhập sau cùng",
                format_date_vi(period.start),
                format_date_vi(period.end)
            ),
        ),
        Source::Assessment => blank(
            "Kết quả tự đánh giá xã phù hợp với trẻ em (Quyết định 06/QĐ-TTg): đạt hay chưa đạt, \
             hoặc điểm"
                .into(),
            String::new(),
            format!("Lần đánh giá mới nhất đến ngày {on}"),
        ),
    }
}

fn register_definition(
    ind: RegisterIndicator,
    settings: &Settings,
    period: Period,
    as_of: Date,
) -> Definition {
    use RegisterIndicator::*;
    let on = format_date_vi(as_of);
    let span = span_vi(period, as_of);
    let limit = settings.child_age_limit;
    let schedule = &settings.epi_schedule;
    let not_present = "Trẻ đã chuyển đi hoặc đã mất trước hay đúng ngày tính không còn được tính \
                       là đang sinh sống";
    let no_dob = "Trẻ chưa có ngày sinh trong sổ (và không có bản ghi sinh) không tính được tuổi \
                  nên không được tính";
    let unknown =
        "Bản ghi của trẻ không có trong sổ theo dõi trẻ em không được tính (trang ghi rõ \
                   số bản ghi bỏ ra)";
    let births_rule = "Trẻ đẻ sống trong kỳ là mọi trẻ trong sổ có ngày sinh trong kỳ — có phiếu \
                       sinh của trạm y tế hay do cán bộ đăng ký, nhập từ danh sách — mỗi trẻ tính \
                       một lần";
    let mut left_out: Vec<String> = Vec::new();
    let mut rule = None;
    let period_text = match ind {
        SpecialCircumstancesShare | BirthRegisteredUnder5 => {
            left_out.push(not_present.into());
            if ind == BirthRegisteredUnder5 {
                left_out.push(no_dob.into());
            } else {
                left_out.push(format!(
                    "Trẻ chưa có ngày sinh vẫn được tính khi đang sinh sống (để không bỏ sót trẻ \
                     có hoàn cảnh đặc biệt); trẻ từ {limit} tuổi trở lên không tính"
                ));
            }
            format!("Vào ngày {on}: trẻ đang sinh sống ngày đó, tuổi tròn năm vào ngày đó")
        }
        SpecialCircumstancesSupported => {
            left_out.push(not_present.into());
            format!(
                "Hoàn cảnh đặc biệt còn hiệu lực ngày {on}; lần trợ giúp trong kỳ báo cáo {} – {}",
                format_date_vi(period.start),
                format_date_vi(period.end)
            )
        }
        KindergartenAge5 => {
            let (start, born) = age5_cohort(as_of);
            left_out.push(not_present.into());
            left_out.push(no_dob.into());
            left_out.push(format!(
                "Trẻ 5 tuổi tính theo năm sinh của năm học như ngành giáo dục, không theo tuổi \
                 vào ngày tính: trẻ sinh năm {} đã đủ 5 tuổi nhưng thuộc năm học sau",
                born + 1
            ));
            rule = Some(format!(
                "Năm học {start}–{}: trẻ 5 tuổi là trẻ sinh năm {born} (năm bắt đầu năm học trừ \
                 5)",
                start + 1
            ));
            format!("Vào ngày {on} (năm học {start}–{})", start + 1)
        }
        NeonatalMortality | InfantMortality | Under5Mortality => {
            rule = Some(births_rule.into());
            left_out.push(
                "Tử vong không rõ ngày sinh (hoặc ngày mất trước ngày sinh): không tính được tuổi \
                 khi mất"
                    .into(),
            );
            left_out.push(unknown.into());
            format!(
                "Trẻ sinh và trẻ tử vong {span}; tử vong tính từ phiếu tử vong của trạm y tế và \
                 từ sổ trẻ em (mỗi trẻ một lần)"
            )
        }
        UnderweightUnder5 | StuntingUnder5 => {
            left_out.push(not_present.into());
            left_out.push(
                "Trẻ không được cân đo trong kỳ, hoặc số đo không tính được chỉ số Z (ngoài \
                 khoảng hợp lý): không có trong mẫu số"
                    .into(),
            );
            format!("Trẻ dưới 5 tuổi ngày {on}; lần cân đo cuối cùng {span}")
        }
        FullyImmunisedUnder1 => {
            let r = &schedule.fully_immunised_under1;
            rule = Some(format!(
                "{}: {} — các mũi {}, tiêm từ ngày sinh đến trước sinh nhật đầu tiên. Mũi viêm \
                 gan B sơ sinh trong 24 giờ là chỉ số riêng, không bắt buộc ở đây",
                r.name,
                r.diseases_vi(schedule),
                r.doses_vi(schedule)
            ));
            left_out.push(
                "Trẻ đã chuyển đi hoặc đã mất trước sinh nhật đầu tiên; trẻ chuyển đến sau sinh \
                 nhật đầu tiên"
                    .into(),
            );
            left_out.push(no_dob.into());
            format!("Trẻ tròn 1 tuổi {span}")
        }
        Under5ScheduleComplete => {
            let r = &schedule.complete_under5;
            let grace = schedule.overdue_after_days;
            rule = Some(format!(
                "{}: 12 bệnh — {} — các mũi {}; mỗi mũi bắt buộc khi đã quá hạn tiêm hơn {grace} \
                 ngày theo tuổi của trẻ (tiêm muộn vẫn được tính khi đã tiêm)",
                r.name,
                r.diseases_vi(schedule),
                r.doses_vi(schedule)
            ));
            left_out.push(not_present.into());
            left_out.push(no_dob.into());
            left_out.push(format!(
                "Trẻ chưa có mũi nào quá hạn (trẻ sơ sinh dưới khoảng {} ngày tuổi): chưa có gì \
                 bắt buộc nên không tính vào mẫu số, không phải «đã tiêm đủ»",
                grace + 1
            ));
            format!("Vào ngày {on}: các mũi tiêm đến ngày đó")
        }
        InjuryRate | InjuryDeathRate => {
            left_out.push(not_present.into());
            left_out.push(format!(
                "Trẻ từ {limit} tuổi trở lên vào ngày bị tai nạn, tử vong"
            ));
            left_out.push(unknown.into());
            format!(
                "Tai nạn, tử vong {span}; mẫu số là trẻ dưới {limit} tuổi đang sinh sống ngày \
                 {on}. Đây là tỷ suất năm: số liệu của một phần năm được ghi rõ số tháng và quy \
                 ra một năm"
            )
        }
        HivMotherToChild => {
            left_out.push(
                "Số liệu theo dõi HIV có kỳ không nằm trọn trong kỳ báo cáo (trang ghi rõ số bỏ \
                 ra)"
                .into(),
            );
            format!("Số liệu tổng hợp có kỳ nằm trọn {span}; không có tên trẻ")
        }
        HepBBirthDose => {
            rule = Some(births_rule.into());
            left_out.push(
                "Trẻ mới sinh còn trong thời gian tiêm (ngày sinh hoặc ngày hôm sau) mà chưa tiêm: \
                 chưa tính"
                    .into(),
            );
            format!("Trẻ sinh {span}")
        }
    };
    Definition {
        figure: String::new(),
        numerator: ind.numerator_vi().into(),
        denominator: ind.denominator_vi().into(),
        period: period_text,
        left_out,
        rule,
    }
}

/// A yearly rate counted over part of a year: the span it covers and the rate for a year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Yearly {
    /// "6 tháng", or "120 ngày" when the span is not whole months.
    pub covers: String,
    /// The rate scaled to 12 months (or 365 days).
    pub per_year: f64,
}

impl Yearly {
    /// "Số liệu 6 tháng (01/01/2026 – 30/06/2026); quy ra một năm: 109,6/100.000."
    pub fn text_vi(&self, unit: Option<Unit>, period: Period, as_of: Date) -> String {
        let n = format_number_vi((self.per_year * 10.0).round() / 10.0);
        format!(
            "Số liệu {} ({} – {}); quy ra một năm: {}.",
            self.covers,
            format_date_vi(period.start),
            format_date_vi(period.end.min(as_of)),
            with_unit_vi(&n, unit)
        )
    }
}

/// For a figure of a yearly rate (per 100.000 children: [`RegisterIndicator::is_yearly_rate`])
/// counted over less than a year (the period up to the as-of date), its span and the rate for a
/// year: × 12 ÷ months when the span is whole months, else × 365 ÷ days. `None` for other
/// figures, a span of a year or more, or no value.
pub fn yearly(source: &Source, value: Option<f64>, period: Period, as_of: Date) -> Option<Yearly> {
    let Source::Register { indicator } = source else {
        return None;
    };
    if !RegisterIndicator::parse(indicator).is_ok_and(RegisterIndicator::is_yearly_rate) {
        return None;
    }
    let value = value?;
    let end = period.end.min(as_of);
    let next = end.tomorrow().ok()?;
    let days = period.start.until(next).ok()?.get_days();
    if days <= 0 || days >= 365 {
        return None;
    }
    let months = i32::from(next.year() - period.start.year()) * 12
        + i32::from(next.month() - period.start.month());
    let whole_months = period.start.day() == 1 && next.day() == 1 && months > 0;
    if whole_months && months >= 12 {
        return None;
    }
    Some(if whole_months {
        Yearly {
            covers: format!("{months} tháng"),
            per_year: value * 12.0 / f64::from(months),
        }
    } else {
        Yearly {
            covers: format!("{days} ngày"),
            per_year: value * 365.0 / f64::from(days),
        }
    })
}
