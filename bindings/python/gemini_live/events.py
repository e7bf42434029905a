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

The classes live in ``_event_base`` (``Event``, ``Usage``), ``_model_events`` (what the
model says) and ``_session_events`` (the session's own life); import them from here (or
from ``gemini_live``). This module also holds the tables ``_reader`` picks classes from.
"""

from __future__ import annotations

from typing import Dict, Type

from . import _lib
from ._event_base import Event, Usage
from ._model_events import (
    SetupCompleteEvent,
    TextEvent,
    ThoughtEvent,
    AudioEvent,
    InlineDataEvent,
    TranscriptionEvent,
    InputTranscriptionEvent,
    OutputTranscriptionEvent,
    InterimInputTranscriptionEvent,
    TextFinishedEvent,
    WaitingForInputEvent,
    VoiceActivityEvent,
    VadSignalEvent,
    GroundingEvent,
    UrlContextEvent,
    ToolCall,
    ToolCallEvent,
    ToolCallCancellationEvent,
    InterruptedEvent,
    GenerationCompleteEvent,
    TurnCompleteEvent,
    UsageEvent,
    TranscriptionDetailEvent,
    ThoughtSignatureEvent,
    VoiceConsentSignatureEvent,
    FunctionCallPartEvent,
)
from ._session_events import (
    GoAwayEvent,
    ResumptionUpdateEvent,
    StateChangedEvent,
    ReconnectingEvent,
    ResumedEvent,
    NewSessionEvent,
    ReplyDiscardedEvent,
    ContextLostEvent,
    ContextRestoredEvent,
    ToolCallsAbandonedEvent,
    InputDroppedEvent,
    ToolResponsesDroppedEvent,
    ErrorEvent,
    ClosedEvent,
)

__all__ = [
    "AudioEvent",
    "ClosedEvent",
    "ContextLostEvent",
    "ContextRestoredEvent",
    "ErrorEvent",
    "Event",
    "FunctionCallPartEvent",
    "GenerationCompleteEvent",
    "GoAwayEvent",
    "GroundingEvent",
    "InlineDataEvent",
    "InputDroppedEvent",
    "InputTranscriptionEvent",
    "InterimInputTranscriptionEvent",
    "InterruptedEvent",
    "NewSessionEvent",
    "OutputTranscriptionEvent",
    "ReconnectingEvent",
    "ReplyDiscardedEvent",
    "ResumedEvent",
    "ResumptionUpdateEvent",
    "SetupCompleteEvent",
    "StateChangedEvent",
    "TextEvent",
    "TextFinishedEvent",
    "ThoughtEvent",
    "ThoughtSignatureEvent",
    "ToolCall",
    "ToolCallCancellationEvent",
    "ToolCallEvent",
    "ToolCallsAbandonedEvent",
    "ToolResponsesDroppedEvent",
    "TranscriptionDetailEvent",
    "TranscriptionEvent",
    "TurnCompleteEvent",
    "UrlContextEvent",
    "Usage",
    "UsageEvent",
    "VadSignalEvent",
    "VoiceActivityEvent",
    "VoiceConsentSignatureEvent",
    "WaitingForInputEvent",
]

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
