//! `#[agent]`-generated handle methods against the hand-written agent, both in the same run.
//!
//! One group, `macro_call`: one request/reply round trip to an idle counter.
//! - hand-written: [`Counter`] (a manual `Agent` impl), called with
//!   `agent.call(CounterAction::Get).no_timeout().await` (and `.await` with the system's
//!   default 5 s timeout);
//! - generated: [`MacroCounter`] (the same counter written with `#[agent]`), called through
//!   its generated handle method `generated.get().no_timeout().await` (and `.await`).
//!
//! Two figures per variant, as in the `local` bench: `p50(samples)`, the median of
//! criterion's per-sample ns/call (each sample is a mean over many calls), and
//! `p50(per-call)` from a second pass that times every call on its own, hand-written and
//! generated interleaved in blocks. Target: generated <= 1.05x hand-written.
//!
//! Every measuring loop runs inside a tokio worker thread (multi-thread runtime, 2 workers):
//! `iter_custom` hands the loop to `tokio::spawn` and returns the time the task measured.
//!
//! Run with `cargo bench -p mabeam-benches --bench macro`.

use criterion::Criterion;
use mabeam_actors::{Agent, AgentRef, AgentSystem};
use mabeam_benches::{
    fmt_ns, in_worker, percentile, print_latency_table, Bound, Counter, CounterAction,
    MacroCounter, MacroCounterHandle, Ratio, Samples,
};
use tokio::runtime::Runtime;

/// Measured samples per criterion function.
const SAMPLE_SIZE: usize = 30;
/// Target: generated / hand-written.
const MACRO_TARGET: f64 = 1.05;
/// The per-call latency pass: rounds × block calls per side and variant.
const PER_CALL_ROUNDS: usize = 200;
const PER_CALL_BLOCK: usize = 1_000;
/// How the two sides are named in the `RATIO` lines.
const MEASURED: &str = "generated";
const BASELINE: &str = "hand-written";

fn main() {
    let (mut c, rt, system) = mabeam_benches::setup(SAMPLE_SIZE);

    let ratios = bench_macro_call(&mut c, &rt, &system);

    c.final_summary();
    println!(
        "\n==== generated (#[agent]) / hand-written summary ({} ratios) ====",
        ratios.len()
    );
    for ratio in &ratios {
        println!("{}", ratio.line_with(MEASURED, BASELINE));
    }
    in_worker(&rt, async move { system.shutdown().await });
}

fn spawn<A, F>(rt: &Runtime, system: &AgentSystem, id: &'static str, make: F) -> AgentRef<A>
where
    A: Agent,
    F: Fn() -> A + Send + Sync + 'static,
{
    let system = system.clone();
    in_worker(rt, async move {
        system.spawn(id, make).await.expect("spawn the agent")
    })
}

/// A latency ratio from two sample sets (skipped when a side was filtered out).
fn latency_ratio(name: &str, generated: &Samples, hand: &Samples) -> Option<Ratio> {
    let (g, h) = (generated.median(SAMPLE_SIZE)?, hand.median(SAMPLE_SIZE)?);
    Some(Ratio {
        name: name.to_owned(),
        what: "p50(samples)",
        mabeam: fmt_ns(g),
        raw: fmt_ns(h),
        ratio: g / h,
        target: MACRO_TARGET,
        bound: Bound::AtMost,
    })
}

fn bench_macro_call(c: &mut Criterion, rt: &Runtime, system: &AgentSystem) -> Vec<Ratio> {
    let hand = spawn(rt, system, "macro-bench-hand", Counter::default);
    let generated = spawn(rt, system, "macro-bench-generated", MacroCounter::default);
    let (mut hand_nt, mut gen_nt) = (Samples::default(), Samples::default());
    let (mut hand_t, mut gen_t) = (Samples::default(), Samples::default());

    let mut group = c.benchmark_group("macro_call");
    group.sample_size(SAMPLE_SIZE);
    group.bench_function("hand_written_call_no_timeout", |b| {
        b.iter_custom(|iters| {
            let hand = hand.clone();
            let elapsed = in_worker(rt, async move {
                mabeam_benches::time_iters!(
                    iters,
                    hand.call(CounterAction::Get)
                        .no_timeout()
                        .await
                        .expect("hand-written call"),
                )
            });
            hand_nt.record(elapsed, iters)
        })
    });
    group.bench_function("generated_call_no_timeout", |b| {
        b.iter_custom(|iters| {
            let generated = generated.clone();
            let elapsed = in_worker(rt, async move {
                mabeam_benches::time_iters!(
                    iters,
                    generated.get().no_timeout().await.expect("generated call")
                )
            });
            gen_nt.record(elapsed, iters)
        })
    });
    group.bench_function("hand_written_call_timeout_5s", |b| {
        b.iter_custom(|iters| {
            let hand = hand.clone();
            let elapsed = in_worker(rt, async move {
                // The system's default call timeout: 5 s.
                mabeam_benches::time_iters!(
                    iters,
                    hand.call(CounterAction::Get)
                        .await
                        .expect("hand-written call"),
                )
            });
            hand_t.record(elapsed, iters)
        })
    });
    group.bench_function("generated_call_timeout_5s", |b| {
        b.iter_custom(|iters| {
            let generated = generated.clone();
            let elapsed = in_worker(rt, async move {
                // The system's default call timeout: 5 s.
                mabeam_benches::time_iters!(iters, generated.get().await.expect("generated call"))
            });
            gen_t.record(elapsed, iters)
        })
    });
    group.finish();

    let mut ratios = Vec::new();
    ratios.extend(latency_ratio("macro_call_no_timeout", &gen_nt, &hand_nt));
    ratios.extend(latency_ratio("macro_call_timeout_5s", &gen_t, &hand_t));

    if ![&hand_nt, &gen_nt, &hand_t, &gen_t]
        .iter()
        .all(|s| s.is_empty())
    {
        ratios.extend(per_call_pass(rt, &hand, &generated));
    }

    in_worker(rt, {
        let system = system.clone();
        async move {
            system
                .stop_agent("macro-bench-hand")
                .await
                .expect("stop agent");
            system
                .stop_agent("macro-bench-generated")
                .await
                .expect("stop agent");
        }
    });

    println!();
    for ratio in &ratios {
        println!("{}", ratio.line_with(MEASURED, BASELINE));
    }
    println!();
    ratios
}

/// Per-call latencies of the four `macro_call` variants, interleaved.
fn per_call_pass(
    rt: &Runtime,
    hand: &AgentRef<Counter>,
    generated: &AgentRef<MacroCounter>,
) -> Vec<Ratio> {
    // Every call timed on its own, hand-written and generated interleaved in blocks, rotating
    // the order of the four variants every round so drift hits both alike. Includes one
    // `Instant::now()` pair per call on both sides.
    let (hand, generated) = (hand.clone(), generated.clone());
    let (clock_ns, lat) = in_worker(rt, async move {
        mabeam_benches::interleaved_calls!(
            PER_CALL_ROUNDS,
            PER_CALL_BLOCK,
            hand.call(CounterAction::Get)
                .no_timeout()
                .await
                .expect("hand-written call"),
            generated.get().no_timeout().await.expect("generated call"),
            hand.call(CounterAction::Get)
                .await
                .expect("hand-written call"),
            generated.get().await.expect("generated call"),
        )
    });
    println!(
        "\nper-call latencies ({} calls each, Instant::now() costs {clock_ns:.0} ns, included on both sides):",
        PER_CALL_ROUNDS * PER_CALL_BLOCK
    );
    let names = [
        "hand-written no_timeout",
        "generated get() no_timeout",
        "hand-written (default 5s)",
        "generated get() (default 5s)",
    ];
    print_latency_table(&names, &lat);
    let mut ratios = Vec::new();
    for (name, g, h) in [
        ("macro_call_no_timeout_per_call", &lat[1], &lat[0]),
        ("macro_call_timeout_5s_per_call", &lat[3], &lat[2]),
    ] {
        let (g, h) = (percentile(g, 50.0).unwrap(), percentile(h, 50.0).unwrap());
        ratios.push(Ratio {
            name: name.to_owned(),
            what: "p50(per-call)",
            mabeam: fmt_ns(g),
            raw: fmt_ns(h),
            ratio: g / h,
            target: MACRO_TARGET,
            bound: Bound::AtMost,
        });
    }
    ratios
}
