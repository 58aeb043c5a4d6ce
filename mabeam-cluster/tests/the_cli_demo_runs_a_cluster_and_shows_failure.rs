//! `mabeam demo` (the README's cluster command) starts three nodes, shows them converge, kills
//! one and shows it down, lets another leave and shows it removed, and exits cleanly;
//! `mabeam status` against a dead address is a clear error, not a hang.

use std::process::Command;

#[test]
fn the_demo_shows_convergence_failure_and_a_graceful_leave() {
    let output = Command::new(env!("CARGO_BIN_EXE_mabeam"))
        .arg("demo")
        .output()
        .expect("run mabeam demo");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "demo failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The text of one `== ...` section, up to the next one.
    let after = |marker: &str| {
        let rest = stdout.split(marker).nth(1).unwrap_or_default();
        rest.split("\n==").next().unwrap_or_default().to_owned()
    };
    let converged = after("== converged");
    assert_eq!(converged.matches(" up ").count(), 3, "{stdout}");
    let killed = after("== kill -9 n2");
    assert!(
        killed
            .lines()
            .any(|l| l.contains("n2") && l.contains("down")),
        "{stdout}"
    );
    let left = after("== n1 leaves gracefully");
    assert!(
        left.lines()
            .any(|l| l.contains("n1") && l.contains("removed")),
        "{stdout}"
    );
}

#[test]
fn status_against_a_dead_address_is_a_clear_error() {
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_mabeam"))
        .args(["status", "--admin", &addr.to_string()])
        .output()
        .expect("run mabeam status");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot reach the admin endpoint"),
        "{stderr}"
    );
}
