//! Letters to parents, read back with poppler's `pdftotext` (installed by scripts/setup.sh):
//! one page per student, the student and every needed dose on it, in English and in Spanish.

use std::path::PathBuf;
use std::process::Command;

use shotbook_print::{render_letters, LetterLanguage, LetterReason, NeededDose, ParentLetter};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("shotbook-letters-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn pdf_text(bytes: &[u8], name: &str) -> String {
    let file = scratch(name);
    std::fs::write(&file, bytes).unwrap();
    let out = Command::new("pdftotext")
        .args([file.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext is needed (scripts/setup.sh installs it)");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn letter(student: &str, reason: LetterReason, doses: &[(&str, u8, &str)]) -> ParentLetter {
    ParentLetter {
        facility: "Bluebonnet Elementary School".into(),
        state: "Texas".into(),
        school_year: "2026-2027".into(),
        date: "12/07/2026".into(),
        student: student.into(),
        date_of_birth: "01/02/2019".into(),
        grade: Some("1".into()),
        reason,
        doses: doses
            .iter()
            .map(|(vaccine, dose_number, earliest)| NeededDose {
                vaccine: (*vaccine).into(),
                dose_number: *dose_number,
                earliest: (*earliest).into(),
            })
            .collect(),
    }
}

fn letters() -> Vec<ParentLetter> {
    vec![
        letter(
            "Mateo López",
            LetterReason::Incomplete,
            &[("dtap", 4, "12/07/2026"), ("mmr", 2, "01/15/2027")],
        ),
        letter("Nguyễn Thị Ánh", LetterReason::NoRecord, &[]),
        letter(
            "Liam O'Neil",
            LetterReason::Conditional("01/06/2027".into()),
            &[("varicella", 2, "12/07/2026")],
        ),
    ]
}

#[test]
fn english_letters_are_one_page_each_with_the_student_and_every_needed_dose() {
    let pdf = render_letters(&letters(), LetterLanguage::English).unwrap();
    let text = pdf_text(&pdf, "en.pdf");
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert_eq!(pages.len(), 3, "{text}");
    // pdftotext breaks lines where the letter wraps them; compare on single spaces.
    let flat = |p: &str| p.split_whitespace().collect::<Vec<_>>().join(" ");
    let first = flat(pages[0]);
    assert!(
        first.contains(
            "To the parent or guardian of Mateo López (date of birth 01/02/2019, grade 1)"
        ),
        "{first}"
    );
    assert!(
        first.contains("Texas requires students to be immunized"),
        "{first}"
    );
    assert!(
        first.contains(
            "DTaP/DT/Td (diphtheria, tetanus, pertussis), dose 4 — can be given from 12/07/2026"
        ),
        "{first}"
    );
    assert!(
        first.contains("MMR (measles, mumps, rubella), dose 2 — can be given from 01/15/2027"),
        "{first}"
    );
    let second = flat(pages[1]);
    assert!(second.contains("Nguyễn Thị Ánh"), "{second}");
    assert!(
        second.contains("found no immunizations on record"),
        "{second}"
    );
    let third = flat(pages[2]);
    assert!(
        third.contains("enrolled provisionally until 01/06/2027"),
        "{third}"
    );
    assert!(third.contains("Bluebonnet Elementary School"), "{third}");
}

#[test]
fn spanish_letters_say_the_same_in_spanish() {
    let pdf = render_letters(&letters()[..1], LetterLanguage::Spanish).unwrap();
    let text = pdf_text(&pdf, "es.pdf");
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(
            "Al padre, madre o tutor de Mateo López (fecha de nacimiento 01/02/2019, grado 1)"
        ),
        "{flat}"
    );
    assert!(
        flat.contains(
            "MMR (sarampión, paperas, rubéola), dosis 2 — se puede aplicar desde el 01/15/2027"
        ),
        "{flat}"
    );
    assert!(
        flat.contains("Vacunas necesarias para la escuela"),
        "{flat}"
    );
}
