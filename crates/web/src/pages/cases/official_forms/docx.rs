//! A [`FormDoc`] as a DOCX file (docx-rs): A4, the margins of Nghị định 30/2020 (top and bottom
//! 20 mm, left 30 mm, right 15 mm), Times New Roman 14 pt, the two-column heading as a table
//! without borders, the ratings and measures as ruled tables.
use super::doc::{Block, FormDoc, FormTable, Signature, SIGN_NOTE};
use docx_rs::{
    AlignmentType, Docx, LineSpacing, Paragraph, SpecialIndentType, Table, TableLayoutType,
    TableRow, WidthType,
};

use treem_reports::decree30::{cell, page, run, spacing, text_width, tw};

/// Sizes in half-points.
const BODY: usize = 28;
const HEAD: usize = 24;

fn line(text: &str, size: usize, align: AlignmentType) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, size))
        .align(align)
        .line_spacing(spacing(0))
}

fn bold_line(text: &str, size: usize, align: AlignmentType) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, size).bold())
        .align(align)
        .line_spacing(spacing(0))
}

fn body(text: &str) -> Paragraph {
    treem_reports::decree30::body(text, BODY)
}

/// The heading: the issuing body and number left, Quốc hiệu, Tiêu ngữ and the date right.
fn heading(doc: &FormDoc) -> Table {
    let w = text_width();
    let left = w * 38 / 100;
    let right = w - left;
    let c = AlignmentType::Center;
    let org = cell(
        vec![
            bold_line(&doc.org[0], HEAD, c),
            Paragraph::new()
                .add_run(run(&doc.org[1], HEAD).bold().underline("single"))
                .align(c)
                .line_spacing(spacing(120)),
            line(&doc.number, HEAD, c),
        ],
        left,
    );
    let nation = cell(
        vec![
            bold_line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", HEAD, c),
            Paragraph::new()
                .add_run(
                    run("Độc lập - Tự do - Hạnh phúc", BODY)
                        .bold()
                        .underline("single"),
                )
                .align(c)
                .line_spacing(spacing(120)),
            Paragraph::new()
                .add_run(run(&doc.place_date, BODY).italic())
                .align(c)
                .line_spacing(spacing(0)),
        ],
        right,
    );
    Table::without_borders(vec![TableRow::new(vec![org, nation])])
        .set_grid(vec![left, right])
        .width(w, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
}

fn table(t: &FormTable) -> Table {
    let w = text_width();
    let cols = t.kind.columns();
    let widths: Vec<usize> = cols.iter().map(|(p, _)| w * *p as usize / 100).collect();
    let row = |cells: &[String], bold: bool, head: bool| {
        TableRow::new(
            cells
                .iter()
                .enumerate()
                .map(|(i, text)| {
                    let centred = head || cols.get(i).is_some_and(|c| c.1);
                    let mut r = run(text, 26);
                    if bold {
                        r = r.bold();
                    }
                    let p = Paragraph::new()
                        .add_run(r)
                        .align(if centred {
                            AlignmentType::Center
                        } else {
                            AlignmentType::Left
                        })
                        .line_spacing(spacing(0));
                    cell(vec![p], widths.get(i).copied().unwrap_or(w / cells.len()))
                })
                .collect(),
        )
    };
    let mut rows = vec![row(&t.head, true, true)];
    rows.extend(t.rows.iter().map(|r| row(r, false, false)));
    if let Some(total) = &t.total {
        rows.push(row(total, true, false));
    }
    Table::new(rows)
        .set_grid(widths)
        .width(w, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
}

fn signature(s: &Signature) -> Table {
    let w = text_width();
    let left = w / 2;
    let right = w - left;
    let c = AlignmentType::Center;
    let recipients: Vec<Paragraph> = if s.recipients.is_empty() {
        vec![Paragraph::new()]
    } else {
        s.recipients
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let p = Paragraph::new().line_spacing(spacing(0));
                if i == 0 {
                    p.add_run(run(r, 24).bold().italic())
                } else {
                    p.add_run(run(r, 22))
                }
            })
            .collect()
    };
    let mut signer: Vec<Paragraph> = s
        .titles
        .iter()
        .map(|t| bold_line(t, BODY, c).keep_next(true))
        .collect();
    signer.push(
        Paragraph::new()
            .add_run(run(SIGN_NOTE, BODY).italic())
            .align(c)
            .line_spacing(spacing(0))
            .keep_next(true),
    );
    // Room for the signature.
    for _ in 0..4 {
        signer.push(Paragraph::new().line_spacing(spacing(0)).keep_next(true));
    }
    signer.push(bold_line(&s.name, BODY, c));
    // One row that never splits: the block is never cut across two pages.
    Table::without_borders(vec![TableRow::new(vec![
        cell(recipients, left),
        cell(signer, right),
    ])
    .cant_split()])
    .set_grid(vec![left, right])
    .width(w, WidthType::Dxa)
    .layout(TableLayoutType::Fixed)
}

/// The DOCX bytes of a form.
pub fn render(doc: &FormDoc) -> Result<Vec<u8>, String> {
    // The lines just before the signature stay on its page (Mẫu 04's block fell alone onto
    // page 2): each block before a signature keeps with the next one.
    let d = doc.blocks.iter().enumerate().fold(top(doc), |d, (i, b)| {
        let keep = matches!(doc.blocks.get(i + 1), Some(Block::Signature(_)));
        add_block(d, b, keep)
    });
    let mut out = std::io::Cursor::new(Vec::new());
    d.pack(&mut out).map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}

/// The page, the form's number, the heading, the title.
fn top(doc: &FormDoc) -> Docx {
    let mut d = page(BODY)
        .add_paragraph(
            Paragraph::new()
                .add_run(run(&doc.form_label(), 24).italic())
                .align(AlignmentType::Right)
                .line_spacing(spacing(60)),
        )
        .add_table(heading(doc))
        .add_paragraph(Paragraph::new().line_spacing(spacing(0)));
    if doc.draft {
        d = d.add_paragraph(bold_line("DỰ THẢO", BODY, AlignmentType::Right));
    }
    d = d.add_paragraph(
        Paragraph::new()
            .add_run(run(&doc.title, BODY).bold())
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().before(240).after(0)),
    );
    if let Some(s) = &doc.subtitle {
        d = d.add_paragraph(bold_line(s, BODY, AlignmentType::Center));
    }
    d.add_paragraph(Paragraph::new().line_spacing(spacing(120)))
}

/// One block of the body; `keep`: kept on the same page as the block after it.
fn add_block(d: Docx, b: &Block, keep: bool) -> Docx {
    let k = |p: Paragraph| p.keep_next(keep).keep_lines(keep);
    match b {
        Block::Heading(t) => d.add_paragraph(k(Paragraph::new()
            .add_run(run(t, BODY).bold())
            .align(AlignmentType::Both)
            .line_spacing(LineSpacing::new().before(120).after(60)))),
        Block::Paragraph(t) => d.add_paragraph(k(body(t))),
        Block::Italic(t) => d.add_paragraph(k(Paragraph::new()
            .add_run(run(t, BODY).italic())
            .align(AlignmentType::Both)
            .indent(
                None,
                Some(SpecialIndentType::FirstLine(tw(10.0))),
                None,
                None,
            )
            .line_spacing(spacing(60)))),
        Block::Centered(t) => d.add_paragraph(k(Paragraph::new()
            .add_run(run(t, BODY).bold())
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().before(120).after(120)))),
        Block::Field(label, value) => {
            let mut p = Paragraph::new()
                .add_run(run(&format!("{label}: "), BODY))
                .align(AlignmentType::Both)
                .line_spacing(spacing(60));
            if !value.is_empty() {
                p = p.add_run(run(value, BODY));
            }
            d.add_paragraph(k(p))
        }
        Block::Bullets(items) => items.iter().fold(d, |d, i| d.add_paragraph(k(bullet(i)))),
        Block::Table(t) => d
            .add_table(table(t))
            .add_paragraph(Paragraph::new().line_spacing(spacing(60))),
        Block::Signature(s) => d
            .add_paragraph(Paragraph::new().line_spacing(spacing(120)).keep_next(true))
            .add_table(signature(s)),
    }
}

/// "- item", hanging.
fn bullet(i: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(&format!("- {i}"), BODY))
        .align(AlignmentType::Both)
        .indent(
            Some(tw(10.0)),
            Some(SpecialIndentType::Hanging(tw(4.0))),
            None,
            None,
        )
        .line_spacing(spacing(60))
}
