//! [`VadSender`]: a [`Vad`] in front of a [`Session`], sending the utterances with pre-roll
//! and marking them.

use super::{Vad, VadConfig, VadEvent, VadMode, HALF, VAD_FRAME, VAD_RATE};
use crate::error::Result;
use crate::Session;
use std::collections::VecDeque;

/// Counters of a [`VadSender`], in 16 kHz samples.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VadStats {
    /// Utterances started.
    pub utterances: u64,
    /// Samples sent (utterances with their pre-roll and hangover).
    pub sent: u64,
    /// Samples held back as silence and never sent.
    pub withheld: u64,
}

/// A [`Vad`] in front of a [`Session`]: sends utterances with pre-roll, and marks them with
/// `activityStart` / `activityEnd` ([`VadMode::Activity`]) or ends each with
/// `audioStreamEnd` ([`VadMode::Gate`]). Set the session up with [`VadConfig::configure`].
/// Not for the audio callback (sending encodes and queues a message).
#[derive(Debug)]
pub struct VadSender {
    config: VadConfig,
    vad: Vad,
    /// Audio not sent yet: while silent, the last `pre_roll` (plus a frame being decided).
    held: VecDeque<i16>,
    pre_roll: usize,
    out: Vec<i16>,
    stats: VadStats,
}

impl VadSender {
    /// A sender deciding by `config`. Allocates its buffers now.
    pub fn new(config: VadConfig) -> Result<VadSender> {
        let vad = Vad::new(&config)?;
        let pre_roll = (config.pre_roll.as_millis() as usize) * (VAD_RATE as usize / 1000);
        Ok(VadSender {
            config,
            vad,
            held: VecDeque::with_capacity(pre_roll + 4 * VAD_FRAME),
            pre_roll,
            out: Vec::with_capacity(VAD_RATE as usize / 10),
            stats: VadStats::default(),
        })
    }

    /// The settings.
    pub fn config(&self) -> &VadConfig {
        &self.config
    }

    /// The detector (its score and state).
    pub fn vad(&self) -> &Vad {
        &self.vad
    }

    /// The detector, to run it without sending ([`Vad::process`]); do not mix with
    /// [`push`](Self::push).
    pub fn detector_mut(&mut self) -> &mut Vad {
        &mut self.vad
    }

    /// Counters.
    pub fn stats(&self) -> VadStats {
        self.stats
    }

    /// Takes 16 kHz mono PCM16 from the microphone: runs the detector, sends what belongs to
    /// an utterance (with its pre-roll) and the activity signals, and calls `on_event` at
    /// each speech start and end. A send error stops the call and is returned (the audio of
    /// that call is lost; the detector's state is kept).
    pub fn push(
        &mut self,
        session: &Session,
        pcm: &[i16],
        mut on_event: impl FnMut(VadEvent),
    ) -> Result<()> {
        let mut rest = pcm;
        while !rest.is_empty() {
            // Up to the next 8 ms step, so each decision applies where it was made.
            let n = rest.len().min(HALF - self.vad.staged % HALF);
            let (piece, tail) = rest.split_at(n);
            rest = tail;
            self.held.extend(piece.iter().copied());
            let mut event = None;
            self.vad.process(piece, |e| event = Some(e));
            match event {
                Some(e @ VadEvent::SpeechStart { .. }) => {
                    self.stats.utterances += 1;
                    if self.config.mode == VadMode::Activity {
                        session.activity_start()?;
                    }
                    on_event(e);
                }
                Some(e @ VadEvent::SpeechEnd { .. }) => {
                    self.send_held(session)?;
                    match self.config.mode {
                        VadMode::Activity => session.activity_end()?,
                        VadMode::Gate => session.audio_stream_end()?,
                    }
                    on_event(e);
                }
                None => {}
            }
            if !self.vad.is_speech() {
                // Silence: keep only the pre-roll (and the step being decided).
                let keep = self.pre_roll + self.vad.staged % HALF;
                while self.held.len() > keep {
                    self.held.pop_front();
                    self.stats.withheld += 1;
                }
            }
        }
        if self.vad.is_speech() {
            self.send_held(session)?;
        }
        Ok(())
    }

    fn send_held(&mut self, session: &Session) -> Result<()> {
        if self.held.is_empty() {
            return Ok(());
        }
        self.out.clear();
        self.out.extend(self.held.drain(..));
        self.stats.sent += self.out.len() as u64;
        session.send_audio(&self.out)
    }

    /// Ends the stream: an utterance in progress is sent and closed as at a speech end;
    /// the detector starts afresh.
    pub fn finish(&mut self, session: &Session) -> Result<()> {
        if self.vad.is_speech() {
            self.send_held(session)?;
            match self.config.mode {
                VadMode::Activity => session.activity_end()?,
                VadMode::Gate => session.audio_stream_end()?,
            }
        }
        self.stats.withheld += self.held.len() as u64;
        self.held.clear();
        self.vad.reset();
        Ok(())
    }
}
