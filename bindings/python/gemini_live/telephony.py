"""Telephony audio over the C ABI: G.711 mu-law / A-law, and the converters between an 8 kHz
phone line (Twilio media streams, SIP) and the Live API.

Caller to model (each Twilio ``media`` payload is 20 ms of 8 kHz mu-law, 160 bytes)::

    from gemini_live.telephony import PhoneIn, PhoneOut
    phone_in = PhoneIn("ulaw")
    session.send_audio(phone_in.process(base64.b64decode(msg["media"]["payload"])))

Model to caller (band-limited to the phone's 4 kHz, resampled and encoded)::

    phone_out = PhoneOut("ulaw")
    for event in session.events():
        if phone_out.handle_event(event) == "cleared":   # barge-in: the queue was dropped
            ws.send(json.dumps({"event": "clear", "streamSid": sid}))
        for frame in phone_out.frames():                  # whole 20 ms frames, 160 bytes
            ws.send(json.dumps({"event": "media", "streamSid": sid,
                                "media": {"payload": base64.b64encode(frame).decode()}}))

The library side of every call allocates nothing and takes no lock (real-time safe). Audio
is any input of ``gemini_live.audio`` (int16 or float numpy arrays and buffers,
little-endian PCM16 ``bytes``; ``(frames, channels)`` is averaged to mono; anything else a
``TypeError`` naming its dtype and shape); G.711 is any bytes-like object.
"""

from __future__ import annotations

import ctypes
from typing import Any, Iterator, Optional, Tuple, Union

from . import _lib
from ._managed import Managed
from .audio import Pcm, _samples, _to_bytes
from .errors import check
from .events import AudioEvent, Event, InterruptedEvent, ReplyDiscardedEvent, TurnCompleteEvent

L = _lib.lib

__all__ = ["encode", "decode", "PhoneIn", "PhoneOut", "PhoneOutStats", "FRAME"]

#: Codes (bytes) in one 20 ms frame at 8 kHz.
FRAME = _lib.PHONE_FRAME

Codes = Union[bytes, bytearray, memoryview]
_LAWS = {"ulaw": _lib.G711_ULAW, "mulaw": _lib.G711_ULAW, "pcmu": _lib.G711_ULAW,
         "alaw": _lib.G711_ALAW, "pcma": _lib.G711_ALAW}


def _law(law: str) -> int:
    try:
        return _LAWS[law.lower().replace("-", "").replace("µ", "mu")]
    except KeyError:
        raise ValueError(f"unknown G.711 law {law!r}: expected 'ulaw' or 'alaw'") from None


def _codes(data: Codes) -> Tuple[Any, int, Any]:
    """``(ctypes pointer, length, keep-alive)`` for a bytes-like object of G.711 codes."""
    raw = bytes(data)
    buf = (ctypes.c_uint8 * max(len(raw), 1)).from_buffer_copy(raw or b"\0")
    return ctypes.cast(buf, _lib._CODES), len(raw), buf


def encode(pcm: Pcm, law: str = "ulaw") -> bytes:
    """Mono audio (any accepted input) as G.711 codes (one byte a sample)."""
    ptr, n, _keep = _samples(pcm, "telephony.encode")
    out = (ctypes.c_uint8 * max(n, 1))()
    check(L.gemini_live_g711_encode(_law(law), ptr, n, out))
    return bytes(out[:n])


def decode(codes: Codes, law: str = "ulaw") -> bytes:
    """G.711 codes as little-endian PCM16 bytes. Every code survives decode then encode."""
    ptr, n, _keep = _codes(codes)
    out = (ctypes.c_int16 * max(n, 1))()
    check(L.gemini_live_g711_decode(_law(law), ptr, n, out))
    return _to_bytes(out, n)


class PhoneIn(Managed):
    """The caller's side: 8 kHz G.711 in, 16 kHz PCM16 out (what ``send_audio`` takes).
    Streaming: a 20 ms frame of 160 codes gives 320 samples (the first fewer: the filter's
    8 ms delay is trimmed); input short of 20 ms waits for the next call."""

    def __init__(self, law: str = "ulaw") -> None:
        handle = _lib.PHONE_IN_P()
        check(L.gemini_live_phone_in_new(_law(law), ctypes.byref(handle)))
        super().__init__(handle, L.gemini_live_phone_in_free, "phone input")
        self.law = law

    def process(self, codes: Codes) -> bytes:
        """Converts G.711 codes; returns the 16 kHz PCM16 bytes available so far."""
        ptr, n, _keep = _codes(codes)
        cap = int(self._call(L.gemini_live_phone_in_max_output, n))
        out = (ctypes.c_int16 * max(cap, 1))()
        got = ctypes.c_size_t()
        check(self._call(L.gemini_live_phone_in_process, ptr, n, out, cap, ctypes.byref(got)))
        return _to_bytes(out, got.value)

    def finish(self) -> bytes:
        """The call has ended: the 16 kHz PCM16 bytes of the input still held (short of a
        20 ms frame) and of the filter's tail. Send them before ending the audio stream:
        with them the whole call gives two samples per code. Then it is ready for a new
        call."""
        cap = int(self._call(L.gemini_live_phone_in_finish_max_output))
        out = (ctypes.c_int16 * max(cap, 1))()
        got = ctypes.c_size_t()
        check(self._call(L.gemini_live_phone_in_finish, out, cap, ctypes.byref(got)))
        return _to_bytes(out, got.value)

    def reset(self) -> None:
        """A new call: forgets held input and the filter's state."""
        self._call(L.gemini_live_phone_in_reset)


class PhoneOutStats:
    """A ``PhoneOut``'s counters, in 8 kHz codes."""

    __slots__ = ("buffered", "sent", "cleared", "overflowed", "frames")

    def __init__(self, c: Any) -> None:
        self.buffered: int = c.buffered
        self.sent: int = c.sent
        self.cleared: int = c.cleared
        self.overflowed: int = c.overflowed
        self.frames: int = c.frames

    def __repr__(self) -> str:
        return "PhoneOutStats(" + ", ".join(f"{f}={getattr(self, f)}" for f in self.__slots__) + ")"


class PhoneOut(Managed):
    """The model's side: its 24 kHz PCM16 in, low-pass filtered (a 5 kHz tone is more than
    40 dB down), resampled to 8 kHz, G.711-encoded and taken out in whole frames. Defaults:
    ``frame`` 160 codes (20 ms), ``max_buffer_ms`` 60000 (past it new audio is dropped)."""

    def __init__(self, law: str = "ulaw", frame: int = 0, max_buffer_ms: int = 0) -> None:
        handle = _lib.PHONE_OUT_P()
        check(L.gemini_live_phone_out_new(_law(law), frame, max_buffer_ms, ctypes.byref(handle)))
        super().__init__(handle, L.gemini_live_phone_out_free, "phone output")
        self.law = law
        self.frame = frame or FRAME
        self._buf = (ctypes.c_uint8 * self.frame)()

    def push(self, pcm: Pcm) -> int:
        """Queues the model's 24 kHz mono audio (any accepted input); returns the 8 kHz
        codes queued."""
        ptr, n, _keep = _samples(pcm, "PhoneOut.push")
        got = ctypes.c_size_t()
        check(self._call(L.gemini_live_phone_out_push, ptr, n, ctypes.byref(got)))
        return int(got.value)

    def handle_event(self, event: Event) -> Optional[str]:
        """Audio is queued (``"queued"``), ``InterruptedEvent`` and ``ReplyDiscardedEvent``
        clear the queue (``"cleared"``: tell the line to drop its audio too, Twilio's
        ``clear``), ``TurnCompleteEvent`` pads the last frame (``"finished"``); ``None`` for
        other events."""
        if isinstance(event, AudioEvent):
            self.push(bytes(event.pcm))
            return "queued"
        if isinstance(event, (InterruptedEvent, ReplyDiscardedEvent)):
            self.clear()
            return "cleared"
        if isinstance(event, TurnCompleteEvent):
            self.finish()
            return "finished"
        return None

    def finish(self) -> None:
        """The reply ended: the filter's tail goes through and the last frame is padded."""
        check(self._call(L.gemini_live_phone_out_finish))

    def pop_frame(self) -> Optional[bytes]:
        """The next whole frame, or ``None`` when less than a frame is queued."""
        got = ctypes.c_size_t()
        check(self._call(L.gemini_live_phone_out_pop_frame, self._buf, self.frame,
                         ctypes.byref(got)))
        return bytes(self._buf[: got.value]) if got.value else None

    def frames(self) -> Iterator[bytes]:
        """Every whole frame queued now."""
        while True:
            frame = self.pop_frame()
            if frame is None:
                return
            yield frame

    def clear(self) -> int:
        """Barge-in: drops what is queued; returns the codes dropped."""
        got = ctypes.c_size_t()
        check(self._call(L.gemini_live_phone_out_clear, ctypes.byref(got)))
        return int(got.value)

    def stats(self) -> PhoneOutStats:
        out = _lib.PhoneOutStats()
        check(self._call(L.gemini_live_phone_out_get_stats, ctypes.byref(out)))
        return PhoneOutStats(out)
