//! Local agent runtime benchmarks: mabeam against raw ractor, both in the same run.
//!
//! Groups (each ends with `RATIO` lines; all of them are repeated at the very end):
//! - `local_call`: one request/reply round trip to an idle counter. Raw: `ractor::call!` on a
//!   plain actor (no timeout) and `ractor::call_t!` with 5 s; mabeam:
//!   `agent.call(Get).no_timeout().await` and `agent.call(Get).await` (the system's default
//!   5 s timeout). Two figures per variant: `p50(samples)`, the median of criterion's
//!   per-sample ns/call (each sample is a mean over many calls), and `p50(per-call)` from a
//!   second pass that times every call on its own, raw and mabeam interleaved in blocks.
//!   Target: mabeam <= 1.15x raw.
//! - `local_cast`: batches of 10 000 casts (`Add(1)`) followed by one call, so the batch is
//!   only done once the actor has handled every cast. Criterion's figure, then an
//!   interleaved pass (raw and mabeam batches alternating, each timed). Target: mabeam
//!   throughput >= 0.87x.
//! - `local_spawn`: `spawn_only` times spawning only (raw `Actor::spawn(None, ..)`, mabeam
//!   `system.spawn(id, Counter::default)`); everything spawned in a sample is stopped after
//!   its clock stops. `spawn_stop` times spawn followed by a full stop (raw `stop_and_wait`,
//!   mabeam `system.stop_agent(id)`). Target: mabeam <= 1.2x. Also an informational
//!   baseline without a target, `ractor_supervised_*`: a plain ractor supervisor actor that
//!   spawns linked children (and stops them) on request, i.e. the same two extra mailbox hops
//!   mabeam's root supervisor takes; and a per-operation pass (raw and mabeam interleaved).
//!
//! Every measuring loop runs inside a tokio worker thread (multi-thread runtime, 2 workers):
//! `iter_custom` hands the loop to `tokio::spawn` and returns the time the task measured.
//!
//! Run with `cargo bench -p mabeam-benches --bench local` (a criterion filter after `--`
//! selects groups, e.g. `-- local_cast`).

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use criterion::{Criterion, SamplingMode, Throughput};
use mabeam_actors::{AgentRef, AgentSystem};
use mabeam_benches::{
    fmt_ns, fmt_rate, in_worker, percentile, print_latency_table, Bound, Counter, CounterAction,
    Ratio, RawCounter, RawMsg, RawSupervisor, RawSupervisorMsg, Samples,
};
use ractor::{call, call_t, Actor, ActorRef};
use tokio::runtime::Runtime;

/// Measured samples per criterion function.
const SAMPLE_SIZE: usize = 30;
/// Casts per batch in `local_cast`.
const CAST_BATCH: u64 = 10_000;
/// Batches per side in the interleaved cast pass.
const CAST_ROUNDS: usize = 150;
/// Spec targets (mabeam / raw).
const CALL_TARGET: f64 = 1.15;
const CAST_TARGET: f64 = 0.87;
const SPAWN_TARGET: f64 = 1.2;
/// The per-call latency pass: rounds × block calls per side and variant.
const PER_CALL_ROUNDS: usize = 100;
const PER_CALL_BLOCK: usize = 1_000;

/// The per-operation spawn pass: rounds × block operations per side and variant.
const SPAWN_ROUNDS: usize = 20;
const SPAWN_BLOCK: usize = 250;
/// Unique agent ids across the whole run.
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

fn fresh_ids(n: u64) -> Vec<String> {
    (0..n)
        .map(|_| format!("spawn-{}", NEXT_ID.fetch_add(1, Ordering::Relaxed)))
        .collect()
}

fn main() {
    let (mut c, rt, system) = mabeam_benches::setup(SAMPLE_SIZE);

    let mut ratios = Vec::new();
    ratios.extend(bench_call(&mut c, &rt, &system));
    ratios.extend(bench_cast(&mut c, &rt, &system));
    ratios.extend(bench_spawn(&mut c, &rt, &system));

    c.final_summary();
    println!(
        "\n==== mabeam / ractor summary ({} ratios) ====",
        ratios.len()
    );
    for ratio in &ratios {
        println!("{}", ratio.line());
    }
    in_worker(&rt, async move { system.shutdown().await });
}

/// Prints a group's ratio lines and hands them on.
fn report(ratios: Vec<Ratio>) -> Vec<Ratio> {
    println!();
    for ratio in &ratios {
        println!("{}", ratio.line());
    }
    println!();
    ratios
}

/// A latency ratio from two sample sets (skipped when a side was filtered out).
fn latency_ratio(
    name: &str,
    what: &'static str,
    mabeam: &Samples,
    raw: &Samples,
    target: f64,
) -> Option<Ratio> {
    let (m, r) = (mabeam.median(SAMPLE_SIZE)?, raw.median(SAMPLE_SIZE)?);
    Some(Ratio {
        name: name.to_owned(),
        what,
        mabeam: fmt_ns(m),
        raw: fmt_ns(r),
        ratio: m / r,
        target,
        bound: Bound::AtMost,
    })
}

fn spawn_raw(rt: &Runtime) -> ActorRef<RawMsg> {
    in_worker(rt, async {
        Actor::spawn(None, RawCounter, ())
            .await
            .expect("spawn the raw actor")
            .0
    })
}

fn spawn_agent(rt: &Runtime, system: &AgentSystem, id: &'static str) -> AgentRef<Counter> {
    let system = system.clone();
    in_worker(rt, async move {
        system
            .spawn(id, Counter::default)
            .await
            .expect("spawn the agent")
    })
}

fn bench_call(c: &mut Criterion, rt: &Runtime, system: &AgentSystem) -> Vec<Ratio> {
    let raw = spawn_raw(rt);
    let agent = spawn_agent(rt, system, "call-bench");
    let (mut raw_nt, mut agent_nt) = (Samples::default(), Samples::default());
    let (mut raw_t, mut agent_t) = (Samples::default(), Samples::default());

    let mut group = c.benchmark_group("local_call");
    group.sample_size(SAMPLE_SIZE);
    group.bench_function("ractor_call_no_timeout", |b| {
        b.iter_custom(|iters| {
            let raw = raw.clone();
            let elapsed = in_worker(rt, async move {
                mabeam_benches::time_iters!(iters, call!(raw, RawMsg::Get).expect("raw call"))
            });
            raw_nt.record(elapsed, iters)
        })
    });
    group.bench_function("mabeam_call_no_timeout", |b| {
        b.iter_custom(|iters| {
            let agent = agent.clone();
            let elapsed = in_worker(rt, async move {
                mabeam_benches::time_iters!(
                    iters,
                    agent
                        .call(CounterAction::Get)
                        .no_timeout()
                        .await
                        .expect("agent call"),
                )
            });
            agent_nt.record(elapsed, iters)
        })
    });
    group.bench_function("ractor_call_timeout_5s", |b| {
        b.iter_custom(|iters| {
            let raw = raw.clone();
            let elapsed = in_worker(rt, async move {
                mabeam_benches::time_iters!(
                    iters,
                    call_t!(raw, RawMsg::Get, 5_000).expect("raw call")
                )
            });
            raw_t.record(elapsed, iters)
        })
    });
    group.bench_function("mabeam_call_timeout_5s", |b| {
        b.iter_custom(|iters| {
            let agent = agent.clone();
            let elapsed = in_worker(rt, async move {
                // The system's default call timeout: 5 s.
                mabeam_benches::time_iters!(
                    iters,
                    agent.call(CounterAction::Get).await.expect("agent call")
                )
            });
            agent_t.record(elapsed, iters)
        })
    });
    group.finish();

    let mut ratios = Vec::new();
    ratios.extend(latency_ratio(
        "local_call_no_timeout",
        "p50(samples)",
        &agent_nt,
        &raw_nt,
        CALL_TARGET,
    ));
    ratios.extend(latency_ratio(
        "local_call_timeout_5s",
        "p50(samples)",
        &agent_t,
        &raw_t,
        CALL_TARGET,
    ));

    if ![&raw_nt, &agent_nt, &raw_t, &agent_t]
        .iter()
        .all(|s| s.is_empty())
    {
        ratios.extend(per_call_pass(rt, &raw, &agent));
    }

    in_worker(rt, {
        let system = system.clone();
        async move {
            raw.stop_and_wait(None, None).await.expect("stop raw actor");
            system.stop_agent("call-bench").await.expect("stop agent");
        }
    });
    report(ratios)
}

/// Per-call latencies of the four `local_call` variants, interleaved.
fn per_call_pass(rt: &Runtime, raw: &ActorRef<RawMsg>, agent: &AgentRef<Counter>) -> Vec<Ratio> {
    let mut ratios = Vec::new();
    // Per-call latencies: every call timed on its own, raw and mabeam interleaved in blocks
    // (alternating which goes first) so drift hits both alike. Includes one `Instant::now()`
    // pair per call on both sides.
    let per_call = {
        let (raw, agent) = (raw.clone(), agent.clone());
        in_worker(rt, async move {
            mabeam_benches::interleaved_calls!(
                PER_CALL_ROUNDS,
                PER_CALL_BLOCK,
                call!(raw, RawMsg::Get).expect("raw call"),
                agent
                    .call(CounterAction::Get)
                    .no_timeout()
                    .await
                    .expect("agent call"),
                call_t!(raw, RawMsg::Get, 5_000).expect("raw call"),
                agent.call(CounterAction::Get).await.expect("agent call"),
            )
        })
    };
    let (clock_ns, lat) = per_call;
    println!(
        "\nper-call latencies ({} calls each, Instant::now() costs {clock_ns:.0} ns, included on both sides):",
        PER_CALL_ROUNDS * PER_CALL_BLOCK
    );
    let names = [
        "ractor call!",
        "mabeam call no_timeout",
        "ractor call_t! 5s",
        "mabeam call (default 5s)",
    ];
    print_latency_table(&names, &lat);
    for (name, m, r) in [
        ("local_call_no_timeout_per_call", &lat[1], &lat[0]),
        ("local_call_timeout_5s_per_call", &lat[3], &lat[2]),
    ] {
        let (m, r) = (percentile(m, 50.0).unwrap(), percentile(r, 50.0).unwrap());
        ratios.push(Ratio {
            name: name.to_owned(),
            what: "p50(per-call)",
            mabeam: fmt_ns(m),
            raw: fmt_ns(r),
            ratio: m / r,
            target: CALL_TARGET,
            bound: Bound::AtMost,
        });
    }

    ratios
}

fn bench_cast(c: &mut Criterion, rt: &Runtime, system: &AgentSystem) -> Vec<Ratio> {
    let raw = spawn_raw(rt);
    let agent = spawn_agent(rt, system, "cast-bench");
    let (mut raw_s, mut agent_s) = (Samples::default(), Samples::default());

    let mut group = c.benchmark_group("local_cast");
    group.sample_size(SAMPLE_SIZE);
    group.throughput(Throughput::Elements(CAST_BATCH));
    // A batch takes milliseconds: the same number of batches in every sample.
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("ractor_cast_10k_then_call", |b| {
        b.iter_custom(|iters| {
            let raw = raw.clone();
            let elapsed = in_worker(rt, async move {
                let start = Instant::now();
                for _ in 0..iters {
                    for _ in 0..CAST_BATCH {
                        raw.cast(RawMsg::Add(1)).expect("raw cast");
                    }
                    black_box(call!(raw, RawMsg::Get).expect("raw flush call"));
                }
                start.elapsed()
            });
            raw_s.record(elapsed, iters)
        })
    });
    group.bench_function("mabeam_cast_10k_then_call", |b| {
        b.iter_custom(|iters| {
            let agent = agent.clone();
            let elapsed = in_worker(rt, async move {
                let start = Instant::now();
                for _ in 0..iters {
                    for _ in 0..CAST_BATCH {
                        agent.cast(CounterAction::Add(1)).expect("agent cast");
                    }
                    black_box(
                        agent
                            .call(CounterAction::Get)
                            .no_timeout()
                            .await
                            .expect("agent flush call"),
                    );
                }
                start.elapsed()
            });
            agent_s.record(elapsed, iters)
        })
    });
    group.finish();

    let mut ratios = Vec::new();
    if let (Some(m), Some(r)) = (agent_s.median(SAMPLE_SIZE), raw_s.median(SAMPLE_SIZE)) {
        let (m_rate, r_rate) = (CAST_BATCH as f64 * 1e9 / m, CAST_BATCH as f64 * 1e9 / r);
        ratios.push(Ratio {
            name: "local_cast_throughput".to_owned(),
            what: "p50(samples)",
            mabeam: fmt_rate(m_rate),
            raw: fmt_rate(r_rate),
            ratio: m_rate / r_rate,
            target: CAST_TARGET,
            bound: Bound::AtLeast,
        });
        ratios.extend(cast_interleaved_pass(rt, &raw, &agent));
    }

    in_worker(rt, {
        let system = system.clone();
        async move {
            raw.stop_and_wait(None, None).await.expect("stop raw actor");
            system.stop_agent("cast-bench").await.expect("stop agent");
        }
    });
    report(ratios)
}

/// Cast batches timed one by one, raw and mabeam alternating (which goes first alternates
/// too), so both see the same scheduling conditions.
fn cast_interleaved_pass(
    rt: &Runtime,
    raw: &ActorRef<RawMsg>,
    agent: &AgentRef<Counter>,
) -> Vec<Ratio> {
    let (raw, agent) = (raw.clone(), agent.clone());
    let [raw_ns, agent_ns] = in_worker(rt, async move {
        let mut lat: [Vec<f64>; 2] = Default::default();
        for round in 0..CAST_ROUNDS {
            for side in 0..2 {
                let t = Instant::now();
                if (side + round) % 2 == 0 {
                    for _ in 0..CAST_BATCH {
                        raw.cast(RawMsg::Add(1)).expect("raw cast");
                    }
                    black_box(call!(raw, RawMsg::Get).expect("raw flush call"));
                    lat[0].push(t.elapsed().as_nanos() as f64);
                } else {
                    for _ in 0..CAST_BATCH {
                        agent.cast(CounterAction::Add(1)).expect("agent cast");
                    }
                    black_box(
                        agent
                            .call(CounterAction::Get)
                            .no_timeout()
                            .await
                            .expect("agent flush call"),
                    );
                    lat[1].push(t.elapsed().as_nanos() as f64);
                }
            }
        }
        lat
    });
    let rate = |ns: f64| CAST_BATCH as f64 * 1e9 / ns;
    let (r, m) = (
        percentile(&raw_ns, 50.0).expect("batches"),
        percentile(&agent_ns, 50.0).expect("batches"),
    );
    println!(
        "\ninterleaved cast batches ({CAST_ROUNDS} each): ractor p50 {} ({}), mabeam p50 {} ({})",
        fmt_ns(r),
        fmt_rate(rate(r)),
        fmt_ns(m),
        fmt_rate(rate(m))
    );
    vec![Ratio {
        name: "local_cast_throughput_interleaved".to_owned(),
        what: "p50(per-batch)",
        mabeam: fmt_rate(rate(m)),
        raw: fmt_rate(rate(r)),
        ratio: rate(m) / rate(r),
        target: CAST_TARGET,
        bound: Bound::AtLeast,
    }]
}

fn bench_spawn(c: &mut Criterion, rt: &Runtime, system: &AgentSystem) -> Vec<Ratio> {
    let (mut raw_only, mut agent_only) = (Samples::default(), Samples::default());
    let (mut raw_stop, mut agent_stop) = (Samples::default(), Samples::default());
    let (mut sup_only, mut sup_stop) = (Samples::default(), Samples::default());

    let mut group = c.benchmark_group("local_spawn");
    group.sample_size(SAMPLE_SIZE);
    // Every sample spawns the same number of actors, so the number alive while spawning is
    // alike in every sample.
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("ractor_spawn_only", |b| {
        b.iter_custom(|iters| {
            let elapsed = in_worker(rt, async move {
                let mut spawned = Vec::with_capacity(iters as usize);
                let start = Instant::now();
                for _ in 0..iters {
                    spawned.push(
                        Actor::spawn(None, RawCounter, ())
                            .await
                            .expect("spawn raw actor"),
                    );
                }
                let elapsed = start.elapsed();
                // Untimed: stop them all and wait until they are gone.
                for (actor, _) in &spawned {
                    actor.stop(None);
                }
                for (_, handle) in spawned {
                    handle.await.expect("raw actor task");
                }
                elapsed
            });
            raw_only.record(elapsed, iters)
        })
    });
    group.bench_function("mabeam_spawn_only", |b| {
        b.iter_custom(|iters| {
            let system = system.clone();
            let elapsed = in_worker(rt, async move {
                let ids = fresh_ids(iters);
                let mut spawned = Vec::with_capacity(iters as usize);
                let start = Instant::now();
                for id in &ids {
                    spawned.push(
                        system
                            .spawn(id.as_str(), Counter::default)
                            .await
                            .expect("spawn agent"),
                    );
                }
                let elapsed = start.elapsed();
                // Untimed: stop them all, then let the root supervisor drain its queue.
                for id in &ids {
                    system.stop_agent(id).await.expect("stop agent");
                }
                system.root().children().await.expect("root supervisor");
                drop(spawned);
                elapsed
            });
            agent_only.record(elapsed, iters)
        })
    });
    group.bench_function("ractor_supervised_spawn_only", |b| {
        b.iter_custom(|iters| {
            let elapsed = in_worker(rt, async move {
                let (sup, sup_task) = Actor::spawn(None, RawSupervisor, ())
                    .await
                    .expect("spawn raw supervisor");
                let mut spawned = Vec::with_capacity(iters as usize);
                let start = Instant::now();
                for _ in 0..iters {
                    spawned.push(call!(sup, RawSupervisorMsg::Spawn).expect("supervised spawn"));
                }
                let elapsed = start.elapsed();
                // Untimed: stop the children, then the supervisor.
                for child in spawned {
                    call!(sup, RawSupervisorMsg::Stop, child).expect("supervised stop");
                }
                sup.stop(None);
                sup_task.await.expect("raw supervisor task");
                elapsed
            });
            sup_only.record(elapsed, iters)
        })
    });
    group.sampling_mode(SamplingMode::Auto);
    group.bench_function("ractor_spawn_stop", |b| {
        b.iter_custom(|iters| {
            let elapsed = in_worker(rt, async move {
                let start = Instant::now();
                for _ in 0..iters {
                    let (actor, _handle) = Actor::spawn(None, RawCounter, ())
                        .await
                        .expect("spawn raw actor");
                    actor
                        .stop_and_wait(None, None)
                        .await
                        .expect("stop raw actor");
                }
                start.elapsed()
            });
            raw_stop.record(elapsed, iters)
        })
    });
    group.bench_function("mabeam_spawn_stop", |b| {
        b.iter_custom(|iters| {
            let system = system.clone();
            let elapsed = in_worker(rt, async move {
                let ids = fresh_ids(iters);
                let start = Instant::now();
                for id in &ids {
                    let agent = system
                        .spawn(id.as_str(), Counter::default)
                        .await
                        .expect("spawn agent");
                    system.stop_agent(id).await.expect("stop agent");
                    drop(agent);
                }
                start.elapsed()
            });
            agent_stop.record(elapsed, iters)
        })
    });
    group.bench_function("ractor_supervised_spawn_stop", |b| {
        b.iter_custom(|iters| {
            let elapsed = in_worker(rt, async move {
                let (sup, sup_task) = Actor::spawn(None, RawSupervisor, ())
                    .await
                    .expect("spawn raw supervisor");
                let start = Instant::now();
                for _ in 0..iters {
                    let child = call!(sup, RawSupervisorMsg::Spawn).expect("supervised spawn");
                    call!(sup, RawSupervisorMsg::Stop, child).expect("supervised stop");
                }
                let elapsed = start.elapsed();
                sup.stop(None);
                sup_task.await.expect("raw supervisor task");
                elapsed
            });
            sup_stop.record(elapsed, iters)
        })
    });
    group.finish();

    // Informational: mabeam against a plain-ractor supervisor that spawns/stops on request
    // (two extra mailbox hops per operation, like mabeam's root supervisor); no target.
    for (name, m, r) in [
        ("local_spawn_only", &agent_only, &sup_only),
        ("local_spawn_stop", &agent_stop, &sup_stop),
    ] {
        if let (Some(m), Some(r)) = (m.median(SAMPLE_SIZE), r.median(SAMPLE_SIZE)) {
            println!(
                "INFO {name} vs ractor-via-supervisor: mabeam p50(samples) {} / supervised ractor p50(samples) {} = {:.2}x (no target)",
                fmt_ns(m),
                fmt_ns(r),
                m / r
            );
        }
    }

    let mut ratios = Vec::new();
    ratios.extend(latency_ratio(
        "local_spawn_only",
        "p50(samples)",
        &agent_only,
        &raw_only,
        SPAWN_TARGET,
    ));
    ratios.extend(latency_ratio(
        "local_spawn_stop",
        "p50(samples)",
        &agent_stop,
        &raw_stop,
        SPAWN_TARGET,
    ));

    if ![&raw_only, &agent_only, &raw_stop, &agent_stop]
        .iter()
        .all(|s| s.is_empty())
    {
        ratios.extend(spawn_per_op_pass(rt, system));
    }
    report(ratios)
}

/// Per-operation latencies of spawn and spawn+stop, raw and mabeam interleaved.
fn spawn_per_op_pass(rt: &Runtime, system: &AgentSystem) -> Vec<Ratio> {
    let mut ratios = Vec::new();
    // Per-operation latencies: every spawn (and spawn+stop) timed on its own, raw and mabeam
    // interleaved in blocks, rotating the order every round.
    let system = system.clone();
    let lat = in_worker(rt, async move {
        let (sup, sup_task) = Actor::spawn(None, RawSupervisor, ())
            .await
            .expect("spawn raw supervisor");
        let mut lat: [Vec<f64>; 6] = Default::default();
        for round in 0..SPAWN_ROUNDS {
            for side in 0..6 {
                match (side + round) % 6 {
                    0 => {
                        let mut spawned = Vec::with_capacity(SPAWN_BLOCK);
                        for _ in 0..SPAWN_BLOCK {
                            let t = Instant::now();
                            let actor = Actor::spawn(None, RawCounter, ())
                                .await
                                .expect("spawn raw actor");
                            lat[0].push(t.elapsed().as_nanos() as f64);
                            spawned.push(actor);
                        }
                        for (actor, _) in &spawned {
                            actor.stop(None);
                        }
                        for (_, handle) in spawned {
                            handle.await.expect("raw actor task");
                        }
                    }
                    1 => {
                        let ids = fresh_ids(SPAWN_BLOCK as u64);
                        let mut spawned = Vec::with_capacity(SPAWN_BLOCK);
                        for id in &ids {
                            let t = Instant::now();
                            let agent = system
                                .spawn(id.as_str(), Counter::default)
                                .await
                                .expect("spawn agent");
                            lat[1].push(t.elapsed().as_nanos() as f64);
                            spawned.push(agent);
                        }
                        for id in &ids {
                            system.stop_agent(id).await.expect("stop agent");
                        }
                        system.root().children().await.expect("root supervisor");
                    }
                    2 => {
                        for _ in 0..SPAWN_BLOCK {
                            let t = Instant::now();
                            let (actor, _handle) = Actor::spawn(None, RawCounter, ())
                                .await
                                .expect("spawn raw actor");
                            actor
                                .stop_and_wait(None, None)
                                .await
                                .expect("stop raw actor");
                            lat[2].push(t.elapsed().as_nanos() as f64);
                        }
                    }
                    4 => {
                        let mut spawned = Vec::with_capacity(SPAWN_BLOCK);
                        for _ in 0..SPAWN_BLOCK {
                            let t = Instant::now();
                            let child =
                                call!(sup, RawSupervisorMsg::Spawn).expect("supervised spawn");
                            lat[4].push(t.elapsed().as_nanos() as f64);
                            spawned.push(child);
                        }
                        for child in spawned {
                            call!(sup, RawSupervisorMsg::Stop, child).expect("supervised stop");
                        }
                    }
                    5 => {
                        for _ in 0..SPAWN_BLOCK {
                            let t = Instant::now();
                            let child =
                                call!(sup, RawSupervisorMsg::Spawn).expect("supervised spawn");
                            call!(sup, RawSupervisorMsg::Stop, child).expect("supervised stop");
                            lat[5].push(t.elapsed().as_nanos() as f64);
                        }
                    }
                    _ => {
                        for id in fresh_ids(SPAWN_BLOCK as u64) {
                            let t = Instant::now();
                            let agent = system
                                .spawn(id.as_str(), Counter::default)
                                .await
                                .expect("spawn agent");
                            system.stop_agent(&id).await.expect("stop agent");
                            lat[3].push(t.elapsed().as_nanos() as f64);
                            drop(agent);
                        }
                    }
                }
            }
        }
        sup.stop(None);
        sup_task.await.expect("raw supervisor task");
        lat
    });
    println!(
        "per-operation latencies ({} each, interleaved):",
        SPAWN_ROUNDS * SPAWN_BLOCK
    );
    let names = [
        "ractor spawn",
        "mabeam spawn",
        "ractor spawn+stop",
        "mabeam spawn+stop",
        "supervised ractor spawn",
        "supervised ractor spawn+stop",
    ];
    for (name, values) in names.iter().zip(&lat) {
        let p = |q| fmt_ns(percentile(values, q).unwrap_or(f64::NAN));
        println!(
            "  {name:<28} p50 {:>9}  p90 {:>9}  p99 {:>9}",
            p(50.0),
            p(90.0),
            p(99.0)
        );
    }
    for (name, m, r) in [
        ("local_spawn_only_per_op", &lat[1], &lat[4]),
        ("local_spawn_stop_per_op", &lat[3], &lat[5]),
    ] {
        let (m, r) = (percentile(m, 50.0).unwrap(), percentile(r, 50.0).unwrap());
        println!(
            "INFO {name} vs ractor-via-supervisor: mabeam p50(per-op) {} / supervised ractor p50(per-op) {} = {:.2}x (no target)",
            fmt_ns(m),
            fmt_ns(r),
            m / r
        );
    }
    for (name, m, r) in [
        ("local_spawn_only_per_op", &lat[1], &lat[0]),
        ("local_spawn_stop_per_op", &lat[3], &lat[2]),
    ] {
        let (m, r) = (percentile(m, 50.0).unwrap(), percentile(r, 50.0).unwrap());
        ratios.push(Ratio {
            name: name.to_owned(),
            what: "p50(per-op)",
            mabeam: fmt_ns(m),
            raw: fmt_ns(r),
            ratio: m / r,
            target: SPAWN_TARGET,
            bound: Bound::AtMost,
        });
    }
    ratios
}
