//! Issue 16, parts 5–7: the province package and a province instance of the same binary. A
//! demo commune's approved 6-month report packaged by `treem report package` names no child;
//! imported into province databases (both backends) it shows in the table; a changed byte, an
//! unknown commune and a second report of the period are refused with nothing stored; an
//! amending report is taken; the province's total is Σ numerators / Σ denominators.
use crate::helpers::*;
use std::process::{Command, Output};
use treem_domain::plan::Plan;
use treem_domain::report::package::{
    CommuneKey, PackageContent, PackageCount, PublicKey, SignedPackage,
};
use treem_domain::report::{freeze, signer_of, Approval, Commune, Freezing};
use treem_domain::role::Role;
use treem_storage::{AuditFilter, AuditLog, Db, Province, Reports, StorageError};

fn treem(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_treem"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run treem")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn province() -> treem_domain::role::Actor {
    actor(Role::Province, None)
}

fn content_of(file: &[u8]) -> (SignedPackage, String) {
    let env = SignedPackage::parse(file).unwrap();
    let bytes = base64_decode(&env.content);
    (env, String::from_utf8(bytes).unwrap())
}

fn base64_decode(s: &str) -> Vec<u8> {
    // The envelope's base64 (standard alphabet, padded), decoded without another crate.
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter(|&c| c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            _ => 63,
        } as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

async fn packages_stored(db: &Db) -> usize {
    db.received_packages(&province()).await.unwrap().len()
}

fn refusal(r: Result<treem_storage::Imported, StorageError>) -> String {
    match r {
        Err(StorageError::Invalid(f)) => f.for_field("package").unwrap().to_string(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_demo_package_names_no_child_and_a_province_takes_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("demo.db").to_string_lossy().to_string();
    let out = treem(&["demo", "--db", &url, "--no-serve", "--children", "400"]);
    assert!(out.status.success(), "{}", text(&out));
    let key_path = format!("{url}.commune.key");
    let pub_path = format!("{key_path}.pub");
    assert!(std::path::Path::new(&pub_path).exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let pkg = dir.path().join("six_month.pkg");
    let pkg_s = pkg.to_string_lossy().to_string();
    let package = |kind: &str, out: &str| {
        treem(&[
            "report",
            "package",
            "--db",
            &url,
            "--year",
            "2026",
            "--kind",
            kind,
            "--commune-key",
            &key_path,
            out,
        ])
    };
    // The demo's yearly report is still in preparation: refused, no file.
    let o = package("yearly", &pkg_s);
    assert!(!o.status.success());
    assert!(text(&o).contains("chưa có báo cáo"), "{}", text(&o));
    assert!(!pkg.exists());

    let case_key =
        treem_storage::CaseKey::from_file(std::path::Path::new(&format!("{url}.case.key")))
            .unwrap();
    let commune_db = Db::open(&url).await.unwrap().with_case_key(case_key);
    // The demo's 6-month report is approved, with the figures of its register.
    let approved = commune_db
        .approved_report(&actor(Role::Leader, None), 2026, "six_month")
        .await
        .unwrap()
        .expect("the demo's approved 6-month report");
    assert!(approved
        .figures
        .iter()
        .any(|f| !f.result.figure.numerator_ids.is_empty()));
    let o = package("six_month", &pkg_s);
    assert!(o.status.success(), "{}", text(&o));
    let file = std::fs::read(&pkg).unwrap();
    // The same package through the API, as the commune's leader: the same bytes.
    assert_eq!(api_package(&commune_db, &key_path, approved.id).await, file);

    // No child's name or personal ID, anywhere in the file or its content.
    let (envelope, content) = content_of(&file);
    let whole = format!("{}{content}", String::from_utf8_lossy(&file));
    let conn = rusqlite::Connection::open(&url).unwrap();
    let mut st = conn
        .prepare("SELECT full_name, personal_id FROM child")
        .unwrap();
    let people: Vec<(String, Option<String>)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(people.len() >= 400);
    assert!(people.iter().filter(|p| p.1.is_some()).count() > 100);
    for (name, pid) in &people {
        assert!(!whole.contains(name.as_str()), "{name} in the package");
        if let Some(pid) = pid {
            assert!(!whole.contains(pid.as_str()), "{pid} in the package");
        }
    }
    // The figures are there, and the narrative as written.
    assert!(content.contains("\"targets\""));
    let narrative = approved
        .sections
        .iter()
        .map(|s| s.done.as_str())
        .find(|d| !d.is_empty())
        .unwrap();
    assert!(content.contains(narrative), "{narrative}");
    assert_eq!(envelope.commune, "99999");

    // A province database on each backend.
    let public = std::fs::read_to_string(&pub_path).unwrap();
    for (label, purl, _dir) in databases().await {
        let prov = Db::open(&purl).await.unwrap();
        // Unknown commune: refused, nothing stored.
        let why = refusal(prov.import_package(&province(), &file).await);
        assert!(why.contains("chưa được đăng ký"), "{label}: {why}");
        assert_eq!(packages_stored(&prov).await, 0);
        // Only the province role registers keys and imports.
        let key = PublicKey::from_file(&public).unwrap();
        assert!(matches!(
            prov.trust_commune(&actor(Role::Officer, None), &key).await,
            Err(StorageError::Forbidden)
        ));
        prov.trust_commune(&province(), &key).await.unwrap();

        // One byte of the content changed: refused, nothing stored.
        let mut tampered = envelope.clone();
        let mut raw = base64_decode(&tampered.content);
        let at = raw.len() / 3;
        raw[at] = if raw[at] == b'7' { b'8' } else { b'7' };
        tampered.content = base64_encode(&raw);
        let why = refusal(
            prov.import_package(&province(), &serde_json::to_vec(&tampered).unwrap())
                .await,
        );
        assert!(why.contains("chữ ký không hợp lệ"), "{label}: {why}");
        assert_eq!(packages_stored(&prov).await, 0, "{label}");

        let done = prov.import_package(&province(), &file).await.unwrap();
        assert!(
            !done.again && !done.on_time,
            "{label}: received after 01/06: late"
        );
        // The same bytes again: "đã nhận", nothing new.
        let again = prov.import_package(&province(), &file).await.unwrap();
        assert!(again.again);
        assert_eq!(again.id, done.id);
        assert_eq!(packages_stored(&prov).await, 1, "{label}");

        let table = prov
            .province_table(&province(), None)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((table.kind.as_str(), table.year), ("six_month", 2026));
        assert_eq!(table.rows.len(), 1);
        assert_eq!(table.rows[0].package, Some(done.id));
        assert_eq!(table.rows[0].on_time, Some(false));
        assert!(!table.rows[0].cells.is_empty());

        // The audit log holds the registration and the import.
        let log = prov
            .audit_entries(&actor(Role::Admin, None), &AuditFilter::default())
            .await
            .unwrap();
        assert!(
            log.iter().any(|e| e.entity == "province_package"),
            "{label}"
        );
        assert!(
            log.iter().any(|e| e.entity == "province_commune"),
            "{label}"
        );
    }

    // The same through the commands, on a province's SQLite file.
    let pdb = dir.path().join("tinh.db").to_string_lossy().to_string();
    let bad = dir.path().join("sua.json");
    let mut tampered = envelope.clone();
    let mut raw = base64_decode(&tampered.content);
    raw[10] ^= 0x20;
    tampered.content = base64_encode(&raw);
    std::fs::write(&bad, serde_json::to_vec(&tampered).unwrap()).unwrap();
    let bad_s = bad.to_string_lossy().to_string();
    let o = treem(&["province", "import", "--db", &pdb, &pkg_s]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("chưa được đăng ký"), "{}", text(&o));
    let o = treem(&["province", "trust", "--db", &pdb, &pub_path]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("99999"), "{}", text(&o));
    let o = treem(&["province", "import", "--db", &pdb, &pkg_s, &bad_s]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("đã nhận"), "{}", text(&o));
    assert!(
        text(&o).contains("sua.json: bị từ chối: chữ ký không hợp lệ"),
        "{}",
        text(&o)
    );
    let o = treem(&["province", "import", "--db", &pdb, &pkg_s]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("đã nhận trước đó"), "{}", text(&o));
    // A key file is never written over.
    let o = treem(&[
        "commune-key",
        "new",
        &key_path,
        "--code",
        "1",
        "--name",
        "x",
    ]);
    assert!(!o.status.success());
    assert!(text(&o).contains("không ghi đè"), "{}", text(&o));
}

fn base64_encode(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A package of commune `code` whose target `target` counts `n` over `d`, signed with `key`.
fn package_of(
    base: &PackageContent,
    key: &CommuneKey,
    report: i64,
    amends: Option<i64>,
    target: u16,
    n: u64,
    d: u64,
) -> Vec<u8> {
    let mut c = base.clone();
    c.commune.code = key.code.clone();
    c.commune.name = key.name.clone();
    c.report = report;
    c.amends = amends.map(|r| treem_domain::report::package::Amends {
        report: r,
        period: c.period,
    });
    let t = c.targets.iter_mut().find(|t| t.target == target).unwrap();
    let exact = |v| {
        Some(PackageCount {
            value: Some(v),
            mark: None,
        })
    };
    t.figure.numerator = exact(n);
    t.figure.denominator = exact(d);
    t.figure.value = Some(n as f64 / d as f64 * 100.0);
    key.sign(&c).unwrap()
}

#[tokio::test]
async fn a_second_report_of_a_period_is_refused_an_amending_one_taken_and_totals_add_counts() {
    // A package content to vary: the domain's own, from a seed-plan report with no figures.
    let plan = Plan::from_toml(treem_web::figures::SEED_PLAN).unwrap();
    let kind = plan.report("six_month").unwrap();
    let results: Vec<_> = plan
        .report_targets(kind)
        .iter()
        .map(|t| treem_domain::indicator::TargetResult {
            number: t.number,
            figure: Default::default(),
            secondary: None,
            status: treem_domain::indicator::TargetStatus::NoData,
            trend: None,
            breakdown: Default::default(),
            note: None,
            related: Vec::new(),
        })
        .collect();
    let (full_name, position) = signer_of(
        &treem_domain::account::Signer {
            login: "leader".into(),
            full_name: "Giàng A Dơ".into(),
            position: "Chủ tịch UBND xã".into(),
        },
        Role::Leader,
    );
    let period = kind.proposed_period(2026);
    let frozen = freeze(
        &plan,
        kind,
        &results,
        Freezing {
            id: 1,
            year: 2026,
            period,
            as_of: period.end,
            number: "1".into(),
            commune: Commune {
                code: "03190".into(),
                name: "Sính Phình".into(),
                province: "Điện Biên".into(),
            },
            sections: Vec::new(),
            approved: Approval {
                login: "leader".into(),
                full_name,
                position,
                at: "2026-05-30T03:00:00Z".into(),
                date: jiff::civil::date(2026, 5, 30),
            },
            amends: None,
            changes: Vec::new(),
            audit_head: "00".repeat(32),
        },
    );
    let base = PackageContent::of(&frozen, &plan).unwrap();
    let target = base
        .targets
        .iter()
        .find(|t| t.unit.is_none() || t.unit == Some(treem_domain::plan::Unit::Percent))
        .unwrap()
        .target;
    let a = CommuneKey::from_secret("03190", "Sính Phình", [1; 32]);
    let b = CommuneKey::from_secret("03191", "Pú Nhi", [2; 32]);
    for (label, purl, _dir) in databases().await {
        let prov = Db::open(&purl).await.unwrap();
        for k in [&a, &b] {
            prov.trust_commune(&province(), &k.public()).await.unwrap();
        }
        prov.import_package(
            &province(),
            &package_of(&base, &a, 1, None, target, 90, 100),
        )
        .await
        .unwrap();
        prov.import_package(&province(), &package_of(&base, &b, 1, None, target, 10, 20))
            .await
            .unwrap();
        let t = prov
            .province_table(&province(), None)
            .await
            .unwrap()
            .unwrap();
        let total = t.totals.iter().find(|x| x.target == target).unwrap();
        assert_eq!(
            (total.numerator, total.denominator),
            (Some(100), Some(120)),
            "{label}"
        );
        let v = total.value.unwrap();
        assert!(
            (v - 100.0 / 120.0 * 100.0).abs() < 1e-9,
            "{label}: {v}, not (90+50)/2"
        );
        assert_eq!(t.reported, 2);

        // A second report of the same period, not amending: refused, nothing stored.
        let second = package_of(&base, &a, 2, None, target, 95, 100);
        let why = refusal(prov.import_package(&province(), &second).await);
        assert!(
            why.contains("chỉ nhận thêm báo cáo bổ sung"),
            "{label}: {why}"
        );
        assert_eq!(packages_stored(&prov).await, 2);
        // A package claiming another commune's code inside: refused.
        let mut forged = base.clone();
        forged.commune.code = "03191".into();
        let signed_by_a = {
            let mut c = forged.clone();
            c.commune.code = "03190".into();
            a.sign(&c).unwrap()
        };
        let mut env = SignedPackage::parse(&signed_by_a).unwrap();
        env.commune = "03191".into();
        let why = refusal(
            prov.import_package(&province(), &serde_json::to_vec(&env).unwrap())
                .await,
        );
        assert!(why.contains("khóa khác"), "{label}: {why}");
        // The amending report is taken and replaces the first in the table.
        let amending = package_of(&base, &a, 3, Some(1), target, 95, 100);
        let done = prov.import_package(&province(), &amending).await.unwrap();
        assert_eq!(done.amends, Some(1));
        let t = prov
            .province_table(&province(), None)
            .await
            .unwrap()
            .unwrap();
        let total = t.totals.iter().find(|x| x.target == target).unwrap();
        assert_eq!(
            (total.numerator, total.denominator),
            (Some(105), Some(120)),
            "{label}"
        );
        assert!(t.rows.iter().any(|r| r.amending));
    }
}

/// `GET /api/v1/reports/{id}/package` on a server of `db` signing with the key at `key_path`.
async fn api_package(db: &Db, key_path: &str, id: i64) -> Vec<u8> {
    use treem_storage::{Accounts, NewUser};
    db.create_user(
        &actor(Role::Admin, None),
        &NewUser {
            username: "pkg-leader".into(),
            password: "password-pkg-leader".into(),
            role: Role::Leader,
            village: None,
            must_change_password: false,
            full_name: "Giàng A Dơ".into(),
            position: "Chủ tịch UBND xã".into(),
        },
    )
    .await
    .unwrap();
    let key = CommuneKey::from_file(&std::fs::read_to_string(key_path).unwrap()).unwrap();
    let state = treem_web::AppState::new(std::sync::Arc::new(db.clone())).with_commune_key(key);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = treem_web::serve(state, listener).await;
    });
    let http = reqwest::Client::new();
    let v: serde_json::Value = http
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({"username": "pkg-leader", "password": "password-pkg-leader"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = v["token"].as_str().unwrap().to_string();
    let r = http
        .get(format!("{base}/api/v1/reports/{id}/package"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.bytes().await.unwrap().to_vec()
}
