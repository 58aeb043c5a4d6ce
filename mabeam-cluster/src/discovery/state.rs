//! The discovery agent's pure logic: what the strategies found, which addresses to contact,
//! and when a failure or a dropped beacon deserves a log line. No I/O and no clock: the agent
//! passes the time in.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// A strategy, by its position in the node's list of strategies.
pub(crate) type Source = usize;

/// Rounds after which an address that is still not a live member is reported (once).
pub(crate) const UNANSWERED_AFTER: u32 = 8;
/// Past this many senders of dropped beacons, the counts start over (bounded memory).
const MAX_REJECTING_SENDERS: usize = 1024;

/// Everything discovery knows, and the bookkeeping of its rounds.
#[derive(Debug)]
pub(crate) struct DiscoveryState {
    /// This node's gossip address: never contacted.
    me: SocketAddr,
    /// Each lookup strategy's latest successful result.
    found: BTreeMap<Source, BTreeSet<SocketAddr>>,
    /// Addresses announced by authentic beacons, with when they were last heard (ms).
    heard: BTreeMap<SocketAddr, u64>,
    /// How long a heard address stays discovered without a new beacon.
    heard_for_ms: u64,
    /// The union of `found` and fresh `heard`, as last computed.
    discovered: BTreeSet<SocketAddr>,
    /// Consecutive failures per strategy.
    failures: BTreeMap<Source, u32>,
    /// Consecutive rounds each discovered address has not been a live member.
    pending: BTreeMap<SocketAddr, u32>,
    /// Beacons dropped per sender.
    rejected: BTreeMap<SocketAddr, u64>,
}

/// What one contact round decided.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Round {
    /// Addresses to gossip with now.
    pub(crate) contact: Vec<SocketAddr>,
    /// Addresses discovered for [`UNANSWERED_AFTER`] rounds without becoming live members
    /// (down, another cluster, or advertising another address): report them, once.
    pub(crate) unanswered: Vec<SocketAddr>,
}

/// A strategy's lookup outcome folded in.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Found {
    /// Addresses discovery did not know before: log them, contact them at once.
    pub(crate) new: Vec<SocketAddr>,
    /// The strategy had failed this many times in a row before this success.
    pub(crate) recovered_after: Option<u32>,
}

impl DiscoveryState {
    /// State for a node gossiping at `me`; an address heard in a beacon stays discovered for
    /// `heard_for` after the last beacon.
    pub(crate) fn new(me: SocketAddr, heard_for: Duration) -> Self {
        Self {
            me,
            found: BTreeMap::new(),
            heard: BTreeMap::new(),
            heard_for_ms: u64::try_from(heard_for.as_millis()).unwrap_or(u64::MAX),
            discovered: BTreeSet::new(),
            failures: BTreeMap::new(),
            pending: BTreeMap::new(),
            rejected: BTreeMap::new(),
        }
    }

    /// The addresses currently discovered (never this node's).
    pub(crate) fn discovered(&self) -> Vec<SocketAddr> {
        self.discovered.iter().copied().collect()
    }

    /// Strategy `source` found `addrs` (replacing what it found before).
    pub(crate) fn found(
        &mut self,
        source: Source,
        addrs: impl IntoIterator<Item = SocketAddr>,
        now_ms: u64,
    ) -> Found {
        let recovered_after = self.succeeded(source);
        self.found.insert(source, addrs.into_iter().collect());
        Found {
            new: self.refresh(now_ms),
            recovered_after,
        }
    }

    /// Strategy `source` worked (a lookup, or a beacon sent); returns how many times in a row
    /// it had failed before, if it had.
    pub(crate) fn succeeded(&mut self, source: Source) -> Option<u32> {
        self.failures.remove(&source)
    }

    /// Strategy `source` failed (what it found before still stands; it is retried next
    /// round). Returns the number of failures in a row when this one should be logged: the
    /// 1st, 2nd, 4th, 8th, ... so a strategy that stays broken does not flood the log.
    pub(crate) fn failed(&mut self, source: Source) -> Option<u32> {
        let failures = self.failures.entry(source).or_default();
        *failures = failures.saturating_add(1);
        failures.is_power_of_two().then_some(*failures)
    }

    /// An authentic, fresh beacon announced `addr`. Returns the addresses new to discovery.
    pub(crate) fn heard(&mut self, addr: SocketAddr, now_ms: u64) -> Vec<SocketAddr> {
        if !self.usable(addr) {
            return Vec::new();
        }
        self.heard.insert(addr, now_ms);
        self.refresh(now_ms)
    }

    /// A beacon from `from` was dropped. Returns the number dropped from that sender when this
    /// one should be logged (1st, 2nd, 4th, ...).
    pub(crate) fn rejected(&mut self, from: SocketAddr) -> Option<u64> {
        if self.rejected.len() >= MAX_REJECTING_SENDERS && !self.rejected.contains_key(&from) {
            self.rejected.clear();
        }
        let count = self.rejected.entry(from).or_default();
        *count = count.saturating_add(1);
        count.is_power_of_two().then_some(*count)
    }

    /// One contact round: every discovered address that is not a `live` member is contacted
    /// on its 1st, 2nd and 4th round, then every 8th, until it becomes live or is no longer
    /// discovered.
    pub(crate) fn round(&mut self, live: &BTreeSet<SocketAddr>, now_ms: u64) -> Round {
        self.refresh(now_ms);
        let mut round = Round::default();
        let discovered = &self.discovered;
        self.pending.retain(|addr, _| discovered.contains(addr));
        for &addr in &self.discovered {
            if live.contains(&addr) {
                self.pending.remove(&addr);
                continue;
            }
            let rounds = self.pending.entry(addr).or_default();
            *rounds = rounds.saturating_add(1);
            let due = (*rounds <= 4 && rounds.is_power_of_two()) || rounds.is_multiple_of(8);
            if due {
                round.contact.push(addr);
            }
            if *rounds == UNANSWERED_AFTER {
                round.unanswered.push(addr);
            }
        }
        round
    }

    /// Recomputes the discovered set (dropping heard addresses gone quiet); returns the
    /// addresses that were not in it before.
    fn refresh(&mut self, now_ms: u64) -> Vec<SocketAddr> {
        let oldest = now_ms.saturating_sub(self.heard_for_ms);
        self.heard.retain(|_, heard| *heard >= oldest);
        let current: BTreeSet<SocketAddr> = self
            .found
            .values()
            .flatten()
            .chain(self.heard.keys())
            .copied()
            .filter(|&addr| self.usable(addr))
            .collect();
        let new = current.difference(&self.discovered).copied().collect();
        self.discovered = current;
        new
    }

    /// Whether this node could gossip with `addr`: not itself, a real unicast address, of
    /// the same family as its own gossip socket (an IPv4 socket cannot send to IPv6).
    fn usable(&self, addr: SocketAddr) -> bool {
        addr != self.me
            && addr.port() != 0
            && !addr.ip().is_unspecified()
            && !addr.ip().is_multicast()
            && addr.is_ipv4() == self.me.is_ipv4()
    }
}

/// One SRV record, as far as discovery cares: a target host and a port. Priority and weight
/// are ignored: every target is a member of the cluster, not an alternative to the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SrvRecord {
    /// The target host name.
    pub(crate) target: String,
    /// The port on that host.
    pub(crate) port: u16,
}

/// DNS names compare without case and without the trailing root dot.
pub(crate) fn dns_key(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// The distinct target hosts to resolve (by [`dns_key`]). A target of `.` means "no service
/// here" (RFC 2782) and is skipped.
pub(crate) fn srv_targets(records: &[SrvRecord]) -> Vec<String> {
    records
        .iter()
        .map(|r| dns_key(&r.target))
        .filter(|target| !target.is_empty())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Every record's target addresses with the record's port, deduplicated. `resolved` maps a
/// target (by [`dns_key`]) to its addresses; a target missing from it (its lookup failed) or
/// a record with port 0 contributes nothing.
pub(crate) fn srv_addrs(
    records: &[SrvRecord],
    resolved: &BTreeMap<String, Vec<IpAddr>>,
) -> Vec<SocketAddr> {
    records
        .iter()
        .filter(|r| r.port != 0 && !dns_key(&r.target).is_empty())
        .flat_map(|r| {
            resolved
                .get(&dns_key(&r.target))
                .into_iter()
                .flatten()
                .map(move |&ip| SocketAddr::new(ip, r.port))
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    fn state() -> DiscoveryState {
        DiscoveryState::new(addr("10.0.0.1:7000"), Duration::from_secs(30))
    }

    fn live(addrs: &[&str]) -> BTreeSet<SocketAddr> {
        addrs.iter().map(|a| addr(a)).collect()
    }

    fn srv(target: &str, port: u16) -> SrvRecord {
        SrvRecord {
            target: target.to_owned(),
            port,
        }
    }

    #[test]
    fn this_node_and_unusable_addresses_are_never_discovered() {
        let mut s = state();
        let found = s.found(
            0,
            [
                addr("10.0.0.1:7000"), // me
                addr("0.0.0.0:7000"),
                addr("10.0.0.2:0"),
                addr("239.1.1.1:7000"),
                addr("[fd00::2]:7000"), // another family than my socket
                addr("10.0.0.2:7000"),
            ],
            0,
        );
        assert_eq!(found.new, [addr("10.0.0.2:7000")]);
        assert_eq!(s.discovered(), [addr("10.0.0.2:7000")]);
        assert!(s.heard(addr("10.0.0.1:7000"), 0).is_empty());
        assert_eq!(s.discovered(), [addr("10.0.0.2:7000")]);
    }

    #[test]
    fn an_ipv6_node_discovers_ipv6_addresses_only() {
        let mut s = DiscoveryState::new(addr("[fd00::1]:7000"), Duration::from_secs(30));
        let found = s.found(0, [addr("[fd00::2]:7000"), addr("10.0.0.2:7000")], 0);
        assert_eq!(found.new, [addr("[fd00::2]:7000")]);
    }

    #[test]
    fn addresses_from_several_strategies_are_merged_and_deduplicated() {
        let mut s = state();
        assert_eq!(
            s.found(0, [addr("10.0.0.2:7000"), addr("10.0.0.3:7000")], 0)
                .new
                .len(),
            2
        );
        // The same address from another strategy or a beacon is not new.
        assert_eq!(
            s.found(1, [addr("10.0.0.3:7000"), addr("10.0.0.4:7000")], 0)
                .new,
            [addr("10.0.0.4:7000")]
        );
        assert!(s.heard(addr("10.0.0.4:7000"), 0).is_empty());
        assert_eq!(s.discovered().len(), 3);
        // A strategy's new result replaces its old one; the others' stand.
        s.found(0, [], 0);
        assert_eq!(
            s.discovered(),
            [addr("10.0.0.3:7000"), addr("10.0.0.4:7000")]
        );
    }

    #[test]
    fn a_failed_lookup_keeps_what_the_strategy_found_before() {
        let mut s = state();
        s.found(0, [addr("10.0.0.2:7000")], 0);
        s.failed(0);
        let round = s.round(&live(&[]), 0);
        assert_eq!(round.contact, [addr("10.0.0.2:7000")]);
    }

    #[test]
    fn failures_are_logged_at_powers_of_two_and_recovery_is_reported() {
        let mut s = state();
        let logged: Vec<Option<u32>> = (0..9).map(|_| s.failed(0)).collect();
        assert_eq!(
            logged,
            [
                Some(1),
                Some(2),
                None,
                Some(4),
                None,
                None,
                None,
                Some(8),
                None
            ]
        );
        // Another strategy keeps its own count.
        assert_eq!(s.failed(1), Some(1));
        assert_eq!(s.found(0, [], 0).recovered_after, Some(9));
        assert_eq!(s.found(0, [], 0).recovered_after, None);
        assert_eq!(s.failed(0), Some(1));
    }

    #[test]
    fn live_members_are_not_contacted_and_others_back_off() {
        let mut s = state();
        s.found(0, [addr("10.0.0.2:7000"), addr("10.0.0.3:7000")], 0);
        let mut contacted_rounds = Vec::new();
        for round in 1..=24 {
            let r = s.round(&live(&["10.0.0.2:7000"]), 0);
            assert!(!r.contact.contains(&addr("10.0.0.2:7000")));
            if r.contact.contains(&addr("10.0.0.3:7000")) {
                contacted_rounds.push(round);
            }
        }
        assert_eq!(contacted_rounds, [1, 2, 4, 8, 16, 24]);
    }

    #[test]
    fn an_address_that_stays_unanswered_is_reported_once() {
        let mut s = state();
        s.found(0, [addr("10.0.0.3:7000")], 0);
        let reported: Vec<u32> = (1..=40)
            .filter(|_| !s.round(&live(&[]), 0).unanswered.is_empty())
            .collect();
        assert_eq!(reported, [UNANSWERED_AFTER]);
    }

    #[test]
    fn the_backoff_starts_over_when_a_member_goes_away() {
        let mut s = state();
        s.found(0, [addr("10.0.0.3:7000")], 0);
        for _ in 0..5 {
            s.round(&live(&[]), 0);
        }
        // It joins, then leaves or dies: contacted at once again.
        assert!(s.round(&live(&["10.0.0.3:7000"]), 0).contact.is_empty());
        assert_eq!(s.round(&live(&[]), 0).contact, [addr("10.0.0.3:7000")]);
    }

    #[test]
    fn an_address_no_longer_discovered_is_forgotten() {
        let mut s = state();
        s.found(0, [addr("10.0.0.3:7000")], 0);
        for _ in 0..3 {
            s.round(&live(&[]), 0);
        }
        s.found(0, [], 0);
        assert!(s.round(&live(&[]), 0).contact.is_empty());
        // Back again: new, and contacted as on a first round.
        assert_eq!(
            s.found(0, [addr("10.0.0.3:7000")], 0).new,
            [addr("10.0.0.3:7000")]
        );
        assert_eq!(s.round(&live(&[]), 0).contact, [addr("10.0.0.3:7000")]);
    }

    #[test]
    fn a_heard_address_expires_without_new_beacons() {
        let mut s = state();
        assert_eq!(
            s.heard(addr("10.0.0.5:7000"), 1_000),
            [addr("10.0.0.5:7000")]
        );
        assert!(s.heard(addr("10.0.0.5:7000"), 20_000).is_empty());
        assert_eq!(s.round(&live(&[]), 50_000).contact, [addr("10.0.0.5:7000")]);
        assert!(s.round(&live(&[]), 50_001).contact.is_empty());
        assert!(s.discovered().is_empty());
    }

    #[test]
    fn dropped_beacons_are_logged_at_powers_of_two_per_sender() {
        let mut s = state();
        let a = addr("10.0.0.9:40000");
        let b = addr("10.0.0.9:40001");
        let logged: Vec<Option<u64>> = (0..5).map(|_| s.rejected(a)).collect();
        assert_eq!(logged, [Some(1), Some(2), None, Some(4), None]);
        assert_eq!(s.rejected(b), Some(1));
    }

    #[test]
    fn srv_records_map_each_target_to_its_addresses_with_the_records_port() {
        let records = [
            srv("n0.svc.cluster.local.", 7000),
            srv("N1.svc.cluster.local", 7001),
            srv("n0.svc.cluster.local", 7000),  // duplicate record
            srv("n2.svc.cluster.local.", 7002), // did not resolve
        ];
        assert_eq!(
            srv_targets(&records),
            [
                "n0.svc.cluster.local",
                "n1.svc.cluster.local",
                "n2.svc.cluster.local"
            ]
        );
        let resolved = BTreeMap::from([
            (
                "n0.svc.cluster.local".to_owned(),
                vec!["10.0.0.1".parse().unwrap(), "fd00::1".parse().unwrap()],
            ),
            (
                "n1.svc.cluster.local".to_owned(),
                vec!["10.0.0.2".parse().unwrap()],
            ),
        ]);
        assert_eq!(
            srv_addrs(&records, &resolved),
            [
                addr("10.0.0.1:7000"),
                addr("10.0.0.2:7001"),
                addr("[fd00::1]:7000")
            ]
        );
    }

    #[test]
    fn one_target_on_two_ports_gives_two_addresses() {
        let records = [srv("host.", 7000), srv("host.", 7001)];
        assert_eq!(srv_targets(&records), ["host"]);
        let resolved = BTreeMap::from([("host".to_owned(), vec!["10.0.0.1".parse().unwrap()])]);
        assert_eq!(
            srv_addrs(&records, &resolved),
            [addr("10.0.0.1:7000"), addr("10.0.0.1:7001")]
        );
    }

    #[test]
    fn the_no_service_target_and_port_zero_give_nothing() {
        let records = [srv(".", 7000), srv("host", 0)];
        assert_eq!(srv_targets(&records), ["host"]);
        let resolved = BTreeMap::from([
            (String::new(), vec!["10.0.0.1".parse().unwrap()]),
            ("host".to_owned(), vec!["10.0.0.1".parse().unwrap()]),
        ]);
        assert!(srv_addrs(&records, &resolved).is_empty());
    }
}
