//! A village head with no signal: what the phone kept is sent again under its own id and the
//! server stores it once; an update made against an old version is refused (409), never
//! written over the office's; the installable app's files are served.
use crate::helpers::*;
use crate::pages::{csrf_in, page_login};
use treem_storage::Register;

#[tokio::test]
async fn a_child_and_a_report_sent_twice_under_one_id_are_stored_once() {
    let app = spawn_app().await;
    let head = page_login(&app, "village_head", "password-village_head").await;
    let form = head.get(&app, "/children/new").await.text().await.unwrap();
    assert!(form.contains("data-offline=\"child-new\""));
    let csrf = csrf_in(&form);
    let id = "3f1c2a9e-7b4d-4e0a-9c55-0d2f6b1e8a47";
    let child = [
        ("_csrf", csrf.as_str()),
        ("_version", "0"),
        ("_submission", id),
        ("full_name", "Vàng Thị Mai"),
        ("sex", "female"),
        ("date_of_birth", "02/03/2024"),
        ("village", "SP01"),
    ];
    for _ in 0..2 {
        let r = head.post(&app, "/children/new", &child).await;
        let status = r.status();
        let html = r.text().await.unwrap();
        let why: Vec<&str> = html.split("class=\"error\"").skip(1).collect();
        assert_eq!(status, 303, "{why:?}");
    }
    let found = app
        .db
        .search_children(
            &officer(),
            &treem_storage::ChildQuery {
                q: Some(treem_domain::text::fold("Vàng Thị Mai")),
                include_absent: true,
                page: 1,
                per_page: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(found.items.len(), 1, "one child, not two");

    let report = head.get(&app, "/cases/new").await.text().await.unwrap();
    assert!(report.contains("data-offline=\"case\""));
    let case_id = "5b8e0c1d-2a3f-4b6c-8d9e-0f1a2b3c4d5e";
    // The channel the form offers a village head already chosen.
    let channel = report
        .split("name=\"channel\"")
        .nth(1)
        .and_then(|r| r.split("\" selected").next())
        .and_then(|r| r.rsplit("value=\"").next())
        .unwrap()
        .to_string();
    let fields = [
        ("_csrf", csrf.as_str()),
        ("_submission", case_id),
        ("channel", channel.as_str()),
        ("category", "at_risk"),
        ("child_type", "new"),
        ("child.full_name", "Thào Thị Sua"),
        ("child.village", "SP01"),
        ("child.sex", "female"),
        ("child.dob_precision", "estimated"),
        ("child.estimated_age", "8"),
        ("place", "Bản Sính Phình"),
        ("current_condition", "Trẻ ở nhà một mình"),
        (
            "received_at",
            &crate::i18n_date(today().yesterday().unwrap()),
        ),
        ("received_at_time", "08:00"),
    ];
    let mut cases = Vec::new();
    for _ in 0..2 {
        let r = head.post(&app, "/cases/new", &fields).await;
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
        cases.push(r.headers()["location"].to_str().unwrap().to_string());
    }
    assert_eq!(cases[0], cases[1], "one case, not two");
}

#[tokio::test]
async fn an_update_against_an_old_version_is_a_conflict_and_the_office_value_stays() {
    let app = spawn_app().await;
    let o = officer();
    let c = app
        .db
        .create_child(&o, &child("Giàng A Páo", "SP01"))
        .await
        .unwrap();
    let head = page_login(&app, "village_head", "password-village_head").await;
    let csrf = head.csrf.clone();
    // The office saves version 2 meanwhile.
    let mut office = c.data.clone();
    office.school = Some("Trường Mầm non Sính Phình".into());
    app.db
        .update_child(&o, c.id, c.version, &office)
        .await
        .unwrap();
    let edit = format!("/children/{}/edit", c.id);
    let version = c.version.to_string();
    let r = head
        .post(
            &app,
            &edit,
            &[
                ("_csrf", &csrf),
                ("_version", &version),
                ("_submission", "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"),
                ("full_name", "Giàng A Páo"),
                ("village", "SP01"),
                ("school", "Trường khác"),
            ],
        )
        .await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("id=\"conflict\""));
    let now = app.db.child(&o, c.id).await.unwrap();
    assert_eq!(
        now.data.school.as_deref(),
        Some("Trường Mầm non Sính Phình")
    );
}

#[tokio::test]
async fn the_app_installs_manifest_and_service_worker() {
    let app = spawn_app().await;
    let http = reqwest::Client::new();
    let m = http
        .get(app.url("/manifest.webmanifest"))
        .send()
        .await
        .unwrap();
    assert_eq!(m.status(), 200);
    let m: serde_json::Value = m.json().await.unwrap();
    assert_eq!(m["lang"], "vi");
    assert!(m["icons"].as_array().unwrap().len() >= 2);
    let sw = http.get(app.url("/sw.js")).send().await.unwrap();
    assert_eq!(sw.status(), 200);
    assert!(sw.text().await.unwrap().contains("caches"));
    for f in [
        "/static/offline.js",
        "/static/icon-192.png",
        "/static/icon.svg",
    ] {
        assert_eq!(
            http.get(app.url(f)).send().await.unwrap().status(),
            200,
            "{f}"
        );
    }
}

/// ChromeDriver's own command to cut or restore the network of the page.
#[derive(Debug)]
pub(crate) struct NetworkConditions {
    pub(crate) offline: bool,
}

impl fantoccini::wd::WebDriverCompatibleCommand for NetworkConditions {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/chromium/network_conditions",
            session.unwrap_or_default()
        ))
    }
    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        let body = serde_json::json!({"network_conditions": {"offline": self.offline,
            "latency": 0, "download_throughput": -1, "upload_throughput": -1}});
        (axum::http::Method::POST, Some(body.to_string()))
    }
}

pub(crate) async fn wait_text(b: &crate::browser::Browser, css: &str, want: &str) -> String {
    let mut last = String::new();
    for _ in 0..100 {
        if let Ok(e) = b.c.find(fantoccini::Locator::Css(css)).await {
            last = e.text().await.unwrap_or_default();
            if last.contains(want) {
                return last;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{css}: wanted «{want}», saw «{last}»");
}

/// Reads every entry the phone keeps in IndexedDB, as the JSON the page would see.
async fn kept_entries(b: &crate::browser::Browser) -> String {
    let kept = b
        .c
        .execute_async(
            "var done = arguments[0]; var o = indexedDB.open('treem-offline', 1);
             o.onupgradeneeded = function () { o.result.createObjectStore('entries', { keyPath: 'id' }); };
             o.onsuccess = function () { var r = o.result.transaction('entries').objectStore('entries').getAll();
             r.onsuccess = function () { done(JSON.stringify(r.result)); o.result.close(); }; };",
            vec![],
        )
        .await
        .unwrap();
    kept.as_str().unwrap().to_string()
}

/// Waits until the service worker controls the page (it keeps the pages opened since).
async fn worker_ready(b: &crate::browser::Browser) {
    b.c.execute_async(
        "var done = arguments[0]; navigator.serviceWorker.ready.then(function () {
           if (navigator.serviceWorker.controller) { done(1); return; }
           navigator.serviceWorker.addEventListener('controllerchange', function () { done(1); }); });",
        vec![],
    )
    .await
    .unwrap();
}

/// Unlocks the phone's store on the page shown: sets the PIN the first time, enters it after.
async fn unlock_with_pin(b: &crate::browser::Browser, first: bool) {
    use crate::browser::*;
    wait_text(b, "#offline", "PIN").await;
    type_in(b, "offline-pin-1", "2468").await;
    if first {
        type_in(b, "offline-pin-2", "2468").await;
    }
    click(b, "#offline-unlock").await;
    wait_text(
        b,
        "#offline-status",
        if first {
            "Đã đặt mã PIN"
        } else {
            "Đã mở khoá"
        },
    )
    .await;
}

async fn submit_offline_form(b: &crate::browser::Browser) {
    b.c.execute(
        "document.querySelector('form[data-offline]').requestSubmit(); return 1;",
        vec![],
    )
    .await
    .unwrap();
}

/// A door between the browser and the app that can be shut: shut, nothing reaches the
/// server, the service worker's own fetches included (chromedriver's cut of the network does
/// not reach them, so without it a page "opened with no signal" would come from the server).
struct Door {
    port: u16,
    target: std::net::SocketAddr,
    tasks: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Door {
    async fn to(app: &TestApp) -> Door {
        let target = app.base.trim_start_matches("http://").parse().unwrap();
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let door = Door {
            port: l.local_addr().unwrap().port(),
            target,
            tasks: Default::default(),
        };
        door.serve(l);
        door
    }
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
    fn serve(&self, l: tokio::net::TcpListener) {
        let (target, tasks) = (self.target, self.tasks.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = l.accept().await {
                let pipe = tokio::spawn(async move {
                    if let Ok(mut out) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut out).await;
                    }
                });
                tasks.lock().unwrap().push(pipe);
            }
        });
        self.tasks.lock().unwrap().push(accept);
    }
    /// No signal: every connection closed, none taken.
    fn shut(&self) {
        for t in self.tasks.lock().unwrap().drain(..) {
            t.abort();
        }
    }
    async fn open(&self) {
        let mut tries = 0;
        let l = loop {
            match tokio::net::TcpListener::bind(("127.0.0.1", self.port)).await {
                Ok(l) => break l,
                Err(e) if tries < 50 => {
                    tries += 1;
                    let _ = e;
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                Err(e) => panic!("the door does not open again: {e}"),
            }
        };
        self.serve(l);
    }
}

#[tokio::test]
async fn a_child_and_a_case_report_entered_with_no_signal_are_kept_encrypted_and_stored_once() {
    use crate::browser::*;
    let _one = BROWSER_LOCK.lock().await;
    let Some(b) = browser(360, 740).await else {
        return;
    };
    let app = spawn_app().await;
    let door = Door::to(&app).await;
    login(&b, &door.url(""), "village_head", "password-village_head").await;
    // Both forms opened once with a signal: the service worker keeps them.
    b.c.goto(&door.url("/cases/new")).await.unwrap();
    worker_ready(&b).await;
    b.c.goto(&door.url("/cases/new")).await.unwrap();
    b.c.goto(&door.url("/children/new")).await.unwrap();
    worker_ready(&b).await;
    unlock_with_pin(&b, true).await;
    // No signal: nothing reaches the server, the page's fetches nor the worker's.
    door.shut();
    b.c.issue_cmd(NetworkConditions { offline: true })
        .await
        .unwrap();

    // A new child, with no signal.
    type_in(&b, "full_name", "Lầu Thị Dở").await;
    submit_offline_form(&b).await;
    wait_text(&b, "#offline-status", "Đã lưu trên máy, sẽ gửi khi có sóng").await;
    wait_text(&b, "#offline-count", "1 mục chờ gửi").await;
    shot(&b, "offline-kept-360").await;

    // A page never opened is not on the phone: the worker says so (nothing reached the server).
    b.c.goto(&door.url("/health/lists")).await.unwrap();
    let shown = text_of(&b).await;
    assert!(shown.contains("Mất sóng"), "{shown}");

    // The report of a case (Mẫu 01), still with no signal: the page comes from the phone.
    b.c.goto(&door.url("/cases/new")).await.unwrap();
    b.c.wait()
        .for_element(fantoccini::Locator::Id("intake-form"))
        .await
        .unwrap();
    wait_text(&b, "#offline-count", "1 mục chờ gửi").await;
    unlock_with_pin(&b, false).await;
    let yesterday = crate::i18n_date(today().yesterday().unwrap());
    type_in(&b, "received_at", &yesterday).await;
    type_in(&b, "received_at_time", "08:00").await;
    choose(&b, "category", "at_risk").await;
    type_in(&b, "child.full_name", "Thào Thị Sua").await;
    choose(&b, "child.sex", "female").await;
    choose(&b, "child.dob_precision", "estimated").await;
    type_in(&b, "child.estimated_age", "8").await;
    choose(&b, "child.village", "SP01").await;
    type_in(&b, "place", "Bản Sính Phình").await;
    type_in(&b, "current_condition", "Trẻ thường ở nhà một mình").await;
    submit_offline_form(&b).await;
    wait_text(&b, "#offline-status", "Đã lưu trên máy, sẽ gửi khi có sóng").await;
    wait_text(&b, "#offline-count", "2 mục chờ gửi").await;
    assert_no_overflow(&b, "report kept offline at 360 px").await;
    shot(&b, "offline-case-kept-360").await;

    // What IndexedDB holds shows neither child's name nor what the report says.
    let kept = kept_entries(&b).await;
    assert_eq!(kept.matches("\"data\"").count(), 2, "{kept}");
    // Each clear text holds a space or a letter base64 never writes: the ciphertext, being
    // random, holds any three base64 letters now and then ("Sua" alone did, about once a
    // hundred runs).
    for clear in [
        "Lầu",
        "L\\u00e0u",
        "Thào",
        "Th\\u00e0o",
        "Thị Sua",
        "Th\\u1ecb Sua",
        "một mình",
    ] {
        assert!(!kept.contains(clear), "{clear} readable in {kept}");
    }

    door.open().await;
    b.c.issue_cmd(NetworkConditions { offline: false })
        .await
        .unwrap();
    // The "online" event sends what waits (the page still holds the key).
    wait_text(&b, "#offline-status", "Đã gửi 2 mục").await;
    shot(&b, "offline-sent-360").await;
    assert_eq!(kept_entries(&b).await, "[]");

    let found = app
        .db
        .search_children(
            &officer(),
            &treem_storage::ChildQuery {
                q: Some(treem_domain::text::fold("Lầu Thị Dở")),
                include_absent: true,
                page: 1,
                per_page: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(found.items.len(), 1, "one child, not two");
    use treem_storage::Cases;
    let cases = app.db.cases(&officer()).await.unwrap();
    assert_eq!(cases.len(), 1, "one case, not two: {cases:?}");
    assert_eq!(cases[0].new_child_name.as_deref(), Some("Thào Thị Sua"));
}

#[tokio::test]
async fn an_update_kept_offline_that_the_office_changed_meanwhile_shows_both_values_until_chosen() {
    use crate::browser::*;
    let _one = BROWSER_LOCK.lock().await;
    for width in [360u32, 1366] {
        let Some(b) = browser(width, 740).await else {
            return;
        };
        let app = spawn_app().await;
        let o = officer();
        let c = app
            .db
            .create_child(&o, &child("Giàng A Páo", "SP01"))
            .await
            .unwrap();
        login(&b, &app.base, "village_head", "password-village_head").await;
        let edit = app.url(&format!("/children/{}/edit", c.id));
        b.c.goto(&edit).await.unwrap();
        worker_ready(&b).await;
        unlock_with_pin(&b, true).await;
        b.c.issue_cmd(NetworkConditions { offline: true })
            .await
            .unwrap();
        type_in(&b, "school", "Trường Tiểu học Pả Vi").await;
        submit_offline_form(&b).await;
        wait_text(&b, "#offline-count", "1 mục chờ gửi").await;

        // Meanwhile the office writes another school.
        let mut office = c.data.clone();
        office.school = Some("Trường Mầm non Sính Phình".into());
        app.db
            .update_child(&o, c.id, c.version, &office)
            .await
            .unwrap();

        b.c.issue_cmd(NetworkConditions { offline: false })
            .await
            .unwrap();
        // Sent, refused as a conflict (409), kept: both values shown, nothing written over.
        let shown = wait_text(&b, "#offline-entries", "Xung đột").await;
        assert!(shown.contains("Trường Mầm non Sính Phình"), "{shown}");
        assert!(shown.contains("Trường Tiểu học Pả Vi"), "{shown}");
        wait_text(&b, "#offline-count", "1 mục cần xem lại").await;
        wait_text(&b, "#offline-status", "xung đột").await;
        // On a phone each value says whose it is.
        let mine =
            b.c.find(fantoccini::Locator::Css(
                "#offline-entries td[data-label=\"Của tôi\"]",
            ))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(mine, "Trường Tiểu học Pả Vi");
        assert_no_overflow(&b, "conflict").await;
        b.c.execute(
            "document.getElementById('offline').scrollIntoView(); return 1;",
            vec![],
        )
        .await
        .unwrap();
        shot(&b, &format!("offline-conflict-{width}")).await;
        let now = app.db.child(&o, c.id).await.unwrap();
        assert_eq!(
            now.data.school.as_deref(),
            Some("Trường Mầm non Sính Phình"),
            "the office's value stays until the choice"
        );
        assert!(kept_entries(&b).await.contains("\"conflict\""));

        // The village head keeps theirs: sent again against the office's version, and stored.
        click(&b, "#offline-entries button[data-choice=\"keep-mine\"]").await;
        wait_text(&b, "#offline-status", "Đã gửi 1 mục").await;
        assert_eq!(kept_entries(&b).await, "[]");
        let now = app.db.child(&o, c.id).await.unwrap();
        assert_eq!(now.data.school.as_deref(), Some("Trường Tiểu học Pả Vi"));
        assert_eq!(now.data.full_name, "Giàng A Páo");
    }
}

/// The report's form says when the information came: the server's time when it wrote the
/// form. A copy the phone kept for no signal, opened hours later, takes the phone's time in
/// Vietnam instead (static/app.js, run again here on the form as such a copy holds it: the
/// network cut by chromedriver does not reach the service worker's own fetches).
#[tokio::test]
async fn a_kept_report_form_opened_later_takes_the_phones_time() {
    use crate::browser::*;
    let _one = BROWSER_LOCK.lock().await;
    let Some(b) = browser(360, 740).await else {
        return;
    };
    let app = spawn_app().await;
    login(&b, &app.base, "village_head", "password-village_head").await;
    b.c.goto(&app.url("/cases/new")).await.unwrap();
    let value = |id: &'static str| {
        let b = &b;
        async move {
            b.c.find(fantoccini::Locator::Id(id))
                .await
                .unwrap()
                .prop("value")
                .await
                .unwrap()
                .unwrap_or_default()
        }
    };
    // Opened afresh: the server's time stays.
    let fresh = value("received_at").await;
    assert_eq!(fresh, crate::i18n_date(today()));
    let aged = |hours: i64| {
        let b = &b;
        async move {
            b.c.execute_async(
                "var hours = arguments[0], done = arguments[1];
                 var f = document.getElementById('intake-form');
                 if (!f.hasAttribute('data-now')) { done('no data-now'); return; }
                 f.setAttribute('data-now', String(Date.now() - hours * 3600 * 1000));
                 var d = f.querySelector('[name=received_at]'), t = f.querySelector('[name=received_at_time]');
                 d.defaultValue = '01/01/2026'; d.value = '01/01/2026';
                 t.defaultValue = '00:00'; t.value = '00:00';
                 var s = document.createElement('script');
                 s.src = '/static/app.js?again=' + Date.now();
                 s.onload = function () { done('run'); };
                 s.onerror = function () { done('not loaded'); };
                 document.body.appendChild(s);",
                vec![serde_json::json!(hours)],
            )
            .await
            .unwrap()
        }
    };
    // Written a minute ago (a slow page): the form's own time is kept.
    assert_eq!(aged(0).await.as_str(), Some("run"));
    assert_eq!(value("received_at").await, "01/01/2026");
    // Kept three hours ago: the phone's day and time.
    assert_eq!(aged(3).await.as_str(), Some("run"));
    assert_eq!(
        value("received_at").await,
        crate::i18n_date(today()),
        "a kept copy opened later takes the phone's day"
    );
    let time = value("received_at_time").await;
    assert!(time != "00:00" && time.len() == 5, "{time}");
}

/// The hazard map (issue 17, item 9) opened once with a signal opens again with none: it is
/// an SVG drawn by the server, so the page kept by the service worker is the whole map.
#[tokio::test]
async fn the_hazard_map_opens_with_the_network_cut() {
    use crate::browser::*;
    use treem_domain::hazard::{HazardKind, NewHazard, Position};
    use treem_storage::HazardLog;
    let _one = BROWSER_LOCK.lock().await;
    let Some(b) = browser(360, 740).await else {
        return;
    };
    let app = spawn_app().await;
    let villages = app.db.villages(&officer()).await.unwrap();
    let sp01 = villages.iter().find(|v| v.code == "SP01").unwrap().id;
    app.db
        .add_hazard(
            &actor(treem_domain::role::Role::Services, None),
            &NewHazard {
                village_id: sp01,
                kind: HazardKind::Pond,
                name: "Ao cá Kínđáo".into(),
                position: Position::from_degrees(21.8, 103.4),
                measures: vec![],
                note: String::new(),
            },
            None,
        )
        .await
        .unwrap();
    let door = Door::to(&app).await;
    login(&b, &door.url(""), "village_head", "password-village_head").await;
    b.c.goto(&door.url("/hazards/map")).await.unwrap();
    worker_ready(&b).await;
    b.c.goto(&door.url("/hazards/map")).await.unwrap();
    b.c.goto(&door.url("/hazards")).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    // No signal: nothing reaches the server.
    door.shut();
    b.c.issue_cmd(NetworkConditions { offline: true })
        .await
        .unwrap();
    b.c.goto(&door.url("/hazards/map")).await.unwrap();
    let text = text_of(&b).await;
    assert!(
        text.contains("Bản đồ điểm nguy cơ") && !text.contains("Mất sóng"),
        "{text}"
    );
    let marks =
        b.c.find_all(fantoccini::Locator::Css("#hazard-map svg .sites circle"))
            .await
            .unwrap();
    assert_eq!(marks.len(), 1, "the site is on the map kept");
}
