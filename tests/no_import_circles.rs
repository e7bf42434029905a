//! No import circles in `src/` (issue 20): among the crate's top-level modules (`crate::x`
//! named from inside another top-level module), and among the sibling modules of every
//! folder (`super::x` named from a sibling, or `crate::a::x` from inside `a`). A module may
//! name its parent's items (child to parent) and its own children; what it may not do is
//! name a sibling that names it back, directly or around a longer circle. Comments and test
//! modules (`*tests*.rs` files, and an inline `#[cfg(test)] mod` from where it starts to the
//! end of its file) are left out: tests sit above what they test. `#[path]` attributes are
//! refused outright: folders show the modules.
//!
//! No circle is left, and any circle fails the test. The top level is layered (issue 20): the
//! leaves (`wording`, `protocol`, `error`, `models`, `auth`, `vertex`, `record`, `reconnect`,
//! `frames`) below `config`, which holds their values and validates them; `transport`,
//! `metrics` and `session` above it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The module path of a source file: `src/session/reader.rs` is `["session", "reader"]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap_or(file).with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The code without `//` comments (doc comments name modules in prose) and without string
/// literals' contents.
fn code_of(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut code = String::new();
        let mut in_str = false;
        let mut prev = ' ';
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            if !in_str && c == '/' && chars.peek() == Some(&'/') {
                break;
            }
            if c == '"' && prev != '\\' {
                in_str = !in_str;
            } else if !in_str {
                code.push(c);
            }
            prev = c;
        }
        out.push_str(&code);
        out.push('\n');
    }
    out
}

/// Every `prefix::name` path segment right after `prefix::` in `code`.
fn named_after<'a>(code: &'a str, prefix: &str) -> Vec<&'a str> {
    code.match_indices(prefix)
        .filter(|(at, _)| {
            // A whole word: `crate::`, not `mycrate::`.
            code[..*at]
                .chars()
                .last()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
        })
        .filter_map(|(at, _)| {
            let rest = &code[at + prefix.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            (end > 0).then(|| &rest[..end])
        })
        .collect()
}

/// The items `lib.rs` re-exports at the crate root (`pub use config::{Config, ...};`), each
/// with the top-level module it comes from: `crate::Config` names `config` as surely as
/// `crate::config::Config` does.
fn root_items(lib_code: &str) -> BTreeMap<String, String> {
    let mut items = BTreeMap::new();
    for (at, _) in lib_code.match_indices("pub use ") {
        let rest = &lib_code[at + "pub use ".len()..];
        let Some(end) = rest.find(';') else { continue };
        let spec = rest[..end].split_whitespace().collect::<Vec<_>>().join(" ");
        let Some((module, _)) = spec.split_once("::") else {
            continue;
        };
        let names = match spec.split_once('{') {
            Some((_, list)) => list.trim_end_matches('}'),
            None => spec.rsplit("::").next().unwrap_or_default(),
        };
        for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            // `x as y` is named `y` at the root; `a::B` is named `B`.
            let name = name.rsplit(" as ").next().unwrap_or(name);
            let name = name.rsplit("::").next().unwrap_or(name).trim();
            items.insert(name.to_string(), module.trim().to_string());
        }
    }
    items
}

/// The module graph: for each module path, the modules it names (as edges between siblings).
fn graph(src: &Path) -> (BTreeMap<String, BTreeSet<String>>, Vec<String>) {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap_or_default();
    let root = root_items(&code_of(&lib));
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut path_attrs = Vec::new();
    for file in files {
        let rel = file.strip_prefix(src).unwrap_or(&file).to_string_lossy();
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        if text.contains("#[path") {
            // The binaries' folders show their modules too.
            path_attrs.push(rel.to_string());
        }
        if rel.starts_with("bin/") {
            continue; // a separate crate: its imports are not the library's graph
        }
        let is_test = rel.contains("tests");
        if is_test {
            continue;
        }
        let me = module_of(src, &file);
        let mut code = code_of(&text);
        // An inline test module: from `#[cfg(test)]` + `mod x {` to the end of the file.
        if let Some(at) = code.find("#[cfg(test)]\nmod ") {
            let rest = &code[at..];
            let line_end = rest["#[cfg(test)]\n".len()..]
                .find('\n')
                .map_or(rest.len(), |e| e + "#[cfg(test)]\n".len());
            if rest[..line_end].trim_end().ends_with('{') {
                code.truncate(at);
            }
        }
        let mut add = |from: &[String], to: String| {
            edges.entry(from.join("::")).or_default().insert(to);
        };
        // `crate::x::y`: an edge at the first level where the two paths part.
        for m in code.match_indices("crate::").map(|(at, _)| at) {
            if code[..m]
                .chars()
                .last()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
            {
                continue;
            }
            let mut target: Vec<&str> = code[m + "crate::".len()..]
                .split("::")
                .map(|s| {
                    let end = s
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .unwrap_or(s.len());
                    &s[..end]
                })
                .take_while(|s| {
                    !s.is_empty()
                        && s.chars()
                            .all(|c| c.is_lowercase() || c == '_' || c.is_ascii_digit())
                })
                .collect();
            if target.is_empty() {
                // An item re-exported at the root: `crate::Config` is `config`'s.
                let rest = &code[m + "crate::".len()..];
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                if let Some(module) = root.get(&rest[..end]) {
                    target.push(module.as_str());
                }
            }
            let common = me
                .iter()
                .zip(&target)
                .take_while(|(a, b)| a.as_str() == **b)
                .count();
            if common < me.len() && common < target.len() {
                let from = &me[..=common];
                let mut to: Vec<String> = me[..common].to_vec();
                to.push(target[common].to_string());
                add(from, to.join("::"));
            }
        }
        // `super::x` from a module: its sibling `x`.
        if me.len() >= 2 {
            for name in named_after(&code, "super::") {
                if name == "super"
                    || !name
                        .chars()
                        .all(|c| c.is_lowercase() || c == '_' || c.is_ascii_digit())
                {
                    continue;
                }
                let mut to = me[..me.len() - 1].to_vec();
                to.push(name.to_string());
                if to != me {
                    add(&me, to.join("::"));
                }
            }
        }
    }
    // Only edges to modules that exist as files count (a `super::Item` is not a module).
    let modules: BTreeSet<String> = edges.keys().cloned().collect();
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let existing: BTreeSet<String> = files
        .iter()
        .map(|f| module_of(src, f).join("::"))
        .chain(modules)
        .collect();
    for targets in edges.values_mut() {
        targets.retain(|t| existing.contains(t));
    }
    (edges, path_attrs)
}

/// The strongly connected components with more than one module (Tarjan).
fn circles(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct S<'a> {
        g: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut S<'a>, v: &'a str) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on.insert(v);
        if let Some(ws) = s.g.get(v) {
            for w in ws {
                let w = w.as_str();
                if !s.index.contains_key(w) {
                    visit(s, w);
                    let lw = s.low[w];
                    let lv = s.low.get_mut(v).expect("visited");
                    *lv = (*lv).min(lw);
                } else if s.on.contains(w) {
                    let iw = s.index[w];
                    let lv = s.low.get_mut(v).expect("visited");
                    *lv = (*lv).min(iw);
                }
            }
        }
        if s.low[v] == s.index[v] {
            let mut c = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on.remove(w);
                c.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if c.len() > 1 {
                c.sort();
                s.out.push(c);
            }
        }
    }
    let mut s = S {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in g.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out
}

#[test]
fn src_has_no_import_circles_and_no_path_attributes() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let (g, path_attrs) = graph(&src);
    assert!(g.len() > 20, "the graph looks empty: {g:?}");
    let found = circles(&g);
    let explain: Vec<String> = found
        .iter()
        .map(|c| {
            let inner: Vec<String> = c
                .iter()
                .flat_map(|a| {
                    g.get(a)
                        .into_iter()
                        .flatten()
                        .filter(|b| c.contains(b))
                        .map(move |b| format!("{a} -> {b}"))
                })
                .collect();
            format!("circle {c:?}: {}", inner.join(", "))
        })
        .collect();
    eprintln!("{}", explain.join("\n"));
    assert!(
        found.is_empty(),
        "import circles: {found:?}\n{}",
        explain.join("\n")
    );
    assert!(
        path_attrs.is_empty(),
        "#[path] attributes (make the folders match the modules): {path_attrs:?}"
    );
}

#[test]
fn the_checker_finds_a_circle_between_siblings_and_ignores_child_to_parent() {
    let g: BTreeMap<String, BTreeSet<String>> = [
        ("a::x", vec!["a::y"]),
        ("a::y", vec!["a::z"]),
        ("a::z", vec!["a::x"]),
        ("b", vec!["c"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(str::to_string).collect()))
    .collect();
    assert_eq!(circles(&g), [vec!["a::x", "a::y", "a::z"]]);
    assert_eq!(
        module_of(Path::new("src"), Path::new("src/a/mod.rs")),
        ["a"]
    );
    let root = root_items("pub use config::{Auth, Config as C};\npub use error::ProxyRefusal;");
    assert_eq!(root.get("C").map(String::as_str), Some("config"));
    assert_eq!(root.get("Auth").map(String::as_str), Some("config"));
    assert_eq!(root.get("ProxyRefusal").map(String::as_str), Some("error"));
    assert_eq!(
        code_of("use crate::a; // crate::b\nlet s = \"crate::c\";"),
        "use crate::a; \nlet s = ;\n"
    );
}

#[test]
fn an_item_named_through_the_crate_root_is_an_edge_to_its_module() {
    let dir = std::env::temp_dir().join(format!("no_import_circles_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    write("lib.rs", "mod a;\nmod b;\npub use a::{Thing};\n");
    write("a.rs", "pub struct Thing;\nfn f() { crate::b::g(); }\n");
    write("b.rs", "pub fn g() {}\nfn h(_: &crate::Thing) {}\n");
    let (g, _) = graph(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(circles(&g), [vec!["a", "b"]], "{g:?}");
}

/// The tests' and examples' folders show their modules too: a test reaches a shared file in a
/// folder with an inline module (`mod c { pub mod support; }` finds `tests/c/support.rs`), never
/// by `#[path]`.
#[test]
fn tests_and_examples_have_no_path_attributes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let me = Path::new(file!()).file_name().map(|n| n.to_owned());
    let mut files = Vec::new();
    rust_files(&root.join("tests"), &mut files);
    rust_files(&root.join("examples"), &mut files);
    assert!(files.len() > 20, "found too few files: {}", files.len());
    let with: Vec<String> = files
        .iter()
        .filter(|f| f.file_name().map(|n| n.to_owned()) != me)
        .filter(|f| std::fs::read_to_string(f).is_ok_and(|t| code_of(&t).contains("#[path")))
        .map(|f| f.display().to_string())
        .collect();
    assert!(with.is_empty(), "#[path] attributes in: {with:?}");
}
