//! Virtual activation and passivation on a node: the first call through `Node::agent`
//! activates the agent; once idle for the node's `idle_timeout` it is snapshotted and stopped;
//! the next call reactivates it with its state. An agent type without snapshots starts afresh
//! (as a grain without persistent state does). A call in progress holds passivation off.
#[path = "support/solo.rs"]
mod solo;
#[path = "support/cluster.rs"]
mod support;

use std::time::Duration;

use mabeam_actors::agent;
use serde::{Deserialize, Serialize};
use solo::until;

#[derive(Default, Serialize, Deserialize)]
struct Kept {
    n: u64,
}

#[agent(remote, snapshot, name = "test.kept")]
impl Kept {
    #[action]
    fn add(&mut self, by: u64) -> u64 {
        self.n += by;
        self.n
    }

    #[action]
    async fn add_slowly(&mut self, by: u64, ms: u64) -> u64 {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        self.n += by;
        self.n
    }
}

#[derive(Default)]
struct Forgetful {
    n: u64,
}

#[agent(remote, name = "test.forgetful")]
impl Forgetful {
    #[action]
    fn add(&mut self, by: u64) -> u64 {
        self.n += by;
        self.n
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_agent_is_passivated_and_comes_back_with_its_state() {
    let node = solo::start(Duration::from_millis(200), |b| {
        b.agent_type(Kept::default).agent_type(Forgetful::default)
    })
    .await;

    let kept = node.agent::<Kept>("k-1");
    assert_eq!(kept.request(KeptAdd { by: 5 }).await, Ok(5));
    let forgetful = node.agent::<Forgetful>("f-1");
    assert_eq!(forgetful.request(ForgetfulAdd { by: 5 }).await, Ok(5));
    assert!(node.system().registry().is_running("k-1"));

    until("both are passivated", || {
        node.passivated_agents() == 1
            && node.active_agents() == 0
            && !node.system().registry().contains("k-1")
            && !node.system().registry().contains("f-1")
    })
    .await;

    // Reactivated by the next call: with its state, or afresh without snapshots.
    assert_eq!(kept.request(KeptAdd { by: 1 }).await, Ok(6));
    assert_eq!(forgetful.request(ForgetfulAdd { by: 1 }).await, Ok(1));
    assert_eq!(node.passivated_agents(), 0);
    assert_eq!(node.active_agents(), 2);

    // A call that outlasts the idle timeout keeps the agent active until it returns.
    assert_eq!(
        kept.clone()
            .timeout(Duration::from_secs(10))
            .request(KeptAddSlowly { by: 1, ms: 600 })
            .await,
        Ok(7)
    );
    until("passivated again", || node.passivated_agents() == 1).await;
    assert_eq!(kept.request(KeptAdd { by: 1 }).await, Ok(8));
    node.shutdown().await;
}
