//! `gemini-live fake-server`: the embedded fake Live server as a standalone process.

use gemini_live::fake::replay::ReplayOptions;
use std::io::Write;
use std::path::PathBuf;

pub(crate) fn fake_server(
    port: u16,
    tls: bool,
    ca_out: Option<PathBuf>,
    api_key: Option<String>,
    faults: Option<String>,
    models: Option<String>,
    vertex: Option<gemini_live::fake::VertexFakeAuth>,
) -> Result<(), Box<dyn std::error::Error>> {
    use gemini_live::fake::{parse_fault_plan, FakeOptions, FakeServer};
    let mut options = FakeOptions {
        port,
        tls,
        api_key,
        vertex,
        ..FakeOptions::default()
    };
    if let Some(list) = models {
        options.models = list
            .split(',')
            .map(|m| gemini_live::models::bare_id(m.trim()).to_string())
            .filter(|m| !m.is_empty())
            .collect();
        if options.models.is_empty() {
            return Err("--model: no model id given".into());
        }
    }
    if let Some(spec) = faults {
        options.faults = parse_fault_plan(&spec)?;
    }
    let served = options.models.clone();
    let server = FakeServer::start(options)?;
    if let (Some(path), Some(pem)) = (ca_out, server.ca_pem()) {
        std::fs::write(&path, pem)?;
        eprintln!("gemini-live: certificate written to {}", path.display());
    }
    println!("{}", server.endpoint());
    eprintln!("gemini-live: serving models {}", served.join(", "));
    eprintln!(
        "gemini-live: fake Live server listening at {} (Ctrl-C to stop)",
        server.endpoint()
    );
    std::io::stdout().flush()?;
    loop {
        std::thread::park();
    }
}

/// `fake-server --replay FILE`: serves a recording until interrupted.
pub(crate) fn replay_server(
    file: &std::path::Path,
    options: ReplayOptions,
) -> Result<(), Box<dyn std::error::Error>> {
    use gemini_live::fake::replay::{Recording, ReplayServer};
    let fast = options.fast;
    let recording = Recording::load(file)?;
    let frames: usize = recording.connections.iter().map(Vec::len).sum();
    let server = ReplayServer::start(recording, options)?;
    println!("{}", server.endpoint());
    eprintln!(
        "gemini-live: replaying {} ({frames} frames{}) at {} (Ctrl-C to stop)",
        file.display(),
        if fast { ", fast" } else { ", recorded pacing" },
        server.endpoint()
    );
    std::io::stdout().flush()?;
    loop {
        std::thread::park();
    }
}
