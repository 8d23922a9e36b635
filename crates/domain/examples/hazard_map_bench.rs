//! Times the hazard map (issue 17's floor: 500 sites drawn in ≤ 100 ms):
//! `cargo run --release -p treem-domain --example hazard_map_bench -- [N]`. Draws N sites
//! (default 500) spread over the sample commune's 18 villages, with the villages as reference
//! points, as `/hazards/map` does, and prints the best and the median of 20 runs.
use std::time::{Duration, Instant};
use treem_domain::hazard::map::{draw, MapSite, Reference, VillagePositions};
use treem_domain::hazard::{HazardKind, HazardStatus, Position};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(500);
    let positions = VillagePositions::embedded();
    let references: Vec<Reference> = positions
        .villages
        .iter()
        .map(|v| Reference {
            name: v.name.clone(),
            position: Position::from_degrees(v.lat, v.lon),
        })
        .collect();
    // A fixed pseudo-random spread around each village.
    let mut x: u64 = 2026;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let sites: Vec<MapSite> = (0..n)
        .map(|i| {
            let c = &references[i % references.len()].position;
            MapSite {
                number: i + 1,
                kind: HazardKind::ALL[(next() % 6) as usize],
                status: if next() % 2 == 0 {
                    HazardStatus::Open
                } else {
                    HazardStatus::Fixed
                },
                position: Position {
                    lat_e6: c.lat_e6 + (next() % 10_000) as i64 - 5_000,
                    lon_e6: c.lon_e6 + (next() % 10_000) as i64 - 5_000,
                },
            }
        })
        .collect();
    let mut times: Vec<Duration> = Vec::new();
    let mut bytes = 0;
    for _ in 0..20 {
        let t = Instant::now();
        let svg = draw("Bản đồ điểm nguy cơ — toàn xã", &references, &sites, true);
        times.push(t.elapsed());
        bytes = svg.len();
    }
    times.sort();
    println!(
        "hazard map: {n} sites, {} villages, {bytes} bytes of SVG; best {:.3} ms, median {:.3} ms (floor 100 ms)",
        references.len(),
        times[0].as_secs_f64() * 1e3,
        times[times.len() / 2].as_secs_f64() * 1e3
    );
}
