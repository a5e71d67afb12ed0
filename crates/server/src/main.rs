//! `shotbook-server`: migrate the registry database, seed the demo, serve.

use std::net::SocketAddr;

use anyhow::Context;
use clap::{Parser, Subcommand};
use shotbook_server::demo::{self, Seeded};
use shotbook_server::AppState;
use shotbook_server_store::PgRegistry;
use time::OffsetDateTime;

/// Shotbook's registry server.
#[derive(Debug, Parser)]
#[command(name = "shotbook-server", version)]
struct Cli {
    /// The registry database, `postgres://user@host:port/database`.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database_url: String,
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
    /// Serves the API.
    Serve {
        /// Address and port to listen on.
        #[arg(long, default_value = "127.0.0.1:8443")]
        listen: SocketAddr,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    init_logging();
    let cli = Cli::parse();
    if let Command::Migrate {
        create_database: true,
    } = cli.command
    {
        if PgRegistry::create_database_if_missing(&cli.database_url)
            .await
            .context("creating the registry database")?
        {
            tracing::info!("registry database created");
        }
    }
    // The URL is never logged: it may carry a password.
    let registry = PgRegistry::connect(&cli.database_url, &cli.node)
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
        Command::Serve { listen } => {
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| format!("listening on {listen}"))?;
            tracing::info!(address = %listener.local_addr()?, "serving");
            shotbook_server::serve(listener, AppState { registry }).await?;
        }
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
