//! The demo's child-friendly commune self-assessment for the plan year (target 1), and a few
//! personal IDs typed with a slip (the sex digit), so the national database's clean-up list
//! (`/national-db`) has malformed IDs beside the missing ones.
use anyhow::Result;
use jiff::civil::Date;
use treem_domain::personal_id::PersonalId;
use treem_domain::self_assessment::{Scorecard, SelfAssessment, TypedScore};
use treem_storage::{Actor, Db, Register, SelfAssessments};

/// Scores for criteria 1..=13: 855 points, none 0 (met at ≥ 800).
const SCORES: [u32; 13] = [90, 70, 65, 65, 60, 110, 50, 60, 55, 55, 60, 55, 60];

/// How many records get a slip in their ID: one in `EVERY` of those with an ID, at most `MAX`.
const EVERY: usize = 300;
const MAX: usize = 15;

pub(super) async fn seed_assessment(db: &Db, year: i16, today: Date) -> Result<()> {
    let officer = Actor {
        username: "officer".into(),
        ..Actor::system()
    };
    let day = jiff::civil::date(year, 11, 15).min(today);
    if day.year() == year {
        let card = Scorecard::default();
        let typed: Vec<TypedScore> = SCORES
            .iter()
            .enumerate()
            .map(|(i, s)| TypedScore {
                criterion: i as u8 + 1,
                score: s.to_string(),
                evidence: format!(
                    "Biên bản họp đánh giá ngày {}; số liệu tiêu chí {} (dữ liệu mẫu)",
                    treem_domain::date::format_vi(day),
                    i + 1
                ),
            })
            .collect();
        let a = SelfAssessment::parse(&card, year, &day.to_string(), &typed, today)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let outcome = card.outcome(&a.scores);
        db.put_self_assessment(&officer, &a, &outcome, &[1]).await?;
    }
    // Slips: the sex digit of a few IDs turned (2 ↔ 3), as typed wrong from a paper.
    let mut picked = Vec::new();
    let mut with_id = 0;
    'read: for ids in super::slices(db).await? {
        for c in db
            .children_as_of_slice(&Actor::system(), today, ids)
            .await?
        {
            if c.data.personal_id.is_none() {
                continue;
            }
            if with_id % EVERY == 0 {
                picked.push(c);
                if picked.len() == MAX {
                    break 'read;
                }
            }
            with_id += 1;
        }
    }
    for c in &picked {
        let Some(id) = &c.data.personal_id else {
            continue;
        };
        let mut digits: Vec<char> = id.as_str().chars().collect();
        digits[3] = match digits[3] {
            '2' => '3',
            '3' => '2',
            d => d,
        };
        let slipped: String = digits.into_iter().collect();
        let Ok(slipped) = PersonalId::parse(&slipped) else {
            continue;
        };
        let mut d = c.data.clone();
        d.personal_id = Some(slipped);
        // An ID already another child's stays as it was.
        let _ = db.update_child(&officer, c.id, c.version, &d).await;
    }
    Ok(())
}
