//! The `setup` message a configuration sends ([`Config::setup_message`]).

use super::{Config, ResponseMode};
use crate::protocol;

impl Config {
    /// The `setup` message for this configuration, resuming `handle` if given.
    pub fn setup_message(&self, handle: Option<&str>) -> protocol::Setup {
        use protocol::*;
        let mut generation = self.generation.clone();
        generation.response_modalities = vec![match self.response_mode {
            ResponseMode::Text => Modality::Text,
            ResponseMode::Audio | ResponseMode::TextAndAudio => Modality::Audio,
        }];
        if self.voice.is_some() || self.language_code.is_some() {
            generation.speech_config = Some(SpeechConfig {
                voice_config: self.voice.as_ref().map(|v| VoiceConfig {
                    prebuilt_voice_config: Some(PrebuiltVoiceConfig {
                        voice_name: v.clone(),
                    }),
                    ..VoiceConfig::default()
                }),
                language_code: self.language_code.clone(),
            });
        }
        let audio_out = self.response_mode != ResponseMode::Text;
        Setup {
            model: self.model_name(),
            generation_config: Some(generation),
            system_instruction: self
                .system_instruction
                .as_ref()
                .map(|t| Content::text("user", t)),
            tools: (!self.tools.is_empty()).then(|| self.tools.clone()),
            realtime_input_config: self.realtime_input.clone(),
            session_resumption: self.session_resumption.then(|| SessionResumptionConfig {
                handle: handle.map(str::to_string),
                transparent: self
                    .vertex
                    .as_ref()
                    .is_some_and(|v| v.transparent_resumption)
                    .then_some(true),
            }),
            context_window_compression: self.context_window_compression.clone(),
            input_audio_transcription: (self.input_transcription || self.restores_context())
                .then(|| self.input_transcription_config.clone()),
            output_audio_transcription: (audio_out
                && (self.output_transcription
                    || self.response_mode == ResponseMode::TextAndAudio
                    || self.restores_context()))
            .then(|| self.output_transcription_config.clone()),
            proactivity: self.proactivity.clone(),
            history_config: self.history.clone(),
            safety_settings: (!self.safety_settings.is_empty())
                .then(|| self.safety_settings.clone()),
            explicit_vad_signal: self.explicit_vad_signal,
            extra: self.extra_setup.clone(),
        }
    }
}
