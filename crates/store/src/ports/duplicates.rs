//! The duplicates and merge ports on SQLite.

use shotbook_core::ids::{ClientId, UserId};
use shotbook_usecases::ports::{
    ClientMerge, DuplicatePair, DuplicateReads, DuplicateWrites, PairResolution,
};
use shotbook_usecases::{PortError, PortResult};

use crate::duplicates as store;
use crate::{Store, StoreError, Work};

fn client(text: &str) -> PortResult<ClientId> {
    text.parse()
        .map_err(|_| PortError::Failed("a stored client id does not parse".into()))
}

fn absent_as_none<T>(found: Result<T, StoreError>) -> PortResult<Option<T>> {
    match found {
        Ok(row) => Ok(Some(row)),
        Err(StoreError::NotFound(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

impl DuplicateReads for Store {
    async fn pair(&self, id: &str) -> PortResult<Option<DuplicatePair>> {
        absent_as_none(store::pair(self, id).await)?
            .map(|row| {
                Ok(DuplicatePair {
                    a: client(&row.client_a)?,
                    b: client(&row.client_b)?,
                    open: row.status == "open",
                    id: row.id,
                })
            })
            .transpose()
    }

    async fn client_merge(&self, id: &str) -> PortResult<Option<ClientMerge>> {
        let Some(row) = absent_as_none(store::merge(self, id).await)? else {
            return Ok(None);
        };
        let moves = store::merge_moves(self, &row.id).await?;
        Ok(Some(ClientMerge {
            survivor: client(&row.survivor_id)?,
            merged: client(&row.merged_id)?,
            undone: row.undone_at.is_some(),
            doses_moved: moves.immunizations.len(),
            id: row.id,
        }))
    }
}

impl DuplicateWrites for Work {
    async fn resolve_open_pair(
        &mut self,
        pair: &str,
        resolution: PairResolution,
        by: UserId,
    ) -> PortResult<bool> {
        let status = match resolution {
            PairResolution::Merged => "merged",
            PairResolution::NotDuplicate => "not_duplicate",
        };
        let now = self.now();
        Ok(store::resolve_open_pair_in_tx(self, pair, status, by, now).await?)
    }

    async fn merge_clients(
        &mut self,
        survivor: ClientId,
        merged: ClientId,
        pair: Option<&str>,
        by: UserId,
    ) -> PortResult<String> {
        let now = self.now();
        Ok(store::merge_in_tx(self, survivor, merged, pair, by, now).await?)
    }

    async fn undo_merge(&mut self, merge: &str, by: UserId) -> PortResult<bool> {
        // Read in the work's own transaction, so what is undone is what the guard saw.
        let row: Option<store::MergeRow> = sqlx::query_as(
            "SELECT m.id, m.survivor_id, m.merged_id, m.pair_id, m.merged_at,
                    NULL AS merged_by_name, m.undone_at
             FROM client_merges m WHERE m.id = ?",
        )
        .bind(merge)
        .fetch_optional(&mut **self)
        .await
        .map_err(StoreError::from)?;
        let Some(row) = row.filter(|r| r.undone_at.is_none()) else {
            return Ok(false);
        };
        let moves = store::merge_moves_in_tx(self, &row.id).await?;
        let now = self.now();
        match store::unmerge_in_tx(self, &row, &moves, by, now).await {
            Ok(()) => Ok(true),
            Err(StoreError::NotFound("merge")) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}
