//! `#[agent]` agents: actions with and without context, sync and async, plain and `Result`
//! results; sensors (periodic and stream-fed); signal handlers; lifecycle hooks; snapshots;
//! typed handle methods with the same per-call options as `call`.
#[path = "support/agents.rs"]
mod support;

use std::time::Duration;

use mabeam_actors::prelude::*;
use mabeam_actors::{agent, CallError};
use serde::{Deserialize, Serialize};
use support::*;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, mabeam_actors::Signal)]
#[signal(topic = "counter.changed", lane = "control")]
struct Changed {
    n: u64,
}

#[derive(Debug, PartialEq, Eq)]
struct Underflow;

#[derive(Default, Serialize, Deserialize)]
struct Counter {
    n: u64,
    #[serde(skip)]
    probe: Option<Probe>,
}

impl Counter {
    fn with(probe: &Probe) -> impl Fn() -> Counter + Send + Sync + 'static {
        let probe = probe.clone();
        move || Counter {
            n: 0,
            probe: Some(probe.clone()),
        }
    }

    fn say(&self, what: String) {
        if let Some(p) = &self.probe {
            p.send(what);
        }
    }
}

#[agent(snapshot)]
impl Counter {
    #[action]
    async fn increment(&mut self, ctx: &mut Ctx<Self>, by: u64) -> u64 {
        self.n += by;
        ctx.emit_signal(Changed { n: self.n });
        self.n
    }

    #[action]
    fn get(&self) -> u64 {
        self.n
    }

    #[action]
    fn decrement(&mut self, by: u64) -> Result<u64, Underflow> {
        self.n = self.n.checked_sub(by).ok_or(Underflow)?;
        Ok(self.n)
    }

    #[action]
    async fn slow(&self, delay: Duration) -> u64 {
        tokio::time::sleep(delay).await;
        self.n
    }

    #[action]
    fn reset(&mut self) {
        self.n = 0;
    }

    #[action]
    fn fail(&mut self) -> Result<(), String> {
        Err("asked to".into())
    }

    /// Replies, then fails the agent on purpose.
    #[action]
    fn abort(&mut self, ctx: &mut Ctx<Self>) -> u64 {
        ctx.fail("aborted on request");
        self.n
    }

    #[on_signal("reset.**")]
    fn on_reset(&mut self, signal: Signal) -> Result<(), AgentError> {
        self.say(format!("signal {}", signal.topic()));
        self.n = signal.decode::<u64>()?;
        Ok(())
    }

    #[on_start]
    fn started(&mut self, ctx: &mut Ctx<Self>) {
        self.say(format!("start {}", ctx.id()));
    }

    #[on_restart]
    fn restarted(&mut self, info: &RestartInfo) {
        self.say(format!("restart #{}", info.restarts()));
    }

    #[on_stop]
    async fn stopped(&mut self) {
        self.say("stop".into());
    }

    /// Not an action: a plain helper stays a plain method.
    fn double(&self) -> u64 {
        self.n * 2
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_handle_methods_call_the_actions() {
    let (probe, mut events) = probe();
    let system = system().await;
    let mut changes = system.subscribe("counter.*").unwrap();
    let counter = system.spawn("c", Counter::with(&probe)).await.unwrap();
    assert_eq!(events.next().await, "start c");

    assert_eq!(counter.increment(5).await, Ok(5));
    assert_eq!(counter.get().await, Ok(5));
    assert_eq!(counter.decrement(2).await, Ok(Ok(3)));
    assert_eq!(counter.decrement(10).await, Ok(Err(Underflow)));
    assert_eq!(counter.reset().await, Ok(()));
    assert_eq!(counter.get().await, Ok(0));

    let changed = changes.recv().await.unwrap();
    assert_eq!(changed.lane(), Lane::Control);
    assert_eq!(changed.source(), "c");
    assert_eq!(changed.data::<Changed>(), Some(&Changed { n: 5 }));
    assert_eq!(Counter::default().double(), 0);
    system.shutdown().await;
    assert_eq!(events.next().await, "stop");
}

#[tokio::test(start_paused = true)]
async fn handle_methods_take_per_call_timeouts() {
    let system = system().await;
    let counter = system.spawn("c", Counter::default).await.unwrap();
    let err = counter
        .slow(Duration::from_secs(10))
        .timeout(Duration::from_secs(1))
        .await
        .unwrap_err();
    assert!(matches!(err, CallError::Timeout { .. }));
    assert_eq!(
        counter.slow(Duration::from_secs(10)).no_timeout().await,
        Ok(0)
    );
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signal_handlers_hooks_and_errors_work() {
    let (probe, mut events) = probe();
    let system = system().await;
    let counter = system.spawn("c", Counter::with(&probe)).await.unwrap();
    assert_eq!(events.next().await, "start c");

    system.publish(Signal::new(Topic::from_static("reset.all.now"), 42u64));
    assert_eq!(events.next().await, "signal reset.all.now");
    assert_eq!(counter.get().await, Ok(42));

    // An action error is a value...
    assert_eq!(counter.fail().await, Ok(Err("asked to".to_owned())));
    // ...a handler error fails the agent: a signal that cannot be decoded.
    system.publish(Signal::new(Topic::from_static("reset.bad"), "not a number"));
    assert_eq!(
        events.take(3).await,
        ["signal reset.bad", "restart #1", "start c"]
    );
    assert_eq!(counter.get().await, Ok(0));

    // An action can fail its agent on purpose: it still replies, then the agent restarts.
    counter.increment(3).await.unwrap();
    assert_eq!(counter.abort().await, Ok(3));
    assert_eq!(events.take(2).await, ["restart #2", "start c"]);
    assert_eq!(counter.get().await, Ok(0));
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_support_is_generated_from_serde() {
    let system = system().await;
    let counter = system.spawn("c", Counter::default).await.unwrap();
    counter.increment(7).await.unwrap();
    let snapshot = counter.snapshot().await.unwrap();
    assert_eq!(snapshot.agent_type(), "Counter");
    let copy = system
        .spawn_agent::<Counter>(ChildSpec::agent_from_snapshot(
            "copy",
            Counter::default,
            snapshot,
        ))
        .await
        .unwrap();
    assert_eq!(copy.get().await, Ok(7));
    system.shutdown().await;
}

struct Sampler {
    probe: Probe,
    ticks: u32,
}

#[agent(name = "sampler")]
impl Sampler {
    #[action]
    fn ticks(&self) -> u32 {
        self.ticks
    }

    #[sensor(every = "1s")]
    fn sample(&mut self) {
        self.ticks += 1;
    }

    #[sensor(stream = "feed")]
    async fn on_item(&mut self, ctx: &mut Ctx<Self>, item: u32) {
        self.probe.send(format!("{} got {item}", ctx.id()));
    }

    fn feed(&self) -> impl futures::Stream<Item = u32> + Send + 'static {
        futures::stream::iter([10, 20, 30])
    }
}

#[tokio::test(start_paused = true)]
async fn sensors_are_generated_from_attributes() {
    let (probe, mut events) = probe();
    let system = system().await;
    let p = probe.clone();
    let sampler = system
        .spawn("s", move || Sampler {
            probe: p.clone(),
            ticks: 0,
        })
        .await
        .unwrap();
    assert_eq!(events.take(3).await, ["s got 10", "s got 20", "s got 30"]);
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert_eq!(sampler.ticks().await, Ok(3));
    assert_eq!(<Sampler as Agent>::agent_type(), "sampler");
    system.shutdown().await;
}
