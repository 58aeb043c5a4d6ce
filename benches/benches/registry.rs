//! Local registry lookup against a plain `DashMap`, in the same run.
//!
//! - **baseline**: a `dashmap::DashMap<String, ActorRef<RawMsg>>` holding [`ENTRIES`] raw
//!   ractor actors; one lookup is `map.get(id).map(|e| e.value().clone())`.
//! - **mabeam**: an agent system with [`ENTRIES`] `Counter` agents; one lookup is
//!   `system.registry().lookup::<Counter>(id)` (the typed `AgentRef`, or a typed error).
//!
//! Both sides look up the same ids (`r-0` .. `r-9999`) in the same shuffled order, one per
//! iteration, each result going through `black_box` and then dropped (one reference-count
//! decrement on both sides). Every loop runs inside a tokio worker of the 2-worker bench
//! runtime. Two figures:
//! - criterion's (`p50(samples)`: the median of the per-sample mean ns/lookup);
//! - an interleaved pass: [`ROUNDS`] blocks of one lookup of every id per side, the sides
//!   alternating (which goes first alternates too), each block timed; the median ns/lookup.
//!
//! Target (issue 6): mabeam ≤ 1.5× the `DashMap` get.
//!
//! Run with `cargo bench -p mabeam-benches --bench registry`.

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use dashmap::DashMap;
use mabeam_actors::AgentSystem;
use mabeam_benches::{
    fmt_ns, in_worker, percentile, Bound, Counter, Ratio, RawCounter, RawMsg, Samples,
};
use ractor::{Actor, ActorRef};
use tokio::runtime::Runtime;

/// Entries on each side.
const ENTRIES: usize = 10_000;
/// Measured samples per criterion function.
const SAMPLE_SIZE: usize = 50;
/// Blocks per side in the interleaved pass.
const ROUNDS: usize = 200;
/// Target (mabeam / DashMap).
const TARGET: f64 = 1.5;

type RawMap = Arc<DashMap<String, ActorRef<RawMsg>>>;

/// Every id once, in a fixed pseudo-random order (a Fisher–Yates shuffle driven by
/// xorshift64), so consecutive lookups touch unrelated entries, on both sides alike.
fn shuffled_ids() -> Arc<Vec<String>> {
    let mut order: Vec<usize> = (0..ENTRIES).collect();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in (1..ENTRIES).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        order.swap(i, (x % (i as u64 + 1)) as usize);
    }
    Arc::new(order.into_iter().map(|i| format!("r-{i}")).collect())
}

fn fill(rt: &Runtime, system: &AgentSystem) -> RawMap {
    let system = system.clone();
    in_worker(rt, async move {
        let map = DashMap::new();
        for i in 0..ENTRIES {
            let id = format!("r-{i}");
            system
                .spawn(id.as_str(), Counter::default)
                .await
                .expect("spawn an agent");
            let (raw, _) = Actor::spawn(None, RawCounter, ())
                .await
                .expect("spawn a raw actor");
            map.insert(id, raw);
        }
        Arc::new(map)
    })
}

/// One lookup of every id, `DashMap` side; ns per lookup.
fn dashmap_block(map: &RawMap, ids: &[String]) -> f64 {
    let start = Instant::now();
    for id in ids {
        black_box(map.get(id.as_str()).map(|e| e.value().clone()));
    }
    start.elapsed().as_nanos() as f64 / ids.len() as f64
}

/// One lookup of every id, registry side; ns per lookup.
fn registry_block(system: &AgentSystem, ids: &[String]) -> f64 {
    let registry = system.registry();
    let start = Instant::now();
    for id in ids {
        black_box(registry.lookup::<Counter>(id).ok());
    }
    start.elapsed().as_nanos() as f64 / ids.len() as f64
}

fn main() {
    let (mut c, rt, system) = mabeam_benches::setup(SAMPLE_SIZE);
    let map = fill(&rt, &system);
    let ids = shuffled_ids();
    assert_eq!(
        system.registry().lookup::<Counter>("r-0").map(|_| ()),
        Ok(())
    );
    assert!(map.contains_key("r-0"));

    let (mut raw_s, mut agent_s) = (Samples::default(), Samples::default());
    let mut group = c.benchmark_group("registry_lookup");
    group.bench_function("dashmap_get_clone", |b| {
        b.iter_custom(|iters| {
            let (map, ids) = (map.clone(), ids.clone());
            let elapsed = in_worker(&rt, async move {
                let start = Instant::now();
                for k in 0..iters as usize {
                    let id = &ids[k % ENTRIES];
                    black_box(map.get(id.as_str()).map(|e| e.value().clone()));
                }
                start.elapsed()
            });
            raw_s.record(elapsed, iters)
        })
    });
    group.bench_function("mabeam_registry_lookup", |b| {
        b.iter_custom(|iters| {
            let (system, ids) = (system.clone(), ids.clone());
            let elapsed = in_worker(&rt, async move {
                let registry = system.registry();
                let start = Instant::now();
                for k in 0..iters as usize {
                    let id = &ids[k % ENTRIES];
                    black_box(registry.lookup::<Counter>(id).ok());
                }
                start.elapsed()
            });
            agent_s.record(elapsed, iters)
        })
    });
    group.finish();

    let mut ratios = Vec::new();
    if let (Some(m), Some(r)) = (agent_s.median(SAMPLE_SIZE), raw_s.median(SAMPLE_SIZE)) {
        ratios.push(Ratio {
            name: "registry_lookup".to_owned(),
            what: "p50(samples)",
            mabeam: fmt_ns(m),
            raw: fmt_ns(r),
            ratio: m / r,
            target: TARGET,
            bound: Bound::AtMost,
        });
    }

    // Interleaved: whole blocks alternating, so both sides see the same conditions.
    if !(raw_s.is_empty() && agent_s.is_empty()) {
        let (map2, ids2, system2) = (map.clone(), ids.clone(), system.clone());
        let [raw_ns, agent_ns] = in_worker(&rt, async move {
            let mut lat: [Vec<f64>; 2] = Default::default();
            for round in 0..ROUNDS {
                for side in 0..2 {
                    if (side + round) % 2 == 0 {
                        lat[0].push(dashmap_block(&map2, &ids2));
                    } else {
                        lat[1].push(registry_block(&system2, &ids2));
                    }
                }
            }
            lat
        });
        let p = |v: &[f64], q| percentile(v, q).expect("blocks");
        println!(
            "\ninterleaved blocks ({ROUNDS} × {ENTRIES} lookups per side), ns per lookup:\n  DashMap get+clone  p10 {}  p50 {}  p90 {}\n  registry lookup    p10 {}  p50 {}  p90 {}",
            fmt_ns(p(&raw_ns, 10.0)),
            fmt_ns(p(&raw_ns, 50.0)),
            fmt_ns(p(&raw_ns, 90.0)),
            fmt_ns(p(&agent_ns, 10.0)),
            fmt_ns(p(&agent_ns, 50.0)),
            fmt_ns(p(&agent_ns, 90.0)),
        );
        let (m, r) = (p(&agent_ns, 50.0), p(&raw_ns, 50.0));
        ratios.push(Ratio {
            name: "registry_lookup_interleaved".to_owned(),
            what: "p50(per-block)",
            mabeam: fmt_ns(m),
            raw: fmt_ns(r),
            ratio: m / r,
            target: TARGET,
            bound: Bound::AtMost,
        });
    }

    c.final_summary();
    println!();
    for ratio in &ratios {
        println!("{}", ratio.line_with("registry", "DashMap"));
    }
    in_worker(&rt, async move {
        for entry in map.iter() {
            entry.value().stop(None);
        }
        system.shutdown().await;
    });
}
