//! z-scores for a whole CSV file.
//!
//! Input columns (found by header name, in any order, case-insensitive;
//! other columns are ignored): `id`, `sex`, `age_days`, `weight_kg`,
//! `lenhei_cm` and, optionally, `measure`.
//!
//! * `sex`: `M`/`m`/`1`/`male` or `F`/`f`/`2`/`female`; empty = unknown (the
//!   row then gets no z-score at all, as in WHO's software).
//! * `age_days`: age in days; a fractional age is rounded half up; empty =
//!   unknown (only WFL/H is computed). From 1827 days no z-score is computed.
//! * `weight_kg`, `lenhei_cm`: numbers greater than 0; empty = missing.
//! * `measure`: `L` (lying) or `H` (standing), either case; empty = unknown.
//!
//! `NA` (any case) counts as empty. Anything else that does not fit, e.g. a
//! weight of `abc`, `-3`, `0` or `inf`, is an error naming the row and the
//! column; nothing is guessed.
//!
//! Output columns: [`OUTPUT_HEADER`]. The six input columns are copied as
//! they are; then `clenhei_cm` (corrected length, trailing zeros trimmed),
//! `bmi` and the four z-scores (not rounded, 9 decimals), `wflh_table`
//! (`wfl`/`wfh`), the four flags (`0`/`1`), `stunted` and `underweight`
//! (`0`/`1`, empty when the z-score is missing or flagged). A value that
//! cannot be computed is an empty cell.

use std::fmt::Write as _;
use std::io::{Read, Write};

use crate::{zscores_raw, Measure, RawMeasurement, Sex, ZScores};

/// Header of the output of [`zscores_csv`].
pub const OUTPUT_HEADER: [&str; 19] = [
    "id",
    "sex",
    "age_days",
    "weight_kg",
    "lenhei_cm",
    "measure",
    "clenhei_cm",
    "bmi",
    "z_lhfa",
    "z_wfa",
    "z_wflh",
    "z_bmi",
    "wflh_table",
    "flag_lhfa",
    "flag_wfa",
    "flag_wflh",
    "flag_bmi",
    "stunted",
    "underweight",
];

const REQUIRED: [&str; 5] = ["id", "sex", "age_days", "weight_kg", "lenhei_cm"];

/// Why a batch failed.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// Reading or writing the CSV failed (I/O error, malformed CSV, a row
    /// with the wrong number of fields...).
    #[error("CSV error: {0}")]
    Csv(#[from] csv::Error),
    /// Writing the output failed.
    #[error("cannot write output: {0}")]
    Io(#[from] std::io::Error),
    /// A required column is not in the header.
    #[error("the input has no `{0}` column (needed: id, sex, age_days, weight_kg, lenhei_cm; optional: measure)")]
    MissingColumn(&'static str),
    /// A value that is not what the column needs.
    #[error("row {row} (line {line}), column `{column}`: {message}: {value:?}")]
    BadValue {
        /// Data row, 1 for the first row after the header.
        row: u64,
        /// Line in the file, 1-based (the header is line 1).
        line: u64,
        column: &'static str,
        value: String,
        message: &'static str,
    },
}

/// Positions of the input columns.
struct Columns {
    id: usize,
    sex: usize,
    age: usize,
    weight: usize,
    lenhei: usize,
    measure: Option<usize>,
}

impl Columns {
    fn from_header(header: &csv::ByteRecord) -> Result<Self, BatchError> {
        let find = |name: &str| {
            header.iter().position(|h| {
                std::str::from_utf8(h)
                    .map(|h| {
                        h.trim()
                            .trim_start_matches('\u{feff}')
                            .eq_ignore_ascii_case(name)
                    })
                    .unwrap_or(false)
            })
        };
        let mut pos = [0usize; 5];
        for (p, name) in pos.iter_mut().zip(REQUIRED) {
            *p = find(name).ok_or(BatchError::MissingColumn(name))?;
        }
        Ok(Columns {
            id: pos[0],
            sex: pos[1],
            age: pos[2],
            weight: pos[3],
            lenhei: pos[4],
            measure: find("measure"),
        })
    }
}

/// Where a bad value sits, for error messages.
struct At {
    row: u64,
    line: u64,
}

impl At {
    fn bad(&self, column: &'static str, raw: &[u8], message: &'static str) -> BatchError {
        BatchError::BadValue {
            row: self.row,
            line: self.line,
            column,
            value: String::from_utf8_lossy(raw).into_owned(),
            message,
        }
    }
}

fn text<'a>(raw: &'a [u8], at: &At, column: &'static str) -> Result<&'a str, BatchError> {
    std::str::from_utf8(raw)
        .map(str::trim)
        .map_err(|_| at.bad(column, raw, "not valid UTF-8"))
}

fn is_missing(s: &str) -> bool {
    s.is_empty() || s.eq_ignore_ascii_case("na")
}

fn parse_sex(raw: &[u8], at: &At) -> Result<Option<Sex>, BatchError> {
    let s = text(raw, at, "sex")?;
    if is_missing(s) {
        return Ok(None);
    }
    match s {
        "M" | "m" | "1" => Ok(Some(Sex::Male)),
        "F" | "f" | "2" => Ok(Some(Sex::Female)),
        _ if s.eq_ignore_ascii_case("male") => Ok(Some(Sex::Male)),
        _ if s.eq_ignore_ascii_case("female") => Ok(Some(Sex::Female)),
        _ => Err(at.bad("sex", raw, "sex must be M, F, 1, 2, male, female or empty")),
    }
}

fn parse_measure(raw: &[u8], at: &At) -> Result<Option<Measure>, BatchError> {
    let s = text(raw, at, "measure")?;
    if is_missing(s) {
        return Ok(None);
    }
    match s {
        "L" | "l" => Ok(Some(Measure::Lying)),
        "H" | "h" => Ok(Some(Measure::Standing)),
        _ => Err(at.bad(
            "measure",
            raw,
            "measure must be L (lying), H (standing) or empty",
        )),
    }
}

fn parse_age(raw: &[u8], at: &At) -> Result<Option<u32>, BatchError> {
    let s = text(raw, at, "age_days")?;
    if is_missing(s) {
        return Ok(None);
    }
    if let Ok(d) = s.parse::<u32>() {
        return Ok(Some(d));
    }
    let x: f64 = s
        .parse()
        .map_err(|_| at.bad("age_days", raw, "age_days is not a number"))?;
    if !x.is_finite() || x < 0.0 {
        return Err(at.bad(
            "age_days",
            raw,
            "age_days must be a finite number of days ≥ 0",
        ));
    }
    // WHO rounds a fractional age in days half up. Ages beyond u32 get no
    // z-score either way.
    Ok(Some((x + 0.5).floor().min(u32::MAX as f64) as u32))
}

fn parse_positive(raw: &[u8], at: &At, column: &'static str) -> Result<Option<f64>, BatchError> {
    let s = text(raw, at, column)?;
    if is_missing(s) {
        return Ok(None);
    }
    let x: f64 = s.parse().map_err(|_| at.bad(column, raw, "not a number"))?;
    if !x.is_finite() || x <= 0.0 {
        return Err(at.bad(column, raw, "must be a finite number greater than 0"));
    }
    Ok(Some(x))
}

fn parse_row(
    rec: &csv::ByteRecord,
    cols: &Columns,
    row: u64,
) -> Result<RawMeasurement, BatchError> {
    let at = At {
        row,
        line: rec.position().map_or(row + 1, |p| p.line()),
    };
    let field = |i: usize| rec.get(i).unwrap_or(b"");
    Ok(RawMeasurement {
        sex: parse_sex(field(cols.sex), &at)?,
        age_days: parse_age(field(cols.age), &at)?,
        weight_kg: parse_positive(field(cols.weight), &at, "weight_kg")?,
        lenhei_cm: parse_positive(field(cols.lenhei), &at, "lenhei_cm")?,
        measure: match cols.measure {
            Some(i) => parse_measure(field(i), &at)?,
            None => None,
        },
    })
}

fn reader<R: Read>(input: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(input)
}

/// Read the measurements of a CSV as [`zscores_csv`] does, without computing:
/// `(id, measurement)` per row, in order.
pub fn read_measurements<R: Read>(input: R) -> Result<Vec<(String, RawMeasurement)>, BatchError> {
    let mut rdr = reader(input);
    let cols = Columns::from_header(rdr.byte_headers()?)?;
    let mut rec = csv::ByteRecord::new();
    let mut out = Vec::new();
    let mut row = 0u64;
    while rdr.read_byte_record(&mut rec)? {
        row += 1;
        let m = parse_row(&rec, &cols, row)?;
        let id = String::from_utf8_lossy(rec.get(cols.id).unwrap_or(b"")).into_owned();
        out.push((id, m));
    }
    Ok(out)
}

/// Compute the z-scores of every row of `input` and write them to `output`
/// (see the module documentation for the columns). Returns the number of
/// data rows. Stops at the first bad row, with an error naming it.
pub fn zscores_csv<R: Read, W: Write>(input: R, output: W) -> Result<usize, BatchError> {
    let mut rdr = reader(input);
    let cols = Columns::from_header(rdr.byte_headers()?)?;
    let mut wtr = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(output);
    wtr.write_record(OUTPUT_HEADER)?;

    let mut rec = csv::ByteRecord::new();
    let mut buf = String::with_capacity(256);
    let mut ends = [0usize; 13];
    let mut row = 0u64;
    while rdr.read_byte_record(&mut rec)? {
        row += 1;
        let m = parse_row(&rec, &cols, row)?;
        let z = zscores_raw(&m);

        let field = |i: usize| rec.get(i).unwrap_or(b"");
        wtr.write_field(field(cols.id))?;
        wtr.write_field(field(cols.sex))?;
        wtr.write_field(field(cols.age))?;
        wtr.write_field(field(cols.weight))?;
        wtr.write_field(field(cols.lenhei))?;
        wtr.write_field(cols.measure.map_or(&b""[..], field))?;

        format_outputs(&z, &mut buf, &mut ends);
        let mut start = 0;
        for &end in &ends {
            wtr.write_field(&buf.as_bytes()[start..end])?;
            start = end;
        }
        wtr.write_record(None::<&[u8]>)?;
    }
    wtr.flush()?;
    Ok(row as usize)
}

/// Write the 13 computed cells into `buf`, one after the other; `ends[i]` is
/// where cell `i` ends.
fn format_outputs(z: &ZScores, buf: &mut String, ends: &mut [usize; 13]) {
    buf.clear();
    let mut i = 0;
    let mut end = |buf: &String, i: &mut usize| {
        ends[*i] = buf.len();
        *i += 1;
    };
    if let Some(c) = z.clenhei_cm {
        write_trimmed(buf, c);
    }
    end(buf, &mut i);
    for v in [z.bmi, z.lhfa, z.wfa, z.wflh, z.bmi_for_age] {
        if let Some(v) = v {
            write_fixed9(buf, v);
        }
        end(buf, &mut i);
    }
    if let Some(t) = z.wflh_table {
        buf.push_str(t.as_str());
    }
    end(buf, &mut i);
    for (v, f) in [
        (z.lhfa, z.flag_lhfa),
        (z.wfa, z.flag_wfa),
        (z.wflh, z.flag_wflh),
        (z.bmi_for_age, z.flag_bmi),
    ] {
        if v.is_some() {
            buf.push(if f { '1' } else { '0' });
        }
        end(buf, &mut i);
    }
    for v in [z.stunted(), z.underweight()] {
        if let Some(b) = v {
            buf.push(if b { '1' } else { '0' });
        }
        end(buf, &mut i);
    }
    debug_assert_eq!(i, 13);
}

/// `x` with 9 decimals, exactly as `format!("{x:.9}")` (the binary value
/// correctly rounded), but several times faster: `x·10⁹` is rounded directly
/// unless it lies so close to a .5 tie that its own rounding error matters,
/// where the exact formatter decides.
fn write_fixed9(buf: &mut String, x: f64) {
    let scaled = x * 1e9;
    let dist_to_tie = ((scaled - scaled.trunc()).abs() - 0.5).abs();
    if !(scaled.abs() < 1e15 && dist_to_tie > scaled.abs() * 4.0 * f64::EPSILON) {
        let _ = write!(buf, "{x:.9}");
        return;
    }
    let r = scaled.abs().round() as u64;
    let mut digits = [0u8; 24];
    let mut i = digits.len();
    let mut v = r;
    // At least "0." and 9 decimals: 10 digits.
    while v > 0 || digits.len() - i < 10 {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    if x.is_sign_negative() {
        buf.push('-');
    }
    let int_end = digits.len() - 9;
    // The digits are ASCII.
    buf.push_str(std::str::from_utf8(&digits[i..int_end]).unwrap_or("0"));
    buf.push('.');
    buf.push_str(std::str::from_utf8(&digits[int_end..]).unwrap_or("000000000"));
}

/// `x` with 9 decimals, trailing zeros (and a trailing point) removed:
/// `85.9`, `108`, `109.68`.
fn write_trimmed(buf: &mut String, x: f64) {
    let start = buf.len();
    write_fixed9(buf, x);
    if buf[start..].contains('.') {
        let trimmed = buf[start..]
            .trim_end_matches('0')
            .trim_end_matches('.')
            .len();
        buf.truncate(start + trimmed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &str) -> Result<String, BatchError> {
        let mut out = Vec::new();
        zscores_csv(input.as_bytes(), &mut out)?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn fixed9_matches_std_formatting() {
        let mut state = 0x2006u64;
        let check = |x: f64| {
            let mut s = String::new();
            write_fixed9(&mut s, x);
            assert_eq!(s, format!("{x:.9}"), "{x:e}");
        };
        for x in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5e-9,
            1.5e-9,
            2.5e-9,
            -0.4e-9,
            123.456,
            1e14,
            2e15,
            f64::NAN,
        ] {
            check(x);
        }
        for _ in 0..200_000 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            let e = ((state >> 3) % 16) as i32 - 10;
            check((u - 0.5) * 10f64.powi(e));
            // Values with few decimals land near 9-decimal ties.
            check(((u - 0.5) * 1e7).round() / 1e4 + 5e-10);
        }
    }

    #[test]
    fn trims_length() {
        let mut s = String::new();
        write_trimmed(&mut s, 110.38 - 0.7);
        assert_eq!(s, "109.68");
        s.clear();
        write_trimmed(&mut s, 108.0);
        assert_eq!(s, "108");
    }

    #[test]
    fn columns_in_any_order_and_extra_columns() {
        let out =
            run("measure,extra,lenhei_cm,weight_kg,age_days,sex,id\nL,x,85.9,13.30,730,M,1\n")
                .unwrap();
        let mut lines = out.lines();
        assert_eq!(lines.next().unwrap(), OUTPUT_HEADER.join(","));
        assert_eq!(
            lines.next().unwrap(),
            "1,M,730,13.30,85.9,L,85.9,18.024586620,-0.622596959,0.792361064,1.518276486,1.673048887,wfl,0,0,0,0,0,0"
        );
    }

    #[test]
    fn measure_column_is_optional() {
        let out = run("id,sex,age_days,weight_kg,lenhei_cm\n7,F,720,12.27,84.5\n").unwrap();
        assert!(out
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("7,F,720,12.27,84.5,,84.5,"));
    }

    #[test]
    fn bad_values_name_row_and_column() {
        let err =
            run("id,sex,age_days,weight_kg,lenhei_cm,measure\n1,M,10,3.1,50,L\n2,M,10,abc,50,L\n")
                .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("row 2") && msg.contains("line 3") && msg.contains("weight_kg"),
            "{msg}"
        );
        for (line, col) in [
            ("1,X,10,3,50,L", "sex"),
            ("1,M,-1,3,50,L", "age_days"),
            ("1,M,10,0,50,L", "weight_kg"),
            ("1,M,10,3,inf,L", "lenhei_cm"),
            ("1,M,10,3,NaN,L", "lenhei_cm"),
            ("1,M,10,3,50,S", "measure"),
        ] {
            let err = run(&format!(
                "id,sex,age_days,weight_kg,lenhei_cm,measure\n{line}\n"
            ))
            .unwrap_err();
            match err {
                BatchError::BadValue { column, row, .. } => {
                    assert_eq!((column, row), (col, 1), "{line}");
                }
                other => panic!("{line}: {other}"),
            }
        }
    }

    #[test]
    fn missing_column_and_ragged_rows() {
        assert!(matches!(
            run("id,sex,age_days,weight_kg\n1,M,1,3\n"),
            Err(BatchError::MissingColumn("lenhei_cm"))
        ));
        assert!(matches!(
            run("id,sex,age_days,weight_kg,lenhei_cm\n1,M,1\n"),
            Err(BatchError::Csv(_))
        ));
    }

    #[test]
    fn empty_and_na_are_missing() {
        let out =
            run("id,sex,age_days,weight_kg,lenhei_cm,measure\n1,,NA,,,\n2,M,NA,NA,na,\n").unwrap();
        let rows: Vec<&str> = out.lines().skip(1).collect();
        assert_eq!(
            rows,
            ["1,,NA,,,,,,,,,,,,,,,,", "2,M,NA,NA,na,,,,,,,,,,,,,,"]
        );
    }
}
