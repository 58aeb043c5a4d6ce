//! Permanent children always come back; transient ones only after a failure; temporary ones
//! never. A child that does not come back is removed and its id freed.
#[path = "support/agents.rs"]
mod support;

use mabeam_actors::prelude::*;
use mabeam_actors::{CallError, ChildKind};
use support::*;

async fn spawn(
    system: &AgentSystem,
    probe: &Probe,
    name: &'static str,
    restart: Restart,
) -> AgentRef<Worker> {
    system
        .spawn_agent(ChildSpec::agent(name, Worker::factory(name, probe)).restart(restart))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_permanent_child_comes_back_even_after_a_normal_stop() {
    let (probe, mut events) = probe();
    let system = system().await;
    let p = spawn(&system, &probe, "p", Restart::Permanent).await;
    events.next().await;
    p.cast(Work::Stop).unwrap();
    assert_eq!(events.take(3).await, ["stop p", "restart p #1", "start p"]);
    assert!(system.registry().contains("p"));
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transient_child_comes_back_after_a_failure_but_not_a_normal_stop() {
    let (probe, mut events) = probe();
    let system = system().await;
    let t = spawn(&system, &probe, "t", Restart::Transient).await;
    events.next().await;
    t.cast(Work::Fail).unwrap();
    assert_eq!(events.take(2).await, ["restart t #1", "start t"]);

    t.cast(Work::Stop).unwrap();
    assert_eq!(events.next().await, "stop t");
    // The supervisor forgets it: poll its view (bounded) until the child is gone.
    wait_until_gone(&system, "t").await;
    assert!(!system.registry().contains("t"));
    assert!(matches!(
        t.call(Work::Get).await,
        Err(CallError::NotRunning { .. })
    ));
    assert!(events.drain().is_empty(), "no restart after a normal stop");
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_temporary_child_never_comes_back() {
    let (probe, mut events) = probe();
    let system = system().await;
    let x = spawn(&system, &probe, "x", Restart::Temporary).await;
    events.next().await;
    x.cast(Work::Panic).unwrap();
    wait_until_gone(&system, "x").await;
    assert!(!system.registry().contains("x"));
    assert!(events.drain().is_empty(), "no restart after a failure");
    // Its id is free again.
    spawn(&system, &probe, "x", Restart::Temporary).await;
    assert_eq!(events.next().await, "start x");
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_ractor_actors_are_supervised_too() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    use mabeam_actors::ractor::{Actor, ActorProcessingErr, ActorRef};

    /// Fails right after its first start, then runs normally.
    struct Plain {
        probe: Probe,
        fail_once: Arc<AtomicBool>,
    }
    struct Nothing;
    impl mabeam_actors::ractor::Message for Nothing {}
    impl Actor for Plain {
        type Msg = Nothing;
        type State = ();
        type Arguments = ();
        async fn pre_start(&self, _: ActorRef<Nothing>, _: ()) -> Result<(), ActorProcessingErr> {
            self.probe.send("start plain");
            Ok(())
        }
        async fn post_start(
            &self,
            _: ActorRef<Nothing>,
            _: &mut (),
        ) -> Result<(), ActorProcessingErr> {
            if self.fail_once.swap(false, Ordering::SeqCst) {
                return Err("first run fails".into());
            }
            self.probe.send("running plain");
            Ok(())
        }
    }

    let (probe, mut events) = probe();
    let system = system().await;
    let fail_once = Arc::new(AtomicBool::new(true));
    system
        .start_child(ChildSpec::actor("plain", move || {
            (
                Plain {
                    probe: probe.clone(),
                    fail_once: fail_once.clone(),
                },
                (),
            )
        }))
        .await
        .unwrap();
    assert_eq!(
        events.take(3).await,
        ["start plain", "start plain", "running plain"]
    );
    let children = system.root().children().await.unwrap();
    assert_eq!(children[0].kind, ChildKind::Actor);
    assert_eq!(children[0].restarts, 1);
    assert!(children[0].running);
    system.shutdown().await;
}

async fn wait_until_gone(system: &AgentSystem, id: &str) {
    tokio::time::timeout(PATIENCE, async {
        loop {
            let children = system.root().children().await.unwrap();
            if children.iter().all(|c| c.id != id) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("child removed");
}
