"""Typed events, made from the C event by its typed accessors.

Each event has ``type`` (an ``EventType``), ``kind`` (its lower-case name, e.g. ``"text"``)
and ``data`` (its fields as a dict). The fields the header gives typed accessors for (text,
finished, tool calls, inline data, state, errors, close code and reason, interaction status)
are read from those accessors when the event is taken. No event is rendered as JSON unless
a field the header exposes only through ``gemini_live_event_json`` is read (``data``, or
e.g. ``TurnCompleteEvent.usage``, ``GoAwayEvent.time_left``,
``InputTranscriptionEvent.language_code``): such events keep their C event until then, and
free it once the JSON is read or the Python event is garbage-collected.

``AudioEvent``'s ``samples`` and ``pcm`` are zero-copy ``memoryview``s over the C event's
own buffer, which is freed when the event and every view of it are gone.
"""

from __future__ import annotations

import ctypes
import json
import sys
from array import array
from typing import Any, Dict, List, Optional, Type

from . import _lib
from ._managed import Managed
from .enums import EventType, Interaction, State
from .errors import GeminiLiveError, check, error_for

L = _lib.lib

Usage = Dict[str, Optional[int]]


class _CEvent(Managed):
    """Owns a C event that Python still reads from: the buffer audio views point into, or
    the JSON of fields not read yet. Freed when no longer needed (the last view or the
    event garbage-collected, or the JSON read)."""

    def __init__(self, ptr: Any) -> None:
        super().__init__(ptr, L.gemini_live_event_free, "event")


class Event:
    """Base of all events; also the class of kinds without a dedicated one (code execution,
    unknown server messages), whose ``data`` is the library's JSON rendering."""

    __slots__ = ("type", "_data", "_c")

    #: Fields listed in ``data`` and ``repr`` of events whose fields are all typed.
    _FIELDS: tuple[str, ...] = ()

    def __init__(self, type_: int, c: Optional[_CEvent] = None) -> None:
        self.type = EventType(type_) if type_ in _TYPES else type_
        self._data: Optional[Dict[str, Any]] = None
        self._c = c

    @property
    def kind(self) -> str:
        """The event kind, e.g. ``"text"``, ``"turn_complete"``, ``"unknown"``."""
        return _KINDS.get(int(self.type), "unknown")

    @property
    def data(self) -> Dict[str, Any]:
        """The event's fields as a dict, with ``"type"`` its kind (the library's JSON
        rendering, read on first use, for kinds with fields only the JSON carries)."""
        if self._data is None:
            c = self._c
            if c is not None:
                self._data = c._call(_json)
                self._c = None
                c.close()  # everything is in Python now
            else:
                self._data = {"type": self.kind}
                for name in self._FIELDS:
                    self._data[name] = getattr(self, name)
        return self._data

    def __repr__(self) -> str:
        fields = {k: v for k, v in self.data.items() if k != "type"}
        return f"{type(self).__name__}({fields})"


class SetupCompleteEvent(Event):
    """The session is ready (always first)."""

    @property
    def session_id(self) -> Optional[str]:
        """The server's session id, if it sent one."""
        value = self.data.get("session_id")
        return value if isinstance(value, str) else None


class TextEvent(Event):
    """Model text (in TEXT_AND_AUDIO mode: the transcription of the model's audio)."""

    __slots__ = ("text",)
    _FIELDS = ("text",)

    def __init__(self, type_: int, text: str) -> None:
        super().__init__(type_)
        self.text = text


class ThoughtEvent(TextEvent):
    """A thought summary."""


class AudioEvent(Event):
    """Model audio, 16-bit mono at ``sample_rate`` Hz (24000 from the service).

    ``samples`` is a read-only ``memoryview`` of format ``'h'`` (native-endian ``int16``)
    and ``pcm`` one of format ``'B'`` (little-endian bytes), both over the C event's own
    buffer without a copy; ``bytes(ev.pcm)`` or ``ev.samples.tolist()`` copy when needed.
    On a big-endian host ``pcm`` is a little-endian copy."""

    __slots__ = ("samples", "pcm", "sample_rate")
    _FIELDS = ("sample_rate",)

    def __init__(self, type_: int, samples: memoryview, pcm: memoryview, rate: int) -> None:
        super().__init__(type_)
        self.samples = samples
        self.pcm = pcm
        self.sample_rate = rate

    @property
    def data(self) -> Dict[str, Any]:
        return {"type": "audio", "sample_rate": self.sample_rate, "samples": len(self.samples)}

    def to_array(self) -> "array[int]":
        """A copy of the samples as ``array('h')``."""
        return array("h", self.samples)


class InlineDataEvent(Event):
    """Inline data that is not audio: ``mime_type`` and ``payload`` (bytes)."""

    __slots__ = ("mime_type", "payload")
    _FIELDS = ("mime_type",)

    def __init__(self, type_: int, mime_type: str, payload: bytes) -> None:
        super().__init__(type_)
        self.mime_type, self.payload = mime_type, payload


class TranscriptionEvent(Event):
    """Base of the transcription events: ``text`` and ``finished`` (typed), and
    ``language_code`` (read from the JSON when asked for)."""

    __slots__ = ("text", "finished")

    def __init__(self, type_: int, text: str, finished: bool, c: Optional[_CEvent]) -> None:
        super().__init__(type_, c)
        self.text, self.finished = text, finished

    @property
    def language_code(self) -> Optional[str]:
        """The (detected) language, BCP-47, or None."""
        value = self.data.get("language_code")
        return value if isinstance(value, str) else None


class InputTranscriptionEvent(TranscriptionEvent):
    """Transcription of the user's audio."""


class OutputTranscriptionEvent(TranscriptionEvent):
    """Transcription of the model's audio (AUDIO mode)."""


class InterimInputTranscriptionEvent(Event):
    """An interim (not final) transcription of the user's audio: ``text`` and
    ``language_code``."""

    __slots__ = ("text",)

    def __init__(self, type_: int, text: str, c: Optional[_CEvent]) -> None:
        super().__init__(type_, c)
        self.text = text

    @property
    def language_code(self) -> Optional[str]:
        """The detected language, BCP-47, or None."""
        value = self.data.get("language_code")
        return value if isinstance(value, str) else None


class TextFinishedEvent(Event):
    """TEXT_AND_AUDIO mode: the transcription delivered as text events is final."""


class WaitingForInputEvent(Event):
    """The model is idle and expects more user input."""


class VoiceActivityEvent(Event):
    """The server's VAD saw the user start or stop speaking: ``activity`` ``"start"`` or
    ``"end"``, at ``audio_offset_ms`` (or None)."""

    @property
    def activity(self) -> Optional[str]:
        value = self.data.get("kind")
        return value if isinstance(value, str) else None

    @property
    def audio_offset_ms(self) -> Optional[int]:
        value = self.data.get("audio_offset_ms")
        return value if isinstance(value, int) else None


class VadSignalEvent(Event):
    """``voiceActivityDetectionSignal``: ``signal`` ``"start_of_speech"``,
    ``"end_of_speech"`` or the value as sent."""

    @property
    def signal(self) -> Optional[str]:
        value = self.data.get("signal")
        return value if isinstance(value, str) else None


class GroundingEvent(Event):
    """Search grounding: ``web_search_queries``, ``sources`` (``uri``, ``title``);
    ``data`` also has ``search_entry_point`` and ``metadata`` (as sent)."""

    @property
    def web_search_queries(self) -> List[str]:
        return [str(q) for q in self.data.get("web_search_queries") or []]

    @property
    def sources(self) -> List[Dict[str, Any]]:
        return [s for s in self.data.get("sources") or [] if isinstance(s, dict)]


class UrlContextEvent(Event):
    """URL-context tool metadata: ``urls`` (``retrieved_url``, ``status``)."""

    @property
    def urls(self) -> List[Dict[str, Any]]:
        return [u for u in self.data.get("urls") or [] if isinstance(u, dict)]


class ToolCall:
    """One function call: answer with ``Session.send_tool_response(call.id, call.name, ...)``."""

    __slots__ = ("id", "name", "args")

    def __init__(self, id_: str, name: str, args: Dict[str, Any]) -> None:
        self.id, self.name, self.args = id_, name, args

    def __repr__(self) -> str:
        return f"ToolCall(id={self.id!r}, name={self.name!r}, args={self.args!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ToolCall):
            return NotImplemented
        return (self.id, self.name, self.args) == (other.id, other.name, other.args)


class ToolCallEvent(Event):
    """The model calls functions: ``calls`` is a list of ``ToolCall``."""

    __slots__ = ("calls",)
    _FIELDS = ("calls",)

    def __init__(self, type_: int, calls: List[ToolCall]) -> None:
        super().__init__(type_)
        self.calls = calls


class ToolCallCancellationEvent(Event):
    """These call ids are abandoned."""

    @property
    def ids(self) -> List[str]:
        return [str(i) for i in self.data.get("ids", [])]


class InterruptedEvent(Event):
    """User input interrupted the model: drop queued playback."""


class GenerationCompleteEvent(Event):
    """The model finished generating."""


class TurnCompleteEvent(Event):
    """The turn is over: ``interaction_status`` (typed), ``usage`` (dict or None) and
    ``reason`` (read from the JSON when asked for)."""

    __slots__ = ("interaction_status",)

    def __init__(self, type_: int, interaction: Optional[str], c: Optional[_CEvent]) -> None:
        super().__init__(type_, c)
        #: ``"in_progress"`` (extended thinking: more output follows without new input),
        #: ``"idle"``, or None where the model sends no status.
        self.interaction_status = interaction

    @property
    def in_progress(self) -> bool:
        """True when the interaction goes on after this turn (wait for an idle one)."""
        return self.interaction_status == "in_progress"

    @property
    def usage(self) -> Optional[Usage]:
        value = self.data.get("usage")
        return value if isinstance(value, dict) else None

    @property
    def reason(self) -> Optional[str]:
        value = self.data.get("reason")
        return value if isinstance(value, str) else None


class UsageEvent(Event):
    """Token usage outside a turn's end."""

    @property
    def usage(self) -> Optional[Usage]:
        value = self.data.get("usage")
        return value if isinstance(value, dict) else None


class GoAwayEvent(Event):
    """The server will end the connection after ``time_left`` seconds (or None)."""

    @property
    def time_left(self) -> Optional[float]:
        ms = self.data.get("time_left_ms")
        return None if ms is None else float(ms) / 1000.0


class ResumptionUpdateEvent(Event):
    """A new resumption handle (None when not resumable)."""

    @property
    def handle(self) -> Optional[str]:
        value = self.data.get("handle")
        return value if isinstance(value, str) else None

    @property
    def resumable(self) -> bool:
        return bool(self.data.get("resumable"))


class StateChangedEvent(Event):
    """The session changed state: ``state`` is a ``State``."""

    __slots__ = ("state",)
    _FIELDS = ("state",)

    def __init__(self, type_: int, state: State) -> None:
        super().__init__(type_)
        self.state = state


class ReconnectingEvent(Event):
    """The connection was lost; reconnection ``attempt`` starts after ``delay`` seconds.
    ``cause`` is the exception that ended the connection (None for a GoAway handover)."""

    __slots__ = ("cause",)

    def __init__(
        self, type_: int, cause: Optional[GeminiLiveError], c: Optional[_CEvent]
    ) -> None:
        super().__init__(type_, c)
        self.cause = cause

    @property
    def attempt(self) -> int:
        return int(self.data.get("attempt") or 0)

    @property
    def delay(self) -> float:
        return float(self.data.get("delay_ms") or 0) / 1000.0


class ResumedEvent(Event):
    """Reconnected and resumed; ``replayed`` input messages were re-sent."""

    @property
    def replayed(self) -> int:
        return int(self.data.get("replayed") or 0)


class NewSessionEvent(ResumedEvent):
    """Reconnected to a new session: the server's history was lost."""


class InputDroppedEvent(Event):
    """Input was dropped (replay buffer overflow): ``messages`` and ``bytes``."""

    @property
    def messages(self) -> int:
        return int(self.data.get("messages") or 0)

    @property
    def bytes(self) -> int:
        return int(self.data.get("bytes") or 0)


class ToolResponsesDroppedEvent(Event):
    """Tool responses were not sent: their calls are gone."""

    @property
    def ids(self) -> List[str]:
        return [str(i) for i in self.data.get("ids", [])]


class ErrorEvent(Event):
    """An error that did not end the session: ``error`` is a ``GeminiLiveError``."""

    __slots__ = ("error",)
    _FIELDS = ("error",)

    def __init__(self, type_: int, error: Optional[GeminiLiveError]) -> None:
        super().__init__(type_)
        self.error = error


class ClosedEvent(Event):
    """The session ended (always the last event): close ``code``, ``reason`` and ``error``
    (a ``GeminiLiveError``, or None when it ended on request)."""

    __slots__ = ("code", "reason", "error")
    _FIELDS = ("code", "reason", "error")

    def __init__(
        self, type_: int, code: int, reason: str, error: Optional[GeminiLiveError]
    ) -> None:
        super().__init__(type_)
        self.code, self.reason, self.error = code, reason, error


_TYPES = frozenset(int(t) for t in EventType)
_KINDS: Dict[int, str] = {int(t): t.name.lower() for t in EventType}

# The kinds without fields.
_EMPTY_CLASSES: Dict[int, Type[Event]] = {
    _lib.EVENT_INTERRUPTED: InterruptedEvent,
    _lib.EVENT_GENERATION_COMPLETE: GenerationCompleteEvent,
    _lib.EVENT_WAITING_FOR_INPUT: WaitingForInputEvent,
    _lib.EVENT_TEXT_FINISHED: TextFinishedEvent,
}

# The kinds whose payload only gemini_live_event_json carries, and their class.
_JSON_CLASSES: Dict[int, Type[Event]] = {
    _lib.EVENT_SETUP_COMPLETE: SetupCompleteEvent,
    _lib.EVENT_CODE_EXECUTION: Event,
    _lib.EVENT_TOOL_CALL_CANCELLATION: ToolCallCancellationEvent,
    _lib.EVENT_USAGE: UsageEvent,
    _lib.EVENT_GROUNDING: GroundingEvent,
    _lib.EVENT_URL_CONTEXT: UrlContextEvent,
    _lib.EVENT_VOICE_ACTIVITY: VoiceActivityEvent,
    _lib.EVENT_VAD_SIGNAL: VadSignalEvent,
    _lib.EVENT_GO_AWAY: GoAwayEvent,
    _lib.EVENT_RESUMPTION_UPDATE: ResumptionUpdateEvent,
    _lib.EVENT_UNKNOWN: Event,
    _lib.EVENT_RESUMED: ResumedEvent,
    _lib.EVENT_NEW_SESSION: NewSessionEvent,
    _lib.EVENT_INPUT_DROPPED: InputDroppedEvent,
    _lib.EVENT_TOOL_RESPONSES_DROPPED: ToolResponsesDroppedEvent,
}


# ---- reading a C event --------------------------------------------------------------------


def _string(ptr: Optional[int], length: Optional[int] = None) -> str:
    if not ptr:
        return ""
    raw = ctypes.string_at(ptr, length) if length is not None else ctypes.string_at(ptr)
    return raw.decode("utf-8", "replace")


def _text(ev: Any) -> str:
    p, n = ctypes.c_void_p(), ctypes.c_size_t()
    check(L.gemini_live_event_text(ev, ctypes.byref(p), ctypes.byref(n)))
    return _string(p.value, n.value)


def _finished(ev: Any) -> bool:
    done = ctypes.c_bool()
    check(L.gemini_live_event_finished(ev, ctypes.byref(done)))
    return bool(done.value)


def _error(ev: Any) -> Optional[GeminiLiveError]:
    code, msg = _lib.RESULT(), ctypes.c_void_p()
    check(L.gemini_live_event_error(ev, ctypes.byref(code), ctypes.byref(msg)))
    return None if code.value == _lib.OK else error_for(code.value, _string(msg.value))


def _json(ev: Any) -> Dict[str, Any]:
    p, n = ctypes.c_void_p(), ctypes.c_size_t()
    check(L.gemini_live_event_json(ev, ctypes.byref(p), ctypes.byref(n)))
    value = json.loads(_string(p.value, n.value))
    return value if isinstance(value, dict) else {"type": "unknown", "value": value}


def _tool_calls(ev: Any) -> List[ToolCall]:
    count = ctypes.c_size_t()
    check(L.gemini_live_event_tool_call_count(ev, ctypes.byref(count)))
    calls = []
    for i in range(count.value):
        id_, name, args = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p()
        check(
            L.gemini_live_event_tool_call(
                ev, i, ctypes.byref(id_), ctypes.byref(name), ctypes.byref(args)
            )
        )
        parsed = json.loads(_string(args.value) or "{}")
        calls.append(ToolCall(_string(id_.value), _string(name.value), parsed))
    return calls


def _inline_data(type_: int, ev: Any) -> InlineDataEvent:
    mime, data, n = ctypes.c_void_p(), ctypes.POINTER(ctypes.c_uint8)(), ctypes.c_size_t()
    check(L.gemini_live_event_data(ev, ctypes.byref(mime), ctypes.byref(data), ctypes.byref(n)))
    payload = ctypes.string_at(data, n.value) if n.value else b""
    return InlineDataEvent(type_, _string(mime.value), payload)


def _state(ev: Any) -> State:
    state = ctypes.c_uint32()
    check(L.gemini_live_event_state(ev, ctypes.byref(state)))
    return State(state.value)


def _closed(type_: int, ev: Any) -> ClosedEvent:
    code, reason = ctypes.c_uint16(), ctypes.c_void_p()
    check(L.gemini_live_event_close(ev, ctypes.byref(code), ctypes.byref(reason)))
    return ClosedEvent(type_, code.value, _string(reason.value), _error(ev))


# ---- audio: zero-copy views over the C event ----------------------------------------------


def audio_view(ev: Any) -> "tuple[int, int, int]":
    """The address of the AUDIO event's native-endian ``int16`` samples, their count and the
    sample rate. The one place that knows which C accessor gives the view into the event's
    own buffer (``gemini_live_event_audio``: the samples stay valid until the event is
    freed)."""
    samples, n, rate = _lib.SAMPLES(), ctypes.c_size_t(), ctypes.c_uint32()
    check(L.gemini_live_event_audio(ev, ctypes.byref(samples), ctypes.byref(n), ctypes.byref(rate)))
    address = ctypes.cast(samples, ctypes.c_void_p).value or 0
    return address, n.value, rate.value


_EMPTY = memoryview(array("h")).toreadonly()


def _audio(type_: int, ev: Any) -> "tuple[AudioEvent, bool]":
    """The audio event over ``ev``'s buffer, and whether the caller must still free ``ev``
    (False: the views own it now)."""
    address, n, rate = audio_view(ev)
    if n == 0 or not address:
        return AudioEvent(type_, _EMPTY, _EMPTY.cast("B"), rate), True
    buf = (ctypes.c_int16 * n).from_address(address)
    # The ctypes array keeps the owner of the C event alive; every memoryview keeps the array.
    setattr(buf, "_owner", _CEvent(ev))
    samples = memoryview(buf).cast("B").cast("h").toreadonly()
    if sys.byteorder == "little":
        pcm = samples.cast("B")
    else:  # pragma: no cover - big-endian hosts get a little-endian copy
        swapped = array("h", samples)
        swapped.byteswap()
        pcm = memoryview(swapped.tobytes())
    return AudioEvent(type_, samples, pcm, rate), False


_INTERACTION: Dict[int, str] = {Interaction.IN_PROGRESS: "in_progress", Interaction.IDLE: "idle"}


def _interaction(ev: Any) -> Optional[str]:
    status = ctypes.c_uint32()
    check(L.gemini_live_event_interaction_status(ev, ctypes.byref(status)))
    return _INTERACTION.get(status.value)


def from_c(ev: Any) -> "tuple[Event, bool]":
    """The Python event for the C event ``ev``, and whether the caller must free ``ev``
    now (False when the Python event took it: audio views, JSON not read yet)."""
    type_ = int(L.gemini_live_event_type(ev))
    if type_ == _lib.EVENT_AUDIO:
        return _audio(type_, ev)
    event = _typed(type_, ev)
    if event is not None:
        return event, True
    # The kinds with fields only the JSON carries, and kinds newer than this package: the
    # Python event keeps the C event and renders the JSON when it is asked for.
    return _with_json(type_, ev, _CEvent(ev)), False


def _typed(type_: int, ev: Any) -> Optional[Event]:
    """The kinds whose every field has a typed accessor (or that have no field)."""
    if type_ in (_lib.EVENT_TEXT, _lib.EVENT_THOUGHT):
        cls = TextEvent if type_ == _lib.EVENT_TEXT else ThoughtEvent
        return cls(type_, _text(ev))
    if type_ == _lib.EVENT_TOOL_CALL:
        return ToolCallEvent(type_, _tool_calls(ev))
    if type_ == _lib.EVENT_INLINE_DATA:
        return _inline_data(type_, ev)
    if type_ == _lib.EVENT_STATE_CHANGED:
        return StateChangedEvent(type_, _state(ev))
    if type_ == _lib.EVENT_ERROR:
        return ErrorEvent(type_, _error(ev))
    if type_ == _lib.EVENT_CLOSED:
        return _closed(type_, ev)
    empty = _EMPTY_CLASSES.get(type_)
    return None if empty is None else empty(type_)


def _with_json(type_: int, ev: Any, c: _CEvent) -> Event:
    """A kind with fields only the JSON carries: typed fields now, the rest via ``c``."""
    if type_ == _lib.EVENT_INPUT_TRANSCRIPTION:
        return InputTranscriptionEvent(type_, _text(ev), _finished(ev), c)
    if type_ == _lib.EVENT_OUTPUT_TRANSCRIPTION:
        return OutputTranscriptionEvent(type_, _text(ev), _finished(ev), c)
    if type_ == _lib.EVENT_INTERIM_INPUT_TRANSCRIPTION:
        return InterimInputTranscriptionEvent(type_, _text(ev), c)
    if type_ == _lib.EVENT_TURN_COMPLETE:
        return TurnCompleteEvent(type_, _interaction(ev), c)
    if type_ == _lib.EVENT_RECONNECTING:
        return ReconnectingEvent(type_, _error(ev), c)
    return _JSON_CLASSES.get(type_, Event)(type_, c)
