//! A subscriber that does not keep up never makes the bus grow without bound: each lane holds
//! at most its capacity; its overflow policy drops the newest or the oldest; the publisher's
//! report counts the drops; the subscriber is told how many it missed.
#[path = "support/agents.rs"]
mod support;

use mabeam_actors::prelude::*;
use mabeam_actors::{BusConfig, LaneConfig, Overflow, RecvError, SignalBus, TryRecvError};
use support::*;
use tokio::sync::oneshot;

fn small_bus() -> BusConfig {
    BusConfig::builder()
        .lane(Lane::Data, LaneConfig::new(8, Overflow::DropNewest))
        .lane(Lane::Telemetry, LaneConfig::new(4, Overflow::DropOldest))
        .build()
        .unwrap()
}

fn signal(lane: Lane, n: u32) -> Signal {
    Signal::builder(Topic::new("flood").unwrap())
        .lane(lane)
        .data(n)
        .build()
}

fn drain(sub: &mut mabeam_actors::Subscription) -> Vec<u32> {
    let mut out = Vec::new();
    loop {
        match sub.try_recv() {
            Ok(s) => out.push(*s.data::<u32>().unwrap()),
            Err(TryRecvError::Empty) => return out,
            Err(other) => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn drop_newest_keeps_the_first_signals_and_reports_the_rest() {
    let bus = SignalBus::new(small_bus());
    let mut slow = bus.subscribe([TopicPattern::new("flood").unwrap()]);
    let mut dropped = 0;
    for n in 0..100 {
        dropped += bus.publish(signal(Lane::Data, n)).dropped;
    }
    assert_eq!(dropped, 92);
    assert_eq!(slow.len(), 8, "bounded by the lane capacity");
    assert_eq!(
        slow.recv().await.unwrap_err(),
        RecvError::Lagged {
            lane: Lane::Data,
            missed: 92
        }
    );
    assert_eq!(drain(&mut slow), (0..8).collect::<Vec<_>>());
}

#[tokio::test]
async fn drop_oldest_keeps_the_newest_signals() {
    let bus = SignalBus::new(small_bus());
    let mut slow = bus.subscribe([TopicPattern::new("flood").unwrap()]);
    for n in 0..100 {
        let _ = bus.publish(signal(Lane::Telemetry, n));
    }
    assert!(matches!(
        slow.try_recv(),
        Err(TryRecvError::Lagged {
            lane: Lane::Telemetry,
            missed: 96
        })
    ));
    assert_eq!(drain(&mut slow), [96, 97, 98, 99]);
}

#[tokio::test]
async fn one_slow_subscriber_does_not_cost_a_fast_one_anything() {
    let bus = SignalBus::new(small_bus());
    let slow = bus.subscribe([TopicPattern::new("flood").unwrap()]);
    let mut fast = bus.subscribe([TopicPattern::new("flood").unwrap()]);
    let mut got = Vec::new();
    for n in 0..100 {
        let report = bus.publish(signal(Lane::Data, n));
        assert_eq!(report.matched, 2);
        got.extend(drain(&mut fast));
    }
    assert_eq!(got, (0..100).collect::<Vec<_>>());
    assert_eq!(slow.len(), 8);
}

#[tokio::test]
async fn a_closed_bus_ends_its_subscriptions() {
    let bus = SignalBus::new(small_bus());
    let sub = bus.subscribe([TopicPattern::new("flood").unwrap()]);
    let _ = bus.publish(signal(Lane::Data, 1));
    bus.close();
    use futures::StreamExt;
    let items: Vec<_> = sub.into_stream().collect().await;
    assert_eq!(
        items.len(),
        1,
        "what was queued is still delivered, then the stream ends"
    );
}

/// An agent that is told about its losses.
struct Sink {
    probe: Probe,
}

impl Agent for Sink {
    type Action = (oneshot::Receiver<()>, Reply<()>);

    async fn handle(
        &mut self,
        _: &mut Ctx<Self>,
        (gate, blocked): Self::Action,
    ) -> Result<(), AgentError> {
        blocked.send(());
        let _ = gate.await;
        Ok(())
    }

    fn subscriptions(&self) -> Vec<TopicPattern> {
        vec![TopicPattern::new("flood").unwrap()]
    }

    async fn on_signal(&mut self, _: &mut Ctx<Self>, signal: Signal) -> Result<(), AgentError> {
        self.probe
            .send(format!("got {}", signal.data::<u32>().unwrap()));
        Ok(())
    }

    async fn on_signals_lost(&mut self, _: &mut Ctx<Self>, lane: Lane, missed: u64) {
        self.probe.send(format!("lost {missed} {lane}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_agent_is_told_how_many_signals_it_missed() {
    let (probe, mut events) = probe();
    let system = AgentSystem::builder()
        .bus(small_bus())
        .start()
        .await
        .unwrap();
    let p = probe.clone();
    let sink = system
        .spawn("sink", move || Sink { probe: p.clone() })
        .await
        .unwrap();
    let (release, gate) = oneshot::channel();
    sink.call(|r| (gate, r)).await.unwrap();
    for n in 0..50 {
        let _ = system.publish(signal(Lane::Data, n));
    }
    release.send(()).unwrap();
    let mut expected = vec!["lost 42 data".to_owned()];
    expected.extend((0..8).map(|n| format!("got {n}")));
    assert_eq!(events.take(9).await, expected);
    system.shutdown().await;
}
