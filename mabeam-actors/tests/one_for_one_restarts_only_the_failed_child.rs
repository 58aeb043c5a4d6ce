//! One-for-one: a failed child is restarted alone; its siblings keep running and keep state.
#[path = "support/agents.rs"]
mod support;

use mabeam_actors::prelude::*;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_child_restarts_alone_with_fresh_state() {
    let (probe, mut events) = probe();
    let system = system().await;
    system
        .spawn_supervisor(workers(
            "sup",
            Strategy::OneForOne,
            &probe,
            &["a", "b", "c"],
        ))
        .await
        .unwrap();
    assert_eq!(events.take(3).await, ["start a", "start b", "start c"]);

    let a = system.agent::<Worker>("a").unwrap();
    let b = system.agent::<Worker>("b").unwrap();
    assert_eq!(a.call(|r| Work::Add(5, r)).await.unwrap(), 5);
    assert_eq!(b.call(|r| Work::Add(7, r)).await.unwrap(), 7);

    b.cast(Work::Fail).unwrap();
    assert_eq!(events.take(2).await, ["restart b #1", "start b"]);

    // The handle taken before the crash reaches the new instance, which started fresh.
    assert_eq!(b.call(Work::Get).await.unwrap(), 0);
    // The sibling was not touched.
    assert_eq!(a.call(Work::Get).await.unwrap(), 5);
    assert!(events.drain().is_empty());
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_child_is_restarted_like_a_failing_one() {
    let (probe, mut events) = probe();
    let system = system().await;
    let worker = spawn_worker(&system, "w", &probe).await;
    events.expect_start("w").await;
    worker.cast(Work::Panic).unwrap();
    assert_eq!(events.take(2).await, ["restart w #1", "start w"]);
    assert_eq!(worker.call(|r| Work::Add(1, r)).await.unwrap(), 1);
    system.shutdown().await;
}

trait ExpectStart {
    async fn expect_start(&mut self, name: &str);
}

impl ExpectStart for Events {
    async fn expect_start(&mut self, name: &str) {
        assert_eq!(self.next().await, format!("start {name}"));
    }
}
