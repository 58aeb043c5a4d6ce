//! Loading the test certificates (`tests/certs/`, see its README) and handshakes between
//! configurations in memory.

use std::path::{Path, PathBuf};

use rustls::CertificateError;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{TlsConfig, TlsError};

fn cert(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/certs")
        .join(file)
}

fn node(name: &str, ca: &str) -> TlsConfig {
    TlsConfig::builder()
        .cert_chain(cert(&format!("{name}.pem")))
        .private_key(cert(&format!("{name}.key")))
        .ca(cert(ca))
        .build()
        .unwrap_or_else(|err| panic!("{name} loads: {err}"))
}

#[test]
fn the_test_certificates_load() {
    let a = node("node-a", "ca.pem");
    assert_eq!(a.server_name(), TlsConfig::DEFAULT_SERVER_NAME);
    node("node-b", "ca.pem");
    node("rogue-node", "rogue-ca.pem");
    node("rogue-node", "both-cas.pem");
}

#[test]
fn a_missing_file_is_a_read_error_naming_it() {
    let missing = cert("no-such-file.pem");
    let err = TlsConfig::builder()
        .cert_chain(&missing)
        .private_key(cert("node-a.key"))
        .ca(cert("ca.pem"))
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, TlsError::Read { path, .. } if *path == missing),
        "{err:?}"
    );
    assert!(err.to_string().contains("no-such-file.pem"), "{err}");
}

#[test]
fn a_file_without_a_certificate_is_an_error_naming_it() {
    // A key file holds no CERTIFICATE section: as the chain, and as the CA.
    let key = cert("node-a.key");
    let as_chain = TlsConfig::builder()
        .cert_chain(&key)
        .private_key(cert("node-a.key"))
        .ca(cert("ca.pem"))
        .build()
        .unwrap_err();
    assert!(
        matches!(&as_chain, TlsError::NoCertificate { path } if *path == key),
        "{as_chain:?}"
    );
    assert!(as_chain.to_string().contains("node-a.key"), "{as_chain}");
    let as_ca = TlsConfig::builder()
        .cert_chain(cert("node-a.pem"))
        .private_key(cert("node-a.key"))
        .ca(&key)
        .build()
        .unwrap_err();
    assert!(
        matches!(&as_ca, TlsError::NoCertificate { path } if *path == key),
        "{as_ca:?}"
    );
}

#[test]
fn a_key_file_without_a_key_is_an_error_naming_it() {
    let not_a_key = cert("node-a.pem");
    let err = TlsConfig::builder()
        .cert_chain(cert("node-a.pem"))
        .private_key(&not_a_key)
        .ca(cert("ca.pem"))
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, TlsError::NoPrivateKey { path } if *path == not_a_key),
        "{err:?}"
    );
    assert!(err.to_string().contains("node-a.pem"), "{err}");
}

#[test]
fn broken_pem_is_an_error_naming_the_file() {
    let dir = std::env::temp_dir().join(format!("mabeam-tls-pem-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken.pem");
    std::fs::write(&broken, "-----BEGIN CERTIFICATE-----\nMIIB\n").unwrap();
    let err = TlsConfig::builder()
        .cert_chain(&broken)
        .private_key(cert("node-a.key"))
        .ca(cert("ca.pem"))
        .build()
        .unwrap_err();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        matches!(&err, TlsError::Pem { path, .. } if *path == broken),
        "{err:?}"
    );
}

#[test]
fn a_key_of_another_certificate_is_refused_naming_both_files() {
    let err = TlsConfig::builder()
        .cert_chain(cert("node-a.pem"))
        .private_key(cert("node-b.key"))
        .ca(cert("ca.pem"))
        .build()
        .unwrap_err();
    assert!(matches!(err, TlsError::Config { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("node-a.pem") && text.contains("node-b.key"),
        "{text}"
    );
}

#[test]
fn a_certificate_its_own_ca_or_server_name_would_refuse_is_an_error() {
    let foreign_ca = TlsConfig::builder()
        .cert_chain(cert("node-a.pem"))
        .private_key(cert("node-a.key"))
        .ca(cert("rogue-ca.pem"))
        .build()
        .unwrap_err();
    assert!(
        matches!(foreign_ca, TlsError::NotTrusted { .. }),
        "{foreign_ca:?}"
    );
    let other_name = TlsConfig::builder()
        .cert_chain(cert("node-a.pem"))
        .private_key(cert("node-a.key"))
        .ca(cert("ca.pem"))
        .server_name("not-in-the-certificate")
        .build()
        .unwrap_err();
    assert!(
        matches!(&other_name, TlsError::NotTrusted { server_name, .. } if server_name == "not-in-the-certificate"),
        "{other_name:?}"
    );
}

#[test]
fn a_missing_setting_or_a_bad_server_name_is_an_error() {
    let err = TlsConfig::builder()
        .cert_chain(cert("node-a.pem"))
        .ca(cert("ca.pem"))
        .build()
        .unwrap_err();
    assert!(matches!(err, TlsError::Missing("private key")), "{err:?}");
    let err = TlsConfig::builder()
        .cert_chain(cert("node-a.pem"))
        .private_key(cert("node-a.key"))
        .ca(cert("ca.pem"))
        .server_name("not a name")
        .build()
        .unwrap_err();
    assert!(matches!(err, TlsError::BadServerName(_)), "{err:?}");
}

/// Runs a handshake between `client` and `server` over an in-memory pipe, then sends a byte
/// each way. Returns the client's and the server's error, if any.
async fn handshake(
    client: &TlsConfig,
    server: &TlsConfig,
) -> (Option<std::io::Error>, Option<std::io::Error>) {
    let (client_io, server_io) = tokio::io::duplex(64 * 1024);
    let client_side = async {
        let mut stream = client
            .connector()
            .connect(client.peer_name(), client_io)
            .await?;
        stream.write_all(b"c").await?;
        stream.flush().await?;
        let mut byte = [0u8];
        stream.read_exact(&mut byte).await?;
        Ok::<_, std::io::Error>(())
    };
    let server_side = async {
        let mut stream = server.acceptor().accept(server_io).await?;
        let mut byte = [0u8];
        stream.read_exact(&mut byte).await?;
        stream.write_all(b"s").await?;
        stream.flush().await?;
        Ok::<_, std::io::Error>(())
    };
    let (c, s) = tokio::join!(client_side, server_side);
    (c.err(), s.err())
}

fn certificate_error(err: &std::io::Error) -> Option<&CertificateError> {
    match err.get_ref()?.downcast_ref::<rustls::Error>()? {
        rustls::Error::InvalidCertificate(cert) => Some(cert),
        _ => None,
    }
}

#[tokio::test]
async fn certificates_from_the_same_ca_complete_a_mutual_handshake() {
    let (client, server) = (node("node-a", "ca.pem"), node("node-b", "ca.pem"));
    let (c, s) = handshake(&client, &server).await;
    assert!(c.is_none() && s.is_none(), "client: {c:?}, server: {s:?}");
}

#[tokio::test]
async fn a_server_refuses_a_client_whose_certificate_is_from_another_ca() {
    // The rogue trusts the server's CA too, so the server is the one to refuse.
    let (client, server) = (node("rogue-node", "both-cas.pem"), node("node-a", "ca.pem"));
    let (c, s) = handshake(&client, &server).await;
    let s = s.expect("the server refuses the client");
    assert_eq!(
        certificate_error(&s),
        Some(&CertificateError::UnknownIssuer),
        "{s}"
    );
    assert!(c.is_some(), "the client's session fails too");
}

#[tokio::test]
async fn a_client_refuses_a_server_whose_certificate_is_from_another_ca() {
    let (client, server) = (node("node-a", "ca.pem"), node("rogue-node", "rogue-ca.pem"));
    let (c, s) = handshake(&client, &server).await;
    let c = c.expect("the client refuses the server");
    assert_eq!(
        certificate_error(&c),
        Some(&CertificateError::UnknownIssuer),
        "{c}"
    );
    assert!(s.is_some(), "the server's handshake fails too");
}
