//! Many communes in one PostgreSQL database (issue 19): each commune's officials reach only its
//! own records — in storage, under row-level security, and over HTTP through every route of a
//! server that hosts both communes at their own addresses. A SQLite file holds one commune.
use crate::helpers::*;
use crate::pages::page_login;
use reqwest::Method;
use serde_json::{json, Value};
use std::sync::Arc;
use treem_domain::role::{Role, ALL_ROLES};
use treem_storage::{
    ActivityLog, ChildQuery, Commune, Db, NewCommune, Plans, Province, Register, StorageError,
};

/// Commune A (the database's first) and commune B (added), both seeded alike: the same village
/// codes, the same account names and passwords — the worst case for telling them apart.
pub(crate) async fn two_communes(url: &str) -> (Db, Db) {
    let a = seeded(url).await;
    a.set_commune(
        &officer(),
        &Commune {
            name: "Sính Phình".into(),
            province: "Điện Biên".into(),
            code: Some("03205".into()),
            sample: false,
        },
    )
    .await
    .unwrap();
    let added = a
        .add_commune(&NewCommune {
            code: "03206".into(),
            name: "Xã Hai".into(),
            province: "Điện Biên".into(),
            host: Some("localhost".into()),
        })
        .await
        .unwrap();
    let b = a.for_commune(added.id).await.unwrap();
    seed_commune(&b).await;
    (a, b)
}

#[tokio::test]
async fn a_sqlite_file_holds_one_commune() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("one.db").to_string_lossy())
        .await
        .unwrap();
    assert!(matches!(
        db.for_commune(2).await,
        Err(StorageError::OtherCommune)
    ));
    assert_eq!(db.hosted_communes().await.unwrap().len(), 1);
    assert!(db
        .add_commune(&NewCommune {
            code: "1".into(),
            name: "x".into(),
            province: String::new(),
            host: None,
        })
        .await
        .is_err());
}

#[tokio::test]
async fn two_communes_in_one_database_see_only_their_own_rows() {
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let (a, b) = two_communes(&url).await;
    let o = officer();
    let in_a = a
        .create_child(&o, &child("Giàng A Một", "SP01"))
        .await
        .unwrap();
    let in_b = b
        .create_child(&o, &child("Sùng Thị Hai", "SP01"))
        .await
        .unwrap();
    let names = |db: Db| async move {
        db.search_children(
            &o_all(),
            &ChildQuery {
                page: 1,
                per_page: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|c| c.full_name)
        .collect::<Vec<_>>()
    };
    assert_eq!(names(a.clone()).await, vec!["Giàng A Một".to_string()]);
    assert_eq!(names(b.clone()).await, vec!["Sùng Thị Hai".to_string()]);
    // Another commune's id answers like a missing one, reading and writing.
    assert!(matches!(
        a.child(&o, in_b.id).await,
        Err(StorageError::NotFound)
    ));
    assert!(matches!(
        b.child(&o, in_a.id).await,
        Err(StorageError::NotFound)
    ));
    // Each commune its own name, villages, accounts and audit chain.
    assert_eq!(a.commune().await.unwrap().unwrap().name, "Sính Phình");
    assert_eq!(b.commune().await.unwrap().unwrap().name, "Xã Hai");
    assert_eq!(a.villages(&o).await.unwrap().len(), 2);
    assert_eq!(b.villages(&o).await.unwrap().len(), 2);
    for db in [&a, &b] {
        let report = treem_storage::AuditLog::check(db).await.unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);
    }
    assert_eq!(
        treem_storage::AuditLog::check(&b).await.unwrap().children,
        1
    );
    // Even a statement written by hand cannot put a row into another commune.
    let other = a.commune_id();
    assert_ne!(other, b.commune_id());
    assert!(b
        .raw_execute(&format!(
            "INSERT INTO village (code, name, version, updated_at, commune) \
             VALUES ('SPX', 'Lạc', 1, '2026-01-01', {other})"
        ))
        .await
        .is_err());
    // Nor change one: A's rows are not there for B's connection.
    assert_eq!(
        b.raw_execute("UPDATE child SET full_name = 'x'")
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        a.child(&o, in_a.id).await.unwrap().data.full_name,
        "Giàng A Một"
    );
    let listed = a.hosted_communes().await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(a.find_commune("03206").await.unwrap().id, b.commune_id());
    // A code or address already used is refused, naming the field.
    let again = a
        .add_commune(&NewCommune {
            code: "03206".into(),
            name: "Lại".into(),
            province: String::new(),
            host: Some("localhost".into()),
        })
        .await;
    match again {
        Err(StorageError::Invalid(e)) => {
            assert!(
                e.for_field("code").is_some() && e.for_field("host").is_some(),
                "{e:?}"
            )
        }
        other => panic!("{other:?}"),
    }
    // The first commune gets its address later; another's address is refused, naming it.
    match a.set_commune_host("1", "localhost").await {
        Err(StorageError::Invalid(e)) => assert!(e.for_field("host").is_some(), "{e:?}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        a.set_commune_host("99999", "x.example").await,
        Err(StorageError::OtherCommune)
    ));
    let set = a
        .set_commune_host("1", " SinhPhinh.Example ")
        .await
        .unwrap();
    assert_eq!(set.host.as_deref(), Some("sinhphinh.example"));
    assert_eq!(
        b.find_commune("1").await.unwrap().host.as_deref(),
        Some("sinhphinh.example")
    );
    // A commune added whole: its own row and the start of its chain, in its scope only.
    let c = a
        .add_commune(&NewCommune {
            code: "03207".into(),
            name: "Xã Ba".into(),
            province: "Điện Biên".into(),
            host: None,
        })
        .await
        .unwrap();
    let c = a.for_commune(c.id).await.unwrap();
    assert_eq!(c.commune().await.unwrap().unwrap().name, "Xã Ba");
    assert!(treem_storage::AuditLog::check(&c)
        .await
        .unwrap()
        .problems
        .is_empty());
    assert!(c.villages(&o).await.unwrap().is_empty());
}

fn o_all() -> treem_domain::role::Actor {
    officer()
}

/// A's records, as B's officials would have to name them to reach them.
struct Foreign {
    child: i64,
    household: i64,
    village: i64,
    case: i64,
    report: i64,
    secrets: Vec<String>,
}

async fn foreign_records(app: &TestApp) -> Foreign {
    let token = app.token(Role::Officer).await;
    let r = app
        .http
        .post(app.url("/api/v1/children"))
        .bearer_auth(&token)
        .json(&json!({
            "full_name": "Giàng A Kínđáo", "sex": "male", "date_of_birth": "2018-04-02",
            "village": "SP01", "personal_id": "011218000123"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let created: Value = r.json().await.unwrap();
    let child = created["id"].as_i64().unwrap();
    let household = app
        .db
        .create_household(
            &officer(),
            &treem_domain::register::HouseholdData {
                village: "SP01".into(),
                code: Some("SP01-0999".into()),
                head_name: "Giàng A Chủhộkínđáo".into(),
                address: None,
                poverty: Vec::new(),
            },
        )
        .await
        .unwrap()
        .id;
    let r = app
        .http
        .post(app.url("/api/v1/cases"))
        .bearer_auth(&token)
        .json(&json!({
            "kind": "intake", "channel": "village_head", "received_at": "2026-03-02T09:00:00",
            "category": "abused", "child": {"type": "registered", "child_id": child},
            "place": "Nương Kínđáo", "current_condition": "Vết bầm Kínđáo"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let case = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app
        .http
        .post(app.url("/api/v1/reports"))
        .bearer_auth(&token)
        .json(&json!({"year": 2026, "kind": "six_month"}))
        .send()
        .await
        .unwrap();
    let report = if r.status().is_success() {
        r.json::<Value>().await.unwrap()["id"].as_i64().unwrap_or(0)
    } else {
        0
    };
    let village = app.db.villages(&officer()).await.unwrap()[0].id;
    Foreign {
        child,
        household,
        village,
        case,
        report,
        secrets: vec![
            "Giàng A Kínđáo".into(),
            "Chủhộkínđáo".into(),
            "Kínđáo".into(),
            "Kinđao".into(),
            "kindao".into(),
            "011218000123".into(),
        ],
    }
}

/// A path of the API document with A's ids in it.
fn fill(path: &str, f: &Foreign) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let j = rest[i..].find('}').unwrap() + i;
        let name = &rest[i + 1..j];
        let value = match name {
            "year" => "2026".to_string(),
            "kind" => "six_month".to_string(),
            "code" | "village_code" => "SP01".to_string(),
            n if n.contains("case") => f.case.to_string(),
            n if n.contains("household") => f.household.to_string(),
            n if n.contains("village") => f.village.to_string(),
            n if n.contains("report") => f.report.to_string(),
            n if n.contains("target") || n == "n" || n == "seq" || n == "agency" => "1".to_string(),
            _ if path.contains("/cases") => f.case.to_string(),
            _ if path.contains("/households") => f.household.to_string(),
            _ if path.contains("/villages") => f.village.to_string(),
            _ if path.contains("/reports") => f.report.to_string(),
            _ => f.child.to_string(),
        };
        out.push_str(&value);
        rest = &rest[j + 1..];
    }
    out.push_str(rest);
    out
}

fn leaked(text: &str, f: &Foreign) -> Option<String> {
    leaked_beyond(text, f, "")
}

/// A secret on the page other than the words the request itself typed (a search page shows
/// its query back in the box).
fn leaked_beyond(text: &str, f: &Foreign, typed: &str) -> Option<String> {
    f.secrets
        .iter()
        .filter(|s| typed.is_empty() || !typed.contains(s.as_str()))
        .find(|s| text.contains(s.as_str()))
        .cloned()
}

/// Issue 19, "checked by": a second commune's officials, signed in at their own address,
/// try every operation of the API with the first commune's ids, and every page that takes an
/// id: nothing of the first commune comes back, and the first commune's sessions are unknown
/// at the second's address.
#[tokio::test]
async fn a_second_communes_officials_reach_nothing_of_the_first_through_any_route() {
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let (a, b) = two_communes(&url).await;
    let key = treem_storage::CaseKey::random();
    let a = a.with_case_key(key.clone());
    let b = b.with_case_key(key);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let apps = vec![
        (
            "127.0.0.1".to_string(),
            treem_web::AppState::new(Arc::new(a.clone())),
        ),
        (
            "localhost".to_string(),
            treem_web::AppState::new(Arc::new(b.clone())),
        ),
    ];
    tokio::spawn(async move {
        let _ = treem_web::hosted::serve_hosted(apps, listener).await;
    });
    let app_a = TestApp::at(format!("http://127.0.0.1:{port}"), a);
    let app_b = TestApp::at(format!("http://localhost:{port}"), b);
    let f = foreign_records(&app_a).await;
    app_b
        .db
        .create_child(&officer(), &child("Sùng Thị Bê", "SP01"))
        .await
        .unwrap();

    // A's session means nothing at B's address, though the account names are the same.
    let a_token = app_a.token(Role::Officer).await;
    let r = app_b
        .http
        .get(app_b.url("/api/v1/children"))
        .bearer_auth(&a_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // An address no commune has reaches nothing.
    let r = reqwest::Client::new()
        .get(format!("http://127.0.0.2:{port}/api/v1/children"))
        .send()
        .await;
    if let Ok(r) = r {
        assert_eq!(r.status(), 404);
    }

    let doc: Value = app_b
        .http
        .get(app_b.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut failures = Vec::new();
    let mut tried = 0;
    for role in ALL_ROLES {
        let token = app_b.token(role).await;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, _) in item.as_object().unwrap() {
                let Ok(m) = method.to_uppercase().parse::<Method>() else {
                    continue;
                };
                if path.ends_with("/session") {
                    continue;
                }
                let url = format!("/api/v1{}", fill(path, &f));
                let mut req = app_b
                    .http
                    .request(m.clone(), app_b.url(&url))
                    .bearer_auth(&token);
                if m != Method::GET {
                    req = req.json(&json!({}));
                }
                let r = req.send().await.unwrap();
                let status = r.status().as_u16();
                let text = r.text().await.unwrap_or_default();
                tried += 1;
                if let Some(s) = leaked(&text, &f) {
                    failures.push(format!("{role} {m} {url}: {status} shows «{s}»"));
                }
                // A path naming one of A's records is never answered with success.
                if path.contains('{')
                    && !path.contains("{year}")
                    && (200..300).contains(&status)
                    && m == Method::GET
                {
                    failures.push(format!("{role} {m} {url}: {status}"));
                }
            }
        }
        // The pages that take an id.
        let Ok(page) = try_page_login(&app_b, role).await else {
            continue;
        };
        for path in [
            format!("/children/{}", f.child),
            format!("/children/{}/edit", f.child),
            format!("/households/{}", f.household),
            format!("/cases/{}", f.case),
            format!("/cases/{}/forms/1", f.case),
            format!("/reports/{}", f.report),
            format!("/reports/{}/print", f.report),
            format!("/reports/{}/docx", f.report),
            format!("/reports/{}/xlsx", f.report),
            format!("/reports/{}/package", f.report),
            format!("/health/children/{}", f.child),
            "/children?q=Kínđáo".to_string(),
            "/children?q=kindao".to_string(),
            "/villages/SP01/book".to_string(),
            "/".to_string(),
        ] {
            let r = page.get(&app_b, &path).await;
            let status = r.status().as_u16();
            let text = r.text().await.unwrap_or_default();
            tried += 1;
            let typed = path.split_once("?q=").map(|(_, q)| q).unwrap_or("");
            if let Some(s) = leaked_beyond(&text, &f, typed) {
                failures.push(format!("{role} page {path}: {status} shows «{s}»"));
            }
        }
    }
    assert!(tried > 300, "only {tried} requests");
    assert!(
        failures.is_empty(),
        "{} leaks:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

async fn try_page_login(app: &TestApp, role: Role) -> Result<crate::pages::Page, ()> {
    Ok(page_login(app, role.as_str(), &format!("password-{role}")).await)
}

/// The statements a commune runs most, in the shapes storage writes them.
const HOT_QUERIES: &[&str] = &[
    "SELECT c.id, c.version, c.village_id, v.data FROM child c \
     JOIN child_version v ON v.child_id = c.id AND v.version = c.version WHERE c.id = 1",
    "SELECT t.child_id, t.sort_key FROM child_token t \
     WHERE t.token >= 'giang' AND t.token < 'giang~' ORDER BY t.sort_key LIMIT 50",
    "SELECT id, full_name FROM child WHERE village_id = 1 AND present = 1 \
     ORDER BY sort_key LIMIT 50",
    "SELECT c.id, v.name FROM child c JOIN village v ON v.id = c.village_id WHERE c.id = 5",
    "SELECT child_id, version, line FROM child_fact WHERE recorded_at < '9'",
    "SELECT child_id, kind, events FROM health_pack",
    "SELECT id, version FROM case_file ORDER BY id",
    "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash",
];

/// Issue 19 item 2: with the tables split by commune (the stand-in for a Citus cluster's
/// shards), each hot statement of a commune's connection touches one partition of each table
/// it reads — the commune's — and no other.
#[tokio::test]
async fn each_hot_query_touches_one_partition_of_each_table() {
    if skipped_on_citus("the partitions' plans (citus.rs: one task a statement)") {
        return;
    }
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let (a, b) = two_communes(&url).await;
    for db in [&a, &b] {
        let mut per_table: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
            Default::default();
        for sql in HOT_QUERIES {
            let plan = db.explain(sql).await.unwrap();
            let mut seen: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
                Default::default();
            // The partitions read: the scan nodes. (An UPDATE's plan lists every partition as
            // a possible target, then prunes them at run time — "Subplans Removed".)
            let scans = plan
                .lines()
                .filter(|l| l.contains("Scan"))
                .collect::<Vec<_>>()
                .join("\n");
            for word in scans.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                if let Some((table, part)) = word.rsplit_once("_p") {
                    if part.len() == 1 && part.chars().all(|c| c.is_ascii_digit()) {
                        seen.entry(table.to_string())
                            .or_default()
                            .insert(part.to_string());
                    }
                }
            }
            assert!(
                !seen.is_empty(),
                "no partition in the plan of {sql}:\n{plan}"
            );
            for (table, parts) in &seen {
                assert_eq!(
                    parts.len(),
                    1,
                    "{sql} touches {table} partitions {parts:?}:\n{plan}"
                );
                per_table
                    .entry(table.clone())
                    .or_default()
                    .extend(parts.clone());
            }
        }
        // One commune, one partition, whichever table.
        let all: std::collections::BTreeSet<_> = per_table.values().flatten().collect();
        assert_eq!(all.len(), 1, "{per_table:?}");
    }
}

/// What a connection writes to tracing, kept: PostgreSQL's notices among it.
#[derive(Clone, Default)]
struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The plans PostgreSQL itself ran for `work` on a new pool of `commune`, as `auto_explain`
/// reports them to the client (every later session of the database is set to), with what the
/// work returned.
async fn plans_while<T, F, Fut>(a: &Db, commune: i64, work: F) -> (T, String)
where
    F: FnOnce(Db) -> Fut,
    Fut: std::future::Future<Output = T>,
{
    a.raw_execute_as_owner(
        "DO $$ BEGIN \
           EXECUTE format('ALTER DATABASE %I SET session_preload_libraries = ''auto_explain''', current_database()); \
           EXECUTE format('ALTER DATABASE %I SET auto_explain.log_min_duration = 0', current_database()); \
           EXECUTE format('ALTER DATABASE %I SET auto_explain.log_level = notice', current_database()); \
         END $$",
    )
    .await
    .unwrap();
    let out = Captured::default();
    let writer = out.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .with_writer(move || writer.clone())
        .finish();
    // tracing keeps one answer per callsite for the whole process, made by the first thread to
    // reach it. While one dispatcher is registered that thread asks only its own (tracing-core's
    // "JustOne" path): a test on another thread, with no subscriber, that first met sqlx's
    // notice while this capture was the only one would silence it here for good (the figures'
    // test once saw no plan at all). A second dispatcher, held while capturing, makes every
    // callsite ask all the live ones, this capture among them.
    let _anchor = tracing::Dispatch::new(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_writer(std::io::sink)
            .finish(),
    );
    let done = {
        // The test's runtime has one thread: the connections' notices reach this subscriber.
        let _on_this_thread = tracing::subscriber::set_default(subscriber);
        let db = a.open_commune(commune).await.unwrap();
        let done = work(db.clone()).await;
        db.close().await;
        done
    };
    let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    (done, text)
}

/// Fails unless each of `tables` is read by some plan in `text`, and every plan reading one
/// was made on the commune's partition alone: none removed subplans when it ran.
fn planned_on_one_partition(text: &str, tables: &[&str], what: &str) {
    let plans: Vec<&str> = text
        .split("Query Text:")
        .skip(1)
        .filter(|p| tables.iter().any(|t| p.contains(&format!("{t}_p"))))
        .collect();
    for table in tables {
        assert!(
            plans.iter().any(|p| p.contains(&format!("{table}_p"))),
            "no plan of {what} reads {table}: auto_explain said\n{text}"
        );
    }
    for plan in plans {
        assert!(
            !plan.contains("Subplans Removed"),
            "{what} planned over every partition and pruned only when run:\n{plan}"
        );
    }
}

/// Issue 19 item 2: the name search's statements name the commune, so PostgreSQL plans each on
/// the commune's partition alone. Row security alone lets it prune only when the statement runs
/// ("Subplans Removed: 7"), after planning over every partition — most of a search's time on
/// PostgreSQL.
#[tokio::test]
async fn the_name_search_is_planned_on_the_communes_partition_alone() {
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let (a, b) = two_communes(&url).await;
    let o = officer();
    for name in ["Giàng Thị Dua", "Giàng Thị Mỷ", "Sùng A Páo", "Giàng A Chứ"] {
        b.create_child(&o, &child(name, "SP01")).await.unwrap();
    }
    let words = |q: &str| ChildQuery {
        q: Some(q.into()),
        ..Default::default()
    };
    let asked = [
        words("giàng"),
        ChildQuery {
            total_bound: Some(500),
            ..words("gi")
        },
        words("Giàng Thị"),
        words("giang thi mỷ"),
        ChildQuery {
            age_max: Some(10),
            ..words("Giàng")
        },
        ChildQuery {
            village: Some("SP01".into()),
            ..Default::default()
        },
    ];
    let (found, text) = plans_while(&a, b.commune_id(), |db| async move {
        let mut found = Vec::new();
        for q in asked {
            let q = ChildQuery {
                per_page: 50,
                page: 1,
                ..q
            };
            found.push(db.search_children(&o, &q).await.unwrap().total);
        }
        found
    })
    .await;
    assert_eq!(
        found,
        vec![3, 3, 2, 1, 3, 4],
        "the searches found the wrong children"
    );
    let tables = [
        "child_token",
        "child_word_pair",
        "child",
        "village",
        "child_version",
    ];
    planned_on_one_partition(&text, &tables, "a search");
}

/// Issue 19 items 2 and 5: the figures' reads of the register and the health records name the
/// commune too (PostgreSQL's cold figures were planned over every partition, slice by slice).
#[tokio::test]
async fn the_figures_read_the_communes_partition_alone() {
    use treem_domain::indicator::Known;
    use treem_storage::HealthLog;
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let (a, b) = two_communes(&url).await;
    let o = officer();
    for name in ["Giàng Thị Dua", "Sùng A Páo"] {
        let id = b.create_child(&o, &child(name, "SP01")).await.unwrap().id;
        let dose = (
            "vaccination".to_string(),
            Some(id),
            today(),
            json!({"vaccine": "OPV", "dose": 1}),
        );
        b.add_health_events(&o, &typed_events(&[dose]))
            .await
            .unwrap();
    }
    let (children, text) = plans_while(&a, b.commune_id(), |db| async move {
        let at = Known::RecordedBy(today().tomorrow().unwrap());
        let children = db.register_for_figures(&o, Known::Now).await.unwrap();
        db.register_for_figures(&o, at).await.unwrap();
        let now = db.health_records(&o, None, Known::Now).await.unwrap();
        let then = db.health_records(&o, None, at).await.unwrap();
        (
            children.len(),
            now.vaccinations.len(),
            then.vaccinations.len(),
        )
    })
    .await;
    assert_eq!(children, (2, 2, 2), "the figures read the wrong records");
    let tables = ["child_fact", "health_pack", "health_event"];
    planned_on_one_partition(&text, &tables, "a read of the figures");
}

/// Issue 19 item 1: one commune moves in or out with `export` / `import all` without touching
/// the others, and a file of another commune is refused with a clear message.
#[tokio::test]
async fn a_commune_moves_out_and_in_without_touching_the_others() {
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let (a, b) = two_communes(&url).await;
    let o = officer();
    a.create_child(&o, &child("Giàng A Ởlại", "SP01"))
        .await
        .unwrap();
    b.create_child(&o, &child("Sùng Thị Rađi", "SP02"))
        .await
        .unwrap();

    // Out: B's export holds B's rows only, and no commune number.
    let mut out_b = Vec::new();
    b.export(&mut out_b, &|_| {}).await.unwrap();
    let text = String::from_utf8(out_b.clone()).unwrap();
    assert!(text.contains("Sùng Thị Rađi") && !text.contains("Ởlại"));
    assert!(
        !text.contains("\"commune\":"),
        "a row carries its commune number"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = Db::open(&dir.path().join("b.db").to_string_lossy())
        .await
        .unwrap();
    file.import_all(&mut out_b.as_slice(), &|_| {})
        .await
        .unwrap();
    assert_eq!(names_in(&file).await, vec!["Sùng Thị Rađi".to_string()]);

    // In: a commune kept in its own SQLite file joins the hosted database.
    file.set_commune(
        &o,
        &Commune {
            name: "Xã Ba".into(),
            province: "Điện Biên".into(),
            code: Some("03208".into()),
            sample: false,
        },
    )
    .await
    .unwrap();
    file.create_child(&o, &child("Lò Văn Ba", "SP01"))
        .await
        .unwrap();
    let mut out_file = Vec::new();
    file.export(&mut out_file, &|_| {}).await.unwrap();

    // Into the wrong commune: refused, naming both codes, nothing written.
    let wrong = a
        .add_commune(&NewCommune {
            code: "03209".into(),
            name: "Xã Bốn".into(),
            province: "Điện Biên".into(),
            host: None,
        })
        .await
        .unwrap();
    let wrong = a.for_commune(wrong.id).await.unwrap();
    match wrong.import_all(&mut out_file.as_slice(), &|_| {}).await {
        Err(StorageError::Invalid(e)) => {
            let m = e.to_string();
            assert!(m.contains("03208") && m.contains("03209"), "{m}");
        }
        other => panic!("{other:?}"),
    }
    assert!(names_in(&wrong).await.is_empty());

    let right = a
        .add_commune(&NewCommune {
            code: "03208".into(),
            name: "Xã Ba".into(),
            province: "Điện Biên".into(),
            host: None,
        })
        .await
        .unwrap();
    let right = a.for_commune(right.id).await.unwrap();
    right
        .import_all(&mut out_file.as_slice(), &|_| {})
        .await
        .unwrap();
    let mut moved = names_in(&right).await;
    moved.sort();
    assert_eq!(
        moved,
        vec!["Lò Văn Ba".to_string(), "Sùng Thị Rađi".to_string()]
    );
    // The others are as they were, their chains whole.
    assert_eq!(names_in(&a).await, vec!["Giàng A Ởlại".to_string()]);
    assert_eq!(names_in(&b).await, vec!["Sùng Thị Rađi".to_string()]);
    for db in [&a, &b, &right] {
        let report = treem_storage::AuditLog::check(db).await.unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);
    }
    // And the moved commune goes on writing: its ids do not collide with the others'.
    right
        .create_child(&o, &child("Lò Thị Mới", "SP01"))
        .await
        .unwrap();
    a.create_child(&o, &child("Giàng A Mới", "SP01"))
        .await
        .unwrap();
}

async fn names_in(db: &Db) -> Vec<String> {
    db.search_children(
        &officer(),
        &ChildQuery {
            page: 1,
            per_page: 100,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .items
    .into_iter()
    .map(|c| c.full_name)
    .collect()
}

/// Issue 19 item 1: the province sees aggregates of all its communes — each commune's figures
/// published as its package would be, summed (Σ numerators / Σ denominators) across them.
#[tokio::test]
async fn the_province_table_of_hosted_communes_sums_each_communes_figures() {
    use treem_web::province_live::{live_table, LiveCommune};
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let (a, b) = two_communes(&url).await;
    let o = officer();
    for i in 0..12 {
        a.create_child(&o, &child(&format!("Giàng A Số{i}"), "SP01"))
            .await
            .unwrap();
    }
    for i in 0..7 {
        b.create_child(&o, &child(&format!("Sùng Thị Số{i}"), "SP02"))
            .await
            .unwrap();
    }
    let live = |db: &Db, code: &str| {
        LiveCommune::app(
            code.into(),
            code.into(),
            treem_web::AppState::new(Arc::new(db.clone())),
        )
    };
    let day = jiff::civil::date(2026, 6, 30);
    let both = live_table(&[live(&a, "A"), live(&b, "B")], "six_month", 2026, day)
        .await
        .unwrap()
        .table;
    let only_a = live_table(&[live(&a, "A")], "six_month", 2026, day)
        .await
        .unwrap()
        .table;
    let only_b = live_table(&[live(&b, "B")], "six_month", 2026, day)
        .await
        .unwrap()
        .table;
    assert_eq!(both.rows.len(), 2);
    assert_eq!(both.rows[0].cells, only_a.rows[0].cells);
    assert_eq!(both.rows[1].cells, only_b.rows[0].cells);
    let mut summed = 0;
    for t in &both.totals {
        let one = |table: &treem_domain::report::package::ProvinceTable| {
            table
                .totals
                .iter()
                .find(|x| x.target == t.target)
                .cloned()
                .unwrap()
        };
        let (ta, tb) = (one(&only_a), one(&only_b));
        if let (Some(na), Some(nb), Some(n)) = (ta.numerator, tb.numerator, t.numerator) {
            assert_eq!(n, na + nb, "target {}", t.target);
            assert_eq!(
                t.denominator
                    .zip(ta.denominator.zip(tb.denominator))
                    .map(|(d, (x, y))| d == x + y),
                t.denominator.map(|_| true)
            );
            summed += 1;
        }
    }
    assert!(summed > 0, "no target summed: {:?}", both.totals);
}

/// Issue 19 item 5: the province's table takes a commune's package as kept when its data has not
/// changed since it was made, and computes again exactly the communes whose data changed: the
/// changed commune's row shows the change, never the kept figures.
#[tokio::test]
async fn the_province_table_computes_again_only_the_communes_whose_data_changed() {
    use treem_web::province_live::{live_table, LiveCommune};
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let (a, b) = two_communes(&url).await;
    let o = officer();
    for i in 0..5 {
        a.create_child(&o, &child(&format!("Giàng A Số{i}"), "SP01"))
            .await
            .unwrap();
        b.create_child(&o, &child(&format!("Sùng Thị Số{i}"), "SP02"))
            .await
            .unwrap();
    }
    let ids = a.hosted_communes().await.unwrap();
    // As the command and the seat open them: a pool of each commune's own, closed after.
    let communes: Vec<LiveCommune> = ids
        .iter()
        .map(|c| {
            let code = c.code.clone().unwrap_or_else(|| c.id.to_string());
            LiveCommune::open(code, String::new(), a.clone(), c.id)
        })
        .collect();
    let (code_a, code_b) = (communes[0].code.clone(), communes[1].code.clone());
    let day = jiff::civil::date(2026, 6, 30);
    let first = live_table(&communes, "six_month", 2026, day).await.unwrap();
    assert_eq!((first.kept, first.missing.len()), (0, 0));
    let again = live_table(&communes, "six_month", 2026, day).await.unwrap();
    assert_eq!(again.kept, 2);
    // Both from the one read of every commune's stamps, without opening either commune.
    assert_eq!(again.kept_at_once, 2);
    // That read's stamps are each commune's own, as read in its scope.
    let read = a.communes_kept("six_month", 2026, day).await.unwrap();
    assert_eq!(read.len(), 2);
    for (own, k) in [&a, &b].into_iter().zip(&read) {
        assert_eq!(k.commune, own.commune_id());
        assert_eq!(k.figures_stamp, own.figures_stamp().await.unwrap());
        assert_eq!(k.activities_stamp, own.activities_stamp().await.unwrap());
        assert!(k.kept.is_some());
    }
    assert_ne!(read[0].figures_stamp, read[1].figures_stamp);
    let cells = |t: &treem_web::province_live::LiveTable| {
        t.table
            .rows
            .iter()
            .map(|r| r.cells.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(cells(&again), cells(&first));
    assert_eq!(again.table.totals, first.table.totals);
    // Another day is another package.
    let next_day = live_table(&communes, "six_month", 2026, day.tomorrow().unwrap())
        .await
        .unwrap();
    assert_eq!(next_day.kept, 0);
    let _ = live_table(&communes, "six_month", 2026, day).await.unwrap();
    // A child more in commune B: B is computed again, A taken as kept.
    for i in 0..4 {
        b.create_child(&o, &child(&format!("Thào Văn Mới{i}"), "SP02"))
            .await
            .unwrap();
    }
    let changed = live_table(&communes, "six_month", 2026, day).await.unwrap();
    assert_eq!((changed.kept, changed.kept_at_once), (1, 1));
    let row = |t: &treem_web::province_live::LiveTable, code: &str| {
        t.table
            .rows
            .iter()
            .find(|r| r.code == code)
            .unwrap()
            .cells
            .clone()
    };
    assert_eq!(row(&changed, &code_a), row(&first, &code_a));
    assert_ne!(row(&changed, &code_b), row(&first, &code_b));
    // What B's own server computes now, from nothing kept.
    let fresh = live_table(
        &[LiveCommune::app(
            code_b.clone(),
            String::new(),
            treem_web::AppState::new(Arc::new(b.clone())),
        )],
        "six_month",
        2026,
        day,
    )
    .await
    .unwrap();
    assert_eq!((fresh.kept, fresh.kept_at_once), (1, 0));
    assert_eq!(row(&changed, &code_b), row(&fresh, &code_b));
}

/// The seat's server makes the table its province's page opens on ready by itself: the first
/// reviewer of a day finds every commune's package kept, not computed while they wait.
#[tokio::test]
async fn the_province_table_is_made_ready_before_anyone_asks_for_it() {
    use treem_web::province_live::{keep_ready, live_table, LiveCommune, FIRST_KIND};
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let (a, b) = two_communes(&url).await;
    let o = officer();
    a.create_child(&o, &child("Giàng A Sớm", "SP01"))
        .await
        .unwrap();
    b.create_child(&o, &child("Sùng Thị Sớm", "SP02"))
        .await
        .unwrap();
    let communes: Vec<LiveCommune> = a
        .hosted_communes()
        .await
        .unwrap()
        .iter()
        .map(|c| {
            LiveCommune::open(
                c.code.clone().unwrap_or_else(|| c.id.to_string()),
                String::new(),
                a.clone(),
                c.id,
            )
        })
        .collect();
    fn day() -> jiff::civil::Date {
        jiff::civil::date(2026, 6, 30)
    }
    assert!(a
        .communes_kept(FIRST_KIND, 2026, day())
        .await
        .unwrap()
        .iter()
        .all(|k| k.kept.is_none()));
    let task = keep_ready(communes.clone(), std::time::Duration::from_secs(3600), day);
    let started = std::time::Instant::now();
    loop {
        let read = a.communes_kept(FIRST_KIND, 2026, day()).await.unwrap();
        if read.len() == 2 && read.iter().all(|k| k.kept.is_some()) {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "nothing made the table ready (task finished: {}): {read:?}",
            task.is_finished()
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    task.abort();
    let t = live_table(&communes, FIRST_KIND, 2026, day())
        .await
        .unwrap();
    assert_eq!((t.kept, t.kept_at_once, t.missing.len()), (2, 2, 0));
}

/// Issue 19 item 1: on a server hosting many communes, the province's reviewer at the seat
/// (the database's first commune) sees the figures now of each commune it registered that the
/// server hosts; no other commune sees the province's side — neither that page, nor the
/// communes it registered, nor can it register any, whatever accounts it makes.
#[tokio::test]
async fn the_seat_sees_its_registered_communes_figures_now_and_no_commune_sees_the_provinces_side()
{
    use treem_domain::report::package::CommuneKey;
    use treem_web::province_live::LiveCommune;
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let (a, b) = two_communes(&url).await;
    let o = officer();
    for i in 0..9 {
        b.create_child(&o, &child(&format!("Sùng Thị Số{i}"), "SP02"))
            .await
            .unwrap();
    }
    let province = actor(Role::Province, None);
    let key_b = CommuneKey::from_secret("03206", "Xã Hai", [2; 32]);
    a.trust_commune(&province, &key_b.public()).await.unwrap();
    // B's province-role account sees no registered commune and can register none.
    assert!(b.trusted_communes(&province).await.unwrap().is_empty());
    assert!(b.trust_commune(&province, &key_b.public()).await.is_err());
    assert_eq!(a.trusted_communes(&province).await.unwrap().len(), 1);

    let state = |db: &Db| treem_web::AppState::new(Arc::new(db.clone()));
    let live = vec![
        LiveCommune::app("03205".into(), "Sính Phình".into(), state(&a)),
        // The way `treem serve` gives it: a pool opened for the table and closed after.
        LiveCommune::open("03206".into(), "Xã Hai".into(), b.clone(), b.commune_id()),
    ];
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let apps = vec![
        ("127.0.0.1".to_string(), state(&a).with_hosted(live)),
        ("localhost".to_string(), state(&b)),
    ];
    tokio::spawn(async move {
        let _ = treem_web::hosted::serve_hosted(apps, listener).await;
    });
    let app_a = TestApp::at(format!("http://127.0.0.1:{port}"), a);
    let app_b = TestApp::at(format!("http://localhost:{port}"), b);

    let seat = page_login(&app_a, "province", "password-province").await;
    let r = seat
        .get(&app_a, "/province/live?kind=six_month&year=2026")
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    // The registered hosted commune, with its figures; not the seat, which it did not register.
    assert!(html.contains("id=\"commune-03206\""), "{html}");
    assert!(!html.contains("id=\"commune-03205\""), "{html}");
    assert!(html.contains("tạm tính"), "{html}");
    assert!(html.contains("CT "), "{html}");
    // The report's name in words, and an empty row says why.
    assert!(!html.contains("six_month"), "{html}");
    let r = seat.get(&app_a, "/province/live?kind=khac&year=2026").await;
    let html = r.text().await.unwrap();
    assert!(
        html.contains("kế hoạch của xã không có loại báo cáo này"),
        "{html}"
    );
    // The table of packages received links to it.
    let r = seat.get(&app_a, "/province").await;
    assert!(r.text().await.unwrap().contains("/province/live"));
    // The seat's officer may not; B's province account finds no such page.
    let officer_a = page_login(&app_a, "officer", "password-officer").await;
    let r = officer_a.get(&app_a, "/province/live").await;
    assert!(matches!(r.status().as_u16(), 403 | 404), "{}", r.status());
    let at_b = page_login(&app_b, "province", "password-province").await;
    let r = at_b.get(&app_b, "/province/live").await;
    assert_eq!(r.status(), 404);
    let r = at_b.get(&app_b, "/province").await;
    let html = r.text().await.unwrap();
    assert!(
        !html.contains("03206") && !html.contains("/province/live"),
        "{html}"
    );
}

/// Issue 19 item 5: `import all` on PostgreSQL writes the health events with the packs'
/// trigger set aside and each pack once at its end, in child order (migration 0023). Event by
/// event, the trigger rewrote a child's pack for each of its events, leaving a row version
/// behind each time: at a million children the packs spread over 2.1 GB for 0.5 GB of packs,
/// each on a page of its own, and the figures read them in 8.4 s instead of 3.4.
#[tokio::test]
async fn import_all_on_postgresql_writes_each_health_pack_once_in_child_order() {
    use treem_storage::{AuditLog, HealthLog};
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let db = seeded(&url).await;
    let o = officer();
    let mut ids = Vec::new();
    for i in 0..30 {
        let name = format!("Giàng Thị Số{i:02}");
        ids.push(db.create_child(&o, &child(&name, "SP01")).await.unwrap().id);
    }
    // Recorded in an order unlike the children's: the last child's first dose first, and each
    // child's three doses apart.
    let mut doses = Vec::new();
    for dose in 1..=3 {
        for id in ids.iter().rev() {
            doses.push((
                "vaccination".to_string(),
                Some(*id),
                today(),
                json!({"vaccine": "OPV", "dose": dose}),
            ));
        }
    }
    db.add_health_events(&o, &typed_events(&doses))
        .await
        .unwrap();
    let mut out = Vec::new();
    db.export(&mut out, &|_| {}).await.unwrap();
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let copy = Db::open(&url).await.unwrap();
    copy.import_all(&mut out.as_slice(), &|_| {}).await.unwrap();
    let report = copy.check().await.unwrap();
    assert!(report.ok(), "{:?}", report.problems);
    // One pack a child, its three doses in it, the packs' rows in the children's order.
    copy.raw_execute_as_owner(
        "DO $$ BEGIN \
         IF (SELECT COUNT(*) FROM health_pack WHERE events LIKE '%' || chr(30) || '%' || chr(30) || '%') <> 30 \
         THEN RAISE EXCEPTION 'not one pack of three doses a child'; END IF; \
         IF EXISTS (SELECT 1 FROM (SELECT ctid, lag(ctid) OVER (ORDER BY child_id, kind) AS prev \
             FROM health_pack) x WHERE ctid < prev) \
         THEN RAISE EXCEPTION 'the packs are not written in the children''s order'; END IF; END $$",
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
}

/// A load of children on PostgreSQL copies their versions for the figures in one statement at
/// its end, with the copying trigger set aside for its own transaction only (migration 0024):
/// row by row the trigger took three quarters of the versions' time. A single statement gives
/// every copy it writes one command id (`cmin`); the trigger, one per row. Writes outside a
/// load, and `import all`, keep their copies right.
#[tokio::test]
async fn a_postgresql_load_copies_its_versions_for_the_figures_in_one_statement() {
    use treem_storage::AuditLog;
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let db = seeded(&url).await;
    let o = officer();
    let before = db
        .create_child(&o, &child("Giàng A Trước", "SP01"))
        .await
        .unwrap();
    let rows: Vec<_> = (0..30)
        .map(|i| child(&format!("Thào Thị Số{i:02}"), "SP02"))
        .collect();
    assert_eq!(db.import_children(&o, rows).await.unwrap(), 30);
    let one_statement = |after: i64| {
        format!(
            "DO $$ BEGIN \
             IF (SELECT COUNT(*) FROM child_fact WHERE child_id > {after}) <> 30 \
             THEN RAISE EXCEPTION 'not one copy a version'; END IF; \
             IF (SELECT COUNT(DISTINCT cmin::text) FROM child_fact WHERE child_id > {after}) <> 1 \
             THEN RAISE EXCEPTION 'the copies were written row by row'; END IF; END $$"
        )
    };
    db.raw_execute_as_owner(&one_statement(before.id))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // The trigger is back for every other write: a new child, and a change to an imported one.
    let after = db
        .create_child(&o, &child("Giàng A Sau", "SP01"))
        .await
        .unwrap();
    let imported = db.child(&o, before.id + 1).await.unwrap();
    let mut changed = imported.data.clone();
    changed.school_level = Some("mau_giao".into());
    db.update_child(&o, imported.id, imported.version, &changed)
        .await
        .unwrap();
    let report = db.check().await.unwrap();
    assert!(report.ok(), "{:?}", report.problems);
    assert!(after.id > before.id + 30);
    // `import all` sets the trigger aside for its whole load and copies every version at its end.
    let mut out = Vec::new();
    db.export(&mut out, &|_| {}).await.unwrap();
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let copy = Db::open(&url).await.unwrap();
    copy.import_all(&mut out.as_slice(), &|_| {}).await.unwrap();
    let report = copy.check().await.unwrap();
    assert!(report.ok(), "{:?}", report.problems);
    copy.raw_execute_as_owner(
        "DO $$ BEGIN \
         IF (SELECT COUNT(*) FROM child_fact) <> 33 THEN RAISE EXCEPTION 'not every version copied'; END IF; \
         IF (SELECT COUNT(DISTINCT cmin::text) FROM child_fact) <> 1 \
         THEN RAISE EXCEPTION 'import all copied row by row'; END IF; END $$",
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
}

/// Migration 0018 converts the tables and views the earlier migrations made, read from the
/// catalogue; an extension's own views in the same schema (Citus keeps `citus_tables` there,
/// `pg_stat_statements` its view) are the extension's, not treem's, and left as they are: the
/// migration used to try to drop them and failed on such a database.
#[tokio::test]
async fn an_extensions_views_in_the_schema_do_not_stop_the_migrations() {
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let admin = owner(&url).await;
    sqlx::raw_sql("CREATE EXTENSION pg_stat_statements")
        .execute(&admin)
        .await
        .unwrap();
    let db = Db::open(&url).await.unwrap();
    seed_commune(&db).await;
    assert_eq!(db.villages(&officer()).await.unwrap().len(), 2);
    let (kept,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM pg_views WHERE schemaname = 'public' AND viewname = 'pg_stat_statements'",
    )
    .fetch_one(&admin)
    .await
    .unwrap();
    assert_eq!(kept, 1);
    db.close().await;
    admin.close().await;
}
