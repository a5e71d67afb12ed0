//! Outgoing email (temporary passwords). Through SMTP when `SHOTBOOK_SMTP_HOST` is set;
//! otherwise, as the embedded default, written as `.eml` files to the outbox folder so the demo
//! and the tests work offline and a user can open the message.

use std::path::{Path, PathBuf};

use anyhow::Context;
use lettre::message::Mailbox;
use lettre::{FileTransport, Message, SmtpTransport, Transport};

/// Where mail goes.
#[derive(Debug, Clone)]
pub enum Mailer {
    /// `.eml` files in a folder.
    Outbox(PathBuf),
    /// An SMTP relay with STARTTLS (host, port, optional user and password).
    Smtp {
        /// Relay host.
        host: String,
        /// Port (587 by default).
        port: u16,
        /// Credentials.
        credentials: Option<(String, String)>,
    },
}

/// The sender address of registry mail.
pub const FROM: &str = "Shotbook Registry <no-reply@shotbook.invalid>";

impl Mailer {
    /// SMTP from the environment (`SHOTBOOK_SMTP_HOST`, `_PORT`, `_USER`, `_PASSWORD`), else the
    /// outbox in `outbox_dir`.
    pub fn from_env(outbox_dir: &Path) -> Self {
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
            _ => Mailer::Outbox(outbox_dir.to_path_buf()),
        }
    }

    /// Sends a plain-text message.
    pub fn send(&self, to: &str, subject: &str, body: &str) -> anyhow::Result<()> {
        let message = Message::builder()
            .from(FROM.parse::<Mailbox>().context("sender address")?)
            .to(to
                .parse::<Mailbox>()
                .context("recipient address on file is not valid")?)
            .subject(subject)
            .body(body.to_string())
            .context("building the message")?;
        match self {
            Mailer::Outbox(dir) => {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating the outbox {}", dir.display()))?;
                FileTransport::new(dir)
                    .send(&message)
                    .context("writing to the outbox")?;
            }
            Mailer::Smtp {
                host,
                port,
                credentials,
            } => {
                let mut builder = SmtpTransport::starttls_relay(host)
                    .context("SMTP relay")?
                    .port(*port);
                if let Some((user, password)) = credentials {
                    builder = builder.credentials((user.clone(), password.clone()).into());
                }
                builder
                    .build()
                    .send(&message)
                    .context("sending through SMTP")?;
            }
        }
        Ok(())
    }
}
