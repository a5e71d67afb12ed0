//! The 30-case ACK semantics table (interop note §A1): what MSA-1 a message gets (AA when
//! nothing or only information; AE when any error or warning; AR only when an error carries a
//! 2xx condition) and how AIRA's `AckAnalyzer` DEFAULT rule reads the answer (AA accepted; AR
//! not; AE accepted unless some ERR-4 is E; AE without any ERR-4 not accepted; not an ACK when
//! empty, not `MSH|…`, or MSH-9 ≠ ACK). Rows 1–22 run whole messages through the chain; rows
//! 23–30 feed the reader hand-written acknowledgements, including other registries' habits.

use shotbook_hl7::{aira_reading, AiraReading};

use crate::common::{ack_of, good_vxu, read_ack, sample, set_field, without};

use AiraReading::{Accepted as Yes, NotAccepted as No, NotAnAck};

fn rxa(n: usize, field: usize, value: &str) -> String {
    set_field(&good_vxu(), "RXA", n, field, value)
}

#[test]
fn thirty_cases_of_msa_codes_and_their_aira_reading() {
    let nist_child = sample("02-vxu-nist-iz-001-child.hl7");
    // (row, message, MSA-1, AIRA reading)
    let messages: Vec<(u32, String, &str, AiraReading)> = vec![
        (1, good_vxu(), "AA", Yes),
        (2, sample("01-vxu-z22-nist-iz-ad-2.1.hl7"), "AA", Yes),
        // A historical dose of unknown vaccine (CVX 999) is a fact worth keeping.
        (3, rxa(2, 5, "999^unknown^CVX"), "AA", Yes),
        // Only information (an observation not stored): still AA, with an I ERR.
        (
            4,
            good_vxu() + "\rOBX|5|CE|31044-1^Reaction^LN|1|39579001^Anaphylaxis^SCT||||||F",
            "AA",
            Yes,
        ),
        (5, nist_child, "AE", Yes),
        (6, set_field(&good_vxu(), "PID", 1, 8, "Q"), "AE", Yes),
        (7, rxa(1, 15, ""), "AE", Yes),
        (8, without(&good_vxu(), "RXR"), "AE", Yes),
        (9, set_field(&good_vxu(), "MSH", 1, 21, ""), "AE", Yes),
        (10, rxa(2, 5, "777^Unknown^CVX"), "AE", No),
        (11, rxa(1, 3, "20991231"), "AE", No),
        (12, rxa(1, 21, ""), "AE", No),
        (13, set_field(&good_vxu(), "PID", 1, 7, ""), "AE", No),
        (14, set_field(&good_vxu(), "PID", 1, 5, "^Elise"), "AE", No),
        (15, without(&good_vxu(), "PID"), "AE", No),
        (
            16,
            set_field(&good_vxu(), "MSH", 1, 7, "20991231"),
            "AE",
            No,
        ),
        (
            17,
            good_vxu().replacen("MSH|^~\\&|", "MSH|^^\\&|", 1),
            "AE",
            No,
        ),
        (
            18,
            set_field(&good_vxu(), "MSH", 1, 9, "ADT^A04^ADT_A01"),
            "AR",
            No,
        ),
        (
            19,
            set_field(&good_vxu(), "MSH", 1, 9, "VXU^V03^VXU_V04"),
            "AR",
            No,
        ),
        (20, set_field(&good_vxu(), "MSH", 1, 11, "Q"), "AR", No),
        (21, set_field(&good_vxu(), "MSH", 1, 12, "2.4"), "AR", No),
        // A refusal wins over a content error: AR, not AE.
        (
            22,
            set_field(&rxa(1, 3, "20991231"), "MSH", 1, 12, "2.4"),
            "AR",
            No,
        ),
    ];
    for (row, message, msa, reading) in &messages {
        let control = if *row == 17 {
            ""
        } else if *row == 2 {
            "NIST-IZ-AD-2.1_Send_V04_Z22"
        } else if *row == 5 {
            "NIST-IZ-001.00"
        } else {
            "CTRL-1"
        };
        let ack = ack_of(message);
        let (code, _) = read_ack(&ack, control);
        assert_eq!(code, *msa, "row {row}: MSA-1");
        assert_eq!(aira_reading(&ack), *reading, "row {row}: AIRA reading");
    }
    let msh = "MSH|^~\\&|IIS|IISFAC|EHR|EHRFAC|20150625121047||ACK^V04^ACK|A1|P|2.5.1|||NE|NE|||||Z23^CDCPHINVS";
    let acks: Vec<(u32, String, AiraReading)> = vec![
        (23, String::new(), NotAnAck),
        (24, "RECORD REJECTED".to_string(), NotAnAck),
        (
            25,
            msh.replace("ACK^V04^ACK", "RSP^K11^RSP_K11") + "\rMSA|AA|C1",
            NotAnAck,
        ),
        (26, format!("{msh}\rMSA|AE|C1"), No),
        (
            27,
            format!("{msh}\rMSA|AE|C1\rERR||PID^1^8|103^Table value not found^HL70357"),
            No,
        ),
        (
            28,
            format!("{msh}\rMSA|AE|C1\rERR||PID^1^8|103^Table value not found^HL70357|I"),
            Yes,
        ),
        (
            29,
            format!("{msh}\rMSA|AR|C1\rERR||MSH^1^12|203^Unsupported version id^HL70357|W"),
            No,
        ),
        (30, sample("05-ack-z23-nist-ae-error.hl7"), No),
    ];
    for (row, ack, reading) in &acks {
        assert_eq!(aira_reading(ack), *reading, "row {row}");
    }
    assert_eq!(messages.len() + acks.len(), 30);
}
