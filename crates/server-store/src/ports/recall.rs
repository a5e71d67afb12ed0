//! Reminder/recall's ports on PostgreSQL (the SQLite store's semantics,
//! `crates/store/src/ports/recall.rs`).

use std::collections::HashMap;

use shotbook_core::ids::{ClientId, OrganizationId};
use shotbook_reports::recall::MailingAddress;
use shotbook_reports::status::ProviderClientStatus;
use shotbook_usecases::ports::{
    attach_records, CandidateComment, CandidateDose, NoticeRecord, RecallCandidate, RecallReads,
    RecallWrites,
};
use shotbook_usecases::{PortError, PortResult};

fn iso(date: Date) -> String {
    shotbook_core::date::UsDate::from_date(date).iso()
}
use time::Date;

use uuid::Uuid;

use crate::{failed, PgRegistry, PgWork};

/// The organization's members born in the range (`$1` organization, `$2`/`$3` the range): the
/// same membership as the coverage report's.
const MEMBERS: &str = "WITH members AS (
     SELECT c.id, COALESCE(co.status, 'active') AS status
     FROM clients c
     LEFT JOIN client_organizations co
            ON co.client_id = c.id AND co.organization_id = $1 AND co.voided_at IS NULL
     WHERE c.merged_into IS NULL
       AND c.date_of_birth BETWEEN $2 AND $3
       AND (c.home_organization_id = $1 OR co.organization_id IS NOT NULL))";

#[derive(sqlx::FromRow)]
struct CandidateRow {
    id: Uuid,
    status: String,
    first_name: String,
    last_name: String,
    date_of_birth: Date,
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
    last_notice: Option<Date>,
}

#[derive(sqlx::FromRow)]
struct DoseRow {
    client_id: Uuid,
    status: String,
    cvx: String,
    mvx: Option<String>,
    administered_on: Date,
}

#[derive(sqlx::FromRow)]
struct CommentRow {
    client_id: Uuid,
    code: String,
    applies_from: Date,
    applies_until: Option<Date>,
    voided: bool,
}

impl RecallReads for PgRegistry {
    async fn recall_candidates(
        &self,
        organization: OrganizationId,
        born_from: Date,
        born_to: Date,
    ) -> PortResult<Vec<RecallCandidate>> {
        let (org, from, to) = (organization.as_uuid(), born_from, born_to);
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
                     WHERE n.client_id = c.id AND n.organization_id = $1) AS last_notice
             FROM members m JOIN clients c ON c.id = m.id
             ORDER BY c.id"
        ))
        .bind(org)
        .bind(from)
        .bind(to)
        .fetch_all(self.pool())
        .await
        .map_err(failed)?;
        let doses: Vec<DoseRow> = sqlx::query_as(&format!(
            "{MEMBERS}
             SELECT i.client_id, i.status, i.cvx, i.mvx, i.administered_on
             FROM members m JOIN immunizations i ON i.client_id = m.id
             ORDER BY i.client_id, i.administered_on"
        ))
        .bind(org)
        .bind(from)
        .bind(to)
        .fetch_all(self.pool())
        .await
        .map_err(failed)?;
        let comments: Vec<CommentRow> = sqlx::query_as(&format!(
            "{MEMBERS}
             SELECT k.client_id, k.code, k.applies_from, k.applies_until,
                    k.voided_at IS NOT NULL AS voided
             FROM members m JOIN client_comments k ON k.client_id = m.id
             ORDER BY k.client_id, k.applies_from"
        ))
        .bind(org)
        .bind(from)
        .bind(to)
        .fetch_all(self.pool())
        .await
        .map_err(failed)?;
        let mut candidates = Vec::with_capacity(rows.len());
        let mut position: HashMap<Uuid, usize> = HashMap::with_capacity(rows.len());
        for row in rows {
            let status = ProviderClientStatus::from_code(&row.status)
                .ok_or_else(|| PortError::Failed("a stored client status does not parse".into()))?;
            position.insert(row.id, candidates.len());
            candidates.push(RecallCandidate {
                client: ClientId::from_uuid(row.id),
                first_name: row.first_name,
                last_name: row.last_name,
                date_of_birth: iso(row.date_of_birth),
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
                last_notice: row.last_notice,
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
                    administered_on: iso(d.administered_on),
                };
                (d.client_id, dose)
            }),
            comments.into_iter().map(|k| {
                let comment = CandidateComment {
                    code: k.code,
                    applies_from: iso(k.applies_from),
                    applies_until: k.applies_until.map(iso),
                    voided: k.voided,
                };
                (k.client_id, comment)
            }),
        );
        Ok(candidates)
    }
}

impl RecallWrites for PgWork {
    async fn record_notices(&mut self, notices: &[NoticeRecord]) -> PortResult<()> {
        if notices.is_empty() {
            return Ok(());
        }
        // One statement for the run (thousands of rows).
        let now = self.now();
        let clients: Vec<Uuid> = notices.iter().map(|n| n.client.as_uuid()).collect();
        let runs: Vec<Uuid> = notices.iter().map(|n| n.run.as_uuid()).collect();
        let organizations: Vec<Uuid> = notices.iter().map(|n| n.organization.as_uuid()).collect();
        let sent: Vec<Date> = notices.iter().map(|n| n.sent_on).collect();
        let methods: Vec<&str> = notices.iter().map(|n| n.method.code()).collect();
        let outputs: Vec<&str> = notices.iter().map(|n| n.outputs.as_str()).collect();
        let by: Vec<Uuid> = notices.iter().map(|n| n.by.as_uuid()).collect();
        sqlx::query(
            "INSERT INTO reminder_notices (run_id, client_id, organization_id, sent_on,
                    method, outputs, sent_by, created_at)
             SELECT r, c, o, s, m, x, b, $8
             FROM UNNEST($1::uuid[], $2::uuid[], $3::uuid[], $4::date[], $5::text[],
                         $6::text[], $7::uuid[]) AS t(r, c, o, s, m, x, b)",
        )
        .bind(&runs)
        .bind(&clients)
        .bind(&organizations)
        .bind(&sent)
        .bind(&methods)
        .bind(&outputs)
        .bind(&by)
        .bind(now)
        .execute(self.connection())
        .await
        .map_err(failed)?;
        Ok(())
    }
}
