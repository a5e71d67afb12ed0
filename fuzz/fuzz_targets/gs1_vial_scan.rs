//! A vial's GS1 DataMatrix as a wedge scanner types it: any text parses or is refused with a
//! `ScanError`, never a panic; a scan that parses encodes (as a scanner would type it, with
//! the real group separator, and in the printed form with parentheses where its values allow)
//! and parses back to the same scan.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shotbook_core::immunization::gs1::{Gtin14, VialScan, GS};

fuzz_target!(|input: &str| {
    let _ = Gtin14::parse(input);
    let _ = Gtin14::from_ndc10(input);
    let Ok(scan) = VialScan::parse(input) else {
        return;
    };
    assert_eq!(scan.ndc10().len(), 10);
    let typed = scan.encode(&GS.to_string());
    assert_eq!(
        VialScan::parse(&typed).as_ref(),
        Ok(&scan),
        "{input:?} parsed, but its encoding {typed:?} does not parse back"
    );
    // The printed form cannot carry a value with an opening parenthesis in it.
    let printable = [&scan.lot, &scan.serial]
        .into_iter()
        .flatten()
        .all(|v| !v.contains('('));
    if printable {
        let printed = scan.human_readable();
        assert_eq!(
            VialScan::parse(&printed).as_ref(),
            Ok(&scan),
            "{input:?} parsed, but its printed form {printed:?} does not parse back"
        );
    }
});
