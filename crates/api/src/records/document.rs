//! The record's content: which doses count (CDC evaluation), the document model's input, and
//! the on-screen preview drawn from the same page plan as the PDF.

use super::*;

/// The ids of the doses the CDC CDSi evaluation counts as valid for every antigen they carry.
pub fn valid_doses(
    client: &ClientRow,
    doses: &[ImmunizationRow],
    comments: &[CommentRow],
    today: time::Date,
) -> HashSet<String> {
    let Some(on) = shotbook_forecast::Date::parse(&UsDate::from_date(today).iso()) else {
        return HashSet::new();
    };
    let Ok((patient, ids)) =
        shotbook_store::forecast_input::patient_of(client, doses, comments, on)
    else {
        return HashSet::new();
    };
    let assessment = shotbook_forecast::Engine::embedded().evaluate(&patient, on);
    assessment
        .doses
        .iter()
        .filter(|d| {
            !d.antigens.is_empty()
                && d.antigens
                    .iter()
                    .all(|a| a.status == shotbook_forecast::EvaluationStatus::Valid)
        })
        .filter_map(|d| ids.get(d.index).cloned())
        .collect()
}

/// The document's input from stored rows. Voided doses are left out. A dose's number in a
/// vaccine group counts the doses of that group the evaluation found valid (`valid`); a dose
/// it did not count prints without a number.
pub fn record_input(
    client: &ClientRow,
    doses: &[ImmunizationRow],
    valid: &HashSet<String>,
    registry: Registry,
    printed_by: PrintedBy,
    document_id: String,
    printed_at: time::OffsetDateTime,
) -> AppResult<RecordInput> {
    // Never quote the stored value: it is a date of birth, and internal errors are logged.
    let date_of_birth = UsDate::parse(&client.date_of_birth)
        .map_err(|_| AppError::internal("a stored date of birth is not a date"))?;
    let name = {
        let mut given = client.first_name.clone();
        if let Some(m) = client.middle_name.as_deref().filter(|m| !m.is_empty()) {
            given = format!("{given} {m}");
        }
        let family = match client.suffix.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => format!("{} {s}", client.last_name),
            None => client.last_name.clone(),
        };
        format!("{family}, {given}")
    };
    let guardian = match (&client.guardian_first_name, &client.guardian_last_name) {
        (Some(f), Some(l)) => Some(format!("{f} {l}")),
        (None, Some(l)) => Some(l.clone()),
        _ => None,
    }
    .map(|g| match &client.guardian_relationship {
        Some(r) if !r.is_empty() => format!("{g} ({r})"),
        _ => g,
    });
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    let mut record_doses = Vec::new();
    for d in doses.iter().filter(|d| d.status == "completed") {
        let Ok(on) = UsDate::parse(&d.administered_on) else {
            return Err(AppError::internal("a stored dose date is not a date"));
        };
        let groups: Vec<String> = d
            .vaccine_groups
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .map(str::to_string)
            .collect();
        let mut dose_numbers = BTreeMap::new();
        if valid.contains(&d.id) {
            for g in &groups {
                let n = counts.entry(g.clone()).or_default();
                *n += 1;
                dose_numbers.insert(g.clone(), *n);
            }
        }
        record_doses.push(RecordDose {
            administered_on: on,
            cvx: d.cvx.clone(),
            vaccine: d
                .vaccine
                .clone()
                .unwrap_or_else(|| format!("CVX {}", d.cvx)),
            trade_name: d.trade_name.clone(),
            vaccine_groups: groups,
            dose_numbers,
            provider: d.organization_name.clone().or_else(|| d.clinician.clone()),
            historical: d.source == "historical",
        });
    }
    Ok(RecordInput {
        document_id,
        registry,
        client: ClientIdentity {
            name,
            date_of_birth,
            gender: client.gender.clone(),
            client_id: client
                .registry_id
                .clone()
                .unwrap_or_else(|| client.id.clone()),
            guardian,
        },
        doses: record_doses,
        printed_by,
        printed_at,
    })
}

pub(super) fn preview_of(doc: &RecordDocument, payload: &str) -> AppResult<RecordPreview> {
    let qr = QrMatrix::encode(payload).map_err(AppError::internal)?;
    let text = |kind: &str, lines: Vec<String>| PreviewBlock {
        kind: kind.into(),
        lines,
        row: None,
    };
    let pages = doc
        .pages
        .iter()
        .map(|page| PreviewPage {
            label: page.label(),
            blocks: page
                .blocks
                .iter()
                .map(|block| match *block {
                    Block::ClientBlock => text("client", Vec::new()),
                    Block::ClientReminder => text("reminder", vec![doc.client_reminder()]),
                    Block::GroupHeading { group, continued } => text(
                        "groupHeading",
                        vec![if continued {
                            format!("{} (continued)", doc.groups[group].name)
                        } else {
                            doc.groups[group].name.clone()
                        }],
                    ),
                    Block::TableHeader => text(
                        "tableHeader",
                        TABLE_COLUMNS.iter().map(|c| c.to_string()).collect(),
                    ),
                    Block::Row { group, row } => {
                        let r = &doc.groups[group].rows[row];
                        PreviewBlock {
                            kind: "row".into(),
                            lines: Vec::new(),
                            row: Some(PreviewRow {
                                date: r.date.clone(),
                                vaccine: r.vaccine.clone(),
                                cvx: r.cvx.clone(),
                                dose: r.dose.clone(),
                                provider: r.provider.clone(),
                                historical: r.historical,
                            }),
                        }
                    }
                    Block::NoImmunizations => {
                        text("noImmunizations", vec![NO_IMMUNIZATIONS.to_string()])
                    }
                    Block::HistoricalLegend => text("legend", vec![HISTORICAL_LEGEND.to_string()]),
                    Block::ConsentStatement => text("consent", doc.consent_statement.clone()),
                })
                .collect(),
        })
        .collect();
    Ok(RecordPreview {
        registry_name: doc.registry.name.clone(),
        jurisdiction: doc.registry.jurisdiction.clone(),
        title: TITLE.to_string(),
        client_name: doc.client.name.clone(),
        date_of_birth: doc.client.date_of_birth.to_string(),
        gender: doc.client.gender_label().to_string(),
        client_id: doc.client.client_id.clone(),
        guardian: doc.client.guardian.clone(),
        qr_svg: qr.svg(),
        printed_line: doc.footer(),
        pages,
    })
}
