//! A [`ReportDoc`] as DOCX (docx-rs), in the layout of Decree 30/2020: A4 portrait; margins
//! top and bottom 20 mm, left 30 mm, right 15 mm (the low end of each range, so the wide table
//! has room); Times New Roman 13 pt in the body; the two-column heading and the bottom block as
//! tables without borders; the target table ruled, its heading row repeated on every page.
use crate::content::{ReportDoc, SignatureDoc, CHANGE_COLUMNS, TARGET_COLUMNS};
use crate::DocumentError;
use docx_rs::{
    AlignmentType, LineSpacing, Paragraph, Run, SpecialIndentType, Table, TableLayoutType,
    TableRow, WidthType,
};

use crate::decree30::{cell, page, run, spacing, text_width, tw};

/// Sizes in half-points: body 13 pt, heading 13 pt, table 11 pt.
const BODY: usize = 26;
const HEAD: usize = 26;
const TABLE: usize = 22;
const RECEIVERS: usize = 22;

fn para(r: Run, align: AlignmentType, after: u32) -> Paragraph {
    Paragraph::new()
        .add_run(r)
        .align(align)
        .line_spacing(spacing(after))
}

fn centred(r: Run) -> Paragraph {
    para(r, AlignmentType::Center, 0)
}

fn body(text: &str) -> Paragraph {
    crate::decree30::body(text, BODY)
}

fn borderless(left: Vec<Paragraph>, right: Vec<Paragraph>, left_pct: usize) -> Table {
    let w = text_width();
    let l = w * left_pct / 100;
    let r = w - l;
    Table::without_borders(vec![
        TableRow::new(vec![cell(left, l), cell(right, r)]).cant_split()
    ])
    .set_grid(vec![l, r])
    .width(w, WidthType::Dxa)
    .layout(TableLayoutType::Fixed)
}

/// Quốc hiệu, tiêu ngữ and the date right; the issuer and the number left.
fn heading(doc: &ReportDoc) -> Table {
    let h = &doc.heading;
    let left = vec![
        centred(run(&h.issuer, HEAD).bold()),
        para(run("────────", HEAD), AlignmentType::Center, 60),
        centred(run(&h.number, HEAD)),
    ];
    let right = vec![
        centred(run(h.nation, HEAD - 2).bold()),
        centred(run(h.motto, BODY).bold()),
        para(run("───────────────", HEAD), AlignmentType::Center, 60),
        centred(run(&h.place_date, BODY).italic()),
    ];
    borderless(left, right, 38)
}

/// A ruled table with a bold heading row that repeats on each page.
fn ruled(head: &[&str], rows: &[Vec<String>], widths_pct: &[usize]) -> Table {
    let w = text_width();
    let widths: Vec<usize> = widths_pct.iter().map(|p| w * p / 100).collect();
    let row = |cells: &[String], bold: bool| {
        TableRow::new(
            cells
                .iter()
                .enumerate()
                .map(|(i, text)| {
                    let mut r = run(text, TABLE);
                    if bold {
                        r = r.bold();
                    }
                    let align = if bold {
                        AlignmentType::Center
                    } else {
                        AlignmentType::Left
                    };
                    cell(vec![para(r, align, 0)], widths[i])
                })
                .collect(),
        )
        .cant_split()
    };
    let head: Vec<String> = head.iter().map(|s| s.to_string()).collect();
    let mut all = vec![row(&head, true)];
    all.extend(rows.iter().map(|r| row(r, false)));
    Table::new(all)
        .set_grid(widths)
        .width(w, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
}

fn target_table(doc: &ReportDoc) -> Table {
    let rows: Vec<Vec<String>> = doc
        .targets
        .iter()
        .map(|t| {
            vec![
                format!("{}. {}", t.number, t.measure),
                t.plan_value.clone(),
                t.result.clone(),
                t.status.to_string(),
                t.agency.clone(),
                t.note.clone(),
            ]
        })
        .collect();
    ruled(&TARGET_COLUMNS, &rows, &[30, 13, 17, 11, 15, 14])
}

fn change_table(doc: &ReportDoc) -> Table {
    let rows: Vec<Vec<String>> = doc
        .changes
        .iter()
        .map(|c| {
            vec![
                format!("{}. {}", c.number, c.measure),
                c.numerator.clone(),
                c.denominator.clone(),
                c.value.clone(),
                c.status.clone(),
            ]
        })
        .collect();
    ruled(&CHANGE_COLUMNS, &rows, &[36, 14, 14, 16, 20])
}

/// "Nơi nhận" left; the signer right, kept on one page with what precedes it.
fn signature(s: &SignatureDoc) -> Table {
    let mut left =
        vec![para(run("Nơi nhận:", 24).bold().italic(), AlignmentType::Left, 0).keep_next(true)];
    left.extend(
        s.receivers
            .iter()
            .map(|r| para(run(r, RECEIVERS), AlignmentType::Left, 0).keep_next(true)),
    );
    let mut right: Vec<Paragraph> = s
        .titles
        .iter()
        .map(|t| centred(run(t, BODY).bold()).keep_next(true))
        .collect();
    // Room for the signature and the seal.
    for _ in 0..4 {
        right.push(Paragraph::new().line_spacing(spacing(0)).keep_next(true));
    }
    right.push(centred(run(&s.name, BODY).bold()));
    borderless(left, right, 50)
}

fn heading_line(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, BODY).bold())
        .align(AlignmentType::Both)
        .line_spacing(LineSpacing::new().before(120).after(60))
        .keep_next(true)
}

/// The DOCX bytes of the report.
pub fn render(doc: &ReportDoc) -> Result<Vec<u8>, DocumentError> {
    let mut d = page(BODY)
        .add_table(heading(doc))
        .add_paragraph(
            Paragraph::new()
                .add_run(run(doc.kind, 28).bold())
                .align(AlignmentType::Center)
                .line_spacing(LineSpacing::new().before(360).after(0)),
        )
        .add_paragraph(centred(run(&doc.title, 28).bold()))
        .add_paragraph(para(run("────────", BODY), AlignmentType::Center, 120));
    if let Some(a) = &doc.amends {
        d = d.add_paragraph(centred(run(a, BODY).italic()));
    }
    d = d
        .add_paragraph(body(&doc.period))
        .add_paragraph(heading_line("I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU"))
        .add_table(target_table(doc))
        .add_paragraph(Paragraph::new().line_spacing(spacing(120)))
        .add_paragraph(heading_line("II. KẾT QUẢ THỰC HIỆN CỦA CÁC CƠ QUAN"));
    for (i, s) in doc.sections.iter().enumerate() {
        d = d.add_paragraph(heading_line(&format!("{}. {}", i + 1, s.agency)));
        if !s.lines.is_empty() {
            d = d.add_paragraph(
                Paragraph::new()
                    .add_run(run(&format!("{}:", crate::content::LINES_HEADING), BODY).italic())
                    .line_spacing(spacing(120)),
            );
            for (label, value) in &s.lines {
                d = d.add_paragraph(
                    Paragraph::new()
                        .add_run(run(&format!("- {label}: {value}"), BODY))
                        .align(AlignmentType::Both)
                        .indent(Some(tw(10.0)), None, None, None)
                        .line_spacing(spacing(120)),
                );
            }
        }
        for (h, text) in &s.parts {
            d = d.add_paragraph(
                Paragraph::new()
                    .add_run(run(&format!("{h}: "), BODY).italic())
                    .add_run(run(text, BODY))
                    .align(AlignmentType::Both)
                    .indent(
                        None,
                        Some(SpecialIndentType::FirstLine(tw(10.0))),
                        None,
                        None,
                    )
                    .line_spacing(spacing(120)),
            );
        }
    }
    if !doc.changes.is_empty() {
        d = d
            .add_paragraph(heading_line("III. CÁC SỐ LIỆU THAY ĐỔI"))
            .add_table(change_table(doc))
            .add_paragraph(Paragraph::new().line_spacing(spacing(120)));
    }
    d = d
        .add_paragraph(body("./.").keep_next(true))
        .add_table(signature(&doc.signature));
    let mut out = std::io::Cursor::new(Vec::new());
    d.build()
        .pack(&mut out)
        .map_err(|e| DocumentError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}
