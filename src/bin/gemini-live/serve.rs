//! `gemini-live fake-server`: the embedded fake Live server as a standalone process.

use gemini_live::fake::replay::ReplayOptions;
use std::io::Write;
use std::path::PathBuf;

/// `fake-server`: the fake, or with `--replay` a recording. `parent` holds the options given
/// before the subcommand (`--model`, `--vertex-project`, `--vertex-location`).
pub(crate) fn run(
    args: super::args::ServerArgs,
    parent: super::args::ClientArgs,
) -> Result<(), Box<dyn std::error::Error>> {
    if let Some(file) = args.replay {
        let options = ReplayOptions {
            port: args.port,
            fast: args.fast,
            strict: args.strict,
            repeat: args.repeat,
        };
        return replay_server(&file, options);
    }
    // --vertex-project/--vertex-location also serve the Vertex AI path (bearer tokens).
    let vertex = super::vertex::VertexArgs::target(args.vertex_project, args.vertex_location)
        .or(parent.vertex)
        .fake_auth()?;
    fake_server(
        args.port,
        args.tls,
        args.ca_out,
        args.api_key,
        args.faults,
        args.model.or(parent.model),
        vertex,
    )
}

fn fake_server(
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
fn replay_server(
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
