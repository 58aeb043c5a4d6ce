//! The connection manager keeps a ractor_cluster session (TCP, cookie-authenticated) with every
//! live member: a cluster ends fully connected; a node with the wrong cookie is in the gossip
//! view but never gets a session; the session of a frozen peer (socket still open) is closed
//! when it is declared down, and re-established when it comes back.
#[path = "support/cluster.rs"]
mod support;

use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_live_member_gets_a_session_and_a_wrong_cookie_gets_none() {
    let mut cluster = Cluster::start(3).await;
    let names = ["n0", "n1", "n2"];
    cluster
        .wait_until("a full mesh of sessions", |v| connected_to(v, &names))
        .await;

    // Same gossip cluster, wrong transport cookie: it is up in the view, but nobody has a
    // session with it, and it has none.
    let stranger = cluster.add_with("x-stranger", None, &["--cookie", "not-the-cookie"]);
    cluster
        .wait_until_on(
            &[0, 1, 2],
            "the stranger up in gossip, still unconnected",
            |v| {
                status_of(v, "x-stranger") == Some(mabeam_cluster::MemberStatus::Up)
                    && connected_to(v, &names)
            },
        )
        .await;
    cluster
        .wait_until_on(&[stranger], "the stranger has no session", |v| {
            status_of(v, "n0") == Some(mabeam_cluster::MemberStatus::Up) && v.connected.is_empty()
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_peers_session_is_closed_and_comes_back_after_thaw() {
    let cluster = Cluster::start(3).await;
    let names = ["n0", "n1", "n2"];
    cluster
        .wait_until("a full mesh of sessions", |v| connected_to(v, &names))
        .await;

    cluster.freeze(2);
    cluster
        .wait_until_on(&[0, 1], "sessions with frozen n2 closed", |v| {
            connected_to(v, &["n0", "n1"])
        })
        .await;
    cluster.thaw(2);
    cluster
        .wait_until("a full mesh again after the thaw", |v| {
            connected_to(v, &names)
        })
        .await;
}
