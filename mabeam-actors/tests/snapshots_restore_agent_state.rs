//! An agent's state can be taken as a snapshot and a new agent started from it; a snapshot of
//! another type, or an agent without snapshot support, is a typed error.
#[path = "support/agents.rs"]
mod support;

use mabeam_actors::prelude::*;
use mabeam_actors::{CallError, SnapshotError, SupervisorError};
use serde::{Deserialize, Serialize};
use support::*;

#[derive(Default, Serialize, Deserialize)]
struct Tally {
    items: Vec<String>,
}

enum TallyOp {
    Add(String, Reply<usize>),
    List(Reply<Vec<String>>),
}

impl Agent for Tally {
    type Action = TallyOp;

    fn agent_type() -> &'static str {
        "tally"
    }

    async fn handle(&mut self, _: &mut Ctx<Self>, op: TallyOp) -> Result<(), AgentError> {
        match op {
            TallyOp::Add(item, reply) => {
                self.items.push(item);
                reply.send(self.items.len());
            }
            TallyOp::List(reply) => {
                reply.send(self.items.clone());
            }
        }
        Ok(())
    }

    fn snapshot(&self) -> Result<Snapshot, SnapshotError> {
        Snapshot::encode(Self::agent_type(), self)
    }

    fn restore(&mut self, snapshot: Snapshot) -> Result<(), SnapshotError> {
        if snapshot.agent_type() != Self::agent_type() {
            return Err(SnapshotError::WrongType {
                expected: Self::agent_type(),
                found: snapshot.agent_type().to_owned(),
            });
        }
        *self = snapshot.decode()?;
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_agent_starts_from_the_snapshot_of_an_old_one() {
    let system = system().await;
    let old = system.spawn("t1", Tally::default).await.unwrap();
    for item in ["a", "b", "c"] {
        old.call(|r| TallyOp::Add(item.into(), r)).await.unwrap();
    }
    let snapshot = old.snapshot().await.unwrap();
    assert_eq!(snapshot.agent_type(), "tally");
    system.stop_agent("t1").await.unwrap();

    let new = system
        .spawn_agent::<Tally>(ChildSpec::agent_from_snapshot(
            "t2",
            Tally::default,
            snapshot,
        ))
        .await
        .unwrap();
    assert_eq!(new.call(TallyOp::List).await.unwrap(), ["a", "b", "c"]);
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_of_another_type_fails_the_start_and_frees_the_id() {
    let system = system().await;
    let wrong = Snapshot::encode("counter", &42u64).unwrap();
    let err = system
        .spawn_agent::<Tally>(ChildSpec::agent_from_snapshot("t", Tally::default, wrong))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        SupervisorError::RestoreFailed {
            id: "t".into(),
            reason: "snapshot of `counter` cannot restore an agent of type `tally`".into(),
        }
    );
    // It says what went wrong, and claims no panic.
    assert_eq!(
        err.to_string(),
        "agent `t` cannot start from its snapshot: snapshot of `counter` cannot restore an agent of type `tally`"
    );
    assert!(!system.registry().contains("t"));
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_without_snapshot_support_says_so() {
    let (probe, _events) = probe();
    let system = system().await;
    let w = spawn_worker(&system, "w", &probe).await;
    let err = w.snapshot().await.unwrap_err();
    assert!(matches!(err, CallError::Snapshot { .. }), "{err:?}");
    // Still running.
    assert_eq!(w.call(Work::Get).await, Ok(0));
    system.shutdown().await;
}
