//! HL7 v2 messages as an EHR's interface engine sends them: any bytes. `Message::parse_bytes`
//! never panics; every value of a message that splits decodes or says why not, and a decoded
//! value escaped again decodes to itself; the whole VXU chain (`receive_vxu` → `acknowledge`)
//! and the QBP reader always answer, and the ACK is itself a message whose MSA-2 is the
//! incoming MSH-10 and which AIRA's reading takes for an ACK.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shotbook_hl7::header::Hd;
use shotbook_hl7::parse::{decode, escape};
use shotbook_hl7::qbp::receive_qbp;
use shotbook_hl7::{
    acknowledge, aira_reading, receive_vxu, AiraReading, CodeSets, Message, ResponseContext,
};

fuzz_target!(|bytes: &[u8]| {
    let today = time::macros::date!(2026 - 12 - 07);
    if let Ok(message) = Message::parse_bytes(bytes) {
        let separators = message.separators();
        for segment in message.segments() {
            for n in 1..=segment.field_count() {
                for rep in segment.field(n).repetitions() {
                    for c in 1..=8 {
                        for s in 1..=3 {
                            let leaf = rep.component(c).subcomponent(s);
                            if let Ok(text) = leaf.text() {
                                let again = escape(&text, &separators);
                                assert_eq!(decode(&again, &separators).as_deref(), Ok(&*text));
                            }
                        }
                    }
                }
            }
        }
    }
    let received = receive_vxu(bytes, today, CodeSets::embedded());
    let ctx = ResponseContext {
        now: time::macros::datetime!(2026-12-07 14:05:02 -7),
        control_id: "FUZZ".into(),
        registry_application: Hd::named("SHOTBOOK"),
        registry_facility: Hd::named("MTREG"),
    };
    let ack = acknowledge(&received, &ctx);
    let parsed = Message::parse(&ack).expect("the ACK is a message");
    let msa = parsed.segment("MSA").expect("MSA");
    let control = received.header.as_ref().map_or("", |h| h.control_id.as_str());
    assert_eq!(msa.field(2).text().unwrap(), control, "MSA-2 = MSH-10");
    assert_ne!(aira_reading(&ack), AiraReading::NotAnAck);
    let _ = receive_qbp(bytes, today);
});
