//! Memory a node still holds for agents it activated and then passivated (not a criterion
//! bench). SPEC: with 100k agents activated then passivated, at most 1 KB per agent, measured
//! with allocator statistics, not only RSS (freed memory may stay mapped).
//!
//! The statistic: this binary's `#[global_allocator]` is [`Counting`], `std::alloc::System`
//! with relaxed atomic counters of the bytes and blocks currently allocated (the sizes asked
//! for; the system allocator's own per-block overhead is not in them) and the peak bytes.
//!
//! Each measurement runs in a fresh child process (this binary re-run with `--child KIND`), so
//! no map has grown, and no heap page been touched, by an earlier measurement:
//! 1. start one `mabeam_cluster::Node` (a cluster of one, gossip on an ephemeral 127.0.0.1
//!    port, idle timeout an hour so the background sweep never runs), with an
//!    `#[agent(remote)]` counter type;
//! 2. warm up: activate and passivate [`WARM_UP`] agents (one-time allocations: the runtime,
//!    lazily built tables, the first growth of every map);
//! 3. read the baseline; activate [`AGENTS`] agents with
//!    `node.agent::<A>(id).request(Add { by })` from [`CALLERS`] concurrent tasks; read again
//!    (all live);
//! 4. `node.passivate_idle(Duration::ZERO)` passivates them all; after a settle, read again;
//! 5. check: every agent was passivated, none is left in the registry, and a sample of
//!    [`CHECKED`] agents comes back with its state (from its snapshot) on the next call.
//!
//! Kinds: `snapshot` — [`Kept`], `#[agent(remote, snapshot)]`: the headline, held to the
//! target; `plain` — [`Plain`], the same counter without snapshots (passivation forgets its
//! state), which shows what passivation leaves behind besides the snapshots (the spare capacity
//! of the maps that held the live agents).
//!
//! Reported per agent: bytes and blocks retained after passivation (after − baseline), the
//! peak and the all-live bytes, and RSS growth for reference.
//!
//! Run with `cargo bench -p mabeam-benches --bench passivation`; `PASSIVATION_AGENTS=N` changes
//! the number of agents (default 100 000).

use std::alloc::{GlobalAlloc, Layout, System};
use std::net::UdpSocket;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use mabeam_actors::agent;
use mabeam_benches::{in_worker, rss_bytes, runtime};
use mabeam_cluster::{MemberStatus, Node};
use serde::{Deserialize, Serialize};

/// Agents activated then passivated per measurement (unless `PASSIVATION_AGENTS` says).
const AGENTS: usize = 100_000;
/// Agents activated and passivated before the baseline.
const WARM_UP: usize = 1_000;
/// Concurrent calling tasks during activation.
const CALLERS: usize = 8;
/// Agents called again after passivation to check their state.
const CHECKED: usize = 1_000;
/// SPEC: bytes the node may still hold per passivated agent.
const TARGET_BYTES: f64 = 1024.0;
/// The longest a wait lasts (a safety net).
const PATIENCE: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------------------------
// The allocator statistic
// ---------------------------------------------------------------------------------------------

/// Bytes currently allocated through the global allocator.
static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);
/// Blocks currently allocated.
static LIVE_BLOCKS: AtomicUsize = AtomicUsize::new(0);
/// The most `LIVE_BYTES` has been since the last [`reset_peak`].
static PEAK_BYTES: AtomicUsize = AtomicUsize::new(0);

/// `System`, counting what is allocated.
struct Counting;

fn grew(by: usize) {
    let now = LIVE_BYTES.fetch_add(by, Ordering::Relaxed) + by;
    PEAK_BYTES.fetch_max(now, Ordering::Relaxed);
}

// A global allocator can only be written with `unsafe`; each method forwards to `System`
// with the caller's own arguments, so it upholds exactly the contract `System` does.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged; the caller upholds `GlobalAlloc::alloc`'s contract.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            LIVE_BLOCKS.fetch_add(1, Ordering::Relaxed);
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `alloc`.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            LIVE_BLOCKS.fetch_add(1, Ordering::Relaxed);
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` (through this allocator) with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        LIVE_BLOCKS.fetch_sub(1, Ordering::Relaxed);
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` was allocated by `System` (through this allocator) with `layout`.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE_BYTES.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The allocator's counters and the RSS at one moment.
#[derive(Debug, Clone, Copy)]
struct Reading {
    bytes: usize,
    blocks: usize,
    rss: u64,
}

fn read() -> Reading {
    Reading {
        bytes: LIVE_BYTES.load(Ordering::Relaxed),
        blocks: LIVE_BLOCKS.load(Ordering::Relaxed),
        rss: rss_bytes(),
    }
}

fn reset_peak() {
    PEAK_BYTES.store(LIVE_BYTES.load(Ordering::Relaxed), Ordering::Relaxed);
}

/// Waits until the live bytes stop moving (stopped actors' tasks and mailboxes are freed
/// shortly after `stop_agent` returns), at most a few seconds, then reads.
async fn settled() -> Reading {
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut last = LIVE_BYTES.load(Ordering::Relaxed);
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = LIVE_BYTES.load(Ordering::Relaxed);
        if now.abs_diff(last) < 4096 {
            break;
        }
        last = now;
    }
    read()
}

// ---------------------------------------------------------------------------------------------
// The agents
// ---------------------------------------------------------------------------------------------

/// A counter whose state survives passivation (its snapshot).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Kept {
    n: u64,
}

#[agent(remote, snapshot, name = "bench.kept")]
impl Kept {
    /// Adds `by` and returns the count.
    #[action]
    fn add(&mut self, by: u64) -> u64 {
        self.n += by;
        self.n
    }
}

/// The same counter without snapshots: passivation forgets it.
#[derive(Debug, Default)]
pub struct Plain {
    n: u64,
}

#[agent(remote, name = "bench.plain")]
impl Plain {
    /// Adds `by` and returns the count.
    #[action]
    fn add(&mut self, by: u64) -> u64 {
        self.n += by;
        self.n
    }
}

/// What one kind's child process measured.
#[derive(Debug, Clone, Copy)]
struct Measured {
    agents: usize,
    base: Reading,
    live: Reading,
    after: Reading,
    peak_activation: usize,
    peak_passivation: usize,
    activate: Duration,
    passivate: Duration,
}

impl Measured {
    fn per_agent(&self, bytes: usize) -> f64 {
        bytes as f64 / self.agents as f64
    }

    fn retained_bytes(&self) -> f64 {
        self.per_agent(self.after.bytes.saturating_sub(self.base.bytes))
    }

    fn retained_blocks(&self) -> f64 {
        self.per_agent(self.after.blocks.saturating_sub(self.base.blocks))
    }

    fn to_line(self) -> String {
        let fields = [
            self.agents,
            self.base.bytes,
            self.base.blocks,
            self.base.rss as usize,
            self.live.bytes,
            self.live.blocks,
            self.live.rss as usize,
            self.after.bytes,
            self.after.blocks,
            self.after.rss as usize,
            self.peak_activation,
            self.peak_passivation,
            self.activate.as_micros() as usize,
            self.passivate.as_micros() as usize,
        ];
        let fields: Vec<String> = fields.iter().map(usize::to_string).collect();
        format!("CHILD {}", fields.join(" "))
    }

    fn from_line(line: &str) -> Self {
        let f: Vec<usize> = line
            .split_whitespace()
            .skip(1)
            .map(|x| x.parse().expect("a number"))
            .collect();
        let reading = |i: usize| Reading {
            bytes: f[i],
            blocks: f[i + 1],
            rss: f[i + 2] as u64,
        };
        Self {
            agents: f[0],
            base: reading(1),
            live: reading(4),
            after: reading(7),
            peak_activation: f[10],
            peak_passivation: f[11],
            activate: Duration::from_micros(f[12] as u64),
            passivate: Duration::from_micros(f[13] as u64),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// One measurement (child process)
// ---------------------------------------------------------------------------------------------

/// What a kind's agent does for the bench: add `by` to agent `id` and return the count.
trait Kind: Send + Sync + 'static {
    const NAME: &'static str;
    /// Whether passivation keeps its state.
    const KEEPS_STATE: bool;
    fn add(
        node: &Node,
        id: String,
        by: u64,
    ) -> impl std::future::Future<Output = Result<u64, String>> + Send;
}

impl Kind for Kept {
    const NAME: &'static str = "snapshot";
    const KEEPS_STATE: bool = true;
    async fn add(node: &Node, id: String, by: u64) -> Result<u64, String> {
        let agent = node.agent::<Kept>(id);
        agent
            .request(KeptAdd { by })
            .await
            .map_err(|e| e.to_string())
    }
}

impl Kind for Plain {
    const NAME: &'static str = "plain";
    const KEEPS_STATE: bool = false;
    async fn add(node: &Node, id: String, by: u64) -> Result<u64, String> {
        let agent = node.agent::<Plain>(id);
        agent
            .request(PlainAdd { by })
            .await
            .map_err(|e| e.to_string())
    }
}

fn id(i: usize) -> String {
    format!("p-{i}")
}

/// The amount agent `i` is given on activation (so a restored state is recognisable).
fn by(i: usize) -> u64 {
    (i % 997) as u64 + 1
}

/// Activates `ids` from `CALLERS` concurrent tasks, checking every answer.
async fn activate<K: Kind>(node: &std::sync::Arc<Node>, range: std::ops::Range<usize>) {
    let mut tasks = Vec::new();
    for caller in 0..CALLERS {
        let node = node.clone();
        let range = range.clone();
        tasks.push(tokio::spawn(async move {
            for i in range.skip(caller).step_by(CALLERS) {
                let n = K::add(&node, id(i), by(i))
                    .await
                    .unwrap_or_else(|err| panic!("activate {}: {err}", id(i)));
                assert_eq!(n, by(i), "{} was fresh", id(i));
            }
        }));
    }
    for task in tasks {
        task.await.expect("a calling task");
    }
}

async fn measure<K: Kind>(agents: usize) -> Measured {
    let gossip = UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("a free UDP port");
    let node = Node::builder()
        .name("solo")
        .gossip_addr(gossip)
        .gossip_interval(Duration::from_millis(100))
        .idle_timeout(Duration::from_secs(3600))
        .agent_type(Kept::default)
        .agent_type(Plain::default)
        .start()
        .await
        .expect("the node starts");
    let deadline = Instant::now() + PATIENCE;
    while node.membership().status("solo") != Some(MemberStatus::Up) {
        assert!(Instant::now() < deadline, "the node never came up");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let node = std::sync::Arc::new(node);

    // Warm-up ids come after the measured ones, so nothing is reused.
    activate::<K>(&node, agents..agents + WARM_UP).await;
    assert_eq!(node.passivate_idle(Duration::ZERO).await, WARM_UP);
    let registered = node.system().registry().len();
    let base = settled().await;

    reset_peak();
    let start = Instant::now();
    activate::<K>(&node, 0..agents).await;
    let activate_time = start.elapsed();
    assert_eq!(node.active_agents(), agents);
    let live = settled().await;
    let peak_activation = PEAK_BYTES.load(Ordering::Relaxed);

    reset_peak();
    let start = Instant::now();
    let passivated = node.passivate_idle(Duration::ZERO).await;
    let passivate_time = start.elapsed();
    let after = settled().await;
    let peak_passivation = PEAK_BYTES.load(Ordering::Relaxed);

    // Every agent went, and only the snapshots stayed.
    assert_eq!(passivated, agents, "every agent was passivated");
    assert_eq!(node.active_agents(), 0);
    assert_eq!(node.system().registry().len(), registered);
    let snapshots = if K::KEEPS_STATE { agents + WARM_UP } else { 0 };
    assert_eq!(node.passivated_agents(), snapshots);
    // A sample comes back with its state (or afresh without snapshots).
    for i in (0..agents).step_by((agents / CHECKED).max(1)) {
        let n = K::add(&node, id(i), 1)
            .await
            .unwrap_or_else(|err| panic!("reactivate {}: {err}", id(i)));
        let expected = if K::KEEPS_STATE { by(i) + 1 } else { 1 };
        assert_eq!(n, expected, "{} after passivation", id(i));
    }
    eprintln!(
        "{}: {agents} activated, passivated and a sample reactivated with the right state",
        K::NAME
    );
    Measured {
        agents,
        base,
        live,
        after,
        peak_activation,
        peak_passivation,
        activate: activate_time,
        passivate: passivate_time,
    }
}

fn agents() -> usize {
    std::env::var("PASSIVATION_AGENTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(AGENTS)
}

fn child(kind: &str) {
    let rt = runtime();
    let agents = agents();
    let measured = match kind {
        "snapshot" => in_worker(&rt, measure::<Kept>(agents)),
        "plain" => in_worker(&rt, measure::<Plain>(agents)),
        other => panic!("unknown kind {other:?} (snapshot or plain)"),
    };
    println!("{}", measured.to_line());
    // The node is dropped with the runtime; nothing outlives the process.
}

fn run_child(kind: &str) -> Measured {
    let exe = std::env::current_exe().expect("own path");
    let out = Command::new(exe)
        .args(["--child", kind])
        .env("RUST_LOG", "error")
        .output()
        .expect("run a child");
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "child {kind} failed: {out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.starts_with("CHILD "))
        .unwrap_or_else(|| panic!("no result from child {kind}: {stdout}"));
    Measured::from_line(line)
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

fn mib(bytes: f64) -> String {
    format!("{:.1} MiB", bytes / (1024.0 * 1024.0))
}

fn print_kind(kind: &str, m: &Measured) {
    let per = |bytes: usize| m.per_agent(bytes);
    let signed = |a: u64, b: u64| a as f64 - b as f64;
    println!("{kind} ({} agents):", m.agents);
    println!(
        "  allocator, live bytes: baseline {}, all live {}, after passivation {}",
        mib(m.base.bytes as f64),
        mib(m.live.bytes as f64),
        mib(m.after.bytes as f64)
    );
    println!(
        "  per agent while live: {:.0} B in {:.1} blocks; peak {:.0} B (activation), {:.0} B (passivation)",
        per(m.live.bytes.saturating_sub(m.base.bytes)),
        per(m.live.blocks.saturating_sub(m.base.blocks)),
        per(m.peak_activation.saturating_sub(m.base.bytes)),
        per(m.peak_passivation.saturating_sub(m.base.bytes)),
    );
    println!(
        "  per agent after passivation: {:.0} B in {:.2} blocks (allocator)",
        m.retained_bytes(),
        m.retained_blocks()
    );
    println!(
        "  RSS (reference): baseline {}, all live {} ({:+.0} B/agent), after passivation {} ({:+.0} B/agent vs baseline)",
        mib(m.base.rss as f64),
        mib(m.live.rss as f64),
        signed(m.live.rss, m.base.rss) / m.agents as f64,
        mib(m.after.rss as f64),
        signed(m.after.rss, m.base.rss) / m.agents as f64,
    );
    println!(
        "  time: activation {:.2} µs/agent, passivation {:.2} µs/agent",
        m.activate.as_secs_f64() * 1e6 / m.agents as f64,
        m.passivate.as_secs_f64() * 1e6 / m.agents as f64
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--child") {
        child(args.get(at + 1).map(String::as_str).unwrap_or(""));
        return;
    }
    // `cargo bench` passes `--bench`; a filter may follow. Nothing to list.
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let started = Instant::now();
    println!(
        "passivation: {} agents activated then passivated on one node; allocator statistics (bytes asked for) from a counting #[global_allocator], RSS from /proc/self/statm\n",
        agents()
    );
    let kept = run_child("snapshot");
    let plain = run_child("plain");
    print_kind("snapshot (bench.kept, #[agent(remote, snapshot)])", &kept);
    print_kind("plain (bench.plain, no snapshots)", &plain);
    println!(
        "\nthe snapshots themselves (snapshot − plain): {:.0} B/agent",
        kept.retained_bytes() - plain.retained_bytes()
    );
    let retained = kept.retained_bytes();
    println!(
        "\nRATIO passivated_bytes_per_agent: {retained:.0} B / target {TARGET_BYTES:.0} B = {:.3}x (target <= 1.00x) {}",
        retained / TARGET_BYTES,
        if retained <= TARGET_BYTES { "MET" } else { "MISSED" }
    );
    println!("(total {:.1} s)", started.elapsed().as_secs_f64());
}
