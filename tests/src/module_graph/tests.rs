use super::*;

/// A crate in a temporary folder from `(path, text)` pairs; returns it and its root file.
fn crate_with(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("create the folder");
        std::fs::write(&path, text).expect("write the file");
    }
    let root = dir.path().join("src/lib.rs");
    (dir, root)
}

fn described(cycles: &[Cycle]) -> Vec<String> {
    cycles
        .iter()
        .map(|c| {
            let edges: Vec<String> = c
                .edges
                .iter()
                .map(|e| format!("{}->{}", e.from, e.to))
                .collect();
            format!("[{}] {}", c.parent.join("::"), edges.join(" "))
        })
        .collect()
}

#[test]
fn top_level_modules_using_each_other_are_a_cycle() {
    let (_dir, root) = crate_with(&[
        ("src/lib.rs", "pub mod api;\npub mod server;\nmod alone;\n"),
        (
            "src/api.rs",
            "use crate::server::AppState;\npub fn handler(_: AppState) {}\n",
        ),
        (
            "src/server.rs",
            "pub struct AppState;\npub fn routes() { crate::api::handler(AppState) }\n",
        ),
        (
            "src/alone.rs",
            "pub fn f() { crate::api::handler(crate::server::AppState) }\n",
        ),
    ]);
    let cycles = root_cycles(&root);
    assert_eq!(described(&cycles), ["[] api->server server->api"]);
    let text = cycles[0].to_string();
    assert!(text.contains("{api, server} use each other"), "{text}");
    assert!(text.contains("`crate::server::AppState`"), "{text}");
}

#[test]
fn siblings_in_a_folder_using_each_other_through_super_are_a_cycle() {
    let (_dir, root) = crate_with(&[
        ("src/lib.rs", "mod store;\n"),
        (
            "src/store/mod.rs",
            "mod catalog;\nmod stock;\npub struct Store;\n",
        ),
        (
            "src/store/catalog.rs",
            "use super::Store;\nuse super::stock::{self, set_serial};\n",
        ),
        (
            "src/store/stock.rs",
            "pub fn set_serial() {}\nfn f() { let _ = super::catalog::COLUMNS; }\n",
        ),
    ]);
    assert_eq!(
        described(&root_cycles(&root)),
        ["[store] catalog->stock stock->catalog"]
    );
}

#[test]
fn parents_and_children_using_each_other_are_not_a_cycle() {
    let (_dir, root) = crate_with(&[
        (
            "src/lib.rs",
            "mod store;\npub struct Money;\nfn f() { store::open(); }\n",
        ),
        (
            "src/store/mod.rs",
            "mod catalog;\npub fn open() { catalog::load(); }\npub struct Store(crate::Money);\n",
        ),
        (
            "src/store/catalog.rs",
            "use super::Store;\npub fn load() {}\n#[cfg(test)]\nmod tests { use super::*; }\n",
        ),
    ]);
    assert_eq!(described(&root_cycles(&root)), Vec::<String>::new());
}

#[test]
fn an_item_the_parent_reexports_counts_as_its_sibling() {
    let (_dir, root) = crate_with(&[
        (
            "src/lib.rs",
            "mod error;\nmod store;\npub use error::StoreError;\n",
        ),
        (
            "src/error.rs",
            "pub struct StoreError(crate::store::Store);\n",
        ),
        (
            "src/store.rs",
            "pub struct Store;\npub fn f() -> Option<super::StoreError> { None }\n",
        ),
    ]);
    assert_eq!(
        described(&root_cycles(&root)),
        ["[] error->store store->error"]
    );
}

#[test]
fn paths_in_macros_submodules_and_path_attributes_count() {
    let (_dir, root) = crate_with(&[
        (
            "src/lib.rs",
            "mod a;\nmod b;\nmacro_rules! m { () => { $crate::a::f() } }\n",
        ),
        (
            "src/a.rs",
            "pub fn f() {}\n#[path = \"a_helpers.rs\"]\nmod helpers;\n",
        ),
        ("src/a_helpers.rs", "fn h() { super::super::b::g(); }\n"),
        (
            "src/b.rs",
            "pub fn g() { assert!(matches!(Some(1), Some(_)), \"{:?}\", crate::a::f()); }\n",
        ),
    ]);
    assert_eq!(described(&root_cycles(&root)), ["[] a->b b->a"]);
}

#[test]
fn unit_tests_may_use_any_module() {
    let (_dir, root) = crate_with(&[
        ("src/lib.rs", "mod demo;\nmod till;\n"),
        (
            "src/demo.rs",
            "pub fn catalog() {}\nfn f() { crate::till::open(); }\n",
        ),
        (
            "src/till/mod.rs",
            "pub fn open() {}\n#[cfg(test)]\nmod tests;\n#[cfg(all(test, unix))]\nfn g() { crate::demo::catalog(); }\nstruct T;\nimpl T {\n    #[cfg(test)]\n    fn h() { crate::demo::catalog(); }\n}\n",
        ),
        ("src/till/tests.rs", "use crate::demo::catalog;\n"),
    ]);
    assert_eq!(described(&root_cycles(&root)), Vec::<String>::new());
    // The same use outside a test is a cycle.
    let (_dir, root) = crate_with(&[
        ("src/lib.rs", "mod demo;\nmod till;\n"),
        (
            "src/demo.rs",
            "pub fn catalog() {}\nfn f() { crate::till::open(); }\n",
        ),
        (
            "src/till/mod.rs",
            "pub fn open() {}\n#[cfg(not(test))]\nmod tests;\n",
        ),
        ("src/till/tests.rs", "use crate::demo::catalog;\n"),
    ]);
    assert_eq!(described(&root_cycles(&root)), ["[] demo->till till->demo"]);
}

#[test]
fn a_missing_module_file_is_named() {
    let (_dir, root) = crate_with(&[("src/lib.rs", "mod gone;\n")]);
    let panic = std::panic::catch_unwind(|| root_cycles(&root)).expect_err("no file for `gone`");
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.contains("`mod gone;`"), "{message}");
}

#[test]
fn every_kind_of_crate_root_is_read() {
    let (dir, _) = crate_with(&[
        ("src/lib.rs", ""),
        ("src/main.rs", ""),
        ("src/bin/tool.rs", ""),
        ("tests/it/main.rs", ""),
        ("tests/it/helpers.rs", ""),
        ("tests/old.rs", ""),
        ("benches/speed.rs", ""),
    ]);
    let roots: Vec<PathBuf> = crate_roots(dir.path())
        .iter()
        .map(|r| relative(r, dir.path()))
        .collect();
    let expected: Vec<PathBuf> = [
        "src/lib.rs",
        "src/main.rs",
        "src/bin/tool.rs",
        "tests/it/main.rs",
        "tests/old.rs",
        "benches/speed.rs",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    assert_eq!(roots, expected);
}
