//! The audio side of a voice app: input resampling ([`resample`]) to the 16 kHz mono PCM16
//! the Live API takes, and a real-time-safe playout buffer ([`player`]) for the model's
//! 24 kHz audio that honours barge-in.

pub mod echo;
mod pacing;
pub mod playback;
pub mod player;
pub mod resample;
pub mod tap;
pub mod telephony;
pub mod vad;

pub use echo::{EchoCanceller, EchoConfig, EchoMicInput, EchoStats, NoiseSuppression};
pub use player::{
    cut_at_fraction, Player, PlayerConfig, PlayerMonitor, PlayerReader, PlayerStats, PlayerWriter,
    TurnPlayback,
};
pub use resample::{Resampler, INPUT_RATE, OUTPUT_RATE};
pub use tap::PlayedTap;
pub use telephony::{PhoneIn, PhoneOut, PhoneOutAction, PhoneOutConfig, PhoneOutStats, G711};
pub use vad::{Vad, VadConfig, VadEvent, VadMode, VadSender, VadStats};
