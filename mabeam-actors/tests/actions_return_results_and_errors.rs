//! An action's result reaches its caller, errors included; an action error is a value, not a
//! crash. A handler that fails crashes the agent, and its caller learns it got no reply; an
//! action that panics crashes it too, and its caller gets the panic message.
#[path = "support/agents.rs"]
mod support;

use std::time::Duration;

use mabeam_actors::prelude::*;
use mabeam_actors::{agent, CallError};
use support::*;

#[derive(Debug, PartialEq, Eq)]
enum AccountError {
    Insufficient { balance: u64, wanted: u64 },
}

#[derive(Default)]
struct Account {
    balance: u64,
}

enum AccountOp {
    Deposit(u64, Reply<u64>),
    Withdraw(u64, Reply<Result<u64, AccountError>>),
    Corrupt(Reply<u64>),
}

impl Agent for Account {
    type Action = AccountOp;

    fn agent_type() -> &'static str {
        "account"
    }

    async fn handle(&mut self, _ctx: &mut Ctx<Self>, op: AccountOp) -> Result<(), AgentError> {
        match op {
            AccountOp::Deposit(n, reply) => {
                self.balance += n;
                reply.send(self.balance);
            }
            AccountOp::Withdraw(n, reply) => {
                let result = if n > self.balance {
                    Err(AccountError::Insufficient {
                        balance: self.balance,
                        wanted: n,
                    })
                } else {
                    self.balance -= n;
                    Ok(self.balance)
                };
                reply.send(result);
            }
            AccountOp::Corrupt(_reply) => return Err("invariant broken".into()),
        }
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_and_domain_errors_reach_the_caller() {
    let system = system().await;
    let account = system.spawn("acct", Account::default).await.unwrap();
    assert_eq!(account.call(|r| AccountOp::Deposit(10, r)).await, Ok(10));
    assert_eq!(account.call(|r| AccountOp::Withdraw(4, r)).await, Ok(Ok(6)));
    assert_eq!(
        account.call(|r| AccountOp::Withdraw(50, r)).await,
        Ok(Err(AccountError::Insufficient {
            balance: 6,
            wanted: 50
        }))
    );
    // A domain error is a value: the agent kept its state and keeps running.
    assert_eq!(account.call(|r| AccountOp::Deposit(1, r)).await, Ok(7));
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_handler_crashes_the_agent_and_the_caller_gets_no_reply() {
    let system = system().await;
    let account = system.spawn("acct", Account::default).await.unwrap();
    account.call(|r| AccountOp::Deposit(10, r)).await.unwrap();
    let err = account.call(AccountOp::Corrupt).await.unwrap_err();
    assert!(
        matches!(&err, CallError::NoReply { id } if id.as_str() == "acct"),
        "{err:?}"
    );
    // The supervisor restarts it from scratch (wait for that: a message sent before the crash
    // is handled would die with the failing instance), and the same handle works.
    tokio::time::timeout(PATIENCE, async {
        while system.root().children().await.unwrap()[0].restarts == 0 {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("restarted");
    assert_eq!(account.call(|r| AccountOp::Deposit(1, r)).await, Ok(1));
    system.shutdown().await;
}

/// A generated agent whose actions can panic, synchronously or not.
#[derive(Default)]
struct Fragile {
    n: u64,
}

#[agent]
impl Fragile {
    #[action]
    fn add(&mut self, by: u64) -> u64 {
        self.n += by;
        self.n
    }

    #[action]
    fn share(&self, ways: u64) -> u64 {
        self.n / ways
    }

    #[action]
    async fn explode(&self, why: String) -> u64 {
        tokio::task::yield_now().await;
        panic!("exploded: {why}")
    }
}

/// Waits until the root supervisor has restarted its only child `restarts` times.
async fn until_restarted(system: &AgentSystem, restarts: u32) {
    tokio::time::timeout(PATIENCE, async {
        while system.root().children().await.unwrap()[0].restarts < restarts {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("restarted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_action_tells_its_caller_the_panic_message() {
    let system = system().await;
    let fragile = system.spawn("f", Fragile::default).await.unwrap();
    assert_eq!(fragile.add(10).await, Ok(10));

    // A synchronous action (a `&'static str` payload from the runtime).
    let err = fragile.share(0).await.unwrap_err();
    assert_eq!(
        err,
        CallError::AgentFailed {
            id: "f".into(),
            panic: "attempt to divide by zero".into(),
        }
    );
    assert_eq!(
        err.to_string(),
        "agent `f` failed: the action panicked: attempt to divide by zero"
    );

    // The agent crashed and is restarted from scratch, as for any crash.
    until_restarted(&system, 1).await;
    assert_eq!(fragile.add(1).await, Ok(1));

    // An async action (a formatted `String` payload).
    let err = fragile.explode("on purpose".into()).await.unwrap_err();
    assert!(
        matches!(&err, CallError::AgentFailed { panic, .. } if panic == "exploded: on purpose"),
        "{err:?}"
    );
    until_restarted(&system, 2).await;
    assert_eq!(fragile.add(2).await, Ok(2));
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_reply_is_no_reply_and_the_agent_lives_on() {
    let (probe, _events) = probe();
    let system = system().await;
    let w = spawn_worker(&system, "w", &probe).await;
    assert!(matches!(
        w.call(Work::Ignore).await,
        Err(CallError::NoReply { .. })
    ));
    assert_eq!(w.call(|r| Work::Add(1, r)).await, Ok(1));
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn casts_are_processed_in_order_before_a_later_call() {
    let (probe, _events) = probe();
    let system = system().await;
    let w = spawn_worker(&system, "w", &probe).await;
    for n in 1..=100 {
        w.cast(Work::Add(n, Reply::detached())).unwrap();
    }
    assert_eq!(w.call(Work::Get).await, Ok(5050));
    system.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_call_that_outlives_its_timeout_fails_but_the_agent_does_not() {
    let (probe, _events) = probe();
    let system = AgentSystem::builder()
        .call_timeout(Some(Duration::from_secs(1)))
        .start()
        .await
        .unwrap();
    let w = spawn_worker(&system, "w", &probe).await;

    // The system default applies...
    let err = w
        .call(|r| Work::Slow(Duration::from_secs(2), r))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        CallError::Timeout {
            id: "w".into(),
            after: Duration::from_secs(1)
        }
    );
    // ...a per-call timeout overrides it...
    let err = w
        .call(|r| Work::Slow(Duration::from_secs(2), r))
        .timeout(Duration::from_millis(300))
        .await
        .unwrap_err();
    assert!(matches!(err, CallError::Timeout { after, .. } if after == Duration::from_millis(300)));
    // ...and a call may wait as long as it takes.
    let n = w
        .call(|r| Work::Slow(Duration::from_secs(30), r))
        .no_timeout()
        .await
        .unwrap();
    assert_eq!(n, 0);
    // The agent was never harmed.
    assert_eq!(w.call(|r| Work::Add(2, r)).await, Ok(2));
    system.shutdown().await;
}
