//! A stand-in for the `hl7_message` fuzz target that runs with the ordinary tests (no nightly
//! flags, no sanitizer): 5,000 deterministic mutations of the shared samples (separator and
//! escape characters dropped in, bytes deleted, ranges repeated, truncation, invalid UTF-8),
//! each held to the fuzz target's invariants.

use shotbook_hl7::parse::{decode, escape};
use shotbook_hl7::qbp::receive_qbp;
use shotbook_hl7::{acknowledge, aira_reading, receive_vxu, AiraReading, CodeSets, Message};

use crate::common::{ctx, sample, TODAY};

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const PIECES: &[&[u8]] = &[
    b"|",
    b"^",
    b"~",
    b"\\",
    b"&",
    b"\r",
    b"\n",
    b"\r\n",
    b"\\X",
    b"\\F\\",
    b"\\XC3\\",
    b"\\.br\\",
    b"\\Z\\",
    b"\xc3\xa9",
    b"\xff",
    b"MSH|^~\\&|",
    b"RXA|0|1|",
    b"\"\"",
    b"99999999999999",
];

fn mutate(rng: &mut XorShift, base: &[u8]) -> Vec<u8> {
    let mut out = base.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(5) {
            0 => {
                let piece = PIECES[rng.below(PIECES.len())];
                out.splice(at..at, piece.iter().copied());
            }
            1 if at < out.len() => {
                let end = (at + 1 + rng.below(20)).min(out.len());
                out.drain(at..end);
            }
            2 if at < out.len() => {
                let end = (at + 1 + rng.below(200)).min(out.len());
                let copy: Vec<u8> = out[at..end].to_vec();
                out.splice(at..at, copy);
            }
            3 => out.truncate(at),
            _ if at < out.len() => out[at] = (rng.next() & 0xff) as u8,
            _ => {}
        }
    }
    out
}

#[test]
fn five_thousand_mutated_samples_never_break_the_reader_or_the_ack() {
    let mut rng = XorShift(0x5eed_1234_abcd_ef01);
    let names = [
        "01-vxu-z22-nist-iz-ad-2.1.hl7",
        "02-vxu-nist-iz-001-child.hl7",
        "03-qbp-z44-cdc-ig-example.hl7",
        "04-rsp-z42-cdc-ig-example.hl7",
        "05-ack-z23-nist-ae-error.hl7",
    ];
    let bases: Vec<Vec<u8>> = names
        .iter()
        .map(|n| sample(n).replace('\n', "\r").into_bytes())
        .collect();
    let mut split = 0;
    for i in 0..5_000 {
        let input = mutate(&mut rng, &bases[i % bases.len()]);
        if let Ok(message) = Message::parse_bytes(&input) {
            split += 1;
            let separators = message.separators();
            for segment in message.segments() {
                for n in 1..=segment.field_count() {
                    for rep in segment.field(n).repetitions() {
                        for c in 1..=6 {
                            if let Ok(text) = rep.component(c).text() {
                                let again = escape(&text, &separators);
                                assert_eq!(
                                    decode(&again, &separators).as_deref(),
                                    Ok(&*text),
                                    "{input:?}"
                                );
                            }
                        }
                    }
                }
            }
        }
        let received = receive_vxu(&input, TODAY, CodeSets::embedded());
        let ack = acknowledge(&received, &ctx());
        let parsed =
            Message::parse(&ack).unwrap_or_else(|e| panic!("ACK unreadable ({e}) for {input:?}"));
        let control = received
            .header
            .as_ref()
            .map_or("", |h| h.control_id.as_str());
        assert_eq!(
            parsed.segment("MSA").unwrap().field(2).text().unwrap(),
            control
        );
        assert_ne!(aira_reading(&ack), AiraReading::NotAnAck);
        let _ = receive_qbp(&input, TODAY);
    }
    assert!(split > 1_500, "most mutations still split ({split})");
}
