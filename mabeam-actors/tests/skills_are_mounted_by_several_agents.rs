//! A skill — actions, a sensor and a signal handler written once with `#[skill]` — mounted by
//! two different agents: each answers the skill's actions through its own handle, with its own
//! copy of the skill's state, alongside its own actions and sensors.
#[path = "support/agents.rs"]
mod support;

use std::time::Duration;

use mabeam_actors::prelude::*;
use mabeam_actors::{agent, skill, SkillCtx};
use support::*;

/// The reusable part.
#[derive(Default)]
struct Greeter {
    greeted: u32,
    ticks: u32,
}

#[skill]
impl Greeter {
    #[action]
    fn greet(&mut self, ctx: &mut SkillCtx<'_>, name: String) -> String {
        self.greeted += 1;
        ctx.emit("greeter.greeted", name.clone())
            .expect("valid topic");
        format!("hello {name}, from {}", ctx.id())
    }

    #[action]
    fn greeted(&self) -> u32 {
        self.greeted
    }

    #[action]
    fn skill_ticks(&self) -> u32 {
        self.ticks
    }

    #[sensor(every = "1s")]
    fn tick(&mut self) {
        self.ticks += 1;
    }

    #[on_signal("greeter.reset")]
    fn on_reset(&mut self, _signal: Signal) {
        self.greeted = 0;
    }
}

#[derive(Default)]
struct Shop {
    greeter: Greeter,
    sales: u32,
    ticks: u32,
}

#[agent(skill(greeter: Greeter))]
impl Shop {
    #[action]
    fn sell(&mut self) -> u32 {
        self.sales += 1;
        self.sales
    }

    #[action]
    fn shop_ticks(&self) -> u32 {
        self.ticks
    }

    #[sensor(every = "500ms")]
    fn own_tick(&mut self) {
        self.ticks += 1;
    }
}

#[derive(Default)]
struct Library {
    greeter: Greeter,
    books: Vec<String>,
}

#[agent(skill(greeter: Greeter))]
impl Library {
    #[action]
    fn lend(&mut self, book: String) -> usize {
        self.books.push(book);
        self.books.len()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_agents_answer_the_same_skill_action_each_with_its_own_state() {
    let system = system().await;
    let mut greetings = system.subscribe("greeter.greeted").unwrap();
    let shop = system.spawn("shop", Shop::default).await.unwrap();
    let library = system.spawn("library", Library::default).await.unwrap();

    assert_eq!(
        shop.greet("ann".into()).await.unwrap(),
        "hello ann, from shop"
    );
    assert_eq!(
        shop.greet("bo".into()).await.unwrap(),
        "hello bo, from shop"
    );
    assert_eq!(
        library.greet("cy".into()).await.unwrap(),
        "hello cy, from library"
    );
    assert_eq!(shop.greeted().await, Ok(2));
    assert_eq!(library.greeted().await, Ok(1));

    // Their own actions sit beside the skill's.
    assert_eq!(shop.sell().await, Ok(1));
    assert_eq!(library.lend("Dune".into()).await, Ok(1));

    // The skill's signals come from the agent that mounts it.
    let first = greetings.recv().await.unwrap();
    assert_eq!(first.source(), "shop");
    assert_eq!(first.decode::<String>().unwrap(), "ann");
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_skill_signal_handler_runs_in_every_agent_that_mounts_it() {
    let system = system().await;
    let shop = system.spawn("shop", Shop::default).await.unwrap();
    let library = system.spawn("library", Library::default).await.unwrap();
    shop.greet("ann".into()).await.unwrap();
    library.greet("bo".into()).await.unwrap();

    let report = system.publish(Signal::new(Topic::from_static("greeter.reset"), ()));
    assert_eq!(report.delivered, 2);
    // Signals are handled in order with the calls that follow them in the mailbox, so poll
    // (bounded) until the reset is seen.
    tokio::time::timeout(PATIENCE, async {
        while shop.greeted().await != Ok(0) || library.greeted().await != Ok(0) {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("both reset");
    system.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn skill_sensors_run_beside_the_agents_own() {
    let system = system().await;
    let shop = system.spawn("shop", Shop::default).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2250)).await;
    assert_eq!(shop.skill_ticks().await, Ok(2), "the skill's 1 s sensor");
    assert_eq!(
        shop.shop_ticks().await,
        Ok(4),
        "the shop's own 500 ms sensor"
    );
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tell_sends_a_generated_request_without_waiting() {
    let system = system().await;
    let shop = system.spawn("shop", Shop::default).await.unwrap();
    for _ in 0..10 {
        shop.tell(ShopSell {}).unwrap();
    }
    shop.tell(GreeterGreet { name: "dee".into() }).unwrap();
    assert_eq!(shop.sell().await, Ok(11));
    assert_eq!(shop.greeted().await, Ok(1));
    system.shutdown().await;
}
