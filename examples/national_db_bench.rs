//! Times the national children's database clean-up list (issue 17's floor: every new list page
//! at 5,500 children ≤ 100 ms server time): `cargo run --release --example national_db_bench --
//! [N] [DB]`. Writes N children (default 5,500) over 12 villages into DB (default: a new SQLite
//! file in a temporary folder) — one in three without a personal ID, one in fifty with no
//! caregiver — then serves it and times `GET /national-db` (the page, whole commune and one
//! village) and `GET /api/v1/national-db/cleanup` over HTTP on this machine.
use reqwest::redirect::Policy;
use std::sync::Arc;
use std::time::{Duration, Instant};
use treem_domain::personal_id::PersonalId;
use treem_domain::register::{Caregiver, ChildDraft};
use treem_storage::{Accounts, Actor, Db, NewUser, Register, Role};

fn cookie(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap().to_string())
        .expect("cookie")
}

fn csrf(html: &str) -> String {
    let i = html.find("name=\"_csrf\" value=\"").expect("csrf");
    let rest = &html[i + 20..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// Best of `runs` timings of a GET.
async fn best(
    http: &reqwest::Client,
    url: &str,
    head: (&str, &str),
    runs: usize,
) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut size = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let r = http.get(url).header(head.0, head.1).send().await.unwrap();
        assert_eq!(r.status(), 200, "{url}");
        size = r.bytes().await.unwrap().len();
        best = best.min(t.elapsed());
    }
    (best, size)
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("number of children"))
        .unwrap_or(5500);
    let dir = tempfile::tempdir().unwrap();
    let url = std::env::args()
        .nth(2)
        .unwrap_or_else(|| dir.path().join("nd.db").to_string_lossy().to_string());
    let db = Db::open(&url).await.unwrap();
    let system = Actor::system();
    for v in 1..=12 {
        db.create_village(&system, &format!("SP{v:02}"), &format!("Bản {v}"))
            .await
            .unwrap();
    }
    let admin = Actor {
        role: Role::Admin,
        ..Actor::system()
    };
    db.create_user(
        &admin,
        &NewUser {
            username: "officer-bench".into(),
            password: "Cán-bộ-đo-thời-gian".into(),
            role: Role::Officer,
            village: None,
            must_change_password: false,
            full_name: "Lò Thị Hoa".into(),
            position: "Công chức Văn hóa - Xã hội".into(),
        },
    )
    .await
    .unwrap();
    let today = treem_storage::today();
    let rows: Vec<_> = (0..n)
        .map(|i| {
            let female = i % 2 == 1;
            let year = 2011 + (i % 15) as i16;
            let mut d = ChildDraft {
                full_name: Some(format!("Giàng Thị Số {i}")),
                sex: Some(if female { "female" } else { "male" }.into()),
                date_of_birth: Some(format!("{year}-0{}-1{}", 1 + i % 9, i % 10)),
                village: Some(format!("SP{:02}", 1 + i % 12)),
                ..Default::default()
            }
            .parse(today)
            .unwrap();
            d.ethnicity = Some(4);
            if i % 50 != 0 {
                d.caregivers = vec![Caregiver {
                    relationship: "mẹ".into(),
                    full_name: format!("Mẹ số {i}"),
                    phone: None,
                }];
            }
            if i % 3 != 0 {
                let g = if female { 3 } else { 2 };
                let id = format!("011{g}{:02}{:06}", year % 100, i);
                d.personal_id = Some(PersonalId::parse(&id).unwrap());
            }
            d
        })
        .collect();
    let t = Instant::now();
    db.import_children(&system, rows).await.unwrap();
    println!("{n} children written in {:?}", t.elapsed());

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = treem_web::AppState::new(Arc::new(db.clone()));
    tokio::spawn(async move {
        let _ = treem_web::serve(state, listener).await;
    });
    let http = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    // The page: signed in as the officer.
    let res = http.get(format!("{base}/login")).send().await.unwrap();
    let pre = cookie(&res, "treem_pre");
    let html = res.text().await.unwrap();
    let res = http
        .post(format!("{base}/login"))
        .header("cookie", &pre)
        .form(&[
            ("username", "officer-bench"),
            ("password", "Cán-bộ-đo-thời-gian"),
            ("_csrf", &csrf(&html)),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "login");
    let session = cookie(&res, "treem_session");
    let (d, size) = best(
        &http,
        &format!("{base}/national-db"),
        ("cookie", &session),
        5,
    )
    .await;
    println!("GET /national-db (whole commune): {d:?}, {size} bytes");
    let (d, size) = best(
        &http,
        &format!("{base}/national-db?village=SP03"),
        ("cookie", &session),
        5,
    )
    .await;
    println!("GET /national-db?village=SP03: {d:?}, {size} bytes");
    // The API.
    let r = http
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({"username": "officer-bench", "password": "Cán-bộ-đo-thời-gian"}))
        .send()
        .await
        .unwrap();
    let token = r.json::<serde_json::Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let bearer = format!("Bearer {token}");
    let (d, size) = best(
        &http,
        &format!("{base}/api/v1/national-db/cleanup"),
        ("authorization", &bearer),
        5,
    )
    .await;
    println!("GET /api/v1/national-db/cleanup: {d:?}, {size} bytes");
    let (d, size) = best(
        &http,
        &format!("{base}/api/v1/national-db/export?format=xlsx"),
        ("authorization", &bearer),
        3,
    )
    .await;
    println!("GET /api/v1/national-db/export?format=xlsx: {d:?}, {size} bytes");
}
