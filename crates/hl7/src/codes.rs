//! The code sets an immunization message is checked against: CDC's CVX, MVX, NDC and VIS
//! tables (embedded from `data/codes/`, the files the registry's stores load) and the small
//! HL7 and CDC tables the CDC guide fixes.
//!
//! [`CodeSets`] is plain data so a host can build one from its own (newer) tables;
//! [`CodeSets::embedded`] is the copy shipped with this build.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use time::{Date, Month};

const CVX_CSV: &str = include_str!("../../../data/codes/cvx.csv");
const MVX_CSV: &str = include_str!("../../../data/codes/mvx.csv");
const CVX_VIS_CSV: &str = include_str!("../../../data/codes/cvx-vis.csv");
const NDC_UNIT_USE: &str = include_str!("../../../data/codes/NDC_Unit_use.txt");
const NDC_UNIT_SALE: &str = include_str!("../../../data/codes/NDC_Unit_sale.txt");

/// What CDC's CVX table says about one code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CvxEntry {
    /// CDC's short description.
    pub short_description: String,
    /// Active, Inactive, Non-US, Never Active, Pending.
    pub status: String,
}

impl CvxEntry {
    /// An "unspecified formulation" code, for historical doses only.
    pub fn is_unspecified_formulation(&self) -> bool {
        self.short_description
            .to_ascii_lowercase()
            .contains("unspecified")
    }

    /// Never given in the US: never active, or a non-US product.
    pub fn is_never_given_here(&self) -> bool {
        matches!(self.status.as_str(), "Never Active" | "Non-US")
    }
}

/// The code tables a message is read against.
#[derive(Debug, Clone, Default)]
pub struct CodeSets {
    /// CVX code (CDC form, "03", "110") → entry.
    pub cvx: HashMap<String, CvxEntry>,
    /// MVX codes, upper case.
    pub mvx: HashSet<String>,
    /// NDC as 11 digits without dashes → CVX.
    pub ndc: HashMap<String, String>,
    /// (CVX, edition date) → the VIS's GS1 document string.
    pub vis_editions: HashMap<(String, Date), String>,
    /// Every VIS GS1 document string CDC has published.
    pub vis_documents: HashSet<String>,
}

impl CodeSets {
    /// The tables embedded in this build (December 2025 refresh), parsed once.
    pub fn embedded() -> &'static CodeSets {
        static SETS: OnceLock<CodeSets> = OnceLock::new();
        SETS.get_or_init(|| {
            let mut sets = CodeSets::default();
            for row in csv_rows(CVX_CSV) {
                if let (Some(code), Some(short), Some(status)) =
                    (row.first(), row.get(1), row.get(4))
                {
                    sets.cvx.insert(
                        code.trim().to_string(),
                        CvxEntry {
                            short_description: short.trim().to_string(),
                            status: status.trim().to_string(),
                        },
                    );
                }
            }
            for row in csv_rows(MVX_CSV) {
                if let Some(code) = row.first() {
                    sets.mvx.insert(code.trim().to_ascii_uppercase());
                }
            }
            for row in csv_rows(CVX_VIS_CSV) {
                if let (Some(cvx), Some(gs1), Some(edition)) = (row.first(), row.get(2), row.get(4))
                {
                    sets.vis_documents.insert(gs1.trim().to_string());
                    if let Some(date) = us_date(edition) {
                        sets.vis_editions
                            .insert((cvx.trim().to_string(), date), gs1.trim().to_string());
                    }
                }
            }
            // Unit-of-use rows give the CVX in column 12, unit-of-sale rows in column 13; both
            // give the dashed 5-4-2 NDC in column 15.
            for (text, cvx_column) in [(NDC_UNIT_USE, 11), (NDC_UNIT_SALE, 12)] {
                for line in text.lines() {
                    let cols: Vec<&str> = line.split('|').collect();
                    if let (Some(cvx), Some(ndc)) = (cols.get(cvx_column), cols.get(14)) {
                        if let (Some(ndc), Ok(n)) = (ndc11(ndc), cvx.trim().parse::<u16>()) {
                            sets.ndc.insert(ndc, format!("{n:02}"));
                        }
                    }
                }
            }
            sets
        })
    }
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .filter_map(Result::ok)
        .map(|r| r.iter().map(str::to_string).collect())
        .collect()
}

/// `M/D/YYYY` as CDC's tables write dates.
fn us_date(text: &str) -> Option<Date> {
    let mut parts = text.trim().split('/');
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    let year: i32 = parts.next()?.parse().ok()?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// An NDC in the 11-digit form without dashes: `49281-0215-88` and `49281021588` give
/// `49281021588`; the 10-digit dashed forms (4-4-2, 5-3-2, 5-4-1) are padded. `None` for
/// anything else.
///
/// ```
/// use shotbook_hl7::codes::ndc11;
/// assert_eq!(ndc11("49281-0215-88").as_deref(), Some("49281021588"));
/// assert_eq!(ndc11("0006-4109-02").as_deref(), Some("00006410902"));
/// assert_eq!(ndc11("49281-215-88").as_deref(), Some("49281021588"));
/// assert_eq!(ndc11("4928102158"), None);
/// ```
pub fn ndc11(text: &str) -> Option<String> {
    let text = text.trim();
    if !text.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return None;
    }
    let parts: Vec<&str> = text.split('-').collect();
    match parts.as_slice() {
        [all] if all.len() == 11 => Some((*all).to_string()),
        [labeler, product, package]
            if (1..=5).contains(&labeler.len())
                && (1..=4).contains(&product.len())
                && (1..=2).contains(&package.len())
                && labeler.len() + product.len() + package.len() >= 10 =>
        {
            Some(format!("{labeler:0>5}{product:0>4}{package:0>2}"))
        }
        _ => None,
    }
}

/// HL7 table 0001 (administrative sex) as CDC IG 1.5 uses it; X only where the jurisdiction
/// accepts it (both modelled registries do).
pub const SEX: &[&str] = &["F", "M", "U", "X"];

/// CDC table NIP001 (immunization information source): 00 is a dose given by the sender,
/// 01–08 historical doses from a given source.
pub const INFORMATION_SOURCES: &[&str] = &["00", "01", "02", "03", "04", "05", "06", "07", "08"];

/// HL7 table 0322 (completion status).
pub const COMPLETION_STATUSES: &[&str] = &["CP", "RE", "NA", "PA"];

/// HL7 table 0064 (financial class) as CDC IG 1.5 uses it for VFC eligibility; V06/V07 are
/// the state- and local-specific categories.
pub const VFC_ELIGIBILITY: &[&str] = &["V01", "V02", "V03", "V04", "V05", "V06", "V07"];

/// CDC table CDCPHINVS "funding source" values (OBX 30963-3).
pub const FUNDING_SOURCES: &[&str] = &[
    "PHC70", "VXC1", "VXC2", "VXC3", "PHC68", "VXC50", "VXC51", "VXC52", "OTH", "UNK",
];

/// HL7 table 0215 (publicity code): 01 no reminder/recall … 12 no contact.
pub const PUBLICITY: &[&str] = &[
    "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12",
];

/// HL7 table 0441 (immunization registry status): A active, I inactive, L lost to follow-up,
/// M moved or gone elsewhere, P permanently inactive (deceased), U unknown.
pub const REGISTRY_STATUSES: &[(&str, &str)] = &[
    ("A", "active"),
    ("I", "inactive"),
    ("L", "lost_to_follow_up"),
    ("M", "moved"),
    ("P", "permanently_inactive"),
    ("U", "unknown"),
];

/// Route of administration: NCI thesaurus codes CDC IG 1.5 prefers, mapped to HL7 table 0162
/// (what the registry stores), and the 0162 codes themselves.
pub const ROUTES: &[(&str, &str)] = &[
    ("C28161", "IM"),
    ("C38299", "SC"),
    ("C38238", "ID"),
    ("C38284", "NS"),
    ("C38288", "PO"),
    ("C38676", "PER"),
    ("C38276", "IV"),
    ("C38305", "TD"),
    ("IM", "IM"),
    ("SC", "SC"),
    ("ID", "ID"),
    ("NS", "NS"),
    ("IN", "NS"),
    ("PO", "PO"),
    ("IV", "IV"),
    ("TD", "TD"),
    ("OTH", "OTH"),
];

/// HL7 table 0163 (body site) as CDC IG 1.5 lists it.
pub const SITES: &[&str] = &[
    "LT", "LA", "LD", "LG", "LVL", "LLFA", "RA", "RT", "RVL", "RG", "RD", "RLFA",
];

/// HL7 table 0063 relationships mapped to the registry's responsible-person relationships.
pub const RELATIONSHIPS: &[(&str, &str)] = &[
    ("MTH", "mother"),
    ("FTH", "father"),
    ("PAR", "other"),
    ("GRD", "guardian"),
    ("CGV", "guardian"),
    ("GRP", "grandparent"),
    ("SIB", "sibling"),
    ("BRO", "sibling"),
    ("SIS", "sibling"),
    ("SPO", "spouse"),
    ("DOM", "spouse"),
    ("FCH", "foster_parent"),
    ("OTH", "other"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_tables_hold_the_codes_the_samples_use() {
        let sets = CodeSets::embedded();
        assert_eq!(
            sets.cvx["88"].short_description,
            "influenza, unspecified formulation"
        );
        assert!(sets.cvx["88"].is_unspecified_formulation());
        assert!(sets.mvx.contains("PMC") && sets.mvx.contains("CSL"));
        assert_eq!(sets.ndc["49281021588"], "113");
        assert!(sets.cvx.len() > 250 && sets.ndc.len() > 500);
        assert!(sets.vis_documents.contains("253088698300028811170411"));
    }
}
