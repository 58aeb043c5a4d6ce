//! Supervisors publish what happens to their children on `mabeam.supervisor.*` (control lane),
//! so a program can watch a tree instead of polling it.
#[path = "support/agents.rs"]
mod support;

use std::time::Duration;

use mabeam_actors::prelude::*;
use mabeam_actors::supervisor::SupervisorReport;
use mabeam_actors::Subscription;
use support::*;

async fn next_report(reports: &mut Subscription) -> (String, SupervisorReport) {
    let signal = tokio::time::timeout(PATIENCE, reports.recv())
        .await
        .expect("a report")
        .expect("bus open");
    assert_eq!(signal.lane(), Lane::Control);
    let report = signal.data::<SupervisorReport>().expect("a report").clone();
    (signal.topic().to_string(), report)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_and_its_restart_are_reported() {
    let (probe, _events) = probe();
    let system = system().await;
    let mut reports = system.subscribe("mabeam.supervisor.*").unwrap();
    let w = spawn_worker(&system, "w", &probe).await;
    w.cast(Work::Fail).unwrap();

    let (topic, exited) = next_report(&mut reports).await;
    assert_eq!(topic, SupervisorReport::EXITED);
    assert_eq!(exited.child.as_deref(), Some("w"));
    assert!(exited.failed);
    assert!(exited.reason.unwrap().contains("told to fail"));

    let (topic, restarted) = next_report(&mut reports).await;
    assert_eq!(topic, SupervisorReport::RESTARTED);
    assert_eq!(restarted.supervisor, "mabeam/root");
    assert_eq!(restarted.restarts, 1);
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_that_is_not_restarted_is_reported_removed() {
    let (probe, _events) = probe();
    let system = system().await;
    let mut reports = system.subscribe("mabeam.supervisor.*").unwrap();
    let w = system
        .spawn_agent::<Worker>(
            ChildSpec::agent("w", Worker::factory("w", &probe)).restart(Restart::Transient),
        )
        .await
        .unwrap();
    w.cast(Work::Stop).unwrap();
    let (topic, exited) = next_report(&mut reports).await;
    assert_eq!(topic, SupervisorReport::EXITED);
    assert!(!exited.failed);
    let (topic, removed) = next_report(&mut reports).await;
    assert_eq!(topic, SupervisorReport::REMOVED);
    assert_eq!(removed.child.as_deref(), Some("w"));
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_escalation_is_reported() {
    let (probe, _events) = probe();
    let system = system().await;
    let mut reports = system.subscribe("mabeam.supervisor.escalated").unwrap();
    let spec = SupervisorSpec::builder("fragile")
        .intensity(Intensity::new(0, Duration::from_secs(3600)))
        .child(ChildSpec::agent("w", Worker::factory("w", &probe)))
        .build()
        .unwrap();
    system.spawn_supervisor(spec).await.unwrap();
    system
        .agent::<Worker>("w")
        .unwrap()
        .cast(Work::Fail)
        .unwrap();
    let (_, escalated) = next_report(&mut reports).await;
    assert_eq!(escalated.supervisor, "fragile");
    assert_eq!(escalated.restarts, 1);
    system.shutdown().await;
}
