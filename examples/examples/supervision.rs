//! Supervision: a tree of supervisors restarting failed agents, OTP style.
//!
//! The tree:
//!
//! ```text
//! supervision/root                (the system's root supervisor)
//! ├── workers                     one-for-one, max 3 restarts in 5 s, exponential backoff
//! │   ├── audit-log               a plain ractor actor (`ChildSpec::actor`)
//! │   ├── worker-1                an agent (written with `#[agent]`)
//! │   └── worker-2                an agent
//! └── solo                        an agent started directly under the root
//! ```
//!
//! It shows, in order:
//! 1. a worker crashes (told to by a typed `Crash` signal, its `#[on_signal]` handler returns
//!    `Err`); `workers` restarts it with fresh state (its `#[on_restart]` hook sees
//!    `info.restarts()`), its sibling is untouched, and the `AgentRef` taken before the crash
//!    reaches the new instance (through the `WorkerHandle` methods `#[agent]` generates);
//! 2. the worker keeps crashing, beyond the restart intensity: `workers` stops its other
//!    children and fails, escalating to the root, which restarts the whole `workers` subtree
//!    (and the old handles reach the new agents);
//! 3. a graceful `system.shutdown()`: every supervisor stops its children one at a time in
//!    reverse start order (`#[on_stop]` / `post_stop` print as they go).
//!
//! Run it with:
//!
//! ```text
//! cargo run --release -p mabeam-examples --example supervision
//! RUST_LOG=debug cargo run --release -p mabeam-examples --example supervision   # runtime logs too
//! ```
//!
//! With the default log filter (`warn`) the supervisors' own warnings about failed children
//! are printed to stderr alongside the example's output.

use std::io::IsTerminal;
use std::time::Duration;

use mabeam_actors::prelude::*;
use mabeam_actors::ractor::{self, Actor, ActorProcessingErr, ActorRef};
use mabeam_actors::supervisor::SupervisorReport;
// `Signal` is both the signal type (also in the prelude) and the derive for typed payloads.
use mabeam_actors::{agent, Signal, SignalPayload, Subscription, SupervisorError};
use serde::Serialize;
use tracing_subscriber::EnvFilter;

// ---------------------------------------------------------------------------------------------
// A worker agent
// ---------------------------------------------------------------------------------------------

/// A worker counting the jobs it did: state that a restart resets.
#[derive(Debug, Default)]
struct Worker {
    jobs: u64,
}

/// An order for one worker to fail. Every worker hears it (its topic is the same for all);
/// the one it names obeys.
#[derive(Debug, Serialize, Signal)]
#[signal(topic = "workers.crash", lane = "control")]
struct Crash {
    worker: String,
}

#[agent(name = "worker")]
impl Worker {
    /// Does one job; returns the jobs done so far.
    #[action]
    fn work(&mut self) -> u64 {
        self.jobs += 1;
        self.jobs
    }

    /// Fails the agent when a `Crash` names it.
    // An `Err` from a signal handler, a sensor or a hook fails the agent (so would a panic):
    // it stops at once, without `on_stop`, and its supervisor decides what happens next. An
    // action's `Err` would not: that is a result for its caller.
    #[on_signal("workers.crash")]
    fn on_crash(&mut self, ctx: &mut Ctx<Self>, signal: Signal) -> Result<(), AgentError> {
        match signal.data::<Crash>() {
            Some(crash) if crash.worker == ctx.id().as_str() => {
                Err(format!("{} was told to crash", ctx.id()).into())
            }
            _ => Ok(()),
        }
    }

    #[on_restart]
    fn restarted(&mut self, ctx: &mut Ctx<Self>, info: &RestartInfo) {
        println!(
            "    [{}] on_restart: restart #{} within the intensity window",
            ctx.id(),
            info.restarts()
        );
        audit(format!("{} restarted (#{})", ctx.id(), info.restarts()));
    }

    #[on_start]
    fn started(&mut self, ctx: &mut Ctx<Self>) {
        println!("    [{}] on_start (jobs = {})", ctx.id(), self.jobs);
    }

    #[on_stop]
    fn stopped(&mut self, ctx: &mut Ctx<Self>) {
        println!("    [{}] on_stop (jobs = {})", ctx.id(), self.jobs);
    }
}

// ---------------------------------------------------------------------------------------------
// A plain ractor actor
// ---------------------------------------------------------------------------------------------

/// The ractor process group the audit log joins, so that others can find it.
const AUDIT_GROUP: &str = "audit-log";

/// A plain ractor actor keeping a log of restarts.
struct AuditLog;

enum AuditMsg {
    Record(String),
}

// ractor's `cluster` feature is on in this workspace: it removes the blanket `Message` impl, so
// every message type says it is one.
impl ractor::Message for AuditMsg {}

impl Actor for AuditLog {
    type Msg = AuditMsg;
    type State = usize;
    type Arguments = ();

    async fn pre_start(
        &self,
        myself: ActorRef<AuditMsg>,
        _args: (),
    ) -> Result<usize, ActorProcessingErr> {
        // `ChildSpec::actor` hands out no reference to the actor; it makes itself findable.
        ractor::pg::join(AUDIT_GROUP.to_owned(), vec![myself.get_cell()]);
        println!("    [audit-log] pre_start (a plain ractor actor)");
        Ok(0)
    }

    async fn handle(
        &self,
        _myself: ActorRef<AuditMsg>,
        message: AuditMsg,
        records: &mut usize,
    ) -> Result<(), ActorProcessingErr> {
        let AuditMsg::Record(line) = message;
        *records += 1;
        println!("    [audit-log] record {records}: {line}");
        Ok(())
    }

    async fn post_stop(
        &self,
        _myself: ActorRef<AuditMsg>,
        records: &mut usize,
    ) -> Result<(), ActorProcessingErr> {
        println!("    [audit-log] post_stop ({records} records)");
        Ok(())
    }
}

/// Sends a line to the audit log, if it is running.
fn audit(line: String) {
    if let Some(log) = ractor::pg::get_members(&AUDIT_GROUP.to_owned()).first() {
        let _ = log.send_message(AuditMsg::Record(line));
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Orders `worker` to crash: publishes a `Crash` naming it.
fn crash(system: &AgentSystem, worker: &str) {
    let order = Crash {
        worker: worker.to_owned(),
    };
    system.publish(order.into_signal("main"));
}

/// Reads the supervisors' reports (`mabeam.supervisor.*`) until `topic` about `child` arrives,
/// printing each one; gives up after two seconds.
async fn await_report(
    reports: &mut Subscription,
    topic: &str,
    child: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    loop {
        let signal = tokio::time::timeout_at(deadline, reports.recv()).await??;
        let Some(report) = signal.data::<SupervisorReport>() else {
            continue;
        };
        let what = match (&report.child, &report.reason) {
            (Some(child), Some(reason)) => format!("{child}: {reason}"),
            (Some(child), None) if report.restarts > 0 => {
                format!("{child} (restart #{})", report.restarts)
            }
            (Some(child), None) => child.clone(),
            (None, _) => format!("{} restarts", report.restarts),
        };
        println!(
            "    [report from {}] {} {what}",
            report.supervisor,
            signal.topic()
        );
        if signal.topic().as_str() == topic && report.child.as_deref() == Some(child) {
            return Ok(());
        }
    }
}

async fn print_children(supervisor: &SupervisorRef) -> Result<(), SupervisorError> {
    println!("  children of `{}`:", supervisor.name());
    for child in supervisor.children().await? {
        println!(
            "    {:<10} {:<11} running: {:<5} restarts: {}",
            child.id,
            format!("{:?}", child.kind),
            child.running,
            child.restarts
        );
    }
    Ok(())
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

    let system = AgentSystem::builder().name("supervision").start().await?;
    // Supervisors report exits, restarts and escalations as signals: watch them instead of
    // polling.
    let mut reports = system.subscribe("mabeam.supervisor.*")?;

    println!("== start the tree (children start in order)");
    let spec = SupervisorSpec::builder("workers")
        .strategy(Strategy::OneForOne)
        .intensity(Intensity::new(3, Duration::from_secs(5)))
        .backoff(Backoff::exponential(
            Duration::from_millis(20),
            Duration::from_millis(200),
        ))
        .child(ChildSpec::actor("audit-log", || (AuditLog, ())))
        .child(ChildSpec::agent("worker-1", Worker::default))
        .child(ChildSpec::agent("worker-2", Worker::default))
        .build()?;
    let workers = system.spawn_supervisor(spec).await?;
    system.spawn("solo", Worker::default).await?;
    print_children(system.root()).await?;
    print_children(&workers).await?;

    // Handles by id, taken once: they stay valid across the agents' restarts.
    let w1: AgentRef<Worker> = system.agent("worker-1")?;
    let w2: AgentRef<Worker> = system.agent("worker-2")?;
    // The generated `WorkerHandle` methods call the actions.
    for _ in 0..3 {
        w1.work().await?;
    }
    w2.work().await?;
    println!("  worker-1 did 3 jobs, worker-2 did 1");

    println!("\n== 1. crash worker-1 once: `workers` restarts it");
    crash(&system, "worker-1");
    await_report(&mut reports, SupervisorReport::RESTARTED, "worker-1").await?;
    println!(
        "  worker-1 is running again: {}; the handle taken before the crash still works:",
        w1.is_running()
    );
    println!(
        "  worker-1 work -> jobs = {} (fresh state: the restart built a new Worker::default())",
        w1.work().await?
    );
    println!(
        "  worker-2 work -> jobs = {} (one-for-one: its sibling was untouched)",
        w2.work().await?
    );
    print_children(&workers).await?;

    println!("\n== 2. crash worker-1 again and again: the 4th restart within 5s is one too many");
    for attempt in 2..=4 {
        println!("  crash #{attempt}");
        crash(&system, "worker-1");
        if attempt < 4 {
            await_report(&mut reports, SupervisorReport::RESTARTED, "worker-1").await?;
        }
    }
    // `workers` gives up: it stops its remaining children (their `on_stop` runs) and fails.
    // The root supervisor restarts it, and it starts all its children afresh.
    await_report(&mut reports, SupervisorReport::RESTARTED, "workers").await?;
    println!("  the `workers` subtree is back");
    print_children(system.root()).await?;
    print_children(&workers).await?;
    // The handle follows the id: the new `workers` registered `worker-1` again, and the handle
    // taken at the start reaches the new agent.
    println!(
        "  worker-1 work (handle from the start) -> jobs = {}",
        w1.work().await?
    );

    println!("\n== 3. shut down: each supervisor stops its children in reverse start order");
    system.shutdown().await;
    println!("  system running: {}", system.is_running());
    Ok(())
}
