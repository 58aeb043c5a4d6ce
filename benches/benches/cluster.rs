//! Cluster formation and failure detection on real node processes on 127.0.0.1.
//!
//! Each round starts 5 node processes (this binary re-run with `--node ...`, each a
//! `mabeam_cluster::Node` with gossip every 100 ms, phi threshold 8, the default `down_after`
//! of 10 gossip intervals, and a ractor_cluster transport) and measures:
//! - **convergence**: from the first spawn until every node's view has all 5 up;
//! - **kill -9 detection**: from SIGKILL of one node until every survivor holds it unreachable
//!   (or already down), and until every survivor marks it down (confirmed by its closed
//!   transport session);
//! - **SIGSTOP detection**: from freezing another node (sockets stay open) until every
//!   survivor holds it unreachable, and until every survivor marks it down (`down_after` of
//!   silence later).
//!
//! Views are read from each node's admin endpoint every 10 ms. Figures are medians over the
//! rounds. There is no raw baseline to divide by: ractor_cluster has no failure detector (a
//! frozen peer stays connected forever), so these are absolute figures against the spec's
//! targets (kill ≤ 1 s; silent peer ≤ 5 s median).
//!
//! `cargo bench -p mabeam-benches --bench cluster` (about 30 s).

use std::process::Command;
use std::time::{Duration, Instant};

use mabeam_benches::node_procs::{run_node, spawn_cluster, Proc, GOSSIP_MS};
use mabeam_cluster::admin::fetch_membership;
use mabeam_cluster::MemberStatus;

const NODES: usize = 5;
const ROUNDS: usize = 5;

/// Polls the views of `nodes` every 10 ms until `done` holds for all; the elapsed time.
async fn until(
    nodes: &[&Proc],
    done: impl Fn(&mabeam_cluster::admin::MembershipReport) -> bool,
) -> Duration {
    let start = Instant::now();
    loop {
        let mut all = true;
        for node in nodes {
            match fetch_membership(node.admin).await {
                Ok(view) if done(&view) => {}
                _ => all = false,
            }
        }
        if all {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no convergence within 60 s"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn status(view: &mabeam_cluster::admin::MembershipReport, node: &str) -> Option<MemberStatus> {
    view.members
        .iter()
        .find(|m| m.node == node)
        .map(|m| m.status)
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--node") {
        return run_node(&args[at + 1..]);
    }
    if args.iter().any(|a| a == "--list") {
        return; // `cargo bench -- --list` and test-mode probes: nothing to list
    }
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (mut converge, mut kill, mut stop) = (Vec::new(), Vec::new(), Vec::new());
    let (mut kill_down, mut stop_down) = (Vec::new(), Vec::new());
    let suspected =
        |s: Option<MemberStatus>| matches!(s, Some(MemberStatus::Unreachable | MemberStatus::Down));
    for round in 1..=ROUNDS {
        rt.block_on(async {
            let start = Instant::now();
            let mut procs = spawn_cluster(NODES);
            let all: Vec<&Proc> = procs.iter().collect();
            until(&all, |v| {
                v.members
                    .iter()
                    .filter(|m| m.status == MemberStatus::Up)
                    .count()
                    == NODES
            })
            .await;
            let c = start.elapsed();

            let killed_at = Instant::now();
            procs[4].child.kill().expect("kill -9");
            let survivors: Vec<&Proc> = procs[..4].iter().collect();
            until(&survivors, |v| suspected(status(v, "n4"))).await;
            let k = killed_at.elapsed();
            until(&survivors, |v| status(v, "n4") == Some(MemberStatus::Down)).await;
            let kd = killed_at.elapsed();

            let pid = procs[3].child.id().to_string();
            let stopped_at = Instant::now();
            Command::new("kill")
                .args(["-STOP", &pid])
                .status()
                .expect("SIGSTOP");
            let survivors: Vec<&Proc> = procs[..3].iter().collect();
            until(&survivors, |v| suspected(status(v, "n3"))).await;
            let s = stopped_at.elapsed();
            until(&survivors, |v| status(v, "n3") == Some(MemberStatus::Down)).await;
            let sd = stopped_at.elapsed();
            Command::new("kill")
                .args(["-CONT", &pid])
                .status()
                .expect("SIGCONT");

            println!(
                "round {round}: converge {c:?}, kill -9 unreachable {k:?} down {kd:?}, \
                 SIGSTOP unreachable {s:?} down {sd:?}"
            );
            converge.push(c);
            kill.push(k);
            stop.push(s);
            kill_down.push(kd);
            stop_down.push(sd);
        });
    }
    let (c, k, s) = (median(converge), median(kill), median(stop));
    println!("\n==== cluster: {NODES} node processes, gossip {GOSSIP_MS} ms, {ROUNDS} rounds, medians ====");
    println!("FIGURE cluster_converge_5_nodes: {c:?} (no target; informational)");
    let verdict = |ok: bool| if ok { "MET" } else { "MISSED" };
    let (kd, sd) = (median(kill_down), median(stop_down));
    println!(
        "FIGURE kill9_detection: unreachable {k:?}, down {kd:?} (target <= 1 s) {}",
        verdict(kd <= Duration::from_secs(1))
    );
    println!(
        "FIGURE sigstop_detection: unreachable {s:?} (target <= 5 s median) {}; down {sd:?}",
        verdict(s <= Duration::from_secs(5))
    );
}
