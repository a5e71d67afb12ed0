//! The search ports on SQLite: the store's own Basic search ([`crate::clients::search_basic`])
//! and Smart search ([`crate::match_index::smart_search`]), with their result-list lines.

use std::collections::HashMap;

use shotbook_core::ids::ClientId;
use shotbook_core::matching::smart::Bar;
use shotbook_core::matching::PersonRecord;
use shotbook_core::search::BasicSearch;
use shotbook_usecases::ports::{ClientLine, ScoredLine, SearchReads};
use shotbook_usecases::{PortError, PortResult};

use crate::clients::{self, ClientSummaryRow};
use crate::{match_index, Store, StoreError};

fn line(r: ClientSummaryRow) -> PortResult<ClientLine> {
    // Never quote the stored value in the error: it identifies a client.
    let id: ClientId = r.id.parse().map_err(|_| {
        PortError::from(StoreError::Unexpected(anyhow::anyhow!(
            "a stored client id is not a UUID"
        )))
    })?;
    Ok(ClientLine {
        id,
        registry_id: r.registry_id,
        first_name: r.first_name,
        middle_name: r.middle_name,
        last_name: r.last_name,
        date_of_birth: r.date_of_birth,
        gender: r.gender,
        guardian_name: r.guardian_name,
        city: r.city,
        state: r.state,
        zip: r.zip,
        organization_name: r.organization_name,
    })
}

impl SearchReads for Store {
    async fn basic_search(
        &self,
        criteria: &BasicSearch,
        limit: usize,
    ) -> PortResult<Vec<ClientLine>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        clients::search_basic(self, criteria, limit)
            .await?
            .into_iter()
            .map(line)
            .collect()
    }

    async fn smart_search(
        &self,
        person: &PersonRecord,
        bar: Bar,
        limit: usize,
    ) -> PortResult<Vec<ScoredLine>> {
        let matches = match_index::smart_search(self, person, bar, limit).await?;
        let ids: Vec<String> = matches.iter().map(|m| m.client_id.clone()).collect();
        // Clients merged into another have no line: they are left out here.
        let mut rows: HashMap<String, ClientSummaryRow> = clients::summaries_by_id(self, &ids)
            .await?
            .into_iter()
            .map(|r| (r.id.clone(), r))
            .collect();
        matches
            .into_iter()
            .filter_map(|m| rows.remove(&m.client_id).map(|row| (row, m)))
            .map(|(row, m)| {
                Ok(ScoredLine {
                    client: line(row)?,
                    score: m.score,
                    likely: m.likely,
                    via_guardian: m.via_guardian,
                })
            })
            .collect()
    }
}
