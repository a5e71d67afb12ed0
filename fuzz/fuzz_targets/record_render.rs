//! The printable record from any client: names, guardian, providers and vaccine texts in any
//! script (or none), 0 to 500 doses in known and unknown vaccine groups, any print time. The
//! page plan and the PDF are made without a panic (a typed `RenderError` at worst); every dose
//! is on the record once, and a PDF that renders carries its seal, which verifies.
#![no_main]

use std::collections::BTreeMap;

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use shotbook_core::date::UsDate;
use shotbook_core::record_document::{
    Block, ClientIdentity, PrintedBy, RecordDocument, RecordDose, RecordInput, Registry,
};
use shotbook_print::{payload_of_pdf, render, verify, RecordKey, RenderError, TrustedKeys};

const MAX_DOSES: usize = 500;
const GROUPS: [&str; 8] = [
    "HepB",
    "DTAP",
    "FLU",
    "MMR",
    "VARICELLA",
    "COVID-19",
    "ZOSTER",
    "HPV",
];

fn day(u: &mut Unstructured<'_>) -> arbitrary::Result<UsDate> {
    // 01/01/1850 to 2029.
    let days = u.int_in_range(0..=65_000)?;
    Ok(UsDate::from_date(
        time::macros::date!(1850 - 01 - 01) + time::Duration::days(days),
    ))
}

fn dose(u: &mut Unstructured<'_>) -> arbitrary::Result<RecordDose> {
    let mut vaccine_groups = Vec::new();
    for _ in 0..u.int_in_range(0..=3)? {
        vaccine_groups.push(if u.ratio(3, 4)? {
            GROUPS[u.choose_index(GROUPS.len())?].to_string()
        } else {
            String::arbitrary(u)?
        });
    }
    let mut dose_numbers = BTreeMap::new();
    for g in &vaccine_groups {
        if u.arbitrary()? {
            dose_numbers.insert(g.clone(), u.arbitrary()?);
        }
    }
    Ok(RecordDose {
        administered_on: day(u)?,
        cvx: String::arbitrary(u)?,
        vaccine: String::arbitrary(u)?,
        trade_name: Option::arbitrary(u)?,
        vaccine_groups,
        dose_numbers,
        provider: Option::arbitrary(u)?,
        historical: u.arbitrary()?,
    })
}

fn record(u: &mut Unstructured<'_>) -> arbitrary::Result<RecordInput> {
    let registry = Registry::for_state(<&str>::arbitrary(u)?);
    let client = ClientIdentity {
        name: String::arbitrary(u)?,
        date_of_birth: day(u)?,
        gender: String::arbitrary(u)?,
        client_id: String::arbitrary(u)?,
        guardian: Option::arbitrary(u)?,
    };
    let printed_by = PrintedBy {
        user: String::arbitrary(u)?,
        organization: String::arbitrary(u)?,
    };
    // 1970 to 2106.
    let printed_at = time::OffsetDateTime::from_unix_timestamp(i64::from(u32::arbitrary(u)?))
        .expect("a u32 of seconds is a time");
    let document_id = String::arbitrary(u)?;
    let mut doses = Vec::new();
    let count = u.int_in_range(0..=MAX_DOSES)?;
    for _ in 0..count {
        if u.is_empty() {
            break;
        }
        doses.push(dose(u)?);
    }
    Ok(RecordInput {
        document_id,
        registry,
        client,
        doses,
        printed_by,
        printed_at,
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = record(&mut Unstructured::new(data)) else {
        return;
    };
    let dose_count = input.doses.len();
    let doc = RecordDocument::build(input);
    assert_eq!(doc.dose_count(), dose_count);
    let rows: usize = doc.groups.iter().map(|g| g.rows.len()).sum();
    let placed = doc
        .pages
        .iter()
        .flat_map(|p| &p.blocks)
        .filter(|b| matches!(b, Block::Row { .. }))
        .count();
    assert_eq!(placed, rows, "every row is on one page");
    for page in &doc.pages {
        assert_eq!(page.count, doc.pages.len());
    }
    let _ = doc.plain_text();
    let _ = doc.footer();
    let statement = doc.signed_statement();
    let key = RecordKey::demo();
    let payload = key.seal(&statement);
    let payload = match render(&doc, &payload) {
        Ok(pdf) => {
            assert_eq!(payload_of_pdf(&pdf).as_deref(), Some(payload.as_str()));
            payload
        }
        // A long history does not fit a QR code: still draw every page, with a short seal.
        Err(RenderError::Qr(_)) => {
            let short = key.seal("fuzz");
            let pdf = render(&doc, &short).expect("a short seal fits");
            assert_eq!(payload_of_pdf(&pdf).as_deref(), Some(short.as_str()));
            short
        }
        Err(e) => panic!("{e}"),
    };
    verify(&payload, &TrustedKeys::demo_only()).expect("the printed seal verifies");
});
