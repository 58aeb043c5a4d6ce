use proptest::prelude::*;

use super::*;

fn rules() -> impl Strategy<Value = AckRule> {
    prop_oneof![Just(AckRule::Majority), Just(AckRule::All)]
}

proptest! {
    #[test]
    fn any_write_quorum_and_any_read_quorum_share_a_copy(k in 1usize..10, rule in rules()) {
        let (w, r) = (rule.write_quorum(k), rule.read_quorum(k));
        prop_assert!((1..=k).contains(&w) && (1..=k).contains(&r));
        prop_assert!(w + r > k, "w {w} + r {r} <= k {k}");
    }

    /// An owner takes its term from a majority, writes and replicates at random, and is lost;
    /// a replica takes the agent over (retrying with newer terms when outbid) from the copies
    /// it reaches: it restores a copy at least as new as every acknowledged write; and the
    /// former owner, resumed, gets no further write acknowledged.
    #[test]
    fn a_takeover_restores_every_acknowledged_write_and_fences_the_old_owner(
        k in 2usize..7,
        rule in rules(),
        prepared in proptest::collection::vec(any::<bool>(), 7),
        events in proptest::collection::vec((any::<bool>(), 0usize..7), 0..60),
        order in Just((1usize..7).collect::<Vec<_>>()).prop_shuffle(),
        later in proptest::collection::vec(0usize..7, 0..20),
    ) {
        let names: Vec<String> = (0..k).map(|i| format!("c{i}")).collect();
        let mut slots = vec![ReplicaSlot::default(); k];
        // The owner `c0` takes term 1: its own copy, then the ones `prepared` picks, then the
        // rest, until a majority has it.
        let mut takeover = Takeover::new(rule, k, 1);
        let mut first: Vec<usize> = (0..k).filter(|&i| i == 0 || prepared[i]).collect();
        first.extend((1..k).filter(|&i| !prepared[i]));
        for i in first {
            if !matches!(takeover.step(), TakeoverStep::Wait { .. }) {
                break;
            }
            let held = slots[i].promise(1).expect("fresh copies take any term");
            takeover.promised(names[i].clone(), held);
        }
        let start = match takeover.step() {
            TakeoverStep::Fresh { term } => term,
            other => return Err(TestCaseError::fail(format!("first owner: {other:?}"))),
        };
        let mut owner = CommitTracker::new(rule, k, start, names[1..].to_vec());
        for (write, to) in events {
            if write {
                owner.write();
            } else {
                let i = 1 + to % (k - 1);
                if slots[i].offer_snapshot(owner.written()).is_ok() {
                    owner.acked(&names[i], owner.written());
                }
            }
        }
        let acknowledged = owner.acknowledged();

        // `c0` is gone. `c1` takes over with the copies it reaches, `c1` first. (With k = 2,
        // one copy left is not a majority: the agent waits for its owner, as it should.)
        prop_assume!(k > Takeover::new(rule, k, 1).need());
        let mut reach: Vec<usize> = vec![1];
        reach.extend(order.iter().copied().filter(|&i| i > 1 && i < k));
        let mut term = slots[1].promised().max(slots[1].held().map_or(0, |h| h.epoch)) + 1;
        let step = 'takeover: loop {
            let mut takeover = Takeover::new(rule, k, term);
            for &i in &reach {
                match slots[i].promise(term) {
                    Ok(held) => takeover.promised(names[i].clone(), held),
                    Err(Refused::Outbid { promised, .. }) => takeover.outbid(promised),
                    Err(other) => return Err(TestCaseError::fail(format!("{other}"))),
                }
                match takeover.step() {
                    TakeoverStep::Retry { term: next } => {
                        term = next;
                        continue 'takeover;
                    }
                    TakeoverStep::Wait { .. } => {}
                    done => break 'takeover done,
                }
            }
            break takeover.step();
        };
        let restored = match step {
            TakeoverStep::Restore { version, term, .. } => {
                prop_assert!(term.epoch > start.epoch);
                version
            }
            TakeoverStep::Fresh { term } => {
                prop_assert!(term.epoch > start.epoch);
                start
            }
            other => return Err(TestCaseError::fail(format!("takeover: {other:?}"))),
        };
        prop_assert!(restored >= acknowledged, "restored {restored} < acknowledged {acknowledged}");

        // The former owner resumes and keeps writing to every copy: refused by the majority
        // that took the new term, it never gets a write acknowledged that the new owner did
        // not restore (a write from before the takeover may still be acknowledged late: it is
        // in the restored copy).
        for to in later {
            let version = owner.write();
            let i = 1 + to % (k - 1);
            if slots[i].offer_snapshot(version).is_ok() {
                owner.acked(&names[i], version);
            }
        }
        prop_assert!(
            owner.acknowledged() <= restored,
            "the former owner acknowledged {} past the restored {restored}",
            owner.acknowledged()
        );
    }

    /// The tracker's acknowledged point is the newest version that at least a write quorum of
    /// copies hold, computed the slow way.
    #[test]
    fn the_acknowledged_point_is_what_a_quorum_of_copies_holds(
        k in 1usize..7,
        rule in rules(),
        writes in 0u64..20,
        acks in proptest::collection::vec((0usize..6, 0u64..25), 0..40),
    ) {
        let replicas: Vec<String> = (1..k).map(|i| format!("r{i}")).collect();
        let mut owner = CommitTracker::new(rule, k, Version::new(3, 0), replicas.clone());
        for _ in 0..writes {
            owner.write();
        }
        let mut held = vec![0u64; replicas.len()];
        for (to, seq) in acks {
            if replicas.is_empty() {
                break;
            }
            let i = to % replicas.len();
            owner.acked(&replicas[i], Version::new(3, seq));
            if seq <= writes {
                held[i] = held[i].max(seq);
            }
        }
        let w = rule.write_quorum(k);
        let expected = (0..=writes)
            .rev()
            .find(|&seq| 1 + held.iter().filter(|&&h| h >= seq).count() >= w)
            .unwrap_or(0);
        prop_assert_eq!(owner.acknowledged(), Version::new(3, expected));
    }

    /// Whatever is offered, a replica's copy and its announced term never go back.
    #[test]
    fn a_replica_never_goes_back(
        offers in proptest::collection::vec((0u64..4, 0u64..6, any::<bool>(), any::<bool>()), 0..40),
    ) {
        let mut slot = ReplicaSlot::default();
        for (epoch, seq, delta, promise) in offers {
            let (held, promised) = (slot.held(), slot.promised());
            let version = Version::new(epoch, seq);
            let taken = if promise {
                let _ = slot.promise(epoch);
                false
            } else if delta {
                slot.offer_delta(version).is_ok()
            } else {
                slot.offer_snapshot(version).is_ok()
            };
            prop_assert!(slot.held() >= held && slot.promised() >= promised);
            if taken {
                prop_assert_eq!(slot.held(), Some(version));
                prop_assert!(epoch >= promised);
            }
        }
    }
}

#[test]
fn a_replica_needs_the_full_state_after_a_gap_or_a_new_term() {
    let mut slot = ReplicaSlot::default();
    assert!(matches!(
        slot.offer_delta(Version::new(1, 1)),
        Err(Refused::Gap { held: None, .. })
    ));
    slot.offer_snapshot(Version::new(1, 2)).unwrap();
    slot.offer_delta(Version::new(1, 3)).unwrap();
    assert!(matches!(
        slot.offer_delta(Version::new(1, 5)),
        Err(Refused::Gap { .. })
    ));
    assert!(matches!(
        slot.offer_delta(Version::new(1, 3)),
        Err(Refused::Stale { .. })
    ));
    // The first write of a new term is a delta on a copy of the old one: a gap.
    assert!(matches!(
        slot.offer_delta(Version::new(2, 1)),
        Err(Refused::Gap { .. })
    ));
    slot.offer_snapshot(Version::new(2, 1)).unwrap();
}

#[test]
fn a_takeover_with_no_copy_anywhere_starts_fresh_under_its_term() {
    let mut takeover = Takeover::new(AckRule::Majority, 3, 4);
    takeover.promised("b", None);
    takeover.promised("c", None);
    assert_eq!(
        takeover.step(),
        TakeoverStep::Fresh {
            term: Version::new(4, 0)
        }
    );
}

#[test]
fn a_term_taken_once_is_refused_to_anyone_else_and_the_loser_retries_higher() {
    let mut copy = ReplicaSlot::default();
    assert_eq!(copy.promise(3), Ok(None));
    let refused = copy.promise(3).unwrap_err();
    assert!(matches!(refused, Refused::Outbid { promised: 3, .. }));
    let mut takeover = Takeover::new(AckRule::Majority, 3, 3);
    takeover.outbid(3);
    assert_eq!(takeover.step(), TakeoverStep::Retry { term: 4 });
    assert_eq!(copy.promise(4), Ok(None));
}

#[test]
fn a_replica_set_change_keeps_what_staying_replicas_acknowledged() {
    let mut owner = CommitTracker::new(AckRule::Majority, 3, Version::new(1, 0), ["b", "c"]);
    let v = owner.write();
    owner.set_replicas(["c", "d"]);
    assert_eq!(owner.acked("b", v), None, "b is no longer a replica");
    assert_eq!(owner.acked("d", v), Some(v));
}
