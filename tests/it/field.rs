//! Pages for the people in the field (issue 18): cases name the child, case steps carry what
//! was entered, codes shown as words, honest charts, empty states and the growth lists.
use crate::cases::intake;
use crate::helpers::*;
use crate::pages::{page_login, Page};
use treem_domain::case::{ChildRef, EntryKind};
use treem_storage::{Cases, Register};

fn now() -> jiff::civil::DateTime {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .datetime()
}

async fn login(app: &TestApp, role: &str) -> Page {
    page_login(app, role, &format!("password-{role}")).await
}

async fn html(app: &TestApp, p: &Page, path: &str) -> (u16, String) {
    let r = p.get(app, path).await;
    (r.status().as_u16(), r.text().await.unwrap())
}

/// A case reported by the village head about a child of the register; returns (case, child).
async fn case_about_registered_child(app: &TestApp, name: &str, village: &str) -> (i64, i64) {
    let child_id = app
        .db
        .create_child(&officer(), &child(name, village))
        .await
        .unwrap()
        .id;
    let EntryKind::Intake(mut i) = intake(now(), "Trẻ ở nhà một mình") else {
        unreachable!()
    };
    i.child = ChildRef::Registered { child_id };
    let id = app
        .db
        .open_case(&officer(), EntryKind::Intake(i), now())
        .await
        .unwrap();
    (id, child_id)
}

#[tokio::test]
async fn cases_name_the_child_and_village_to_those_who_may_read_them() {
    let app = spawn_app().await;
    let (id, child_id) = case_about_registered_child(&app, "Vàng Thị Sua", "SP02").await;
    let officer = login(&app, "officer").await;
    let (status, list) = html(&app, &officer, "/cases").await;
    assert_eq!(status, 200);
    assert!(
        list.contains("Vàng Thị Sua (thôn Làng Vùa)"),
        "the case list names the child and village: {list}"
    );
    assert!(!list.contains(&format!("trẻ số {child_id}")));
    let (_, home) = html(&app, &officer, "/").await;
    assert!(home.contains("Vàng Thị Sua"), "the home page's open cases");
    let (_, page) = html(&app, &officer, &format!("/cases/{id}")).await;
    assert!(
        page.contains("Vàng Thị Sua (thôn Làng Vùa)"),
        "the case page: {page}"
    );
    assert!(!page.contains(&format!("trẻ số {child_id}")));
    let leader = login(&app, "leader").await;
    let (_, list) = html(&app, &leader, "/cases").await;
    assert!(list.contains("Vàng Thị Sua"));

    // Those who may not read cases are still refused, and learn no name.
    for role in ["village_head", "admin", "services", "province", "health"] {
        let p = login(&app, role).await;
        let (status, body) = html(&app, &p, "/cases").await;
        assert!(
            status == 403 || !body.contains("Vàng Thị Sua"),
            "{role}: {status}"
        );
        let (_, home) = html(&app, &p, "/").await;
        assert!(!home.contains(&format!("/cases/{id}\"")), "{role}'s home");
        let (status, page) = html(&app, &p, &format!("/cases/{id}")).await;
        assert!(
            !page.contains("Vàng Thị Sua"),
            "{role} opens no case ({status})"
        );
    }
    let p = login(&app, "village_head").await;
    assert_eq!(html(&app, &p, "/cases").await.0, 403);
}
