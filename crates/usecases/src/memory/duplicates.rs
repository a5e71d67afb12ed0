//! The duplicates and merge ports in memory: a merge moves the merged record's doses to the
//! survivor and remembers them, so an undo moves back those still there.

use shotbook_core::ids::{ClientId, ImmunizationId, UserId};
use shotbook_protocol::{ChangeOp, Entity};

use super::{MemoryRegistry, MemoryWork};
use crate::ports::{ClientMerge, DuplicatePair, DuplicateReads, DuplicateWrites, PairResolution};
use crate::PortResult;

/// A merge as the in-memory registry keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryMerge {
    /// The merge.
    pub merge: ClientMerge,
    /// The pair it resolved.
    pub pair: Option<String>,
    /// The doses it moved.
    pub moved: Vec<ImmunizationId>,
}

impl DuplicateReads for MemoryRegistry {
    async fn pair(&self, id: &str) -> PortResult<Option<DuplicatePair>> {
        self.read(|s| s.pairs.get(id).cloned())
    }
    async fn client_merge(&self, id: &str) -> PortResult<Option<ClientMerge>> {
        self.read(|s| s.merges.get(id).map(|m| m.merge.clone()))
    }
}

impl DuplicateWrites for MemoryWork {
    async fn resolve_open_pair(
        &mut self,
        pair: &str,
        _resolution: PairResolution,
        _by: UserId,
    ) -> PortResult<bool> {
        match self.state.pairs.get_mut(pair) {
            Some(p) if p.open => {
                p.open = false;
                self.log(Entity::DuplicatePair, pair.to_string(), ChangeOp::Update);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn merge_clients(
        &mut self,
        survivor: ClientId,
        merged: ClientId,
        pair: Option<&str>,
        _by: UserId,
    ) -> PortResult<String> {
        let mut moved = Vec::new();
        for dose in self.state.doses.iter_mut().filter(|d| d.client == merged) {
            dose.client = survivor;
            moved.push(dose.id);
        }
        if let Some(facts) = self.state.clients.get_mut(&merged) {
            facts.merged_into = Some(survivor);
        }
        let id = format!("merge-{}", self.state.merges.len() + 1);
        self.state.merges.insert(
            id.clone(),
            MemoryMerge {
                merge: ClientMerge {
                    id: id.clone(),
                    survivor,
                    merged,
                    undone: false,
                    doses_moved: moved.len(),
                },
                pair: pair.map(str::to_string),
                moved,
            },
        );
        self.log(Entity::ClientMerge, id.clone(), ChangeOp::Insert);
        Ok(id)
    }

    async fn undo_merge(&mut self, merge: &str, _by: UserId) -> PortResult<bool> {
        let Some(m) = self.state.merges.get_mut(merge).filter(|m| !m.merge.undone) else {
            return Ok(false);
        };
        m.merge.undone = true;
        let (survivor, merged, moved, pair) = (
            m.merge.survivor,
            m.merge.merged,
            m.moved.clone(),
            m.pair.clone(),
        );
        for dose in self
            .state
            .doses
            .iter_mut()
            .filter(|d| moved.contains(&d.id) && d.client == survivor)
        {
            dose.client = merged;
        }
        if let Some(facts) = self.state.clients.get_mut(&merged) {
            facts.merged_into = None;
        }
        if let Some(p) = pair.and_then(|p| self.state.pairs.get_mut(&p)) {
            p.open = true;
        }
        self.log(Entity::ClientMerge, merge.to_string(), ChangeOp::Update);
        Ok(true)
    }
}
