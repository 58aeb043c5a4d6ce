//! `mabeam node --config FILE` takes its settings from a TOML file; `MABEAM_*` environment
//! variables beat the file and flags beat both, and what no layer sets keeps its default. A
//! file with an unknown key is a clear error.
#[path = "support/cluster.rs"]
mod support;

use std::net::{TcpListener, UdpSocket};
use std::process::Stdio;

use mabeam_cluster::admin::fetch_membership;
use support::PATIENCE;
use tokio::process::Command;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flag_beats_the_environment_which_beats_the_file_which_beats_the_default() {
    let gossip = UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let admin = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let dir = std::env::temp_dir().join(format!("mabeam-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("node.toml");
    std::fs::write(
        &file,
        format!(
            "name = \"from-file\"\ngossip = \"{gossip}\"\nadmin = \"{admin}\"\n\
             gossip_interval_ms = 5000\ntags = [\"file\"]\n"
        ),
    )
    .unwrap();
    let _node = Command::new(env!("CARGO_BIN_EXE_mabeam"))
        .args(["node", "--config"])
        .arg(&file)
        .args(["--gossip-interval-ms", "100", "--name", "from-flag"])
        .env("MABEAM_NAME", "from-env")
        .env("MABEAM_TAGS", "env,gpu")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let report = tokio::time::timeout(PATIENCE, async {
        loop {
            if let Ok(report) = fetch_membership(admin).await {
                if !report.members.is_empty() {
                    return report;
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("the node serves on the admin address from the file");
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(report.node, "from-flag", "the flag beats the environment");
    let me = &report.members[0];
    assert_eq!(me.tags, ["env", "gpu"], "the environment beats the file");
    assert_eq!(me.gossip_addr, gossip, "the file beats the default");
}

#[test]
fn an_unknown_key_is_a_clear_error() {
    let dir = std::env::temp_dir().join(format!("mabeam-badconfig-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("node.toml");
    std::fs::write(&file, "nmae = \"typo\"\n").unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_mabeam"))
        .args(["node", "--config"])
        .arg(&file)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("invalid configuration") && stderr.contains("nmae"),
        "{stderr}"
    );
}
