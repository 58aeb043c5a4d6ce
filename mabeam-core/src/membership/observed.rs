use std::net::SocketAddr;

use super::Incarnation;

/// What a node announces about itself in its gossip state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Announced {
    /// Still starting.
    Joining,
    /// A full member.
    Up,
    /// Leaving gracefully.
    Leaving,
}

/// A node incarnation the gossip layer currently hears, with what it announces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    /// The node's name.
    pub node: String,
    /// Its incarnation.
    pub generation: u64,
    /// Where it gossips.
    pub gossip_addr: SocketAddr,
    /// Its own status announcement.
    pub announced: Announced,
    /// Its capability tags.
    pub tags: Vec<String>,
    /// The incarnations it holds down.
    pub downed: Vec<Incarnation>,
}

impl Observed {
    /// An `Up` node incarnation with no tags that holds nobody down.
    pub fn new(node: impl Into<String>, generation: u64, gossip_addr: SocketAddr) -> Self {
        Self {
            node: node.into(),
            generation,
            gossip_addr,
            announced: Announced::Up,
            tags: Vec::new(),
            downed: Vec::new(),
        }
    }

    /// Marks it as joining.
    pub fn joining(mut self) -> Self {
        self.announced = Announced::Joining;
        self
    }

    /// Marks it as leaving.
    pub fn leaving(mut self) -> Self {
        self.announced = Announced::Leaving;
        self
    }

    /// Sets its capability tags.
    pub fn with_tags<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        self.tags = tags.into_iter().map(Into::into).collect();
        self.tags.sort();
        self.tags.dedup();
        self
    }

    /// Sets the incarnations it holds down.
    pub fn declaring_down(mut self, downed: impl IntoIterator<Item = Incarnation>) -> Self {
        self.downed = downed.into_iter().collect();
        self
    }

    /// This incarnation's identity.
    pub fn incarnation(&self) -> Incarnation {
        Incarnation::new(self.node.clone(), self.generation)
    }
}

/// Whether any *other* node heard now holds `me` down — then `me` must rejoin as a new
/// incarnation: the cluster has already given up on it (and failed over what it hosted).
///
/// ```
/// use std::net::SocketAddr;
/// use mabeam_core::membership::{declared_down, Incarnation, Observed};
///
/// let addr: SocketAddr = "127.0.0.1:7000".parse().unwrap();
/// let me = Incarnation::new("a", 1);
/// let heard = [Observed::new("b", 1, addr).declaring_down([me.clone()])];
/// assert!(declared_down(&heard, &me));
/// assert!(!declared_down(&heard, &Incarnation::new("a", 2)));
/// ```
pub fn declared_down(heard: &[Observed], me: &Incarnation) -> bool {
    heard
        .iter()
        .any(|other| other.node != me.node && other.downed.contains(me))
}
