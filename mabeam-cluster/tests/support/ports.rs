//! What every multi-process test harness here needs: free 127.0.0.1 ports and the bound on
//! every wait.
#![allow(dead_code, unreachable_pub, missing_docs)]

use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::time::Duration;

/// The longest any wait lasts (a safety net, not a timing assertion).
pub const PATIENCE: Duration = Duration::from_secs(40);

/// A free UDP port on 127.0.0.1.
pub fn free_udp() -> SocketAddr {
    UdpSocket::bind("127.0.0.1:0")
        .and_then(|socket| socket.local_addr())
        .expect("a free UDP port")
}

/// A free TCP port on 127.0.0.1.
pub fn free_tcp() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|socket| socket.local_addr())
        .expect("a free TCP port")
}
