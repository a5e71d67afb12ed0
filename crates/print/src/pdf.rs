//! Draws a [`RecordDocument`]'s page plan with printpdf: US Letter, DejaVu Sans embedded
//! (subset) so every name prints as typed, the QR code as vector squares.

use std::sync::OnceLock;

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem,
};
use shotbook_core::record_document::{
    Block, RecordDocument, HISTORICAL_LEGEND, NO_IMMUNIZATIONS, TABLE_COLUMNS, TITLE,
};

use crate::qr::QrMatrix;

const REGULAR_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

const PAGE_WIDTH: f32 = 612.0;
pub(crate) const LEFT: f32 = 50.0;
pub(crate) const RIGHT: f32 = 562.0;
/// One table line, in points. The core plans pages in these lines.
const LINE: f32 = 13.0;
const TABLE_SIZE: f32 = 8.5;
/// Top of the table area on the first page and on the following ones.
const FIRST_BODY_TOP: f32 = 566.0;
const OTHER_BODY_TOP: f32 = 672.0;
const QR_SIZE: f32 = 112.0;
/// Left edge of each table column (Date, Vaccine, CVX, Dose, Given by) and the right edge.
const COLUMNS: [f32; 6] = [LEFT, 118.0, 352.0, 380.0, 410.0, RIGHT];

/// Why a record could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The embedded font did not parse (a broken build, not bad input).
    #[error("the embedded font could not be read")]
    Font,
    /// The payload does not fit a QR code.
    #[error("the verification code does not fit a QR code: {0}")]
    Qr(String),
}

pub(crate) struct Fonts {
    pub(crate) regular: ParsedFont,
    pub(crate) bold: ParsedFont,
}

pub(crate) fn fonts() -> Result<&'static Fonts, RenderError> {
    static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut warnings = Vec::new();
            Some(Fonts {
                regular: ParsedFont::from_bytes(REGULAR_TTF, 0, &mut warnings)?,
                bold: ParsedFont::from_bytes(BOLD_TTF, 0, &mut warnings)?,
            })
        })
        .as_ref()
        .ok_or(RenderError::Font)
}

/// Width of `text` at `size` points, from the font's glyph advances (no kerning).
pub(crate) fn text_width(font: &ParsedFont, size: f32, text: &str) -> f32 {
    let units = f32::from(font.font_metrics.units_per_em.max(1));
    let advance: u32 = text
        .chars()
        .map(|c| {
            font.lookup_glyph_index(c as u32)
                .map_or(0, |g| u32::from(font.get_horizontal_advance(g)))
        })
        .sum();
    advance as f32 * size / units
}

pub(crate) struct Painter<'a> {
    fonts: &'a Fonts,
    regular: FontId,
    bold: FontId,
    ops: Vec<Op>,
}

#[derive(Clone, Copy)]
pub(crate) enum Face {
    Regular,
    Bold,
}

impl<'a> Painter<'a> {
    pub(crate) fn new(fonts: &'a Fonts, regular: FontId, bold: FontId) -> Self {
        Self {
            fonts,
            regular,
            bold,
            ops: Vec::new(),
        }
    }

    pub(crate) fn into_ops(self) -> Vec<Op> {
        self.ops
    }

    pub(crate) fn font(&self, face: Face) -> (&ParsedFont, &FontId) {
        match face {
            Face::Regular => (&self.fonts.regular, &self.regular),
            Face::Bold => (&self.fonts.bold, &self.bold),
        }
    }

    /// Writes `text` with its baseline at `y`, starting at `x`; shrinks it to `max_width`.
    pub(crate) fn text(
        &mut self,
        face: Face,
        size: f32,
        x: f32,
        y: f32,
        text: &str,
        max_width: f32,
    ) {
        if text.is_empty() {
            return;
        }
        let (parsed, id) = self.font(face);
        let width = text_width(parsed, size, text);
        let size = if width > max_width {
            size * max_width / width
        } else {
            size
        };
        let id = id.clone();
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(id),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point { x: Pt(x), y: Pt(y) },
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_string())],
            },
            Op::EndTextSection,
        ]);
    }

    fn text_right(&mut self, face: Face, size: f32, right: f32, y: f32, text: &str) {
        let width = text_width(self.font(face).0, size, text);
        self.text(face, size, right - width, y, text, f32::MAX);
    }

    pub(crate) fn text_centered(&mut self, face: Face, size: f32, y: f32, text: &str) {
        let width = text_width(self.font(face).0, size, text).min(RIGHT - LEFT);
        self.text(
            face,
            size,
            (PAGE_WIDTH - width) / 2.0,
            y,
            text,
            RIGHT - LEFT,
        );
    }

    fn fill(&mut self, grey: f32, x: f32, y: f32, width: f32, height: f32) {
        self.ops.extend([
            Op::SetFillColor {
                col: Color::Rgb(Rgb::new(grey, grey, grey, None)),
            },
            Op::DrawRectangle {
                rectangle: Rect {
                    x: Pt(x),
                    y: Pt(y),
                    width: Pt(width),
                    height: Pt(height),
                    mode: Some(PaintMode::Fill),
                    winding_order: None,
                },
            },
            Op::SetFillColor {
                col: Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None)),
            },
        ]);
    }

    pub(crate) fn rule(&mut self, grey: f32, thickness: f32, y: f32) {
        self.ops.extend([
            Op::SetOutlineColor {
                col: Color::Rgb(Rgb::new(grey, grey, grey, None)),
            },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine {
                line: Line {
                    points: vec![
                        LinePoint {
                            p: Point {
                                x: Pt(LEFT),
                                y: Pt(y),
                            },
                            bezier: false,
                        },
                        LinePoint {
                            p: Point {
                                x: Pt(RIGHT),
                                y: Pt(y),
                            },
                            bezier: false,
                        },
                    ],
                    is_closed: false,
                },
            },
        ]);
    }

    /// A thin grey line from (`x1`, `y1`) to (`x2`, `y2`): cutting guides.
    pub(crate) fn segment(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        let point = |x: f32, y: f32| LinePoint {
            p: Point { x: Pt(x), y: Pt(y) },
            bezier: false,
        };
        self.ops.extend([
            Op::SetOutlineColor {
                col: Color::Rgb(Rgb::new(0.7, 0.7, 0.7, None)),
            },
            Op::SetOutlineThickness { pt: Pt(0.5) },
            Op::DrawLine {
                line: Line {
                    points: vec![point(x1, y1), point(x2, y2)],
                    is_closed: false,
                },
            },
        ]);
    }

    /// Dark modules as filled squares, each row's runs merged into one rectangle.
    fn qr(&mut self, qr: &QrMatrix, x: f32, top: f32, size: f32) {
        let quiet = 2.0;
        let module = size / (qr.width as f32 + 2.0 * quiet);
        self.ops.push(Op::SetFillColor {
            col: Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None)),
        });
        for row in 0..qr.width {
            let mut col = 0;
            while col < qr.width {
                if !qr.dark(row, col) {
                    col += 1;
                    continue;
                }
                let start = col;
                while col < qr.width && qr.dark(row, col) {
                    col += 1;
                }
                self.ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        x: Pt(x + (quiet + start as f32) * module),
                        y: Pt(top - (quiet + row as f32 + 1.0) * module),
                        width: Pt((col - start) as f32 * module),
                        height: Pt(module),
                        mode: Some(PaintMode::Fill),
                        winding_order: None,
                    },
                });
            }
        }
    }
}

/// Renders the record to PDF bytes. `payload` is the sealed statement: it becomes the QR code
/// on page 1 and the document's `Identifier` entry (so `shotbook verify FILE.pdf` finds it).
pub fn render(doc: &RecordDocument, payload: &str) -> Result<Vec<u8>, RenderError> {
    let fonts = fonts()?;
    let qr = QrMatrix::encode(payload).map_err(RenderError::Qr)?;
    let mut pdf = PdfDocument::new(TITLE);
    pdf.metadata.info.identifier = payload.to_string();
    pdf.metadata.info.subject = format!("{TITLE} — {}", doc.registry.name);
    pdf.metadata.info.creator = "Shotbook".into();
    // The file's dates are the print time, not the moment of rendering: same input, same bytes.
    if let Ok(at) = printpdf::DateTime::from_unix_timestamp(doc.printed_at.unix_timestamp()) {
        pdf.metadata.info.creation_date = at;
        pdf.metadata.info.modification_date = at;
        pdf.metadata.info.metadata_date = at;
    }
    let regular = pdf.add_font(&fonts.regular);
    let bold = pdf.add_font(&fonts.bold);

    let mut pages = Vec::with_capacity(doc.pages.len());
    for page in &doc.pages {
        let mut p = Painter {
            fonts,
            regular: regular.clone(),
            bold: bold.clone(),
            ops: Vec::new(),
        };
        draw_page_frame(&mut p, doc, &page.label());
        let mut y = if page.number == 1 {
            FIRST_BODY_TOP
        } else {
            OTHER_BODY_TOP
        };
        for block in &page.blocks {
            y = draw_block(&mut p, doc, *block, y, &qr);
        }
        pages.push(PdfPage::new(Mm(215.9), Mm(279.4), p.ops));
    }
    let mut warnings = Vec::new();
    Ok(pdf.with_pages(pages).save(
        &PdfSaveOptions {
            subset_fonts: true,
            ..Default::default()
        },
        &mut warnings,
    ))
}

fn draw_page_frame(p: &mut Painter<'_>, doc: &RecordDocument, label: &str) {
    p.text_centered(Face::Bold, 12.5, 752.0, &doc.registry.name);
    p.text_centered(Face::Regular, 9.0, 738.0, &doc.registry.jurisdiction);
    p.text_centered(Face::Bold, 17.0, 714.0, TITLE);
    p.rule(0.0, 1.2, 704.0);
    p.rule(0.0, 0.5, 62.0);
    let printed = format!(
        "Printed {} by {}, {}",
        doc.printed_at_text(),
        doc.printed_by.user,
        doc.printed_by.organization
    );
    p.text(
        Face::Regular,
        7.5,
        LEFT,
        51.0,
        &printed,
        RIGHT - LEFT - 80.0,
    );
    p.text(
        Face::Regular,
        7.0,
        LEFT,
        41.0,
        &format!("Document {}", doc.document_id),
        RIGHT - LEFT - 80.0,
    );
    p.text_right(Face::Bold, 8.5, RIGHT, 51.0, label);
}

/// Draws one block whose top is at `y`; returns the top of the next block.
fn draw_block(
    p: &mut Painter<'_>,
    doc: &RecordDocument,
    block: Block,
    y: f32,
    qr: &QrMatrix,
) -> f32 {
    let c = &doc.client;
    match block {
        Block::ClientBlock => {
            let width = RIGHT - QR_SIZE - LEFT - 12.0;
            p.text(Face::Regular, 8.0, LEFT, 688.0, "CLIENT", width);
            p.text(Face::Bold, 14.0, LEFT, 672.0, &c.name, width);
            let facts = [
                ("Date of birth", c.date_of_birth.to_string()),
                ("Gender", c.gender_label().to_string()),
                ("Client ID", c.client_id.clone()),
            ];
            let mut line_y = 652.0;
            for (label, value) in facts {
                p.text(Face::Regular, 9.5, LEFT, line_y, label, 90.0);
                p.text(Face::Bold, 9.5, LEFT + 92.0, line_y, &value, width - 92.0);
                line_y -= 14.0;
            }
            if let Some(g) = &c.guardian {
                p.text(Face::Regular, 9.5, LEFT, line_y, "Parent/guardian", 90.0);
                p.text(Face::Bold, 9.5, LEFT + 92.0, line_y, g, width - 92.0);
            }
            p.qr(qr, RIGHT - QR_SIZE, 700.0, QR_SIZE);
            p.text_right(
                Face::Regular,
                6.5,
                RIGHT - 4.0,
                700.0 - QR_SIZE - 6.0,
                "Scan to verify this record",
            );
            y
        }
        Block::ClientReminder => {
            p.text(
                Face::Regular,
                9.0,
                LEFT,
                690.0,
                &doc.client_reminder(),
                RIGHT - LEFT,
            );
            y
        }
        Block::GroupHeading { group, continued } => {
            let name = &doc.groups[group].name;
            let text = if continued {
                format!("{name} (continued)")
            } else {
                name.clone()
            };
            p.text(
                Face::Bold,
                10.5,
                LEFT,
                y - 2.0 * LINE + 4.0,
                &text,
                RIGHT - LEFT,
            );
            y - 2.0 * LINE
        }
        Block::TableHeader => {
            p.fill(0.88, LEFT, y - LINE, RIGHT - LEFT, LINE);
            for (i, label) in TABLE_COLUMNS.iter().enumerate() {
                p.text(
                    Face::Bold,
                    8.0,
                    COLUMNS[i] + 2.0,
                    y - 9.5,
                    label,
                    COLUMNS[i + 1] - COLUMNS[i] - 4.0,
                );
            }
            y - LINE
        }
        Block::Row { group, row } => {
            let r = &doc.groups[group].rows[row];
            let lines = r.lines();
            let date = if r.historical {
                format!("{} H", r.date)
            } else {
                r.date.clone()
            };
            let cell = |i: usize| COLUMNS[i + 1] - COLUMNS[i] - 4.0;
            p.text(
                Face::Regular,
                TABLE_SIZE,
                COLUMNS[0] + 2.0,
                y - 9.5,
                &date,
                cell(0),
            );
            p.text(
                Face::Regular,
                TABLE_SIZE,
                COLUMNS[2] + 2.0,
                y - 9.5,
                &r.cvx,
                cell(2),
            );
            p.text(
                Face::Bold,
                TABLE_SIZE,
                COLUMNS[3] + 2.0,
                y - 9.5,
                &r.dose,
                cell(3),
            );
            for (i, line) in r.vaccine.iter().enumerate() {
                let line_y = y - 9.5 - i as f32 * LINE;
                p.text(
                    Face::Regular,
                    TABLE_SIZE,
                    COLUMNS[1] + 2.0,
                    line_y,
                    line,
                    cell(1),
                );
            }
            for (i, line) in r.provider.iter().enumerate() {
                let line_y = y - 9.5 - i as f32 * LINE;
                p.text(
                    Face::Regular,
                    TABLE_SIZE,
                    COLUMNS[4] + 2.0,
                    line_y,
                    line,
                    cell(4),
                );
            }
            let bottom = y - lines as f32 * LINE;
            p.rule(0.8, 0.4, bottom);
            bottom
        }
        Block::NoImmunizations => {
            p.text(
                Face::Regular,
                10.0,
                LEFT,
                y - 10.0,
                NO_IMMUNIZATIONS,
                RIGHT - LEFT,
            );
            y - LINE
        }
        Block::HistoricalLegend => {
            p.text(
                Face::Regular,
                7.5,
                LEFT,
                y - 2.0 * LINE + 4.0,
                HISTORICAL_LEGEND,
                RIGHT - LEFT,
            );
            y - 2.0 * LINE
        }
        Block::ConsentStatement => {
            let mut line_y = y - LINE - 4.0;
            for line in &doc.consent_statement {
                p.text(Face::Regular, 8.0, LEFT, line_y, line, RIGHT - LEFT);
                line_y -= LINE - 2.0;
            }
            y - (doc.consent_statement.len() + 1) as f32 * LINE
        }
    }
}

/// Finds the sealed payload in a PDF this crate rendered (its `Identifier` entry), or `None`.
pub fn payload_of_pdf(bytes: &[u8]) -> Option<String> {
    let prefix = crate::seal::PAYLOAD_PREFIX.as_bytes();
    let start = bytes.windows(prefix.len()).position(|w| w == prefix)?;
    let payload: Vec<u8> = bytes[start..]
        .iter()
        .skip(prefix.len())
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b'_')
        .copied()
        .collect();
    let mut text = crate::seal::PAYLOAD_PREFIX.to_string();
    text.push_str(std::str::from_utf8(&payload).ok()?);
    Some(text)
}
