//! The page of every official document treem writes as DOCX (Nghị định 30/2020/NĐ-CP): A4
//! portrait; margins top and bottom 20 mm, left 30 mm, right 15 mm (the low end of each range,
//! so wide tables have room); Times New Roman. The reports and the case forms (Mẫu 01–06) both
//! build on these, so a change to the decree's page is made once.
use docx_rs::{
    AlignmentType, BreakType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts,
    SpecialIndentType, TableCell, WidthType,
};

pub const FONT: &str = "Times New Roman";
/// A4 in twentieths of a point.
pub const A4: (u32, u32) = (11906, 16838);
/// 1 mm in twentieths of a point.
const MM: f64 = 56.6929;
pub const LEFT_MM: f64 = 30.0;
pub const RIGHT_MM: f64 = 15.0;
pub const TOP_MM: f64 = 20.0;
pub const BOTTOM_MM: f64 = 20.0;

/// Millimetres in twips.
pub fn tw(mm: f64) -> i32 {
    (mm * MM).round() as i32
}

/// The width the text may take, in twips.
pub fn text_width() -> usize {
    (A4.0 as i32 - tw(LEFT_MM) - tw(RIGHT_MM)) as usize
}

pub fn fonts() -> RunFonts {
    RunFonts::new()
        .ascii(FONT)
        .hi_ansi(FONT)
        .cs(FONT)
        .east_asia(FONT)
}

/// An empty document on the decree's page, its text in Times New Roman of `size` half-points.
pub fn page(size: usize) -> Docx {
    Docx::new()
        .page_size(A4.0, A4.1)
        .page_margin(
            PageMargin::new()
                .top(tw(TOP_MM))
                .bottom(tw(BOTTOM_MM))
                .left(tw(LEFT_MM))
                .right(tw(RIGHT_MM))
                .header(tw(10.0))
                .footer(tw(10.0)),
        )
        .default_fonts(fonts())
        .default_size(size)
}

/// A run of text in Times New Roman; line breaks in the text become breaks.
pub fn run(text: &str, size: usize) -> Run {
    let mut r = Run::new().fonts(fonts()).size(size);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            r = r.add_break(BreakType::TextWrapping);
        }
        r = r.add_text(line.trim_end_matches('\r'));
    }
    r
}

pub fn spacing(after: u32) -> LineSpacing {
    LineSpacing::new().before(0).after(after)
}

/// A body paragraph: justified, first line indented 1 cm, 6 pt after.
pub fn body(text: &str, size: usize) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, size))
        .align(AlignmentType::Both)
        .indent(
            None,
            Some(SpecialIndentType::FirstLine(tw(10.0))),
            None,
            None,
        )
        .line_spacing(spacing(120))
}

/// A table cell of `width` twips holding these paragraphs.
pub fn cell(paragraphs: Vec<Paragraph>, width: usize) -> TableCell {
    paragraphs
        .into_iter()
        .fold(TableCell::new(), |c, p| c.add_paragraph(p))
        .width(width, WidthType::Dxa)
}
