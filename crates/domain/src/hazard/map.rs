//! The hazard map with no internet (bản đồ điểm nguy cơ, không cần mạng): an SVG drawn from the
//! sites' positions and the villages' (from `data/village-positions-sinh-phinh.toml`, marked
//! approximate), the villages as labelled reference points, a scale bar and a legend. No tile
//! server, no script: it prints and opens offline like any page.
use super::{HazardKind, HazardStatus, Position};
use serde::Deserialize;
use std::fmt::Write;

/// The villages' positions shipped with treem (approximate).
pub const EMBEDDED: &str = include_str!("../../data/village-positions-sinh-phinh.toml");

/// A village's position as the data file gives it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct VillagePosition {
    pub code: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

/// The data file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct VillagePositions {
    /// The positions are estimates, not surveyed: the map says so.
    #[serde(default)]
    pub approximate: bool,
    #[serde(default, rename = "village")]
    pub villages: Vec<VillagePosition>,
}

impl VillagePositions {
    pub fn from_toml(text: &str) -> Result<VillagePositions, String> {
        let v: VillagePositions = toml::from_str(text).map_err(|e| e.to_string())?;
        for p in &v.villages {
            let pos = Position::parse(&p.lat.to_string(), &p.lon.to_string());
            if pos.is_err() {
                return Err(format!("thôn {}: tọa độ nằm ngoài Việt Nam", p.code));
            }
        }
        Ok(v)
    }

    /// The embedded file (checked by a test).
    pub fn embedded() -> VillagePositions {
        Self::from_toml(EMBEDDED).unwrap_or(VillagePositions {
            approximate: true,
            villages: Vec::new(),
        })
    }

    /// The position of the village with this code.
    pub fn of(&self, code: &str) -> Option<Position> {
        self.villages
            .iter()
            .find(|v| v.code == code)
            .map(|v| Position::from_degrees(v.lat, v.lon))
    }
}

/// A labelled reference point: a village.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub name: String,
    pub position: Position,
}

/// A site on the map: its number in the printed list beside the map, kind, status, position.
#[derive(Debug, Clone, PartialEq)]
pub struct MapSite {
    pub number: usize,
    pub kind: HazardKind,
    pub status: HazardStatus,
    pub position: Position,
}

/// Width of the drawing in its own units; the height follows the area's shape.
const WIDTH: f64 = 1000.0;
const MARGIN: f64 = 50.0;
/// Metres in a degree of latitude.
const METRES_PER_DEGREE: f64 = 111_320.0;

fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// The map: every site and reference within the drawing, north up, distances true in both
/// directions (longitude shrunk by the cosine of the latitude). `approximate` adds the note
/// that the villages' positions are estimates.
pub fn draw(title: &str, references: &[Reference], sites: &[MapSite], approximate: bool) -> String {
    let points = references
        .iter()
        .map(|r| r.position)
        .chain(sites.iter().map(|s| s.position));
    let (mut min_lat, mut max_lat, mut min_lon, mut max_lon) =
        (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for p in points {
        min_lat = min_lat.min(p.lat());
        max_lat = max_lat.max(p.lat());
        min_lon = min_lon.min(p.lon());
        max_lon = max_lon.max(p.lon());
    }
    if min_lat > max_lat {
        // Nothing to draw: a small square around Sính Phình's centre.
        (min_lat, max_lat, min_lon, max_lon) = (21.79, 21.81, 103.39, 103.41);
    }
    // At least ~1 km across, so that one site alone is not a point blown up.
    let pad = 0.005;
    if max_lat - min_lat < 2.0 * pad {
        let c = (max_lat + min_lat) / 2.0;
        (min_lat, max_lat) = (c - pad, c + pad);
    }
    if max_lon - min_lon < 2.0 * pad {
        let c = (max_lon + min_lon) / 2.0;
        (min_lon, max_lon) = (c - pad, c + pad);
    }
    let shrink = ((min_lat + max_lat) / 2.0).to_radians().cos();
    let span_x = (max_lon - min_lon) * shrink;
    let span_y = max_lat - min_lat;
    let scale = (WIDTH - 2.0 * MARGIN) / span_x.max(span_y * 0.75);
    let height = span_y * scale + 2.0 * MARGIN + 70.0;
    let x = |p: Position| MARGIN + (p.lon() - min_lon) * shrink * scale;
    let y = |p: Position| MARGIN + (max_lat - p.lat()) * scale;

    let mut s = String::with_capacity(600 + 160 * (sites.len() + references.len()));
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH:.0} {height:.0}\" \
         class=\"hazard-map\" role=\"img\" aria-label=\""
    );
    escape(title, &mut s);
    s.push_str("\"><title>");
    escape(title, &mut s);
    let _ = write!(
        s,
        "</title><rect x=\"0\" y=\"0\" width=\"{WIDTH:.0}\" height=\"{height:.0}\" fill=\"#fff\" stroke=\"#999\"/>"
    );
    // North arrow.
    let _ = write!(
        s,
        "<g font-family=\"sans-serif\" font-size=\"14\"><path d=\"M{a} 14 l8 22 h-16 z\" fill=\"#333\"/>\
         <text x=\"{a}\" y=\"50\" text-anchor=\"middle\">B</text></g>",
        a = WIDTH - 30.0
    );
    // Villages: grey squares with their names.
    s.push_str("<g class=\"villages\" font-family=\"sans-serif\" font-size=\"13\" fill=\"#444\">");
    for r in references {
        let (px, py) = (x(r.position), y(r.position));
        let _ = write!(
            s,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"9\" height=\"9\" fill=\"#777\"/><text x=\"{:.1}\" y=\"{:.1}\">",
            px - 4.5,
            py - 4.5,
            px + 8.0,
            py - 6.0
        );
        escape(&r.name, &mut s);
        s.push_str("</text>");
    }
    s.push_str("</g>");
    // Sites: a circle, red when open, green when fixed, the kind's letter in it and the
    // number of the list beside it.
    s.push_str(
        "<g class=\"sites\" font-family=\"sans-serif\" font-size=\"11\" text-anchor=\"middle\">",
    );
    for site in sites {
        let (px, py) = (x(site.position), y(site.position));
        let fill = match site.status {
            HazardStatus::Open => "#c62828",
            HazardStatus::Fixed => "#2e7d32",
        };
        let _ = write!(
            s,
            "<g><title>{n}. {k} — {st}</title><circle cx=\"{px:.1}\" cy=\"{py:.1}\" r=\"8\" fill=\"{fill}\" stroke=\"#000\" stroke-width=\"0.6\"/>\
             <text x=\"{px:.1}\" y=\"{ty:.1}\" fill=\"#fff\" font-weight=\"bold\">{l}</text>\
             <text x=\"{nx:.1}\" y=\"{ny:.1}\" fill=\"#000\">{n}</text></g>",
            n = site.number,
            k = site.kind.label_vi(),
            st = site.status.label_vi(),
            l = site.kind.letter(),
            ty = py + 4.0,
            nx = px + 14.0,
            ny = py + 14.0,
        );
    }
    s.push_str("</g>");
    // Scale bar: a round number of metres about a fifth of the width.
    let metres_per_unit = METRES_PER_DEGREE / scale;
    let target = (WIDTH / 5.0) * metres_per_unit;
    let bar_m = [
        100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0, 20000.0, 50000.0,
    ]
    .into_iter()
    .rev()
    .find(|m| *m <= target)
    .unwrap_or(100.0);
    let bar = bar_m / metres_per_unit;
    let base = height - 40.0;
    let bar_text = if bar_m >= 1000.0 {
        format!("{} km", bar_m / 1000.0)
    } else {
        format!("{bar_m} m")
    };
    let _ = write!(
        s,
        "<g font-family=\"sans-serif\" font-size=\"13\"><path d=\"M{MARGIN} {base:.1} h{bar:.1}\" stroke=\"#000\" stroke-width=\"3\"/>\
         <text x=\"{MARGIN}\" y=\"{t:.1}\">{bar_text}</text>",
        t = base + 18.0
    );
    // Legend.
    let lx = MARGIN + bar + 40.0;
    let _ = write!(
        s,
        "<circle cx=\"{lx:.1}\" cy=\"{base:.1}\" r=\"7\" fill=\"#c62828\"/><text x=\"{a:.1}\" y=\"{b:.1}\">Chưa khắc phục</text>\
         <circle cx=\"{c:.1}\" cy=\"{base:.1}\" r=\"7\" fill=\"#2e7d32\"/><text x=\"{d:.1}\" y=\"{b:.1}\">Đã khắc phục</text>\
         <rect x=\"{e:.1}\" y=\"{f:.1}\" width=\"9\" height=\"9\" fill=\"#777\"/><text x=\"{g:.1}\" y=\"{b:.1}\">Thôn, bản{approx}</text>",
        a = lx + 12.0,
        b = base + 5.0,
        c = lx + 140.0,
        d = lx + 152.0,
        e = lx + 270.0,
        f = base - 4.5,
        g = lx + 284.0,
        approx = if approximate { " (vị trí ước lượng)" } else { "" },
    );
    let letters: Vec<String> = HazardKind::ALL
        .iter()
        .map(|k| format!("{} = {}", k.letter(), k.label_vi()))
        .collect();
    let _ = write!(s, "<text x=\"{MARGIN}\" y=\"{:.1}\">", base + 34.0);
    escape(&letters.join(" · "), &mut s);
    s.push_str("</text></g></svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_positions_read_and_are_marked_approximate() {
        let v = VillagePositions::from_toml(EMBEDDED).unwrap();
        assert!(v.approximate);
        assert_eq!(v.villages.len(), 18);
        assert!(v.of("SP01").is_some());
    }

    #[test]
    fn the_map_draws_each_site_and_village_and_escapes_names() {
        let refs = vec![Reference {
            name: "Thôn <A> & B".into(),
            position: Position::from_degrees(21.8, 103.4),
        }];
        let sites: Vec<MapSite> = (1..=3)
            .map(|n| MapSite {
                number: n,
                kind: HazardKind::Pond,
                status: if n == 1 {
                    HazardStatus::Fixed
                } else {
                    HazardStatus::Open
                },
                position: Position::from_degrees(21.8 + n as f64 * 0.001, 103.4),
            })
            .collect();
        let svg = draw("Bản đồ", &refs, &sites, true);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<circle cx").count(), 3 + 2);
        assert!(svg.contains("Thôn &lt;A&gt; &amp; B"));
        assert!(svg.contains("vị trí ước lượng"));
        // Nothing at all still draws.
        assert!(draw("Trống", &[], &[], false).contains("</svg>"));
    }
}
