//! Name search at size (issue 19 item 3): a broad search is counted only up to a bound and says
//! so — "more than" — never showing the bound as the exact figure; below the bound the count
//! is exact; the first page is the same as with an exact count; the register list and the API
//! say it in words and a flag.
use crate::helpers::*;
use crate::pages::page_login;
use treem_domain::limits::SEARCH_TOTAL_BOUND;
use treem_domain::role::Role;
use treem_storage::{ChildQuery, Register};

fn named(q: &str, bound: Option<i64>, page: i64, per_page: i64) -> ChildQuery {
    ChildQuery {
        q: Some(q.into()),
        total_bound: bound,
        page,
        per_page,
        ..Default::default()
    }
}

#[tokio::test]
async fn a_bounded_search_counts_to_the_bound_and_says_there_are_more() {
    for (label, url, _dir) in databases().await {
        let db = seeded(&url).await;
        let o = officer();
        let mut rows = Vec::new();
        for i in 0..12 {
            rows.push(child(&format!("Giàng Thị Số{i:02}"), "SP01"));
        }
        for i in 0..3 {
            rows.push(child(&format!("Sùng A Lẻ{i}"), "SP02"));
        }
        // An alias that shares the prefix: one child, two rows of the index.
        let mut twice = child("Giàng Giàng Hai", "SP01");
        twice.aliases = vec!["Giàng Hai".into()];
        rows.push(twice);
        db.import_children(&o, rows).await.unwrap();
        let scope = actor(Role::Officer, None);

        // Past the bound: "more than", the bound as the figure; the page as the exact one's.
        let exact = db
            .search_children(&scope, &named("giang", None, 1, 4))
            .await
            .unwrap();
        assert_eq!(
            (exact.total, exact.total_is_lower_bound),
            (13, false),
            "{label}"
        );
        let bounded = db
            .search_children(&scope, &named("giang", Some(5), 1, 4))
            .await
            .unwrap();
        assert_eq!(
            (bounded.total, bounded.total_is_lower_bound),
            (5, true),
            "{label}"
        );
        assert_eq!(bounded.items, exact.items, "{label}");
        // At or under the bound: exact, the child with two matching words counted once.
        let few = db
            .search_children(&scope, &named("sung", Some(5), 1, 4))
            .await
            .unwrap();
        assert_eq!((few.total, few.total_is_lower_bound), (3, false), "{label}");
        let at = db
            .search_children(&scope, &named("giang", Some(13), 1, 4))
            .await
            .unwrap();
        assert_eq!((at.total, at.total_is_lower_bound), (13, false), "{label}");
        // A later page counts past itself: the next page is known to exist.
        let third = db
            .search_children(&scope, &named("giang", Some(5), 3, 4))
            .await
            .unwrap();
        assert_eq!(
            (third.total, third.total_is_lower_bound),
            (12, true),
            "{label}"
        );
        let exact3 = db
            .search_children(&scope, &named("giang", None, 3, 4))
            .await
            .unwrap();
        assert_eq!(third.items, exact3.items, "{label}");
        // With another filter (the children table answers): bounded the same way.
        let mut q = named("giang", Some(5), 1, 4);
        q.sex = Some(treem_domain::register::Sex::Female);
        let filtered = db.search_children(&scope, &q).await.unwrap();
        assert_eq!(
            (filtered.total, filtered.total_is_lower_bound),
            (5, true),
            "{label}"
        );
        q.total_bound = Some(50);
        let all = db.search_children(&scope, &q).await.unwrap();
        assert_eq!(
            (all.total, all.total_is_lower_bound),
            (13, false),
            "{label}"
        );
    }
}

#[tokio::test]
async fn the_register_list_says_more_than_the_bound_and_the_api_flags_it() {
    let app = spawn_app().await;
    let rows: Vec<_> = (0..=SEARCH_TOTAL_BOUND)
        .map(|i| child(&format!("Vàng Thị Nhiều{i:03}"), "SP01"))
        .collect();
    app.db.import_children(&officer(), rows).await.unwrap();
    let token = app.token(Role::Officer).await;
    let body: serde_json::Value = app
        .http
        .get(app.url("/api/v1/children?q=vang"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["total"], SEARCH_TOTAL_BOUND, "{body}");
    assert_eq!(body["total_is_lower_bound"], true, "{body}");
    let body: serde_json::Value = app
        .http
        .get(app.url("/api/v1/children?q=nhieu000"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            body["total"].as_i64(),
            body["total_is_lower_bound"].as_bool()
        ),
        (Some(1), Some(false))
    );
    let page = page_login(&app, "officer", "password-officer").await;
    let html = page
        .get(&app, "/children?q=vang")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&format!("hơn {SEARCH_TOTAL_BOUND} trẻ")),
        "{html}"
    );
    assert!(html.contains("page=2"), "a next page: {html}");
}
