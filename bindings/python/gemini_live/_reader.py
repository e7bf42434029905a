"""Turns a C event into a Python event (``from_c``) with the typed accessors of
``gemini_live.h``; audio becomes zero-copy views (``audio_view`` is the one function that
knows which accessor gives the samples)."""

from __future__ import annotations

import ctypes
import json
import sys
from array import array
from typing import Any, Callable, Dict, List, Optional

from . import _details, _lib
from ._cevent import CEvent, string
from ._fields import (
    _context_restored,
    _count,
    _ids,
    _input_dropped,
    _language_code,
    _reason,
    _reconnecting,
    _resumption,
    _session_id,
    _time_left_ms,
    _usage,
    _vad_signal,
    _voice_activity,
)
from .enums import Interaction, State
from .errors import GeminiLiveError, check, error_for
from .events import (
    _EMPTY_CLASSES,
    _JSON_CLASSES,
    AudioEvent,
    ClosedEvent,
    ContextLostEvent,
    ContextRestoredEvent,
    ErrorEvent,
    Event,
    GoAwayEvent,
    InlineDataEvent,
    InputDroppedEvent,
    InputTranscriptionEvent,
    InterimInputTranscriptionEvent,
    NewSessionEvent,
    OutputTranscriptionEvent,
    ReconnectingEvent,
    ReplyDiscardedEvent,
    ResumedEvent,
    ResumptionUpdateEvent,
    SetupCompleteEvent,
    StateChangedEvent,
    TextEvent,
    ThoughtEvent,
    ToolCall,
    ToolCallCancellationEvent,
    ToolCallEvent,
    ToolCallsAbandonedEvent,
    ToolResponsesDroppedEvent,
    TurnCompleteEvent,
    UsageEvent,
    VadSignalEvent,
    VoiceActivityEvent,
)

L = _lib.lib


def _text(ev: Any) -> str:
    p, n = ctypes.c_void_p(), ctypes.c_size_t()
    check(L.gemini_live_event_text(ev, ctypes.byref(p), ctypes.byref(n)))
    return string(p.value, n.value)


def _finished(ev: Any) -> bool:
    done = ctypes.c_bool()
    check(L.gemini_live_event_finished(ev, ctypes.byref(done)))
    return bool(done.value)


def _error(ev: Any) -> Optional[GeminiLiveError]:
    code, msg = _lib.RESULT(), ctypes.c_void_p()
    check(L.gemini_live_event_error(ev, ctypes.byref(code), ctypes.byref(msg)))
    return None if code.value == _lib.OK else error_for(code.value, string(msg.value))


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
        parsed = json.loads(string(args.value) or "{}")
        partial, more = ctypes.c_void_p(), ctypes.c_bool()
        check(
            L.gemini_live_event_tool_call_stream(ev, i, ctypes.byref(partial), ctypes.byref(more))
        )
        pieces = json.loads(string(partial.value) or "[]")
        calls.append(
            ToolCall(string(id_.value), string(name.value), parsed, pieces, bool(more.value))
        )
    return calls


def _inline_data(type_: int, ev: Any) -> InlineDataEvent:
    mime, data, n = ctypes.c_void_p(), ctypes.POINTER(ctypes.c_uint8)(), ctypes.c_size_t()
    check(L.gemini_live_event_data(ev, ctypes.byref(mime), ctypes.byref(data), ctypes.byref(n)))
    payload = ctypes.string_at(data, n.value) if n.value else b""
    return InlineDataEvent(type_, string(mime.value), payload)


def _state(ev: Any) -> State:
    state = ctypes.c_uint32()
    check(L.gemini_live_event_state(ev, ctypes.byref(state)))
    return State(state.value)


def _closed(type_: int, ev: Any) -> ClosedEvent:
    code, reason = ctypes.c_uint16(), ctypes.c_void_p()
    check(L.gemini_live_event_close(ev, ctypes.byref(code), ctypes.byref(reason)))
    return ClosedEvent(type_, code.value, string(reason.value), _error(ev))


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
    setattr(buf, "_owner", CEvent(ev))
    samples = memoryview(buf).cast("B").cast("h").toreadonly()
    if sys.byteorder == "little":
        pcm = samples.cast("B")
    else:  # pragma: no cover - big-endian hosts get a little-endian copy
        swapped = array("h", samples)
        swapped.byteswap()
        pcm = memoryview(swapped.tobytes())
    return AudioEvent(type_, samples, pcm, rate), False


_INTERACTION: Dict[int, str] = {
    Interaction.IN_PROGRESS: "in_progress",
    Interaction.IDLE: "idle",
    Interaction.REQUIRES_ACTION: "requires_action",
}


def _interaction(ev: Any) -> Optional[str]:
    status = ctypes.c_uint32()
    check(L.gemini_live_event_interaction_status(ev, ctypes.byref(status)))
    return _INTERACTION.get(status.value)


def _last_consumed_index(ev: Any) -> Optional[int]:
    index = ctypes.c_int64()
    check(L.gemini_live_event_last_consumed_index(ev, ctypes.byref(index)))
    return None if index.value < 0 else index.value


def from_c(ev: Any) -> "tuple[Event, bool]":
    """The Python event for the C event ``ev``, and whether the caller must free ``ev``
    now (False when the Python event took it: audio views, a structured kind's JSON not
    read yet)."""
    type_ = int(L.gemini_live_event_type(ev))
    if type_ == _lib.EVENT_AUDIO:
        return _audio(type_, ev)
    build = _BUILD.get(type_)
    if build is not None:
        return build(type_, ev), True
    empty = _EMPTY_CLASSES.get(type_)
    if empty is not None:
        return empty(type_), True
    # The structured kinds (code execution, grounding, URL context, unknown) and kinds newer
    # than this package: the Python event keeps the C event and renders the JSON when asked.
    return _JSON_CLASSES.get(type_, Event)(type_, CEvent(ev)), False


def _text_event(type_: int, ev: Any) -> Event:
    cls = TextEvent if type_ == _lib.EVENT_TEXT else ThoughtEvent
    return cls(type_, _text(ev))


def _transcription(type_: int, ev: Any) -> Event:
    cls = InputTranscriptionEvent if type_ == _lib.EVENT_INPUT_TRANSCRIPTION else (
        OutputTranscriptionEvent
    )
    return cls(type_, _text(ev), _finished(ev), _language_code(ev))


_BUILD: Dict[int, Callable[[int, Any], Event]] = {
    _lib.EVENT_TEXT: _text_event,
    _lib.EVENT_THOUGHT: _text_event,
    _lib.EVENT_TOOL_CALL: lambda t, ev: ToolCallEvent(t, _tool_calls(ev)),
    _lib.EVENT_INLINE_DATA: _inline_data,
    _lib.EVENT_STATE_CHANGED: lambda t, ev: StateChangedEvent(t, _state(ev)),
    _lib.EVENT_ERROR: lambda t, ev: ErrorEvent(t, _error(ev)),
    _lib.EVENT_CLOSED: _closed,
    _lib.EVENT_SETUP_COMPLETE: lambda t, ev: SetupCompleteEvent(t, _session_id(ev)),
    _lib.EVENT_INPUT_TRANSCRIPTION: _transcription,
    _lib.EVENT_OUTPUT_TRANSCRIPTION: _transcription,
    _lib.EVENT_INTERIM_INPUT_TRANSCRIPTION: lambda t, ev: InterimInputTranscriptionEvent(
        t, _text(ev), _language_code(ev)
    ),
    _lib.EVENT_TURN_COMPLETE: lambda t, ev: TurnCompleteEvent(
        t, _interaction(ev), _usage(ev), _reason(ev)
    ),
    _lib.EVENT_USAGE: lambda t, ev: UsageEvent(t, _usage(ev) or {}),
    _lib.EVENT_GO_AWAY: lambda t, ev: GoAwayEvent(t, _time_left_ms(ev)),
    _lib.EVENT_RESUMPTION_UPDATE: lambda t, ev: ResumptionUpdateEvent(
        t, *_resumption(ev), _last_consumed_index(ev)
    ),
    _lib.EVENT_RECONNECTING: lambda t, ev: ReconnectingEvent(t, *_reconnecting(ev), _error(ev)),
    _lib.EVENT_RESUMED: lambda t, ev: ResumedEvent(t, _count(ev)),
    _lib.EVENT_NEW_SESSION: lambda t, ev: NewSessionEvent(t, _count(ev)),
    _lib.EVENT_REPLY_DISCARDED: lambda t, ev: ReplyDiscardedEvent(t, _count(ev)),
    _lib.EVENT_CONTEXT_LOST: lambda t, ev: ContextLostEvent(t, _count(ev)),
    _lib.EVENT_CONTEXT_RESTORED: lambda t, ev: ContextRestoredEvent(t, *_context_restored(ev)),
    _lib.EVENT_TOOL_CALLS_ABANDONED: lambda t, ev: ToolCallsAbandonedEvent(t, _ids(ev)),
    _lib.EVENT_INPUT_DROPPED: lambda t, ev: InputDroppedEvent(t, *_input_dropped(ev)),
    _lib.EVENT_TOOL_CALL_CANCELLATION: lambda t, ev: ToolCallCancellationEvent(t, _ids(ev)),
    _lib.EVENT_TOOL_RESPONSES_DROPPED: lambda t, ev: ToolResponsesDroppedEvent(t, _ids(ev)),
    _lib.EVENT_VOICE_ACTIVITY: lambda t, ev: VoiceActivityEvent(t, *_voice_activity(ev)),
    _lib.EVENT_VAD_SIGNAL: lambda t, ev: VadSignalEvent(t, _vad_signal(ev)),
    **_details.BUILD,
}
"""How each kind with typed fields (or none) is read from its C accessors."""
