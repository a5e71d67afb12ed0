//! Shared by the test modules: the registry's "today", the response context, a base VXU to
//! damage, and readers for ACK segments.

use std::path::PathBuf;

use time::macros::{date, datetime};
use time::Date;

use shotbook_hl7::header::Hd;
use shotbook_hl7::{acknowledge, receive_vxu, CodeSets, Message, Received, ResponseContext};

/// The registry's day in every test.
pub const TODAY: Date = date!(2026 - 12 - 07);

pub fn ctx() -> ResponseContext {
    ResponseContext {
        now: datetime!(2026-12-07 14:05:02 -7),
        control_id: "SB-ACK-1".to_string(),
        registry_application: Hd::named("SHOTBOOK"),
        registry_facility: Hd::named("MTREG"),
    }
}

pub fn samples_dir() -> PathBuf {
    std::env::var_os("SHOTBOOK_HL7_SAMPLES_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/hl7")
        })
}

pub fn sample(name: &str) -> String {
    let path = samples_dir().join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("HL7 sample {} not readable: {e}", path.display()))
}

/// A VXU that passes every check (NIST IZ-AD-2.1 with its dates kept), CR-separated, for the
/// negative tests to damage one thing at a time.
pub fn good_vxu() -> String {
    [
        "MSH|^~\\&|NISTEHRAPP|NISTEHRFAC|NISTIISAPP|NISTIISFAC|20150624084727.655-0500||VXU^V04^VXU_V04|CTRL-1|P|2.5.1|||ER|AL|||||Z22^CDCPHINVS|NISTEHRFAC|NISTIISFAC",
        "PID|1||90012^^^NIST-MPI-1^MR||Wong^Elise^^^^^L|Lee^Ann^^^^^M|19830615|F||2028-9^Asian^CDCREC|9200 Wellington Trail^^Bozeman^MT^59715^USA^P||^PRN^PH^^^406^5557896|||||||||2186-5^Not Hispanic or Latino^CDCREC||N|1",
        "PD1|||||||||||02^Reminder/recall - any method^HL70215|N|20150624|||A|19830615|20150624",
        "NK1|1|Wong^Marie^^^^^L|MTH^Mother^HL70063|9200 Wellington Trail^^Bozeman^MT^59715^USA^P|^PRN^PH^^^406^5557896",
        "ORC|RE|4422^NIST-AA-IZ-2|13696^NIST-AA-IZ-2",
        "RXA|0|1|20150624||49281-0215-88^TENIVAC^NDC|0.5|mL^mL^UCUM||00^New Record^NIP001|7824^Jackson^Lily|^^^NIST-Clinic-1||||315841|20151216|PMC^Sanofi Pasteur^MVX|||CP|A",
        "RXR|C28161^Intramuscular^NCIT|RD^Right Deltoid^HL70163",
        "OBX|1|CE|30963-3^Vaccine Funding Source^LN|1|PHC70^Private^CDCPHINVS||||||F",
        "OBX|2|CE|64994-7^Vaccine Funding Program Eligibility^LN|2|V01^Not VFC Eligible^HL70064||||||F|||20150624|||VXC40^per immunization^CDCPHINVS",
        "OBX|3|CE|69764-9^Document Type^LN|3|253088698300028811170411^Td VIS^cdcgs1vis||||||F",
        "OBX|4|DT|29769-7^Date Vis Presented^LN|3|20150624||||||F",
        "ORC|RE||38760^NIST-AA-IZ-2",
        "RXA|0|1|20141012||88^influenza, unspecified formulation^CVX|999|||01^Historical Administration^NIP001|||||||||||CP|A",
    ]
    .join("\r")
}

pub fn receive(text: &str) -> Received {
    receive_vxu(text.as_bytes(), TODAY, CodeSets::embedded())
}

pub fn ack_of(text: &str) -> String {
    acknowledge(&receive(text), &ctx())
}

/// One ERR segment, read back from an ACK: ERR-2 as written, ERR-3.1, ERR-4, ERR-5.1, ERR-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Err {
    pub location: String,
    pub condition: String,
    pub severity: String,
    pub application: String,
    pub message: String,
}

/// MSA-1 and the ERR segments of an ACK or RSP, after checking the Z23 usage rules that
/// apply to both (interop note §A1).
pub fn read_ack(ack: &str, incoming_control_id: &str) -> (String, Vec<Err>) {
    let m = Message::parse(ack).expect("our ACK parses");
    let msh = m.msh();
    assert!(
        ack.ends_with('\r') && !ack.contains('\n'),
        "segments end with CR only"
    );
    assert_eq!(msh.text(12, 0), "2.5.1");
    assert!(
        ["P", "T", "D"].contains(&msh.text(11, 0).as_ref()),
        "MSH-11 is P, T or D"
    );
    assert_eq!(msh.text(15, 0), "NE");
    assert_eq!(msh.text(16, 0), "NE");
    assert_eq!(msh.get(21, 2).raw(), "CDCPHINVS", "MSH-21.2");
    assert!(!msh.text(7, 0).is_empty(), "MSH-7");
    assert!(!msh.text(10, 0).is_empty(), "MSH-10");
    let msa = m.segment("MSA").expect("MSA");
    assert_eq!(m.segments()[1].id(), "MSA", "MSA follows MSH");
    let code = msa.text(1, 0).into_owned();
    assert!(["AA", "AE", "AR"].contains(&code.as_str()), "MSA-1 {code}");
    assert_eq!(msa.text(2, 0), incoming_control_id, "MSA-2 = MSH-10");
    assert!(msa.field(3).is_empty(), "MSA-3 is X in Z23");
    let mut errs = Vec::new();
    for err in m.segments().iter().filter(|s| s.id() == "ERR") {
        assert!(err.field(1).is_empty(), "ERR-1 is X in Z23");
        assert_eq!(err.get(3, 3).raw(), "HL70357");
        let condition = err.text(3, 1).into_owned();
        assert!(
            ["0", "100", "101", "102", "103", "200", "201", "202", "203", "207"]
                .contains(&condition.as_str()),
            "ERR-3 {condition} in table 0357"
        );
        let severity = err.text(4, 0).into_owned();
        assert!(["E", "W", "I"].contains(&severity.as_str()), "ERR-4");
        let application = err.text(5, 1).into_owned();
        if !application.is_empty() {
            assert_eq!(err.get(5, 3).raw(), "HL70533");
            assert!(("1"..="8").contains(&application.as_str()) && application.len() == 1);
        }
        errs.push(Err {
            location: err.field(2).raw().to_string(),
            condition,
            severity,
            application,
            message: err.text(8, 0).into_owned(),
        });
    }
    // Errors come first, then warnings, then information.
    let order: Vec<u8> = errs
        .iter()
        .map(|e| match e.severity.as_str() {
            "E" => 0,
            "W" => 1,
            _ => 2,
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] <= w[1]), "ERR order E, W, I");
    (code, errs)
}

/// Replaces field `field` of the `occurrence`th (1-based) segment `id` of a CR-separated
/// message written with `|^~\&` (MSH-n counts as HL7 numbers it).
pub fn set_field(message: &str, id: &str, occurrence: usize, field: usize, value: &str) -> String {
    let mut seen = 0;
    message
        .split('\r')
        .map(|segment| {
            if !segment.starts_with(id) {
                return segment.to_string();
            }
            seen += 1;
            if seen != occurrence {
                return segment.to_string();
            }
            let mut fields: Vec<String> = segment.split('|').map(str::to_string).collect();
            let index = if id == "MSH" { field - 1 } else { field };
            if fields.len() <= index {
                fields.resize(index + 1, String::new());
            }
            fields[index] = value.to_string();
            fields.join("|")
        })
        .collect::<Vec<_>>()
        .join("\r")
}

/// Leaves out every segment whose line starts with `prefix`.
pub fn without(message: &str, prefix: &str) -> String {
    message
        .split('\r')
        .filter(|s| !s.starts_with(prefix))
        .collect::<Vec<_>>()
        .join("\r")
}
