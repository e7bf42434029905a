//! The wire recorder's setter of `gemini_live_config`: every data frame of a session, both
//! ways, as JSON Lines.

use crate::ffi::config::gemini_live_config;
use crate::ffi::*;
use crate::record::{AudioRecording, Recorder};

/// `gemini_live_config_set_record`: keep audio and video payloads as sent.
pub const GEMINI_LIVE_RECORD_AUDIO_KEEP: u32 = 0;
/// `gemini_live_config_set_record`: keep only their length and checksum.
pub const GEMINI_LIVE_RECORD_AUDIO_SUMMARY: u32 = 1;

/// Records every data frame of the sessions made from `config`, both ways, as JSON Lines in
/// the file `path` (created or truncated now; the format is in the README and
/// `gemini_live::record`). `audio` is `GEMINI_LIVE_RECORD_AUDIO_KEEP` (default) or
/// `GEMINI_LIVE_RECORD_AUDIO_SUMMARY`. A NULL `path` turns recording off. Secrets are never
/// written. `GEMINI_LIVE_IO` if the file cannot be created. Defaults to no recording.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_record(
    config: *mut gemini_live_config,
    path: *const c_char,
    audio: u32,
) -> gemini_live_result {
    boundary(|| {
        let config = arg_mut(config, "config")?;
        if path.is_null() {
            config.inner.recorder = None;
            return Ok(());
        }
        let path = arg_str(path, "path")?;
        let audio = match audio {
            GEMINI_LIVE_RECORD_AUDIO_KEEP => AudioRecording::Keep,
            GEMINI_LIVE_RECORD_AUDIO_SUMMARY => AudioRecording::Summary,
            other => return Err(Fail::invalid(format!("record audio mode {other}"))),
        };
        config.inner.recorder = Some(Recorder::create(path, audio)?);
        Ok(())
    })
}
