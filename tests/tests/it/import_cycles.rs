//! No crate of the workspace has an import cycle: no two modules with the same parent
//! (top-level modules, or siblings in one folder) use each other, directly or around a
//! loop. `tests::module_graph` says what counts.

use std::path::Path;

use tests::module_graph::{workspace_cycles, workspace_members};

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the workspace")
}

#[test]
fn no_crate_has_an_import_cycle() {
    // Every member is read: a member the reader skipped would pass unseen.
    let members = workspace_members(workspace());
    for expected in ["pos-core", "head-office", "pos-app", "tests"] {
        assert!(members.iter().any(|m| m == expected), "{members:?}");
    }
    let cycles = workspace_cycles(workspace());
    let report: Vec<String> = cycles.iter().map(ToString::to_string).collect();
    assert!(
        cycles.is_empty(),
        "{} import cycle(s); move what both sides need to where both can use it, in one direction:\n{}",
        cycles.len(),
        report.join("\n")
    );
}
