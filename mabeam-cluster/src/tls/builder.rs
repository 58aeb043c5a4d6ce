use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::ServerCertVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::server::danger::ClientCertVerifier;
use rustls::server::WebPkiClientVerifier;
use rustls::{ClientConfig, RootCertStore, ServerConfig};

use super::{TlsConfig, TlsError};

/// Builds a [`TlsConfig`] from PEM files; [`build`](Self::build) reads and checks them.
///
/// ```no_run
/// use mabeam_cluster::tls::TlsConfig;
///
/// let tls = TlsConfig::builder()
///     .cert_chain("node.pem")
///     .private_key("node.key")
///     .ca("ca.pem")
///     .server_name("mabeam.internal")
///     .build()?;
/// assert_eq!(tls.server_name(), "mabeam.internal");
/// # Ok::<(), mabeam_cluster::tls::TlsError>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct TlsConfigBuilder {
    cert_chain: Option<PathBuf>,
    private_key: Option<PathBuf>,
    ca: Option<PathBuf>,
    server_name: String,
}

impl TlsConfigBuilder {
    pub(super) fn new() -> Self {
        Self {
            cert_chain: None,
            private_key: None,
            ca: None,
            server_name: TlsConfig::DEFAULT_SERVER_NAME.to_owned(),
        }
    }

    /// The node's certificate, followed by any intermediate certificates (PEM). It must be
    /// valid for both server and client authentication and carry the server name.
    pub fn cert_chain(mut self, path: impl Into<PathBuf>) -> Self {
        self.cert_chain = Some(path.into());
        self
    }

    /// The node's private key (PEM: PKCS#8, PKCS#1 or SEC1).
    pub fn private_key(mut self, path: impl Into<PathBuf>) -> Self {
        self.private_key = Some(path.into());
        self
    }

    /// The CA certificate(s) (PEM) that every peer's certificate must chain to.
    pub fn ca(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca = Some(path.into());
        self
    }

    /// The name every peer's certificate must carry as a DNS subject alternative name (or an
    /// IP address it must carry as an IP SAN); default [`TlsConfig::DEFAULT_SERVER_NAME`].
    pub fn server_name(mut self, name: impl Into<String>) -> Self {
        self.server_name = name.into();
        self
    }

    /// Reads the files and checks that they make a working setup: a certificate and the key
    /// that belongs to it, a usable CA, and a certificate that this CA and server name accept
    /// (so that peers configured alike accept it too).
    pub fn build(self) -> Result<TlsConfig, TlsError> {
        let cert_path = self
            .cert_chain
            .ok_or(TlsError::Missing("certificate chain"))?;
        let key_path = self.private_key.ok_or(TlsError::Missing("private key"))?;
        let ca_path = self.ca.ok_or(TlsError::Missing("CA certificate"))?;
        let peer_name = ServerName::try_from(self.server_name.clone())
            .map_err(|_| TlsError::BadServerName(self.server_name.clone()))?;

        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let chain = read_certificates(&cert_path)?;
        let key = read_private_key(&key_path)?;
        provider
            .key_provider
            .load_private_key(key.clone_key())
            .map_err(|err| TlsError::BadPrivateKey {
                path: key_path.clone(),
                reason: err.to_string(),
            })?;
        let roots = Arc::new(read_roots(&ca_path)?);

        let refused = |err: rustls::Error| TlsError::Config {
            cert_chain: cert_path.clone(),
            private_key: key_path.clone(),
            reason: err.to_string(),
        };
        let client_verifier =
            WebPkiClientVerifier::builder_with_provider(roots.clone(), provider.clone())
                .build()
                .map_err(|err| TlsError::BadCa {
                    path: ca_path.clone(),
                    reason: err.to_string(),
                })?;
        check_own_certificate(&chain, &roots, &provider, &client_verifier, &peer_name).map_err(
            |err| TlsError::NotTrusted {
                cert_chain: cert_path.clone(),
                ca: ca_path.clone(),
                server_name: self.server_name.clone(),
                reason: err.to_string(),
            },
        )?;
        let server = ServerConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(&[&rustls::version::TLS13])
            .map_err(refused)?
            .with_client_cert_verifier(client_verifier)
            .with_single_cert(chain.clone(), key.clone_key())
            .map_err(refused)?;
        let client = ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13])
            .map_err(refused)?
            .with_root_certificates(roots)
            .with_client_auth_cert(chain, key)
            .map_err(refused)?;
        Ok(TlsConfig {
            server: Arc::new(server),
            client: Arc::new(client),
            server_name: self.server_name,
            peer_name,
            cert_chain: cert_path,
            ca: ca_path,
        })
    }
}

fn read(path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        path: path.to_owned(),
        source,
    })
}

fn bad_pem(path: &Path, err: pem::Error) -> TlsError {
    TlsError::Pem {
        path: path.to_owned(),
        reason: err.to_string(),
    }
}

/// Every `CERTIFICATE` section of a PEM file, at least one.
fn read_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let pem = read(path)?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| bad_pem(path, err))?;
    if certs.is_empty() {
        return Err(TlsError::NoCertificate {
            path: path.to_owned(),
        });
    }
    Ok(certs)
}

/// The first private key of a PEM file.
fn read_private_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    let pem = read(path)?;
    PrivateKeyDer::from_pem_slice(&pem).map_err(|err| match err {
        pem::Error::NoItemsFound => TlsError::NoPrivateKey {
            path: path.to_owned(),
        },
        err => bad_pem(path, err),
    })
}

/// The CA file's certificates as trust anchors.
fn read_roots(path: &Path) -> Result<RootCertStore, TlsError> {
    let mut roots = RootCertStore::empty();
    for cert in read_certificates(path)? {
        roots.add(cert).map_err(|err| TlsError::BadCa {
            path: path.to_owned(),
            reason: err.to_string(),
        })?;
    }
    Ok(roots)
}

/// Checks the node's certificate as its peers will: as a server certificate for `name` and as
/// a client certificate, both chaining to `roots`.
fn check_own_certificate(
    chain: &[CertificateDer<'static>],
    roots: &Arc<RootCertStore>,
    provider: &Arc<CryptoProvider>,
    client_verifier: &Arc<dyn ClientCertVerifier>,
    name: &ServerName<'static>,
) -> Result<(), rustls::Error> {
    let Some((end_entity, intermediates)) = chain.split_first() else {
        return Err(rustls::Error::NoCertificatesPresented);
    };
    let now = UnixTime::now();
    let server_verifier = rustls::client::WebPkiServerVerifier::builder_with_provider(
        roots.clone(),
        provider.clone(),
    )
    .build()
    .map_err(|err| rustls::Error::General(err.to_string()))?;
    server_verifier.verify_server_cert(end_entity, intermediates, name, &[], now)?;
    client_verifier.verify_client_cert(end_entity, intermediates, now)?;
    Ok(())
}
