use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::Version;

/// Why a replica refused a copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Refused {
    /// The copy is of a term older than one a newer owner announced: it comes from an owner
    /// that has been replaced (paused, or on the other side of a partition).
    #[error("copy {offered} is from a replaced owner (term {promised} is current)")]
    Fenced {
        /// The copy offered.
        offered: Version,
        /// The newest term announced.
        promised: u64,
    },
    /// The replica already holds this copy or a newer one.
    #[error("copy {offered} is not newer than the held {held}")]
    Stale {
        /// The copy offered.
        offered: Version,
        /// The copy held.
        held: Version,
    },
    /// A would-be owner announced a term that is not newer than one already announced here:
    /// it must try again with a term newer than `promised`.
    #[error("term {offered} is not newer than the announced {promised}")]
    Outbid {
        /// The term announced.
        offered: u64,
        /// The newest term announced before.
        promised: u64,
    },
    /// A delta that does not follow the held copy: the replica needs the full state.
    #[error("delta {offered} does not follow the held {held:?}")]
    Gap {
        /// The delta offered.
        offered: Version,
        /// The copy held, if any.
        held: Option<Version>,
    },
}

/// One copy of one agent's state, as far as versions go: what it holds and the newest owner
/// term announced to it. It takes only copies newer than its own, none from a term older than
/// the newest announced, and a term only if it is newer than every term announced before — so
/// once a new owner's term is announced to a majority of the copies, a former owner can no
/// longer get a write acknowledged, and no two owners ever hold one term.
///
/// ```
/// use mabeam_core::replication::{Refused, ReplicaSlot, Version};
///
/// let mut slot = ReplicaSlot::default();
/// slot.offer_snapshot(Version::new(1, 3)).unwrap();
/// // A new owner takes over under term 2 and learns what this copy holds.
/// assert_eq!(slot.promise(2), Ok(Some(Version::new(1, 3))));
/// assert!(matches!(slot.promise(2), Err(Refused::Outbid { promised: 2, .. })));
/// // The old owner, resumed, is refused.
/// assert!(matches!(slot.offer_delta(Version::new(1, 4)), Err(Refused::Fenced { .. })));
/// slot.offer_snapshot(Version::new(2, 1)).unwrap();
/// assert_eq!(slot.held(), Some(Version::new(2, 1)));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicaSlot {
    held: Option<Version>,
    promised: u64,
}

impl ReplicaSlot {
    /// The copy held, if any.
    pub fn held(&self) -> Option<Version> {
        self.held
    }

    /// The newest owner term announced to this replica.
    pub fn promised(&self) -> u64 {
        self.promised
    }

    /// A would-be owner announces its term `epoch`: taken only if it is newer than every term
    /// announced here before (else [`Refused::Outbid`]); from then on, copies of older terms
    /// are refused. Returns the copy held, for the new owner to restore the newest.
    pub fn promise(&mut self, epoch: u64) -> Result<Option<Version>, Refused> {
        let known = self.promised.max(self.held.map_or(0, |h| h.epoch));
        if epoch <= known {
            return Err(Refused::Outbid {
                offered: epoch,
                promised: known,
            });
        }
        self.promised = epoch;
        Ok(self.held)
    }

    /// Takes a full copy at `offered` if it is newer than the held one and of a current term.
    pub fn offer_snapshot(&mut self, offered: Version) -> Result<(), Refused> {
        self.admit(offered)?;
        if let Some(held) = self.held.filter(|held| offered <= *held) {
            return Err(Refused::Stale { offered, held });
        }
        self.held = Some(offered);
        Ok(())
    }

    /// Takes a delta at `offered` if it directly follows the held copy in the same term.
    pub fn offer_delta(&mut self, offered: Version) -> Result<(), Refused> {
        self.admit(offered)?;
        match self.held {
            Some(held) if held.next() == offered => {
                self.held = Some(offered);
                Ok(())
            }
            Some(held) if offered <= held => Err(Refused::Stale { offered, held }),
            held => Err(Refused::Gap { offered, held }),
        }
    }

    fn admit(&mut self, offered: Version) -> Result<(), Refused> {
        if offered.epoch < self.promised {
            return Err(Refused::Fenced {
                offered,
                promised: self.promised,
            });
        }
        // A copy of a newer term is itself the announcement of that term.
        self.promised = offered.epoch;
        Ok(())
    }
}
