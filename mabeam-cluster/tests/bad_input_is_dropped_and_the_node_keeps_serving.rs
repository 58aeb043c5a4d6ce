//! Bad input from the network never takes a node down: random bytes and oversized datagrams
//! on the gossip (UDP) port, garbage and oversized frames on the transport (ractor_cluster TCP)
//! port, and garbage, oversized or silent connections on the admin (TCP) port, are dropped, and
//! the node keeps gossiping, connecting and serving.
#[path = "support/cluster.rs"]
mod support;

use std::net::UdpSocket;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_on_the_gossip_and_admin_ports_changes_nothing() {
    let mut cluster = Cluster::start(2).await;
    let names: Vec<String> = cluster.nodes.iter().map(|n| n.name.clone()).collect();
    cluster.wait_until("2 up", |v| all_up(v, &names)).await;
    let target = &cluster.nodes[0];

    // UDP: random bytes, an empty datagram, and a 60 KB one.
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for len in [1usize, 7, 64, 512, 1400] {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect();
        udp.send_to(&bytes, target.gossip).unwrap();
    }
    udp.send_to(&[], target.gossip).unwrap();
    udp.send_to(&vec![0xff; 60_000], target.gossip).unwrap();

    // TCP: not HTTP at all; an enormous header; a connection that says nothing.
    let mut junk = TcpStream::connect(target.admin).await.unwrap();
    junk.write_all(b"\x00\x01\x02 not http \xff\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let _ = junk.read_to_end(&mut answer).await;
    assert!(
        answer.is_empty() || answer.starts_with(b"HTTP/1.1 400"),
        "garbage gets a 400 or a closed connection"
    );
    let mut huge = TcpStream::connect(target.admin).await.unwrap();
    let _ = huge.write_all(b"GET /membership HTTP/1.1\r\nX: ").await;
    let _ = huge.write_all(&vec![b'a'; 1 << 20]).await;
    let _silent = TcpStream::connect(target.admin).await.unwrap();

    // Transport (ractor_cluster) port: bytes that are no frame at all, and a frame header
    // announcing an enormous frame.
    let mut junk = TcpStream::connect(target.listen).await.unwrap();
    let _ = junk
        .write_all(b"\xde\xad\xbe\xef garbage, not a frame")
        .await;
    let mut oversized = TcpStream::connect(target.listen).await.unwrap();
    let _ = oversized.write_all(&u64::MAX.to_be_bytes()).await;
    let _ = oversized.write_all(&[0u8; 4096]).await;

    // A third node still joins, and everyone, the target included, still serves and agrees.
    cluster.add("n2");
    let names: Vec<String> = cluster.nodes.iter().map(|n| n.name.clone()).collect();
    cluster
        .wait_until("3 up everywhere after the garbage", |v| all_up(v, &names))
        .await;
    cluster
        .wait_until("a full mesh of transport sessions after the garbage", |v| {
            v.connected.len() == 2
        })
        .await;
}
