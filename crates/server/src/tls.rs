//! The server's TLS: rustls with aws-lc-rs (the one provider in the binary). A real registry
//! gives its certificate and key as PEM files (`--tls-cert`, `--tls-key`, managed by the
//! operator); development and tests make a self-signed certificate for `localhost` and
//! 127.0.0.1 in memory, write **only the certificate** (the public part, for clients to trust),
//! and keep its private key in memory for the life of the process.

use std::path::Path;

use axum_server::tls_rustls::RustlsConfig;

/// Installs aws-lc-rs as the process's rustls provider (first thing in `main` and in tests;
/// installing twice is harmless).
pub fn install_crypto_provider() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

/// A development certificate for `localhost`, 127.0.0.1 and ::1.
pub struct DevCertificate {
    /// The certificate, PEM.
    pub certificate_pem: String,
    /// The TLS configuration serving it.
    pub config: RustlsConfig,
}

/// Makes a development certificate in memory; writes its certificate (never its key) to
/// `write_certificate_to` when given.
pub async fn dev_certificate(
    write_certificate_to: Option<&Path>,
) -> anyhow::Result<DevCertificate> {
    install_crypto_provider();
    let names = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ];
    let rcgen::CertifiedKey { cert, signing_key } = rcgen::generate_simple_self_signed(names)?;
    let certificate_pem = cert.pem();
    if let Some(path) = write_certificate_to {
        // Written whole or not at all (a temporary file renamed over it): a client waiting for
        // the file never reads it half-written and trusts nothing.
        let partial = path.with_extension("pem.partial");
        std::fs::write(&partial, &certificate_pem)?;
        std::fs::rename(&partial, path)?;
    }
    let config = RustlsConfig::from_pem(
        certificate_pem.clone().into_bytes(),
        signing_key.serialize_pem().into_bytes(),
    )
    .await?;
    Ok(DevCertificate {
        certificate_pem,
        config,
    })
}

/// The operator's certificate chain and key.
pub async fn from_files(certificate: &Path, key: &Path) -> anyhow::Result<RustlsConfig> {
    install_crypto_provider();
    Ok(RustlsConfig::from_pem_file(certificate, key).await?)
}
