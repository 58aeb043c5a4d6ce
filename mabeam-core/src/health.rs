//! Cluster health as a pure function of the membership view, the metrics nodes gossip about
//! themselves, and their recent history.
//!
//! [`assess`] turns them into a [`ClusterHealth`]: one [`NodeHealth`] per node and an overall
//! [`HealthStatus`] with the reasons for it. [`FlapTracker`] counts how often each node went
//! down recently; a node that flaps more than the limit is *quarantined* (reported, and a
//! reason for `degraded`).
//!
//! ```
//! use mabeam_core::health::*;
//! use mabeam_core::membership::{Member, MemberStatus};
//!
//! let member = |node: &str, status| Member {
//!     node: node.into(), generation: 1, gossip_addr: "127.0.0.1:1".parse().unwrap(), status,
//!     tags: vec![],
//! };
//! let members = [
//!     member("a", MemberStatus::Up),
//!     member("b", MemberStatus::Down),
//!     member("c", MemberStatus::Up),
//! ];
//! let health = assess(
//!     "a", &members, &Default::default(), &Default::default(),
//!     &FlapTracker::default(), &Thresholds::default(),
//! );
//! assert_eq!(health.status, HealthStatus::Degraded);
//! assert!(health.reasons[0].contains("b is down"));
//! ```

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::membership::{Member, MemberEvent, MemberStatus};

/// Overall health.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    /// Every known node is up and within its limits.
    Healthy,
    /// Working, with something wrong: a node down, over a limit, or flapping.
    Degraded,
    /// This node cannot see a majority of the known nodes: it is likely on the minority side
    /// of a partition.
    Critical,
}

/// What a node gossips about itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeMetrics {
    /// Agents registered on the node.
    pub agents: u64,
    /// Resident memory of the node's process, in bytes.
    pub rss_bytes: u64,
    /// The largest mailbox backlog of any agent on the node (actions queued, not taken up).
    #[serde(default)]
    pub largest_backlog: u64,
    /// The node process's CPU use over the last report period, in percent of one core (its
    /// load: 200 is two cores busy).
    #[serde(default)]
    pub cpu_percent: u64,
}

/// Limits that make a node unhealthy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Resident memory above which a node is reported.
    pub max_rss_bytes: u64,
    /// Losses within `flap_window` above which a node is quarantined.
    pub max_flaps: usize,
    /// The window for counting flaps.
    pub flap_window: Duration,
    /// Smoothed heartbeat round trip above which a node is reported.
    pub max_rtt: Duration,
    /// Mailbox backlog above which a node is reported.
    pub max_backlog: u64,
}

impl Default for Thresholds {
    /// 4 GiB of RSS; more than 3 losses within 5 minutes; a 500 ms heartbeat round trip; an
    /// agent with 10 000 queued actions.
    fn default() -> Self {
        Self {
            max_rss_bytes: 4 << 30,
            max_flaps: 3,
            flap_window: Duration::from_secs(300),
            max_rtt: Duration::from_millis(500),
            max_backlog: 10_000,
        }
    }
}

/// One node in a health report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeHealth {
    /// The node.
    pub node: String,
    /// Its membership status.
    pub status: MemberStatus,
    /// Its last gossiped metrics, if any.
    pub metrics: Option<NodeMetrics>,
    /// The smoothed heartbeat round trip from the reporting node to it, in microseconds (none
    /// for the reporting node itself or before the first measurement).
    #[serde(default)]
    pub rtt_micros: Option<u64>,
    /// Losses (became unreachable or down) within the flap window.
    pub recent_downs: usize,
    /// It flapped more than allowed.
    pub quarantined: bool,
}

/// A health report, as served by the admin endpoint's `/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterHealth {
    /// The node that made the report.
    pub node: String,
    /// Overall status.
    pub status: HealthStatus,
    /// Why it is not `healthy` (empty when it is).
    pub reasons: Vec<String>,
    /// Every known node, by name.
    pub nodes: Vec<NodeHealth>,
}

/// Counts each node's recent losses (it became unreachable, or was declared down while heard).
#[derive(Debug, Clone, Default)]
pub struct FlapTracker {
    downs: BTreeMap<String, VecDeque<Instant>>,
    window: Option<Duration>,
}

impl FlapTracker {
    /// A tracker counting within `window`.
    pub fn new(window: Duration) -> Self {
        Self {
            downs: BTreeMap::new(),
            window: Some(window),
        }
    }

    /// Records a membership change seen at `now`.
    pub fn record(&mut self, event: &MemberEvent, now: Instant) {
        // A loss: the node stopped being heard (every failure passes through `unreachable`,
        // except a down decision adopted from a peer while the node was still heard).
        let lost = event.member.status == MemberStatus::Unreachable
            || event.member.status == MemberStatus::Down
                && event.previous.is_some_and(MemberStatus::is_reachable);
        if lost {
            self.downs
                .entry(event.member.node.clone())
                .or_default()
                .push_back(now);
        }
        self.expire(now);
    }

    /// Forgets downs older than the window.
    pub fn expire(&mut self, now: Instant) {
        let Some(window) = self.window else {
            return;
        };
        for downs in self.downs.values_mut() {
            while downs
                .front()
                .is_some_and(|t| now.saturating_duration_since(*t) > window)
            {
                downs.pop_front();
            }
        }
        self.downs.retain(|_, downs| !downs.is_empty());
    }

    /// Down transitions of `node` within the window.
    pub fn recent_downs(&self, node: &str) -> usize {
        self.downs.get(node).map_or(0, VecDeque::len)
    }
}

/// Assesses the cluster as seen from `this_node`.
pub fn assess(
    this_node: &str,
    members: &[Member],
    metrics: &BTreeMap<String, NodeMetrics>,
    rtts: &BTreeMap<String, Duration>,
    flaps: &FlapTracker,
    limits: &Thresholds,
) -> ClusterHealth {
    let mut reasons = Vec::new();
    let mut nodes = Vec::new();
    // Nodes that left gracefully no longer count.
    let counted: Vec<&Member> = members
        .iter()
        .filter(|m| m.status != MemberStatus::Removed)
        .collect();
    let reachable = counted.iter().filter(|m| m.status.is_reachable()).count();
    let critical = !counted.is_empty() && reachable * 2 <= counted.len();
    if critical {
        reasons.push(format!(
            "{this_node} sees only {reachable} of {} nodes: no majority",
            counted.len()
        ));
    }
    for member in members {
        let node_metrics = metrics.get(&member.node).copied();
        let recent_downs = flaps.recent_downs(&member.node);
        let quarantined = recent_downs > limits.max_flaps;
        match member.status {
            MemberStatus::Down => reasons.push(format!("{} is down", member.node)),
            MemberStatus::Unreachable => reasons.push(format!("{} is unreachable", member.node)),
            _ => {}
        }
        if quarantined {
            reasons.push(format!(
                "{} is flapping: down {recent_downs} times within {:?}; quarantined",
                member.node, limits.flap_window
            ));
        }
        let rtt = rtts.get(&member.node).copied();
        if let Some(rtt) = rtt.filter(|rtt| *rtt > limits.max_rtt && member.status.is_reachable()) {
            reasons.push(format!(
                "{} answers heartbeats in {} ms (limit {} ms)",
                member.node,
                rtt.as_millis(),
                limits.max_rtt.as_millis()
            ));
        }
        if let Some(m) = node_metrics.filter(|m| m.largest_backlog > limits.max_backlog) {
            reasons.push(format!(
                "{} has an agent with {} queued actions (limit {})",
                member.node, m.largest_backlog, limits.max_backlog
            ));
        }
        if let Some(m) = node_metrics.filter(|m| m.rss_bytes > limits.max_rss_bytes) {
            reasons.push(format!(
                "{} uses {} MiB of memory (limit {} MiB)",
                member.node,
                m.rss_bytes >> 20,
                limits.max_rss_bytes >> 20
            ));
        }
        nodes.push(NodeHealth {
            node: member.node.clone(),
            status: member.status,
            metrics: node_metrics,
            rtt_micros: rtt.map(|rtt| rtt.as_micros() as u64),
            recent_downs,
            quarantined,
        });
    }
    let status = if critical {
        HealthStatus::Critical
    } else if reasons.is_empty() {
        HealthStatus::Healthy
    } else {
        HealthStatus::Degraded
    };
    ClusterHealth {
        node: this_node.to_owned(),
        status,
        reasons,
        nodes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(node: &str, status: MemberStatus) -> Member {
        Member::test(node, status)
    }

    fn down_event(node: &str) -> MemberEvent {
        MemberEvent {
            member: member(node, MemberStatus::Down),
            previous: Some(MemberStatus::Up),
        }
    }

    fn run(members: &[Member], flaps: &FlapTracker) -> ClusterHealth {
        assess(
            "a",
            members,
            &BTreeMap::new(),
            &BTreeMap::new(),
            flaps,
            &Thresholds::default(),
        )
    }

    #[test]
    fn all_up_is_healthy_with_no_reasons() {
        let h = run(
            &[member("a", MemberStatus::Up), member("b", MemberStatus::Up)],
            &FlapTracker::default(),
        );
        assert_eq!(h.status, HealthStatus::Healthy);
        assert!(h.reasons.is_empty());
    }

    #[test]
    fn a_minority_view_is_critical_and_a_removed_node_does_not_count() {
        let three = [
            member("a", MemberStatus::Up),
            member("b", MemberStatus::Down),
            member("c", MemberStatus::Down),
        ];
        assert_eq!(
            run(&three, &FlapTracker::default()).status,
            HealthStatus::Critical
        );
        let left = [
            member("a", MemberStatus::Up),
            member("b", MemberStatus::Up),
            member("c", MemberStatus::Removed),
        ];
        assert_eq!(
            run(&left, &FlapTracker::default()).status,
            HealthStatus::Healthy
        );
    }

    #[test]
    fn a_node_over_its_memory_limit_degrades_health() {
        let mut metrics = BTreeMap::new();
        metrics.insert(
            "b".to_owned(),
            NodeMetrics {
                agents: 1,
                rss_bytes: 5 << 30,
                largest_backlog: 0,
                cpu_percent: 0,
            },
        );
        let h = assess(
            "a",
            &[member("a", MemberStatus::Up), member("b", MemberStatus::Up)],
            &metrics,
            &BTreeMap::new(),
            &FlapTracker::default(),
            &Thresholds::default(),
        );
        assert_eq!(h.status, HealthStatus::Degraded);
        assert!(h.reasons[0].contains("b uses 5120 MiB"));
    }

    #[test]
    fn a_flapping_node_is_quarantined_until_its_downs_expire() {
        let t0 = Instant::now();
        let mut flaps = FlapTracker::new(Duration::from_secs(60));
        for i in 0..4 {
            flaps.record(&down_event("b"), t0 + Duration::from_secs(i));
        }
        let members = [member("a", MemberStatus::Up), member("b", MemberStatus::Up)];
        let h = run(&members, &flaps);
        assert!(h.nodes[1].quarantined);
        assert_eq!(h.status, HealthStatus::Degraded);
        flaps.expire(t0 + Duration::from_secs(120));
        assert_eq!(run(&members, &flaps).status, HealthStatus::Healthy);
    }

    #[test]
    fn a_slow_heartbeat_or_a_deep_mailbox_degrades_health() {
        let members = [
            member("a", MemberStatus::Up),
            member("b", MemberStatus::Up),
            member("c", MemberStatus::Up),
        ];
        let mut rtts = BTreeMap::new();
        rtts.insert("b".to_owned(), Duration::from_millis(900));
        rtts.insert("c".to_owned(), Duration::from_millis(2));
        let mut metrics = BTreeMap::new();
        metrics.insert(
            "c".to_owned(),
            NodeMetrics {
                agents: 3,
                rss_bytes: 1 << 20,
                largest_backlog: 20_000,
                cpu_percent: 90,
            },
        );
        let limits = Thresholds::default();
        let h = assess(
            "a",
            &members,
            &metrics,
            &rtts,
            &FlapTracker::default(),
            &limits,
        );
        assert_eq!(h.status, HealthStatus::Degraded);
        assert_eq!(
            h.reasons,
            [
                "b answers heartbeats in 900 ms (limit 500 ms)",
                "c has an agent with 20000 queued actions (limit 10000)"
            ]
        );
        assert_eq!(h.nodes[1].rtt_micros, Some(900_000));
        assert_eq!(h.nodes[2].rtt_micros, Some(2_000));
        let h = assess(
            "a",
            &members,
            &BTreeMap::new(),
            &BTreeMap::new(),
            &FlapTracker::default(),
            &limits,
        );
        assert_eq!(h.status, HealthStatus::Healthy);
    }
}
