//! Outgoing email. Use cases queue their messages in the unit of work of their change
//! ([`shotbook_usecases::ports::MailWrites`], the `mail_outbox` table); this module delivers
//! the queue after the commit, asynchronously, so no write transaction ever waits on a relay
//! and a relay that is down loses nothing (the message stays queued and is retried).
//!
//! Where mail goes:
//! - SMTP (STARTTLS required) when `SHOTBOOK_SMTP_HOST` is set;
//! - on the **demo registry only**, `.eml` files in the outbox folder next to the demo
//!   database (synthetic accounts; the README says where);
//! - otherwise nowhere: [`Mailer::Disabled`], and whatever must be emailed (a password reset
//!   code, an agreement code, credentials) is refused up front with
//!   [`crate::AppError::MailUnavailable`] ("ask your registry help desk"). A real install
//!   never writes a secret to a file.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use shotbook_store::{mail_outbox, Store};
use shotbook_usecases::ports::{MailReads, WordedMail};

use crate::error::{AppError, AppResult};

/// How long one SMTP exchange may take before the message is left for the next attempt.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// Where mail goes.
#[derive(Debug, Clone)]
pub enum Mailer {
    /// No mail on this workstation.
    Disabled,
    /// `.eml` files in a folder (0700, files 0600): the demo registry and tests only.
    Outbox(PathBuf),
    /// An SMTP relay with STARTTLS.
    Smtp {
        /// Relay host.
        host: String,
        /// Port (587 by default).
        port: u16,
        /// User and password.
        credentials: Option<(String, String)>,
    },
}

/// The sender address of registry mail.
pub const FROM: &str = "Shotbook Registry <no-reply@shotbook.invalid>";

impl Mailer {
    /// SMTP from the environment (`SHOTBOOK_SMTP_HOST`, `_PORT`, `_USER`, `_PASSWORD`); else,
    /// on the demo registry, the outbox in `outbox_dir`; else disabled.
    pub fn from_env(outbox_dir: &Path, demo: bool) -> Self {
        match std::env::var("SHOTBOOK_SMTP_HOST") {
            Ok(host) if !host.trim().is_empty() => Mailer::Smtp {
                host,
                port: std::env::var("SHOTBOOK_SMTP_PORT")
                    .ok()
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(587),
                credentials: std::env::var("SHOTBOOK_SMTP_USER")
                    .ok()
                    .zip(std::env::var("SHOTBOOK_SMTP_PASSWORD").ok()),
            },
            _ if demo => Mailer::Outbox(outbox_dir.to_path_buf()),
            _ => Mailer::Disabled,
        }
    }

    /// Whether mail can leave this workstation at all.
    pub fn available(&self) -> bool {
        !matches!(self, Mailer::Disabled)
    }

    /// Refuses with [`AppError::MailUnavailable`] when mail cannot leave.
    pub fn require(&self) -> AppResult<()> {
        if self.available() {
            Ok(())
        } else {
            Err(AppError::MailUnavailable)
        }
    }

    /// Sends one plain-text message (async: never blocks a runtime worker).
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> anyhow::Result<()> {
        let message = Message::builder()
            .from(FROM.parse::<Mailbox>().context("sender address")?)
            .to(to
                .parse::<Mailbox>()
                .context("recipient address on file is not valid")?)
            .subject(subject)
            .body(body.to_string())
            .context("building the message")?;
        match self {
            Mailer::Disabled => anyhow::bail!("email is not set up on this workstation"),
            Mailer::Outbox(dir) => write_eml(dir, &message).await,
            Mailer::Smtp {
                host,
                port,
                credentials,
            } => {
                let mut builder = AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                    .context("SMTP relay")?
                    .port(*port)
                    .timeout(Some(SMTP_TIMEOUT));
                if let Some((user, password)) = credentials {
                    builder = builder.credentials((user.clone(), password.clone()).into());
                }
                builder
                    .build()
                    .send(message)
                    .await
                    .context("sending through SMTP")?;
                Ok(())
            }
        }
    }
}

/// Writes `message` as `<uuid>.eml` in `dir`, readable by its owner only.
async fn write_eml(dir: &Path, message: &Message) -> anyhow::Result<()> {
    let dir = dir.to_path_buf();
    let bytes = message.formatted();
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        crate::files::private_dir(&dir).context("creating the outbox")?;
        let path = dir.join(format!("{}.eml", uuid::Uuid::now_v7()));
        crate::files::write_private(&path, &bytes).context("writing to the outbox")
    })
    .await
    .context("the outbox writer stopped")?
}

/// Delivers every queued message, oldest first: each is sent, then marked sent and erased;
/// a failure is counted (with the relay's error, never the message) and left for the next
/// delivery. Returns how many were sent. One delivery at a time per store.
pub async fn deliver_queued(
    store: &Store,
    mailer: &Mailer,
    lock: &tokio::sync::Mutex<()>,
    now: impl Fn() -> time::OffsetDateTime,
) -> AppResult<usize> {
    if !mailer.available() {
        return Ok(0);
    }
    let _one_at_a_time = lock.lock().await;
    let mut sent = 0;
    for queued in store.unsent_mail().await.map_err(AppError::internal)? {
        let WordedMail { to, subject, body } = queued.mail.worded();
        match mailer.send(&to, &subject, &body).await {
            Ok(()) => {
                mail_outbox::mark_sent(store, queued.id, now()).await?;
                sent += 1;
            }
            Err(e) => {
                let error = format!("{e:#}");
                tracing::warn!(id = queued.id, kind = queued.mail.kind(), error = %error, "mail not delivered; it stays queued");
                mail_outbox::mark_failed(store, queued.id, &error).await?;
            }
        }
    }
    Ok(sent)
}
