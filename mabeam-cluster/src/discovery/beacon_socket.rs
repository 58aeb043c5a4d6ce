//! The multicast sockets of the beacon strategy (I/O; the beacon format is
//! [`mabeam_core::discovery`]).

use std::io;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::sync::Arc;
use std::time::Duration;

use futures::Stream;
use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::UdpSocket;

use super::{DiscoveryError, MulticastConfig};

/// Larger than the largest beacon (576 bytes); a longer datagram is cut and fails to open.
const RECV_BUFFER: usize = 1024;

/// A receiver joined to the group and a sender that sends to it. Cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct BeaconSocket {
    group: SocketAddrV4,
    receiver: Arc<UdpSocket>,
    sender: Arc<UdpSocket>,
}

impl BeaconSocket {
    /// Opens both sockets (inside a tokio runtime).
    ///
    /// The receiver is bound to the group address and port (not the wildcard, so it receives
    /// only the group's datagrams) with `SO_REUSEADDR` and `SO_REUSEPORT`, so several nodes on
    /// one machine share the port, and joins the group on `interface`. The sender is bound to
    /// an ephemeral port on `interface`, sends through it (`IP_MULTICAST_IF`) with the
    /// configured TTL, and loops its datagrams back to local receivers (`IP_MULTICAST_LOOP`)
    /// so nodes on the same machine hear each other.
    pub(crate) fn open(config: &MulticastConfig) -> Result<Self, DiscoveryError> {
        let group = config.group_addr();
        let interface = config.interface_addr();
        let failed = |source| DiscoveryError::Multicast {
            group,
            interface,
            source,
        };
        let receiver = receiver(group, interface).map_err(failed)?;
        let sender = sender(interface, config.ttl_value()).map_err(failed)?;
        Ok(Self {
            group,
            receiver: Arc::new(receiver),
            sender: Arc::new(sender),
        })
    }

    /// Sends one datagram to the group.
    pub(crate) async fn send(&self, datagram: &[u8]) -> io::Result<()> {
        self.sender.send_to(datagram, self.group).await.map(|_| ())
    }

    /// Every datagram received, with its sender. A receive error is logged and the stream goes
    /// on: it never ends.
    pub(crate) fn datagrams(&self) -> impl Stream<Item = (Vec<u8>, SocketAddr)> + Send + 'static {
        futures::stream::unfold(self.receiver.clone(), |socket| async move {
            let mut buffer = vec![0; RECV_BUFFER];
            loop {
                match socket.recv_from(&mut buffer).await {
                    Ok((len, from)) => {
                        buffer.truncate(len);
                        return Some(((buffer, from), socket));
                    }
                    Err(err) => {
                        tracing::warn!(%err, "receiving a discovery beacon failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
            }
        })
    }
}

fn receiver(group: SocketAddrV4, interface: Ipv4Addr) -> io::Result<UdpSocket> {
    let socket = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?;
    socket.set_reuse_address(true)?;
    #[cfg(unix)]
    socket.set_reuse_port(true)?;
    socket.bind(&SocketAddr::V4(group).into())?;
    socket.join_multicast_v4(group.ip(), &interface)?;
    socket.set_nonblocking(true)?;
    UdpSocket::from_std(socket.into())
}

fn sender(interface: Ipv4Addr, ttl: u32) -> io::Result<UdpSocket> {
    let socket = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?;
    socket.bind(&SocketAddr::V4(SocketAddrV4::new(interface, 0)).into())?;
    socket.set_multicast_if_v4(&interface)?;
    socket.set_multicast_loop_v4(true)?;
    socket.set_multicast_ttl_v4(ttl)?;
    socket.set_nonblocking(true)?;
    UdpSocket::from_std(socket.into())
}
