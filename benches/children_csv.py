#!/usr/bin/env python3
"""A synthetic children CSV of any size, for timing `treem import children` past what a demo
database holds (the command's limit is 2,000,000 rows).

    python3 benches/children_csv.py --rows 2000000 --db scale.db --out children-2m.csv
    /usr/bin/time -v target/release/treem import children children-2m.csv --db sqlite://... --accept-warnings

The villages are those of `--db` (a SQLite database made by `treem demo`). Every row is valid:
H'Mông, Thái and Kinh names, a birth date in the last 18 years (some by month or year only), a
personal ID on four rows in five (unique, its sex and year digits matching the row), an alias
on one in ten, a school level for the older ones. No two rows without an ID share name, birth
date and village. Same seed, same file.
"""
import argparse, csv, datetime, random, sqlite3, unicodedata

FAMILY = ["Giàng", "Vàng", "Sùng", "Lý", "Thào", "Mùa", "Lầu", "Hờ", "Cứ", "Tráng", "Vừ", "Chá", "Lò", "Quàng", "Nguyễn", "Trần"]
MIDDLE_M = ["A", "Văn", "Seo", "A", "Chẩn"]
MIDDLE_F = ["Thị", "Thị", "Thị", "Mỷ", "Seo"]
GIVEN = ["Chinh", "Dơ", "Pó", "Sử", "Dế", "Mai", "Say", "Chở", "Súa", "Chu", "Lử", "Páo", "Tủa", "Sình", "Vư", "Nhìa",
         "Cở", "Pằng", "Xá", "Dua", "Khua", "Lình", "Chứ", "Nủ", "Phừ", "Hoa", "Lan", "Tùng", "Minh", "Hà"]
LEVELS = ["Mẫu giáo", "Tiểu học", "Trung học cơ sở", "Trung học phổ thông"]


def fold(s):
    """As the import folds names to compare them: no accents, no case."""
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--db", required=True, help="SQLite database whose villages the rows name")
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=19)
    a = p.parse_args()
    rnd = random.Random(a.seed)
    codes = [c for (c,) in sqlite3.connect(a.db).execute("select code from village order by id")]
    today = datetime.date(2026, 12, 1)
    serial = {}
    # Rows without an ID whose name, birth date and village meet an earlier one get an ID:
    # the import refuses the same child twice.
    people = set()
    with open(a.out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Họ và tên", "Tên gọi khác", "Giới tính", "Ngày sinh", "Mã định danh", "Dân tộc",
                    "Mã thôn", "Ngày đăng ký khai sinh", "Cấp học"])
        for i in range(a.rows):
            male = rnd.random() < 0.5
            dob = today - datetime.timedelta(days=rnd.randrange(18 * 365))
            given = rnd.choice(GIVEN)
            village = rnd.choice(codes)
            name = f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE_M if male else MIDDLE_F)} {given}"
            precision = rnd.random()
            if precision < 0.9:
                dob_text = dob.strftime("%d/%m/%Y")
            elif precision < 0.97:
                dob_text = dob.strftime("%m/%Y")
            else:
                dob_text = str(dob.year)
            pid = ""
            # As the import compares them: the date as stored (a month's first, a year's 1 July).
            stored = dob if precision < 0.9 else dob.replace(day=1) if precision < 0.97 else dob.replace(month=7, day=1)
            key = (fold(name), stored, village)
            if rnd.random() < 0.8 or key in people:
                g = (0 if male else 1) + 2 * (dob.year // 100 - 19)
                key = (g, dob.year % 100)
                serial[key] = serial.get(key, 0) + 1
                pid = f"011{g}{dob.year % 100:02d}{serial[key]:06d}"
            else:
                people.add(key)
            alias = f"{rnd.choice(GIVEN)}" if rnd.random() < 0.1 else ""
            age = (today - dob).days // 365
            level = LEVELS[min(3, max(0, (age - 3) // 5))] if age >= 3 else ""
            registered = min(today, dob + datetime.timedelta(days=rnd.randrange(5, 90))).strftime("%d/%m/%Y") \
                if rnd.random() < 0.85 and precision < 0.9 else ""
            w.writerow([name, alias, "nam" if male else "nữ", dob_text, pid, "8" if rnd.random() < 0.9 else "3",
                        village, registered, level])


if __name__ == "__main__":
    main()
