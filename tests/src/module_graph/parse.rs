//! Reading a crate's modules with `syn`: the module tree, each module's imports, and
//! every path it writes that may lead into the crate.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};
use syn::punctuated::Punctuated;
use syn::visit::Visit;
use syn::{Attribute, Item, ItemMod, Meta, Token, UseTree};

/// One module as written: where, its child modules, what it imports and references.
#[derive(Debug)]
pub struct ModuleSource {
    /// From the crate root, e.g. `["store", "catalog"]`.
    pub path: Vec<String>,
    pub file: PathBuf,
    pub children: BTreeSet<String>,
    /// Names a `use` at the module's top level binds, and the path it was given.
    pub imports: BTreeMap<String, Vec<String>>,
    pub refs: Vec<RawRef>,
}

/// A path as written, unresolved: `super::stock::set_serial`.
#[derive(Debug, Clone)]
pub struct RawRef {
    pub segments: Vec<String>,
}

/// Every module of the crate whose root file is `root`, submodules and inline ones too.
pub fn module_tree(root: &Path) -> Vec<ModuleSource> {
    let mut out = Vec::new();
    let dir = root.parent().expect("a root file has a folder");
    load_file(root, Vec::new(), dir, &mut out);
    out
}

fn load_file(file: &Path, path: Vec<String>, child_dir: &Path, out: &mut Vec<ModuleSource>) {
    let text = super::read(file);
    let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    // A file that is all `#![cfg(test)]` still names a module, but nothing in it counts.
    let items = match test_only(&parsed.attrs) {
        true => &[][..],
        false => &parsed.items[..],
    };
    load_items(items, path, file, child_dir, out);
}

fn load_items(
    items: &[Item],
    path: Vec<String>,
    file: &Path,
    child_dir: &Path,
    out: &mut Vec<ModuleSource>,
) {
    let mut module = ModuleSource {
        path,
        file: file.to_path_buf(),
        children: BTreeSet::new(),
        imports: BTreeMap::new(),
        refs: Vec::new(),
    };
    for item in items.iter().filter(|item| !test_only(item_attrs(item))) {
        match item {
            Item::Mod(child) => {
                module.children.insert(child.ident.to_string());
                load_child(child, &module.path, file, child_dir, out);
            }
            Item::Use(u) => {
                for (segments, name) in use_leaves(&u.tree) {
                    if let Some(name) = name {
                        module.imports.insert(name, segments.clone());
                    }
                    module.refs.push(RawRef { segments });
                }
            }
            other => {
                let mut paths = PathCollector::default();
                paths.visit_item(other);
                module.refs.extend(paths.refs);
            }
        }
    }
    out.push(module);
}

fn load_child(
    child: &ItemMod,
    parent: &[String],
    file: &Path,
    child_dir: &Path,
    out: &mut Vec<ModuleSource>,
) {
    let name = child.ident.to_string();
    let path = [parent, std::slice::from_ref(&name)].concat();
    if let Some((_, items)) = &child.content {
        return load_items(items, path, file, &child_dir.join(&name), out);
    }
    // `#[path = "x.rs"]` is relative to the folder of the file that declares it.
    if let Some(custom) = path_attribute(child) {
        let target = file.parent().expect("a file has a folder").join(custom);
        let dir = target.parent().expect("a file has a folder").to_path_buf();
        return load_file(&target, path, &dir, out);
    }
    let flat = child_dir.join(format!("{name}.rs"));
    let nested = child_dir.join(&name).join("mod.rs");
    let target = match (flat.is_file(), nested.is_file()) {
        (true, _) => flat,
        (false, true) => nested,
        (false, false) => panic!(
            "{}: `mod {name};` has neither {} nor {}",
            file.display(),
            flat.display(),
            nested.display()
        ),
    };
    load_file(&target, path, &child_dir.join(&name), out);
}

fn path_attribute(module: &ItemMod) -> Option<String> {
    module.attrs.iter().find_map(|attr| {
        let syn::Meta::NameValue(nv) = &attr.meta else {
            return None;
        };
        if !nv.path.is_ident("path") {
            return None;
        }
        match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        }
    })
}

/// Whether `attrs` hold a `#[cfg(...)]` that needs `test`: unit tests may use any module
/// to set up their data without the modules depending on each other.
fn test_only(attrs: &[Attribute]) -> bool {
    fn needs_test(predicate: &Meta) -> bool {
        match predicate {
            Meta::Path(p) => p.is_ident("test"),
            Meta::List(list) if list.path.is_ident("all") => list
                .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
                .is_ok_and(|all| all.iter().any(needs_test)),
            _ => false,
        }
    }
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg") && attr.parse_args::<Meta>().is_ok_and(|p| needs_test(&p))
    })
}

fn item_attrs(item: &Item) -> &[Attribute] {
    match item {
        Item::Const(i) => &i.attrs,
        Item::Enum(i) => &i.attrs,
        Item::ExternCrate(i) => &i.attrs,
        Item::Fn(i) => &i.attrs,
        Item::ForeignMod(i) => &i.attrs,
        Item::Impl(i) => &i.attrs,
        Item::Macro(i) => &i.attrs,
        Item::Mod(i) => &i.attrs,
        Item::Static(i) => &i.attrs,
        Item::Struct(i) => &i.attrs,
        Item::Trait(i) => &i.attrs,
        Item::TraitAlias(i) => &i.attrs,
        Item::Type(i) => &i.attrs,
        Item::Union(i) => &i.attrs,
        Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

/// Each path a `use` tree names, with the name it binds (none for a glob).
fn use_leaves(tree: &UseTree) -> Vec<(Vec<String>, Option<String>)> {
    fn walk(
        tree: &UseTree,
        prefix: &mut Vec<String>,
        out: &mut Vec<(Vec<String>, Option<String>)>,
    ) {
        match tree {
            UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                walk(&p.tree, prefix, out);
                prefix.pop();
            }
            UseTree::Name(n) => {
                let (segments, name) = leaf(prefix, &n.ident.to_string());
                out.push((segments, name));
            }
            UseTree::Rename(r) => {
                let (segments, _) = leaf(prefix, &r.ident.to_string());
                out.push((segments, Some(r.rename.to_string())));
            }
            UseTree::Glob(_) => out.push((prefix.clone(), None)),
            UseTree::Group(g) => {
                for tree in &g.items {
                    walk(tree, prefix, out);
                }
            }
        }
    }
    // `use a::b::{self}` names `a::b` and binds `b`.
    fn leaf(prefix: &[String], ident: &str) -> (Vec<String>, Option<String>) {
        match ident {
            "self" => (prefix.to_vec(), prefix.last().cloned()),
            _ => (
                [prefix, &[ident.to_owned()]].concat(),
                Some(ident.to_owned()),
            ),
        }
    }
    let mut out = Vec::new();
    walk(tree, &mut Vec::new(), &mut out);
    out
}

/// The paths in code: types, expressions, patterns, traits, `use` in blocks, and
/// `crate::`/`super::`/`self::` paths inside macro arguments.
#[derive(Default)]
struct PathCollector {
    refs: Vec<RawRef>,
}

impl<'ast> Visit<'ast> for PathCollector {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.leading_colon.is_none() {
            self.refs.push(RawRef {
                segments: path.segments.iter().map(|s| s.ident.to_string()).collect(),
            });
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        for (segments, _) in use_leaves(&u.tree) {
            self.refs.push(RawRef { segments });
        }
    }

    // A module inside a function body is rare; its paths are not followed.
    fn visit_item_mod(&mut self, _: &'ast ItemMod) {}

    fn visit_item(&mut self, item: &'ast Item) {
        if !test_only(item_attrs(item)) {
            syn::visit::visit_item(self, item);
        }
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if !test_only(&f.attrs) {
            syn::visit::visit_impl_item_fn(self, f);
        }
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        macro_paths(mac.tokens.clone(), &mut self.refs);
        syn::visit::visit_macro(self, mac);
    }
}

/// `crate::a::b`, `super::a` and `self::a` in a macro's tokens (not `$crate::`).
fn macro_paths(tokens: TokenStream, out: &mut Vec<RawRef>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Group(g) => macro_paths(g.stream(), out),
            TokenTree::Ident(ident)
                if ["crate", "super", "self"].contains(&ident.to_string().as_str())
                    && !matches!(i.checked_sub(1).map(|p| &tokens[p]), Some(TokenTree::Punct(p)) if p.as_char() == '$') =>
            {
                let mut segments = vec![ident.to_string()];
                while let (
                    Some(TokenTree::Punct(a)),
                    Some(TokenTree::Punct(b)),
                    Some(TokenTree::Ident(next)),
                ) = (tokens.get(i + 1), tokens.get(i + 2), tokens.get(i + 3))
                {
                    if a.as_char() != ':' || b.as_char() != ':' {
                        break;
                    }
                    segments.push(next.to_string());
                    i += 3;
                }
                if segments.len() > 1 {
                    out.push(RawRef { segments });
                }
            }
            _ => {}
        }
        i += 1;
    }
}
