//! The enums of the setup and tool-response messages, serialised as their protocol names
//! (`START_SENSITIVITY_LOW`, ...), each with a lenient parser for the C and Python setters.

use serde::Serialize;

/// Declares a wire enum: serialised as its protocol name, with `as_str`,
/// `ALL` and a lenient `parse` (the full name or its last words, any case).
macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $wire:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Serialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $wire)] $v),+
        }
        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            /// The protocol name, e.g. `"START_SENSITIVITY_LOW"`.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $wire),+ }
            }
            /// Parses the protocol name or its distinguishing end (`"low"` for
            /// `START_SENSITIVITY_LOW`), case-insensitive; `None` if it matches no value.
            pub fn parse(s: &str) -> Option<$name> {
                let up = s.trim().to_ascii_uppercase().replace(['-', ' '], "_");
                if up.is_empty() {
                    return None;
                }
                let all = Self::ALL.iter().copied();
                all.clone().find(|v| v.as_str() == up).or_else(|| {
                    let tail = format!("_{up}");
                    let mut hits = all.filter(|v| v.as_str().ends_with(&tail));
                    match (hits.next(), hits.next()) {
                        (Some(v), None) => Some(v),
                        _ => None,
                    }
                })
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_enum! {
    /// `generationConfig.mediaResolution`: the resolution video frames are read at.
    MediaResolution {
        /// `MEDIA_RESOLUTION_LOW` (64 tokens per frame).
        Low = "MEDIA_RESOLUTION_LOW",
        /// `MEDIA_RESOLUTION_MEDIUM`.
        Medium = "MEDIA_RESOLUTION_MEDIUM",
        /// `MEDIA_RESOLUTION_HIGH`.
        High = "MEDIA_RESOLUTION_HIGH",
    }
}

wire_enum! {
    /// `automaticActivityDetection.startOfSpeechSensitivity` (the service's default is HIGH).
    StartSensitivity {
        /// Speech start is detected more often.
        High = "START_SENSITIVITY_HIGH",
        /// Speech start is detected less often.
        Low = "START_SENSITIVITY_LOW",
    }
}

wire_enum! {
    /// `automaticActivityDetection.endOfSpeechSensitivity` (the service's default is HIGH).
    EndSensitivity {
        /// Speech end is detected more often.
        High = "END_SENSITIVITY_HIGH",
        /// Speech end is detected less often.
        Low = "END_SENSITIVITY_LOW",
    }
}

wire_enum! {
    /// `realtimeInputConfig.activityHandling`: what user activity does to the model's output.
    ActivityHandling {
        /// Barge-in: the start of activity interrupts the model (the service's default).
        StartOfActivityInterrupts = "START_OF_ACTIVITY_INTERRUPTS",
        /// The model is not interrupted.
        NoInterruption = "NO_INTERRUPTION",
    }
}

wire_enum! {
    /// `realtimeInputConfig.turnCoverage`: which input a user turn includes.
    TurnCoverage {
        /// Only the detected activity (the default before Gemini 3.1).
        OnlyActivity = "TURN_INCLUDES_ONLY_ACTIVITY",
        /// All input since the last turn.
        AllInput = "TURN_INCLUDES_ALL_INPUT",
        /// Audio activity and all video (the default on Gemini 3.1/3.8 Live).
        AudioActivityAndAllVideo = "TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO",
    }
}

wire_enum! {
    /// `FunctionDeclaration.behavior`.
    Behavior {
        /// The model waits for the response before it goes on (the default before 3.8).
        Blocking = "BLOCKING",
        /// The model keeps talking while the call runs (the default, and the only kind on
        /// extended thinking, on 3.8 Live).
        NonBlocking = "NON_BLOCKING",
    }
}

wire_enum! {
    /// `FunctionResponse.scheduling`: when the model uses a non-blocking function's result.
    Scheduling {
        /// Add the result to the context without speaking about it.
        Silent = "SILENT",
        /// Speak about it once the model is idle.
        WhenIdle = "WHEN_IDLE",
        /// Interrupt what the model is saying and speak about it now.
        Interrupt = "INTERRUPT",
    }
}

wire_enum! {
    /// `AudioTranscriptionConfig.mode` (model support uncertain).
    TranscriptionMode {
        /// Word for word.
        Verbatim = "VERBATIM",
        /// Cleaned up (fillers removed).
        Smart = "SMART",
    }
}
