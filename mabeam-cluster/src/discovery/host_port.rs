use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize, Serializer};

use super::DiscoveryError;

/// A host (a DNS name or an IP address) and a port, written `host:port` (`[v6]:port` for an
/// IPv6 address): what `--dns` and the config file's `dns` list take.
///
/// ```
/// use mabeam_cluster::discovery::HostPort;
///
/// let target: HostPort = "mabeam.default.svc.cluster.local:7000".parse()?;
/// assert_eq!((target.host.as_str(), target.port), ("mabeam.default.svc.cluster.local", 7000));
/// let v6: HostPort = "[::1]:7000".parse()?;
/// assert_eq!(v6.host, "::1");
/// assert!("no-port".parse::<HostPort>().is_err());
/// # Ok::<(), mabeam_cluster::discovery::DiscoveryError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
#[non_exhaustive]
pub struct HostPort {
    /// The host: a DNS name or an IP address (without brackets).
    pub host: String,
    /// The port.
    pub port: u16,
}

impl FromStr for HostPort {
    type Err = DiscoveryError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let invalid = || DiscoveryError::InvalidHostPort {
            input: input.to_owned(),
        };
        let (host, port) = match input.strip_prefix('[') {
            Some(rest) => rest.split_once("]:").ok_or_else(invalid)?,
            None => input.rsplit_once(':').ok_or_else(invalid)?,
        };
        let port: u16 = port.parse().map_err(|_| invalid())?;
        if host.is_empty() || (host.contains(':') && !input.starts_with('[')) || port == 0 {
            return Err(invalid());
        }
        Ok(Self {
            host: host.to_owned(),
            port,
        })
    }
}

impl Serialize for HostPort {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl TryFrom<String> for HostPort {
    type Error = DiscoveryError;

    fn try_from(input: String) -> Result<Self, Self::Error> {
        input.parse()
    }
}

impl fmt::Display for HostPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_addresses_parse_and_print_back() {
        for input in ["localhost:7000", "10.0.0.1:1", "[fd00::1]:65535"] {
            let parsed: HostPort = input.parse().unwrap();
            assert_eq!(parsed.to_string(), input);
        }
    }

    #[test]
    fn malformed_inputs_are_refused() {
        for input in [
            "",
            "localhost",
            ":7000",
            "localhost:",
            "localhost:0",
            "localhost:70000",
            "fd00::1:7000",
            "[fd00::1]",
            "[fd00::1]7000",
            "host:port",
        ] {
            assert!(
                matches!(
                    input.parse::<HostPort>(),
                    Err(DiscoveryError::InvalidHostPort { .. })
                ),
                "{input:?} accepted"
            );
        }
    }
}
