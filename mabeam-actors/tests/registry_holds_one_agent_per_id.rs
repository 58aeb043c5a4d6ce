//! The registry maps an id to one agent: a taken id is a typed error; lookups are typed; an
//! entry disappears when its agent stops for good, whether it stopped or crashed.
#[path = "support/agents.rs"]
mod support;

use mabeam_actors::prelude::*;
use mabeam_actors::{LookupError, RegisterError, SupervisorError};
use support::*;

#[derive(Default)]
struct Other;
impl Agent for Other {
    type Action = ();
    async fn handle(&mut self, _: &mut Ctx<Self>, _: ()) -> Result<(), AgentError> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registering_a_taken_id_is_a_typed_error_and_changes_nothing() {
    let (probe, mut events) = probe();
    let system = system().await;
    let first = spawn_worker(&system, "dup", &probe).await;
    first.call(|r| Work::Add(4, r)).await.unwrap();

    let err = system.spawn("dup", Other::default).await.unwrap_err();
    assert!(
        matches!(
            &err,
            SupervisorError::Register(RegisterError::AlreadyRegistered { id, .. }) if id.as_str() == "dup"
        ),
        "{err:?}"
    );
    // The original agent is untouched.
    assert_eq!(first.call(Work::Get).await.unwrap(), 4);
    assert_eq!(events.drain(), ["start dup"]);
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookups_are_typed() {
    let (probe, _events) = probe();
    let system = system().await;
    spawn_worker(&system, "w", &probe).await;
    assert!(system.agent::<Worker>("w").is_ok());
    assert!(matches!(
        system.agent::<Other>("w"),
        Err(LookupError::WrongType { .. })
    ));
    assert!(matches!(
        system.agent::<Worker>("nobody"),
        Err(LookupError::NotFound { .. })
    ));
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_entry_goes_when_the_agent_is_stopped() {
    let (probe, _events) = probe();
    let system = system().await;
    let w = spawn_worker(&system, "w", &probe).await;
    assert!(system.registry().is_running("w"));
    system.stop_agent("w").await.unwrap();
    assert!(!system.registry().contains("w"));
    assert!(!w.is_running());
    assert!(matches!(
        w.call(Work::Get).await,
        Err(mabeam_actors::CallError::NotRunning { .. })
    ));
    assert!(matches!(
        system.stop_agent("w").await,
        Err(SupervisorError::NoSuchChild(_))
    ));
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_entry_goes_when_an_unrestarted_agent_crashes() {
    let (probe, mut events) = probe();
    let system = system().await;
    let w = system
        .spawn_agent::<Worker>(
            ChildSpec::agent("w", Worker::factory("w", &probe)).restart(Restart::Temporary),
        )
        .await
        .unwrap();
    events.next().await;
    w.cast(Work::Panic).unwrap();
    tokio::time::timeout(PATIENCE, async {
        while system.registry().contains("w") {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the entry is removed");
    assert!(!w.is_running());
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarting_agent_keeps_its_entry() {
    let (probe, mut events) = probe();
    let system = system().await;
    let w = spawn_worker(&system, "w", &probe).await;
    events.next().await;
    w.cast(Work::Fail).unwrap();
    assert_eq!(events.take(2).await, ["restart w #1", "start w"]);
    assert!(system.registry().contains("w"));
    assert_eq!(system.agent::<Worker>("w").unwrap(), w);
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_cannot_take_the_id_of_a_plain_actor_child() {
    use mabeam_actors::ractor::{Actor, ActorProcessingErr, ActorRef};

    struct Plain;
    struct Nothing;
    impl mabeam_actors::ractor::Message for Nothing {}
    impl Actor for Plain {
        type Msg = Nothing;
        type State = ();
        type Arguments = ();
        async fn pre_start(&self, _: ActorRef<Nothing>, _: ()) -> Result<(), ActorProcessingErr> {
            Ok(())
        }
    }

    let system = system().await;
    system
        .start_child(ChildSpec::actor("shared-name", || (Plain, ())))
        .await
        .unwrap();
    let err = system
        .spawn("shared-name", Other::default)
        .await
        .unwrap_err();
    assert_eq!(err, SupervisorError::DuplicateChild("shared-name".into()));
    assert!(!system.registry().contains("shared-name"));
    let children = system.root().children().await.unwrap();
    assert_eq!(children.len(), 1);
    assert_eq!(children[0].kind, mabeam_actors::ChildKind::Actor);
    system.shutdown().await;
}
