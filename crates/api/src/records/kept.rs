//! Rendered records kept in the context, so what is saved or printed is what was previewed.

use super::*;

/// How many rendered records the context keeps for Save / Print.
const KEPT_RECORDS: usize = 8;

/// A rendered record kept for Save / Print.
pub(super) struct KeptRecord {
    pub(super) document_id: String,
    pub(super) file_name: String,
    pub(super) client: ClientId,
    pub(super) pdf: Vec<u8>,
}

/// Rendered records kept for Save / Print (newest last), and the batch folder.
#[derive(Default)]
pub struct KeptRecords {
    records: Mutex<Vec<KeptRecord>>,
    pub(super) batch_folder: Mutex<Option<PathBuf>>,
}

impl std::fmt::Debug for KeptRecords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = self.records.lock().map_or(0, |k| k.len());
        write!(f, "KeptRecords({count} documents)")
    }
}

impl KeptRecords {
    pub(super) fn keep(&self, record: KeptRecord) {
        if let Ok(mut kept) = self.records.lock() {
            kept.push(record);
            let excess = kept.len().saturating_sub(KEPT_RECORDS);
            kept.drain(..excess);
        }
    }

    /// Forgets every rendered record and the batch folder: they belong to the session that
    /// made them (PDF bytes of client records, a folder that user chose).
    pub(crate) fn clear(&self) {
        if let Ok(mut kept) = self.records.lock() {
            kept.clear();
        }
        if let Ok(mut folder) = self.batch_folder.lock() {
            *folder = None;
        }
    }

    pub(super) fn get(&self, document_id: &str) -> Option<(String, ClientId, Vec<u8>)> {
        let kept = self.records.lock().ok()?;
        kept.iter()
            .find(|r| r.document_id == document_id)
            .map(|r| (r.file_name.clone(), r.client, r.pdf.clone()))
    }
}
