//! Shared pieces of the mabeam benchmarks (the benches themselves live in `benches/`).
//!
//! Every benchmark compares mabeam against its raw ractor baseline in the same run, so both
//! sides here do exactly the same work per message:
//! - [`RawCounter`]: a plain ractor actor holding a `u64`, with [`RawMsg::Get`] (an
//!   `RpcReplyPort<u64>` variant) and [`RawMsg::Add`].
//! - [`Counter`]: the same as a mabeam [`Agent`], with [`CounterAction::Get`] (a
//!   [`Reply<u64>`]) and [`CounterAction::Add`].
//! - [`MacroCounter`]: the same counter written with `#[agent]`, which generates
//!   [`MacroCounterAction`], its `Agent` impl and the typed handle [`MacroCounterHandle`].
//!
//! Measurements run inside a tokio worker thread of a 2-worker multi-thread runtime
//! ([`runtime`], [`in_worker`]), never on `block_on`'s own thread.

pub mod node_procs;

use std::future::Future;
use std::time::Duration;

use mabeam_actors::{agent, Agent, AgentError, Ctx, Reply};
use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort, SupervisionEvent};
use tokio::runtime::Runtime;

/// The message of the raw baseline actor.
#[derive(Debug)]
pub enum RawMsg {
    /// Reply with the current count.
    Get(RpcReplyPort<u64>),
    /// Add to the count (no reply).
    Add(u64),
}

// ractor's `cluster` feature removes the blanket `Message` impl.
impl ractor::Message for RawMsg {}

/// The raw ractor baseline: a counter actor, state `u64`.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawCounter;

impl Actor for RawCounter {
    type Msg = RawMsg;
    type State = u64;
    type Arguments = ();

    async fn pre_start(
        &self,
        _myself: ActorRef<Self::Msg>,
        _args: (),
    ) -> Result<Self::State, ActorProcessingErr> {
        Ok(0)
    }

    async fn handle(
        &self,
        _myself: ActorRef<Self::Msg>,
        message: Self::Msg,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        match message {
            RawMsg::Get(reply) => {
                let _ = reply.send(*state);
            }
            RawMsg::Add(by) => *state += by,
        }
        Ok(())
    }
}

/// The message of [`RawSupervisor`].
#[derive(Debug)]
pub enum RawSupervisorMsg {
    /// Spawn a [`RawCounter`] linked to the supervisor and reply with it.
    Spawn(RpcReplyPort<ActorRef<RawMsg>>),
    /// Stop this child, wait until it is gone, then reply.
    Stop(ActorRef<RawMsg>, RpcReplyPort<()>),
}

impl ractor::Message for RawSupervisorMsg {}

/// An informational baseline for spawning: the least a design that starts every child
/// through a supervisor actor's mailbox (as mabeam does) can cost with plain ractor. It
/// spawns [`RawCounter`]s linked to itself on request and ignores their exits.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawSupervisor;

impl Actor for RawSupervisor {
    type Msg = RawSupervisorMsg;
    type State = ();
    type Arguments = ();

    async fn pre_start(
        &self,
        _myself: ActorRef<Self::Msg>,
        _args: (),
    ) -> Result<Self::State, ActorProcessingErr> {
        Ok(())
    }

    async fn handle(
        &self,
        myself: ActorRef<Self::Msg>,
        message: Self::Msg,
        _state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        match message {
            RawSupervisorMsg::Spawn(reply) => {
                let (child, _) =
                    Actor::spawn_linked(None, RawCounter, (), myself.get_cell()).await?;
                let _ = reply.send(child);
            }
            RawSupervisorMsg::Stop(child, reply) => {
                child.stop_and_wait(None, None).await?;
                let _ = reply.send(());
            }
        }
        Ok(())
    }

    async fn handle_supervisor_evt(
        &self,
        _myself: ActorRef<Self::Msg>,
        _event: SupervisionEvent,
        _state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        // ractor's default stops the supervisor when a child exits; children here are
        // stopped on purpose.
        Ok(())
    }
}

/// The mabeam agent under test: the same counter.
#[derive(Debug, Default)]
pub struct Counter {
    n: u64,
}

/// [`Counter`]'s actions.
#[derive(Debug)]
pub enum CounterAction {
    /// Reply with the current count.
    Get(Reply<u64>),
    /// Add to the count (no reply).
    Add(u64),
}

impl Agent for Counter {
    type Action = CounterAction;

    async fn handle(
        &mut self,
        _ctx: &mut Ctx<Self>,
        action: CounterAction,
    ) -> Result<(), AgentError> {
        match action {
            CounterAction::Get(reply) => {
                reply.send(self.n);
            }
            CounterAction::Add(by) => self.n += by,
        }
        Ok(())
    }
}

/// The same counter as [`Counter`], written with `#[agent]`: the macro generates
/// `MacroCounterAction { Get { reply }, Add { by, reply } }`, the `Agent` impl, and the
/// `MacroCounterHandle` trait (`agent_ref.get()`, `agent_ref.add(by)`) on
/// `AgentRef<MacroCounter>`.
#[derive(Debug, Default)]
pub struct MacroCounter {
    n: u64,
}

#[agent]
impl MacroCounter {
    /// Reply with the current count.
    #[action]
    fn get(&self) -> u64 {
        self.n
    }

    /// Add to the count.
    #[action]
    fn add(&mut self, by: u64) {
        self.n += by;
    }
}

/// The runtime every bench uses: multi-thread, 2 workers, timers on.
pub fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// Runs `fut` as a task on one of `rt`'s worker threads and waits for its output, so the
/// code it times runs where agents and actors run (not on `block_on`'s own thread).
pub fn in_worker<F>(rt: &Runtime, fut: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    rt.block_on(async move { tokio::spawn(fut).await.expect("bench task panicked") })
}

/// The per-sample figures (ns per iteration) one criterion function produced through
/// `iter_custom`, warm-up calls included; [`Samples::median`] looks at the measured ones only.
#[derive(Debug, Default, Clone)]
pub struct Samples {
    ns_per_iter: Vec<f64>,
}

impl Samples {
    /// Records one `iter_custom` call and hands its duration back to criterion.
    pub fn record(&mut self, elapsed: Duration, iters: u64) -> Duration {
        self.ns_per_iter
            .push(elapsed.as_nanos() as f64 / iters.max(1) as f64);
        elapsed
    }

    /// Whether nothing was recorded (the function was filtered out).
    pub fn is_empty(&self) -> bool {
        self.ns_per_iter.is_empty()
    }

    /// The median ns/iteration of the last `n` samples (criterion's measured samples come
    /// after its warm-up calls), or `None` when nothing was recorded (filtered out).
    pub fn median(&self, n: usize) -> Option<f64> {
        let start = self.ns_per_iter.len().saturating_sub(n);
        median(&self.ns_per_iter[start..])
    }
}

/// The median of `values` (`None` when empty).
pub fn median(values: &[f64]) -> Option<f64> {
    percentile(values, 50.0)
}

/// The `p`th percentile (nearest rank, linear between ranks) of `values`.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = (p / 100.0) * (sorted.len() - 1) as f64;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo as f64))
}

/// Formats nanoseconds with a readable unit.
pub fn fmt_ns(ns: f64) -> String {
    if ns >= 1_000_000.0 {
        format!("{:.2} ms", ns / 1_000_000.0)
    } else if ns >= 1_000.0 {
        format!("{:.2} µs", ns / 1_000.0)
    } else {
        format!("{ns:.0} ns")
    }
}

/// Formats a rate (per second) with a readable unit.
pub fn fmt_rate(per_sec: f64) -> String {
    if per_sec >= 1_000_000.0 {
        format!("{:.2} M msgs/s", per_sec / 1_000_000.0)
    } else {
        format!("{:.1} k msgs/s", per_sec / 1_000.0)
    }
}

/// How a ratio must compare to its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// mabeam / raw must be at most the target (latency, time, memory).
    AtMost,
    /// mabeam / raw must be at least the target (throughput).
    AtLeast,
}

/// One mabeam-vs-raw comparison, printed as a `RATIO` line.
#[derive(Debug, Clone)]
pub struct Ratio {
    /// The comparison's name, e.g. `local_call_no_timeout`.
    pub name: String,
    /// What is compared, e.g. `p50` or `throughput`.
    pub what: &'static str,
    /// mabeam's figure, already formatted.
    pub mabeam: String,
    /// The raw baseline's figure, already formatted.
    pub raw: String,
    /// mabeam / raw.
    pub ratio: f64,
    /// The target the ratio is held to.
    pub target: f64,
    /// Which side of the target passes.
    pub bound: Bound,
}

impl Ratio {
    /// Whether the target is met.
    pub fn met(&self) -> bool {
        match self.bound {
            Bound::AtMost => self.ratio <= self.target,
            Bound::AtLeast => self.ratio >= self.target,
        }
    }

    /// The summary line.
    pub fn line(&self) -> String {
        self.line_with("mabeam", "ractor")
    }

    /// The summary line, naming the two sides `measured` (the `mabeam` figure) and
    /// `baseline` (the `raw` figure).
    pub fn line_with(&self, measured: &str, baseline: &str) -> String {
        let op = match self.bound {
            Bound::AtMost => "<=",
            Bound::AtLeast => ">=",
        };
        format!(
            "RATIO {}: {measured} {} {} / {baseline} {} {} = {:.3}x (target {op} {:.2}x) {}",
            self.name,
            self.what,
            self.mabeam,
            self.what,
            self.raw,
            self.ratio,
            self.target,
            if self.met() { "MET" } else { "MISSED" }
        )
    }
}

/// Resident set size of this process in bytes, from `/proc/self/statm` (resident pages ×
/// 4096).
pub fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("read /proc/self/statm");
    let resident: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("statm's second field: resident pages");
    resident * 4096
}

/// Prints, for each named series of latencies in nanoseconds, its p50, p90, p99, p99.9, mean
/// and the share of samples over 2 µs (the slow, cross-worker mode on this machine).
pub fn print_latency_table(names: &[&str], series: &[Vec<f64>]) {
    for (name, values) in names.iter().zip(series) {
        let p = |q| fmt_ns(percentile(values, q).unwrap_or(f64::NAN));
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        let slow = values.iter().filter(|&&v| v > 2_000.0).count() as f64 / values.len() as f64;
        println!(
            "  {name:<28} p50 {:>9}  p90 {:>9}  p99 {:>9}  p99.9 {:>9}  mean {:>9}  >2µs {:>5.1}%",
            p(50.0),
            p(90.0),
            p(99.0),
            p(99.9),
            fmt_ns(mean),
            slow * 100.0
        );
    }
}

/// Times every call of each variant on its own, `rounds × block` calls each, rotating which
/// variant goes first every round so drift hits all alike. Expands, inside an async block, to
/// `(clock_ns, [Vec<f64>; N])`: the cost of one `Instant::now()` (included on every side) and
/// each variant's latencies in nanoseconds, in argument order. The arguments after the first
/// two are the call expressions (awaited inside), e.g.
/// `agent.call(Action::Get).no_timeout().await.expect("call")`.
#[macro_export]
macro_rules! interleaved_calls {
    (@one $e:expr) => {
        ()
    };
    ($rounds:expr, $block:expr, $($e:expr),+ $(,)?) => {{
        const VARIANTS: usize = [$($crate::interleaved_calls!(@one $e)),+].len();
        let clock = {
            let start = ::std::time::Instant::now();
            for _ in 0..100_000 {
                ::std::hint::black_box(::std::time::Instant::now());
            }
            start.elapsed().as_nanos() as f64 / 100_000.0
        };
        let mut lat: [Vec<f64>; VARIANTS] = ::std::array::from_fn(|_| Vec::new());
        lat.iter_mut().for_each(|v| v.reserve($rounds * $block));
        for round in 0..$rounds {
            for side in 0..VARIANTS {
                let which = (side + round) % VARIANTS;
                // One comparison per block, none inside the timed loop.
                let mut index = 0usize;
                $(
                    if which == index {
                        for _ in 0..$block {
                            let t = ::std::time::Instant::now();
                            ::std::hint::black_box($e);
                            lat[index].push(t.elapsed().as_nanos() as f64);
                        }
                    }
                    index += 1;
                )+
                let _ = index;
            }
        }
        (clock, lat)
    }};
}

/// What every criterion bench here starts with: the shared criterion settings (warm-up 1 s,
/// measurement 3 s, `sample_size` samples, command-line overrides), the 2-worker runtime, and
/// an agent system started inside it.
pub fn setup(sample_size: usize) -> (criterion::Criterion, Runtime, mabeam_actors::AgentSystem) {
    let criterion = criterion::Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(sample_size)
        .configure_from_args();
    let rt = runtime();
    let system = in_worker(&rt, async {
        mabeam_actors::AgentSystem::builder()
            .name("bench")
            .start()
            .await
            .expect("start the agent system")
    });
    assert_eq!(system.call_timeout(), Some(Duration::from_secs(5)));
    (criterion, rt, system)
}

/// Inside an async block: evaluates `$e` (which may `.await`) `$iters` times, each result
/// through `black_box`, and gives the elapsed time.
#[macro_export]
macro_rules! time_iters {
    ($iters:expr, $e:expr $(,)?) => {{
        let start = ::std::time::Instant::now();
        for _ in 0..$iters {
            ::std::hint::black_box($e);
        }
        start.elapsed()
    }};
}
