//! `mabeam status --admin ADDR` against a running 3-node cluster prints one row per member
//! with its status, generation, heartbeat round trip, CPU, memory, agents and backlog, then the
//! transport sessions and the overall health.
#[path = "support/cluster.rs"]
mod support;

use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_prints_a_row_per_member_and_the_health() {
    let (cluster, _) = Cluster::start_converged(3).await;
    // Wait for a full health report (every node's metrics and round trips) before printing.
    let admin = cluster.nodes[0].admin;
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let ready = mabeam_cluster::admin::fetch_health(admin)
            .await
            .is_ok_and(|h| {
                h.nodes.len() == 3
                    && h.nodes.iter().all(|n| n.metrics.is_some())
                    && h.nodes.iter().filter(|n| n.rtt_micros.is_some()).count() == 2
            });
        if ready {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no full health report"
        );
        tokio::time::sleep(std::time::Duration::from_millis(GOSSIP_MS)).await;
    }

    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_mabeam"))
        .args(["status", "--admin", &admin.to_string()])
        .output()
        .await
        .expect("run mabeam status");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "membership as seen by n0:", "{stdout}");
    for column in [
        "NODE",
        "STATUS",
        "GENERATION",
        "RTT",
        "CPU%",
        "RSS",
        "AGENTS",
        "BACKLOG",
    ] {
        assert!(lines[1].contains(column), "{stdout}");
    }
    for (row, name) in lines[2..5].iter().zip(["n0", "n1", "n2"]) {
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cells[0], name, "{stdout}");
        assert_eq!(cells[1], "up", "{stdout}");
        // The reporting node has no round trip to itself; its peers do.
        assert_eq!(cells[4] == "-", name == "n0", "{stdout}");
        assert!(
            cells[7].parse::<u64>().is_ok_and(|agents| agents >= 2),
            "{stdout}"
        );
    }
    assert!(stdout.contains("transport sessions: n1, n2"), "{stdout}");
    assert!(stdout.contains("health: "), "{stdout}");
}
