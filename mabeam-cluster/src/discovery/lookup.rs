//! The lookups of the seed, DNS and SRV strategies (I/O; the SRV mapping itself is in
//! [`state`](super::state)).

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use hickory_resolver::proto::rr::RData;
use hickory_resolver::TokioResolver;

use super::state::{dns_key, srv_addrs, srv_targets, SrvRecord};
use super::strategy::Strategy;
use super::DiscoveryError;

/// The longest a strategy's lookup may take before it counts as failed.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(10);
/// Timeout of one DNS query.
const QUERY_TIMEOUT: Duration = Duration::from_secs(3);

/// Runs strategies' lookups. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Lookups {
    /// Present when a DNS or SRV strategy needs it.
    resolver: Option<TokioResolver>,
}

impl std::fmt::Debug for Lookups {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lookups")
            .field("resolver", &self.resolver.is_some())
            .finish()
    }
}

impl Lookups {
    /// Builds the DNS resolver (system configuration, `/etc/hosts` first) if any strategy
    /// needs one. Answers are cached for at most one discovery `interval`, so every round
    /// sees current records.
    pub(crate) fn new(strategies: &[Strategy], interval: Duration) -> Result<Self, DiscoveryError> {
        let needs_dns = strategies
            .iter()
            .any(|s| matches!(s, Strategy::Dns { .. } | Strategy::Srv(_)));
        if !needs_dns {
            return Ok(Self { resolver: None });
        }
        let mut builder =
            TokioResolver::builder_tokio().map_err(|err| DiscoveryError::Resolver {
                reason: err.to_string(),
            })?;
        let options = builder.options_mut();
        options.timeout = QUERY_TIMEOUT;
        options.positive_max_ttl = Some(interval);
        options.negative_max_ttl = Some(interval);
        let resolver = builder.build().map_err(|err| DiscoveryError::Resolver {
            reason: err.to_string(),
        })?;
        Ok(Self {
            resolver: Some(resolver),
        })
    }

    /// The gossip addresses `strategy` finds now (none for multicast, which is not a lookup:
    /// its addresses come from beacons).
    pub(crate) async fn run(&self, strategy: &Strategy) -> Result<Vec<SocketAddr>, String> {
        let lookup = async {
            match strategy {
                Strategy::Seed(seed) => seed_addrs(seed).await,
                Strategy::Dns { name, port } => {
                    let ips = self.resolver()?.lookup_ip(name.as_str()).await;
                    let ips = ips.map_err(|err| err.to_string())?;
                    Ok(ips.iter().map(|ip| SocketAddr::new(ip, *port)).collect())
                }
                Strategy::Srv(name) => self.srv(name).await,
                Strategy::Multicast(_) => Ok(Vec::new()),
            }
        };
        match tokio::time::timeout(LOOKUP_TIMEOUT, lookup).await {
            Ok(result) => result,
            Err(_) => Err(format!("no answer within {LOOKUP_TIMEOUT:?}")),
        }
    }

    fn resolver(&self) -> Result<&TokioResolver, String> {
        self.resolver
            .as_ref()
            .ok_or_else(|| "no resolver (not configured for DNS)".to_owned())
    }

    async fn srv(&self, name: &str) -> Result<Vec<SocketAddr>, String> {
        let resolver = self.resolver()?;
        let lookup = resolver
            .srv_lookup(name)
            .await
            .map_err(|err| err.to_string())?;
        let records: Vec<SrvRecord> = lookup
            .answers()
            .iter()
            .filter_map(|record| match &record.data {
                RData::SRV(srv) => Some(SrvRecord {
                    target: srv.target.to_ascii(),
                    port: srv.port,
                }),
                _ => None,
            })
            .collect();
        // Servers usually send the targets' addresses along (the additional section).
        let mut resolved: BTreeMap<String, Vec<IpAddr>> = BTreeMap::new();
        for record in lookup.additionals() {
            let ip = match &record.data {
                RData::A(a) => IpAddr::V4(a.0),
                RData::AAAA(aaaa) => IpAddr::V6(aaaa.0),
                _ => continue,
            };
            resolved
                .entry(dns_key(&record.name.to_ascii()))
                .or_default()
                .push(ip);
        }
        // Look up the others; one that fails leaves its target out.
        let missing: Vec<String> = srv_targets(&records)
            .into_iter()
            .filter(|target| !resolved.contains_key(target))
            .collect();
        let lookups = missing.iter().map(|target| async move {
            let fqdn = format!("{target}.");
            (target, resolver.lookup_ip(fqdn.as_str()).await)
        });
        for (target, result) in futures::future::join_all(lookups).await {
            match result {
                Ok(ips) => {
                    resolved.insert(target.clone(), ips.iter().collect());
                }
                Err(err) => {
                    tracing::debug!(srv = name, %target, %err, "an SRV target did not resolve");
                }
            }
        }
        Ok(srv_addrs(&records, &resolved))
    }
}

/// A seed: an address as is, a `host:port` through the system resolver.
async fn seed_addrs(seed: &str) -> Result<Vec<SocketAddr>, String> {
    if let Ok(addr) = seed.parse::<SocketAddr>() {
        return Ok(vec![addr]);
    }
    tokio::net::lookup_host(seed)
        .await
        .map(Iterator::collect)
        .map_err(|err| err.to_string())
}
