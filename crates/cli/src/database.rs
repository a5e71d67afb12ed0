//! Opening a database from the command line, with the key the app would use (see
//! `shotbook_api::database_key`), plus the one rule only tools need: a file with no key in this
//! workstation's credential store is tried with the public demo key, which opens only demo
//! registries and the synthetic ones `shotbook generate` writes (a new file is created with
//! it). A real registry's file opens with its credential-store key, or `SHOTBOOK_DATABASE_KEY`.

use std::path::Path;

use anyhow::bail;
use shotbook_api::database_key::{self, entry_name, DATABASE_KEY_VAR};
use shotbook_api::remember::{KeyringStore, SecretStore};
use shotbook_store::at_rest::{self, FileState};
use shotbook_store::{DatabaseKey, Store, StoreError};

/// Opens the database at `path` (creating a new synthetic registry when there is no file) and
/// runs the page check the app runs behind its sign-in screen.
pub async fn open(path: &Path) -> anyhow::Result<Store> {
    let store = open_keyed(path).await?;
    store.check_pages().await?;
    Ok(store)
}

async fn open_keyed(path: &Path) -> anyhow::Result<Store> {
    let secrets = KeyringStore;
    let explicit = std::env::var(DATABASE_KEY_VAR).ok();
    // An unreadable store answers Err: no entry there.
    let in_credential_store =
        explicit.is_none() && matches!(secrets.get(&entry_name(path)), Ok(Some(_)));
    if explicit.is_some() || in_credential_store {
        let (key, _) = database_key::resolve(path, false, explicit.as_deref(), &secrets)?;
        return Ok(Store::open(path, &key).await?);
    }
    match at_rest::file_state(path)? {
        FileState::Missing => Ok(Store::open(path, &DatabaseKey::demo()).await?),
        // From before encryption: encrypted now, with a key kept as the app would keep it.
        FileState::Plain => {
            let (key, _) = database_key::resolve(path, false, None, &secrets)?;
            Ok(Store::open(path, &key).await?)
        }
        FileState::Encrypted => match Store::open(path, &DatabaseKey::demo()).await {
            Ok(store) => Ok(store),
            Err(StoreError::WrongKey) => bail!(
                "{} is encrypted with a key that is not in this workstation's credential store; \
                 set {DATABASE_KEY_VAR} to open it",
                path.display()
            ),
            Err(e) => Err(e.into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_path(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("shotbook-cli-db-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(name)
    }

    #[tokio::test]
    async fn a_new_file_is_a_synthetic_registry_and_a_real_one_needs_its_key() {
        assert!(
            std::env::var_os(DATABASE_KEY_VAR).is_none(),
            "run the tests without {DATABASE_KEY_VAR}"
        );
        let synthetic = temp_path("generated.sqlite");
        open(&synthetic).await.unwrap().pool().close().await;
        Store::open(&synthetic, &DatabaseKey::demo())
            .await
            .expect("created with the public demo key");
        open(&synthetic).await.expect("and opened with it again");

        let real = temp_path("real.sqlite");
        Store::open(&real, &DatabaseKey::random())
            .await
            .unwrap()
            .pool()
            .close()
            .await;
        let refused = open(&real)
            .await
            .expect_err("the demo key does not open it");
        assert!(refused.to_string().contains(DATABASE_KEY_VAR), "{refused}");
    }
}
