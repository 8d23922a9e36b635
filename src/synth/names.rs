//! Names by ethnic group, as they appear in the registers of a H'Mông highland commune:
//! H'Mông clan surnames with "A"/"Seo" for boys and "Thị" for girls, the spelling variants
//! village heads write down, Dao, Thái and Kinh names.
use super::rng::Rng;

/// The ethnic groups of the sample commune.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eth {
    Hmong,
    Dao,
    Thai,
    Kinh,
}

impl Eth {
    pub const ALL: [Eth; 4] = [Eth::Hmong, Eth::Dao, Eth::Thai, Eth::Kinh];

    /// Code in Quyết định 1019/QĐ-TCTK.
    pub fn code(self) -> u8 {
        match self {
            Eth::Hmong => 8,
            Eth::Dao => 9,
            Eth::Thai => 3,
            Eth::Kinh => 1,
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

type W = (&'static str, u32);

const HMONG_SURNAMES: &[W] = &[
    ("Giàng", 20),
    ("Sùng", 14),
    ("Vàng", 14),
    ("Thào", 12),
    ("Lý", 10),
    ("Mùa", 6),
    ("Lầu", 5),
    ("Hờ", 4),
    ("Hạng", 4),
    ("Vừ", 3),
    ("Cứ", 3),
    ("Tráng", 3),
    ("Chang", 2),
    ("Mua", 2),
    ("Hầu", 2),
    ("Lù", 1),
];
const DAO_SURNAMES: &[W] = &[
    ("Bàn", 20),
    ("Triệu", 20),
    ("Đặng", 15),
    ("Lý", 12),
    ("Chảo", 12),
    ("Tẩn", 10),
    ("Phùn", 5),
];
const THAI_SURNAMES: &[W] = &[
    ("Lò", 25),
    ("Lường", 15),
    ("Quàng", 15),
    ("Cầm", 12),
    ("Tòng", 10),
    ("Điêu", 8),
    ("Vì", 8),
];
const KINH_SURNAMES: &[W] = &[
    ("Nguyễn", 35),
    ("Trần", 12),
    ("Lê", 10),
    ("Phạm", 8),
    ("Hoàng", 7),
    ("Vũ", 6),
    ("Đỗ", 5),
    ("Đặng", 5),
    ("Bùi", 5),
    ("Ngô", 4),
    ("Đinh", 3),
];

const HMONG_BOYS: &[&str] = &[
    "Páo", "Dình", "Chứ", "Sử", "Súa", "Dế", "Lử", "Tú", "Chống", "Cở", "Dùa", "Giống", "Pó",
    "Sình", "Sàng", "Lềnh", "Chá", "Khua", "Nhìa", "Pừ", "Say", "Tủa", "Vư", "Xá", "Thề", "Tồng",
    "Lùng", "Chơ", "Của", "Dia", "Mang", "Nủ", "Phềnh", "Sếnh", "Chinh", "Sáu", "Chớ",
];
const HMONG_GIRLS: &[&str] = &[
    "Mỷ", "Sua", "Dợ", "Pà", "Chi", "Dung", "Mái", "Máy", "Xó", "Sy", "Ly", "Lỳ", "Pàng", "Dua",
    "Chở", "Dở", "Kía", "Lia", "Sểnh", "Chia", "Dê", "Mảy", "Nu", "Sở", "Vả", "Ku", "Dông", "Mai",
    "Say", "Chu", "Cha",
];
const HMONG_MEN_MIDDLE: &[W] = &[
    ("A", 55),
    ("Seo", 15),
    ("Chứ", 8),
    ("Páo", 6),
    ("Sáu", 6),
    ("Dế", 5),
    ("Chá", 5),
];
const HMONG_BOY_MIDDLE: &[W] = &[("A", 85), ("Seo", 15)];

const DAO_BOYS: &[&str] = &[
    "Đức", "Sử", "Quẩy", "Phin", "Chin", "Lở", "Vảng", "Kiềm", "Tiến", "Sinh", "Vần", "Châu",
    "Lình", "Phúc", "Tả", "Chiêu", "Quay",
];
const DAO_GIRLS: &[&str] = &[
    "Mai", "Chài", "Mẩy", "Sảy", "Lụa", "Nhất", "Kiều", "Phương", "Quyên", "Liều", "Hoa", "Dung",
    "Lai", "Sinh",
];
const DAO_BOY_MIDDLE: &[W] = &[("Văn", 60), ("Láo", 15), ("Seo", 10), ("Phù", 10), ("A", 5)];
const DAO_GIRL_MIDDLE: &[W] = &[("Thị", 85), ("Mùi", 15)];

const THAI_BOYS: &[&str] = &[
    "Ân", "Thanh", "Xôm", "Hặc", "Phương", "Ban", "Inh", "Phong", "Tiến", "Sơn", "Khánh", "Duy",
    "Ngọc", "Hoan", "Thắng", "Pánh", "Xiêng", "Chăn", "Hùng", "Tuấn",
];
const THAI_GIRLS: &[&str] = &[
    "Ơn", "Ỏn", "Ả", "Xuân", "Thoa", "Ban", "Bình", "Hiền", "Nhung", "Quyên", "Thu", "Hương",
    "Inh", "Xiêm", "Pọm", "Lả", "Tươi", "Ngoan",
];

const KINH_BOYS: &[&str] = &[
    "Dũng", "Hùng", "Nam", "Phong", "Khang", "Khôi", "Long", "Minh", "Quân", "Tuấn", "Đức", "Huy",
    "An", "Phúc", "Lâm", "Hải", "Sơn", "Thành", "Trung", "Vinh",
];
const KINH_GIRLS: &[&str] = &[
    "Ánh", "Anh", "Hoa", "Lan", "Linh", "Ngọc", "Trang", "Hà", "Vy", "Chi", "Thảo", "My", "Ngân",
    "Hân", "Nhi", "Thư", "Hương", "Yến",
];
const KINH_BOY_MIDDLE: &[W] = &[
    ("Văn", 30),
    ("Minh", 20),
    ("Đức", 15),
    ("Quang", 10),
    ("Gia", 10),
    ("Hữu", 8),
    ("Bảo", 7),
];
const KINH_GIRL_MIDDLE: &[W] = &[
    ("Thị", 35),
    ("Ngọc", 15),
    ("Thu", 10),
    ("Thanh", 10),
    ("Bảo", 10),
    ("Khánh", 10),
    ("Minh", 10),
];

/// How H'Mông given names get spelt by different writers.
const HMONG_GIVEN_VARIANTS: &[(&str, &[&str])] = &[
    ("Páo", &["Pao", "Pháo"]),
    ("Dình", &["Dính", "Dinh"]),
    ("Chứ", &["Chu", "Chừ"]),
    ("Sử", &["Xử", "Sủ"]),
    ("Súa", &["Xúa"]),
    ("Dế", &["Dề"]),
    ("Lử", &["Lừ"]),
    ("Sình", &["Xình"]),
    ("Sàng", &["Xàng"]),
    ("Chống", &["Chông"]),
    ("Tú", &["Tủ"]),
    ("Giống", &["Dống"]),
    ("Nhìa", &["Nhia"]),
    ("Tủa", &["Tua"]),
    ("Xá", &["Sá"]),
    ("Lềnh", &["Lênh"]),
    ("Phềnh", &["Phênh"]),
    ("Sếnh", &["Xếnh"]),
    ("Mỷ", &["Mỉ", "Mị", "My"]),
    ("Sua", &["Xua"]),
    ("Dợ", &["Dơ"]),
    ("Pà", &["Pa"]),
    ("Sy", &["Si", "Xy"]),
    ("Ly", &["Li"]),
    ("Xó", &["Só"]),
    ("Chở", &["Chơ"]),
    ("Dở", &["Dớ"]),
    ("Kía", &["Kia"]),
    ("Máy", &["May"]),
    ("Lỳ", &["Lì"]),
    ("Sểnh", &["Xểnh"]),
    ("Sở", &["Xở"]),
];
const HMONG_SURNAME_VARIANTS: &[(&str, &str)] = &[
    ("Sùng", "Xùng"),
    ("Giàng", "Giang"),
    ("Thào", "Thao"),
    ("Lầu", "Lâu"),
    ("Hờ", "Hơ"),
    ("Lý", "Ly"),
    ("Vừ", "Vư"),
    ("Mùa", "Mua"),
];
/// Vietnamese names some H'Mông children go by at school.
const VN_SCHOOL_BOYS: &[&str] = &[
    "Hùng", "Dũng", "Nam", "Thắng", "Cường", "Quân", "Tùng", "Sơn",
];
const VN_SCHOOL_GIRLS: &[&str] = &["Hoa", "Lan", "Hương", "Linh", "Thảo", "Mai", "Huyền"];
/// Names used at home (tên gọi ở nhà).
const HOME_NAMES: &[&str] = &["Bin", "Bống", "Tít", "Na", "Su", "Mít", "Bi", "Cún", "Nấm"];

/// A child's name, kept in parts to build aliases.
pub struct Name {
    pub full: String,
    pub surname: &'static str,
    pub middle: &'static str,
    pub given: &'static str,
}

fn join(surname: &str, middle: &str, given: &str) -> String {
    if middle.is_empty() {
        format!("{surname} {given}")
    } else {
        format!("{surname} {middle} {given}")
    }
}

fn surnames(eth: Eth) -> &'static [W] {
    match eth {
        Eth::Hmong => HMONG_SURNAMES,
        Eth::Dao => DAO_SURNAMES,
        Eth::Thai => THAI_SURNAMES,
        Eth::Kinh => KINH_SURNAMES,
    }
}

fn given_names(eth: Eth, male: bool) -> &'static [&'static str] {
    match (eth, male) {
        (Eth::Hmong, true) => HMONG_BOYS,
        (Eth::Hmong, false) => HMONG_GIRLS,
        (Eth::Dao, true) => DAO_BOYS,
        (Eth::Dao, false) => DAO_GIRLS,
        (Eth::Thai, true) => THAI_BOYS,
        (Eth::Thai, false) => THAI_GIRLS,
        (Eth::Kinh, true) => KINH_BOYS,
        (Eth::Kinh, false) => KINH_GIRLS,
    }
}

fn child_middle(rng: &mut Rng, eth: Eth, male: bool) -> &'static str {
    match (eth, male) {
        (Eth::Hmong, true) => rng.pick_w(HMONG_BOY_MIDDLE),
        (Eth::Hmong, false) | (Eth::Thai, false) => "Thị",
        (Eth::Dao, true) => rng.pick_w(DAO_BOY_MIDDLE),
        (Eth::Dao, false) => rng.pick_w(DAO_GIRL_MIDDLE),
        (Eth::Thai, true) => "Văn",
        (Eth::Kinh, true) => rng.pick_w(KINH_BOY_MIDDLE),
        (Eth::Kinh, false) => rng.pick_w(KINH_GIRL_MIDDLE),
    }
}

/// A family (clan) name of the group.
pub fn surname(rng: &mut Rng, eth: Eth) -> &'static str {
    rng.pick_w(surnames(eth))
}

/// A surname other than `avoid` (H'Mông marry outside their clan; wives keep their own name).
pub fn other_surname(rng: &mut Rng, eth: Eth, avoid: &str) -> &'static str {
    for _ in 0..8 {
        let s = surname(rng, eth);
        if s != avoid {
            return s;
        }
    }
    surnames(eth)
        .iter()
        .map(|(s, _)| *s)
        .find(|s| *s != avoid)
        .unwrap_or(surnames(eth)[0].0)
}

/// A child's name in the family `surname`, different from the siblings' given names.
pub fn child(rng: &mut Rng, eth: Eth, male: bool, surname: &'static str, taken: &[&str]) -> Name {
    let pool = given_names(eth, male);
    let mut given = rng.pick(pool);
    for _ in 0..8 {
        if !taken.contains(&given) {
            break;
        }
        given = rng.pick(pool);
    }
    let mut middle = child_middle(rng, eth, male);
    if middle == given {
        middle = if male { "Văn" } else { "Thị" };
    }
    Name {
        full: join(surname, middle, given),
        surname,
        middle,
        given,
    }
}

/// An adult's full name (parent, grandparent, uncle…).
pub fn adult(rng: &mut Rng, eth: Eth, male: bool, surname: &str) -> String {
    let given = rng.pick(given_names(eth, male));
    let middle = match (eth, male) {
        (Eth::Hmong, true) => rng.pick_w(HMONG_MEN_MIDDLE),
        _ => child_middle(rng, eth, male),
    };
    let middle = if middle == given { "" } else { middle };
    join(surname, middle, given)
}

/// Other names the child is known or written by. About 30 % of H'Mông children have one or two;
/// a few others have a name used at home.
pub fn aliases(rng: &mut Rng, eth: Eth, male: bool, n: &Name) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if eth != Eth::Hmong {
        if rng.chance(0.04) {
            out.push(if rng.chance(0.5) {
                n.given.to_string()
            } else {
                rng.pick(HOME_NAMES).to_string()
            });
        }
        return out;
    }
    if !rng.chance(0.30) {
        return out;
    }
    let want = if rng.chance(0.65) { 1 } else { 2 };
    for _ in 0..10 {
        if out.len() >= want {
            break;
        }
        let alias = match rng.weighted(&[40.0, 15.0, 20.0, 15.0, 10.0]) {
            0 => HMONG_GIVEN_VARIANTS
                .iter()
                .find(|(g, _)| *g == n.given)
                .map(|(_, vs)| join(n.surname, n.middle, rng.pick(vs))),
            1 => HMONG_SURNAME_VARIANTS
                .iter()
                .find(|(s, _)| *s == n.surname)
                .map(|(_, v)| join(v, n.middle, n.given)),
            2 => Some(if male && rng.chance(0.5) {
                format!("{} {}", n.middle, n.given)
            } else {
                n.given.to_string()
            }),
            3 => Some(if male {
                join(n.surname, "Văn", n.given)
            } else {
                join(n.surname, "", n.given)
            }),
            _ => Some(if male {
                join(n.surname, "Văn", rng.pick(VN_SCHOOL_BOYS))
            } else {
                join(n.surname, "Thị", rng.pick(VN_SCHOOL_GIRLS))
            }),
        };
        if let Some(a) = alias {
            if a != n.full && !out.contains(&a) {
                out.push(a);
            }
        }
    }
    out
}
