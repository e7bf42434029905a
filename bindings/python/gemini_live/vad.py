"""The client VAD over the C ABI: decide on the client when the user speaks, and drive the
session's ``activityStart`` / ``activityEnd`` with it (server VAD off), or only hold back the
silence between utterances (server VAD on)::

    from gemini_live.vad import ClientVad
    vad = ClientVad("activity")                 # defaults: threshold 0.5, hangover 500 ms,
    config = gl.Config(response_modality="audio")  # pre-roll 300 ms
    vad.configure(config)                       # turns server VAD off
    with gl.Session.connect(config) as session:
        for chunk in microphone_16k():          # 16 kHz mono PCM16
            for event in vad.push(session, chunk):  # "start" / "end"
                print("speech", event)
        vad.finish(session)

The detector is earshot's model with a fast onset path in front of it: a rise of the
spectrum over its recent floor starts speech 8-30 ms after a plosive or fricative onset
(the model alone hears it when the vowel comes, 60-120 ms later); the model must confirm
within 250 ms, or the utterance ends at once (a knock: ``"start"`` then ``"end"``). The first
512 ms of a stream decide nothing.

``push`` sends on the session (call it from the capture thread, not an audio callback);
``process`` only runs the detector (no allocation or lock in the library). Audio is any
input of ``gemini_live.audio`` (int16 or float numpy arrays and buffers, little-endian PCM16
``bytes``; ``(frames, channels)`` is averaged to mono; anything else a ``TypeError`` naming
its dtype and shape).
"""

from __future__ import annotations

import ctypes
from typing import Any, List

from . import _lib
from ._managed import Managed
from .audio import Pcm, _samples
from .config import Config
from .errors import check
from .session import Session

L = _lib.lib

__all__ = ["ClientVad", "ClientVadStats"]

_MODES = {"activity": _lib.CLIENT_VAD_ACTIVITY, "gate": _lib.CLIENT_VAD_GATE}


def _events(bits: int) -> List[str]:
    out = []
    if bits & _lib.CLIENT_VAD_SPEECH_START:
        out.append("start")
    if bits & _lib.CLIENT_VAD_SPEECH_END:
        out.append("end")
    return out


class ClientVadStats:
    """A client VAD's state and counters (16 kHz samples)."""

    __slots__ = ("speaking", "score", "utterances", "sent", "withheld", "retractions")

    def __init__(self, c: Any) -> None:
        self.speaking: bool = bool(c.speaking)
        self.score: float = float(c.score)
        self.utterances: int = c.utterances
        self.sent: int = c.sent
        self.withheld: int = c.withheld
        #: Fast starts the detector took back (a knock, not speech): nothing of them was sent.
        self.retractions: int = c.retractions

    def __repr__(self) -> str:
        return "ClientVadStats(" + ", ".join(f"{f}={getattr(self, f)}" for f in self.__slots__) + ")"


class ClientVad(Managed):
    """A voice activity detector in front of a session. ``mode``: ``"activity"`` (server VAD
    off, the client marks each utterance) or ``"gate"`` (server VAD on, silence not sent).
    Defaults: ``threshold`` 0.5, ``hangover_ms`` 500, ``pre_roll_ms`` 300."""

    def __init__(
        self,
        mode: str = "activity",
        threshold: float = 0.5,
        hangover_ms: int = 500,
        pre_roll_ms: int = 300,
    ) -> None:
        if mode not in _MODES:
            raise ValueError(f"unknown client VAD mode {mode!r}: expected 'activity' or 'gate'")
        handle = _lib.CLIENT_VAD_P()
        check(L.gemini_live_client_vad_new(_MODES[mode], float(threshold), hangover_ms,
                                           pre_roll_ms, ctypes.byref(handle)))
        super().__init__(handle, L.gemini_live_client_vad_free, "client VAD")
        self.mode = mode

    def configure(self, config: Config) -> None:
        """Sets ``config`` up before connecting: ``"activity"`` turns the server's VAD off."""
        check(config._call(lambda c: self._call(L.gemini_live_client_vad_configure, c)))

    def push(self, session: Session, pcm: Pcm) -> List[str]:
        """Takes 16 kHz microphone audio: sends the utterances (with pre-roll) and the
        activity signals; returns this call's events (``"start"``, ``"end"``)."""
        ptr, n, _keep = _samples(pcm, "ClientVad.push")
        bits = ctypes.c_uint32()
        check(session._call(lambda s: self._call(L.gemini_live_client_vad_push, s, ptr, n,
                                                 ctypes.byref(bits))))
        return _events(bits.value)

    def finish(self, session: Session) -> None:
        """Ends the stream: an utterance in progress is sent and closed."""
        check(session._call(lambda s: self._call(L.gemini_live_client_vad_finish, s)))

    def process(self, pcm: Pcm) -> List[str]:
        """Runs only the detector (nothing is sent); this call's events. Do not mix with
        ``push``."""
        ptr, n, _keep = _samples(pcm, "ClientVad.process")
        bits = ctypes.c_uint32()
        check(self._call(L.gemini_live_client_vad_process, ptr, n, ctypes.byref(bits)))
        return _events(bits.value)

    def stats(self) -> ClientVadStats:
        out = _lib.ClientVadStats()
        check(self._call(L.gemini_live_client_vad_get_stats, ctypes.byref(out)))
        return ClientVadStats(out)
