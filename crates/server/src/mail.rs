//! Mail leaves the registry over SMTP only, after the commit: the use cases queue it in the
//! unit of work of their change, and a courier task in every server process drains the queue
//! (`shotbook_server_store::mail_courier`), woken by PostgreSQL when mail commits and every
//! [`CourierSettings::poll`] in case a notification was missed. A relay that is down loses
//! nothing: the message stays queued and is retried later and later, up to the attempt limit,
//! after which it waits for an operator (logged once, counted in the metrics).
//!
//! The relay is `SHOTBOOK_SMTP_URL` (lettre's form, never logged: it may carry a password):
//! `smtps://user:pass@relay:465` (TLS), `smtp://relay:587?tls=required` (STARTTLS), or plain
//! `smtp://127.0.0.1:2525`, which is accepted for a loopback relay only (a local sink in
//! development and tests): mail holds temporary passwords and codes.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use shotbook_server_store::mail_courier;
use shotbook_server_store::PgRegistry;
use shotbook_usecases::ports::WordedMail;

/// The sender of registry mail unless `SHOTBOOK_MAIL_FROM` says otherwise.
pub const DEFAULT_FROM: &str = "Shotbook Registry <no-reply@shotbook.invalid>";

/// How long one SMTP exchange may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// An SMTP relay.
#[derive(Clone)]
pub struct SmtpRelay {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for SmtpRelay {
    // The transport holds the relay's credentials.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpRelay").finish_non_exhaustive()
    }
}

/// Whether `url` asks for TLS (`smtps://`, or `smtp://` with `tls=required`).
fn asks_for_tls(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("smtps://") || lower.contains("tls=required")
}

/// The host part of `scheme://[user[:pass]@]host[:port][/…][?…]`.
fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    Some(match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => host_port.split(':').next()?,
    })
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl SmtpRelay {
    /// The relay at `url`, sending as `from`. Plain SMTP is refused unless the relay is on
    /// loopback.
    pub fn from_url(url: &str, from: &str) -> anyhow::Result<Self> {
        let host = host_of(url).context("SHOTBOOK_SMTP_URL is not an smtp:// or smtps:// URL")?;
        if !asks_for_tls(url) && !is_loopback(host) {
            bail!(
                "SHOTBOOK_SMTP_URL: mail carries temporary passwords and codes; use smtps:// or \
                 smtp://…?tls=required for a relay that is not on this machine"
            );
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .context("SHOTBOOK_SMTP_URL is not a relay lettre understands")?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Self {
            transport,
            from: from
                .parse()
                .context("SHOTBOOK_MAIL_FROM is not a mail address")?,
        })
    }

    /// The relay of `SHOTBOOK_SMTP_URL` (and `SHOTBOOK_MAIL_FROM`), when one is set.
    pub fn from_env() -> anyhow::Result<Option<Self>> {
        let Ok(url) = std::env::var("SHOTBOOK_SMTP_URL") else {
            return Ok(None);
        };
        if url.trim().is_empty() {
            return Ok(None);
        }
        let from = std::env::var("SHOTBOOK_MAIL_FROM").unwrap_or_else(|_| DEFAULT_FROM.into());
        Self::from_url(url.trim(), &from).map(Some)
    }

    /// Sends one plain-text message.
    pub async fn send(&self, mail: &WordedMail) -> anyhow::Result<()> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(mail
                .to
                .parse::<Mailbox>()
                .context("the recipient address on file is not valid")?)
            .subject(mail.subject.as_str())
            .body(mail.body.clone())
            .context("building the message")?;
        self.transport
            .send(message)
            .await
            .context("the SMTP relay refused or did not answer")?;
        Ok(())
    }
}

/// How the courier paces itself.
#[derive(Debug, Clone, Copy)]
pub struct CourierSettings {
    /// Look at the queue at least this often (retries fall due between notifications).
    pub poll: Duration,
    /// Wait this long after the first failure, doubling after each further one.
    pub first_retry: Duration,
    /// Never wait longer than this between attempts.
    pub longest_retry: Duration,
}

impl Default for CourierSettings {
    fn default() -> Self {
        Self {
            poll: Duration::from_secs(15),
            first_retry: Duration::from_secs(60),
            longest_retry: Duration::from_secs(6 * 3600),
        }
    }
}

impl CourierSettings {
    /// The wait before attempt `attempts + 1`, `attempts` having failed.
    pub fn retry_after(&self, attempts: i64) -> Duration {
        let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
        self.first_retry
            .saturating_mul(1 << doublings)
            .min(self.longest_retry)
    }
}

/// Sends every message now due, one at a time; returns how many left.
pub async fn deliver_due(
    registry: &PgRegistry,
    relay: &SmtpRelay,
    settings: &CourierSettings,
) -> usize {
    let mut sent = 0;
    loop {
        let claimed = match mail_courier::claim_next(registry).await {
            Ok(Some(claimed)) => claimed,
            Ok(None) => return sent,
            Err(e) => {
                tracing::warn!(error = %e, "mail queue: the database did not answer");
                return sent;
            }
        };
        let kind = claimed.mail.kind();
        let outcome = match relay.send(&claimed.mail.worded()).await {
            Ok(()) => mail_courier::mark_sent(registry, claimed.id)
                .await
                .map(|()| {
                    sent += 1;
                    tracing::info!(id = claimed.id, kind, "mail sent");
                }),
            Err(e) => {
                let error = format!("{e:#}");
                let attempts = claimed.attempts + 1;
                if attempts >= mail_courier::MAX_MAIL_ATTEMPTS {
                    // Said once, when it happens; the metrics keep the count.
                    tracing::error!(id = claimed.id, kind, attempts, error = %error, "mail given up after its last attempt: it waits for an operator");
                } else {
                    tracing::warn!(id = claimed.id, kind, attempts, error = %error, "mail not delivered; it stays queued");
                }
                mail_courier::mark_failed(
                    registry,
                    claimed.id,
                    &error,
                    settings.retry_after(attempts),
                )
                .await
            }
        };
        if let Err(e) = outcome {
            // The lease runs out and the message is tried again (at least once, by design).
            tracing::warn!(id = claimed.id, error = %e, "mail queue: the outcome was not recorded");
            return sent;
        }
    }
}

/// Starts the courier: it drains the queue now, whenever mail commits, and every `poll`.
pub fn spawn_courier(
    registry: PgRegistry,
    relay: Arc<SmtpRelay>,
    settings: CourierSettings,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut listener = match mail_courier::listen(&registry).await {
            Ok(listener) => Some(listener),
            Err(e) => {
                tracing::warn!(error = %e, "mail queue: no notifications; polling only");
                None
            }
        };
        loop {
            deliver_due(&registry, &relay, &settings).await;
            match listener.as_mut() {
                Some(listener) => {
                    if let Ok(Err(e)) = tokio::time::timeout(settings.poll, listener.recv()).await {
                        tracing::warn!(error = %e, "mail queue: notification connection lost");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
                None => tokio::time::sleep(settings.poll).await,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_smtp_is_accepted_for_a_loopback_relay_only() {
        let from = DEFAULT_FROM;
        assert!(SmtpRelay::from_url("smtp://127.0.0.1:2525", from).is_ok());
        assert!(SmtpRelay::from_url("smtp://localhost:2525", from).is_ok());
        assert!(SmtpRelay::from_url("smtp://[::1]:2525", from).is_ok());
        assert!(SmtpRelay::from_url("smtp://mail.example.org:25", from).is_err());
        assert!(SmtpRelay::from_url("smtp://user:pw@mail.example.org:25", from).is_err());
        assert!(SmtpRelay::from_url("smtp://127.0.0.1.example.org:25", from).is_err());
        assert!(SmtpRelay::from_url("smtp://mail.example.org:587?tls=required", from).is_ok());
        assert!(SmtpRelay::from_url("smtps://user:pw@mail.example.org", from).is_ok());
        assert!(SmtpRelay::from_url("mail.example.org", from).is_err());
    }

    #[test]
    fn retries_wait_longer_and_longer_up_to_a_limit() {
        let settings = CourierSettings::default();
        assert_eq!(settings.retry_after(1), Duration::from_secs(60));
        assert_eq!(settings.retry_after(2), Duration::from_secs(120));
        assert_eq!(settings.retry_after(5), Duration::from_secs(960));
        assert_eq!(settings.retry_after(40), Duration::from_secs(6 * 3600));
    }
}
