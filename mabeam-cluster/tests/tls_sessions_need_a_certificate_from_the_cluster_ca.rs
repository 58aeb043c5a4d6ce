//! With TLS on the transport, nodes whose certificates come from the cluster's CA get sessions
//! with each other. A node with a certificate from another CA, or with no TLS at all, shares
//! the gossip (which is not TLS) but gets no session with them, and they keep theirs. The
//! dialling side logs each refused handshake with the peer's address.
//!
//! Certificates: `tests/certs/` (see its README).
#[path = "support/cluster.rs"]
mod support;

use mabeam_cluster::MemberStatus;
use support::*;

/// The flags for a node holding `cert` (`tests/certs/<cert>.pem` and `.key`) and trusting `ca`.
fn tls(cert: &str, ca: &str) -> Vec<String> {
    let file = |name: String| format!("{}/tests/certs/{name}", env!("CARGO_MANIFEST_DIR"));
    vec![
        "--tls-cert".into(),
        file(format!("{cert}.pem")),
        "--tls-key".into(),
        file(format!("{cert}.key")),
        "--tls-ca".into(),
        file(ca.to_owned()),
    ]
}

fn add(cluster: &mut Cluster, name: &str, flags: &[String]) -> usize {
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    cluster.add_with(name, None, &flags)
}

/// Whether `log` has a line with all of `parts` (field values may be wrapped in colour codes,
/// so the parts are looked for separately).
fn logged(log: &str, parts: &[&str]) -> bool {
    log.lines()
        .any(|line| parts.iter().all(|p| line.contains(p)))
}

/// Checks that `stranger` (joined through `cluster`'s first node) is refused by the TLS nodes
/// `names` (indices `tls_nodes`): `dialler` dials it and logs the refused handshake, it dials
/// `dialled` and reports no session; then it is up in everyone's gossip view, the TLS nodes
/// have sessions with each other only, and it has none.
async fn refused(
    cluster: &Cluster,
    stranger: usize,
    tls_nodes: &[usize],
    names: &[&str],
    dialler: usize,
    dialled: usize,
) {
    let stranger_name = cluster.nodes[stranger].name.clone();
    let stranger_addr = cluster.nodes[stranger].listen.to_string();
    cluster
        .wait_until_logged(
            dialler,
            "the TLS node logs its refused handshake with the stranger's address",
            |log| logged(log, &["TLS handshake with a peer failed", &stranger_addr]),
        )
        .await;
    let dialled_addr = cluster.nodes[dialled].listen.to_string();
    cluster
        .wait_until_logged(
            stranger,
            "the stranger reports no session with the TLS node it dials",
            |log| logged(log, &["no authenticated session", &dialled_addr]),
        )
        .await;
    cluster
        .wait_until_on(
            tls_nodes,
            "the stranger up in gossip; the TLS nodes connected to each other only",
            |v| status_of(v, &stranger_name) == Some(MemberStatus::Up) && connected_to(v, names),
        )
        .await;
    cluster
        .wait_until_on(
            &[stranger],
            "the stranger sees everyone up, has no session",
            |v| {
                names
                    .iter()
                    .all(|n| status_of(v, n) == Some(MemberStatus::Up))
                    && v.connected.is_empty()
            },
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_with_certificates_from_the_ca_connect_and_a_rogue_ca_node_does_not() {
    let mut cluster = Cluster::new();
    cluster.keep_logs();
    // Two different certificates from the same CA; n0 and n2 share one.
    add(&mut cluster, "n0", &tls("node-a", "ca.pem"));
    add(&mut cluster, "n1", &tls("node-b", "ca.pem"));
    add(&mut cluster, "n2", &tls("node-a", "ca.pem"));
    let names = ["n0", "n1", "n2"];
    cluster
        .wait_until("a full mesh of TLS sessions", |v| connected_to(v, &names))
        .await;

    // A certificate from another CA, on a node that trusts both CAs, so that the TLS nodes
    // are the ones refusing. Its name sorts between n1 and n2 (the lower name dials): n0 and
    // n1 dial it and refuse its server certificate; it dials n2, which refuses its client
    // certificate.
    let rogue = add(&mut cluster, "n1-rogue", &tls("rogue-node", "both-cas.pem"));
    refused(&cluster, rogue, &[0, 1, 2], &names, 0, 2).await;
    // n2 never dials the rogue, so this can only be its node server refusing the rogue's
    // client certificate (the warning is ractor_cluster's; rustls names the reason).
    assert!(
        logged(&cluster.log(2), &["UnknownIssuer"]),
        "n2 refused the rogue's client certificate:\n{}",
        cluster.log(2)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_tcp_node_gets_no_session_with_tls_nodes() {
    let mut cluster = Cluster::new();
    cluster.keep_logs();
    add(&mut cluster, "n0", &tls("node-a", "ca.pem"));
    add(&mut cluster, "n1", &tls("node-b", "ca.pem"));
    let names = ["n0", "n1"];
    cluster
        .wait_until("TLS sessions", |v| connected_to(v, &names))
        .await;

    // No TLS at all. n0 dials it (its TLS hello is not a frame the plain node accepts); it
    // dials n1 (whose node server expects a TLS hello, not a plain frame).
    let plain = add(&mut cluster, "n0-plain", &[]);
    refused(&cluster, plain, &[0, 1], &names, 0, 1).await;
}
