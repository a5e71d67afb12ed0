//! Reminder/recall's ports in memory.

use shotbook_core::date::UsDate;
use shotbook_core::ids::OrganizationId;
use shotbook_reports::recall::MailingAddress;
use shotbook_reports::status::ProviderClientStatus;
use time::Date;

use super::{MemoryRegistry, MemoryWork};
use crate::ports::{
    CandidateComment, CandidateDose, NoticeRecord, RecallCandidate, RecallReads, RecallWrites,
};
use crate::{PortError, PortResult};

impl RecallReads for MemoryRegistry {
    async fn recall_candidates(
        &self,
        organization: OrganizationId,
        born_from: Date,
        born_to: Date,
    ) -> PortResult<Vec<RecallCandidate>> {
        self.read(|s| {
            let mut candidates = Vec::new();
            for (id, facts) in &s.clients {
                let Some(d) = s.demographics.get(id) else {
                    continue;
                };
                let Some(p) = d.personal.as_ref() else {
                    continue;
                };
                let home = facts.organizations.first() == Some(&organization);
                let membership = d.memberships.iter().find(|(o, _, _)| *o == organization);
                let in_range = born_from <= facts.date_of_birth && facts.date_of_birth <= born_to;
                if facts.merged_into.is_some() || !in_range || !(home || membership.is_some()) {
                    continue;
                }
                let status = match membership {
                    Some((_, code, _)) => {
                        ProviderClientStatus::from_code(code).ok_or_else(|| {
                            PortError::Failed("a stored client status does not parse".into())
                        })?
                    }
                    None => ProviderClientStatus::Active,
                };
                let guardians: Vec<_> = {
                    let mut g: Vec<_> = d
                        .responsible_persons
                        .iter()
                        .filter(|e| e.void_reason.is_none())
                        .collect();
                    // Primary first, then in the order recorded.
                    g.sort_by_key(|e| !e.value.1);
                    g
                };
                let a = &d.address;
                candidates.push(RecallCandidate {
                    client: *id,
                    first_name: p.first_name.as_str().to_string(),
                    last_name: p.last_name.as_str().to_string(),
                    date_of_birth: UsDate::from_date(facts.date_of_birth).iso(),
                    gender: p.gender.code().to_string(),
                    status,
                    address: MailingAddress {
                        line1: a.line1.clone(),
                        line2: a.line2.clone(),
                        city: a.city.clone(),
                        state: a.state.map(str::to_string),
                        county: a.county.clone(),
                        zip: a.zip.as_ref().map(|z| z.as_str().to_string()),
                    },
                    phone: p.phone.as_ref().map(|p| p.as_str().to_string()),
                    language: p.language.map(str::to_string),
                    guardian: guardians.first().map(|e| {
                        format!(
                            "{} {}",
                            e.value.0.first_name.as_str(),
                            e.value.0.last_name.as_str()
                        )
                    }),
                    guardian_phone: guardians
                        .iter()
                        .find_map(|e| e.value.0.phone.as_ref())
                        .map(|p| p.as_str().to_string()),
                    doses: s
                        .doses
                        .iter()
                        .filter(|dose| dose.client == *id)
                        .map(|dose| CandidateDose {
                            status: if dose.voided {
                                "entered_in_error".into()
                            } else {
                                "completed".into()
                            },
                            cvx: dose.cvx.clone(),
                            mvx: None,
                            administered_on: UsDate::from_date(dose.administered_on).iso(),
                        })
                        .collect(),
                    comments: d
                        .comments
                        .iter()
                        .map(|e| CandidateComment {
                            code: e.value.code.code.to_string(),
                            applies_from: e.value.applies_from.iso(),
                            applies_until: e.value.applies_until.map(|u| u.iso()),
                            voided: e.void_reason.is_some(),
                        })
                        .collect(),
                    last_notice: s
                        .notices
                        .iter()
                        .filter(|n| n.client == *id && n.organization == organization)
                        .map(|n| n.sent_on)
                        .max(),
                });
            }
            Ok(candidates)
        })?
    }
}

impl RecallWrites for MemoryWork {
    async fn record_notices(&mut self, notices: &[NoticeRecord]) -> PortResult<()> {
        self.state.notices.extend_from_slice(notices);
        Ok(())
    }
}
