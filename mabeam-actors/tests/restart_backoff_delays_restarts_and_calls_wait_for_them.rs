//! Backoff: the n-th consecutive restart waits initial × 2^(n-1). A call made meanwhile waits
//! for the restarted agent (within its timeout) instead of failing.
//!
//! These tests run on tokio's paused clock: time only moves when every task is idle, so the
//! delays are exact and nothing depends on the machine's speed.
#[path = "support/agents.rs"]
mod support;

use std::time::Duration;

use mabeam_actors::prelude::*;
use support::*;
use tokio::time::Instant;

fn backoff_system_spec(probe: &Probe) -> SupervisorSpec {
    SupervisorSpec::builder("backoff")
        .intensity(Intensity::new(10, Duration::from_secs(3600)))
        .backoff(Backoff::exponential(
            Duration::from_secs(10),
            Duration::from_secs(25),
        ))
        .child(ChildSpec::agent("w", Worker::factory("w", probe)))
        .build()
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn consecutive_restarts_wait_longer_each_time_up_to_the_cap() {
    let (probe, mut events) = probe();
    let system = system().await;
    system
        .spawn_supervisor(backoff_system_spec(&probe))
        .await
        .unwrap();
    events.next().await;
    let w = system.agent::<Worker>("w").unwrap();

    let mut waited = Vec::new();
    for _ in 0..4 {
        let crashed_at = Instant::now();
        w.cast(Work::Fail).unwrap();
        let hour = Duration::from_secs(3600);
        events.next_within(hour).await; // "restart w #n"
        events.next_within(hour).await; // "start w"
        waited.push(crashed_at.elapsed().as_secs());
    }
    assert_eq!(waited, [10, 20, 25, 25]);
    system.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_call_during_the_backoff_waits_for_the_restarted_agent() {
    let (probe, mut events) = probe();
    let system = system().await;
    system
        .spawn_supervisor(backoff_system_spec(&probe))
        .await
        .unwrap();
    events.next().await;
    let w = system.agent::<Worker>("w").unwrap();
    w.cast(Work::Fail).unwrap();
    // (A message queued behind the failing one would die with that instance, as in Erlang:
    // wait until the crash has happened.)
    until_down(&w).await;

    let started = Instant::now();
    let n = w
        .call(|r| Work::Add(2, r))
        .timeout(Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(n, 2, "delivered to the fresh instance");
    assert!(started.elapsed() >= Duration::from_secs(10));

    // With a timeout shorter than the backoff, the call times out instead.
    w.cast(Work::Fail).unwrap();
    until_down(&w).await;
    let err = w
        .call(Work::Get)
        .timeout(Duration::from_secs(5))
        .await
        .unwrap_err();
    assert!(
        matches!(err, mabeam_actors::CallError::Timeout { .. }),
        "{err:?}"
    );
    // A cast during the backoff is refused and handed back.
    let back = w.cast(Work::Fail).unwrap_err().into_action();
    assert!(matches!(back, Work::Fail));
    system.shutdown().await;
}
