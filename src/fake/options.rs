//! Options of the fake server and its fault plan.

use std::fmt;
use std::time::Duration;

use crate::config::DEFAULT_MODEL;

/// A model id served only by the fake: a conversational model that also answers in TEXT
/// (`responseModalities: ["TEXT"]`), which no current Google conversational model does
/// (protocol.md Part D.1). For tests of the text path; not in the capability table, so the
/// client's model check lets it through. The real service closes 1008 "not found" for it.
pub const TEXT_MODEL: &str = "fake-text-live";

/// How a [`FakeServer`](super::FakeServer) behaves. Every field says its default.
#[derive(Clone)]
pub struct FakeOptions {
    /// Port to bind on 127.0.0.1. Defaults to 0 (an ephemeral port; read it back with
    /// [`FakeServer::addr`](super::FakeServer::addr)).
    pub port: u16,
    /// Serve `wss://` with a self-signed certificate for `localhost` and `127.0.0.1`, made at
    /// start (see [`FakeServer::ca_pem`](super::FakeServer::ca_pem)). Defaults to `false`.
    pub tls: bool,
    /// Serve `wss://` with this identity instead of a self-signed `localhost` certificate:
    /// (certificate chain PEM, leaf first; its private key, PKCS#8 PEM). For tests that keep a
    /// real host name (e.g. `generativelanguage.googleapis.com`) and reach the fake through a
    /// proxy, with a test CA as the client's extra root. Implies TLS; [`ca_pem`] is then
    /// `None` (the caller holds its CA). Defaults to none.
    ///
    /// [`ca_pem`]: super::FakeServer::ca_pem
    pub tls_identity: Option<(String, String)>,
    /// The API key clients must present (header `x-goog-api-key` or query `key=`; on the
    /// `BidiGenerateContentConstrained` method also `Authorization: Token X` or
    /// `access_token=X`). Defaults to `None`: any credentials, or none, are accepted.
    pub api_key: Option<String>,
    /// Served model ids, without the `models/` prefix; any other model is closed 1008 "not
    /// found". Each model of the capability table ([`crate::models::MODELS`]) is served with
    /// its rules (modality, refusals with the service's close codes, extended-thinking
    /// lifecycle, non-blocking tools, transcribe and translate replies); other ids get the
    /// generic behaviour. Retired models of the table are always closed 1008 "not found", as
    /// the service closes them. Defaults to every current model of the table plus
    /// [`TEXT_MODEL`], see [`FakeOptions::all_models`].
    pub models: Vec<String>,
    /// Extended-thinking models: how long after the filler segment (`turnComplete` +
    /// `interactionStatus: IN_PROGRESS`) the answer (ending with `IDLE`) is sent. New input
    /// on the connection sends it at once. Defaults to 200 ms.
    pub thinking_ms: u32,
    /// Faults to inject. Defaults to an empty plan.
    pub faults: FaultPlan,
    /// Length of a synthetic audio reply in milliseconds. Defaults to 400.
    pub audio_reply_ms: u32,
    /// Length of each audio chunk sent in milliseconds. Defaults to 100.
    pub audio_chunk_ms: u32,
    /// Send reply audio at this many times real time (0.7: slower than it plays, as a
    /// model generating slowly does), each chunk when the audio before it has "been
    /// generated". Defaults to 0: as fast as the socket takes it.
    pub audio_pace: f64,
    /// Shape the synthetic reply audio into words ([`synth_reply_words`](super::synth_reply_words):
    /// the tone in words of 180 to 420 ms with 90 ms of silence between them), as speech has
    /// gaps a player can pause at. Defaults to `false` (a steady tone,
    /// [`synth_reply_audio`](super::synth_reply_audio)).
    pub audio_words: bool,
    /// A text reply is split into this many `modelTurn` parts. Defaults to 3.
    pub text_reply_parts: usize,
    /// How long a resumption handle stays valid after it was issued. Defaults to 2 hours.
    pub handle_ttl: Duration,
    /// Send server JSON in binary frames instead of text frames (the real server may).
    /// Defaults to `false`.
    pub binary_frames: bool,
    /// Also serve the Vertex AI path for this project and location, with bearer tokens
    /// checked on every upgrade (see [`VertexFakeAuth`](super::VertexFakeAuth)). Defaults to
    /// `None` (the Vertex path answers 404).
    pub vertex: Option<super::VertexFakeAuth>,
    /// A draining server: on every connection, right after the setup is answered
    /// (`setupComplete`, and the first handle when resumption is on), send
    /// `{"goAway":{"timeLeft":...}}` with this time left, and close with 1011 "Deadline expired
    /// before operation could complete." when it has run out if the client is still
    /// connected. Defaults to `None` (no GoAway unless the fault plan asks for one).
    pub draining: Option<Duration>,
    /// Bytes of frames the server keeps in its [`ConnectionRecord`](super::ConnectionRecord)s
    /// (`frames` and `sent`, every connection together), so a long-lived server's memory
    /// stays bounded: past it, the oldest closed connections' frames are dropped (counted in
    /// `unrecorded`), then an open connection stops recording. Defaults to 64 MiB.
    pub record_limit: usize,
    /// Every reply names a digest of what its session knows (`[turn N, context D]`), so a
    /// test can see that a conversation's context survived faults (`src/fake/context.rs`).
    /// Defaults to false (`[turn N]`).
    pub context_digest: bool,
    /// A server VAD that reacts to audio energy (see `fake/energy_vad.rs`): when the setup
    /// leaves automatic activity detection on, input audio louder than this (RMS, dBFS) for
    /// 40 ms makes the fake send `voiceActivity` `ACTIVITY_START`, and 500 ms under it
    /// `ACTIVITY_END`. Defaults to `None` (no `voiceActivity` messages).
    pub energy_vad: Option<f32>,
}

impl Default for FakeOptions {
    fn default() -> Self {
        FakeOptions {
            port: 0,
            tls: false,
            tls_identity: None,
            api_key: None,
            models: FakeOptions::all_models(),
            thinking_ms: 200,
            faults: FaultPlan::default(),
            audio_reply_ms: 400,
            audio_chunk_ms: 100,
            audio_pace: 0.0,
            audio_words: false,
            text_reply_parts: 3,
            handle_ttl: Duration::from_secs(2 * 60 * 60),
            binary_frames: false,
            vertex: None,
            draining: None,
            record_limit: 64 << 20,
            context_digest: false,
            energy_vad: None,
        }
    }
}

impl FakeOptions {
    /// Every current model id of the capability table, [`DEFAULT_MODEL`] and
    /// [`TEXT_MODEL`].
    pub fn all_models() -> Vec<String> {
        let mut ids: Vec<String> = crate::models::MODELS
            .iter()
            .filter(|m| m.status.is_current())
            .map(|m| m.id.to_string())
            .collect();
        for extra in [DEFAULT_MODEL, TEXT_MODEL] {
            if !ids.iter().any(|m| m == extra) {
                ids.push(extra.to_string());
            }
        }
        ids
    }
}

impl fmt::Debug for FakeOptions {
    // Written by hand so that the API key never appears in Debug output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeOptions")
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field(
                "tls_identity",
                &self.tls_identity.as_ref().map(|_| "<certificate and key>"),
            )
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("models", &self.models)
            .field("thinking_ms", &self.thinking_ms)
            .field("faults", &self.faults)
            .field("audio_reply_ms", &self.audio_reply_ms)
            .field("audio_chunk_ms", &self.audio_chunk_ms)
            .field("audio_pace", &self.audio_pace)
            .field("audio_words", &self.audio_words)
            .field("text_reply_parts", &self.text_reply_parts)
            .field("handle_ttl", &self.handle_ttl)
            .field("binary_frames", &self.binary_frames)
            .field("vertex", &self.vertex)
            .field("draining", &self.draining)
            .field("energy_vad", &self.energy_vad)
            .finish()
    }
}

/// A fault the fake server injects on one connection.
///
/// When a fault fires relative to the triggering client message is documented on
/// [`FaultPlan::at`], relative to the triggering server message on [`FaultPlan::after_server`].
#[derive(Clone, Debug)]
pub enum Fault {
    /// Send `{"goAway":{"timeLeft":"Ns"}}`. If `then_close_after` is set and the client has
    /// not closed by then, close with 1011 "Deadline expired before operation could
    /// complete." (what the real service does when a connection's lifetime runs out).
    GoAway {
        /// The `timeLeft` announced.
        time_left: Duration,
        /// Close 1011 this long after the GoAway if the client is still connected.
        then_close_after: Option<Duration>,
    },
    /// Like [`Fault::GoAway`], but if the client is still connected `close_after` later,
    /// close with 1008 "Connection aborted because the client failed to close the connection
    /// after receiving a GoAway signal once the session duration expired" (truncated to 123
    /// bytes), as Gemini 3.x does (golden `js_goaway`, `py_goaway`).
    GoAwayStrict {
        /// The `timeLeft` announced.
        time_left: Duration,
        /// Close 1008 this long after the GoAway if the client is still connected.
        close_after: Duration,
    },
    /// End the TCP connection without a close frame (`shutdown(Both)` on the socket).
    Drop,
    /// Reset the TCP connection: close the socket with `SO_LINGER` 0, so that the peer gets an
    /// RST (`ECONNRESET`) instead of an orderly end, and may lose data it had not read yet.
    Reset,
    /// Send a close frame with this code and reason (the reason is truncated to 123 bytes).
    Close {
        /// Close code.
        code: u16,
        /// Close reason.
        reason: String,
    },
    /// Stop reading and writing WebSocket frames: the socket stays open and silent (bytes the
    /// client sends are drained and discarded, pings go unanswered) until the client goes
    /// away or the server shuts down. On the upgrade, the HTTP request is never answered.
    /// The session is released as soon as the client goes away (see [`Fault::StallAttached`]
    /// for a server that keeps it).
    Stall,
    /// Like [`Fault::Stall`], but the stalled connection keeps holding its session, as the
    /// real service does: until `hold` after the stall began (`None`: until the server shuts
    /// down), whether or not the client is still connected, a resume of that session is
    /// refused with 1011 "The service is currently unavailable.". When `hold` runs out the
    /// server ends the TCP connection (if the client has not) and releases the session.
    StallAttached {
        /// How long the session stays attached; `None` for ever.
        hold: Option<Duration>,
    },
    /// Let the next `after_sends` server messages go out, then cut the connection in the
    /// middle of whatever it is sending (a reply, usually): with a TCP drop when `code` is
    /// `None`, else with that close code ("Internal error occurred." as the reason).
    CutMidReply {
        /// Server messages sent before the cut.
        after_sends: usize,
        /// Close code, or `None` for a TCP drop.
        code: Option<u16>,
    },
    /// Stop reading altogether (the socket stays open; the client's writes back up in the
    /// kernel buffers until its sends block) until the server shuts down: a peer that cannot
    /// keep up.
    Freeze,
    /// Answer the HTTP upgrade with this status (only meaningful with
    /// [`FaultPlan::on_upgrade`]; a status below 300 is sent as 503).
    RefuseUpgrade {
        /// HTTP status code.
        status: u16,
    },
    /// Send a frame that is not valid JSON (`{"serverContent": {`), then carry on.
    Malformed,
    /// Cut the next server message in the middle of its WebSocket frame: write the frame
    /// header and half of its payload, then end the TCP connection (`shutdown(Both)`).
    TruncatedFrame,
    /// Sleep this long before reading each further client message.
    SlowReader {
        /// Delay before each read.
        delay: Duration,
    },
    /// Send `{"someFutureMessage":{"x":1}}`, a message kind no client knows.
    UnknownMessage,
    /// Keep the socket and keep accepting input, but never answer turns again.
    SilentDrop,
}

/// When a planned fault fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Trigger {
    /// At the HTTP upgrade.
    Upgrade,
    /// When the n-th client message has been received (0 = right after the upgrade).
    After(usize),
    /// When the n-th server message has been sent (1 = `setupComplete`).
    AfterServer(usize),
}

/// Which faults to inject, per connection. Build it with [`FaultPlan::at`],
/// [`FaultPlan::after_server`] and [`FaultPlan::on_upgrade`], or parse it with
/// [`parse_fault_plan`](super::parse_fault_plan).
#[derive(Clone, Debug, Default)]
pub struct FaultPlan {
    entries: Vec<(usize, Trigger, Fault)>,
}

impl FaultPlan {
    /// An empty plan.
    pub fn new() -> Self {
        FaultPlan::default()
    }

    /// On the `conn`-th accepted connection (1-based, counting every accepted TCP connection),
    /// when the server has received `after_messages` client data messages on that connection
    /// (the setup counts as message 1), inject `fault`.
    ///
    /// Timing relative to that message:
    /// - `Drop`, `Reset`, `Close`, `Stall`, `StallAttached`, `Freeze`, `Malformed` and
    ///   `SilentDrop` fire right after the message
    ///   is received and recorded, **before** it is processed: its replies are never sent
    ///   (for `Malformed` the message is then processed normally; for `SilentDrop` its input is
    ///   processed but no turn is answered from then on). A dropped, closed or stalled message
    ///   is not part of the session state. `CutMidReply` and `TruncatedFrame` are armed then,
    ///   so they cut the message's own replies.
    /// - `GoAway`, `GoAwayStrict` and `UnknownMessage` fire **after** the message has been
    ///   processed and all its immediate replies (e.g. a whole model turn) were sent.
    ///   `SlowReader` also applies after it: the delay precedes every later read.
    ///
    /// `after_messages == 0` fires right after the WebSocket upgrade, before any message.
    /// `RefuseUpgrade` is ignored here; use [`FaultPlan::on_upgrade`].
    pub fn at(mut self, conn: usize, after_messages: usize, fault: Fault) -> Self {
        self.entries
            .push((conn, Trigger::After(after_messages), fault));
        self
    }

    /// On the `conn`-th accepted connection (1-based), right after the server has sent its
    /// `after_messages`-th message on that connection (1 is `setupComplete`, and with
    /// resumption 2 is the first handle), inject `fault`, before anything else is sent or read.
    /// This reaches every server-message boundary, e.g. between a `turnComplete` and the
    /// handle that follows it. Messages the fault plan itself injects (GoAway, malformed and
    /// unknown messages) are not counted, so positions are those of a fault-free run.
    ///
    /// `Drop`, `Reset`, `Close`, `Stall`, `StallAttached` and `Freeze` end (or freeze) the
    /// connection there, so the rest of the reply is never sent (the input being answered is
    /// then part of the session state, its reply incomplete); `GoAway`, `GoAwayStrict`,
    /// `Malformed` and `UnknownMessage` send their message and carry on; `TruncatedFrame` cuts
    /// the next message; `CutMidReply` lets `after_sends` more messages out first; `SilentDrop`
    /// and `SlowReader` apply from then on. `RefuseUpgrade` is ignored here.
    pub fn after_server(mut self, conn: usize, after_messages: usize, fault: Fault) -> Self {
        self.entries
            .push((conn, Trigger::AfterServer(after_messages), fault));
        self
    }

    /// Inject `fault` at the upgrade of connection `conn` (1-based), before any message:
    /// `RefuseUpgrade` answers the HTTP request with its status, `Drop` closes the TCP
    /// connection without answering, `Stall` never answers; any other fault completes the
    /// upgrade and then fires at once (as with `at(conn, 0, fault)`).
    pub fn on_upgrade(mut self, conn: usize, fault: Fault) -> Self {
        self.entries.push((conn, Trigger::Upgrade, fault));
        self
    }

    /// Whether the plan has no faults.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The faults of connection `conn`, in the order they were added.
    pub(crate) fn for_conn(&self, conn: usize) -> Vec<(Trigger, Fault)> {
        self.entries
            .iter()
            .filter(|(c, _, _)| *c == conn)
            .map(|(_, t, f)| (*t, f.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_api_key() {
        let opts = FakeOptions {
            api_key: Some("secret-key-123".into()),
            ..FakeOptions::default()
        };
        let text = format!("{opts:?}");
        assert!(!text.contains("secret-key-123"));
        assert!(text.contains("<redacted>"));
    }
}
