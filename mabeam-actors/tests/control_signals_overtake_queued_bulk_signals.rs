//! Lanes: a subscriber always takes the most urgent queued signal next, so a control signal
//! never waits behind queued data or telemetry — at most behind the one signal being handled
//! when it arrives.
#[path = "support/agents.rs"]
mod support;

use mabeam_actors::prelude::*;
use support::*;
use tokio::sync::oneshot;

fn signal(topic: &str, lane: Lane, n: u32) -> Signal {
    Signal::builder(Topic::new(topic).unwrap())
        .lane(lane)
        .data(n)
        .build()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_subscriber_gets_control_first() {
    let system = system().await;
    let mut sub = system.subscribe("load.**").unwrap();
    for n in 0..500 {
        let _ = system.publish(signal("load.data", Lane::Data, n));
        let _ = system.publish(signal("load.telemetry", Lane::Telemetry, n));
    }
    let _ = system.publish(signal("load.events", Lane::Events, 0));
    let _ = system.publish(signal("load.control", Lane::Control, 0));
    let lanes: Vec<Lane> = [(); 3]
        .iter()
        .map(|_| sub.try_recv().unwrap().lane())
        .collect();
    assert_eq!(lanes, [Lane::Control, Lane::Events, Lane::Data]);
    system.shutdown().await;
}

/// Handles signals one by one, reporting each; blocks in an action until released.
struct Consumer {
    probe: Probe,
}

enum ConsumerOp {
    Block(oneshot::Receiver<()>, Reply<()>),
}

impl Agent for Consumer {
    type Action = ConsumerOp;

    async fn handle(&mut self, _: &mut Ctx<Self>, op: ConsumerOp) -> Result<(), AgentError> {
        let ConsumerOp::Block(gate, blocked) = op;
        blocked.send(());
        let _ = gate.await;
        Ok(())
    }

    fn subscriptions(&self) -> Vec<TopicPattern> {
        vec![TopicPattern::new("load.*").unwrap()]
    }

    async fn on_signal(&mut self, ctx: &mut Ctx<Self>, signal: Signal) -> Result<(), AgentError> {
        let n = *signal.data::<u32>().unwrap();
        self.probe.send(format!("{} {n}", signal.lane()));
        // Mid-flood, publish a control signal from inside the handler.
        if signal.lane() == Lane::Data && n == 10 {
            let _ = ctx.publish(signal_from(ctx, "load.control", Lane::Control, 99));
        }
        Ok(())
    }
}

fn signal_from(ctx: &Ctx<Consumer>, topic: &str, lane: Lane, n: u32) -> Signal {
    ctx.signal(topic).unwrap().lane(lane).data(n).build()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_handles_control_before_the_queued_flood() {
    let (probe, mut events) = probe();
    let system = system().await;
    let p = probe.clone();
    let consumer = system
        .spawn("consumer", move || Consumer { probe: p.clone() })
        .await
        .unwrap();

    // Keep the agent busy while the flood queues up behind it.
    let (release, gate) = oneshot::channel();
    consumer.call(|r| ConsumerOp::Block(gate, r)).await.unwrap();
    for n in 0..200 {
        let report = system.publish(signal("load.data", Lane::Data, n));
        assert_eq!(report.delivered, 1);
    }
    let _ = system.publish(signal("load.control", Lane::Control, 0));
    release.send(()).unwrap();

    // The control signal published last is handled first.
    assert_eq!(events.next().await, "control 0");
    // Data then flows in order; the control signal published while handling data 10 is
    // handled right after it, ahead of the 189 data signals still queued.
    let after: Vec<String> = events.take(12).await;
    let expected: Vec<String> = (0..=10)
        .map(|n| format!("data {n}"))
        .chain(["control 99".to_owned()])
        .collect();
    assert_eq!(after, expected);
    assert_eq!(events.next().await, "data 11");
    system.shutdown().await;
}
