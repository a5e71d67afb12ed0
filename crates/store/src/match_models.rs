//! Matching models trained on the registry's own clients ([`shotbook_core::matching::fs`]),
//! stored with it. The newest is what Smart search and the deduplication job score with; with
//! none stored they use today's hand-set weights. A model is m/u probabilities per comparison
//! level, λ and a training summary — no client data. Models are kept (never changed or
//! deleted), so which one scored a pair stays known.

use shotbook_core::matching::fs::{train_prepared, FsModel, TrainOptions};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{dedup, timestamp, Store, StoreError, StoreResult};

/// The format version of [`FsModel`] this build reads; a model of another version is ignored
/// (the fallback scores) until the registry is trained again.
pub const MODEL_VERSION: u32 = 1;

/// Trains a model on every client not merged away (unsupervised: the records alone) —
/// CPU-bound, tens of seconds on a large registry. Returns it and how many clients it saw.
pub async fn train(store: &Store, options: &TrainOptions) -> StoreResult<(FsModel, u64)> {
    let loaded = dedup::load(store).await?;
    let model = train_prepared(&loaded.records, &loaded.records, true, options);
    Ok((model, loaded.records.len() as u64))
}

/// Where the deduplication job's model came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelSource {
    /// The model stored with the registry.
    Stored,
    /// None was stored: one was trained on the registry for this run (and not stored).
    TrainedForThisRun,
}

/// The model the registry-wide deduplication scores with: the stored one, else one trained on
/// the registry now. Unlike Smart search, the job does not fall back to the hand-set weights:
/// their prior is set for a query's candidates, not for every pair of a registry, and on the
/// demo generator's 3,000 clients they put 244 pairs at probability ≥ 0.5 where 92 are true
/// (precision 0.38; a model trained on those clients: 92 of 92). See the decision note on
/// registry-wide deduplication.
pub async fn for_deduplication(store: &Store) -> StoreResult<(FsModel, ModelSource)> {
    if let Some(model) = current(store).await? {
        return Ok((model, ModelSource::Stored));
    }
    let (model, _) = train(store, &TrainOptions::default()).await?;
    Ok((model, ModelSource::TrainedForThisRun))
}

/// Stores `model` as the registry's current one. Returns its id.
pub async fn save(
    store: &Store,
    model: &FsModel,
    clients: u64,
    now: OffsetDateTime,
) -> StoreResult<String> {
    let id = Uuid::now_v7().to_string();
    let json = serde_json::to_string(model).map_err(|e| StoreError::Unexpected(e.into()))?;
    sqlx::query(
        "INSERT INTO match_models (id, trained_at, clients, model, created_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(timestamp(now))
    .bind(i64::try_from(clients).unwrap_or(i64::MAX))
    .bind(json)
    .bind(timestamp(now))
    .execute(store.pool())
    .await?;
    Ok(id)
}

/// The registry's current model, if one of this build's version is stored.
pub async fn current(store: &Store) -> StoreResult<Option<FsModel>> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT model FROM match_models ORDER BY trained_at DESC, rowid DESC LIMIT 1",
    )
    .fetch_optional(store.pool())
    .await?;
    let Some((json,)) = row else {
        return Ok(None);
    };
    match serde_json::from_str::<FsModel>(&json) {
        Ok(model) if model.version == MODEL_VERSION => Ok(Some(model)),
        _ => {
            tracing::warn!("the stored matching model is of another version; scoring with the hand-set weights until it is trained again");
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clients::{self, NewClient};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-12-07 9:00 UTC);

    #[tokio::test]
    async fn a_trained_model_is_stored_and_the_newest_is_current() {
        let store = Store::open_in_memory().await.unwrap();
        assert_eq!(current(&store).await.unwrap(), None, "none before training");
        let mut tx = store.begin().await.unwrap();
        for i in 0..300 {
            let c = NewClient {
                first_name: ["Ava", "Noah", "Mia", "Ethan", "Zoe", "Lucas"][i % 6].into(),
                last_name: format!("Family{}", i / 3),
                date_of_birth: format!("{}-{:02}-{:02}", 2000 + i % 20, i % 12 + 1, i % 28 + 1),
                gender: if i % 2 == 0 { "F" } else { "M" }.into(),
                consent: "granted".into(),
                ..Default::default()
            };
            clients::insert_in_tx(&mut tx, &c, NOW).await.unwrap();
        }
        tx.commit().await.unwrap();
        let options = TrainOptions {
            random_pairs: 20_000,
            ..TrainOptions::default()
        };
        let (model, seen) = train(&store, &options).await.unwrap();
        assert_eq!(seen, 300);
        assert_eq!(
            model.training.random_pairs, 20_000,
            "trained, not the hand-set model"
        );
        assert_ne!(model, FsModel::hand_set());
        save(&store, &FsModel::hand_set(), 0, NOW).await.unwrap();
        save(&store, &model, seen, NOW + time::Duration::hours(1))
            .await
            .unwrap();
        let stored = current(&store)
            .await
            .unwrap()
            .expect("the newest is current");
        assert_eq!(
            stored.training, model.training,
            "the trained one, not the hand-set one"
        );
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * a.abs().max(b.abs());
        assert!(close(stored.lambda, model.lambda));
        for (s, m) in stored.fields.iter().zip(&model.fields) {
            for (s, m) in s.levels.iter().zip(&m.levels) {
                assert!(
                    close(s.m, m.m) && close(s.u, m.u),
                    "{s:?} / {m:?} (JSON keeps ~17 digits)"
                );
            }
        }
        let changed = sqlx::query("UPDATE match_models SET clients = 1")
            .execute(store.pool())
            .await;
        assert!(changed.is_err(), "a stored model is never changed");
        let deleted = sqlx::query("DELETE FROM match_models")
            .execute(store.pool())
            .await;
        assert!(deleted.is_err(), "nor deleted");
    }

    #[tokio::test]
    async fn a_model_of_another_version_is_not_used() {
        let store = Store::open_in_memory().await.unwrap();
        let model = FsModel {
            version: MODEL_VERSION + 1,
            ..FsModel::hand_set()
        };
        save(&store, &model, 0, NOW).await.unwrap();
        assert_eq!(current(&store).await.unwrap(), None);
    }
}
