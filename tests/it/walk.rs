//! A property-based walk over every operation of the OpenAPI document (`/api/v1/openapi.json`),
//! as every role, with random and boundary inputs: path ids of this village's and another
//! village's children, of cases and households, ids and years that do not exist or do not fit
//! (0, -1, 2^63, 32767, "abc"), query values and bodies built from the document's schemas and
//! bent out of shape (wrong types, missing fields, huge numbers, long and odd strings, broken
//! JSON). Each answer must hold two properties:
//!
//! * never 500 and never a dropped connection (a panic), and its status one the document lists
//!   for the operation;
//! * nothing outside the role's scope: a village head receives no child (by name, personal ID or
//!   id) of another village; the province and the administrator receive no child's personal
//!   fields; nobody but the officer and the leader receives a case's content (nobody else is
//!   assigned to the case here).
//!
//! Cases are drawn from a seeded generator (seed 2026 unless `TREEM_WALK_SEED` gives another,
//! or `random`), `TREEM_WALK_CASES`
//! sets the number of requests per operation and role (default 3, a few seconds; the longer
//! drill is `scripts/api-walk.sh`, see docs/operations.md, "Drills").
use crate::helpers::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::Method;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use treem_domain::role::{Role, ALL_ROLES};
use treem_storage::{AuditLog, Register};

/// What the walk may not find in the answers to a role.
struct Secrets {
    /// Names and personal IDs of every child, by village code.
    children: Vec<(String, Vec<String>)>,
    /// Child ids by village code.
    child_ids: Vec<(i64, String)>,
    /// Words only a case's content holds.
    case_words: Vec<String>,
    /// The code of the village head's village (codes may change during the walk).
    head_village: String,
}

/// The ids the walk uses in paths, besides impossible ones.
struct Known {
    children: Vec<i64>,
    households: Vec<i64>,
    villages: Vec<i64>,
    cases: Vec<i64>,
    /// The village head's village.
    head_village: i64,
}

const CASE_PLACE: &str = "Nương ngô bản Kínđáo";
const CASE_CONDITION: &str = "Vết bầm Kínđáo ở tay";
const INFORMANT: &str = "Người báo Kínđáo";

#[tokio::test]
async fn every_operation_as_every_role_holds_scope_and_never_fails() {
    let app = spawn_app().await;
    let mut failures = walk(&app, "sqlite").await;
    if let Some(url) = fresh_postgres().await {
        let app = spawn_app_on(url, None).await;
        failures.extend(walk(&app, "postgres").await);
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Walks the document once on `app`; the failures found, each with its request.
pub(crate) async fn walk(app: &TestApp, backend: &str) -> Vec<String> {
    // A fixed seed by default, so CI walks the same requests every time; `random` draws one.
    let seed: u64 = match std::env::var("TREEM_WALK_SEED").as_deref() {
        Ok("random") => rand::random(),
        Ok(s) => s.parse().expect("TREEM_WALK_SEED is a number or `random`"),
        Err(_) => 2026,
    };
    let cases: usize = std::env::var("TREEM_WALK_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    eprintln!("walk on {backend}: TREEM_WALK_SEED={seed} TREEM_WALK_CASES={cases}");
    let mut rng = StdRng::seed_from_u64(seed);
    let known = setup(app).await;
    let doc: Value = app
        .http
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let base = doc["servers"][0]["url"]
        .as_str()
        .filter(|u| u.starts_with('/'))
        .unwrap_or("/api/v1")
        .to_string();
    let mut tokens = HashMap::new();
    for role in ALL_ROLES {
        tokens.insert(role, app.token(role).await);
    }
    let mut failures: Vec<String> = Vec::new();
    let mut secrets = secrets(app, &known).await;
    let mut count = 0usize;
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().unwrap() {
            let Ok(m) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            let documented: BTreeSet<u16> = op["responses"]
                .as_object()
                .map(|r| r.keys().filter_map(|k| k.parse().ok()).collect())
                .unwrap_or_default();
            for role in ALL_ROLES {
                for _ in 0..cases {
                    let url = format!("{base}{}", fill_path(&mut rng, path, op, &known));
                    let query = fill_query(&mut rng, op);
                    let body = op_body(&mut rng, &doc, op);
                    let mut req = app
                        .http
                        .request(m.clone(), app.url(&url))
                        .bearer_auth(&tokens[&role])
                        .query(&query);
                    let shown_body = match &body {
                        Body::Json(v) => {
                            req = req.json(v);
                            v.to_string()
                        }
                        Body::Raw(s) => {
                            req = req
                                .header("content-type", "application/json")
                                .body(s.clone());
                            s.clone()
                        }
                        Body::None => String::new(),
                    };
                    let what = format!(
                        "{backend} {role} {m} {url}?{} body {}",
                        serde_urlencoded(&query),
                        shorten(&shown_body)
                    );
                    count += 1;
                    let res = match req.send().await {
                        Ok(r) => r,
                        Err(e) => {
                            failures.push(format!("{what}: no answer ({e})"));
                            continue;
                        }
                    };
                    let status = res.status().as_u16();
                    *statuses.entry(status).or_default() += 1;
                    let text = res.text().await.unwrap_or_default();
                    if status >= 500 && status != 503 {
                        failures.push(format!("{what}: {status} {}", shorten(&text)));
                    } else if !documented.contains(&status) && status != 503 && status != 429 {
                        failures.push(format!(
                            "{what}: {status} is not among the documented {documented:?}"
                        ));
                    }
                    if (200..300).contains(&status) {
                        // What the request itself carried may come back (a new account's name).
                        let sent = format!("{url} {query:?} {shown_body}");
                        for leak in leaks(role, &text, &secrets, &sent) {
                            failures.push(format!("{what}: {leak}"));
                        }
                        if m != Method::GET {
                            // A write may have added or renamed children: look again.
                            secrets = self::secrets(app, &known).await;
                        }
                    }
                    if m == Method::DELETE && path == "/session" && status == 204 {
                        tokens.insert(role, app.token(role).await);
                    }
                }
            }
        }
    }
    // The walk kept its ground: the marked records are still there to be leaked.
    let check = app.db.check().await.unwrap();
    assert!(
        check.ok(),
        "{backend}: check after the walk: {:?}",
        check.problems
    );
    eprintln!("walk on {backend}: {count} requests, statuses {statuses:?}");
    failures.sort();
    failures.dedup();
    if !failures.is_empty() {
        eprintln!("walk on {backend}: TREEM_WALK_SEED={seed} replays these failures");
    }
    failures
}

/// Two children in each village, a household in each, health records, and a case about the
/// child of SP02 whose content carries marked words.
async fn setup(app: &TestApp) -> Known {
    let officer = app.token(Role::Officer).await;
    let health = app.token(Role::Health).await;
    let post = |token: &str, path: &str, body: Value| {
        let req = app
            .http
            .post(app.url(path))
            .bearer_auth(token.to_string())
            .json(&body);
        async move {
            let r = req.send().await.unwrap();
            let status = r.status();
            let v: Value = r.json().await.unwrap_or(Value::Null);
            assert!(status.is_success(), "setup {status}: {v}");
            v
        }
    };
    let mut children = Vec::new();
    let mut households = Vec::new();
    for (village, name, pid, phone) in [
        ("SP01", "Giàng A Páo", "011218123456", "0912000001"),
        ("SP01", "Sùng Thị Dợ", "011319000002", "0912000002"),
        ("SP02", "Lầu Thị Kínđáo", "011319000777", "0987000777"),
        ("SP02", "Vàng A Bímật", "011218000778", "0987000778"),
    ] {
        let h = post(
            &officer,
            "/api/v1/households",
            json!({"village": village, "head_name": format!("Chủ hộ của {name}")}),
        )
        .await;
        households.push(h["id"].as_i64().unwrap());
        let dob = if pid.as_bytes()[3] == b'2' {
            "2018-03-15"
        } else {
            "2019-05-01"
        };
        let c = post(
            &officer,
            "/api/v1/children",
            json!({
                "full_name": name, "sex": if pid.as_bytes()[3] == b'2' { "male" } else { "female" },
                "date_of_birth": dob, "personal_id": pid, "village": village,
                "household_id": h["id"], "aliases": [format!("Bé {}", name.rsplit(' ').next().unwrap())],
                "caregivers": [{"relationship": "mẹ", "full_name": format!("Mẹ của {name}"), "phone": phone}],
                "circumstances": [{"code": "a", "from": "2024-01-01"}],
                "notes": format!("Ghi chú về {name}")
            }),
        )
        .await;
        let id = c["id"].as_i64().unwrap();
        children.push(id);
        post(
            &health,
            "/api/v1/health/events",
            json!({"kind": "vaccination", "child_id": id, "date": "2024-01-10", "vaccine": "BCG", "dose": 1}),
        )
        .await;
    }
    let case = post(
        &officer,
        "/api/v1/cases",
        json!({
            "kind": "intake", "channel": "hotline111", "received_at": format!("{}T08:00", today().yesterday().unwrap()),
            "category": "abused", "child": {"type": "registered", "child_id": children[2]},
            "place": CASE_PLACE, "current_condition": CASE_CONDITION,
            "informant": {"consent": true, "full_name": INFORMANT, "phone": "0911000999"}
        }),
    )
    .await;
    let villages = app.db.villages(&officer_actor()).await.unwrap();
    let head_village = villages.iter().find(|v| v.code == "SP01").unwrap().id;
    Known {
        head_village,
        children,
        households,
        villages: villages.iter().map(|v| v.id).collect(),
        cases: vec![case["id"].as_i64().unwrap()],
    }
}

fn officer_actor() -> treem_domain::role::Actor {
    actor(Role::Officer, None)
}

/// The register as it stands now, as the strings and ids that mark each village's children.
async fn secrets(app: &TestApp, known: &Known) -> Secrets {
    let all = app
        .db
        .children_as_of(&officer_actor(), jiff::civil::date(9999, 12, 31))
        .await
        .unwrap();
    let mut by_village: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut child_ids = Vec::new();
    for c in &all {
        let words = by_village.entry(c.data.village.clone()).or_default();
        // Names short enough to occur by chance in other text mark nothing.
        if c.data.full_name.chars().count() >= 8 {
            words.push(c.data.full_name.clone());
        }
        words.extend(c.data.personal_id.iter().map(|p| p.to_string()));
        words.extend(c.data.caregivers.iter().filter_map(|g| g.phone.clone()));
        child_ids.push((c.id, c.data.village.clone()));
    }
    let head_village = app
        .db
        .villages(&officer_actor())
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.id == known.head_village)
        .unwrap()
        .code;
    Secrets {
        head_village,
        children: by_village.into_iter().collect(),
        child_ids,
        case_words: [CASE_PLACE, CASE_CONDITION, INFORMANT]
            .map(String::from)
            .to_vec(),
    }
}

/// What `role` received that it may not: marked strings anywhere in the answer, and child ids
/// of other villages in objects that describe a child.
fn leaks(role: Role, text: &str, s: &Secrets, sent: &str) -> Vec<String> {
    let mut out = Vec::new();
    let own_village = (role == Role::VillageHead).then_some(s.head_village.as_str());
    if !matches!(role, Role::Officer | Role::Leader) {
        for w in &s.case_words {
            if text.contains(w.as_str()) {
                out.push(format!("case content «{w}» given to {role}"));
            }
        }
    }
    let reads_children = role.reads_children();
    for (village, words) in &s.children {
        let allowed = reads_children && own_village.is_none_or(|v| v == village);
        if allowed {
            continue;
        }
        for w in words {
            if text.contains(w.as_str()) && !sent.contains(w.as_str()) {
                out.push(format!("child data «{w}» of {village} given to {role}"));
            }
        }
    }
    if let (Some(own), Ok(v)) = (own_village, serde_json::from_str::<Value>(text)) {
        let foreign: BTreeSet<i64> = s
            .child_ids
            .iter()
            .filter(|(_, v)| v != own)
            .map(|(id, _)| *id)
            .collect();
        foreign_children(&v, &foreign, &mut out);
    }
    out
}

fn foreign_children(v: &Value, foreign: &BTreeSet<i64>, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            let looks_like_child = o.contains_key("full_name") || o.contains_key("village");
            let id = o.get("id").and_then(Value::as_i64);
            let child_id = o.get("child_id").and_then(Value::as_i64);
            if let Some(id) = id.filter(|i| looks_like_child && foreign.contains(i)) {
                out.push(format!(
                    "child {id} of another village given to a village head"
                ));
            }
            if let Some(id) = child_id.filter(|i| foreign.contains(i)) {
                out.push(format!(
                    "a record of child {id} of another village given to a village head"
                ));
            }
            o.values().for_each(|x| foreign_children(x, foreign, out));
        }
        Value::Array(a) => a.iter().for_each(|x| foreign_children(x, foreign, out)),
        _ => {}
    }
}

enum Body {
    None,
    Json(Value),
    Raw(String),
}

/// Strings that break parsers: empty, blank, long, control characters, odd Unicode, numbers
/// written as text, dates out of range, SQL and path syntax, codes that exist.
fn any_string(rng: &mut impl Rng) -> String {
    const FIXED: &[&str] = &[
        "",
        " ",
        "\t",
        "0",
        "-1",
        "1",
        "2026",
        "32767",
        "-32768",
        "65536",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "1e308",
        "NaN",
        "true",
        "null",
        "SP01",
        "SP02",
        "sp02",
        "a",
        "dd",
        "male",
        "female",
        "unknown",
        "2026-06-01",
        "2026-13-45",
        "0000-01-01",
        "-0001-01-01",
        "9999-12-31",
        "10000-01-01",
        "32767-12-31",
        "31/12/9999",
        "29/02/2023",
        "01/2026",
        "2026-06-01T25:61",
        "2026-06-01T08:00",
        "24:00",
        "' OR 1=1 --",
        "%",
        "_",
        "../../etc/passwd",
        "<script>alert(1)</script>",
        "Giàng A Páo",
        "Kínđáo",
        "\u{0}",
        "\u{feff}",
        "\u{202e}",
        "đĐ\u{0301}\u{0301}",
        "𝕏",
        "011218123456",
        "0912345678",
    ];
    match rng.gen_range(0..10) {
        0 => "x".repeat(rng.gen_range(100..5000)),
        1 => (0..rng.gen_range(1..20))
            .map(|_| char::from_u32(rng.gen_range(0..0x3000)).unwrap_or('?'))
            .collect(),
        2 => rng.gen::<i64>().to_string(),
        _ => FIXED[rng.gen_range(0..FIXED.len())].to_string(),
    }
}

fn any_integer(rng: &mut impl Rng) -> Value {
    const FIXED: &[i64] = &[
        0,
        1,
        -1,
        2,
        5,
        17,
        18,
        2026,
        32767,
        -32768,
        65537,
        i64::MAX,
        i64::MIN,
    ];
    match rng.gen_range(0..4) {
        0 => json!(rng.gen::<i64>()),
        1 => json!(rng.gen_range(-5..50)),
        _ => json!(FIXED[rng.gen_range(0..FIXED.len())]),
    }
}

fn any_number(rng: &mut impl Rng) -> Value {
    const FIXED: &[f64] = &[
        0.0, -0.0, 0.5, 1.0, -1.0, 100.0, 100.5, 1e-300, 1e308, -1e308,
    ];
    match rng.gen_range(0..3) {
        0 => json!(rng.gen::<f64>() * 10f64.powi(rng.gen_range(-5..20))),
        _ => json!(FIXED[rng.gen_range(0..FIXED.len())]),
    }
}

/// Any JSON value at all (for a field of the wrong type).
fn any_value(rng: &mut impl Rng, depth: u32) -> Value {
    match rng.gen_range(0..if depth > 2 { 5 } else { 7 }) {
        0 => Value::Null,
        1 => json!(rng.gen::<bool>()),
        2 => any_integer(rng),
        3 => any_number(rng),
        4 => json!(any_string(rng)),
        5 => Value::Array(
            (0..rng.gen_range(0..4))
                .map(|_| any_value(rng, depth + 1))
                .collect(),
        ),
        _ => {
            let mut o = Map::new();
            for _ in 0..rng.gen_range(0..4) {
                o.insert(any_string(rng), any_value(rng, depth + 1));
            }
            Value::Object(o)
        }
    }
}

/// A value for `schema`: mostly of its type (enums, formats, nested objects), sometimes not.
fn from_schema(rng: &mut impl Rng, doc: &Value, schema: &Value, depth: u32) -> Value {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap();
        return from_schema(rng, doc, &doc["components"]["schemas"][name], depth);
    }
    if depth > 5 || rng.gen_ratio(1, 20) {
        return any_value(rng, depth);
    }
    if let Some(all) = schema["allOf"].as_array() {
        let mut o = Map::new();
        for s in all {
            if let Value::Object(part) = from_schema(rng, doc, s, depth) {
                o.extend(part);
            }
        }
        return Value::Object(o);
    }
    if let Some(one) = schema["oneOf"].as_array().or(schema["anyOf"].as_array()) {
        let k = rng.gen_range(0..one.len());
        return from_schema(rng, doc, &one[k], depth);
    }
    if let Some(values) = schema["enum"].as_array() {
        if rng.gen_ratio(9, 10) {
            return values[rng.gen_range(0..values.len())].clone();
        }
        return json!(any_string(rng));
    }
    if let Some(c) = schema.get("const") {
        return c.clone();
    }
    let ty = match &schema["type"] {
        Value::Array(t) => t[rng.gen_range(0..t.len())].as_str().unwrap_or("string"),
        t => t.as_str().unwrap_or(if schema.get("properties").is_some() {
            "object"
        } else {
            "any"
        }),
    };
    match ty {
        "object" => {
            let required: BTreeSet<&str> = schema["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut o = Map::new();
            if let Some(props) = schema["properties"].as_object() {
                for (k, s) in props {
                    let p = if required.contains(k.as_str()) {
                        19
                    } else {
                        10
                    };
                    if rng.gen_ratio(p, 20) {
                        o.insert(k.clone(), from_schema(rng, doc, s, depth + 1));
                    }
                }
            }
            if rng.gen_ratio(1, 10) {
                o.insert(any_string(rng), any_value(rng, depth + 1));
            }
            Value::Object(o)
        }
        "array" => {
            let n = if rng.gen_ratio(1, 30) {
                rng.gen_range(50..300)
            } else {
                rng.gen_range(0..4)
            };
            Value::Array(
                (0..n)
                    .map(|_| from_schema(rng, doc, &schema["items"], depth + 1))
                    .collect(),
            )
        }
        "integer" => any_integer(rng),
        "number" => any_number(rng),
        "boolean" => json!(rng.gen::<bool>()),
        "null" => Value::Null,
        "string" => json!(any_string(rng)),
        _ => any_value(rng, depth),
    }
}

fn op_body(rng: &mut impl Rng, doc: &Value, op: &Value) -> Body {
    let schema = &op["requestBody"]["content"]["application/json"]["schema"];
    if schema.is_null() {
        return match rng.gen_range(0..4) {
            0 => Body::Json(any_value(rng, 0)),
            _ => Body::None,
        };
    }
    match rng.gen_range(0..20) {
        0 => Body::None,
        1 => Body::Raw(
            [
                "{",
                "[]",
                "{\"a\":}",
                "null",
                "\"x\"",
                "{\"full_name\": \"\u{0}\"}",
                "{\"village\": 1e999}",
            ][rng.gen_range(0..7)]
            .to_string(),
        ),
        2 => Body::Json(any_value(rng, 0)),
        _ => Body::Json(from_schema(rng, doc, schema, 0)),
    }
}

/// The operation's path with each `{param}` filled: ids the app holds (this village's, another
/// village's), or ids and years that do not exist or do not fit.
fn fill_path(rng: &mut impl Rng, path: &str, op: &Value, known: &Known) -> String {
    let mut out = path.to_string();
    let params: Vec<&str> = op["parameters"]
        .as_array()
        .map(|p| {
            p.iter()
                .filter(|p| p["in"] == "path")
                .filter_map(|p| p["name"].as_str())
                .collect()
        })
        .unwrap_or_default();
    for name in params {
        const ODD: &[&str] = &[
            "0",
            "-1",
            "1",
            "2",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "abc",
            "1.5",
            "%20",
            "00000000000000000000001",
            "2026",
            "10000",
            "32767",
            "-32768",
            "65537",
        ];
        let pick = |ids: &[i64], rng: &mut dyn rand::RngCore| ids[rng.gen_range(0..ids.len())];
        let value = if rng.gen_ratio(1, 3) {
            ODD[rng.gen_range(0..ODD.len())].to_string()
        } else {
            match (name, path) {
                ("id", p) if p.starts_with("/children") => pick(&known.children, rng).to_string(),
                ("id", p) if p.starts_with("/households") => {
                    pick(&known.households, rng).to_string()
                }
                ("id", p) if p.starts_with("/villages") => pick(&known.villages, rng).to_string(),
                ("id", p) if p.starts_with("/cases") => pick(&known.cases, rng).to_string(),
                ("year", _) => ["2026", "2025", "2027", "2000", "2100", "9999"]
                    [rng.gen_range(0..6)]
                .to_string(),
                ("n", _) | ("seq", _) => rng.gen_range(0..32).to_string(),
                _ => rng.gen_range(0..10).to_string(),
            }
        };
        out = out.replace(&format!("{{{name}}}"), &value);
    }
    out
}

fn fill_query(rng: &mut impl Rng, op: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for p in op["parameters"].as_array().into_iter().flatten() {
        if p["in"] != "query" || rng.gen_ratio(1, 2) {
            continue;
        }
        let name = p["name"].as_str().unwrap().to_string();
        let value = if rng.gen_ratio(1, 2) {
            match from_schema(rng, &Value::Null, &p["schema"], 0) {
                Value::String(s) => s,
                other => other.to_string(),
            }
        } else {
            any_string(rng)
        };
        out.push((name, value));
    }
    out
}

fn serde_urlencoded(q: &[(String, String)]) -> String {
    q.iter()
        .map(|(k, v)| format!("{k}={}", shorten(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 300 {
        format!(
            "{}… ({} chars)",
            s.chars().take(300).collect::<String>(),
            s.len()
        )
    } else {
        s.to_string()
    }
}

/// Found by the walk's boundary ids: a target number past 65535 was cut to 16 bits, so
/// `/targets/65538/reported` stored a figure for target 2.
#[tokio::test]
async fn a_target_number_past_16_bits_is_not_another_target() {
    let app = spawn_app().await;
    let token = app.token(Role::Officer).await;
    let body = json!({"period_start": "2026-01-01", "period_end": "2026-12-31", "numerator": 1, "denominator": 120, "note": "Báo cáo của trường mầm non"});
    for n in ["65538", "4294967298", "-65534"] {
        let r = app
            .http
            .post(app.url(&format!("/api/v1/plans/2026/targets/{n}/reported")))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "target {n}");
    }
}

/// Found by the walk on PostgreSQL, which cannot store U+0000 in text: a NUL in a body or a
/// query string gave 500 (a login, a new household, the household and audit filters). It is a
/// 422 naming the field on both backends.
#[tokio::test]
async fn a_nul_character_is_refused_not_a_server_error() {
    let app = spawn_app().await;
    nul_refused(&app, "sqlite").await;
    if let Some(url) = fresh_postgres().await {
        nul_refused(&spawn_app_on(url, None).await, "postgres").await;
    }
}

async fn nul_refused(app: &TestApp, backend: &str) {
    let officer = app.token(Role::Officer).await;
    let leader = app.token(Role::Leader).await;
    // (method, path, token, body, the field the 422 names)
    type Case<'a> = (Method, &'a str, Option<&'a str>, Option<Value>, &'a str);
    let cases: Vec<Case> = vec![
        (
            Method::POST,
            "/api/v1/session",
            None,
            Some(json!({"username": "\u{0}", "password": "x"})),
            "username",
        ),
        (
            Method::POST,
            "/api/v1/households",
            Some(&officer),
            Some(json!({"village": "\u{0}", "head_name": "A"})),
            "village",
        ),
        (
            Method::POST,
            "/api/v1/children",
            Some(&officer),
            Some(json!({"full_name": "A", "village": "SP01", "aliases": ["B\u{0}"]})),
            "aliases[0]",
        ),
        (
            Method::GET,
            "/api/v1/households?village=%00",
            Some(&officer),
            None,
            "query",
        ),
        (
            Method::GET,
            "/api/v1/audit?action=a%00b",
            Some(&leader),
            None,
            "query",
        ),
    ];
    for (m, path, token, body, field) in cases {
        let mut req = app.http.request(m.clone(), app.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), 422, "{backend}: {m} {path}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["errors"][0]["field"], field, "{backend}: {m} {path}: {v}");
    }
}
