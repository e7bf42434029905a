//! [`VadSender`]: a [`Vad`] in front of a [`Session`], sending the utterances with pre-roll
//! and marking them.

use super::{Vad, VadConfig, VadEvent, VadMode, HALF, VAD_FRAME, VAD_RATE};
use crate::error::Result;
use crate::Session;
use std::collections::VecDeque;

/// Counters of a [`VadSender`], in 16 kHz samples.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VadStats {
    /// Utterances sent (started and, if on the fast onset path, confirmed by the model).
    pub utterances: u64,
    /// Samples sent (utterances with their pre-roll and hangover).
    pub sent: u64,
    /// Samples held back as silence (or as a retracted start) and never sent.
    pub withheld: u64,
}

/// A [`Vad`] in front of a [`Session`]: sends utterances with pre-roll, and marks them with
/// `activityStart` / `activityEnd` ([`VadMode::Activity`]) or ends each with
/// `audioStreamEnd` ([`VadMode::Gate`]). The server hears of an utterance only once it is sure:
/// a fast start waits (holding its audio) for the model's confirmation, and one retracted
/// (a knock) never reaches the server. Set the session up with [`VadConfig::configure`].
/// Not for the audio callback (sending encodes and queues a message).
#[derive(Debug)]
pub struct VadSender {
    config: VadConfig,
    vad: Vad,
    /// Audio not sent yet: while silent, the last `pre_roll` (plus a step being decided);
    /// during a tentative start, everything since.
    held: VecDeque<i16>,
    pre_roll: usize,
    out: Vec<i16>,
    stats: VadStats,
    /// Whether the server was told of the utterance in progress (`activityStart` sent, or
    /// its audio going out in the gate mode).
    open: bool,
}

impl VadSender {
    /// A sender deciding by `config`. Allocates its buffers now.
    pub fn new(config: VadConfig) -> Result<VadSender> {
        let vad = Vad::new(&config)?;
        let per_ms = VAD_RATE as usize / 1000;
        let pre_roll = (config.pre_roll.as_millis() as usize) * per_ms;
        // Room for the pre-roll and a tentative start's wait for the model.
        let confirm = (config.confirm.as_millis() as usize) * per_ms;
        Ok(VadSender {
            config,
            vad,
            held: VecDeque::with_capacity(pre_roll + confirm + 4 * VAD_FRAME),
            pre_roll,
            out: Vec::with_capacity(VAD_RATE as usize / 10),
            stats: VadStats::default(),
            open: false,
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
    /// each speech start and end. A start on the fast onset path is tentative: `on_event`
    /// hears it at once, but nothing goes to the server until the model confirms it (within
    /// [`VadConfig::confirm`]); a start the model does not confirm (a knock) is retracted
    /// without a signal to the server, its audio held back as silence (`on_event` hears the
    /// end). A send error stops the call and is returned (the audio of that call is lost;
    /// the detector's state is kept).
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
                    self.open = false;
                    on_event(e);
                }
                Some(e @ VadEvent::SpeechEnd { .. }) => {
                    if self.open {
                        self.send_held(session)?;
                        match self.config.mode {
                            VadMode::Activity => session.activity_end()?,
                            VadMode::Gate => session.audio_stream_end()?,
                        }
                        self.open = false;
                    }
                    on_event(e);
                }
                None => {}
            }
            if self.vad.is_speech() && !self.vad.is_tentative() && !self.open {
                // Sure now (by the model, or the model confirmed a fast start): the server
                // hears of it.
                self.open = true;
                self.stats.utterances += 1;
                if self.config.mode == VadMode::Activity {
                    session.activity_start()?;
                }
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
        if self.open {
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

    /// Ends the stream: an utterance in progress is sent and closed as at a speech end (a
    /// tentative one the model has not confirmed is dropped); the detector starts afresh.
    pub fn finish(&mut self, session: &Session) -> Result<()> {
        if self.open {
            self.send_held(session)?;
            match self.config.mode {
                VadMode::Activity => session.activity_end()?,
                VadMode::Gate => session.audio_stream_end()?,
            }
            self.open = false;
        }
        self.stats.withheld += self.held.len() as u64;
        self.held.clear();
        self.vad.reset();
        Ok(())
    }
}
