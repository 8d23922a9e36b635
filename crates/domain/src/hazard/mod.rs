//! Hazard sites for injury prevention (điểm nguy cơ tai nạn, thương tích trẻ em; plan V.3,
//! target 15): their kinds, the measures taken, the position (GPS or typed, inside Vietnam), the
//! inspections and the open/fixed status; who reads and writes them. The map drawn from the
//! positions, with no internet, is [`map`].
use crate::role::Role;
use crate::validation::{self, FieldErrors};
use crate::Date;
use serde::{Deserialize, Serialize};

pub mod map;
mod photo;
pub use photo::{SitePhoto, PHOTO_MAX_BYTES};

/// The longest name or note of a site, the longest finding of an inspection.
pub const TEXT_CHARS: usize = 500;

/// A kind of hazard site (loại điểm nguy cơ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HazardKind {
    /// Ao, hồ.
    Pond,
    /// Bến sông, suối.
    River,
    /// Vách đá, taluy.
    Cliff,
    /// Đường giao thông.
    Road,
    /// Giếng hở.
    OpenWell,
    /// Điện (dây điện, trạm biến áp).
    Electricity,
}

impl HazardKind {
    pub const ALL: [HazardKind; 6] = [
        HazardKind::Pond,
        HazardKind::River,
        HazardKind::Cliff,
        HazardKind::Road,
        HazardKind::OpenWell,
        HazardKind::Electricity,
    ];

    pub fn code(self) -> &'static str {
        match self {
            HazardKind::Pond => "pond",
            HazardKind::River => "river",
            HazardKind::Cliff => "cliff",
            HazardKind::Road => "road",
            HazardKind::OpenWell => "open_well",
            HazardKind::Electricity => "electricity",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            HazardKind::Pond => "Ao, hồ",
            HazardKind::River => "Bến sông, suối",
            HazardKind::Cliff => "Vách đá, taluy",
            HazardKind::Road => "Đường giao thông",
            HazardKind::OpenWell => "Giếng hở",
            HazardKind::Electricity => "Điện",
        }
    }

    /// The letter drawn in the site's mark on the map.
    pub fn letter(self) -> &'static str {
        match self {
            HazardKind::Pond => "A",
            HazardKind::River => "S",
            HazardKind::Cliff => "V",
            HazardKind::Road => "Đ",
            HazardKind::OpenWell => "G",
            HazardKind::Electricity => "E",
        }
    }

    /// From its code or its words (accents and case ignored).
    pub fn parse(text: &str) -> Option<HazardKind> {
        let t = text.trim();
        let f = crate::text::fold(t);
        Self::ALL
            .into_iter()
            .find(|k| k.code() == t || crate::text::fold(k.label_vi()) == f)
    }
}

/// A measure taken at a site (biện pháp phòng ngừa).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Rào chắn.
    Fence,
    /// Biển báo.
    Sign,
    /// Nắp đậy.
    Cover,
}

impl Measure {
    pub const ALL: [Measure; 3] = [Measure::Fence, Measure::Sign, Measure::Cover];

    pub fn code(self) -> &'static str {
        match self {
            Measure::Fence => "fence",
            Measure::Sign => "sign",
            Measure::Cover => "cover",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Measure::Fence => "Rào chắn",
            Measure::Sign => "Biển báo",
            Measure::Cover => "Nắp đậy",
        }
    }

    pub fn parse(text: &str) -> Option<Measure> {
        let t = text.trim();
        let f = crate::text::fold(t);
        Self::ALL
            .into_iter()
            .find(|m| m.code() == t || crate::text::fold(m.label_vi()) == f)
    }

    /// The measures as stored: their codes joined by commas.
    pub fn to_stored(list: &[Measure]) -> String {
        list.iter().map(|m| m.code()).collect::<Vec<_>>().join(",")
    }

    /// Stored measures read back; an unknown code is skipped.
    pub fn from_stored(text: &str) -> Vec<Measure> {
        text.split(',').filter_map(Measure::parse).collect()
    }

    /// The measures in words, "chưa có" when none.
    pub fn words(list: &[Measure]) -> String {
        if list.is_empty() {
            "chưa có".into()
        } else {
            list.iter()
                .map(|m| m.label_vi())
                .collect::<Vec<_>>()
                .join(", ")
        }
    }
}

/// Whether the danger is still there (chưa khắc phục) or has been dealt with (đã khắc phục).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HazardStatus {
    Open,
    Fixed,
}

impl HazardStatus {
    pub const ALL: [HazardStatus; 2] = [HazardStatus::Open, HazardStatus::Fixed];

    pub fn code(self) -> &'static str {
        match self {
            HazardStatus::Open => "open",
            HazardStatus::Fixed => "fixed",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            HazardStatus::Open => "Chưa khắc phục",
            HazardStatus::Fixed => "Đã khắc phục",
        }
    }

    pub fn parse(text: &str) -> Option<HazardStatus> {
        let t = text.trim();
        let f = crate::text::fold(t);
        Self::ALL
            .into_iter()
            .find(|s| s.code() == t || crate::text::fold(s.label_vi()) == f)
    }
}

/// Vietnam's extent, in degrees: latitude 8–23.5 N, longitude 102–117.5 E. A position outside
/// is a slip (degrees and minutes mixed, latitude and longitude swapped, a phone's stale fix).
pub const LAT_RANGE: (f64, f64) = (8.0, 23.5);
pub const LON_RANGE: (f64, f64) = (102.0, 117.5);

/// A position in micro-degrees (as stored: integers, the same on both backends; 1e-6° is
/// about 11 cm).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    pub lat_e6: i64,
    pub lon_e6: i64,
}

impl Position {
    pub fn lat(self) -> f64 {
        self.lat_e6 as f64 / 1e6
    }
    pub fn lon(self) -> f64 {
        self.lon_e6 as f64 / 1e6
    }

    /// From degrees, as a data file gives them (no check).
    pub fn from_degrees(lat: f64, lon: f64) -> Position {
        Position {
            lat_e6: (lat * 1e6).round() as i64,
            lon_e6: (lon * 1e6).round() as i64,
        }
    }

    /// Reads the latitude and longitude as typed or given by the phone (decimal degrees, a
    /// comma or a point before the decimals), each inside Vietnam; problems named by field
    /// (`lat`, `lon`), in Vietnamese.
    pub fn parse(lat: &str, lon: &str) -> Result<Position, FieldErrors> {
        let mut errs = FieldErrors::default();
        let lat = degrees(&mut errs, "lat", "vĩ độ", lat, LAT_RANGE, "Bắc");
        let lon = degrees(&mut errs, "lon", "kinh độ", lon, LON_RANGE, "Đông");
        match (lat, lon) {
            (Some(a), Some(o)) if errs.is_empty() => Ok(Position::from_degrees(a, o)),
            _ => Err(errs),
        }
    }

    /// The position as the pages show it: "21.800000, 103.400000".
    pub fn text(self) -> (String, String) {
        (format!("{:.6}", self.lat()), format!("{:.6}", self.lon()))
    }
}

fn degrees(
    errs: &mut FieldErrors,
    field: &str,
    word: &str,
    text: &str,
    (lo, hi): (f64, f64),
    side: &str,
) -> Option<f64> {
    let t = text.trim();
    if t.is_empty() {
        errs.push(
            field,
            format!("cần ghi {word} (lấy từ điện thoại hoặc gõ vào)"),
        );
        return None;
    }
    let normal = t.replace(',', ".");
    let ok_chars = normal
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-');
    let value = if ok_chars && normal.len() <= 20 {
        normal.parse::<f64>().ok().filter(|v| v.is_finite())
    } else {
        None
    };
    match value {
        None => {
            errs.push(
                field,
                format!("{word} «{t}» không phải số độ thập phân (ví dụ 21,8012)"),
            );
            None
        }
        Some(v) if v < lo || v > hi => {
            errs.push(
                field,
                format!("{word} {t} nằm ngoài lãnh thổ Việt Nam (từ {lo} đến {hi} độ {side})"),
            );
            None
        }
        Some(v) => Some(v),
    }
}

/// A new hazard site, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct NewHazard {
    pub village_id: i64,
    pub kind: HazardKind,
    pub name: String,
    pub position: Position,
    pub measures: Vec<Measure>,
    pub note: String,
}

/// A hazard site as typed (the page's form or the API's body), all text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HazardDraft {
    #[serde(default)]
    pub village_id: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub lat: String,
    #[serde(default)]
    pub lon: String,
    #[serde(default)]
    pub measures: Vec<String>,
    #[serde(default)]
    pub note: String,
}

fn text_field(
    errs: &mut FieldErrors,
    field: &str,
    what: &str,
    text: &str,
    required: bool,
) -> String {
    let t = text.trim();
    if required && t.is_empty() {
        errs.push(field, format!("cần ghi {what}"));
    } else if t.chars().count() > TEXT_CHARS {
        errs.push(field, format!("{what} dài quá {TEXT_CHARS} ký tự"));
    }
    t.to_string()
}

impl HazardDraft {
    /// Every problem named by its field, in Vietnamese; nothing is kept of a refused draft.
    pub fn parse(&self) -> Result<NewHazard, FieldErrors> {
        let mut errs = FieldErrors::default();
        let village_id = match self.village_id.trim().parse::<i64>() {
            Ok(v) if v > 0 => Some(v),
            _ => {
                errs.push("village_id", "cần chọn thôn, bản");
                None
            }
        };
        let kind = match self.kind.trim() {
            "" => {
                errs.push("kind", "cần chọn loại điểm nguy cơ");
                None
            }
            t => {
                let k = HazardKind::parse(t);
                if k.is_none() {
                    errs.push("kind", format!("loại «{t}» không có trong danh mục"));
                }
                k
            }
        };
        let name = text_field(&mut errs, "name", "tên, mô tả vị trí", &self.name, true);
        let note = text_field(&mut errs, "note", "ghi chú", &self.note, false);
        let position = match Position::parse(&self.lat, &self.lon) {
            Ok(p) => Some(p),
            Err(e) => {
                errs.0.extend(e.0);
                None
            }
        };
        let mut measures = Vec::new();
        for m in self.measures.iter().filter(|m| !m.trim().is_empty()) {
            match Measure::parse(m) {
                Some(x) if !measures.contains(&x) => measures.push(x),
                Some(_) => {}
                None => errs.push(
                    "measures",
                    format!("biện pháp «{}» không có trong danh mục", m.trim()),
                ),
            }
        }
        measures.sort();
        match (village_id, kind, position) {
            (Some(village_id), Some(kind), Some(position)) if errs.is_empty() => Ok(NewHazard {
                village_id,
                kind,
                name,
                position,
                measures,
                note,
            }),
            _ => Err(errs),
        }
    }
}

/// A date of the plan's year, not after `today`: the year's work (an inspection, a spending).
/// `what` names it in the message.
pub fn plan_year_date(
    errs: &mut FieldErrors,
    field: &str,
    what: &str,
    text: &str,
    today: Date,
) -> Option<Date> {
    match text.trim() {
        "" => {
            errs.push(field, format!("cần ghi {what}"));
            None
        }
        t => match validation::parse_date(t) {
            None => {
                errs.push(field, validation::date_problem(t));
                None
            }
            Some(d) if d > today => {
                errs.push(field, format!("{what} ở sau hôm nay"));
                None
            }
            Some(d) if d.year() != today.year() => {
                errs.push(
                    field,
                    format!("{what} không thuộc năm kế hoạch {}", today.year()),
                );
                None
            }
            Some(d) => Some(d),
        },
    }
}

/// An inspection of a site (kiểm tra): when, what was found, and the status it leaves.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewInspection {
    pub date: Date,
    pub finding: String,
    pub status: HazardStatus,
}

/// An inspection as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InspectionDraft {
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub finding: String,
    #[serde(default)]
    pub status: String,
}

impl InspectionDraft {
    /// The date in the plan's year and not after `today`, a finding, the status left.
    pub fn parse(&self, today: Date) -> Result<NewInspection, FieldErrors> {
        let mut errs = FieldErrors::default();
        let date = plan_year_date(&mut errs, "date", "ngày kiểm tra", &self.date, today);
        let finding = text_field(
            &mut errs,
            "finding",
            "kết quả kiểm tra",
            &self.finding,
            true,
        );
        let status = match HazardStatus::parse(&self.status) {
            Some(s) => Some(s),
            None => {
                errs.push("status", "cần chọn: chưa khắc phục hay đã khắc phục");
                None
            }
        };
        match (date, status) {
            (Some(date), Some(status)) if errs.is_empty() => Ok(NewInspection {
                date,
                finding,
                status,
            }),
            _ => Err(errs),
        }
    }
}

/// A site's status from its inspections (date, id, status): the latest inspection's (by date,
/// then the later entered), open when never inspected.
pub fn status_of(inspections: &[(Date, i64, HazardStatus)]) -> HazardStatus {
    inspections
        .iter()
        .max_by_key(|(d, id, _)| (*d, *id))
        .map(|(_, _, s)| *s)
        .unwrap_or(HazardStatus::Open)
}

impl Role {
    /// May see the hazard sites and their map (no child is named there): everyone of the
    /// commune; not the administrator, nor the province.
    pub fn reads_hazards(self) -> bool {
        !matches!(self, Role::Admin | Role::Province)
    }

    /// May record sites and inspections: the general services centre (V.3), the officer, and
    /// a village head for their own village (the scope is storage's).
    pub fn writes_hazards(self) -> bool {
        matches!(self, Role::Services | Role::Officer | Role::VillageHead)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn a_position_outside_vietnam_is_refused_by_field() {
        assert!(Position::parse("21,8012", "103.4").is_ok());
        let e = Position::parse("48.85", "2.35").unwrap_err();
        assert!(e
            .for_field("lat")
            .unwrap()
            .contains("ngoài lãnh thổ Việt Nam"));
        assert!(e.for_field("lon").unwrap().contains("kinh độ"));
        // Swapped.
        let e = Position::parse("103.4", "21.8").unwrap_err();
        assert!(e.for_field("lat").is_some() && e.for_field("lon").is_some());
        let e = Position::parse("abc", "").unwrap_err();
        assert!(e.for_field("lat").unwrap().contains("không phải số"));
        assert!(e.for_field("lon").unwrap().contains("cần ghi"));
        assert!(Position::parse("NaN", "inf").is_err());
        assert!(Position::parse("1e400", "103").is_err());
    }

    #[test]
    fn a_draft_reads_kind_and_measures_by_code_or_words() {
        let d = HazardDraft {
            village_id: "3".into(),
            kind: "giếng hở".into(),
            name: "Giếng nhà ông A".into(),
            lat: "21.8".into(),
            lon: "103.4".into(),
            measures: vec!["Nắp đậy".into(), "sign".into(), "cover".into()],
            note: String::new(),
        };
        let h = d.parse().unwrap();
        assert_eq!(h.kind, HazardKind::OpenWell);
        assert_eq!(h.measures, vec![Measure::Sign, Measure::Cover]);
        assert_eq!(h.position.lat_e6, 21_800_000);
        let bad = HazardDraft {
            measures: vec!["hàng rào tre".into()],
            lat: "30".into(),
            ..d
        };
        let e = bad.parse().unwrap_err();
        assert!(e.for_field("measures").is_some() && e.for_field("lat").is_some());
    }

    #[test]
    fn an_inspection_is_of_the_plan_year_and_not_in_the_future() {
        let today = day("2026-12-06");
        let ok = InspectionDraft {
            date: "15/03/2026".into(),
            finding: "Đã có rào".into(),
            status: "fixed".into(),
        };
        assert_eq!(ok.parse(today).unwrap().status, HazardStatus::Fixed);
        for d in ["15/03/2025", "07/12/2026"] {
            let e = InspectionDraft {
                date: d.into(),
                ..ok.clone()
            }
            .parse(today)
            .unwrap_err();
            assert!(e.for_field("date").is_some(), "{d}");
        }
    }

    #[test]
    fn the_status_is_the_latest_inspections() {
        assert_eq!(status_of(&[]), HazardStatus::Open);
        let s = status_of(&[
            (day("2026-05-01"), 1, HazardStatus::Fixed),
            (day("2026-03-01"), 2, HazardStatus::Open),
        ]);
        assert_eq!(s, HazardStatus::Fixed);
        let s = status_of(&[
            (day("2026-05-01"), 1, HazardStatus::Fixed),
            (day("2026-05-01"), 2, HazardStatus::Open),
        ]);
        assert_eq!(s, HazardStatus::Open);
    }
}
