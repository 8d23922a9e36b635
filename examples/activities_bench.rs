//! Times the activity lists (issue 17's floor: every new list page at 5,500 children ≤ 100 ms
//! server time): `cargo run --release --example activities_bench -- [N] [DB]`. Makes N children
//! (default 5,500) in 18 villages in DB (default: a new SQLite file in a temporary folder), a
//! year of work (an event every day, a consultation and a club in each village linking about
//! four in five of the children, monthly trainings and meetings) and times what the list pages
//! call, and the targets' activity facts.
use std::time::{Duration, Instant};
use treem_domain::activity::*;
use treem_domain::indicator::Known;
use treem_domain::register::ChildDraft;
use treem_storage::{ActivityLog, Actor, Db, Register};

async fn best<F, Fut, T>(runs: usize, mut f: F) -> (Duration, T)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..runs {
        let t = Instant::now();
        let v = f().await;
        best = best.min(t.elapsed());
        out = Some(v);
    }
    (best, out.unwrap())
}

fn activity(kind: ActivityKind, date: jiff::civil::Date, village_id: Option<i64>) -> NewActivity {
    NewActivity {
        kind,
        date,
        village_id,
        title: "Tuyên truyền phòng chống đuối nước".into(),
        channel: (kind == ActivityKind::Event).then_some(Channel::VillageMeeting),
        occasion: None,
        form: (kind == ActivityKind::Forum).then_some(ForumForm::Consultation),
        level: (kind == ActivityKind::Forum).then_some(ForumLevel::Village),
        audience: Audience {
            girls: 10,
            boys: 12,
            total: 22,
            adults: 30,
            ..Audience::default()
        },
        materials: 20,
        details: "Nội dung".into(),
        agency: "Phòng Văn hóa - Xã hội".into(),
        children: Vec::new(),
        recommendations: Vec::new(),
    }
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("number of children"))
        .unwrap_or(5500);
    let dir = tempfile::tempdir().unwrap();
    let url = std::env::args().nth(2).unwrap_or_else(|| {
        dir.path()
            .join("activities.db")
            .to_string_lossy()
            .to_string()
    });
    let db = Db::open(&url).await.unwrap();
    let o = Actor::system();
    let today = treem_storage::today();
    let mut villages = Vec::new();
    for v in 0..18 {
        villages.push(
            db.create_village(&o, &format!("SP{:02}", v + 1), &format!("Thôn {}", v + 1))
                .await
                .unwrap()
                .id,
        );
    }
    let rows: Vec<_> = (0..n)
        .map(|i| {
            ChildDraft {
                full_name: Some(format!("Giàng Thị Bench {i}")),
                sex: Some(if i % 2 == 0 { "female" } else { "male" }.into()),
                date_of_birth: Some(format!("{}-03-01", 2011 + (i % 15))),
                village: Some(format!("SP{:02}", i % 18 + 1)),
                ..Default::default()
            }
            .parse(today)
            .unwrap()
        })
        .collect();
    let t = Instant::now();
    db.import_children(&o, rows).await.unwrap();
    let ids: Vec<(i64, String)> = db
        .register_for_figures(&o, Known::Now)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.id, c.village.to_string()))
        .collect();
    println!("{n} children in {:?}", t.elapsed());

    let t = Instant::now();
    let start = jiff::civil::date(today.year(), 1, 1);
    let mut day = start;
    let mut count = 0;
    while day <= today {
        let v = villages[count % villages.len()];
        db.add_activity(&o, &activity(ActivityKind::Event, day, Some(v)), None)
            .await
            .unwrap();
        count += 1;
        if day.day() == 15 {
            db.add_activity(&o, &activity(ActivityKind::Training, day, None), None)
                .await
                .unwrap();
            db.add_activity(&o, &activity(ActivityKind::BoardMeeting, day, None), None)
                .await
                .unwrap();
            count += 2;
        }
        day = day.tomorrow().unwrap();
    }
    for (i, v) in villages.iter().enumerate() {
        let code = format!("SP{:02}", i + 1);
        for (k, form) in [ForumForm::Consultation, ForumForm::Club]
            .into_iter()
            .enumerate()
        {
            let mut a = activity(
                ActivityKind::Forum,
                jiff::civil::date(today.year(), 3 + k as i8, 10),
                Some(*v),
            );
            a.form = Some(form);
            a.children = ids
                .iter()
                .filter(|(id, vc)| *vc == code && id % 5 != 0)
                .map(|(id, _)| *id)
                .collect();
            db.add_activity(&o, &a, None).await.unwrap();
            count += 1;
        }
    }
    println!("{count} activities in {:?}", t.elapsed());

    for kind in [
        ActivityKind::Event,
        ActivityKind::Forum,
        ActivityKind::Training,
    ] {
        let (d, rows) = best(5, || db.activities(&o, kind, today.year())).await;
        println!(
            "list {:<14} {:>4} rows: {:>7.2} ms",
            kind.code(),
            rows.unwrap().len(),
            d.as_secs_f64() * 1000.0
        );
    }
    let (d, facts) = best(5, || db.activity_facts(start, today, Known::Now)).await;
    println!(
        "targets 26–29 facts ({} participations): {:.2} ms",
        facts.unwrap().participation.len(),
        d.as_secs_f64() * 1000.0
    );
    let (d, dir) = best(5, || db.directory(&o)).await;
    println!(
        "directory ({} entries): {:.2} ms",
        dir.unwrap().len(),
        d.as_secs_f64() * 1000.0
    );
}
