"""Typed events, made from the C event by its typed accessors.

Each event has ``type`` (an ``EventType``), ``kind`` (its lower-case name, e.g. ``"text"``)
and ``data`` (its fields as a dict, with the keys of the library's JSON rendering). Every
field of every kind is read from its typed accessor in ``gemini_live.h`` when the event is
taken (text, usage, reason, session id, GoAway time, resumption handle, reconnection attempt,
counts, call ids, language code, voice activity, VAD signal, ...), and ``data`` is built
from those fields: no event crosses as JSON. Only the structured documents (code execution,
grounding, URL context, unknown server messages) are the library's JSON rendering: those
events keep their C event until ``data`` (or a property made from it) is read, and free it
then or when the Python event is garbage-collected.

``AudioEvent``'s ``samples`` and ``pcm`` are zero-copy ``memoryview``s over the C event's
own buffer, which is freed when the event and every view of it are gone.
"""

from __future__ import annotations

from array import array
from typing import Any, Dict, List, Optional, Tuple, Type

from . import _cevent, _lib
from ._cevent import CEvent
from .enums import EventType, State
from .errors import ClosedError, GeminiLiveError

#: Token usage: the counts of ``gemini_live_usage`` by name (``prompt_token_count``, ...,
#: ``total_token_count``; None where the server sent none) and the per-modality lists
#: ``prompt_tokens_details``, ``cache_tokens_details``, ``response_tokens_details`` and
#: ``tool_use_prompt_tokens_details`` (each a list of ``{"modality", "token_count"}``).
Usage = Dict[str, Any]


class Event:
    """Base of all events; also the class of kinds without a dedicated one (code execution,
    unknown server messages), whose ``data`` is the library's JSON rendering."""

    __slots__ = ("type", "_data", "_c")

    #: Fields listed in ``data`` and ``repr`` of events whose fields are all typed.
    _FIELDS: tuple[str, ...] = ()
    #: Attributes whose ``data`` key differs (the JSON rendering's name).
    _KEYS: Dict[str, str] = {}

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
        """The event's fields as a dict, with ``"type"`` its kind: built from the typed
        fields, or, for the structured kinds (code execution, grounding, URL context,
        unknown), the library's JSON rendering, read on first use."""
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
                    self._data[self._KEYS.get(name, name)] = getattr(self, name)
        return self._data

    def __repr__(self) -> str:
        fields = {k: v for k, v in self.data.items() if k != "type"}
        return f"{type(self).__name__}({fields})"


class SetupCompleteEvent(Event):
    """The session is ready (always first): ``session_id`` is the server's session id, or
    None if it sent none."""

    __slots__ = ("session_id",)
    _FIELDS = ("session_id",)

    def __init__(self, type_: int, session_id: Optional[str]) -> None:
        super().__init__(type_)
        self.session_id = session_id


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
    """Base of the transcription events: ``text``, ``finished`` and ``language_code`` (the
    detected language, BCP-47, or None)."""

    __slots__ = ("text", "finished", "language_code")
    _FIELDS = ("text", "finished", "language_code")

    def __init__(
        self, type_: int, text: str, finished: bool, language_code: Optional[str]
    ) -> None:
        super().__init__(type_)
        self.text, self.finished, self.language_code = text, finished, language_code


class InputTranscriptionEvent(TranscriptionEvent):
    """Transcription of the user's audio."""


class OutputTranscriptionEvent(TranscriptionEvent):
    """Transcription of the model's audio (AUDIO mode)."""


class InterimInputTranscriptionEvent(Event):
    """An interim (not final) transcription of the user's audio: ``text`` and
    ``language_code``."""

    __slots__ = ("text", "language_code")
    _FIELDS = ("text", "language_code")

    def __init__(self, type_: int, text: str, language_code: Optional[str]) -> None:
        super().__init__(type_)
        self.text, self.language_code = text, language_code


class TextFinishedEvent(Event):
    """TEXT_AND_AUDIO mode: the transcription delivered as text events is final."""


class WaitingForInputEvent(Event):
    """The model is idle and expects more user input."""


class VoiceActivityEvent(Event):
    """The server's VAD saw the user start or stop speaking: ``activity`` ``"start"`` or
    ``"end"`` (``data["kind"]``), at ``audio_offset_ms`` into the input audio (or None)."""

    __slots__ = ("activity", "audio_offset_ms")
    _FIELDS = ("activity", "audio_offset_ms")
    _KEYS = {"activity": "kind"}

    def __init__(self, type_: int, activity: str, audio_offset_ms: Optional[int]) -> None:
        super().__init__(type_)
        self.activity, self.audio_offset_ms = activity, audio_offset_ms


class VadSignalEvent(Event):
    """``voiceActivityDetectionSignal``: ``signal`` ``"start_of_speech"``,
    ``"end_of_speech"`` or the value as sent."""

    __slots__ = ("signal",)
    _FIELDS = ("signal",)

    def __init__(self, type_: int, signal: str) -> None:
        super().__init__(type_)
        self.signal = signal


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
    """One function call: answer with ``Session.send_tool_response(call.id, call.name, ...)``.

    Streamed arguments (Vertex AI): ``partial_args`` are the call's pieces as sent, each a
    dict with ``json_path`` and one of ``string_value``, ``number_value``, ``bool_value`` or
    ``null_value`` (and ``will_continue`` while that value goes on); ``will_continue`` says
    more of this call follows (same ``id``). Empty and ``False`` for a call not streamed."""

    __slots__ = ("id", "name", "args", "partial_args", "will_continue")

    def __init__(
        self,
        id_: str,
        name: str,
        args: Dict[str, Any],
        partial_args: Optional[List[Dict[str, Any]]] = None,
        will_continue: bool = False,
    ) -> None:
        self.id, self.name, self.args = id_, name, args
        self.partial_args = [] if partial_args is None else partial_args
        self.will_continue = will_continue

    def _key(self) -> Tuple[Any, ...]:
        return (self.id, self.name, self.args, self.partial_args, self.will_continue)

    def __repr__(self) -> str:
        streamed = ""
        if self.partial_args or self.will_continue:
            streamed = f", partial_args={self.partial_args!r}, will_continue={self.will_continue}"
        return f"ToolCall(id={self.id!r}, name={self.name!r}, args={self.args!r}{streamed})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ToolCall):
            return NotImplemented
        return self._key() == other._key()


class ToolCallEvent(Event):
    """The model calls functions: ``calls`` is a list of ``ToolCall``."""

    __slots__ = ("calls",)
    _FIELDS = ("calls",)

    def __init__(self, type_: int, calls: List[ToolCall]) -> None:
        super().__init__(type_)
        self.calls = calls


class ToolCallCancellationEvent(Event):
    """These call ``ids`` are abandoned."""

    __slots__ = ("ids",)
    _FIELDS = ("ids",)

    def __init__(self, type_: int, ids: List[str]) -> None:
        super().__init__(type_)
        self.ids = ids


class InterruptedEvent(Event):
    """User input interrupted the model: drop queued playback."""


class GenerationCompleteEvent(Event):
    """The model finished generating."""


class TurnCompleteEvent(Event):
    """The turn is over: ``interaction_status``, ``usage`` (a ``Usage`` dict, or None when
    the turn came without ``usageMetadata``) and ``reason`` (``turnCompleteReason``, or
    None)."""

    __slots__ = ("interaction_status", "usage", "reason")
    _FIELDS = ("usage", "reason", "interaction_status")

    def __init__(
        self, type_: int, interaction: Optional[str], usage: Optional[Usage], reason: Optional[str]
    ) -> None:
        super().__init__(type_)
        #: ``"in_progress"`` (extended thinking: more output follows without new input),
        #: ``"requires_action"`` (the model waits for a tool response; not finished either),
        #: ``"idle"``, or None where the model sends no status.
        self.interaction_status = interaction
        self.usage, self.reason = usage, reason

    @property
    def in_progress(self) -> bool:
        """True when the interaction goes on after this turn (wait for an idle one): any
        status but ``"idle"``, as Google's SDK reads it."""
        return self.interaction_status in ("in_progress", "requires_action")


class UsageEvent(Event):
    """Token ``usage`` (a ``Usage`` dict) outside a turn's end."""

    __slots__ = ("usage",)
    _FIELDS = ("usage",)

    def __init__(self, type_: int, usage: Usage) -> None:
        super().__init__(type_)
        self.usage = usage


class GoAwayEvent(Event):
    """The server will end the connection after ``time_left`` seconds (``time_left_ms``
    milliseconds), or None when it did not say."""

    __slots__ = ("time_left_ms",)
    _FIELDS = ("time_left_ms",)

    def __init__(self, type_: int, time_left_ms: Optional[int]) -> None:
        super().__init__(type_)
        self.time_left_ms = time_left_ms

    @property
    def time_left(self) -> Optional[float]:
        ms = self.time_left_ms
        return None if ms is None else float(ms) / 1000.0


class ResumptionUpdateEvent(Event):
    """A new resumption ``handle`` (None when not ``resumable``); ``last_consumed_index``
    is Vertex AI's ``lastConsumedClientMessageIndex`` with transparent resumption (None
    when the update carried none)."""

    __slots__ = ("handle", "resumable", "last_consumed_index")
    _FIELDS = ("handle", "resumable", "last_consumed_index")

    def __init__(
        self,
        type_: int,
        handle: Optional[str],
        resumable: bool,
        last_consumed_index: Optional[int],
    ) -> None:
        super().__init__(type_)
        self.handle, self.resumable = handle, resumable
        self.last_consumed_index = last_consumed_index


class StateChangedEvent(Event):
    """The session changed state: ``state`` is a ``State``."""

    __slots__ = ("state",)
    _FIELDS = ("state",)

    def __init__(self, type_: int, state: State) -> None:
        super().__init__(type_)
        self.state = state


class ReconnectingEvent(Event):
    """The connection was lost; reconnection ``attempt`` (1-based) starts after ``delay``
    seconds (``delay_ms`` milliseconds). ``cause`` is the exception that ended the
    connection (None for a GoAway handover)."""

    __slots__ = ("attempt", "delay_ms", "cause")
    _FIELDS = ("attempt", "delay_ms", "cause")

    def __init__(
        self, type_: int, attempt: int, delay_ms: int, cause: Optional[GeminiLiveError]
    ) -> None:
        super().__init__(type_)
        self.attempt, self.delay_ms, self.cause = attempt, delay_ms, cause

    @property
    def delay(self) -> float:
        return float(self.delay_ms) / 1000.0


class ResumedEvent(Event):
    """Reconnected and resumed; ``replayed`` input messages were re-sent."""

    __slots__ = ("replayed",)
    _FIELDS = ("replayed",)

    def __init__(self, type_: int, replayed: int) -> None:
        super().__init__(type_)
        self.replayed = replayed


class NewSessionEvent(ResumedEvent):
    """Reconnected to a new session: the server's history was lost."""


class ReplyDiscardedEvent(Event):
    """The reply in progress was cut off by a lost connection and is void: drop what was
    delivered for it since the last turn that ended an interaction (text, audio, tool
    calls); the question is asked again after the reconnection, so the whole reply comes
    again, once. ``turn`` is the session's turn number (1-based)."""

    __slots__ = ("turn",)
    _FIELDS = ("turn",)

    def __init__(self, type_: int, turn: int) -> None:
        super().__init__(type_)
        self.turn = turn


class ContextLostEvent(Event):
    """Resumed with a handle older than some answered turns: their replies were delivered,
    but the model no longer remembers those exchanges; ``turns`` is how many (an ``int``)."""

    __slots__ = ("turns",)
    _FIELDS = ("turns",)

    def __init__(self, type_: int, turns: int) -> None:
        super().__init__(type_)
        self.turns = turns


class ContextRestoredEvent(Event):
    """The server had lost part of the conversation and it was put back as history, before
    unanswered input was replayed: ``turns`` exchanges of ``chars`` characters; ``dropped``
    exchanges it lost did not fit the context budget (``Config(context_budget_chars=...,
    context_budget_turns=...)``) and are gone. Comes instead of ``ContextLostEvent``."""

    __slots__ = ("turns", "chars", "dropped")
    _FIELDS = ("turns", "chars", "dropped")

    def __init__(self, type_: int, turns: int, chars: int, dropped: int) -> None:
        super().__init__(type_)
        self.turns, self.chars, self.dropped = turns, chars, dropped


class ToolCallsAbandonedEvent(Event):
    """New content was sent while BLOCKING function calls (``ids``) were pending: the
    service drops them without a cancellation, while their side effects may still happen.
    Declare an explicit ``behavior`` on every function."""

    __slots__ = ("ids",)
    _FIELDS = ("ids",)

    def __init__(self, type_: int, ids: List[str]) -> None:
        super().__init__(type_)
        self.ids = ids
class TranscriptionDetailEvent(Event):
    """The word timings, speaker label and offsets of the transcription fragment just
    delivered (``wordTimestamp``, ``diarization``): ``source`` (``"input"``,
    ``"interim_input"`` or ``"output"``), ``speaker_label`` (or None), ``start_ms`` /
    ``end_ms`` (or None) and ``words`` (dicts with ``word``, ``start_ms``, ``end_ms``)."""

    __slots__ = ("source", "speaker_label", "start_ms", "end_ms", "words")
    _FIELDS = ("source", "speaker_label", "start_ms", "end_ms", "words")

    def __init__(
        self,
        type_: int,
        source: str,
        speaker_label: Optional[str],
        start_ms: Optional[int],
        end_ms: Optional[int],
        words: List[Dict[str, Any]],
    ) -> None:
        super().__init__(type_)
        self.source, self.speaker_label = source, speaker_label
        self.start_ms, self.end_ms, self.words = start_ms, end_ms, words


class ThoughtSignatureEvent(Event):
    """The thought ``signature`` (base64) of the model part just delivered: give it back
    with that part when the turn goes into history."""

    __slots__ = ("signature",)
    _FIELDS = ("signature",)

    def __init__(self, type_: int, signature: str) -> None:
        super().__init__(type_)
        self.signature = signature


class VoiceConsentSignatureEvent(ThoughtSignatureEvent):
    """The service verified a replicated voice's consent recording: send ``signature`` in
    later setups instead of the recording."""

    __slots__ = ()


class FunctionCallPartEvent(Event):
    """A ``functionCall`` part of the model's turn (``id``, ``name``, ``args``), a record
    for history: answer the ``ToolCallEvent``, not this."""

    __slots__ = ("id", "name", "args")
    _FIELDS = ("id", "name", "args")

    def __init__(self, type_: int, call: ToolCall) -> None:
        super().__init__(type_)
        self.id, self.name, self.args = call.id, call.name, call.args


class InputDroppedEvent(Event):
    """Input was dropped (replay buffer overflow): ``messages`` of ``bytes`` bytes in all."""

    __slots__ = ("messages", "bytes")
    _FIELDS = ("messages", "bytes")

    def __init__(self, type_: int, messages: int, bytes_: int) -> None:
        super().__init__(type_)
        self.messages, self.bytes = messages, bytes_


class ToolResponsesDroppedEvent(Event):
    """Tool responses were not sent: their calls (``ids``) are gone."""

    __slots__ = ("ids",)
    _FIELDS = ("ids",)

    def __init__(self, type_: int, ids: List[str]) -> None:
        super().__init__(type_)
        self.ids = ids


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

# The structured kinds, whose payload is a document only gemini_live_event_json carries,
# and their class (kinds newer than this package are plain ``Event``s, JSON too).
_JSON_CLASSES: Dict[int, Type[Event]] = {
    _lib.EVENT_CODE_EXECUTION: Event,
    _lib.EVENT_GROUNDING: GroundingEvent,
    _lib.EVENT_URL_CONTEXT: UrlContextEvent,
    _lib.EVENT_UNKNOWN: Event,
}
