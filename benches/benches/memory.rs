//! Resident memory per idle agent against a raw ractor actor (not a criterion bench).
//!
//! Spawns 20 000 idle raw ractor actors (unsupervised, `Actor::spawn(None, ..)`) and
//! 20 000 idle agents (`system.spawn(id, Counter::default)`), and reports the RSS growth per
//! actor (from `/proc/self/statm`, resident pages × 4096, read after a settle), the time per
//! spawn, and the ratio. Target: mabeam <= 1.25x raw.
//!
//! Two measurements:
//! - **fresh process** (the headline figure): each kind is measured in its own child process
//!   (this binary re-run with `--child raw|agent`), so neither can reuse heap pages the other
//!   freed. Repeated `ROUNDS` times per kind; the median is reported.
//! - **one process**: raw actors spawned, measured, stopped; then agents spawned and measured
//!   in the same process. Printed for reference only: the agents can reuse the heap pages the
//!   stopped raw actors left resident (glibc keeps freed chunks), which understates their
//!   growth.
//!
//! Run with `cargo bench -p mabeam-benches --bench memory`.

use std::process::Command;
use std::time::{Duration, Instant};

use mabeam_actors::AgentSystem;
use mabeam_benches::{in_worker, median, rss_bytes, runtime, Counter, RawCounter, RawMsg};
use ractor::{Actor, ActorRef};
use tokio::runtime::Runtime;

/// Actors per measurement.
const N: usize = 20_000;
/// Spawned and stopped before measuring, so one-time allocations are not counted.
const WARM_UP: usize = 200;
/// How long to let things settle before reading RSS.
const SETTLE: Duration = Duration::from_millis(300);
/// Child processes per kind.
const ROUNDS: usize = 3;
/// Spec target (mabeam / raw).
const TARGET: f64 = 1.25;

#[derive(Debug, Clone, Copy)]
struct Measured {
    bytes_per_actor: f64,
    spawn_ns: f64,
}

/// Spawns `n` idle raw actors, measures, and stops them.
fn measure_raw(rt: &Runtime, n: usize) -> Measured {
    in_worker(rt, async move {
        tokio::time::sleep(SETTLE).await;
        let before = rss_bytes();
        let mut actors: Vec<(ActorRef<RawMsg>, _)> = Vec::with_capacity(n);
        let start = Instant::now();
        for _ in 0..n {
            actors.push(
                Actor::spawn(None, RawCounter, ())
                    .await
                    .expect("spawn raw actor"),
            );
        }
        let spawn = start.elapsed();
        tokio::time::sleep(SETTLE).await;
        let after = rss_bytes();
        for (actor, _) in &actors {
            actor.stop(None);
        }
        for (_, handle) in actors {
            handle.await.expect("raw actor task");
        }
        Measured {
            bytes_per_actor: after.saturating_sub(before) as f64 / n as f64,
            spawn_ns: spawn.as_nanos() as f64 / n as f64,
        }
    })
}

/// Spawns `n` idle agents, measures, and stops them.
fn measure_agents(rt: &Runtime, system: &AgentSystem, n: usize, tag: &str) -> Measured {
    let system = system.clone();
    let ids: Vec<String> = (0..n).map(|i| format!("{tag}-{i}")).collect();
    in_worker(rt, async move {
        tokio::time::sleep(SETTLE).await;
        let before = rss_bytes();
        let mut agents = Vec::with_capacity(n);
        let start = Instant::now();
        for id in &ids {
            agents.push(
                system
                    .spawn(id.as_str(), Counter::default)
                    .await
                    .expect("spawn agent"),
            );
        }
        let spawn = start.elapsed();
        tokio::time::sleep(SETTLE).await;
        let after = rss_bytes();
        for id in &ids {
            system.stop_agent(id).await.expect("stop agent");
        }
        drop(agents);
        Measured {
            bytes_per_actor: after.saturating_sub(before) as f64 / n as f64,
            spawn_ns: spawn.as_nanos() as f64 / n as f64,
        }
    })
}

fn start_system(rt: &Runtime) -> AgentSystem {
    in_worker(rt, async {
        AgentSystem::builder()
            .name("memory")
            .start()
            .await
            .expect("start the agent system")
    })
}

/// Child mode: measure one kind in this fresh process and print one parseable line.
fn child(kind: &str) {
    let rt = runtime();
    let system = start_system(&rt);
    // Warm up both kinds alike (runtime, ractor and registry structures, the supervisor).
    measure_raw(&rt, WARM_UP);
    measure_agents(&rt, &system, WARM_UP, "warm");
    let m = match kind {
        "raw" => measure_raw(&rt, N),
        "agent" => measure_agents(&rt, &system, N, "agent"),
        other => panic!("unknown kind {other:?}"),
    };
    println!("CHILD {kind} {} {}", m.bytes_per_actor, m.spawn_ns);
    in_worker(&rt, async move { system.shutdown().await });
}

fn run_child(kind: &str) -> Measured {
    let exe = std::env::current_exe().expect("current exe");
    let out = Command::new(exe)
        .args(["--child", kind])
        .output()
        .expect("run child");
    assert!(out.status.success(), "child {kind} failed: {out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.starts_with("CHILD "))
        .unwrap_or_else(|| panic!("no result from child {kind}: {stdout}"));
    let fields: Vec<f64> = line
        .split_whitespace()
        .skip(2)
        .map(|f| f.parse().expect("number"))
        .collect();
    Measured {
        bytes_per_actor: fields[0],
        spawn_ns: fields[1],
    }
}

fn print_pair(label: &str, raw: Measured, agent: Measured) -> f64 {
    let ratio = agent.bytes_per_actor / raw.bytes_per_actor;
    println!("{label}:");
    println!(
        "  ractor actor: {:>7.0} bytes/actor, spawn {:>6.2} µs/actor",
        raw.bytes_per_actor,
        raw.spawn_ns / 1_000.0
    );
    println!(
        "  mabeam agent: {:>7.0} bytes/agent, spawn {:>6.2} µs/agent",
        agent.bytes_per_actor,
        agent.spawn_ns / 1_000.0
    );
    println!(
        "  ratio {ratio:.2}x memory, {:.2}x spawn time",
        agent.spawn_ns / raw.spawn_ns
    );
    ratio
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(pos) = args.iter().position(|a| a == "--child") {
        child(args.get(pos + 1).map(String::as_str).unwrap_or(""));
        return;
    }
    let started = Instant::now();
    println!("memory: {N} idle actors per kind, RSS from /proc/self/statm (pages x 4096)\n");

    // One process, raw first then agents, as a reference.
    let one = {
        let rt = runtime();
        let system = start_system(&rt);
        measure_raw(&rt, WARM_UP);
        measure_agents(&rt, &system, WARM_UP, "warm");
        let raw = measure_raw(&rt, N);
        let agent = measure_agents(&rt, &system, N, "agent");
        in_worker(&rt, async move { system.shutdown().await });
        (raw, agent)
    };

    // Fresh processes, alternating kinds.
    let mut raws = Vec::new();
    let mut agents = Vec::new();
    for _ in 0..ROUNDS {
        raws.push(run_child("raw"));
        agents.push(run_child("agent"));
    }
    for (i, (r, a)) in raws.iter().zip(&agents).enumerate() {
        println!(
            "fresh process round {}: ractor {:.0} B/actor ({:.2} µs/spawn), mabeam {:.0} B/agent ({:.2} µs/spawn)",
            i + 1,
            r.bytes_per_actor,
            r.spawn_ns / 1_000.0,
            a.bytes_per_actor,
            a.spawn_ns / 1_000.0
        );
    }
    let med = |v: &[Measured], f: fn(&Measured) -> f64| {
        median(&v.iter().map(f).collect::<Vec<_>>()).expect("rounds")
    };
    let fresh_raw = Measured {
        bytes_per_actor: med(&raws, |m| m.bytes_per_actor),
        spawn_ns: med(&raws, |m| m.spawn_ns),
    };
    let fresh_agent = Measured {
        bytes_per_actor: med(&agents, |m| m.bytes_per_actor),
        spawn_ns: med(&agents, |m| m.spawn_ns),
    };
    println!();
    let ratio = print_pair(
        &format!("fresh process per kind (median of {ROUNDS})"),
        fresh_raw,
        fresh_agent,
    );
    print_pair(
        "one process, raw then agents (reference; agents reuse freed pages)",
        one.0,
        one.1,
    );
    println!(
        "\nRATIO rss_per_idle_agent: mabeam {:.0} B / ractor {:.0} B = {ratio:.3}x (target <= {TARGET:.2}x) {}",
        fresh_agent.bytes_per_actor,
        fresh_raw.bytes_per_actor,
        if ratio <= TARGET { "MET" } else { "MISSED" }
    );
    println!(
        "spawn time while filling memory: mabeam {:.2} µs / ractor {:.2} µs = {:.2}x",
        fresh_agent.spawn_ns / 1_000.0,
        fresh_raw.spawn_ns / 1_000.0,
        fresh_agent.spawn_ns / fresh_raw.spawn_ns
    );
    println!("(total {:.1} s)", started.elapsed().as_secs_f64());
}
