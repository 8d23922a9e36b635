//! The storage conformance suite: the same tests on SQLite and (when configured) PostgreSQL.
use crate::helpers::*;
use treem_domain::register::{ChildDraft, HouseholdData, Sex};
use treem_domain::role::Role;
use treem_storage::{AuditFilter, AuditLog, ChildQuery, Db, Register, StorageError};

fn q(text: &str) -> ChildQuery {
    ChildQuery {
        q: Some(text.into()),
        page: 1,
        per_page: 50,
        ..Default::default()
    }
}

#[tokio::test]
async fn migrations_are_idempotent_and_refuse_newer_schema() {
    for (label, url, _dir) in databases().await {
        let db = Db::open(&url).await.unwrap();
        assert!(db.migrate().await.unwrap().is_empty(), "{label}");
        assert_eq!(
            db.schema_version().await.unwrap(),
            treem_storage::SCHEMA_VERSION
        );
        db.raw_execute_as_owner(
            "INSERT INTO schema_migration (version, name, applied_at) VALUES (999, 'future', 'x')",
        )
        .await
        .unwrap();
        db.close().await;
        match Db::open(&url).await {
            Err(StorageError::SchemaTooNew { found: 999, .. }) => {}
            other => panic!("{label}: expected refusal, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn child_create_read_update_with_versions_and_conflict() {
    each_backend(|label, db| async move {
        let o = officer();
        let c = db
            .create_child(&o, &child("Giàng A Páo", "SP01"))
            .await
            .unwrap();
        assert_eq!(c.version, 1, "{label}");
        let read = db.child(&o, c.id).await.unwrap();
        assert_eq!(read.data.full_name, "Giàng A Páo");
        assert_eq!(read.data.village, "SP01");
        let mut changed = read.data.clone();
        changed.school = Some("Trường PTDTBT Tiểu học Sính Phình".into());
        let v2 = db.update_child(&o, c.id, 1, &changed).await.unwrap();
        assert_eq!(v2.version, 2);
        // The same stale version again: refused, nothing overwritten.
        let mut stale = read.data.clone();
        stale.school = Some("Trường khác".into());
        match db.update_child(&o, c.id, 1, &stale).await {
            Err(StorageError::Conflict { current: 2 }) => {}
            other => panic!("{label}: expected conflict, got {other:?}"),
        }
        let now = db.child(&o, c.id).await.unwrap();
        assert_eq!(
            now.data.school.as_deref(),
            Some("Trường PTDTBT Tiểu học Sính Phình")
        );
        let history = db.child_history(&o, c.id).await.unwrap();
        assert_eq!(history.len(), 2);
        assert!(
            history[1].changes.iter().any(|ch| ch.field == "school"),
            "{label}"
        );
        // Unknown id.
        assert!(matches!(
            db.child(&o, 999_999).await,
            Err(StorageError::NotFound)
        ));
    })
    .await;
}

#[tokio::test]
async fn duplicate_personal_id_is_a_field_error() {
    each_backend(|label, db| async move {
        let o = officer();
        let mut a = child("Sùng Thị Sua", "SP01");
        a.personal_id = Some(treem_domain::personal_id::PersonalId::parse("011319000001").unwrap());
        db.create_child(&o, &a).await.unwrap();
        let mut b = child("Sùng Thị Xua", "SP02");
        b.personal_id = a.personal_id.clone();
        match db.create_child(&o, &b).await {
            Err(StorageError::Invalid(e)) => {
                assert!(e.for_field("personal_id").is_some(), "{label}")
            }
            other => panic!("{label}: {other:?}"),
        }
    })
    .await;
}

#[tokio::test]
async fn search_folds_diacritics_case_and_d_over_names_and_aliases() {
    each_backend(|label, db| async move {
        let o = officer();
        for (name, village) in [
            ("Nguyễn Thị Ánh", "SP01"),
            ("Giàng A Páo", "SP01"),
            ("Đặng Văn Đức", "SP02"),
            ("Giàng A Dình", "SP02"),
            ("Lò Văn Ân", "SP01"),
        ] {
            db.create_child(&o, &child(name, village)).await.unwrap();
        }
        let mut with_alias = child("Vàng Thị Mỷ", "SP01");
        with_alias.aliases = vec!["Vàng Thị Mị".into(), "Mỉ".into()];
        db.create_child(&o, &with_alias).await.unwrap();
        let names = |p: treem_storage::Page<treem_storage::ChildSummary>| {
            p.items.into_iter().map(|c| c.full_name).collect::<Vec<_>>()
        };
        assert_eq!(
            names(db.search_children(&o, &q("nguyen thi anh")).await.unwrap()),
            ["Nguyễn Thị Ánh"],
            "{label}"
        );
        assert_eq!(
            names(db.search_children(&o, &q("giang a pao")).await.unwrap()),
            ["Giàng A Páo"]
        );
        assert_eq!(
            names(db.search_children(&o, &q("DANG VAN DUC")).await.unwrap()),
            ["Đặng Văn Đức"]
        );
        assert_eq!(
            names(db.search_children(&o, &q("vang thi mi")).await.unwrap()),
            ["Vàng Thị Mỷ"]
        );
        // Prefixes of words, any order; sorted by given name in Vietnamese order.
        let p = db.search_children(&o, &q("gia")).await.unwrap();
        assert_eq!(p.total, 2);
        assert_eq!(names(p), ["Giàng A Dình", "Giàng A Páo"]);
        let all = db
            .search_children(
                &o,
                &ChildQuery {
                    page: 1,
                    per_page: 50,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            names(all),
            [
                "Nguyễn Thị Ánh",
                "Lò Văn Ân",
                "Giàng A Dình",
                "Đặng Văn Đức",
                "Vàng Thị Mỷ",
                "Giàng A Páo"
            ],
            "{label}"
        );
        // Filters.
        let sp02 = db
            .search_children(
                &o,
                &ChildQuery {
                    village: Some("SP02".into()),
                    page: 1,
                    per_page: 50,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(sp02.total, 2);
        let males = db
            .search_children(
                &o,
                &ChildQuery {
                    sex: Some(Sex::Male),
                    page: 1,
                    per_page: 50,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(males.total, 0);
        let paged = db
            .search_children(
                &o,
                &ChildQuery {
                    page: 2,
                    per_page: 4,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!((paged.total, paged.items.len()), (6, 2));
    })
    .await;
}

#[tokio::test]
async fn circumstance_age_and_register_filters() {
    each_backend(|label, db| async move {
        let o = officer();
        let young = ChildDraft {
            full_name: Some("Thào A Sử".into()),
            sex: Some("male".into()),
            date_of_birth: Some(
                today()
                    .checked_sub(jiff::Span::new().years(2))
                    .unwrap()
                    .to_string(),
            ),
            village: Some("SP01".into()),
            circumstances: vec![treem_domain::register::CircumstanceDraft {
                code: Some("a".into()),
                from: Some("2025-01-01".into()),
                to: None,
            }],
            ..Default::default()
        }
        .parse(today())
        .unwrap();
        db.create_child(&o, &young).await.unwrap();
        let mut old = child("Lầu Thị Dợ", "SP01");
        old.birth_registered_on = Some(jiff::civil::date(2019, 6, 1));
        db.create_child(&o, &old).await.unwrap();
        let f = |cq: ChildQuery| ChildQuery {
            page: 1,
            per_page: 50,
            ..cq
        };
        let c = db
            .search_children(
                &o,
                &f(ChildQuery {
                    circumstance: Some("a".into()),
                    ..Default::default()
                }),
            )
            .await
            .unwrap();
        assert_eq!(c.total, 1, "{label}");
        let under5 = db
            .search_children(
                &o,
                &f(ChildQuery {
                    age_max: Some(4),
                    ..Default::default()
                }),
            )
            .await
            .unwrap();
        assert_eq!(under5.items[0].full_name, "Thào A Sử");
        assert_eq!(under5.total, 1);
        let older = db
            .search_children(
                &o,
                &f(ChildQuery {
                    age_min: Some(5),
                    ..Default::default()
                }),
            )
            .await
            .unwrap();
        assert_eq!(older.total, 1);
        let unreg = db
            .search_children(
                &o,
                &f(ChildQuery {
                    birth_not_registered: true,
                    ..Default::default()
                }),
            )
            .await
            .unwrap();
        assert_eq!(unreg.items[0].full_name, "Thào A Sử");
        let no_id = db
            .search_children(
                &o,
                &f(ChildQuery {
                    no_personal_id: true,
                    ..Default::default()
                }),
            )
            .await
            .unwrap();
        assert_eq!(no_id.total, 2);
    })
    .await;
}

#[tokio::test]
async fn scope_is_enforced_in_storage() {
    each_backend(|label, db| async move {
        let o = officer();
        let villages = db.villages(&o).await.unwrap();
        let sp01 = villages.iter().find(|v| v.code == "SP01").unwrap().id;
        let mine = db
            .create_child(&o, &child("Giàng A Páo", "SP01"))
            .await
            .unwrap();
        let other = db
            .create_child(&o, &child("Giàng A Dình", "SP02"))
            .await
            .unwrap();
        let head = actor(Role::VillageHead, Some(sp01));
        let seen = db.search_children(&head, &q("giang")).await.unwrap();
        assert_eq!(seen.total, 1, "{label}");
        assert!(seen.items.iter().all(|c| c.village == "SP01"));
        // Even asking for the other village by filter returns nothing of it.
        let asked = db
            .search_children(
                &head,
                &ChildQuery {
                    village: Some("SP02".into()),
                    page: 1,
                    per_page: 50,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(asked.total, 0);
        assert!(db.child(&head, mine.id).await.is_ok());
        assert!(matches!(
            db.child(&head, other.id).await,
            Err(StorageError::NotFound)
        ));
        assert!(matches!(
            db.child_history(&head, other.id).await,
            Err(StorageError::NotFound)
        ));
        assert!(matches!(
            db.update_child(&head, other.id, 1, &child("X", "SP02"))
                .await,
            Err(StorageError::NotFound)
        ));
        // A village head cannot move a child into another village or add one there.
        assert!(matches!(
            db.create_child(&head, &child("Y", "SP02")).await,
            Err(StorageError::Invalid(_))
        ));
        assert!(db
            .children_as_of(&head, today())
            .await
            .unwrap()
            .iter()
            .all(|c| c.data.village == "SP01"));
        for role in [Role::Province, Role::Admin, Role::Services] {
            let a = actor(role, None);
            assert!(
                matches!(db.child(&a, mine.id).await, Err(StorageError::Forbidden)),
                "{label} {role}"
            );
            assert!(matches!(
                db.search_children(&a, &q("giang")).await,
                Err(StorageError::Forbidden)
            ));
            assert!(matches!(
                db.children_as_of(&a, today()).await,
                Err(StorageError::Forbidden)
            ));
        }
        // Province gets counts, never names.
        let counts = db.child_counts(&actor(Role::Province, None)).await.unwrap();
        assert_eq!(counts.iter().map(|c| c.count).sum::<i64>(), 2);
        for role in [Role::Leader, Role::Police] {
            assert!(matches!(
                db.create_child(&actor(role, None), &child("Z", "SP01"))
                    .await,
                Err(StorageError::Forbidden)
            ));
        }
    })
    .await;
}

#[tokio::test]
async fn history_as_of_a_past_date() {
    each_backend(|label, db| async move {
        let o = officer();
        let c = db.create_child(&o, &child("Mùa A Chứ", "SP01")).await.unwrap();
        // Move the first version into the past, as if recorded last year.
        db.raw_execute(&format!(
            "UPDATE child_version SET recorded_at = '2025-03-01T00:00:00.000000Z' WHERE child_id = {}",
            c.id
        ))
        .await
        .unwrap();
        let mut moved = c.data.clone();
        moved.moved_out = Some(jiff::civil::date(2026, 1, 15));
        db.update_child(&o, c.id, 1, &moved).await.unwrap();
        let before = db.children_as_of(&o, jiff::civil::date(2025, 12, 31)).await.unwrap();
        assert_eq!(before.len(), 1, "{label}");
        assert_eq!(before[0].data.moved_out, None);
        assert_eq!(before[0].version, 1);
        let now = db.children_as_of(&o, today()).await.unwrap();
        assert_eq!(now[0].data.moved_out, Some(jiff::civil::date(2026, 1, 15)));
        assert!(!now[0].data.present_on(today()));
        let earlier = db.children_as_of(&o, jiff::civil::date(2025, 1, 1)).await.unwrap();
        assert!(earlier.is_empty());
        // Absent children leave the default list.
        assert_eq!(db.search_children(&o, &q("mua")).await.unwrap().total, 0);
        let all = ChildQuery { include_absent: true, ..q("mua") };
        assert_eq!(db.search_children(&o, &all).await.unwrap().total, 1);
    })
    .await;
}

#[tokio::test]
async fn villages_and_households_are_versioned() {
    each_backend(|label, db| async move {
        let o = officer();
        let v = db.create_village(&o, "SP03", "Phình Hồ").await.unwrap();
        let v2 = db
            .update_village(&o, v.id, 1, "PH03", "Phình Hồ")
            .await
            .unwrap();
        assert_eq!(v2.version, 2, "{label}");
        assert!(matches!(
            db.update_village(&o, v.id, 1, "X", "Y").await,
            Err(StorageError::Conflict { .. })
        ));
        assert!(matches!(
            db.create_village(&o, "PH03", "Trùng").await,
            Err(StorageError::Invalid(_))
        ));
        assert!(matches!(
            db.create_village(&actor(Role::VillageHead, Some(v.id)), "Q1", "Q")
                .await,
            Err(StorageError::Forbidden)
        ));
        let h = db
            .create_household(
                &o,
                &HouseholdData {
                    village: "PH03".into(),
                    code: Some("PH03-001".into()),
                    head_name: "Giàng A Lử".into(),
                    address: None,
                    poverty: vec![],
                },
            )
            .await
            .unwrap();
        let mut data = h.data.clone();
        data.poverty.push(treem_domain::register::PovertyPeriod {
            status: treem_domain::register::PovertyStatus::Poor,
            from: jiff::civil::date(2024, 1, 1),
            to: None,
        });
        let h2 = db.update_household(&o, h.id, 1, &data).await.unwrap();
        assert_eq!(h2.version, 2);
        assert!(matches!(
            db.update_household(&o, h.id, 1, &data).await,
            Err(StorageError::Conflict { .. })
        ));
        // A child joins the household; a household from another village is refused.
        let mut c = child("Giàng Thị Dở", "PH03");
        c.household_id = Some(h.id);
        db.create_child(&o, &c).await.unwrap();
        let mut wrong = child("Giàng Thị Dở", "SP01");
        wrong.household_id = Some(h.id);
        assert!(matches!(
            db.create_child(&o, &wrong).await,
            Err(StorageError::Invalid(_))
        ));
        // Renaming the village code shows in records read afterwards.
        let stored = db.households(&o, Some("PH03")).await.unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].data.village, "PH03");
    })
    .await;
}

#[tokio::test]
async fn import_is_all_or_nothing() {
    each_backend(|label, db| async move {
        let o = officer();
        let mut rows: Vec<_> = (0..300)
            .map(|i| child(&format!("Sùng A Pó {i}"), "SP01"))
            .collect();
        rows[299].village = "NOPE".into();
        assert!(
            db.import_children(&o, rows.clone()).await.is_err(),
            "{label}"
        );
        let empty = ChildQuery {
            page: 1,
            per_page: 10,
            ..Default::default()
        };
        assert_eq!(db.search_children(&o, &empty).await.unwrap().total, 0);
        // A duplicate personal ID deep in the batch also rolls everything back.
        rows[299].village = "SP01".into();
        let pid = treem_domain::personal_id::PersonalId::parse("011319000123").unwrap();
        rows[10].personal_id = Some(pid.clone());
        rows[200].personal_id = Some(pid);
        assert!(db.import_children(&o, rows.clone()).await.is_err());
        assert_eq!(db.search_children(&o, &empty).await.unwrap().total, 0);
        rows[200].personal_id = None;
        // So does a household that does not exist.
        rows[250].household_id = Some(999_999);
        assert!(db.import_children(&o, rows.clone()).await.is_err());
        assert_eq!(db.search_children(&o, &empty).await.unwrap().total, 0);
        rows[250].household_id = None;
        // Circumstances and caregivers come through as given.
        rows[7].circumstances = vec![treem_domain::circumstance::Circumstance {
            code: "a".into(),
            from: jiff::civil::date(2025, 1, 1),
            to: None,
        }];
        rows[7].caregivers = vec![treem_domain::register::Caregiver {
            relationship: "mẹ".into(),
            full_name: "Sùng Thị Mỷ".into(),
            phone: None,
        }];
        rows[7].aliases = vec!["Pó \"Bảy\"".into()];
        assert_eq!(db.import_children(&o, rows.clone()).await.unwrap(), 300);
        let with_a = db
            .search_children(
                &o,
                &ChildQuery {
                    circumstance: Some("a".into()),
                    ..empty.clone()
                },
            )
            .await
            .unwrap();
        assert_eq!(with_a.total, 1, "{label}");
        assert_eq!(
            db.child(&o, with_a.items[0].id).await.unwrap().data,
            rows[7]
        );
        assert_eq!(db.search_children(&o, &q("bay")).await.unwrap().total, 1);
        assert_eq!(db.search_children(&o, &empty).await.unwrap().total, 300);
        assert_eq!(
            db.search_children(&o, &q("sung a po 123"))
                .await
                .unwrap()
                .total,
            1
        );
        // Ids continue after an import.
        let next = db
            .create_child(&o, &child("Sau Nhập", "SP01"))
            .await
            .unwrap();
        assert_eq!(next.id, 301);
        assert!(db.check().await.unwrap().ok());
    })
    .await;
}

#[tokio::test]
async fn audit_chain_records_writes_and_reads_and_detects_tampering() {
    each_backend(|label, db| async move {
        let o = officer();
        let c = db
            .create_child(&o, &child("Giàng A Páo", "SP01"))
            .await
            .unwrap();
        db.child(&o, c.id).await.unwrap();
        let entries = db
            .audit_entries(
                &actor(Role::Leader, None),
                &AuditFilter {
                    entity: Some("child".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
        assert!(
            actions.contains(&"create") && actions.contains(&"read"),
            "{label}: {actions:?}"
        );
        assert!(matches!(
            db.audit_entries(&actor(Role::VillageHead, Some(1)), &AuditFilter::default())
                .await,
            Err(StorageError::Forbidden)
        ));
        let report = db.check().await.unwrap();
        assert!(report.ok(), "{label}: {:?}", report.problems);
        // The log refuses changes through SQL…
        assert!(db
            .raw_execute("UPDATE audit_log SET detail = 'x' WHERE seq = 1")
            .await
            .is_err());
        assert!(db
            .raw_execute("DELETE FROM audit_log WHERE seq = 1")
            .await
            .is_err());
        // …and someone who removes that guard is caught by the chain.
        let drop_guard = if label == "sqlite" {
            "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete"
        } else {
            DROP_AUDIT_GUARD_PG
        };
        db.raw_execute_as_owner(drop_guard).await.unwrap();
        let seq = entries.last().unwrap().seq;
        db.raw_execute(&format!(
            "UPDATE audit_log SET actor = 'someone-else' WHERE seq = {seq}"
        ))
        .await
        .unwrap();
        let report = db.check().await.unwrap();
        assert!(!report.ok(), "{label}");
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.contains(&format!("mục {seq}"))),
            "{:?}",
            report.problems
        );
    })
    .await;
}

#[tokio::test]
async fn deleting_the_last_audit_entry_is_detected() {
    for (label, url, _dir) in databases().await {
        let db = seeded(&url).await;
        db.create_child(&officer(), &child("Giàng A Páo", "SP01"))
            .await
            .unwrap();
        let drop_guard = if label == "sqlite" {
            "DROP TRIGGER audit_log_no_delete"
        } else {
            DROP_AUDIT_GUARD_PG
        };
        db.raw_execute_as_owner(drop_guard).await.unwrap();
        db.raw_execute("DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)")
            .await
            .unwrap();
        assert!(!db.check().await.unwrap().ok(), "{label}");
        db.close().await;
    }
}

#[tokio::test]
async fn accounts_sessions_and_passwords() {
    use treem_storage::Accounts;
    each_backend(|label, db| async move {
        assert!(
            db.authenticate(
                &treem_storage::LoginName::parse("officer").unwrap(),
                "wrong-password"
            )
            .await
            .unwrap()
            .user()
            .is_none(),
            "{label}"
        );
        assert!(db
            .authenticate(
                &treem_storage::LoginName::parse("nobody").unwrap(),
                "password-officer"
            )
            .await
            .unwrap()
            .user()
            .is_none());
        let u = db
            .authenticate(
                &treem_storage::LoginName::parse("officer").unwrap(),
                "password-officer",
            )
            .await
            .unwrap()
            .user()
            .unwrap();
        assert_eq!(u.role, Role::Officer);
        let s = db.create_session(&u).await.unwrap();
        assert_eq!(db.session(&s.token).await.unwrap().unwrap().1.id, u.id);
        assert!(db.session("not-a-token").await.unwrap().is_none());
        // A password change ends existing sessions.
        db.set_password(&u.actor(), u.id, "new-password-1")
            .await
            .unwrap();
        assert!(db.session(&s.token).await.unwrap().is_none());
        assert!(db
            .authenticate(
                &treem_storage::LoginName::parse("officer").unwrap(),
                "new-password-1"
            )
            .await
            .unwrap()
            .user()
            .is_some());
        assert!(matches!(
            db.set_password(&u.actor(), u.id, "short").await,
            Err(StorageError::Invalid(_))
        ));
        // Only an admin manages users; a disabled user cannot log in.
        assert!(matches!(
            db.users(&u.actor()).await,
            Err(StorageError::Forbidden)
        ));
        let admin = db
            .authenticate(
                &treem_storage::LoginName::parse("admin").unwrap(),
                "password-admin",
            )
            .await
            .unwrap()
            .user()
            .unwrap();
        db.set_user_active(&admin.actor(), u.id, false)
            .await
            .unwrap();
        assert!(db
            .authenticate(
                &treem_storage::LoginName::parse("officer").unwrap(),
                "new-password-1"
            )
            .await
            .unwrap()
            .user()
            .is_none());
        // The stored hash is argon2id, never the password.
        let rows = db.raw_execute("SELECT 1").await;
        assert!(rows.is_ok());
    })
    .await;
}

fn head_for(village: i64) -> treem_domain::role::Actor {
    actor(Role::VillageHead, Some(village))
}

#[tokio::test]
async fn register_for_figures_reads_the_latest_version_known() {
    use treem_domain::indicator::Known;
    each_backend(|label, db| async move {
        let o = officer();
        let mut a = child("Mùa A Chứ", "SP01");
        a.school_level = Some("mau_giao".into());
        let a = db.create_child(&o, &a).await.unwrap();
        let b = db.create_child(&o, &child("Lò Thị Mai", "SP02")).await.unwrap();
        // a: recorded last year, moved out this year; b: recorded this spring.
        db.raw_execute(&format!(
            "UPDATE child_version SET recorded_at = '2025-03-01T00:00:00.000000Z' WHERE child_id = {}",
            a.id
        ))
        .await
        .unwrap();
        db.raw_execute(&format!(
            "UPDATE child_version SET recorded_at = '2026-04-01T00:00:00.000000Z' WHERE child_id = {}",
            b.id
        ))
        .await
        .unwrap();
        let mut moved = a.data.clone();
        moved.moved_out = Some(jiff::civil::date(2026, 1, 15));
        db.update_child(&o, a.id, 1, &moved).await.unwrap();
        let read = |r: &[treem_domain::indicator::ChildFacts]| -> Vec<(i64, i64)> {
            r.iter().map(|c| (c.id, c.version)).collect()
        };
        let as_recorded = |d| Known::RecordedBy(d);
        let at = |k| {
            let db = db.clone();
            let o = o.clone();
            async move { db.register_for_figures(&o, k).await.unwrap() }
        };
        assert!(at(as_recorded(jiff::civil::date(2025, 1, 1))).await.is_empty(), "{label}");
        assert_eq!(read(&at(as_recorded(jiff::civil::date(2025, 12, 31))).await), vec![(a.id, 1)], "{label}");
        assert_eq!(
            read(&at(as_recorded(jiff::civil::date(2026, 6, 30))).await),
            vec![(a.id, 1), (b.id, 1)],
            "{label}"
        );
        // Every record known now: each child's latest version, once.
        let now = at(Known::Now).await;
        assert_eq!(read(&now), vec![(a.id, 2), (b.id, 1)], "{label}");
        assert_eq!(read(&at(as_recorded(today())).await), read(&now), "{label}");
        assert_eq!(now[0].moved_out, Some(jiff::civil::date(2026, 1, 15)));
        assert_eq!(now[0].school_level.as_deref(), Some("mau_giao"));
        assert_eq!(now[0].village, "SP01");
        assert_eq!(now[1].village, "SP02");
        // The facts of the full records.
        let full = db.children_as_of(&o, today()).await.unwrap();
        let facts: Vec<_> = full.iter().map(treem_domain::indicator::ChildFacts::of).collect();
        assert_eq!(facts, now, "{label}");
        // A village head: the children whose record is in the village.
        let sp02 = db.villages(&o).await.unwrap().iter().find(|v| v.code == "SP02").unwrap().id;
        let head = db.register_for_figures(&head_for(sp02), Known::Now).await.unwrap();
        assert_eq!(head.iter().map(|c| c.id).collect::<Vec<_>>(), vec![b.id], "{label}");
    })
    .await;
}

#[tokio::test]
async fn health_records_for_the_figures_are_typed_in_recorded_order() {
    use treem_storage::HealthLog;
    each_backend(|label, db| async move {
        let o = officer();
        let a = db.create_child(&o, &child("Giàng A Páo", "SP01")).await.unwrap().id;
        let health = actor(Role::Health, None);
        let d = |s: &str| -> jiff::civil::Date { s.parse().unwrap() };
        let events = vec![
            ("vaccination".to_string(), Some(a), d("2026-03-01"), serde_json::json!({"vaccine": "OPV", "dose": 1})),
            ("measurement".to_string(), Some(a), d("2026-03-02"), serde_json::json!({"measure": "lying", "weight_kg": 10.5, "z_wfa": -2.5, "flags": []})),
            ("death".to_string(), Some(a), d("2026-05-01"), serde_json::json!({"cause": "drowning"})),
            ("hiv".to_string(), None, d("2026-06-30"), serde_json::json!({"period_start": "2026-01-01", "period_end": "2026-06-30", "infants_born_to_hiv_positive_mothers": 2, "infants_infected": 0})),
        ];
        db.add_health_events(&health, &typed_events(&events)).await.unwrap();
        // Stored through the API by an earlier version, the fields repeat the child and the
        // date: those beside them win. And a kind the figures do not read.
        for (kind, date, data) in [
            ("vaccination", "2026-04-01", r#"{"kind":"vaccination","child_id":999,"date":"2020-01-01","vaccine":"OPV","dose":2}"#),
            ("other", "2026-03-01", r#"{"x":1}"#),
        ] {
            let village = village_id(&db, "SP01").await;
            db.raw_execute(&format!(
                "INSERT INTO health_event (kind, child_id, village_id, date, data, recorded_by, recorded_at) \
                 VALUES ('{kind}', {a}, {village}, '{date}', '{data}', 1, '2026-04-02T00:00:00.000000Z')"
            ))
            .await
            .unwrap();
        }
        let h = db.health_records(&health, None, treem_domain::indicator::Known::Now).await.unwrap();
        let v: Vec<_> = h.vaccinations.iter().map(|v| (v.child_id, v.date, v.dose)).collect();
        assert_eq!(v, vec![(a, d("2026-03-01"), 1), (a, d("2026-04-01"), 2)], "{label}");
        assert_eq!(h.measurements.len(), 1);
        assert_eq!(h.measurements[0].z_wfa, Some(-2.5));
        assert_eq!(h.deaths[0].date, d("2026-05-01"));
        assert_eq!(h.hiv[0].infants_born_to_hiv_positive_mothers, 2);
        let early = db.health_records(&health, Some(d("2026-03-01")), treem_domain::indicator::Known::Now).await.unwrap();
        assert_eq!((early.vaccinations.len(), early.measurements.len(), early.hiv.len()), (1, 0, 0), "{label}");
        assert!(matches!(db.health_records(&head_for(1), None, treem_domain::indicator::Known::Now).await, Err(StorageError::Forbidden)));
        assert!(matches!(db.health_records(&actor(Role::Leader, None), None, treem_domain::indicator::Known::Now).await, Err(StorageError::Forbidden)));
    })
    .await;
}

#[tokio::test]
async fn health_events_are_visible_only_to_those_who_need_them() {
    use treem_storage::HealthLog;
    each_backend(|label, db| async move {
        let o = officer();
        let sp01 = db.villages(&o).await.unwrap().iter().find(|v| v.code == "SP01").unwrap().id;
        let a = db.create_child(&o, &child("Giàng A Páo", "SP01")).await.unwrap().id;
        let b = db.create_child(&o, &child("Đặng Văn Đức", "SP02")).await.unwrap().id;
        let health = actor(Role::Health, None);
        let d = jiff::civil::date(2026, 3, 1);
        let events = vec![
            ("vaccination".to_string(), Some(a), d, serde_json::json!({"vaccine": "bcg", "dose": 1})),
            ("vaccination".to_string(), Some(b), d, serde_json::json!({"vaccine": "bcg", "dose": 1})),
            ("measurement".to_string(), Some(a), d, serde_json::json!({"weight_kg": 10.5, "measure": "lying"})),
            ("hiv".to_string(), None, d, serde_json::json!({"period_start": "2026-01-01", "period_end": "2026-03-01", "infants_born_to_hiv_positive_mothers": 2, "infants_infected": 0})),
        ];
        let events = typed_events(&events);
        db.add_health_events(&health, &events).await.unwrap();
        assert!(matches!(db.add_health_events(&actor(Role::VillageHead, Some(sp01)), &events).await, Err(StorageError::Forbidden)));
        assert_eq!(db.health_events(&health, &["vaccination", "measurement", "hiv"], None, None, None).await.unwrap().len(), 4, "{label}");
        // The packed form for the figures carries the same rows, the child-less one as null.
        let packed = db.health_events_packed(&health, &["vaccination", "measurement", "hiv"], Some(d)).await.unwrap();
        let rows: Vec<(i64, String, Option<i64>, String, serde_json::Value)> = serde_json::from_str(&packed).unwrap();
        assert_eq!(rows.len(), 4, "{label}");
        assert!(rows.iter().any(|r| r.1 == "hiv" && r.2.is_none() && r.4["infants_infected"] == 0));
        assert!(matches!(db.health_events_packed(&head_for(sp01), &["vaccination"], None).await, Err(StorageError::Forbidden)));
        let head = actor(Role::VillageHead, Some(sp01));
        let seen = db.health_events(&head, &["vaccination"], None, None, None).await.unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].child_id, Some(a));
        for (role, kind) in [(Role::VillageHead, "measurement"), (Role::Leader, "hiv"), (Role::Police, "vaccination"), (Role::Province, "birth"), (Role::Admin, "death")] {
            assert!(matches!(db.health_events(&actor(role, Some(sp01)), &[kind], None, None, None).await, Err(StorageError::Forbidden)), "{role} {kind}");
        }
        assert!(matches!(
            db.add_health_events(&health, &typed_events(&[("death".to_string(), Some(999_999), d, serde_json::json!({"cause": "illness"}))])).await,
            Err(StorageError::Invalid(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn a_death_closes_the_childs_entry_in_the_same_transaction_as_the_event() {
    use treem_storage::{AuditLog, HealthLog};
    each_backend(|label, db| async move {
        let o = officer();
        let a = db
            .create_child(&o, &child("Giàng A Páo", "SP01"))
            .await
            .unwrap();
        let health = actor(Role::Health, None);
        let died = jiff::civil::date(2026, 3, 1);
        let death = |c: i64, d| {
            (
                "death".to_string(),
                Some(c),
                d,
                serde_json::json!({"cause": "illness"}),
            )
        };
        // A batch with a death and an event for no such child: nothing is stored, and the
        // register does not learn of a death whose record was refused.
        assert!(matches!(
            db.add_health_events(
                &health,
                &typed_events(&[death(a.id, died), death(999_999, died)])
            )
            .await,
            Err(StorageError::Invalid(_))
        ));
        let same = db.child(&o, a.id).await.unwrap();
        assert_eq!(
            (same.version, same.data.died_on),
            (a.version, None),
            "{label}"
        );
        assert!(db
            .health_events(&health, &["death"], None, None, None)
            .await
            .unwrap()
            .is_empty());
        // Stored through the health log alone, the death reaches the register.
        db.add_health_events(&health, &typed_events(&[death(a.id, died)]))
            .await
            .unwrap();
        let after = db.child(&o, a.id).await.unwrap();
        assert_eq!(after.data.died_on, Some(died), "{label}");
        assert_eq!(after.version, a.version + 1, "{label}");
        assert!(!after.data.present_on(died));
        // A second report of the same death does not move the date or write a version.
        db.add_health_events(
            &health,
            &typed_events(&[death(a.id, jiff::civil::date(2026, 3, 5))]),
        )
        .await
        .unwrap();
        let again = db.child(&o, a.id).await.unwrap();
        assert_eq!(
            (again.version, again.data.died_on),
            (after.version, Some(died)),
            "{label}"
        );
        // The new version is sealed with the event: the check finds nothing wrong.
        let report = db.check().await.unwrap();
        assert!(report.ok(), "{label}: {:?}", report.problems);
    })
    .await;
}

#[tokio::test]
async fn a_big_import_rebuilds_the_indexes_and_keeps_everything_searchable() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("big.db").to_string_lossy().to_string();
    let db = seeded(&url).await;
    let o = officer();
    // Above the size where SQLite's indexes are dropped and rebuilt around the load.
    let rows: Vec<_> = (0..50_000)
        .map(|i| {
            child(
                &format!("Giàng A Số {i}"),
                if i % 2 == 0 { "SP01" } else { "SP02" },
            )
        })
        .collect();
    assert_eq!(db.import_children(&o, rows.clone()).await.unwrap(), 50_000);
    use treem_storage::AuditLog;
    // The figures' copies written with the load say what the records say ...
    assert!(db.check().await.unwrap().ok());
    // ... and the copying trigger set aside for it is back: a child added now has its copy.
    db.create_child(&o, &child("Sùng A Mới", "SP01"))
        .await
        .unwrap();
    assert!(db.check().await.unwrap().ok());
    let sp02 = db
        .search_children(
            &o,
            &ChildQuery {
                village: Some("SP02".into()),
                page: 1,
                per_page: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .total;
    assert_eq!(sp02, 25_000);
    assert_eq!(
        db.search_children(&o, &q("giang a so 4999"))
            .await
            .unwrap()
            .total,
        11
    );
    // The indexes are back: as many as a fresh database of the same schema has.
    let fresh = Db::open(dir.path().join("fresh.db").to_str().unwrap())
        .await
        .unwrap();
    let count = |d: Db| async move {
        d.raw_execute(
            "CREATE TABLE ix_count AS SELECT name FROM sqlite_master WHERE type = 'index'",
        )
        .await
        .unwrap();
        d.raw_execute("DELETE FROM ix_count").await.unwrap()
    };
    assert_eq!(
        count(db.clone()).await,
        count(fresh).await,
        "same number of indexes after the rebuild"
    );
}

/// The figures read narrow copies of the register and the health events (migration 0005), kept
/// by the database's triggers: whatever writes the records, the copies say what they say.
#[tokio::test]
async fn figure_copies_follow_every_write_and_every_restore() {
    use treem_domain::indicator::ChildFacts;
    use treem_storage::HealthLog;
    each_backend(|label, db| async move {
        let o = officer();
        let health = actor(Role::Health, None);
        let d = |s: &str| -> jiff::civil::Date { s.parse().unwrap() };
        // One by one, then changed; in bulk; born at the health station.
        let a = db.create_child(&o, &child("Giàng A Páo", "SP01")).await.unwrap();
        let mut changed = a.data.clone();
        changed.school_level = Some("mau_giao".into());
        changed.ethnicity = Some(17);
        changed.circumstances = vec![treem_domain::circumstance::Circumstance {
            code: "a".into(),
            from: d("2025-01-01"),
            to: Some(d("2026-02-01")),
        }];
        db.update_child(&o, a.id, 1, &changed).await.unwrap();
        let rows: Vec<_> = (0..20)
            .map(|i| child(&format!("Trẻ số {i}"), if i % 2 == 0 { "SP01" } else { "SP02" }))
            .collect();
        db.import_children(&o, rows).await.unwrap();
        let mut newborn = child("Sùng A Lử", "SP02");
        newborn.date_of_birth = Some(d("2026-02-01"));
        let b = db
            .record_birth(&health, &newborn, &newborn_birth(serde_json::json!({"live": true, "place": "hospital", "weight_g": 3000})))
            .await
            .unwrap()
            .id;
        let vacc = |c: i64, on: &str, dose: u8| {
            ("vaccination".to_string(), Some(c), d(on), serde_json::json!({"vaccine": "OPV", "dose": dose}))
        };
        let events = vec![
            vacc(a.id, "2026-03-01", 1),
            vacc(b, "2026-03-01", 1),
            vacc(a.id, "2026-04-01", 2),
            ("measurement".to_string(), Some(a.id), d("2026-03-02"), serde_json::json!({"measure": "lying", "weight_kg": 10.5, "z_wfa": -2.5, "flags": []})),
            vacc(a.id, "2026-05-01", 3),
            ("hiv".to_string(), None, d("2026-06-30"), serde_json::json!({"period_start": "2026-01-01", "period_end": "2026-06-30", "infants_born_to_hiv_positive_mothers": 2, "infants_infected": 0})),
        ];
        db.add_health_events(&health, &typed_events(&events)).await.unwrap();
        // Corrections made in the database itself: a vaccination moved to another child, one
        // removed. (The seals report these edits — see `tamper.rs`; here only the copies count.)
        let ids: Vec<i64> = db
            .health_events(&health, &["vaccination"], Some(a.id), None, None)
            .await
            .unwrap()
            .iter()
            .map(|e| e.id)
            .collect();
        db.raw_execute(&format!("UPDATE health_event SET child_id = {b} WHERE id = {}", ids[1]))
            .await
            .unwrap();
        db.raw_execute(&format!("DELETE FROM health_event WHERE id = {}", ids[2]))
            .await
            .unwrap();

        let (o, health) = (&o, &health);
        let same_as_records = |db: Db, label: String| async move {
            let facts = db.register_for_figures(o, treem_domain::indicator::Known::Now).await.unwrap();
            let full = db.children_as_of(o, today()).await.unwrap();
            let expected: Vec<ChildFacts> = full.iter().map(ChildFacts::of).collect();
            assert_eq!(facts, expected, "{label}");
            assert_eq!(expected.len(), 22, "{label}");
            // The vaccinations as the full events give them, child by child in recorded order.
            let mut events = db.health_events(health, &["vaccination"], None, None, None).await.unwrap();
            events.sort_by_key(|e| (e.child_id, e.id));
            let expected: Vec<(i64, u64, String)> = events
                .iter()
                .map(|e| (e.child_id.unwrap(), e.data["dose"].as_u64().unwrap(), e.date.clone()))
                .collect();
            let h = db.health_records(health, None, treem_domain::indicator::Known::Now).await.unwrap();
            let got: Vec<(i64, u64, String)> = h
                .vaccinations
                .iter()
                .map(|v| (v.child_id, u64::from(v.dose), v.date.to_string()))
                .collect();
            assert_eq!(got, expected, "{label}");
            assert_eq!(
                got,
                vec![
                    (a.id, 1, "2026-03-01".to_string()),
                    (b, 1, "2026-03-01".to_string()),
                    (b, 2, "2026-04-01".to_string()),
                ],
                "{label}"
            );
            assert_eq!(h.births.iter().map(|x| x.child_id).collect::<Vec<_>>(), vec![b], "{label}");
            assert_eq!((h.measurements.len(), h.hiv.len()), (1, 1), "{label}");
            assert!(copy_problems(&db).await.is_empty(), "{label}");
            h
        };
        let before = same_as_records(db.clone(), label.to_string()).await;

        // A restore into either backend rebuilds the copies from the records it writes.
        let mut out = Vec::new();
        db.export(&mut out, &|_| {}).await.unwrap();
        for (target, url, _dir) in databases().await {
            let copy = Db::open(&url).await.unwrap();
            copy.import_all(&mut &out[..], &|_| {}).await.unwrap();
            let after = same_as_records(copy.clone(), format!("{label} → {target}")).await;
            assert_eq!(after, before, "{label} → {target}");
            copy.close().await;
        }

        // A copy lost behind the triggers' back is found, and built again.
        db.raw_execute(&format!("DELETE FROM child_fact WHERE child_id = {}", a.id)).await.unwrap();
        db.raw_execute(&format!("DELETE FROM health_pack WHERE child_id = {b}")).await.unwrap();
        let problems = copy_problems(&db).await;
        assert_eq!(problems.len(), 2, "{label}: {problems:?}");
        assert!(problems[0].contains(&format!("trẻ {}, phiên bản 1", a.id)), "{label}: {problems:?}");
        assert!(problems[1].contains(&format!("trẻ {b}, vaccination")), "{label}: {problems:?}");
        db.rebuild_copies().await.unwrap();
        assert!(copy_problems(&db).await.is_empty(), "{label}");
        assert_eq!(db.health_records(health, None, treem_domain::indicator::Known::Now).await.unwrap(), before, "{label}");
    })
    .await;
}

/// What `check` finds wrong with the figures' copies.
async fn copy_problems(db: &Db) -> Vec<String> {
    let mut problems = db.check().await.unwrap().problems;
    problems.retain(|p| p.contains("bản sao cho số liệu"));
    problems
}

/// A pack appended out of id order (an event written with an explicit lower id, or two
/// PostgreSQL writers racing) is read back in the order the events were recorded.
#[tokio::test]
async fn health_packs_are_read_in_recorded_order_whatever_the_append_order() {
    use treem_storage::HealthLog;
    each_backend(|label, db| async move {
        let a = db.create_child(&officer(), &child("Giàng A Páo", "SP01")).await.unwrap().id;
        let health = actor(Role::Health, None);
        let vacc = |dose: u8| {
            ("vaccination".to_string(), Some(a), today(), serde_json::json!({"vaccine": "OPV", "dose": dose}))
        };
        db.add_health_events(&health, &typed_events(&[vacc(1), vacc(2)])).await.unwrap();
        // Id 0 is below every id the database gives: appended last, recorded first.
        db.raw_execute(&format!(
            "INSERT INTO health_event (id, kind, child_id, village_id, date, data, recorded_by, recorded_at) \
             VALUES (0, 'vaccination', {a}, NULL, '{}', '{{\"dose\":9,\"vaccine\":\"OPV\"}}', 0, 'x')",
            today()
        ))
        .await
        .unwrap();
        let h = db.health_records(&health, None, treem_domain::indicator::Known::Now).await.unwrap();
        let doses: Vec<u8> = h.vaccinations.iter().map(|v| v.dose).collect();
        assert_eq!(doses, vec![9, 1, 2], "{label}");
    })
    .await;
}

/// A large register is read a slice of ids at a time (`treem demo` at a million children):
/// the slices, put together, are the register as of the day, each child once, each slice only
/// its own ids, in the reader's scope.
#[tokio::test]
async fn the_register_read_in_slices_is_the_register_read_whole() {
    each_backend(|label, db| async move {
        let o = officer();
        let rows: Vec<_> = (0..23)
            .map(|i| {
                child(
                    &format!("Giàng A Lát{i}"),
                    if i % 4 == 0 { "SP02" } else { "SP01" },
                )
            })
            .collect();
        db.import_children(&o, rows).await.unwrap();
        let day = today();
        let whole = db.children_as_of(&o, day).await.unwrap();
        let last = db.last_child_id().await.unwrap();
        assert_eq!(last, whole.iter().map(|c| c.id).max().unwrap(), "{label}");
        let mut pieced = Vec::new();
        for after in (0..last).step_by(5) {
            let slice = db
                .children_as_of_slice(&o, day, (after, after + 5))
                .await
                .unwrap();
            assert!(
                slice.iter().all(|c| c.id > after && c.id <= after + 5),
                "{label}"
            );
            pieced.extend(slice);
        }
        assert_eq!(pieced, whole, "{label}");
        // A village head's slices hold their village's children only.
        let sp01 = village_id(&db, "SP01").await;
        let head = actor(Role::VillageHead, Some(sp01));
        let theirs = db
            .children_as_of_slice(&head, day, (0, last))
            .await
            .unwrap();
        assert_eq!(theirs.len(), 17, "{label}");
        assert!(theirs.iter().all(|c| c.data.village == "SP01"), "{label}");
    })
    .await;
}
