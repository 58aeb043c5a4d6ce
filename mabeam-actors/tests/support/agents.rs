//! Shared test agents and a probe that records lifecycle events in order.
#![allow(dead_code, unreachable_pub, missing_docs)]

use std::time::Duration;

use mabeam_actors::prelude::*;
use mabeam_actors::RestartInfo;
use tokio::sync::mpsc;

/// The longest a test waits for an event before failing: a safety net against hangs, not a
/// timing assertion (events normally arrive in microseconds).
pub const PATIENCE: Duration = Duration::from_secs(10);

/// Where agents report what happened to them.
#[derive(Clone, Debug)]
pub struct Probe(mpsc::UnboundedSender<String>);

impl Probe {
    pub fn send(&self, event: impl Into<String>) {
        let _ = self.0.send(event.into());
    }
}

/// The test's end of a probe.
#[derive(Debug)]
pub struct Events(mpsc::UnboundedReceiver<String>);

pub fn probe() -> (Probe, Events) {
    let (tx, rx) = mpsc::unbounded_channel();
    (Probe(tx), Events(rx))
}

impl Events {
    /// The next event.
    pub async fn next(&mut self) -> String {
        self.next_within(PATIENCE).await
    }

    /// The next event, waiting at most `patience` (for tests on a paused clock, where
    /// timers fire in order of deadline).
    pub async fn next_within(&mut self, patience: Duration) -> String {
        tokio::time::timeout(patience, self.0.recv())
            .await
            .expect("an event should arrive")
            .expect("probe closed")
    }

    /// The next `n` events, in order.
    pub async fn take(&mut self, n: usize) -> Vec<String> {
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(self.next().await);
        }
        out
    }

    /// Events until (and including) `last`.
    pub async fn until(&mut self, last: &str) -> Vec<String> {
        let mut out = Vec::new();
        loop {
            let e = self.next().await;
            let done = e == last;
            out.push(e);
            if done {
                return out;
            }
        }
    }

    /// Whatever has already arrived.
    pub fn drain(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        while let Ok(e) = self.0.try_recv() {
            out.push(e);
        }
        out
    }
}

/// A worker agent that reports its lifecycle and can be made to fail.
#[derive(Debug)]
pub struct Worker {
    pub name: &'static str,
    pub probe: Probe,
    pub n: u64,
}

#[derive(Debug)]
pub enum Work {
    Add(u64, Reply<u64>),
    Get(Reply<u64>),
    /// Fails the agent by returning an error from `handle`.
    Fail,
    /// Fails the agent by panicking.
    Panic,
    /// Stops the agent normally.
    Stop,
    /// Replies after `delay`.
    Slow(Duration, Reply<u64>),
    /// Never replies: drops the reply.
    Ignore(Reply<u64>),
    /// Replies at once, then stays busy for an hour.
    Hold(Reply<()>),
}

impl Worker {
    pub fn factory(
        name: &'static str,
        probe: &Probe,
    ) -> impl Fn() -> Worker + Send + Sync + 'static {
        let probe = probe.clone();
        move || Worker {
            name,
            probe: probe.clone(),
            n: 0,
        }
    }
}

impl Agent for Worker {
    type Action = Work;

    async fn handle(&mut self, _ctx: &mut Ctx<Self>, action: Work) -> Result<(), AgentError> {
        match action {
            Work::Add(by, reply) => {
                self.n += by;
                reply.send(self.n);
            }
            Work::Get(reply) => {
                reply.send(self.n);
            }
            Work::Fail => return Err(format!("{} was told to fail", self.name).into()),
            Work::Panic => panic!("{} was told to panic", self.name),
            Work::Stop => _ctx.stop(),
            Work::Slow(delay, reply) => {
                tokio::time::sleep(delay).await;
                reply.send(self.n);
            }
            Work::Ignore(reply) => drop(reply),
            Work::Hold(reply) => {
                reply.send(());
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
        }
        Ok(())
    }

    async fn on_start(&mut self, _ctx: &mut Ctx<Self>) -> Result<(), AgentError> {
        self.probe.send(format!("start {}", self.name));
        Ok(())
    }

    async fn on_restart(
        &mut self,
        _ctx: &mut Ctx<Self>,
        info: &RestartInfo,
    ) -> Result<(), AgentError> {
        self.probe
            .send(format!("restart {} #{}", self.name, info.restarts()));
        Ok(())
    }

    async fn on_stop(&mut self, _ctx: &mut Ctx<Self>) {
        self.probe.send(format!("stop {}", self.name));
    }
}

/// Waits until the agent has no live instance (it crashed or stopped).
pub async fn until_down<A: Agent>(agent: &AgentRef<A>) {
    tokio::time::timeout(PATIENCE, async {
        while agent.is_running() {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the agent goes down");
}

/// Starts the worker `name` under the root supervisor (permanent).
pub async fn spawn_worker(
    system: &AgentSystem,
    name: &'static str,
    probe: &Probe,
) -> AgentRef<Worker> {
    system
        .spawn(name, Worker::factory(name, probe))
        .await
        .expect("spawn the worker")
}

pub async fn system() -> AgentSystem {
    AgentSystem::builder().start().await.expect("system starts")
}

/// A supervisor spec named `name` with workers `names`, all permanent.
pub fn workers(
    name: &str,
    strategy: Strategy,
    probe: &Probe,
    names: &[&'static str],
) -> SupervisorSpec {
    SupervisorSpec::builder(name)
        .strategy(strategy)
        .intensity(Intensity::new(10, Duration::from_secs(60)))
        .children(
            names
                .iter()
                .map(|n| ChildSpec::agent(*n, Worker::factory(n, probe))),
        )
        .build()
        .expect("valid spec")
}
