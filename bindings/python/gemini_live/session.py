"""``Session``: a live conversation. Thread-safe: one thread may send audio while another
reads events (ctypes releases the GIL during each call, so a waiting ``next_event`` does not
block other Python threads)."""

import ctypes
import enum
import json
import sys
import weakref
from array import array

from . import _lib
from .config import Config
from .errors import ClosedError, check, error_for
from .events import ClosedEvent, from_c

L = _lib.lib

# next_event(None) waits in slices of this many ms, so Ctrl-C is noticed between them.
_WAIT_SLICE_MS = 1000


class State(enum.IntEnum):
    """The state of a session."""

    CONNECTING = _lib.STATE_CONNECTING
    CONNECTED = _lib.STATE_CONNECTED
    RECONNECTING = _lib.STATE_RECONNECTING
    CLOSING = _lib.STATE_CLOSING
    CLOSED = _lib.STATE_CLOSED


def _pcm_bytes(audio):
    """Little-endian PCM16 bytes from bytes-like data, array('h'), a memoryview of 16-bit
    items or a sequence of ints."""
    if isinstance(audio, (bytes, bytearray)):
        return bytes(audio)
    if isinstance(audio, memoryview):
        if audio.itemsize == 2 and audio.format in ("h", "H", "<h", "=h"):
            audio = array("h", audio.cast("B").tobytes()) if audio.ndim else array("h")
        else:
            return audio.tobytes()
    if not isinstance(audio, array):
        audio = array("h", audio)
    elif audio.typecode != "h":
        raise TypeError("audio arrays must have typecode 'h' (16-bit samples)")
    if sys.byteorder == "big":
        audio = array("h", audio)
        audio.byteswap()
    return audio.tobytes()


class Session:
    """A live conversation; make one with ``Session.connect(config)``.

    Use it as a context manager (``with Session.connect(cfg) as s:``) or call ``close()``;
    the C object is freed when the session is garbage-collected.
    """

    def __init__(self, handle):
        self._handle = handle
        self._finalizer = weakref.finalize(self, L.gemini_live_session_free, handle)

    @classmethod
    def connect(cls, config=None, **options):
        """Connects and returns once the server confirmed the setup. ``config`` is a
        ``Config`` (not consumed); without one, ``options`` build it. Raises
        ``ConnectionFailedError`` subclasses (``ModelNotFoundError``, ``ConnectTimeoutError``
        ...) or ``InvalidConfigError``."""
        own = config is None
        if own:
            config = Config(**options)
        elif options:
            raise TypeError("pass either a Config or keyword options, not both")
        try:
            handle = _lib.SESSION_P()
            check(L.gemini_live_session_connect(config.handle, ctypes.byref(handle)))
            return cls(handle)
        finally:
            if own:
                config.close()

    @property
    def handle(self):
        if not self._finalizer.alive:
            raise ClosedError(_lib.CLOSED, "the session was freed")
        return self._handle

    # ---- sending --------------------------------------------------------------------------------

    def send_text(self, text):
        """Sends a user text turn; the model answers."""
        check(L.gemini_live_session_send_text(self.handle, text.encode("utf-8")))

    def send_realtime_text(self, text):
        """Sends text as realtime input (mixed with streamed audio)."""
        check(L.gemini_live_session_send_realtime_text(self.handle, text.encode("utf-8")))

    def send_audio(self, audio, sample_rate=16000):
        """Sends mono 16-bit PCM: bytes (little-endian), ``array('h')``, a memoryview or a
        list of ints, captured at ``sample_rate`` Hz (16000 is what the service expects)."""
        pcm = _pcm_bytes(audio)
        check(L.gemini_live_session_send_audio_bytes_rate(self.handle, pcm, len(pcm), sample_rate))

    def send_audio_rate(self, audio, sample_rate):
        """``send_audio`` with an explicit sample rate."""
        self.send_audio(audio, sample_rate)

    def try_send_audio(self, audio, sample_rate=16000):
        """Like ``send_audio`` but never waits: ``False`` (nothing sent) if the queue is full."""
        samples = array("h")
        samples.frombytes(_pcm_bytes(audio))
        if sys.byteorder == "big":
            samples.byteswap()
        n = len(samples)
        buf = (ctypes.c_int16 * max(n, 1)).from_buffer(samples) if n else None
        code = L.gemini_live_session_try_send_audio(self.handle, buf, n, sample_rate)
        if code == _lib.WOULD_BLOCK:
            return False
        check(code)
        return True

    def send_video_frame(self, jpeg):
        """Sends one JPEG frame."""
        jpeg = bytes(jpeg)
        check(L.gemini_live_session_send_video_frame(self.handle, jpeg, len(jpeg)))

    def audio_stream_end(self):
        """Ends the audio stream (voice activity detection on): the model answers now."""
        check(L.gemini_live_session_audio_stream_end(self.handle))

    def activity_start(self):
        """Marks the start of user activity (voice activity detection off)."""
        check(L.gemini_live_session_activity_start(self.handle))

    def activity_end(self):
        """Marks the end of user activity (voice activity detection off)."""
        check(L.gemini_live_session_activity_end(self.handle))

    def send_tool_response(self, call_id, name, response, scheduling=None, will_continue=False):
        """Answers a function call; ``response`` is a dict (sent as JSON). For non-blocking
        functions, ``scheduling`` (``"SILENT"``, ``"WHEN_IDLE"``, ``"INTERRUPT"``) says when
        the model uses the result and ``will_continue`` that more responses follow."""
        if scheduling is None and not will_continue:
            check(
                L.gemini_live_session_send_tool_response(
                    self.handle,
                    call_id.encode("utf-8"),
                    name.encode("utf-8"),
                    json.dumps(response).encode("utf-8"),
                )
            )
            return
        check(
            L.gemini_live_session_send_tool_response_scheduled(
                self.handle,
                call_id.encode("utf-8"),
                name.encode("utf-8"),
                json.dumps(response).encode("utf-8"),
                (scheduling or "").encode("utf-8"),
                bool(will_continue),
            )
        )

    def send_context_update(self, system_instruction=None, tools=None):
        """Sends ``contextUpdate``: a new system instruction (None keeps it) and/or the tools
        of ``tools`` (a ``Config`` used as a tool list; None keeps them)."""
        text = None if system_instruction is None else system_instruction.encode("utf-8")
        check(
            L.gemini_live_session_send_context_update(
                self.handle, text, None if tools is None else tools.handle
            )
        )

    def send_client_content(self, turns, turn_complete=True):
        """Sends ``clientContent`` turns, e.g. ``[{"role": "user", "parts": [{"text": "hi"}]}]``."""
        body = json.dumps({"turns": turns, "turnComplete": turn_complete})
        check(L.gemini_live_session_send_client_content_json(self.handle, body.encode("utf-8")))

    # ---- receiving ------------------------------------------------------------------------------

    def _next(self, timeout_ms):
        ev = _lib.EVENT_P()
        code = L.gemini_live_session_next_event(self.handle, timeout_ms, ctypes.byref(ev))
        if code == _lib.TIMEOUT:
            return None
        if code != _lib.OK:
            raise error_for(code)
        try:
            return from_c(ev)
        finally:
            L.gemini_live_event_free(ev)

    def next_event(self, timeout=None):
        """The next event, waiting up to ``timeout`` seconds (None: until one comes);
        ``None`` on timeout. Raises ``ClosedError`` once the session ended and every event,
        including the final ``ClosedEvent``, was taken."""
        if timeout is not None:
            return self._next(max(0, min(int(timeout * 1000), 0xFFFFFFFF)))
        while True:
            ev = self._next(_WAIT_SLICE_MS)
            if ev is not None:
                return ev

    def events(self, timeout=None):
        """Iterates over events until (and including) the ``ClosedEvent``. With a
        ``timeout``, stops early if no event comes within it."""
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

    # ---- state ----------------------------------------------------------------------------------

    @property
    def state(self):
        """The current ``State``."""
        out = ctypes.c_uint32()
        check(L.gemini_live_session_state(self.handle, ctypes.byref(out)))
        return State(out.value)

    @property
    def resumption_handle(self):
        """The latest resumable handle, or None."""
        return self._string(L.gemini_live_session_resumption_handle)

    def _string(self, getter):
        """A string copied out by ``getter(session, buf, len, &needed)``, or None if empty."""
        needed = ctypes.c_size_t(0)
        while True:
            buf = ctypes.create_string_buffer(max(needed.value, 64))
            code = getter(self.handle, buf, len(buf), ctypes.byref(needed))
            if code == _lib.BUFFER_TOO_SMALL:
                continue  # a longer value arrived meanwhile: retry with the size asked
            check(code)
            return buf.value.decode("utf-8") or None

    def metrics(self):
        """A dict of the session's metrics; durations in seconds (None if not measured)."""
        m = _lib.Metrics()
        m.size = ctypes.sizeof(m)
        check(L.gemini_live_session_metrics(self.handle, ctypes.byref(m)))
        out = {}
        for name, _ in m._fields_:
            if name in ("size", "version"):
                continue
            value = getattr(m, name)
            if name.endswith("_us"):
                out[name[:-3]] = None if value < 0 else value / 1e6
            elif name == "last_close_code":
                out[name] = None if value < 0 else value
            elif name == "state":
                out[name] = State(value)
            else:
                out[name] = value
        out["last_close_reason"] = self._string(L.gemini_live_session_last_close_reason)
        return out

    def close(self):
        """Closes the session (bounded by the close timeout). Later sends raise
        ``ClosedError``; ``next_event`` returns what was queued, then raises it. Idempotent."""
        if self._finalizer.alive:
            check(L.gemini_live_session_close(self._handle))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        state = self.state.name if self._finalizer.alive else "FREED"
        return f"<gemini_live.Session {state}>"


def connect(config=None, **options):
    """``Session.connect``."""
    return Session.connect(config, **options)
