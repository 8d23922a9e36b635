//! An activity as typed on a page or sent to the API, and its check ([`ActivityInput::parse`]):
//! a Vietnamese message naming each field in trouble, nothing half-accepted.
use super::*;
use crate::validation::{self, FieldErrors};
use jiff::civil::Date;

/// Longest title, agency, recommendation text.
pub const TITLE_CHARS: usize = 300;
/// Longest details (findings, topics, conclusions).
pub const DETAILS_CHARS: usize = 4000;
/// Most children linked to one forum, most recommendations.
pub const CHILDREN_PER_ACTIVITY: usize = 2000;
pub const RECOMMENDATIONS_PER_ACTIVITY: usize = 100;
/// Largest count in any audience box.
pub const MAX_COUNT: u32 = 100_000;

/// One recommendation as sent.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RecommendationInput {
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub answer: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub agency: String,
}

/// An activity as sent: every field text (a form's boxes), as the API's JSON or a page's form.
/// Counts may also come as JSON numbers.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActivityInput {
    #[serde(default)]
    pub date: String,
    #[serde(default, deserialize_with = "loose")]
    pub village_id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub occasion: String,
    #[serde(default)]
    pub form: String,
    #[serde(default)]
    pub level: String,
    #[serde(default, deserialize_with = "loose")]
    pub girls: String,
    #[serde(default, deserialize_with = "loose")]
    pub boys: String,
    #[serde(default, deserialize_with = "loose")]
    pub total: String,
    #[serde(default, deserialize_with = "loose")]
    pub age_0_5: String,
    #[serde(default, deserialize_with = "loose")]
    pub age_6_10: String,
    #[serde(default, deserialize_with = "loose")]
    pub age_11_15: String,
    #[serde(default, deserialize_with = "loose")]
    pub minority: String,
    #[serde(default, deserialize_with = "loose")]
    pub adults: String,
    #[serde(default, deserialize_with = "loose")]
    pub materials: String,
    #[serde(default)]
    pub details: String,
    #[serde(default)]
    pub agency: String,
    /// Register children's ids (API).
    #[serde(default)]
    pub children: Vec<i64>,
    /// Register children's ids as typed on a page: separated by commas, spaces or lines.
    #[serde(default)]
    pub children_text: String,
    /// Recommendations (API).
    #[serde(default)]
    pub recommendations: Vec<RecommendationInput>,
    /// Recommendations as typed on a page: one a line, "nội dung | trả lời | lý do | cơ quan".
    #[serde(default)]
    pub recommendations_text: String,
    /// A form's submission id (a resend stores once).
    #[serde(default)]
    pub submission: String,
}

/// A number or a text, read as text.
fn loose<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Loose {
        S(String),
        N(i64),
        F(f64),
        Null(()),
    }
    Ok(match Loose::deserialize(d)? {
        Loose::S(s) => s,
        Loose::N(n) => n.to_string(),
        Loose::F(f) => f.to_string(),
        Loose::Null(()) => String::new(),
    })
}

/// The year activities are recorded for: the plan year, today's.
pub fn accepted_year(today: Date) -> i16 {
    today.year()
}

impl ActivityInput {
    /// Checks the input as an activity of `kind` on `today`: the date in the plan year
    /// ([`accepted_year`]) and not after today; the counts whole and not negative, girls + boys
    /// = total, the age bands (when given) adding up to the total, minorities at most the total;
    /// an event's channel (and its occasion's dates: the Month of Action in June, 01/06 on the
    /// day, Mid-Autumn in September or October), a forum's form and level, each
    /// recommendation's answer, agency, and reason when it cannot be met.
    pub fn parse(&self, kind: ActivityKind, today: Date) -> Result<NewActivity, FieldErrors> {
        let mut errs = FieldErrors::default();
        let date = match self.date.trim() {
            "" => {
                errs.push("date", "cần ghi ngày");
                None
            }
            t => match validation::parse_date(t) {
                None => {
                    errs.push("date", validation::date_problem(t));
                    None
                }
                Some(d) if d > today => {
                    errs.push("date", "ngày ở sau hôm nay");
                    None
                }
                Some(d) if d.year() != accepted_year(today) => {
                    errs.push(
                        "date",
                        format!(
                            "ngày phải trong năm kế hoạch {} (đã nhập năm {})",
                            accepted_year(today),
                            d.year()
                        ),
                    );
                    None
                }
                Some(d) => Some(d),
            },
        };
        let village_id = match self.village_id.trim() {
            "" => None,
            t => match t.parse::<i64>() {
                Ok(v) if v > 0 => Some(v),
                _ => {
                    errs.push("village_id", format!("thôn «{t}» không hợp lệ"));
                    None
                }
            },
        };
        let title = self.title.trim().to_string();
        if title.is_empty() {
            errs.push("title", format!("cần ghi {}", title_word(kind)));
        }
        crate::limits::check_chars(&mut errs, "title", title_word(kind), &title, TITLE_CHARS);
        let details = self.details.trim().to_string();
        crate::limits::check_chars(&mut errs, "details", "nội dung", &details, DETAILS_CHARS);
        let agency = self.agency.trim().to_string();
        crate::limits::check_chars(&mut errs, "agency", "cơ quan", &agency, TITLE_CHARS);

        let mut count = |field: &str, label: &str, text: &str| -> u32 {
            let t = text.trim().replace('.', "");
            if t.is_empty() {
                return 0;
            }
            match t.parse::<i64>() {
                Ok(n) if n < 0 => {
                    errs.push(field, format!("{label} không được âm ({n})"));
                    0
                }
                Ok(n) if n > MAX_COUNT as i64 => {
                    errs.push(field, format!("{label} quá lớn ({n}; tối đa {MAX_COUNT})"));
                    0
                }
                Ok(n) => n as u32,
                Err(_) => {
                    errs.push(
                        field,
                        format!("{label} phải là số nguyên (đã nhập «{}»)", text.trim()),
                    );
                    0
                }
            }
        };
        let audience = Audience {
            girls: count("girls", "số em gái", &self.girls),
            boys: count("boys", "số em trai", &self.boys),
            total: count("total", "tổng số trẻ em", &self.total),
            age_0_5: count("age_0_5", "số trẻ 0–5 tuổi", &self.age_0_5),
            age_6_10: count("age_6_10", "số trẻ 6–10 tuổi", &self.age_6_10),
            age_11_15: count("age_11_15", "số trẻ 11–15 tuổi", &self.age_11_15),
            minority: count("minority", "số trẻ dân tộc thiểu số", &self.minority),
            adults: count("adults", "số người lớn", &self.adults),
        };
        let materials = count("materials", "số tài liệu phát ra", &self.materials);
        check_audience(&mut errs, &audience);

        let (mut channel, mut occasion, mut form, mut level) = (None, None, None, None);
        match kind {
            ActivityKind::Event => {
                channel = pick(
                    &mut errs,
                    "channel",
                    "kênh truyền thông",
                    &self.channel,
                    true,
                    Channel::parse,
                    Channel::choices_vi,
                );
                occasion = pick(
                    &mut errs,
                    "occasion",
                    "dịp",
                    &self.occasion,
                    false,
                    Occasion::parse,
                    Occasion::choices_vi,
                );
                if let (Some(o), Some(d)) = (occasion, date) {
                    if let Err(m) = occasion_fits(o, d) {
                        errs.push("date", m);
                    }
                }
            }
            ActivityKind::Forum => {
                form = pick(
                    &mut errs,
                    "form",
                    "hình thức",
                    &self.form,
                    true,
                    ForumForm::parse,
                    ForumForm::choices_vi,
                );
                level = pick(
                    &mut errs,
                    "level",
                    "cấp tổ chức",
                    &self.level,
                    true,
                    ForumLevel::parse,
                    ForumLevel::choices_vi,
                );
            }
            _ => {}
        }

        let mut children: Vec<i64> = self.children.clone();
        for (i, part) in self
            .children_text
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|p| !p.is_empty())
            .enumerate()
        {
            match part.trim_start_matches('#').parse::<i64>() {
                Ok(id) if id > 0 => children.push(id),
                _ => errs.push(
                    "children_text",
                    format!("mã trẻ thứ {} «{part}» không phải là số", i + 1),
                ),
            }
        }
        children.sort_unstable();
        children.dedup();
        if !children.is_empty() && kind != ActivityKind::Forum {
            errs.push(
                "children",
                "chỉ diễn đàn, hỏi ý kiến trẻ em mới ghi tên trẻ tham gia",
            );
        }
        if children.iter().any(|c| *c <= 0) {
            errs.push("children", "mã trẻ không hợp lệ");
        }
        crate::limits::check_count(
            &mut errs,
            "children",
            "trẻ tham gia",
            children.len(),
            CHILDREN_PER_ACTIVITY,
        );

        let mut recs: Vec<RecommendationInput> = self.recommendations.clone();
        for line in self
            .recommendations_text
            .lines()
            .filter(|l| !l.trim().is_empty())
        {
            let mut p = line.split('|').map(str::trim);
            recs.push(RecommendationInput {
                text: p.next().unwrap_or("").into(),
                answer: p.next().unwrap_or("").into(),
                reason: p.next().unwrap_or("").into(),
                agency: p.next().unwrap_or("").into(),
            });
        }
        if !recs.is_empty() && kind != ActivityKind::Forum {
            errs.push(
                "recommendations",
                "chỉ diễn đàn, hỏi ý kiến trẻ em mới có kiến nghị của trẻ em",
            );
        }
        crate::limits::check_count(
            &mut errs,
            "recommendations",
            "kiến nghị",
            recs.len(),
            RECOMMENDATIONS_PER_ACTIVITY,
        );
        let mut recommendations = Vec::new();
        for (i, r) in recs.iter().enumerate() {
            let f = |x: &str| format!("recommendations[{i}].{x}");
            let n = i + 1;
            let text = r.text.trim();
            if text.is_empty() {
                errs.push(&f("text"), format!("kiến nghị {n}: cần ghi nội dung"));
            }
            crate::limits::check_chars(
                &mut errs,
                &f("text"),
                "nội dung kiến nghị",
                text,
                TITLE_CHARS,
            );
            let answer = match Answer::parse(&r.answer) {
                Some(a) => Some(a),
                None => {
                    errs.push(
                        &f("answer"),
                        format!(
                            "kiến nghị {n}: trả lời phải là một trong: {}",
                            Answer::choices_vi()
                        ),
                    );
                    None
                }
            };
            if r.agency.trim().is_empty() {
                errs.push(
                    &f("agency"),
                    format!("kiến nghị {n}: cần ghi cơ quan trả lời"),
                );
            }
            crate::limits::check_chars(
                &mut errs,
                &f("agency"),
                "cơ quan",
                r.agency.trim(),
                TITLE_CHARS,
            );
            crate::limits::check_chars(
                &mut errs,
                &f("reason"),
                "lý do",
                r.reason.trim(),
                DETAILS_CHARS,
            );
            if answer == Some(Answer::NotPossible) && r.reason.trim().is_empty() {
                errs.push(
                    &f("reason"),
                    format!("kiến nghị {n}: chưa thể thực hiện thì cần ghi lý do"),
                );
            }
            if let Some(answer) = answer {
                recommendations.push(Recommendation {
                    text: text.into(),
                    answer,
                    reason: r.reason.trim().into(),
                    agency: r.agency.trim().into(),
                });
            }
        }
        match (errs.is_empty(), date) {
            (true, Some(date)) => Ok(NewActivity {
                kind,
                date,
                village_id,
                title,
                channel,
                occasion,
                form,
                level,
                audience,
                materials,
                details,
                agency,
                children,
                recommendations,
            }),
            _ => Err(errs),
        }
    }
}

/// What the title box holds for a kind.
pub fn title_word(kind: ActivityKind) -> &'static str {
    match kind {
        ActivityKind::Event => "chủ đề",
        ActivityKind::Forum => "chủ đề diễn đàn",
        ActivityKind::Training => "tên lớp tập huấn",
        ActivityKind::Inspection => "cơ sở, dịch vụ được kiểm tra",
        ActivityKind::BoardMeeting => "nội dung cuộc họp",
    }
}

/// The counts add up: girls + boys = total; the age bands, when any is given, add up to the
/// total; minorities at most the total.
pub fn check_audience(errs: &mut FieldErrors, a: &Audience) {
    if a.girls as u64 + a.boys as u64 != a.total as u64 {
        errs.push(
            "total",
            format!(
                "tổng số trẻ em ({}) phải bằng số em gái ({}) cộng số em trai ({})",
                a.total, a.girls, a.boys
            ),
        );
    }
    let bands = a.age_0_5 as u64 + a.age_6_10 as u64 + a.age_11_15 as u64;
    if bands != 0 && bands != a.total as u64 {
        errs.push(
            "age_11_15",
            format!(
                "số trẻ theo nhóm tuổi ({} + {} + {} = {bands}) phải bằng tổng số trẻ em ({})",
                a.age_0_5, a.age_6_10, a.age_11_15, a.total
            ),
        );
    }
    if a.minority > a.total {
        errs.push(
            "minority",
            format!(
                "số trẻ dân tộc thiểu số ({}) không được lớn hơn tổng số trẻ em ({})",
                a.minority, a.total
            ),
        );
    }
}

/// An occasion's dates: the Month of Action 01/06–30/06, Children's Day 01/06, Mid-Autumn in
/// September or October (the 15th of the eighth lunar month always falls there).
pub fn occasion_fits(o: Occasion, d: Date) -> Result<(), String> {
    let ok = match o {
        Occasion::MonthOfAction => d.month() == 6,
        Occasion::ChildrensDay => d.month() == 6 && d.day() == 1,
        Occasion::MidAutumn => matches!(d.month(), 9 | 10),
    };
    if ok {
        Ok(())
    } else {
        Err(match o {
            Occasion::MonthOfAction => "Tháng hành động vì trẻ em là từ 01/06 đến 30/06".into(),
            Occasion::ChildrensDay => "Ngày Quốc tế thiếu nhi là ngày 01/06".into(),
            Occasion::MidAutumn => "Tết Trung thu rơi vào tháng 9 hoặc tháng 10 dương lịch".into(),
        })
    }
}

fn pick<T>(
    errs: &mut FieldErrors,
    field: &str,
    label: &str,
    text: &str,
    required: bool,
    parse: fn(&str) -> Option<T>,
    choices: fn() -> String,
) -> Option<T> {
    if text.trim().is_empty() {
        if required {
            errs.push(field, format!("cần chọn {label}"));
        }
        return None;
    }
    let v = parse(text);
    if v.is_none() {
        errs.push(
            field,
            format!(
                "{label} «{}» không có; chọn một trong: {}",
                text.trim(),
                choices()
            ),
        );
    }
    v
}
