//! Generates the C header `include/gemini_live.h` from `src/ffi` with cbindgen.
//!
//! The header is always written to `$OUT_DIR/gemini_live.h` (the drift test in
//! `tests/c_api.rs` compares it with the committed one) and copied to `include/` only when
//! its content changed, so a build leaves no diff. A cbindgen failure (e.g. a half-edited
//! file) is a warning, not a build error; the drift test then fails instead.
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
    Ok(complete_function_lists(&text).into_bytes())
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
