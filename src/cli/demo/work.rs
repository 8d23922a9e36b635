//! A year of the plan's work in the sample commune (issue 17): supports with their value,
//! funding and giver — a Tết gift list and a school-year list, each entered in one go — two
//! disasters with the children affected and the help each got, the child marriages of this
//! year and last, and the disability follow-up of children of group d. Deterministic from the
//! seed; only what is dated up to today. Targets 14, 17 and 18 show figures computed from it.
use anyhow::Result;
use jiff::civil::{date, Date};
use treem_domain::register::Child;
use treem_domain::work::{
    NewDisabilityRecord, NewDisaster, NewDistribution, NewMarriage, ReliefEntry, MAX_DISTRIBUTION,
};
use treem_storage::{Actor, Db, Register, WorkLog};

fn mix(id: i64, seed: u64, salt: u64) -> u64 {
    (id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ seed.rotate_left(salt as u32) ^ salt
}

fn age_on(c: &Child, on: Date) -> Option<i16> {
    let dob = c.data.date_of_birth?;
    let mut a = on.year() - dob.year();
    if (on.month(), on.day()) < (dob.month(), dob.day()) {
        a -= 1;
    }
    Some(a)
}

/// Children struck by each disaster, and followed up for disability, at most.
const STRUCK: usize = 40;
const TET_LIST: usize = 300;

/// What the year's work needs of the register, read a slice at a time.
#[derive(Default)]
struct Found {
    villages: std::collections::BTreeSet<String>,
    /// The Tết gift list: children under 16 in special circumstances or drawn, the first 300.
    tet: Vec<i64>,
    /// The school list: children 6-15 in special circumstances.
    school: Vec<i64>,
    /// For each disaster, by village, the children it may have struck (the first of each).
    struck: [std::collections::BTreeMap<String, Vec<i64>>; 2],
    /// Children of group d for the disability follow-up.
    disability: Vec<i64>,
}

impl Found {
    async fn read(
        db: &Db,
        seed: u64,
        today: Date,
        disasters: &[(Date, &str, usize, usize); 2],
    ) -> Result<Found> {
        let year = today.year();
        let (tet, school) = (date(year, 2, 10), date(year, 9, 5));
        let follow_up = date(year, 4, 20).min(today);
        let mut f = Found::default();
        for ids in super::slices(db).await? {
            for c in db
                .children_as_of_slice(&Actor::system(), today, ids)
                .await?
            {
                f.villages.insert(c.data.village.clone());
                if f.tet.len() < TET_LIST
                    && age_on(&c, tet).is_some_and(|a| (0..16).contains(&a))
                    && (c.data.circumstances.iter().any(|x| x.active_on(tet))
                        || (mix(c.id, seed, 3) >> 20).is_multiple_of(12))
                {
                    f.tet.push(c.id);
                }
                if age_on(&c, school).is_some_and(|a| (6..16).contains(&a))
                    && c.data.circumstances.iter().any(|x| x.active_on(school))
                {
                    f.school.push(c.id);
                }
                for (k, (day, ..)) in disasters.iter().enumerate() {
                    let list = f.struck[k].entry(c.data.village.clone()).or_default();
                    if list.len() < STRUCK
                        && age_on(&c, *day).is_some_and(|a| (0..16).contains(&a))
                        && (mix(c.id, seed, 11 + k as u64) >> 20).is_multiple_of(6)
                    {
                        list.push(c.id);
                    }
                }
                if f.disability.len() < STRUCK
                    && NewDisabilityRecord::applies(&c.data.circumstances, follow_up)
                {
                    f.disability.push(c.id);
                }
            }
        }
        Ok(f)
    }
}

pub(super) async fn seed_work(db: &Db, seed: u64, today: Date) -> Result<()> {
    let officer = Actor {
        role: treem_storage::Role::Officer,
        username: "officer".into(),
        ..Actor::system()
    };
    let year = today.year();
    // Two disasters: a cold spell in January in one village, a flash flood in July in two.
    let disasters: [(Date, &str, usize, usize); 2] = [
        (date(year, 1, 12), "cold_spell", 0, 1),
        (date(year, 7, 18), "flood", 1, 2),
    ];
    let found = Found::read(db, seed, today, &disasters).await?;
    let villages: Vec<String> = found.villages.iter().cloned().collect();
    // Tết gifts (before the Lunar New Year): every child in special circumstances and the
    // youngest of the poorest villages, about 300, from the Child Protection Fund.
    let tet = date(year, 2, 10);
    if tet <= today {
        let ids = &found.tet;
        if !ids.is_empty() {
            let list = NewDistribution::parse(
                &format!("Quà Tết Nguyên đán {year}"),
                &tet.to_string(),
                "food_and_gifts",
                "300.000",
                "child_fund",
                "UBND xã và Quỹ Bảo trợ trẻ em huyện",
                ids,
                year,
                today,
            )
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            db.give_distribution(&officer, &list, None).await?;
        }
    }
    // School materials at the start of the school year: children 6-15 in special circumstances.
    let school = date(year, 9, 5);
    if school <= today {
        let ids = &found.school;
        // A list holds at most MAX_DISTRIBUTION children: a large register gives one list per
        // batch (đợt), as an officer would enter them.
        let batches: Vec<&[i64]> = ids.chunks(MAX_DISTRIBUTION).collect();
        for (k, ids) in batches.iter().enumerate() {
            let batch = if batches.len() > 1 {
                format!(" (đợt {})", k + 1)
            } else {
                String::new()
            };
            let list = NewDistribution::parse(
                &format!(
                    "Sách vở, đồ dùng học tập năm học {year}-{}{batch}",
                    year + 1
                ),
                &school.to_string(),
                "school_costs",
                "250.000",
                "contributions",
                "Hội Khuyến học xã",
                ids,
                year,
                today,
            )
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            db.give_distribution(&officer, &list, None).await?;
        }
    }
    for (k, (day, kind, first, n)) in disasters.into_iter().enumerate() {
        if day > today || villages.len() < first + n {
            continue;
        }
        let struck: Vec<String> = villages[first..first + n].to_vec();
        let mut affected: Vec<i64> = struck
            .iter()
            .flat_map(|v| found.struck[k].get(v).into_iter().flatten().copied())
            .collect();
        affected.sort_unstable();
        affected.truncate(STRUCK);
        let d = NewDisaster::parse(
            &day.to_string(),
            kind,
            &struck,
            if kind == "flood" {
                "Lũ quét sau mưa lớn, nhiều nhà bị ngập, trôi tài sản"
            } else {
                "Rét đậm, rét hại kéo dài, nhiệt độ dưới 5 độ"
            },
            year,
            today,
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        let stored = db.record_disaster(&officer, &d, &affected, None).await?;
        // Most helped within 1-4 days; one in ten after two weeks; one in twenty not yet.
        let mut relief = Vec::new();
        for id in &affected {
            let h = mix(*id, seed, 21 + k as u64) >> 20;
            let late = if h.is_multiple_of(10) {
                15
            } else {
                1 + (h % 4) as i64
            };
            let on = day.checked_add(jiff::Span::new().days(late))?;
            if h % 20 == 1 || on > today {
                continue;
            }
            let how = if kind == "flood" {
                "Gạo 20 kg, chăn, áo ấm, sách vở"
            } else {
                "Chăn ấm, áo ấm, mũ len"
            };
            relief.push(
                ReliefEntry::parse(*id, &on.to_string(), how, day, today)
                    .map_err(|e| anyhow::anyhow!("{e}"))?,
            );
        }
        db.record_relief(&officer, stored.id, &relief, None).await?;
    }
    // Child marriages: as many last year as the plan's baseline says, fewer this year (and
    // two stopped in time, recorded but not counted).
    let (last_n, this_n) = super::plans::MARRIAGES;
    let mut marriages = Vec::new();
    for i in 0..last_n as u64 {
        marriages.push((
            year - 1,
            date(year - 1, 1 + (i * 4 % 12) as i8, 3 + (i * 5 % 24) as i8),
            false,
        ));
    }
    for i in 0..(this_n as u64 + 2) {
        let d = date(year, 1 + (i * 3 % 11) as i8, 2 + (i * 7 % 25) as i8);
        marriages.push((year, d, i >= this_n as u64));
    }
    for (i, (y, d, prevented)) in marriages.into_iter().enumerate() {
        if d > today || villages.is_empty() {
            continue;
        }
        let h = mix(i as i64, seed, 31);
        let village = &villages[(h % villages.len() as u64) as usize];
        let wife = 15 + (h % 3) as u8;
        let husband = 17 + (h % 6) as u8;
        let m = NewMarriage::parse(
            &d.to_string(),
            village,
            "Mông",
            None,
            &wife.to_string(),
            &husband.to_string(),
            prevented,
            if prevented {
                "Tổ hòa giải và trưởng bản vận động hai gia đình dừng tổ chức cưới"
            } else {
                ""
            },
            y,
            today,
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        db.record_marriage(&officer, &m, None).await?;
    }
    // The disability follow-up of children of group d, once this year each (at most 40).
    let day = date(year, 4, 20).min(today);
    for &id in &found.disability {
        let h = mix(id, seed, 41);
        let (needs, services, devices) = match h % 3 {
            0 => (
                "Phục hồi chức năng vận động",
                "Vật lý trị liệu tại Trạm Y tế xã",
                "Xe lăn",
            ),
            1 => (
                "Hỗ trợ nghe, giao tiếp",
                "Khám chuyên khoa tai mũi họng tuyến huyện",
                "Máy trợ thính",
            ),
            _ => ("Học hòa nhập", "Giáo viên hỗ trợ giáo dục hòa nhập", ""),
        };
        let r = NewDisabilityRecord::parse(&day.to_string(), needs, services, devices, year, today)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        db.record_disability(&officer, id, &r, None).await?;
    }
    Ok(())
}
