//! Skills: behaviour written once and mounted by several agents.
//!
//! A `RateLimiter` skill (an action that admits or rejects a request against a budget, a
//! sensor that refills the budget, and a signal handler that changes the limit at run time)
//! is written once with `#[skill]` and mounted by two unrelated agents, an `ApiGateway` and a
//! `Mailer`, with `#[agent(skill(limiter: RateLimiter))]`. Each agent answers the skill's
//! actions through its own handle, with its own budget, beside its own actions.
//!
//! Run it with `cargo run --release -p mabeam-examples --example skills`.

use std::time::Duration;

use mabeam_actors::prelude::*;
use mabeam_actors::{agent, skill, SkillCtx};

/// The reusable part: a token bucket.
struct RateLimiter {
    limit: u32,
    tokens: u32,
}

impl RateLimiter {
    fn new(limit: u32) -> Self {
        Self {
            limit,
            tokens: limit,
        }
    }
}

#[skill]
impl RateLimiter {
    /// Takes a token if one is left; tells the cluster when a request is throttled.
    #[action]
    fn admit(&mut self, ctx: &mut SkillCtx<'_>, cost: u32) -> bool {
        if self.tokens >= cost {
            self.tokens -= cost;
            true
        } else {
            let _ = ctx.emit("limits.throttled", cost);
            false
        }
    }

    #[action]
    fn tokens(&self) -> u32 {
        self.tokens
    }

    /// Refills the bucket.
    #[sensor(every = "1s")]
    fn refill(&mut self) {
        self.tokens = self.limit;
    }

    /// Changes every limiter's limit at run time.
    #[on_signal("limits.set")]
    fn on_set_limit(&mut self, signal: Signal) -> Result<(), AgentError> {
        self.limit = signal.decode()?;
        self.tokens = self.tokens.min(self.limit);
        Ok(())
    }
}

/// One agent that mounts it...
struct ApiGateway {
    limiter: RateLimiter,
    served: u32,
}

#[agent(skill(limiter: RateLimiter))]
impl ApiGateway {
    #[action]
    async fn serve(&mut self, ctx: &mut Ctx<Self>, path: String) -> Result<String, String> {
        let mut skill_ctx = ctx.skill_ctx();
        if !self.limiter.admit(&mut skill_ctx, 1) {
            return Err(format!("429 {path}"));
        }
        self.served += 1;
        Ok(format!("200 {path}"))
    }
}

/// ...and another, unrelated one.
struct Mailer {
    limiter: RateLimiter,
    sent: Vec<String>,
}

#[agent(skill(limiter: RateLimiter))]
impl Mailer {
    #[action]
    fn send(&mut self, to: String) -> usize {
        self.sent.push(to);
        self.sent.len()
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let system = AgentSystem::builder().name("skills").start().await?;
    let mut throttled = system.subscribe("limits.throttled")?;

    let gateway = system
        .spawn("gateway", || ApiGateway {
            limiter: RateLimiter::new(3),
            served: 0,
        })
        .await?;
    let mailer = system
        .spawn("mailer", || Mailer {
            limiter: RateLimiter::new(2),
            sent: Vec::new(),
        })
        .await?;

    println!("== the gateway uses the skill inside its own action");
    for n in 1..=4 {
        println!(
            "  GET /items/{n} -> {:?}",
            gateway.serve(format!("/items/{n}")).await?
        );
    }
    let signal = tokio::time::timeout(Duration::from_secs(2), throttled.recv()).await??;
    println!("  signal limits.throttled from `{}`", signal.source());

    println!("\n== the mailer calls the skill's actions through its own handle");
    for to in ["ada@example.org", "bob@example.org", "cy@example.org"] {
        if mailer.admit(1).await? {
            println!(
                "  sent to {to} (mail #{})",
                mailer.send(to.to_owned()).await?
            );
        } else {
            println!("  throttled: {to} waits for the next refill");
        }
    }
    println!(
        "  tokens left: gateway {}, mailer {} (each agent has its own bucket)",
        gateway.tokens().await?,
        mailer.tokens().await?
    );

    println!("\n== the skill's sensor refills every bucket");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    println!(
        "  tokens after a refill: gateway {}, mailer {}",
        gateway.tokens().await?,
        mailer.tokens().await?
    );

    println!("\n== one signal reaches the skill in both agents");
    let report = system.publish(Signal::new(Topic::from_static("limits.set"), 1u32));
    println!("  limits.set = 1 delivered to {} agents", report.delivered);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    println!(
        "  tokens now: gateway {}, mailer {}",
        gateway.tokens().await?,
        mailer.tokens().await?
    );

    system.shutdown().await;
    Ok(())
}
