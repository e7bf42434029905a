//! The played-signal tap of a [`Player`](super::Player): every frame its reader hands to the
//! device, audio or silence, in order, as mono samples at the device rate. It is what an echo
//! canceller needs as its reference ([`super::echo`]): the exact signal that was played, on
//! the device's own clock (silence and barge-in flushes included), not what was pushed.
//!
//! The reader side writes into a second lock-free SPSC ring ([`rtrb`]) inside
//! `PlayerReader::read`: **real-time safe** (no lock, no allocation, no system call; a bounded
//! copy and two atomic updates). If the consumer falls behind and the ring is full, the
//! newest samples are dropped and counted ([`PlayedTap::dropped`]); the consumer notices and
//! re-aligns.

use rtrb::{Consumer, Producer, RingBuffer};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// How much played audio the tap holds before it drops (seconds).
pub(crate) const TAP_SECONDS: usize = 1;

/// Counters both halves share.
#[derive(Debug, Default)]
struct TapShared {
    /// Device frames delivered to the tap since it was made (dropped ones included).
    frames: AtomicU64,
    /// Of those, how many did not fit.
    dropped: AtomicU64,
}

/// The reader's half: owned by `PlayerReader`, written from the audio callback.
pub(crate) struct TapWriter {
    producer: Producer<i16>,
    shared: Arc<TapShared>,
}

impl TapWriter {
    /// Records one read of `frames` frames, of which the first `audio` carry `sample(i)` and
    /// the rest are silence. Real-time safe.
    pub(crate) fn record(&mut self, frames: usize, audio: usize, sample: impl Fn(usize) -> i16) {
        let room = frames.min(self.producer.slots());
        let mut written = 0;
        if let Ok(chunk) = self.producer.write_chunk_uninit(room) {
            written =
                chunk.fill_from_iter((0..room).map(|i| if i < audio { sample(i) } else { 0 }));
        }
        if written < frames {
            self.shared
                .dropped
                .fetch_add((frames - written) as u64, Ordering::Relaxed);
        }
        self.shared
            .frames
            .fetch_add(frames as u64, Ordering::Release);
    }
}

/// The consumer's half of a player's played-signal tap: the mono samples the device was
/// given, in order, at the device rate (see the module docs). Get it from
/// [`Player::played_tap`](super::Player::played_tap); an [`EchoCanceller`](super::EchoCanceller)
/// reads it for you. One thread at a time (it is `Send`); every method is lock-free and
/// allocation-free.
pub struct PlayedTap {
    consumer: Consumer<i16>,
    shared: Arc<TapShared>,
    device_rate: u32,
}

impl std::fmt::Debug for PlayedTap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlayedTap")
            .field("device_rate", &self.device_rate)
            .field("available", &self.available())
            .field("frames", &self.frames())
            .field("dropped", &self.dropped())
            .finish()
    }
}

/// A new tap for a device at `device_rate`: the writer for the reader, the consumer half.
pub(crate) fn tap(device_rate: u32) -> (TapWriter, PlayedTap) {
    let capacity = (device_rate as usize).max(1) * TAP_SECONDS;
    let (producer, consumer) = RingBuffer::new(capacity);
    let shared = Arc::new(TapShared::default());
    (
        TapWriter {
            producer,
            shared: shared.clone(),
        },
        PlayedTap {
            consumer,
            shared,
            device_rate,
        },
    )
}

impl PlayedTap {
    /// The device rate (Hz) of the samples.
    pub fn device_rate(&self) -> u32 {
        self.device_rate
    }

    /// Samples waiting to be taken.
    pub fn available(&self) -> usize {
        self.consumer.slots()
    }

    /// Device frames the player has delivered since the tap was made (its clock).
    pub fn frames(&self) -> u64 {
        self.shared.frames.load(Ordering::Acquire)
    }

    /// Of those, how many were dropped because the tap was full (nobody took them).
    pub fn dropped(&self) -> u64 {
        self.shared.dropped.load(Ordering::Relaxed)
    }

    /// Takes up to `out.len()` samples as floats (-1.0 to 1.0); returns how many.
    pub fn take_f32(&mut self, out: &mut [f32]) -> usize {
        let n = out.len().min(self.consumer.slots());
        let Ok(chunk) = self.consumer.read_chunk(n) else {
            return 0;
        };
        let (a, b) = chunk.as_slices();
        for (o, &s) in out.iter_mut().zip(a.iter().chain(b.iter())) {
            *o = f32::from(s) / 32768.0;
        }
        chunk.commit_all();
        n
    }

    /// Takes up to `out.len()` samples; returns how many.
    pub fn take(&mut self, out: &mut [i16]) -> usize {
        let (head, _) = self.consumer.pop_partial_slice(out);
        head.len()
    }

    /// Discards up to `n` samples; returns how many.
    pub fn skip(&mut self, n: usize) -> usize {
        let n = n.min(self.consumer.slots());
        if let Ok(chunk) = self.consumer.read_chunk(n) {
            chunk.commit_all();
        }
        n
    }
}
