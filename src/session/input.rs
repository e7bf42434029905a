//! The input side of [`Session`]: every `send_*` call, checked before it is queued.

use super::{Session, State};
use crate::error::{Error, Result};
use crate::frames::InputKind;
use crate::protocol::{self, ClientMessage, Content, FunctionResponse};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Sample rate of `send_audio` when none is given: 16 kHz, what the service expects.
pub const INPUT_SAMPLE_RATE: u32 = 16_000;

/// What the input checks remember between calls.
#[derive(Debug)]
pub(crate) struct TurnInput {
    /// Audio was sent since the last end of an utterance (`audio_stream_end`,
    /// `activity_end`): an end without it would ask for a reply to nothing.
    audio: AtomicBool,
    /// `historyConfig.initialHistoryInClientContent` is on and its history was not ended yet:
    /// the next `clientContent` with `turnComplete` ends it and asks nothing.
    initial_history: AtomicBool,
}

impl TurnInput {
    pub fn new(config: &crate::Config) -> TurnInput {
        let initial = (config.history.as_ref())
            .and_then(|h| h.initial_history_in_client_content)
            .unwrap_or(false);
        TurnInput {
            audio: AtomicBool::new(false),
            initial_history: AtomicBool::new(initial),
        }
    }
}

impl Session {
    /// Sends any client message, waiting up to the send timeout for room in the queue
    /// ([`Error::SendTimeout`] after that). A `setup` is refused: the session sends it.
    pub fn send(&self, msg: &ClientMessage) -> Result<()> {
        self.send_message(msg, true)
    }

    /// Like [`send`](Self::send) but never waits: [`Error::WouldBlock`] if the queue is full.
    pub fn try_send(&self, msg: &ClientMessage) -> Result<()> {
        self.send_message(msg, false)
    }

    fn send_message(&self, msg: &ClientMessage, wait: bool) -> Result<()> {
        let class = match msg {
            ClientMessage::Setup(_) => {
                return Err(Error::InvalidInput(
                    "setup is sent by the session itself, once per connection".into(),
                ))
            }
            // The end of initial history (`historyConfig`) asks nothing.
            ClientMessage::ClientContent(c)
                if c.turn_complete
                    && self
                        .turn_input
                        .initial_history
                        .swap(false, Ordering::SeqCst) =>
            {
                (false, InputKind::Plain, Duration::ZERO)
            }
            ClientMessage::ClientContent(c) if c.turn_complete => {
                (true, InputKind::TurnEnd, Duration::ZERO)
            }
            ClientMessage::ClientContent(_) => (false, InputKind::Plain, Duration::ZERO),
            ClientMessage::RealtimeInput(r) => {
                self.check_realtime(r)?;
                if r.audio.is_some() {
                    self.turn_input.audio.store(true, Ordering::SeqCst);
                }
                let open = !matches!(self.state(), State::Closing | State::Closed);
                if open
                    && (r.audio_stream_end.is_some() || r.activity_end.is_some())
                    && !self.turn_input.audio.swap(false, Ordering::SeqCst)
                {
                    let which = if r.activity_end.is_some() {
                        "activity_end"
                    } else {
                        "audio_stream_end"
                    };
                    return Err(Error::InvalidInput(format!(
                        "{which} with no audio sent since the last turn would ask for a reply \
                         to nothing; send audio first"
                    )));
                }
                let kind = if r.audio_stream_end.is_some() || r.activity_end.is_some() {
                    InputKind::AudioEnd
                } else if r.text.is_some() {
                    InputKind::TurnEnd
                } else {
                    InputKind::Plain
                };
                (true, kind, Duration::ZERO)
            }
            ClientMessage::ContextUpdate(_) => (true, InputKind::Plain, Duration::ZERO),
            ClientMessage::ToolResponse(t) => {
                check_tool_responses(&t.function_responses)?;
                let ids = t.function_responses.iter().map(|f| f.id.clone()).collect();
                let continuing = (t.function_responses.iter())
                    .filter(|f| f.will_continue == Some(true))
                    .map(|f| f.id.clone())
                    .collect();
                (
                    true,
                    InputKind::ToolResponse { ids, continuing },
                    Duration::ZERO,
                )
            }
        };
        self.enqueue(protocol::encode_client(msg), class, wait)
    }

    fn check_realtime(&self, r: &protocol::RealtimeInput) -> Result<()> {
        let vad = self.shared.config.automatic_vad();
        if (r.activity_start.is_some() || r.activity_end.is_some()) && vad {
            return Err(Error::InvalidInput(
                "activity start and end signals need automatic activity detection disabled \
                 (the server detects speech itself by default)"
                    .into(),
            ));
        }
        if r.audio_stream_end.is_some() && !vad {
            return Err(Error::InvalidInput(
                "the end of the audio stream is for automatic activity detection; with it \
                 disabled, end the turn with an activity end signal"
                    .into(),
            ));
        }
        Ok(())
    }

    /// Sends a user text turn (`clientContent`, `turnComplete: true`).
    pub fn send_text(&self, text: &str) -> Result<()> {
        self.send_client_content(vec![Content::text("user", text)], true)
    }

    /// Sends turns (e.g. history, with `model` turns) as `clientContent`.
    pub fn send_client_content(&self, turns: Vec<Content>, turn_complete: bool) -> Result<()> {
        if turns.is_empty() {
            return Err(Error::InvalidInput("no turns to send".into()));
        }
        self.send(&ClientMessage::ClientContent(protocol::ClientContent {
            turns,
            turn_complete,
        }))
    }

    /// Sends text as realtime input (`realtimeInput.text`).
    pub fn send_realtime_text(&self, text: &str) -> Result<()> {
        self.send(&ClientMessage::RealtimeInput(protocol::RealtimeInput {
            text: Some(text.to_string()),
            ..Default::default()
        }))
    }

    /// Sends 16 kHz mono PCM samples.
    pub fn send_audio(&self, samples: &[i16]) -> Result<()> {
        self.send_audio_rate(samples, INPUT_SAMPLE_RATE)
    }

    /// Sends mono PCM samples captured at `rate` Hz (labelled `audio/pcm;rate=N`; the
    /// service resamples).
    pub fn send_audio_rate(&self, samples: &[i16], rate: u32) -> Result<()> {
        self.audio(&samples_to_bytes(samples), rate, true)
    }

    /// Sends 16 kHz mono PCM16LE bytes (an even count).
    pub fn send_audio_bytes(&self, pcm: &[u8]) -> Result<()> {
        self.audio(pcm, INPUT_SAMPLE_RATE, true)
    }

    /// Sends mono PCM16LE bytes captured at `rate` Hz.
    pub fn send_audio_bytes_rate(&self, pcm: &[u8], rate: u32) -> Result<()> {
        self.audio(pcm, rate, true)
    }

    /// Like [`send_audio_bytes_rate`](Self::send_audio_bytes_rate) but never waits:
    /// [`Error::WouldBlock`] if the send queue is full.
    pub fn try_send_audio_bytes_rate(&self, pcm: &[u8], rate: u32) -> Result<()> {
        self.audio(pcm, rate, false)
    }

    /// Like [`send_audio_rate`](Self::send_audio_rate) but never waits:
    /// [`Error::WouldBlock`] if the send queue is full.
    pub fn try_send_audio_rate(&self, samples: &[i16], rate: u32) -> Result<()> {
        self.audio(&samples_to_bytes(samples), rate, false)
    }

    fn audio(&self, pcm: &[u8], rate: u32, wait: bool) -> Result<()> {
        if pcm.is_empty() {
            return Err(Error::InvalidInput("empty audio chunk".into()));
        }
        if !pcm.len().is_multiple_of(2) {
            return Err(Error::InvalidInput(format!(
                "{} bytes is not a whole number of 16-bit samples",
                pcm.len()
            )));
        }
        if !(1_000..=192_000).contains(&rate) {
            return Err(Error::InvalidInput(format!(
                "sample rate {rate} Hz is outside 1000..=192000"
            )));
        }
        let audio = Duration::from_micros(pcm.len() as u64 / 2 * 1_000_000 / rate as u64);
        self.enqueue(
            protocol::encode_audio_frame(pcm, rate),
            (true, InputKind::Plain, audio),
            wait,
        )?;
        self.turn_input.audio.store(true, Ordering::SeqCst);
        Ok(())
    }

    /// Sends one video frame (a JPEG image).
    pub fn send_video_frame(&self, jpeg: &[u8]) -> Result<()> {
        if jpeg.is_empty() {
            return Err(Error::InvalidInput("empty video frame".into()));
        }
        self.send(&ClientMessage::RealtimeInput(protocol::RealtimeInput {
            video: Some(protocol::Blob {
                mime_type: "image/jpeg".into(),
                data: protocol::encode_base64(jpeg),
            }),
            ..Default::default()
        }))
    }

    /// Tells the service the microphone paused (automatic activity detection only).
    pub fn audio_stream_end(&self) -> Result<()> {
        self.send(&ClientMessage::RealtimeInput(protocol::RealtimeInput {
            audio_stream_end: Some(true),
            ..Default::default()
        }))
    }

    /// Marks the start of user activity (automatic activity detection disabled only).
    pub fn activity_start(&self) -> Result<()> {
        self.send(&ClientMessage::RealtimeInput(protocol::RealtimeInput {
            activity_start: Some(protocol::Empty {}),
            ..Default::default()
        }))
    }

    /// Marks the end of user activity (automatic activity detection disabled only).
    pub fn activity_end(&self) -> Result<()> {
        self.send(&ClientMessage::RealtimeInput(protocol::RealtimeInput {
            activity_end: Some(protocol::Empty {}),
            ..Default::default()
        }))
    }

    /// Answers function calls; each response carries the `id` of its call.
    pub fn send_tool_response(&self, responses: Vec<FunctionResponse>) -> Result<()> {
        self.send(&ClientMessage::ToolResponse(protocol::ToolResponse {
            function_responses: responses,
        }))
    }
}

/// PCM16 samples as the little-endian bytes the wire carries (the one conversion; the C ABI's
/// sample functions come through here too).
fn samples_to_bytes(samples: &[i16]) -> Vec<u8> {
    let mut out = Vec::with_capacity(samples.len() * 2);
    for s in samples {
        out.extend_from_slice(&s.to_le_bytes());
    }
    out
}

fn check_tool_responses(r: &[FunctionResponse]) -> Result<()> {
    if r.is_empty() {
        return Err(Error::InvalidInput("no function responses".into()));
    }
    if let Some(bad) = r.iter().find(|f| f.id.is_empty()) {
        return Err(Error::InvalidInput(format!(
            "the response to `{}` has no call id (the service requires it)",
            bad.name
        )));
    }
    Ok(())
}
