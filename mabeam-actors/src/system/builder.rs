use std::sync::{Arc, Mutex};
use std::time::Duration;

use ractor::Actor;

use super::{AgentSystem, Inner, StartError};
use crate::bus::{BusConfig, SignalBus};
use crate::registry::Registry;
use crate::supervisor::{
    Backoff, Intensity, Strategy, SupervisorActor, SupervisorArgs, SupervisorSpec,
};

/// Configures and starts an [`AgentSystem`].
///
/// Defaults: name `mabeam`; call timeout 5 s (OTP's `gen_server:call` default); shutdown
/// time 60 s; root supervisor one-for-one, at most 100 restarts in 10 s, no backoff; default
/// [`BusConfig`].
///
/// ```
/// use std::time::Duration;
/// use mabeam_actors::{AgentSystem, Intensity};
///
/// # #[tokio::main(flavor = "multi_thread", worker_threads = 2)]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let system = AgentSystem::builder()
///     .name("trading")
///     .call_timeout(Some(Duration::from_millis(250)))
///     .root_intensity(Intensity::new(10, Duration::from_secs(1)))
///     .start()
///     .await?;
/// assert_eq!(system.name(), "trading");
/// system.shutdown().await;
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[must_use]
pub struct AgentSystemBuilder {
    name: String,
    call_timeout: Option<Duration>,
    shutdown_timeout: Duration,
    bus: BusConfig,
    strategy: Strategy,
    intensity: Intensity,
    backoff: Backoff,
}

impl AgentSystemBuilder {
    pub(super) fn new() -> Self {
        Self {
            name: "mabeam".to_owned(),
            call_timeout: Some(Duration::from_secs(5)),
            shutdown_timeout: Duration::from_secs(60),
            bus: BusConfig::default(),
            strategy: Strategy::OneForOne,
            intensity: Intensity::new(100, Duration::from_secs(10)),
            backoff: Backoff::none(),
        }
    }

    /// The system's name (logs, the root supervisor's name).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The default timeout of every call (`None`: wait forever); a call can override it.
    pub fn call_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.call_timeout = timeout;
        self
    }

    /// How long [`AgentSystem::shutdown`] waits for the tree to stop before killing it.
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = timeout;
        self
    }

    /// The bus's lane limits.
    pub fn bus(mut self, config: BusConfig) -> Self {
        self.bus = config;
        self
    }

    /// The root supervisor's strategy.
    pub fn root_strategy(mut self, strategy: Strategy) -> Self {
        self.strategy = strategy;
        self
    }

    /// The root supervisor's restart intensity.
    pub fn root_intensity(mut self, intensity: Intensity) -> Self {
        self.intensity = intensity;
        self
    }

    /// The root supervisor's restart backoff.
    pub fn root_backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// Starts the system on the current tokio runtime.
    ///
    /// # Panics
    /// Outside a tokio runtime.
    pub async fn start(self) -> Result<AgentSystem, StartError> {
        let spec = SupervisorSpec::builder(format!("{}/root", self.name))
            .strategy(self.strategy)
            .intensity(self.intensity)
            .backoff(self.backoff)
            .build()?;
        let system = AgentSystem {
            inner: Arc::new(Inner {
                name: Arc::from(self.name),
                registry: Registry::new(),
                bus: SignalBus::new(self.bus),
                call_timeout: self.call_timeout,
                shutdown_timeout: self.shutdown_timeout,
                root: spec.handle(),
                root_task: Mutex::new(None),
            }),
        };
        let args = SupervisorArgs {
            spec,
            system: system.clone(),
        };
        let (_, task) = SupervisorActor::spawn(None, SupervisorActor, args)
            .await
            .map_err(|err| StartError::Root(err.to_string()))?;
        *system
            .inner
            .root_task
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(task);
        Ok(system)
    }
}
