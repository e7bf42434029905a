//! Generates the C header `include/gemini_live.h` from `src/ffi` with cbindgen.
//!
//! The header is always written to `$OUT_DIR/gemini_live.h` (the drift test in
//! `tests/c_api.rs` compares it with the committed one) and copied to `include/` only when
//! its content changed, so a build leaves no diff. A cbindgen failure (e.g. a half-edited
//! file) is a warning, not a build error; the drift test then fails instead.
//!
//! The header is grouped by C object, like deltachat.h: cbindgen writes every constant, then
//! every type, then every function; [`group_by_module`] then moves each declaration into the
//! section of the `src/ffi` module that declares it (the modules of `src/ffi/mod.rs`, in
//! their order; a folder's submodules belong to its section). Each section opens with the
//! first paragraph of its module's `//!` docs, then its opaque object types, then the rest in
//! cbindgen's order. A declaration no module claims fails the generation (the drift test in
//! `tests/c_api.rs` then fails), so the grouping cannot drift from the source layout.
//!
//! Each C object's "Functions:" list (the doc comment of its opaque type) is completed here
//! from the functions the header declares: the names and `prefix_*` patterns written in
//! `src/ffi` that still match a function are kept, and every other function of the object
//! (the longest object name that prefixes it) is appended, in header order; so the lists
//! cannot drift (`tests/header_lists_are_true.rs` checks the result).

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build.rs");

    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into()));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into()));
    let generated = out_dir.join("gemini_live.h");
    // A stale copy from an earlier run must not pass the drift test.
    let _ = std::fs::remove_file(&generated);
    match generate(&root) {
        Ok(header) => {
            if let Err(e) = std::fs::write(&generated, &header) {
                println!("cargo:warning=cannot write {}: {e}", generated.display());
            }
            update_if_changed(&root.join("include/gemini_live.h"), &header);
        }
        Err(e) => println!("cargo:warning=cbindgen could not generate gemini_live.h: {e}"),
    }
}

/// The version macros, from Cargo.toml's version.
fn version_macros() -> String {
    let part = |name: &str| std::env::var(name).unwrap_or_else(|_| "0".into());
    let (major, minor, patch) = (
        part("CARGO_PKG_VERSION_MAJOR"),
        part("CARGO_PKG_VERSION_MINOR"),
        part("CARGO_PKG_VERSION_PATCH"),
    );
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    format!(
        "\n/** Version of this header (the library's is gemini_live_version()). */\n\
         #define GEMINI_LIVE_VERSION_MAJOR {major}\n\
         #define GEMINI_LIVE_VERSION_MINOR {minor}\n\
         #define GEMINI_LIVE_VERSION_PATCH {patch}\n\
         #define GEMINI_LIVE_VERSION_STRING \"{version}\""
    )
}

fn generate(root: &Path) -> Result<Vec<u8>, String> {
    let mut config = cbindgen::Config::from_file(root.join("cbindgen.toml"))
        .map_err(|e| format!("cbindgen.toml: {e}"))?;
    config.after_includes = Some(version_macros());
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(root.join("src/ffi/mod.rs"))
        .generate()
        .map_err(|e| e.to_string())?;
    let mut header = Vec::new();
    bindings.write(&mut header);
    let text = String::from_utf8(header).map_err(|e| e.to_string())?;
    let grouped = group_by_module(&text, &ffi_modules(&root.join("src/ffi"))?)?;
    Ok(complete_function_lists(&grouped).into_bytes())
}

/// A top-level module of `src/ffi`: its section heading and the C names it declares.
struct Module {
    name: String,
    heading: Vec<String>,
    names: Vec<String>,
}

/// The modules `src/ffi/mod.rs` declares (`pub mod x;`), in order, each with the C names
/// declared in `x.rs` or anywhere under `x/`.
fn ffi_modules(dir: &Path) -> Result<Vec<Module>, String> {
    let root = std::fs::read_to_string(dir.join("mod.rs")).map_err(|e| format!("mod.rs: {e}"))?;
    let mut out = Vec::new();
    for line in root.lines() {
        let Some(name) = (line.strip_prefix("pub mod "))
            .and_then(|l| l.strip_suffix(';'))
            .map(str::to_string)
        else {
            continue;
        };
        let (file, folder) = (dir.join(format!("{name}.rs")), dir.join(&name));
        let mut files = Vec::new();
        if file.is_file() {
            files.push(file);
        } else {
            rust_files(&folder, &mut files);
            files.sort();
            // mod.rs first: its docs head the section.
            files.sort_by_key(|f| !f.ends_with("mod.rs"));
        }
        let texts = (files.iter())
            .map(|f| std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display())))
            .collect::<Result<Vec<_>, _>>()?;
        let first = texts
            .first()
            .ok_or_else(|| format!("no source for `mod {name}`"))?;
        let heading: Vec<String> = (first.lines())
            .map_while(|l| l.strip_prefix("//!"))
            .map(str::trim)
            .take_while(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        let names = texts.iter().flat_map(|t| declared_in_rust(t)).collect();
        out.push(Module {
            name,
            heading,
            names,
        });
    }
    Ok(out)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The C names a Rust file declares: `pub const`, `pub struct`, `pub type` and
/// `pub unsafe extern "C" fn` / `pub extern "C" fn` items starting a line.
fn declared_in_rust(text: &str) -> Vec<String> {
    const KINDS: [&str; 5] = [
        "pub const ",
        "pub struct ",
        "pub type ",
        "pub unsafe extern \"C\" fn ",
        "pub extern \"C\" fn ",
    ];
    (text.lines())
        .filter_map(|l| KINDS.iter().find_map(|k| l.strip_prefix(k)))
        .map(|rest| rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')))
        .filter_map(|mut words| words.next())
        .filter(|n| n.starts_with("gemini_live_") || n.starts_with("GEMINI_LIVE_"))
        .map(str::to_string)
        .collect()
}

/// One declaration of cbindgen's output: its lines (doc comment and `#if` guards included)
/// and the C name it declares.
struct Block {
    lines: Vec<String>,
    name: String,
    opaque: bool,
}

/// The name a declaration (its lines joined, without the doc comment) declares.
fn declared_name(decl: &str) -> Option<String> {
    let ident = |s: &str| {
        let s = s.trim_end_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
        let start = s
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        s[start..].to_string()
    };
    let name = if let Some(rest) = decl.strip_prefix("#define ") {
        rest.split_whitespace().next()?.to_string()
    } else if decl.starts_with("typedef") {
        match decl.split_once("(*") {
            Some((_, rest)) => ident(rest.split(')').next()?),
            None => ident(decl.trim_end().strip_suffix(';')?),
        }
    } else {
        ident(&decl[..decl.find('(')?])
    };
    (name.starts_with("gemini_live_") || name.starts_with("GEMINI_LIVE_")).then_some(name)
}

/// Splits the declarations between the version macros and the closing `extern "C"` guard
/// into blocks; blank lines and the opening guard are left out.
fn blocks(body: &[&str]) -> Result<Vec<Block>, String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < body.len() {
        let line = body[i];
        if line.is_empty()
            || [
                "#ifdef __cplusplus",
                "extern \"C\" {",
                "#endif // __cplusplus",
            ]
            .contains(&line)
        {
            i += 1;
            continue;
        }
        let start = i;
        let guarded = line.starts_with("#if ");
        if guarded {
            i += 1;
        }
        if body.get(i).is_some_and(|l| l.starts_with("/**")) {
            while body.get(i).is_some_and(|l| !l.ends_with("*/")) {
                i += 1;
            }
            i += 1;
        }
        let decl_start = i;
        let mut depth = 0i32;
        loop {
            let l = body.get(i).ok_or("the header ends inside a declaration")?;
            depth += l.matches('{').count() as i32 - l.matches('}').count() as i32;
            i += 1;
            if l.starts_with("#define ") || (depth == 0 && l.trim_end().ends_with(';')) {
                break;
            }
        }
        if guarded {
            if body.get(i) != Some(&"#endif") {
                return Err(format!("`{line}` guards more than one declaration"));
            }
            i += 1;
        }
        let decl = body[decl_start..i].join("\n");
        let name = declared_name(&decl).ok_or_else(|| format!("no C name in `{decl}`"))?;
        let opaque = decl.starts_with(&format!("typedef struct {name} {name};"));
        out.push(Block {
            lines: body[start..i].iter().map(|l| l.to_string()).collect(),
            name,
            opaque,
        });
    }
    Ok(out)
}

/// See the module docs.
fn group_by_module(header: &str, modules: &[Module]) -> Result<String, String> {
    let lines: Vec<&str> = header.lines().collect();
    let after_version = (lines.iter())
        .position(|l| l.starts_with("#define GEMINI_LIVE_VERSION_STRING"))
        .ok_or("no version macros in cbindgen's output")?
        + 1;
    let close = (lines.iter())
        .rposition(|l| *l == "#ifdef __cplusplus")
        .filter(|&i| i > after_version)
        .ok_or("no closing extern \"C\" guard in cbindgen's output")?;
    let mut sections: Vec<Vec<Block>> = modules.iter().map(|_| Vec::new()).collect();
    for block in blocks(&lines[after_version..close])? {
        let at = (modules.iter())
            .position(|m| m.names.contains(&block.name))
            .ok_or_else(|| format!("no module of src/ffi declares {}", block.name))?;
        sections[at].push(block);
    }
    let mut out: Vec<String> = lines[..after_version]
        .iter()
        .map(|l| l.to_string())
        .collect();
    out.extend(
        [
            "",
            "#ifdef __cplusplus",
            "extern \"C\" {",
            "#endif // __cplusplus",
        ]
        .map(String::from),
    );
    let rule = format!(" * {}", "=".repeat(91));
    for (module, mut blocks) in modules.iter().zip(sections) {
        if blocks.is_empty() {
            continue;
        }
        if module.heading.is_empty() {
            return Err(format!(
                "src/ffi module `{}` has no `//!` docs to head its section",
                module.name
            ));
        }
        // "Title: what it is." gives the title between the rules, the rest below.
        let heading = module.heading.join(" ");
        let (title, about) = heading.split_once(": ").ok_or_else(|| {
            let m = &module.name;
            format!("the `//!` docs of src/ffi module `{m}` do not start with \"Title: ...\"")
        })?;
        let title = title.replace('`', "");
        let mut chars = about.chars();
        let about: String = chars
            .next()
            .map(|c| c.to_ascii_uppercase())
            .into_iter()
            .chain(chars)
            .collect();
        out.extend(["", "/*", &rule, &format!(" * {title}"), &rule, " *"].map(String::from));
        out.extend(wrap(&about, 91).into_iter().map(|l| format!(" * {l}")));
        out.push(" */".to_string());
        // The object types first: what the section is about.
        blocks.sort_by_key(|b| !b.opaque);
        for block in blocks {
            out.push(String::new());
            out.extend(block.lines);
        }
    }
    out.push(String::new());
    out.extend(lines[close..].iter().map(|l| l.to_string()));
    let mut text = out.join("\n");
    if header.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// `text` in lines of at most `width` characters (a longer word stands alone).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

/// The functions the header declares, in order (`... gemini_live_x(` starting a line).
fn declared(header: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in header.lines() {
        if line.starts_with([' ', '*', '/', '#']) {
            continue;
        }
        let Some(open) = line.find('(') else { continue };
        let name = line[..open]
            .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .next()
            .unwrap_or("");
        if name.starts_with("gemini_live_") && !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
    }
    out
}

fn matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == pattern,
    }
}

/// See the module docs.
fn complete_function_lists(header: &str) -> String {
    let functions = declared(header);
    let mut lines: Vec<String> = header.lines().map(str::to_string).collect();
    let objects: Vec<(usize, String)> = (lines.iter().enumerate())
        .filter_map(|(i, l)| {
            let rest = l.strip_prefix("typedef struct ")?.strip_suffix(';')?;
            let (a, b) = rest.split_once(' ')?;
            (a == b).then(|| (i, a.to_string()))
        })
        .collect();
    let owner = |f: &str| {
        (objects.iter().map(|(_, o)| o))
            .filter(|o| f.starts_with(&format!("{o}_")))
            .max_by_key(|o| o.len())
            .cloned()
    };
    // From the last object up, so earlier line numbers stay valid.
    for (at, object) in objects.iter().rev() {
        let Some(start) = (0..*at)
            .rev()
            .find(|&i| lines[i].starts_with(" * Functions:"))
        else {
            continue;
        };
        if (start..*at).any(|i| lines[i].starts_with("typedef") || lines[i] == "/**") {
            continue;
        }
        let end = (start + 1..*at)
            .find(|&i| lines[i] == " *" || lines[i] == " */")
            .unwrap_or(*at);
        let written: String = lines[start..end].join(" ");
        let mine: Vec<&String> = (functions.iter())
            .filter(|f| owner(f).as_ref() == Some(object))
            .collect();
        let mut names: Vec<String> = (written.split('`').skip(1).step_by(2))
            .filter(|p| mine.iter().any(|f| matches(p, f)))
            .map(str::to_string)
            .collect();
        for f in &mine {
            if !names.iter().any(|p| matches(p, f)) {
                names.push(f.to_string());
            }
        }
        let mut out = Vec::new();
        let mut line = String::from(" * Functions:");
        for (i, n) in names.iter().enumerate() {
            let item = format!("`{n}`{}", if i + 1 == names.len() { "." } else { "," });
            if line.len() + 1 + item.len() > 100 {
                out.push(std::mem::replace(&mut line, String::from(" *")));
            }
            line.push(' ');
            line.push_str(&item);
        }
        out.push(line);
        lines.splice(start..end, out);
    }
    let mut text = lines.join("\n");
    if header.ends_with('\n') {
        text.push('\n');
    }
    text
}

fn update_if_changed(path: &Path, header: &[u8]) {
    if std::fs::read(path).ok().as_deref() == Some(header) {
        return;
    }
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Err(e) = std::fs::write(path, header) {
        println!("cargo:warning=cannot write {}: {e}", path.display());
    }
}
