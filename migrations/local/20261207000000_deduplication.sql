-- Registry-wide deduplication (shotbook dedup): each queued pair carries the model's match
-- probability (NULL for pairs queued by the older per-year scan, which had a score only) and
-- the cluster it was found in (records linked transitively; NULL for the older scan).
ALTER TABLE duplicate_pairs ADD COLUMN probability REAL
    CHECK (probability IS NULL OR (probability >= 0 AND probability <= 1));
ALTER TABLE duplicate_pairs ADD COLUMN cluster_id TEXT;
