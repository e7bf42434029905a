"""Echo cancellation for speakerphones: the model must not hear (and interrupt) itself.

An ``EchoCanceller`` removes from the microphone's audio the echo of what a ``Player``
played. Its reference is what the player's read actually gave the sound card (silence and
barge-in flushes included, on the device's clock), recorded by the read itself: nothing to
feed on the playback side. WebRTC's AEC3 (a pure-Rust port), optionally with its noise
suppressor. Off unless you create one: creating it is the switch. Create it before the
sound card starts calling the player's ``read_into``::

    from gemini_live.audio import Player, Resampler
    from gemini_live.echo import EchoCanceller

    player = Player(device_rate=48000, channels=2)
    echo = EchoCanceller(player)              # for 16 kHz microphone audio
    to_16k = Resampler(48000, channels=1)
    # the microphone thread (not the capture callback: process allocates):
    session.send_audio(echo.process(to_16k.process(mic_chunk)))

``process`` returns as many samples as it is given, one 10 ms frame late. Or split the work
as a C app would: the capture callback calls ``push`` (a copy into a lock-free ring; in C it
is real-time safe) and the sending thread calls ``pull`` for the cleaned audio. ``stats()``
says what it measured: the echo return loss enhancement and the echo path's delay it found.
"""

from __future__ import annotations

import ctypes
import math
from typing import Any, Optional, Union

from . import _lib
from ._managed import Managed
from .audio import Pcm, Player, _samples, _to_bytes
from .errors import check

L = _lib.lib

__all__ = ["EchoCanceller", "EchoStats", "NOISE_SUPPRESSION"]

#: Noise suppression levels by name (``EchoCanceller(noise_suppression=...)``).
NOISE_SUPPRESSION = {
    "off": _lib.NOISE_SUPPRESSION_OFF,
    "low": _lib.NOISE_SUPPRESSION_LOW,
    "moderate": _lib.NOISE_SUPPRESSION_MODERATE,
    "high": _lib.NOISE_SUPPRESSION_HIGH,
    "very_high": _lib.NOISE_SUPPRESSION_VERY_HIGH,
}


class EchoStats:
    """What an ``EchoCanceller`` measured and did (``None`` where it has no estimate yet)."""

    __slots__ = ("erle_db", "erl_db", "delay_estimate_ms", "device_delay_ms",
                 "capture_frames", "reference_frames", "reference_late", "realigned",
                 "enabled", "mic_dropped")

    def __init__(self, c: Any) -> None:
        #: Echo return loss enhancement (dB), as the canceller estimates it.
        self.erle_db: Optional[float] = None if math.isnan(c.erle_db) else float(c.erle_db)
        #: Echo return loss (dB): how much quieter the echo is than what was played.
        self.erl_db: Optional[float] = None if math.isnan(c.erl_db) else float(c.erl_db)
        #: The echo path's delay the estimator found (ms).
        self.delay_estimate_ms: Optional[int] = (
            None if c.delay_estimate_ms < 0 else int(c.delay_estimate_ms)
        )
        self.device_delay_ms: int = c.device_delay_ms
        #: Microphone frames (10 ms) processed.
        self.capture_frames: int = c.capture_frames
        #: Frames (10 ms) of played audio given to the canceller.
        self.reference_frames: int = c.reference_frames
        #: Microphone frames processed before their reference had been played.
        self.reference_late: int = c.reference_late
        #: Times the reference was skipped to re-align with the microphone.
        self.realigned: int = c.realigned
        self.enabled: bool = bool(c.enabled)
        #: Microphone samples ``push`` dropped because its ring (1 s) was full.
        self.mic_dropped: int = c.mic_dropped

    def __repr__(self) -> str:
        return "EchoStats(" + ", ".join(f"{f}={getattr(self, f)}" for f in self.__slots__) + ")"


class EchoCanceller(Managed):
    """Removes the echo of what ``player`` plays from microphone audio at ``capture_rate``
    Hz (mono PCM16; a multiple of 100 Hz, 16000 recommended). ``device_delay_ms``: the sound
    card's output plus input latency as far as known (0-500; 0 lets the estimator find it).
    ``noise_suppression``: ``"off"`` (default), ``"low"``, ``"moderate"``, ``"high"`` or
    ``"very_high"``. One thread at a time; ``process`` allocates, so call it on the thread
    that reads the microphone, not in the sound card's callback (the player's ``read_into``
    stays real-time safe)."""

    def __init__(
        self,
        player: Player,
        capture_rate: int = 16000,
        device_delay_ms: int = 0,
        noise_suppression: Union[str, int] = "off",
    ) -> None:
        if isinstance(noise_suppression, str):
            if noise_suppression not in NOISE_SUPPRESSION:
                raise ValueError(
                    f"noise_suppression must be one of {', '.join(NOISE_SUPPRESSION)}, "
                    f"not {noise_suppression!r}"
                )
            level = NOISE_SUPPRESSION[noise_suppression]
        else:
            level = int(noise_suppression)
        handle = _lib.ECHO_CANCELLER_P()
        check(
            player._call(
                L.gemini_live_echo_canceller_new_with,
                capture_rate,
                device_delay_ms,
                level,
                ctypes.byref(handle),
            )
        )
        super().__init__(handle, L.gemini_live_echo_canceller_free, "echo canceller")
        self.capture_rate = capture_rate

    def process(self, pcm: Pcm) -> bytes:
        """The microphone's audio without the echo, as mono PCM16 bytes: as many samples,
        one 10 ms frame late (the first 10 ms out are silence). Any audio input of
        ``gemini_live.audio`` (int16 or float numpy arrays and buffers, PCM16 ``bytes``;
        ``(frames, channels)`` is averaged to mono; anything else a ``TypeError``)."""
        ptr, n, _keep = _samples(pcm, "EchoCanceller.process")
        if n == 0:
            return b""
        out = (ctypes.c_int16 * n)()
        check(self._call(L.gemini_live_echo_canceller_process, ptr, out, n))
        return _to_bytes(out, n)

    def push(self, pcm: Pcm) -> int:
        """Queues microphone audio (as ``process`` takes it) for ``pull``, in a ring of 1 s;
        returns how many samples fit (the rest are dropped and counted in
        ``stats().mic_dropped``). For the capture callback's thread; the C function under
        it is real-time safe."""
        ptr, n, _keep = _samples(pcm, "EchoCanceller.push")
        if n == 0:
            return 0
        fit = ctypes.c_size_t()
        check(self._call(L.gemini_live_echo_canceller_push, ptr, n, ctypes.byref(fit)))
        return fit.value

    def pull(self) -> bytes:
        """The cleaned audio of everything ``push`` queued, as mono PCM16 bytes, one 10 ms
        frame late (``b""`` when nothing is queued). For the thread that sends to the
        session."""
        cap = max(int(self.capture_rate), 1)
        out = (ctypes.c_int16 * cap)()
        got = ctypes.c_size_t()
        check(self._call(L.gemini_live_echo_canceller_pull, out, cap, ctypes.byref(got)))
        return _to_bytes(out, got.value)

    def set_enabled(self, enabled: bool) -> None:
        """Off passes the microphone through (still one frame late) while the canceller
        keeps following the playback; on again needs no re-alignment."""
        check(self._call(L.gemini_live_echo_canceller_set_enabled, 1 if enabled else 0))

    def set_device_delay_ms(self, ms: int) -> None:
        """The device delay hint (0-500 ms)."""
        check(self._call(L.gemini_live_echo_canceller_set_device_delay_ms, ms))

    def stats(self) -> EchoStats:
        out = _lib.EchoStats()
        check(self._call(L.gemini_live_echo_canceller_get_stats, ctypes.byref(out)))
        return EchoStats(out)
