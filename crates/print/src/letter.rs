//! Letters to the parents of students who do not yet meet the school or child-care
//! immunization requirements: one US Letter page per student, in English or Spanish, naming
//! each dose still needed with the earliest day it can be given.
//!
//! The words are here, in both languages, because they are the printed page; the facts
//! (who, which doses, which dates) come from the school compliance report, already decided and
//! audited by the use case.

use printpdf::{Mm, PdfDocument, PdfPage, PdfSaveOptions};

use crate::pdf::{fonts, text_width, Face, Painter, RenderError, LEFT, RIGHT};

/// The language of a letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LetterLanguage {
    /// English.
    English,
    /// Spanish.
    Spanish,
}

impl LetterLanguage {
    /// `en` or `es`.
    pub fn parse(code: &str) -> Option<LetterLanguage> {
        match code.trim() {
            "en" => Some(LetterLanguage::English),
            "es" => Some(LetterLanguage::Spanish),
            _ => None,
        }
    }
}

/// Why the student gets a letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LetterReason {
    /// Requirements unmet.
    Incomplete,
    /// No immunization on record.
    NoRecord,
    /// Enrolled provisionally until this day (MM/DD/YYYY).
    Conditional(String),
}

/// A dose the student still needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeededDose {
    /// Vaccine-group code (`dtap`, `polio`, `mmr` …).
    pub vaccine: String,
    /// Dose number among the doses the requirement counts.
    pub dose_number: u8,
    /// The earliest day it can be given (MM/DD/YYYY).
    pub earliest: String,
}

/// One letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParentLetter {
    /// The school or child-care facility.
    pub facility: String,
    /// The state's name ("Texas").
    pub state: String,
    /// The school year assessed ("2026-2027").
    pub school_year: String,
    /// The day of the check (MM/DD/YYYY).
    pub date: String,
    /// The student's name as the registry holds it.
    pub student: String,
    /// MM/DD/YYYY.
    pub date_of_birth: String,
    /// Grade, for schools.
    pub grade: Option<String>,
    /// Why.
    pub reason: LetterReason,
    /// The doses needed.
    pub doses: Vec<NeededDose>,
}

/// A vaccine group's name on a letter.
pub fn vaccine_name(code: &str, language: LetterLanguage) -> &str {
    let (en, es) = match code {
        "dtap" => (
            "DTaP/DT/Td (diphtheria, tetanus, pertussis)",
            "DTaP/DT/Td (difteria, tétanos, tos ferina)",
        ),
        "td_or_tdap" => (
            "Td or Tdap (tetanus, diphtheria)",
            "Td o Tdap (tétanos, difteria)",
        ),
        "tdap" => (
            "Tdap (tetanus, diphtheria, pertussis)",
            "Tdap (tétanos, difteria, tos ferina)",
        ),
        "polio" => ("Polio (IPV)", "Polio (IPV)"),
        "mmr" => (
            "MMR (measles, mumps, rubella)",
            "MMR (sarampión, paperas, rubéola)",
        ),
        "hepb" => ("Hepatitis B", "Hepatitis B"),
        "hepa" => ("Hepatitis A", "Hepatitis A"),
        "varicella" => ("Varicella (chickenpox)", "Varicela"),
        "menacwy" => ("Meningococcal ACWY", "Meningocócica ACWY"),
        "hib" => (
            "Hib (Haemophilus influenzae type b)",
            "Hib (Haemophilus influenzae tipo b)",
        ),
        "pcv" => (
            "Pneumococcal conjugate (PCV)",
            "Neumocócica conjugada (PCV)",
        ),
        other => (other, other),
    };
    match language {
        LetterLanguage::English => en,
        LetterLanguage::Spanish => es,
    }
}

/// The letter's words, in its language.
struct Words {
    title: &'static str,
    date: &'static str,
    to: &'static str,
    born: &'static str,
    grade: &'static str,
    needs: &'static str,
    no_record: &'static str,
    conditional: &'static str,
    dose: &'static str,
    from: &'static str,
    action: &'static str,
    questions: &'static str,
    signature: &'static str,
}

const ENGLISH: Words = Words {
    title: "Immunizations needed for school",
    date: "Date",
    to: "To the parent or guardian of",
    born: "date of birth",
    grade: "grade",
    needs: "{state} requires students to be immunized to attend school or child care. We checked the state immunization registry on {date} against the requirements for the {year} school year: {student} still needs the doses below.",
    no_record: "{state} requires students to be immunized to attend school or child care. We checked the state immunization registry on {date} and found no immunizations on record for {student}. Please bring your child's immunization record to the office, or ask your child's doctor to report the doses to the registry.",
    conditional: "{student} is enrolled provisionally until {deadline}. We checked the state immunization registry on {date} against the requirements for the {year} school year: the doses below are needed by then.",
    dose: "dose",
    from: "can be given from",
    action: "Please take this letter to your child's doctor or clinic. If your child already received these vaccines, ask the clinic to record them in the state immunization registry, or bring us the updated immunization record.",
    questions: "If you have questions, or your child has an exemption, please contact the school nurse or the office.",
    signature: "Health office",
};

const SPANISH: Words = Words {
    title: "Vacunas necesarias para la escuela",
    date: "Fecha",
    to: "Al padre, madre o tutor de",
    born: "fecha de nacimiento",
    grade: "grado",
    needs: "{state} exige que los estudiantes estén vacunados para asistir a la escuela o a la guardería. Revisamos el registro estatal de vacunas el {date} frente a los requisitos del año escolar {year}: {student} todavía necesita las dosis siguientes.",
    no_record: "{state} exige que los estudiantes estén vacunados para asistir a la escuela o a la guardería. Revisamos el registro estatal de vacunas el {date} y no encontramos vacunas registradas para {student}. Traiga el registro de vacunas de su hijo a la oficina, o pida al médico de su hijo que informe las dosis al registro.",
    conditional: "{student} está inscrito de forma provisional hasta el {deadline}. Revisamos el registro estatal de vacunas el {date} frente a los requisitos del año escolar {year}: las dosis siguientes se necesitan antes de esa fecha.",
    dose: "dosis",
    from: "se puede aplicar desde el",
    action: "Lleve esta carta al médico o a la clínica de su hijo. Si su hijo ya recibió estas vacunas, pida a la clínica que las registre en el registro estatal de vacunas, o tráiganos el registro de vacunas actualizado.",
    questions: "Si tiene preguntas, o si su hijo tiene una exención, comuníquese con la enfermera escolar o con la oficina.",
    signature: "Oficina de salud",
};

/// Breaks `text` into lines no wider than `width` at `size` points.
pub(crate) fn wrap(p: &Painter<'_>, face: Face, size: f32, text: &str, width: f32) -> Vec<String> {
    let font = p.font(face).0;
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if text_width(font, size, &candidate) > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            line = word.to_owned();
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn paragraph(p: &mut Painter<'_>, text: &str, y: f32) -> f32 {
    const SIZE: f32 = 10.5;
    let mut y = y;
    for line in wrap(p, Face::Regular, SIZE, text, RIGHT - LEFT) {
        p.text(Face::Regular, SIZE, LEFT, y, &line, RIGHT - LEFT);
        y -= 15.0;
    }
    y - 8.0
}

fn fill(template: &str, letter: &ParentLetter) -> String {
    let deadline = match &letter.reason {
        LetterReason::Conditional(d) => d.as_str(),
        _ => "",
    };
    template
        .replace("{state}", &letter.state)
        .replace("{date}", &letter.date)
        .replace("{year}", &letter.school_year)
        .replace("{student}", &letter.student)
        .replace("{deadline}", deadline)
}

fn draw_letter(p: &mut Painter<'_>, letter: &ParentLetter, language: LetterLanguage) {
    let w = match language {
        LetterLanguage::English => &ENGLISH,
        LetterLanguage::Spanish => &SPANISH,
    };
    p.text_centered(Face::Bold, 13.0, 740.0, &letter.facility);
    p.text_centered(Face::Bold, 16.0, 712.0, w.title);
    p.rule(0.0, 1.0, 700.0);
    p.text(
        Face::Regular,
        10.5,
        LEFT,
        680.0,
        &format!("{}: {}", w.date, letter.date),
        RIGHT - LEFT,
    );
    let mut about = format!(
        "{} {} ({} {}",
        w.to, letter.student, w.born, letter.date_of_birth
    );
    if let Some(grade) = &letter.grade {
        about.push_str(&format!(", {} {grade}", w.grade));
    }
    about.push(')');
    let mut y = 656.0;
    for line in wrap(p, Face::Bold, 11.0, &about, RIGHT - LEFT) {
        p.text(Face::Bold, 11.0, LEFT, y, &line, RIGHT - LEFT);
        y -= 16.0;
    }
    y -= 8.0;
    let opening = match letter.reason {
        LetterReason::Incomplete => w.needs,
        LetterReason::NoRecord => w.no_record,
        LetterReason::Conditional(_) => w.conditional,
    };
    y = paragraph(p, &fill(opening, letter), y);
    for dose in &letter.doses {
        let line = format!(
            "•  {}, {} {} — {} {}",
            vaccine_name(&dose.vaccine, language),
            w.dose,
            dose.dose_number,
            w.from,
            dose.earliest
        );
        p.text(
            Face::Regular,
            10.5,
            LEFT + 12.0,
            y,
            &line,
            RIGHT - LEFT - 12.0,
        );
        y -= 15.0;
        if y < 200.0 {
            break;
        }
    }
    y -= 10.0;
    y = paragraph(p, w.action, y);
    paragraph(p, w.questions, y);
    p.text(
        Face::Regular,
        10.5,
        LEFT,
        150.0,
        &letter.facility,
        RIGHT - LEFT,
    );
    p.text(Face::Regular, 10.5, LEFT, 135.0, w.signature, RIGHT - LEFT);
}

/// Renders one page per letter, in `language`, as PDF bytes.
pub fn render_letters(
    letters: &[ParentLetter],
    language: LetterLanguage,
) -> Result<Vec<u8>, RenderError> {
    let fonts = fonts()?;
    let title = match language {
        LetterLanguage::English => ENGLISH.title,
        LetterLanguage::Spanish => SPANISH.title,
    };
    let mut pdf = PdfDocument::new(title);
    pdf.metadata.info.creator = "Shotbook".into();
    let regular = pdf.add_font(&fonts.regular);
    let bold = pdf.add_font(&fonts.bold);
    let pages = letters
        .iter()
        .map(|letter| {
            let mut p = Painter::new(fonts, regular.clone(), bold.clone());
            draw_letter(&mut p, letter, language);
            PdfPage::new(Mm(215.9), Mm(279.4), p.into_ops())
        })
        .collect();
    let mut warnings = Vec::new();
    Ok(pdf.with_pages(pages).save(
        &PdfSaveOptions {
            subset_fonts: true,
            ..Default::default()
        },
        &mut warnings,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(reason: LetterReason) -> ParentLetter {
        ParentLetter {
            facility: "Bluebonnet Elementary School".into(),
            state: "Texas".into(),
            school_year: "2026-2027".into(),
            date: "12/07/2026".into(),
            student: "Mateo López".into(),
            date_of_birth: "01/02/2019".into(),
            grade: Some("1".into()),
            reason,
            doses: vec![NeededDose {
                vaccine: "dtap".into(),
                dose_number: 4,
                earliest: "12/07/2026".into(),
            }],
        }
    }

    #[test]
    fn the_words_fill_in_the_facts() {
        let l = letter(LetterReason::Conditional("01/06/2027".into()));
        assert_eq!(
            fill(SPANISH.conditional, &l)
                .split(':')
                .next()
                .unwrap(),
            "Mateo López está inscrito de forma provisional hasta el 01/06/2027. Revisamos el registro estatal de vacunas el 12/07/2026 frente a los requisitos del año escolar 2026-2027"
        );
        assert!(fill(ENGLISH.needs, &l).starts_with("Texas requires"));
        assert_eq!(
            vaccine_name("mmr", LetterLanguage::Spanish),
            "MMR (sarampión, paperas, rubéola)"
        );
        assert_eq!(LetterLanguage::parse("es"), Some(LetterLanguage::Spanish));
        assert_eq!(LetterLanguage::parse("fr"), None);
    }
}
