//! The fault sweep's harness: a scripted conversation, its fault positions, one case, and the
//! checks of exactly-once delivery from the application's and from the server's view.
#![allow(dead_code)]

mod cases;
mod conversation;
mod records;

pub use cases::{run_case, run_kind, run_kind_extra, shape, Extra};

use std::time::Duration;

use gemini_live::fake::Fault;

/// Set to run every position of every fault kind.
pub const FULL_SWEEP_VAR: &str = "GEMINI_LIVE_FULL_SWEEP";

pub const TOOL_TEXT: &str = r#"call tool get_weather with {"city": "Paris"}"#;
pub const TOOL_RESULT: &str = r#"{"temp_c":21}"#;
const AUDIO_CHUNKS: usize = 4;
const AUDIO_CHUNK_BYTES: usize = 640;

/// How long one input may take to be answered, outages included.
const REPLY_DEADLINE: Duration = Duration::from_secs(15);

/// A fault of the sweep, placed at one position of connection 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FaultKind {
    /// TCP end without a close frame.
    Drop,
    /// TCP reset.
    Reset,
    /// Close 1011 "Internal error occurred.".
    Close1011,
    /// GoAway with this `timeLeft`; the server closes 1011 when it runs out if the client
    /// is still connected.
    GoAway(Duration),
    /// The server goes silent; the session is released when the client leaves.
    Stall,
    /// The server goes silent and keeps the session attached this long (`None`: for ever):
    /// resumes meanwhile are refused with 1011.
    StallHeld(Option<Duration>),
    /// A drop, and the next upgrade refused with 503.
    Refuse,
    /// A frame that is not JSON, then the conversation goes on.
    Malformed,
    /// The next server frame cut in half, then a TCP end.
    Truncate,
    /// A normal close (1000) the application did not ask for: the conversation goes on.
    Close1000,
}

impl FaultKind {
    fn fault(self) -> Fault {
        match self {
            FaultKind::Drop | FaultKind::Refuse => Fault::Drop,
            FaultKind::Reset => Fault::Reset,
            FaultKind::Close1011 => Fault::Close {
                code: 1011,
                reason: "Internal error occurred.".into(),
            },
            FaultKind::GoAway(left) => Fault::GoAway {
                time_left: left,
                then_close_after: Some(left),
            },
            FaultKind::Stall => Fault::Stall,
            FaultKind::StallHeld(hold) => Fault::StallAttached { hold },
            FaultKind::Malformed => Fault::Malformed,
            FaultKind::Truncate => Fault::TruncatedFrame,
            FaultKind::Close1000 => Fault::Close {
                code: 1000,
                reason: String::new(),
            },
        }
    }

    fn name(self) -> String {
        match self {
            FaultKind::GoAway(d) => format!("goaway({d:?})"),
            FaultKind::StallHeld(Some(d)) => format!("stall-held({d:?})"),
            FaultKind::StallHeld(None) => "stall-held(forever)".into(),
            other => format!("{other:?}").to_lowercase(),
        }
    }

    /// Whether a reply the server completed may have been destroyed before the client read
    /// it (an RST discards unread data), so that answering it again is right.
    fn may_destroy_sent_data(self) -> bool {
        matches!(self, FaultKind::Reset)
    }
}

/// How the conversation is set up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Variant {
    /// `Config::session_resumption`.
    pub resumption: bool,
    /// Spoken replies (`ResponseMode::TextAndAudio`: the fake's audio and its transcription)
    /// instead of text replies.
    pub audio: bool,
}

impl Variant {
    /// Text replies, resumption on and off, and spoken replies with resumption.
    pub const ALL: [Variant; 3] = [
        Variant {
            resumption: true,
            audio: false,
        },
        Variant {
            resumption: false,
            audio: false,
        },
        Variant {
            resumption: true,
            audio: true,
        },
    ];

    fn name(self) -> String {
        format!(
            "resumption {}, {} replies",
            if self.resumption { "on" } else { "off" },
            if self.audio { "spoken" } else { "text" },
        )
    }
}

/// Length of the fake's spoken replies (its default).
const REPLY_AUDIO_MS: u32 = 400;

/// Where on connection 1 the fault fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    /// After the n-th client message was received (1 = setup), see `FaultPlan::at`.
    Client(usize),
    /// After the n-th server message was sent (1 = setupComplete), see
    /// `FaultPlan::after_server`.
    Server(usize),
}
