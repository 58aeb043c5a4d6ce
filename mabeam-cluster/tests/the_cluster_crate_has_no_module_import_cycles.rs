//! The modules of `mabeam-cluster` depend on each other in one direction only: the views and
//! the wire at the bottom, then hosting, placement, the locator, the gateway, the kernel, the
//! services, and the node on top. A `use crate::x` (or a path `crate::x::..`, or a root
//! re-export of one of `x`'s items) from module `m` is an edge `m -> x`; the graph must have
//! no cycle. Test code (`#[cfg(test)]` modules, `tests.rs` files) and doc comments don't count.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without comments and without its `#[cfg(test)]` part.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Identifiers (`[A-Za-z_][A-Za-z0-9_]*`) in `text`, in order.
fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect()
}

/// The crate-root names re-exported from each module (`pub use module::{A, B}` in lib.rs).
fn root_exports(lib: &str) -> BTreeMap<String, String> {
    let mut exports = BTreeMap::new();
    for statement in code(lib).split(';') {
        let statement = statement.trim();
        let Some(rest) = statement.strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, items)) = rest.split_once("::") else {
            continue;
        };
        for item in words(items) {
            if item.starts_with(|c: char| c.is_ascii_uppercase()) {
                exports.insert(item.to_owned(), module.to_owned());
            }
        }
    }
    exports
}

/// The top-level modules each file of `src` uses: `crate::x` and `crate::{x, ..}` paths, and
/// root re-exports (`crate::Name`).
fn edges(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let exports = root_exports(&std::fs::read_to_string(src.join("lib.rs")).expect("lib.rs"));
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(src).expect("under src");
        let first = relative.components().next().expect("a path");
        let module = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        if ["lib", "prelude", "bin"].contains(&module.as_str())
            || relative.file_name().is_some_and(|f| f == "tests.rs")
        {
            continue;
        }
        let text = code(&std::fs::read_to_string(&file).expect("a source file"));
        let deps = graph.entry(module.clone()).or_default();
        for (at, _) in text.match_indices("crate::") {
            let after = &text[at + "crate::".len()..];
            let named: Vec<&str> = match after.strip_prefix('{') {
                Some(group) => words(group.split('}').next().unwrap_or_default()),
                None => words(after).into_iter().take(1).collect(),
            };
            for name in named {
                let target = exports
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| name.to_owned());
                if target != module {
                    deps.insert(target);
                }
            }
        }
    }
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for deps in graph.values_mut() {
        deps.retain(|d| modules.contains(d));
    }
    graph
}

/// A cycle in `graph`, if it has one.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut found = path[at..].to_vec();
            found.push(node.to_owned());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_module_of_the_cluster_crate_depends_on_itself_through_others() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = edges(&src);
    assert!(graph.contains_key("kernel") && graph["services"].contains("kernel"));
    if let Some(found) = cycle(&graph) {
        panic!(
            "module import cycle: {}\nall edges: {graph:#?}",
            found.join(" -> ")
        );
    }
}

#[test]
fn the_checker_finds_a_cycle_when_there_is_one() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    graph.entry("a".into()).or_default().insert("b".into());
    graph.entry("b".into()).or_default().insert("c".into());
    graph.entry("c".into()).or_default();
    assert_eq!(cycle(&graph), None);
    graph.entry("c".into()).or_default().insert("a".into());
    assert_eq!(
        cycle(&graph).map(|c| c.join(" -> ")),
        Some("a -> b -> c -> a".to_owned())
    );
}
