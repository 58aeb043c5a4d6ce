//! Shutdown stops every child one at a time, in reverse start order, depth first through
//! nested supervisors; each agent's `on_stop` runs and every id is freed.
#[path = "support/agents.rs"]
mod support;

use mabeam_actors::prelude::*;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tree_stops_in_reverse_start_order() {
    let (probe, mut events) = probe();
    let system = system().await;
    spawn_worker(&system, "first", &probe).await;
    system
        .spawn_supervisor(workers(
            "mid",
            Strategy::OneForOne,
            &probe,
            &["m1", "m2", "m3"],
        ))
        .await
        .unwrap();
    spawn_worker(&system, "last", &probe).await;
    assert_eq!(events.take(5).await.len(), 5);
    assert_eq!(system.registry().len(), 5);

    system.shutdown().await;
    assert_eq!(
        events.drain(),
        ["stop last", "stop m3", "stop m2", "stop m1", "stop first"]
    );
    assert!(system.registry().is_empty());
    assert!(!system.is_running());
    // Idempotent.
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_that_ignores_stop_is_killed_after_its_shutdown_time() {
    use std::time::Duration;

    let (probe, mut events) = probe();
    let system = system().await;
    let slow = system
        .spawn_agent::<Worker>(
            ChildSpec::agent("slow", Worker::factory("slow", &probe))
                .shutdown(Duration::from_millis(50)),
        )
        .await
        .unwrap();
    events.next().await;
    // Busy for an hour: the stop request waits behind it, then the supervisor kills it.
    // (A call, not a cast: ractor takes a stop request before queued messages, so the agent
    // must be inside the action before we ask it to stop.)
    slow.call(Work::Hold).await.unwrap();
    system.stop_agent("slow").await.unwrap();
    assert!(!system.registry().contains("slow"));
    let after = events.drain();
    assert!(
        after.is_empty(),
        "a killed agent runs no on_stop: {after:?}"
    );
    system.shutdown().await;
}
