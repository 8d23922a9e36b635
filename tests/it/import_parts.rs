//! A large file's import written a part at a time (`treem import children`): the children are
//! built again from the file's cells as the write reaches them, rather than held all at once
//! (two million rows held as children took the command past 1 GB). On each backend: what is
//! written is what the check counted, the search index spans the parts, and a refusal in a late
//! part leaves nothing written and names the file's line.
use crate::helpers::*;
use treem_domain::import::{ChildParts, RowsToWrite};
use treem_domain::register::HouseholdData;
use treem_storage::{AuditLog, ChildQuery, Db, Register, StorageError};
use treem_web::import::{check_file, check_file_in_parts, read_table, storage_problem};

/// 40 children of SP01 with a blank line after the tenth, every fourth in a household (the
/// 31st alone in SP01-0002), and «Chinh» as the alias of the 3rd and the 38th only: a pair of
/// words whose two children fall in different parts.
fn file() -> Vec<u8> {
    let mut csv = String::from("Họ và tên,Giới tính,Ngày sinh,Mã thôn,Mã hộ,Tên gọi khác\n");
    let family = ["Giàng", "Thào", "Sùng"];
    let given = ["Páo", "Dơ", "Sử", "Mai", "Chở"];
    for i in 0..40usize {
        if i == 10 {
            csv.push_str(",,,,,\n");
        }
        let household = match i {
            30 => "SP01-0002",
            i if i % 4 == 0 => ["SP01-0001", "SP01-0003"][i % 8 / 4],
            _ => "",
        };
        let alias = if i == 2 || i == 37 { "Chinh" } else { "" };
        csv.push_str(&format!(
            "{} {} {} {i},{},{:02}/0{}/2018,SP01,{household},{alias}\n",
            family[i % 3],
            if i % 2 == 0 { "A" } else { "Thị" },
            given[i % 5],
            if i % 2 == 0 { "nam" } else { "nữ" },
            i % 28 + 1,
            i % 9 + 1,
        ));
    }
    csv.into_bytes()
}

async fn households(db: &Db) -> Vec<i64> {
    let mut ids = Vec::new();
    for k in 1..=3 {
        let h = HouseholdData {
            village: "SP01".into(),
            code: Some(format!("SP01-000{k}")),
            head_name: format!("Giàng A Chu {k}"),
            address: None,
            poverty: vec![],
        };
        ids.push(db.create_household(&officer(), &h).await.unwrap().id);
    }
    ids
}

/// The ids of the register's children, ascending.
async fn ids(db: &Db) -> Vec<i64> {
    let mut ids: Vec<i64> = db
        .search_children(
            &officer(),
            &ChildQuery {
                page: 1,
                per_page: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items
        .iter()
        .map(|c| c.id)
        .collect();
    ids.sort_unstable();
    ids
}

async fn total(db: &Db, words: &str) -> i64 {
    db.search_children(
        &officer(),
        &ChildQuery {
            q: Some(words.into()),
            page: 1,
            per_page: 50,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .total as i64
}

#[tokio::test]
async fn an_import_in_parts_writes_the_children_the_check_counted_with_one_search_index() {
    each_backend(|label, db| async move {
        let o = officer();
        households(&db).await;
        let villages = db.villages(&o).await.unwrap();
        let entries = db.household_entries(&o).await.unwrap();
        let limits = &treem_domain::limits::IMPORT_CLI;
        let (header, rows) = read_table("f.csv", file(), limits).unwrap();
        let whole = check_file(&header, &rows, &villages, entries.clone(), today());
        assert!(whole.errors.is_empty(), "{label}: {:?}", whole.errors);
        let (report, parts) = check_file_in_parts(&header, rows, &villages, entries, today());
        assert_eq!(report.lines, whole.lines, "{label}");
        // Parts of 7 rows: six parts, the blank line in the second.
        let parts = parts.unwrap().parts_of(7);
        assert_eq!(parts.len(), 40);
        let written = db
            .import_children_in_parts(&o, Box::new(parts))
            .await
            .unwrap();
        assert_eq!(written, 40, "{label}");
        let ids = ids(&db).await;
        assert_eq!(ids.len(), 40, "{label}");
        for (id, expected) in ids.iter().zip(&whole.children) {
            let stored = db.child(&o, *id).await.unwrap();
            assert_eq!(&stored.data, expected, "{label}: child {id}");
        }
        // The search index and its pairs span the parts.
        assert_eq!(total(&db, "giang").await, 14, "{label}");
        assert_eq!(total(&db, "thi chinh").await, 1, "{label}");
        assert_eq!(total(&db, "chinh").await, 2, "{label}");
        assert_eq!(total(&db, "sung a pao").await, 1, "{label}");
        // Copies, index, pairs and the seal of the versions agree with the records.
        let check = db.check().await.unwrap();
        assert!(check.ok(), "{label}: {:?}", check.problems);
    })
    .await;
}

#[tokio::test]
async fn an_import_in_parts_refused_in_its_last_part_writes_nothing_and_names_the_line() {
    each_backend(|label, db| async move {
        let o = officer();
        let households = households(&db).await;
        let villages = db.villages(&o).await.unwrap();
        let entries = db.household_entries(&o).await.unwrap();
        let limits = &treem_domain::limits::IMPORT_CLI;
        let (header, rows) = read_table("f.csv", file(), limits).unwrap();
        let (report, parts) = check_file_in_parts(&header, rows, &villages, entries, today());
        assert!(report.errors.is_empty(), "{label}: {:?}", report.errors);
        // Between the check and the write, SP01-0002 moves to SP02: the 31st child (line 33,
        // in the fifth part) names a household of another village now.
        let moved = db.household(&o, households[1]).await.unwrap();
        let mut data = moved.data.clone();
        data.village = "SP02".into();
        data.code = Some("SP02-0002".into());
        db.update_household(&o, moved.id, moved.version, &data)
            .await
            .unwrap();
        let parts: Box<dyn ChildParts> = Box::new(parts.unwrap().parts_of(7));
        let refused = db.import_children_in_parts(&o, parts).await;
        let Err(StorageError::Invalid(e)) = refused else {
            panic!("{label}: {refused:?}");
        };
        let said = storage_problem(&e, &report.lines);
        assert!(said.starts_with("dòng 33, cột «Mã hộ»"), "{label}: {said}");
        assert!(ids(&db).await.is_empty(), "{label}: nothing written");
        assert_eq!(total(&db, "giang").await, 0, "{label}");
        let check = db.check().await.unwrap();
        assert!(check.ok(), "{label}: {:?}", check.problems);
    })
    .await;
}

/// Without parts set, a file of fewer rows than a part is one part.
#[test]
fn a_file_smaller_than_a_part_is_one_part() {
    let limits = &treem_domain::limits::IMPORT_CLI;
    let (header, rows) = read_table("f.csv", file(), limits).unwrap();
    let (_, parts) = RowsToWrite::check(
        &header,
        rows,
        Default::default(),
        Default::default(),
        today(),
    );
    let mut parts = parts.unwrap();
    // Every row is refused (no village is known), so no child is built: one empty part.
    assert_eq!(parts.next_part().map(|p| p.len()), Some(0));
    assert!(parts.next_part().is_none());
}

/// Parts that give another number of children than they said are refused whole: an import
/// never writes more or fewer children than were checked.
#[tokio::test]
async fn parts_that_give_fewer_children_than_counted_write_nothing() {
    struct Fewer(Option<Vec<treem_domain::register::ChildData>>);
    impl ChildParts for Fewer {
        fn len(&self) -> usize {
            5
        }
        fn next_part(&mut self) -> Option<Vec<treem_domain::register::ChildData>> {
            self.0.take()
        }
        fn names_households(&self) -> bool {
            false
        }
    }
    each_backend(|label, db| async move {
        let rows: Vec<_> = (0..4)
            .map(|i| child(&format!("Giàng A Số {i}"), "SP01"))
            .collect();
        let refused = db
            .import_children_in_parts(&officer(), Box::new(Fewer(Some(rows))))
            .await;
        assert!(
            matches!(&refused, Err(StorageError::Corrupt(m)) if m.contains("đã kiểm tra 5 trẻ nhưng dựng lại 4")),
            "{label}: {refused:?}"
        );
        assert!(ids(&db).await.is_empty(), "{label}: nothing written");
    })
    .await;
}
