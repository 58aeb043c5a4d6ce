use std::time::Duration;

use mabeam_actors::prelude::*;
use mabeam_actors::{agent, Signal as SignalDerive};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, SignalDerive)]
#[signal(topic = "thermo.reading", lane = "telemetry")]
struct Reading2 {
    celsius: f64,
}

#[derive(Default, Serialize, Deserialize)]
struct Thermostat {
    target: f64,
}

#[agent(remote, snapshot, name = "thermostat")]
impl Thermostat {
    #[action]
    async fn set_target(&mut self, ctx: &mut Ctx<Self>, target: f64) -> Result<f64, String> {
        if target > 40.0 {
            return Err("too hot".into());
        }
        self.target = target;
        ctx.emit_signal(Reading2 { celsius: target });
        Ok(self.target)
    }

    #[action(name = "current")]
    fn get_target(&self) -> f64 {
        self.target
    }

    #[action]
    fn nothing(&mut self) {}

    #[sensor(every = "1m30s")]
    async fn sample(&mut self, ctx: &mut Ctx<Self>) -> Result<(), AgentError> {
        ctx.emit("thermo.sample", self.target)?;
        Ok(())
    }

    #[on_signal("thermo.*", "hvac.**")]
    fn on_thermo(&mut self, _signal: Signal) {}

    #[on_start]
    async fn started(&mut self) {}

    #[on_restart]
    fn restarted(&mut self, _ctx: &mut Ctx<Self>, _info: &RestartInfo) {}

    #[on_stop]
    fn stopped(&mut self) -> Result<(), std::io::Error> {
        Ok(())
    }
}

async fn use_it(thermostat: AgentRef<Thermostat>) -> Result<(), CallError> {
    let _: Result<f64, String> = thermostat
        .set_target(21.5)
        .timeout(Duration::from_millis(10))
        .await?;
    let _: f64 = thermostat.current().await?;
    thermostat.nothing().no_timeout().await?;
    let _request = ThermostatRequest::SetTarget { target: 1.0 };
    Ok(())
}

fn main() {
    let _ = use_it;
}
