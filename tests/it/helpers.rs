use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use treem_domain::register::{ChildData, ChildDraft};
use treem_domain::role::{Actor, Role, ALL_ROLES};
use treem_storage::{Accounts, Db, NewUser, Register};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh, empty database on each available backend, labelled.
pub async fn databases() -> Vec<(&'static str, String, Option<tempfile::TempDir>)> {
    let mut out = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    out.push(("sqlite", path.to_string_lossy().to_string(), Some(dir)));
    if let Some(url) = fresh_postgres().await {
        out.push(("postgres", url, None));
    }
    out
}

/// As [`databases`], with no schema on any server ([`fresh_postgres_empty`]).
pub async fn databases_empty() -> Vec<(&'static str, String, Option<tempfile::TempDir>)> {
    if !on_citus() {
        return databases().await;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut out = vec![("sqlite", path.to_string_lossy().to_string(), Some(dir))];
    if let Some(url) = fresh_postgres_empty().await {
        out.push(("postgres", url, None));
    }
    out
}

/// A new PostgreSQL database for one test, or `None` (with a note) when none is configured.
/// With `TREEM_TEST_SUITE_ON_CITUS=1` beside `TREEM_TEST_CITUS_URLS`, every PostgreSQL test
/// gets a database on the Citus cluster instead, already migrated (run with
/// `--test-threads=1`: the cluster's catalogues take one change at a time; `docs/scale.md`).
pub async fn fresh_postgres() -> Option<String> {
    if on_citus() {
        return crate::citus::fresh_citus_migrated().await;
    }
    fresh_postgres_empty().await
}

/// As [`fresh_postgres`], with no schema at all whatever the server: for a test that makes an
/// older treem's database itself.
pub async fn fresh_postgres_empty() -> Option<String> {
    if on_citus() {
        return crate::citus::fresh_citus().await;
    }
    let Ok(admin) = std::env::var("TREEM_TEST_DATABASE_URL") else {
        eprintln!("SKIPPED on PostgreSQL: TREEM_TEST_DATABASE_URL is not set");
        return None;
    };
    let name = format!(
        "treem_t_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        rand::random::<u32>()
    );
    let db = Db::connect(&admin).await.expect("connect to PostgreSQL");
    db.raw_execute(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    db.close().await;
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
    Some(format!("{base}/{name}"))
}

/// Whether the PostgreSQL tests run on the Citus cluster (`TREEM_TEST_SUITE_ON_CITUS=1`).
pub fn on_citus() -> bool {
    std::env::var("TREEM_TEST_SUITE_ON_CITUS").is_ok_and(|v| v == "1")
}

/// True, saying why, when the suite runs on Citus and the test checks what only one
/// PostgreSQL server has (its partitions' plans, its statistics) or tampers through tables of
/// its own that Citus would keep on the coordinator alone; `tests/it/citus.rs` checks the
/// cluster's side of it.
pub fn skipped_on_citus(why: &str) -> bool {
    if on_citus() {
        eprintln!("SKIPPED on Citus: {why}");
    }
    on_citus()
}

/// `commune, ` where the tables carry the commune (PostgreSQL), for a test's own statement
/// that copies rows: Citus places a row by it.
pub fn commune_column(db: &Db) -> &'static str {
    if db.sqlite_path().is_some() {
        ""
    } else {
        "commune, "
    }
}

/// ` AND commune = N` on PostgreSQL for a test's own tampering statement that reads the table
/// it changes: naming the commune keeps it on one shard on Citus.
pub fn in_commune(db: &Db) -> String {
    if db.sqlite_path().is_some() {
        String::new()
    } else {
        format!(" AND commune = {}", db.commune_id())
    }
}

/// The owner's statement that removes the audit log's guard (a tamperer's first step): on
/// Citus a trigger of a distributed table changes only with `enable_unsafe_triggers`, which
/// plain PostgreSQL takes as a name nothing reads.
/// One statement: Citus passes a statement's whole text to the workers.
pub const DROP_AUDIT_GUARD_PG: &str =
    "DO $$ BEGIN PERFORM set_config('citus.enable_unsafe_triggers', 'on', false); \
     DROP TRIGGER audit_log_no_change ON audit_log; END $$";

/// One connection to a PostgreSQL database as its administrator, past treem (setting up an
/// extension or a cluster, reading what treem cannot).
pub async fn owner(url: &str) -> sqlx::PgPool {
    sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .unwrap()
}

pub fn officer() -> Actor {
    Actor::system()
}

/// The id of the village with `code` in `db`'s commune.
pub async fn village_id(db: &Db, code: &str) -> i64 {
    db.villages(&officer())
        .await
        .unwrap()
        .iter()
        .find(|v| v.code == code)
        .unwrap_or_else(|| panic!("no village {code}"))
        .id
}

pub fn actor(role: Role, village_id: Option<i64>) -> Actor {
    Actor {
        user_id: 0,
        username: format!("test-{role}"),
        role,
        village_id,
    }
}

pub fn today() -> jiff::civil::Date {
    treem_storage::today()
}

pub fn child(name: &str, village: &str) -> ChildData {
    ChildDraft {
        full_name: Some(name.into()),
        sex: Some("female".into()),
        date_of_birth: Some("2019-05-01".into()),
        village: Some(village.into()),
        ..Default::default()
    }
    .parse(today())
    .unwrap()
}

/// A database with two villages (SP01, SP02) and one account per role ("<role>" /
/// "password-<role>"; the village head belongs to SP01).
/// `f` on a seeded database of each backend (PostgreSQL when configured), closed after.
pub async fn each_backend<F, Fut>(f: F)
where
    F: Fn(&'static str, Db) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for (label, url, _dir) in databases().await {
        let db = seeded(&url).await;
        f(label, db.clone()).await;
        db.close().await;
    }
}

pub async fn seeded(url: &str) -> Db {
    let db = Db::open(url).await.unwrap();
    seed_commune(&db).await;
    db
}

/// [`seeded`]'s villages, accounts and periods in the commune `db` is scoped to.
pub async fn seed_commune(db: &Db) {
    let o = officer();
    db.create_village(&o, "SP01", "Sính Phình").await.unwrap();
    db.create_village(&o, "SP02", "Làng Vùa").await.unwrap();
    let admin = actor(Role::Admin, None);
    for r in ALL_ROLES {
        db.create_user(
            &admin,
            &NewUser {
                username: r.as_str().into(),
                password: format!("password-{r}"),
                role: r,
                village: (r == Role::VillageHead).then(|| "SP01".into()),
                must_change_password: false,
                full_name: test_signer(r).0.into(),
                position: test_signer(r).1.into(),
            },
        )
        .await
        .unwrap();
    }
    confirm_periods(db).await;
}

/// The officer confirms the shipped plan's report periods as proposed (the figures wait for
/// the periods the plan does not state).
pub async fn confirm_periods(db: &Db) {
    use treem_storage::Plans;
    let plan = treem_domain::plan::Plan::from_toml(treem_web::figures::SEED_PLAN).unwrap();
    for r in plan.reports.iter().filter(|r| !r.period_stated) {
        db.confirm_report_period(&officer(), plan.year, &r.code, r.proposed_period(plan.year))
            .await
            .unwrap();
    }
}

/// A running server on a random port (zero2prod's spawn_app).
pub struct TestApp {
    pub base: String,
    pub db: Db,
    pub http: reqwest::Client,
    _dir: Option<tempfile::TempDir>,
}

impl TestApp {
    /// A server already running at `base` over `db` (one of a hosted server's communes).
    pub fn at(base: String, db: Db) -> TestApp {
        TestApp {
            base,
            db,
            http: reqwest::Client::new(),
            _dir: None,
        }
    }

    pub async fn token(&self, role: Role) -> String {
        let r = self
            .http
            .post(format!("{}/api/v1/session", self.base))
            .json(&serde_json::json!({"username": role.as_str(), "password": format!("password-{role}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "login as {role}");
        r.json::<serde_json::Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

pub async fn spawn_app_on(url: String, dir: Option<tempfile::TempDir>) -> TestApp {
    // Case files need the key that seals them; the app's database carries one.
    let db = seeded(&url)
        .await
        .with_case_key(treem_storage::CaseKey::random());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = treem_web::AppState::new(Arc::new(db.clone()));
    tokio::spawn(async move {
        let _ = treem_web::serve(state, listener).await;
    });
    TestApp {
        base,
        db,
        http: reqwest::Client::new(),
        _dir: dir,
    }
}

pub async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("app.db").to_string_lossy().to_string();
    spawn_app_on(url, Some(dir)).await
}

/// A running server over a database the test prepared itself (a key of its choosing, say).
pub async fn serve_db(db: Db) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = treem_web::AppState::new(Arc::new(db.clone()));
    tokio::spawn(async move {
        let _ = treem_web::serve(state, listener).await;
    });
    TestApp {
        base,
        db,
        http: reqwest::Client::new(),
        _dir: None,
    }
}

/// Children in the register at `url`, moved out and dead included (what an import adds to).
pub async fn children_in_register(url: &str) -> i64 {
    let db = Db::open(url).await.unwrap();
    let n = db
        .search_children(
            &officer(),
            &treem_storage::ChildQuery {
                page: 1,
                per_page: 1,
                include_absent: true,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .total;
    db.close().await;
    n
}

/// A health event as the domain's type from its kind, child, date and fields (as the stored
/// JSON writes them): the tests' shorthand for `HealthLog::add_health_events`.
pub fn typed_event(
    kind: &str,
    child: Option<i64>,
    date: jiff::civil::Date,
    mut fields: serde_json::Value,
) -> treem_domain::health::Event {
    use treem_domain::health::Event;
    fields["date"] = date.to_string().into();
    if let Some(c) = child {
        fields["child_id"] = c.into();
    }
    let f = fields;
    let typed = match kind {
        "birth" => serde_json::from_value(f).map(Event::Birth),
        "death" => serde_json::from_value(f).map(Event::Death),
        "vaccination" => serde_json::from_value(f).map(Event::Vaccination),
        "measurement" => serde_json::from_value(f).map(Event::Measurement),
        "injury" => serde_json::from_value(f).map(Event::Injury),
        _ => serde_json::from_value(f).map(|counts| Event::Hiv { date, counts }),
    };
    typed.unwrap_or_else(|e| panic!("{kind} event: {e}"))
}

/// [`typed_event`] of each `(kind, child, date, fields)`.
pub fn typed_events(
    list: &[(String, Option<i64>, jiff::civil::Date, serde_json::Value)],
) -> Vec<treem_domain::health::Event> {
    list.iter()
        .map(|(k, c, d, f)| typed_event(k, *c, *d, f.clone()))
        .collect()
}

/// A birth's fields (`{live, place, weight_g, time}`) as the domain's [`Birth`] for
/// `HealthLog::record_birth`, which dates it and gives it the new child's id.
///
/// [`Birth`]: treem_domain::health::Birth
pub fn newborn_birth(mut fields: serde_json::Value) -> treem_domain::health::Birth {
    fields["child_id"] = 0.into();
    fields["date"] = today().to_string().into();
    serde_json::from_value(fields).expect("a birth's fields")
}

/// The full name and position (họ và tên, chức vụ) of `seeded`'s account for `role`: forms and
/// reports sign with these.
pub fn test_signer(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::Officer => ("Lù Thị Hoa", "Công chức Văn hóa - Xã hội"),
        Role::Leader => ("Giàng A Dơ", "Chủ tịch UBND xã"),
        Role::Health => ("Vàng Thị Mai", "Trạm trưởng Trạm Y tế xã"),
        Role::Police => ("Lò Văn Thắng", "Phó Trưởng Công an xã"),
        Role::Office => ("Quàng Thị Lan", "Chánh Văn phòng"),
        Role::Services => ("Cà Văn Tuấn", "Viên chức"),
        Role::VillageHead => ("Sùng A Páo", "Trưởng thôn Sính Phình"),
        Role::Province => ("Nguyễn Thị Thu", "Chuyên viên Sở Y tế"),
        Role::Admin => ("Lường Văn Hải", "Quản trị hệ thống"),
        Role::Economic => ("Mùa A Chính", "Chuyên viên Phòng Kinh tế"),
    }
}
