//! A supervisor that exceeds its restart intensity stops its children (reverse order) and fails;
//! its parent sees the failure and, by its own rules, restarts the whole subtree.
#[path = "support/agents.rs"]
mod support;

use std::time::Duration;

use mabeam_actors::prelude::*;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_restarts_escalate_and_the_parent_restarts_the_subtree() {
    let (probe, mut events) = probe();
    let system = system().await;
    let spec = SupervisorSpec::builder("inner")
        .strategy(Strategy::OneForOne)
        .intensity(Intensity::new(2, Duration::from_secs(3600)))
        .child(ChildSpec::agent("a", Worker::factory("a", &probe)))
        .child(ChildSpec::agent("b", Worker::factory("b", &probe)))
        .build()
        .unwrap();
    let inner = system.spawn_supervisor(spec).await.unwrap();
    assert_eq!(events.take(2).await, ["start a", "start b"]);
    let b = system.agent::<Worker>("b").unwrap();

    // Two restarts are within the intensity.
    for n in 1..=2 {
        b.call(|r| Work::Add(1, r)).await.unwrap();
        b.cast(Work::Fail).unwrap();
        assert_eq!(
            events.take(2).await,
            [format!("restart b #{n}"), "start b".to_owned()]
        );
    }
    // The third exceeds it: `inner` stops `a` and gives up; the root restarts `inner`, which
    // starts its children fresh.
    b.cast(Work::Fail).unwrap();
    assert_eq!(events.take(3).await, ["stop a", "start a", "start b"]);

    let root_children = system.root().children().await.unwrap();
    let inner_info = root_children.iter().find(|c| c.id == "inner").unwrap();
    assert_eq!(inner_info.restarts, 1, "the root restarted `inner` once");
    assert!(
        inner.is_running(),
        "the handle reaches the restarted supervisor"
    );
    // `inner`'s history starts over, and the old handle to `b` reaches the new `b`.
    let children = inner.children().await.unwrap();
    assert!(children.iter().all(|c| c.running && c.restarts == 0));
    assert_eq!(b.call(Work::Get).await.unwrap(), 0);
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_root_that_gives_up_stops_the_system() {
    let (probe, mut events) = probe();
    let system = AgentSystem::builder()
        .root_intensity(Intensity::new(0, Duration::from_secs(3600)))
        .start()
        .await
        .unwrap();
    let w = spawn_worker(&system, "w", &probe).await;
    events.next().await;
    w.cast(Work::Fail).unwrap();
    tokio::time::timeout(PATIENCE, async {
        while system.is_running() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("the root gives up");
    assert!(
        system.registry().is_empty(),
        "the failed tree left no registrations"
    );
    assert!(matches!(
        w.call(Work::Get).await,
        Err(mabeam_actors::CallError::NotRunning { .. })
    ));
    system.shutdown().await;
}
