//! `Node::passivate_idle` passivates, there and then, the agents activated through the cluster
//! that have been idle long enough: it returns how many, leaves an agent in a call running,
//! and the next call reactivates each one with its state. The node's own idle timeout is an
//! hour here, so the background sweep never runs during the test.
#[path = "support/solo.rs"]
mod solo;
#[path = "support/cluster.rs"]
mod support;

use std::time::Duration;

use solo::{Held, HeldAdd, HeldHold, ENTERED, RELEASE};
use support::PATIENCE;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passivating_on_demand_spares_busy_agents_and_keeps_state() {
    let node = solo::start(Duration::from_secs(3600), |b| b.agent_type(Held::default)).await;

    for (i, id) in ["h-1", "h-2", "h-3"].into_iter().enumerate() {
        let by = 10 * (i as u64 + 1);
        assert_eq!(node.agent::<Held>(id).request(HeldAdd { by }).await, Ok(by));
    }
    assert_eq!(node.active_agents(), 3);

    // Nobody has been idle for an hour.
    assert_eq!(node.passivate_idle(Duration::from_secs(3600)).await, 0);
    assert_eq!(node.active_agents(), 3);

    // `h-3` is in a call: everyone else goes.
    let busy = node.agent::<Held>("h-3");
    let call = tokio::spawn(async move { busy.request(HeldHold {}).await });
    tokio::time::timeout(PATIENCE, ENTERED.notified())
        .await
        .expect("the held call started");
    assert_eq!(node.passivate_idle(Duration::ZERO).await, 2);
    assert_eq!(node.active_agents(), 1);
    assert_eq!(node.passivated_agents(), 2);
    assert!(!node.system().registry().contains("h-1"));
    assert!(!node.system().registry().contains("h-2"));
    assert!(node.system().registry().is_running("h-3"));

    RELEASE.notify_one();
    let held = tokio::time::timeout(PATIENCE, call)
        .await
        .expect("the held call returned")
        .unwrap();
    assert_eq!(held, Ok(30));
    assert_eq!(node.passivate_idle(Duration::ZERO).await, 1);
    assert_eq!(node.active_agents(), 0);
    assert_eq!(node.passivated_agents(), 3);
    assert!(!node.system().registry().contains("h-3"));

    // Each comes back with its state.
    assert_eq!(
        node.agent::<Held>("h-1").request(HeldAdd { by: 1 }).await,
        Ok(11)
    );
    assert_eq!(
        node.agent::<Held>("h-2").request(HeldAdd { by: 1 }).await,
        Ok(21)
    );
    assert_eq!(
        node.agent::<Held>("h-3").request(HeldAdd { by: 1 }).await,
        Ok(31)
    );
    assert_eq!(node.passivated_agents(), 0);
    assert_eq!(node.active_agents(), 3);
    node.shutdown().await;
}
