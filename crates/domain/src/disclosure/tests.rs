//! The disclosure rule against a reader who knows it: every table that publishes the same way is
//! a table the reader cannot rule out, so a cell of 1–4 is safe when some table publishing the
//! same way holds a different value there.
use super::*;
use crate::indicator::{Cell, Figure, TargetResult, TargetStatus};
use crate::plan::Plan;
use proptest::prelude::*;
use std::collections::HashMap;

const SEED_PLAN: &str = include_str!("../../../../plans/sinh-phinh-2026.toml");

/// Every vector of `len` values from 0 to `max`.
fn all_vectors(len: usize, max: u64) -> Vec<Vec<u64>> {
    let mut out = vec![vec![]];
    for _ in 0..len {
        out = out
            .into_iter()
            .flat_map(|v| {
                (0..=max).map(move |x| {
                    let mut w = v.clone();
                    w.push(x);
                    w
                })
            })
            .collect();
    }
    out
}

/// For each group of tables that publish alike, the cells (and the total) whose value is 1–4
/// and the same in every table of the group: what a reader who knows the rule would learn.
fn pinned<K: std::hash::Hash + Eq>(
    tables: &[Vec<u64>],
    publish: impl Fn(&[u64]) -> K,
) -> Vec<(Vec<u64>, String)> {
    let mut groups: HashMap<K, Vec<usize>> = HashMap::new();
    for (i, t) in tables.iter().enumerate() {
        groups.entry(publish(t)).or_default().push(i);
    }
    let mut found = Vec::new();
    for members in groups.values() {
        let first = &tables[members[0]];
        for (what, value) in (0..first.len())
            .map(|c| {
                (
                    format!("cell {c}"),
                    Box::new(move |t: &Vec<u64>| t[c]) as Box<dyn Fn(&Vec<u64>) -> u64>,
                )
            })
            .chain(std::iter::once((
                "total".to_string(),
                Box::new(|t: &Vec<u64>| t.iter().sum()) as Box<dyn Fn(&Vec<u64>) -> u64>,
            )))
        {
            let v = value(first);
            if small(v) && members.iter().all(|&m| value(&tables[m]) == v) {
                found.push((first.clone(), what));
            }
        }
    }
    found
}

#[test]
fn the_issue_reproduction_one_death_in_one_village_is_withheld() {
    // Target 3: 1 neonatal death in 190 births; by village the death is in the third village.
    let t = protect_table(&[0, 0, 1, 0, 0]);
    assert_eq!(t.total, Shown::Small);
    assert!(t.withheld);
    assert!(
        t.cells.iter().all(|c| *c == Shown::Hidden),
        "zeros hidden too"
    );
}

#[test]
fn tables_without_small_cells_are_exact() {
    let t = protect_table(&[0, 7, 5, 120]);
    assert_eq!(t.total, Shown::Exact(132));
    assert_eq!(
        t.cells,
        vec![
            Shown::Exact(0),
            Shown::Exact(7),
            Shown::Exact(5),
            Shown::Exact(120)
        ]
    );
    assert!(!t.withheld);
    assert_eq!(protect_table(&[]).total, Shown::Exact(0));
    assert_eq!(protect_table(&[0, 0]).cells, vec![Shown::Exact(0); 2]);
}

#[test]
fn a_single_small_cell_takes_the_smallest_larger_cells_with_it() {
    // 3 alone could be read as 103 − 100: the 12s (both: equal values are hidden together) go
    // with it; the 5 is low and hidden as well.
    let t = protect_table(&[3, 12, 40, 12, 0]);
    use Shown::*;
    assert_eq!(t.total, Exact(67));
    assert_eq!(t.cells, vec![Hidden, Hidden, Exact(40), Hidden, Exact(0)]);
    // Two cells of 1 would be 1 and 1 (their sum is 2): the smallest larger cell goes too.
    let t = protect_table(&[1, 1, 30, 9]);
    assert_eq!(t.cells, vec![Hidden, Hidden, Exact(30), Hidden]);
    // 2 and 3: their sum, 5, could be 1 + 4, 2 + 3, 3 + 2 or 4 + 1.
    let t = protect_table(&[2, 3, 30]);
    assert_eq!(t.cells, vec![Hidden, Hidden, Exact(30)]);
    // A 5 is hidden with a small cell (so that a 4 may be one more without showing).
    let t = protect_table(&[4, 5, 30]);
    assert_eq!(t.cells, vec![Hidden, Hidden, Exact(30)]);
}

#[test]
fn a_table_of_only_low_cells_is_withheld_with_its_total() {
    // 1 + 1 + 1 + 1 + 1 = 5: five hidden cells summing to 5 would each be 1.
    let t = protect_table(&[1, 1, 1, 1, 1, 0]);
    assert_eq!(t.total, Shown::Exact(5));
    assert!(t.withheld);
    assert!(t.cells.iter().all(|c| *c == Shown::Hidden));
}

#[test]
fn no_table_of_up_to_six_cells_pins_a_small_count() {
    // Brute force: every table, grouped by what it publishes.
    for (len, max) in [(1, 12), (2, 12), (3, 10), (4, 9), (5, 8), (6, 7)] {
        let tables = all_vectors(len, max);
        let found = pinned(&tables, protect_table);
        assert!(
            found.is_empty(),
            "{len} cells up to {max}: {:?}",
            &found[..found.len().min(5)]
        );
    }
}

/// Every table the reader cannot tell from `cells`: the shown cells as they are, the hidden
/// ones any values consistent with the total (each up to `cap`), published the same way.
fn candidates(cells: &[u64], cap: u64) -> Vec<Vec<u64>> {
    let published = protect_table(cells);
    let hidden: Vec<usize> = (0..cells.len())
        .filter(|&i| published.cells[i] == Shown::Hidden)
        .collect();
    let shown: u64 = (0..cells.len())
        .filter(|i| !hidden.contains(i))
        .map(|i| cells[i])
        .sum();
    let sums: Vec<u64> = match published.total {
        Shown::Exact(t) => vec![t - shown],
        _ => (1..=SMALL_MAX).collect(),
    };
    let mut out = Vec::new();
    let mut x = cells.to_vec();
    fn fill(
        k: usize,
        left: u64,
        hidden: &[usize],
        cap: u64,
        x: &mut Vec<u64>,
        published: &Table,
        out: &mut Vec<Vec<u64>>,
    ) {
        if k == hidden.len() {
            if left == 0 && protect_table(x) == *published {
                out.push(x.clone());
            }
            return;
        }
        for v in 0..=left.min(cap) {
            x[hidden[k]] = v;
            fill(k + 1, left - v, hidden, cap, x, published, out);
        }
    }
    for s in sums {
        fill(0, s, &hidden, cap, &mut x, &published, &mut out);
    }
    out
}

fn table_strategy() -> impl Strategy<Value = Vec<u64>> {
    // Mostly zeros and small counts, now and then a larger one: the tables a commune makes.
    let cell = prop_oneof![
        4 => Just(0u64),
        6 => 1u64..=5,
        2 => 6u64..=9,
        1 => 10u64..=30,
    ];
    prop::collection::vec(cell, 2..=9)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Random tables of up to nine groups: the hidden cells are enumerated (every value they
    /// could hold with the published total), and each hidden cell of 1–4 must be able to hold
    /// another value in some table that publishes exactly the same.
    #[test]
    fn a_reader_who_knows_the_rule_cannot_pin_a_small_cell(cells in table_strategy()) {
        let published = protect_table(&cells);
        let hidden_sum: u64 = (0..cells.len())
            .filter(|&i| published.cells[i] == Shown::Hidden)
            .map(|i| cells[i])
            .sum();
        // Keep the enumeration small enough for a test.
        prop_assume!(hidden_sum <= 18);
        let all = candidates(&cells, 40);
        prop_assert!(all.contains(&cells));
        for i in 0..cells.len() {
            if small(cells[i]) {
                prop_assert!(
                    all.iter().any(|c| c[i] != cells[i]),
                    "cell {} of {:?} is pinned", i, cells
                );
            }
        }
        let total: u64 = cells.iter().sum();
        if small(total) {
            prop_assert!(all.iter().any(|c| c.iter().sum::<u64>() != total));
        }
    }
}

#[test]
fn shares_hide_the_numerator_when_it_or_its_complement_is_small() {
    use Shown::*;
    assert_eq!(share_totals(189, 190), (Hidden, Exact(190)));
    assert_eq!(share_totals(3, 190), (Hidden, Exact(190)));
    assert_eq!(share_totals(0, 190), (Exact(0), Exact(190)));
    assert_eq!(share_totals(190, 190), (Exact(190), Exact(190)));
    assert_eq!(share_totals(0, 3), (Hidden, Small));
    // 117 of 120 vaccinated in a village would say 3 were not: the numerators are withheld.
    let (n, d) = protect_share(&[117, 50], &[120, 60]);
    assert!(n.withheld);
    assert_eq!(n.total, Exact(167));
    assert_eq!(d.cells, vec![Exact(120), Exact(60)]);
    let (n, _) = protect_share(&[110, 60], &[120, 60]);
    assert_eq!(n.cells, vec![Exact(110), Exact(60)]);
}

#[test]
fn no_share_of_up_to_three_groups_pins_a_small_count() {
    // Every (numerator ≤ denominator ≤ 7) for each group; the reader sees both tables and the
    // totals; numerator, complement and denominator of every group and of the whole must not
    // be pinned to 1–4.
    let pairs: Vec<(u64, u64)> = (0..=7u64)
        .flat_map(|d| (0..=d).map(move |n| (n, d)))
        .collect();
    for groups in 1..=3usize {
        let mut configs: Vec<Vec<(u64, u64)>> = vec![vec![]];
        for _ in 0..groups {
            configs = configs
                .into_iter()
                .flat_map(|c| {
                    pairs.iter().map(move |p| {
                        let mut c = c.clone();
                        c.push(*p);
                        c
                    })
                })
                .collect();
        }
        let publish = |c: &[(u64, u64)]| {
            let n: Vec<u64> = c.iter().map(|p| p.0).collect();
            let d: Vec<u64> = c.iter().map(|p| p.1).collect();
            let (pn, pd) = protect_share(&n, &d);
            let (tn, td) = share_totals(n.iter().sum(), d.iter().sum());
            (pn, pd, tn, td)
        };
        let mut buckets: HashMap<_, Vec<usize>> = HashMap::new();
        for (i, c) in configs.iter().enumerate() {
            buckets.entry(publish(c)).or_default().push(i);
        }
        type Read = fn(&[(u64, u64)]) -> u64;
        let totals: [(&str, Read); 3] = [
            ("N", |c| c.iter().map(|p| p.0).sum()),
            ("D", |c| c.iter().map(|p| p.1).sum()),
            ("D-N", |c| c.iter().map(|p| p.1 - p.0).sum()),
        ];
        for members in buckets.values() {
            let first = &configs[members[0]];
            for g in 0..groups {
                for (what, v) in [
                    ("n", first[g].0),
                    ("d", first[g].1),
                    ("d-n", first[g].1 - first[g].0),
                ] {
                    let read = |c: &[(u64, u64)]| match what {
                        "n" => c[g].0,
                        "d" => c[g].1,
                        _ => c[g].1 - c[g].0,
                    };
                    if small(v) {
                        assert!(
                            members.iter().any(|&m| read(&configs[m]) != v),
                            "{what} of group {g} pinned in {first:?}"
                        );
                    }
                }
            }
            for (what, read) in totals {
                let v = read(first);
                if small(v) {
                    assert!(
                        members.iter().any(|&m| read(&configs[m]) != v),
                        "{what} pinned in {first:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn margins_of_a_two_way_table_pin_no_cell_of_it() {
    // Children by village and by sex are published as two margins; a cell of the village ×
    // sex table must not be worked out from them. For every 2 × 3 table of cells up to 5, the
    // reader's candidates are every pair of margins (up to 30 each) published alike, and a
    // cell of a two-way table with given margins takes every value between its Fréchet bounds
    // max(0, row + column − total) and min(row, column).
    let mut by_pub: HashMap<Table, Vec<Vec<u64>>> = HashMap::new();
    for len in [2, 3] {
        for v in all_vectors(len, 30) {
            by_pub.entry(protect_table(&v)).or_default().push(v);
        }
    }
    let mut pinned = Vec::new();
    for j in all_vectors(6, 5) {
        let rows = [j[0] + j[1] + j[2], j[3] + j[4] + j[5]];
        let cols = [j[0] + j[3], j[1] + j[4], j[2] + j[5]];
        let (rs, cs) = (
            &by_pub[&protect_table(&rows)],
            &by_pub[&protect_table(&cols)],
        );
        for (cell, &v) in j.iter().enumerate() {
            if !small(v) {
                continue;
            }
            let (i, k) = (cell / 3, cell % 3);
            let mut values = std::collections::BTreeSet::new();
            for r in rs {
                for c in cs {
                    let t: u64 = r.iter().sum();
                    if t != c.iter().sum::<u64>() {
                        continue;
                    }
                    let lo = (r[i] + c[k]).saturating_sub(t);
                    let hi = r[i].min(c[k]);
                    values.extend(lo..=hi);
                }
                if values.len() > 1 {
                    break;
                }
            }
            if values.len() < 2 {
                pinned.push((j.clone(), cell));
            }
        }
    }
    assert!(pinned.is_empty(), "{:?}", &pinned[..pinned.len().min(5)]);
}

fn seed() -> Plan {
    Plan::from_toml(SEED_PLAN).unwrap()
}

fn result(
    number: u16,
    num: f64,
    den: f64,
    unit: Option<Unit>,
    status: TargetStatus,
) -> TargetResult {
    let value = crate::indicator::rate(num, den, unit);
    TargetResult {
        number,
        figure: Figure {
            numerator: Some(num),
            denominator: Some(den),
            value,
            ..Figure::default()
        },
        secondary: None,
        status,
        trend: None,
        breakdown: Default::default(),
        note: None,
        related: Vec::new(),
    }
}

#[test]
fn one_neonatal_death_in_190_births_shows_as_under_5_without_a_rate() {
    let plan = seed();
    let t = plan.target(3).unwrap();
    let mut r = result(3, 1.0, 190.0, t.unit, TargetStatus::NotMet);
    r.figure.allowed_events = t.allowed_events(190);
    let p = publish_result(t, &r, false);
    assert_eq!(p.figure.numerator, Some(Shown::Small));
    assert_eq!(p.figure.denominator, Some(Shown::Exact(190)));
    assert_eq!(p.figure.value, None);
    assert!(p.figure.value_hidden);
    assert_eq!(p.figure.num_den_text(), "<5/190");
    // "dưới 2,9‰" allows no death in 190 births: any of 1–4 fails it, so "chưa đạt" tells
    // nothing more than "<5" does.
    assert_eq!(p.figure.allowed_events, Some(0));
    assert_eq!(p.status, Some(TargetStatus::NotMet));
    // With 700 births the target allows 2: "chưa đạt" would say 3 or 4, "đạt" 1 or 2.
    let mut r = result(3, 3.0, 700.0, t.unit, TargetStatus::NotMet);
    r.figure.allowed_events = t.allowed_events(700);
    let p = publish_result(t, &r, false);
    assert_eq!(p.status, None);
    assert_eq!(p.figure.allowed_events, Some(2));
    // Nothing to hide: no death at all is "đạt" with its rate.
    let r = result(3, 0.0, 190.0, t.unit, TargetStatus::Met);
    let p = publish_result(t, &r, false);
    assert_eq!(p.figure.value, Some(0.0));
    assert_eq!(p.status, Some(TargetStatus::Met));
}

#[test]
fn a_small_denominator_hides_the_rate_and_the_allowed_number() {
    let plan = seed();
    let t = plan.target(3).unwrap();
    let mut r = result(3, 0.0, 3.0, t.unit, TargetStatus::Met);
    r.figure.allowed_events = t.allowed_events(3);
    let p = publish_result(t, &r, false);
    assert_eq!(p.figure.num_den_text(), "0/<5");
    assert_eq!(p.figure.value, None);
    assert_eq!(p.figure.allowed_events, None);
    // 0 deaths in 1–4 births meets the target whatever the births.
    assert_eq!(p.status, Some(TargetStatus::Met));
}

#[test]
fn a_share_near_its_target_hides_what_would_count_the_rest() {
    let plan = seed();
    // Target 19: keep birth registration of under-5s at 100%. 189 of 190: one child is not
    // registered; "ẩn/190" and "chưa đạt" (any of 1–4 missing fails 100%).
    let t = plan.target(19).unwrap();
    let r = result(19, 189.0, 190.0, t.unit, TargetStatus::NotMet);
    let p = publish_result(t, &r, false);
    assert_eq!(p.figure.num_den_text(), "ẩn/190");
    assert_eq!(p.figure.value, None);
    assert_eq!(p.status, Some(TargetStatus::NotMet));
    // Target 10 (at least 95%) at 57 of 60: 95% is met with 3 missing, not with 4: hidden.
    let t = plan.target(10).unwrap();
    let r = result(10, 57.0, 60.0, t.unit, TargetStatus::Met);
    assert_eq!(publish_result(t, &r, false).status, None);
}

#[test]
fn at_risk_needs_every_figure_it_reads_published() {
    let plan = seed();
    let t = plan.target(9).unwrap();
    let r = result(9, 180.0, 180.0, t.unit, TargetStatus::AtRisk);
    assert_eq!(
        publish_result(t, &r, true).status,
        Some(TargetStatus::AtRisk)
    );
    assert_eq!(publish_result(t, &r, false).status, Some(TargetStatus::Met));
}

#[test]
fn notes_with_numbers_stay_in_the_commune() {
    let plan = seed();
    let t = plan.target(3).unwrap();
    let mut r = result(3, 0.0, 190.0, t.unit, TargetStatus::Met);
    r.note = Some(
        "1 trường hợp tử vong không rõ ngày sinh, không được tính; chưa có số liệu năm cơ sở"
            .into(),
    );
    let p = publish_result(t, &r, false);
    assert_eq!(p.note.as_deref(), Some("chưa có số liệu năm cơ sở"));
}

#[test]
fn counts_and_values_without_counts() {
    let plan = seed();
    // A count target: the count is the value.
    let t = plan.target(18).unwrap();
    let r = TargetResult {
        number: 18,
        figure: Figure {
            numerator: Some(2.0),
            value: Some(2.0),
            ..Figure::default()
        },
        secondary: None,
        status: TargetStatus::Undetermined,
        trend: None,
        breakdown: Default::default(),
        note: None,
        related: Vec::new(),
    };
    let p = publish_result(t, &r, false);
    assert_eq!(p.figure.numerator, Some(Shown::Small));
    assert_eq!(p.figure.value, None);
    assert!(p.figure.value_hidden);
    // A rate entered alone (target 2): no count to protect.
    let t = plan.target(2).unwrap();
    let r = TargetResult {
        number: 2,
        figure: Figure {
            value: Some(85.0),
            ..Figure::default()
        },
        secondary: None,
        status: TargetStatus::Met,
        trend: None,
        breakdown: Default::default(),
        note: None,
        related: Vec::new(),
    };
    let p = publish_result(t, &r, false);
    assert_eq!(p.figure.value, Some(85.0));
    assert_eq!(p.status, Some(TargetStatus::Met));
}

#[test]
fn breakdowns_list_no_group_for_a_hidden_count_alone() {
    // Target 3 with its one death in village SP15, where no child was born in the period:
    // listing SP15 would place the death there.
    let cell = |n, d| Cell {
        numerator: n,
        denominator: d,
        value: crate::indicator::rate(n as f64, d as f64, Some(Unit::PerMille)).filter(|_| d > 0),
    };
    let b = Breakdown {
        by_village: vec![
            ("SP01".into(), cell(0, 120)),
            ("SP02".into(), cell(0, 70)),
            ("SP15".into(), cell(1, 0)),
        ],
        ..Breakdown::default()
    };
    let p = publish_breakdown(&b, Some(Unit::PerMille));
    let villages: Vec<&str> = p.by_village.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(villages, vec!["SP01", "SP02"]);
    assert!(p
        .by_village
        .iter()
        .all(|(_, c)| c.numerator == Shown::Hidden && c.value.is_none()));
    assert_eq!(p.by_village[0].1.denominator, Shown::Exact(120));
}

#[test]
fn figures_are_published_as_of_quarter_ends_that_have_passed() {
    let d = |y, m, day| jiff::civil::date(y, m, day);
    let today = d(2026, 12, 4);
    assert_eq!(publication_date(d(2026, 5, 10), today), d(2026, 3, 31));
    assert_eq!(publication_date(d(2026, 3, 31), today), d(2026, 3, 31));
    assert_eq!(publication_date(d(2026, 12, 3), today), d(2026, 9, 30));
    assert_eq!(publication_date(d(2026, 1, 15), today), d(2025, 12, 31));
    // The quarter end still to come would change every day until then.
    assert_eq!(publication_date(d(2026, 12, 31), today), d(2026, 9, 30));
    assert_eq!(publication_date(d(2027, 6, 30), today), d(2026, 9, 30));
    assert_eq!(publication_date(today, d(2026, 12, 31)), d(2026, 9, 30));
    assert_eq!(
        publication_date(d(2026, 12, 31), d(2026, 12, 31)),
        d(2026, 12, 31)
    );
    // The earliest date there is stays itself rather than failing.
    let first = jiff::civil::Date::MIN;
    assert_eq!(publication_date(first, today), first);
}
