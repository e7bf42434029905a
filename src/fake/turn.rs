//! Deterministic model turns: the server messages that make up one reply.

use serde_json::{json, Value};

use super::audio::{
    encode_base64, split_text, synth_reply_audio, synth_reply_words, REPLY_SAMPLE_RATE,
};

/// The response modality a session was set up with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Modality {
    Text,
    Audio,
}

impl Modality {
    fn name(self) -> &'static str {
        match self {
            Modality::Text => "TEXT",
            Modality::Audio => "AUDIO",
        }
    }
}

/// What a reply turn consists of.
pub(crate) struct TurnSpec<'a> {
    /// Turn number (1-based, per logical session).
    pub(crate) turn: u64,
    /// The reply text R.
    pub(crate) reply: &'a str,
    pub(crate) modality: Modality,
    /// Sent first as `inputTranscription` if set.
    pub(crate) input_transcript: Option<String>,
    /// Send R as `outputTranscription` pieces between audio chunks (AUDIO only).
    pub(crate) output_transcription: bool,
    pub(crate) prompt_tokens: u64,
    /// Stop after a couple of parts with `interrupted` instead of `generationComplete`.
    pub(crate) interrupted: bool,
    pub(crate) text_parts: usize,
    pub(crate) audio_ms: u32,
    pub(crate) chunk_ms: u32,
    /// The audio in words with gaps ([`synth_reply_words`]) rather than a steady tone.
    pub(crate) words: bool,
    /// `interactionStatus` sent with `turnComplete` (extended thinking), if any.
    pub(crate) interaction: Option<&'static str>,
    /// Send `usageMetadata` with `turnComplete` (the transcribe models send none).
    pub(crate) usage: bool,
}

/// Token counts the fake reports: about 4 characters per text token, 25 tokens per second of
/// audio (1,280 bytes of 16 kHz PCM16).
pub(crate) fn text_tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4).max(1)
}

pub(crate) fn audio_in_tokens(bytes: u64) -> u64 {
    bytes.div_ceil(1280).max(1)
}

fn response_tokens(spec: &TurnSpec<'_>) -> u64 {
    match spec.modality {
        Modality::Text => text_tokens(spec.reply),
        Modality::Audio => (u64::from(spec.audio_ms) * 25 / 1000).max(1),
    }
}

/// A `usageMetadata` object.
pub(crate) fn usage(prompt: u64, response: u64, modality: Modality) -> Value {
    json!({
        "promptTokenCount": prompt,
        "responseTokenCount": response,
        "totalTokenCount": prompt + response,
        "responseTokensDetails": [{"modality": modality.name(), "tokenCount": response}],
    })
}

/// The messages of one reply turn, in order, ending with `turnComplete` + `usageMetadata`.
pub(crate) fn reply_messages(spec: &TurnSpec<'_>) -> Vec<Value> {
    let mut out = Vec::new();
    if let Some(t) = &spec.input_transcript {
        out.push(json!({"serverContent": {"inputTranscription": {"text": t, "finished": true}}}));
    }
    let keep = if spec.interrupted { 2 } else { usize::MAX };
    match spec.modality {
        Modality::Text => {
            for piece in split_text(spec.reply, spec.text_parts)
                .into_iter()
                .take(keep)
            {
                out.push(json!({"serverContent": {"modelTurn": {"parts": [{"text": piece}]}}}));
            }
        }
        Modality::Audio => {
            let audio = if spec.words {
                synth_reply_words(spec.turn, spec.audio_ms)
            } else {
                synth_reply_audio(spec.turn, spec.audio_ms)
            };
            let chunk_bytes = if spec.chunk_ms == 0 {
                audio.len().max(2)
            } else {
                (spec.chunk_ms as usize * REPLY_SAMPLE_RATE as usize / 1000 * 2).max(2)
            };
            let chunks: Vec<&[u8]> = audio.chunks(chunk_bytes).collect();
            let mut pieces = if spec.output_transcription {
                split_text(spec.reply, chunks.len().max(1))
            } else {
                Vec::new()
            }
            .into_iter();
            for chunk in chunks.iter().take(keep) {
                out.push(
                    json!({"serverContent": {"modelTurn": {"parts": [{"inlineData": {
                        "mimeType": "audio/pcm;rate=24000",
                        "data": encode_base64(chunk),
                    }}]}}}),
                );
                if let Some(p) = pieces.next() {
                    out.push(json!({"serverContent": {"outputTranscription": {"text": p}}}));
                }
            }
            if !spec.interrupted {
                for p in pieces {
                    out.push(json!({"serverContent": {"outputTranscription": {"text": p}}}));
                }
            }
        }
    }
    if spec.interrupted {
        out.push(json!({"serverContent": {"interrupted": true}}));
    } else {
        out.push(json!({"serverContent": {"generationComplete": true}}));
    }
    out.push(turn_complete(spec, response_tokens(spec)));
    out
}

/// The `turnComplete` message of a turn, with its interaction status and usage.
fn turn_complete(spec: &TurnSpec<'_>, response: u64) -> Value {
    let mut m = json!({"serverContent": {"turnComplete": true}});
    if let Some(status) = spec.interaction {
        m["serverContent"]["interactionStatus"] = json!(status);
    }
    if spec.usage {
        m["usageMetadata"] = usage(spec.prompt_tokens, response, spec.modality);
    }
    m
}

/// A transcribe model's answer to an audio turn: the reply R as growing
/// `interimInputTranscription`s, then the final `inputTranscription`, then `turnComplete`
/// (no model turn; usage only if the spec asks).
pub(crate) fn transcribe_messages(spec: &TurnSpec<'_>) -> Vec<Value> {
    let mut out = Vec::new();
    let mut so_far = String::new();
    for piece in split_text(spec.reply, spec.text_parts) {
        so_far.push_str(&piece);
        out.push(json!({"serverContent": {"interimInputTranscription": {
            "text": so_far, "languageCode": "en-US"}}}));
    }
    out.push(json!({"serverContent": {"inputTranscription": {
        "text": spec.reply, "finished": true, "languageCode": "en-US"}}}));
    out.push(turn_complete(spec, 0));
    out
}

/// `call tool NAME with {JSON}` → (NAME, JSON object).
pub(crate) fn parse_tool_request(text: &str) -> Option<(String, Value)> {
    let rest = text.trim().strip_prefix("call tool ")?;
    let (name, args) = rest.split_once(" with ")?;
    let name = name.trim();
    if name.is_empty() || name.contains(char::is_whitespace) {
        return None;
    }
    let args: Value = serde_json::from_str(args.trim()).ok()?;
    args.is_object().then(|| (name.to_string(), args))
}

/// Paces a reply's audio at `FakeOptions::audio_pace` times real time: each audio message
/// waits until the audio before it would have been generated.
pub(crate) struct Pace {
    pace: f64,
    start: std::time::Instant,
    audio_ms: f64,
}

impl Pace {
    pub(crate) fn new(pace: f64) -> Pace {
        Pace {
            pace,
            start: std::time::Instant::now(),
            audio_ms: 0.0,
        }
    }

    /// Sleeps before `message` if it carries audio that is not due yet.
    pub(crate) fn wait_for(&mut self, message: &Value) {
        if !(self.pace > 0.0 && self.pace.is_finite()) {
            return;
        }
        let part = &message["serverContent"]["modelTurn"]["parts"][0]["inlineData"]["data"];
        let Some(data) = part.as_str() else {
            return;
        };
        let due =
            self.start + std::time::Duration::from_secs_f64(self.audio_ms / 1000.0 / self.pace);
        if let Some(wait) = due.checked_duration_since(std::time::Instant::now()) {
            std::thread::sleep(wait);
        }
        // base64 of 24 kHz PCM16: 3 bytes per 4 characters, 48 bytes a millisecond.
        self.audio_ms += data.len() as f64 * 3.0 / 4.0 / 48.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::audio::decode_base64;

    fn spec(modality: Modality, reply: &str) -> TurnSpec<'_> {
        TurnSpec {
            turn: 1,
            reply,
            modality,
            input_transcript: None,
            output_transcription: false,
            prompt_tokens: 2,
            interrupted: false,
            text_parts: 3,
            audio_ms: 400,
            words: false,
            chunk_ms: 100,
            interaction: None,
            usage: true,
        }
    }

    #[test]
    fn text_turn_is_parts_then_generation_then_turn_complete() {
        let msgs = reply_messages(&spec(Modality::Text, "[turn 1] echo: hi"));
        assert_eq!(msgs.len(), 5);
        let text: String = msgs[..3]
            .iter()
            .map(|m| {
                m["serverContent"]["modelTurn"]["parts"][0]["text"]
                    .as_str()
                    .unwrap()
            })
            .collect();
        assert_eq!(text, "[turn 1] echo: hi");
        assert_eq!(
            msgs[3],
            json!({"serverContent": {"generationComplete": true}})
        );
        assert_eq!(msgs[4]["serverContent"]["turnComplete"], true);
        assert_eq!(msgs[4]["usageMetadata"]["totalTokenCount"], 2 + 5);
    }

    #[test]
    fn audio_turn_interleaves_chunks_and_transcription() {
        let mut s = spec(Modality::Audio, "[turn 1] heard");
        s.output_transcription = true;
        s.input_transcript = Some("640 bytes of audio".into());
        let msgs = reply_messages(&s);
        assert_eq!(
            msgs[0]["serverContent"]["inputTranscription"]["finished"],
            true
        );
        let mut audio = Vec::new();
        let mut transcript = String::new();
        for m in &msgs {
            let sc = &m["serverContent"];
            if let Some(d) = sc["modelTurn"]["parts"][0]["inlineData"]["data"].as_str() {
                audio.extend(decode_base64(d).unwrap());
            }
            if let Some(t) = sc["outputTranscription"]["text"].as_str() {
                transcript.push_str(t);
            }
        }
        assert_eq!(audio, synth_reply_audio(1, 400));
        assert_eq!(transcript, "[turn 1] heard");
        // input transcription, 4 × (chunk + transcript), generationComplete, turnComplete
        assert_eq!(msgs.len(), 1 + 8 + 2);
    }

    #[test]
    fn interrupted_turn_has_no_generation_complete() {
        let mut s = spec(Modality::Text, "[turn 1] echo: interrupt me");
        s.interrupted = true;
        let msgs = reply_messages(&s);
        assert_eq!(msgs.len(), 4);
        assert_eq!(msgs[2], json!({"serverContent": {"interrupted": true}}));
    }

    #[test]
    fn interaction_status_rides_on_turn_complete_and_usage_can_be_left_out() {
        let mut s = spec(Modality::Text, "[turn 1] echo: hi");
        s.interaction = Some("IN_PROGRESS");
        s.usage = false;
        let msgs = reply_messages(&s);
        assert_eq!(
            msgs.last().unwrap(),
            &json!({"serverContent": {"turnComplete": true, "interactionStatus": "IN_PROGRESS"}})
        );
        let t = transcribe_messages(&spec(Modality::Text, "[turn 1] heard"));
        let interim: Vec<&str> = t
            .iter()
            .filter_map(|m| m["serverContent"]["interimInputTranscription"]["text"].as_str())
            .collect();
        assert_eq!(interim.last(), Some(&"[turn 1] heard"));
        assert!(interim.len() > 1, "{interim:?}");
        assert_eq!(
            t[t.len() - 2]["serverContent"]["inputTranscription"]["finished"],
            true
        );
        assert!(t
            .iter()
            .all(|m| m.get("usageMetadata").is_some()
                == (m["serverContent"]["turnComplete"] == true)));
    }

    #[test]
    fn tool_requests() {
        let (name, args) =
            parse_tool_request("call tool get_weather with {\"city\": \"Paris\"}").unwrap();
        assert_eq!(name, "get_weather");
        assert_eq!(args, json!({"city": "Paris"}));
        assert!(parse_tool_request("call tool x with [1]").is_none());
        assert!(parse_tool_request("call tool with {}").is_none());
        assert!(parse_tool_request("hello").is_none());
    }
}
