//! Many people at once: writes never fail for being concurrent. A write succeeds, or is refused
//! with 409 for a stale version, or with 503 and `Retry-After` after a bounded wait; never 500.
//! Reads that write an audit row do not fail because another writer is busy.
use crate::helpers::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use treem_domain::role::Role;
use treem_storage::Register;

/// Every backend's app: SQLite always, PostgreSQL when configured.
async fn apps() -> Vec<(&'static str, TestApp)> {
    let mut out = vec![("sqlite", spawn_app().await)];
    if let Some(url) = fresh_postgres().await {
        out.push(("postgres", spawn_app_on(url, None).await));
    }
    out
}

fn tally(statuses: &[u16]) -> BTreeMap<u16, usize> {
    let mut m = BTreeMap::new();
    for s in statuses {
        *m.entry(*s).or_insert(0) += 1;
    }
    m
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_edits_of_one_child_give_one_success_and_conflicts_never_500() {
    for (label, app) in apps().await {
        let o = officer();
        let c = app
            .db
            .create_child(&o, &child("Giàng A Páo", "SP01"))
            .await
            .unwrap();
        let token = app.token(Role::Officer).await;
        let mut body = serde_json::to_value(&c.data).unwrap();
        body["version"] = json!(c.version);
        let mut tasks = Vec::new();
        for i in 0..10 {
            let mut b = body.clone();
            b["aliases"] = json!([format!("Páo {i}")]);
            let http = app.http.clone();
            let url = app.url(&format!("/api/v1/children/{}", c.id));
            let token = token.clone();
            tasks.push(tokio::spawn(async move {
                let r = http
                    .put(url)
                    .bearer_auth(token)
                    .json(&b)
                    .send()
                    .await
                    .unwrap();
                r.status().as_u16()
            }));
        }
        let mut statuses = Vec::new();
        for t in tasks {
            statuses.push(t.await.unwrap());
        }
        let t = tally(&statuses);
        assert_eq!(
            t.get(&200),
            Some(&1),
            "{label}: exactly one edit wins: {t:?}"
        );
        assert_eq!(
            t.get(&409),
            Some(&9),
            "{label}: the others are told the record changed: {t:?}"
        );
        let now = app.db.child(&o, c.id).await.unwrap();
        assert_eq!(now.version, c.version + 1, "{label}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_clients_reading_and_editing_at_once_get_no_server_error() {
    for (label, app) in apps().await {
        let o = officer();
        let mut ids = Vec::new();
        for i in 0..20 {
            let c = app
                .db
                .create_child(&o, &child(&format!("Vàng Thị Mai {i}"), "SP01"))
                .await
                .unwrap();
            ids.push(c.id);
        }
        let token = app.token(Role::Officer).await;
        let mut tasks = Vec::new();
        // 20 clients, each reads its child (an audited read, so a write), then edits it from
        // the version it read, then reads again: 60 requests racing for the one writer.
        for (i, id) in ids.iter().copied().enumerate() {
            let http = app.http.clone();
            let base = app.base.clone();
            let token = token.clone();
            tasks.push(tokio::spawn(async move {
                let mut statuses = Vec::new();
                let url = format!("{base}/api/v1/children/{id}");
                let r = http.get(&url).bearer_auth(&token).send().await.unwrap();
                statuses.push(r.status().as_u16());
                let mut child: Value = r.json().await.unwrap();
                let version = child["version"].clone();
                let mut body = child["child"].take();
                if body.is_null() {
                    body = child.clone();
                }
                body["version"] = version;
                body["aliases"] = json!([format!("Mai {i}")]);
                let r = http
                    .put(&url)
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                let s = r.status().as_u16();
                if s >= 500 {
                    assert!(
                        r.headers().contains_key("retry-after"),
                        "a 503 says when to try again"
                    );
                }
                statuses.push(s);
                let r = http.get(&url).bearer_auth(&token).send().await.unwrap();
                statuses.push(r.status().as_u16());
                statuses
            }));
        }
        let mut statuses = Vec::new();
        for t in tasks {
            statuses.extend(t.await.unwrap());
        }
        let t = tally(&statuses);
        assert!(
            !t.keys().any(|s| *s == 500),
            "{label}: no request may fail with 500: {t:?}"
        );
        assert_eq!(
            t.get(&200),
            Some(&60),
            "{label}: every request succeeds: {t:?}"
        );
    }
}

/// Another process (a backup, a command-line import) holding SQLite's write lock: a write
/// waits for it, and past the bounded wait is answered 503 with `Retry-After`, nothing written;
/// reads go on meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_write_waits_for_another_process_then_says_busy_never_500() {
    let app = spawn_app().await;
    let o = officer();
    let c = app
        .db
        .create_child(&o, &child("Lý Thị Dung", "SP01"))
        .await
        .unwrap();
    let token = app.token(Role::Officer).await;
    let path = app.db.sqlite_path().unwrap();
    // Stands for the other process: its own connection, outside the app's queue.
    let hold = |seconds: u64| {
        let path = path.clone();
        std::thread::spawn(move || {
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.execute_batch("BEGIN IMMEDIATE").unwrap();
            std::thread::sleep(std::time::Duration::from_secs(seconds));
            conn.execute_batch("ROLLBACK").unwrap();
        })
    };
    let put = |alias: &'static str, version: i64| {
        let http = app.http.clone();
        let url = app.url(&format!("/api/v1/children/{}", c.id));
        let token = token.clone();
        let mut body = serde_json::to_value(&c.data).unwrap();
        body["version"] = json!(version);
        body["aliases"] = json!([alias]);
        async move {
            http.put(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    // A short hold is waited out.
    let h = hold(1);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let r = put("Dung", c.version).await;
    assert_eq!(r.status(), 200, "a write waits for a short lock");
    h.join().unwrap();
    // A hold past the wait is refused as busy, with nothing written.
    let h = hold(12);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let read = app
        .http
        .get(app.url("/api/v1/children?q=dung"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        read.status(),
        200,
        "reads go on while another process writes"
    );
    let r = put("Dung 2", c.version + 1).await;
    assert_eq!(r.status(), 503, "busy past the bounded wait");
    assert_eq!(
        r.headers().get("retry-after").map(|v| v.to_str().unwrap()),
        Some("2")
    );
    let body: Value = r.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("bận"), "{body}");
    h.join().unwrap();
    let now = app.db.child(&o, c.id).await.unwrap();
    assert_eq!(now.version, c.version + 1, "the refused write left nothing");
    assert_eq!(now.data.aliases, vec!["Dung".to_string()]);
}

/// An import of children on PostgreSQL sets the children's id sequence past the ids it wrote;
/// it must leave every other table's sequence alone. It used to set all nine back to
/// `MAX(id) + 1`, so a health event being recorded meanwhile — its id already drawn, not yet
/// committed — gave the next one the same id: 500, duplicate key.
#[tokio::test]
async fn an_import_leaves_other_tables_ids_to_their_writers() {
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let db = seeded(&url).await;
    let o = officer();
    let c = db
        .create_child(&o, &child("Sùng A Lử", "SP01"))
        .await
        .unwrap();
    let vaccination = |dose: u8| {
        (
            "vaccination".to_string(),
            Some(c.id),
            today(),
            json!({"vaccine": "OPV", "dose": dose}),
        )
    };
    use treem_storage::HealthLog;
    let first = db
        .add_health_events(&o, &typed_events(&[vaccination(1)]))
        .await
        .unwrap()[0];
    // A writer draws the next event id and is still at work when the import ends.
    let other = treem_storage::Db::connect(&url).await.unwrap();
    other
        .raw_execute("BEGIN; SELECT nextval(pg_get_serial_sequence('health_event', 'id'));")
        .await
        .unwrap();
    let drawn: i64 = first + 1;
    db.import_children(&o, vec![child("Giàng Thị Dua", "SP02")])
        .await
        .unwrap();
    let next = db
        .add_health_events(&o, &typed_events(&[vaccination(2)]))
        .await
        .unwrap()[0];
    assert!(
        next > drawn,
        "the import gave back an id a writer had drawn: {next} after {drawn}"
    );
    other.close().await;
}
