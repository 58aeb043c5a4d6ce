//! A call that arrives while its agent is being passivated waits for the passivation to finish,
//! then reactivates the agent from the snapshot just taken — and the node tracks that new
//! activation like any other: it counts as active and is passivated again when idle, instead
//! of running on untracked until some later call.
//!
//! The order is made exact on a single-threaded runtime: the agent is kept busy through its
//! local handle, so the passivation, holding the agent's gate, waits for its snapshot; the call
//! is spawned and runs (at the yields) until it waits on that gate; then the agent is let go.
#[path = "support/solo.rs"]
mod solo;
#[path = "support/cluster.rs"]
mod support;

use std::sync::Arc;
use std::time::Duration;

use solo::{until, Held, HeldAdd, HeldHold, ENTERED, RELEASE};
use support::PATIENCE;

#[tokio::test(flavor = "current_thread")]
async fn a_call_that_waits_out_a_passivation_reactivates_the_agent_for_good() {
    let node = solo::start(Duration::from_secs(3600), |b| b.agent_type(Held::default)).await;
    let node = Arc::new(node);
    assert_eq!(
        node.agent::<Held>("h-1").request(HeldAdd { by: 5 }).await,
        Ok(5)
    );

    // Busy through its local handle (which passivation does not wait for).
    let local = node.system().registry().lookup::<Held>("h-1").unwrap();
    let busy = tokio::spawn(async move { local.request(HeldHold {}).await });
    tokio::time::timeout(PATIENCE, ENTERED.notified())
        .await
        .expect("the agent is busy");

    // The passivation takes the gate, then waits for the snapshot behind `hold`.
    let sweeper = node.clone();
    let sweep = tokio::spawn(async move { sweeper.passivate_idle(Duration::ZERO).await });
    until("the snapshot is queued", || {
        node.system().registry().backlog("h-1") == Some(1)
    })
    .await;

    // The call runs up to the gate and waits there.
    let caller = node.clone();
    let call =
        tokio::spawn(async move { caller.agent::<Held>("h-1").request(HeldAdd { by: 1 }).await });
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }

    RELEASE.notify_one();
    assert_eq!(busy.await.unwrap(), Ok(5));
    assert_eq!(sweep.await.unwrap(), 1);
    // Reactivated from the snapshot, and tracked.
    assert_eq!(call.await.unwrap(), Ok(6));
    assert!(node.system().registry().is_running("h-1"));
    assert_eq!(node.active_agents(), 1);
    assert_eq!(node.passivate_idle(Duration::ZERO).await, 1);
    assert!(!node.system().registry().contains("h-1"));
    assert_eq!(
        node.agent::<Held>("h-1").request(HeldAdd { by: 1 }).await,
        Ok(7)
    );

    Arc::try_unwrap(node)
        .expect("no other reference to the node")
        .shutdown()
        .await;
}
