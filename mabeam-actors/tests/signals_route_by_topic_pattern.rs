//! The bus delivers a signal to exactly the subscribers with a matching pattern (`*` = one
//! segment, `**` = zero or more), once each; agents receive theirs in `on_signal`.
#[path = "support/agents.rs"]
mod support;

use mabeam_actors::prelude::*;
use mabeam_actors::{BusConfig, SignalBus, TryRecvError};
use proptest::prelude::*;
use support::*;

/// The obviously-correct matcher the bus is checked against.
fn reference(pattern: &[&str], topic: &[&str]) -> bool {
    match (pattern.first(), topic.first()) {
        (None, None) => true,
        (Some(&"**"), _) => {
            reference(&pattern[1..], topic)
                || (!topic.is_empty() && reference(pattern, &topic[1..]))
        }
        (Some(&"*"), Some(_)) => reference(&pattern[1..], &topic[1..]),
        (Some(p), Some(t)) => p == t && reference(&pattern[1..], &topic[1..]),
        _ => false,
    }
}

fn words(
    choices: &'static [&'static str],
    max: usize,
) -> impl proptest::strategy::Strategy<Value = Vec<&'static str>> {
    prop::collection::vec(prop::sample::select(choices), 1..max)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn each_subscriber_gets_exactly_the_signals_its_patterns_match(
        patterns in prop::collection::vec(
            prop::collection::vec(words(&["orders", "eu", "*", "**"], 5), 1..3),
            1..6,
        ),
        topics in prop::collection::vec(words(&["orders", "eu", "us", "paid"], 5), 1..12),
    ) {
        let bus = SignalBus::new(BusConfig::default());
        let mut subs: Vec<_> = patterns
            .iter()
            .map(|set| {
                bus.subscribe(set.iter().map(|p| TopicPattern::new(&p.join(".")).unwrap()))
            })
            .collect();
        for (n, t) in topics.iter().enumerate() {
            let report = bus.publish(Signal::new(Topic::new(&t.join(".")).unwrap(), n));
            let expected = patterns
                .iter()
                .filter(|set| set.iter().any(|p| reference(p, t)))
                .count();
            prop_assert_eq!(report.matched, expected);
            prop_assert_eq!(report.delivered, expected);
        }
        for (set, sub) in patterns.iter().zip(subs.iter_mut()) {
            let expected: Vec<usize> = topics
                .iter()
                .enumerate()
                .filter(|(_, t)| set.iter().any(|p| reference(p, t)))
                .map(|(n, _)| n)
                .collect();
            let mut got = Vec::new();
            loop {
                match sub.try_recv() {
                    Ok(signal) => got.push(*signal.data::<usize>().unwrap()),
                    Err(TryRecvError::Empty) => break,
                    Err(other) => panic!("{other:?}"),
                }
            }
            prop_assert_eq!(got, expected);
        }
    }
}

struct Listener(Probe);

impl Agent for Listener {
    type Action = ();

    async fn handle(&mut self, _: &mut Ctx<Self>, _: ()) -> Result<(), AgentError> {
        Ok(())
    }

    fn subscriptions(&self) -> Vec<TopicPattern> {
        ["orders.*", "orders.**"]
            .into_iter()
            .map(|p| TopicPattern::new(p).unwrap())
            .collect()
    }

    async fn on_signal(&mut self, _: &mut Ctx<Self>, signal: Signal) -> Result<(), AgentError> {
        self.0.send(format!(
            "{} from {} = {}",
            signal.topic(),
            signal.source(),
            signal.decode::<u32>()?
        ));
        Ok(())
    }
}

#[derive(Default)]
struct Emitter;

impl Agent for Emitter {
    type Action = (&'static str, u32);

    async fn handle(
        &mut self,
        ctx: &mut Ctx<Self>,
        (topic, n): (&'static str, u32),
    ) -> Result<(), AgentError> {
        ctx.emit(topic, n)?;
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_receives_matching_signals_once_with_their_source() {
    let (probe, mut events) = probe();
    let system = system().await;
    let p = probe.clone();
    system
        .spawn("listener", move || Listener(p.clone()))
        .await
        .unwrap();
    let emitter = system.spawn("emitter", Emitter::default).await.unwrap();

    emitter.cast(("payments.done", 1)).unwrap();
    emitter.cast(("orders.created", 2)).unwrap(); // matches both patterns: delivered once
    emitter.cast(("orders.eu.paid", 3)).unwrap();
    assert_eq!(
        events.take(2).await,
        [
            "orders.created from emitter = 2",
            "orders.eu.paid from emitter = 3"
        ]
    );
    system.shutdown().await;
    assert!(events.drain().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_agent_is_unsubscribed() {
    let (probe, _events) = probe();
    let system = system().await;
    let p = probe.clone();
    system
        .spawn("listener", move || Listener(p.clone()))
        .await
        .unwrap();
    assert_eq!(system.bus().subscriber_count(), 1);
    system.stop_agent("listener").await.unwrap();
    assert_eq!(system.bus().subscriber_count(), 0);
    let report = system.publish(Signal::new(Topic::new("orders.x").unwrap(), 1u32));
    assert_eq!(report.matched, 0);
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_topic_is_a_typed_error() {
    let system = system().await;
    assert!(matches!(
        system.subscribe("orders.cre*"),
        Err(mabeam_actors::TopicError::InvalidCharacter { character: '*', .. })
    ));
    system.shutdown().await;
}
