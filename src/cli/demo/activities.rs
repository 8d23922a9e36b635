//! The demo commune's year of the plan's work (issue 17, items 2–5): communication events
//! (monthly loudspeaker broadcasts, the Month of Action, 01/06, Mid-Autumn, school sessions),
//! children's consultations, clubs and a commune forum with recommendations and answers
//! (targets 27–29 computed from their participants), trainings, inspections, the steering
//! board's meetings, and the directory of services with the villages' play places (target
//! 26). Deterministic from the seed; only dates up to today.
use super::Draw;
use anyhow::Result;
use jiff::civil::{date, Date};
use treem_domain::activity::directory::{Category, NewEntry};
use treem_domain::activity::*;
use treem_domain::indicator::Known;
use treem_storage::{ActivityLog, Actor, Db, Register};

fn blank(kind: ActivityKind, day: Date, title: &str) -> NewActivity {
    NewActivity {
        kind,
        date: day,
        village_id: None,
        title: title.into(),
        channel: None,
        occasion: None,
        form: None,
        level: None,
        audience: Audience::default(),
        materials: 0,
        details: String::new(),
        agency: "Phòng Văn hóa - Xã hội".into(),
        children: Vec::new(),
        recommendations: Vec::new(),
    }
}

/// A drawn audience whose counts add up.
fn audience(d: &mut Draw, children: u32, adults: u32) -> Audience {
    let total = children / 2 + (d.next() % (children as u64 + 1)) as u32;
    let girls = total / 2 + (d.next() % 3) as u32 % (total / 2 + 1);
    let girls = girls.min(total);
    let a05 = total / 5;
    let a610 = total * 2 / 5;
    Audience {
        girls,
        boys: total - girls,
        total,
        age_0_5: a05,
        age_6_10: a610,
        age_11_15: total - a05 - a610,
        minority: total * 9 / 10,
        adults: adults / 2 + (d.next() % (adults as u64 + 1)) as u32,
    }
}

fn age_on(dob: Date, on: Date) -> i16 {
    let mut a = on.year() - dob.year();
    if (on.month(), on.day()) < (dob.month(), dob.day()) {
        a -= 1;
    }
    a
}

pub(super) async fn seed_activities(db: &Db, seed: u64, today: Date) -> Result<()> {
    let system = Actor::system();
    let year = today.year();
    let villages = db.villages(&system).await?;
    let register = db.register_for_figures(&system, Known::Now).await?;
    let mut d = Draw::new(0xAC71_0001, seed);
    let mut items: Vec<NewActivity> = Vec::new();
    let on = |m: i8, day: i8| date(year, m, day);

    // Loudspeaker broadcasts each month, commune-wide.
    for m in 1..=12i8 {
        let mut a = blank(
            ActivityKind::Event,
            on(m, 10),
            "Tuyên truyền Luật Trẻ em, phòng chống xâm hại, đuối nước",
        );
        a.channel = Some(Channel::Loudspeaker);
        a.audience.adults = 400 + (d.next() % 200) as u32;
        a.agency = "Trung tâm dịch vụ tổng hợp".into();
        items.push(a);
    }
    // The Month of Action, 01/06 and Mid-Autumn in each village; school sessions.
    for (i, v) in villages.iter().enumerate() {
        let mut a = blank(
            ActivityKind::Event,
            on(6, 5 + (i % 20) as i8),
            "Tháng hành động vì trẻ em: phòng chống tai nạn, thương tích, đuối nước",
        );
        a.village_id = Some(v.id);
        a.channel = Some(Channel::VillageMeeting);
        a.occasion = Some(Occasion::MonthOfAction);
        a.audience = audience(&mut d, 40, 60);
        a.materials = 30 + (d.next() % 40) as u32;
        items.push(a);
        let mut a = blank(
            ActivityKind::Event,
            on(9, 25),
            "Vui Tết Trung thu cho trẻ em",
        );
        a.village_id = Some(v.id);
        a.channel = Some(Channel::VillageMeeting);
        a.occasion = Some(Occasion::MidAutumn);
        a.audience = audience(&mut d, 80, 30);
        a.agency = "Đoàn Thanh niên xã".into();
        items.push(a);
    }
    let mut a = blank(
        ActivityKind::Event,
        on(6, 1),
        "Mít tinh hưởng ứng Ngày Quốc tế thiếu nhi 01/06",
    );
    a.channel = Some(Channel::VillageMeeting);
    a.occasion = Some(Occasion::ChildrensDay);
    a.audience = audience(&mut d, 300, 100);
    a.materials = 200;
    items.push(a);
    for (m, title) in [
        (3, "Kỹ năng tự bảo vệ, phòng chống xâm hại"),
        (10, "An toàn trên môi trường mạng"),
        (11, "Phòng chống tảo hôn"),
    ] {
        let mut a = blank(ActivityKind::Event, on(m, 15), title);
        a.channel = Some(Channel::SchoolSession);
        a.audience = audience(&mut d, 250, 10);
        a.materials = 150;
        items.push(a);
    }
    let mut a = blank(
        ActivityKind::Event,
        on(8, 20),
        "Bài viết về chăm sóc trẻ em trên trang của xã",
    );
    a.channel = Some(Channel::SocialMedia);
    a.audience.adults = 900;
    items.push(a);

    // Forums: per village a consultation (7+) and a club (11+), then a commune forum.
    let present: Vec<_> = register
        .iter()
        .filter(|c| c.moved_out.is_none() && c.died_on.is_none())
        .collect();
    for (i, v) in villages.iter().enumerate() {
        let here: Vec<_> = present
            .iter()
            .filter(|c| c.village.as_str() == v.code)
            .collect();
        let pick = |d: &mut Draw, min: i16, share: f64, day: Date| -> Vec<i64> {
            here.iter()
                .filter(|c| {
                    c.date_of_birth
                        .is_some_and(|b| (min..16).contains(&age_on(b, day)))
                })
                .filter(|_| d.unit() < share)
                .map(|c| c.id)
                .take(CHILDREN_PER_ACTIVITY)
                .collect()
        };
        let day = on(3, 10 + (i % 15) as i8);
        let mut a = blank(
            ActivityKind::Forum,
            day,
            "Hỏi ý kiến trẻ em về an toàn đường đến trường",
        );
        a.village_id = Some(v.id);
        a.form = Some(ForumForm::Consultation);
        a.level = Some(ForumLevel::Village);
        a.children = pick(&mut d, 7, 0.78, day);
        items.push(a);
        let day = on(4, 8 + (i % 15) as i8);
        let mut a = blank(
            ActivityKind::Forum,
            day,
            "Câu lạc bộ quyền tham gia của trẻ em",
        );
        a.village_id = Some(v.id);
        a.form = Some(ForumForm::Club);
        a.level = Some(ForumLevel::Village);
        a.children = pick(&mut d, 11, 0.83, day);
        items.push(a);
        let day = on(10, 5 + (i % 20) as i8);
        let mut a = blank(
            ActivityKind::Forum,
            day,
            "Sinh hoạt về quyền tham gia của trẻ em",
        );
        a.village_id = Some(v.id);
        a.form = Some(ForumForm::Awareness);
        a.level = Some(ForumLevel::Village);
        a.children = pick(&mut d, 4, 0.5, day);
        items.push(a);
    }
    let day = on(5, 28);
    let mut a = blank(
        ActivityKind::Forum,
        day,
        "Diễn đàn trẻ em xã Sính Phình: Trẻ em với phòng chống đuối nước",
    );
    a.form = Some(ForumForm::Forum);
    a.level = Some(ForumLevel::Commune);
    a.agency = "Văn phòng HĐND - UBND xã".into();
    a.children = present
        .iter()
        .filter(|c| {
            c.date_of_birth
                .is_some_and(|b| (11..16).contains(&age_on(b, day)))
        })
        .filter(|_| d.unit() < 0.03)
        .map(|c| c.id)
        .collect();
    a.recommendations = vec![
        Recommendation {
            text: "Rào chắn ao hồ gần đường đi học".into(),
            answer: Answer::Met,
            reason: String::new(),
            agency: "UBND xã".into(),
        },
        Recommendation {
            text: "Mở lớp dạy bơi cho trẻ em vào hè".into(),
            answer: Answer::Considering,
            reason: String::new(),
            agency: "Trung tâm dịch vụ tổng hợp".into(),
        },
        Recommendation {
            text: "Xây bể bơi ở trung tâm xã".into(),
            answer: Answer::NotPossible,
            reason: "Chưa có kinh phí trong năm 2026".into(),
            agency: "Phòng Kinh tế".into(),
        },
    ];
    items.push(a);

    // Trainings, inspections, the steering board's meetings.
    for (m, title, topics) in [
        (
            3,
            "Tập huấn kỹ năng bảo vệ trẻ em cho cộng tác viên thôn",
            "Luật Trẻ em 2016; Nghị định 56/2017; nhận biết, báo tin trẻ bị xâm hại",
        ),
        (
            7,
            "Tập huấn phòng chống đuối nước cho cha mẹ",
            "Sơ cứu đuối nước; trông giữ trẻ mùa mưa",
        ),
        (
            9,
            "Tập huấn ghi sổ theo dõi trẻ em cho trưởng thôn",
            "Ghi sổ; báo cáo 6 tháng",
        ),
    ] {
        let mut a = blank(ActivityKind::Training, on(m, 18), title);
        a.audience.adults = 25 + (d.next() % 20) as u32;
        a.details = topics.into();
        items.push(a);
    }
    for (m, title, findings) in [
        (
            4,
            "Điểm trường mầm non thôn Sính Phình",
            "Cổng trường chưa có khóa; đã đề nghị khắc phục trong tháng 5",
        ),
        (
            8,
            "Nhà văn hóa các thôn (điểm vui chơi cho trẻ em)",
            "Hai thôn chưa có đồ chơi an toàn",
        ),
    ] {
        let mut a = blank(ActivityKind::Inspection, on(m, 22), title);
        a.details = findings.into();
        a.agency = "Ban chỉ đạo công tác trẻ em xã".into();
        items.push(a);
    }
    for m in [1, 4, 7, 10] {
        let mut a = blank(
            ActivityKind::BoardMeeting,
            on(m, 28),
            "Họp Ban chỉ đạo công tác trẻ em xã: sơ kết quý",
        );
        a.audience.adults = 9;
        a.details = "Thống nhất phân công các thôn; đôn đốc báo cáo".into();
        a.agency = "UBND xã".into();
        items.push(a);
    }
    for a in items.iter().filter(|a| a.date <= today) {
        db.add_activity(&system, a, None).await?;
    }

    // The directory.
    let entry =
        |category, name: &str, village_id: Option<i64>, phone: &str, contact: &str| NewEntry {
            category,
            name: name.into(),
            village_id,
            address: String::new(),
            phone: phone.into(),
            contact: contact.into(),
            note: String::new(),
        };
    let mut entries = vec![
        entry(
            Category::Hotline,
            "Tổng đài điện thoại quốc gia bảo vệ trẻ em",
            None,
            "111",
            "Miễn phí, 24/7",
        ),
        entry(
            Category::TrustedAddress,
            "Nhà bà Lý Thị Mỷ, thôn Sính Phình",
            None,
            "0912 000 111",
            "Lý Thị Mỷ",
        ),
        entry(
            Category::Shelter,
            "Trung tâm Công tác xã hội tỉnh Điện Biên",
            None,
            "0215 000 222",
            "Phòng tiếp nhận",
        ),
        entry(
            Category::LegalAid,
            "Trung tâm Trợ giúp pháp lý nhà nước tỉnh Điện Biên",
            None,
            "0215 000 333",
            "Trợ giúp viên pháp lý",
        ),
        entry(
            Category::Health,
            "Trạm Y tế xã Sính Phình",
            None,
            "0215 000 444",
            "Trưởng trạm",
        ),
        entry(
            Category::Psychosocial,
            "Phòng tham vấn, Trung tâm Công tác xã hội tỉnh",
            None,
            "0215 000 555",
            "Cán bộ tham vấn",
        ),
        entry(
            Category::Police,
            "Công an xã Sính Phình",
            None,
            "0215 000 666",
            "Trực ban",
        ),
        entry(
            Category::BoardMember,
            "Trưởng ban: Phó Chủ tịch UBND xã",
            None,
            "0915 000 001",
            "Nguyễn Công Trứ",
        ),
        entry(
            Category::BoardMember,
            "Phó trưởng ban: Trưởng phòng Văn hóa - Xã hội",
            None,
            "0915 000 002",
            "",
        ),
    ];
    for (i, v) in villages.iter().enumerate() {
        entries.push(entry(
            Category::Collaborator,
            &format!("Cộng tác viên {}", v.name),
            Some(v.id),
            "",
            "",
        ));
        // Two villages of every nine have no play place yet.
        if i % 9 != 4 && i % 9 != 7 {
            entries.push(entry(
                Category::PlayPlace,
                &format!("Nhà văn hóa {}", v.name),
                Some(v.id),
                "",
                "",
            ));
        }
    }
    for e in &entries {
        db.add_service_entry(&system, e).await?;
    }
    Ok(())
}
