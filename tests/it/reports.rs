//! Issue 16, parts 1–3, 7, 8: reports up the chain. Storage on both backends (every step
//! checked against the stored state and version, audited, frozen at approval); the whole loop
//! through the API as each role; the pages fetched over HTTP.
use crate::helpers::*;
use treem_domain::plan::Plan;
use treem_domain::report::{
    freeze, signer_of, Approval, Commune, Freezing, Narrative, ReportState, SectionState,
};
use treem_domain::role::Role;
use treem_storage::{AuditFilter, AuditLog, Db, NewReport, Reports, StorageError, StoredReport};

fn plan() -> Plan {
    Plan::from_toml(treem_web::figures::SEED_PLAN).unwrap()
}

fn six_month(plan: &Plan) -> NewReport {
    let kind = plan.report("six_month").unwrap();
    let period = kind.proposed_period(2026);
    NewReport {
        year: 2026,
        kind: kind.code.clone(),
        period,
        due_before: kind.due_before,
        sections: plan
            .report_sections(kind)
            .iter()
            .map(|a| a.code.clone())
            .collect(),
    }
}

fn text(done: &str) -> Narrative {
    Narrative {
        done: done.into(),
        results: "Đạt phần lớn chỉ tiêu".into(),
        difficulties: "Địa bàn rộng".into(),
        proposals: "Bổ sung kinh phí".into(),
    }
}

fn frozen_of(plan: &Plan, rep: &StoredReport, login: &str) -> treem_domain::report::FrozenReport {
    let kind = plan.report(&rep.kind).unwrap();
    let (full_name, position) = signer_of(login, Role::Leader);
    freeze(
        plan,
        kind,
        &[],
        Freezing {
            id: rep.id,
            year: rep.year,
            period: rep.period,
            as_of: rep.period.end,
            number: "12".into(),
            commune: Commune {
                code: String::new(),
                name: plan.commune.clone(),
                province: "Điện Biên".into(),
            },
            sections: Vec::new(),
            approved: Approval {
                login: login.into(),
                full_name,
                position,
                at: "2026-05-30T03:00:00Z".into(),
                date: jiff::civil::date(2026, 5, 30),
            },
            amends: rep.amends,
            changes: Vec::new(),
            audit_head: String::new(),
        },
    )
}

fn sec_version(rep: &StoredReport, agency: &str) -> i64 {
    rep.section(agency).unwrap().version
}

async fn storage_loop(db: &Db, label: &str) {
    let plan = plan();
    let officer = actor(Role::Officer, None);
    let health = actor(Role::Health, None);
    let police = actor(Role::Police, None);
    let leader = actor(Role::Leader, None);

    assert!(matches!(
        db.open_report(&health, &plan, &six_month(&plan)).await,
        Err(StorageError::Forbidden)
    ));
    let rep = db
        .open_report(&officer, &plan, &six_month(&plan))
        .await
        .unwrap();
    assert_eq!(rep.state, ReportState::Preparing, "{label}");
    assert!(rep.section("health").is_some() && rep.section("police").is_some());
    let id = rep.id;

    let v = sec_version(&rep, "health");
    let rep = db
        .save_section(&health, &plan, id, "health", v, &text("Cân, đo 412 trẻ"))
        .await
        .unwrap();
    assert_eq!(
        rep.section("health").unwrap().narrative.done,
        "Cân, đo 412 trẻ"
    );
    // The version read before the save is stale now.
    assert!(matches!(
        db.save_section(&health, &plan, id, "health", v, &text("x"))
            .await,
        Err(StorageError::Conflict { .. })
    ));
    // Police may not write the health station's section.
    assert!(matches!(
        db.submit_section(&police, &plan, id, "health", v + 1).await,
        Err(StorageError::Forbidden)
    ));
    let rep = db
        .submit_section(&health, &plan, id, "health", v + 1)
        .await
        .unwrap();
    let h = rep.section("health").unwrap();
    assert_eq!(h.state, SectionState::Submitted);
    assert_eq!(h.submitted_by.as_deref(), Some("test-health"));

    let rep = db
        .send_report(&officer, &plan, id, rep.version)
        .await
        .unwrap();
    assert_eq!(rep.state, ReportState::AwaitingApproval);
    assert!(matches!(
        db.return_report(&leader, &plan, id, rep.version, " ").await,
        Err(StorageError::Invalid(_))
    ));
    assert!(matches!(
        db.approve_report(
            &officer,
            &plan,
            id,
            rep.version,
            frozen_of(&plan, &rep, "officer")
        )
        .await,
        Err(StorageError::Forbidden)
    ));
    let rep = db
        .return_report(&leader, &plan, id, rep.version, "Thiếu số liệu tiêm chủng")
        .await
        .unwrap();
    assert_eq!(rep.state, ReportState::Returned);
    assert_eq!(
        rep.returned_reason.as_deref(),
        Some("Thiếu số liệu tiêm chủng")
    );
    let rep = db
        .reopen_section(&health, &plan, id, "health", sec_version(&rep, "health"))
        .await
        .unwrap();
    let rep = db
        .submit_section(&health, &plan, id, "health", sec_version(&rep, "health"))
        .await
        .unwrap();
    let rep = db
        .send_report(&officer, &plan, id, rep.version)
        .await
        .unwrap();
    let frozen = frozen_of(&plan, &rep, "leader");
    assert!(matches!(
        db.approve_report(&leader, &plan, id, rep.version - 1, frozen.clone())
            .await,
        Err(StorageError::Conflict { .. })
    ));
    let approved = db
        .approve_report(&leader, &plan, id, rep.version, frozen)
        .await
        .unwrap();
    assert_eq!(approved.id, id);
    let head = db.chain_head().await.unwrap();
    assert_eq!(
        approved.audit_head,
        head.to_string(),
        "{label}: the approval's head"
    );

    // Nothing changes once approved.
    let rep = db.report(&officer, id).await.unwrap();
    assert_eq!(rep.state, ReportState::Approved);
    for r in [
        db.save_section(
            &health,
            &plan,
            id,
            "health",
            sec_version(&rep, "health"),
            &text("y"),
        )
        .await,
        db.reopen_section(&health, &plan, id, "health", sec_version(&rep, "health"))
            .await,
        db.send_report(&officer, &plan, id, rep.version).await,
        db.return_report(&leader, &plan, id, rep.version, "z").await,
    ] {
        assert!(matches!(r, Err(StorageError::Refused(_))), "{label}: {r:?}");
    }
    assert_eq!(
        db.approved_report(&officer, 2026, "six_month")
            .await
            .unwrap(),
        Some(approved.clone())
    );
    assert_eq!(db.frozen_report(&health, id).await.unwrap(), approved);
    assert!(matches!(
        db.frozen_report(&actor(Role::Admin, None), id).await,
        Err(StorageError::Forbidden)
    ));

    // The amending report starts from the approved texts; the original stays.
    let amend = db.amend_report(&officer, &plan, id).await.unwrap();
    assert_eq!(amend.amends, Some(id));
    assert_eq!(amend.state, ReportState::Preparing);
    assert_eq!(
        amend.section("health").unwrap().narrative.done,
        "Cân, đo 412 trẻ"
    );
    assert_eq!(amend.section("health").unwrap().state, SectionState::Draft);
    assert_eq!(db.frozen_report(&officer, id).await.unwrap(), approved);
    assert!(matches!(
        db.frozen_report(&officer, amend.id).await,
        Err(StorageError::NotFound)
    ));
    let all = db.reports(&officer, Some(2026)).await.unwrap();
    assert_eq!(all.len(), 2, "{label}");
    assert!(db.reports(&officer, Some(2027)).await.unwrap().is_empty());

    let entries = db
        .audit_entries(
            &officer,
            &AuditFilter {
                entity: Some("report".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    for a in [
        "create", "update", "submit", "send", "return", "reopen", "approve",
    ] {
        assert!(actions.contains(&a), "{label}: audited {a}: {actions:?}");
    }
    assert!(db.check().await.unwrap().ok(), "{label}");
}

#[tokio::test]
async fn storage_takes_each_step_once_checked_versioned_audited_and_freezes_at_approval() {
    for (label, url, _dir) in databases().await {
        let db = seeded(&url).await;
        storage_loop(&db, label).await;
    }
}
