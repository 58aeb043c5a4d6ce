use std::collections::BTreeMap;
use std::time::Duration;

use crate::health::{ClusterHealth, NodeHealth, NodeMetrics, Thresholds};
use crate::membership::{Member, MemberStatus};

use super::Candidate;

/// How much each measure a node gossips weighs in its load score (see [`score_nodes`]).
///
/// The defaults make one busy core, 1 GiB of memory, 10 000 agents and 1 000 queued actions
/// count about the same (10 000 each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoadWeights {
    /// Per percent of one core the node's process used over the last report period.
    pub cpu_percent: u64,
    /// Per MiB of the process's resident memory.
    pub memory_mib: u64,
    /// Per agent registered on the node.
    pub agent: u64,
    /// Per action queued in the node's deepest mailbox.
    pub backlog: u64,
}

impl Default for LoadWeights {
    /// 100 per percent of a core, 10 per MiB, 1 per agent, 10 per queued action.
    fn default() -> Self {
        Self {
            cpu_percent: 100,
            memory_mib: 10,
            agent: 1,
            backlog: 10,
        }
    }
}

impl LoadWeights {
    /// With this weight per percent of a core.
    pub fn cpu_percent(mut self, weight: u64) -> Self {
        self.cpu_percent = weight;
        self
    }

    /// With this weight per MiB of memory.
    pub fn memory_mib(mut self, weight: u64) -> Self {
        self.memory_mib = weight;
        self
    }

    /// With this weight per agent.
    pub fn agent(mut self, weight: u64) -> Self {
        self.agent = weight;
        self
    }

    /// With this weight per queued action.
    pub fn backlog(mut self, weight: u64) -> Self {
        self.backlog = weight;
        self
    }

    /// The load score of a node reporting `metrics` (lower is less loaded).
    pub fn load(&self, metrics: &NodeMetrics) -> u64 {
        metrics
            .cpu_percent
            .saturating_mul(self.cpu_percent)
            .saturating_add((metrics.rss_bytes >> 20).saturating_mul(self.memory_mib))
            .saturating_add(metrics.agents.saturating_mul(self.agent))
            .saturating_add(metrics.largest_backlog.saturating_mul(self.backlog))
    }
}

/// The nodes placement may use, scored from the membership view and the latest health report
/// (what the load-balancer agent serves). Sorted by name.
///
/// - Only `up` members are candidates (not joining, leaving, unreachable or down), and not
///   the ones the report quarantines for flapping.
/// - A candidate's tags are those it announces; its load is [`LoadWeights::load`] of its
///   latest metrics. A node with no metrics yet (it just joined) gets the mean load of the
///   others, so it neither draws every new agent nor is left out.
/// - A candidate over a limit of `limits` (memory, mailbox backlog, heartbeat round trip) is
///   [degraded](Candidate::degraded): used only when no eligible node is within its limits.
///
/// Without a health report (`None`), every `up` member is a candidate with load 0.
///
/// ```
/// use mabeam_core::placement::{score_nodes, LoadWeights};
/// use mabeam_core::health::Thresholds;
/// use mabeam_core::membership::{Member, MemberStatus};
///
/// let member = |node: &str, status| Member {
///     node: node.into(), generation: 1, gossip_addr: "127.0.0.1:1".parse().unwrap(), status,
///     tags: vec!["gpu".into()],
/// };
/// let members = [member("a", MemberStatus::Up), member("b", MemberStatus::Unreachable)];
/// let candidates = score_nodes(&members, None, &LoadWeights::default(), &Thresholds::default());
/// assert_eq!(candidates.len(), 1);
/// assert_eq!(candidates[0].node, "a");
/// assert!(candidates[0].tags.contains("gpu"));
/// ```
pub fn score_nodes(
    members: &[Member],
    health: Option<&ClusterHealth>,
    weights: &LoadWeights,
    limits: &Thresholds,
) -> Vec<Candidate> {
    let reports: BTreeMap<&str, &NodeHealth> = health
        .map(|h| h.nodes.iter().map(|n| (n.node.as_str(), n)).collect())
        .unwrap_or_default();
    let mut up: Vec<&Member> = members
        .iter()
        .filter(|m| m.status == MemberStatus::Up)
        .filter(|m| !reports.get(m.node.as_str()).is_some_and(|r| r.quarantined))
        .collect();
    up.sort_by(|a, b| a.node.cmp(&b.node));
    up.dedup_by(|a, b| a.node == b.node);
    let metrics = |node: &str| reports.get(node).and_then(|r| r.metrics);
    let known: Vec<u64> = up
        .iter()
        .filter_map(|m| metrics(&m.node))
        .map(|m| weights.load(&m))
        .collect();
    let mean = match known.len() as u64 {
        0 => 0,
        n => (known.iter().map(|&l| u128::from(l)).sum::<u128>() / u128::from(n)) as u64,
    };
    up.into_iter()
        .map(|member| {
            let report = reports.get(member.node.as_str());
            let node_metrics = metrics(&member.node);
            let rtt = report
                .and_then(|r| r.rtt_micros)
                .map(Duration::from_micros)
                .unwrap_or_default();
            let over = rtt > limits.max_rtt
                || node_metrics.is_some_and(|m| {
                    m.rss_bytes > limits.max_rss_bytes || m.largest_backlog > limits.max_backlog
                });
            let candidate = Candidate::new(member.node.clone())
                .with_tags(member.tags.iter().cloned())
                .with_load(node_metrics.map_or(mean, |m| weights.load(&m)));
            if over {
                candidate.degraded()
            } else {
                candidate
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::health::HealthStatus;

    use super::*;

    fn member(node: &str, status: MemberStatus, tags: &[&str]) -> Member {
        Member {
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            ..Member::test(node, status)
        }
    }

    fn metrics(cpu_percent: u64, rss_mib: u64, agents: u64, backlog: u64) -> NodeMetrics {
        NodeMetrics {
            agents,
            rss_bytes: rss_mib << 20,
            largest_backlog: backlog,
            cpu_percent,
        }
    }

    fn report(node: &str, metrics: Option<NodeMetrics>) -> NodeHealth {
        NodeHealth {
            node: node.into(),
            status: MemberStatus::Up,
            metrics,
            rtt_micros: None,
            recent_downs: 0,
            quarantined: false,
        }
    }

    fn health(nodes: Vec<NodeHealth>) -> ClusterHealth {
        ClusterHealth {
            node: "a".into(),
            status: HealthStatus::Healthy,
            reasons: Vec::new(),
            nodes,
        }
    }

    fn score(members: &[Member], health: &ClusterHealth) -> Vec<Candidate> {
        score_nodes(
            members,
            Some(health),
            &LoadWeights::default(),
            &Thresholds::default(),
        )
    }

    #[test]
    fn the_load_adds_cpu_memory_agents_and_backlog_by_their_weights() {
        let weights = LoadWeights::default();
        assert_eq!(weights.load(&metrics(0, 0, 0, 0)), 0);
        assert_eq!(weights.load(&metrics(100, 0, 0, 0)), 10_000);
        assert_eq!(weights.load(&metrics(0, 1024, 0, 0)), 10_240);
        assert_eq!(weights.load(&metrics(0, 0, 10_000, 0)), 10_000);
        assert_eq!(weights.load(&metrics(0, 0, 0, 1_000)), 10_000);
        assert_eq!(
            weights.load(&metrics(50, 512, 300, 7)),
            5_000 + 5_120 + 300 + 70
        );
        let only_agents = LoadWeights::default()
            .cpu_percent(0)
            .memory_mib(0)
            .backlog(0);
        assert_eq!(only_agents.load(&metrics(90, 4096, 42, 9)), 42);
        // Absurd figures saturate rather than wrap.
        assert_eq!(weights.load(&metrics(u64::MAX, 0, 1, 0)), u64::MAX);
    }

    #[test]
    fn only_up_members_that_are_not_quarantined_are_candidates() {
        let members = [
            member("a", MemberStatus::Up, &[]),
            member("b", MemberStatus::Joining, &[]),
            member("c", MemberStatus::Leaving, &[]),
            member("d", MemberStatus::Unreachable, &[]),
            member("e", MemberStatus::Down, &[]),
            member("f", MemberStatus::Removed, &[]),
            member("g", MemberStatus::Up, &["gpu"]),
            member("h", MemberStatus::Up, &[]),
        ];
        let mut flapping = report("h", Some(metrics(0, 0, 0, 0)));
        flapping.quarantined = true;
        let candidates = score(&members, &health(vec![flapping]));
        let names: Vec<&str> = candidates.iter().map(|c| c.node.as_str()).collect();
        assert_eq!(names, ["a", "g"]);
        assert!(candidates[1].tags.contains("gpu"));
    }

    #[test]
    fn loads_come_from_metrics_and_a_node_without_metrics_gets_the_mean() {
        let members = [
            member("c", MemberStatus::Up, &[]),
            member("a", MemberStatus::Up, &[]),
            member("b", MemberStatus::Up, &[]),
        ];
        let candidates = score(
            &members,
            &health(vec![
                report("a", Some(metrics(10, 0, 0, 0))),
                report("b", Some(metrics(30, 0, 0, 0))),
                report("c", None),
            ]),
        );
        let loads: Vec<(&str, u64)> = candidates
            .iter()
            .map(|c| (c.node.as_str(), c.load))
            .collect();
        assert_eq!(loads, [("a", 1_000), ("b", 3_000), ("c", 2_000)]);
        assert!(candidates.iter().all(|c| !c.degraded));
        // No report at all: every up member, unloaded.
        let bare = score_nodes(
            &members,
            None,
            &LoadWeights::default(),
            &Thresholds::default(),
        );
        assert!(bare.iter().all(|c| c.load == 0) && bare.len() == 3);
    }

    #[test]
    fn a_node_over_its_memory_backlog_or_round_trip_limit_is_degraded() {
        let members: Vec<Member> = ["a", "b", "c", "d"]
            .iter()
            .map(|n| member(n, MemberStatus::Up, &[]))
            .collect();
        let limits = Thresholds::default();
        let mut slow = report("d", Some(metrics(0, 0, 0, 0)));
        slow.rtt_micros = Some(limits.max_rtt.as_micros() as u64 + 1);
        let candidates = score(
            &members,
            &health(vec![
                report("a", Some(metrics(0, 1, 0, 0))),
                report(
                    "b",
                    Some(metrics(0, (limits.max_rss_bytes >> 20) + 1, 0, 0)),
                ),
                report("c", Some(metrics(0, 0, 0, limits.max_backlog + 1))),
                slow,
            ]),
        );
        let degraded: Vec<bool> = candidates.iter().map(|c| c.degraded).collect();
        assert_eq!(degraded, [false, true, true, true]);
    }
}
