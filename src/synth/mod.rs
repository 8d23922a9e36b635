//! A synthetic commune for demonstrations and load tests (dữ liệu mẫu): villages, households
//! and children of a mostly H'Mông highland commune modelled on xã Sính Phình, Điện Biên.
//!
//! Everything is drawn from a small built-in PRNG, so the same `(n_children, seed, today)`
//! always gives the same commune, whatever the batch size. Households are generated one after
//! another, each from its own random stream; personal IDs and insurance numbers come from keyed
//! permutations of counters, so they never repeat (up to a million children per birth year,
//! sex and province of registration).
//!
//! Proportions follow the commune's 2026 plan and the province's statistics: about 85 % H'Mông,
//! 7 % Dao, 5 % Thái, 3 % Kinh; a young age pyramid; 45 % poor and 15 % near-poor households;
//! 4.6 % of children in special circumstances (the plan's 2025 baseline); infant mortality in
//! the twenties per thousand.
mod child;
mod history;
mod names;
mod rng;

pub use history::{go_live, versions, Recorded};

use child::child;
use jiff::civil::Date;
use names::Eth;
use rng::Rng;
use treem_domain::register::{Caregiver, ChildData, HouseholdData, PovertyPeriod, PovertyStatus};

/// A village (thôn/bản) of the sample commune.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthVillage {
    pub code: String,
    pub name: String,
}

/// A whole sample commune.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(not(test), allow(dead_code))]
pub struct SynthCommune {
    pub villages: Vec<SynthVillage>,
    /// `.village` is the village code.
    pub households: Vec<HouseholdData>,
    /// (index into `households`, child). `child.household_id` is `None`; `child.village` is the
    /// household's village code.
    pub children: Vec<(usize, ChildData)>,
}

/// One batch of [`generate_batches`]: the household indices of `children` refer to this batch's
/// `households`. A household is never split across batches.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SynthBatch {
    pub households: Vec<HouseholdData>,
    pub children: Vec<(usize, ChildData)>,
}

/// School catchment (the former communes' centres, each with its boarding schools).
#[derive(Clone, Copy)]
enum Area {
    SinhPhinh,
    TaPhin,
    TrungThu,
}

impl Area {
    fn name(self) -> &'static str {
        match self {
            Area::SinhPhinh => "Sính Phình",
            Area::TaPhin => "Tả Phìn",
            Area::TrungThu => "Trung Thu",
        }
    }
}

struct VillageDef {
    name: &'static str,
    /// "Thôn" in H'Mông areas, "Bản" in Thái ones.
    kind: &'static str,
    area: Area,
    /// Relative share of the households of each group (H'Mông, Dao, Thái, Kinh) living here.
    weights: [f64; 4],
}

const fn v(name: &'static str, kind: &'static str, area: Area, weights: [f64; 4]) -> VillageDef {
    VillageDef {
        name,
        kind,
        area,
        weights,
    }
}

const VILLAGES: [VillageDef; 18] = [
    v("Sính Phình", "Thôn", Area::SinhPhinh, [9.0, 0.5, 3.0, 45.0]),
    v("Làng Vùa", "Thôn", Area::SinhPhinh, [8.0, 0.0, 0.0, 0.0]),
    v("Phình Hồ", "Thôn", Area::SinhPhinh, [7.0, 0.0, 0.0, 0.0]),
    v("Háng Đề Dê", "Thôn", Area::SinhPhinh, [6.0, 0.0, 0.0, 0.0]),
    v("Tả Phìn", "Thôn", Area::TaPhin, [8.0, 0.5, 1.0, 15.0]),
    v("Pàng Dề A", "Thôn", Area::SinhPhinh, [5.0, 0.0, 0.0, 0.0]),
    v("Pàng Dề B", "Thôn", Area::SinhPhinh, [5.0, 0.0, 0.0, 0.0]),
    v("Làng Sáng", "Thôn", Area::SinhPhinh, [6.0, 0.0, 0.0, 0.0]),
    v("Trung Thu", "Thôn", Area::TrungThu, [7.0, 1.0, 1.0, 25.0]),
    v("Đề Dê Hu", "Thôn", Area::TaPhin, [5.0, 0.0, 0.0, 0.0]),
    v("Tả Páng Phình", "Thôn", Area::TaPhin, [5.0, 0.0, 0.0, 0.0]),
    v("Háng Sua", "Thôn", Area::TaPhin, [6.0, 0.0, 0.0, 0.0]),
    v("Tà Là Cáo", "Thôn", Area::TaPhin, [4.0, 18.0, 0.0, 0.0]),
    v("Làng Chếnh", "Thôn", Area::TrungThu, [4.0, 40.0, 0.0, 0.0]),
    v("Hồng Ngài", "Thôn", Area::TrungThu, [3.0, 40.0, 0.0, 0.0]),
    v("Lả Chà", "Thôn", Area::TrungThu, [6.0, 0.0, 0.0, 0.0]),
    v("Nà Hừ", "Bản", Area::SinhPhinh, [0.5, 0.0, 47.0, 8.0]),
    v("Huổi Lóng", "Bản", Area::TrungThu, [0.5, 0.0, 48.0, 7.0]),
];

/// The sample commune's villages, codes "SP01".."SP18".
pub fn villages() -> Vec<SynthVillage> {
    VILLAGES
        .iter()
        .enumerate()
        .map(|(i, d)| SynthVillage {
            code: village_code(i),
            name: format!("{} {}", d.kind, d.name),
        })
        .collect()
}

fn village_code(i: usize) -> String {
    format!("SP{:02}", i + 1)
}

/// Share of children by group (H'Mông, Dao, Thái, Kinh).
const CHILD_SHARE: [f64; 4] = [0.85, 0.07, 0.05, 0.03];
/// Children per household (1..=6) before older ones age out of the register, by group.
const FAMILY_SIZE: [[f64; 6]; 4] = [
    [16.0, 25.0, 25.0, 17.0, 10.0, 7.0],
    [22.0, 33.0, 27.0, 11.0, 5.0, 2.0],
    [25.0, 38.0, 25.0, 9.0, 3.0, 0.0],
    [35.0, 50.0, 15.0, 0.0, 0.0, 0.0],
];
/// Slope of the age density (1 − s·age): more young children than old, a high-fertility pyramid.
const PYRAMID_SLOPE: f64 = 0.024;

/// Places of birth registration outside the commune, by province of the personal ID.
const ELSEWHERE: [(&str, &[(&str, &str)]); 3] = [
    (
        "011",
        &[
            ("UBND xã Sín Chải", "xã Sín Chải"),
            ("UBND xã Tả Sìn Thàng", "xã Tả Sìn Thàng"),
            ("UBND xã Tủa Thàng", "xã Tủa Thàng"),
            ("UBND xã Mường Báng", "xã Mường Báng"),
        ],
    ),
    (
        "012",
        &[
            ("UBND xã Làng Mô, tỉnh Lai Châu", "tỉnh Lai Châu"),
            ("UBND xã Nậm Tăm, tỉnh Lai Châu", "tỉnh Lai Châu"),
            ("UBND xã Tà Tổng, tỉnh Lai Châu", "tỉnh Lai Châu"),
        ],
    ),
    (
        "014",
        &[
            ("UBND xã Chiềng Khoong, tỉnh Sơn La", "tỉnh Sơn La"),
            ("UBND xã Mường Giôn, tỉnh Sơn La", "tỉnh Sơn La"),
            ("UBND xã Co Mạ, tỉnh Sơn La", "tỉnh Sơn La"),
        ],
    ),
];
const HOME_REGISTRATION: &str = "UBND xã Sính Phình";
const DESTINATIONS: &[&str] = &[
    "tỉnh Lai Châu",
    "tỉnh Bắc Ninh",
    "Thành phố Hồ Chí Minh",
    "tỉnh Lào Cai",
    "xã Tủa Chùa",
];

// ---- dates as day numbers (days since 1970-01-01) ----

fn days(d: Date) -> i32 {
    let (y, m, dd) = (d.year() as i32, d.month() as i32, d.day() as i32);
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + dd - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn date(z: i32) -> Date {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i32::from(m <= 2);
    Date::new(y as i16, m as i8, d as i8).expect("valid civil date")
}

fn ymd(y: i32, m: i8, d: i8) -> Date {
    Date::new(y as i16, m, d).expect("valid date")
}

/// Completed years between two dates.
fn age_years(dob: Date, on: Date) -> i32 {
    let mut a = on.year() as i32 - dob.year() as i32;
    if (on.month(), on.day()) < (dob.month(), dob.day()) {
        a -= 1;
    }
    a
}

/// Fixed inputs of one generation run.
struct Ctx {
    seed: u64,
    today: Date,
    t: i32,
    /// Earliest date of birth still under 18 today.
    min_dob: i32,
    /// 1 January of last year: deaths and moves out are recorded from then.
    window: i32,
    /// 1 January two years ago: moves in are recorded from then.
    window_in: i32,
    /// Calendar year in which the current school year began.
    school_year: i32,
    household_weights: [f64; 4],
    /// Per group: how its households spread over the villages.
    village_weights: [[f64; 18]; 4],
    id_key: u64,
    card_key: u64,
}

impl Ctx {
    fn new(seed: u64, today: Date) -> Ctx {
        let y = today.year() as i32;
        let eighteen_ago = Date::new((y - 18) as i16, today.month(), today.day())
            .unwrap_or_else(|_| ymd(y - 18, today.month(), 28));
        let mut household_weights = [0.0; 4];
        for (g, w) in household_weights.iter_mut().enumerate() {
            let total: f64 = FAMILY_SIZE[g].iter().sum();
            let mean: f64 = FAMILY_SIZE[g]
                .iter()
                .enumerate()
                .map(|(i, f)| (i + 1) as f64 * f)
                .sum::<f64>()
                / total;
            *w = CHILD_SHARE[g] / mean;
        }
        Ctx {
            seed,
            today,
            t: days(today),
            min_dob: days(eighteen_ago) + 1,
            window: days(ymd(y - 1, 1, 1)),
            window_in: days(ymd(y - 2, 1, 1)),
            school_year: if today.month() >= 9 { y } else { y - 1 },
            household_weights,
            village_weights: std::array::from_fn(|g| {
                std::array::from_fn(|i| VILLAGES[i].weights[g])
            }),
            id_key: rng::key(seed, 1),
            card_key: rng::key(seed, 2),
        }
    }

    fn household_rng(&self, k: u64) -> Rng {
        Rng::new(rng::key(self.seed, 1000 + k))
    }
}

/// Running counters carried from household to household.
struct State {
    next_household: u64,
    next_child: u64,
    village_seq: [u32; 18],
    /// Per (province of registration, sex, birth year % 100): personal IDs issued so far.
    id_seq: Vec<u32>,
}

/// Who looks after the children of a household.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Care {
    Parents,
    ParentsAndGrandparent,
    Mother,
    Father,
    /// Parents work far away; grandparents raise the children.
    Grandparents,
    /// Both parents dead (group a).
    Orphaned,
    /// Nobody able to raise them (group c).
    NoSupport,
}

struct Family {
    eth: Eth,
    village: usize,
    surname: &'static str,
    care: Care,
    caregivers: Vec<Caregiver>,
    poverty: Vec<PovertyPeriod>,
    poverty_now: Option<PovertyStatus>,
    /// Date from which the children are in group a or c.
    care_event: Option<i32>,
    moved_in: Option<(i32, usize, usize)>,
    moved_out: Option<(i32, &'static str)>,
}

/// Generates the commune in batches of about `batch_children` children (a household is never
/// split), calling `sink` for each. The content is the same as [`generate`]'s.
pub fn generate_batches(
    n_children: usize,
    seed: u64,
    today: Date,
    batch_children: usize,
    sink: &mut dyn FnMut(SynthBatch),
) {
    let ctx = Ctx::new(seed, today);
    let mut st = State {
        next_household: 0,
        next_child: 0,
        village_seq: [0; 18],
        id_seq: vec![0; 3 * 2 * 100],
    };
    let batch_children = batch_children.max(1);
    let mut batch = SynthBatch::default();
    let mut made = 0usize;
    while made < n_children {
        if let Some((h, kids)) = household(&ctx, &mut st, n_children - made) {
            let hi = batch.households.len();
            made += kids.len();
            batch.households.push(h);
            batch.children.extend(kids.into_iter().map(|c| (hi, c)));
            if batch.children.len() >= batch_children {
                sink(std::mem::take(&mut batch));
            }
        }
    }
    if !batch.households.is_empty() {
        sink(batch);
    }
}

/// Generates a whole commune of `n_children` children. Deterministic in its arguments.
#[cfg_attr(not(test), allow(dead_code))]
pub fn generate(n_children: usize, seed: u64, today: Date) -> SynthCommune {
    let mut households = Vec::new();
    let mut children = Vec::with_capacity(n_children);
    generate_batches(n_children, seed, today, 50_000, &mut |b| {
        let offset = households.len();
        households.extend(b.households);
        children.extend(b.children.into_iter().map(|(h, c)| (h + offset, c)));
    });
    SynthCommune {
        villages: villages(),
        households,
        children,
    }
}

fn household(
    ctx: &Ctx,
    st: &mut State,
    max_children: usize,
) -> Option<(HouseholdData, Vec<ChildData>)> {
    let k = st.next_household;
    st.next_household += 1;
    let mut rng = ctx.household_rng(k);
    let eth = Eth::ALL[rng.weighted(&ctx.household_weights)];
    let g = eth.index();
    let village = rng.weighted(&ctx.village_weights[g]);
    let planned = 1 + rng.weighted(&FAMILY_SIZE[g]);

    // Birth dates, youngest first, spaced like siblings.
    let mut ages: Vec<i32> = (0..planned).map(|_| sample_age_days(&mut rng)).collect();
    ages.sort_unstable();
    for j in 1..ages.len() {
        if rng.chance(0.012) {
            ages[j] = ages[j - 1];
        } else {
            let min = ages[j - 1] + rng.range(500, 1100);
            if ages[j] < min {
                ages[j] = min + rng.range(0, 200);
            }
        }
    }
    let mut dobs: Vec<i32> = ages
        .iter()
        .map(|a| ctx.t - a)
        .filter(|d| *d >= ctx.min_dob)
        .collect();
    dobs.truncate(max_children);
    if dobs.is_empty() {
        return None;
    }
    let youngest = dobs[0];

    let fam = family(ctx, &mut rng, eth, village, youngest);
    let seq = &mut st.village_seq[village];
    *seq += 1;
    let vdef = &VILLAGES[village];
    let head_name = head_of(&fam.caregivers);
    let hh = HouseholdData {
        village: village_code(village),
        code: Some(format!("{}-{:04}", village_code(village), seq)),
        head_name,
        address: Some(format!("{} {}", vdef.kind, vdef.name)),
        poverty: fam.poverty.clone(),
    };

    let mut taken: Vec<&'static str> = Vec::with_capacity(dobs.len());
    let mut kids = Vec::with_capacity(dobs.len());
    for dob in dobs {
        let index = st.next_child;
        st.next_child += 1;
        kids.push(child(ctx, st, &mut rng, &fam, dob, index, &mut taken));
    }
    Some((hh, kids))
}

/// Age in days, drawn from the pyramid.
fn sample_age_days(rng: &mut Rng) -> i32 {
    loop {
        let x = rng.f64() * 18.0;
        if rng.f64() < 1.0 - PYRAMID_SLOPE * x {
            return (x * 365.2425) as i32;
        }
    }
}

fn head_of(caregivers: &[Caregiver]) -> String {
    for rel in ["bố", "ông", "chú", "bác", "anh", "mẹ", "bà"] {
        if let Some(c) = caregivers.iter().find(|c| c.relationship == rel) {
            return c.full_name.clone();
        }
    }
    caregivers[0].full_name.clone()
}

fn family(ctx: &Ctx, rng: &mut Rng, eth: Eth, village: usize, youngest: i32) -> Family {
    let surname = names::surname(rng, eth);
    let care = match rng.weighted(&[72.0, 11.0, 6.5, 1.8, 6.0, 0.5, 0.75]) {
        0 => Care::Parents,
        1 => Care::ParentsAndGrandparent,
        2 => Care::Mother,
        3 => Care::Father,
        4 => Care::Grandparents,
        5 => Care::Orphaned,
        _ => Care::NoSupport,
    };
    let father = || -> (&'static str, bool, &'static str) { ("bố", true, surname) };
    let mut people: Vec<(&'static str, bool, &'static str)> = Vec::new();
    let spouse = |rng: &mut Rng| names::other_surname(rng, eth, surname);
    match care {
        Care::Parents => {
            people.push(father());
            people.push(("mẹ", false, spouse(rng)));
        }
        Care::ParentsAndGrandparent => {
            people.push(father());
            people.push(("mẹ", false, spouse(rng)));
            if rng.chance(0.7) {
                people.push(("bà", false, spouse(rng)));
            } else {
                people.push(("ông", true, surname));
            }
        }
        Care::Mother => {
            people.push(("mẹ", false, spouse(rng)));
            if rng.chance(0.3) {
                people.push(("bà", false, spouse(rng)));
            }
        }
        Care::Father => people.push(father()),
        Care::Grandparents => {
            if rng.chance(0.6) {
                people.push(("ông", true, surname));
            }
            people.push(("bà", false, spouse(rng)));
        }
        Care::Orphaned => match rng.weighted(&[35.0, 20.0, 25.0, 10.0, 10.0]) {
            0 => {
                people.push(("ông", true, surname));
                people.push(("bà", false, spouse(rng)));
            }
            1 => people.push(("bà", false, spouse(rng))),
            2 => {
                people.push(("chú", true, surname));
                people.push(("thím", false, spouse(rng)));
            }
            3 => people.push(("anh", true, surname)),
            _ => people.push(("chị", false, surname)),
        },
        Care::NoSupport => match rng.weighted(&[40.0, 30.0, 15.0, 15.0]) {
            0 => people.push(("bà", false, spouse(rng))),
            1 => {
                people.push(("ông", true, surname));
                people.push(("bà", false, spouse(rng)));
            }
            2 => people.push(("bác", true, surname)),
            _ => people.push(("cô", false, surname)),
        },
    }
    let with_phone = rng.chance(0.5);
    let second_phone = with_phone && rng.chance(0.2);
    let caregivers = people
        .iter()
        .enumerate()
        .map(|(i, (rel, male, sn))| Caregiver {
            relationship: rel.to_string(),
            full_name: names::adult(rng, eth, *male, sn),
            phone: ((i == 0 && with_phone) || (i == 1 && second_phone)).then(|| phone(rng)),
        })
        .collect();

    let care_event = matches!(care, Care::Orphaned | Care::NoSupport).then(|| {
        rng.range((youngest + 30).max(ctx.t - 9 * 365), ctx.t)
            .min(ctx.t)
    });
    let (poverty, poverty_now) = poverty(ctx, rng, eth);
    let moved_in = rng.chance(0.008).then(|| {
        let date = rng.range(ctx.window_in, ctx.t);
        let prov = rng.weighted(&[35.0, 45.0, 20.0]);
        let place = rng.below(ELSEWHERE[prov].1.len() as u64) as usize;
        (date, prov, place)
    });
    let moved_out = rng.chance(0.008).then(|| {
        let from = moved_in.map_or(ctx.window, |(m, _, _)| m.max(ctx.window));
        (rng.range(from, ctx.t), rng.pick(DESTINATIONS))
    });
    Family {
        eth,
        village,
        surname,
        care,
        caregivers,
        poverty,
        poverty_now,
        care_event,
        moved_in,
        moved_out,
    }
}

fn phone(rng: &mut Rng) -> String {
    format!("09{:08}", rng.below(100_000_000))
}

/// Poverty periods under the 2022-2025 multidimensional standard and the yearly reviews.
fn poverty(ctx: &Ctx, rng: &mut Rng, eth: Eth) -> (Vec<PovertyPeriod>, Option<PovertyStatus>) {
    let y = ctx.today.year() as i32;
    let first = 2022.min(y);
    let jan1 = |yr: i32| ymd(yr, 1, 1);
    let dec31 = |yr: i32| ymd(yr, 12, 31);
    let (p_poor, p_near) = match eth {
        Eth::Hmong => (0.47, 0.15),
        Eth::Dao => (0.45, 0.16),
        Eth::Thai => (0.33, 0.17),
        Eth::Kinh => (0.10, 0.12),
    };
    let r = rng.f64();
    use PovertyStatus::{NearPoor, Poor};
    let period = |status, from: Date, to: Option<Date>| PovertyPeriod { status, from, to };
    if r < p_poor {
        let mut v = Vec::new();
        let since = if rng.chance(0.75) {
            first
        } else {
            rng.range(first, y)
        };
        if since > first && rng.chance(0.5) {
            v.push(period(NearPoor, jan1(first), Some(dec31(since - 1))));
        }
        v.push(period(Poor, jan1(since), None));
        (v, Some(Poor))
    } else if r < p_poor + p_near {
        let mut v = Vec::new();
        let since = if rng.chance(0.6) {
            first
        } else {
            rng.range(first, y)
        };
        if since > first {
            v.push(period(Poor, jan1(first), Some(dec31(since - 1))));
        }
        v.push(period(NearPoor, jan1(since), None));
        (v, Some(NearPoor))
    } else if rng.chance(0.25) && y > first {
        let until = rng.range(first, y - 1);
        let status = if rng.chance(0.6) { Poor } else { NearPoor };
        (vec![period(status, jan1(first), Some(dec31(until)))], None)
    } else {
        (Vec::new(), None)
    }
}

#[cfg(test)]
mod tests;
