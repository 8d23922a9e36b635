//! The demo's hazard sites with a year of inspections, and the plan year's budget with its
//! spendings (issue 17, items 9 and 10): deterministic from the seed.
use super::Draw;
use anyhow::Result;
use jiff::civil::Date;
use treem_domain::budget::{FundingSource, NewBudgetLine, NewSpending};
use treem_domain::hazard::map::VillagePositions;
use treem_domain::hazard::{HazardKind, HazardStatus, Measure, NewHazard, NewInspection, Position};
use treem_storage::{Actor, BudgetLog, Db, HazardLog, Register, Role};

/// About forty sites across the villages, each inspected once or twice this year.
pub(super) async fn seed_hazards(db: &Db, seed: u64, today: Date) -> Result<()> {
    let services = Actor {
        role: Role::Services,
        username: "services".into(),
        ..Actor::system()
    };
    let villages = db.villages(&Actor::system()).await?;
    let positions = VillagePositions::embedded();
    let mut d = Draw::new(17_009, seed);
    let names = [
        (HazardKind::Pond, "Ao cá cạnh nhà văn hóa"),
        (HazardKind::River, "Bến suối đầu bản"),
        (HazardKind::Cliff, "Taluy đường lên nương"),
        (HazardKind::Road, "Khúc cua đường liên thôn"),
        (HazardKind::OpenWell, "Giếng đào không nắp"),
        (HazardKind::Electricity, "Cột điện hạ thế cạnh trường"),
    ];
    let year_start = jiff::civil::date(today.year(), 1, 1);
    let days = (today - year_start).get_days().max(1) as u64;
    for n in 0..40u64 {
        let v = &villages[(d.next() % villages.len() as u64) as usize];
        let Some(centre) = positions.of(&v.code) else {
            continue;
        };
        let (kind, name) = names[(d.next() % names.len() as u64) as usize];
        // Within about a kilometre of the village's centre.
        let position = Position {
            lat_e6: centre.lat_e6 + (d.normal(0.0, 3_500.0) as i64),
            lon_e6: centre.lon_e6 + (d.normal(0.0, 3_500.0) as i64),
        };
        let measures: Vec<Measure> = Measure::ALL
            .into_iter()
            .filter(|m| match (kind, m) {
                (HazardKind::OpenWell, Measure::Cover) => d.unit() < 0.5,
                (_, Measure::Cover) => false,
                _ => d.unit() < 0.4,
            })
            .collect();
        let site = NewHazard {
            village_id: v.id,
            kind,
            name: format!("{name} ({})", n + 1),
            position,
            measures,
            note: String::new(),
        };
        let id = db.add_hazard(&services, &site, None).await?.id;
        let first = year_start + jiff::Span::new().days((d.next() % days) as i64);
        db.inspect_hazard(
            &services,
            id,
            &NewInspection {
                date: first,
                finding: "Kiểm tra định kỳ: chưa có rào chắn, biển báo đầy đủ".into(),
                status: HazardStatus::Open,
            },
            None,
        )
        .await?;
        if d.unit() < 0.55 {
            let left = (today - first).get_days().max(0) as u64;
            let second = first + jiff::Span::new().days((d.next() % (left + 1)) as i64);
            db.inspect_hazard(
                &services,
                id,
                &NewInspection {
                    date: second,
                    finding: "Đã làm rào chắn và cắm biển báo".into(),
                    status: HazardStatus::Fixed,
                },
                None,
            )
            .await?;
        }
    }
    Ok(())
}

/// The plan year's budget lines (section IV's sources) and their spendings to date.
pub(super) async fn seed_budget(db: &Db, seed: u64, today: Date) -> Result<()> {
    let economic = Actor {
        role: Role::Economic,
        username: "economic".into(),
        ..Actor::system()
    };
    use FundingSource::*;
    let lines = [
        (StateBudget, "Tháng hành động vì trẻ em", 15_000_000),
        (StateBudget, "Tập huấn kỹ năng bảo vệ trẻ em", 12_000_000),
        (
            NationalProgramme,
            "Truyền thông phòng, chống tai nạn, thương tích",
            20_000_000,
        ),
        (
            NationalProgramme,
            "Hỗ trợ trẻ em có hoàn cảnh đặc biệt",
            45_000_000,
        ),
        (Mobilised, "Tết Trung thu cho trẻ em", 18_000_000),
        (Mobilised, "Tháng hành động vì trẻ em", 6_000_000),
        (ChildFund, "Hỗ trợ trẻ em có hoàn cảnh đặc biệt", 25_000_000),
        (ChildFund, "Rào chắn, biển báo điểm nguy cơ", 10_000_000),
    ];
    let mut d = Draw::new(17_010, seed);
    let year_start = jiff::civil::date(today.year(), 1, 1);
    let days = (today - year_start).get_days().max(1) as u64;
    for (source, activity, planned) in lines {
        let line = NewBudgetLine {
            year: today.year(),
            source,
            activity: activity.into(),
            planned,
        };
        let id = db.add_budget_line(&economic, &line, None).await?.id;
        // Two to four spendings, together up to about the planned amount.
        let n = 2 + d.next() % 3;
        let share = 0.6 + 0.4 * d.unit();
        for _ in 0..n {
            let amount = ((planned as f64 * share / n as f64) / 1000.0).round() as i64 * 1000;
            let date = year_start + jiff::Span::new().days((d.next() % days) as i64);
            db.add_spending(
                &economic,
                id,
                &NewSpending {
                    date,
                    amount,
                    note: format!("Chi {}", activity.to_lowercase()),
                },
                None,
            )
            .await?;
        }
    }
    Ok(())
}
