"""Audio helpers over the C ABI: a streaming resampler (any rate and channel count to 16 kHz
mono PCM16) and a playout buffer for the model's 24 kHz audio whose read is real-time safe.

Microphone side::

    from gemini_live.audio import Resampler
    r = Resampler(44100, channels=2)          # to 16 kHz mono
    session.send_audio(r.process(pcm_chunk))  # bytes in, bytes out; state kept across calls
    session.send_audio(r.flush())             # at the end of the stream

Speaker side (call ``read_into`` from the sound card's callback thread; it takes no lock and
allocates nothing in the library; ``read`` allocates the Python ``bytes`` it returns)::

    from gemini_live.audio import Player
    player = Player(device_rate=48000, channels=2)
    for event in session.events():
        playback = player.handle_event(event)  # audio queued; interrupted -> flushed at once
        if playback and playback.interrupted:
            print("heard", playback.heard_ms, "ms:", playback.cut_transcript(transcript))

Audio input, everywhere in the package (``Resampler.process``/``process_f32``,
``Player.push``, ``Session.send_audio`` ...): int16, float32 or float64 numpy arrays and
buffers (``array('h'/'f'/'d')``, ``memoryview``), shaped ``(frames,)`` or ``(frames,
channels)``, little-endian PCM16 ``bytes``, or lists of ints or floats. Floats are samples in
[-1.0, 1.0] (``round(x * 32768)``, clipped). A ``(frames, channels)`` input is interleaved for
an entry point that takes several channels (a ``Resampler`` made with that many) and
averaged to mono where the entry point takes mono (``Player.push``, the sends, a one-channel
``Resampler``). Anything else raises ``TypeError`` naming its dtype and shape. numpy is
optional: it is used when you pass its arrays, never imported otherwise. ``to_pcm16`` is the
conversion itself.
"""

from __future__ import annotations

import ctypes
import sys
from array import array
from typing import Any, Optional, Sequence, Tuple, Union

from . import _lib
from ._managed import Managed
from ._pcm import AudioInput, Samples, convert, output_buffer
from .errors import check
from .events import AudioEvent, Event, InterruptedEvent, ReplyDiscardedEvent, TurnCompleteEvent

L = _lib.lib

__all__ = [
    "AudioInput", "Pcm", "Player", "PlayerStats", "Resampler", "TurnPlayback", "cut_transcript",
    "to_pcm16",
]

#: Audio input (see the module documentation).
Pcm = AudioInput


def to_pcm16(audio: AudioInput, channels: int = 1) -> bytes:
    """``audio`` (any accepted input) as little-endian PCM16 bytes with ``channels``
    interleaved channels: with 1 (the default), a ``(frames, channels)`` input is averaged
    to mono; with more, a 2-D input must have that many channels. The conversion every
    audio entry point of the package applies; raises ``TypeError`` as they do."""
    return convert(audio, channels=channels, what="to_pcm16").le_bytes()


def _samples(pcm: Pcm, what: str = "audio") -> Tuple[Any, int, Samples]:
    """``(ctypes int16 pointer, sample count, keep-alive)`` of mono audio in any accepted
    input (``to_pcm16``'s conversion): for the package's other audio modules' C calls."""
    s = convert(pcm, what=what)
    return s.pointer, s.count, s


def _to_bytes(buf: Any, n: int) -> bytes:
    a = array("h", buf[:n])
    if sys.byteorder == "big":
        a.byteswap()
    return a.tobytes()


class Resampler(Managed):
    """Streaming conversion of interleaved PCM16 (or float) at ``in_rate`` Hz with
    ``channels`` channels to mono PCM16 at ``out_rate`` Hz (default 16000, the Live API's
    input). Keeps its state between calls, so any chunking gives the same output."""

    def __init__(self, in_rate: int, channels: int = 1, out_rate: int = 16000) -> None:
        handle = _lib.RESAMPLER_P()
        check(L.gemini_live_resampler_new(in_rate, channels, out_rate, ctypes.byref(handle)))
        super().__init__(handle, L.gemini_live_resampler_free, "resampler")
        self.in_rate, self.channels, self.out_rate = in_rate, channels, out_rate

    @property
    def latency_ms(self) -> float:
        """The most input held back before its output appears, in milliseconds."""
        return float(self._call(L.gemini_live_resampler_latency_us)) / 1000.0

    def _run(self, fn: Any, *args: Any, n_in: int) -> bytes:
        cap = int(self._call(L.gemini_live_resampler_max_output, n_in))
        out = (ctypes.c_int16 * max(cap, 1))()
        got = ctypes.c_size_t()
        check(self._call(fn, *args, out, cap, ctypes.byref(got)))
        return _to_bytes(out, got.value)

    def process(self, pcm: Pcm) -> bytes:
        """Resamples audio of this resampler's channel count (interleaved, or ``(frames,
        channels)``; a one-channel resampler averages a multi-channel input); returns the
        mono PCM16 output available so far. Float input (float32/float64, -1.0 to 1.0)
        goes through the library's float path, int16 through its int16 path."""
        return self._process(pcm, "Resampler.process")

    def process_f32(self, samples: Pcm) -> bytes:
        """``process`` (any input is accepted; kept for the float-only name of the C API)."""
        return self._process(samples, "Resampler.process_f32")

    def _process(self, audio: Pcm, what: str) -> bytes:
        s = convert(audio, channels=self.channels, floats=True, what=what)
        if s.is_float:
            fn = L.gemini_live_resampler_process_f32
        else:
            fn = L.gemini_live_resampler_process
        return self._run(fn, s.pointer, s.count, n_in=s.count)

    def flush(self) -> bytes:
        """Ends the stream: returns the rest of the output and resets for a new stream."""
        return self._run(L.gemini_live_resampler_flush, n_in=0)



def cut_transcript(text: str, heard_fraction: float) -> str:
    """The part of ``text`` (a reply's output transcript) the user heard: proportional by
    characters, backed up to a word boundary (an estimate; there are no word timings)."""
    raw = text.encode("utf-8")
    n = int(L.gemini_live_transcript_heard_len(raw, float(heard_fraction)))
    return raw[:n].decode("utf-8")


class TurnPlayback:
    """How much of one reply was received and heard (model samples at ``source_rate``)."""

    __slots__ = ("turn", "received", "heard", "source_rate", "interrupted", "heard_fraction")

    def __init__(self, c: Any) -> None:
        self.turn: int = c.turn
        self.received: int = c.received
        self.heard: int = c.heard
        self.source_rate: int = c.source_rate
        self.interrupted: bool = bool(c.interrupted)
        self.heard_fraction: float = c.heard_fraction

    @property
    def heard_ms(self) -> int:
        return self.heard * 1000 // max(self.source_rate, 1)

    @property
    def received_ms(self) -> int:
        return self.received * 1000 // max(self.source_rate, 1)

    def cut_transcript(self, text: str) -> str:
        """``text`` cut at the heard position (see ``cut_transcript``)."""
        return cut_transcript(text, self.heard_fraction)

    def __repr__(self) -> str:
        return (
            f"TurnPlayback(turn={self.turn}, heard={self.heard_ms} ms of {self.received_ms} ms"
            f"{', interrupted' if self.interrupted else ''})"
        )


class PlayerStats:
    """A player's counters (device samples); see ``gemini_live_player_stats``."""

    __slots__ = ("device_rate", "buffered", "played", "underruns", "underrun_samples",
                 "dropped", "overflowed", "flushed", "flushes", "reads", "turn", "start_delay",
                 "arrival_rate_milli", "pauses", "paused")

    def __init__(self, c: Any) -> None:
        self.device_rate: int = c.device_rate
        self.buffered: int = c.buffered
        self.played: int = c.played
        self.underruns: int = c.underruns
        self.underrun_samples: int = c.underrun_samples
        self.dropped: int = c.dropped
        self.overflowed: int = c.overflowed
        self.flushed: int = c.flushed
        self.flushes: int = c.flushes
        self.reads: int = c.reads
        self.turn: int = c.turn
        #: Device samples the latest reply waited, with audio buffered, before it played.
        self.start_delay: int = c.start_delay
        #: How fast the latest reply arrived, in thousandths of real time; 0 until measured.
        self.arrival_rate_milli: int = c.arrival_rate_milli
        #: Times playback paused at a word gap because the reply came too slowly to go on
        #: without running dry (the adaptive start).
        self.pauses: int = c.pauses
        #: Device samples of silence those pauses gave. A reply's added silence in all is its
        #: ``start_delay`` plus its pauses plus its ``underrun_samples``.
        self.paused: int = c.paused

    @property
    def paused_ms(self) -> float:
        """``paused`` in milliseconds."""
        return self.paused * 1000.0 / max(self.device_rate, 1)

    @property
    def start_delay_ms(self) -> float:
        """``start_delay`` in milliseconds."""
        return self.start_delay * 1000.0 / max(self.device_rate, 1)

    @property
    def arrival_rate(self) -> Optional[float]:
        """The latest reply's arrival rate as a factor of real time (0.7: slower than it
        plays), or None before it is measured."""
        return self.arrival_rate_milli / 1000.0 if self.arrival_rate_milli else None

    def __repr__(self) -> str:
        return "PlayerStats(" + ", ".join(f"{f}={getattr(self, f)}" for f in self.__slots__) + ")"


class Player(Managed):
    """A playout buffer for the model's 24 kHz audio, read at the device's rate.

    ``push``/``handle_event``/``end_turn`` belong to one session-side thread;
    ``read``/``read_into`` to one audio-callback thread; ``flush``, ``stats``,
    ``current`` and ``last`` to any thread. Defaults: ``device_rate`` 24000, ``channels``
    1, ``start_threshold_ms`` 80, ``max_latency_ms`` 30000, ``adaptive_start`` True (a reply
    arriving slower than real time waits until the buffer will last to its end; the first
    reply of a session, whose length is unknown, pauses at word gaps rather than run dry; the
    wait, the pauses and the arrival rate are in ``stats()``).
    """

    def __init__(
        self,
        device_rate: int = 24000,
        channels: int = 1,
        start_threshold_ms: int = 80,
        max_latency_ms: int = 30000,
        adaptive_start: bool = True,
    ) -> None:
        handle = _lib.PLAYER_P()
        check(
            L.gemini_live_player_new_paced(
                device_rate,
                channels,
                start_threshold_ms,
                max_latency_ms,
                bool(adaptive_start),
                ctypes.byref(handle),
            )
        )
        super().__init__(handle, L.gemini_live_player_free, "player")
        self.device_rate, self.channels = device_rate, channels


    def push(self, pcm: Pcm) -> None:
        """Queues the model's mono audio (24 kHz): int16 or float samples; a ``(frames,
        channels)`` input is averaged to mono."""
        s = convert(pcm, what="Player.push")
        check(self._call(L.gemini_live_player_push, s.pointer, s.count))

    def end_turn(self) -> TurnPlayback:
        """The reply is complete: the rest plays out even under the start threshold."""
        out = _lib.TurnPlayback()
        check(self._call(L.gemini_live_player_end_turn, ctypes.byref(out)))
        return TurnPlayback(out)

    def flush(self) -> TurnPlayback:
        """Barge-in: drops everything queued, effective on the next read; returns how much
        of the turn was heard."""
        out = _lib.TurnPlayback()
        check(self._call(L.gemini_live_player_flush, ctypes.byref(out)))
        return TurnPlayback(out)

    def handle_event(self, event: Event) -> Optional[TurnPlayback]:
        """Audio is queued, ``InterruptedEvent`` and ``ReplyDiscardedEvent`` (the reply
        comes again from the start) flush, ``TurnCompleteEvent`` ends the turn (those return
        a ``TurnPlayback``); other events are ignored."""
        if isinstance(event, AudioEvent):
            self.push(bytes(event.pcm))
        elif isinstance(event, (InterruptedEvent, ReplyDiscardedEvent)):
            return self.flush()
        elif isinstance(event, TurnCompleteEvent):
            return self.end_turn()
        return None

    def read_into(self, buf: Any) -> int:
        """Fills ``buf`` with the next audio, ``channels`` interleaved channels, silence
        where there is none; returns the frames of real audio. ``buf`` is a ctypes
        ``c_int16``/``c_float`` array, a writable ``array('h'/'f'/'d')``, ``bytearray`` or
        memoryview, or a numpy int16/float32/float64 array shaped ``(frames,)``
        (interleaved) or ``(frames, channels)`` (e.g. sounddevice's ``outdata``); floats are
        -1.0 to 1.0. No lock and no allocation in the library (for the audio callback);
        int16 and float32 buffers are written in place."""
        out = output_buffer(buf, channels=self.channels, what="Player.read_into")
        got = ctypes.c_size_t()
        fn = L.gemini_live_player_read_f32 if out.is_float else L.gemini_live_player_read
        check(self._call(fn, out.pointer, out.frames, ctypes.byref(got)))
        out.finish()
        return int(got.value)

    def read(self, frames: int) -> bytes:
        """``frames`` interleaved frames as PCM16 bytes (allocates; see ``read_into``)."""
        buf = (ctypes.c_int16 * (frames * self.channels))()
        self.read_into(buf)
        return _to_bytes(buf, len(buf))

    def stats(self) -> PlayerStats:
        out = _lib.PlayerStats()
        check(self._call(L.gemini_live_player_get_stats, ctypes.byref(out)))
        return PlayerStats(out)

    def current(self) -> TurnPlayback:
        """The current (or latest) turn: received and heard so far."""
        out = _lib.TurnPlayback()
        check(self._call(L.gemini_live_player_current, ctypes.byref(out)))
        return TurnPlayback(out)

    def last(self) -> TurnPlayback:
        """The playback of the latest flush or ended turn."""
        out = _lib.TurnPlayback()
        check(self._call(L.gemini_live_player_last, ctypes.byref(out)))
        return TurnPlayback(out)
