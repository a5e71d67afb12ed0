//! `shotbook-server`: migrate the registry database, seed the demo, serve.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use shotbook_core::clock::SystemClock;
use shotbook_server::demo::{self, Seeded};
use shotbook_server::mail::{CourierSettings, SmtpRelay};
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
        /// Serve Prometheus metrics (`GET /metrics`, plain HTTP) on this address too: an
        /// operations network or loopback, never the public one.
        #[arg(long)]
        metrics_listen: Option<SocketAddr>,
        /// Development only: serve a self-signed certificate for localhost made in memory, and
        /// write the certificate (not its key) to this file for clients to trust.
        #[arg(long)]
        dev_certificate: Option<PathBuf>,
    },
    /// Prints a new random access-token key for `SHOTBOOK_TOKEN_KEY`. To rotate: set the new
    /// key as `SHOTBOOK_TOKEN_KEY` and the old one as `SHOTBOOK_TOKEN_KEY_PREVIOUS` on every
    /// process, then drop the previous key after the access-token lifetime (10 minutes).
    NewTokenKey,
    /// Enrols an organization (its county checked against the state's counties).
    CreateOrganization {
        /// Org code users type at sign-in (MT0420).
        #[arg(long)]
        code: String,
        /// Name.
        #[arg(long)]
        name: String,
        /// provider, school, child_care, health_department or registry.
        #[arg(long)]
        kind: String,
        /// Two-letter state (MT, TX).
        #[arg(long)]
        state: String,
        /// County.
        #[arg(long)]
        county: String,
        /// City.
        #[arg(long)]
        city: String,
        /// VFC PIN (VFC providers).
        #[arg(long)]
        vfc_pin: Option<String>,
    },
    /// Creates an account with a role at an organization; the temporary password is emailed to
    /// the user (through the mail queue), never printed.
    CreateUser {
        /// The organization's code.
        #[arg(long = "org")]
        organization_code: String,
        /// Username.
        #[arg(long)]
        username: String,
        /// First name.
        #[arg(long)]
        first_name: String,
        /// Last name.
        #[arg(long)]
        last_name: String,
        /// Email address (the temporary password goes there).
        #[arg(long)]
        email: String,
        /// Role code (registry_staff, provider_supervisor, …).
        #[arg(long)]
        role: String,
    },
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
            metrics_listen,
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
            // Mail leaves only over SMTP; without a relay it waits in the queue (and whatever
            // needs it, a User Agreement code or credentials, waits with it).
            match SmtpRelay::from_env()? {
                Some(relay) => {
                    shotbook_server::mail::spawn_courier(
                        registry.clone(),
                        Arc::new(relay),
                        CourierSettings::default(),
                    );
                }
                None => tracing::warn!(
                    "SHOTBOOK_SMTP_URL is not set: mail (agreement codes, credentials) stays queued until a relay is configured"
                ),
            }
            // Next months' audit and change-log partitions, made ahead daily (any process may).
            let partitions = registry.clone();
            tokio::spawn(async move {
                let mut daily = tokio::time::interval(std::time::Duration::from_secs(24 * 3600));
                loop {
                    daily.tick().await;
                    match shotbook_server_store::partitions::ensure_ahead(&partitions).await {
                        Ok(0) => {}
                        Ok(created) => tracing::info!(created, "monthly partitions created"),
                        Err(e) => tracing::warn!(error = %e, "monthly partitions not created"),
                    }
                }
            });
            if let Some(address) = metrics_listen {
                let listener = tokio::net::TcpListener::bind(address)
                    .await
                    .with_context(|| format!("listening for metrics on {address}"))?;
                tracing::info!(address = %listener.local_addr()?, "serving metrics");
                let metrics = shotbook_server::metrics::router(registry.clone());
                tokio::spawn(async move {
                    if let Err(e) = axum::serve(listener, metrics).await {
                        tracing::error!(error = %e, "the metrics listener stopped");
                    }
                });
            }
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
        Command::CreateOrganization {
            code,
            name,
            kind,
            state,
            county,
            city,
            vfc_pin,
        } => {
            let input = shotbook_server::admin::OrganizationInput {
                code,
                name,
                kind,
                state,
                county,
                city,
                vfc_pin,
            };
            let id = shotbook_server::admin::create_organization(
                &registry,
                input,
                OffsetDateTime::now_utc(),
            )
            .await?;
            println!("organization created: {id}");
        }
        Command::CreateUser {
            organization_code,
            username,
            first_name,
            last_name,
            email,
            role,
        } => {
            let input = shotbook_server::admin::UserInput {
                organization_code,
                username,
                first_name,
                last_name,
                email,
                role,
            };
            let id =
                shotbook_server::admin::create_user(&registry, input, OffsetDateTime::now_utc())
                    .await?;
            println!(
                "account created: {id}; its temporary password is queued for email (valid 24 hours)"
            );
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
