"""Typed events. Each is a plain Python object copied out of the C event (which is freed at
once), so it can be kept, passed between threads and compared freely.

Every event has ``type`` (the ``GEMINI_LIVE_EVENT_*`` number), ``kind`` (e.g. ``"text"``) and
``data`` (the library's JSON rendering as a dict; for audio only a summary).
"""

import ctypes
import json
import sys
from array import array

from . import _lib
from .errors import error_for

L = _lib.lib


class Event:
    """Base of all events; also used for kinds without a dedicated class (code execution,
    grounding, unknown server messages)."""

    __slots__ = ("type", "data")

    def __init__(self, type_, data):
        self.type = type_
        self.data = data

    @property
    def kind(self):
        """The event kind, e.g. ``"text"``, ``"turn_complete"``, ``"unknown"``."""
        return self.data.get("type", "unknown")

    def __repr__(self):
        fields = {k: v for k, v in self.data.items() if k != "type"}
        return f"{type(self).__name__}({fields})"


class SetupCompleteEvent(Event):
    """The session is ready (always first)."""

    @property
    def session_id(self):
        return self.data.get("session_id")


class TextEvent(Event):
    """Model text (in TEXT_AND_AUDIO mode: the transcription of the model's audio)."""

    __slots__ = ("text",)


class ThoughtEvent(TextEvent):
    """A thought summary."""


class AudioEvent(Event):
    """Model audio: ``pcm`` is little-endian 16-bit mono at ``sample_rate`` Hz."""

    __slots__ = ("pcm", "sample_rate")

    @property
    def samples(self):
        """The samples as ``array('h')``."""
        a = array("h")
        a.frombytes(self.pcm)
        if sys.byteorder == "big":
            a.byteswap()
        return a


class InlineDataEvent(Event):
    """Inline data that is not audio."""

    __slots__ = ("mime_type", "payload")


class TranscriptionEvent(Event):
    """Base of the transcription events: ``text`` and ``finished``."""

    __slots__ = ("text", "finished")


class InputTranscriptionEvent(TranscriptionEvent):
    """Transcription of the user's audio."""

    @property
    def language_code(self):
        """The detected language (BCP-47) or None."""
        return self.data.get("language_code")


class OutputTranscriptionEvent(TranscriptionEvent):
    """Transcription of the model's audio (AUDIO mode)."""

    @property
    def language_code(self):
        """The language (BCP-47) or None."""
        return self.data.get("language_code")


class InterimInputTranscriptionEvent(Event):
    """An interim (not final) transcription of the user's audio: ``text``, ``language_code``."""

    @property
    def text(self):
        return self.data.get("text", "")

    @property
    def language_code(self):
        return self.data.get("language_code")


class TextFinishedEvent(Event):
    """TEXT_AND_AUDIO mode: the transcription delivered as text events is final."""


class WaitingForInputEvent(Event):
    """The model is idle and expects more user input."""


class VoiceActivityEvent(Event):
    """The server's VAD saw speech ``kind`` ``"start"`` or ``"end"`` (``audio_offset_ms``)."""

    @property
    def activity(self):
        return self.data.get("kind")

    @property
    def audio_offset_ms(self):
        return self.data.get("audio_offset_ms")


class VadSignalEvent(Event):
    """``voiceActivityDetectionSignal``: ``signal`` ``"start_of_speech"``/``"end_of_speech"``."""

    @property
    def signal(self):
        return self.data.get("signal")


class GroundingEvent(Event):
    """Search grounding: ``web_search_queries``, ``sources`` (``uri``, ``title``),
    ``search_entry_point``, ``metadata`` (as sent)."""

    @property
    def web_search_queries(self):
        return self.data.get("web_search_queries", [])

    @property
    def sources(self):
        return self.data.get("sources", [])


class UrlContextEvent(Event):
    """URL-context tool metadata: ``urls`` (``retrieved_url``, ``status``)."""

    @property
    def urls(self):
        return self.data.get("urls", [])


class ToolCall:
    """One function call: answer with ``Session.send_tool_response(call.id, call.name, ...)``."""

    __slots__ = ("id", "name", "args")

    def __init__(self, id_, name, args):
        self.id, self.name, self.args = id_, name, args

    def __repr__(self):
        return f"ToolCall(id={self.id!r}, name={self.name!r}, args={self.args!r})"


class ToolCallEvent(Event):
    """The model calls functions: ``calls`` is a list of ``ToolCall``."""

    __slots__ = ("calls",)


class ToolCallCancellationEvent(Event):
    """These call ids are abandoned."""

    @property
    def ids(self):
        return list(self.data.get("ids", []))


class InterruptedEvent(Event):
    """User input interrupted the model: drop queued playback."""


class GenerationCompleteEvent(Event):
    """The model finished generating."""


class TurnCompleteEvent(Event):
    """The turn is over; ``usage`` (dict or None) and ``reason``."""

    @property
    def usage(self):
        return self.data.get("usage")

    @property
    def reason(self):
        return self.data.get("reason")

    @property
    def interaction_status(self):
        """``"in_progress"`` (extended thinking: more output follows without new input),
        ``"idle"``, or None where the model sends no status."""
        return self.data.get("interaction_status")

    @property
    def in_progress(self):
        """True when the interaction goes on after this turn (wait for an idle one)."""
        return self.interaction_status == "in_progress"


class UsageEvent(Event):
    """Token usage outside a turn's end."""

    @property
    def usage(self):
        return self.data.get("usage")


class GoAwayEvent(Event):
    """The server will end the connection after ``time_left`` seconds (or None)."""

    @property
    def time_left(self):
        ms = self.data.get("time_left_ms")
        return None if ms is None else ms / 1000.0


class ResumptionUpdateEvent(Event):
    """A new resumption handle (None when not resumable)."""

    @property
    def handle(self):
        return self.data.get("handle")

    @property
    def resumable(self):
        return bool(self.data.get("resumable"))


class StateChangedEvent(Event):
    """The session changed state: ``state`` is a ``State``."""

    __slots__ = ("state",)


class ReconnectingEvent(Event):
    """The connection was lost; reconnection ``attempt`` starts after ``delay`` seconds.
    ``cause`` is the exception that ended the connection (None for a GoAway handover)."""

    __slots__ = ("cause",)

    @property
    def attempt(self):
        return self.data.get("attempt")

    @property
    def delay(self):
        return self.data.get("delay_ms", 0) / 1000.0


class ResumedEvent(Event):
    """Reconnected and resumed; ``replayed`` input messages were re-sent."""

    @property
    def replayed(self):
        return self.data.get("replayed", 0)


class NewSessionEvent(ResumedEvent):
    """Reconnected to a new session: the server's history was lost."""


class InputDroppedEvent(Event):
    """Input was dropped (replay buffer overflow): ``messages`` and ``bytes``."""

    @property
    def messages(self):
        return self.data.get("messages", 0)

    @property
    def bytes(self):
        return self.data.get("bytes", 0)


class ToolResponsesDroppedEvent(Event):
    """Tool responses were not sent: their calls are gone."""

    @property
    def ids(self):
        return list(self.data.get("ids", []))


class ErrorEvent(Event):
    """An error that did not end the session: ``error`` is a ``GeminiLiveError``."""

    __slots__ = ("error",)


class ClosedEvent(Event):
    """The session ended (always the last event): close ``code``, ``reason`` and ``error``
    (a ``GeminiLiveError``, or None when it ended on request)."""

    __slots__ = ("code", "reason", "error")


_CLASSES = {
    _lib.EVENT_SETUP_COMPLETE: SetupCompleteEvent,
    _lib.EVENT_TEXT: TextEvent,
    _lib.EVENT_THOUGHT: ThoughtEvent,
    _lib.EVENT_AUDIO: AudioEvent,
    _lib.EVENT_INLINE_DATA: InlineDataEvent,
    _lib.EVENT_INPUT_TRANSCRIPTION: InputTranscriptionEvent,
    _lib.EVENT_OUTPUT_TRANSCRIPTION: OutputTranscriptionEvent,
    _lib.EVENT_TOOL_CALL: ToolCallEvent,
    _lib.EVENT_TOOL_CALL_CANCELLATION: ToolCallCancellationEvent,
    _lib.EVENT_INTERRUPTED: InterruptedEvent,
    _lib.EVENT_GENERATION_COMPLETE: GenerationCompleteEvent,
    _lib.EVENT_TURN_COMPLETE: TurnCompleteEvent,
    _lib.EVENT_USAGE: UsageEvent,
    _lib.EVENT_GO_AWAY: GoAwayEvent,
    _lib.EVENT_RESUMPTION_UPDATE: ResumptionUpdateEvent,
    _lib.EVENT_STATE_CHANGED: StateChangedEvent,
    _lib.EVENT_RECONNECTING: ReconnectingEvent,
    _lib.EVENT_RESUMED: ResumedEvent,
    _lib.EVENT_NEW_SESSION: NewSessionEvent,
    _lib.EVENT_INPUT_DROPPED: InputDroppedEvent,
    _lib.EVENT_TOOL_RESPONSES_DROPPED: ToolResponsesDroppedEvent,
    _lib.EVENT_ERROR: ErrorEvent,
    _lib.EVENT_CLOSED: ClosedEvent,
    _lib.EVENT_GROUNDING: GroundingEvent,
    _lib.EVENT_URL_CONTEXT: UrlContextEvent,
    _lib.EVENT_WAITING_FOR_INPUT: WaitingForInputEvent,
    _lib.EVENT_VOICE_ACTIVITY: VoiceActivityEvent,
    _lib.EVENT_VAD_SIGNAL: VadSignalEvent,
    _lib.EVENT_INTERIM_INPUT_TRANSCRIPTION: InterimInputTranscriptionEvent,
    _lib.EVENT_TEXT_FINISHED: TextFinishedEvent,
}


def _check(code):
    if code != _lib.OK:
        raise error_for(code)


def _string(ptr, length=None):
    if not ptr:
        return ""
    raw = ctypes.string_at(ptr, length) if length is not None else ctypes.string_at(ptr)
    return raw.decode("utf-8", "replace")


def _text(ev):
    p, n = ctypes.c_void_p(), ctypes.c_size_t()
    _check(L.gemini_live_event_text(ev, ctypes.byref(p), ctypes.byref(n)))
    return _string(p.value, n.value)


def _error(ev):
    code, msg = _lib.RESULT(), ctypes.c_void_p()
    _check(L.gemini_live_event_error(ev, ctypes.byref(code), ctypes.byref(msg)))
    return None if code.value == _lib.OK else error_for(code.value, _string(msg.value))


def _json(ev):
    p, n = ctypes.c_void_p(), ctypes.c_size_t()
    _check(L.gemini_live_event_json(ev, ctypes.byref(p), ctypes.byref(n)))
    return json.loads(_string(p.value, n.value))


def _audio(obj, ev):
    samples, n, rate = _lib._SAMPLES(), ctypes.c_size_t(), ctypes.c_uint32()
    _check(L.gemini_live_event_audio(ev, ctypes.byref(samples), ctypes.byref(n), ctypes.byref(rate)))
    pcm = ctypes.string_at(samples, n.value * 2) if n.value else b""
    if sys.byteorder == "big":
        a = array("h", pcm)
        a.byteswap()
        pcm = a.tobytes()
    obj.pcm, obj.sample_rate = pcm, rate.value


def _tool_calls(ev):
    count = ctypes.c_size_t()
    _check(L.gemini_live_event_tool_call_count(ev, ctypes.byref(count)))
    calls = []
    for i in range(count.value):
        id_, name, args = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p()
        _check(
            L.gemini_live_event_tool_call(
                ev, i, ctypes.byref(id_), ctypes.byref(name), ctypes.byref(args)
            )
        )
        calls.append(ToolCall(_string(id_.value), _string(name.value), json.loads(_string(args.value))))
    return calls


def from_c(ev):
    """Copies the C event ``ev`` into a Python event (the caller frees ``ev``)."""
    from .session import State  # late import: session imports this module

    type_ = L.gemini_live_event_type(ev)
    cls = _CLASSES.get(type_, Event)
    if cls is AudioEvent:
        obj = AudioEvent(type_, {})
        _audio(obj, ev)
        obj.data = {"type": "audio", "sample_rate": obj.sample_rate, "samples": len(obj.pcm) // 2}
        return obj
    obj = cls(type_, _json(ev))
    if isinstance(obj, TextEvent):
        obj.text = _text(ev)
    elif isinstance(obj, TranscriptionEvent):
        obj.text = _text(ev)
        done = ctypes.c_bool()
        _check(L.gemini_live_event_finished(ev, ctypes.byref(done)))
        obj.finished = done.value
    elif isinstance(obj, ToolCallEvent):
        obj.calls = _tool_calls(ev)
    elif isinstance(obj, InlineDataEvent):
        mime, data, n = ctypes.c_void_p(), ctypes.POINTER(ctypes.c_uint8)(), ctypes.c_size_t()
        _check(L.gemini_live_event_data(ev, ctypes.byref(mime), ctypes.byref(data), ctypes.byref(n)))
        obj.mime_type = _string(mime.value)
        obj.payload = ctypes.string_at(data, n.value) if n.value else b""
    elif isinstance(obj, StateChangedEvent):
        state = ctypes.c_uint32()
        _check(L.gemini_live_event_state(ev, ctypes.byref(state)))
        obj.state = State(state.value)
    elif isinstance(obj, ClosedEvent):
        code, reason = ctypes.c_uint16(), ctypes.c_void_p()
        _check(L.gemini_live_event_close(ev, ctypes.byref(code), ctypes.byref(reason)))
        obj.code, obj.reason, obj.error = code.value, _string(reason.value), _error(ev)
    elif isinstance(obj, (ErrorEvent, ReconnectingEvent)):
        err = _error(ev)
        if isinstance(obj, ErrorEvent):
            obj.error = err
        else:
            obj.cause = err
    return obj
