"""``Session``: a live conversation. Thread-safe: one thread may send audio while another
reads events (ctypes releases the GIL during each call, so a waiting ``next_event`` does not
block other Python threads)."""

from __future__ import annotations

import ctypes
import json
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Mapping, Optional, Sequence, Union, cast

from . import _hooks, _lib
from ._managed import Managed
from ._pcm import AudioInput, convert
from .config import Config
from .enums import State
from .errors import ClosedError, GeminiLiveError, check, cstr, error_for
from ._reader import from_c
from .events import ClosedEvent, Event
from .types import Metrics, Scheduling

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .config import ConfigOptions

L = _lib.lib

# next_event(None) waits in slices of this many ms, so Ctrl-C is noticed between them.
_WAIT_SLICE_MS = 1000
_MAX_WAIT_MS = 0xFFFFFFFF

#: Audio accepted by the send methods (and every audio entry point of the package): int16,
#: float32 or float64 numpy arrays and buffers shaped ``(frames,)`` or ``(frames, channels)``
#: (channels are averaged to mono), little-endian PCM16 bytes, ``array('h'/'f'/'d')``, a
#: memoryview, or a list of ints or floats; see ``gemini_live.audio.to_pcm16``.
Audio = AudioInput

__all__ = ["Audio", "Session", "State", "connect"]


class Session(Managed):
    """A live conversation; make one with ``Session.connect(config)`` or ``connect(...)``.

    Use it as a context manager (``with connect(...) as s:``) or call ``close()``, which
    closes the connection and frees the C session; it is also freed when garbage-collected.
    """

    def __init__(self, handle: Any) -> None:
        super().__init__(handle, L.gemini_live_session_free, "session")
        #: Instrumentation watching this session (gemini_live._hooks); usually empty.
        self._observers: List[Any] = []

    def _sent(self, kind: str) -> None:
        if self._observers:
            _hooks.notify(self._observers, "on_send", kind)

    @classmethod
    def connect(
        cls, config: Optional[Config] = None, **options: "Unpack[ConfigOptions]"
    ) -> "Session":
        """Connects and returns once the server confirmed the setup. ``config`` is a
        ``Config`` (not consumed); without one, ``options`` (the parameters of ``Config``)
        build it. Raises ``ConnectionFailedError`` subclasses (``ModelNotFoundError``,
        ``ConnectTimeoutError`` ...) or ``InvalidConfigError``."""
        own = config is None
        if config is None:
            config = Config(**options)
        elif options:
            raise TypeError("pass either a Config or keyword options, not both")
        hooked = bool(_hooks.CONNECT_HOOKS)
        info = _hooks.settings(config) if hooked else {}
        start = _hooks.now_ns()
        try:
            handle = _lib.SESSION_P()
            try:
                check(config._call(L.gemini_live_session_connect, ctypes.byref(handle)))
            except GeminiLiveError as e:
                if hooked:
                    _hooks.connected(None, info, start, e)
                raise
            session = cls(handle)
            if hooked:
                session._observers = _hooks.connected(session, info, start, None)
            return session
        finally:
            if own:
                config.close()

    # ---- sending --------------------------------------------------------------------------------

    def send_text(self, text: str) -> None:
        """Sends a user text turn; the model answers. A NUL character in ``text`` raises
        ``InvalidArgumentError`` (nothing is sent)."""
        check(self._call(L.gemini_live_session_send_text, cstr(text, "text")))
        self._sent("text")

    def send_realtime_text(self, text: str) -> None:
        """Sends text as realtime input (mixed with streamed audio)."""
        check(self._call(L.gemini_live_session_send_realtime_text, cstr(text, "text")))
        self._sent("realtime_text")

    def send_audio(self, audio: Audio, sample_rate: int = 16000) -> None:
        """Sends mono audio captured at ``sample_rate`` Hz (16000 is what the service
        expects): int16 samples, or floats in [-1.0, 1.0] converted to int16 (clipped);
        a ``(frames, channels)`` input is averaged to mono (see ``Audio``). Anything else
        raises ``TypeError`` naming its dtype and shape. A native ``array('h')`` or
        contiguous int16 numpy array is passed without a copy."""
        pcm = convert(audio, what="send_audio")
        fn = L.gemini_live_session_send_audio_rate
        check(self._call(fn, pcm.pointer, pcm.count, sample_rate))
        self._sent("audio")

    def send_audio_rate(self, audio: Audio, sample_rate: int) -> None:
        """``send_audio`` with an explicit sample rate."""
        self.send_audio(audio, sample_rate)

    def try_send_audio(self, audio: Audio, sample_rate: int = 16000) -> bool:
        """Like ``send_audio`` but never waits: ``False`` (nothing sent) if the queue is full."""
        pcm = convert(audio, what="try_send_audio")
        fn = L.gemini_live_session_try_send_audio
        code = self._call(fn, pcm.pointer, pcm.count, sample_rate)
        if code == _lib.WOULD_BLOCK:
            return False
        check(code)
        self._sent("audio")
        return True

    def send_video_frame(self, jpeg: Union[bytes, bytearray, memoryview]) -> None:
        """Sends one JPEG frame."""
        raw = bytes(jpeg)
        check(self._call(L.gemini_live_session_send_video_frame, raw, len(raw)))
        self._sent("video")

    def audio_stream_end(self) -> None:
        """Ends the audio stream (voice activity detection on): the model answers now."""
        check(self._call(L.gemini_live_session_audio_stream_end))
        self._sent("audio_stream_end")

    def activity_start(self) -> None:
        """Marks the start of user activity (voice activity detection off)."""
        check(self._call(L.gemini_live_session_activity_start))

    def activity_end(self) -> None:
        """Marks the end of user activity (voice activity detection off)."""
        check(self._call(L.gemini_live_session_activity_end))
        self._sent("activity_end")

    def send_tool_response(
        self,
        call_id: str,
        name: str,
        response: Mapping[str, Any],
        scheduling: Optional[Scheduling] = None,
        will_continue: bool = False,
    ) -> None:
        """Answers a function call; ``response`` is a dict (sent as JSON). For non-blocking
        functions, ``scheduling`` (``"SILENT"``, ``"WHEN_IDLE"``, ``"INTERRUPT"``) says when
        the model uses the result and ``will_continue`` that more responses follow."""
        args = (
            cstr(call_id, "call_id"),
            cstr(name, "name"),
            cstr(json.dumps(response), "response"),
        )
        if scheduling is None and not will_continue:
            check(self._call(L.gemini_live_session_send_tool_response, *args))
            self._sent("tool_response")
            return
        fn = L.gemini_live_session_send_tool_response_scheduled
        check(self._call(fn, *args, cstr(scheduling or "", "scheduling"), bool(will_continue)))
        self._sent("tool_response")

    def send_context_update(
        self, system_instruction: Optional[str] = None, tools: Optional[Config] = None
    ) -> None:
        """Sends ``contextUpdate``: a new system instruction (None keeps it) and/or the tools
        of ``tools`` (a ``Config`` used as a tool list; None keeps them, a config without
        tools clears them). Server support per model is uncertain."""
        text = None if system_instruction is None else cstr(system_instruction, "text")
        fn = L.gemini_live_session_send_context_update
        if tools is None:
            check(self._call(fn, text, None))
            return
        # The tools config is held in use for the call, like the session.
        check(tools._call(lambda tools_ptr: self._call(fn, text, tools_ptr)))

    def send_client_content(
        self, turns: Sequence[Mapping[str, Any]], turn_complete: bool = True
    ) -> None:
        """Sends ``clientContent`` turns, e.g. ``[{"role": "user", "parts": [{"text": "hi"}]}]``."""
        body = json.dumps({"turns": list(turns), "turnComplete": turn_complete})
        check(self._call(L.gemini_live_session_send_client_content_json, cstr(body, "turns")))
        self._sent("client_content")

    # ---- receiving ------------------------------------------------------------------------------

    def _next(self, timeout_ms: int) -> Optional[Event]:
        """One ``next_event`` call: the event, None on timeout; raises as ``next_event``."""
        ev = _lib.EVENT_P()
        code = self._call(L.gemini_live_session_next_event, timeout_ms, ctypes.byref(ev))
        if code == _lib.TIMEOUT:
            return None
        if code != _lib.OK:
            raise error_for(code)
        free = True
        try:
            event, free = from_c(ev)
            if self._observers:
                _hooks.notify(self._observers, "on_event", event)
            return event
        finally:
            if free:
                L.gemini_live_event_free(ev)

    def next_event(self, timeout: Optional[float] = None) -> Optional[Event]:
        """The next event, waiting up to ``timeout`` seconds (None: until one comes);
        ``None`` on timeout. Raises ``ClosedError`` once the session ended and every event,
        including the final ``ClosedEvent``, was taken, or after ``close()``."""
        if timeout is not None:
            return self._next(max(0, min(int(timeout * 1000), _MAX_WAIT_MS)))
        while True:
            ev = self._next(_WAIT_SLICE_MS)
            if ev is not None:
                return ev

    def events(self, timeout: Optional[float] = None) -> Iterator[Event]:
        """Iterates over events until (and including) the ``ClosedEvent``. With a
        ``timeout``, stops early if no event comes within it. Ends quietly after ``close()``."""
        while True:
            try:
                ev = self.next_event(timeout)
            except ClosedError:
                return
            if ev is None:
                return
            yield ev
            if isinstance(ev, ClosedEvent):
                return

    def __iter__(self) -> Iterator[Event]:
        """``events()`` without a timeout."""
        return self.events()

    # ---- state ----------------------------------------------------------------------------------

    @property
    def state(self) -> State:
        """The current ``State`` (``CLOSED`` after ``close()``)."""
        out = ctypes.c_uint32()
        try:
            check(self._call(L.gemini_live_session_state, ctypes.byref(out)))
        except ClosedError:
            return State.CLOSED
        return State(out.value)

    @property
    def resumption_handle(self) -> Optional[str]:
        """The latest resumable handle, or None."""
        return self._string(L.gemini_live_session_resumption_handle)

    def metrics_openmetrics(self) -> str:
        """The session's metrics as OpenMetrics text (the Prometheus exposition format,
        ending with ``# EOF``), e.g. to serve on ``/metrics``."""
        return self._string(L.gemini_live_session_metrics_openmetrics) or ""

    def _string(self, getter: Any) -> Optional[str]:
        """A string copied out by ``getter(session, buf, len, &needed)``, or None if empty."""
        needed = ctypes.c_size_t(0)
        while True:
            buf = ctypes.create_string_buffer(max(needed.value, 64))
            code = self._call(getter, buf, len(buf), ctypes.byref(needed))
            if code == _lib.BUFFER_TOO_SMALL:
                continue  # a longer value arrived meanwhile: retry with the size asked
            check(code)
            return buf.value.decode("utf-8") or None

    def metrics(self) -> Metrics:
        """The session's metrics (``gemini_live.types.Metrics``, a ``TypedDict``): the C
        struct's fields by their C names and units (microseconds in ``*_us``), ``None``
        where C says -1 (not measured yet), ``state`` a ``State``, and
        ``last_close_reason``."""
        m = _lib.Metrics()  # its size set on construction (ABI growth)
        check(self._call(L.gemini_live_session_metrics, ctypes.byref(m)))
        out: Dict[str, Any] = {}
        fields: List[Any] = m._fields_
        for name, ctype in fields:
            if name in ("size", "version"):
                continue
            value = getattr(m, name)
            if name == "state":
                out[name] = State(value)
            elif ctype in (ctypes.c_int64, ctypes.c_int32):  # signed: -1 is "not measured"
                out[name] = None if value < 0 else value
            else:
                out[name] = value
        out["last_close_reason"] = self._string(L.gemini_live_session_last_close_reason)
        return cast(Metrics, out)

    def close(self) -> None:
        """Closes the session (bounded by the close timeout: sends what is queued, then a
        close frame) and frees the C session once no other thread is inside a call on it.
        Events not yet taken are dropped; later calls raise ``ClosedError`` (``events()``
        ends). A thread waiting in ``next_event`` wakes up. Idempotent."""
        try:
            code = self._call(L.gemini_live_session_close)
        except ClosedError:
            return
        observers, self._observers = self._observers, []
        if observers:
            _hooks.notify(observers, "on_close")
        super().close()
        check(code)

    def __repr__(self) -> str:
        return f"<gemini_live.Session {self.state.name}>"


def connect(config: Optional[Config] = None, **options: "Unpack[ConfigOptions]") -> Session:
    """``Session.connect``: connects with ``config`` or with ``Config(**options)``."""
    return Session.connect(config, **options)
