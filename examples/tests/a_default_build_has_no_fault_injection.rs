//! A default build has no fault injection: a crate that depends on mabeam-cluster without
//! asking for its `testkit` feature (this one stands for a user's crate) gets mabeam-cluster
//! without it. mabeam-cluster's own dev-dependency on itself with `testkit`, there for its
//! tests, does not leak into a normal build of a crate that depends on it.
//!
//! Cargo decides which features a build enables, so the test asks cargo: `cargo tree -p
//! PACKAGE -e normal,build` resolves features as `cargo build -p PACKAGE` would (resolver 2,
//! dev-dependencies left out); its `{f}` format shows each package's enabled features. As a
//! control, the same question for mabeam-cluster's own test build (dev edges in) must show
//! `testkit`, so the check does see the feature when a build has it.

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The longest `cargo tree` may take (a safety net: it reads the lockfile, no network).
const PATIENCE: Duration = Duration::from_secs(60);

/// The features cargo enables on mabeam-cluster in a build of `package` that follows
/// dependency edges of the kinds `edges`.
fn cluster_features(package: &str, edges: &str) -> BTreeSet<String> {
    let mut child = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--offline",
            "--prefix",
            "none",
            "--format",
            "{p}|{f}",
        ])
        .args(["--package", package, "--edges", edges])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cargo runs");
    let (mut stdout, mut stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        use std::io::Read;
        let (mut out, mut err) = (String::new(), String::new());
        let _ = stdout.read_to_string(&mut out);
        let _ = stderr.read_to_string(&mut err);
        let _ = tx.send((out, err));
    });
    let Ok((out, err)) = rx.recv_timeout(PATIENCE) else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("`cargo tree -p {package}` did not finish within {PATIENCE:?}");
    };
    let status = child.wait().expect("cargo exits");
    assert!(status.success(), "`cargo tree -p {package}` failed: {err}");
    let features: Vec<BTreeSet<String>> = out
        .lines()
        .filter_map(|line| line.split_once('|'))
        .filter(|(package, _)| package.starts_with("mabeam-cluster "))
        .map(|(_, features)| {
            let features = features.trim_end_matches(" (*)").trim();
            features
                .split(',')
                .filter(|f| !f.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .collect();
    let first = features
        .first()
        .unwrap_or_else(|| panic!("no mabeam-cluster in `cargo tree -p {package}`:\n{out}"))
        .clone();
    // One build of a package has one mabeam-cluster, whichever path reaches it.
    assert!(features.iter().all(|f| *f == first), "{features:?}");
    first
}

#[test]
fn a_crate_depending_on_mabeam_cluster_builds_it_without_the_testkit() {
    let features = cluster_features("mabeam-examples", "normal,build");
    assert!(!features.contains("testkit"), "{features:?}");
}

#[test]
fn mabeam_cluster_s_own_tests_build_it_with_the_testkit() {
    let features = cluster_features("mabeam-cluster", "normal,build,dev");
    assert!(features.contains("testkit"), "{features:?}");
}
