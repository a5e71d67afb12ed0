//! GS1 DataMatrix strings from vaccine vials and syringes, as a keyboard-wedge scanner types
//! them.
//!
//! A vaccine's 2-D barcode carries GS1 element strings: `01` GTIN-14 (whose digits embed the
//! 10-digit NDC), `17` expiry `YYMMDD`, `10` lot and sometimes `21` serial. Fixed-length
//! elements (`01`, `17`) need no terminator; a variable-length one (`10`, `21`) ends at a group
//! separator (ASCII 29, the FNC1 of the symbol) or at the end of the data. Wedge scanners differ
//! in what they type for that separator, so any of these is accepted:
//!
//! - the real GS character (`\u{1d}`);
//! - a stand-in some scanners are set up to send (`^`, `|`, `~`, `#`), or the text `<GS>`,
//!   `{GS}`, `[GS]` — none of them can occur inside a GS1 value (GS1 character set 82);
//! - nothing at all: then a variable-length element runs to the end of the data, which is right
//!   for vials that put the lot last (the common layout);
//! - the printed, human-readable form with parentheses: `(01)00300064681017(17)271231(10)X1`.
//!
//! A symbology identifier (`]d2`, `]C1`, `]Q3`) in front, spaces and a trailing carriage return
//! are ignored.
//!
//! ```
//! use shotbook_core::immunization::gs1::VialScan;
//! let scan = VialScan::parse("0100300064681017172712311012345X").unwrap();
//! assert_eq!(scan.ndc10(), "0006468101");
//! assert_eq!(scan.lot.as_deref(), Some("12345X"));
//! assert_eq!(scan.expires_on.unwrap().to_string(), "2027-12-31");
//! ```

use std::fmt;

use time::{Date, Month};

/// The group separator (FNC1 inside the symbol).
pub const GS: char = '\u{1d}';

/// A 14-digit Global Trade Item Number with a correct check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Gtin14(String);

impl Gtin14 {
    /// Parses 14 digits and checks the GS1 mod-10 check digit.
    pub fn parse(digits: &str) -> Result<Self, ScanError> {
        if digits.len() != 14 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ScanError::MalformedGtin);
        }
        let expected = check_digit(&digits[..13]);
        if digits.as_bytes()[13] - b'0' != expected {
            return Err(ScanError::GtinCheckDigit);
        }
        Ok(Self(digits.to_string()))
    }

    /// The GTIN-14 that carries a 10-digit NDC (indicator digit 0, GS1 US prefix `03`).
    pub fn from_ndc10(ndc10: &str) -> Result<Self, ScanError> {
        if ndc10.len() != 10 || !ndc10.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ScanError::MalformedGtin);
        }
        let body = format!("003{ndc10}");
        let check = check_digit(&body);
        Ok(Self(format!("{body}{check}")))
    }

    /// The 14 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 10-digit NDC inside, when this GTIN is a US drug code (digits 2–3 are `03`).
    pub fn ndc10(&self) -> Option<&str> {
        (&self.0[1..3] == "03").then(|| &self.0[3..13])
    }
}

impl fmt::Display for Gtin14 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// GS1 mod-10 check digit of the digits before it: weights 3 and 1 alternating from the right.
fn check_digit(body: &str) -> u8 {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// What a vial's barcode says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VialScan {
    /// The product's GTIN-14 (AI 01).
    pub gtin: Gtin14,
    /// Expiry (AI 17). A day of `00` means the last day of that month.
    pub expires_on: Option<Date>,
    /// Lot or batch (AI 10).
    pub lot: Option<String>,
    /// Serial number (AI 21).
    pub serial: Option<String>,
}

/// Why a scan was not understood. Each message tells the user what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    /// Nothing was scanned.
    #[error("Nothing was scanned. Scan the 2-D barcode on the vial or syringe.")]
    Empty,
    /// The data does not start with a GS1 element this reader knows.
    #[error("This is not a vaccine GS1 barcode (it should start with 01 and the product number). Scan the square 2-D barcode on the vial, not the carton's linear barcode.")]
    NotGs1,
    /// An element identifier this reader does not handle.
    #[error("The barcode holds an element ({0}) that vaccine barcodes do not use; scan it again or type the lot and expiry.")]
    UnknownElement(String),
    /// The GTIN is not 14 digits.
    #[error("The product number (GTIN) in the barcode is not 14 digits; scan it again.")]
    MalformedGtin,
    /// The GTIN's check digit is wrong: a misread.
    #[error("The product number (GTIN) in the barcode fails its check digit, so it was misread; scan it again.")]
    GtinCheckDigit,
    /// No GTIN in the data.
    #[error("The barcode has no product number (GTIN); scan the vial's 2-D barcode.")]
    MissingGtin,
    /// The GTIN is not an NDC-based one.
    #[error("The product number {0} is not a US drug code (NDC), so it is not a vaccine product.")]
    NotNdc(String),
    /// The expiry is not a date.
    #[error("The expiry date in the barcode ({0}) is not a real date; scan it again or type the expiry.")]
    BadExpiry(String),
    /// A lot or serial that is empty, too long or holds a separator stand-in.
    #[error("The lot number in the barcode is empty, longer than 20 characters or holds a character lot numbers do not have; scan it again or type the lot.")]
    BadLot,
    /// An element appears twice.
    #[error("The barcode repeats an element ({0}); scan it again.")]
    Repeated(String),
}

const STAND_INS: [&str; 7] = ["<GS>", "{GS}", "[GS]", "^", "|", "~", "#"];
const SYMBOLOGY_IDS: [&str; 5] = ["]d2", "]D2", "]C1", "]Q3", "]e0"];

impl VialScan {
    /// Parses what the scanner typed.
    pub fn parse(input: &str) -> Result<Self, ScanError> {
        let mut data = input.trim_matches(|c: char| c.is_whitespace()).to_string();
        for id in SYMBOLOGY_IDS {
            if let Some(rest) = data.strip_prefix(id) {
                data = rest.to_string();
                break;
            }
        }
        if data.is_empty() {
            return Err(ScanError::Empty);
        }
        let elements = if data.starts_with('(') {
            human_readable_elements(&data)?
        } else {
            for stand_in in STAND_INS {
                data = data.replace(stand_in, &GS.to_string());
            }
            // Separators inside the data become a leading FNC1 some scanners also send.
            raw_elements(data.trim_start_matches(GS))?
        };
        let mut gtin = None;
        let mut expires_on = None;
        let mut lot = None;
        let mut serial = None;
        for (ai, value) in elements {
            let slot_taken = match ai.as_str() {
                "01" => gtin.replace(Gtin14::parse(&value)?).is_some(),
                "17" => expires_on.replace(expiry(&value)?).is_some(),
                "10" => lot.replace(text_value(&value)?).is_some(),
                "21" => serial.replace(text_value(&value)?).is_some(),
                // Other fixed-length dates and counts some labels carry; read and ignored.
                "11" | "15" | "16" | "30" => false,
                _ => return Err(ScanError::UnknownElement(ai)),
            };
            if slot_taken {
                return Err(ScanError::Repeated(ai));
            }
        }
        let gtin = gtin.ok_or(ScanError::MissingGtin)?;
        if gtin.ndc10().is_none() {
            return Err(ScanError::NotNdc(gtin.to_string()));
        }
        Ok(Self {
            gtin,
            expires_on,
            lot,
            serial,
        })
    }

    /// The 10-digit NDC (no hyphens; its 4-4-2, 5-3-2 or 5-4-1 split comes from the NDC table).
    pub fn ndc10(&self) -> &str {
        self.gtin
            .ndc10()
            .expect("a parsed scan always holds an NDC-based GTIN")
    }

    /// Encodes the scan as a scanner would type it (tests and label printing): GTIN, expiry,
    /// then the variable-length lot and serial, each ended by `separator` unless it comes last.
    pub fn encode(&self, separator: &str) -> String {
        let mut out = format!("01{}", self.gtin);
        if let Some(d) = self.expires_on {
            out.push_str(&format!(
                "17{:02}{:02}{:02}",
                d.year() % 100,
                u8::from(d.month()),
                d.day()
            ));
        }
        let variable: Vec<String> = [("10", &self.lot), ("21", &self.serial)]
            .into_iter()
            .filter_map(|(ai, v)| v.as_ref().map(|v| format!("{ai}{v}")))
            .collect();
        out.push_str(&variable.join(separator));
        out
    }

    /// The printed form with parentheses: `(01)…(17)…(10)…`.
    pub fn human_readable(&self) -> String {
        let mut out = format!("(01){}", self.gtin);
        if let Some(d) = self.expires_on {
            out.push_str(&format!(
                "(17){:02}{:02}{:02}",
                d.year() % 100,
                u8::from(d.month()),
                d.day()
            ));
        }
        if let Some(lot) = &self.lot {
            out.push_str(&format!("(10){lot}"));
        }
        if let Some(serial) = &self.serial {
            out.push_str(&format!("(21){serial}"));
        }
        out
    }
}

/// Length of the value of a fixed-length element, `None` for variable-length ones.
fn fixed_length(ai: &str) -> Option<usize> {
    match ai {
        "01" => Some(14),
        "11" | "15" | "16" | "17" => Some(6),
        _ => None,
    }
}

fn raw_elements(data: &str) -> Result<Vec<(String, String)>, ScanError> {
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        if rest.len() < 2 || !rest.is_char_boundary(2) {
            return Err(if out.is_empty() {
                ScanError::NotGs1
            } else {
                ScanError::UnknownElement(rest.to_string())
            });
        }
        let ai = &rest[..2];
        if !ai.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ScanError::NotGs1);
        }
        let after = &rest[2..];
        let (value, next) = match fixed_length(ai) {
            Some(n) => {
                if after.len() < n || !after.is_char_boundary(n) {
                    return Err(truncated(ai, after));
                }
                (&after[..n], after[n..].trim_start_matches(GS))
            }
            None if matches!(ai, "10" | "21" | "30") => match after.find(GS) {
                Some(i) => (&after[..i], after[i..].trim_start_matches(GS)),
                None => (after, ""),
            },
            None if out.is_empty() => return Err(ScanError::NotGs1),
            None => return Err(ScanError::UnknownElement(ai.to_string())),
        };
        out.push((ai.to_string(), value.to_string()));
        rest = next;
    }
    Ok(out)
}

fn truncated(ai: &str, value: &str) -> ScanError {
    match ai {
        "01" => ScanError::MalformedGtin,
        "17" => ScanError::BadExpiry(value.to_string()),
        other => ScanError::UnknownElement(other.to_string()),
    }
}

fn human_readable_elements(data: &str) -> Result<Vec<(String, String)>, ScanError> {
    let mut out = Vec::new();
    let mut rest = data;
    while let Some(after_open) = rest.strip_prefix('(') {
        let close = after_open.find(')').ok_or(ScanError::NotGs1)?;
        let ai = &after_open[..close];
        if ai.len() != 2 || !ai.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ScanError::NotGs1);
        }
        let after = &after_open[close + 1..];
        let end = after.find('(').unwrap_or(after.len());
        out.push((ai.to_string(), after[..end].trim().to_string()));
        rest = &after[end..];
    }
    if !rest.trim().is_empty() || out.is_empty() {
        return Err(ScanError::NotGs1);
    }
    Ok(out)
}

fn expiry(value: &str) -> Result<Date, ScanError> {
    let bad = || ScanError::BadExpiry(value.to_string());
    if value.len() != 6 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n = |r: std::ops::Range<usize>| value[r].parse::<u8>().map_err(|_| bad());
    // Vaccine expiries are this century; GS1's sliding window only matters for 1950s dates.
    let year = 2000 + i32::from(n(0..2)?);
    let month = Month::try_from(n(2..4)?).map_err(|_| bad())?;
    let day = n(4..6)?;
    let day = if day == 0 { month.length(year) } else { day };
    Date::from_calendar_date(year, month, day).map_err(|_| bad())
}

fn text_value(value: &str) -> Result<String, ScanError> {
    let value = value.trim();
    // A separator stand-in can only reach a value through the printed form; it would end the
    // value when the scan is typed again, so it is no lot character.
    if value.is_empty()
        || value.chars().count() > 20
        || value.chars().any(|c| c.is_control())
        || STAND_INS.iter().any(|s| value.contains(s))
    {
        return Err(ScanError::BadLot);
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    // M-M-R II single-dose vial, NDC 0006-4681-01 (CDC NDC table, GTIN 00300064681017).
    const MMR_GTIN: &str = "00300064681017";

    fn mmr(lot: &str) -> VialScan {
        VialScan {
            gtin: Gtin14::parse(MMR_GTIN).unwrap(),
            expires_on: Some(date!(2027 - 12 - 31)),
            lot: Some(lot.into()),
            serial: None,
        }
    }

    #[test]
    fn the_gtin_of_an_ndc_carries_the_ten_digit_ndc_and_a_check_digit() {
        let gtin = Gtin14::from_ndc10("0006468101").unwrap();
        assert_eq!(gtin.as_str(), MMR_GTIN);
        assert_eq!(gtin.ndc10(), Some("0006468101"));
        // CDC's table lists GTINs with indicator digit 1 too (Pediarix 58160-0811-43).
        assert_eq!(
            Gtin14::parse("10358160811439").unwrap().ndc10(),
            Some("5816081143")
        );
    }

    #[test]
    fn a_misread_digit_fails_the_check_digit() {
        assert_eq!(
            Gtin14::parse("00300064681018"),
            Err(ScanError::GtinCheckDigit)
        );
        assert_eq!(
            VialScan::parse("0100300064681018172712311012345X"),
            Err(ScanError::GtinCheckDigit)
        );
    }

    #[test]
    fn with_a_group_separator_the_lot_may_come_before_the_expiry() {
        let scan = VialScan::parse("\u{1d}010030006468101710R024551\u{1d}17271231").unwrap();
        assert_eq!(scan, mmr("R024551"));
    }

    #[test]
    fn stand_in_separators_and_a_symbology_identifier_are_accepted() {
        for typed in [
            "]d2010030006468101710R024551^17271231",
            "010030006468101710R024551|17271231",
            "010030006468101710R024551<GS>17271231",
            "  010030006468101710R024551{GS}17271231\r\n",
        ] {
            assert_eq!(VialScan::parse(typed).unwrap(), mmr("R024551"), "{typed:?}");
        }
    }

    #[test]
    fn without_separators_the_lot_runs_to_the_end() {
        let scan = VialScan::parse("01003000646810171727123110R024551").unwrap();
        assert_eq!(scan, mmr("R024551"));
    }

    #[test]
    fn the_printed_form_with_parentheses_parses_too() {
        let scan = VialScan::parse("(01)00300064681017(17)271231(10)R024551").unwrap();
        assert_eq!(scan, mmr("R024551"));
    }

    #[test]
    fn an_expiry_day_of_00_means_the_end_of_the_month() {
        let scan = VialScan::parse("01003000646810171728020010A1").unwrap();
        assert_eq!(scan.expires_on, Some(date!(2028 - 02 - 29)));
    }

    #[test]
    fn malformed_scans_say_what_is_wrong() {
        assert_eq!(VialScan::parse("   "), Err(ScanError::Empty));
        assert_eq!(VialScan::parse("R024551"), Err(ScanError::NotGs1));
        assert_eq!(VialScan::parse("012345"), Err(ScanError::MalformedGtin));
        assert_eq!(
            VialScan::parse("01003000646810171713131010A1"),
            Err(ScanError::BadExpiry("131310".into()))
        );
        assert_eq!(
            VialScan::parse("17271231"),
            Err(ScanError::MissingGtin),
            "an expiry alone is not a product"
        );
        // A grocery GTIN (no 03 prefix) is not a drug.
        let food = Gtin14::parse("00012345678905").unwrap();
        assert_eq!(
            VialScan::parse(&format!("01{food}")),
            Err(ScanError::NotNdc(food.to_string()))
        );
        assert_eq!(
            VialScan::parse("0100300064681017990000"),
            Err(ScanError::UnknownElement("99".into()))
        );
        assert_eq!(
            VialScan::parse("0100300064681017010030006468101710A"),
            Err(ScanError::Repeated("01".into()))
        );
    }

    #[test]
    fn a_printed_lot_with_a_separator_stand_in_is_refused() {
        // Found by fuzzing (fuzz/ gs1_vial_scan): the printed form took "27|||2" as a lot, and
        // the scan typed again ("…1027|||2") split it at the stand-in.
        for lot in ["27|||2", "A^B", "A~B", "A#B", "A<GS>B", "A{GS}B", "A[GS]B"] {
            let printed = format!("(01)00300064681017(17)271031(10){lot}");
            assert_eq!(
                VialScan::parse(&printed),
                Err(ScanError::BadLot),
                "{printed}"
            );
        }
        assert_eq!(
            VialScan::parse("(01)00300064681017(10)A-B/C.D")
                .unwrap()
                .lot
                .as_deref(),
            Some("A-B/C.D")
        );
    }

    fn lot_text() -> impl Strategy<Value = String> {
        // GS1 character set 82 minus the parentheses of the printed form.
        proptest::string::string_regex("[A-Za-z0-9\\-./:;*+,!%&'=?_]{1,20}").unwrap()
    }

    fn scan() -> impl Strategy<Value = VialScan> {
        (
            0u8..=1,
            "[0-9]{10}",
            proptest::option::of((2000i32..2099, 1u8..=12, 1u8..=28)),
            proptest::option::of(lot_text()),
            proptest::option::of(lot_text()),
        )
            .prop_map(|(indicator, ndc, expiry, lot, serial)| {
                let body = format!("{indicator}03{ndc}");
                let gtin = Gtin14(format!("{body}{}", check_digit(&body)));
                VialScan {
                    gtin,
                    expires_on: expiry.map(|(y, m, d)| {
                        Date::from_calendar_date(y, Month::try_from(m).unwrap(), d).unwrap()
                    }),
                    lot,
                    serial,
                }
            })
    }

    proptest! {
        #[test]
        fn any_scan_round_trips_through_each_separator_style(scan in scan(), style in 0usize..6) {
            let typed = match style {
                0 => scan.encode("\u{1d}"),
                1 => format!("]d2{}", scan.encode("^")),
                2 => format!("{}\r", scan.encode("<GS>")),
                3 => scan.encode("|"),
                4 => scan.human_readable(),
                _ => format!("\u{1d}{}", scan.encode("~")),
            };
            prop_assert_eq!(VialScan::parse(&typed), Ok(scan.clone()), "typed {:?}", typed);
        }

        #[test]
        fn without_separators_a_single_variable_field_round_trips(mut scan in scan()) {
            scan.serial = None;
            prop_assert_eq!(VialScan::parse(&scan.encode("")), Ok(scan.clone()));
        }

        #[test]
        fn the_ndc_survives_the_gtin(ndc in "[0-9]{10}") {
            let gtin = Gtin14::from_ndc10(&ndc).unwrap();
            let parsed = Gtin14::parse(gtin.as_str()).unwrap();
            prop_assert_eq!(parsed.ndc10(), Some(ndc.as_str()));
        }

        #[test]
        fn arbitrary_input_never_panics(input in "\\PC{0,60}") {
            let _ = VialScan::parse(&input);
        }
    }
}
