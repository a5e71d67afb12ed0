//! The rendered PDF, read back with poppler's `pdftotext` and `pdftoppm` and zbar's `zbarimg`
//! (Debian packages poppler-utils and zbar-tools, installed by scripts/setup.sh).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use shotbook_core::date::UsDate;
use shotbook_core::record_document::{
    ClientIdentity, PrintedBy, RecordDocument, RecordDose, RecordInput, Registry,
};
use shotbook_print::{payload_of_pdf, render, verify, KeyKind, RecordKey, TrustedKeys};
use time::macros::datetime;

fn dose(on: &str, cvx: &str, vaccine: &str, group: &str, provider: &str) -> RecordDose {
    RecordDose {
        administered_on: UsDate::parse(on).unwrap(),
        cvx: cvx.into(),
        vaccine: vaccine.into(),
        trade_name: None,
        vaccine_groups: vec![group.into()],
        dose_numbers: BTreeMap::from([(group.to_string(), 1)]),
        provider: Some(provider.into()),
        historical: false,
    }
}

fn record(name: &str, doses: Vec<RecordDose>) -> RecordDocument {
    RecordDocument::build(RecordInput {
        document_id: "0193a3c0-0000-7000-8000-0000000000aa".into(),
        registry: Registry::for_state("TX"),
        client: ClientIdentity {
            name: name.into(),
            date_of_birth: UsDate::parse("07/21/1990").unwrap(),
            gender: "F".into(),
            client_id: "9000000004".into(),
            guardian: None,
        },
        doses,
        printed_by: PrintedBy {
            user: "Pat Provider".into(),
            organization: "Clínica Familiar del Valle".into(),
        },
        printed_at: datetime!(2026-11-22 09:41 UTC),
    })
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("shotbook-print-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn tool(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} is needed (scripts/setup.sh installs it): {e}"));
    assert!(
        out.status.success(),
        "{program} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_pdf_text_shows_unicode_names_and_every_dose_date() {
    let doses: Vec<RecordDose> = (0..60)
        .map(|i| {
            dose(
                &format!("{}-0{}-1{}", 1991 + i / 2, 1 + i % 9, i % 10),
                "141",
                "Influenza, seasonal, injectable",
                "FLU",
                "Nguyễn Family Clinic, Hồ Chí Minh Street",
            )
        })
        .collect();
    let doc = record("Nguyễn, Ánh Thị", doses.clone());
    assert!(doc.pages.len() >= 2, "60 doses need a second page");
    let payload = RecordKey::demo().seal(&doc.signed_statement());
    let bytes = render(&doc, &payload).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    let file = scratch("nguyen.pdf");
    std::fs::write(&file, &bytes).unwrap();

    let text = tool("pdftotext", &["-layout", file.to_str().unwrap(), "-"]);
    for expected in [
        "Nguyễn, Ánh Thị",
        "Official Immunization Record",
        "Clínica Familiar del Valle",
        "07/21/1990",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from the PDF text"
        );
    }
    for d in &doses {
        let date = d.administered_on.to_string();
        assert!(
            text.contains(&date),
            "dose date {date} missing from the PDF text"
        );
    }
    let pages = doc.pages.len();
    assert!(text.contains(&format!("Page {pages} of {pages}")));
    assert!(
        text.contains("Influenza (continued)"),
        "the group heading repeats on page 2"
    );
}

#[test]
fn a_spanish_name_prints_with_its_accents() {
    let doc = record(
        "Núñez, José Luis",
        vec![dose(
            "2024-01-22",
            "216",
            "Pneumococcal conjugate PCV20",
            "PneumoPCV",
            "Clínica Núñez",
        )],
    );
    let bytes = render(&doc, &RecordKey::demo().seal(&doc.signed_statement())).unwrap();
    let file = scratch("nunez.pdf");
    std::fs::write(&file, &bytes).unwrap();
    let text = tool("pdftotext", &[file.to_str().unwrap(), "-"]);
    assert!(text.contains("Núñez, José Luis"));
    assert!(text.contains("01/22/2024"));
    let fonts = tool("pdffonts", &[file.to_str().unwrap()]);
    assert!(
        fonts.contains("DejaVuSans"),
        "the font is embedded: {fonts}"
    );
}

#[test]
fn the_qr_code_and_the_file_carry_a_payload_that_verifies() {
    let doc = record(
        "Núñez, José Luis",
        vec![
            dose(
                "2019-02-11",
                "187",
                "zoster recombinant",
                "ZOSTER",
                "Clínica Núñez",
            ),
            dose(
                "2019-05-13",
                "187",
                "zoster recombinant",
                "ZOSTER",
                "Clínica Núñez",
            ),
        ],
    );
    let payload = RecordKey::demo().seal(&doc.signed_statement());
    let bytes = render(&doc, &payload).unwrap();
    assert_eq!(payload_of_pdf(&bytes).as_deref(), Some(payload.as_str()));

    let file = scratch("qr.pdf");
    std::fs::write(&file, &bytes).unwrap();
    let png = scratch("qr-page");
    tool(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "200",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            file.to_str().unwrap(),
            png.to_str().unwrap(),
        ],
    );
    let scanned = tool(
        "zbarimg",
        &["--raw", "-q", &format!("{}.png", png.display())],
    );
    assert_eq!(
        scanned.trim(),
        payload,
        "the printed QR code decodes to the payload"
    );

    let verified = verify(scanned.trim(), &TrustedKeys::demo_only()).unwrap();
    assert_eq!(verified.key_kind, KeyKind::Demo);
    assert_eq!(verified.statement, doc.signed_statement());
    assert!(verified.statement.contains("02/11/2019 CVX 187"));
}
