//! What arrives from a form, the API or an import row ([`ChildDraft`]), loosely typed so that
//! every problem can be reported by field, and how it becomes a child's data: the birth date
//! (exact, month, year or an estimated age), names and aliases, the household code.
use super::*;

/// What arrives from a form, the API or an import row.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ChildDraft {
    pub full_name: Option<String>,
    pub aliases: Vec<String>,
    pub sex: Option<String>,
    pub date_of_birth: Option<String>,
    pub dob_precision: Option<String>,
    pub estimated_age: Option<serde_json::Value>,
    pub personal_id: Option<String>,
    pub ethnicity: Option<serde_json::Value>,
    pub village: Option<String>,
    /// The household by the code shown on every page ("SP01-0124"; case and spaces do not
    /// matter), or "#12" (its number) for a household without a code.
    pub household: Option<String>,
    pub household_id: Option<i64>,
    pub birth_registered_on: Option<String>,
    pub birth_registration_place: Option<String>,
    pub insurance_card: Option<String>,
    pub school_level: Option<String>,
    pub school: Option<String>,
    pub grade: Option<String>,
    pub disability_type: Option<String>,
    pub disability_severity: Option<String>,
    pub caregivers: Vec<CaregiverDraft>,
    pub circumstances: Vec<CircumstanceDraft>,
    pub moved_in: Option<String>,
    pub moved_out: Option<String>,
    pub died_on: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CaregiverDraft {
    pub relationship: Option<String>,
    pub full_name: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CircumstanceDraft {
    pub code: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// An estimated age as written: "4" or "4 tuổi"/"4 năm" (years), "3 tuần" (weeks),
/// "2 tháng" (months); anything else is [`EstimatedAge::Invalid`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EstimatedAge {
    Years(i64),
    Months(i64),
    Weeks(i64),
    Invalid,
}

impl EstimatedAge {
    pub fn parse(s: &str) -> EstimatedAge {
        let folded = crate::text::fold(s);
        let digits: String = folded.chars().take_while(|c| c.is_ascii_digit()).collect();
        let Ok(n) = digits.parse::<i64>() else {
            return EstimatedAge::Invalid;
        };
        match folded[digits.len()..].trim() {
            "" | "tuoi" | "nam" | "y" => EstimatedAge::Years(n),
            "thang" | "m" => EstimatedAge::Months(n),
            "tuan" | "w" => EstimatedAge::Weeks(n),
            _ => EstimatedAge::Invalid,
        }
    }
}

/// Parses the date of birth with its precision: "dd/mm/yyyy", "mm/yyyy", "yyyy", or an
/// estimated age ([`EstimatedAge`]) counted back from `today`: in years, to 1 July of the year
/// (precision "estimated"); in weeks or months, to the month it falls in (precision "month").
pub(crate) fn parse_birth(
    errs: &mut FieldErrors,
    d: &ChildDraft,
    today: Date,
) -> (Option<Date>, DobPrecision) {
    let asked = non_empty(&d.dob_precision);
    if let Some(p) = &asked {
        if DobPrecision::parse(p).is_none() {
            errs.push(
                "dob_precision",
                "chỉ nhận day, month, year, estimated hoặc unknown",
            );
            return (None, DobPrecision::Unknown);
        }
    }
    let estimated = d.estimated_age.as_ref().and_then(|v| match v {
        serde_json::Value::Number(n) => Some(
            n.as_i64()
                .map(EstimatedAge::Years)
                .unwrap_or(EstimatedAge::Invalid),
        ),
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(EstimatedAge::parse(s)),
        serde_json::Value::Null => None,
        serde_json::Value::String(_) => None,
        _ => Some(EstimatedAge::Invalid),
    });
    // A stored estimate comes back as its date with precision "estimated" (edits, exports).
    if asked.as_deref() == Some("estimated") && estimated.is_none() {
        if let Some(date) = non_empty(&d.date_of_birth).and_then(|s| parse_date(&s)) {
            if date <= today {
                return (Some(date), DobPrecision::Estimated);
            }
        }
    }
    if asked.as_deref() == Some("estimated")
        || (non_empty(&d.date_of_birth).is_none() && estimated.is_some())
    {
        return match estimated {
            Some(EstimatedAge::Years(a)) if (0..=17).contains(&a) => {
                let year = today.year() - a as i16;
                // Mid-year, but never after today (a baby estimated at 0 in spring).
                let mid = Date::new(year, 7, 1).ok().map(|d| d.min(today));
                (mid, DobPrecision::Estimated)
            }
            // A young child's age in weeks or months places the birth in a month: kept as
            // that month (as if "mm/yyyy" had been written), shown "khoảng mm/yyyy".
            Some(EstimatedAge::Weeks(n @ 0..=104)) => {
                let born = today.checked_sub(jiff::Span::new().weeks(n)).ok();
                (born.map(|d| d.first_of_month()), DobPrecision::Month)
            }
            Some(EstimatedAge::Months(n @ 0..=36)) => {
                let born = today.checked_sub(jiff::Span::new().months(n)).ok();
                (born.map(|d| d.first_of_month()), DobPrecision::Month)
            }
            _ => {
                errs.push(
                    "estimated_age",
                    "tuổi ước tính: ghi số năm từ 0 đến 17, hoặc số tuần (đến 104 tuần) hay số \
                     tháng (đến 36 tháng) cho trẻ nhỏ, ví dụ «3 tuần», «2 tháng», «4»",
                );
                (None, DobPrecision::Estimated)
            }
        };
    }
    let Some(s) = non_empty(&d.date_of_birth) else {
        if asked.is_some() && asked.as_deref() != Some("unknown") {
            errs.push("date_of_birth", "cần nhập ngày sinh");
        }
        return (None, DobPrecision::Unknown);
    };
    if let Some(m) =
        crate::validation::two_digit_year(&s).or_else(|| crate::validation::month_first(&s))
    {
        errs.push("date_of_birth", m);
        return (None, DobPrecision::Unknown);
    }
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    let parsed = match parts.len() {
        1 => s
            .parse::<i16>()
            .ok()
            .and_then(|y| Date::new(y, 7, 1).ok())
            .map(|d| (d, DobPrecision::Year)),
        2 => {
            // mm/yyyy or yyyy-mm
            let (m, y) = if parts[0].len() == 4 {
                (parts[1], parts[0])
            } else {
                (parts[0], parts[1])
            };
            match (m.parse::<i8>(), y.parse::<i16>()) {
                (Ok(m), Ok(y)) => Date::new(y, m, 1).ok().map(|d| (d, DobPrecision::Month)),
                _ => None,
            }
        }
        _ => parse_date(&s).map(|d| (d, DobPrecision::Day)),
    };
    match parsed {
        None => {
            errs.push(
                "date_of_birth",
                format!("ngày sinh không hợp lệ: «{s}» (viết dd/mm/yyyy, mm/yyyy hoặc yyyy)"),
            );
            (None, DobPrecision::Unknown)
        }
        Some((date, p))
            if date > today && !(p == DobPrecision::Year && date.year() == today.year()) =>
        {
            errs.push("date_of_birth", "ngày sinh không được ở tương lai");
            (None, DobPrecision::Unknown)
        }
        // Born this year, month unknown: 1 July may still be ahead, so count from 1 January.
        Some((date, DobPrecision::Year)) if date > today => {
            (Date::new(date.year(), 1, 1).ok(), DobPrecision::Year)
        }
        Some((date, _)) if today.year() - date.year() > 25 => {
            errs.push(
                "date_of_birth",
                "ngày sinh quá xa: sổ chỉ theo dõi trẻ em và người chưa thành niên",
            );
            (None, DobPrecision::Unknown)
        }
        Some((date, p)) => (Some(date), p),
    }
}

/// The aliases (tên gọi khác) with their spaces tidied, within [`limits::ALIASES`] of at most
/// [`limits::ALIAS_CHARS`] each, and with the name within [`limits::NAME_WORDS`] distinct words
/// in all (each distinct word is a row of the search index).
pub(crate) fn parse_aliases(
    errs: &mut FieldErrors,
    given: &[String],
    full_name: &str,
) -> Vec<String> {
    let given_count = given.iter().filter(|a| !a.trim().is_empty()).count();
    if !limits::check_count(
        errs,
        "aliases",
        "tên gọi khác",
        given_count,
        limits::ALIASES,
    ) {
        return vec![];
    }
    let aliases: Vec<String> = given
        .iter()
        .map(|a| a.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|a| !a.is_empty())
        .collect();
    for a in &aliases {
        check_text(errs, "aliases", "tên gọi khác", a, limits::ALIAS_CHARS);
    }
    let mut words: Vec<String> = std::iter::once(full_name)
        .chain(aliases.iter().map(String::as_str))
        .flat_map(|t| {
            crate::text::tokens(&crate::text::fold(t))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    words.sort_unstable();
    words.dedup();
    if words.len() > limits::NAME_WORDS {
        errs.push(
            if aliases.is_empty() {
                "full_name"
            } else {
                "aliases"
            },
            format!(
                "họ tên và tên gọi khác có tối đa {} từ khác nhau (đã có {})",
                limits::NAME_WORDS,
                words.len()
            ),
        );
    }
    aliases
}

/// The household field of a draft: `household` (a code, or "#12") or, from API clients that
/// read `household_id` back, the number. A code is checked here for its form only; storage
/// finds the household ([`HouseholdIndex::resolve`]) when it writes the record.
pub(crate) fn parse_household(
    errs: &mut FieldErrors,
    d: &ChildDraft,
) -> (Option<i64>, Option<String>) {
    let Some(typed) = non_empty(&d.household) else {
        return (d.household_id, None);
    };
    let typed = typed.split_whitespace().collect::<Vec<_>>().join(" ");
    if d.household_id.is_some() {
        errs.push(
            "household",
            "gửi mã hộ (household) hoặc số hộ (household_id), không gửi cả hai",
        );
        return (None, None);
    }
    check_text(
        errs,
        "household",
        "mã hộ",
        &typed,
        limits::HOUSEHOLD_CODE_CHARS,
    );
    if let Some(n) = household_number(&typed) {
        return (Some(n), None);
    }
    if household_key(&typed).is_empty() {
        errs.push(
            "household",
            format!("mã hộ «{typed}» không hợp lệ (ghi như trên danh sách hộ, ví dụ SP01-0124)"),
        );
        return (None, None);
    }
    (None, Some(typed))
}

/// A name typed in capitals without accents ("GIANG A PAO"): accepted, with a request to check
/// it, since the register shows names as they are written.
pub fn name_warning(name: &str) -> Option<String> {
    let letters = || name.chars().filter(|c| c.is_alphabetic());
    let shouting = letters().count() >= 2 && letters().all(|c| c.is_ascii_uppercase());
    shouting.then(|| {
        format!("«{name}» viết hoa, không dấu: hãy kiểm tra và viết lại có dấu nếu cần (ví dụ Giàng A Páo)")
    })
}

impl ChildDraft {
    /// Checks every field; returns the child data or every problem found.
    pub fn parse(&self, today: Date) -> Result<ChildData, FieldErrors> {
        let mut errs = FieldErrors::default();
        let full_name = match non_empty(&self.full_name) {
            Some(n) => {
                check_text(
                    &mut errs,
                    "full_name",
                    "họ và tên",
                    &n,
                    limits::FULL_NAME_CHARS,
                );
                n.split_whitespace().collect::<Vec<_>>().join(" ")
            }
            None => {
                errs.push("full_name", "cần nhập họ và tên");
                String::new()
            }
        };
        let aliases = parse_aliases(&mut errs, &self.aliases, &full_name);
        let sex = match self.sex.as_deref().map(Sex::parse) {
            Some(Some(s)) => s,
            None => Sex::Unknown,
            Some(None) => {
                errs.push("sex", "giới tính chỉ nhận: nam, nữ hoặc không biết");
                Sex::Unknown
            }
        };
        let (date_of_birth, dob_precision) = parse_birth(&mut errs, self, today);
        let birth_year = match dob_precision {
            DobPrecision::Day | DobPrecision::Month | DobPrecision::Year => {
                date_of_birth.map(|d| d.year())
            }
            _ => None,
        };
        let personal_id = non_empty(&self.personal_id).and_then(|s| {
            match PersonalId::parse_for(&s, sex, birth_year) {
                Ok(p) => Some(p),
                Err(e) => {
                    errs.push("personal_id", e.to_string());
                    None
                }
            }
        });
        let ethnicity = match &self.ethnicity {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(s)) if s.trim().is_empty() => None,
            Some(v) => {
                let s = match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                match crate::ethnicity::parse(&s) {
                    Some(c) => Some(c),
                    None => {
                        errs.push("ethnicity", format!("dân tộc «{s}» không có trong danh mục 54 dân tộc (QĐ 1019/QĐ-TCTK)"));
                        None
                    }
                }
            }
        };
        let village = match non_empty(&self.village) {
            Some(v) if v.chars().count() > limits::VILLAGE_CODE_CHARS => {
                limits::check_chars(
                    &mut errs,
                    "village",
                    "mã thôn/bản",
                    &v,
                    limits::VILLAGE_CODE_CHARS,
                );
                String::new()
            }
            Some(v) => v,
            None => {
                errs.push("village", "cần chọn thôn/bản");
                String::new()
            }
        };
        let (household_id, household_code) = parse_household(&mut errs, self);
        let birth_registered_on = opt_date(
            &mut errs,
            "birth_registered_on",
            &self.birth_registered_on,
            today,
        );
        if let (Some(r), Some(b)) = (birth_registered_on, date_of_birth) {
            if r < b && dob_precision == DobPrecision::Day {
                errs.push(
                    "birth_registered_on",
                    "ngày đăng ký khai sinh trước ngày sinh",
                );
            }
        }
        let school_level = one_of(
            &mut errs,
            "school_level",
            &self.school_level,
            &SCHOOL_LEVELS,
            {
                static LABELS: OnceLock<Vec<String>> = OnceLock::new();
                &LABELS
            },
        );
        let disability_type = one_of(
            &mut errs,
            "disability_type",
            &self.disability_type,
            &DISABILITY_TYPES,
            {
                static LABELS: OnceLock<Vec<String>> = OnceLock::new();
                &LABELS
            },
        );
        let disability_severity = one_of(
            &mut errs,
            "disability_severity",
            &self.disability_severity,
            &DISABILITY_SEVERITIES,
            {
                static LABELS: OnceLock<Vec<String>> = OnceLock::new();
                &LABELS
            },
        );
        if disability_severity.is_some() && disability_type.is_none() {
            errs.push("disability_type", "cần chọn dạng khuyết tật khi có mức độ");
        }
        let mut caregivers = Vec::new();
        let caregiver_rows = if limits::check_count(
            &mut errs,
            "caregivers",
            "người chăm sóc",
            self.caregivers.len(),
            limits::CAREGIVERS,
        ) {
            &self.caregivers[..]
        } else {
            &[]
        };
        for (i, c) in caregiver_rows.iter().enumerate() {
            let rel = non_empty(&c.relationship);
            let name = non_empty(&c.full_name);
            let phone = non_empty(&c.phone).map(|p| {
                p.chars()
                    .filter(|c| !c.is_whitespace() && *c != '.')
                    .collect::<String>()
            });
            if rel.is_none() && name.is_none() && phone.is_none() {
                continue;
            }
            let field = |f: &str| format!("caregivers[{i}].{f}");
            match &rel {
                None => errs.push(&field("relationship"), "cần ghi quan hệ với trẻ"),
                Some(r) => check_text(
                    &mut errs,
                    &field("relationship"),
                    "quan hệ với trẻ",
                    r,
                    limits::RELATIONSHIP_CHARS,
                ),
            }
            match &name {
                None => errs.push(&field("full_name"), "cần ghi họ tên người chăm sóc"),
                Some(n) => check_text(
                    &mut errs,
                    &field("full_name"),
                    "họ tên người chăm sóc",
                    n,
                    limits::FULL_NAME_CHARS,
                ),
            }
            if let Some(p) = &phone {
                let digits = p.strip_prefix('+').unwrap_or(p);
                if !(9..=12).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit())
                {
                    errs.push(
                        &field("phone"),
                        "số điện thoại phải gồm 10 chữ số (ví dụ 0912345678)",
                    );
                }
            }
            caregivers.push(Caregiver {
                relationship: rel.unwrap_or_default(),
                full_name: name.unwrap_or_default(),
                phone,
            });
        }
        let mut circumstances: Vec<Circumstance> = Vec::new();
        let circumstance_rows = if limits::check_count(
            &mut errs,
            "circumstances",
            "giai đoạn hoàn cảnh đặc biệt",
            self.circumstances.len(),
            limits::CIRCUMSTANCE_PERIODS,
        ) {
            &self.circumstances[..]
        } else {
            &[]
        };
        for (i, c) in circumstance_rows.iter().enumerate() {
            let field = |f: &str| format!("circumstances[{i}].{f}");
            let code = match non_empty(&c.code).as_deref().map(circumstance::parse) {
                Some(Some(code)) => code.to_string(),
                _ => {
                    errs.push(
                        &field("code"),
                        "nhóm hoàn cảnh đặc biệt phải là một mã a…o theo Điều 10 Luật Trẻ em",
                    );
                    continue;
                }
            };
            let from = opt_date(&mut errs, &field("from"), &c.from, today);
            let to = opt_date(&mut errs, &field("to"), &c.to, today);
            match from {
                Some(from) => {
                    if to.is_some_and(|t| t < from) {
                        errs.push(&field("to"), "ngày kết thúc trước ngày bắt đầu");
                    }
                    let same = circumstances.iter().filter(|x| x.code == code).count();
                    if same == limits::PERIODS_PER_CIRCUMSTANCE {
                        errs.push(
                            &field("code"),
                            limits::too_many(
                                &format!("giai đoạn của nhóm hoàn cảnh «{code}»"),
                                limits::PERIODS_PER_CIRCUMSTANCE,
                                same + 1,
                            ),
                        );
                    }
                    circumstances.push(Circumstance { code, from, to });
                }
                None if non_empty(&c.from).is_none() => {
                    errs.push(&field("from"), "cần ghi từ ngày")
                }
                None => {}
            }
        }
        let moved_in = opt_date(&mut errs, "moved_in", &self.moved_in, today);
        let moved_out = opt_date(&mut errs, "moved_out", &self.moved_out, today);
        if let (Some(i), Some(o)) = (moved_in, moved_out) {
            if o < i {
                errs.push("moved_out", "ngày chuyển đi trước ngày chuyển đến");
            }
        }
        let died_on = opt_date(&mut errs, "died_on", &self.died_on, today);
        if let (Some(d), Some(b)) = (died_on, date_of_birth) {
            if d < b && dob_precision == DobPrecision::Day {
                errs.push("died_on", "ngày mất trước ngày sinh");
            }
        }
        let notes = non_empty(&self.notes);
        if let Some(n) = &notes {
            check_text(
                &mut errs,
                "notes",
                "ghi chú",
                &n.replace(['\n', '\r', '\t'], " "),
                limits::NOTES_CHARS,
            );
        }
        let text = |v: &Option<String>, f: &str, label: &str, errs: &mut FieldErrors| {
            let s = non_empty(v);
            if let Some(s) = &s {
                check_text(errs, f, label, s, limits::SHORT_TEXT_CHARS);
            }
            s
        };
        let birth_registration_place = text(
            &self.birth_registration_place,
            "birth_registration_place",
            "nơi đăng ký khai sinh",
            &mut errs,
        );
        let insurance_card = text(
            &self.insurance_card,
            "insurance_card",
            "số thẻ BHYT",
            &mut errs,
        );
        let school = text(&self.school, "school", "trường", &mut errs);
        let grade = text(&self.grade, "grade", "lớp", &mut errs);
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(ChildData {
            full_name,
            aliases,
            sex,
            date_of_birth,
            dob_precision,
            personal_id,
            ethnicity,
            village,
            household_id,
            household_code,
            birth_registered_on,
            birth_registration_place,
            insurance_card,
            school_level,
            school,
            grade,
            disability_type,
            disability_severity,
            caregivers,
            circumstances,
            moved_in,
            moved_out,
            died_on,
            notes,
        })
    }
}

impl From<&ChildData> for ChildDraft {
    fn from(c: &ChildData) -> Self {
        let d = |d: &Option<Date>| d.map(|d| d.to_string());
        ChildDraft {
            full_name: Some(c.full_name.clone()),
            aliases: c.aliases.clone(),
            sex: Some(c.sex.as_str().into()),
            date_of_birth: match c.dob_precision {
                DobPrecision::Year => c.date_of_birth.map(|d| d.year().to_string()),
                DobPrecision::Month => c
                    .date_of_birth
                    .map(|d| format!("{:02}/{}", d.month(), d.year())),
                _ => d(&c.date_of_birth),
            },
            dob_precision: Some(c.dob_precision.as_str().into()),
            estimated_age: None,
            personal_id: c.personal_id.as_ref().map(|p| p.to_string()),
            ethnicity: c.ethnicity.map(|e| serde_json::Value::from(e as i64)),
            village: Some(c.village.clone()),
            household: c.household_code.clone(),
            household_id: c.household_id,
            birth_registered_on: d(&c.birth_registered_on),
            birth_registration_place: c.birth_registration_place.clone(),
            insurance_card: c.insurance_card.clone(),
            school_level: c.school_level.clone(),
            school: c.school.clone(),
            grade: c.grade.clone(),
            disability_type: c.disability_type.clone(),
            disability_severity: c.disability_severity.clone(),
            caregivers: c
                .caregivers
                .iter()
                .map(|g| CaregiverDraft {
                    relationship: Some(g.relationship.clone()),
                    full_name: Some(g.full_name.clone()),
                    phone: g.phone.clone(),
                })
                .collect(),
            circumstances: c
                .circumstances
                .iter()
                .map(|x| CircumstanceDraft {
                    code: Some(x.code.clone()),
                    from: Some(x.from.to_string()),
                    to: x.to.map(|t| t.to_string()),
                })
                .collect(),
            moved_in: d(&c.moved_in),
            moved_out: d(&c.moved_out),
            died_on: d(&c.died_on),
            notes: c.notes.clone(),
        }
    }
}
