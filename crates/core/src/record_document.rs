//! The Official Immunization Record as a document: what is printed, in which order, on which
//! page. Built here, without IO, so its content is tested without parsing a PDF; the `print`
//! crate draws it with printpdf and the app's print preview draws the very same pages.
//!
//! Layout is planned in *lines* of the dose table (one line = one table text line): the
//! renderer turns lines into points with its own line height, and the page capacities below
//! are what fits between the page header and footer it draws. Long vaccine and provider names
//! are wrapped here, by characters, so the plan knows how many lines each row takes.
//!
//! The facts the QR code vouches for ([`RecordDocument::signed_statement`]) are also defined
//! here: a plain text a reader can compare with the paper.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use time::OffsetDateTime;

use crate::date::UsDate;

/// The title printed on every page.
pub const TITLE: &str = "Official Immunization Record";

/// Table lines that fit on the first page (below the client block and QR code).
pub const FIRST_PAGE_LINES: usize = 36;
/// Table lines that fit on the following pages (below a one-line client reminder).
pub const OTHER_PAGE_LINES: usize = 46;
/// Characters per line of the vaccine column.
pub const VACCINE_COLUMN_CHARS: usize = 44;
/// Characters per line of the "given by" column.
pub const PROVIDER_COLUMN_CHARS: usize = 34;
/// Characters per line of full-width text (consent statement).
pub const FULL_WIDTH_CHARS: usize = 100;

/// The registry issuing the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registry {
    /// "ImmTrac2 — Texas Immunization Registry".
    pub name: String,
    /// The public-health authority running it.
    pub jurisdiction: String,
}

impl Registry {
    /// The registry of a state (two-letter code): ImmTrac2 for Texas, imMTrax for Montana,
    /// a generic Shotbook registry elsewhere.
    pub fn for_state(state: &str) -> Self {
        let (name, jurisdiction) = match state.to_ascii_uppercase().as_str() {
            "TX" => (
                "ImmTrac2 — Texas Immunization Registry",
                "Texas Department of State Health Services",
            ),
            "MT" => (
                "imMTrax — Montana Immunization Information System",
                "Montana Department of Public Health and Human Services",
            ),
            other => {
                return Self {
                    name: "Shotbook Immunization Registry".into(),
                    jurisdiction: format!("State health department ({other})"),
                }
            }
        };
        Self {
            name: name.into(),
            jurisdiction: jurisdiction.into(),
        }
    }
}

/// Who the record is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientIdentity {
    /// "Last, First Middle".
    pub name: String,
    /// Date of birth.
    pub date_of_birth: UsDate,
    /// HL7 gender code (F, M, X, U).
    pub gender: String,
    /// The registry's client number.
    pub client_id: String,
    /// Parent or guardian ("Elena Martinez (Mother)"), for minors.
    pub guardian: Option<String>,
}

impl ClientIdentity {
    /// "Female", "Male", "Non-binary", "Unknown".
    pub fn gender_label(&self) -> &'static str {
        match self.gender.as_str() {
            "F" => "Female",
            "M" => "Male",
            "X" => "Non-binary",
            _ => "Unknown",
        }
    }
}

/// A dose as the record lists it (voided doses are never given to the document).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordDose {
    /// Date given.
    pub administered_on: UsDate,
    /// CVX code.
    pub cvx: String,
    /// CDC short description of the CVX.
    pub vaccine: String,
    /// Product (trade) name, when known.
    pub trade_name: Option<String>,
    /// CDC vaccine groups of the CVX ("MMR", "VARICELLA" for MMRV).
    pub vaccine_groups: Vec<String>,
    /// Valid dose number in each vaccine group, where the evaluation knows it.
    pub dose_numbers: BTreeMap<String, u32>,
    /// Administering organization (or clinician) as recorded.
    pub provider: Option<String>,
    /// Reported from a shot card or another record rather than administered and recorded here.
    pub historical: bool,
}

/// Who printed the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintedBy {
    /// The user's display name.
    pub user: String,
    /// The organization they printed for.
    pub organization: String,
}

/// Everything the document is made from.
#[derive(Debug, Clone)]
pub struct RecordInput {
    /// A new id for this printed document (it is also recorded in the audit log).
    pub document_id: String,
    /// Issuing registry.
    pub registry: Registry,
    /// The client.
    pub client: ClientIdentity,
    /// Doses not voided, in any order.
    pub doses: Vec<RecordDose>,
    /// Printed by.
    pub printed_by: PrintedBy,
    /// Printed at (UTC).
    pub printed_at: OffsetDateTime,
}

/// One row of a vaccine group's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoseRow {
    /// MM/DD/YYYY.
    pub date: String,
    /// Vaccine text, wrapped to the column.
    pub vaccine: Vec<String>,
    /// CVX code.
    pub cvx: String,
    /// Dose number in the group, or empty when unknown.
    pub dose: String,
    /// Provider text, wrapped to the column.
    pub provider: Vec<String>,
    /// Historical dose (marked on the paper).
    pub historical: bool,
}

impl DoseRow {
    /// Table lines the row takes.
    pub fn lines(&self) -> usize {
        self.vaccine.len().max(self.provider.len()).max(1)
    }
}

/// A vaccine group and its doses, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSection {
    /// Display name ("Hepatitis B").
    pub name: String,
    /// Rows.
    pub rows: Vec<DoseRow>,
}

/// What a page shows, top to bottom, between its header and footer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    /// Client identity and QR code (first page).
    ClientBlock,
    /// One line naming the client again (following pages).
    ClientReminder,
    /// A vaccine group's heading; `continued` when the group began on an earlier page.
    GroupHeading {
        /// Index into [`RecordDocument::groups`].
        group: usize,
        /// The group began on an earlier page.
        continued: bool,
    },
    /// The dose table's column header (repeated on every page a group continues to).
    TableHeader,
    /// A dose row.
    Row {
        /// Index into [`RecordDocument::groups`].
        group: usize,
        /// Index into that group's rows.
        row: usize,
    },
    /// "No immunizations are recorded."
    NoImmunizations,
    /// What the historical mark means.
    HistoricalLegend,
    /// The consent statement.
    ConsentStatement,
}

impl Block {
    fn lines(&self, doc: &RecordDocument) -> usize {
        match *self {
            Block::ClientBlock | Block::ClientReminder => 0,
            Block::GroupHeading { .. } => 2,
            Block::TableHeader | Block::NoImmunizations => 1,
            Block::Row { group, row } => doc.groups[group].rows[row].lines(),
            Block::HistoricalLegend => 2,
            Block::ConsentStatement => doc.consent_statement.len() + 1,
        }
    }
}

/// One page of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// 1-based.
    pub number: usize,
    /// Total pages.
    pub count: usize,
    /// Blocks, top to bottom.
    pub blocks: Vec<Block>,
}

impl Page {
    /// "Page 2 of 3".
    pub fn label(&self) -> String {
        format!("Page {} of {}", self.number, self.count)
    }
}

/// The record, laid out in pages.
#[derive(Debug, Clone)]
pub struct RecordDocument {
    /// This document's id.
    pub document_id: String,
    /// Issuing registry.
    pub registry: Registry,
    /// The client.
    pub client: ClientIdentity,
    /// Vaccine groups in schedule order.
    pub groups: Vec<GroupSection>,
    /// The consent statement, wrapped.
    pub consent_statement: Vec<String>,
    /// Printed by.
    pub printed_by: PrintedBy,
    /// Printed at.
    pub printed_at: OffsetDateTime,
    /// The facts the QR code carries, one per line (see [`RecordDocument::signed_statement`]).
    statement_doses: Vec<String>,
    /// The pagination plan.
    pub pages: Vec<Page>,
}

/// Vaccine groups in the order of the childhood schedule, then adult vaccines, with the names
/// printed. Groups CDC adds later print under their CDC name after these.
const GROUP_ORDER: &[(&str, &str)] = &[
    ("HepB", "Hepatitis B"),
    ("ROTAVIRUS", "Rotavirus"),
    ("DTAP", "DTaP / DT"),
    ("TDAP", "Tdap"),
    ("Td", "Td"),
    ("HIB", "Hib"),
    ("PneumoPCV", "Pneumococcal conjugate"),
    ("PneumoPPV", "Pneumococcal polysaccharide"),
    ("POLIO", "Polio"),
    ("FLU", "Influenza"),
    ("COVID-19", "COVID-19"),
    ("RSV", "RSV"),
    ("MMR", "MMR"),
    ("VARICELLA", "Varicella"),
    ("HepA", "Hepatitis A"),
    ("MENING", "Meningococcal ACWY"),
    ("MeningB", "Meningococcal B"),
    ("HPV", "HPV"),
    ("ZOSTER", "Zoster"),
];

fn group_rank(code: &str) -> (usize, String) {
    match GROUP_ORDER.iter().position(|(c, _)| *c == code) {
        Some(i) => (i, String::new()),
        None => (GROUP_ORDER.len(), code.to_string()),
    }
}

/// The printed name of a CDC vaccine group.
pub fn group_name(code: &str) -> String {
    GROUP_ORDER
        .iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.to_string(), |(_, name)| (*name).to_string())
}

const OTHER_GROUP: &str = "Other";

impl RecordDocument {
    /// Groups the doses, wraps the text and plans the pages.
    pub fn build(input: RecordInput) -> Self {
        let mut doses = input.doses;
        doses.sort_by(|a, b| {
            a.administered_on
                .cmp(&b.administered_on)
                .then(a.cvx.cmp(&b.cvx))
        });
        let mut by_group: BTreeMap<(usize, String), (String, Vec<DoseRow>)> = BTreeMap::new();
        for dose in &doses {
            let codes: Vec<&str> = if dose.vaccine_groups.is_empty() {
                vec![OTHER_GROUP]
            } else {
                dose.vaccine_groups.iter().map(String::as_str).collect()
            };
            for code in codes {
                let key = if code == OTHER_GROUP {
                    (usize::MAX, String::new())
                } else {
                    group_rank(code)
                };
                by_group
                    .entry(key)
                    .or_insert_with(|| (group_name(code), Vec::new()))
                    .1
                    .push(row_of(dose, code));
            }
        }
        let groups: Vec<GroupSection> = by_group
            .into_values()
            .map(|(name, rows)| GroupSection { name, rows })
            .collect();
        let statement_doses = doses
            .iter()
            .map(|d| {
                format!(
                    "{} CVX {}{}",
                    d.administered_on,
                    d.cvx,
                    if d.historical { " H" } else { "" }
                )
            })
            .collect();
        let consent_statement = wrap(&consent_text(&input.registry), FULL_WIDTH_CHARS);
        let mut doc = Self {
            document_id: input.document_id,
            registry: input.registry,
            client: input.client,
            groups,
            consent_statement,
            printed_by: input.printed_by,
            printed_at: input.printed_at,
            statement_doses,
            pages: Vec::new(),
        };
        doc.pages = paginate(&doc);
        doc
    }

    /// "11/22/2026 09:41 UTC".
    pub fn printed_at_text(&self) -> String {
        let t = self.printed_at.to_offset(time::UtcOffset::UTC);
        format!(
            "{} {:02}:{:02} UTC",
            UsDate::from_date(t.date()),
            t.hour(),
            t.minute()
        )
    }

    /// The footer line of every page (without the page label).
    pub fn footer(&self) -> String {
        format!(
            "Printed {} by {}, {} · Document {}",
            self.printed_at_text(),
            self.printed_by.user,
            self.printed_by.organization,
            self.document_id
        )
    }

    /// Doses on the record (a combination vaccine counts once).
    pub fn dose_count(&self) -> usize {
        self.statement_doses.len()
    }

    /// Whether any dose is historical (the legend is then printed).
    pub fn has_historical(&self) -> bool {
        self.groups
            .iter()
            .any(|g| g.rows.iter().any(|r| r.historical))
    }

    /// The facts the QR code carries and the registry signs: registry, document id, client
    /// identity, every dose (date, CVX, historical mark) and the print date — what a reader
    /// compares with the paper. One fact per line, fixed order, UTF-8.
    pub fn signed_statement(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "{}", self.registry.name);
        let _ = writeln!(s, "{TITLE}");
        let _ = writeln!(s, "Document {}", self.document_id);
        let _ = writeln!(s, "Client {}", self.client.client_id);
        let _ = writeln!(s, "Name {}", self.client.name);
        let _ = writeln!(s, "Born {}", self.client.date_of_birth);
        let _ = writeln!(s, "Gender {}", self.client.gender);
        let _ = writeln!(s, "Printed {}", self.printed_at_text());
        let _ = writeln!(s, "Doses {}", self.statement_doses.len());
        for d in &self.statement_doses {
            let _ = writeln!(s, "{d}");
        }
        s
    }

    /// The pages as plain text, one block per line: what the snapshot tests compare and a
    /// readable account of what each page shows.
    pub fn plain_text(&self) -> String {
        let mut s = String::new();
        for page in &self.pages {
            let _ = writeln!(s, "===== {} =====", page.label());
            let _ = writeln!(s, "{}", self.registry.name);
            let _ = writeln!(s, "{}", self.registry.jurisdiction);
            let _ = writeln!(s, "{}", TITLE.to_uppercase());
            for block in &page.blocks {
                match *block {
                    Block::ClientBlock => {
                        let c = &self.client;
                        let _ = writeln!(s, "Name: {}", c.name);
                        let _ = writeln!(
                            s,
                            "Date of birth: {}   Gender: {}   Client ID: {}",
                            c.date_of_birth,
                            c.gender_label(),
                            c.client_id
                        );
                        if let Some(g) = &c.guardian {
                            let _ = writeln!(s, "Parent/guardian: {g}");
                        }
                        let _ = writeln!(s, "[QR code: signed statement]");
                    }
                    Block::ClientReminder => {
                        let _ = writeln!(s, "{}", self.client_reminder());
                    }
                    Block::GroupHeading { group, continued } => {
                        let _ = writeln!(
                            s,
                            "## {}{}",
                            self.groups[group].name,
                            if continued { " (continued)" } else { "" }
                        );
                    }
                    Block::TableHeader => {
                        let _ = writeln!(s, "{}", TABLE_COLUMNS.join(" | "));
                    }
                    Block::Row { group, row } => {
                        let r = &self.groups[group].rows[row];
                        for i in 0..r.lines() {
                            let cell = |v: &Vec<String>| v.get(i).cloned().unwrap_or_default();
                            let first = i == 0;
                            let _ = writeln!(
                                s,
                                "{} | {} | {} | {} | {}",
                                if first {
                                    format!("{}{}", r.date, if r.historical { " H" } else { "" })
                                } else {
                                    String::new()
                                },
                                cell(&r.vaccine),
                                if first { r.cvx.as_str() } else { "" },
                                if first { r.dose.as_str() } else { "" },
                                cell(&r.provider)
                            );
                        }
                    }
                    Block::NoImmunizations => {
                        let _ = writeln!(s, "{NO_IMMUNIZATIONS}");
                    }
                    Block::HistoricalLegend => {
                        let _ = writeln!(s, "{HISTORICAL_LEGEND}");
                    }
                    Block::ConsentStatement => {
                        for line in &self.consent_statement {
                            let _ = writeln!(s, "{line}");
                        }
                    }
                }
            }
            let _ = writeln!(s, "{} · {}", self.footer(), page.label());
        }
        s
    }

    /// The line that names the client on the pages after the first.
    pub fn client_reminder(&self) -> String {
        format!(
            "{} · Date of birth {} · Client ID {}",
            self.client.name, self.client.date_of_birth, self.client.client_id
        )
    }
}

/// Column headings of the dose table.
pub const TABLE_COLUMNS: [&str; 5] = ["Date given", "Vaccine", "CVX", "Dose", "Given by"];
/// Printed when the client has no dose on record.
pub const NO_IMMUNIZATIONS: &str = "No immunizations are recorded for this client.";
/// What the historical mark means.
pub const HISTORICAL_LEGEND: &str = "H = historical dose: reported from a shot card or another \
     record, not administered by the organization shown.";

fn consent_text(registry: &Registry) -> String {
    format!(
        "Consent: this record is released from {} with the registry participation consent on \
         file for this client (or the client's parent or guardian). It lists the immunizations \
         reported to the registry as of the print date. It is valid only unaltered: scan the \
         QR code on page 1 with Shotbook's \"Verify a record\" to check it.",
        registry.name
    )
}

fn row_of(dose: &RecordDose, group: &str) -> DoseRow {
    let vaccine = match &dose.trade_name {
        Some(trade) if !trade.eq_ignore_ascii_case(&dose.vaccine) => {
            format!("{} ({})", trade, dose.vaccine)
        }
        _ => dose.vaccine.clone(),
    };
    let provider = match (&dose.provider, dose.historical) {
        (Some(p), _) => p.clone(),
        (None, true) => "Historical record".to_string(),
        (None, false) => String::new(),
    };
    DoseRow {
        date: dose.administered_on.to_string(),
        vaccine: wrap(&vaccine, VACCINE_COLUMN_CHARS),
        cvx: dose.cvx.clone(),
        dose: dose
            .dose_numbers
            .get(group)
            .map(u32::to_string)
            .unwrap_or_default(),
        provider: wrap(&provider, PROVIDER_COLUMN_CHARS),
        historical: dose.historical,
    }
}

/// Word-wraps `text` to lines of at most `width` characters (a longer word is cut).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let rest = word.split_off(width);
            lines.push(word.into_iter().collect());
            word = rest;
        }
        let needed = line.chars().count() + usize::from(!line.is_empty()) + word.len();
        if needed > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.extend(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Fills pages with blocks: a group heading never ends a page (it keeps its table header and
/// first row), and a group that crosses a page break repeats its heading and table header.
fn paginate(doc: &RecordDocument) -> Vec<Page> {
    let mut pages: Vec<Vec<Block>> = vec![vec![Block::ClientBlock]];
    let mut used = 0;
    let capacity = |pages: &Vec<Vec<Block>>| {
        if pages.len() == 1 {
            FIRST_PAGE_LINES
        } else {
            OTHER_PAGE_LINES
        }
    };
    let new_page = |pages: &mut Vec<Vec<Block>>, used: &mut usize| {
        pages.push(vec![Block::ClientReminder]);
        *used = 0;
    };
    let place = |pages: &mut Vec<Vec<Block>>, used: &mut usize, blocks: &[Block]| {
        let need: usize = blocks.iter().map(|b| b.lines(doc)).sum();
        if *used + need > capacity(pages) && *used > 0 {
            new_page(pages, used);
            true
        } else {
            false
        }
    };
    let push = |pages: &mut Vec<Vec<Block>>, used: &mut usize, blocks: &[Block]| {
        for b in blocks {
            *used += b.lines(doc);
            pages.last_mut().expect("a page").push(*b);
        }
    };

    if doc.groups.is_empty() {
        push(&mut pages, &mut used, &[Block::NoImmunizations]);
    }
    for (g, group) in doc.groups.iter().enumerate() {
        let heading = [
            Block::GroupHeading {
                group: g,
                continued: false,
            },
            Block::TableHeader,
        ];
        let first_row = Block::Row { group: g, row: 0 };
        let opening = [heading[0], heading[1], first_row];
        place(&mut pages, &mut used, &opening);
        push(&mut pages, &mut used, &opening);
        for r in 1..group.rows.len() {
            let row = Block::Row { group: g, row: r };
            if place(&mut pages, &mut used, &[row]) {
                push(
                    &mut pages,
                    &mut used,
                    &[
                        Block::GroupHeading {
                            group: g,
                            continued: true,
                        },
                        Block::TableHeader,
                    ],
                );
            }
            push(&mut pages, &mut used, &[row]);
        }
    }
    let mut closing = Vec::new();
    if doc.has_historical() {
        closing.push(Block::HistoricalLegend);
    }
    closing.push(Block::ConsentStatement);
    place(&mut pages, &mut used, &closing);
    push(&mut pages, &mut used, &closing);

    let count = pages.len();
    pages
        .into_iter()
        .enumerate()
        .map(|(i, blocks)| Page {
            number: i + 1,
            count,
            blocks,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn dose(on: &str, cvx: &str, vaccine: &str, groups: &[&str]) -> RecordDose {
        RecordDose {
            administered_on: UsDate::parse(on).unwrap(),
            cvx: cvx.into(),
            vaccine: vaccine.into(),
            trade_name: None,
            vaccine_groups: groups.iter().map(|g| g.to_string()).collect(),
            dose_numbers: BTreeMap::new(),
            provider: Some("Lone Star Pediatrics".into()),
            historical: false,
        }
    }

    fn input(doses: Vec<RecordDose>) -> RecordInput {
        RecordInput {
            document_id: "0193a3c0-0000-7000-8000-000000000001".into(),
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
            printed_at: datetime!(2026-11-22 09:41:07 UTC),
        }
    }

    fn sofia() -> RecordInput {
        let mut hepb = dose(
            "2019-03-15",
            "08",
            "Hep B, adolescent or pediatric",
            &["HepB"],
        );
        hepb.historical = true;
        hepb.provider = None;
        let mut mmrv = dose("2023-04-06", "94", "MMRV", &["MMR", "VARICELLA"]);
        mmrv.trade_name = Some("PROQUAD".into());
        mmrv.dose_numbers = BTreeMap::from([("MMR".into(), 2), ("VARICELLA".into(), 2)]);
        let mut dtap = dose(
            "2019-05-16",
            "110",
            "DTaP-hep B-IPV",
            &["DTAP", "HepB", "POLIO"],
        );
        dtap.trade_name = Some("PEDIARIX".into());
        dtap.dose_numbers =
            BTreeMap::from([("DTAP".into(), 1), ("HepB".into(), 2), ("POLIO".into(), 1)]);
        let mut i = input(vec![
            mmrv,
            hepb,
            dtap,
            dose(
                "2020-10-15",
                "161",
                "Influenza, injectable,quadrivalent, preservative free, pediatric",
                &["FLU"],
            ),
            dose("2020-03-20", "03", "MMR", &["MMR"]),
        ]);
        i.client = ClientIdentity {
            name: "Martinez, Sofia Isabel".into(),
            date_of_birth: UsDate::parse("2019-03-14").unwrap(),
            gender: "F".into(),
            client_id: "9000000001".into(),
            guardian: Some("Elena Martinez (Mother)".into()),
        };
        i
    }

    #[test]
    fn a_childs_record_groups_doses_by_vaccine_group_in_schedule_order() {
        let doc = RecordDocument::build(sofia());
        insta::assert_snapshot!("sofia_record", doc.plain_text());
        let names: Vec<&str> = doc.groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Hepatitis B",
                "DTaP / DT",
                "Polio",
                "Influenza",
                "MMR",
                "Varicella"
            ],
            "a combination vaccine is listed under each of its groups, groups in schedule order"
        );
    }

    #[test]
    fn the_signed_statement_lists_identity_and_every_dose_once() {
        let doc = RecordDocument::build(sofia());
        insta::assert_snapshot!("sofia_statement", doc.signed_statement());
        assert_eq!(
            doc.signed_statement().matches("CVX 94").count(),
            1,
            "a combination dose is one fact, even when it is printed under two groups"
        );
    }

    #[test]
    fn a_long_history_spreads_over_pages_repeating_the_group_heading_and_table_header() {
        let doses: Vec<RecordDose> = (0..70)
            .map(|i| {
                let on = format!("{}-10-01", 1960 + i);
                dose(&on, "88", "Influenza, unspecified formulation", &["FLU"])
            })
            .collect();
        let doc = RecordDocument::build(input(doses));
        insta::assert_snapshot!("seventy_flu_doses", doc.plain_text());
        assert_eq!(doc.pages.len(), 2);
        let second = &doc.pages[1];
        assert_eq!(second.label(), "Page 2 of 2");
        assert_eq!(
            &second.blocks[..3],
            &[
                Block::ClientReminder,
                Block::GroupHeading {
                    group: 0,
                    continued: true
                },
                Block::TableHeader
            ]
        );
        let rows: usize = doc
            .pages
            .iter()
            .map(|p| {
                p.blocks
                    .iter()
                    .filter(|b| matches!(b, Block::Row { .. }))
                    .count()
            })
            .sum();
        assert_eq!(rows, 70, "every dose is on some page, once");
    }

    #[test]
    fn no_page_is_filled_beyond_its_capacity_and_no_heading_ends_a_page() {
        for n in [0, 1, 20, 33, 34, 35, 36, 80, 81, 200] {
            let doses: Vec<RecordDose> = (0..n)
                .map(|i| {
                    let mut d = dose(
                        "2000-01-01",
                        "141",
                        "Influenza, seasonal, injectable, quadrivalent",
                        &[["FLU", "HepB", "MMR"][i % 3]],
                    );
                    d.provider = Some(
                        "Saint Anthony's Community Health Center of the Rio Grande Valley".into(),
                    );
                    d
                })
                .collect();
            let doc = RecordDocument::build(input(doses));
            for page in &doc.pages {
                let used: usize = page.blocks.iter().map(|b| b.lines(&doc)).sum();
                let cap = if page.number == 1 {
                    FIRST_PAGE_LINES
                } else {
                    OTHER_PAGE_LINES
                };
                assert!(
                    used <= cap,
                    "{n} doses: page {} holds {used} > {cap}",
                    page.number
                );
                let last = page.blocks.last().unwrap();
                assert!(
                    !matches!(last, Block::GroupHeading { .. } | Block::TableHeader),
                    "{n} doses: page {} ends with a heading",
                    page.number
                );
            }
            assert!(doc.pages.iter().all(|p| p.count == doc.pages.len()));
        }
    }

    #[test]
    fn a_record_without_doses_says_so() {
        let doc = RecordDocument::build(input(Vec::new()));
        assert_eq!(doc.pages.len(), 1);
        assert!(doc.plain_text().contains(NO_IMMUNIZATIONS));
        assert!(!doc.has_historical());
    }

    #[test]
    fn wrapping_breaks_between_words_and_cuts_only_words_longer_than_a_line() {
        assert_eq!(
            wrap("Influenza, injectable, quadrivalent", 14),
            ["Influenza,", "injectable,", "quadrivalent"]
        );
        assert_eq!(wrap("ABCDEFGHIJ", 4), ["ABCD", "EFGH", "IJ"]);
        assert!(wrap("", 10).is_empty());
    }

    #[test]
    fn texas_and_montana_records_name_their_registries() {
        assert!(Registry::for_state("TX").name.starts_with("ImmTrac2"));
        assert!(Registry::for_state("mt").name.starts_with("imMTrax"));
        assert!(Registry::for_state("WY").jurisdiction.contains("WY"));
    }
}
