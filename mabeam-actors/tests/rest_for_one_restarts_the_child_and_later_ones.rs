//! Rest-for-one: the failed child and every child started after it restart; earlier ones keep
//! running.
#[path = "support/agents.rs"]
mod support;

use mabeam_actors::prelude::*;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn children_started_after_the_failed_one_restart_too() {
    let (probe, mut events) = probe();
    let system = system().await;
    system
        .spawn_supervisor(workers(
            "sup",
            Strategy::RestForOne,
            &probe,
            &["a", "b", "c"],
        ))
        .await
        .unwrap();
    assert_eq!(events.take(3).await, ["start a", "start b", "start c"]);
    let a = system.agent::<Worker>("a").unwrap();
    assert_eq!(a.call(|r| Work::Add(9, r)).await.unwrap(), 9);

    system
        .agent::<Worker>("b")
        .unwrap()
        .cast(Work::Fail)
        .unwrap();
    assert_eq!(
        events.take(5).await,
        [
            "stop c",
            "restart b #1",
            "start b",
            "restart c #1",
            "start c"
        ]
    );
    assert_eq!(a.call(Work::Get).await.unwrap(), 9, "a was not restarted");
    system.shutdown().await;
}
