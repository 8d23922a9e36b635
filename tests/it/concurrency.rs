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
