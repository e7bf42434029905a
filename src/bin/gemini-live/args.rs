//! The command line's options. Client options (endpoint, model, modality, recording, Vertex)
//! are accepted before the subcommand or after `chat` and `talk`, so each subcommand's help
//! lists only its own: `fake-server --help` shows the server's options.

use super::vertex::VertexArgs;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "gemini-live",
    version,
    about = "A client for the Gemini Live API",
    long_about = None,
    after_help = "Try it offline: with no GEMINI_API_KEY and no endpoint, chat and talk use an \
                  embedded fake server; `gemini-live fake-server --help` lists its test phrases."
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    #[command(flatten)]
    pub(crate) client: ClientArgs,
    /// Log to stderr: -v connection events (connects, retries, GoAway, close), -vv also every
    /// message sent and received (audio summarised, secrets redacted), -vvv also the
    /// dependencies' logs. Default: warnings only. RUST_LOG, when set, replaces these levels
    /// (e.g. RUST_LOG=gemini_live=debug).
    #[arg(long, short, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
}

/// What a client connects to and how: before the subcommand, or after `chat` / `talk` (which
/// wins).
#[derive(Args, Debug, Default, Clone)]
pub(crate) struct ClientArgs {
    /// Endpoint base URL, e.g. ws://127.0.0.1:8765 (default: GEMINI_LIVE_ENDPOINT, else Google).
    /// The Live path is appended: give the host, not a full .../BidiGenerateContent URL.
    #[arg(long)]
    pub(crate) endpoint: Option<String>,
    /// Model id (default: GEMINI_LIVE_MODEL, else gemini-3.8-live). Before
    /// fake-server: the model(s) it serves, comma-separated.
    #[arg(long)]
    pub(crate) model: Option<String>,
    /// API version: v1alpha, v1beta or v1 (default: GEMINI_LIVE_API_VERSION, else v1beta, or
    /// v1alpha where the configuration needs it).
    #[arg(long = "api-version")]
    pub(crate) api_version: Option<String>,
    /// Authenticate with this ephemeral token (auth_tokens/..., minted by your server) instead
    /// of an API key; the v1alpha constrained method is then used. Prefer the environment
    /// variable GEMINI_LIVE_EPHEMERAL_TOKEN: a command line is visible to other local users.
    #[arg(long = "ephemeral-token", value_name = "TOKEN")]
    pub(crate) ephemeral_token: Option<String>,
    /// Response modality: text, audio or text+audio (default text+audio).
    #[arg(long)]
    pub(crate) modality: Option<String>,
    /// Record every frame both ways to this file, as JSON Lines (replay it with
    /// `fake-server --replay FILE`).
    #[arg(long, value_name = "FILE")]
    pub(crate) record: Option<PathBuf>,
    /// What the recording keeps of audio: keep (the default) or summary (length and checksum).
    #[arg(long = "record-audio")]
    pub(crate) record_audio: Option<String>,
    /// Proxy for every connect: http://[user:password@]host:port (HTTP CONNECT; https://
    /// for TLS to the proxy), socks5h://... (SOCKS5, the proxy resolves the host; socks5://
    /// resolves it here), or none (connect directly). Default: the environment (wss_proxy,
    /// https_proxy, all_proxy, either case, and no_proxy), as Python's websockets reads it.
    #[arg(long, value_name = "URL")]
    pub(crate) proxy: Option<String>,
    #[command(flatten)]
    pub(crate) vertex: VertexArgs,
    #[command(flatten)]
    pub(crate) context: super::context::ContextArgs,
}

impl ClientArgs {
    /// These options, each falling back to `parent`'s.
    pub(crate) fn or(self, parent: ClientArgs) -> ClientArgs {
        ClientArgs {
            endpoint: self.endpoint.or(parent.endpoint),
            model: self.model.or(parent.model),
            api_version: self.api_version.or(parent.api_version),
            ephemeral_token: self.ephemeral_token.or(parent.ephemeral_token),
            modality: self.modality.or(parent.modality),
            record: self.record.or(parent.record),
            record_audio: self.record_audio.or(parent.record_audio),
            proxy: self.proxy.or(parent.proxy),
            vertex: self.vertex.or(parent.vertex),
            context: self.context.or(parent.context),
        }
    }
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Read lines from stdin, send each as a text turn, print the streamed replies (a prompt
    /// on a terminal; Ctrl-D ends, Ctrl-C closes the session and exits 130).
    #[command(after_help = gemini_live::fake::phrases::help())]
    Chat {
        #[command(flatten)]
        client: ClientArgs,
        #[command(flatten)]
        chat: super::chat::ChatArgs,
    },
    /// Stream a WAV file as realtime audio and write the spoken reply to a WAV file (Ctrl-C
    /// closes the session, writes the reply so far and exits 130).
    Talk {
        /// 16-bit PCM WAV to send (any rate and channel count; resampled to 16 kHz mono).
        #[arg(long, required_unless_present = "mic")]
        input: Option<PathBuf>,
        /// Where to write the reply (24 kHz mono 16-bit WAV).
        #[arg(long, required_unless_present = "mic")]
        output: Option<PathBuf>,
        /// Send as fast as allowed instead of at real time.
        #[arg(long)]
        fast: bool,
        /// Send the WAV's samples at its own rate (channels mixed down) instead of
        /// resampling them to 16 kHz mono.
        #[arg(long = "send-as-is")]
        send_as_is: bool,
        /// Talk live: microphone in, speaker out, with a level meter and barge-in (needs the
        /// `mic` cargo feature).
        #[arg(long)]
        mic: bool,
        /// With --mic on a speakerphone: take the model's voice out of the microphone (echo
        /// cancellation, WebRTC's AEC3 fed with what the speaker played), so the model does
        /// not hear and interrupt itself. Off by default (headphones need none).
        #[arg(long = "echo-cancel", requires = "mic")]
        echo_cancel: bool,
        /// With --echo-cancel: the sound card's output plus input latency in ms (0 to 500),
        /// where the canceller's delay estimator starts; 0 (the default) lets it find the
        /// delay alone.
        #[arg(
            long = "echo-delay-ms",
            value_name = "MS",
            default_value_t = 0,
            requires = "echo_cancel",
            value_parser = clap::value_parser!(u32).range(0..=500)
        )]
        echo_delay_ms: u32,
        /// Phone audio: --input is raw 8 kHz G.711 (`ulaw` or `alaw`, as Twilio and SIP carry
        /// it), decoded and resampled to 16 kHz; the reply is band-limited, resampled to
        /// 8 kHz and written to --output as raw G.711 of the same law, in whole 20 ms frames.
        #[arg(long, value_name = "LAW", value_parser = ["ulaw", "alaw"], conflicts_with_all = ["mic", "send_as_is"])]
        telephony: Option<String>,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Run the fake Live server until interrupted.
    #[command(after_help = gemini_live::fake::phrases::help())]
    FakeServer(ServerArgs),
}

/// `fake-server`'s options.
#[derive(Args, Debug)]
pub(crate) struct ServerArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8765)]
    pub(crate) port: u16,
    /// Serve wss:// with a self-signed certificate (its PEM is written to --ca-out).
    #[arg(long)]
    pub(crate) tls: bool,
    /// File to write the self-signed certificate to (with --tls).
    #[arg(long)]
    pub(crate) ca_out: Option<PathBuf>,
    /// Require this API key.
    #[arg(long)]
    pub(crate) api_key: Option<String>,
    /// The model(s) served, comma-separated (default: every model the library knows).
    #[arg(long)]
    pub(crate) model: Option<String>,
    /// Serve the Vertex AI path for this project (with --vertex-location): every connection
    /// must present a bearer token no earlier one did.
    #[arg(long = "vertex-project", value_name = "PROJECT")]
    pub(crate) vertex_project: Option<String>,
    /// Vertex AI location served, e.g. us-central1 or global (with --vertex-project).
    #[arg(long = "vertex-location", value_name = "LOCATION")]
    pub(crate) vertex_location: Option<String>,
    /// Faults to inject, e.g. "1@3:drop,2@s2:close=1011" (the kinds are listed below).
    #[arg(long, value_name = "PLAN", long_help = gemini_live::fake::fault_plan_help())]
    pub(crate) faults: Option<String>,
    /// Serve this recording (from `--record`) instead: answer the client's messages with
    /// the recorded server frames, in order, with the recorded pacing; what the client sends
    /// is compared with the recording and the first difference is logged.
    #[arg(long, value_name = "FILE")]
    pub(crate) replay: Option<PathBuf>,
    /// With --replay: send the recorded frames without the recorded gaps.
    #[arg(long, requires = "replay")]
    pub(crate) fast: bool,
    /// With --replay: end a connection whose client sends something other than the
    /// recording (close 1007 naming the first difference; the client exits non-zero)
    /// instead of warning.
    #[arg(long, requires = "replay")]
    pub(crate) strict: bool,
    /// With --replay: serve the recording again to each new run of the client instead of
    /// closing connections past its end.
    #[arg(long = "loop", requires = "replay")]
    pub(crate) repeat: bool,
}
