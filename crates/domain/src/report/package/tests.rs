use super::seal::content_hash;
use super::*;
use crate::indicator::{Breakdown, Cell, Figure, TargetResult};
use crate::report::{Approval, FrozenFigure};

const SEED_PLAN: &str = include_str!("../../../../../plans/sinh-phinh-2026.toml");

fn plan() -> Plan {
    Plan::from_toml(SEED_PLAN).unwrap()
}

fn d(y: i16, m: i8, day: i8) -> Date {
    jiff::civil::date(y, m, day)
}

fn cell(n: u64, den: u64) -> Cell {
    Cell {
        numerator: n,
        denominator: den,
        value: (den > 0).then(|| n as f64 / den as f64 * 100.0),
    }
}

fn figure(target: u16, n: f64, den: f64, unit_scale: f64, breakdown: Breakdown) -> FrozenFigure {
    FrozenFigure {
        target,
        measure: format!("Chỉ tiêu {target}"),
        plan_value: "đạt trên 95 %".into(),
        agency: "Trạm Y tế xã".into(),
        agency_codes: vec!["health".into()],
        source: "Sổ theo dõi trẻ em".into(),
        result: TargetResult {
            number: target,
            figure: Figure {
                numerator: Some(n),
                denominator: Some(den),
                value: Some(n / den * unit_scale),
                // Children 900001… behind the figure: never in the package.
                numerator_ids: (900_001..900_001 + n as i64).collect(),
                denominator_ids: (900_001..900_001 + den as i64).collect(),
                ..Figure::default()
            },
            secondary: None,
            status: TargetStatus::Met,
            trend: None,
            breakdown,
            note: Some("2 trẻ không rõ ngày sinh không được tính; số liệu sổ".into()),
            related: Vec::new(),
        },
    }
}

/// A report of the seed's commune: target 10 (a share, 97 of 100 children, one village with
/// a complement of 2, a sex with 3), target 3 (one neonatal death in 190 births, in one
/// village).
pub(super) fn report(code: &str, id: i64, amends: Option<i64>) -> FrozenReport {
    let shares = Breakdown {
        by_village: vec![("01".into(), cell(50, 50)), ("02".into(), cell(47, 50))],
        by_sex: vec![
            (Sex::Male, cell(50, 53)),
            (Sex::Female, cell(44, 44)),
            (Sex::Unknown, cell(3, 3)),
        ],
        by_ethnicity: vec![(Some(1), cell(60, 60)), (Some(23), cell(37, 40))],
        by_age_band: vec![(crate::age::AgeBand::Under5, cell(97, 100))],
    };
    let deaths = Breakdown {
        by_village: vec![
            ("01".into(), cell(1, 90)),
            ("02".into(), cell(0, 60)),
            ("03".into(), cell(0, 40)),
        ],
        ..Breakdown::default()
    };
    FrozenReport {
        id,
        kind: "six_month".into(),
        kind_name: "Báo cáo định kỳ 6 tháng".into(),
        year: 2026,
        period: Period::new(d(2026, 1, 1), d(2026, 5, 31)),
        as_of: d(2026, 5, 31),
        number: "12".into(),
        symbol: "BC-UBND".into(),
        commune: Commune {
            code: code.into(),
            name: format!("Xã {code}"),
            province: "Điện Biên".into(),
        },
        issuer: "UBND xã".into(),
        receivers: vec!["Sở Y tế tỉnh Điện Biên".into()],
        title: "Kết quả 6 tháng".into(),
        figures: vec![
            figure(10, 97.0, 100.0, 100.0, shares),
            figure(3, 1.0, 190.0, 1000.0, deaths),
        ],
        sections: vec![SectionText {
            agency: "health".into(),
            agency_name: "Trạm Y tế xã".into(),
            done: "Tổ chức 6 buổi cân đo tại các thôn.".into(),
            results: "Tiêm chủng đạt kế hoạch.".into(),
            difficulties: "Đường xa.".into(),
            proposals: "Bổ sung cân.".into(),
            submitted_by: Some("yte_secret_login".into()),
            submitted_at: Some("2026-05-30T08:00:00Z".into()),
            lines: vec![crate::report::WorkLine {
                label: "Tảo hôn".into(),
                value: "counted_line_stays_home".into(),
            }],
        }],
        approved: Approval {
            login: "lanhdao_login".into(),
            full_name: "Nguyễn Văn Lãnh".into(),
            position: "Phó Chủ tịch".into(),
            at: "2026-05-31T09:00:00Z".into(),
            date: d(2026, 5, 31),
        },
        amends,
        changes: Vec::new(),
        audit_head: "ab".repeat(32),
    }
}

fn counts_in(v: &serde_json::Value, out: &mut Vec<u64>) {
    match v {
        serde_json::Value::Object(m) => {
            if let (Some(val), Some(_)) = (m.get("value"), m.get("mark")) {
                if let Some(n) = val.as_u64() {
                    out.push(n);
                }
            }
            m.values().for_each(|x| counts_in(x, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| counts_in(x, out)),
        _ => {}
    }
}

#[test]
fn the_package_holds_no_record_id_no_login_and_no_count_from_1_to_4() {
    let p = PackageContent::of(&report("03190", 7, None), &plan()).unwrap();
    let text = String::from_utf8(p.to_bytes()).unwrap();
    assert!(!text.contains("9000"), "a record id in {text}");
    assert!(!text.contains("_login"));
    assert!(!text.contains("numerator_ids"));
    // The section's activity lines (counts of the commune's records) stay in the commune.
    assert!(!text.contains("counted_line_stays_home"));
    // The note's part with a number stays in the commune.
    assert!(!text.contains("không rõ ngày sinh"));
    let mut counts = Vec::new();
    counts_in(&serde_json::from_str(&text).unwrap(), &mut counts);
    assert!(!counts.is_empty());
    assert!(
        counts.iter().all(|n| !(1..=4).contains(n)),
        "a count from 1 to 4 in {counts:?}"
    );
    // The narratives go as written.
    assert!(text.contains("Tổ chức 6 buổi cân đo tại các thôn."));
    // One death in 190 births: "<5" over 190, no rate, and no village row showing it.
    let t3 = p.targets.iter().find(|t| t.target == 3).unwrap();
    let n = t3.figure.numerator.unwrap();
    assert_eq!((n.value, n.mark), (None, Some(Mark::Small)));
    assert_eq!(t3.figure.value, None);
    assert!(t3
        .by_village
        .iter()
        .all(|c| c.numerator.value.is_none() && c.denominator.value != Some(1)));
}

#[test]
fn no_hidden_cell_can_be_had_by_subtracting_from_the_total() {
    let p = PackageContent::of(&report("03190", 7, None), &plan()).unwrap();
    for t in &p.targets {
        let total_n = t.figure.numerator.and_then(|c| c.value);
        let total_d = t.figure.denominator.and_then(|c| c.value);
        for dim in [&t.by_village, &t.by_sex, &t.by_ethnicity, &t.by_age_band] {
            for (total, pick) in [
                (
                    total_n,
                    (|c: &PackageCell| c.numerator) as fn(&PackageCell) -> PackageCount,
                ),
                (total_d, |c: &PackageCell| c.denominator),
            ] {
                let hidden = dim.iter().filter(|c| pick(c).value.is_none()).count();
                // One hidden cell under a published total would be the total minus the rest.
                assert!(
                    total.is_none() || hidden != 1,
                    "target {} {dim:?}",
                    t.target
                );
            }
        }
    }
    // Target 10's sexes: 3 unknown (complement 0) would be read from 97 − 50 − 44; the share's
    // numerator by sex is withheld whole.
    let t10 = p.targets.iter().find(|t| t.target == 10).unwrap();
    assert!(t10.by_sex.iter().all(|c| c.numerator.value.is_none()));
}

#[test]
fn the_same_report_gives_the_same_bytes() {
    let r = report("03190", 7, None);
    let a = PackageContent::of(&r, &plan()).unwrap().to_bytes();
    let b = PackageContent::of(&r, &plan()).unwrap().to_bytes();
    assert_eq!(a, b);
    let back = PackageContent::from_bytes(&a).unwrap();
    assert_eq!(back.to_bytes(), a);
    assert_eq!(back.due_before, Some(d(2026, 6, 1)));
    assert!(back.on_time(d(2026, 5, 31)));
    assert!(!back.on_time(d(2026, 6, 1)));
}

#[test]
fn a_commune_without_a_code_cannot_send() {
    assert_eq!(
        PackageContent::of(&report("", 7, None), &plan()),
        Err(PackageError::NoCommuneCode)
    );
}

fn key(code: &str, seed: u8) -> CommuneKey {
    CommuneKey::from_secret(code, &format!("Xã {code}"), [seed; 32])
}

#[test]
fn a_signed_package_opens_with_its_key_and_not_after_a_changed_byte() {
    let k = key("03190", 7);
    let content = PackageContent::of(&report("03190", 7, None), &plan()).unwrap();
    let file = k.sign(&content).unwrap();
    let public = PublicKey::from_file(&k.public().to_file()).unwrap();
    let (bytes, opened) = SignedPackage::parse(&file).unwrap().open(&public).unwrap();
    assert_eq!(opened, content);
    assert_eq!(bytes, content.to_bytes());
    // The private key file reads back to the same key.
    let again = CommuneKey::from_file(&k.to_file()).unwrap();
    assert_eq!(again.public(), k.public());

    // One byte of the content changed (inside the base64 text).
    let mut envelope = SignedPackage::parse(&file).unwrap();
    let mut raw = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        &envelope.content,
    )
    .unwrap();
    let at = raw.len() / 2;
    raw[at] ^= 1;
    envelope.content = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &raw);
    assert_eq!(
        envelope.open(&public),
        Err(Refusal::BadSignature("03190".into()))
    );
    // Another commune's key under this commune's code.
    let other = key("03190", 8).public();
    assert_eq!(
        SignedPackage::parse(&file).unwrap().open(&other),
        Err(Refusal::WrongKey("03190".into()))
    );
    // A key is one commune's: it does not sign another commune's content.
    let theirs = PackageContent::of(&report("03191", 7, None), &plan()).unwrap();
    assert!(matches!(
        k.sign(&theirs),
        Err(Refusal::CommuneMismatch { .. })
    ));
}

#[test]
fn a_second_package_for_a_period_is_taken_only_as_an_amending_report() {
    let first = PackageContent::of(&report("03190", 7, None), &plan()).unwrap();
    let hash = content_hash(&first.to_bytes());
    let got = vec![Received {
        commune: "03190".into(),
        kind: first.kind.clone(),
        period: first.period,
        report: 7,
        hash: hash.clone(),
    }];
    assert_eq!(admit(&first, &hash, &[]), Ok(Admission::New));
    assert_eq!(admit(&first, &hash, &got), Ok(Admission::AlreadyReceived));
    let second = PackageContent::of(&report("03190", 8, None), &plan()).unwrap();
    let h2 = content_hash(&second.to_bytes());
    assert!(matches!(
        admit(&second, &h2, &got),
        Err(Refusal::PeriodTaken { .. })
    ));
    let amending = PackageContent::of(&report("03190", 9, Some(7)), &plan()).unwrap();
    let h3 = content_hash(&amending.to_bytes());
    assert_eq!(admit(&amending, &h3, &got), Ok(Admission::New));
    // Another commune's report of the same period is its own.
    let other = PackageContent::of(&report("03191", 7, None), &plan()).unwrap();
    let h4 = content_hash(&other.to_bytes());
    assert_eq!(admit(&other, &h4, &got), Ok(Admission::New));
}

#[test]
fn the_province_total_is_the_sum_of_numerators_over_the_sum_of_denominators() {
    let mut a = PackageContent::of(&report("03190", 7, None), &plan()).unwrap();
    let mut b = PackageContent::of(&report("03191", 7, None), &plan()).unwrap();
    let set = |p: &mut PackageContent, n: u64, den: u64| {
        let t = p.targets.iter_mut().find(|t| t.target == 10).unwrap();
        t.figure.numerator = Some(PackageCount {
            value: Some(n),
            mark: None,
        });
        t.figure.denominator = Some(PackageCount {
            value: Some(den),
            mark: None,
        });
    };
    set(&mut a, 90, 100);
    set(&mut b, 10, 20);
    let total = TargetTotal::of(10, &[&a, &b]);
    assert_eq!((total.numerator, total.denominator), (Some(100), Some(120)));
    let v = total.value.unwrap();
    assert!((v - 100.0 / 120.0 * 100.0).abs() < 1e-9, "{v}");
    // Not the average of 90 % and 50 %.
    assert!((v - 70.0).abs() > 1.0);
    // A commune's "<5" makes the total unknown, never a guess.
    let t3 = TargetTotal::of(3, &[&a, &b]);
    assert_eq!(t3.value, None);
    assert_eq!(t3.missing, Some(HIDDEN_TOTAL));
    // An amending report replaces the one it amends.
    let amending = PackageContent::of(&report("03190", 9, Some(7)), &plan()).unwrap();
    let all = [a.clone(), b.clone(), amending];
    let now = standing(&all);
    assert_eq!(now.len(), 2);
    assert_eq!(now[0].report, 9);
}
