//! Import cycles between modules, found by reading the sources (issue 10: "no import
//! cycles").
//!
//! # Granularity
//! Two modules are compared when they have the same parent: the top-level modules of a
//! crate root (`api`, `auth`, `server` of head office), or siblings inside one folder
//! (`store::catalog` and `store::stock`). A module depends on a sibling when any code
//! inside it (its submodules and function bodies included) names a path into that
//! sibling. A parent using its children, or a child using its parent's own items, is not
//! a cycle; a child using an item its parent only re-exports (`super::X` where the parent
//! has `pub use sibling::X`) depends on that sibling. Unit tests (`#[cfg(test)]` items and
//! modules) are left out: a test may take its data from any module (`till`'s tests use
//! `demo`'s catalog while `demo` builds a till) without the product's modules depending on
//! each other. Integration tests (`tests/`) are crates of their own and are read whole.
//!
//! # What is read
//! Every crate root of every workspace member (`src/lib.rs`, `src/main.rs`, `src/bin/`,
//! `tests/`, `benches/`, `examples/`), following `mod x;` (and `#[path]`) to the files.
//! Paths count when they start with `crate::`, `super::`, `self::`, a child module or a
//! name the module imported; in `use` trees, in code, and in macro arguments (read as
//! tokens). Glob re-exports (`pub use x::*`) are not followed, and a path built by a macro
//! from pieces is not seen.

mod parse;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use parse::ModuleSource;

/// Modules with one parent that use each other in a cycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    /// The crate root, relative to the workspace, e.g. `pos-core/src/lib.rs`.
    pub root: PathBuf,
    /// The parent module's path, empty for the crate root.
    pub parent: Vec<String>,
    /// The siblings in the cycle, sorted.
    pub modules: Vec<String>,
    /// One example reference for every edge between them.
    pub edges: Vec<Edge>,
}

/// `from` uses `to`; `example` is one path that makes it so, in `file`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub file: PathBuf,
    pub example: String,
}

impl fmt::Display for Cycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parent = match self.parent.is_empty() {
            true => String::new(),
            false => format!("{}::", self.parent.join("::")),
        };
        write!(
            f,
            "{}: {parent}{{{}}} use each other:",
            self.root.display(),
            self.modules.join(", ")
        )?;
        for e in &self.edges {
            write!(
                f,
                "\n  {parent}{} -> {parent}{} ({}: `{}`)",
                e.from,
                e.to,
                e.file.display(),
                e.example
            )?;
        }
        Ok(())
    }
}

/// The cycles of every member of the workspace at `workspace`.
pub fn workspace_cycles(workspace: &Path) -> Vec<Cycle> {
    let mut cycles = Vec::new();
    for member in workspace_members(workspace) {
        for root in crate_roots(&workspace.join(&member)) {
            let mut found = root_cycles(&root);
            for cycle in &mut found {
                cycle.root = relative(&cycle.root, workspace);
                for edge in &mut cycle.edges {
                    edge.file = relative(&edge.file, workspace);
                }
            }
            cycles.extend(found);
        }
    }
    cycles
}

/// The `members` of the workspace's Cargo.toml.
pub fn workspace_members(workspace: &Path) -> Vec<String> {
    let path = workspace.join("Cargo.toml");
    let text = read(&path);
    let manifest: toml::Table =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let members = manifest
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(|m| m.as_array())
        .unwrap_or_else(|| panic!("{}: no [workspace] members", path.display()));
    members
        .iter()
        .map(|m| {
            let m = m.as_str().expect("a member is a string");
            assert!(!m.contains('*'), "member globs are not read: {m}");
            m.to_owned()
        })
        .collect()
}

/// Every crate root of the package in `dir`: library, binaries, tests, benches, examples.
pub fn crate_roots(dir: &Path) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = ["src/lib.rs", "src/main.rs"]
        .iter()
        .map(|r| dir.join(r))
        .filter(|p| p.is_file())
        .collect();
    for folder in ["src/bin", "tests", "benches", "examples"] {
        let Ok(entries) = std::fs::read_dir(dir.join(folder)) else {
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .map(|e| e.expect("a folder entry").path())
            .filter_map(|p| match p.is_dir() {
                true => Some(p.join("main.rs")).filter(|m| m.is_file()),
                false => Some(p).filter(|p| p.extension().is_some_and(|e| e == "rs")),
            })
            .collect();
        found.sort();
        roots.extend(found);
    }
    roots
}

/// The cycles among siblings in the crate whose root file is `root`.
pub fn root_cycles(root: &Path) -> Vec<Cycle> {
    let modules = parse::module_tree(root);
    let tree = Tree::new(&modules);
    // Per parent module: the first reference found for each (from, to).
    let mut edges: BTreeMap<Vec<String>, BTreeMap<(String, String), Edge>> = BTreeMap::new();
    for module in &modules {
        for raw in &module.refs {
            let Some(target) = tree.resolve(&module.path, &raw.segments) else {
                continue;
            };
            let target = tree.follow_reexports(target);
            if let Some((parent, from, to)) = tree.sibling_edge(&module.path, &target) {
                edges
                    .entry(parent)
                    .or_default()
                    .entry((from.clone(), to.clone()))
                    .or_insert_with(|| Edge {
                        from,
                        to,
                        file: module.file.clone(),
                        example: raw.segments.join("::"),
                    });
            }
        }
    }
    let mut cycles = Vec::new();
    for (parent, parent_edges) in edges {
        let graph: BTreeMap<&str, BTreeSet<&str>> =
            parent_edges
                .keys()
                .fold(BTreeMap::new(), |mut graph, (from, to)| {
                    graph.entry(from.as_str()).or_default().insert(to.as_str());
                    graph
                });
        for component in strongly_connected(&graph) {
            if component.len() < 2 {
                continue;
            }
            let edges = parent_edges
                .values()
                .filter(|e| component.contains(&e.from) && component.contains(&e.to))
                .cloned()
                .collect();
            cycles.push(Cycle {
                root: root.to_path_buf(),
                parent: parent.clone(),
                modules: component.into_iter().collect(),
                edges,
            });
        }
    }
    cycles
}

/// The modules by path, to resolve references against.
struct Tree<'a> {
    modules: BTreeMap<&'a [String], &'a ModuleSource>,
}

impl<'a> Tree<'a> {
    fn new(modules: &'a [ModuleSource]) -> Tree<'a> {
        Tree {
            modules: modules.iter().map(|m| (m.path.as_slice(), m)).collect(),
        }
    }

    fn is_module(&self, path: &[String]) -> bool {
        self.modules.contains_key(path)
    }

    /// The absolute path (from the crate root) that `segments`, written in `module`,
    /// names; `None` for other crates, `std`, locals and `Self`.
    fn resolve(&self, module: &[String], segments: &[String]) -> Option<Vec<String>> {
        self.resolve_within(module, segments, 8)
    }

    /// `resolve`, following at most `imports_left` imports (`use serde_json;` names itself).
    fn resolve_within(
        &self,
        module: &[String],
        segments: &[String],
        imports_left: usize,
    ) -> Option<Vec<String>> {
        let first = segments.first()?;
        match first.as_str() {
            "crate" => Some(segments[1..].to_vec()),
            "self" => Some([module, &segments[1..]].concat()),
            "super" => {
                let supers = segments.iter().take_while(|s| *s == "super").count();
                let base = module.len().checked_sub(supers)?;
                Some([&module[..base], &segments[supers..]].concat())
            }
            _ => {
                let source = self.modules.get(module)?;
                if source.children.contains(first) {
                    return Some([module, segments].concat());
                }
                let imported = source.imports.get(first)?;
                let imported =
                    self.resolve_within(module, imported, imports_left.checked_sub(1)?)?;
                Some([imported.as_slice(), &segments[1..]].concat())
            }
        }
    }

    /// Replaces a name a module only imports (`pub use x::Y`) by where it comes from.
    fn follow_reexports(&self, mut target: Vec<String>) -> Vec<String> {
        // A bound, in case of imports that name each other.
        for _ in 0..16 {
            let Some(depth) = (0..=target.len())
                .rev()
                .find(|&d| self.is_module(&target[..d]))
            else {
                return target;
            };
            if depth == target.len() {
                return target;
            }
            let module = &target[..depth];
            let Some(imported) = self.modules[module].imports.get(&target[depth]) else {
                return target;
            };
            let Some(source) = self.resolve(module, imported) else {
                return target;
            };
            target = [source.as_slice(), &target[depth + 1..]].concat();
        }
        target
    }

    /// `(parent, from, to)` when `module` referring to `target` is one sibling using
    /// another.
    fn sibling_edge(
        &self,
        module: &[String],
        target: &[String],
    ) -> Option<(Vec<String>, String, String)> {
        let common = module
            .iter()
            .zip(target)
            .take_while(|(a, b)| a == b)
            .count();
        let from = module.get(common)?;
        let to = target.get(common)?;
        let parent = &module[..common];
        let to_is_module = self.is_module(&[parent, std::slice::from_ref(to)].concat());
        to_is_module.then(|| (parent.to_vec(), from.clone(), to.clone()))
    }
}

/// Tarjan's strongly connected components, each sorted.
fn strongly_connected<'a>(graph: &BTreeMap<&'a str, BTreeSet<&'a str>>) -> Vec<BTreeSet<String>> {
    struct State<'a, 'g> {
        graph: &'g BTreeMap<&'a str, BTreeSet<&'a str>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        components: Vec<BTreeSet<String>>,
    }
    fn visit<'a>(s: &mut State<'a, '_>, node: &'a str) {
        let n = s.index.len();
        s.index.insert(node, n);
        s.low.insert(node, n);
        s.stack.push(node);
        s.on_stack.insert(node);
        let graph = s.graph;
        for &next in graph.get(node).into_iter().flatten() {
            if !s.index.contains_key(next) {
                visit(s, next);
                let low = s.low[node].min(s.low[next]);
                s.low.insert(node, low);
            } else if s.on_stack.contains(next) {
                let low = s.low[node].min(s.index[next]);
                s.low.insert(node, low);
            }
        }
        if s.low[node] == s.index[node] {
            let mut component = BTreeSet::new();
            while let Some(top) = s.stack.pop() {
                s.on_stack.remove(top);
                component.insert(top.to_owned());
                if top == node {
                    break;
                }
            }
            s.components.push(component);
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        components: Vec::new(),
    };
    for &node in graph.keys() {
        if !state.index.contains_key(node) {
            visit(&mut state, node);
        }
    }
    state.components
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn relative(path: &Path, base: &Path) -> PathBuf {
    path.strip_prefix(base).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests;
