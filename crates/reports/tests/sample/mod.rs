//! A realistic approved 6-month report of Sính Phình for tests and the benchmark: the seed
//! plan's 28 targets, register figures with breakdowns by village, sex, ethnic group and age
//! band, five agency sections and a vice-chairman's approval. Shared by path (the crate's unit
//! tests, tests/it and the benchmark example) so every one reads the same report.
#![allow(dead_code)]
use treem_domain::age::AgeBand;
use treem_domain::indicator::{Breakdown, Cell, Figure, TargetResult, TargetStatus};
use treem_domain::report::{Approval, Commune, FrozenFigure, FrozenReport, SectionText};
use treem_domain::sex::Sex;
use treem_domain::Date;

/// (number, measure, plan value in words, agency code) as in the seed plan.
pub const TARGETS: [(u16, &str, &str, &str); 28] = [
    (1, "Xã đạt tiêu chuẩn xã phù hợp với trẻ em", "đạt chuẩn", "health"),
    (2, "Tỷ lệ trẻ em đến 8 tuổi được tiếp cận các dịch vụ hỗ trợ chăm sóc phát triển toàn diện", "phấn đấu 80 %", "services"),
    (3, "Tỷ suất tử vong trẻ sơ sinh trên 1.000 trẻ đẻ sống", "phấn đấu 2,9 ‰", "police"),
    (4, "Tỷ suất tử vong trẻ em dưới 1 tuổi trên 1.000 trẻ đẻ sống", "phấn đấu 26,4 ‰", "officer"),
    (5, "Tỷ suất tử vong trẻ em dưới 5 tuổi trên 1.000 trẻ đẻ sống", "phấn đấu 35,2 ‰", "front"),
    (6, "Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể cân nặng theo tuổi (nhẹ cân)", "phấn đấu 14,9 %", "health"),
    (7, "Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể chiều cao theo tuổi (thấp còi)", "phấn đấu 30,9 %", "services"),
    (9, "Tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ 8 loại vắc xin", "phấn đấu 95,18 %", "police"),
    (10, "Tỷ lệ trẻ em dưới 5 tuổi được tiêm chủng đầy đủ 12 loại vắc xin", "phấn đấu 95 %", "officer"),
    (11, "Tỷ lệ lây truyền HIV từ mẹ sang con", "phấn đấu 2 %", "front"),
    (12, "Tỷ lệ cơ sở giáo dục cho trẻ em có công trình vệ sinh", "phấn đấu 100 %", "health"),
    (13, "Tỷ lệ trẻ em có hoàn cảnh đặc biệt", "phấn đấu 4,5 %", "services"),
    (14, "Tỷ lệ trẻ em có hoàn cảnh đặc biệt được chăm sóc, nuôi dưỡng, trợ giúp", "phấn đấu 100 %", "police"),
    (15, "Tỷ suất trẻ em bị tai nạn thương tích trên 100.000 trẻ em", "phấn đấu 100/100.000", "officer"),
    (16, "Tỷ lệ trẻ em bị xâm hại, lạm dụng, bóc lột khi phát hiện được can thiệp, hỗ trợ và xử lý", "phấn đấu 100 %", "front"),
    (17, "Tỷ lệ trẻ em gặp thiên tai, thảm họa khi phát hiện được cứu trợ, hỗ trợ kịp thời", "phấn đấu 100 %", "health"),
    (18, "Số cuộc tảo hôn trong năm", "phấn đấu 1", "services"),
    (19, "Tỷ lệ trẻ em dưới 5 tuổi được đăng ký khai sinh", "phấn đấu 100 %", "police"),
    (20, "Tỷ lệ trẻ em dưới 5 tuổi được phát triển phù hợp về sức khỏe, học tập và tâm lý xã hội", "phấn đấu 80 %", "officer"),
    (21, "Tỷ lệ huy động trẻ em 5 tuổi đi học mẫu giáo", "phấn đấu 100 %", "front"),
    (22, "Tỷ lệ trẻ em hoàn thành cấp tiểu học", "phấn đấu 100 %", "health"),
    (23, "Tỷ lệ trẻ em hoàn thành cấp trung học cơ sở", "phấn đấu 92 %", "services"),
    (24, "Tỷ lệ trường học có hỗ trợ tâm lý trẻ em", "phấn đấu 100 %", "police"),
    (25, "Tỷ lệ trường học có cơ sở hạ tầng và tài liệu phù hợp với học sinh khuyết tật", "phấn đấu 30 %", "officer"),
    (26, "Tỷ lệ thôn có điểm văn hóa, vui chơi dành cho trẻ em", "phấn đấu 100 %", "front"),
    (27, "Tỷ lệ trẻ em từ 7 tuổi trở lên được hỏi ý kiến về các vấn đề của trẻ em", "phấn đấu 80 %", "health"),
    (28, "Tỷ lệ trẻ em được nâng cao nhận thức, năng lực về quyền tham gia của trẻ em", "phấn đấu 80 %", "services"),
    (29, "Tỷ lệ trẻ em từ 11 tuổi trở lên được tham gia vào các mô hình, hoạt động thúc đẩy quyền tham gia của trẻ em", "phấn đấu 80 %", "police"),
];

/// The agencies of the seed plan that own targets, in the plan's order.
pub const AGENCIES: [(&str, &str); 5] = [
    ("officer", "Phòng Văn hóa - Xã hội"),
    ("services", "Trung tâm dịch vụ tổng hợp"),
    ("health", "Trạm Y tế xã"),
    ("police", "Công an xã"),
    (
        "front",
        "Ủy ban Mặt trận Tổ quốc Việt Nam xã và các tổ chức Chính trị - Xã hội",
    ),
];

/// The 18 villages' codes (SP01–SP18) and names.
pub fn village_name(code: &str) -> String {
    const NAMES: [&str; 18] = [
        "Sính Phình",
        "Tả Phình",
        "Pu Cai",
        "Phình Giàng",
        "Háng Sua",
        "Trung Dình",
        "Pa Cà",
        "Hồng Lực",
        "Cáng Chua",
        "Đề Chia",
        "Chua Ca",
        "Tà Sình",
        "Sính Trồng",
        "Hừ Chua",
        "Lồng Chuyền",
        "Tả Giang",
        "Nà Hắt",
        "Ma Lù Thàng",
    ];
    code.strip_prefix("SP")
        .and_then(|n| n.parse::<usize>().ok())
        .and_then(|n| NAMES.get(n.wrapping_sub(1)))
        .map(|n| format!("Thôn {n}"))
        .unwrap_or_default()
}

fn date(y: i16, m: i8, d: i8) -> Date {
    Date::new(y, m, d).expect("a real day")
}

fn cell(n: u64, d: u64) -> Cell {
    Cell {
        numerator: n,
        denominator: d,
        value: (d > 0).then(|| n as f64 / d as f64 * 100.0),
    }
}

/// A register figure's breakdown: `n` of `d` spread over 18 villages, both sexes, three
/// ethnic groups and the age bands.
fn breakdown(n: u64, d: u64) -> Breakdown {
    let share = |k: u64, parts: u64, i: u64| k / parts + u64::from(i < k % parts);
    Breakdown {
        by_village: (0..18)
            .map(|i| {
                (
                    format!("SP{:02}", i + 1),
                    cell(share(n, 18, i), share(d, 18, i)),
                )
            })
            .collect(),
        by_sex: [Sex::Male, Sex::Female]
            .into_iter()
            .enumerate()
            .map(|(i, s)| (s, cell(share(n, 2, i as u64), share(d, 2, i as u64))))
            .collect(),
        by_ethnicity: [Some(8u8), Some(3), None]
            .into_iter()
            .enumerate()
            .map(|(i, e)| (e, cell(share(n, 3, i as u64), share(d, 3, i as u64))))
            .collect(),
        by_age_band: [AgeBand::Under5, AgeBand::From5To10, AgeBand::From11To15]
            .into_iter()
            .enumerate()
            .map(|(i, b)| (b, cell(share(n, 3, i as u64), share(d, 3, i as u64))))
            .collect(),
    }
}

fn figure(i: usize, number: u16, plan_value: &str) -> TargetResult {
    let (n, d, breakdown_too) = match number {
        // Target 9: 245 of 258 children under one fully vaccinated.
        9 => (245.0, 258.0, true),
        1 => (1.0, 1.0, false),
        18 => (0.0, 0.0, false),
        _ => (
            150.0 + i as f64 * 3.0,
            300.0 + i as f64,
            i.is_multiple_of(2),
        ),
    };
    let scale = if plan_value.contains('‰') {
        1_000.0
    } else if plan_value.contains("100.000") {
        100_000.0
    } else {
        100.0
    };
    let value = match number {
        1 => Some(1.0),
        18 => Some(0.0),
        _ => Some(n / d * scale),
    };
    let status = match i % 4 {
        0 | 1 => TargetStatus::Met,
        2 => TargetStatus::NotMet,
        _ => TargetStatus::AtRisk,
    };
    TargetResult {
        number,
        figure: Figure {
            numerator: (number != 18).then_some(n),
            denominator: (number != 18).then_some(d),
            value,
            ..Figure::default()
        },
        secondary: None,
        status: if number == 9 {
            TargetStatus::NotMet
        } else {
            status
        },
        trend: None,
        breakdown: if breakdown_too {
            breakdown(n as u64, d as u64)
        } else {
            Breakdown::default()
        },
        note: None,
        related: Vec::new(),
    }
}

/// The demo-like 6-month report, approved on 28/05/2026 as "Số: 12/BC-UBND".
pub fn six_month_report() -> FrozenReport {
    let agency_name = |code: &str| {
        AGENCIES
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, n)| n.to_string())
            .unwrap_or_default()
    };
    FrozenReport {
        id: 1,
        kind: "six_month".into(),
        kind_name: "Báo cáo định kỳ 6 tháng".into(),
        year: 2026,
        period: treem_domain::date::Period::new(date(2026, 1, 1), date(2026, 6, 30)),
        as_of: date(2026, 5, 27),
        number: "12".into(),
        symbol: "BC-UBND".into(),
        commune: Commune {
            code: "03214".into(),
            name: "Sính Phình".into(),
            province: "Điện Biên".into(),
        },
        issuer: "UBND xã Sính Phình".into(),
        receivers: vec![
            "Sở Y tế tỉnh Điện Biên".into(),
            "Thường trực Đảng ủy, HĐND xã".into(),
            "Chủ tịch, các Phó Chủ tịch UBND xã".into(),
        ],
        title: "Kết quả thực hiện công tác bảo vệ trẻ em 6 tháng đầu năm 2026".into(),
        figures: TARGETS
            .iter()
            .enumerate()
            .map(|(i, (number, measure, plan_value, agency))| FrozenFigure {
                target: *number,
                measure: measure.to_string(),
                plan_value: plan_value.to_string(),
                agency: agency_name(agency),
                agency_codes: vec![agency.to_string()],
                source: "Sổ theo dõi trẻ em".into(),
                result: figure(i, *number, plan_value),
            })
            .collect(),
        sections: AGENCIES
            .iter()
            .map(|(code, name)| SectionText {
                agency: code.to_string(),
                agency_name: name.to_string(),
                done: format!(
                    "{name} đã triển khai các hoạt động theo Kế hoạch số 05/KH-UBND, phối hợp với \
                     các thôn rà soát, cập nhật thông tin trẻ em trên địa bàn."
                ),
                results: "Các chỉ tiêu được giao cơ bản đạt tiến độ 6 tháng.".into(),
                difficulties: "Địa bàn rộng, giao thông đi lại khó khăn vào mùa mưa.".into(),
                proposals: if *code == "health" {
                    "Đề nghị Sở Y tế bổ sung vắc xin cho đợt tiêm chủng tháng 7.".into()
                } else {
                    String::new()
                },
                submitted_by: Some(code.to_string()),
                submitted_at: Some("2026-05-20T08:00:00Z".into()),
                lines: if *code == "officer" {
                    vec![treem_domain::report::WorkLine {
                        label: "Trẻ em được hỗ trợ".into(),
                        value: "12 em, 15 lượt hỗ trợ, tổng giá trị 1.234.567 đ".into(),
                    }]
                } else {
                    Vec::new()
                },
            })
            .collect(),
        approved: Approval {
            login: "leader".into(),
            full_name: "Lò Văn Minh".into(),
            position: "Phó Chủ tịch".into(),
            at: "2026-05-28T09:30:00Z".into(),
            date: date(2026, 5, 28),
        },
        amends: None,
        changes: Vec::new(),
        audit_head: "ab".repeat(32),
    }
}
