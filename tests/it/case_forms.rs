//! The printable forms of Nghị định 56/2017 (Mẫu 01–06) for a case: as A4 pages and as DOCX
//! downloads, to those who may open the case only; a step not recorded yet answers 404 in words.
use crate::helpers::*;
use crate::pages::{page_login, Page};
use jiff::civil::{Date, DateTime};
use std::io::Read;
use treem_domain::case::*;
use treem_domain::register::{DobPrecision, Sex};
use treem_domain::role::{Actor, Role};
use treem_storage::{Accounts, Cases, Db};

const QUOC_HIEU: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
const TIEU_NGU: &str = "Độc lập - Tự do - Hạnh phúc";
const INFORMANT: &str = "Lò Văn Tín";
const CHILD: &str = "Giàng Thị Mai";
const PLACE: &str = "Nương ngô bản Pú Cai";
const RESPONSIBLE: &str = "Trạm Y tế xã Sính Phình";
const ATTENDEE: &str = "Vàng Thị Dợ";
const TITLES: [&str; 6] = [
    "BÁO CÁO TIẾP NHẬN THÔNG TIN TRẺ EM",
    "BÁO CÁO ĐÁNH GIÁ BAN ĐẦU VỀ MỨC ĐỘ TỔN HẠI VÀ NGUY CƠ ĐỐI VỚI TRẺ EM",
    "BÁO CÁO THU THẬP THÔNG TIN, ĐÁNH GIÁ NGUY CƠ CỤ THỂ",
    "KẾ HOẠCH HỖ TRỢ, CAN THIỆP",
    "QUYẾT ĐỊNH",
    "RÀ SOÁT, ĐÁNH GIÁ TÌNH TRẠNG CỦA TRẺ EM SAU KHI THỰC HIỆN KẾ HOẠCH HỖ TRỢ, CAN THIỆP",
];

fn dt(s: &str) -> DateTime {
    s.parse().unwrap()
}

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

/// The accounts of `seeded`, as storage actors (their usernames sign the forms).
fn user(role: Role) -> Actor {
    Actor {
        user_id: 0,
        username: role.as_str().into(),
        role,
        village_id: (role == Role::VillageHead).then_some(1),
    }
}

fn intake(informant: bool) -> EntryKind {
    EntryKind::Intake(Box::new(Intake {
        channel: Channel::VillageHead,
        received_at: dt("2026-03-02T08:40"),
        category: IntakeCategory::Abused,
        child: ChildRef::New(NewChild {
            full_name: CHILD.into(),
            sex: Sex::Female,
            date_of_birth: None,
            dob_precision: DobPrecision::Estimated,
            estimated_age: Some(9),
            village: None,
            description: String::new(),
        }),
        place: PLACE.into(),
        current_condition: "Có vết bầm tím ở tay".into(),
        predicted_consequence: "Tiếp tục bị đánh".into(),
        father: Some(Parent {
            full_name: "Giàng A Páo".into(),
            age: Some(38),
            occupation: "Làm nương".into(),
        }),
        mother: None,
        family_circumstances: String::new(),
        caregiver: None,
        actions_taken: String::new(),
        informant: informant.then(|| Informant {
            consent: true,
            full_name: INFORMANT.into(),
            phone: "0912 345 678".into(),
            address: "Bản Pú Cai".into(),
            note: String::new(),
        }),
    }))
}

/// Ratings Cao, Trung bình, Thấp, Thấp over the standard items.
fn ratings(r: [Rating; 4]) -> Vec<RatedItem> {
    STANDARD_ITEMS
        .iter()
        .zip(r)
        .map(|((code, _), rating)| RatedItem {
            item: code.to_string(),
            rating,
        })
        .collect()
}

fn steps_to_approval() -> Vec<(Role, EntryKind, &'static str)> {
    vec![
        (
            Role::Officer,
            EntryKind::InitialAssessment(InitialAssessment {
                ratings: ratings([Rating::High, Rating::Medium, Rating::Low, Rating::Low]),
                abuse_type: Some(AbuseType::Violence),
                sub_type: None,
                abuse_description: String::new(),
                level: ProtectionLevel::Intervention,
                serious_harm: false,
                summary: "Trẻ bị bố đánh".into(),
            }),
            "2026-03-02T10:00",
        ),
        (
            Role::Officer,
            EntryKind::SpecificAssessment(SpecificAssessment {
                information: "Đã gặp trẻ, gia đình, nhà trường".into(),
                ratings: Vec::new(),
                needs: vec!["Được khám và điều trị vết thương".into()],
                meeting: Meeting {
                    held_at: dt("2026-03-02T10:30"),
                    attendees: vec![Attendee {
                        name: ATTENDEE.into(),
                        position: "Công an xã".into(),
                    }],
                    minutes: "Thống nhất các nhu cầu".into(),
                },
            }),
            "2026-03-02T11:00",
        ),
        (
            Role::Officer,
            EntryKind::Plan(SupportPlan {
                objectives: vec!["Trẻ an toàn, được chăm sóc y tế".into()],
                measures: vec![Measure {
                    kind: MeasureKind::MedicalCare,
                    description: "Khám, điều trị vết thương".into(),
                    responsible: RESPONSIBLE.into(),
                    from: day("2026-03-03"),
                    to: day("2026-04-02"),
                    resources: "Ngân sách xã".into(),
                }],
            }),
            "2026-03-03T08:00",
        ),
        (
            Role::Officer,
            EntryKind::SubmitForApproval {
                note: "Dự thảo quyết định".into(),
            },
            "2026-03-03T09:00",
        ),
        (
            Role::Leader,
            EntryKind::Approve {
                decision_no: Some("34/QĐ-UBND".into()),
                note: String::new(),
            },
            "2026-03-04T09:00",
        ),
    ]
}

fn review() -> (Role, EntryKind, &'static str) {
    (
        Role::Officer,
        EntryKind::Review(Review {
            ratings: ratings([Rating::Low, Rating::Low, Rating::Medium, Rating::Low]),
            recovery: "Trẻ đã khỏi, đi học đều".into(),
            decision: ReviewDecision::Close,
            note: String::new(),
        }),
        "2026-04-06T09:00",
    )
}

/// A case reported by the village head, then `steps` (entry 2 onwards).
async fn case_with(db: &Db, informant: bool, steps: Vec<(Role, EntryKind, &str)>) -> i64 {
    let id = db
        .open_case(
            &user(Role::VillageHead),
            intake(informant),
            dt("2026-03-02T09:00"),
        )
        .await
        .unwrap();
    for (i, (role, kind, at)) in steps.into_iter().enumerate() {
        db.add_case_entry(&user(role), id, i as u32 + 1, kind, dt(at))
            .await
            .unwrap_or_else(|e| panic!("step {}: {e}", i + 2));
    }
    id
}

async fn full_case(db: &Db) -> i64 {
    let mut steps = steps_to_approval();
    steps.push(review());
    case_with(db, true, steps).await
}

async fn html(p: &Page, app: &TestApp, path: &str) -> (u16, String) {
    let r = p.get(app, path).await;
    (r.status().as_u16(), r.text().await.unwrap())
}

/// word/document.xml of a DOCX.
fn document_xml(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip file");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

#[tokio::test]
async fn every_form_prints_as_an_a4_page_filled_from_the_case() {
    let app = spawn_app().await;
    let id = full_case(&app.db).await;
    let o = page_login(&app, "officer", "password-officer").await;
    // Values of the case each form must show, and the signer's full name (never the login).
    let expect: [(&[&str], &str); 6] = [
        (
            &[
                "Mẫu số 01",
                "Trẻ em bị xâm hại",
                PLACE,
                "08 giờ 40 phút, ngày 02/03/2026",
                "khoảng 9 tuổi",
                "Giàng A Páo",
                INFORMANT,
                "0912 345 678",
                "Sính Phình, ngày 02 tháng 03 năm 2026",
                "NGƯỜI LẬP BÁO CÁO",
            ],
            test_signer(Role::VillageHead).0,
        ),
        (
            &[
                "Mẫu số 02",
                "Mức độ tổn hại đối với trẻ em",
                "Tổng số",
                "Bạo lực",
                "Can thiệp",
                "Trẻ bị bố đánh",
                "Sính Phình, ngày 02 tháng 03 năm 2026",
            ],
            test_signer(Role::Officer).0,
        ),
        (
            &[
                "Mẫu số 03",
                "Đã gặp trẻ, gia đình, nhà trường",
                "Được khám và điều trị vết thương",
                ATTENDEE,
                "Thống nhất các nhu cầu",
            ],
            test_signer(Role::Officer).0,
        ),
        (
            &[
                "Mẫu số 04",
                "Trẻ an toàn, được chăm sóc y tế",
                "Chăm sóc y tế: Khám, điều trị vết thương",
                RESPONSIBLE,
                "03/03/2026 – 02/04/2026",
                "Ngân sách xã",
                "Sính Phình, ngày 03 tháng 03 năm 2026",
                "NGƯỜI LẬP KẾ HOẠCH",
            ],
            test_signer(Role::Officer).0,
        ),
        (
            &[
                "Mẫu số 05",
                "Về việc phê duyệt kế hoạch hỗ trợ, can thiệp đối với trẻ em Giàng Thị Mai",
                "Số: 34/QĐ-UBND",
                "Nghị định số 56/2017/NĐ-CP",
                RESPONSIBLE,
                "TM. ỦY BAN NHÂN DÂN",
                "CHỦ TỊCH",
                "Nơi nhận:",
                "Sính Phình, ngày 04 tháng 03 năm 2026",
            ],
            test_signer(Role::Leader).0,
        ),
        (
            &[
                "Mẫu số 06",
                "Khả năng tự bảo vệ và phục hồi của trẻ em",
                "Trẻ đã khỏi, đi học đều",
                "kết thúc kế hoạch hỗ trợ, can thiệp",
                "Sính Phình, ngày 06 tháng 04 năm 2026",
            ],
            test_signer(Role::Officer).0,
        ),
    ];
    for (n, (values, signer)) in (1..=6).zip(expect) {
        let (status, page) = html(&o, &app, &format!("/cases/{id}/forms/{n}")).await;
        assert_eq!(status, 200, "Mẫu {n}: {page}");
        for v in [
            QUOC_HIEU,
            TIEU_NGU,
            "ỦY BAN NHÂN DÂN",
            "XÃ SÍNH PHÌNH",
            TITLES[n - 1],
        ]
        .iter()
        .chain(values)
        {
            assert!(page.contains(v), "Mẫu {n} lacks «{v}»");
        }
        assert!(page.contains(CHILD), "Mẫu {n}: the child");
        assert!(
            page.contains(&format!("<p class=\"sign-name\">{signer}</p>")),
            "Mẫu {n} is signed by {signer}"
        );
        for login in ["officer", "leader", "village_head"] {
            assert!(
                !page.contains(&format!("<p class=\"sign-name\">{login}</p>")),
                "Mẫu {n} is signed with the login {login}"
            );
        }
        assert!(page.contains("(Ký, ghi rõ họ tên)"), "Mẫu {n}");
        // The sheet's print style, the print button and the DOCX link.
        assert!(page.contains("/static/form.css") && page.contains("data-print"));
        assert!(page.contains(&format!("/cases/{id}/forms/{n}.docx")));
        // The informant's identity is on the report that recorded it, nowhere else.
        assert_eq!(page.contains(INFORMANT), n == 1, "Mẫu {n}: the informant");
    }
    // The rating tables count their column in the "Tổng số" row: 1 Cao, 1 TB, 2 Thấp on 02;
    // 0, 1, 3 on 06.
    let (_, m02) = html(&o, &app, &format!("/cases/{id}/forms/2")).await;
    assert!(
        m02.contains(
            "<tr class=\"total\"><td class=\"c\"></td><td>Tổng số</td><td class=\"c\">1</td><td class=\"c\">1</td><td class=\"c\">2</td></tr>"
        ),
        "{m02}"
    );
    let (_, m06) = html(&o, &app, &format!("/cases/{id}/forms/6")).await;
    assert!(m06.contains(
        "<td>Tổng số</td><td class=\"c\">0</td><td class=\"c\">1</td><td class=\"c\">3</td>"
    ));
    // The approved decision is no draft.
    let (_, m05) = html(&o, &app, &format!("/cases/{id}/forms/5")).await;
    assert!(!m05.contains("DỰ THẢO"));
    // The sheet prints on A4 with the margins of Nghị định 30/2020, without the site around it.
    let css = o.get(&app, "/static/form.css").await.text().await.unwrap();
    assert!(
        css.contains("@page{size:A4;margin:20mm 15mm 20mm 30mm}"),
        "{css}"
    );
    assert!(css.contains("Times New Roman"));
    assert!(css.contains("header.top,nav.main"));
    // The case page links every form and its DOCX.
    let (_, case_page) = html(&o, &app, &format!("/cases/{id}")).await;
    for n in 1..=6 {
        assert!(case_page.contains(&format!("href=\"/cases/{id}/forms/{n}\"")));
        assert!(case_page.contains(&format!("href=\"/cases/{id}/forms/{n}.docx\"")));
    }
    // The leader opens them too.
    let l = page_login(&app, "leader", "password-leader").await;
    assert_eq!(html(&l, &app, &format!("/cases/{id}/forms/5")).await.0, 200);
}

#[tokio::test]
async fn each_form_downloads_as_a_docx_on_a4_in_times_new_roman() {
    let app = spawn_app().await;
    let id = full_case(&app.db).await;
    let o = page_login(&app, "officer", "password-officer").await;
    let values = [
        PLACE,
        "Trẻ bị bố đánh",
        ATTENDEE,
        RESPONSIBLE,
        "34/QĐ-UBND",
        "Trẻ đã khỏi, đi học đều",
    ];
    for n in 1..=6usize {
        let r = o.get(&app, &format!("/cases/{id}/forms/{n}.docx")).await;
        assert_eq!(r.status(), 200, "Mẫu {n}");
        let h = |k: &str| {
            r.headers()
                .get(k)
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default()
        };
        assert_eq!(
            h("content-type"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
        assert_eq!(
            h("content-disposition"),
            format!("attachment; filename=\"mau-{n:02}-ho-so-{id}.docx\"")
        );
        assert_eq!(h("cache-control"), "no-store");
        let xml = document_xml(&r.bytes().await.unwrap());
        for v in [
            TITLES[n - 1],
            values[n - 1],
            QUOC_HIEU,
            TIEU_NGU,
            "XÃ SÍNH PHÌNH",
            CHILD,
            "Times New Roman",
            // A4, and the margins of Nghị định 30/2020: 20 mm, 15 mm, 20 mm, 30 mm.
            "w:pgSz w:w=\"11906\" w:h=\"16838\"",
            "w:top=\"1134\"",
            "w:right=\"850\"",
            "w:bottom=\"1134\"",
            "w:left=\"1701\"",
        ] {
            assert!(xml.contains(v), "Mẫu {n}: document.xml lacks «{v}»");
        }
        assert_eq!(xml.contains(INFORMANT), n == 1, "Mẫu {n}: the informant");
    }
    // The ratings and measures are tables.
    let r = o.get(&app, &format!("/cases/{id}/forms/4.docx")).await;
    let xml = document_xml(&r.bytes().await.unwrap());
    assert!(
        xml.matches("<w:tbl>").count() >= 3,
        "heading, measures, signature"
    );
    assert!(xml.contains("Người, cơ quan chịu trách nhiệm"));
}

#[tokio::test]
async fn forms_are_not_found_for_those_who_may_not_open_the_case() {
    let app = spawn_app().await;
    let id = full_case(&app.db).await;
    // The village head filed the report but sees only its receipt; unassigned police, the health
    // station, the province and the administrator do not see the case at all.
    for role in ["village_head", "police", "health", "province", "admin"] {
        let p = page_login(&app, role, &format!("password-{role}")).await;
        for path in [
            format!("/cases/{id}/forms/1"),
            format!("/cases/{id}/forms/4"),
            format!("/cases/{id}/forms/1.docx"),
            format!("/cases/{id}/forms/5.docx"),
        ] {
            let (status, body) = html(&p, &app, &path).await;
            assert_eq!(status, 404, "{role} {path}");
            assert!(
                !body.contains(CHILD) && !body.contains(PLACE),
                "{role} {path}"
            );
        }
    }
    // Not signed in: the login page.
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url(&format!("/cases/{id}/forms/1.docx")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    // A police officer assigned to the case opens its forms.
    app.db
        .add_case_entry(
            &user(Role::Officer),
            id,
            7,
            EntryKind::Assign {
                username: "police".into(),
                role: Role::Police,
            },
            dt("2026-04-06T10:00"),
        )
        .await
        .unwrap();
    let p = page_login(&app, "police", "password-police").await;
    let (status, page) = html(&p, &app, &format!("/cases/{id}/forms/4")).await;
    assert_eq!(status, 200);
    assert!(page.contains(RESPONSIBLE));
    assert_eq!(
        p.get(&app, &format!("/cases/{id}/forms/4.docx"))
            .await
            .status(),
        200
    );
    // No such form, no such case.
    let o = page_login(&app, "officer", "password-officer").await;
    for path in [
        format!("/cases/{id}/forms/0"),
        format!("/cases/{id}/forms/7"),
        format!("/cases/{id}/forms/7.docx"),
        format!("/cases/{id}/forms/abc"),
        format!("/cases/{id}/forms/1.pdf"),
        format!("/cases/{}/forms/1", id + 100),
    ] {
        assert_eq!(o.get(&app, &path).await.status(), 404, "{path}");
    }
}

#[tokio::test]
async fn a_form_whose_step_is_not_recorded_answers_404_saying_so() {
    let app = spawn_app().await;
    // Reported only, without the informant's identity.
    let id = case_with(&app.db, false, Vec::new()).await;
    let o = page_login(&app, "officer", "password-officer").await;
    let (status, m01) = html(&o, &app, &format!("/cases/{id}/forms/1")).await;
    assert_eq!(status, 200);
    assert!(m01.contains(PLACE) && !m01.contains(INFORMANT));
    assert!(m01.contains("chỉ được ghi khi người báo tin đồng ý"));
    for n in 2..=6 {
        let (status, page) = html(&o, &app, &format!("/cases/{id}/forms/{n}")).await;
        assert_eq!(status, 404, "Mẫu {n}");
        assert!(
            page.contains(&format!("Chưa in được Mẫu số {n:02}"))
                && page.contains("bước này chưa được ghi"),
            "Mẫu {n}: {page}"
        );
        assert_eq!(
            o.get(&app, &format!("/cases/{id}/forms/{n}.docx"))
                .await
                .status(),
            404,
            "Mẫu {n}.docx"
        );
    }
    // The case page offers only what can be printed.
    let (_, case_page) = html(&o, &app, &format!("/cases/{id}")).await;
    assert!(case_page.contains(&format!("href=\"/cases/{id}/forms/1\"")));
    assert!(!case_page.contains(&format!("/cases/{id}/forms/2")));
}

#[tokio::test]
async fn the_decision_is_a_draft_until_the_leader_approves() {
    let app = spawn_app().await;
    let mut steps = steps_to_approval();
    steps.pop(); // submitted, not yet approved
    let id = case_with(&app.db, true, steps).await;
    let o = page_login(&app, "officer", "password-officer").await;
    let (status, m05) = html(&o, &app, &format!("/cases/{id}/forms/5")).await;
    assert_eq!(status, 200);
    assert!(m05.contains("DỰ THẢO") && m05.contains("Số: …/QĐ-UBND"));
    assert!(!m05.contains("34/QĐ-UBND") && m05.contains(RESPONSIBLE));
    // Dated the day it was submitted, unsigned.
    assert!(m05.contains("Sính Phình, ngày 03 tháng 03 năm 2026"));
    assert!(m05.contains("<p class=\"sign-name\"></p>"));
    let xml = document_xml(
        &o.get(&app, &format!("/cases/{id}/forms/5.docx"))
            .await
            .bytes()
            .await
            .unwrap(),
    );
    assert!(xml.contains("DỰ THẢO"));
    assert_eq!(
        html(&o, &app, &format!("/cases/{id}/forms/6")).await.0,
        404,
        "no review yet"
    );
}

/// The officer's position is printed above the name; an account made before names were asked
/// signs with its login until one is set; a vice-chairman signs the decision "KT. CHỦ TỊCH".
#[tokio::test]
async fn forms_sign_with_the_full_name_and_position_and_fall_back_to_the_login() {
    let app = spawn_app().await;
    let id = full_case(&app.db).await;
    let o = page_login(&app, "officer", "password-officer").await;
    let (_, m04) = html(&o, &app, &format!("/cases/{id}/forms/4")).await;
    assert!(m04.contains("<p class=\"sign-title\">CÔNG CHỨC VĂN HÓA - XÃ HỘI</p>"));
    assert!(m04.contains("<p class=\"sign-name\">Lù Thị Hoa</p>"));
    // Mẫu 04's last paragraph and its signature are kept together on the page and in Word.
    assert!(m04.contains("<div class=\"keep-with-sign\">"));
    let xml = document_xml(
        &o.get(&app, &format!("/cases/{id}/forms/4.docx"))
            .await
            .bytes()
            .await
            .unwrap(),
    );
    let sign = xml.find("NGƯỜI LẬP KẾ HOẠCH").unwrap();
    let before = &xml[..sign];
    let last_para = before.rfind("báo cáo Chủ tịch Ủy ban nhân dân xã").unwrap();
    let para_start = before[..last_para].rfind("<w:pPr>").unwrap();
    assert!(
        before[para_start..last_para].contains("<w:keepNext"),
        "the closing paragraph keeps with the signature"
    );
    let row = before.rfind("<w:tr>").unwrap();
    assert!(
        before[row..].contains("<w:cantSplit"),
        "the signature row does not split"
    );
    // A vice-chairman approves: the decision is signed for the chairman.
    let admin = actor(Role::Admin, None);
    let leader = app
        .db
        .users(&admin)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == "leader")
        .unwrap();
    app.db
        .set_signer(&admin, leader.id, "Giàng A Dơ", "Phó Chủ tịch")
        .await
        .unwrap();
    let (_, m05) = html(&o, &app, &format!("/cases/{id}/forms/5")).await;
    assert!(
        m05.contains("<p class=\"sign-title\">KT. CHỦ TỊCH</p>"),
        "{m05}"
    );
    assert!(m05.contains("<p class=\"sign-title\">PHÓ CHỦ TỊCH</p>"));
    // An account without a name yet (made before migration 0011) signs with its login.
    let officer = app
        .db
        .users(&admin)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == "officer")
        .unwrap();
    app.db
        .raw_execute(&format!(
            "UPDATE app_user SET full_name = '', position = '' WHERE id = {}",
            officer.id
        ))
        .await
        .unwrap();
    let (_, m02) = html(&o, &app, &format!("/cases/{id}/forms/2")).await;
    assert!(m02.contains("<p class=\"sign-name\">officer</p>"), "{m02}");
}
