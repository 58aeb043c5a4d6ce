//! `#[agent(remote)]` agents serve requests in wire form: a request struct becomes bytes on the
//! caller's side, the agent's node decodes and runs it, and the result (domain errors included)
//! comes back as bytes. Each failure is its own `ServeError`: undecodable bytes, an agent that
//! is not running, one that panics before replying (the caller gets the panic message, not a
//! hang), a timeout.

use std::time::Duration;

use mabeam_actors::prelude::*;
use mabeam_actors::remote::{decode_reply, encode_request, serve_encoded};
use mabeam_actors::{agent, CallError, ServeError};
use serde::{Deserialize, Serialize};

#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
enum BankError {
    Insufficient { balance: u64 },
}

#[derive(Default)]
struct Account {
    balance: u64,
}

#[agent(remote)]
impl Account {
    #[action]
    fn deposit(&mut self, amount: u64) -> u64 {
        self.balance += amount;
        self.balance
    }

    #[action]
    fn withdraw(&mut self, amount: u64) -> Result<u64, BankError> {
        if amount > self.balance {
            return Err(BankError::Insufficient {
                balance: self.balance,
            });
        }
        self.balance -= amount;
        Ok(self.balance)
    }

    #[action]
    async fn slow(&self, pause_ms: u64) -> u64 {
        tokio::time::sleep(Duration::from_millis(pause_ms)).await;
        self.balance
    }

    #[action]
    fn corrupt(&mut self) -> u64 {
        panic!("invariant broken")
    }

    #[action]
    fn memo(&mut self, note: Vec<u8>) -> u64 {
        note.len() as u64
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn byte_arguments_travel_as_bytes_not_as_integer_arrays() {
    let system = AgentSystem::builder().start().await.unwrap();
    let account = system.spawn("acc", Account::default).await.unwrap();
    // 1 KiB of bytes >= 128: as a msgpack array each would take two bytes.
    let note = vec![200u8; 1024];
    let wire = encode_request::<Account, _>(AccountMemo { note }).unwrap();
    assert!(wire.len() < 1024 + 32, "{} bytes on the wire", wire.len());
    let reply = serve_encoded(account, &wire, None).await.unwrap();
    assert_eq!(decode_reply::<u64>(&reply).unwrap(), 1024);
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_and_domain_errors_come_back_as_bytes() {
    let system = AgentSystem::builder().start().await.unwrap();
    let account = system.spawn("acc", Account::default).await.unwrap();

    let wire = encode_request::<Account, _>(AccountDeposit { amount: 70 }).unwrap();
    let reply = serve_encoded(account.clone(), &wire, None).await.unwrap();
    assert_eq!(decode_reply::<u64>(&reply).unwrap(), 70);

    let wire = encode_request::<Account, _>(AccountWithdraw { amount: 100 }).unwrap();
    let reply = serve_encoded(account.clone(), &wire, None).await.unwrap();
    assert_eq!(
        decode_reply::<Result<u64, BankError>>(&reply).unwrap(),
        Err(BankError::Insufficient { balance: 70 })
    );
    // The same state is seen through the local handle: one agent, two paths.
    assert_eq!(account.deposit(5).await.unwrap(), 75);
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_failure_is_its_own_error() {
    let system = AgentSystem::builder().start().await.unwrap();
    let account = system.spawn("acc", Account::default).await.unwrap();

    let garbage = serve_encoded(account.clone(), b"\x01not a request", None).await;
    assert!(matches!(garbage, Err(ServeError::Decode(_))), "{garbage:?}");

    let wire = encode_request::<Account, _>(AccountCorrupt {}).unwrap();
    let failed = serve_encoded(account.clone(), &wire, None).await;
    assert!(
        matches!(&failed, Err(ServeError::Call(CallError::AgentFailed { panic, .. })) if panic == "invariant broken"),
        "{failed:?}"
    );

    system.stop_agent("acc").await.unwrap();
    let wire = encode_request::<Account, _>(AccountDeposit { amount: 1 }).unwrap();
    let stopped = serve_encoded(account, &wire, Some(Duration::from_secs(1))).await;
    assert!(
        matches!(stopped, Err(ServeError::Call(CallError::NotRunning { .. }))),
        "{stopped:?}"
    );
    system.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_slow_action_times_out_as_a_call_would() {
    let system = AgentSystem::builder().start().await.unwrap();
    let account = system.spawn("acc", Account::default).await.unwrap();
    let wire = encode_request::<Account, _>(AccountSlow { pause_ms: 10_000 }).unwrap();
    let late = serve_encoded(account.clone(), &wire, Some(Duration::from_secs(1))).await;
    assert!(
        matches!(late, Err(ServeError::Call(CallError::Timeout { .. }))),
        "{late:?}"
    );
    let reply = serve_encoded(account, &wire, None).await.unwrap();
    assert_eq!(decode_reply::<u64>(&reply).unwrap(), 0);
    system.shutdown().await;
}
