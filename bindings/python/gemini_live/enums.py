"""The header's enumerations as ``IntEnum``s: session state, event type, response modality,
connection phase, log level, interaction status, transcription direction and token
callback result. Each member is the ``GEMINI_LIVE_*`` constant of the same
name (a test checks every group against ``include/gemini_live.h``, both ways)."""

from __future__ import annotations

import enum

from . import _lib


class State(enum.IntEnum):
    """The state of a session (``GEMINI_LIVE_STATE_*``)."""

    CONNECTING = _lib.STATE_CONNECTING
    CONNECTED = _lib.STATE_CONNECTED
    RECONNECTING = _lib.STATE_RECONNECTING
    CLOSING = _lib.STATE_CLOSING
    CLOSED = _lib.STATE_CLOSED


class EventType(enum.IntEnum):
    """The type of an event (``GEMINI_LIVE_EVENT_*``); ``Event.kind`` is its lower-case name."""

    NONE = _lib.EVENT_NONE
    SETUP_COMPLETE = _lib.EVENT_SETUP_COMPLETE
    TEXT = _lib.EVENT_TEXT
    THOUGHT = _lib.EVENT_THOUGHT
    AUDIO = _lib.EVENT_AUDIO
    INLINE_DATA = _lib.EVENT_INLINE_DATA
    CODE_EXECUTION = _lib.EVENT_CODE_EXECUTION
    INPUT_TRANSCRIPTION = _lib.EVENT_INPUT_TRANSCRIPTION
    OUTPUT_TRANSCRIPTION = _lib.EVENT_OUTPUT_TRANSCRIPTION
    TOOL_CALL = _lib.EVENT_TOOL_CALL
    TOOL_CALL_CANCELLATION = _lib.EVENT_TOOL_CALL_CANCELLATION
    INTERRUPTED = _lib.EVENT_INTERRUPTED
    GENERATION_COMPLETE = _lib.EVENT_GENERATION_COMPLETE
    TURN_COMPLETE = _lib.EVENT_TURN_COMPLETE
    USAGE = _lib.EVENT_USAGE
    GROUNDING = _lib.EVENT_GROUNDING
    GO_AWAY = _lib.EVENT_GO_AWAY
    RESUMPTION_UPDATE = _lib.EVENT_RESUMPTION_UPDATE
    STATE_CHANGED = _lib.EVENT_STATE_CHANGED
    UNKNOWN = _lib.EVENT_UNKNOWN
    ERROR = _lib.EVENT_ERROR
    CLOSED = _lib.EVENT_CLOSED
    RECONNECTING = _lib.EVENT_RECONNECTING
    RESUMED = _lib.EVENT_RESUMED
    NEW_SESSION = _lib.EVENT_NEW_SESSION
    INPUT_DROPPED = _lib.EVENT_INPUT_DROPPED
    TOOL_RESPONSES_DROPPED = _lib.EVENT_TOOL_RESPONSES_DROPPED
    URL_CONTEXT = _lib.EVENT_URL_CONTEXT
    WAITING_FOR_INPUT = _lib.EVENT_WAITING_FOR_INPUT
    VOICE_ACTIVITY = _lib.EVENT_VOICE_ACTIVITY
    VAD_SIGNAL = _lib.EVENT_VAD_SIGNAL
    INTERIM_INPUT_TRANSCRIPTION = _lib.EVENT_INTERIM_INPUT_TRANSCRIPTION
    TEXT_FINISHED = _lib.EVENT_TEXT_FINISHED
    REPLY_DISCARDED = _lib.EVENT_REPLY_DISCARDED
    CONTEXT_LOST = _lib.EVENT_CONTEXT_LOST
    CONTEXT_RESTORED = _lib.EVENT_CONTEXT_RESTORED
    TOOL_CALLS_ABANDONED = _lib.EVENT_TOOL_CALLS_ABANDONED
    TRANSCRIPTION_DETAIL = _lib.EVENT_TRANSCRIPTION_DETAIL
    THOUGHT_SIGNATURE = _lib.EVENT_THOUGHT_SIGNATURE
    FUNCTION_CALL_PART = _lib.EVENT_FUNCTION_CALL_PART
    VOICE_CONSENT_SIGNATURE = _lib.EVENT_VOICE_CONSENT_SIGNATURE


class Modality(enum.IntEnum):
    """What the model answers with (``GEMINI_LIVE_MODALITY_*``)."""

    TEXT = _lib.MODALITY_TEXT
    AUDIO = _lib.MODALITY_AUDIO
    TEXT_AND_AUDIO = _lib.MODALITY_TEXT_AND_AUDIO


class Phase(enum.IntEnum):
    """A phase of connecting, with its own timeout (``GEMINI_LIVE_PHASE_*``)."""

    TCP_CONNECT = _lib.PHASE_TCP_CONNECT
    TLS_HANDSHAKE = _lib.PHASE_TLS_HANDSHAKE
    UPGRADE = _lib.PHASE_UPGRADE
    SETUP = _lib.PHASE_SETUP
    PROXY = _lib.PHASE_PROXY


class LogLevel(enum.IntEnum):
    """The library's log levels (``GEMINI_LIVE_LOG_*``)."""

    OFF = _lib.LOG_OFF
    ERROR = _lib.LOG_ERROR
    WARN = _lib.LOG_WARN
    INFO = _lib.LOG_INFO
    DEBUG = _lib.LOG_DEBUG
    TRACE = _lib.LOG_TRACE


class Interaction(enum.IntEnum):
    """A turn's ``interactionStatus`` (``GEMINI_LIVE_INTERACTION_*``);
    ``TurnCompleteEvent.interaction_status`` gives it as ``"in_progress"``/
    ``"requires_action"``/``"idle"``/None. Only ``IDLE`` ends the interaction."""

    NONE = _lib.INTERACTION_NONE
    IN_PROGRESS = _lib.INTERACTION_IN_PROGRESS
    IDLE = _lib.INTERACTION_IDLE
    REQUIRES_ACTION = _lib.INTERACTION_REQUIRES_ACTION


class Transcription(enum.IntEnum):
    """Which transcription options apply to (``GEMINI_LIVE_TRANSCRIPTION_*``)."""

    INPUT = _lib.TRANSCRIPTION_INPUT
    OUTPUT = _lib.TRANSCRIPTION_OUTPUT


class TokenResult(enum.IntEnum):
    """What an access-token callback returns (``GEMINI_LIVE_TOKEN_*``, Vertex AI;
    ``TOKEN_BUFFER_SIZE`` is the size of its buffer, not a member)."""

    OK = _lib.TOKEN_OK
    RETRY_LATER = _lib.TOKEN_RETRY_LATER
    FAILED = _lib.TOKEN_FAILED
