use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::parser::ValueSource;
use clap::{ArgMatches, Args, Command, FromArgMatches};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{ConfigError, Secret};
use crate::discovery::HostPort;
use crate::tls::{TlsConfig, TlsError};
use crate::{Discovery, MulticastConfig};

/// Everything a node is configured with that is plain data: the keys of its TOML file, the
/// flags of `mabeam node` and the `MABEAM_*` environment variables (see the
/// [module docs](super)).
///
/// The defaults are declared once, on the fields (clap's `default_value`s):
/// [`Config::default`], a TOML file without the key and a command line without the flag all
/// take them. Settings without a default (`name`, `admin`, `listen`, the TLS files, ...) are
/// `None` until set. Durations are whole milliseconds (`*_ms`); the methods named after them
/// ([`gossip_interval`](Self::gossip_interval), ...) give [`Duration`]s. The settings are
/// checked when the node starts ([`NodeBuilder::start`](crate::NodeBuilder::start)).
///
/// ```
/// use mabeam_cluster::{Config, Node};
///
/// let mut config = Config::default();
/// assert_eq!(config.cluster_id, "mabeam");
/// assert_eq!(config.gossip_interval_ms, 1000);
/// config.name = Some("n1".to_owned());
/// config.seeds.push("127.0.0.1:7000".to_owned());
/// let _builder = Node::builder_with(config);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Args)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Config {
    /// The node's name, unique in the cluster (required).
    #[arg(long, env = "MABEAM_NAME")]
    pub name: Option<String>,

    /// Nodes only see nodes of the same cluster id.
    #[arg(long, env = "MABEAM_CLUSTER_ID", default_value = "mabeam")]
    pub cluster_id: String,

    /// Where to gossip (UDP).
    #[arg(long, env = "MABEAM_GOSSIP", default_value = "127.0.0.1:7000")]
    pub gossip: SocketAddr,

    /// Nodes to join through, `host:port`; host names are resolved again every discovery
    /// round, and a seed that is down is retried (repeat the flag, or comma-separate in
    /// MABEAM_SEEDS).
    #[arg(
        long = "seed",
        env = "MABEAM_SEEDS",
        value_delimiter = ',',
        value_name = "HOST:PORT"
    )]
    pub seeds: Vec<String>,

    /// Serve the admin endpoint (membership JSON, health) here.
    #[arg(long, env = "MABEAM_ADMIN")]
    pub admin: Option<SocketAddr>,

    /// How often to gossip, in milliseconds; failure detection scales with it.
    #[arg(
        long,
        env = "MABEAM_GOSSIP_INTERVAL_MS",
        default_value = "1000",
        value_name = "MS"
    )]
    pub gossip_interval_ms: u64,

    /// The phi-accrual threshold above which a silent peer is considered dead.
    #[arg(long, env = "MABEAM_PHI", default_value = "8")]
    pub phi: f64,

    /// Declare a peer down after it has been unreachable this long, in milliseconds (default:
    /// 10 gossip intervals). A peer whose transport session closes while it is unreachable is
    /// declared down at once.
    #[arg(long, env = "MABEAM_DOWN_AFTER_MS", value_name = "MS")]
    pub down_after_ms: Option<u64>,

    /// Capability tags to announce (e.g. `gpu`, `eu-west`), which placement can require:
    /// letters, digits, `-`, `_`, `.`, `:` and `/` (repeat the flag, or comma-separate in
    /// MABEAM_TAGS).
    #[arg(
        long = "tag",
        env = "MABEAM_TAGS",
        value_delimiter = ',',
        value_name = "TAG"
    )]
    pub tags: Vec<String>,

    /// How long an agent activated through the cluster may stay idle before it is
    /// passivated (snapshotted if it can be, stopped, reactivated on the next call), in
    /// milliseconds.
    #[arg(
        long,
        env = "MABEAM_IDLE_TIMEOUT_MS",
        default_value = "900000",
        value_name = "MS"
    )]
    pub idle_timeout_ms: u64,

    /// Serve the ractor_cluster transport (TCP sessions with every live member) here.
    #[arg(long, env = "MABEAM_LISTEN")]
    pub listen: Option<SocketAddr>,

    /// The secret nodes share to open transport sessions.
    #[arg(
        long,
        env = "MABEAM_COOKIE",
        default_value = "mabeam",
        value_name = "SECRET",
        hide_env_values = true
    )]
    pub cookie: Secret,

    /// Mutual TLS on the transport: this node's certificate chain (PEM). Any TLS setting turns
    /// TLS on, and then the certificate, the key and the CA are all needed.
    #[arg(long, env = "MABEAM_TLS_CERT", value_name = "FILE")]
    pub tls_cert: Option<PathBuf>,

    /// This node's TLS private key (PEM).
    #[arg(long, env = "MABEAM_TLS_KEY", value_name = "FILE")]
    pub tls_key: Option<PathBuf>,

    /// The CA certificate(s) (PEM) every peer's certificate must chain to.
    #[arg(long, env = "MABEAM_TLS_CA", value_name = "FILE")]
    pub tls_ca: Option<PathBuf>,

    /// The DNS name every peer's certificate must carry; peers are dialled by IP address
    /// (default: `mabeam`).
    #[arg(long, env = "MABEAM_TLS_SERVER_NAME", value_name = "NAME")]
    pub tls_server_name: Option<String>,

    /// Discover nodes at every address of a DNS name, with this gossip port (repeat the flag,
    /// or comma-separate in MABEAM_DNS).
    #[arg(
        long,
        env = "MABEAM_DNS",
        value_delimiter = ',',
        value_name = "NAME:PORT"
    )]
    pub dns: Vec<HostPort>,

    /// Discover nodes at every target of an SRV name (repeat the flag, or comma-separate in
    /// MABEAM_SRV).
    #[arg(long, env = "MABEAM_SRV", value_delimiter = ',', value_name = "NAME")]
    pub srv: Vec<String>,

    /// Discover nodes by multicast beacons on the default group (file only; a
    /// `multicast_group` or `--multicast` turns multicast on too).
    #[arg(skip)]
    pub multicast: bool,

    /// Discover nodes by authenticated beacons on a UDP multicast group (default group
    /// 239.255.42.99:45892); needs the multicast secret.
    #[arg(
        id = "multicast_group",
        long = "multicast",
        env = "MABEAM_MULTICAST_GROUP",
        value_name = "GROUP:PORT",
        num_args = 0..=1,
        default_missing_value = DEFAULT_MULTICAST_GROUP
    )]
    pub multicast_group: Option<SocketAddrV4>,

    /// The secret multicast beacons are authenticated with (shared by the cluster's nodes).
    #[arg(
        long,
        env = "MABEAM_MULTICAST_SECRET",
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub multicast_secret: Option<Secret>,

    /// The interface (its IPv4 address) to send beacons from and join the group on (default:
    /// 127.0.0.1).
    #[arg(long, env = "MABEAM_MULTICAST_INTERFACE", value_name = "IPV4")]
    pub multicast_interface: Option<Ipv4Addr>,

    /// The beacons' multicast TTL (default: 1).
    #[arg(long, env = "MABEAM_MULTICAST_TTL", value_name = "TTL")]
    pub multicast_ttl: Option<u32>,

    /// How often discovery runs its strategies and contacts what they found, in milliseconds.
    #[arg(
        long,
        env = "MABEAM_DISCOVERY_INTERVAL_MS",
        default_value = "5000",
        value_name = "MS"
    )]
    pub discovery_interval_ms: u64,
}

/// [`MulticastConfig::DEFAULT_GROUP`], as `--multicast` without a value gives it.
const DEFAULT_MULTICAST_GROUP: &str = "239.255.42.99:45892";

impl Default for Config {
    /// The defaults declared on the fields: what clap parses from no arguments, with the
    /// environment left out.
    fn default() -> Self {
        let no_env = Self::augment_args(Command::new("mabeam")).mut_args(|arg| arg.env(None));
        let matches = no_env
            .try_get_matches_from(["mabeam"])
            .expect("the declared defaults parse");
        Self::from_arg_matches(&matches).expect("the declared defaults parse")
    }
}

impl Config {
    /// Parses TOML text; keys it leaves out keep their defaults.
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        Ok(toml::from_str(text)?)
    }

    /// Reads and parses a TOML file.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_toml(&text)
    }

    /// `self` (the defaults, or a file's settings) with every setting that `args` took from
    /// the command line or the environment; settings `args` only has a default for keep
    /// `self`'s value. `args` are the matches of a command that flattens `Config` (such as
    /// `mabeam node`). A list given on the command line (or in its environment variable)
    /// replaces `self`'s list.
    ///
    /// ```
    /// use clap::{Args, Command};
    /// use mabeam_cluster::Config;
    ///
    /// let file = Config::from_toml("name = \"from-file\"\nphi = 12.0\nseeds = [\"a:1\"]")?;
    /// let args = Config::augment_args(Command::new("node"))
    ///     .get_matches_from(["node", "--seed", "b:2", "--seed", "c:3"]);
    /// let config = file.overridden_by(&args)?;
    /// assert_eq!(config.name.as_deref(), Some("from-file"));
    /// assert_eq!(config.phi, 12.0);
    /// assert_eq!(config.seeds, ["b:2", "c:3"]);
    /// # Ok::<(), mabeam_cluster::config::ConfigError>(())
    /// ```
    pub fn overridden_by(self, args: &ArgMatches) -> Result<Config, ConfigError> {
        let given = fields(&Config::from_arg_matches(args)?)?;
        let mut merged = fields(&self)?;
        for id in args.ids() {
            let Some(value) = given.get(id.as_str()) else {
                continue;
            };
            if matches!(
                args.value_source(id.as_str()),
                Some(ValueSource::CommandLine | ValueSource::EnvVariable)
            ) {
                merged.insert(id.as_str().to_owned(), value.clone());
            }
        }
        Ok(serde_json::from_value(Value::Object(merged))?)
    }

    /// The gossip interval.
    pub fn gossip_interval(&self) -> Duration {
        Duration::from_millis(self.gossip_interval_ms)
    }

    /// How long a peer may stay unreachable before it is declared down: `down_after_ms`, or
    /// 10 gossip intervals.
    pub fn down_after(&self) -> Duration {
        self.down_after_ms
            .map_or(self.gossip_interval() * 10, Duration::from_millis)
    }

    /// How long an agent activated through the cluster may stay idle.
    pub fn idle_timeout(&self) -> Duration {
        Duration::from_millis(self.idle_timeout_ms)
    }

    /// The discovery interval.
    pub fn discovery_interval(&self) -> Duration {
        Duration::from_millis(self.discovery_interval_ms)
    }

    /// The TLS configuration, loaded from the files: `None` if no `tls_*` value is set, an
    /// error if some are set but not all three files, or if the files cannot be loaded.
    pub fn tls(&self) -> Result<Option<TlsConfig>, TlsError> {
        if self.tls_cert.is_none()
            && self.tls_key.is_none()
            && self.tls_ca.is_none()
            && self.tls_server_name.is_none()
        {
            return Ok(None);
        }
        let mut builder = TlsConfig::builder();
        if let Some(path) = &self.tls_cert {
            builder = builder.cert_chain(path);
        }
        if let Some(path) = &self.tls_key {
            builder = builder.private_key(path);
        }
        if let Some(path) = &self.tls_ca {
            builder = builder.ca(path);
        }
        if let Some(name) = &self.tls_server_name {
            builder = builder.server_name(name);
        }
        builder.build().map(Some)
    }

    /// The discovery strategies the settings name: seeds, DNS and SRV names, multicast.
    pub(crate) fn discovery(&self) -> Vec<Discovery> {
        let seeds = self.seeds.iter().map(Discovery::seed);
        let dns = self
            .dns
            .iter()
            .map(|target| Discovery::dns(&target.host, target.port));
        let srv = self.srv.iter().map(Discovery::srv);
        let multicast = self.multicast_config().map(Discovery::multicast);
        seeds.chain(dns).chain(srv).chain(multicast).collect()
    }

    /// The multicast settings, when multicast is on (a missing secret is left empty, for the
    /// node to refuse when it starts).
    pub(super) fn multicast_config(&self) -> Option<MulticastConfig> {
        if !self.multicast && self.multicast_group.is_none() {
            return None;
        }
        let secret = self
            .multicast_secret
            .as_ref()
            .map(Secret::expose)
            .unwrap_or_default();
        let mut config = MulticastConfig::new(secret);
        if let Some(group) = self.multicast_group {
            config = config.group(group);
        }
        if let Some(interface) = self.multicast_interface {
            config = config.interface(interface);
        }
        if let Some(ttl) = self.multicast_ttl {
            config = config.ttl(ttl);
        }
        Some(config)
    }
}

/// `config`'s settings by key (the field names, which are also clap's argument ids).
fn fields(config: &Config) -> Result<Map<String, Value>, ConfigError> {
    Ok(serde_json::from_value(serde_json::to_value(config)?)?)
}
