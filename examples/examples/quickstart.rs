//! Quickstart: one agent written by hand against the [`Agent`] trait, a second agent that
//! listens to its signals, and a plain stream subscriber.
//!
//! It shows, in order:
//! - a `Counter` agent whose actions are an enum, each variant carrying a [`Reply`] for its
//!   result; one action answers `Err(..)` for invalid input while the agent keeps running;
//! - `call` (with the system's default timeout, a per-call `.timeout(..)`, and one that times
//!   out) and `cast` (fire and forget);
//! - `ctx.emit("counter.changed", ..)` on every change, and a periodic [`Sensor`] whose ticks
//!   publish `counter.heartbeat` on the telemetry lane;
//! - an `Auditor` agent subscribed to `counter.*` that counts what it hears, and a stream
//!   subscriber on `counter.**` printing the first few signals;
//! - a snapshot of the counter's state, restored into a second counter;
//! - a graceful `system.shutdown()`.
//!
//! Run it with:
//!
//! ```text
//! cargo run --release -p mabeam-examples --example quickstart
//! RUST_LOG=debug cargo run --release -p mabeam-examples --example quickstart   # runtime logs too
//! ```

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::time::Duration;

use mabeam_actors::prelude::*;
use mabeam_actors::SnapshotError;
use serde::{Deserialize, Serialize};
use tracing_subscriber::EnvFilter;

// ---------------------------------------------------------------------------------------------
// The counter
// ---------------------------------------------------------------------------------------------

/// A counter. Its whole state is `value`, so it derives serde to support snapshots.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Counter {
    value: u64,
}

/// The counter's actions: one variant per action, each with a `Reply` for its result (except
/// `Add`, which is meant to be cast: nobody waits for it).
#[derive(Debug)]
enum CounterAction {
    /// Adds `n`; replies with the new value.
    Increment(u64, Reply<u64>),
    /// Subtracts `n`; replies `Err` instead of going below zero.
    Decrement(u64, Reply<Result<u64, String>>),
    /// Replies with the current value.
    Get(Reply<u64>),
    /// Adds `n`, replying to nobody (for `cast`).
    Add(u64),
    /// Takes `d` to answer (to show a call timing out).
    Slow(Duration, Reply<u64>),
}

impl Counter {
    /// Sets the value and tells the world.
    fn set(&mut self, ctx: &Ctx<Self>, value: u64) -> Result<(), AgentError> {
        self.value = value;
        ctx.emit("counter.changed", value)?;
        Ok(())
    }
}

impl Agent for Counter {
    type Action = CounterAction;

    // A stable name for logs and snapshots (the default is the Rust type name).
    fn agent_type() -> &'static str {
        "counter"
    }

    async fn handle(
        &mut self,
        ctx: &mut Ctx<Self>,
        action: CounterAction,
    ) -> Result<(), AgentError> {
        match action {
            CounterAction::Increment(n, reply) => {
                self.set(ctx, self.value + n)?;
                // `send` fails only when the caller stopped waiting: nothing to do then.
                reply.send(self.value);
            }
            CounterAction::Decrement(n, reply) => {
                // Invalid input is the caller's problem, not the agent's: answer with an
                // error and keep running. (Returning `Err` from `handle` would crash the
                // agent and hand it to its supervisor.)
                let result = match self.value.checked_sub(n) {
                    Some(value) => {
                        self.set(ctx, value)?;
                        Ok(value)
                    }
                    None => Err(format!(
                        "cannot decrement {} by {n}: the counter would go below zero",
                        self.value
                    )),
                };
                reply.send(result);
            }
            CounterAction::Get(reply) => {
                reply.send(self.value);
            }
            CounterAction::Add(n) => self.set(ctx, self.value + n)?,
            CounterAction::Slow(d, reply) => {
                tokio::time::sleep(d).await;
                reply.send(self.value);
            }
        }
        Ok(())
    }

    fn sensors(&self) -> Vec<Sensor> {
        vec![Sensor::every("heartbeat", Duration::from_millis(200))]
    }

    async fn on_sensor(&mut self, ctx: &mut Ctx<Self>, reading: Reading) -> Result<(), AgentError> {
        if reading.sensor() == "heartbeat" {
            // `emit` uses the default lane (events); `emit_on` picks another.
            ctx.emit_on(Lane::Telemetry, "counter.heartbeat", self.value)?;
        }
        Ok(())
    }

    fn snapshot(&self) -> Result<Snapshot, SnapshotError> {
        Snapshot::encode(Self::agent_type(), self)
    }

    fn restore(&mut self, snapshot: Snapshot) -> Result<(), SnapshotError> {
        *self = snapshot.decode()?;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// The auditor
// ---------------------------------------------------------------------------------------------

/// Counts the counter signals it receives, per topic.
#[derive(Debug, Default)]
struct Auditor {
    seen: BTreeMap<String, u64>,
}

#[derive(Debug)]
enum AuditorAction {
    /// Replies with the counts so far, per topic.
    Counts(Reply<BTreeMap<String, u64>>),
}

impl Agent for Auditor {
    type Action = AuditorAction;

    fn agent_type() -> &'static str {
        "auditor"
    }

    async fn handle(
        &mut self,
        _ctx: &mut Ctx<Self>,
        action: AuditorAction,
    ) -> Result<(), AgentError> {
        let AuditorAction::Counts(reply) = action;
        reply.send(self.seen.clone());
        Ok(())
    }

    // `*` matches exactly one topic segment: counter.changed and counter.heartbeat.
    fn subscriptions(&self) -> Vec<TopicPattern> {
        vec![TopicPattern::from_static("counter.*")]
    }

    async fn on_signal(&mut self, _ctx: &mut Ctx<Self>, signal: Signal) -> Result<(), AgentError> {
        *self.seen.entry(signal.topic().to_string()).or_default() += 1;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Runtime logs go to stderr: warnings only, unless RUST_LOG says otherwise.
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();

    let system = AgentSystem::builder().name("quickstart").start().await?;
    println!("started agent system `{}`", system.name());

    // A plain subscriber: a stream of every signal under `counter.` (`**` matches any number
    // of segments). It prints the first few and then drops the subscription.
    let mut stream = system.subscribe("counter.**")?;
    let printer = tokio::spawn(async move {
        for _ in 0..4 {
            match stream.recv().await {
                Ok(signal) => println!(
                    "  [stream] {} = {:?} (from `{}`, lane {})",
                    signal.topic(),
                    signal.data::<u64>(),
                    signal.source(),
                    signal.lane()
                ),
                Err(err) => {
                    println!("  [stream] {err}");
                    break;
                }
            }
        }
        println!("  [stream] seen enough, unsubscribing");
    });

    // The auditor first, so that it hears everything the counter says.
    let auditor = system.spawn("auditor", Auditor::default).await?;
    let counter = system.spawn("counter", Counter::default).await?;
    println!("spawned `{}` and `{}`", auditor.id(), counter.id());

    // Calls: the closure gets the `Reply` and builds the action. Tuple variants whose last
    // field is the reply can be passed as plain functions: `counter.call(CounterAction::Get)`.
    let value = counter.call(|r| CounterAction::Increment(5, r)).await?;
    println!("increment by 5            -> {value}");

    let value = counter
        .call(|r| CounterAction::Increment(3, r))
        .timeout(Duration::from_millis(100))
        .await?;
    println!("increment by 3 (<= 100ms) -> {value}");

    // An action's own error travels in its reply: the call succeeds, its result is `Err`.
    let result = counter.call(|r| CounterAction::Decrement(10, r)).await?;
    println!("decrement by 10           -> {result:?}");
    let result = counter.call(|r| CounterAction::Decrement(2, r)).await?;
    println!("decrement by 2            -> {result:?}");

    // A cast returns as soon as the action is in the mailbox; actions are handled in order,
    // so the `Get` after it sees its effect.
    counter.cast(CounterAction::Add(10))?;
    println!("cast add 10");
    println!(
        "get                       -> {}",
        counter.call(CounterAction::Get).await?
    );

    // A call that takes longer than its timeout fails with `CallError::Timeout` (the agent
    // still finishes the action; its reply goes nowhere).
    match counter
        .call(|r| CounterAction::Slow(Duration::from_millis(150), r))
        .timeout(Duration::from_millis(20))
        .await
    {
        Ok(value) => println!("slow call (<= 20ms)       -> {value}"),
        Err(err) => println!("slow call (<= 20ms)       -> error: {err}"),
    }

    println!("waiting 600ms for heartbeats...");
    tokio::time::sleep(Duration::from_millis(600)).await;

    let counts = auditor.call(AuditorAction::Counts).await?;
    println!("the auditor heard: {counts:?}");

    // Snapshots: the agent's state, encoded; here restored into a second counter.
    let snapshot = counter.snapshot().await?;
    println!(
        "snapshot of `{}`: agent type `{}`, {} bytes, decodes to {:?}",
        counter.id(),
        snapshot.agent_type(),
        snapshot.len(),
        snapshot.decode::<Counter>()?
    );
    let copy: AgentRef<Counter> = system
        .spawn_agent(ChildSpec::agent_from_snapshot(
            "counter-copy",
            Counter::default,
            snapshot,
        ))
        .await?;
    println!(
        "spawned `{}` from the snapshot; get -> {}",
        copy.id(),
        copy.call(CounterAction::Get).await?
    );

    printer.await?;
    system.shutdown().await;
    println!(
        "shut down; the counter is running: {}",
        counter.is_running()
    );
    Ok(())
}
