use std::collections::HashMap;
use std::net::SocketAddr;

use async_trait::async_trait;
use chitchat::transport::{RecvOutcome, SendOutcome, Socket, Transport, UdpTransport};
use chitchat::{ChitchatEnvelope, ChitchatMessage};
use tokio::time::Instant;

use super::RttTable;
#[cfg(feature = "testkit")]
use crate::link_filter::LinkFilter;

/// UDP that times each gossip handshake (SYN out, SYN-ACK back) into an [`RttTable`] and, with
/// fault injection on (feature `testkit`), drops datagrams to and from the peers a
/// `LinkFilter` cuts off.
#[derive(Debug, Clone)]
pub(crate) struct GossipUdp {
    pub(crate) rtt: RttTable,
    #[cfg(feature = "testkit")]
    pub(crate) filter: Option<LinkFilter>,
}

struct GossipSocket {
    inner: Box<dyn Socket>,
    rtt: RttTable,
    #[cfg(feature = "testkit")]
    filter: Option<LinkFilter>,
    /// When the last SYN to each peer left.
    syn_sent: HashMap<SocketAddr, Instant>,
}

impl GossipSocket {
    #[cfg(feature = "testkit")]
    fn blocked(&self, peer: &SocketAddr) -> bool {
        self.filter.as_ref().is_some_and(|f| f.is_blocked(peer))
    }

    #[cfg(not(feature = "testkit"))]
    fn blocked(&self, _peer: &SocketAddr) -> bool {
        false
    }
}

#[async_trait]
impl Transport for GossipUdp {
    async fn open(&self, listen_addr: SocketAddr) -> anyhow::Result<Box<dyn Socket>> {
        Ok(Box::new(GossipSocket {
            inner: UdpTransport.open(listen_addr).await?,
            rtt: self.rtt.clone(),
            #[cfg(feature = "testkit")]
            filter: self.filter.clone(),
            syn_sent: HashMap::new(),
        }))
    }
}

#[async_trait]
impl Socket for GossipSocket {
    fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        self.inner.local_addr()
    }

    async fn send(
        &mut self,
        to: SocketAddr,
        envelope: ChitchatEnvelope,
    ) -> anyhow::Result<SendOutcome> {
        if self.blocked(&to) {
            return Ok(SendOutcome { num_bytes_sent: 0 });
        }
        let syn = matches!(envelope.message, ChitchatMessage::Syn { .. });
        let outcome = self.inner.send(to, envelope).await?;
        if syn {
            self.syn_sent.insert(to, Instant::now());
        }
        Ok(outcome)
    }

    async fn recv(&mut self) -> anyhow::Result<RecvOutcome> {
        loop {
            let received = self.inner.recv().await?;
            let from = received.from_addr;
            if self.blocked(&from) {
                continue;
            }
            if matches!(received.envelope.message, ChitchatMessage::SynAck { .. }) {
                if let Some(sent) = self.syn_sent.remove(&from) {
                    self.rtt.record(from, sent.elapsed());
                }
            }
            return Ok(received);
        }
    }
}
