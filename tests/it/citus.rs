//! Issue 19 item 2 on a real Citus cluster: runs when `TREEM_TEST_CITUS_URLS` names the
//! coordinator and its workers (`postgres://…:5433,postgres://…:5434,…`, as
//! `scripts/citus/cluster.sh` starts them); skipped, saying so, otherwise.
use crate::communes::two_communes;
use crate::helpers::{child, officer, owner};
use std::sync::atomic::{AtomicUsize, Ordering};
use treem_storage::{ChildQuery, Db, HealthLog, Register, StorageError};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// How many of this process's latest cluster databases a new one leaves: those of the test
/// that is running (one test at a time on the cluster).
const KEEP_LAST: usize = 8;

/// One test at a time on the cluster: adding nodes and roles changes catalogues the databases
/// share, and two at once fail («tuple concurrently updated»).
static CLUSTER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The cluster's nodes, coordinator first, or `None` (with a note) when none is configured.
fn nodes() -> Option<Vec<String>> {
    let Ok(urls) = std::env::var("TREEM_TEST_CITUS_URLS") else {
        eprintln!("SKIPPED on Citus: TREEM_TEST_CITUS_URLS is not set");
        return None;
    };
    Some(urls.split(',').map(|u| u.trim().to_string()).collect())
}

/// A new database on every node of the cluster with Citus, the workers added to the
/// coordinator; the coordinator's URL of it.
pub(crate) async fn fresh_citus() -> Option<String> {
    let nodes = nodes()?;
    let name = next_name(&nodes).await;
    for node in &nodes {
        let admin = owner(&format!("{node}/postgres")).await;
        run(&admin, &format!("CREATE DATABASE {name}")).await;
        admin.close().await;
        let db = owner(&format!("{node}/{name}")).await;
        run(&db, "CREATE EXTENSION citus").await;
        // Few shards: each test makes a cluster database of some 370 tables.
        run(
            &db,
            &format!("ALTER DATABASE {name} SET citus.shard_count = 2"),
        )
        .await;
        db.close().await;
    }
    let coordinator = owner(&format!("{}/{name}", nodes[0])).await;
    let (host, port) = host_port(&nodes[0]);
    run(
        &coordinator,
        &format!("SELECT citus_set_coordinator_host('{host}', {port})"),
    )
    .await;
    for worker in &nodes[1..] {
        let (host, port) = host_port(worker);
        run(
            &coordinator,
            &format!("SELECT citus_add_node('{host}', {port})"),
        )
        .await;
    }
    coordinator.close().await;
    Some(format!("{}/{name}", nodes[0]))
}

/// A new database on the cluster as treem's migrations leave it, for the suite run on Citus
/// (`helpers::fresh_postgres`): a copy, node by node, of one database this process migrated
/// once, since migrating on the cluster takes some ten seconds a database. Citus keeps its
/// metadata and shards in each node's database, and a copy names the same shards on the same
/// nodes, so the copy is the database the migrations would have made.
pub(crate) async fn fresh_citus_migrated() -> Option<String> {
    let nodes = nodes()?;
    let template = TEMPLATE
        .get_or_init(|| async {
            let url = fresh_citus().await.expect("the cluster");
            Db::open(&url)
                .await
                .expect("migrate the template")
                .close()
                .await;
            let name = url.rsplit('/').next().unwrap().to_string();
            for node in self::nodes().unwrap() {
                let admin = owner(&format!("{node}/postgres")).await;
                // A template takes no connections, and Citus's daemon keeps one.
                run(
                    &admin,
                    &format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"),
                )
                .await;
                run(
                    &admin,
                    &format!(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                         WHERE datname = '{name}'"
                    ),
                )
                .await;
                admin.close().await;
            }
            name
        })
        .await;
    let name = next_name(&nodes).await;
    for node in &nodes {
        let admin = owner(&format!("{node}/postgres")).await;
        run(
            &admin,
            &format!("CREATE DATABASE {name} TEMPLATE {template}"),
        )
        .await;
        admin.close().await;
    }
    Some(format!("{}/{name}", nodes[0]))
}

static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();

/// A name for a new cluster database, the earlier tests' databases dropped: each keeps a Citus
/// daemon, and a node has few. A test may make several, so this process's last few stay, and
/// its template.
async fn next_name(nodes: &[String]) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let pid = std::process::id();
    let name = format!("treem_citus_{pid}_{n}");
    let template = TEMPLATE.get().cloned().unwrap_or_default();
    for node in nodes {
        let admin = owner(&format!("{node}/postgres")).await;
        let old: Vec<(String,)> = sqlx::query_as(
            "SELECT datname::TEXT FROM pg_database WHERE datname LIKE 'treem_citus_%'",
        )
        .fetch_all(&admin)
        .await
        .unwrap();
        for (db,) in old {
            let ours = db
                .strip_prefix(&format!("treem_citus_{pid}_"))
                .and_then(|k| k.parse::<usize>().ok());
            if db == template || ours.is_some_and(|k| k + KEEP_LAST >= n) {
                continue;
            }
            run(
                &admin,
                &format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"),
            )
            .await;
        }
        admin.close().await;
    }
    name
}

async fn run(pool: &sqlx::PgPool, sql: &str) {
    sqlx::raw_sql(sql).execute(pool).await.unwrap();
}

fn host_port(url: &str) -> (&str, &str) {
    let at = url.rsplit('@').next().unwrap_or(url);
    let at = at.trim_start_matches("postgres://");
    at.split_once(':').unwrap_or((at, "5432"))
}

/// The tables as Citus holds them: (table, kind, distribution column, co-location group).
async fn citus_tables(pool: &sqlx::PgPool) -> Vec<(String, String, String, i64)> {
    sqlx::query_as(
        "SELECT table_name::TEXT, citus_table_type::TEXT, distribution_column::TEXT, \
         colocation_id::BIGINT FROM citus_tables ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

/// Opening a database on a Citus cluster distributes every commune table by `commune`, all in
/// one co-location group with `commune` (so a commune's joins and keys stay on one node), the
/// list of communes as a reference table, the province's own tables on the coordinator; a
/// second commune's connections take its own role and write and read on the workers within
/// it; and the hot statements, naming the commune, go to one shard.
#[tokio::test]
async fn on_citus_every_commune_table_is_distributed_by_commune_and_a_commune_reads_its_own() {
    let _turn = CLUSTER.lock().await;
    let Some(url) = fresh_citus().await else {
        return;
    };
    let (a, b) = two_communes(&url).await;
    let id_b = b.commune_id();
    let admin = owner(&url).await;
    let tables = citus_tables(&admin).await;
    let group = tables
        .iter()
        .find(|t| t.0 == "commune")
        .map(|t| t.3)
        .expect("commune distributed");
    let distributed: Vec<_> = tables.iter().filter(|t| t.1 == "distributed").collect();
    // Each commune table and its eight partitions.
    assert!(distributed.len() >= 9 * 40, "{tables:?}");
    for t in &distributed {
        assert_eq!(t.2, "commune", "{t:?}");
        assert_eq!(t.3, group, "{} is not co-located with commune", t.0);
    }
    for name in [
        "child",
        "child_version",
        "child_token",
        "child_fact",
        "case_file",
        "audit_log",
    ] {
        assert!(
            distributed.iter().any(|t| t.0 == name),
            "{name} not distributed"
        );
    }
    assert!(tables
        .iter()
        .any(|t| t.0 == "hosted_commune" && t.1 == "reference"));
    for local in ["province_commune", "province_package", "schema_migration"] {
        assert!(!tables.iter().any(|t| t.0 == local), "{local} distributed");
    }

    // The commune's own role, on every node: the workers read the commune from it (the
    // connection's setting does not travel to them).
    let role = format!("treem_c_{id_b}");
    for node in std::env::var("TREEM_TEST_CITUS_URLS").unwrap().split(',') {
        let name = url.rsplit('/').next().unwrap();
        let pool = owner(&format!("{}/{name}", node.trim())).await;
        let (login, bypass): (bool, bool) =
            sqlx::query_as("SELECT rolcanlogin, rolbypassrls FROM pg_roles WHERE rolname = $1")
                .bind(&role)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert!(login && !bypass, "{role} on {node}");
        pool.close().await;
    }
    b.create_village(&officer(), "X01", "Bản Một Xã Hai")
        .await
        .unwrap();
    let names =
        |v: Vec<treem_domain::register::Village>| v.into_iter().map(|v| v.code).collect::<Vec<_>>();
    assert_eq!(
        names(b.villages(&officer()).await.unwrap()),
        vec!["SP01".to_string(), "SP02".to_string(), "X01".to_string()]
    );
    assert_eq!(
        names(a.villages(&officer()).await.unwrap()),
        vec!["SP01".to_string(), "SP02".to_string()]
    );
    // The rows are on the workers' shards (none on the coordinator), with the commune's number.
    let per_commune: Vec<(i64, i64)> =
        sqlx::query_as("SELECT commune, count(*) FROM village GROUP BY 1 ORDER BY 1")
            .fetch_all(&admin)
            .await
            .unwrap();
    assert_eq!(per_commune, vec![(1, 2), (id_b, 3)]);
    let coordinator_port = host_port(url.rsplit_once('/').unwrap().0).1.to_string();
    let ports: Vec<(i32,)> = sqlx::query_as(
        "SELECT DISTINCT nodeport FROM citus_shards WHERE table_name = 'village'::regclass",
    )
    .fetch_all(&admin)
    .await
    .unwrap();
    assert!(!ports.is_empty());
    assert!(
        ports.iter().all(|p| p.0.to_string() != coordinator_port),
        "{ports:?}"
    );
    admin.close().await;

    for (db, id) in [(&a, 1), (&b, id_b)] {
        for sql in HOT_QUERIES {
            let sql = sql.replace("{commune}", &id.to_string());
            let plan = db.explain(&sql).await.unwrap();
            assert!(
                plan.contains("Task Count: 1\n"),
                "{sql} is not routed to one shard:\n{plan}"
            );
        }
    }
    a.close().await;
    b.close().await;
}

/// The hot statements as the storage writes them on PostgreSQL (`Db::and_own` names the
/// commune beside each table's filter).
const HOT_QUERIES: &[&str] = &[
    "SELECT c.id, c.version, c.village_id, v.data FROM child c \
     JOIN child_version v ON v.commune = c.commune AND v.child_id = c.id AND v.version = c.version \
     WHERE c.commune = {commune} AND c.id = 1",
    "SELECT t.child_id, t.sort_key FROM child_token t \
     WHERE t.commune = {commune} AND t.token >= 'giang' AND t.token < 'giang~' \
     ORDER BY t.sort_key LIMIT 50",
    "SELECT id, full_name FROM child WHERE commune = {commune} AND village_id = 1 AND present = 1 \
     ORDER BY sort_key LIMIT 50",
    "SELECT child_id, version, line FROM child_fact WHERE commune = {commune} AND recorded_at < '9'",
    "SELECT child_id, kind, events FROM health_pack WHERE commune = {commune}",
    "UPDATE audit_head SET seq = seq + 1 WHERE commune = {commune} AND id = 1 RETURNING seq, hash",
];

/// The register's daily work on Citus, each commune within its own: a child written (with its
/// version's copy for the figures, made on the shard's node), found by the list and by name,
/// another commune's id answering as a missing one, a vaccination recorded (with its pack),
/// the figures' reads of the register and the health records, and `check` finding the chain
/// and the copies in step.
#[tokio::test]
async fn on_citus_two_communes_write_find_and_check_their_own_children() {
    let _turn = CLUSTER.lock().await;
    let Some(url) = fresh_citus().await else {
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
    for (db, name) in [(&a, "Giàng A Một"), (&b, "Sùng Thị Hai")] {
        for q in [None, Some(name.to_string())] {
            let found = db
                .search_children(
                    &o,
                    &ChildQuery {
                        q,
                        page: 1,
                        per_page: 50,
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            let names: Vec<_> = found.items.into_iter().map(|c| c.full_name).collect();
            assert_eq!(names, vec![name.to_string()]);
        }
    }
    assert_eq!(
        a.child(&o, in_a.id).await.unwrap().data.full_name,
        "Giàng A Một"
    );
    assert!(matches!(
        a.child(&o, in_b.id).await,
        Err(StorageError::NotFound)
    ));
    assert!(matches!(
        b.child(&o, in_a.id).await,
        Err(StorageError::NotFound)
    ));
    // A vaccination each (B's twice): the packs the figures read are made on the shard's node.
    let health = crate::helpers::actor(treem_domain::role::Role::Health, None);
    let on = crate::helpers::today();
    for (db, id, doses) in [(&a, in_a.id, 1), (&b, in_b.id, 2)] {
        let events: Vec<_> = (1..=doses)
            .map(|dose| {
                (
                    "vaccination".to_string(),
                    Some(id),
                    on,
                    serde_json::json!({"vaccine": "BCG", "dose": dose}),
                )
            })
            .collect();
        db.add_health_events(&health, &crate::helpers::typed_events(&events))
            .await
            .unwrap();
    }
    // The figures' reads, each of its own commune.
    let known = treem_domain::indicator::Known::Now;
    for (db, id, doses) in [(&a, in_a.id, 1), (&b, in_b.id, 2)] {
        let register = db.register_for_figures(&o, known).await.unwrap();
        assert_eq!(register.iter().map(|c| c.id).collect::<Vec<_>>(), vec![id]);
        let records = db.health_records(&o, Some(on), known).await.unwrap();
        assert_eq!(records.vaccinations.len(), doses);
        assert!(records.vaccinations.iter().all(|v| v.child_id == id));
    }
    for db in [&a, &b] {
        let report = treem_storage::AuditLog::check(db).await.unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert_eq!(report.children, 1);
    }
    a.close().await;
    b.close().await;
}

/// Every operation of the API as every role on Citus (the walk of `walk.rs`): never a failure,
/// nothing outside a role's scope.
#[tokio::test]
async fn on_citus_every_operation_as_every_role_holds_scope_and_never_fails() {
    let _turn = CLUSTER.lock().await;
    let Some(url) = fresh_citus().await else {
        return;
    };
    let app = crate::helpers::spawn_app_on(url, None).await;
    let failures = crate::walk::walk(&app, "citus").await;
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The synthetic commune loads on Citus (`treem demo`: its children in one load, with the
/// figures' copies made once at its end and kept where the workers' triggers made them), and
/// `treem check` finds the chain, the records and the copies in step.
#[tokio::test]
async fn on_citus_the_demo_commune_loads_and_checks_clean() {
    let _turn = CLUSTER.lock().await;
    let Some(url) = fresh_citus().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_treem"))
            .args(args)
            .current_dir(dir.path())
            .env("RUST_LOG", "warn")
            .env_remove("TREEM_DB")
            .output()
            .expect("run treem")
    };
    let out = run(&["demo", "--db", &url, "--children", "300", "--no-serve"]);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{said}");
    let out = run(&["check", "--db", &url]);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{said}");
    assert!(said.contains("300 trẻ"), "{said}");
    let db = Db::open(&url).await.unwrap();
    let admin = owner(&url).await;
    // Each version has its one copy, and each child's events their packs.
    let (versions, facts): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM child_version), (SELECT count(*) FROM child_fact)",
    )
    .fetch_one(&admin)
    .await
    .unwrap();
    assert_eq!(versions, facts);
    admin.close().await;
    db.close().await;
}

/// A database that already holds a commune's records (an older treem's, upgraded here) is
/// distributed at its first opening on the cluster with every row: its versions, seals and
/// figures' copies reach the shards whole, and `check` finds the chain and copies in step
/// (0026; with 0025's distribution the versions were truncated before they were copied).
#[tokio::test]
async fn on_citus_a_database_with_data_is_distributed_with_every_row() {
    let _turn = CLUSTER.lock().await;
    let Some(url) = fresh_citus().await else {
        return;
    };
    crate::upgrade::upgrade(&url, true).await;
    let admin = owner(&url).await;
    let distributed: (i64,) = sqlx::query_as(
        "SELECT count(*) FROM citus_tables WHERE table_name::TEXT = 'child_version' \
         AND citus_table_type = 'distributed'",
    )
    .fetch_one(&admin)
    .await
    .unwrap();
    admin.close().await;
    assert_eq!(distributed.0, 1, "the upgraded database is on the cluster");
}
