//! Generates the C header `include/gemini_live.h` from `src/ffi` with cbindgen.
//!
//! The header is always written to `$OUT_DIR/gemini_live.h` (the drift test in
//! `tests/c_api.rs` compares it with the committed one) and copied to `include/` only when
//! its content changed, so a build leaves no diff. A cbindgen failure (e.g. a half-edited
//! file) is a warning, not a build error; the drift test then fails instead.

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
    Ok(header)
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
