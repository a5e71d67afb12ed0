//! Where the time of one record goes: model, seal, PDF. `cargo run --release -p shotbook-print
//! --example render_timing`.

use std::collections::BTreeMap;
use std::time::Instant;

use shotbook_core::date::UsDate;
use shotbook_core::record_document::{
    ClientIdentity, PrintedBy, RecordDocument, RecordDose, RecordInput, Registry,
};
use shotbook_print::{render, RecordKey};

fn main() {
    let doses: Vec<RecordDose> = (0..20)
        .map(|i| RecordDose {
            administered_on: UsDate::parse(&format!("{}-03-15", 2000 + i)).unwrap(),
            cvx: "141".into(),
            vaccine: "Influenza, seasonal, injectable".into(),
            trade_name: Some("FLUZONE".into()),
            vaccine_groups: vec!["FLU".into()],
            dose_numbers: BTreeMap::new(),
            provider: Some("Lone Star Pediatrics".into()),
            historical: false,
        })
        .collect();
    let input = RecordInput {
        document_id: "0193a3c0-0000-7000-8000-0000000000aa".into(),
        registry: Registry::for_state("TX"),
        client: ClientIdentity {
            name: "Núñez, José Luis".into(),
            date_of_birth: UsDate::parse("1958-11-03").unwrap(),
            gender: "M".into(),
            client_id: "9000000003".into(),
            guardian: None,
        },
        doses,
        printed_by: PrintedBy {
            user: "Pat Provider".into(),
            organization: "Lone Star Pediatrics".into(),
        },
        printed_at: time::OffsetDateTime::UNIX_EPOCH,
    };
    let key = RecordKey::demo();
    let n = 200;
    let (mut build, mut seal, mut pdf) = (0.0, 0.0, 0.0);
    for _ in 0..n {
        let t = Instant::now();
        let doc = RecordDocument::build(input.clone());
        build += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let payload = key.seal(&doc.signed_statement());
        seal += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let bytes = render(&doc, &payload).unwrap();
        pdf += t.elapsed().as_secs_f64();
        std::hint::black_box(bytes);
    }
    let ms = |s: f64| s * 1000.0 / n as f64;
    println!(
        "per record: build {:.2} ms, seal {:.2} ms, render {:.2} ms",
        ms(build),
        ms(seal),
        ms(pdf)
    );
}
