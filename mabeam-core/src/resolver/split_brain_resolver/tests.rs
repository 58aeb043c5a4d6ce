use std::time::{Duration, Instant};

use proptest::prelude::{any, prop_assert, prop_assert_eq, proptest};
use proptest::strategy::Strategy as _;

use super::*;
use crate::resolver::{Stability, Strategy};

const STABLE: Duration = Duration::from_secs(20);

fn member(node: &str, generation: u64, status: MemberStatus) -> Member {
    Member {
        generation,
        ..Member::test(node, status)
    }
}

fn strings(nodes: &[&str]) -> Vec<String> {
    nodes.iter().map(|n| n.to_string()).collect()
}

/// `me`'s view of a clean partition into `here` (reachable) and `there` (unreachable),
/// every member of generation 1 unless `ages` says otherwise, stable since `t0`.
fn split(me: &str, here: &[&str], there: &[&str], t0: Instant) -> Situation {
    split_aged(me, here, there, &[], t0)
}

fn split_aged(
    me: &str,
    here: &[&str],
    there: &[&str],
    ages: &[(&str, u64)],
    t0: Instant,
) -> Situation {
    let age = |n: &str| ages.iter().find(|(m, _)| *m == n).map_or(1, |(_, g)| *g);
    let members = here
        .iter()
        .map(|n| member(n, age(n), MemberStatus::Up))
        .chain(
            there
                .iter()
                .map(|n| member(n, age(n), MemberStatus::Unreachable)),
        );
    Situation::new(me, members, Stability::new(t0))
}

fn decide(strategy: Strategy, situation: &Situation, now: Instant) -> Verdict {
    SplitBrainResolver::new(strategy)
        .stable_after(STABLE)
        .decide(situation, now)
}

#[test]
fn keep_majority_majority_side_downs_the_minority_and_the_minority_downs_itself() {
    let t0 = Instant::now();
    let later = t0 + STABLE;
    let major = decide(
        Strategy::KeepMajority,
        &split("a", &["a", "b", "c"], &["d", "e"], t0),
        later,
    );
    assert_eq!(
        major.decision,
        Decision::DownUnreachable(strings(&["d", "e"]))
    );
    assert_eq!(major.why, Why::Majority { here: 3, there: 2 });
    let minor = decide(
        Strategy::KeepMajority,
        &split("e", &["d", "e"], &["a", "b", "c"], t0),
        later,
    );
    assert_eq!(minor.decision, Decision::DownSelf(strings(&["d", "e"])));
    assert_eq!(minor.why, Why::Minority { here: 2, there: 3 });
}

#[test]
fn keep_majority_tie_is_won_by_the_side_with_the_lowest_name_on_both_sides() {
    let t0 = Instant::now();
    let later = t0 + STABLE;
    let with_lowest = decide(
        Strategy::KeepMajority,
        &split("c", &["a", "c"], &["b", "d"], t0),
        later,
    );
    assert_eq!(
        with_lowest.decision,
        Decision::DownUnreachable(strings(&["b", "d"]))
    );
    assert_eq!(
        with_lowest.why,
        Why::Tie {
            size: 2,
            lowest: "a".into(),
            here: true
        }
    );
    let other = decide(
        Strategy::KeepMajority,
        &split("b", &["b", "d"], &["a", "c"], t0),
        later,
    );
    assert_eq!(other.decision, Decision::DownSelf(strings(&["b", "d"])));
}

#[test]
fn keep_majority_ignores_joining_down_and_removed_members() {
    let t0 = Instant::now();
    let mut situation = split("a", &["a"], &["b"], t0);
    situation.members.extend([
        member("c", 1, MemberStatus::Down),
        member("d", 1, MemberStatus::Removed),
        member("e", 1, MemberStatus::Joining),
    ]);
    let verdict = decide(Strategy::KeepMajority, &situation, t0 + STABLE);
    assert_eq!(
        verdict.why,
        Why::Tie {
            size: 1,
            lowest: "a".into(),
            here: true
        }
    );
    // the joining member is on this side, and survives with it.
    assert_eq!(verdict.decision, Decision::DownUnreachable(strings(&["b"])));
}

#[test]
fn static_quorum_keeps_a_side_at_quorum_and_downs_all_when_both_are_below() {
    let t0 = Instant::now();
    let later = t0 + STABLE;
    let quorum = Strategy::StaticQuorum { size: 3 };
    let reached = decide(
        quorum,
        &split("a", &["a", "b", "c"], &["d", "e"], t0),
        later,
    );
    assert_eq!(
        reached.decision,
        Decision::DownUnreachable(strings(&["d", "e"]))
    );
    let lost = decide(
        quorum,
        &split("d", &["d", "e"], &["a", "b", "c"], t0),
        later,
    );
    assert_eq!(lost.decision, Decision::DownSelf(strings(&["d", "e"])));
    assert_eq!(lost.why, Why::QuorumLost { here: 2, quorum: 3 });

    let quorum = Strategy::StaticQuorum { size: 3 };
    for (me, here, there) in [("a", ["a", "b"], ["c", "d"]), ("c", ["c", "d"], ["a", "b"])] {
        let verdict = decide(quorum, &split(me, &here, &there, t0), later);
        assert_eq!(
            verdict.decision,
            Decision::DownAll(strings(&["a", "b", "c", "d"]))
        );
        assert_eq!(
            verdict.why,
            Why::NoQuorum {
                here: 2,
                there: 2,
                quorum: 3
            }
        );
    }
}

#[test]
#[should_panic(expected = "static quorum")]
fn a_static_quorum_of_zero_is_refused() {
    let _ = SplitBrainResolver::new(Strategy::StaticQuorum { size: 0 });
}

#[test]
fn keep_oldest_keeps_the_side_of_the_oldest_even_as_a_minority() {
    let t0 = Instant::now();
    let later = t0 + STABLE;
    let ages = [("a", 5), ("b", 6), ("c", 7), ("d", 1), ("e", 8)];
    let keep = Strategy::KeepOldest {
        down_if_alone: false,
    };
    let oldest_side = decide(
        keep,
        &split_aged("d", &["d", "e"], &["a", "b", "c"], &ages, t0),
        later,
    );
    assert_eq!(
        oldest_side.decision,
        Decision::DownUnreachable(strings(&["a", "b", "c"]))
    );
    assert_eq!(
        oldest_side.why,
        Why::Oldest {
            oldest: "d".into(),
            here: true
        }
    );
    let other = decide(
        keep,
        &split_aged("a", &["a", "b", "c"], &["d", "e"], &ages, t0),
        later,
    );
    assert_eq!(
        other.decision,
        Decision::DownSelf(strings(&["a", "b", "c"]))
    );
}

#[test]
fn keep_oldest_alone_downs_itself_only_with_down_if_alone() {
    let t0 = Instant::now();
    let later = t0 + STABLE;
    let ages = [("a", 1), ("b", 2), ("c", 3)];
    let alone = |down_if_alone| {
        let keep = Strategy::KeepOldest { down_if_alone };
        (
            decide(
                keep,
                &split_aged("a", &["a"], &["b", "c"], &ages, t0),
                later,
            ),
            decide(
                keep,
                &split_aged("b", &["b", "c"], &["a"], &ages, t0),
                later,
            ),
        )
    };
    let (oldest, others) = alone(false);
    assert_eq!(
        oldest.decision,
        Decision::DownUnreachable(strings(&["b", "c"]))
    );
    assert_eq!(others.decision, Decision::DownSelf(strings(&["b", "c"])));
    let (oldest, others) = alone(true);
    assert_eq!(oldest.decision, Decision::DownSelf(strings(&["a"])));
    assert_eq!(
        oldest.why,
        Why::OldestAlone {
            oldest: "a".into(),
            here: true
        }
    );
    assert_eq!(others.decision, Decision::DownUnreachable(strings(&["a"])));
}

#[test]
fn keep_oldest_breaks_equal_generations_by_name() {
    let t0 = Instant::now();
    let verdict = decide(
        Strategy::KeepOldest {
            down_if_alone: false,
        },
        &split("b", &["b", "c"], &["a"], t0),
        t0 + STABLE,
    );
    assert_eq!(verdict.decision, Decision::DownSelf(strings(&["b", "c"])));
}

#[test]
fn down_all_downs_every_member_on_both_sides() {
    let t0 = Instant::now();
    for (me, here, there) in [
        ("a", &["a", "b", "c"][..], &["d"][..]),
        ("d", &["d"], &["a", "b", "c"]),
    ] {
        let verdict = decide(Strategy::DownAll, &split(me, here, there, t0), t0 + STABLE);
        assert_eq!(
            verdict.decision,
            Decision::DownAll(strings(&["a", "b", "c", "d"]))
        );
        assert_eq!(verdict.why, Why::DownAllStrategy);
    }
}

#[test]
fn nothing_is_decided_while_every_member_is_reachable() {
    let t0 = Instant::now();
    let verdict = decide(
        Strategy::KeepMajority,
        &split("a", &["a", "b"], &[], t0),
        t0,
    );
    assert_eq!(verdict.decision, Decision::Nothing);
    assert_eq!(verdict.why, Why::AllReachable);
}

#[test]
fn it_waits_until_the_view_has_been_stable_for_stable_after() {
    let t0 = Instant::now();
    let mut situation = split("a", &["a", "b", "c"], &["d"], t0);
    situation.stability.changed(t0 + Duration::from_secs(5));
    let now = t0 + Duration::from_secs(10);
    let verdict = decide(Strategy::KeepMajority, &situation, now);
    assert_eq!(
        verdict.decision,
        Decision::Wait {
            until: t0 + Duration::from_secs(25)
        }
    );
    assert_eq!(
        verdict.why,
        Why::NotStable {
            stable_for: Duration::from_secs(5)
        }
    );
    let verdict = decide(
        Strategy::KeepMajority,
        &situation,
        t0 + Duration::from_secs(25),
    );
    assert_eq!(verdict.decision, Decision::DownUnreachable(strings(&["d"])));
}

#[test]
fn a_view_that_keeps_changing_past_stable_after_and_the_margin_downs_all() {
    let t0 = Instant::now();
    let resolver = SplitBrainResolver::new(Strategy::KeepMajority).stable_after(STABLE);
    let margin = resolver.unstable_margin().unwrap();
    assert_eq!(margin, Duration::from_secs(15));
    let mut situation = split("a", &["a", "b", "c"], &["d"], t0);
    let mut now = t0;
    // a change every 10 s: never stable for 20 s.
    while now < t0 + STABLE + margin {
        situation.stability.changed(now);
        let verdict = resolver.decide(&situation, now);
        assert!(
            matches!(verdict.decision, Decision::Wait { until } if until <= t0 + STABLE + margin)
        );
        now += Duration::from_secs(10);
    }
    situation.stability.changed(now);
    let verdict = resolver.decide(&situation, now);
    assert_eq!(
        verdict.decision,
        Decision::DownAll(strings(&["a", "b", "c", "d"]))
    );
    assert_eq!(
        verdict.why,
        Why::UnstableTooLong {
            unstable_for: now - t0
        }
    );
    // off: it waits on.
    let off = resolver.clone().down_all_when_unstable(None);
    assert!(matches!(
        off.decide(&situation, now).decision,
        Decision::Wait { .. }
    ));
    // settled: a new unstable period starts at the next change.
    situation.stability.settled();
    situation.stability.changed(now);
    assert!(matches!(
        resolver.decide(&situation, now).decision,
        Decision::Wait { .. }
    ));
}

#[test]
fn indirectly_connected_nodes_are_downed_before_the_strategy_decides_the_rest() {
    let t0 = Instant::now();
    let later = t0 + STABLE;
    // a reaches b and c; b and c lost each other; e is cut off.
    let situation = split("a", &["a", "b", "c", "d"], &["e"], t0)
        .report("b", ["c", "e"])
        .report("c", ["b", "e"]);
    let verdict = decide(Strategy::KeepMajority, &situation, later);
    assert_eq!(verdict.indirectly_connected, strings(&["b", "c"]));
    // the rest: a, d | e — a majority.
    assert_eq!(verdict.why, Why::Majority { here: 2, there: 1 });
    assert_eq!(
        verdict.decision,
        Decision::DownUnreachable(strings(&["b", "c", "e"]))
    );
}

#[test]
fn an_indirectly_connected_node_downs_itself() {
    let t0 = Instant::now();
    let situation = split("b", &["a", "b", "c"], &[], t0).report("a", ["b"]);
    let verdict = decide(Strategy::KeepMajority, &situation, t0 + STABLE);
    assert_eq!(verdict.decision, Decision::DownSelf(strings(&["b"])));
    assert_eq!(
        verdict.why,
        Why::SelfIndirectlyConnected {
            reported_by: strings(&["a"])
        }
    );
}

#[test]
fn only_indirectly_connected_nodes_are_downed_without_a_strategy() {
    let t0 = Instant::now();
    let situation = split("a", &["a", "b", "c"], &[], t0).report("b", ["c"]);
    let verdict = decide(Strategy::DownAll, &situation, t0 + STABLE);
    assert_eq!(verdict.decision, Decision::DownUnreachable(strings(&["c"])));
    assert_eq!(verdict.why, Why::OnlyIndirectlyConnected);
}

#[test]
fn reports_from_unreachable_observers_do_not_make_nodes_indirectly_connected() {
    let t0 = Instant::now();
    let situation = split("a", &["a", "b"], &["c"], t0).report("c", ["a", "b"]);
    let verdict = decide(Strategy::KeepMajority, &situation, t0 + STABLE);
    assert!(verdict.indirectly_connected.is_empty());
    assert_eq!(verdict.decision, Decision::DownUnreachable(strings(&["c"])));
}

#[test]
fn lease_majority_tries_at_once_on_the_majority_side_and_later_on_the_other() {
    let t0 = Instant::now();
    let later = t0 + STABLE;
    let delay = Duration::from_secs(2);
    let lease = Strategy::LeaseMajority {
        acquire_delay_for_minority: delay,
    };
    let major = decide(lease, &split("a", &["a", "b"], &["c"], t0), later);
    assert_eq!(
        major.decision,
        Decision::AcquireLease {
            not_before: later,
            then_down: strings(&["c"])
        }
    );
    let minor = decide(lease, &split("c", &["c"], &["a", "b"], t0), later);
    assert_eq!(
        minor.decision,
        Decision::AcquireLease {
            not_before: later + delay,
            then_down: strings(&["a", "b"])
        }
    );
}

#[test]
fn a_role_limits_the_members_counted() {
    let t0 = Instant::now();
    let mut situation = split("a", &["a", "b", "c"], &["d", "e"], t0);
    for m in &mut situation.members {
        if m.node == "d" || m.node == "e" || m.node == "a" {
            m.tags = vec!["core".into()];
        }
    }
    let resolver = SplitBrainResolver::new(Strategy::KeepMajority)
        .stable_after(STABLE)
        .role("core");
    let verdict = resolver.decide(&situation, t0 + STABLE);
    assert_eq!(verdict.why, Why::Minority { here: 1, there: 2 });
    assert_eq!(
        verdict.decision,
        Decision::DownSelf(strings(&["a", "b", "c"]))
    );
    // nobody has the role: everyone counts.
    let verdict = resolver.clone().role("gpu").decide(&situation, t0 + STABLE);
    assert_eq!(verdict.why, Why::Majority { here: 3, there: 2 });
}

#[test]
fn the_reason_reads_as_a_sentence() {
    assert_eq!(
        Why::Minority { here: 2, there: 3 }.to_string(),
        "keep-majority: this side has 2 members, the other 3: minority"
    );
}

/// Members `n0..n{ages.len()}`, split by `mask` into two non-empty sides.
fn partition() -> impl proptest::strategy::Strategy<Value = (Vec<u64>, Vec<bool>)> {
    (2usize..10).prop_flat_map(|n| {
        (
            proptest::collection::vec(0u64..4, n),
            proptest::collection::vec(any::<bool>(), n).prop_filter("two non-empty sides", |m| {
                m.iter().any(|b| *b) && m.iter().any(|b| !*b)
            }),
        )
    })
}

/// Decides on every node of both sides; all nodes of a side must agree. Returns how many
/// sides survive.
fn surviving_sides(strategy: Strategy, ages: &[u64], mask: &[bool]) -> usize {
    let t0 = Instant::now();
    let names: Vec<String> = (0..ages.len()).map(|i| format!("n{i}")).collect();
    let mut survivors = 0;
    for side in [true, false] {
        let mut decisions = Vec::new();
        for (i, me) in names.iter().enumerate().filter(|(i, _)| mask[*i] == side) {
            let members = names.iter().enumerate().map(|(j, n)| {
                let status = if mask[j] == mask[i] {
                    MemberStatus::Up
                } else {
                    MemberStatus::Unreachable
                };
                member(n, ages[j], status)
            });
            let situation = Situation::new(me.clone(), members, Stability::new(t0));
            decisions.push(
                decide(strategy, &situation, t0 + STABLE)
                    .decision
                    .survives(),
            );
        }
        assert!(
            decisions.windows(2).all(|w| w[0] == w[1]),
            "a side disagrees"
        );
        if decisions[0] {
            survivors += 1;
        }
    }
    survivors
}

proptest! {
    #[test]
    fn at_most_one_side_of_a_partition_survives(
        (ages, mask) in partition(),
        which in 0usize..4,
        down_if_alone in any::<bool>(),
        quorum_extra in 0usize..10,
    ) {
        let n = ages.len();
        let strategy = match which {
            0 => Strategy::KeepMajority,
            1 => Strategy::StaticQuorum { size: (n / 2 + 1 + quorum_extra).min(n) },
            2 => Strategy::KeepOldest { down_if_alone },
            _ => Strategy::DownAll,
        };
        prop_assert!(surviving_sides(strategy, &ages, &mask) <= 1);
    }

    #[test]
    fn keep_majority_keeps_exactly_one_side_of_an_odd_cluster(
        (ages, mask) in partition().prop_filter("odd", |(a, _)| a.len() % 2 == 1),
    ) {
        prop_assert_eq!(surviving_sides(Strategy::KeepMajority, &ages, &mask), 1);
    }

    #[test]
    fn keep_majority_keeps_exactly_one_side_of_any_clean_partition((ages, mask) in partition()) {
        prop_assert_eq!(surviving_sides(Strategy::KeepMajority, &ages, &mask), 1);
    }

    #[test]
    fn keep_oldest_keeps_exactly_one_side_without_down_if_alone((ages, mask) in partition()) {
        let strategy = Strategy::KeepOldest { down_if_alone: false };
        prop_assert_eq!(surviving_sides(strategy, &ages, &mask), 1);
    }
}
