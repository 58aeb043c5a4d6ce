//! One-for-all: when one child fails, the others are stopped in reverse start order and all
//! start again in start order.
#[path = "support/agents.rs"]
mod support;

use mabeam_actors::prelude::*;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn siblings_stop_in_reverse_order_and_all_restart_in_order() {
    let (probe, mut events) = probe();
    let system = system().await;
    system
        .spawn_supervisor(workers(
            "sup",
            Strategy::OneForAll,
            &probe,
            &["a", "b", "c"],
        ))
        .await
        .unwrap();
    assert_eq!(events.take(3).await, ["start a", "start b", "start c"]);
    let c = system.agent::<Worker>("c").unwrap();
    assert_eq!(c.call(|r| Work::Add(3, r)).await.unwrap(), 3);

    system
        .agent::<Worker>("b")
        .unwrap()
        .cast(Work::Fail)
        .unwrap();
    assert_eq!(
        events.take(8).await,
        [
            "stop c",
            "stop a",
            "restart a #1",
            "start a",
            "restart b #1",
            "start b",
            "restart c #1",
            "start c"
        ]
    );
    // Every child starts fresh, the healthy ones too.
    assert_eq!(c.call(Work::Get).await.unwrap(), 0);
    system.shutdown().await;
}
