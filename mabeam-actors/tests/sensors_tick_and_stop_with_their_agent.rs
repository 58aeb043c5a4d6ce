//! Sensors: periodic ones tick on schedule and never pile up behind a slow handler; stream
//! sensors deliver every item in order, pulling the next only when the last was handled; all
//! of them stop with their agent (and restart with it).
//!
//! Runs on tokio's paused clock, so the schedules are exact.
#[path = "support/agents.rs"]
mod support;

use std::time::Duration;

use mabeam_actors::prelude::*;
use support::*;
use tokio::time::Instant;

struct Sampler {
    probe: Probe,
    origin: Instant,
    handling: Duration,
}

impl Agent for Sampler {
    type Action = Reply<()>;

    async fn handle(&mut self, _: &mut Ctx<Self>, reply: Reply<()>) -> Result<(), AgentError> {
        reply.send(());
        Ok(())
    }

    fn sensors(&self) -> Vec<Sensor> {
        vec![Sensor::every("tick", Duration::from_secs(1))]
    }

    async fn on_sensor(&mut self, _: &mut Ctx<Self>, reading: Reading) -> Result<(), AgentError> {
        assert!(reading.is_tick());
        assert_eq!(reading.sensor(), "tick");
        let at = self.origin.elapsed().as_millis();
        self.probe.send(format!("tick {at}"));
        tokio::time::sleep(self.handling).await;
        Ok(())
    }
}

fn sampler(probe: &Probe, handling: Duration) -> impl Fn() -> Sampler + Send + Sync + 'static {
    let probe = probe.clone();
    let origin = Instant::now();
    move || Sampler {
        probe: probe.clone(),
        origin,
        handling,
    }
}

#[tokio::test(start_paused = true)]
async fn a_periodic_sensor_ticks_every_period_and_stops_with_its_agent() {
    let (probe, mut events) = probe();
    let system = system().await;
    system
        .spawn("s", sampler(&probe, Duration::ZERO))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert_eq!(events.drain(), ["tick 1000", "tick 2000", "tick 3000"]);

    system.stop_agent("s").await.unwrap();
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert!(events.drain().is_empty(), "no tick after the agent stopped");
    system.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_slow_handler_skips_ticks_instead_of_queueing_them() {
    let (probe, mut events) = probe();
    let system = system().await;
    system
        .spawn("s", sampler(&probe, Duration::from_millis(2500)))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(10_600)).await;
    // Busy from 1 s to 3.5 s: the ticks at 2 s and 3 s are skipped, and so on.
    assert_eq!(
        events.drain(),
        ["tick 1000", "tick 4000", "tick 7000", "tick 10000"]
    );
    system.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_restarted_agent_runs_one_set_of_sensors() {
    struct Crashy(Probe, Instant);
    impl Agent for Crashy {
        type Action = ();
        async fn handle(&mut self, _: &mut Ctx<Self>, _: ()) -> Result<(), AgentError> {
            Err("crash".into())
        }
        fn sensors(&self) -> Vec<Sensor> {
            vec![Sensor::every("tick", Duration::from_secs(1))]
        }
        async fn on_sensor(&mut self, _: &mut Ctx<Self>, _: Reading) -> Result<(), AgentError> {
            self.0
                .send(format!("tick {}", self.1.elapsed().as_millis()));
            Ok(())
        }
    }
    let (probe, mut events) = probe();
    let system = system().await;
    let origin = Instant::now();
    let p = probe.clone();
    let crashy = system
        .spawn("c", move || Crashy(p.clone(), origin))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    crashy.cast(()).unwrap();
    tokio::time::sleep(Duration::from_millis(3200)).await;
    // One tick per second before the crash at 1.5 s, then one per second from the restart.
    assert_eq!(
        events.drain(),
        ["tick 1000", "tick 2500", "tick 3500", "tick 4500"]
    );
    system.shutdown().await;
}

struct Feed {
    probe: Probe,
}

impl Agent for Feed {
    type Action = ();

    async fn handle(&mut self, _: &mut Ctx<Self>, _: ()) -> Result<(), AgentError> {
        Ok(())
    }

    fn sensors(&self) -> Vec<Sensor> {
        let probe = self.probe.clone();
        let items = futures::stream::iter(1..=4u32).map(move |n| {
            probe.send(format!("pulled {n}"));
            n
        });
        vec![Sensor::stream("feed", items)]
    }

    async fn on_sensor(
        &mut self,
        _: &mut Ctx<Self>,
        mut reading: Reading,
    ) -> Result<(), AgentError> {
        assert!(
            reading.take::<String>().is_none(),
            "wrong type gives nothing"
        );
        let n: u32 = reading.take().expect("a u32 item");
        assert!(reading.take::<u32>().is_none(), "taken once");
        self.probe.send(format!("handled {n}"));
        Ok(())
    }
}

use futures::StreamExt;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_sensor_delivers_items_in_order_one_at_a_time() {
    let (probe, mut events) = probe();
    let system = system().await;
    let p = probe.clone();
    system
        .spawn("feed", move || Feed { probe: p.clone() })
        .await
        .unwrap();
    assert_eq!(
        events.take(8).await,
        [
            "pulled 1",
            "handled 1",
            "pulled 2",
            "handled 2",
            "pulled 3",
            "handled 3",
            "pulled 4",
            "handled 4"
        ]
    );
    system.shutdown().await;
}
