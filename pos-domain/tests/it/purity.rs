//! The domain stays pure by a crate boundary, not by habit: no SQLite, no async runtime,
//! no HTTP, no random source among its dependencies, and no clock, file or network
//! access in its source.

use std::path::Path;
use std::process::Command;

/// Crates the domain must not depend on, directly or through another crate.
const FORBIDDEN_CRATES: [&str; 9] = [
    "rusqlite",
    "libsqlite3-sys",
    "tokio",
    "reqwest",
    "hyper",
    "axum",
    "rand",
    "getrandom",
    "postgres",
];

/// Calls that read a clock, a random source, the environment, a file or the network.
const FORBIDDEN_CALLS: [&str; 15] = [
    "OsRng",
    "SaltString::generate",
    "rand_core::",
    "Utc::now",
    "Local::now",
    "SystemTime",
    "Instant::now",
    "now_v7",
    "new_v4",
    "std::fs",
    "std::net",
    "std::env",
    "File::open",
    "File::create",
    "thread_rng",
];

fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

/// Crate names in `cargo tree -p pos-domain -e normal`.
fn normal_dependencies() -> Vec<String> {
    let out = Command::new(env!("CARGO"))
        .current_dir(workspace_root())
        .args([
            "tree",
            "-p",
            "pos-domain",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--format",
            "{p}",
            "--offline",
        ])
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_domain_depends_on_no_database_runtime_http_or_random_crate() {
    let deps = normal_dependencies();
    assert!(
        deps.iter().any(|d| d == "rust_decimal"),
        "cargo tree lists the domain's dependencies: {deps:?}"
    );
    let found: Vec<&String> = deps
        .iter()
        .filter(|d| FORBIDDEN_CRATES.contains(&d.as_str()))
        .collect();
    assert!(found.is_empty(), "pos-domain depends on {found:?}");
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_domain_reads_no_clock_random_source_file_or_network() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(files.len() > 10, "the walk finds the domain's files");
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        // A file's own unit tests (its last item, `#[cfg(test)] mod tests`) may build ids
        // and times the quick way; everything before them is checked.
        let code = text
            .split("#[cfg(test)]\nmod tests")
            .next()
            .unwrap_or_default();
        for call in FORBIDDEN_CALLS {
            if code.contains(call) {
                found.push(format!("{}: {call}", file.display()));
            }
        }
    }
    assert!(found.is_empty(), "impure calls in pos-domain: {found:#?}");
}
