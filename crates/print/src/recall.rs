//! Reminder/recall notices on paper: letters (one US Letter page each, the address where a #10
//! window envelope shows it), postcards (four 4¼ × 5½ in cards per sheet), Avery 5160 mailing
//! labels (30 per sheet) and a phone list. Each letter and card is in its family's language
//! (English or Spanish); the label and list are for the clinic.
//!
//! The facts (who, which vaccines, since when) come from the reminder/recall use case, already
//! selected and audited; the words are here because they are the printed page.

use printpdf::{Mm, PdfDocument, PdfPage, PdfSaveOptions};

use crate::letter::{wrap, LetterLanguage};
use crate::pdf::{fonts, Face, Painter, RenderError, LEFT, RIGHT};

/// The organization sending the notices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderSender {
    /// Its name.
    pub organization: String,
    /// Where it is ("Austin, TX").
    pub place: String,
}

/// A vaccine due on a notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderVaccine {
    /// CDSi vaccine group (`MMR`, `DTaP/Tdap/Td` …).
    pub group: String,
    /// Past its past-due date.
    pub overdue: bool,
    /// Due (or overdue) since this day (MM/DD/YYYY).
    pub since: Option<String>,
}

/// One notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    /// The client's name.
    pub client: String,
    /// MM/DD/YYYY.
    pub date_of_birth: String,
    /// Under 18 on the day of the notice: it is addressed to the parent or guardian.
    pub minor: bool,
    /// The parent or guardian's name, when known.
    pub guardian: Option<String>,
    /// Street lines, then "City, ST ZIP".
    pub address: Vec<String>,
    /// The phone to call.
    pub phone: Option<String>,
    /// The family's language.
    pub language: LetterLanguage,
    /// The vaccines due.
    pub vaccines: Vec<ReminderVaccine>,
}

impl Reminder {
    /// The first line of the address: the client, or for a minor the guardian (or "Parent or
    /// guardian of …" when no guardian is recorded).
    pub fn addressee(&self) -> String {
        match (self.minor, &self.guardian) {
            (false, _) => self.client.clone(),
            (true, Some(g)) => g.clone(),
            (true, None) => format!("{} {}", words(self.language).parent_of, self.client),
        }
    }
}

/// A CDSi vaccine group's name as a family reads it.
pub fn group_name(group: &str, language: LetterLanguage) -> &str {
    let (en, es) = match group {
        "DTaP/Tdap/Td" => (
            "DTaP/Tdap/Td (diphtheria, tetanus, whooping cough)",
            "DTaP/Tdap/Td (difteria, tétanos, tos ferina)",
        ),
        "Polio" => ("Polio (IPV)", "Polio (IPV)"),
        "MMR" => (
            "MMR (measles, mumps, rubella)",
            "MMR (sarampión, paperas, rubéola)",
        ),
        "HepB" => ("Hepatitis B", "Hepatitis B"),
        "HepA" => ("Hepatitis A", "Hepatitis A"),
        "Hib" => (
            "Hib (Haemophilus influenzae type b)",
            "Hib (Haemophilus influenzae tipo b)",
        ),
        "Pneumococcal" => ("Pneumococcal", "Neumocócica"),
        "Rotavirus" => ("Rotavirus", "Rotavirus"),
        "Varicella" => ("Varicella (chickenpox)", "Varicela"),
        "Influenza" => ("Influenza (flu)", "Influenza (gripe)"),
        "COVID-19" => ("COVID-19", "COVID-19"),
        "HPV" => (
            "HPV (human papillomavirus)",
            "VPH (virus del papiloma humano)",
        ),
        "Meningococcal" => ("Meningococcal ACWY", "Meningocócica ACWY"),
        "Meningococcal B" => ("Meningococcal B", "Meningocócica B"),
        "Zoster" => ("Shingles (zoster)", "Herpes zóster (culebrilla)"),
        "RSV" => (
            "RSV (respiratory syncytial virus)",
            "VRS (virus respiratorio sincitial)",
        ),
        other => (other, other),
    };
    match language {
        LetterLanguage::English => en,
        LetterLanguage::Spanish => es,
    }
}

struct Words {
    title: &'static str,
    parent_of: &'static str,
    dear_parent: &'static str,
    dear: &'static str,
    body_child: &'static str,
    body_adult: &'static str,
    due_since: &'static str,
    overdue_since: &'static str,
    due: &'static str,
    call: &'static str,
    already: &'static str,
    card: &'static str,
}

const ENGLISH: Words = Words {
    title: "Immunization reminder",
    parent_of: "Parent or guardian of",
    dear_parent: "Dear parent or guardian of {client},",
    dear: "Dear {client},",
    body_child: "The state immunization registry shows that {client} (born {dob}) is due for the vaccines below. Vaccines protect children from serious diseases, and it is not too late to catch up.",
    body_adult: "The state immunization registry shows that you are due for the vaccines below. Vaccines protect you and the people around you from serious diseases.",
    due_since: "due since",
    overdue_since: "overdue since",
    due: "due now",
    call: "Please call {org} to make an appointment.",
    already: "If these vaccines were already given, please tell us so we can update the record. Thank you.",
    card: "{client} is due for:",
};

const SPANISH: Words = Words {
    title: "Recordatorio de vacunas",
    parent_of: "Padre, madre o tutor de",
    dear_parent: "Estimado padre, madre o tutor de {client}:",
    dear: "Estimado(a) {client}:",
    body_child: "El registro estatal de vacunas indica que {client} (nacido(a) el {dob}) necesita las vacunas siguientes. Las vacunas protegen a los niños de enfermedades graves, y todavía está a tiempo de ponerse al día.",
    body_adult: "El registro estatal de vacunas indica que usted necesita las vacunas siguientes. Las vacunas lo protegen a usted y a quienes lo rodean de enfermedades graves.",
    due_since: "pendiente desde el",
    overdue_since: "atrasada desde el",
    due: "pendiente",
    call: "Llame a {org} para hacer una cita.",
    already: "Si ya recibió estas vacunas, avísenos para actualizar el registro. Gracias.",
    card: "{client} necesita:",
};

fn words(language: LetterLanguage) -> &'static Words {
    match language {
        LetterLanguage::English => &ENGLISH,
        LetterLanguage::Spanish => &SPANISH,
    }
}

fn vaccine_line(v: &ReminderVaccine, language: LetterLanguage) -> String {
    let w = words(language);
    let when = match (&v.since, v.overdue) {
        (Some(d), true) => format!("{} {d}", w.overdue_since),
        (Some(d), false) => format!("{} {d}", w.due_since),
        (None, _) => w.due.to_string(),
    };
    format!("{} — {when}", group_name(&v.group, language))
}

fn fill(template: &str, r: &Reminder, sender: &ReminderSender) -> String {
    template
        .replace("{client}", &r.client)
        .replace("{dob}", &r.date_of_birth)
        .replace("{org}", &sender.organization)
}

fn save(mut pdf: PdfDocument, pages: Vec<PdfPage>) -> Vec<u8> {
    let mut warnings = Vec::new();
    pdf.with_pages(pages).save(
        &PdfSaveOptions {
            subset_fonts: true,
            ..Default::default()
        },
        &mut warnings,
    )
}

/// Draws a paragraph from `y` down, `width` wide from `x`; returns the next line's `y`.
fn paragraph(p: &mut Painter<'_>, size: f32, x: f32, y: f32, width: f32, text: &str) -> f32 {
    let mut y = y;
    for line in wrap(p, Face::Regular, size, text, width) {
        p.text(Face::Regular, size, x, y, &line, width);
        y -= size * 1.4;
    }
    y
}

const LETTER_W: f32 = 215.9;
const LETTER_H: f32 = 279.4;

/// One letter per page, each in its family's language, dated `date` (MM/DD/YYYY).
pub fn render_reminder_letters(
    sender: &ReminderSender,
    date: &str,
    reminders: &[Reminder],
) -> Result<Vec<u8>, RenderError> {
    let fonts = fonts()?;
    let mut pdf = PdfDocument::new(ENGLISH.title);
    pdf.metadata.info.creator = "Shotbook".into();
    let regular = pdf.add_font(&fonts.regular);
    let bold = pdf.add_font(&fonts.bold);
    let pages = reminders
        .iter()
        .map(|r| {
            let w = words(r.language);
            let mut p = Painter::new(fonts, regular.clone(), bold.clone());
            p.text(Face::Bold, 12.0, LEFT, 742.0, &sender.organization, 300.0);
            p.text(Face::Regular, 10.0, LEFT, 728.0, &sender.place, 300.0);
            p.text(Face::Regular, 10.0, 420.0, 742.0, date, RIGHT - 420.0);
            // Where a #10 window envelope shows the address (about 2 in from the top).
            let mut y = 650.0;
            let mut lines = vec![r.addressee()];
            lines.extend(r.address.iter().cloned());
            for line in lines {
                p.text(Face::Regular, 11.0, 72.0, y, &line, 260.0);
                y -= 14.0;
            }
            p.text_centered(Face::Bold, 15.0, 540.0, w.title);
            let dear = if r.minor { w.dear_parent } else { w.dear };
            let mut y = 510.0;
            p.text(
                Face::Regular,
                10.5,
                LEFT,
                y,
                &fill(dear, r, sender),
                RIGHT - LEFT,
            );
            y -= 22.0;
            let body = if r.minor { w.body_child } else { w.body_adult };
            y = paragraph(&mut p, 10.5, LEFT, y, RIGHT - LEFT, &fill(body, r, sender)) - 6.0;
            for v in &r.vaccines {
                if y < 190.0 {
                    break;
                }
                let line = format!("•  {}", vaccine_line(v, r.language));
                p.text(Face::Bold, 10.5, LEFT + 12.0, y, &line, RIGHT - LEFT - 12.0);
                y -= 16.0;
            }
            y -= 8.0;
            y = paragraph(
                &mut p,
                10.5,
                LEFT,
                y,
                RIGHT - LEFT,
                &fill(w.call, r, sender),
            ) - 4.0;
            paragraph(&mut p, 10.5, LEFT, y, RIGHT - LEFT, w.already);
            p.text(
                Face::Regular,
                10.5,
                LEFT,
                140.0,
                &sender.organization,
                RIGHT - LEFT,
            );
            PdfPage::new(Mm(LETTER_W), Mm(LETTER_H), p.into_ops())
        })
        .collect();
    Ok(save(pdf, pages))
}

/// Four postcards (4¼ × 5½ in) per US Letter sheet, with cutting guides.
pub fn render_postcards(
    sender: &ReminderSender,
    date: &str,
    reminders: &[Reminder],
) -> Result<Vec<u8>, RenderError> {
    const CARD_W: f32 = 306.0;
    const CARD_H: f32 = 396.0;
    const PAD: f32 = 18.0;
    let fonts = fonts()?;
    let mut pdf = PdfDocument::new(ENGLISH.title);
    pdf.metadata.info.creator = "Shotbook".into();
    let regular = pdf.add_font(&fonts.regular);
    let bold = pdf.add_font(&fonts.bold);
    let pages = reminders
        .chunks(4)
        .map(|sheet| {
            let mut p = Painter::new(fonts, regular.clone(), bold.clone());
            p.segment(CARD_W, 0.0, CARD_W, 2.0 * CARD_H);
            p.segment(0.0, CARD_H, 2.0 * CARD_W, CARD_H);
            for (i, r) in sheet.iter().enumerate() {
                let w = words(r.language);
                let x = (i % 2) as f32 * CARD_W + PAD;
                let top = if i < 2 { 2.0 * CARD_H } else { CARD_H } - PAD - 10.0;
                let width = CARD_W - 2.0 * PAD;
                p.text(Face::Bold, 10.0, x, top, &sender.organization, width);
                p.text(Face::Regular, 8.5, x, top - 12.0, &sender.place, width);
                p.text(Face::Regular, 8.5, x, top - 24.0, date, width);
                let mut y = top - 60.0;
                let mut lines = vec![r.addressee()];
                lines.extend(r.address.iter().cloned());
                for line in lines {
                    p.text(Face::Regular, 10.0, x + 40.0, y, &line, width - 40.0);
                    y -= 13.0;
                }
                y -= 14.0;
                p.text(Face::Bold, 11.0, x, y, w.title, width);
                y -= 16.0;
                y = paragraph(&mut p, 9.0, x, y, width, &fill(w.card, r, sender));
                for v in &r.vaccines {
                    if y < top - 300.0 {
                        break;
                    }
                    y = paragraph(
                        &mut p,
                        9.0,
                        x + 8.0,
                        y,
                        width - 8.0,
                        &format!("• {}", vaccine_line(v, r.language)),
                    );
                }
                paragraph(&mut p, 9.0, x, y - 6.0, width, &fill(w.call, r, sender));
            }
            PdfPage::new(Mm(LETTER_W), Mm(LETTER_H), p.into_ops())
        })
        .collect();
    Ok(save(pdf, pages))
}

/// Avery 5160 (and 8160, 5960 …) geometry, in points: 3 columns × 10 rows of 2⅝ × 1 in labels,
/// ½ in top margin, 3⁄16 in left margin, ⅛ in between columns.
pub mod avery_5160 {
    /// Labels per sheet.
    pub const PER_SHEET: usize = 30;
    /// Left edge of the first column.
    pub const LEFT: f32 = 13.5;
    /// Top of the first row, from the bottom of the page.
    pub const TOP: f32 = 792.0 - 36.0;
    /// Label width.
    pub const WIDTH: f32 = 189.0;
    /// Label height.
    pub const HEIGHT: f32 = 72.0;
    /// From one column's left edge to the next.
    pub const COLUMN_PITCH: f32 = 198.0;

    /// The bottom-left corner of label `i` (0 to 29, across then down).
    pub fn origin(i: usize) -> (f32, f32) {
        let (row, column) = (i / 3, i % 3);
        (
            LEFT + column as f32 * COLUMN_PITCH,
            TOP - (row as f32 + 1.0) * HEIGHT,
        )
    }
}

/// Mailing labels for Avery 5160 sheets: addressee, street lines, city/state/ZIP.
pub fn render_labels(reminders: &[Reminder]) -> Result<Vec<u8>, RenderError> {
    let fonts = fonts()?;
    let mut pdf = PdfDocument::new("Mailing labels");
    pdf.metadata.info.creator = "Shotbook".into();
    let regular = pdf.add_font(&fonts.regular);
    let bold = pdf.add_font(&fonts.bold);
    let pages = reminders
        .chunks(avery_5160::PER_SHEET)
        .map(|sheet| {
            let mut p = Painter::new(fonts, regular.clone(), bold.clone());
            for (i, r) in sheet.iter().enumerate() {
                let (x, bottom) = avery_5160::origin(i);
                let mut lines = vec![r.addressee()];
                lines.extend(r.address.iter().cloned());
                // Centred vertically: up to four lines of 10 pt on a 72 pt label.
                let mut y = bottom + 36.0 + (lines.len() as f32 * 12.0) / 2.0 - 9.0;
                for line in lines.iter().take(5) {
                    p.text(
                        Face::Regular,
                        10.0,
                        x + 9.0,
                        y,
                        line,
                        avery_5160::WIDTH - 18.0,
                    );
                    y -= 12.0;
                }
            }
            PdfPage::new(Mm(LETTER_W), Mm(LETTER_H), p.into_ops())
        })
        .collect();
    Ok(save(pdf, pages))
}

/// The phone list, for the clinic (English): one line per client, 40 per page.
pub fn render_phone_list(
    sender: &ReminderSender,
    date: &str,
    reminders: &[Reminder],
) -> Result<Vec<u8>, RenderError> {
    const PER_PAGE: usize = 40;
    const COLUMNS: [(f32, &str); 6] = [
        (LEFT, "Client"),
        (170.0, "Date of birth"),
        (235.0, "Parent or guardian"),
        (345.0, "Phone"),
        (410.0, "Language"),
        (460.0, "Due"),
    ];
    let fonts = fonts()?;
    let mut pdf = PdfDocument::new("Reminder/recall phone list");
    pdf.metadata.info.creator = "Shotbook".into();
    let regular = pdf.add_font(&fonts.regular);
    let bold = pdf.add_font(&fonts.bold);
    let sheets = reminders.chunks(PER_PAGE).count().max(1);
    let pages = (0..sheets)
        .map(|page| {
            let mut p = Painter::new(fonts, regular.clone(), bold.clone());
            p.text(Face::Bold, 12.0, LEFT, 748.0, &sender.organization, 300.0);
            p.text(
                Face::Regular,
                9.0,
                LEFT,
                734.0,
                &format!(
                    "Reminder/recall phone list · {date} · page {} of {sheets}",
                    page + 1
                ),
                RIGHT - LEFT,
            );
            let mut y = 710.0;
            for (i, (x, title)) in COLUMNS.iter().enumerate() {
                let next = COLUMNS.get(i + 1).map_or(RIGHT, |c| c.0);
                p.text(Face::Bold, 8.0, *x, y, title, next - x - 4.0);
            }
            p.rule(0.0, 0.5, y - 4.0);
            y -= 16.0;
            let from = page * PER_PAGE;
            for r in reminders.iter().skip(from).take(PER_PAGE) {
                let due: Vec<&str> = r.vaccines.iter().map(|v| v.group.as_str()).collect();
                let language = match r.language {
                    LetterLanguage::English => "English",
                    LetterLanguage::Spanish => "Spanish",
                };
                let cells = [
                    r.client.as_str(),
                    r.date_of_birth.as_str(),
                    r.guardian.as_deref().unwrap_or(""),
                    r.phone.as_deref().unwrap_or(""),
                    language,
                    &due.join(", "),
                ];
                for (i, cell) in cells.iter().enumerate() {
                    let x = COLUMNS[i].0;
                    let next = COLUMNS.get(i + 1).map_or(RIGHT, |c| c.0);
                    p.text(Face::Regular, 8.0, x, y, cell, next - x - 4.0);
                }
                y -= 16.0;
            }
            PdfPage::new(Mm(LETTER_W), Mm(LETTER_H), p.into_ops())
        })
        .collect();
    Ok(save(pdf, pages))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reminder(minor: bool, guardian: Option<&str>, language: LetterLanguage) -> Reminder {
        Reminder {
            client: "Mateo López".into(),
            date_of_birth: "01/02/2025".into(),
            minor,
            guardian: guardian.map(str::to_string),
            address: vec!["1100 Congress Ave".into(), "Austin, TX 78701".into()],
            phone: Some("512-555-0100".into()),
            language,
            vaccines: vec![ReminderVaccine {
                group: "MMR".into(),
                overdue: true,
                since: Some("02/01/2026".into()),
            }],
        }
    }

    #[test]
    fn a_childs_notice_goes_to_the_guardian_and_an_adults_to_them() {
        let es = LetterLanguage::Spanish;
        assert_eq!(
            reminder(true, Some("Ana López"), es).addressee(),
            "Ana López"
        );
        assert_eq!(
            reminder(true, None, es).addressee(),
            "Padre, madre o tutor de Mateo López"
        );
        assert_eq!(
            reminder(false, Some("Ana López"), LetterLanguage::English).addressee(),
            "Mateo López"
        );
        assert_eq!(
            vaccine_line(&reminder(true, None, es).vaccines[0], es),
            "MMR (sarampión, paperas, rubéola) — atrasada desde el 02/01/2026"
        );
    }

    #[test]
    fn labels_fill_three_columns_of_ten_inside_the_sheet() {
        let (x0, y0) = avery_5160::origin(0);
        let (x2, _) = avery_5160::origin(2);
        let (_, y29) = avery_5160::origin(29);
        assert_eq!((x0, y0), (13.5, 684.0));
        assert!(x2 + avery_5160::WIDTH <= 612.0 - 13.0);
        assert_eq!(y29, 36.0, "the bottom margin is half an inch too");
    }
}
