use std::net::SocketAddr;

use clap::{ArgMatches, Args, Command, FromArgMatches};

use super::*;
use crate::tls::TlsError;
use crate::{MulticastConfig, Node, NodeError};

/// The matches of `mabeam node`-like flags, with the environment left out (so that `MABEAM_*`
/// variables of whoever runs the tests change nothing; the environment layer is tested through
/// the binary, in `tests/a_node_reads_its_settings_from_a_config_file.rs`).
fn flags(args: &[&str]) -> ArgMatches {
    Config::augment_args(Command::new("node"))
        .mut_args(|arg| arg.env(None))
        .try_get_matches_from(std::iter::once("node").chain(args.iter().copied()))
        .expect("valid flags")
}

fn parsed(args: &[&str]) -> Config {
    Config::from_arg_matches(&flags(args)).unwrap()
}

#[test]
fn the_defaults_are_declared_once_for_the_type_the_file_and_the_flags() {
    let defaults = Config::default();
    assert_eq!(Config::from_toml("").unwrap(), defaults);
    assert_eq!(parsed(&[]), defaults);
    // The builder's defaults from before there was one config type.
    assert_eq!(defaults.name, None);
    assert_eq!(defaults.cluster_id, "mabeam");
    assert_eq!(defaults.gossip, SocketAddr::from(([127, 0, 0, 1], 7000)));
    assert_eq!(defaults.gossip_interval_ms, 1000);
    assert_eq!(defaults.phi, 8.0);
    assert_eq!(defaults.down_after(), defaults.gossip_interval() * 10);
    assert_eq!(defaults.cookie.expose(), "mabeam");
    assert_eq!(defaults.discovery_interval_ms, 5000);
    assert_eq!(defaults.idle_timeout().as_secs(), 15 * 60);
    assert!(defaults.seeds.is_empty() && defaults.admin.is_none() && defaults.listen.is_none());
    assert!(defaults.multicast_config().is_none());
}

#[test]
fn unknown_or_mistyped_keys_are_errors() {
    assert!(Config::from_toml("nmae = \"typo\"").is_err());
    assert!(Config::from_toml("gossip = \"not an address\"").is_err());
    assert!(Config::from_toml("phi = \"eight\"").is_err());
}

#[test]
fn a_flag_beats_the_file_and_the_file_beats_the_default() {
    let file = Config::from_toml("name = \"a\"\ngossip_interval_ms = 5000\nphi = 9.0").unwrap();
    let merged = file
        .overridden_by(&flags(&["--phi", "12", "--cookie", "c"]))
        .unwrap();
    assert_eq!(merged.phi, 12.0, "the flag");
    assert_eq!(merged.cookie.expose(), "c", "the flag");
    assert_eq!(merged.name.as_deref(), Some("a"), "the file");
    assert_eq!(
        merged.gossip_interval_ms, 5000,
        "the file, not the flag's default"
    );
    assert_eq!(merged.cluster_id, "mabeam", "the default");
}

#[test]
fn lists_on_the_command_line_replace_the_file_s_lists() {
    let file = Config::from_toml("seeds = [\"x:1\"]\ntags = [\"gpu\"]").unwrap();
    let merged = file
        .overridden_by(&flags(&["--seed", "y:2", "--seed", "z:3"]))
        .unwrap();
    assert_eq!(merged.seeds, ["y:2", "z:3"]);
    assert_eq!(merged.tags, ["gpu"], "no --tag: the file's tags stay");
}

fn cert(file: &str) -> String {
    format!("{}/tests/certs/{file}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn tls_is_off_without_tls_keys_and_loaded_with_them() {
    assert!(Config::default().tls().unwrap().is_none());
    let config = Config::from_toml(&format!(
        "tls_cert = \"{}\"\ntls_key = \"{}\"\ntls_ca = \"{}\"\ntls_server_name = \"mabeam\"",
        cert("node-a.pem"),
        cert("node-a.key"),
        cert("ca.pem"),
    ))
    .unwrap();
    let tls = config.tls().unwrap().expect("TLS is on");
    assert_eq!(tls.server_name(), "mabeam");
}

#[tokio::test]
async fn incomplete_tls_settings_are_an_error_not_plain_tcp() {
    let config = Config {
        name: Some("n".to_owned()),
        tls_cert: Some(cert("node-a.pem").into()),
        tls_key: Some(cert("node-a.key").into()),
        ..Config::default()
    };
    assert!(matches!(config.tls(), Err(TlsError::Missing(_))));
    match Node::builder_with(config).start().await {
        Err(NodeError::Tls(TlsError::Missing(_))) => {}
        Err(other) => panic!("expected a TLS error, got {other:?}"),
        Ok(node) => {
            node.shutdown().await;
            panic!("the node started without TLS");
        }
    }
}

#[test]
fn discovery_settings_parse_and_merge() {
    let file = Config::from_toml(
        r#"
        dns = ["localhost:7000", "[::1]:7001"]
        srv = ["_mabeam._udp.example"]
        multicast_group = "239.1.2.3:4000"
        multicast_secret = "from-file"
        multicast_interface = "10.0.0.7"
        multicast_ttl = 2
        discovery_interval_ms = 250
        "#,
    )
    .unwrap();
    assert_eq!(file.dns[1].host, "::1");
    let merged = file
        .overridden_by(&flags(&["--multicast-secret", "from-flag"]))
        .unwrap();
    assert_eq!(
        merged.multicast_secret.as_ref().map(Secret::expose),
        Some("from-flag")
    );
    assert_eq!(merged.dns.len(), 2, "HostPort survives the layering");
    let config = merged
        .multicast_config()
        .expect("a group turns multicast on");
    assert_eq!(config.group_addr(), "239.1.2.3:4000".parse().unwrap());
    assert_eq!(merged.discovery_interval_ms, 250);
    assert_eq!(merged.discovery().len(), 4, "2 dns, 1 srv, multicast");
}

#[test]
fn multicast_is_off_unless_asked_for_and_a_bad_dns_target_is_an_error() {
    let secret_only = Config::from_toml("multicast_secret = \"s\"").unwrap();
    assert!(secret_only.multicast_config().is_none());
    let on = Config::from_toml("multicast = true").unwrap();
    assert_eq!(
        on.multicast_config().unwrap().group_addr(),
        MulticastConfig::DEFAULT_GROUP
    );
    assert!(Config::from_toml("dns = [\"localhost\"]").is_err());
    assert!(Config::from_toml("multicast_group = \"10.0.0.1\"").is_err());
}

#[test]
fn multicast_without_a_group_is_the_default_group_and_with_one_that_group() {
    let flag = parsed(&["--multicast"]);
    assert_eq!(flag.multicast_group, Some(MulticastConfig::DEFAULT_GROUP));
    let group = parsed(&["--multicast", "239.1.2.3:4000", "--name", "n"]);
    assert_eq!(
        group.multicast_group,
        Some("239.1.2.3:4000".parse().unwrap())
    );
    assert_eq!(group.name.as_deref(), Some("n"));
}

#[test]
fn secrets_are_not_in_debug_output() {
    let config = parsed(&["--cookie", "c00kie", "--multicast-secret", "s3cret"]);
    let shown = format!("{config:?}");
    assert!(
        !shown.contains("c00kie") && !shown.contains("s3cret"),
        "{shown}"
    );
    assert!(shown.contains("<redacted>"), "{shown}");
}
