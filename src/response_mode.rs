//! [`ResponseMode`]: what the model answers with. A leaf: the configuration, the capability
//! table, the wording of messages and the session all name it, and it names none of them
//! (its public paths stay `gemini_live::config::ResponseMode` and `gemini_live::ResponseMode`).

/// What the model answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ResponseMode {
    /// Text parts (`responseModalities: ["TEXT"]`); only some models support it.
    Text,
    /// 24 kHz PCM audio (`["AUDIO"]`).
    Audio,
    /// Audio plus its transcription delivered as text events: sent as `["AUDIO"]` with
    /// `outputAudioTranscription: {}`, since the service allows one modality per session.
    #[default]
    TextAndAudio,
}

impl ResponseMode {
    /// Parses `text`, `audio`, `text+audio` (case-insensitive).
    pub fn parse(s: &str) -> Option<ResponseMode> {
        match s.to_ascii_lowercase().as_str() {
            "text" => Some(ResponseMode::Text),
            "audio" => Some(ResponseMode::Audio),
            "text+audio" | "audio+text" | "text_and_audio" | "both" => {
                Some(ResponseMode::TextAndAudio)
            }
            _ => None,
        }
    }
}
