//! A remote call through mabeam against the raw ractor_cluster baseline, in the same run,
//! between two node processes on 127.0.0.1.
//!
//! This process is node `a` (an embedded `mabeam_cluster::Node` with a ractor_cluster
//! transport). It re-runs its own binary with `--node SEED` as node `b`. Both register the
//! `#[agent(remote)]` agent [`Echo`]; `b` also runs the raw actors below.
//!
//! - **ractor_cluster** (the baseline): [`RawEcho`] on `b`, a plain ractor actor in the `pg`
//!   group [`RAW_GROUP`] whose message [`RawRemoteMsg`] is a `RactorClusterMessage`. `a`
//!   takes its remote cell from `ractor::pg::get_members` once and calls it with
//!   `ActorRef::call(.., Some(5 s))`.
//! - **mabeam**: `node.agent::<Echo>(id).request(EchoAdd { by: 1 }).await` with an `id` whose
//!   owner (`ClusterRef::owner`) is `b`: placement, `pg` lookup of `b`'s gateway, envelope
//!   encode, one ractor_cluster RPC to the gateway, a task on `b` that decodes the envelope,
//!   finds (or activates) the agent, calls it and encodes the outcome, and the decode on `a`.
//!
//! Both go over the same ractor_cluster session between `a` and `b`, and do the same work
//! (add 1 to a `u64`, reply with it). Calls are interleaved (rounds of blocks, the order
//! rotating every round), each timed on its own, from a task on a worker of the 2-worker bench
//! runtime. The headline is `RATIO remote_call` (target: mabeam p50 ≤ 1.1× ractor_cluster).
//!
//! Informational, no target:
//! - two raw "gateway-shaped" baselines on `b` ([`RawForwarder`]): a `pg` actor that forwards
//!   each call to a local [`RawEcho`] through a task per call (mabeam's server shape, without
//!   the codec), or by passing the reply port on (the least a gateway design can cost);
//! - [`RawBytesEcho`]: the direct call with a hand-written `ractor::Message` whose reply is
//!   bytes, as mabeam's gateway has (the derive of [`RawRemoteMsg`] adds a bridging task and
//!   timer per call on each node): the floor for any design on ractor_cluster;
//! - the gateway alone: a pre-encoded envelope sent straight to `b`'s gateway (mabeam's
//!   server side without the client side);
//! - a 1 KiB `Vec<u8>` echo; CPU time per call in both processes; throughput with many
//!   concurrent callers; mabeam's own steps timed in-process on `a`.
//!
//! `cargo bench -p mabeam-benches --bench remote` (about 25 s plus the build).
//! Profiling aid: `REMOTE_ONLY=raw|mabeam|fwd_port|bytes|gateway` loops on one side only (see `bench`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use mabeam_actors::agent;
use mabeam_actors::remote::{decode_reply, encode_request, serve_encoded};
use mabeam_benches::node_procs::{exit_with_parent, free_tcp, free_udp, Peer};
use mabeam_benches::{fmt_ns, fmt_rate, median, percentile, print_latency_table, Bound, Ratio};
use mabeam_cluster::gateway::{ClusterRef, GatewayMsg, RemoteError, GATEWAY_GROUP};
use mabeam_cluster::Node;
use mabeam_core::{codec, wire, Lane, Signal, Topic};
use ractor::rpc::CallResult;
use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort, SupervisionEvent};
use ractor_cluster::RactorClusterMessage;
use tokio::sync::watch;

/// The `pg` group of the raw baseline actor.
const RAW_GROUP: &str = "bench.raw";
/// The `pg` groups of the forwarding baselines.
const FWD_TASK_GROUP: &str = "bench.raw.fwd_task";
const FWD_PORT_GROUP: &str = "bench.raw.fwd_port";
/// The `pg` group of the byte-port baseline.
const RAW_BYTES_GROUP: &str = "bench.raw.bytes";
/// The longest a wait for the mesh lasts (a safety net, not a timing assertion).
const PATIENCE: Duration = Duration::from_secs(30);
/// The timeout of every call, all sides.
const CALL_TIMEOUT: Duration = Duration::from_secs(5);
/// Interleaved passes: rounds × block calls per variant (the second pass has `ROUNDS / 4`).
const ROUNDS: usize = 200;
const BLOCK: usize = 100;
/// Warm-up calls per variant before the measured passes.
const WARM_UP: usize = 2_000;
/// The informational payload echo.
const PAYLOAD: usize = 1024;
/// CPU pass: sequential calls per variant.
const CPU_CALLS: usize = 5_000;
/// Throughput pass: concurrent callers × calls each, rounds per side.
const CALLERS: usize = 32;
const CALLS_EACH: usize = 300;
const TPUT_ROUNDS: usize = 5;
/// Cast pass: casts per round.
const CASTS: usize = 100_000;
/// Signal pass: rounds, and data-lane signals in each flood.
const SIGNAL_ROUNDS: u64 = 20;
const FLOOD: u64 = 5_000;

/// The agent under test, hosted by both nodes (the calls go to `b`).
#[derive(Debug, Default)]
pub struct Echo {
    n: u64,
}

#[agent(remote, name = "bench.echo")]
impl Echo {
    /// Adds `by` and returns the count (the headline call).
    #[action]
    fn add(&mut self, by: u64) -> u64 {
        self.n += by;
        self.n
    }

    /// Returns `data` (the payload call).
    #[action]
    fn echo(&self, data: Vec<u8>) -> Vec<u8> {
        data
    }
}

/// The raw baseline's message, serialized by ractor_cluster.
#[derive(Debug, RactorClusterMessage)]
pub enum RawRemoteMsg {
    /// Add to the count and reply with it.
    #[rpc]
    Add(u64, RpcReplyPort<u64>),
    /// Reply with the same bytes.
    #[rpc]
    Echo(Vec<u8>, RpcReplyPort<Vec<u8>>),
    /// Add to the count, no reply (the cast baseline).
    Bump(u64),
}

/// The raw baseline: the same work as [`Echo`], in a plain ractor actor.
#[derive(Debug)]
pub struct RawEcho;

impl Actor for RawEcho {
    type Msg = RawRemoteMsg;
    type State = u64;
    /// The `pg` group to join, if any.
    type Arguments = Option<&'static str>;

    async fn pre_start(
        &self,
        myself: ActorRef<Self::Msg>,
        group: Option<&'static str>,
    ) -> Result<Self::State, ActorProcessingErr> {
        if let Some(group) = group {
            ractor::pg::join(group.to_owned(), vec![myself.get_cell()]);
        }
        Ok(0)
    }

    async fn handle(
        &self,
        _myself: ActorRef<Self::Msg>,
        message: Self::Msg,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        match message {
            RawRemoteMsg::Add(by, reply) => {
                *state += by;
                let _ = reply.send(*state);
            }
            RawRemoteMsg::Echo(data, reply) => {
                let _ = reply.send(data);
            }
            RawRemoteMsg::Bump(by) => *state += by,
        }
        Ok(())
    }
}

/// An informational baseline: the same call in plain ractor_cluster with a hand-written
/// `ractor::Message` whose reply is bytes, as mabeam's gateway has. ractor_cluster's reply
/// port goes straight to the actor; the derive of [`RawRemoteMsg`] bridges a typed port to it
/// with a task and a timer per call on each node instead.
#[derive(Debug)]
pub enum RawBytesMsg {
    /// Add the `u64` (8 bytes LE) to the count and reply with it (8 bytes LE).
    Add(Vec<u8>, RpcReplyPort<Vec<u8>>),
}

impl ractor::Message for RawBytesMsg {
    fn serializable() -> bool {
        true
    }

    fn serialize(
        self,
    ) -> Result<ractor::message::SerializedMessage, ractor::message::BoxedDowncastErr> {
        let Self::Add(args, reply) = self;
        Ok(ractor::message::SerializedMessage::Call {
            variant: String::new(),
            args,
            reply,
            metadata: None,
        })
    }

    fn deserialize(
        message: ractor::message::SerializedMessage,
    ) -> Result<Self, ractor::message::BoxedDowncastErr> {
        match message {
            ractor::message::SerializedMessage::Call { args, reply, .. } => {
                Ok(Self::Add(args, reply))
            }
            _ => Err(ractor::message::BoxedDowncastErr),
        }
    }
}

/// The [`RawBytesMsg`] baseline's actor, in the `pg` group [`RAW_BYTES_GROUP`].
#[derive(Debug)]
pub struct RawBytesEcho;

impl Actor for RawBytesEcho {
    type Msg = RawBytesMsg;
    type State = u64;
    type Arguments = ();

    async fn pre_start(
        &self,
        myself: ActorRef<Self::Msg>,
        _: (),
    ) -> Result<Self::State, ActorProcessingErr> {
        ractor::pg::join(RAW_BYTES_GROUP.to_owned(), vec![myself.get_cell()]);
        Ok(0)
    }

    async fn handle(
        &self,
        _myself: ActorRef<Self::Msg>,
        RawBytesMsg::Add(by, reply): Self::Msg,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        let by: [u8; 8] = by.as_slice().try_into().unwrap_or_default();
        *state += u64::from_le_bytes(by);
        let _ = reply.send(state.to_le_bytes().to_vec());
        Ok(())
    }
}

/// How a [`RawForwarder`] hands a call to its local actor.
#[derive(Debug, Clone, Copy)]
pub enum Forward {
    /// A task per call that calls the local actor and sends its answer back (mabeam's
    /// gateway shape).
    Task,
    /// The message, reply port included, cast on to the local actor, which replies to the
    /// caller itself (one mailbox hop more than the direct call, nothing else).
    Port,
}

/// An informational baseline: a "gateway" actor in a `pg` group forwarding every call to a
/// local [`RawEcho`], in plain ractor without any encoding.
#[derive(Debug)]
pub struct RawForwarder(pub Forward);

impl Actor for RawForwarder {
    type Msg = RawRemoteMsg;
    type State = ActorRef<RawRemoteMsg>;
    /// The group to join and the local actor to forward to.
    type Arguments = (&'static str, ActorRef<RawRemoteMsg>);

    async fn pre_start(
        &self,
        myself: ActorRef<Self::Msg>,
        (group, target): Self::Arguments,
    ) -> Result<Self::State, ActorProcessingErr> {
        ractor::pg::join(group.to_owned(), vec![myself.get_cell()]);
        Ok(target)
    }

    async fn handle(
        &self,
        _myself: ActorRef<Self::Msg>,
        message: Self::Msg,
        target: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        match (self.0, message) {
            (Forward::Port, message) => target.cast(message)?,
            (Forward::Task, RawRemoteMsg::Add(by, reply)) => {
                let target = target.clone();
                tokio::spawn(async move {
                    if let Ok(n) = ractor::call_t!(target, RawRemoteMsg::Add, 5_000, by) {
                        let _ = reply.send(n);
                    }
                });
            }
            (Forward::Task, message) => target.cast(message)?,
        }
        Ok(())
    }
}

/// What `a` calls on `b`.
struct Remote {
    /// The raw baseline.
    direct: ActorRef<RawRemoteMsg>,
    /// The forwarder with a task per call.
    fwd_task: ActorRef<RawRemoteMsg>,
    /// The forwarder that passes the reply port on.
    fwd_port: ActorRef<RawRemoteMsg>,
    /// The baseline with a hand-written byte-reply message.
    bytes: ActorRef<RawBytesMsg>,
    /// `b`'s mabeam gateway.
    gateway: ActorRef<GatewayMsg>,
}

async fn start_node(name: &str, seed: Option<String>) -> Node {
    let mut builder = Node::builder()
        .name(name)
        .gossip_addr(free_udp())
        .listen_addr(free_tcp())
        .gossip_interval(Duration::from_millis(100))
        .agent_type(Echo::default);
    if let Some(seed) = seed {
        builder = builder.seed(seed);
    }
    builder.start().await.expect("the node starts")
}

/// Node `b`: the raw actors and the node, until killed or until `a` closes our stdin.
fn run_b(seed: String) {
    exit_with_parent();
    mabeam_benches::runtime().block_on(async move {
        Actor::spawn(None, RawEcho, Some(RAW_GROUP))
            .await
            .expect("the raw actor starts");
        for (forward, group) in [
            (Forward::Task, FWD_TASK_GROUP),
            (Forward::Port, FWD_PORT_GROUP),
        ] {
            let (target, _) = Actor::spawn(None, RawEcho, None)
                .await
                .expect("a raw actor starts");
            Actor::spawn(None, RawForwarder(forward), (group, target))
                .await
                .expect("a forwarder starts");
        }
        Actor::spawn(None, RawBytesEcho, ())
            .await
            .expect("the byte-port raw actor starts");
        let node = start_node("b", Some(seed)).await;
        // The signal probe: every control-lane `bench.ping` is answered with a `bench.pong`.
        let mut pings = node.system().subscribe("bench.ping").expect("a topic");
        while let Ok(ping) = pings.recv().await {
            let pong = Signal::builder(Topic::new("bench.pong").expect("a topic"))
                .lane(Lane::Control)
                .data(ping.decode::<u64>().unwrap_or_default())
                .build();
            let _ = node.publish(pong).await;
        }
        std::future::pending::<()>().await;
    });
}

/// The remote member of `group`, if `a` knows it yet.
fn remote_member<M: ractor::Message>(group: &str) -> Option<ActorRef<M>> {
    ractor::pg::get_members(&group.to_owned())
        .into_iter()
        .find(|cell| !cell.get_id().is_local())
        .map(Into::into)
}

/// Tells a waiter that a `pg` group it watches changed (ractor's `pg::monitor` notifies an
/// actor).
struct PgWatch;

/// [`PgWatch`] takes no messages, only `pg` notifications.
enum NoMsg {}

impl ractor::Message for NoMsg {}

impl Actor for PgWatch {
    type Msg = NoMsg;
    /// Bumped on every change of a watched group.
    type State = watch::Sender<u64>;
    type Arguments = watch::Sender<u64>;

    async fn pre_start(
        &self,
        _myself: ActorRef<Self::Msg>,
        changes: Self::Arguments,
    ) -> Result<Self::State, ActorProcessingErr> {
        Ok(changes)
    }

    async fn handle_supervisor_evt(
        &self,
        _myself: ActorRef<Self::Msg>,
        event: SupervisionEvent,
        changes: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        if let SupervisionEvent::ProcessGroupChanged(_) = event {
            changes.send_modify(|n| *n += 1);
        }
        Ok(())
    }
}

/// Waits until `a` sees both nodes up with a session with `b` and its gateway
/// ([`Node::ready`]), then until `pg` holds `b`'s raw actors (told by `pg::monitor`).
async fn until_meshed(node: &Node) -> Remote {
    if tokio::time::timeout(PATIENCE, node.ready(2)).await.is_err() {
        panic!(
            "not meshed within {PATIENCE:?}: members {:?}, sessions {:?}",
            node.membership().members(),
            node.connections().connected()
        );
    }
    let (changes, mut changed) = watch::channel(0u64);
    let (watcher, _) = Actor::spawn(None, PgWatch, changes)
        .await
        .expect("the pg watcher starts");
    for group in [RAW_GROUP, FWD_TASK_GROUP, FWD_PORT_GROUP, RAW_BYTES_GROUP] {
        ractor::pg::monitor(group.to_owned(), watcher.get_cell());
    }
    let remote = async {
        loop {
            changed.borrow_and_update();
            if let (Some(direct), Some(fwd_task), Some(fwd_port), Some(bytes), Some(gateway)) = (
                remote_member(RAW_GROUP),
                remote_member(FWD_TASK_GROUP),
                remote_member(FWD_PORT_GROUP),
                remote_member(RAW_BYTES_GROUP),
                remote_member(GATEWAY_GROUP),
            ) {
                return Remote {
                    direct,
                    fwd_task,
                    fwd_port,
                    bytes,
                    gateway,
                };
            }
            // The watcher lives until stopped below: the channel stays open.
            let _ = changed.changed().await;
        }
    };
    let remote = tokio::time::timeout(PATIENCE, remote).await;
    watcher.stop(None);
    remote.unwrap_or_else(|_| panic!("b's raw actors not in pg within {PATIENCE:?}"))
}

/// The first `echo-N` id whose owner is `owner`.
fn id_owned_by(node: &Node, owner: &str) -> ClusterRef<Echo> {
    (0..1000)
        .map(|i| node.agent::<Echo>(format!("echo-{i}")))
        .find(|r| r.owner().as_deref() == Some(owner))
        .unwrap_or_else(|| panic!("no echo id owned by {owner}"))
        .timeout(CALL_TIMEOUT)
}

async fn raw_add(raw: &ActorRef<RawRemoteMsg>) -> u64 {
    match raw
        .call(|reply| RawRemoteMsg::Add(1, reply), Some(CALL_TIMEOUT))
        .await
    {
        Ok(CallResult::Success(n)) => n,
        other => panic!("raw call failed: {other:?}"),
    }
}

async fn raw_echo(raw: &ActorRef<RawRemoteMsg>, data: Vec<u8>) -> Vec<u8> {
    match raw
        .call(|reply| RawRemoteMsg::Echo(data, reply), Some(CALL_TIMEOUT))
        .await
    {
        Ok(CallResult::Success(d)) => d,
        other => panic!("raw echo failed: {other:?}"),
    }
}

async fn raw_bytes_add(raw: &ActorRef<RawBytesMsg>) -> u64 {
    match raw
        .call(
            |reply| RawBytesMsg::Add(1u64.to_le_bytes().to_vec(), reply),
            Some(CALL_TIMEOUT),
        )
        .await
    {
        Ok(CallResult::Success(n)) => u64::from_le_bytes(n.try_into().expect("8 bytes")),
        other => panic!("raw byte-port call failed: {other:?}"),
    }
}

/// A pre-encoded envelope straight to `b`'s gateway: the encoded outcome's length.
async fn gateway_call(gateway: &ActorRef<GatewayMsg>, envelope: &[u8]) -> u64 {
    match gateway
        .call(
            |reply| GatewayMsg::Call(envelope.to_vec(), reply),
            Some(CALL_TIMEOUT),
        )
        .await
    {
        Ok(CallResult::Success(outcome)) => outcome.len() as u64,
        other => panic!("gateway call failed: {other:?}"),
    }
}

async fn mabeam_add(echo: &ClusterRef<Echo>) -> u64 {
    echo.request(EchoAdd { by: 1 })
        .await
        .unwrap_or_else(|err| panic!("mabeam call failed: {err}"))
}

async fn mabeam_add_by(echo: &ClusterRef<Echo>, by: u64) -> u64 {
    echo.request(EchoAdd { by })
        .await
        .unwrap_or_else(|err| panic!("mabeam call failed: {err}"))
}

/// Waits for the `bench.pong` answering ping `n` (at most `CALL_TIMEOUT`).
async fn pong_of(pongs: &mut mabeam_actors::Subscription, n: u64) {
    let wait = async {
        loop {
            let pong = pongs.recv().await.expect("the bus is open");
            if pong.decode::<u64>().ok() == Some(n) {
                return;
            }
        }
    };
    tokio::time::timeout(CALL_TIMEOUT, wait)
        .await
        .expect("the pong came back");
}

async fn mabeam_echo(echo: &ClusterRef<Echo>, data: Vec<u8>) -> Vec<u8> {
    echo.request(EchoEcho { data })
        .await
        .unwrap_or_else(|err| panic!("mabeam echo failed: {err}"))
}

/// Calls per second of `CALLERS` tasks × `CALLS_EACH` calls, started together.
async fn throughput<F, Fut>(call: F) -> f64
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = u64> + Send,
{
    let start = Instant::now();
    let tasks: Vec<_> = (0..CALLERS)
        .map(|_| {
            let call = call.clone();
            tokio::spawn(async move {
                for _ in 0..CALLS_EACH {
                    std::hint::black_box(call().await);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("a caller task");
    }
    (CALLERS * CALLS_EACH) as f64 / start.elapsed().as_secs_f64()
}

/// CPU time of every thread of process `pid` so far, in ns (`/proc/PID/task/*/schedstat`).
fn cpu_ns(pid: u32) -> u64 {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .map(|tasks| {
            tasks
                .flatten()
                .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
                .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
                .sum()
        })
        .unwrap_or(0)
}

/// The mean ns of `iters` runs of `$e` (which may `.await`).
macro_rules! mean_ns {
    ($iters:expr, $e:expr) => {{
        let iters: usize = $iters;
        let start = Instant::now();
        for _ in 0..iters {
            std::hint::black_box($e);
        }
        start.elapsed().as_nanos() as f64 / iters as f64
    }};
}

/// The latency table and one `FIGURE` line per series.
fn print_figures(names: &[(&str, &str)], lat: &[Vec<f64>]) {
    print_latency_table(&names.iter().map(|n| n.0).collect::<Vec<_>>(), lat);
    for ((_, name), values) in names.iter().zip(lat) {
        let p = |q| fmt_ns(percentile(values, q).expect("latencies"));
        println!(
            "FIGURE {name}: p50 {} p90 {} p99 {}",
            p(50.0),
            p(90.0),
            p(99.0)
        );
    }
}

async fn bench(node: Arc<Node>, remote: Remote, b_pid: u32) {
    let on_b = id_owned_by(&node, "b");
    let on_a = id_owned_by(&node, "a");
    let raw = remote.direct.clone();
    let gateway = remote.gateway.clone();
    let payload: Vec<u8> = (0..PAYLOAD).map(|i| (i % 251) as u8).collect();
    let encode_envelope = |request: Vec<u8>| {
        let mut out = Vec::with_capacity(64 + request.len());
        wire::write_envelope(
            &mut out,
            wire::Kind::Call,
            "bench.echo",
            on_b.id(),
            Some(CALL_TIMEOUT.as_millis() as u64),
        )
        .expect("encode");
        out.extend_from_slice(&request);
        out
    };
    let envelope = encode_envelope(encode_request::<Echo, _>(EchoAdd { by: 1 }).expect("encode"));
    println!(
        "agent `{}` (owner {}); on b: raw actor {}, forwarders {} (task) {} (port), gateway {}",
        on_b.id(),
        on_b.owner().unwrap_or_default(),
        raw.get_id(),
        remote.fwd_task.get_id(),
        remote.fwd_port.get_id(),
        gateway.get_id()
    );

    // Profiling aid: `REMOTE_ONLY=raw|mabeam|fwd_port|bytes|gateway` calls one side only for
    // `REMOTE_ONLY_SECS` (default 10), e.g. under `perf record -p` of `a` and `b`, and ends.
    if let Ok(side) = std::env::var("REMOTE_ONLY") {
        let secs = std::env::var("REMOTE_ONLY_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(10);
        println!(
            "REMOTE_ONLY={side}: a pid {}, b pid {b_pid}, {secs} s",
            std::process::id()
        );
        let (start, mut calls) = (Instant::now(), 0u64);
        while start.elapsed() < Duration::from_secs(secs) {
            for _ in 0..100 {
                std::hint::black_box(match side.as_str() {
                    "raw" => raw_add(&raw).await,
                    "mabeam" => mabeam_add(&on_b).await,
                    "fwd_port" => raw_add(&remote.fwd_port).await,
                    "bytes" => raw_bytes_add(&remote.bytes).await,
                    _ => gateway_call(&gateway, &envelope).await,
                });
            }
            calls += 100;
        }
        let each = start.elapsed().as_nanos() as f64 / calls as f64;
        println!("{calls} calls, {} each", fmt_ns(each));
        return;
    }

    // Activation on `b`, session warm-up, and the same answers from both sides.
    assert_eq!(mabeam_echo(&on_b, payload.clone()).await, payload);
    assert_eq!(raw_echo(&raw, payload.clone()).await, payload);
    let outcome = gateway
        .call(
            |reply| GatewayMsg::Call(envelope.clone(), reply),
            Some(CALL_TIMEOUT),
        )
        .await
        .expect("gateway call")
        .unwrap();
    let result = wire::decode_outcome(&outcome)
        .expect("an outcome")
        .unwrap_or_else(|err| {
            panic!(
                "the gateway refused the envelope: {:?}",
                codec::decode::<RemoteError>(err)
            )
        });
    decode_reply::<u64>(result).expect("a u64");
    for _ in 0..WARM_UP {
        std::hint::black_box(raw_add(&raw).await);
        std::hint::black_box(mabeam_add(&on_b).await);
        std::hint::black_box(raw_add(&remote.fwd_task).await);
        std::hint::black_box(raw_add(&remote.fwd_port).await);
        std::hint::black_box(raw_bytes_add(&remote.bytes).await);
        std::hint::black_box(gateway_call(&gateway, &envelope).await);
        std::hint::black_box(raw_echo(&raw, payload.clone()).await);
        std::hint::black_box(mabeam_echo(&on_b, payload.clone()).await);
    }

    // Pass 1, the headline: u64 calls, with the forwarding and byte-port baselines.
    let t = Instant::now();
    let (clock, lat) = mabeam_benches::interleaved_calls!(
        ROUNDS,
        BLOCK,
        raw_add(&raw).await,
        mabeam_add(&on_b).await,
        raw_add(&remote.fwd_task).await,
        raw_add(&remote.fwd_port).await,
        raw_bytes_add(&remote.bytes).await,
    );
    println!(
        "\n==== pass 1: remote u64 call a -> b, interleaved, {ROUNDS} rounds x {BLOCK} calls \
         per variant, {:.1} s, clock {clock:.0} ns ====",
        t.elapsed().as_secs_f64()
    );
    print_figures(
        &[
            ("ractor_cluster (direct)", "remote_call_ractor_cluster"),
            ("mabeam", "remote_call_mabeam"),
            ("ractor fwd actor + task", "remote_call_ractor_forward_task"),
            ("ractor fwd actor, port", "remote_call_ractor_forward_port"),
            (
                "ractor_cluster, byte port",
                "remote_call_ractor_cluster_byte_port",
            ),
        ],
        &lat,
    );
    let p = |i: usize, q: f64| percentile(&lat[i], q).expect("latencies");
    let headline = Ratio {
        name: "remote_call".to_owned(),
        what: "p50",
        mabeam: fmt_ns(p(1, 50.0)),
        raw: fmt_ns(p(0, 50.0)),
        ratio: p(1, 50.0) / p(0, 50.0),
        target: 1.1,
        bound: Bound::AtMost,
    };
    println!("{}", headline.line_with("mabeam", "ractor_cluster"));
    println!(
        "INFO remote_call p99: mabeam {} / ractor_cluster {} = {:.3}x (no target)",
        fmt_ns(p(1, 99.0)),
        fmt_ns(p(0, 99.0)),
        p(1, 99.0) / p(0, 99.0)
    );
    for (what, i) in [
        ("forward + task", 2),
        ("forward, port", 3),
        ("direct with a hand-written byte-port message", 4),
    ] {
        println!(
            "INFO ractor {what}: p50 / direct p50 = {:.3}x; mabeam p50 / it = {:.3}x (no target)",
            p(i, 50.0) / p(0, 50.0),
            p(1, 50.0) / p(i, 50.0)
        );
    }

    // Pass 2: the gateway alone (pre-encoded envelope) and a 1 KiB echo.
    let t = Instant::now();
    let (_, lat) = mabeam_benches::interleaved_calls!(
        ROUNDS / 4,
        BLOCK,
        raw_add(&raw).await,
        gateway_call(&gateway, &envelope).await,
        raw_echo(&raw, payload.clone()).await,
        mabeam_echo(&on_b, payload.clone()).await,
    );
    println!(
        "\n==== pass 2: gateway alone and 1 KiB echo, interleaved, {} rounds x {BLOCK} calls \
         per variant, {:.1} s ====",
        ROUNDS / 4,
        t.elapsed().as_secs_f64()
    );
    print_figures(
        &[
            ("ractor_cluster u64", "remote_call_ractor_cluster_pass2"),
            ("pre-encoded envelope to gw", "remote_call_gateway_only"),
            ("ractor_cluster 1 KiB echo", "remote_echo_1k_ractor_cluster"),
            ("mabeam 1 KiB echo", "remote_echo_1k_mabeam"),
        ],
        &lat,
    );
    let p = |i: usize| percentile(&lat[i], 50.0).expect("latencies");
    println!(
        "INFO gateway alone: p50 {} / ractor_cluster p50 {} = {:.3}x (no target)",
        fmt_ns(p(1)),
        fmt_ns(p(0)),
        p(1) / p(0)
    );
    println!(
        "INFO remote_echo_1k: mabeam p50 {} / ractor_cluster p50 {} = {:.3}x (no target)",
        fmt_ns(p(3)),
        fmt_ns(p(2)),
        p(3) / p(2)
    );

    // CPU per call, each variant alone: both processes' CPU time over sequential calls.
    let a_pid = std::process::id();
    macro_rules! cpu_per_call {
        ($e:expr) => {{
            let (a0, b0, t0) = (cpu_ns(a_pid), cpu_ns(b_pid), Instant::now());
            for _ in 0..CPU_CALLS {
                std::hint::black_box($e);
            }
            let wall = t0.elapsed().as_nanos() as f64;
            let (a1, b1) = (cpu_ns(a_pid), cpu_ns(b_pid));
            let per = |ns: f64| fmt_ns(ns / CPU_CALLS as f64);
            (per((a1 - a0) as f64), per((b1 - b0) as f64), per(wall))
        }};
    }
    println!(
        "\n==== CPU time per call (all threads), {CPU_CALLS} sequential calls per variant ===="
    );
    for (what, (a, b, wall)) in [
        ("ractor_cluster direct", cpu_per_call!(raw_add(&raw).await)),
        ("mabeam", cpu_per_call!(mabeam_add(&on_b).await)),
        (
            "pre-encoded envelope to b's gateway",
            cpu_per_call!(gateway_call(&gateway, &envelope).await),
        ),
        (
            "ractor fwd actor + task",
            cpu_per_call!(raw_add(&remote.fwd_task).await),
        ),
        (
            "ractor fwd actor, port",
            cpu_per_call!(raw_add(&remote.fwd_port).await),
        ),
        (
            "ractor_cluster direct, byte port",
            cpu_per_call!(raw_bytes_add(&remote.bytes).await),
        ),
    ] {
        println!("  {what:<38} a {a:>9}  b {b:>9}  wall {wall:>9}");
    }

    // Throughput: many concurrent callers, the sides alternating.
    let (mut raw_rates, mut mabeam_rates) = (Vec::new(), Vec::new());
    for round in 0..TPUT_ROUNDS {
        let raw_side = {
            let raw = raw.clone();
            move || {
                let raw = raw.clone();
                async move { raw_add(&raw).await }
            }
        };
        let mabeam_side = {
            let on_b = on_b.clone();
            move || {
                let on_b = on_b.clone();
                async move { mabeam_add(&on_b).await }
            }
        };
        if round % 2 == 0 {
            raw_rates.push(throughput(raw_side).await);
            mabeam_rates.push(throughput(mabeam_side).await);
        } else {
            mabeam_rates.push(throughput(mabeam_side).await);
            raw_rates.push(throughput(raw_side).await);
        }
    }
    let raw_rate = median(&raw_rates).expect("rates");
    let mabeam_rate = median(&mabeam_rates).expect("rates");
    println!(
        "\n==== throughput: {CALLERS} concurrent callers x {CALLS_EACH} u64 calls, median of \
         {TPUT_ROUNDS} rounds per side ===="
    );
    println!(
        "FIGURE remote_throughput: mabeam {} / ractor_cluster {} = {:.3}x (no target)",
        fmt_rate(mabeam_rate).replace("msgs", "calls"),
        fmt_rate(raw_rate).replace("msgs", "calls"),
        mabeam_rate / raw_rate
    );

    // Pass 3: casts. Each side sends CASTS fire-and-forget adds, then one call, answered
    // only after every cast was taken (ractor_cluster keeps a session's order; mabeam's
    // calls wait for the casts queued before them). Same session, same work per message.
    let mut raw_cast_rates = Vec::new();
    let mut mabeam_cast_rates = Vec::new();
    for _ in 0..TPUT_ROUNDS {
        let start = Instant::now();
        for _ in 0..CASTS {
            raw.cast(RawRemoteMsg::Bump(1)).expect("raw cast");
        }
        std::hint::black_box(raw_add(&raw).await);
        raw_cast_rates.push(CASTS as f64 / start.elapsed().as_secs_f64());
        let before = mabeam_add_by(&on_b, 0).await;
        let start = Instant::now();
        for _ in 0..CASTS {
            on_b.cast(EchoAdd { by: 1 }).await.expect("mabeam cast");
        }
        let after = mabeam_add_by(&on_b, 0).await;
        mabeam_cast_rates.push(CASTS as f64 / start.elapsed().as_secs_f64());
        assert_eq!(
            after - before,
            CASTS as u64,
            "every cast arrived before the call"
        );
    }
    let raw_cast = median(&raw_cast_rates).expect("rates");
    let mabeam_cast = median(&mabeam_cast_rates).expect("rates");
    println!(
        "\n==== casts: {CASTS} casts then one call, one sender, median of {TPUT_ROUNDS} rounds per side ===="
    );
    println!(
        "FIGURE remote_cast_ractor_cluster: {}",
        fmt_rate(raw_cast).replace("msgs", "casts")
    );
    println!(
        "FIGURE remote_cast_mabeam: {}",
        fmt_rate(mabeam_cast).replace("msgs", "casts")
    );
    let cast_ratio = Ratio {
        name: "remote_cast_throughput".to_owned(),
        what: "casts/s",
        mabeam: fmt_rate(mabeam_cast),
        raw: fmt_rate(raw_cast),
        ratio: mabeam_cast / raw_cast,
        target: 2.0,
        bound: Bound::AtLeast,
    };
    println!("{}", cast_ratio.line_with("mabeam", "ractor_cluster"));

    // Pass 4: a control-lane signal a -> b -> a (ping, pong), idle and right after a flood of
    // data-lane signals to `b`: the flood may delay it by one batch, not by the flood.
    let mut pongs = node.system().subscribe("bench.pong").expect("a topic");
    let ping = |n: u64| {
        Signal::builder(Topic::new("bench.ping").expect("a topic"))
            .lane(Lane::Control)
            .data(n)
            .build()
    };
    let mut idle = Vec::new();
    let mut flooded = Vec::new();
    let mut flood_drain = Vec::new();
    for round in 0..SIGNAL_ROUNDS {
        let start = Instant::now();
        node.publish(ping(round)).await.expect("publish");
        pong_of(&mut pongs, round).await;
        idle.push(start.elapsed().as_nanos() as f64);
        let flood_start = Instant::now();
        for i in 0..FLOOD {
            let data = Signal::builder(Topic::new("bench.flood").expect("a topic"))
                .lane(Lane::Data)
                .data(i)
                .build();
            node.publish(data).await.expect("publish");
        }
        let start = Instant::now();
        node.publish(ping(1_000 + round)).await.expect("publish");
        pong_of(&mut pongs, 1_000 + round).await;
        flooded.push(start.elapsed().as_nanos() as f64);
        // The flood is through once a ping sent after it on the data lane's heels returns:
        // approximated by a call, which waits for nothing but shares the session.
        std::hint::black_box(mabeam_add_by(&on_b, 0).await);
        flood_drain.push(flood_start.elapsed().as_nanos() as f64);
    }
    println!(
        "\n==== control-lane signal round trip a -> b -> a, {SIGNAL_ROUNDS} rounds, median ===="
    );
    println!(
        "FIGURE control_signal_rtt_idle: {}",
        fmt_ns(median(&idle).expect("samples"))
    );
    println!(
        "FIGURE control_signal_rtt_after_{FLOOD}_data_signals: {}",
        fmt_ns(median(&flooded).expect("samples"))
    );
    println!(
        "INFO publishing the flood of {FLOOD} data signals and a call after it: {} (no target)",
        fmt_ns(median(&flood_drain).expect("samples"))
    );

    // mabeam's own steps, timed in-process on `a` in hot loops (means).
    const N: usize = 20_000;
    let owner = mean_ns!(N, on_b.owner());
    let group = GATEWAY_GROUP.to_owned();
    let pg_lookup = mean_ns!(
        N,
        ractor::pg::get_members(&group)
            .into_iter()
            .find(|c| !c.get_id().is_local())
    );
    let envelope_encode = mean_ns!(
        N,
        encode_envelope(encode_request::<Echo, _>(EchoAdd { by: 1 }).expect("encode"))
    );
    let envelope_decode = mean_ns!(
        N,
        wire::Envelope::decode(&envelope)
            .expect("decode")
            .request
            .len()
    );
    let outcome_of = |n: u64| {
        let mut out = vec![wire::OUTCOME_OK];
        codec::encode_into(&mut out, &n).expect("encode");
        out
    };
    let outcome_bytes = outcome_of(7);
    let outcome_encode = mean_ns!(N, outcome_of(7));
    let outcome_decode = mean_ns!(N, {
        let result = wire::decode_outcome(&outcome_bytes)
            .expect("decode")
            .expect("ok");
        decode_reply::<u64>(result).expect("decode")
    });
    let payload_request = encode_request::<Echo, _>(EchoEcho {
        data: payload.clone(),
    })
    .expect("encode");
    let payload_envelope = encode_envelope(payload_request.clone());
    let payload_codec = mean_ns!(N / 10, {
        let envelope = encode_envelope(
            encode_request::<Echo, _>(EchoEcho {
                data: payload.clone(),
            })
            .expect("encode"),
        );
        wire::Envelope::decode(&envelope)
            .expect("decode")
            .request
            .len()
    });
    let spawn_join = mean_ns!(N, tokio::spawn(async { 1u64 }).await.expect("task"));
    mabeam_add(&on_a).await; // activates it on `a`
    let local_path = mean_ns!(N, mabeam_add(&on_a).await);
    let local_agent = node
        .system()
        .registry()
        .lookup::<Echo>(on_a.id())
        .expect("activated on a");
    let wire = encode_request::<Echo, _>(EchoAdd { by: 1 }).expect("encode");
    let served = mean_ns!(
        N,
        serve_encoded(local_agent.clone(), &wire, Some(CALL_TIMEOUT))
            .await
            .expect("serve")
    );
    println!("\n==== mabeam's own steps, in-process on node a, hot loops (mean of {N}) ====");
    for (step, ns) in [
        ("client: ClusterRef::owner (placement)", owner),
        ("client: pg::get_members(gateway group) + find", pg_lookup),
        ("client: encode_request + envelope encode", envelope_encode),
        ("client: outcome decode + result decode", outcome_decode),
        ("server: envelope decode", envelope_decode),
        ("server: tokio::spawn + join (task per call)", spawn_join),
        ("server: serve_encoded on a local AgentRef", served),
        ("server: outcome encode", outcome_encode),
        (
            "local-owner ClusterRef call (with_agent + call)",
            local_path,
        ),
        ("1 KiB echo: envelope encode + decode", payload_codec),
    ] {
        println!("  {step:<50} {:>9}", fmt_ns(ns));
    }
    println!(
        "  (1 KiB Vec<u8> as msgpack: request {} B, in its envelope {} B)",
        payload_request.len(),
        payload_envelope.len()
    );
    println!("\n{}", headline.line_with("mabeam", "ractor_cluster"));
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--node") {
        return run_b(args[at + 1].clone());
    }
    if args.iter().any(|a| a == "--list") {
        return; // `cargo bench -- --list` and test-mode probes: nothing to list
    }
    let rt = mabeam_benches::runtime();
    let started = Instant::now();
    let (node, b) = mabeam_benches::in_worker(&rt, async {
        let node = start_node("a", None).await;
        let b = Peer::spawn(&["--node", &node.gossip_addr().to_string()]);
        (node, b)
    });
    let node = Arc::new(node);
    let b_pid = b.id();
    let remote = rt.block_on(until_meshed(&node));
    println!("meshed after {:?}", started.elapsed());
    mabeam_benches::in_worker(&rt, async move {
        tokio::time::timeout(Duration::from_secs(300), bench(node, remote, b_pid))
            .await
            .expect("the bench finished in time");
    });
    drop(b);
}
