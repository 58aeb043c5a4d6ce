//! The registry counts each agent's mailbox backlog (actions sent, not yet taken up), so a
//! health monitor can name the agent that cannot keep up.
use mabeam_actors::prelude::*;
use tokio::sync::oneshot;

/// An agent whose `Block` action holds it until released.
struct Gate;

enum GateOp {
    Block {
        started: oneshot::Sender<()>,
        release: oneshot::Receiver<()>,
    },
    Noop,
    Ping(Reply<()>),
}

impl Agent for Gate {
    type Action = GateOp;

    fn agent_type() -> &'static str {
        "gate"
    }

    async fn handle(&mut self, _ctx: &mut Ctx<Self>, op: GateOp) -> Result<(), AgentError> {
        match op {
            GateOp::Block { started, release } => {
                let _ = started.send(());
                let _ = release.await;
            }
            GateOp::Noop => {}
            GateOp::Ping(reply) => reply.send(()),
        }
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_actions_count_until_the_agent_takes_them_up() {
    let system = AgentSystem::builder().start().await.unwrap();
    let gate = system.spawn("gate", || Gate).await.unwrap();
    let idle = system.spawn("idle", || Gate).await.unwrap();
    assert_eq!(system.registry().backlog("gate"), Some(0));

    let (started, started_rx) = oneshot::channel();
    let (release_tx, release) = oneshot::channel();
    gate.cast(GateOp::Block { started, release }).ok().unwrap();
    started_rx.await.unwrap();
    // The blocking action was taken up; everything sent now waits.
    for _ in 0..10 {
        gate.cast(GateOp::Noop).ok().unwrap();
    }
    assert_eq!(system.registry().backlog("gate"), Some(10));
    assert_eq!(system.registry().backlog("idle"), Some(0));
    assert_eq!(
        system.registry().largest_backlog(),
        Some(("gate".into(), 10))
    );

    release_tx.send(()).unwrap();
    // A call answered after the casts means every cast before it was taken up.
    gate.call(GateOp::Ping).await.unwrap();
    assert_eq!(system.registry().backlog("gate"), Some(0));
    idle.call(GateOp::Ping).await.unwrap();
    assert_eq!(system.registry().backlog("nobody"), None);
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_request_leaves_no_backlog_once_answered() {
    let system = AgentSystem::builder().start().await.unwrap();
    let gate = system.spawn("gate", || Gate).await.unwrap();
    // `Gate` has no snapshot support: the request is answered with an error, all the same.
    for _ in 0..3 {
        assert!(gate.snapshot().await.is_err());
    }
    assert_eq!(system.registry().backlog("gate"), Some(0));
    system.shutdown().await;
}
