//! False positives of failure detection under high CPU: 5 node processes on 127.0.0.1 (the
//! same setup as `cluster.rs`: gossip every 100 ms, phi threshold 8, default `down_after`, a
//! transport) run for `SOAK_SECS` (default 600) while busy-loop threads (two per core) keep
//! every core saturated. Nothing is killed or frozen, so any member seen `unreachable` or
//! `down`, and any generation change (a rejoin), is a false positive.
//!
//! Every node's admin endpoint is read every 250 ms; a suspicion shorter than that can be
//! missed, so the count is a lower bound for `unreachable` — but a `down` is final and a
//! rejoin changes the generation, so neither can be missed.
//!
//! `cargo bench -p mabeam-benches --bench cluster_soak` (10 minutes;
//! `SOAK_SECS=60 cargo bench ...` for a short run).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mabeam_benches::node_procs::{run_node, spawn_cluster, GOSSIP_MS};
use mabeam_cluster::admin::fetch_membership;
use mabeam_cluster::MemberStatus;

const NODES: usize = 5;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--node") {
        return run_node(&args[at + 1..]);
    }
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let soak = Duration::from_secs(
        std::env::var("SOAK_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(600),
    );
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let procs = spawn_cluster(NODES);
        let start = Instant::now();
        // Converge first (no load yet).
        let mut generations: BTreeMap<String, u64> = BTreeMap::new();
        loop {
            let mut up = 0;
            for p in &procs {
                if let Ok(view) = fetch_membership(p.admin).await {
                    up += usize::from(
                        view.members
                            .iter()
                            .filter(|m| m.status == MemberStatus::Up)
                            .count()
                            == NODES,
                    );
                    for m in view.members {
                        generations.insert(m.node, m.generation);
                    }
                }
            }
            if up == NODES {
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(60), "no convergence");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let hogs = 2 * std::thread::available_parallelism().map_or(2, |n| n.get());
        let stop = Arc::new(AtomicBool::new(false));
        let threads: Vec<_> = (0..hogs)
            .map(|_| {
                let stop = stop.clone();
                std::thread::spawn(move || {
                    let mut x = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
                    }
                })
            })
            .collect();
        println!("converged; soaking {soak:?} with {hogs} busy-loop threads");
        let began = Instant::now();
        let mut suspicions: BTreeSet<(String, String, MemberStatus)> = BTreeSet::new();
        let mut events = 0usize;
        let mut rejoins = 0usize;
        let mut polls = 0usize;
        while began.elapsed() < soak {
            for p in &procs {
                let Ok(view) = fetch_membership(p.admin).await else {
                    continue;
                };
                polls += 1;
                for m in view.members {
                    if m.status != MemberStatus::Up {
                        let seen = (view.node.clone(), m.node.clone(), m.status);
                        if suspicions.insert(seen) {
                            events += 1;
                            println!(
                                "{:>6.1}s: {} sees {} {}",
                                began.elapsed().as_secs_f64(),
                                view.node,
                                m.node,
                                m.status
                            );
                        }
                    }
                    let known = generations.entry(m.node.clone()).or_insert(m.generation);
                    if *known != m.generation {
                        rejoins += 1;
                        println!(
                            "{:>6.1}s: {} rejoined ({} -> {})",
                            began.elapsed().as_secs_f64(),
                            m.node,
                            known,
                            m.generation
                        );
                        *known = m.generation;
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        stop.store(true, Ordering::Relaxed);
        for t in threads {
            let _ = t.join();
        }
        let downs = suspicions
            .iter()
            .filter(|(_, _, s)| *s == MemberStatus::Down)
            .count();
        println!(
            "\n==== cluster_soak: {NODES} nodes, gossip {GOSSIP_MS} ms, {soak:?} with {hogs} busy threads, {polls} views read ===="
        );
        println!(
            "FIGURE false_positives: {events} (observer, node, status) suspicions, {downs} down, {rejoins} rejoins (target: none) {}",
            if events == 0 && rejoins == 0 { "MET" } else { "MISSED" }
        );
    });
}
