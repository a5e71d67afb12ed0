//! `shotbook-server`: migrate the registry database, seed the demo, serve.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use shotbook_core::clock::SystemClock;
use shotbook_server::demo::{self, Seeded};
use shotbook_server::tls;
use shotbook_server::tokens::TokenKeys;
use shotbook_server::AppState;
use shotbook_server_store::PgRegistry;
use time::OffsetDateTime;

/// Shotbook's registry server.
#[derive(Debug, Parser)]
#[command(name = "shotbook-server", version)]
struct Cli {
    /// The registry database, `postgres://user@host:port/database`.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// This server's name in the change envelopes it writes.
    #[arg(long, env = "SHOTBOOK_NODE", default_value = "registry")]
    node: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Applies the migrations and loads CDC's code sets (safe to run again).
    Migrate {
        /// Creates the database first when it does not exist.
        #[arg(long)]
        create_database: bool,
    },
    /// Creates the desktop demo's organizations and users (only in a registry without users).
    SeedDemo,
    /// Serves the API over HTTPS.
    Serve {
        /// Address and port to listen on.
        #[arg(long, default_value = "127.0.0.1:8443")]
        listen: SocketAddr,
        /// The certificate chain (PEM) of this server.
        #[arg(long, requires = "tls_key", conflicts_with = "dev_certificate")]
        tls_cert: Option<PathBuf>,
        /// Its private key (PEM).
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Development only: serve a self-signed certificate for localhost made in memory, and
        /// write the certificate (not its key) to this file for clients to trust.
        #[arg(long)]
        dev_certificate: Option<PathBuf>,
    },
    /// Prints a new random access-token key for `SHOTBOOK_TOKEN_KEY`.
    NewTokenKey,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    init_logging();
    shotbook_server::tls::install_crypto_provider();
    let cli = Cli::parse();
    if let Command::NewTokenKey = cli.command {
        println!("{}", TokenKeys::new_key_text());
        return Ok(());
    }
    let database_url = cli
        .database_url
        .as_deref()
        .context("DATABASE_URL (or --database-url) names the registry database")?;
    if let Command::Migrate {
        create_database: true,
    } = cli.command
    {
        if PgRegistry::create_database_if_missing(database_url)
            .await
            .context("creating the registry database")?
        {
            tracing::info!("registry database created");
        }
    }
    // The URL is never logged: it may carry a password.
    let registry = PgRegistry::connect(database_url, &cli.node)
        .await
        .context("connecting to the registry database (DATABASE_URL)")?;
    match cli.command {
        Command::Migrate { .. } => {
            registry.migrate().await.context("migrating")?;
            tracing::info!("migrations applied, code sets loaded");
        }
        Command::SeedDemo => match demo::seed(&registry, OffsetDateTime::now_utc()).await? {
            Seeded::Created {
                organizations,
                users,
            } => tracing::info!(organizations, users, "demo registry seeded"),
            Seeded::AlreadySeeded => {
                tracing::info!("the registry already has users: demo not seeded again")
            }
        },
        Command::Serve {
            listen,
            tls_cert,
            tls_key,
            dev_certificate,
        } => {
            let tls = match (tls_cert, tls_key, dev_certificate) {
                (Some(cert), Some(key), None) => tls::from_files(&cert, &key)
                    .await
                    .context("reading the TLS certificate and key")?,
                (None, None, Some(path)) => {
                    tracing::warn!(
                        certificate = %path.display(),
                        "serving a self-signed development certificate (its key lives in memory only)"
                    );
                    tls::dev_certificate(Some(&path)).await?.config
                }
                _ => anyhow::bail!(
                    "give --tls-cert and --tls-key, or --dev-certificate FILE for development"
                ),
            };
            let keys = match TokenKeys::from_env()? {
                Some(keys) => keys,
                None => {
                    tracing::warn!(
                        "SHOTBOOK_TOKEN_KEY is not set: access tokens use a key made in memory, \
                         valid for this process only (set one for several processes)"
                    );
                    TokenKeys::ephemeral()
                }
            };
            let listener = std::net::TcpListener::bind(listen)
                .with_context(|| format!("listening on {listen}"))?;
            tracing::info!(address = %listener.local_addr()?, "serving HTTPS");
            let state = AppState {
                registry,
                keys: Arc::new(keys),
                clock: Arc::new(SystemClock),
            };
            shotbook_server::serve(listener, tls, state).await?;
        }
        Command::NewTokenKey => {}
    }
    Ok(())
}

/// JSON lines on standard output; `RUST_LOG` filters (default `info`, sqlx's notices left out).
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_current_span(false)
        .init();
}
