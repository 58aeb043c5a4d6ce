use std::path::PathBuf;

use thiserror::Error;

/// Why a [`TlsConfig`](super::TlsConfig) could not be built. Every variant about a file names
/// it.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum TlsError {
    /// One of the three files (certificate chain, private key, CA) was not given.
    #[error("TLS needs a {0} file")]
    Missing(&'static str),
    /// A file could not be read (missing, no permission, ...).
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file is not valid PEM: a section without its end line, bad base64, ...
    #[error("{} is not valid PEM: {reason}", path.display())]
    Pem {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The certificate chain file or the CA file holds no `CERTIFICATE` section.
    #[error("no certificate in {}", path.display())]
    NoCertificate {
        /// The file.
        path: PathBuf,
    },
    /// The key file holds no private key (`PRIVATE KEY`, `RSA PRIVATE KEY` or
    /// `EC PRIVATE KEY` section).
    #[error("no private key in {}", path.display())]
    NoPrivateKey {
        /// The file.
        path: PathBuf,
    },
    /// The private key cannot be used: a key type or encoding the crypto provider does not
    /// support, or a corrupt key.
    #[error("unusable private key in {}: {reason}", path.display())]
    BadPrivateKey {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A certificate of the CA file cannot serve as a trust anchor.
    #[error("unusable CA certificate in {}: {reason}", path.display())]
    BadCa {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The expected server name is neither a DNS name nor an IP address.
    #[error("invalid TLS server name `{0}`")]
    BadServerName(String),
    /// rustls refused the certificate and key, e.g. the private key does not belong to the
    /// certificate.
    #[error("TLS configuration refused for {} with key {}: {reason}", cert_chain.display(), private_key.display())]
    Config {
        /// The certificate chain file.
        cert_chain: PathBuf,
        /// The private key file.
        private_key: PathBuf,
        /// Why.
        reason: String,
    },
    /// The node's own certificate would be refused by its peers, which check it against the
    /// same CA and server name: it does not chain to the CA, does not carry the server name,
    /// has expired, or is not valid for both server and client authentication.
    #[error("the certificate in {} is not accepted by the CA in {} for server name `{server_name}`: {reason}", cert_chain.display(), ca.display())]
    NotTrusted {
        /// The certificate chain file.
        cert_chain: PathBuf,
        /// The CA file.
        ca: PathBuf,
        /// The expected server name.
        server_name: String,
        /// Why.
        reason: String,
    },
}
