//! The capture callback's side of an [`EchoCanceller`](super::EchoCanceller): a lock-free
//! SPSC ring ([`rtrb`]) that the callback pushes the microphone's samples into, and that the
//! canceller drains on another thread ([`EchoCanceller::pull`](super::EchoCanceller::pull)),
//! where AEC3 runs. AEC3 allocates for every 10 ms frame (inside `sonora`), so it cannot run
//! in the callback; the ring is what can.
//!
//! [`EchoMicInput::push`] is **real-time safe**: no lock, no allocation, no system call (a
//! bounded copy and two atomic updates; `tests/echo_realtime.rs` counts allocations). If the
//! canceller's thread does not pull for longer than the ring holds ([`MIC_RING`]), the newest
//! samples are dropped and counted ([`EchoStats::mic_dropped`](super::EchoStats)).

use rtrb::{Consumer, Producer, RingBuffer};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How much microphone audio the ring holds between the callback and the canceller.
pub const MIC_RING: Duration = Duration::from_secs(1);

/// The callback's half: pushes mono PCM16 at the canceller's capture rate. Made by
/// [`EchoCanceller::mic_input`](super::EchoCanceller::mic_input); `Send`, one thread at a
/// time (the capture callback's).
pub struct EchoMicInput {
    producer: Producer<i16>,
    dropped: Arc<AtomicU64>,
}

impl std::fmt::Debug for EchoMicInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EchoMicInput")
            .field("room", &self.producer.slots())
            .field("dropped", &self.dropped.load(Ordering::Relaxed))
            .finish()
    }
}

impl EchoMicInput {
    /// Queues `pcm` (mono PCM16 at the capture rate) for the canceller; returns how many
    /// samples fit (the rest are dropped and counted). **Real-time safe.**
    pub fn push(&mut self, pcm: &[i16]) -> usize {
        let (head, _) = self.producer.push_partial_slice(pcm);
        self.note_dropped(pcm.len() - head.len());
        head.len()
    }

    /// Like [`push`](Self::push), for float samples (-1.0 to 1.0, clipped). **Real-time
    /// safe.**
    pub fn push_f32(&mut self, pcm: &[f32]) -> usize {
        let room = pcm.len().min(self.producer.slots());
        let mut written = 0;
        if let Ok(chunk) = self.producer.write_chunk_uninit(room) {
            written = chunk.fill_from_iter(pcm.iter().map(|&v| crate::audio::resample::to_i16(v)));
        }
        self.note_dropped(pcm.len() - written);
        written
    }

    /// Room for this many samples now.
    pub fn room(&self) -> usize {
        self.producer.slots()
    }

    fn note_dropped(&self, n: usize) {
        if n > 0 {
            self.dropped.fetch_add(n as u64, Ordering::Relaxed);
        }
    }
}

/// The canceller's half.
pub(super) struct MicRing {
    pub(super) consumer: Consumer<i16>,
    dropped: Arc<AtomicU64>,
}

impl MicRing {
    /// Samples the callback could not push.
    pub(super) fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

/// A ring for a microphone at `rate`.
pub(super) fn ring(rate: u32) -> (EchoMicInput, MicRing) {
    let capacity = (rate as usize).max(1) * MIC_RING.as_secs() as usize;
    let (producer, consumer) = RingBuffer::new(capacity);
    let dropped = Arc::new(AtomicU64::new(0));
    (
        EchoMicInput {
            producer,
            dropped: dropped.clone(),
        },
        MicRing { consumer, dropped },
    )
}
