//! The load drill of `docs/operations.md` ("Drills"): many people using one treem at once.
//!
//! ```text
//! cargo run --release --example drill -- load   --base URL [--clients 50] [--seconds 60] --log ACKED.jsonl
//! cargo run --release --example drill -- verify --base URL --log ACKED.jsonl
//! cargo run --release --example drill -- csv    --rows N --village SP01 OUT.csv
//! ```
//!
//! `load` runs clients of several roles against a running server (the demo's accounts): list
//! searches, audited reads of a child, edits of the same few children by everyone (conflicts
//! expected) and of each client's own children, new children, vaccinations, the plan figures.
//! Every write the server acknowledged is appended (and flushed) to the log at once, so that
//! after a `kill -9` of the server the log holds exactly what was promised. It prints the
//! answers by status, p50/p99 per operation and the throughput, and exits 1 if any answer was
//! a 500 (or any status the drill does not expect). `verify` reads the log back through the API
//! and exits 1 unless every acknowledged write is there. `csv` writes an import file.
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

type Tally = BTreeMap<(&'static str, u16), Vec<u32>>;

struct Shared {
    base: String,
    http: reqwest::Client,
    log: Mutex<std::io::BufWriter<std::fs::File>>,
    tally: Mutex<Tally>,
    /// Requests that got no answer (server killed): counted, not failures of the server.
    unanswered: Mutex<BTreeMap<&'static str, usize>>,
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let code = match args.get(1).map(String::as_str) {
        Some("load") => load(&args).await,
        Some("verify") => verify(&args).await,
        Some("csv") => csv(&args),
        _ => {
            eprintln!("usage: drill load|verify|csv … (see the file's header)");
            2
        }
    };
    std::process::exit(code);
}

async fn login(http: &reqwest::Client, base: &str, user: &str, password: &str) -> String {
    for _ in 0..60 {
        if let Ok(r) = http
            .post(format!("{base}/api/v1/session"))
            .json(&json!({"username": user, "password": password}))
            .send()
            .await
        {
            if r.status() == 200 {
                let v: Value = r.json().await.unwrap();
                return v["token"].as_str().unwrap().to_string();
            }
            panic!("login {user}: {}", r.status());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("no server at {base}");
}

impl Shared {
    fn record(&self, op: &'static str, status: u16, took: Duration) {
        let mut t = self.tally.lock().unwrap();
        t.entry((op, status))
            .or_default()
            .push(took.as_micros().min(u32::MAX as u128) as u32);
    }

    fn acked(&self, line: Value) {
        let mut log = self.log.lock().unwrap();
        writeln!(log, "{line}").unwrap();
        log.flush().unwrap();
    }

    /// One request; `None` when the server did not answer (killed, restarting).
    async fn send(&self, op: &'static str, req: reqwest::RequestBuilder) -> Option<(u16, Value)> {
        let t = Instant::now();
        match req.send().await {
            Ok(r) => {
                let status = r.status().as_u16();
                if status == 503 {
                    assert!(
                        r.headers().contains_key("retry-after"),
                        "503 without Retry-After"
                    );
                }
                let body = r.json::<Value>().await.unwrap_or(Value::Null);
                self.record(op, status, t.elapsed());
                Some((status, body))
            }
            Err(_) => {
                *self.unanswered.lock().unwrap().entry(op).or_default() += 1;
                tokio::time::sleep(Duration::from_millis(200)).await;
                None
            }
        }
    }
}

struct Client {
    token: String,
    user: String,
    password: String,
    own: Vec<i64>,
    hot: Vec<i64>,
    village: &'static str,
    writes: bool,
    n: u64,
}

async fn load(args: &[String]) -> i32 {
    let base = arg(args, "--base").expect("--base URL");
    let clients: usize = arg(args, "--clients").map_or(50, |s| s.parse().unwrap());
    let seconds: u64 = arg(args, "--seconds").map_or(60, |s| s.parse().unwrap());
    let log_path = arg(args, "--log").expect("--log FILE");
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(clients)
        .build()
        .unwrap();
    let officer = login(&http, &base, "officer", "demo-officer").await;
    // Children of SP01 (the village head's village) to share out; the first five are edited
    // by everyone.
    let list: Value = http
        .get(format!("{base}/api/v1/children?village=SP01&per_page=500"))
        .bearer_auth(&officer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["id"].as_i64())
        .collect();
    assert!(ids.len() >= 5 + clients, "need more children in SP01");
    let shared = Arc::new(Shared {
        base: base.clone(),
        http: http.clone(),
        log: Mutex::new(std::io::BufWriter::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&log_path)
                .unwrap(),
        )),
        tally: Mutex::default(),
        unanswered: Mutex::default(),
    });
    // 30 officers, 8 village heads, 6 health workers, 6 leaders (read only), in that ratio.
    let roles: [(&str, &str, bool); 4] = [
        ("officer", "demo-officer", true),
        ("truongthon", "demo-village_head", true),
        ("health", "demo-health", true),
        ("leader", "demo-leader", false),
    ];
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for i in 0..clients {
        let (user, password, writes) = match i % 25 {
            0..=14 => roles[0],
            15..=18 => roles[1],
            19..=21 => roles[2],
            _ => roles[3],
        };
        let token = login(&http, &base, user, password).await;
        let mut c = Client {
            token,
            user: user.into(),
            password: password.into(),
            own: vec![ids[5 + i]],
            hot: ids[..5].to_vec(),
            village: "SP01",
            writes,
            n: 0,
        };
        let s = shared.clone();
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                step(&s, &mut c, i).await;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let wall = started.elapsed();
    report(&shared, wall)
}

async fn step(s: &Shared, c: &mut Client, client: usize) {
    c.n += 1;
    let base = &s.base;
    let pick = (c.n as usize * 7 + client) % 20;
    let auth = |r: reqwest::RequestBuilder| r.bearer_auth(&c.token);
    let outcome = match pick {
        0..=5 => {
            let q = ["giang", "thi", "sung a", "mua", "ly", "vang thi m"][pick];
            s.send(
                "search",
                auth(s.http.get(format!(
                    "{base}/api/v1/children?q={q}&village={}",
                    c.village
                ))),
            )
            .await
        }
        6..=9 => {
            let id = if pick.is_multiple_of(2) {
                c.hot[pick % 5]
            } else {
                c.own[0]
            };
            s.send(
                "read",
                auth(s.http.get(format!("{base}/api/v1/children/{id}"))),
            )
            .await
        }
        10 => {
            s.send(
                "figures",
                auth(s.http.get(format!("{base}/api/v1/plans/2026/targets"))),
            )
            .await
        }
        11..=15 if c.writes && c.user != "health" => {
            let hot = pick <= 13;
            let id = if hot {
                c.hot[(c.n as usize) % 5]
            } else {
                c.own[0]
            };
            edit(s, c, client, id, hot).await
        }
        16 | 17 if c.writes && c.user != "health" => create(s, c, client).await,
        11..=17 if c.user == "health" => vaccinate(s, c).await,
        _ => {
            s.send("me", auth(s.http.get(format!("{base}/api/v1/me"))))
                .await
        }
    };
    // A token lost with a restarted server's sessions? Sessions are in the database, so they
    // survive a restart; log in again only if told so.
    if let Some((401, _)) = outcome {
        c.token = login(&s.http, base, &c.user, &c.password).await;
    }
}

async fn edit(s: &Shared, c: &Client, client: usize, id: i64, hot: bool) -> Option<(u16, Value)> {
    let base = &s.base;
    let (status, mut body) = s
        .send(
            "read",
            s.http
                .get(format!("{base}/api/v1/children/{id}"))
                .bearer_auth(&c.token),
        )
        .await?;
    if status != 200 {
        return Some((status, body));
    }
    let marker = format!("drill-{client}-{}", c.n);
    body["aliases"] = json!([marker]);
    let op = if hot { "edit-shared" } else { "edit-own" };
    let (status, answer) = s
        .send(
            op,
            s.http
                .put(format!("{base}/api/v1/children/{id}"))
                .bearer_auth(&c.token)
                .json(&body),
        )
        .await?;
    if status == 200 {
        s.acked(json!({"op": "edit", "id": id, "version": answer["version"], "alias": marker}));
    }
    Some((status, answer))
}

async fn create(s: &Shared, c: &Client, client: usize) -> Option<(u16, Value)> {
    let name = format!("Giàng Thị Drill {client} {}", c.n);
    let body = json!({
        "full_name": name, "sex": "female", "date_of_birth": "2021-03-04",
        "village": c.village, "ethnicity": "08"
    });
    let (status, answer) = s
        .send(
            "create",
            s.http
                .post(format!("{}/api/v1/children", s.base))
                .bearer_auth(&c.token)
                .json(&body),
        )
        .await?;
    if status == 201 {
        s.acked(json!({"op": "create", "id": answer["id"], "name": name}));
    }
    Some((status, answer))
}

async fn vaccinate(s: &Shared, c: &Client) -> Option<(u16, Value)> {
    let child = c.own[0];
    let today = jiff::Zoned::now().date();
    let body = json!({
        "kind": "vaccination", "child_id": child, "date": today.to_string(),
        "vaccine": "OPV", "dose": 1
    });
    let (status, answer) = s
        .send(
            "vaccinate",
            s.http
                .post(format!("{}/api/v1/health/events", s.base))
                .bearer_auth(&c.token)
                .json(&body),
        )
        .await?;
    if status == 201 {
        s.acked(json!({"op": "health", "child": child, "event": answer["id"]}));
    }
    Some((status, answer))
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

fn report(s: &Shared, wall: Duration) -> i32 {
    let tally = s.tally.lock().unwrap();
    let mut by_op: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    let mut all = Vec::new();
    let mut unexpected = 0;
    println!("answers by operation and status:");
    for ((op, status), times) in tally.iter() {
        println!("  {op:<12} {status}  {:>7}", times.len());
        by_op.entry(op).or_default().extend(times);
        all.extend(times);
        let expected = matches!(
            (op, status),
            (_, 200 | 201 | 503) | (&"edit-shared" | &"edit-own", 409)
        );
        if !expected {
            unexpected += times.len();
        }
    }
    for (op, n) in s.unanswered.lock().unwrap().iter() {
        println!("  {op:<12} no answer {n:>7}");
    }
    println!("latency (ms): operation p50 p99 max");
    for (op, times) in by_op.iter_mut() {
        times.sort_unstable();
        println!(
            "  {op:<12} {:>8.1} {:>8.1} {:>8.1}",
            percentile(times, 0.5),
            percentile(times, 0.99),
            percentile(times, 1.0)
        );
    }
    all.sort_unstable();
    println!(
        "all: {} answers in {:.1} s = {:.0} requests/s; p50 {:.1} ms, p99 {:.1} ms",
        all.len(),
        wall.as_secs_f64(),
        all.len() as f64 / wall.as_secs_f64(),
        percentile(&all, 0.5),
        percentile(&all, 0.99)
    );
    let five_hundreds: usize = tally
        .iter()
        .filter(|((_, s), _)| *s == 500)
        .map(|(_, t)| t.len())
        .sum();
    println!(
        "500 answers: {five_hundreds}; other unexpected answers: {}",
        unexpected - five_hundreds
    );
    if unexpected > 0 {
        1
    } else {
        0
    }
}

async fn verify(args: &[String]) -> i32 {
    let base = arg(args, "--base").expect("--base URL");
    let log_path = arg(args, "--log").expect("--log FILE");
    let http = reqwest::Client::new();
    let token = login(&http, &base, "officer", "demo-officer").await;
    let text = std::fs::read_to_string(&log_path).unwrap();
    let mut missing = Vec::new();
    let (mut edits, mut creates, mut events) = (0, 0, 0);
    let mut histories: BTreeMap<i64, Value> = BTreeMap::new();
    let mut healths: BTreeMap<i64, Value> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).unwrap();
        match v["op"].as_str().unwrap() {
            "edit" => {
                edits += 1;
                let id = v["id"].as_i64().unwrap();
                if let std::collections::btree_map::Entry::Vacant(slot) = histories.entry(id) {
                    let h: Value = http
                        .get(format!("{base}/api/v1/children/{id}/history"))
                        .bearer_auth(&token)
                        .send()
                        .await
                        .unwrap()
                        .json()
                        .await
                        .unwrap();
                    slot.insert(h);
                }
                let h = &histories[&id];
                let found = h["items"].as_array().unwrap().iter().any(|ver| {
                    ver["version"] == v["version"]
                        && ver["changes"].as_array().unwrap().iter().any(|ch| {
                            ch["field"] == "aliases" && ch["after"] == json!([v["alias"]])
                        })
                });
                if !found {
                    missing.push(v);
                }
            }
            "create" => {
                creates += 1;
                let id = v["id"].as_i64().unwrap();
                let r = http
                    .get(format!("{base}/api/v1/children/{id}"))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .unwrap();
                let ok =
                    r.status() == 200 && r.json::<Value>().await.unwrap()["full_name"] == v["name"];
                if !ok {
                    missing.push(v);
                }
            }
            "health" => {
                events += 1;
                let child = v["child"].as_i64().unwrap();
                if let std::collections::btree_map::Entry::Vacant(slot) = healths.entry(child) {
                    let h: Value = http
                        .get(format!("{base}/api/v1/children/{child}/health"))
                        .bearer_auth(&token)
                        .send()
                        .await
                        .unwrap()
                        .json()
                        .await
                        .unwrap();
                    slot.insert(h);
                }
                let found = healths[&child]["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| e["id"] == v["event"]);
                if !found {
                    missing.push(v);
                }
            }
            other => panic!("unknown op {other}"),
        }
    }
    println!(
        "acknowledged: {edits} edits, {creates} new children, {events} vaccinations; missing: {}",
        missing.len()
    );
    for m in missing.iter().take(20) {
        println!("  missing: {m}");
    }
    if missing.is_empty() {
        0
    } else {
        1
    }
}

fn csv(args: &[String]) -> i32 {
    let rows: usize = arg(args, "--rows").map_or(1000, |s| s.parse().unwrap());
    let village = arg(args, "--village").unwrap_or_else(|| "SP01".into());
    let out = args.last().unwrap();
    let mut w = csv::Writer::from_path(out).unwrap();
    w.write_record(["Họ và tên", "Giới tính", "Ngày sinh", "Dân tộc", "Mã thôn"])
        .unwrap();
    let families = ["Giàng", "Sùng", "Lý", "Vàng", "Mùa", "Thào", "Lầu"];
    let given = ["Páo", "Mỷ", "Dế", "Chứ", "Pà", "Sểnh", "Xá", "Lử"];
    for i in 0..rows {
        let name = format!(
            "{} {} {} {}",
            families[i % families.len()],
            if i % 2 == 0 { "A" } else { "Thị" },
            given[(i / 7) % given.len()],
            i
        );
        let sex = if i % 2 == 0 { "nam" } else { "nữ" };
        let dob = format!("{:02}/{:02}/{}", 1 + i % 28, 1 + i % 12, 2011 + i % 15);
        w.write_record([name.as_str(), sex, dob.as_str(), "08", village.as_str()])
            .unwrap();
    }
    w.flush().unwrap();
    0
}
