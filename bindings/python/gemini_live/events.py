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

from array import array
from typing import Any, Dict, List, Optional, Type

from . import _cevent, _lib
from ._cevent import CEvent
from .enums import EventType, State
from .errors import ClosedError, GeminiLiveError

Usage = Dict[str, Optional[int]]


class Event:
    """Base of all events; also the class of kinds without a dedicated one (code execution,
    unknown server messages), whose ``data`` is the library's JSON rendering."""

    __slots__ = ("type", "_data", "_c")

    #: Fields listed in ``data`` and ``repr`` of events whose fields are all typed.
    _FIELDS: tuple[str, ...] = ()

    def __init__(self, type_: int, c: Optional[CEvent] = None) -> None:
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
                try:
                    data: Dict[str, Any] = c._call(_cevent.json_of)
                except ClosedError:  # another thread read it first and freed the C event
                    if self._data is not None:
                        return self._data
                    raise
                self._data = data
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

    def __init__(self, type_: int, text: str, finished: bool, c: Optional[CEvent]) -> None:
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

    def __init__(self, type_: int, text: str, c: Optional[CEvent]) -> None:
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

    def __init__(self, type_: int, interaction: Optional[str], c: Optional[CEvent]) -> None:
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
    """A new resumption handle (None when not resumable); ``last_consumed_index`` (typed)
    is Vertex AI's ``lastConsumedClientMessageIndex`` with transparent resumption (None
    when the update carried none)."""

    __slots__ = ("last_consumed_index",)

    def __init__(self, type_: int, last_consumed_index: Optional[int], c: Optional[CEvent]):
        super().__init__(type_, c)
        self.last_consumed_index = last_consumed_index

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
        self, type_: int, cause: Optional[GeminiLiveError], c: Optional[CEvent]
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


class ReplyDiscardedEvent(Event):
    """The reply in progress was cut off by a lost connection and is void: drop what was
    delivered for it since the last turn that ended an interaction (text, audio, tool
    calls); the question is asked again after the reconnection, so the whole reply comes
    again, once. ``turn`` is the session's turn number."""

    @property
    def turn(self) -> Optional[int]:
        value = self.data.get("turn")
        return value if isinstance(value, int) else None


class ContextLostEvent(Event):
    """Resumed with a handle older than some answered turns: their replies were delivered,
    but the model no longer remembers those exchanges (``turns``)."""

    @property
    def turns(self) -> List[int]:
        return [t for t in self.data.get("turns") or [] if isinstance(t, int)]


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
    _lib.EVENT_REPLY_DISCARDED: ReplyDiscardedEvent,
    _lib.EVENT_CONTEXT_LOST: ContextLostEvent,
    _lib.EVENT_UNKNOWN: Event,
    _lib.EVENT_RESUMED: ResumedEvent,
    _lib.EVENT_NEW_SESSION: NewSessionEvent,
    _lib.EVENT_INPUT_DROPPED: InputDroppedEvent,
    _lib.EVENT_TOOL_RESPONSES_DROPPED: ToolResponsesDroppedEvent,
}
