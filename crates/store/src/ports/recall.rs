//! Reminder/recall's ports on SQLite.

use std::collections::HashMap;

use shotbook_core::ids::OrganizationId;
use shotbook_reports::recall::MailingAddress;
use shotbook_reports::status::ProviderClientStatus;
use shotbook_usecases::ports::{
    attach_records, CandidateComment, CandidateDose, NoticeRecord, RecallCandidate, RecallReads,
    RecallWrites,
};
use shotbook_usecases::{PortError, PortResult};
use time::Date;

use super::{date, iso, optional_date, uuid};
use crate::{timestamp, Store, StoreError, Work};

/// The organization's members born in the range (`?1` organization, `?2`/`?3` the range): the
/// same membership as the coverage report's.
const MEMBERS: &str = "WITH members AS (
     SELECT c.id, COALESCE(co.status, 'active') AS status
     FROM clients c
     LEFT JOIN client_organizations co
            ON co.client_id = c.id AND co.organization_id = ?1 AND co.voided_at IS NULL
     WHERE c.merged_into IS NULL
       AND c.date_of_birth BETWEEN ?2 AND ?3
       AND (c.home_organization_id = ?1 OR co.organization_id IS NOT NULL))";

#[derive(sqlx::FromRow)]
struct CandidateRow {
    id: String,
    status: String,
    first_name: String,
    last_name: String,
    date_of_birth: String,
    gender: String,
    address_line1: Option<String>,
    address_line2: Option<String>,
    city: Option<String>,
    state: Option<String>,
    county: Option<String>,
    zip: Option<String>,
    phone: Option<String>,
    language: Option<String>,
    guardian: Option<String>,
    guardian_phone: Option<String>,
    last_notice: Option<String>,
}

#[derive(sqlx::FromRow)]
struct DoseRow {
    client_id: String,
    status: String,
    cvx: String,
    mvx: Option<String>,
    administered_on: String,
}

#[derive(sqlx::FromRow)]
struct CommentRow {
    client_id: String,
    code: String,
    applies_from: String,
    applies_until: Option<String>,
    voided: bool,
}

impl RecallReads for Store {
    async fn recall_candidates(
        &self,
        organization: OrganizationId,
        born_from: Date,
        born_to: Date,
    ) -> PortResult<Vec<RecallCandidate>> {
        let (org, from, to) = (organization.to_string(), iso(born_from), iso(born_to));
        // Three statements over the same members (clients, doses, comments) rather than one
        // join that would repeat each client's columns for every dose and comment.
        let rows: Vec<CandidateRow> = sqlx::query_as(&format!(
            "{MEMBERS}
             SELECT c.id, m.status, c.first_name, c.last_name, c.date_of_birth, c.gender,
                    c.address_line1, c.address_line2, c.city, c.state, c.county, c.zip, c.phone,
                    c.language,
                    COALESCE(
                        (SELECT rp.first_name || ' ' || rp.last_name FROM client_responsible_persons rp
                         WHERE rp.client_id = c.id AND rp.voided_at IS NULL
                         ORDER BY rp.is_primary DESC, rp.created_at LIMIT 1),
                        c.guardian_first_name || ' ' || c.guardian_last_name) AS guardian,
                    (SELECT rp.phone FROM client_responsible_persons rp
                     WHERE rp.client_id = c.id AND rp.voided_at IS NULL AND rp.phone IS NOT NULL
                     ORDER BY rp.is_primary DESC, rp.created_at LIMIT 1) AS guardian_phone,
                    (SELECT max(n.sent_on) FROM reminder_notices n
                     WHERE n.client_id = c.id AND n.organization_id = ?1) AS last_notice
             FROM members m JOIN clients c ON c.id = m.id
             ORDER BY c.id"
        ))
        .bind(&org)
        .bind(&from)
        .bind(&to)
        .fetch_all(self.pool())
        .await
        .map_err(StoreError::from)?;
        let doses: Vec<DoseRow> = sqlx::query_as(&format!(
            "{MEMBERS}
             SELECT i.client_id, i.status, i.cvx, i.mvx, i.administered_on
             FROM members m JOIN immunizations i ON i.client_id = m.id
             ORDER BY i.client_id, i.administered_on"
        ))
        .bind(&org)
        .bind(&from)
        .bind(&to)
        .fetch_all(self.pool())
        .await
        .map_err(StoreError::from)?;
        let comments: Vec<CommentRow> = sqlx::query_as(&format!(
            "{MEMBERS}
             SELECT k.client_id, k.code, k.applies_from, k.applies_until,
                    k.voided_at IS NOT NULL AS voided
             FROM members m JOIN client_comments k ON k.client_id = m.id
             ORDER BY k.client_id, k.applies_from"
        ))
        .bind(&org)
        .bind(&from)
        .bind(&to)
        .fetch_all(self.pool())
        .await
        .map_err(StoreError::from)?;
        let mut candidates = Vec::with_capacity(rows.len());
        let mut position: HashMap<String, usize> = HashMap::with_capacity(rows.len());
        for row in rows {
            let status = ProviderClientStatus::from_code(&row.status)
                .ok_or_else(|| PortError::Failed("a stored client status does not parse".into()))?;
            position.insert(row.id.clone(), candidates.len());
            candidates.push(RecallCandidate {
                client: uuid(&row.id, "client id")?,
                first_name: row.first_name,
                last_name: row.last_name,
                // Checked here so the use case never meets a damaged date.
                date_of_birth: iso(date(&row.date_of_birth)?),
                gender: row.gender,
                status,
                address: MailingAddress {
                    line1: row.address_line1,
                    line2: row.address_line2,
                    city: row.city,
                    state: row.state,
                    county: row.county,
                    zip: row.zip,
                },
                phone: row.phone,
                language: row.language,
                guardian: row.guardian,
                guardian_phone: row.guardian_phone,
                doses: Vec::new(),
                comments: Vec::new(),
                last_notice: optional_date(row.last_notice.as_deref())?,
            });
        }
        attach_records(
            &mut candidates,
            &position,
            doses.into_iter().map(|d| {
                let dose = CandidateDose {
                    status: d.status,
                    cvx: d.cvx,
                    mvx: d.mvx,
                    administered_on: d.administered_on,
                };
                (d.client_id, dose)
            }),
            comments.into_iter().map(|k| {
                let comment = CandidateComment {
                    code: k.code,
                    applies_from: k.applies_from,
                    applies_until: k.applies_until,
                    voided: k.voided,
                };
                (k.client_id, comment)
            }),
        );
        Ok(candidates)
    }
}

impl RecallWrites for Work {
    async fn record_notices(&mut self, notices: &[NoticeRecord]) -> PortResult<()> {
        let now = timestamp(self.now());
        for n in notices {
            sqlx::query(
                "INSERT INTO reminder_notices (run_id, client_id, organization_id, sent_on,
                        method, outputs, sent_by, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(n.run.to_string())
            .bind(n.client.to_string())
            .bind(n.organization.to_string())
            .bind(iso(n.sent_on))
            .bind(n.method.code())
            .bind(&n.outputs)
            .bind(n.by.to_string())
            .bind(&now)
            .execute(&mut **self)
            .await
            .map_err(StoreError::from)?;
        }
        Ok(())
    }
}
